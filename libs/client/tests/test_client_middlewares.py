"""Client middlewares: order, changing the request, calling the handler again, per-request use."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

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
        with pytest.raises(ValueError, match="header injection"):
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


# --- ClientRequest.update_body: a middleware replacing the body -----------------------------


def _body_replacer(new: object) -> httpwire.ClientMiddlewareType:
    async def middleware(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        await request.update_body(new() if callable(new) else new)
        return await handler(request)

    return middleware


async def _send_replaced(
    server: Server, new: object, method: str = "POST", **kwargs: object
) -> Received:
    server.answer("/b", reply(200, b"ok"))
    async with ClientSession(middlewares=(_body_replacer(new),)) as session:
        async with session.request(method, server.url("/b"), **kwargs) as resp:  # type: ignore[arg-type]
            assert resp.status == 200
    return server.requests[-1]


async def test_update_body_sends_the_new_body_with_its_length(server: Server) -> None:
    got = await _send_replaced(server, b"new body", data=b"old")
    assert got.body == b"new body"
    assert got.headers["Content-Length"] == "8"
    assert got.headers.getall("Content-Type") == ["application/octet-stream"]


async def test_update_body_to_none_sends_an_empty_body(server: Server) -> None:
    got = await _send_replaced(server, None, data=b"old")
    assert (got.body, got.headers["Content-Length"]) == (b"", "0")
    got = await _send_replaced(server, None, method="GET")
    assert "Content-Length" not in got.headers


async def test_update_body_with_a_stream_switches_to_chunked(server: Server) -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"str"
        yield b"eam"

    got = await _send_replaced(server, gen, data=b"sized")
    assert got.body == b"stream"
    assert got.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in got.headers


async def test_a_request_chunked_for_a_stream_stays_chunked_for_a_sized_body(
    server: Server,
) -> None:
    # As in aiohttp: the request was made chunked, and update_body() keeps that framing.
    async def gen() -> AsyncIterator[bytes]:
        yield b"never sent"

    got = await _send_replaced(server, b"sized", data=gen())
    assert got.body == b"sized"
    assert got.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in got.headers


async def test_update_body_keeps_chunked_true(server: Server) -> None:
    got = await _send_replaced(server, b"zz", data=b"old", chunked=True)
    assert got.body == b"zz"
    assert got.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in got.headers


async def test_a_form_given_to_a_bodiless_post_brings_its_content_type(server: Server) -> None:
    got = await _send_replaced(server, {"a": "1", "b": "2"})
    assert got.body == b"a=1&b=2"
    assert got.headers.getall("Content-Type") == ["application/x-www-form-urlencoded"]


async def test_a_content_type_of_the_callers_own_is_kept(server: Server) -> None:
    got = await _send_replaced(server, "text", data=b"old", headers={"Content-Type": "text/x"})
    assert got.headers.getall("Content-Type") == ["text/x"]


async def test_update_body_closes_the_old_body(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "old.bin"
    path.write_bytes(b"old file")
    with path.open("rb") as fh:
        got = await _send_replaced(server, b"new", data=fh)
        assert fh.closed
    assert got.body == b"new"


async def test_update_body_refuses_an_unsupported_type(server: Server) -> None:
    async with ClientSession(middlewares=(_body_replacer(object()),)) as session:
        with pytest.raises(TypeError, match="object"):
            await session.post(server.url("/b"), data=b"old")
    assert server.connections == 0


async def test_body_reads_as_empty_bytes_without_a_body(server: Server) -> None:
    seen: list[object] = []

    async def look(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        seen.append(request.body)
        return await handler(request)

    server.answer("/b", reply(200, b"ok"))
    async with ClientSession(middlewares=(look,)) as session:
        await (await session.get(server.url("/b"))).read()
        await (await session.post(server.url("/b"), data=b"x")).read()
    assert seen[0] == b""
    assert isinstance(seen[1], httpwire.BytesPayload)
    assert (
        {"GET", "HEAD", "OPTIONS", "TRACE"},
        {"PATCH", "POST", "PUT"},
    ) == (ClientRequest.GET_METHODS, ClientRequest.POST_METHODS)
    assert {"DELETE"} < ClientRequest.ALL_METHODS


async def test_request_skip_auto_headers_is_case_insensitive(server: Server) -> None:
    seen: list[tuple[bool, bool, list[str]]] = []

    async def look(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        skip = request.skip_auto_headers
        seen.append(("User-Agent" in skip, "Content-Type" in skip, sorted(skip)))
        return await handler(request)

    server.answer("/s", reply(200, b"ok"))
    async with ClientSession(middlewares=(look,), skip_auto_headers=["user-agent"]) as session:
        await (await session.get(server.url("/s"))).read()
        await (await session.get(server.url("/s"), skip_auto_headers=["CONTENT-type"])).read()
    assert seen == [(True, False, ["user-agent"]), (True, True, ["content-type", "user-agent"])]
