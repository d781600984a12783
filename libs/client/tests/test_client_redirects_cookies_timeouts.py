"""Redirects, cookies and timeouts of ClientSession against a real loopback server."""

from __future__ import annotations

import asyncio
import json

import pytest
from multidict import CIMultiDict

import httpwire
from httpwire import ClientSession, ClientTimeout

from .conftest import Received, Server, reply

# The deprecated auth API (BasicAuth, auth=, proxy_auth=) still works; these tests exercise it.
LEGACY_AUTH = pytest.mark.filterwarnings(
    "ignore:(BasicAuth|The 'auth' parameter|The 'proxy_auth' parameter) is deprecated"
    ":DeprecationWarning"
)


def redirect(status: int, location: str, headers: dict[str, str] | None = None) -> bytes:
    return reply(status, b"", {"Location": location, **(headers or {})}, reason="Redirect")


async def report(req: Received, writer: asyncio.StreamWriter) -> bytes:
    doc = {
        "method": req.method,
        "body": req.body.decode("latin-1"),
        "headers": [[k, v] for k, v in req.headers.items()],
    }
    return reply(200, json.dumps(doc), {"Content-Type": "application/json"})


@pytest.mark.parametrize(
    ("status", "method", "after", "body"),
    [
        (301, "POST", "GET", ""),
        (302, "POST", "GET", ""),
        (303, "POST", "GET", ""),
        (303, "PUT", "GET", ""),
        (301, "PUT", "PUT", "payload"),
        (307, "POST", "POST", "payload"),
        (308, "PUT", "PUT", "payload"),
    ],
)
async def test_redirect_method_and_body(
    server: Server, status: int, method: str, after: str, body: str
) -> None:
    server.answer("/from", redirect(status, "/to"))
    server.routes["/to"] = report
    async with ClientSession() as session:
        async with session.request(method, server.url("/from"), data=b"payload") as resp:
            doc = await resp.json()
            assert resp.url == server.url("/to")
            assert [h.status for h in resp.history] == [status]
            assert resp.history[0].url == server.url("/from")
    assert doc["method"] == after
    assert doc["body"] == body
    if not body:
        assert "Content-Type" not in CIMultiDict(doc["headers"])


async def test_head_stays_head_on_303(server: Server) -> None:
    server.answer("/from", redirect(303, "/to"))
    server.routes["/to"] = report
    async with ClientSession() as session:
        async with session.head(server.url("/from"), allow_redirects=True) as resp:
            assert resp.status == 200
    assert [r.method for r in server.requests] == ["HEAD", "HEAD"]


async def test_redirect_not_followed_when_disabled(server: Server) -> None:
    server.answer("/from", redirect(302, "/to"))
    async with ClientSession() as session:
        async with session.get(server.url("/from"), allow_redirects=False) as resp:
            assert resp.status == 302
            assert resp.history == ()
            assert resp.headers["Location"] == "/to"


async def test_too_many_redirects(server: Server) -> None:
    server.answer("/loop", redirect(302, "/loop"))
    async with ClientSession() as session:
        with pytest.raises(httpwire.TooManyRedirects) as info:
            await session.get(server.url("/loop"), max_redirects=3)
    assert len(info.value.history) == 3
    assert len(server.requests) == 3


async def test_redirect_to_non_http_and_invalid(server: Server) -> None:
    server.answer("/ftp", redirect(302, "ftp://example.com/"))
    server.answer("/bad", redirect(302, "http://[::1"))
    async with ClientSession() as session:
        with pytest.raises(httpwire.NonHttpUrlRedirectClientError):
            await session.get(server.url("/ftp"))
        with pytest.raises(httpwire.InvalidUrlRedirectClientError):
            await session.get(server.url("/bad"))


async def test_one_shot_body_is_not_resent(server: Server) -> None:
    server.answer("/from", redirect(307, "/to"))
    server.routes["/to"] = report

    async def gen():  # type: ignore[no-untyped-def]
        yield b"once"

    async with ClientSession() as session:
        with pytest.raises(httpwire.ClientPayloadError, match="redirect"):
            await session.post(server.url("/from"), data=gen())


@LEGACY_AUTH
async def test_authorization_and_cookies_not_sent_to_another_origin(server: Server) -> None:
    other = Server()
    await other.start()
    try:
        other.routes["/land"] = report
        server.answer("/from", redirect(302, str(other.url("/land"))))
        async with (
            ClientSession() as session,
            session.get(
                server.url("/from"),
                auth=httpwire.BasicAuth("u", "p"),
                cookies={"c": "1"},
            ) as resp,
        ):
            headers = CIMultiDict((await resp.json())["headers"])
        assert "Authorization" not in headers
        assert "Cookie" not in headers
        assert "Authorization" in server.requests[0].headers
    finally:
        await other.stop()


async def test_cookies_from_responses_and_redirect_hops(server: Server) -> None:
    server.answer("/set", redirect(302, "/to", {"Set-Cookie": "hop=1; Path=/"}))
    server.routes["/to"] = report
    # unsafe=True: the test server is an IP address, whose cookies a default jar refuses.
    async with ClientSession(cookie_jar=httpwire.CookieJar(unsafe=True)) as session:
        async with session.get(server.url("/set")) as resp:
            headers = CIMultiDict((await resp.json())["headers"])
        assert headers["Cookie"] == "hop=1"
        assert [c.key for c in session.cookie_jar] == ["hop"]
        async with session.get(server.url("/to"), cookies={"once": "2"}) as resp:
            headers = CIMultiDict((await resp.json())["headers"])
        assert sorted(headers["Cookie"].split("; ")) == ["hop=1", "once=2"]
        assert sorted(c.key for c in session.cookie_jar) == ["hop"]


async def test_session_cookies_and_dummy_jar(server: Server) -> None:
    server.routes["/to"] = report
    server.answer("/set", reply(200, b"", {"Set-Cookie": "s=1"}))
    async with ClientSession(cookies={"start": "v"}) as session:
        async with session.get(server.url("/to")) as resp:
            assert CIMultiDict((await resp.json())["headers"])["Cookie"] == "start=v"
    async with ClientSession(cookie_jar=httpwire.DummyCookieJar()) as session:
        async with session.get(server.url("/set")) as resp:
            assert resp.cookies["s"].value == "1"
        async with session.get(server.url("/to")) as resp:
            assert "Cookie" not in CIMultiDict((await resp.json())["headers"])


async def test_total_timeout(server: Server) -> None:
    async def stall(req: Received, writer: asyncio.StreamWriter) -> bytes:
        await asyncio.sleep(5)
        return reply(200)

    server.routes["/stall"] = stall
    async with ClientSession(timeout=ClientTimeout(total=0.2)) as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.get(server.url("/stall"))
    async with ClientSession() as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.get(server.url("/stall"), timeout=ClientTimeout(total=0.2))


async def test_sock_read_timeout_is_a_server_timeout(server: Server) -> None:
    async def slow_body(req: Received, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()
        await asyncio.sleep(5)
        return

    server.routes["/slow"] = slow_body
    async with ClientSession(timeout=ClientTimeout(sock_read=0.2)) as session:
        async with session.get(server.url("/slow")) as resp:
            with pytest.raises(httpwire.ServerTimeoutError):
                await resp.read()
    assert issubclass(httpwire.SocketTimeoutError, asyncio.TimeoutError)


async def test_cancelled_request_does_not_pool_the_connection(server: Server) -> None:
    async def stall(req: Received, writer: asyncio.StreamWriter) -> bytes:
        await asyncio.sleep(5)
        return reply(200)

    server.routes["/stall"] = stall
    server.answer("/ok", reply(200, b"ok"))
    async with ClientSession() as session:
        task = asyncio.ensure_future(session.get(server.url("/stall")))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with session.get(server.url("/ok")) as resp:
            assert await resp.text() == "ok"
    assert server.connections == 2


async def test_cookies_given_for_one_request_are_not_limited_like_the_jar(server: Server) -> None:
    server.routes["/to"] = report
    cookies = {f"c{i}": "v" for i in range(400)}  # over the jar's 150 cookies per request
    async with ClientSession() as session, session.get(server.url("/to"), cookies=cookies) as resp:
        sent = CIMultiDict((await resp.json())["headers"])["Cookie"].split("; ")
    assert len(sent) == 400
