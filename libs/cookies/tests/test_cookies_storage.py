"""``save``/``load``: the JSON jar file, its validation, and the refusal to unpickle."""

from __future__ import annotations

import json
import os
import pickle
import stat
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
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


def test_file_is_private_and_documented_json(tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    make_jar().save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == FORMAT_NAME
    assert document["version"] == FORMAT_VERSION
    first = document["cookies"][0]
    assert first == {
        "name": "host",
        "value": "1",
        "coded_value": "1",
        "domain": "www.example.com",
        "path": "/",
        "host_only": True,
        "secure": False,
        "http_only": False,
        "same_site": None,
        "expires": None,
        "creation": NOW,
    }
    dom = document["cookies"][1]
    assert dom["expires"] == NOW + 3600
    assert dom["same_site"] == "Strict"
    assert document["cookies"][2]["coded_value"] == '"a b"'
    assert not list(tmp_path.glob(".*.tmp"))


def test_expired_cookies_are_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    make_jar().save(path)
    later = CookieJar(clock=lambda: NOW + 7200)
    later.load(path)
    assert "dom" not in {m.key for m in later}
    assert len(later) == 4


def test_pickle_is_refused_without_unpickling(tmp_path: Path) -> None:
    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("unpickled!",))

    path = tmp_path / "jar.pickle"
    path.write_bytes(pickle.dumps({("example.com", "/"): SimpleCookie(), "x": Boom()}))
    jar = make_jar()
    before = jar.cookie_header(URL("https://www.example.com/"))
    with pytest.raises(CookieFileFormatError, match="pickle"):
        jar.load(path)
    assert jar.cookie_header(URL("https://www.example.com/")) == before
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        path.write_bytes(pickle.dumps({"a": 1}, protocol=protocol))
        with pytest.raises(CookieFileFormatError):
            jar.load(path)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"\xff\xfe garbage", "UTF-8"),
        (b"not json at all", "not JSON"),
        (b"[1, 2]", "format marker"),
        (b'{"example.com": {}}', "format marker"),
        (b'{"example.com|/": 5}', "format marker"),
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
