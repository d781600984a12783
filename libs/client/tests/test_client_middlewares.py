"""Client middlewares: order, changing the request, calling the handler again, per-request use."""

from __future__ import annotations

import asyncio

import pytest

import httpwire
from httpwire import ClientHandlerType, ClientRequest, ClientResponse, ClientSession

from .conftest import Received, Server, reply


def _echo_headers(server: Server, path: str = "/h") -> None:
    @server.route(path)
    async def handler(req: Received, writer: asyncio.StreamWriter) -> bytes:
        seen = ",".join(req.headers.getall("X-Mw", []))
        return reply(200, seen, {"X-Connection": str(req.connection)})


def _tagger(tag: str, log: list[str]) -> httpwire.ClientMiddlewareType:
    async def middleware(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        log.append(f"{tag} in")
        request.headers.add("X-Mw", tag)
        response = await handler(request)
        log.append(f"{tag} out {response.status}")
        return response

    return middleware


async def test_first_middleware_is_outermost(server: Server) -> None:
    _echo_headers(server)
    log: list[str] = []
    async with ClientSession(middlewares=(_tagger("a", log), _tagger("b", log))) as session:
        async with session.get(server.url("/h")) as resp:
            assert await resp.text() == "a,b"
    assert log == ["a in", "b in", "b out 200", "a out 200"]


async def test_per_request_middlewares_replace_the_sessions(server: Server) -> None:
    _echo_headers(server)
    log: list[str] = []
    async with ClientSession(middlewares=(_tagger("session", log),)) as session:
        async with session.get(server.url("/h"), middlewares=(_tagger("mine", log),)) as resp:
            assert await resp.text() == "mine"
        async with session.get(server.url("/h"), middlewares=()) as resp:
            assert await resp.text() == ""
        async with session.get(server.url("/h")) as resp:
            assert await resp.text() == "session"


async def test_a_middleware_may_send_again(server: Server) -> None:
    attempts: list[int] = []

    @server.route("/flaky")
    async def flaky(req: Received, writer: asyncio.StreamWriter) -> bytes:
        attempts.append(1)
        if len(attempts) < 3:
            return reply(503, "busy")
        return reply(200, f"ok after {len(attempts)}")

    async def retry(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        for _ in range(4):
            response = await handler(request)
            if response.status != 503:
                return response
            await response.read()
            response.release()
        return response

    async with ClientSession(middlewares=(retry,)) as session:
        async with session.post(server.url("/flaky"), data=b"payload") as resp:
            assert resp.status == 200
            assert await resp.text() == "ok after 3"
    assert [r.body for r in server.requests] == [b"payload"] * 3
    assert len({r.connection for r in server.requests}) == 1  # the pool served every attempt


async def test_middlewares_run_on_every_redirect_hop(server: Server) -> None:
    server.answer("/from", reply(302, "", {"Location": "/h"}))
    _echo_headers(server)
    log: list[str] = []
    async with ClientSession(middlewares=(_tagger("t", log),)) as session:
        async with session.get(server.url("/from")) as resp:
            assert await resp.text() == "t"
            assert [r.status for r in resp.history] == [302]
    assert log == ["t in", "t out 302", "t in", "t out 200"]


async def test_nested_requests_through_request_session(server: Server) -> None:
    server.answer("/token", reply(200, "secret-token"))

    @server.route("/api")
    async def api(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, req.headers.get("Authorization", "none"))

    async def bearer(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        assert request.session is not None
        if request.url.path == "/api":
            async with request.session.get(server.url("/token"), middlewares=()) as token_response:
                request.headers["Authorization"] = "Bearer " + await token_response.text()
        return await handler(request)

    async with ClientSession(middlewares=(bearer,)) as session:
        async with session.get(server.url("/api")) as resp:
            assert await resp.text() == "Bearer secret-token"


async def test_a_bad_header_from_a_middleware_fails_before_connecting(server: Server) -> None:
    async def inject(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        request.headers["X-Bad"] = "a\r\nInjected: 1"
        return await handler(request)

    async with ClientSession(middlewares=(inject,)) as session:
        with pytest.raises(ValueError, match="contains CR, LF"):
            await session.get(server.url("/h"))
    assert server.connections == 0


async def test_errors_raised_by_a_middleware_reach_the_caller(server: Server) -> None:
    class Refused(Exception):
        pass

    async def gate(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        raise Refused(str(request.url))

    async with ClientSession(middlewares=(gate,)) as session:
        with pytest.raises(Refused, match="/h"):
            await session.get(server.url("/h"))
    assert server.connections == 0


async def test_a_middleware_may_change_the_url(server: Server) -> None:
    _echo_headers(server, "/moved")

    async def rewrite(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        request.url = request.url.with_path("/moved")
        return await handler(request)

    async with ClientSession(middlewares=(rewrite,)) as session:
        async with session.get(server.url("/elsewhere")) as resp:
            assert resp.status == 200
    assert [r.target for r in server.requests] == ["/moved"]


async def test_json_serialize_bytes_is_preferred_for_json(server: Server) -> None:
    @server.route("/j")
    async def echo(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, req.body, {"X-Type": req.headers["Content-Type"]})

    def dumps(value: object) -> bytes:
        return b'{"custom":' + repr(value).encode() + b"}"

    async with ClientSession(json_serialize_bytes=dumps) as session:
        async with session.post(server.url("/j"), json=1) as resp:
            assert await resp.read() == b'{"custom":1}'
            assert resp.headers["X-Type"] == "application/json"

    def not_bytes(value: object) -> bytes:
        return "text"  # type: ignore[return-value]

    async with ClientSession(json_serialize_bytes=not_bytes) as session:
        with pytest.raises(TypeError, match="must return bytes"):
            await session.post(server.url("/j"), json=1)
