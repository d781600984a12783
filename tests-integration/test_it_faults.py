"""The composed client against a raw loopback server that misbehaves on purpose.

Each case: the error is typed, nothing hangs, and no broken connection goes back to the pool.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

import httpwire

__all__: list[str] = []

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _read_head(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Behaviour], Awaitable[str]]]:
    """Start a raw server on loopback running ``behaviour`` per connection; yields its URL."""
    servers: list[asyncio.Server] = []

    async def start(behaviour: Behaviour) -> str:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                await behaviour(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/"

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


def _idle(session: httpwire.ClientSession) -> int:
    """Connections kept in the pool for reuse."""
    connector = session.connector
    assert connector is not None
    assert connector.stats.active == 0
    return connector.stats.idle


async def test_server_closes_mid_body(serve: Callable[[Behaviour], Awaitable[str]]) -> None:
    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 100)
        await writer.drain()

    url = await serve(behaviour)
    async with httpwire.ClientSession() as session:
        async with session.get(url) as resp:
            assert resp.status == 200
            with pytest.raises(httpwire.ClientPayloadError):
                await asyncio.wait_for(resp.read(), 10)
        assert _idle(session) == 0


async def test_server_closes_mid_chunked_body(
    serve: Callable[[Behaviour], Awaitable[str]],
) -> None:
    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nab")
        await writer.drain()

    url = await serve(behaviour)
    async with httpwire.ClientSession() as session:
        async with session.get(url) as resp:
            with pytest.raises(httpwire.ClientPayloadError):
                await asyncio.wait_for(resp.read(), 10)
        assert _idle(session) == 0


async def test_server_resets_before_answering(
    serve: Callable[[Behaviour], Awaitable[str]],
) -> None:
    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_head(reader)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    url = await serve(behaviour)
    async with httpwire.ClientSession() as session:
        with pytest.raises(httpwire.ClientConnectionError):
            await asyncio.wait_for(session.get(url), 10)
        assert _idle(session) == 0


async def test_server_stalls_and_the_read_timeout_fires(
    serve: Callable[[Behaviour], Awaitable[str]],
) -> None:
    release = asyncio.Event()

    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()
        await release.wait()

    url = await serve(behaviour)
    timeout = httpwire.ClientTimeout(sock_read=0.2)
    try:
        async with httpwire.ClientSession(timeout=timeout) as session:
            async with session.get(url) as resp:
                with pytest.raises(httpwire.ServerTimeoutError):
                    await asyncio.wait_for(resp.read(), 10)
            assert _idle(session) == 0
    finally:
        release.set()


@pytest.mark.parametrize(
    "answer",
    [
        b"garbage\r\n\r\n",
        b"HTTP/1.1 2x0 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
    ],
    ids=["not-http", "bad-status", "two-lengths", "bad-field"],
)
async def test_server_sends_garbage(
    serve: Callable[[Behaviour], Awaitable[str]], answer: bytes
) -> None:
    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_head(reader)
        writer.write(answer)
        await writer.drain()

    url = await serve(behaviour)
    async with httpwire.ClientSession() as session:
        with pytest.raises(httpwire.ClientResponseError):
            await asyncio.wait_for(session.get(url), 10)
        assert _idle(session) == 0


async def test_the_session_still_works_after_a_fault(
    serve: Callable[[Behaviour], Awaitable[str]],
) -> None:
    calls = 0

    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal calls
        calls += 1
        await _read_head(reader)
        if calls == 1:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
            await writer.drain()
            return
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()

    url = await serve(behaviour)
    async with httpwire.ClientSession() as session:
        async with session.get(url) as resp:
            with pytest.raises(httpwire.ClientPayloadError):
                await resp.read()
        async with session.get(url) as resp:
            assert await resp.read() == b"ok"
