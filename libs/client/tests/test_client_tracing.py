"""Tracing: which signals fire, in which order, with which parameters, on a real exchange."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from httpwire import ClientConnectorError, ClientSession, TCPConnector, TraceConfig

from .conftest import Received, Server, reply

SIGNALS = [
    "on_request_start",
    "on_request_chunk_sent",
    "on_response_chunk_received",
    "on_request_end",
    "on_request_exception",
    "on_request_redirect",
    "on_connection_queued_start",
    "on_connection_queued_end",
    "on_connection_create_start",
    "on_connection_create_end",
    "on_connection_reuseconn",
    "on_dns_resolvehost_start",
    "on_dns_resolvehost_end",
    "on_dns_cache_hit",
    "on_dns_cache_miss",
    "on_request_headers_sent",
]


def recording_config() -> tuple[TraceConfig, list[tuple[str, Any, SimpleNamespace]]]:
    config = TraceConfig()
    events: list[tuple[str, Any, SimpleNamespace]] = []
    for name in SIGNALS:

        async def record(session: Any, ctx: SimpleNamespace, params: Any, name: str = name) -> None:
            events.append((name, params, ctx))

        getattr(config, name).append(record)
    return config, events


@pytest.fixture
def routes(server: Server) -> Server:
    async def ok(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"body bytes")

    async def moved(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(302, b"", {"Location": "/ok"})

    server.route("/ok")(ok)
    server.route("/moved")(moved)
    return server


async def test_signals_of_a_post_then_a_reused_get(routes: Server) -> None:
    config, events = recording_config()
    async with ClientSession(trace_configs=[config]) as session:
        async with session.post(routes.url("/ok"), data=b"payload") as resp:
            assert await resp.read() == b"body bytes"
        async with session.get(routes.url("/ok"), trace_request_ctx={"n": 2}) as resp:
            await resp.read()
    names = [name for name, _, _ in events]
    end = names.index("on_request_end")
    # An IP literal needs no DNS, and nothing queues below the connection limit (as in aiohttp).
    assert names[: end + 2] == [
        "on_request_start",
        "on_connection_create_start",
        "on_connection_create_end",
        "on_request_headers_sent",
        "on_request_chunk_sent",
        "on_request_end",
        "on_response_chunk_received",
    ]
    first = names[: end + 2]
    assert "on_connection_reuseconn" in names[len(first) :]
    by_name: dict[str, Any] = {}
    for name, params, _ in events:
        by_name.setdefault(name, params)
    assert by_name["on_request_chunk_sent"].chunk == b"payload"
    assert by_name["on_response_chunk_received"].chunk == b"body bytes"
    assert by_name["on_request_start"].method == "POST"
    assert by_name["on_request_end"].response.status == 200
    assert events[-1][2].trace_request_ctx == {"n": 2}


@pytest.mark.parametrize(("path", "params"), [("/ok?x=0", None), ("/ok", {"x": 0})])
async def test_traced_urls_keep_the_query_whether_in_the_url_or_in_params(
    routes: Server, path: str, params: dict[str, int] | None
) -> None:
    config, events = recording_config()
    async with (
        ClientSession(trace_configs=[config]) as session,
        session.get(routes.url(path), params=params) as resp,
    ):
        await resp.read()
    urls = {name: str(p.url) for name, p, _ in events if hasattr(p, "url")}
    expected = str(routes.url("/ok?x=0"))
    for name in ("on_request_start", "on_request_headers_sent", "on_request_end"):
        assert urls[name] == expected, name


async def test_redirect_is_traced(routes: Server) -> None:
    config, events = recording_config()
    async with ClientSession(trace_configs=[config]) as session:
        async with session.get(routes.url("/moved")) as resp:
            assert resp.status == 200
    (redirect,) = [p for name, p, _ in events if name == "on_request_redirect"]
    assert redirect.response.status == 302
    assert str(redirect.url).endswith("/moved")


async def test_exception_is_traced(unused_tcp_port: int) -> None:
    config, events = recording_config()
    async with ClientSession(trace_configs=[config]) as session:
        with pytest.raises(ClientConnectorError):
            await session.get(f"http://127.0.0.1:{unused_tcp_port}/")
    (failure,) = [p for name, p, _ in events if name == "on_request_exception"]
    assert isinstance(failure.exception, ClientConnectorError)
    assert "on_request_end" not in [name for name, _, _ in events]


async def test_streamed_body_chunks_are_each_traced(routes: Server) -> None:
    config, events = recording_config()

    async def gen():  # type: ignore[no-untyped-def]
        yield b"a"
        yield b"bc"

    async with ClientSession(trace_configs=[config]) as session:
        async with session.post(routes.url("/ok"), data=gen()) as resp:
            await resp.read()
    chunks = [p.chunk for name, p, _ in events if name == "on_request_chunk_sent"]
    assert chunks == [b"a", b"bc"]


async def test_large_bytes_body_is_traced_whole_after_its_headers(routes: Server) -> None:
    config, events = recording_config()
    data = bytes(range(256)) * 1024  # 256 KiB: more than goes out in the head's write
    async with ClientSession(trace_configs=[config]) as session:
        async with session.post(routes.url("/ok"), data=data) as resp:
            await resp.read()
    names = [name for name, _, _ in events]
    assert names.index("on_request_headers_sent") < names.index("on_request_chunk_sent")
    chunks = [p.chunk for name, p, _ in events if name == "on_request_chunk_sent"]
    assert chunks == [data]


async def test_dns_cache_hit_on_second_connection(routes: Server) -> None:
    config, events = recording_config()
    connector = TCPConnector(force_close=True)
    url = f"http://localhost:{routes.port}/ok"
    async with ClientSession(connector=connector, trace_configs=[config]) as session:
        for _ in range(2):
            async with session.get(url) as resp:
                await resp.read()
    names = [name for name, _, _ in events]
    assert names.count("on_dns_cache_miss") == 1
    assert names.count("on_dns_cache_hit") == 1
    assert "on_connection_reuseconn" not in names
    assert names.index("on_dns_resolvehost_start") < names.index("on_dns_resolvehost_end")


async def test_queued_when_the_limit_is_reached(routes: Server) -> None:
    config, events = recording_config()
    connector = TCPConnector(limit=1)
    async with ClientSession(connector=connector, trace_configs=[config]) as session:

        async def get() -> None:
            async with session.get(routes.url("/ok")) as resp:
                await resp.read()

        await asyncio.gather(get(), get())
    names = [name for name, _, _ in events]
    assert names.count("on_connection_queued_start") == 1
    assert names.count("on_connection_queued_end") == 1


async def test_a_failing_on_request_start_ends_only_the_traces_that_started(
    server: Server,
) -> None:
    ended: list[tuple[str, BaseException]] = []

    def config(name: str, fail: bool) -> TraceConfig:
        async def start(session: ClientSession, ctx: SimpleNamespace, params: Any) -> None:
            if fail:
                raise RuntimeError("trace boom")

        async def exception(session: ClientSession, ctx: SimpleNamespace, params: Any) -> None:
            ended.append((name, params.exception))

        trace = TraceConfig()
        trace.on_request_start.append(start)
        trace.on_request_exception.append(exception)
        return trace

    configs = [config("first", False), config("failing", True), config("never", False)]
    async with ClientSession(trace_configs=configs) as session:
        with pytest.raises(RuntimeError, match="trace boom"):
            await session.get(server.url("/"))
    assert [(name, str(exc)) for name, exc in ended] == [("first", "trace boom")]
    assert server.connections == 0
