"""``save``/``load``: the JSON jar file (aiohttp 3.14's layout), its validation, file modes."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from yarl import URL

from httpwire_cookies import (
    FORMAT_NAME,
    FORMAT_VERSION,
    CookieFileError,
    CookieFileFormatError,
    CookieJar,
)

NOW = 1_700_000_000.0


def make_jar() -> CookieJar:
    jar = CookieJar(clock=lambda: NOW)
    jar.update_cookies_from_headers(
        [
            "host=1",
            "dom=2; Domain=example.com; Path=/app; Max-Age=3600; HttpOnly; SameSite=Strict",
            'quoted="a b"',
            "sec=3; Secure",
        ],
        URL("https://www.example.com/"),
    )
    jar.update_cookies({"shared": "x y"})
    return jar


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    jar = make_jar()
    path = tmp_path / "jar.json"
    jar.save(path)
    loaded = CookieJar(clock=lambda: NOW)
    loaded.update_cookies({"old": "gone"})
    loaded.load(str(path))
    assert [m.output() for m in loaded] == [m.output() for m in jar]
    assert loaded.host_only_cookies == jar.host_only_cookies
    for url in ("https://www.example.com/app/x", "http://example.com/", "https://other.org/"):
        assert loaded.cookie_header(URL(url)) == jar.cookie_header(URL(url))


def test_file_is_private_and_in_aiohttp_layout(tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    make_jar().save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    document = json.loads(path.read_text(encoding="utf-8"))
    # Buckets keyed "domain|path" without trailing slashes, as aiohttp 3.14 writes them.
    assert list(document) == ["www.example.com|", "example.com|/app", "|"]
    assert document["www.example.com|"]["host"] == {
        "key": "host",
        "value": "1",
        "coded_value": "1",
        "path": "/",
        "domain": "www.example.com",
        "host_only": True,
        "creation": NOW,
        "order": 0,
    }
    dom = document["example.com|/app"]["dom"]
    assert dom["expires_timestamp"] == NOW + 3600
    assert (dom["samesite"], dom["httponly"], dom["path"]) == ("Strict", True, "/app")
    assert "host_only" not in dom
    assert document["www.example.com|"]["quoted"]["coded_value"] == '"a b"'
    assert document["www.example.com|"]["sec"]["secure"] is True
    assert "domain" not in document["|"]["shared"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o644)
    make_jar().save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert "www.example.com|" in json.loads(path.read_text(encoding="utf-8"))


def test_httpwire_version_1_files_still_load(tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    cookies = [_valid_entry(name="b", path="/deep"), _valid_entry(name="a")]
    path.write_text(
        json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION, "cookies": cookies})
    )
    jar = CookieJar(clock=lambda: NOW)
    jar.load(path)
    assert jar.cookie_header(URL("http://example.com/deep")) == "b=1; a=1"


def test_expired_cookies_are_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    make_jar().save(path)
    later = CookieJar(clock=lambda: NOW + 7200)
    later.load(path)
    assert "dom" not in {m.key for m in later}
    assert len(later) == 4


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"\xff\xfe garbage", "neither JSON nor a cookie jar pickle"),
        (b"not json at all", "neither JSON nor a cookie jar pickle"),
        (b"[1, 2]", "neither aiohttp's jar layout nor httpwire's"),
        (b'{"example.com": {}}', "neither aiohttp's jar layout nor httpwire's"),
        (b'{"example.com|/": 5}', "neither aiohttp's jar layout nor httpwire's"),
        (b'{"format": "httpwire-cookies", "version": 2, "cookies": []}', "version"),
        (b'{"format": "httpwire-cookies", "version": 1, "cookies": [1]}', "not an object"),
        (b'{"format": "httpwire-cookies", "version": 1, "cookies": [{"name": 1}]}', "'name'"),
        (b"[" * 100000, "not JSON"),
    ],
)
def test_malformed_files_raise_and_change_nothing(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "jar.json"
    path.write_bytes(content)
    jar = make_jar()
    count = len(jar)
    with pytest.raises(CookieFileFormatError, match=why) as info:
        jar.load(path)
    assert isinstance(info.value, CookieFileError)
    assert isinstance(info.value, ValueError)
    assert len(jar) == count


def _valid_entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "name": "a",
        "value": "1",
        "coded_value": "1",
        "domain": "example.com",
        "path": "/",
        "host_only": True,
        "secure": False,
        "http_only": False,
        "same_site": None,
        "expires": None,
        "creation": NOW,
    }
    entry.update(changes)
    return entry


@pytest.mark.parametrize(
    "changes",
    [
        {"host_only": "yes"},
        {"expires": "tomorrow"},
        {"expires": True},
        {"creation": None},
        {"same_site": 3},
        {"path": None},
    ],
)
def test_schema_violations(tmp_path: Path, changes: dict[str, object]) -> None:
    path = tmp_path / "jar.json"
    document = {"format": FORMAT_NAME, "version": 1, "cookies": [_valid_entry(**changes)]}
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CookieFileFormatError):
        CookieJar().load(path)


def test_non_finite_numbers_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    text = json.dumps({"format": FORMAT_NAME, "version": 1, "cookies": [_valid_entry()]})
    path.write_text(text.replace('"expires": null', '"expires": NaN'), encoding="utf-8")
    with pytest.raises(CookieFileFormatError, match="expires"):
        CookieJar().load(path)


def test_unsafe_entries_in_a_valid_file_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    cookies = [
        _valid_entry(name="crlf", coded_value="a\r\nb"),
        _valid_entry(name="bad name;"),
        _valid_entry(name="ip", domain="10.0.0.1"),
        _valid_entry(name="ok"),
    ]
    path.write_text(json.dumps({"format": FORMAT_NAME, "version": 1, "cookies": cookies}))
    jar = CookieJar(clock=lambda: NOW)
    jar.load(path)
    assert [m.key for m in jar] == ["ok"]


def test_skipped_entries_are_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "jar.json"
    cookies = [
        _valid_entry(name="crlf", coded_value="a\r\nb"),
        _valid_entry(name="ip", domain="10.0.0.1"),
        _valid_entry(name="surrogate", value="\udcff", coded_value="\udcff"),
    ]
    path.write_text(json.dumps({"format": FORMAT_NAME, "version": 1, "cookies": cookies}))
    with caplog.at_level("WARNING", logger="httpwire.cookies"):
        CookieJar(clock=lambda: NOW).load(path)
    assert caplog.messages == [
        "saved cookie 'crlf' skipped: unusable name or value",
        "saved cookie 'ip' for 10.0.0.1 skipped: IP addresses need unsafe=True",
        "saved cookie 'surrogate' skipped: unusable name or value",
    ]


def test_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        CookieJar().load(tmp_path / "missing.json")


# What aiohttp 3.14.5's CookieJar.save wrote for four cookies set from
# https://www.example.com/x/y plus one shared cookie.
AIOHTTP_FILE = {
    "www.example.com|/x": {
        "host": {
            "key": "host",
            "value": "1",
            "coded_value": "1",
            "path": "/x",
            "domain": "www.example.com",
            "host_only": True,
        },
        "q": {
            "key": "q",
            "value": "a b",
            "coded_value": '"a b"',
            "path": "/x",
            "domain": "www.example.com",
            "host_only": True,
        },
        "sec": {
            "key": "sec",
            "value": "3",
            "coded_value": "3",
            "path": "/x",
            "domain": "www.example.com",
            "secure": True,
            "host_only": True,
            "expires_timestamp": 2139722880,
        },
    },
    "example.com|/app": {
        "dom": {
            "key": "dom",
            "value": "2",
            "coded_value": "2",
            "path": "/app/",
            "domain": "example.com",
            "httponly": True,
            "samesite": "Strict",
            "expires_timestamp": NOW + 3600,
        },
    },
    "|": {"shared": {"key": "shared", "value": "v", "coded_value": "v", "path": "/"}},
}


def test_aiohttp_json_files_are_imported(tmp_path: Path) -> None:
    path = tmp_path / "aiohttp.json"
    path.write_text(json.dumps(AIOHTTP_FILE), encoding="utf-8")
    jar = CookieJar(clock=lambda: NOW)
    jar.load(path)
    assert [m.key for m in jar] == ["host", "q", "sec", "dom", "shared"]
    assert (
        jar.cookie_header(URL("https://www.example.com/x/1")) == 'host=1; q="a b"; sec=3; shared=v'
    )
    assert jar.cookie_header(URL("http://shop.example.com/app/z")) == "dom=2; shared=v"
    assert jar.host_only_cookies == {
        ("www.example.com", "/x", "host"),
        ("www.example.com", "/x", "q"),
        ("www.example.com", "/x", "sec"),
    }
    dom = next(m for m in jar if m.key == "dom")
    assert (dom["httponly"], dom["samesite"], dom["path"]) == (True, "Strict", "/app/")
    later = CookieJar(clock=lambda: NOW + 7200)
    later.load(path)
    assert "dom" not in {m.key for m in later}


@pytest.mark.parametrize(
    "bucket",
    [
        {"a": 1},
        {"a": {"key": 1, "value": "v", "coded_value": "v"}},
        {"a": {"key": "a", "value": "v", "coded_value": "v", "expires_timestamp": "soon"}},
        {"a": {"key": "a", "value": "v", "coded_value": "v", "path": 5}},
    ],
)
def test_malformed_aiohttp_files_raise(tmp_path: Path, bucket: dict[str, object]) -> None:
    path = tmp_path / "aiohttp.json"
    path.write_text(json.dumps({"example.com|/": bucket}), encoding="utf-8")
    with pytest.raises(CookieFileFormatError):
        CookieJar().load(path)


def test_values_that_would_split_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    cookies = [_valid_entry(name="semi", coded_value="a;b=c"), _valid_entry(name="ok")]
    path.write_text(json.dumps({"format": FORMAT_NAME, "version": 1, "cookies": cookies}))
    jar = CookieJar(clock=lambda: NOW)
    jar.load(path)
    assert [m.key for m in jar] == ["ok"]


# -- any file: a jar or CookieFileFormatError (issue 15, item 6) ---------------------------


class _Raw(str):
    """A JSON number token written as it is (``json.dumps`` cannot write these)."""


_RAW_NUMBERS = st.sampled_from(
    ["1" * 5000, "-" + "9" * 4400, "1" + "0" * 400, "1e400", "-1e400", "NaN", "Infinity", "-0.0"]
).map(_Raw)


def _to_json(value: object) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_to_json(v) for v in value) + "]"
    return json.dumps(value)


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    _RAW_NUMBERS,
)
_ANY_JSON = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
# One draw in eight is damaged: a field replaced by any JSON, left out, or a huge number.
_DAMAGED = st.sampled_from([False] * 7 + [True])
_EXPIRES = _DAMAGED.flatmap(
    lambda damaged: (
        _RAW_NUMBERS if damaged else st.one_of(st.none(), st.floats(NOW - 10, NOW + 1e9))
    )
)
_TEXTS = st.one_of(
    st.sampled_from(["a", "b", "v", '"a b"', "a;b", "x\r\ny", '"b\\073 c"', " ", "", "é"]),
    st.text(max_size=8),
)
_GOOD_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "name": st.sampled_from(["a", "b", "sid", "a b", ""]),
    "value": _TEXTS,
    "coded_value": _TEXTS,
    "domain": st.sampled_from(
        ["example.com", "www.example.com", "", "10.0.0.1", "EXAMPLE.com", "bücher.de", "com"]
    ),
    "path": st.sampled_from(["/", "/a", "", "relative", "/a;b"]),
    "host_only": st.booleans(),
    "secure": st.booleans(),
    "http_only": st.booleans(),
    "same_site": st.sampled_from([None, "Lax", "Strict", "None", "weird"]),
    "expires": _EXPIRES,
    "creation": _DAMAGED.flatmap(
        lambda damaged: (
            _RAW_NUMBERS
            if damaged
            else st.one_of(st.floats(-1e300, 1e300), st.integers(-(10**20), 10**20))
        )
    ),
}
_AIOHTTP_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "key": _GOOD_FIELDS["name"],
    "value": _TEXTS,
    "coded_value": _TEXTS,
    "path": _GOOD_FIELDS["path"],
    "domain": _GOOD_FIELDS["domain"],
    "host_only": st.booleans(),
    "secure": st.booleans(),
    "httponly": st.booleans(),
    "samesite": st.sampled_from(["", "Lax", "weird"]),
    "expires_timestamp": _EXPIRES,
}


def _entries(fields: dict[str, st.SearchStrategy[object]]) -> st.SearchStrategy[dict[str, object]]:
    """Entries with every field, mostly well typed, a few replaced by any JSON or left out."""

    def damage(parts: tuple[dict[str, object], bool, str, object, bool]) -> dict[str, object]:
        entry, damaged, field, replacement, drop = parts
        if damaged:
            if drop:
                del entry[field]
            else:
                entry[field] = replacement
        return entry

    return st.tuples(
        st.fixed_dictionaries(fields),
        _DAMAGED,
        st.sampled_from(sorted(fields)),
        _ANY_JSON,
        st.booleans(),
    ).map(damage)


_HTTPWIRE_DOCUMENT = st.fixed_dictionaries(
    {
        "format": _DAMAGED.flatmap(lambda damaged: _ANY_JSON if damaged else st.just(FORMAT_NAME)),
        "version": _DAMAGED.flatmap(
            lambda damaged: _ANY_JSON if damaged else st.just(FORMAT_VERSION)
        ),
        "cookies": _DAMAGED.flatmap(
            lambda damaged: _ANY_JSON if damaged else st.lists(_entries(_GOOD_FIELDS), max_size=5)
        ),
    }
)
_AIOHTTP_DOCUMENT = st.dictionaries(
    st.one_of(
        st.sampled_from(["example.com|/", "|", "www.example.com|/x", "10.0.0.1|/"]), st.text()
    ),
    _DAMAGED.flatmap(
        lambda damaged: (
            _ANY_JSON
            if damaged
            else st.dictionaries(_GOOD_FIELDS["name"], _entries(_AIOHTTP_FIELDS), max_size=3)
        )
    ),
    max_size=3,
)
_FUZZ_URLS = [URL(u) for u in ("https://www.example.com/a/b", "http://example.com/", "http://x/")]


def _headers(jar: CookieJar) -> list[str]:
    return [jar.cookie_header(url) for url in _FUZZ_URLS]


def _check_any_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "jar.json"
        path.write_bytes(data)
        jar = make_jar()
        before = _headers(jar)
        try:
            jar.load(path)
        except CookieFileFormatError:
            assert _headers(jar) == before
            event("refused")
            return
        event(f"loaded {min(len(jar), 2)}+ cookies")
        # Whatever was loaded is usable, and survives a save and a load unchanged.
        loaded = _headers(jar)
        assert not {"\r", "\n", "\x00"} & set("".join(loaded))
        assert len(list(jar)) == len(jar) == sum(len(bucket) for bucket in jar.cookies.values())
        for url in _FUZZ_URLS:
            jar.filter_cookies(url)
        jar.save(path)
        again = CookieJar(clock=lambda: NOW)
        again.load(path)
        assert _headers(again) == loaded


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_HTTPWIRE_DOCUMENT, _AIOHTTP_DOCUMENT, _ANY_JSON))
def test_any_json_document_loads_or_raises_the_format_error(document: object) -> None:
    _check_any_file(_to_json(document).encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_load_or_raise_the_format_error(data: bytes) -> None:
    _check_any_file(data)


@pytest.mark.parametrize(
    "text",
    [
        "1" * 5000,
        '{"format": "httpwire-cookies", "version": %s, "cookies": []}' % ("1" * 5000),
        json.dumps({"format": FORMAT_NAME, "version": 1, "cookies": [_valid_entry()]}).replace(
            '"expires": null', '"expires": ' + "1" * 400
        ),
        json.dumps({"format": FORMAT_NAME, "version": 1, "cookies": [_valid_entry()]}).replace(
            f'"creation": {NOW}', '"creation": ' + "1" * 5000
        ),
        json.dumps({"format": FORMAT_NAME, "version": 1, "cookies": [_valid_entry()]}).replace(
            f'"creation": {NOW}', '"creation": 1e400'
        ),
        '{"example.com|/": {"a": {"key": "a", "value": "v", "coded_value": "v",'
        ' "expires_timestamp": %s}}}' % ("1" * 400),
    ],
    ids=["bare", "version", "expires-400", "creation-5000", "creation-inf", "aiohttp-expires"],
)
def test_huge_numbers_raise_the_format_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "jar.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CookieFileFormatError):
        CookieJar().load(path)
