"""@streamer: a deprecated coroutine-written body, sent chunked and once."""

from __future__ import annotations

import pytest

from httpwire import ClientPayloadError, ClientSession, streamer
from httpwire._payload_base import BufferWriter
from httpwire.abc import AbstractStreamWriter
from httpwire.payload import get_payload
from httpwire.payload_streamer import StreamWrapperPayload

from .conftest import Server, reply


def _make() -> streamer:
    with pytest.warns(DeprecationWarning, match="@streamer is deprecated"):

        @streamer
        async def send_lines(writer: AbstractStreamWriter, count: int = 2) -> None:
            for i in range(count):
                await writer.write(f"line {i}\n".encode())

    return send_lines


async def test_a_streamer_body_is_written_by_the_coroutine_once() -> None:
    send_lines = _make()
    payload = get_payload(send_lines(count=3))
    assert type(payload) is StreamWrapperPayload
    assert payload.size is None
    sink = BufferWriter()
    await payload.write(sink)
    assert bytes(sink.buffer) == b"line 0\nline 1\nline 2\n"
    with pytest.raises(ClientPayloadError, match="already sent"):
        await payload.write(BufferWriter())
    with pytest.raises(TypeError, match="Unable to decode"):
        payload.decode()


async def test_a_streamer_goes_out_chunked(server: Server) -> None:
    server.answer("/up", reply(200, b"ok"))
    send_lines = _make()
    async with ClientSession() as session:
        for data in (send_lines(), send_lines):  # called, or the decorated function as is
            async with session.post(server.url("/up"), data=data) as resp:
                assert resp.status == 200
    assert [r.body for r in server.requests] == [b"line 0\nline 1\n"] * 2
    assert server.requests[0].headers["Transfer-Encoding"] == "chunked"
