"""Streamed payloads: written once, unless ``as_bytes()`` read them into memory first."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from httpwire import ClientPayloadError, ClientSession
from httpwire._payload_base import BufferWriter
from httpwire.payload import AsyncIterablePayload, IterablePayload

from .conftest import Received, Server, reply


async def _agen() -> AsyncIterator[bytes]:
    yield b"Hello"
    yield bytearray(b", ")
    yield memoryview(b"World")


def _gen() -> Iterator[bytes]:
    yield b"Hello"
    yield b", World"


async def _written(payload: AsyncIterablePayload | IterablePayload) -> bytes:
    sink = BufferWriter()
    await payload.write(sink)
    return bytes(sink.buffer)


@pytest.mark.parametrize(
    "make", [lambda: AsyncIterablePayload(_agen()), lambda: IterablePayload(_gen())]
)
async def test_a_stream_is_written_once(make: object) -> None:
    payload = make()  # type: ignore[operator]
    with pytest.raises(TypeError, match="content not cached"):
        payload.decode()
    assert await _written(payload) == b"Hello, World"
    assert payload.consumed
    assert not payload.reusable
    with pytest.raises(ClientPayloadError, match="already sent"):
        await _written(payload)
    with pytest.raises(ClientPayloadError, match="already sent"):
        await payload.as_bytes()


@pytest.mark.parametrize(
    "make", [lambda: AsyncIterablePayload(_agen()), lambda: IterablePayload(_gen())]
)
async def test_as_bytes_keeps_the_body_for_every_later_write(make: object) -> None:
    payload = make()  # type: ignore[operator]
    assert await payload.as_bytes() == b"Hello, World"
    assert await payload.as_bytes() == b"Hello, World"
    assert payload.decode() == "Hello, World"
    assert payload.reusable
    assert not payload.consumed
    assert await _written(payload) == b"Hello, World"
    assert await _written(payload) == b"Hello, World"


async def test_a_bad_chunk_fails_as_bytes_and_leaves_the_stream_spent() -> None:
    async def bad() -> AsyncIterator[object]:
        yield b"ok"
        yield "text"

    payload = AsyncIterablePayload(bad())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes-like chunks, got 'str'"):
        await payload.as_bytes()
    with pytest.raises(ClientPayloadError, match="already sent"):
        await _written(payload)


async def test_a_stream_read_by_as_bytes_is_resent_on_a_307(server: Server) -> None:
    @server.route("/from")
    async def moved(req: Received, writer: object) -> bytes:
        return reply(307, b"", {"Location": "/to"})

    @server.route("/to")
    async def landed(req: Received, writer: object) -> bytes:
        return reply(200, req.body)

    payload = AsyncIterablePayload(_agen())
    await payload.as_bytes()
    async with ClientSession() as session, session.post(server.url("/from"), data=payload) as resp:
        assert await resp.read() == b"Hello, World"
    assert [r.body for r in server.requests] == [b"Hello, World", b"Hello, World"]
