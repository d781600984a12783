"""Cookie jar: httpwire-cookies against aiohttp's CookieJar and the standard library's jar.

Every jar holds the same 200 cookies in 20 (domain, path) buckets: ten sites, each with ten
host-only cookies at ``/`` on ``www.siteN.example.com`` and ten domain cookies for
``siteN.example.com`` at ``/app``. Three workloads:

* ``filter_cookies`` for ``http://www.site3.example.com/app/page``, which matches 20 cookies;
* ``filter_cookies`` for a host with no cookies (``http://other.example.net/app/page``);
* one response's five typical ``Set-Cookie`` fields stored through
  ``update_cookies_from_headers`` (the standard library: ``extract_cookies``) into that jar.
"""

from __future__ import annotations

import asyncio
import email.message
import http.cookiejar
import urllib.request
from typing import Any

from yarl import URL

import httpwire_cookies
from benchmarks._harness import Impl, compare, note

__all__ = ["main"]

SITES = 10
PER_BUCKET = 10
MATCH_URL = "http://www.site3.example.com/app/page"
NONE_URL = "http://other.example.net/app/page"
RESPONSE_URL = "https://www.shop.example.org/account/login"
SET_COOKIES = [
    "sessionid=38afes7a8f0a9e8b7c6d; Path=/; Secure; HttpOnly; SameSite=Lax",
    "id=a3fWa; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/; Domain=shop.example.org",
    "qwerty=219ffwef9w0f; Domain=shop.example.org; Path=/account; Max-Age=2592000",
    "lang=en-US; Path=/",
    "_ga=GA1.2.1234567890.1234567890; Max-Age=63072000; Path=/; Domain=.shop.example.org",
]
EXPECTED_AFTER_UPDATE = {"sessionid", "id", "qwerty", "lang", "_ga"}


def _site_headers(site: int) -> list[tuple[str, list[str]]]:
    """(response URL, Set-Cookie fields) that fill the two buckets of one site."""
    host = f"www.site{site}.example.com"
    host_only = [f"h{i}=value{site}-{i}; Path=/" for i in range(PER_BUCKET)]
    domain = [
        f"d{i}=value{site}-{i}; Domain=site{site}.example.com; Path=/app; Max-Age=86400"
        for i in range(PER_BUCKET)
    ]
    return [(f"http://{host}/", host_only), (f"http://{host}/app/login", domain)]


# -- httpwire ------------------------------------------------------------------------------


def _httpwire_jar() -> httpwire_cookies.CookieJar:
    jar = httpwire_cookies.CookieJar()
    for site in range(SITES):
        for url, headers in _site_headers(site):
            jar.update_cookies_from_headers(headers, URL(url))
    assert len(jar) == SITES * PER_BUCKET * 2
    return jar


# -- aiohttp -------------------------------------------------------------------------------


def _aiohttp_jar(loop: asyncio.AbstractEventLoop) -> Any:
    import aiohttp

    jar = aiohttp.CookieJar(loop=loop)
    for site in range(SITES):
        for url, headers in _site_headers(site):
            jar.update_cookies_from_headers(headers, URL(url))
    assert len(jar) == SITES * PER_BUCKET * 2
    return jar


# -- the standard library ------------------------------------------------------------------


class _StdlibResponse:
    """The one method ``http.cookiejar.CookieJar.extract_cookies`` calls on a response."""

    def __init__(self, headers: list[str]) -> None:
        self._message = email.message.Message()
        for value in headers:
            self._message["Set-Cookie"] = value

    def info(self) -> email.message.Message:
        return self._message


def _stdlib_jar() -> http.cookiejar.CookieJar:
    jar = http.cookiejar.CookieJar()
    for site in range(SITES):
        for url, headers in _site_headers(site):
            jar.extract_cookies(_StdlibResponse(headers), urllib.request.Request(url))  # type: ignore[arg-type]
    assert len(jar) == SITES * PER_BUCKET * 2
    return jar


def _stdlib_filter(jar: http.cookiejar.CookieJar, url: str) -> str | None:
    request = urllib.request.Request(url)
    jar.add_cookie_header(request)
    return request.get_header("Cookie")


# -- checks --------------------------------------------------------------------------------


def _pairs(result: object) -> set[tuple[str, str]]:
    """The (name, value) pairs of a SimpleCookie/BaseCookie or of a Cookie header string."""
    if result is None or isinstance(result, str):
        return {tuple(item.split("=", 1)) for item in result.split("; ")} if result else set()  # type: ignore[misc]
    assert isinstance(result, dict), type(result)
    return {(name, morsel.coded_value) for name, morsel in result.items()}


def _check_pairs(expected: set[tuple[str, str]]) -> Any:
    def check(result: object) -> None:
        got = _pairs(result)
        assert got == expected, f"got {sorted(got)}, expected {sorted(expected)}"

    return check


MATCH_EXPECTED = {(f"{kind}{i}", f"value3-{i}") for kind in "hd" for i in range(PER_BUCKET)}


def _check_updated(names: Any) -> None:
    assert set(names) >= EXPECTED_AFTER_UPDATE, f"missing cookies: {names}"


def main(quick: bool) -> None:
    """Run the three cookie workloads and print their tables."""
    loop = asyncio.new_event_loop()
    try:
        _run(quick, loop)
    finally:
        loop.close()


def _run(quick: bool, loop: asyncio.AbstractEventLoop) -> None:
    wire = _httpwire_jar()
    aio = _aiohttp_jar(loop)
    std = _stdlib_jar()
    match_url, none_url = URL(MATCH_URL), URL(NONE_URL)
    note(
        f"jar of {SITES * PER_BUCKET * 2} cookies in {SITES * 2} (domain, path) buckets; "
        "aiohttp's jar runs with its loop argument, outside the loop"
    )

    compare(
        "cookies: filter_cookies, 20 of 200 match",
        [
            Impl("httpwire", lambda: wire.filter_cookies(match_url), _check_pairs(MATCH_EXPECTED)),
            Impl(
                "httpwire-header",
                lambda: wire.cookie_header(match_url),
                _check_pairs(MATCH_EXPECTED),
            ),
            Impl("aiohttp", lambda: aio.filter_cookies(match_url), _check_pairs(MATCH_EXPECTED)),
            Impl(
                "http.cookiejar",
                lambda: _stdlib_filter(std, MATCH_URL),
                _check_pairs(MATCH_EXPECTED),
            ),
        ],
        quick=quick,
    )
    compare(
        "cookies: filter_cookies, none of 200 match",
        [
            Impl("httpwire", lambda: wire.filter_cookies(none_url), _check_pairs(set())),
            Impl("httpwire-header", lambda: wire.cookie_header(none_url), _check_pairs(set())),
            Impl("aiohttp", lambda: aio.filter_cookies(none_url), _check_pairs(set())),
            Impl("http.cookiejar", lambda: _stdlib_filter(std, NONE_URL), _check_pairs(set())),
        ],
        quick=quick,
    )

    response_url = URL(RESPONSE_URL)
    stdlib_request = urllib.request.Request(RESPONSE_URL)
    stdlib_response = _StdlibResponse(SET_COOKIES)

    def wire_update() -> object:
        wire.update_cookies_from_headers(SET_COOKIES, response_url)
        return [name for name, _ in wire.cookie_pairs(response_url)]

    def aio_update() -> object:
        aio.update_cookies_from_headers(SET_COOKIES, response_url)
        return list(aio.filter_cookies(response_url))

    def std_update() -> object:
        std.extract_cookies(stdlib_response, stdlib_request)  # type: ignore[arg-type]
        return [cookie.name for cookie in std if cookie.domain.endswith("shop.example.org")]

    # The check calls include a lookup; the timed calls store only.
    compare(
        "cookies: update_cookies_from_headers, 5 Set-Cookie fields",
        [
            Impl(
                "httpwire",
                lambda: wire.update_cookies_from_headers(SET_COOKIES, response_url),
                lambda _: _check_updated(wire_update()),
            ),
            Impl(
                "aiohttp",
                lambda: aio.update_cookies_from_headers(SET_COOKIES, response_url),
                lambda _: _check_updated(aio_update()),
            ),
            Impl(
                "http.cookiejar",
                lambda: std.extract_cookies(stdlib_response, stdlib_request),  # type: ignore[arg-type]
                lambda _: _check_updated(std_update()),
            ),
        ],
        quick=quick,
    )
