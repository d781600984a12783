"""The storage and sending rules of ``CookieJar`` (RFC 6265 §5.3-§5.4, plus the safety rules)."""

from __future__ import annotations

import logging
from http.cookies import CookieError, Morsel, SimpleCookie

import pytest
from yarl import URL

from httpwire_cookies import CookieJar, InvalidCookieError, InvalidCookieURLError


class Clock:
    """A settable clock for the jar."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def jar(clock: Clock) -> CookieJar:
    return CookieJar(clock=clock)


SAME = "same as aiohttp"


def header(jar: CookieJar, url: str) -> str:
    return jar.cookie_header(URL(url))


def store(jar: CookieJar, url: str, *fields: str) -> None:
    jar.update_cookies_from_headers(list(fields), URL(url))


# -- host-only and domain cookies ----------------------------------------------------------


def test_host_only_cookie_is_not_sent_to_subdomains(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1")
    assert header(jar, "http://example.com/") == "a=1"
    assert header(jar, "http://www.example.com/") == ""
    # Keyed as aiohttp keys them: the path without its trailing slash.
    assert jar.host_only_cookies == frozenset({("example.com", "", "a")})


def test_domain_cookie_is_sent_to_subdomains_not_siblings(jar: CookieJar) -> None:
    store(jar, "http://www.example.com/", "a=1; Domain=.Example.COM")
    assert header(jar, "http://example.com/") == "a=1"
    assert header(jar, "http://deep.www.example.com/") == "a=1"
    assert header(jar, "http://notexample.com/") == ""
    assert jar.host_only_cookies == frozenset()


def test_domain_attribute_must_match_the_response_host(jar: CookieJar) -> None:
    store(
        jar, "http://www.example.com/", "a=1; Domain=other.com", "b=2; Domain=sub.www.example.com"
    )
    assert len(jar) == 0


def test_domain_equal_to_host_and_host_only_are_the_same_cookie(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1", "a=2; Domain=example.com")
    assert len(jar) == 1
    assert header(jar, "http://www.example.com/") == "a=2"


def test_single_label_domain_is_refused(jar: CookieJar) -> None:
    store(jar, "http://www.example.com/", "a=1; Domain=com", "b=2; Domain=.com")
    assert len(jar) == 0


def test_single_label_domain_naming_the_host_becomes_host_only(jar: CookieJar) -> None:
    store(jar, "http://intranet/", "a=1; Domain=intranet")
    assert jar.host_only_cookies == frozenset({("intranet", "", "a")})


def test_public_suffix_hook_refuses_multi_label_suffixes(clock: Clock) -> None:
    suffixes = {"co.uk", "uk"}
    jar = CookieJar(clock=clock, is_public_suffix=suffixes.__contains__)
    store(jar, "http://shop.example.co.uk/", "a=1; Domain=co.uk", "b=2; Domain=example.co.uk")
    assert header(jar, "http://www.example.co.uk/") == "b=2"


def test_non_ascii_domain_attribute_is_compared_in_punycode(jar: CookieJar) -> None:
    store(jar, "http://www.bücher.de/", "a=1; Domain=bücher.de")
    assert header(jar, "http://shop.xn--bcher-kva.de/") == "a=1"


W, E, S = "https://www.example.com/", "https://example.com/", "https://sub.example.com/"
HOME = "http://home.example.org:8888/cookie-parser"
# (steps, request URL, what aiohttp 3.14.5's filter_cookies gave, httpwire's cookie_header)
SAME_NAME_CASES: dict[str, tuple[list[tuple[str, str]], str, str, str]] = {
    "host then domain": (
        [(W, "a=host"), (W, "a=dom; Domain=example.com")],
        W,
        "host",
        "a=host; a=dom",
    ),
    "domain then host": (
        [(W, "a=dom; Domain=example.com"), (W, "a=host")],
        W,
        "host",
        "a=dom; a=host",
    ),
    "domain cookie elsewhere": (
        [(W, "a=host"), (W, "a=dom; Domain=example.com")],
        S,
        "dom",
        "a=dom",
    ),
    "host at /, domain at /app": (
        [(W, "a=host"), (W, "a=dom; Domain=example.com; Path=/app")],
        W + "app/x",
        "host",
        "a=dom; a=host",
    ),
    "host at /app, domain at /": (
        [(W, "a=host; Path=/app"), (W, "a=dom; Domain=example.com")],
        W + "app/x",
        "host",
        "a=host; a=dom",
    ),
    "apex replaced, www kept": (
        [(E, "a=apex"), (W, "a=www"), (W, "a=dom; Domain=example.com")],
        W,
        "www",
        "a=dom; a=www",
    ),
    # The IETF case ordering0001: the header is RFC 6265's order, filter_cookies aiohttp's pick.
    "ordering0001": (
        [
            (HOME, "key=val0;"),
            (HOME, "key=val1; path=/cookie-parser-result"),
            (HOME, "key=val2; path=/"),
            (HOME, "key=val3; path=/bar"),
            (HOME, "key=val4; domain=.example.org"),
            (HOME, "key=val5; domain=.example.org; path=/cookie-parser-result/foo"),
        ],
        "http://home.example.org:8888/cookie-parser-result/foo/baz",
        "val1",
        "key=val5; key=val1; key=val2; key=val4",
    ),
}


@pytest.mark.parametrize(
    ("steps", "url", "aiohttp", "cookie_header"),
    SAME_NAME_CASES.values(),
    ids=SAME_NAME_CASES.keys(),
)
def test_most_specific_same_name_cookie_wins_in_filter_cookies(
    jar: CookieJar, steps: list[tuple[str, str]], url: str, aiohttp: str, cookie_header: str
) -> None:
    for response_url, field in steps:
        store(jar, response_url, field)
    (morsel,) = jar.filter_cookies(URL(url)).values()
    assert morsel.value == aiohttp
    assert header(jar, url) == cookie_header


# (steps, then for example.com and sub.example.com what aiohttp 3.14.5 sent, and whether the
# cookie "a" of example.com was host-only there)
HOST_ONLY_MARKER_CASES: dict[str, tuple[list[tuple[str, str]], str, str, bool]] = {
    "expiry on another path": ([(E, "a=1"), (E, "a=x; Path=/other; Max-Age=0")], "a=1", "", True),
    "domain expiry on another path": (
        [(E, "a=1"), (E, "a=x; Domain=example.com; Path=/other; Max-Age=0")],
        "a=1",
        "",
        True,
    ),
    "explicit Domain replaces": ([(E, "a=1"), (E, "a=2; Domain=example.com")], "a=2", "a=2", False),
    "explicit Domain from a subdomain": (
        [(E, "a=1"), (W, "a=2; Domain=example.com")],
        "a=2",
        "a=2",
        False,
    ),
    "host-only again": (
        [(E, "a=1"), (E, "a=2; Domain=example.com"), (E, "a=3")],
        "a=3",
        "",
        True,
    ),
    "domain deletion removes it": (
        [(E, "a=1"), (W, "a=2; Domain=example.com; Max-Age=0")],
        "",
        "",
        False,
    ),
}


@pytest.mark.parametrize(
    ("steps", "apex", "sub", "host_only"),
    HOST_ONLY_MARKER_CASES.values(),
    ids=HOST_ONLY_MARKER_CASES.keys(),
)
def test_host_only_marker_like_aiohttp(
    jar: CookieJar, steps: list[tuple[str, str]], apex: str, sub: str, host_only: bool
) -> None:
    for response_url, field in steps:
        store(jar, response_url, field)
    assert header(jar, E) == apex
    assert header(jar, S) == sub
    assert (("example.com", "", "a") in jar.host_only_cookies) is host_only


# -- IP hosts --------------------------------------------------------------------------------


def test_ip_hosts_are_ignored_unless_unsafe(clock: Clock) -> None:
    jar = CookieJar(clock=clock)
    store(jar, "http://192.168.1.10/", "a=1")
    store(jar, "http://[2001:db8::1]/", "b=2")
    jar.update_cookies({"c": "3"}, URL("http://10.0.0.1/"))
    assert len(jar) == 0

    unsafe = CookieJar(unsafe=True, clock=clock)
    assert unsafe.unsafe
    store(unsafe, "http://192.168.1.10/", "a=1")
    store(unsafe, "http://[2001:db8::1]/", "b=2")
    assert header(unsafe, "http://192.168.1.10/") == "a=1"
    assert header(unsafe, "http://[2001:db8::1]/") == "b=2"
    assert header(unsafe, "http://192.168.1.11/") == ""


def test_domain_attribute_never_widens_an_ip_host(clock: Clock) -> None:
    jar = CookieJar(unsafe=True, clock=clock)
    store(jar, "http://10.0.0.1/", "a=1; Domain=0.0.1")
    assert len(jar) == 0


def test_shared_cookies_are_sent_to_ip_hosts_but_host_cookies_are_not(jar: CookieJar) -> None:
    jar.update_cookies({"shared": "1"})
    assert header(jar, "http://127.0.0.1/") == "shared=1"


# -- Secure --------------------------------------------------------------------------------


def test_secure_cookie_only_over_https_and_wss(jar: CookieJar) -> None:
    store(jar, "https://example.com/", "s=1; Secure", "p=2")
    assert header(jar, "https://example.com/") == "s=1; p=2"
    assert header(jar, "wss://example.com/") == "s=1; p=2"
    assert header(jar, "http://example.com/") == "p=2"
    assert header(jar, "ws://example.com/") == "p=2"


def test_secure_cookie_from_plain_http_is_ignored(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "s=1; Secure")
    assert len(jar) == 0


def test_plain_http_cannot_replace_or_shadow_a_secure_cookie(jar: CookieJar) -> None:
    store(jar, "https://example.com/", "s=secret; Secure; Path=/")
    store(jar, "http://example.com/", "s=evil", "s=evil2; Path=/deeper", "other=ok")
    assert header(jar, "https://example.com/deeper/x") == "s=secret; other=ok"
    store(jar, "http://www.example.com/", "s=evil3; Domain=example.com")
    assert header(jar, "https://example.com/") == "s=secret; other=ok"


def test_treat_as_secure_origin(clock: Clock) -> None:
    jar = CookieJar(
        clock=clock, treat_as_secure_origin=["http://dev.test:8080", URL("http://x.test")]
    )
    assert jar.treat_as_secure_origin == frozenset(
        {URL("http://dev.test:8080"), URL("http://x.test")}
    )
    store(jar, "http://dev.test:8080/", "s=1; Secure")
    assert header(jar, "http://dev.test:8080/") == "s=1"
    assert header(jar, "http://dev.test:8081/") == ""
    single = CookieJar(clock=clock, treat_as_secure_origin="http://dev.test:8080")
    assert single.treat_as_secure_origin == frozenset({URL("http://dev.test:8080")})


@pytest.mark.parametrize("host", ["localhost", "app.localhost", "127.0.0.1", "[::1]"])
def test_loopback_hosts_are_secure_origins(host: str, clock: Clock) -> None:
    jar = CookieJar(unsafe=True, clock=clock)
    store(jar, f"http://{host}:8000/", "s=1; Secure")
    assert header(jar, f"http://{host}:8000/") == "s=1"


# -- paths -----------------------------------------------------------------------------------


def test_default_path_is_the_directory_of_the_response(jar: CookieJar) -> None:
    store(jar, "http://example.com/a/b/page?q=1", "c=1")
    assert jar.cookies[("example.com", "/a/b")]["c"].value == "1"
    assert header(jar, "http://example.com/a/b") == "c=1"
    assert header(jar, "http://example.com/a/b/c") == "c=1"
    assert header(jar, "http://example.com/a/bc") == ""
    assert header(jar, "http://example.com/a") == ""


def test_path_attribute_not_starting_with_slash_gives_default_path(jar: CookieJar) -> None:
    store(jar, "http://example.com/dir/page", "c=1; Path=relative")
    assert set(jar.cookies) == {("example.com", "/dir")}


# (Set-Cookie field from https://www.example.com/dir/page, what aiohttp 3.14.5 stored: domain,
# path, host-only, expiring, SameSite, Secure; None for no cookie; then httpwire's if different)
Stored = tuple[str, str, bool, bool, str, bool] | None
WWW = "www.example.com"
QUOTED_ATTRIBUTE_CASES: list[tuple[str, Stored, Stored | str]] = [
    ('c=1; Path="/a;b"', (WWW, "/a;b", True, False, "", False), SAME),
    ('c=1; Path="/a"', (WWW, "/a", True, False, "", False), SAME),
    ('c=1; Path = "/a;b" ; Secure', (WWW, "/a;b", True, False, "", True), SAME),
    ('c=1; Path="/a\\"b"', (WWW, '/a"b', True, False, "", False), SAME),
    ('c=1; Path="/a\\073b"', (WWW, "/a;b", True, False, "", False), SAME),
    ('c=1; Path="/a\\012b"', (WWW, "/dir", True, False, "", False), SAME),
    ('c=1; Path="/a"x', (WWW, "/dir", True, False, "", False), SAME),
    ('c=1; Path="/a;b', (WWW, "/dir", True, False, "", False), SAME),
    ('c=1; Path=""', (WWW, "/dir", True, False, "", False), SAME),
    ('c=1; Path="/a;b"; Path=/z', (WWW, "/z", True, False, "", False), SAME),
    ('c=1; Domain="example.com"', ("example.com", "/dir", False, False, "", False), SAME),
    ('c=1; Domain=".example.com"', ("example.com", "/dir", False, False, "", False), SAME),
    ('c=1;Path="/p";Domain="example.com"', ("example.com", "/p", False, False, "", False), SAME),
    ('c=1; Domain="www.example.com;x"', None, SAME),
    ('c=1; Domain="other.com"', None, SAME),
    ('c=1; Max-Age="100"', (WWW, "/dir", True, True, "", False), SAME),
    ('c=1; Max-Age="0"', None, SAME),
    ('c=1; Expires="Wed, 21 Oct 2037 07:28:00 GMT"', (WWW, "/dir", True, True, "", False), SAME),
    ('c=1; SameSite="Strict"', (WWW, "/dir", True, False, "Strict", False), SAME),
    # Attributes are separated by ";" only (aiohttp also splits at blanks): Path is not a quoted
    # string here and Secure is part of the ignored rest.
    (
        'c=1; Path="/a;b" Secure',
        (WWW, "/a;b", True, False, "", True),
        (WWW, "/dir", True, False, "", False),
    ),
    # A quote inside a value does not start a quoted string (RFC 6265: the path is /a").
    (
        'c=1; Path=/a";b"',
        (WWW, "/dir", True, False, "", False),
        (WWW, '/a"', True, False, "", False),
    ),
]


@pytest.mark.parametrize(("field", "aiohttp", "httpwire"), QUOTED_ATTRIBUTE_CASES)
def test_quoted_attributes_like_aiohttp(
    jar: CookieJar, field: str, aiohttp: Stored, httpwire: Stored | str
) -> None:
    store(jar, "https://www.example.com/dir/page", field)
    stored = [
        (
            m["domain"],
            m["path"],
            (m["domain"], m["path"], m.key) in jar.host_only_cookies,
            bool(m["expires"]),
            m["samesite"],
            bool(m["secure"]),
        )
        for m in jar
    ]
    expected = aiohttp if httpwire == SAME else httpwire
    assert stored == ([] if expected is None else [expected])


def test_quoted_path_with_a_semicolon_keeps_its_scope(jar: CookieJar) -> None:
    store(jar, "https://www.example.com/dir/page", 'c=1; Path="/a;b"')
    assert header(jar, "https://www.example.com/a;b/x") == "c=1"
    assert header(jar, "https://www.example.com/a;b") == "c=1"
    assert header(jar, "https://www.example.com/a") == ""
    assert header(jar, "https://www.example.com/dir/page") == ""


# -- expiry ----------------------------------------------------------------------------------


def test_max_age_wins_over_expires(jar: CookieJar, clock: Clock) -> None:
    store(jar, "http://example.com/", "a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    store(jar, "http://example.com/", "b=2; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Max-Age=0")
    assert header(jar, "http://example.com/") == "a=1"
    clock.now += 61
    assert header(jar, "http://example.com/") == ""
    assert len(jar) == 0


def test_expires_in_the_past_deletes(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1", "b=2")
    store(jar, "http://example.com/", "a=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    assert header(jar, "http://example.com/") == "b=2"


@pytest.mark.parametrize("max_age", ["0", "-1", "-99999999999999999999999"])
def test_non_positive_max_age_deletes(jar: CookieJar, max_age: str) -> None:
    store(jar, "http://example.com/", "a=1")
    store(jar, "http://example.com/", f"a=1; Max-Age={max_age}")
    assert len(jar) == 0


def test_deletion_needs_the_same_domain_and_path(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1; Path=/x")
    store(jar, "http://example.com/", "a=1; Max-Age=0")
    assert len(jar) == 1


def test_expired_cookies_are_purged_from_len_iter_and_filter(jar: CookieJar, clock: Clock) -> None:
    store(jar, "http://example.com/", "a=1; Max-Age=10", "b=2; Max-Age=20", "c=3")
    clock.now += 15
    assert len(jar) == 2
    assert [m.key for m in jar] == ["b", "c"]
    clock.now += 10
    assert list(jar.filter_cookies(URL("http://example.com/"))) == ["c"]


def test_huge_max_age_is_clamped(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1; Max-Age=99999999999999999999999999")
    (morsel,) = list(jar)
    assert morsel["expires"] == "Fri, 31 Dec 9999 23:59:59 GMT"


def test_session_cookie_has_no_expires(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1")
    (morsel,) = list(jar)
    assert morsel["expires"] == ""


def test_replacing_keeps_creation_time_and_order(jar: CookieJar, clock: Clock) -> None:
    store(jar, "http://example.com/", "a=1")
    clock.now += 5
    store(jar, "http://example.com/", "b=2")
    clock.now += 5
    store(jar, "http://example.com/", "a=3")
    assert header(jar, "http://example.com/") == "a=3; b=2"
    saved = {m.key: m for m in jar}
    assert list(saved) == ["a", "b"]


def test_expiry_heap_stays_bounded_under_replacement(jar: CookieJar) -> None:
    for i in range(2000):
        store(jar, "http://example.com/", f"a={i}; Max-Age=1000")
    assert len(jar) == 1
    assert len(jar._store.heap) <= 2 * len(jar) + 64


# -- order (§5.4) ------------------------------------------------------------------------


def test_longer_paths_first_then_earlier_creation(jar: CookieJar, clock: Clock) -> None:
    store(jar, "http://example.com/", "root=1; Path=/")
    clock.now += 1
    store(jar, "http://example.com/", "deep=2; Path=/a/b")
    clock.now += 1
    store(jar, "http://example.com/", "mid=3; Path=/a")
    clock.now += 1
    store(jar, "http://www.example.com/", "dom=4; Domain=example.com; Path=/a")
    assert header(jar, "http://example.com/a/b/c") == "deep=2; mid=3; dom=4; root=1"
    assert header(jar, "http://www.example.com/a/b/c") == "dom=4"


def test_same_name_cookies_are_all_sent_most_specific_first(jar: CookieJar) -> None:
    store(
        jar, "http://www.example.com/", "k=host", "k=domain; Domain=example.com", "k=deep; Path=/x"
    )
    assert jar.cookie_pairs(URL("http://www.example.com/x/y")) == [
        ("k", "deep"),
        ("k", "host"),
        ("k", "domain"),
    ]
    filtered = jar.filter_cookies(URL("http://www.example.com/x/y"))
    assert isinstance(filtered, SimpleCookie)
    assert filtered["k"].value == "deep"


# -- limits ----------------------------------------------------------------------------------

_GOOD = [f"g{i:02d}=v" for i in range(60)]
# (ten fields sent before the 60 good ones, response URL, what aiohttp 3.14.5 kept: cookies in
# all and good ones among them, then what httpwire keeps when it differs). aiohttp counts every
# field that parses into a cookie, before the domain checks; the good ones kept are the first.
RESPONSE_CAP_CASES = [
    ("no others", [], "https://www.example.com/", (50, 50), None),
    (
        "deletions",
        [f"x{i}=v; Max-Age=0" for i in range(10)],
        "https://www.example.com/",
        (40, 40),
        None,
    ),
    (
        "wrong Domain",
        [f"x{i}=v; Domain=other.com" for i in range(10)],
        "https://www.example.com/",
        (40, 40),
        None,
    ),
    ("same name", ["dup=1"] * 10, "https://www.example.com/", (41, 40), None),
    ("no '='", [f"x{i}" for i in range(10)], "https://www.example.com/", (50, 50), None),
    ("empty", [""] * 10, "https://www.example.com/", (50, 50), None),
    ("control character", ["x=a\x01"] * 10, "https://www.example.com/", (50, 50), None),
    ("oversize", ["x=" + "y" * 5000] * 10, "https://www.example.com/", (50, 50), None),
    ("decodes to CR LF", ['x="a\\015\\012"'] * 10, "https://www.example.com/", (50, 50), None),
    # Deliberate differences: httpwire refuses these cookies, but they were taken and count.
    (
        "Secure over http",
        [f"x{i}=v; Secure" for i in range(10)],
        "http://www.example.com/",
        (50, 40),
        (40, 40),
    ),
    (
        "public suffix",
        [f"x{i}=v; Domain=com" for i in range(10)],
        "https://www.example.com/",
        (50, 40),
        (40, 40),
    ),
    # aiohttp refuses names outside its allowlist before counting; RFC 6265 keeps them.
    (
        "space in name",
        [f"x {i}=v" for i in range(10)],
        "https://www.example.com/",
        (50, 50),
        (50, 40),
    ),
]


@pytest.mark.parametrize(
    ("before", "url", "aiohttp", "httpwire"),
    [case[1:] for case in RESPONSE_CAP_CASES],
    ids=[case[0] for case in RESPONSE_CAP_CASES],
)
def test_per_response_cap_counts_like_aiohttp(
    clock: Clock,
    before: list[str],
    url: str,
    aiohttp: tuple[int, int],
    httpwire: tuple[int, int] | None,
) -> None:
    jar = CookieJar(clock=clock)
    store(jar, url, *before, *_GOOD)
    total, good = httpwire or aiohttp
    assert len(jar) == total
    assert sorted(m.key for m in jar if m.key.startswith("g")) == [f"g{i:02d}" for i in range(good)]


def test_per_response_cap_is_configurable_and_logged(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    jar = CookieJar(clock=clock, max_cookies_per_response=3)
    with caplog.at_level("WARNING", logger="httpwire.cookies"):
        store(jar, "http://example.com/", "a=1", "b=2; Max-Age=0", "c=3", "d=4", "e=5")
    assert header(jar, "http://example.com/") == "a=1; c=3"
    assert caplog.record_tuples == [
        (
            "httpwire.cookies",
            logging.WARNING,
            "ignored 2 Set-Cookie field(s) from example.com over the 3-cookie response limit",
        )
    ]
    store(jar, "http://example.com/", "d=4")
    assert header(jar, "http://example.com/") == "a=1; c=3; d=4"


def test_per_response_cap_leaves_update_cookies_alone(jar: CookieJar) -> None:
    jar.update_cookies({f"c{i}": "v" for i in range(60)}, URL("http://example.com/"))
    assert len(jar) == 60


def test_per_response_cap_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        CookieJar(max_cookies_per_response=0)


def test_per_domain_limit_evicts_least_recently_used(clock: Clock) -> None:
    # A quota equal to the limit evicts one cookie at a time, so the order shows.
    jar = CookieJar(clock=clock, max_cookies_per_domain=3, cookie_quota_per_domain=3)
    store(jar, "http://example.com/", "a=1", "b=2", "c=3")
    header(jar, "http://example.com/")  # all used once
    store(jar, "http://example.com/", "a=1b")  # replace: no eviction
    assert len(jar) == 3
    jar.cookie_header(URL("http://example.com/"))
    store(jar, "http://example.com/other/x", "d=4")  # not used yet by any request
    assert len(jar) == 3
    store(jar, "http://other.com/", "z=1")
    assert len(jar) == 4
    assert "d=4" in header(jar, "http://example.com/other/x")


def test_per_domain_limit_keeps_the_newest_cookie(clock: Clock) -> None:
    jar = CookieJar(clock=clock, max_cookies_per_domain=2, cookie_quota_per_domain=2)
    store(jar, "http://example.com/", "a=1", "b=2", "c=3")
    assert header(jar, "http://example.com/") == "b=2; c=3"


def test_total_limit(clock: Clock) -> None:
    jar = CookieJar(clock=clock, max_cookies=20)
    for i in range(30):
        store(jar, f"http://site{i}.example/", f"c{i}=v")
    assert len(jar) <= 20
    assert header(jar, "http://site29.example/") == "c29=v"


def test_oversize_cookie_is_ignored(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=" + "x" * 4094)
    store(jar, "http://example.com/", "b=" + "x" * 4096)
    store(jar, "http://example.com/", "c=" + "é" * 2048)  # 4097 octets in UTF-8
    assert [m.key for m in jar] == ["a"]


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        CookieJar(max_cookies=0)


# -- attributes kept on the Morsel ---------------------------------------------------------


def test_httponly_samesite_secure_are_kept_on_the_morsel(jar: CookieJar) -> None:
    store(
        jar,
        "https://www.example.com/app/x",
        "a=1; HttpOnly; SameSite=strict; Secure; Domain=example.com; Path=/app;"
        " Expires=Wed, 21 Oct 2037 07:28:00 GMT",
    )
    (morsel,) = list(jar)
    assert morsel.key == "a"
    assert morsel.value == "1"
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["secure"] is True
    assert morsel["domain"] == "example.com"
    assert morsel["path"] == "/app"
    assert morsel["expires"] == "Wed, 21 Oct 2037 07:28:00 GMT"


def test_unknown_samesite_value_is_dropped(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1; SameSite=sometimes")
    (morsel,) = list(jar)
    assert morsel["samesite"] == ""


# -- values and quoting --------------------------------------------------------------------


def test_server_values_are_replayed_exactly(jar: CookieJar) -> None:
    store(jar, "http://example.com/", 'q="quoted value"', "c=a,b c", 'j={"k":1}')
    assert header(jar, "http://example.com/") == 'q="quoted value"; c=a,b c; j={"k":1}'
    filtered = jar.filter_cookies(URL("http://example.com/"))
    assert filtered["q"].value == "quoted value"
    assert filtered["q"].coded_value == '"quoted value"'


def test_quote_cookie_false_sends_the_unquoted_value(clock: Clock) -> None:
    jar = CookieJar(clock=clock, quote_cookie=False)
    assert jar.quote_cookie is False
    store(jar, "http://example.com/", 'q="v"')
    jar.update_cookies({"u": "a b"}, URL("http://example.com/"))
    assert header(jar, "http://example.com/") == "q=v; u=a b"


def test_program_values_are_quoted_when_needed(jar: CookieJar) -> None:
    assert jar.quote_cookie is True
    jar.update_cookies({"plain": "abc", "spaced": "a b", "semi": "a;b"}, URL("http://e.com/"))
    assert header(jar, "http://e.com/") == 'plain=abc; spaced="a b"; semi="a\\073b"'
    assert jar.filter_cookies(URL("http://e.com/"))["semi"].value == "a;b"


# -- update_cookies ------------------------------------------------------------------------


def test_update_cookies_without_url_shares_cookies_everywhere(jar: CookieJar) -> None:
    jar.update_cookies({"token": "t"})
    jar.update_cookies([("lang", "en")], URL())
    assert header(jar, "http://a.example/") == "token=t; lang=en"
    assert header(jar, "https://b.example/deep/path") == "token=t; lang=en"
    assert jar.cookies[("", "")]["token"].value == "t"


def test_update_cookies_accepts_simplecookie_and_morsels(jar: CookieJar, clock: Clock) -> None:
    cookie: SimpleCookie = SimpleCookie()
    cookie.load("a=1; Domain=example.com; Path=/x; Max-Age=10; HttpOnly; SameSite=Lax")
    jar.update_cookies(cookie, URL("http://www.example.com/x/page"))
    (morsel,) = list(jar)
    assert morsel["domain"] == "example.com"
    assert morsel["path"] == "/x"
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    clock.now += 11
    assert len(jar) == 0


def test_update_cookies_morsel_expires_forms(jar: CookieJar, clock: Clock) -> None:
    relative: Morsel[str] = Morsel()
    relative.set("rel", "1", "1")
    relative["expires"] = 30
    dated: Morsel[str] = Morsel()
    dated.set("date", "2", "2")
    dated["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    jar.update_cookies({"rel": relative, "date": dated}, URL("http://example.com/"))
    assert [m.key for m in jar] == ["rel"]
    clock.now += 31
    assert len(jar) == 0


def test_update_cookies_with_host_gives_host_only_cookies(jar: CookieJar) -> None:
    jar.update_cookies({"a": "1"}, URL("http://example.com/dir/page"))
    assert jar.host_only_cookies == frozenset({("example.com", "/dir", "a")})


def test_update_cookies_accepts_a_string_url(jar: CookieJar) -> None:
    jar.update_cookies({"a": "1"}, "http://example.com/")
    assert jar.cookie_header("http://example.com/") == "a=1"


@pytest.mark.parametrize("name", ["", "a b", "a=b", "a;b", "a\nb", "a\x00"])
def test_update_cookies_refuses_bad_names_before_storing(jar: CookieJar, name: str) -> None:
    with pytest.raises(InvalidCookieError):
        jar.update_cookies([("ok", "1"), (name, "v")], URL("http://example.com/"))
    assert len(jar) == 0


def test_update_cookies_refuses_control_characters_unquoted(clock: Clock) -> None:
    jar = CookieJar(clock=clock, quote_cookie=False)
    for bad in ["a\r\nSet-Cookie: x=y", "a;b", "\x7f"]:
        with pytest.raises(InvalidCookieError):
            jar.update_cookies({"a": bad}, URL("http://example.com/"))
    assert len(jar) == 0


def test_update_cookies_refuses_control_characters_even_quoted(jar: CookieJar) -> None:
    with pytest.raises(InvalidCookieError):
        jar.update_cookies({"a": "x\r\ny"}, URL("http://example.com/"))
    assert len(jar) == 0


def test_bad_url_string_raises_typed_error(jar: CookieJar) -> None:
    with pytest.raises(InvalidCookieURLError):
        jar.update_cookies({"a": "1"}, "http://[bad")
    with pytest.warns(DeprecationWarning, match="yarl.URL"), pytest.raises(InvalidCookieURLError):
        jar.filter_cookies("http://[::1/")
    with pytest.warns(DeprecationWarning, match="yarl.URL"), pytest.raises(TypeError):
        jar.filter_cookies(42)  # type: ignore[arg-type]


# -- clearing and views ----------------------------------------------------------------------


def test_clear_with_and_without_predicate(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1", "b=2", "c=3")
    jar.clear(lambda m: m.key == "b")
    assert [m.key for m in jar] == ["a", "c"]
    jar.clear()
    assert len(jar) == 0
    assert list(jar) == []
    store(jar, "http://example.com/", "a=1; Max-Age=5")
    assert len(jar) == 1


def test_clear_domain_removes_domain_and_subdomains(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1")
    store(jar, "http://www.example.com/", "b=2")
    store(jar, "http://notexample.com/", "c=3")
    store(jar, "http://other.org/", "d=4")
    jar.clear_domain(".Example.com")
    assert sorted(m.key for m in jar) == ["c", "d"]


def test_cookies_view_is_a_snapshot(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1")
    view = jar.cookies
    with pytest.raises(TypeError):
        view[("x", "/")] = SimpleCookie()  # type: ignore[index]
    view[("example.com", "")]["a"].set("a", "changed", "changed")
    assert header(jar, "http://example.com/") == "a=1"


def test_repr_mentions_the_count(jar: CookieJar) -> None:
    store(jar, "http://example.com/", "a=1")
    assert repr(jar) == "<CookieJar 1 cookies unsafe=False>"


def test_trailing_dot_host_is_its_own_host(jar: CookieJar) -> None:
    store(jar, "http://example.com./", "a=1")
    assert header(jar, "http://example.com./") == "a=1"
    assert header(jar, "http://example.com/") == ""


# -- diagnostics -------------------------------------------------------------------------


# (response URL, Set-Cookie fields, the WARNING line on httpwire.cookies)
REFUSAL_LOGS = [
    (
        "http://10.0.0.1/",
        ["ip=1", "ip2=2"],
        "ignored 2 cookie(s) from 10.0.0.1: cookies from IP addresses need unsafe=True",
    ),
    (
        "http://www.example.com/",
        ["ps=1; Domain=com"],
        "cookie 'ps' from www.example.com ignored: Domain 'com' is a public suffix",
    ),
    (
        "http://www.example.com/",
        ["other=1; Domain=other.org"],
        "cookie 'other' from www.example.com ignored: Domain 'other.org' does not match the host",
    ),
    (
        "http://www.example.com/",
        ["bad=1; Domain=xn--\u00e9.com"],
        "cookie 'bad' from www.example.com ignored: Domain 'xn--é.com' is not a valid host name",
    ),
    (
        "http://www.example.com/",
        ["sec=1; Secure"],
        "cookie 'sec' from www.example.com ignored: a Secure cookie needs a secure origin",
    ),
    (
        "http://www.example.com/",
        ["big=" + "x" * 5000],
        "cookie 'big' from www.example.com ignored: name and value take more than 4096 octets",
    ),
    (
        "http://www.example.com/",
        ['crlf="a\\015\\012b"'],
        "cookie 'crlf' from www.example.com ignored: its quoted value decodes to control"
        " characters",
    ),
    (
        "http://www.example.com/",
        ["noequals", "", "a=1"],
        "ignored 2 Set-Cookie field(s) from www.example.com that are not cookies"
        " (RFC 6265 §5.2), the first: 'noequals'",
    ),
]


@pytest.mark.parametrize(("url", "fields", "message"), REFUSAL_LOGS)
def test_refused_cookies_are_logged_at_warning(
    jar: CookieJar, caplog: pytest.LogCaptureFixture, url: str, fields: list[str], message: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="httpwire.cookies"):
        store(jar, url, *fields)
    assert caplog.record_tuples == [("httpwire.cookies", logging.WARNING, message)]


def test_shadowing_a_secure_cookie_is_logged(
    jar: CookieJar, caplog: pytest.LogCaptureFixture
) -> None:
    store(jar, "https://example.com/", "s=1; Secure")
    with caplog.at_level(logging.WARNING, logger="httpwire.cookies"):
        store(jar, "http://example.com/", "s=2")
    assert caplog.messages == [
        "cookie 's' from example.com ignored: only a secure origin may replace or shadow a"
        " Secure cookie"
    ]


def test_update_cookies_refusals_are_logged(
    jar: CookieJar, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="httpwire.cookies"):
        jar.update_cookies({"a": "1", "b": "2"}, URL("http://10.0.0.1/"))
        jar.update_cookies(((f"g{i}", "v") for i in range(3)), URL("http://10.0.0.2/"))
        jar.update_cookies([("e", Morsel())])
    assert caplog.messages == [
        "ignored 2 cookie(s) from 10.0.0.1: cookies from IP addresses need unsafe=True",
        "ignored 3 cookie(s) from 10.0.0.2: cookies from IP addresses need unsafe=True",
        "cookie 'e' from no host (shared) ignored: its Morsel was never set (no name, no value)",
    ]


def test_accepted_cookies_log_nothing(jar: CookieJar, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="httpwire.cookies"):
        store(jar, "https://www.example.com/", "a=1", "b=2; Domain=example.com; Secure")
        header(jar, "https://www.example.com/")
    assert caplog.records == []


def test_morsel_whose_coded_value_would_split_the_header_raises(jar: CookieJar) -> None:
    morsel: Morsel[str] = Morsel()
    morsel.set("a", "x", "x; injected=1")
    with pytest.raises(InvalidCookieError):
        jar.update_cookies({"a": morsel}, URL("http://example.com/"))


def test_morsel_max_age_and_samesite_forms(jar: CookieJar, clock: Clock) -> None:
    morsel: Morsel[str] = Morsel()
    morsel.set("a", "1", "1")
    morsel["max-age"] = 5
    morsel["samesite"] = "LAX"
    bad: Morsel[str] = Morsel()
    bad.set("b", "2", "2")
    bad["max-age"] = "soon"
    bad["samesite"] = "whenever"
    jar.update_cookies({"a": morsel, "b": bad}, URL("http://example.com/"))
    stored = {m.key: m for m in jar}
    assert stored["a"]["samesite"] == "Lax"
    assert stored["b"]["samesite"] == ""
    clock.now += 6
    assert [m.key for m in jar] == ["b"]


# -- aiohttp 3.14 compatibility: per-request limits ----------------------------------------


def test_filter_cookies_sends_at_most_150_cookies_the_hosts_own_first() -> None:
    jar = CookieJar()
    sibling = URL("https://other.example.com/")
    jar.update_cookies_from_headers([f"p{i}=v; Domain=example.com" for i in range(50)], sibling)
    jar.update_cookies_from_headers([f"q{i}=v; Domain=example.com" for i in range(50)], sibling)
    jar.update_cookies_from_headers([f"r{i}=v; Domain=example.com" for i in range(50)], sibling)
    jar.update_cookies_from_headers(["session=mine"], URL("https://app.example.com/"))
    url = URL("https://app.example.com/")
    filtered = jar.filter_cookies(url)
    assert len(filtered) == 150
    assert filtered["session"].value == "mine"
    # The newest parent-domain cookie made way (equal domain and path: most recent first).
    assert "p0" not in filtered
    assert len(jar.cookie_pairs(url)) == 150
    assert "session=mine" in jar.cookie_header(url)


def test_cookie_header_length_limit_counts_prefix_and_separators() -> None:
    jar = CookieJar()
    url = URL("https://example.com/")
    room = 8190 - len("Cookie: ") - len("a=") - len("; ") - len("b=")
    jar.update_cookies({"a": "x" * (room - 10), "b": "y" * 10}, url)
    header = jar.cookie_header(url)
    assert len(("Cookie: " + header).encode()) == 8190
    jar.update_cookies({"b": "y" * 11}, url)
    # "b" is as specific as "a" but newer, so it is admitted first and "a" no longer fits.
    assert set(jar.filter_cookies(url)) == {"b"}


def test_header_length_is_counted_in_octets() -> None:
    jar = CookieJar(quote_cookie=False)
    url = URL("https://example.com/")
    jar.update_cookies({"a": "\u00e9" * 4089}, url)
    assert set(jar.filter_cookies(url)) == {"a"}
    jar.update_cookies({"b": "xx"}, url)
    assert set(jar.filter_cookies(url)) == {"b"}


def test_limits_do_not_restore_a_shadowed_domain_cookie() -> None:
    jar = CookieJar()
    jar.update_cookies_from_headers(
        [
            "sid=shared; Domain=example.com",
            f"a={'x' * 4080}; Domain=example.com",
            f"b={'y' * 4070}; Domain=example.com",
        ],
        URL("https://other.example.com/"),
    )
    jar.update_cookies_from_headers(["sid=" + "GOOD" * 10], URL("https://app.example.com/"))
    filtered = jar.filter_cookies(URL("https://app.example.com/"))
    assert filtered["sid"].value == "GOOD" * 10
    assert set(filtered) == {"sid", "b"}


def test_omitted_cookies_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    jar = CookieJar()
    url = URL("https://example.com/")
    jar.update_cookies({"small": "v", "big": "x" * 8200}, url)
    with caplog.at_level(logging.WARNING, logger="httpwire.cookies"):
        assert set(jar.filter_cookies(url)) == {"small"}
    assert caplog.messages == [
        "omitted 1 cookie(s) for example.com over the 150-cookie or 8190-octet Cookie header limit"
    ]


def test_per_request_limits_can_be_lifted() -> None:
    jar = CookieJar(max_cookies_per_request=None, max_cookie_header_length=None)
    url = URL("https://example.com/")
    # More than 150 cookies and 8190 octets, under the 180-cookie domain limit.
    jar.update_cookies([(f"c{i}", "x" * 100) for i in range(170)], url)
    assert len(jar.filter_cookies(url)) == 170
    assert len(jar.cookie_pairs(url)) == 170
    small = CookieJar(max_cookies_per_request=2)
    small.update_cookies({"a": "1", "b": "2", "c": "3"}, url)
    assert len(small.filter_cookies(url)) == 2


@pytest.mark.parametrize(
    "limits",
    [
        {"max_cookies_per_request": 0},
        {"max_cookie_header_length": 0},
        {"cookie_quota_per_domain": 181},
        {"cookie_quota": -1},
    ],
)
def test_bad_limits_raise(limits: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"positive|between"):
        CookieJar(**limits)  # type: ignore[arg-type]


# -- aiohttp 3.14 compatibility: jar limits --------------------------------------------------


def test_full_domain_is_trimmed_to_its_quota() -> None:
    jar = CookieJar()
    url = URL("https://example.com/")
    jar.update_cookies([(f"c{i}", "v") for i in range(181)], url)
    assert len(jar) == 150
    names = {m.key for m in jar}
    assert "c30" not in names
    assert {"c31", "c180"} <= names


def test_full_jar_is_trimmed_to_3000_of_3300() -> None:
    jar = CookieJar(unsafe=True)
    jar.update_cookies(
        [
            (f"c{d}_{i}", _domain_morsel(f"c{d}_{i}", f"d{d}.example"))
            for d in range(66)
            for i in range(50)
        ]
    )
    assert len(jar) == 3300
    jar.update_cookies({"new": _domain_morsel("new", "d66.example")})
    assert len(jar) == 3001
    names = {m.key for m in jar}
    assert "c5_49" not in names
    assert {"c6_0", "new"} <= names


def _domain_morsel(name: str, domain: str) -> Morsel[str]:
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = "v"
    cookie[name]["domain"] = domain
    cookie[name]["path"] = "/"
    return cookie[name]


# -- aiohttp 3.14 compatibility: filter_cookies, update_cookies, the clock ------------------


def test_filter_cookies_with_a_string_url_is_deprecated(jar: CookieJar) -> None:
    jar.update_cookies({"a": "1"})
    with pytest.warns(DeprecationWarning, match=r"filter_cookies expects a yarl\.URL"):
        filtered = jar.filter_cookies("http://example.com/")
    assert set(filtered) == {"a"}


def test_patching_time_time_reaches_a_jar_without_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # As freezegun does: the default clock looks time.time up at each use.
    now = [1_000_000.0]
    monkeypatch.setattr("time.time", lambda: now[0])
    jar = CookieJar()
    jar.update_cookies_from_headers(["a=1; Max-Age=60"], URL("https://example.com/"))
    assert jar.cookie_header(URL("https://example.com/")) == "a=1"
    now[0] += 61
    assert jar.cookie_header(URL("https://example.com/")) == ""


def test_update_cookies_accepts_aiohttps_loose_types(
    jar: CookieJar, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="httpwire.cookies"):
        jar.update_cookies({"empty": Morsel()})
        jar.update_cookies([("bc", SimpleCookie())])
        jar.update_cookies(SimpleCookie())
    # A never-set Morsel is skipped (logged); a BaseCookie value is its (empty) text.
    assert [(m.key, m.value) for m in jar] == [("bc", "")]
    assert len(caplog.messages) == 1


def test_morsel_values_are_quoted_like_aiohttp(clock: Clock) -> None:
    url = URL("http://example.com/")
    quoting = CookieJar(clock=clock)
    quoting.update_cookies(SimpleCookie('a=value/one; b=plain; c="kept"'), url)
    assert quoting.cookie_header(url) == 'a="value/one"; b=plain; c="kept"'
    raw = CookieJar(clock=clock, quote_cookie=False)
    raw.update_cookies(SimpleCookie("a=value/one"), url)
    assert raw.cookie_header(url) == "a=value/one"


def test_program_cookies_are_not_size_limited(jar: CookieJar) -> None:
    jar.update_cookies({"big": "x" * 5000}, URL("http://example.com/"))
    assert [m.key for m in jar] == ["big"]
    jar.update_cookies_from_headers(["huge=" + "x" * 5000], URL("http://example.com/"))
    assert [m.key for m in jar] == ["big"]


@pytest.mark.parametrize(("name", "value"), [("a", "\udcff"), ("\udcff", "v")])
def test_unencodable_program_cookie_raises(jar: CookieJar, name: str, value: str) -> None:
    with pytest.raises(InvalidCookieError):
        jar.update_cookies({name: value})


def test_invalid_cookie_error_is_a_cookie_error(jar: CookieJar) -> None:
    with pytest.raises(CookieError, match="name"):
        jar.update_cookies({"bad name": "v"})


def test_max_time_is_exposed_and_clamps(jar: CookieJar, clock: Clock) -> None:
    jar.update_cookies_from_headers(["a=1; Max-Age=" + "9" * 309], URL("https://example.com/"))
    assert [m["expires"] for m in jar] == ["Fri, 31 Dec 9999 23:59:59 GMT"]
    assert CookieJar.MAX_TIME == 253402300799.0
