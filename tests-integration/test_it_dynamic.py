"""The composed client against a real aiohttp.web application: redirects, cookies, slow bodies.

nginx (``test_it_nginx.py``) serves files and a raw socket server (``test_it_faults.py``) sends
bytes no server would; this module sits between them: a dynamic application written with
aiohttp.web, the server the aiohttp client is most often pointed at, whose handlers redirect, set
and delete cookies, stream bodies slowly, stall, compress and hang up mid-body. The client is
imported as ``aiohttp`` to make the point that user code runs unchanged; aiohttp itself is only
the server here (``from aiohttp import web``). Each test starts its own applications on loopback
ports and stops them (``app`` fixture); handlers that stall wait on an event the fixture sets
before shutting down, so nothing is left running.

The echo handler answers with what it received (method, path, query, headers, cookies, body) so
the tests check what went over the wire, not the client's own bookkeeping. ``connector.stats``
(as in ``test_it_faults.py``) shows that no broken connection goes back to the pool.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from aiohttp import web
from yarl import URL

import httpwire as aiohttp
from httpwire_parser import LineTooLong, TooManyHeaders

# The deprecated auth API (BasicAuth, auth=, proxy_auth=) still works; these tests exercise it.
LEGACY_AUTH = pytest.mark.filterwarnings(
    "ignore:(BasicAuth|The 'auth' parameter|The 'proxy_auth' parameter) is deprecated"
    ":DeprecationWarning"
)

__all__: list[str] = []

TIMEOUT = 10

#: What ``/slow`` writes, one piece per write, with a pause between writes.
SLOW_LINES = [f"line {i}: {'x' * (i * 7)}\n".encode() for i in range(6)]
SLOW_BODY = b"".join(SLOW_LINES)

#: A compressible text body for the Content-Encoding tests.
TEXT = "".join(f"{i:05d} the quick brown fox jumps over the lazy dog\n" for i in range(2000))

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclasses.dataclass
class App:
    """The running applications: ``url`` the main one, ``other`` a second origin (another port)."""

    url: URL
    other: URL
    release: asyncio.Event
    #: Cookies each ``/cookie-hop/{n}`` request carried, in request order.
    hop_cookies: list[dict[str, str]]

    def at(self, path: str) -> URL:
        """``path`` (with an optional query) on the main application."""
        return self.url.join(URL(path))


async def _echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "path": request.path,
            "query": [[k, v] for k, v in request.query.items()],
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "cookies": dict(request.cookies),
            "body": body.decode("latin-1"),
        }
    )


def _location_status(request: web.Request, status: int, location: str) -> web.Response:
    return web.Response(status=status, headers={"Location": location})


async def _redirect(request: web.Request) -> web.Response:
    """``/redirect/{code}?to=...``: answer ``code`` with ``Location: to`` (default ``/echo``)."""
    return _location_status(
        request, int(request.match_info["code"]), request.query.get("to", "/echo")
    )


_CHAIN_CODES = (301, 302, 303, 307, 308)


async def _chain(request: web.Request) -> web.Response:
    """``/chain/{n}``: redirect to the relative reference ``n-1`` until 0, which echoes."""
    n = int(request.match_info["n"])
    if n == 0:
        return await _echo(request)
    return _location_status(request, _CHAIN_CODES[n % len(_CHAIN_CODES)], str(n - 1))


async def _set_cookies(request: web.Request) -> web.Response:
    resp = web.Response(text="cookies set")
    resp.set_cookie("plain", "1")
    resp.set_cookie("scoped", "2", path="/scoped")
    resp.set_cookie("secret", "3", httponly=True)
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    resp.set_cookie("later", "4", expires=format_datetime(tomorrow, usegmt=True))
    resp.set_cookie("doomed", "5")
    resp.set_cookie("past", "6", expires="Sat, 01 Jan 2000 00:00:00 GMT")
    # The epoch itself is a date in the past too (aiohttp 3.14.5's jar reads it as no date and
    # keeps the cookie for the session; RFC 6265 §5.2.1 makes it expired).
    resp.set_cookie("epoch", "8", expires="Thu, 01 Jan 1970 00:00:00 GMT")
    resp.set_cookie("tls_only", "7", secure=True)
    return resp


async def _delete_cookie(request: web.Request) -> web.Response:
    resp = web.Response(text="cookie deleted")
    resp.set_cookie("doomed", "", max_age=0)
    return resp


def _make_cookie_hop(seen: list[dict[str, str]]) -> Handler:
    async def cookie_hop(request: web.Request) -> web.StreamResponse:
        """``/cookie-hop/{n}``: set ``hop{n}`` and redirect to ``n-1``; 0 echoes."""
        seen.append(dict(request.cookies))
        n = int(request.match_info["n"])
        if n == 0:
            return await _echo(request)
        resp = _location_status(request, 302, str(n - 1))
        resp.set_cookie(f"hop{n}", str(n), path="/")
        return resp

    return cookie_hop


async def _slow(request: web.Request) -> web.StreamResponse:
    """``SLOW_BODY`` in writes ``delay`` seconds apart; chunked or with a length.

    One line per write, or with ``?piece=N`` N-byte pieces that cut across the lines.
    """
    delay = float(request.query.get("delay", "0.01"))
    piece = int(request.query.get("piece", "0"))
    resp = web.StreamResponse()
    resp.content_type = "text/plain"
    if request.query.get("framing") == "length":
        resp.content_length = len(SLOW_BODY)
    await resp.prepare(request)
    if piece:
        writes = [SLOW_BODY[i : i + piece] for i in range(0, len(SLOW_BODY), piece)]
    else:
        writes = SLOW_LINES
    for data in writes:
        await resp.write(data)
        await asyncio.sleep(delay)
    await resp.write_eof()
    return resp


def _make_stall(release: asyncio.Event) -> Handler:
    async def stall(request: web.Request) -> web.StreamResponse:
        """``/stall/head``: no answer at all; ``/stall/body``: the head and 3 of 10 bytes."""
        if request.match_info["where"] == "head":
            await release.wait()
            return web.Response(text="too late")
        resp = web.StreamResponse()
        resp.content_length = 10
        await resp.prepare(request)
        await resp.write(b"abc")
        await release.wait()
        return resp

    return stall


async def _cut(request: web.Request) -> web.StreamResponse:
    """``/cut?framing=length|chunked&how=close|abort|eof``: 100 of 1000 bytes, then hang up.

    ``close`` and ``abort`` end the transport under aiohttp.web's feet; ``eof`` is aiohttp.web
    finishing the response normally and closing the connection (``force_close``) after a body
    shorter than its declared Content-Length.
    """
    resp = web.StreamResponse()
    framing = request.query["framing"]
    if framing == "length":
        resp.content_length = 1000
    else:
        resp.enable_chunked_encoding()
    how = request.query["how"]
    if how == "eof":
        resp.force_close()
    await resp.prepare(request)
    await resp.write(b"x" * 100)
    if how == "eof":
        await resp.write_eof()
        return resp
    transport = request.transport
    assert transport is not None
    if how == "close":
        transport.close()
    else:
        transport.abort()
    # Raising ends the handler without aiohttp.web trying to finish the response; the server
    # answers a handler error with a 500 it cannot send on a closed transport.
    raise ConnectionResetError("hung up on purpose")


async def _blob(request: web.Request) -> web.Response:
    """1234 bytes, for GET and for HEAD (aiohttp.web answers HEAD on a GET route)."""
    return web.Response(body=b"b" * 1234, content_type="application/octet-stream")


async def _status(request: web.Request) -> web.Response:
    return web.Response(status=int(request.match_info["code"]))


async def _etag(request: web.Request) -> web.Response:
    if request.headers.get("If-None-Match") == '"v1"':
        return web.Response(status=304, headers={"ETag": '"v1"'})
    return web.Response(text="versioned", headers={"ETag": '"v1"'})


async def _big_header(request: web.Request) -> web.Response:
    return web.Response(text="big", headers={"X-Big": "v" * int(request.query["size"])})


async def _long_reason(request: web.Request) -> web.Response:
    return web.Response(text="long reason", reason="r" * int(request.query["size"]))


async def _many_headers(request: web.Request) -> web.Response:
    count = int(request.query["count"])
    return web.Response(text="many", headers={f"X-H-{i}": str(i) for i in range(count)})


async def _json(request: web.Request) -> web.Response:
    return web.json_response({"got": await request.json(), "content_type": request.content_type})


async def _text_json(request: web.Request) -> web.Response:
    return web.Response(text='{"not": "labelled json"}', content_type="text/plain")


async def _compressed(request: web.Request) -> web.StreamResponse:
    """``/compressed/{coding}``: TEXT compressed by aiohttp.web; ``?stream`` chunked in pieces."""
    coding = request.match_info["coding"]
    if "stream" in request.query:
        resp = web.StreamResponse()
        resp.content_type = "text/plain"
        resp.enable_compression(web.ContentCoding(coding))
        await resp.prepare(request)
        data = TEXT.encode()
        for start in range(0, len(data), 10_000):
            await resp.write(data[start : start + 10_000])
            await asyncio.sleep(0)
        await resp.write_eof()
        return resp
    response = web.Response(text=TEXT)
    if coding == "negotiate":
        response.enable_compression()  # from the request's Accept-Encoding
    else:
        response.enable_compression(web.ContentCoding(coding))
    return response


def _main_app(release: asyncio.Event, hop_cookies: list[dict[str, str]]) -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/echo", _echo)
    app.router.add_route("*", "/scoped/echo", _echo)
    app.router.add_route("*", "/redirect/{code}", _redirect)
    app.router.add_route("*", "/scoped/redirect/{code}", _redirect)
    app.router.add_route("*", "/chain/{n}", _chain)
    app.router.add_get("/set-cookies", _set_cookies)
    app.router.add_get("/delete-cookie", _delete_cookie)
    app.router.add_get("/cookie-hop/{n}", _make_cookie_hop(hop_cookies))
    app.router.add_get("/slow", _slow)
    app.router.add_get("/stall/{where}", _make_stall(release))
    app.router.add_get("/cut", _cut)
    app.router.add_get("/blob", _blob)
    app.router.add_get("/status/{code}", _status)
    app.router.add_get("/etag", _etag)
    app.router.add_get("/big-header", _big_header)
    app.router.add_get("/long-reason", _long_reason)
    app.router.add_get("/many-headers", _many_headers)
    app.router.add_post("/json", _json)
    app.router.add_get("/text-json", _text_json)
    app.router.add_get("/compressed/{coding}", _compressed)
    return app


def _other_app() -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/echo", _echo)
    return app


async def _start(app: web.Application, runners: list[web.AppRunner]) -> URL:
    runner = web.AppRunner(app, shutdown_timeout=2)
    await runner.setup()
    runners.append(runner)
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    # AppRunner.addresses reads the bound address off each site's server sockets.
    [(host, port)] = runner.addresses
    return URL.build(scheme="http", host=host, port=port)


@pytest.fixture
async def app() -> AsyncIterator[App]:
    """The main application and a second origin, on loopback ports, for one test."""
    release = asyncio.Event()
    hop_cookies: list[dict[str, str]] = []
    runners: list[web.AppRunner] = []
    try:
        other = await _start(_other_app(), runners)
        url = await _start(_main_app(release, hop_cookies), runners)
        yield App(url=url, other=other, release=release, hop_cookies=hop_cookies)
    finally:
        release.set()
        for runner in reversed(runners):
            await runner.cleanup()


def _jar() -> aiohttp.CookieJar:
    """A jar that keeps cookies from an IP host (the default jar, like aiohttp's, drops them)."""
    return aiohttp.CookieJar(unsafe=True)


def _stats(session: aiohttp.ClientSession) -> Any:
    """The pool's counters; nothing may be checked out between requests."""
    connector = session.connector
    assert connector is not None
    stats = connector.stats
    assert stats.active == 0
    return stats


def _causes(exc: BaseException) -> list[type[BaseException]]:
    """The classes along ``exc``'s ``__cause__`` chain."""
    found: list[type[BaseException]] = []
    cause = exc.__cause__
    while cause is not None:
        found.append(type(cause))
        cause = cause.__cause__
    return found


def test_the_client_is_httpwire() -> None:
    assert aiohttp.__name__ == "httpwire"
    assert aiohttp.ClientSession.__module__.startswith("httpwire")


# ------------------------------------------------------------------------------- redirects


@pytest.mark.parametrize(
    ("code", "method", "follow_method", "body_kept"),
    [
        (301, "POST", "GET", False),
        (302, "POST", "GET", False),
        (303, "POST", "GET", False),
        (303, "PUT", "GET", False),
        (307, "POST", "POST", True),
        (308, "POST", "POST", True),
        (301, "PUT", "PUT", True),  # aiohttp only turns POST into GET on 301 and 302
        (302, "GET", "GET", False),
    ],
)
async def test_redirect_method_and_body(
    app: App, code: int, method: str, follow_method: str, body_kept: bool
) -> None:
    payload = b"the request body"
    data = payload if method != "GET" else None
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.request(method, app.at(f"/redirect/{code}"), data=data) as resp,
    ):
        assert resp.status == 200
        assert resp.url == app.at("/echo")
        assert [(r.status, r.method, r.url) for r in resp.history] == [
            (code, method, app.at(f"/redirect/{code}"))
        ]
        assert resp.method == follow_method
        echo = await resp.json()
        assert echo["method"] == follow_method
        if body_kept:
            assert echo["body"] == payload.decode()
            assert echo["headers"]["content-length"] == str(len(payload))
        else:
            assert echo["body"] == ""
            assert "content-length" not in echo["headers"] or (
                echo["headers"]["content-length"] == "0"
            )
            assert "content-type" not in echo["headers"]
        assert resp.request_info.method == follow_method


async def test_redirect_chain_history(app: App) -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(app.at("/chain/5")) as resp,
    ):
        assert resp.status == 200
        assert resp.url == app.at("/chain/0")
        assert (await resp.json())["path"] == "/chain/0"
        assert [r.status for r in resp.history] == [301, 308, 307, 303, 302]
        assert [r.url for r in resp.history] == [app.at(f"/chain/{n}") for n in (5, 4, 3, 2, 1)]
        assert [r.headers["Location"] for r in resp.history] == ["4", "3", "2", "1", "0"]
        assert all(isinstance(r, aiohttp.ClientResponse) for r in resp.history)
        # Each hop's connection went back to the pool before the next hop took it.
        assert _stats(session).created == 1


async def test_too_many_redirects(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.TooManyRedirects) as info:
            async with session.get(app.at("/chain/5"), max_redirects=3):
                pass
        assert isinstance(info.value, aiohttp.ClientResponseError)
        assert [r.url for r in info.value.history] == [app.at(f"/chain/{n}") for n in (5, 4, 3)]
        assert info.value.request_info.real_url == app.at("/chain/5")
        assert _stats(session).idle == 1
        # The default (10) is far enough for the whole chain.
        async with session.get(app.at("/chain/5")) as resp:
            assert len(resp.history) == 5


@pytest.mark.parametrize(
    ("start", "location", "final"),
    [
        ("/redirect/302", "/echo", "/echo"),  # absolute path
        ("/redirect/302", "../echo", "/echo"),  # up from /redirect/
        ("/scoped/redirect/302", "../echo?x=1", "/scoped/echo?x=1"),  # with a query
        ("/redirect/302", "/scoped/./echo", "/scoped/echo"),  # dot segments are removed
    ],
)
async def test_relative_location(app: App, start: str, location: str, final: str) -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(app.at(start).with_query(to=location)) as resp,
    ):
        assert resp.status == 200
        assert resp.url == app.at(final)
        assert resp.history[0].headers["Location"] == location
        echo = await resp.json()
        assert echo["path"] == URL(final).path
        assert echo["query"] == [[k, v] for k, v in URL(final).query.items()]


async def test_allow_redirects_false_returns_the_3xx(app: App) -> None:
    url = app.at("/redirect/307").with_query(to="/echo")
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.post(url, data=b"kept", allow_redirects=False) as resp:
            assert resp.status == 307
            assert resp.headers["Location"] == "/echo"
            assert resp.history == ()
            assert resp.url == url
            assert await resp.read() == b""
        # The unfollowed redirect's connection is clean and reused.
        async with session.get(app.at("/echo")) as resp:
            assert (await resp.json())["method"] == "GET"
        stats = _stats(session)
        assert stats.created == 1
        assert stats.reused == 1


@pytest.mark.parametrize("form", ["absolute", "scheme-relative"])
@LEGACY_AUTH
async def test_cross_origin_redirect_drops_authorization(app: App, form: str) -> None:
    target = app.other.with_path("/echo")
    location = str(target) if form == "absolute" else f"//{target.authority}/echo"
    url = app.at("/redirect/302").with_query(to=location)
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(url, headers={"Authorization": "Bearer secret"}) as resp:
            assert resp.url == target
            echo = await resp.json()
            assert "authorization" not in echo["headers"]
            assert echo["headers"]["host"] == target.authority
            # The first hop did carry it.
            assert resp.history[0].request_info.headers["Authorization"] == "Bearer secret"
        async with session.get(url, auth=aiohttp.BasicAuth("user", "pass")) as resp:
            assert resp.url == target
            assert "authorization" not in (await resp.json())["headers"]
        # A Cookie header given by hand is not sent to the other origin either.
        async with session.get(url, headers={"Cookie": "manual=1"}) as resp:
            assert resp.history[0].request_info.headers["Cookie"] == "manual=1"
            assert "cookie" not in (await resp.json())["headers"]


@LEGACY_AUTH
async def test_session_auth_follows_a_cross_origin_redirect_unless_base_url(app: App) -> None:
    """aiohttp applies the session's ``auth`` to every hop unless ``base_url`` names the origin.

    (A documented aiohttp behaviour that httpwire keeps: docs/migration.rst, Authentication.)
    """
    auth = aiohttp.BasicAuth("user", "pass")
    location = str(app.other.with_path("/echo"))
    path = URL("/redirect/302").with_query(to=location)
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(auth=auth) as session,
        session.get(app.url.join(path)) as resp,
    ):
        assert resp.url.port == app.other.port
        assert (await resp.json())["headers"]["authorization"] == auth.encode()
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(auth=auth, base_url=app.url) as session,
        session.get(path) as resp,
    ):
        assert resp.url.port == app.other.port
        assert resp.history[0].request_info.headers["Authorization"] == auth.encode()
        assert "authorization" not in (await resp.json())["headers"]


async def test_redirect_to_get_keeps_the_callers_content_type(app: App) -> None:
    """POST turned into GET drops the body and its Content-Length; aiohttp keeps other headers.

    aiohttp 3.14 pops only ``Content-Length`` from the caller's headers when a redirect turns the
    request into a GET; a ``Content-Type`` the caller passed (like any other header) goes on to
    the next hop. The payload's own Content-Type (``data=``/``json=`` without a header) goes with
    the body.
    """
    url = app.at("/redirect/303")
    headers = {"Content-Type": "text/x-custom", "X-Other": "1"}
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.post(url, data=b"abc", headers=headers) as resp:
            echo = await resp.json()
        assert echo["method"] == "GET"
        assert echo["body"] == ""
        assert "content-length" not in echo["headers"]
        assert echo["headers"]["x-other"] == "1"
        assert echo["headers"].get("content-type") == "text/x-custom"


@LEGACY_AUTH
async def test_same_origin_redirect_keeps_authorization(app: App) -> None:
    url = app.at("/redirect/302").with_query(to="/echo")
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(url, auth=aiohttp.BasicAuth("user", "pass")) as resp,
    ):
        echo = await resp.json()
        assert echo["headers"]["authorization"] == aiohttp.BasicAuth("user", "pass").encode()


# --------------------------------------------------------------------------------- cookies


async def test_cookies_set_by_the_server_come_back(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(cookie_jar=_jar()) as session:
        async with session.get(app.at("/set-cookies")) as resp:
            assert resp.status == 200
            assert set(resp.cookies) >= {"plain", "scoped", "secret", "later", "doomed"}
            assert resp.cookies["secret"]["httponly"] is True
            await resp.read()
        async with session.get(app.at("/echo")) as resp:
            cookies = (await resp.json())["cookies"]
        # No path-scoped cookie outside its path and no expired one. The Secure one is sent:
        # httpwire counts loopback hosts as secure origins, as browsers do (a documented
        # difference: aiohttp sends Secure cookies over https/wss only, see docs/migration.rst).
        assert cookies == {
            "plain": "1",
            "secret": "3",
            "later": "4",
            "doomed": "5",
            "tls_only": "7",
        }
        async with session.get(app.at("/scoped/echo")) as resp:
            cookies = (await resp.json())["cookies"]
        assert cookies["scoped"] == "2"
        assert "past" not in cookies
        assert "epoch" not in cookies

        # Max-Age=0 deletes a cookie from the jar.
        async with session.get(app.at("/delete-cookie")) as resp:
            await resp.read()
        async with session.get(app.at("/echo")) as resp:
            cookies = (await resp.json())["cookies"]
        assert cookies == {"plain": "1", "secret": "3", "later": "4", "tls_only": "7"}


async def test_cookie_jar_filter_cookies(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(cookie_jar=_jar()) as session:
        async with session.get(app.at("/set-cookies")) as resp:
            await resp.read()
        jar = session.cookie_jar
        here = jar.filter_cookies(app.at("/echo"))
        assert {k: m.value for k, m in here.items()} == {
            "plain": "1",
            "secret": "3",
            "later": "4",
            "doomed": "5",
            "tls_only": "7",  # loopback counts as a secure origin (see above)
        }
        # filter_cookies gives bare name=value morsels; iterating the jar gives the attributes.
        stored = {c.key: c for c in jar}
        assert stored["secret"]["httponly"] is True
        assert stored["tls_only"]["secure"] is True
        assert stored["scoped"]["path"] == "/scoped"
        assert stored["later"]["expires"]
        scoped = jar.filter_cookies(app.at("/scoped/anything"))
        assert scoped["scoped"].value == "2"
        assert "scoped" not in jar.filter_cookies(app.at("/scopedx"))
        assert set(stored) == {"plain", "scoped", "secret", "later", "doomed", "tls_only"}
        # Another host gets nothing.
        assert len(jar.filter_cookies(URL("http://example.test/echo"))) == 0


async def test_cookies_set_during_a_redirect_chain(app: App) -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(cookie_jar=_jar()) as session,
        session.get(app.at("/cookie-hop/3")) as resp,
    ):
        assert resp.status == 200
        assert len(resp.history) == 3
        assert resp.history[0].cookies["hop3"].value == "3"
        final = (await resp.json())["cookies"]
    assert final == {"hop3": "3", "hop2": "2", "hop1": "1"}
    # Each hop carried the cookies the previous hops set.
    assert app.hop_cookies == [
        {},
        {"hop3": "3"},
        {"hop3": "3", "hop2": "2"},
        {"hop3": "3", "hop2": "2", "hop1": "1"},
    ]


async def test_per_request_cookies(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(cookie_jar=_jar()) as session:
        async with session.get(app.at("/set-cookies")) as resp:
            await resp.read()
        async with session.get(
            app.at("/echo"), cookies={"extra": "x", "plain": "override"}
        ) as resp:
            cookies = (await resp.json())["cookies"]
        assert cookies["extra"] == "x"
        assert cookies["plain"] == "override"
        assert cookies["secret"] == "3"
        # Per-request cookies are not stored in the jar.
        here = session.cookie_jar.filter_cookies(app.at("/echo"))
        assert "extra" not in here
        assert here["plain"].value == "1"
        async with session.get(app.at("/echo")) as resp:
            cookies = (await resp.json())["cookies"]
        assert "extra" not in cookies
        assert cookies["plain"] == "1"
    # Session-wide cookies go with every request.
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(cookies={"session_wide": "yes"}, cookie_jar=_jar()) as session,
        session.get(app.at("/echo")) as resp,
    ):
        assert (await resp.json())["cookies"] == {"session_wide": "yes"}


async def test_default_jar_ignores_cookies_from_an_ip_host(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(app.at("/set-cookies")) as resp:
            assert "plain" in resp.cookies  # the response has them...
            await resp.read()
        assert len(session.cookie_jar) == 0  # ...the jar does not keep them
        async with session.get(app.at("/echo")) as resp:
            echo = await resp.json()
        assert echo["cookies"] == {}
        assert "cookie" not in echo["headers"]


# ------------------------------------------------------------------------------ slow bodies


@pytest.mark.parametrize("framing", ["chunked", "length"])
@pytest.mark.parametrize(("piece", "delay"), [(0, 0.01), (7, 0.002)], ids=["lines", "pieces"])
async def test_slow_body_read_whole(app: App, framing: str, piece: int, delay: float) -> None:
    url = app.at("/slow").with_query(framing=framing, piece=piece, delay=delay)
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(url) as resp:
            if framing == "length":
                assert resp.content_length == len(SLOW_BODY)
            else:
                assert resp.headers["Transfer-Encoding"] == "chunked"
            assert await resp.read() == SLOW_BODY

        async with session.get(url) as resp:
            pieces = [chunk async for chunk in resp.content.iter_chunked(5)]
        assert b"".join(pieces) == SLOW_BODY
        assert all(0 < len(p) <= 5 for p in pieces)

        async with session.get(url) as resp:
            lines = []
            while line := await resp.content.readline():
                lines.append(line)
        assert lines == SLOW_LINES

        async with session.get(url) as resp:
            lines = [line async for line in resp.content]
        assert lines == SLOW_LINES
        assert _stats(session).created == 1


async def test_slow_chunked_body_keeps_chunk_boundaries(app: App) -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(app.at("/slow")) as resp,
    ):
        chunks = [chunk async for chunk in resp.content.iter_chunks()]
    # aiohttp.web sends one HTTP chunk per write(); each arrives whole and flagged as ended.
    # (aiohttp's own client gives the same with its pure-Python parser; its llhttp parser adds a
    # trailing (b"", True) for the last-chunk marker when the reader has kept up.)
    assert chunks == [(line, True) for line in SLOW_LINES]


async def test_sock_read_bounds_each_read_not_the_whole_body(app: App) -> None:
    # 6 pieces 0.06 s apart take over 0.3 s in all, but no single wait reaches 0.3 s.
    timeout = aiohttp.ClientTimeout(sock_read=0.3)
    url = app.at("/slow").with_query(delay="0.06")
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url) as resp,
    ):
        assert await resp.read() == SLOW_BODY


@pytest.mark.parametrize("where", ["head", "body"])
async def test_sock_read_timeout_on_a_stall(app: App, where: str) -> None:
    timeout = aiohttp.ClientTimeout(sock_read=0.2)
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(timeout=timeout) as session:
        started = loop.time()
        if where == "head":
            with pytest.raises(aiohttp.ServerTimeoutError) as info:
                await session.get(app.at("/stall/head"))
        else:
            async with session.get(app.at("/stall/body")) as resp:
                assert resp.status == 200
                with pytest.raises(aiohttp.ServerTimeoutError) as info:
                    await resp.read()
        assert loop.time() - started < 2
        assert isinstance(info.value, asyncio.TimeoutError)
        assert isinstance(info.value, aiohttp.SocketTimeoutError)
        assert isinstance(info.value, aiohttp.ClientConnectionError)
        assert _stats(session).idle == 0
        # The session is fine afterwards.
        async with session.get(app.at("/echo")) as resp:
            assert resp.status == 200


@pytest.mark.parametrize("where", ["head", "body"])
async def test_total_timeout_on_a_stall(app: App, where: str) -> None:
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        timeout = aiohttp.ClientTimeout(total=0.3)
        started = loop.time()
        if where == "head":
            with pytest.raises(asyncio.TimeoutError) as info:
                await session.get(app.at("/stall/head"), timeout=timeout)
        else:
            async with session.get(app.at("/stall/body"), timeout=timeout) as resp:
                assert resp.status == 200
                with pytest.raises(asyncio.TimeoutError) as info:
                    await resp.read()
        assert 0.25 < loop.time() - started < 2
        # The deadline is not a socket read timeout (aiohttp raises the bare TimeoutError).
        assert not isinstance(info.value, aiohttp.ServerTimeoutError)
        assert _stats(session).idle == 0
        async with session.get(app.at("/echo")) as resp:
            assert resp.status == 200


# ------------------------------------------------------------------------ abrupt disconnects


@pytest.mark.parametrize(
    ("framing", "how"),
    [
        ("length", "close"),
        ("length", "abort"),
        ("length", "eof"),
        ("chunked", "close"),
        ("chunked", "abort"),
        # (chunked, eof) would be a whole body: write_eof() sends the last chunk.
    ],
)
async def test_server_hangs_up_mid_body(app: App, framing: str, how: str) -> None:
    url = app.at("/cut").with_query(framing=framing, how=how)
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(url) as resp:
            assert resp.status == 200
            with pytest.raises(aiohttp.ClientPayloadError) as info:
                await resp.read()
        assert isinstance(info.value, aiohttp.ClientError)
        assert not isinstance(info.value, aiohttp.ClientResponseError)
        assert not isinstance(info.value, aiohttp.ClientConnectionError)
        stats = _stats(session)
        assert stats.idle == 0  # the broken connection was not pooled

        # What did arrive is readable before the error.
        received = bytearray()

        async def collect(resp: aiohttp.ClientResponse) -> None:
            async for chunk in resp.content.iter_chunked(1024):
                received.extend(chunk)

        async with session.get(url) as resp:
            with pytest.raises(aiohttp.ClientPayloadError):
                await collect(resp)
        assert received == b"x" * 100
        assert _stats(session).idle == 0

        # The session works for a new request, on a new connection that is then pooled.
        async with session.get(app.at("/echo")) as resp:
            assert (await resp.json())["path"] == "/echo"
        stats = _stats(session)
        assert stats.created == 3
        assert stats.idle == 1


# --------------------------------------------------------------- edge cases of the framing


async def test_head_has_a_length_but_no_body(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.head(app.at("/blob")) as resp:
            assert resp.status == 200
            assert resp.content_length == 1234
            assert await resp.read() == b""
        # The connection is still in step: the next response on it is its own.
        async with session.get(app.at("/blob")) as resp:
            assert await resp.read() == b"b" * 1234
        stats = _stats(session)
        assert stats.created == 1
        assert stats.reused == 1


async def test_no_body_statuses(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(app.at("/status/204")) as resp:
            assert resp.status == 204
            assert await resp.read() == b""
        async with session.get(app.at("/etag")) as resp:
            assert await resp.text() == "versioned"
            etag = resp.headers["ETag"]
        async with session.get(app.at("/etag"), headers={"If-None-Match": etag}) as resp:
            assert resp.status == 304
            assert resp.headers["ETag"] == etag
            assert await resp.read() == b""
        async with session.get(app.at("/echo")) as resp:
            assert (await resp.json())["path"] == "/echo"
        stats = _stats(session)
        assert stats.created == 1
        assert stats.reused == 3


@pytest.mark.parametrize(
    ("path", "limit", "cause"),
    [
        ("/big-header?size=9000", "max_field_size", LineTooLong),
        ("/long-reason?size=9000", "max_line_size", LineTooLong),
        ("/many-headers?count=200", "max_headers", TooManyHeaders),
    ],
)
async def test_response_head_over_the_limits(
    app: App, path: str, limit: str, cause: type[Exception]
) -> None:
    url = app.url.join(URL(path))
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientResponseError) as info:
            await session.get(url)
        assert info.value.status == 400
        assert info.value.request_info.real_url == url
        assert cause in _causes(info.value)
        assert _stats(session).idle == 0
        # A higher limit, per request, lets the same response through.
        raised: dict[str, Any] = {limit: 20_000}
        async with session.get(url, **raised) as resp:
            assert resp.status == 200
            if limit == "max_field_size":
                assert resp.headers["X-Big"] == "v" * 9000
            elif limit == "max_line_size":
                assert resp.reason == "r" * 9000
            else:
                assert resp.headers["X-H-199"] == "199"
            await resp.read()
    # The session-wide limit works the same way.
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(**raised) as session,
        session.get(url) as resp,
    ):
        assert resp.status == 200
        await resp.read()


# ------------------------------------------------------------------------------------- misc


async def test_json_round_trip(app: App) -> None:
    document = {"name": "httpwire", "items": [1, 2.5, None, True], "nested": {"é": "ü"}}
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.post(app.at("/json"), json=document) as resp,
    ):
        assert resp.status == 200
        assert resp.content_type == "application/json"
        assert await resp.json() == {"got": document, "content_type": "application/json"}
        assert resp.request_info.headers["Content-Type"] == "application/json"


async def test_json_needs_a_json_content_type(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(app.at("/text-json")) as resp:
            with pytest.raises(aiohttp.ContentTypeError) as info:
                await resp.json()
            assert isinstance(info.value, aiohttp.ClientResponseError)
            assert await resp.json(content_type=None) == {"not": "labelled json"}
        # A custom loads is used when given.
        async with session.post(app.at("/json"), json=[1, 2]) as resp:
            got = await resp.json(loads=lambda s: json.loads(s)["got"])
        assert got == [1, 2]


async def test_query_params_are_merged(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(app.at("/echo?a=1&b=x y"), params={"a": "3", "c": "&="}) as resp:
            echo = await resp.json()
            assert resp.url.query.getall("a") == ["1", "3"]
            assert resp.url.query["c"] == "&="
        assert echo["query"] == [["a", "1"], ["b", "x y"], ["a", "3"], ["c", "&="]]
        async with session.get(app.at("/echo"), params=[("k", "1"), ("k", "2"), ("n", 3)]) as resp:
            echo = await resp.json()
        assert echo["query"] == [["k", "1"], ["k", "2"], ["n", "3"]]
    # With a base_url, paths and params both join it.
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(base_url=app.url) as session,
        session.get("/echo", params={"z": "9"}) as resp,
    ):
        echo = await resp.json()
        assert echo["path"] == "/echo"
        assert echo["query"] == [["z", "9"]]


async def test_raise_for_status(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientResponseError) as info:
            async with session.get(app.at("/status/404"), raise_for_status=True):
                pass
        assert info.value.status == 404
        assert info.value.message == "Not Found"
        assert info.value.request_info.real_url == app.at("/status/404")
        # Without it, the 404 is just a response.
        async with session.get(app.at("/status/404")) as resp:
            assert resp.status == 404
            assert not resp.ok
            await resp.read()
        assert _stats(session).active == 0
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        with pytest.raises(aiohttp.ClientResponseError) as info:
            await session.get(app.at("/status/503"))
        assert info.value.status == 503
        async with session.get(app.at("/status/200")) as resp:
            assert resp.ok


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
@pytest.mark.parametrize("stream", [False, True], ids=["response", "stream"])
async def test_compressed_responses_are_decoded(app: App, coding: str, stream: bool) -> None:
    url = app.at(f"/compressed/{coding}")
    if stream:
        url = url.with_query(stream="1")
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(url) as resp:
            assert resp.headers["Content-Encoding"] == coding
            if stream:
                assert resp.headers["Transfer-Encoding"] == "chunked"
            assert await resp.text() == TEXT
        async with session.get(url, auto_decompress=False) as resp:
            raw = await resp.read()
        assert len(raw) < len(TEXT) // 4
        decoded = gzip.decompress(raw) if coding == "gzip" else zlib.decompress(raw)
        assert decoded == TEXT.encode()


async def test_negotiated_compression(app: App) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(app.at("/compressed/negotiate")) as resp:
            assert resp.headers["Content-Encoding"] in {"gzip", "deflate", "br", "zstd"}
            assert await resp.text() == TEXT
        async with session.get(
            app.at("/compressed/negotiate"), headers={"Accept-Encoding": "identity"}
        ) as resp:
            assert "Content-Encoding" not in resp.headers
            assert await resp.text() == TEXT
