"""Cookie values that decode to CTLs or ``;`` never reach a Cookie header (issue 15, item 1).

The three ways into the jar (response headers, ``update_cookies``, ``load``) are each checked with
``quote_cookie`` on and off. ``AIOHTTP`` columns hold what aiohttp 3.14.5's jar produced for the
same input (observed, written down literally); ``SAME`` marks rows where httpwire does the same.
"""

from __future__ import annotations

import json
from http.cookies import Morsel
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from httpwire_cookies import FORMAT_NAME, CookieJar, InvalidCookieError
from httpwire_cookies._values import received_value, storable, wire_value

NOW = 1_700_000_000.0
URL_ = URL("http://example.com/")
SAME = "same as aiohttp"
REFUSED = "refused"


def _jar(quote_cookie: bool) -> CookieJar:
    return CookieJar(clock=lambda: NOW, quote_cookie=quote_cookie)


def _morsel(name: str, value: str, coded_value: str) -> Morsel[str]:
    morsel: Morsel[str] = Morsel()
    morsel.__setstate__({"key": name, "value": value, "coded_value": coded_value})  # type: ignore[attr-defined]
    return morsel


# -- the rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coded", "value"),
    [
        ("plain", "plain"),
        ('"quoted"', "quoted"),
        ('"a\\"b"', 'a"b'),
        ('"b\\073 admin=1"', "b; admin=1"),
        ('"a\\011b"', "a\tb"),
        ('"x\\015\\012X-Injected: 1"', None),
        ('"a\\000b"', None),
        ('"a\\177b"', None),
        ('"unterminated', '"unterminated'),
        ('"', '"'),
    ],
)
def test_received_value(coded: str, value: str | None) -> None:
    assert received_value(coded) == value


@pytest.mark.parametrize(
    ("value", "coded", "expected"),
    [
        ("v", "v", True),
        ("a;b", '"a\\073b"', True),
        ("a\tb", "a\tb", True),
        ("a;b", "a;b", False),
        ("x\r\ny", '"x\\015\\012y"', False),
        ("v", "v\r\nX: 1", False),
        ("\x7f", '"\\177"', False),
    ],
)
def test_storable(value: str, coded: str, expected: bool) -> None:
    assert storable(value, coded) is expected


@pytest.mark.parametrize(
    ("value", "coded", "quote_cookie", "sent"),
    [
        ("a b", '"a b"', True, '"a b"'),
        ("a b", '"a b"', False, "a b"),
        ("b; admin=1", '"b\\073 admin=1"', False, '"b\\073 admin=1"'),
        ("a\tb", '"a\\011b"', False, '"a\\011b"'),
        ("a\tb", "a\tb", False, "a\tb"),
    ],
)
def test_wire_value(value: str, coded: str, quote_cookie: bool, sent: str) -> None:
    assert wire_value(value, coded, quote_cookie) == sent


# -- responses -------------------------------------------------------------------------------

HEADER_CASES = [
    # (Set-Cookie field, quote_cookie, aiohttp's Cookie header, httpwire's)
    ('sid="x\\015\\012X-Injected: 1"', True, "", SAME),
    ('sid="x\\015\\012X-Injected: 1"', False, "", SAME),
    ('a="b\\073 admin=1"', True, 'a="b\\073 admin=1"', SAME),
    # aiohttp sends the decoded value, which adds a cookie "admin=1".
    ('a="b\\073 admin=1"', False, "a=b; admin=1", 'a="b\\073 admin=1"'),
    ('n="a\\000b"', True, "", SAME),
    ('n="a\\000b"', False, "", SAME),
    ('d="a\\177b"', False, "", SAME),
    # aiohttp drops any value holding a tab; httpwire keeps it, sent as received.
    ('t="a\\011b"', True, "", 't="a\\011b"'),
    ('t="a\\011b"', False, "", 't="a\\011b"'),
    ('q="plain"', True, 'q="plain"', SAME),
    ('q="plain"', False, "q=plain", SAME),
    ('e="a\\"b"', False, 'e=a"b', SAME),
]


@pytest.mark.parametrize(("field", "quote_cookie", "aiohttp", "httpwire"), HEADER_CASES)
def test_response_values(field: str, quote_cookie: bool, aiohttp: str, httpwire: str) -> None:
    jar = _jar(quote_cookie)
    jar.update_cookies_from_headers([field], URL_)
    assert jar.cookie_header(URL_) == (aiohttp if httpwire == SAME else httpwire)


def test_refused_response_value_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    jar = _jar(False)
    with caplog.at_level("WARNING", logger="httpwire.cookies"):
        jar.update_cookies_from_headers(['sid="x\\015\\012X: 1"', "ok=1"], URL_)
    assert caplog.messages == [
        "cookie 'sid' from example.com ignored: its quoted value decodes to control characters"
    ]
    assert jar.cookie_header(URL_) == "ok=1"


def test_filter_cookies_morsel_carries_the_coded_form() -> None:
    jar = _jar(False)
    jar.update_cookies_from_headers(['a="b\\073 admin=1"'], URL_)
    morsel = jar.filter_cookies(URL_)["a"]
    assert (morsel.value, morsel.coded_value) == ("b; admin=1", '"b\\073 admin=1"')


# -- update_cookies --------------------------------------------------------------------------

UPDATE_CASES: list[tuple[str | Morsel[str], bool, str, str]] = [
    # (value given, quote_cookie, aiohttp's Cookie header, httpwire's)
    ("x\r\ny", True, "", REFUSED),
    ("x\r\ny", False, "", REFUSED),
    ("a;b", True, 'a="a\\073b"', SAME),
    # aiohttp sends "a;b" unquoted, which adds a cookie "b".
    ("a;b", False, "a=a;b", REFUSED),
    ("a b", False, "a=a b", SAME),
    (_morsel("a", "b; admin=1", '"b\\073 admin=1"'), True, 'a="b\\073 admin=1"', SAME),
    (_morsel("a", "b; admin=1", '"b\\073 admin=1"'), False, "a=b; admin=1", 'a="b\\073 admin=1"'),
    (_morsel("a", "x\r\ny", '"x\\015\\012y"'), True, "", REFUSED),
    (_morsel("a", "x\r\ny", '"x\\015\\012y"'), False, "", REFUSED),
]


@pytest.mark.parametrize(("given", "quote_cookie", "aiohttp", "httpwire"), UPDATE_CASES)
def test_update_cookies_values(
    given: str | Morsel[str], quote_cookie: bool, aiohttp: str, httpwire: str
) -> None:
    jar = _jar(quote_cookie)
    if httpwire == REFUSED:
        with pytest.raises(InvalidCookieError, match="cannot be sent"):
            jar.update_cookies({"a": given}, URL_)
        assert len(jar) == 0
        return
    jar.update_cookies({"a": given}, URL_)
    assert jar.cookie_header(URL_) == (aiohttp if httpwire == SAME else httpwire)


# -- load ------------------------------------------------------------------------------------

LOAD_CASES = [
    # (value, coded_value, quote_cookie, aiohttp's header after loading its own file, httpwire's)
    ("x\r\nX-Injected: 1", '"x\\015\\012X-Injected: 1"', True, "", SAME),
    ("x\r\nX-Injected: 1", '"x\\015\\012X-Injected: 1"', False, "", SAME),
    ("b; admin=1", '"b\\073 admin=1"', True, 'c="b\\073 admin=1"', SAME),
    ("b; admin=1", '"b\\073 admin=1"', False, "c=b; admin=1", 'c="b\\073 admin=1"'),
    ("v", "v\r\nX: 1", False, "", SAME),
    # aiohttp re-quotes (True) or sends as it is (False); httpwire skips the entry.
    ("a;b", "a;b", True, 'c="a\\073b"', ""),
    ("a;b", "a;b", False, "c=a;b", ""),
    ("v", "v", False, "c=v", SAME),
]


@pytest.mark.parametrize(("value", "coded", "quote_cookie", "aiohttp", "httpwire"), LOAD_CASES)
@pytest.mark.parametrize("layout", ["httpwire", "aiohttp"])
def test_loaded_values(
    tmp_path: Path,
    layout: str,
    value: str,
    coded: str,
    quote_cookie: bool,
    aiohttp: str,
    httpwire: str,
) -> None:
    entry = {"key": "c", "value": value, "coded_value": coded}
    if layout == "aiohttp":
        document: object = {"example.com|": {"c": {**entry, "path": "/", "host_only": True}}}
    else:
        document = {
            "format": FORMAT_NAME,
            "version": 1,
            "cookies": [
                {
                    "name": "c",
                    "value": value,
                    "coded_value": coded,
                    "domain": "example.com",
                    "path": "/",
                    "host_only": True,
                    "secure": False,
                    "http_only": False,
                    "same_site": None,
                    "expires": None,
                    "creation": NOW,
                }
            ],
        }
    path = tmp_path / "jar.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    jar = _jar(quote_cookie)
    jar.load(path)
    assert jar.cookie_header(URL_) == (aiohttp if httpwire == SAME else httpwire)


def test_saved_semicolon_value_survives_a_round_trip(tmp_path: Path) -> None:
    jar = _jar(True)
    jar.update_cookies_from_headers(['a="b\\073 admin=1"'], URL_)
    jar.update_cookies({"p": "x;y"}, URL_)
    jar.save(tmp_path / "jar.json")
    for quote_cookie in (True, False):
        loaded = _jar(quote_cookie)
        loaded.load(tmp_path / "jar.json")
        assert loaded.cookie_header(URL_) == 'a="b\\073 admin=1"; p="x\\073y"'


# -- property --------------------------------------------------------------------------------

_ESCAPE = st.one_of(
    st.integers(0, 0o377).map(lambda code: f"\\{code:03o}"),
    st.sampled_from(['\\"', "\\\\", "\\;", "\\\t"]),
    st.text(alphabet='abc =,;"\\\t', min_size=1, max_size=3),
)


@settings(max_examples=300)
@given(
    st.lists(st.lists(_ESCAPE, max_size=6).map(lambda parts: '"' + "".join(parts) + '"')),
    st.booleans(),
)
def test_no_decoded_value_splits_the_header(values: list[str], quote_cookie: bool) -> None:
    jar = _jar(quote_cookie)
    jar.update_cookies_from_headers([f"c{i}={v}" for i, v in enumerate(values)], URL_)
    pairs = jar.cookie_pairs(URL_)
    header = jar.cookie_header(URL_)
    assert header.count(";") == max(len(pairs) - 1, 0)
    assert not {chr(c) for c in range(32) if c != 9} & set(header)
    assert "\x7f" not in header
