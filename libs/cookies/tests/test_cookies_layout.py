"""``_layout.py``: aiohttp 3.14's ``{"domain|path": {name: attributes}}`` jar layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from yarl import URL

from httpwire_cookies import CookieFileFormatError, CookieJar

NOW = 1_700_000_000.0


def saved(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "jar.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_trailing_slash_paths_get_their_own_bucket(tmp_path: Path) -> None:
    jar = CookieJar(clock=lambda: NOW)
    jar.update_cookies_from_headers(
        ["a=slash; Path=/x/", "a=plain; Path=/x"], URL("https://example.com/")
    )
    path = tmp_path / "jar.json"
    jar.save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(document) == ["example.com|/x", "example.com|/x/"]
    assert document["example.com|/x"]["a"]["value"] == "plain"
    loaded = CookieJar(clock=lambda: NOW)
    loaded.load(path)
    url = URL("https://example.com/x/y")
    assert loaded.cookie_header(url) == jar.cookie_header(url) == "a=slash; a=plain"


def test_order_survives_buckets_and_equal_creation_times(tmp_path: Path) -> None:
    jar = CookieJar(clock=lambda: NOW)
    url = URL("https://www.example.com/")
    jar.update_cookies_from_headers(["z=1", "y=2; Domain=example.com", "x=3"], url)
    path = tmp_path / "jar.json"
    jar.save(path)
    loaded = CookieJar(clock=lambda: NOW)
    loaded.load(path)
    assert loaded.cookie_header(url) == "z=1; y=2; x=3"
    assert [m.key for m in loaded] == ["z", "y", "x"]


def test_older_aiohttp_entries_load(tmp_path: Path) -> None:
    entry = {"key": "sid", "value": "x", "coded_value": "x", "max-age": "3600"}
    path = saved(
        tmp_path,
        {
            "example.com|": {
                "dom": {**entry, "key": "dom", "domain": "example.com"},
                "host": {**entry, "key": "host"},
                "dated": {
                    "key": "dated",
                    "value": "v",
                    "coded_value": "v",
                    "domain": "example.com",
                    "expires": "Tue, 1 Jan 2999 12:00:00 GMT",
                },
            }
        },
    )
    jar = CookieJar(clock=lambda: NOW)
    jar.load(path)
    # Without a Domain attribute an entry is host-only, as aiohttp loads it.
    assert jar.host_only_cookies == frozenset({("example.com", "", "host")})
    assert jar.cookie_header(URL("https://sub.example.com/")) == "dom=x; dated=v"
    later = CookieJar(clock=lambda: NOW + 7200)
    later.load(path)
    assert sorted(m.key for m in later) == ["dated", "dom", "host"]
    expired = CookieJar(clock=lambda: NOW)
    expired.load(saved(tmp_path, {"example.com|": {"a": {**entry, "max-age": "0"}}}))
    assert len(expired) == 0


def test_numeric_string_deadline_is_read(tmp_path: Path) -> None:
    entry = {"key": "a", "value": "v", "coded_value": "v", "expires_timestamp": str(NOW + 5)}
    jar = CookieJar(clock=lambda: NOW)
    jar.load(saved(tmp_path, {"example.com|": {"a": entry}}))
    assert [m["expires"] for m in jar] == ["Tue, 14 Nov 2023 22:13:25 GMT"]


@pytest.mark.parametrize("deadline", ["nan", "inf", "not-a-number", 10**400, True, [1]])
def test_bad_deadline_raises_with_aiohttps_message(tmp_path: Path, deadline: object) -> None:
    entry = {"key": "a", "value": "v", "coded_value": "v", "expires_timestamp": deadline}
    path = tmp_path / "jar.json"
    text = json.dumps({"example.com|": {"a": entry}})
    path.write_text(text, encoding="utf-8")
    jar = CookieJar(clock=lambda: NOW)
    jar.update_cookies({"kept": "1"})
    with pytest.raises(
        CookieFileFormatError,
        match=r"Cookie 'a' in 'example.com\|': expiration timestamp must be a finite number",
    ) as info:
        jar.load(path)
    assert info.value.__cause__ is not None
    assert [m.key for m in jar] == ["kept"]


def test_entry_domain_must_match_its_bucket_host(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    entry = {"key": "sid", "value": "v", "coded_value": "v"}
    path = saved(
        tmp_path,
        {
            "www.example.com|": {"sid": {**entry, "domain": ".Example.com"}},
            "other.example|": {"bad": {**entry, "key": "bad", "domain": "example.com"}},
        },
    )
    jar = CookieJar(clock=lambda: NOW)
    with caplog.at_level("WARNING", logger="httpwire.cookies"):
        jar.load(path)
    # As aiohttp loads it: a parent-domain attribute widens the cookie; a foreign one is refused.
    assert [m.key for m in jar] == ["sid"]
    assert jar.cookie_header(URL("https://shop.example.com/")) == "sid=v"
    assert caplog.messages == [
        "saved cookie 'bad' for other.example skipped: its Domain 'example.com' does not match"
        " the host"
    ]
