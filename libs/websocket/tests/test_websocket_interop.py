"""Interop against a real peer: the ``websockets`` library serving an echo on 127.0.0.1.

The test drives a TCP connection by hand with this library's handshake helpers, writer and reader;
asyncio appears only here, never in the package.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory

from httpwire_websocket import (
    ClientHandshake,
    DeflateOffer,
    HandshakeResult,
    InvalidStatusError,
    WebSocketProtocol,
    WebSocketReader,
    WebSocketWriter,
    WSMessage,
    WSMsgType,
    WSState,
)


async def echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


class Client:
    """A minimal asyncio client built from the sans-IO pieces."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, result: HandshakeResult
    ) -> None:
        self.stream_reader = reader
        self.stream_writer = writer
        self.result = result
        self.ws_reader = WebSocketReader(deflate=result.deflate, max_msg_size=0)
        self.ws_writer = WebSocketWriter(deflate=result.deflate, max_frame_size=0)
        self.pending: list[WSMessage] = []

    async def send(self, frames: bytes) -> None:
        self.stream_writer.write(frames)
        await self.stream_writer.drain()

    async def receive(self) -> WSMessage:
        while not self.pending:
            data = await asyncio.wait_for(self.stream_reader.read(65536), 10)
            self.pending += self.ws_reader.feed(data) if data else self.ws_reader.feed_eof()
            if not data and not self.pending:
                raise AssertionError("connection closed")
        return self.pending.pop(0)


async def connect(port: int, handshake: ClientHandshake) -> Client:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"GET /chat HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"]
    lines += [f"{name}: {value}\r\n" for name, value in handshake.request_headers()]
    writer.write(("".join(lines) + "\r\n").encode("latin-1"))
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(line.split(":", 1)) for line in header_lines if line]
    pairs = [(name.strip(), value.strip()) for name, value in headers]
    result = handshake.validate_response(int(status_line.split()[1]), pairs)
    return Client(reader, writer, result)


@pytest.fixture
async def server(request: pytest.FixtureRequest) -> AsyncIterator[int]:
    kwargs: dict[str, Any] = getattr(request, "param", {"compression": "deflate"})
    async with serve(echo, "127.0.0.1", 0, max_size=None, ping_interval=None, **kwargs) as srv:
        yield next(iter(srv.sockets)).getsockname()[1]


async def exchange(client: Client, *, fragment: int = 0) -> None:
    w = client.ws_writer
    cases: Sequence[tuple[WSMsgType, str | bytes]] = [
        (WSMsgType.TEXT, "hello"),
        (WSMsgType.TEXT, "ünïcödé " * 1000),
        (WSMsgType.BINARY, b""),
        (WSMsgType.BINARY, os.urandom(1 << 20)),
        (WSMsgType.BINARY, b"compressible " * 10000),
    ]
    w._max_frame = fragment
    for kind, data in cases:
        frames = w.text(data) if isinstance(data, str) else w.binary(data)
        await client.send(frames)
        assert await client.receive() == (kind, data, "")
    await client.send(w.ping(b"are you there"))
    assert await client.receive() == (WSMsgType.PONG, b"are you there", "")
    await client.send(w.close(1000, "bye"))
    assert await client.receive() == (WSMsgType.CLOSE, 1000, "bye")
    assert await client.stream_reader.read() == b""
    client.stream_writer.close()


async def test_echo_without_compression(server: int) -> None:
    client = await connect(server, ClientHandshake.create())
    assert client.result.deflate is None
    await exchange(client)


async def test_echo_with_permessage_deflate(server: int) -> None:
    client = await connect(server, ClientHandshake.create(compress=15))
    assert client.result.deflate is not None
    assert "permessage-deflate" in (client.result.extensions or "")
    await exchange(client, fragment=4096)


@pytest.mark.parametrize(
    "server",
    [
        {
            "compression": None,
            "extensions": [
                ServerPerMessageDeflateFactory(
                    server_no_context_takeover=True,
                    client_no_context_takeover=True,
                    server_max_window_bits=10,
                    client_max_window_bits=9,
                    require_client_max_window_bits=True,
                )
            ],
        }
    ],
    indirect=True,
)
async def test_echo_with_negotiated_limits(server: int) -> None:
    client = await connect(server, ClientHandshake.create(deflate=DeflateOffer()))
    params = client.result.deflate
    assert params is not None
    assert params.server_no_context_takeover
    assert params.client_no_context_takeover
    assert (params.server_max_window_bits, params.client_max_window_bits) == (10, 9)
    await exchange(client)


@pytest.mark.parametrize("server", [{"subprotocols": ["v2", "chat"]}], indirect=True)
async def test_subprotocol_chosen_by_server(server: int) -> None:
    client = await connect(server, ClientHandshake.create(protocols=["chat", "v1"]))
    assert client.result.protocol == "chat"
    await exchange(client)


async def test_status_other_than_101(server: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    with pytest.raises(InvalidStatusError) as info:
        ClientHandshake.create().validate_response(int(head.split()[1]), [])
    assert info.value.status == 426
    writer.close()


async def server_pings_then_closes(ws: ServerConnection) -> None:
    pong = await ws.ping(b"heartbeat")
    await asyncio.wait_for(pong, 10)
    await ws.send("after the pong")
    await ws.close(4001, "server done")
    close_rcvd = ws.protocol.close_rcvd
    assert close_rcvd is not None
    SERVER_SAW.append((close_rcvd.code, close_rcvd.reason))


SERVER_SAW: list[tuple[int, str]] = []


@pytest.mark.parametrize("compress", [0, 15])
async def test_protocol_answers_server_ping_and_close(compress: int) -> None:
    SERVER_SAW.clear()
    async with serve(server_pings_then_closes, "127.0.0.1", 0, ping_interval=None) as srv:
        port = next(iter(srv.sockets)).getsockname()[1]
        client = await connect(port, ClientHandshake.create(compress=compress))
        ws = WebSocketProtocol(deflate=client.result.deflate)
        received: list[WSMessage] = []
        while not ws.close_expected():
            data = await asyncio.wait_for(client.stream_reader.read(65536), 10)
            if data:
                ws.receive_data(data)
            else:
                ws.receive_eof()
            received += ws.events_received()
            client.stream_writer.write(ws.data_to_send())
            await client.stream_writer.drain()
        assert await asyncio.wait_for(client.stream_reader.read(), 10) == b""
        client.stream_writer.close()
    assert received == [
        (WSMsgType.PING, b"heartbeat", ""),
        (WSMsgType.TEXT, "after the pong", ""),
        (WSMsgType.CLOSE, 4001, "server done"),
    ]
    assert ws.state is WSState.CLOSED
    assert (ws.close_code, ws.close_reason) == (4001, "server done")
    assert SERVER_SAW == [(4001, "")]
