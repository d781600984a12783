"""``ws_connect`` against the ``websockets`` library's server: a real RFC 6455/7692 peer.

The unit tests (``libs/client/tests/test_client_ws.py``) check each client rule on its own, many
against hand-written frames. Here the peer is an independent implementation doing its own part of
each exchange on a loopback port: its keepalive pings, its fragmenter, its deflate context, its
close handshake, its subprotocol choice, its ``process_request`` refusal and its TLS, and the tests
look at what the server saw (close codes, ping counts, bytes on the wire) as well as at the client.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import _it_servers as _servers  # on sys.path via conftest.py
import pytest
import trustme
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.protocol import Event

import httpwire as aiohttp

__all__: list[str] = []

TIMEOUT = 20
MiB = 1024 * 1024


it_ca = _servers.it_ca
it_client_ssl = _servers.it_client_ssl


# ----------------------------------------------------------------- the server


class TallyConnection(ServerConnection):
    """A server connection that counts the bytes it reads and the PINGs it is sent."""

    wire_bytes = 0
    pings = 0

    def data_received(self, data: bytes) -> None:
        self.wire_bytes += len(data)
        super().data_received(data)

    def process_event(self, event: Event) -> None:
        if isinstance(event, Frame) and event.opcode is Opcode.PING:
            self.pings += 1
        super().process_event(event)


Handler = Callable[[ServerConnection], Awaitable[None]]


@asynccontextmanager
async def ws_server(
    handler: Handler, *, scheme: str = "ws", **kwargs: Any
) -> AsyncIterator[tuple[str, list[TallyConnection]]]:
    """A ``websockets`` server on 127.0.0.1 port 0 running ``handler`` per connection.

    Yields the URL and the connections it accepted. An exception in ``handler`` other than the
    connection closing fails the test when the server stops. Keepalive pings are off unless
    ``ping_interval`` is given.
    """
    kwargs.setdefault("ping_interval", None)
    kwargs.setdefault("close_timeout", 2)
    connections: list[TallyConnection] = []
    errors: list[BaseException] = []

    async def run(ws: ServerConnection) -> None:
        assert isinstance(ws, TallyConnection)
        connections.append(ws)
        try:
            await handler(ws)
        except ConnectionClosed:
            pass
        except Exception as exc:
            errors.append(exc)
            raise

    async with serve(run, "127.0.0.1", 0, create_connection=TallyConnection, **kwargs) as server:
        port = server.sockets[0].getsockname()[1]
        host = "localhost" if scheme == "wss" else "127.0.0.1"
        yield f"{scheme}://{host}:{port}/", connections
    if errors:
        raise errors[0]


async def echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


def _pattern(size: int) -> bytes:
    """``size`` bytes where every MiB differs, so a misplaced chunk changes the digest."""
    block = bytes(range(256)) * 4096
    return b"".join(bytes([i % 256]) + block[1:] for i in range(-(-size // len(block))))[:size]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------- messages


async def test_text_and_binary_echo() -> None:
    seen: list[str | bytes] = []

    async def handler(ws: ServerConnection) -> None:
        async for message in ws:
            seen.append(message)
            await ws.send(message)

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url) as ws,
    ):
        await ws.send_str("héllo wörld ✓")
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.TEXT
        assert msg.data == "héllo wörld ✓"
        await ws.send_bytes(b"\x00\xffbinary")
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.BINARY
        assert msg.data == b"\x00\xffbinary"
        await ws.send_str("")
        assert await ws.receive_str() == ""
        await ws.send_bytes(b"")
        assert await ws.receive_bytes() == b""
    # The server got TEXT as str and BINARY as bytes, as sent.
    assert seen == ["héllo wörld ✓", b"\x00\xffbinary", "", b""]


async def test_async_for_reads_until_the_server_closes() -> None:
    async def handler(ws: ServerConnection) -> None:
        for i in range(5):
            await ws.send(f"message {i}")
        await ws.send(b"last")
        await ws.close()

    received: list[object] = []
    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url) as ws,
    ):
        async for msg in ws:
            received.append(msg.data)
        assert ws.closed
        assert ws.close_code == aiohttp.WSCloseCode.OK
    assert received == [f"message {i}" for i in range(5)] + [b"last"]


async def test_json_both_ways() -> None:
    async def handler(ws: ServerConnection) -> None:
        async for message in ws:
            doc = json.loads(message)
            reply = json.dumps({"got": doc, "sum": sum(doc["items"])})
            await ws.send(reply if isinstance(message, str) else reply.encode())

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url) as ws,
    ):
        await ws.send_json({"name": "httpwire", "items": [1, 2, 3]})
        assert await ws.receive_json() == {
            "got": {"name": "httpwire", "items": [1, 2, 3]},
            "sum": 6,
        }
        # A BINARY message is not JSON text: receive_json refuses it by type.
        await ws.send_bytes(b'{"items": [4]}')
        with pytest.raises(aiohttp.WSMessageTypeError):
            await ws.receive_json()


async def test_four_mib_messages_both_ways() -> None:
    payload = _pattern(4 * MiB)
    text = payload.hex()[: 4 * MiB]
    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(echo, max_size=None) as (url, conns),
        aiohttp.ClientSession() as session,
        session.ws_connect(url, max_msg_size=8 * MiB) as ws,
    ):
        await ws.send_bytes(payload)
        back = await ws.receive_bytes()
        assert len(back) == len(payload)
        assert _sha(back) == _sha(payload)
        await ws.send_str(text)
        assert await ws.receive_str() == text
        # Without compression both went over the wire whole, masked.
        assert conns[0].wire_bytes > 8 * MiB


async def test_message_of_exactly_max_msg_size_is_refused_as_in_aiohttp() -> None:
    """aiohttp refuses a message whose wire size *reaches* ``max_msg_size`` (``>=``)."""
    closed: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

    async def handler(ws: ServerConnection) -> None:
        await ws.send(b"x" * (4096 - 1))
        await ws.send(b"x" * 4096)
        await ws.wait_closed()
        closed.set_result(ws.close_code)

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler, compression=None) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url, max_msg_size=4096) as ws,
    ):
        assert len(await ws.receive_bytes()) == 4095
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.ERROR
        assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
        assert await closed == aiohttp.WSCloseCode.MESSAGE_TOO_BIG


async def test_fragmented_messages_from_the_server() -> None:
    parts = [_pattern(300_000), b"\x01" * 70_000, b"", b"end"]

    async def pieces_with_a_ping(ws: ServerConnection) -> AsyncIterator[str]:
        yield "one "
        await ws.ping(b"between fragments")  # a control frame inside the message is legal
        yield "two "
        yield "three"

    async def handler(ws: ServerConnection) -> None:
        await ws.send(["fra", "gmen", "ted ", "tëxt"])
        await ws.send(parts)
        await ws.send(pieces_with_a_ping(ws))
        await ws.recv()  # until the client says it has everything

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler, compression=None) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url) as ws,
    ):
        assert await ws.receive_str() == "fragmented tëxt"
        assert _sha(await ws.receive_bytes()) == _sha(b"".join(parts))
        # The PING between fragments was answered by autoping and never surfaced.
        assert await ws.receive_str() == "one two three"
        await ws.send_str("done")


async def test_fragmented_and_compressed_messages_from_the_server() -> None:
    text = [json.dumps({"row": i, "value": "x" * 50}) for i in range(2000)]

    async def handler(ws: ServerConnection) -> None:
        await ws.send(text)  # RSV1 on the first fragment, one deflate stream across all
        await ws.send([t.encode() for t in text[:10]])
        await ws.recv()

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url, compress=15) as ws,
    ):
        assert ws.compress
        assert await ws.receive_str() == "".join(text)
        assert await ws.receive_bytes() == "".join(text[:10]).encode()
        await ws.send_str("done")


# ----------------------------------------------------------------- permessage-deflate


async def test_permessage_deflate_is_negotiated_and_compresses_large_messages() -> None:
    answer: list[str | None] = []

    async def handler(ws: ServerConnection) -> None:
        assert ws.response is not None
        answer.append(ws.response.headers.get("Sec-WebSocket-Extensions"))
        await echo(ws)

    compressible = ("httpwire over permessage-deflate, again and again. " * 60_000)[: 3 * MiB]
    incompressible = os.urandom(MiB)
    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler, max_size=None) as (url, conns),
        aiohttp.ClientSession() as session,
        session.ws_connect(url, compress=15) as ws,
    ):
        # websockets accepts the offer and limits our window (client_max_window_bits=12).
        assert answer[0] is not None
        assert answer[0].startswith("permessage-deflate")
        assert ws.compress == 12
        assert ws.client_notakeover is False
        for _ in range(2):  # the second message reuses both deflate contexts
            await ws.send_str(compressible)
            assert await ws.receive_str() == compressible
        after_text = conns[0].wire_bytes
        # 6 MiB of text reached the server compressed to a small fraction of that.
        assert after_text < MiB // 4
        await ws.send_bytes(incompressible)
        assert _sha(await ws.receive_bytes()) == _sha(incompressible)
        assert conns[0].wire_bytes - after_text >= MiB


async def test_permessage_deflate_declined_by_the_server() -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(echo, compression=None) as (url, conns),
        aiohttp.ClientSession() as session,
        session.ws_connect(url, compress=15) as ws,
    ):
        assert ws.compress == 0
        await ws.send_str("z" * 100_000)
        assert await ws.receive_str() == "z" * 100_000
        assert conns[0].wire_bytes > 100_000


async def test_max_msg_size_exceeded_after_decompression() -> None:
    """A small compressed frame that inflates past the limit: 1009, on both ends."""
    closed: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

    async def handler(ws: ServerConnection) -> None:
        await ws.send(b"small")
        await ws.send(b"\x00" * MiB)  # a few KiB on the wire, 1 MiB inflated
        await ws.wait_closed()
        closed.set_result(ws.close_code)

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler) as (url, _),
        aiohttp.ClientSession() as session,
    ):
        ws = await session.ws_connect(url, compress=15, max_msg_size=64 * 1024)
        assert await ws.receive_bytes() == b"small"
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.ERROR
        assert isinstance(msg.data, aiohttp.WebSocketError)
        assert msg.data.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
        assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
        assert ws.closed
        assert (await ws.receive()).type is aiohttp.WSMsgType.CLOSED
        assert await closed == aiohttp.WSCloseCode.MESSAGE_TOO_BIG


async def test_max_msg_size_exceeded_on_the_wire() -> None:
    closed: asyncio.Future[tuple[int | None, str | None]] = (
        asyncio.get_running_loop().create_future()
    )

    async def handler(ws: ServerConnection) -> None:
        await ws.send("y" * 200_000)
        await ws.wait_closed()
        closed.set_result((ws.close_code, ws.close_reason))

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler, compression=None) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url, max_msg_size=100_000) as ws,
    ):
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.ERROR
        assert isinstance(msg.data, aiohttp.WebSocketError)
        assert msg.data.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
        assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
    code, _reason = await closed
    assert code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG


# ----------------------------------------------------------------- ping, pong, heartbeat


async def test_server_keepalive_pings_are_answered_while_the_client_is_idle() -> None:
    """The server drops a peer that misses a PONG; autoping answers without any receive().

    A documented difference from aiohttp, which answers a PING only when ``receive()`` reads it
    (there this server closes the idle connection with 1011).
    """
    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(echo, ping_interval=0.1, ping_timeout=0.5) as (url, conns),
        aiohttp.ClientSession() as session,
        session.ws_connect(url) as ws,
    ):
        await asyncio.sleep(0.6)  # several server pings, nobody reading on our side
        await ws.send_str("still here")
        assert await ws.receive_str() == "still here"
        assert not ws.closed
        assert conns[0].latency > 0  # websockets measured it from our PONGs


async def test_without_autoping_pings_reach_the_caller() -> None:
    latency: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    async def handler(ws: ServerConnection) -> None:
        pong = await ws.ping(b"are you there")
        latency.set_result(await pong)
        await echo(ws)

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url, autoping=False) as ws,
    ):
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.PING
        assert msg.data == b"are you there"
        assert not latency.done()  # nothing answered it for us
        await ws.pong(msg.data)
        assert await latency >= 0
        # And our own PING gets the server's PONG, handed to us too.
        await ws.ping(b"and you?")
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.PONG
        assert msg.data == b"and you?"


async def test_without_autoping_the_server_keepalive_closes_1011() -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(echo, ping_interval=0.05, ping_timeout=0.1) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url, autoping=False) as ws,
    ):
        kinds = []
        while (msg := await ws.receive()).type is aiohttp.WSMsgType.PING:
            kinds.append(msg.type)
        assert kinds
        assert msg.type is aiohttp.WSMsgType.CLOSE
        assert msg.data == aiohttp.WSCloseCode.INTERNAL_ERROR
        assert msg.extra == "keepalive ping timeout"
        assert ws.close_code == aiohttp.WSCloseCode.INTERNAL_ERROR


async def test_heartbeat_keeps_a_quiet_connection_alive() -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(echo) as (url, conns),
        aiohttp.ClientSession() as session,
        session.ws_connect(url, heartbeat=0.2) as ws,
    ):
        await asyncio.sleep(0.9)  # no data either way: only the heartbeat talks
        assert conns[0].pings >= 3
        assert not ws.closed
        assert ws.exception() is None
        await ws.send_str("after the quiet")
        assert await ws.receive_str() == "after the quiet"


async def test_heartbeat_detects_a_server_that_stops_answering() -> None:
    release = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        assert await ws.recv() == "stop reading"
        # The server stops reading its socket, so our PINGs stay unanswered.
        ws.transport.pause_reading()
        await release.wait()
        ws.transport.resume_reading()
        await ws.wait_closed()

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler) as (url, conns),
        aiohttp.ClientSession() as session,
    ):
        ws = await session.ws_connect(url, heartbeat=0.1)
        try:
            await ws.send_str("stop reading")
            msg = await ws.receive()  # PING after 0.1 s, no PONG 0.05 s later
            assert msg.type is aiohttp.WSMsgType.ERROR
            assert isinstance(msg.data, aiohttp.ServerTimeoutError)
            assert ws.closed
            assert ws.close_code == aiohttp.WSCloseCode.ABNORMAL_CLOSURE
            assert isinstance(ws.exception(), aiohttp.ServerTimeoutError)
            assert (await ws.receive()).type is aiohttp.WSMsgType.CLOSED
        finally:
            release.set()
            await ws.close()
        await conns[0].wait_closed()


# ----------------------------------------------------------------- closing


async def test_server_initiated_close_with_code_and_reason() -> None:
    closed: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

    async def handler(ws: ServerConnection) -> None:
        await ws.send("bye soon")
        await ws.close(code=4001, reason="maintenance window")
        closed.set_result(ws.close_code)

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url) as ws,
    ):
        assert await ws.receive_str() == "bye soon"
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.CLOSE
        assert msg.data == 4001
        assert msg.extra == "maintenance window"
        # autoclose answered the Close: the handshake is complete on both sides.
        assert ws.closed
        assert ws.close_code == 4001
        assert (await ws.receive()).type is aiohttp.WSMsgType.CLOSED
        assert await closed == aiohttp.WSCloseCode.OK  # what our answer carried
        assert await ws.close() is False


async def test_client_close_handshake_reaches_the_server() -> None:
    closed: asyncio.Future[tuple[int | None, str | None]] = (
        asyncio.get_running_loop().create_future()
    )

    async def handler(ws: ServerConnection) -> None:
        try:
            await echo(ws)  # a code other than 1000/1001 ends it with ConnectionClosedError
        finally:
            closed.set_result((ws.close_code, ws.close_reason))

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler) as (url, conns),
        aiohttp.ClientSession() as session,
    ):
        ws = await session.ws_connect(url)
        await ws.send_str("ping-pong")
        assert await ws.receive_str() == "ping-pong"
        assert await ws.close(code=4002, message=b"client is done") is True
        assert ws.closed
        assert ws.close_code == 4002  # the code websockets echoed back
        assert await ws.close() is False
        assert await closed == (4002, "client is done")
        await conns[0].wait_closed()


# ----------------------------------------------------------------- handshake


async def test_subprotocol_negotiation() -> None:
    chosen: list[str | None] = []

    async def handler(ws: ServerConnection) -> None:
        chosen.append(ws.subprotocol)
        await echo(ws)

    # websockets picks the first of *its* list that the client offers.
    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler, subprotocols=["v2.chat", "v1.chat"]) as (url, _),
        aiohttp.ClientSession() as session,
    ):
        async with session.ws_connect(url, protocols=("v1.chat", "v2.chat")) as ws:
            assert ws.protocol == "v2.chat"
        async with session.ws_connect(url, protocols=("v1.chat", "other")) as ws:
            assert ws.protocol == "v1.chat"
        # Nothing in common: websockets refuses the handshake with 400.
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await session.ws_connect(url, protocols=("v3.chat",))
        assert info.value.status == 400
    assert chosen == ["v2.chat", "v1.chat"]


async def test_handshake_refused_with_403_by_process_request() -> None:
    def check_token(connection: ServerConnection, request: Request) -> Response | None:
        if request.headers.get("X-Token") != "let-me-in":
            response = connection.respond(403, "no token, no socket\n")
            response.headers["X-Reason"] = "token"
            return response
        return None

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(echo, process_request=check_token) as (url, _),
        aiohttp.ClientSession() as session,
    ):
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await session.ws_connect(url)
        assert info.value.status == 403
        assert info.value.message == "Invalid response status"
        assert info.value.headers is not None
        assert info.value.headers["X-Reason"] == "token"
        assert isinstance(info.value, aiohttp.ClientResponseError)
        # The same server lets a client with the token in.
        async with session.ws_connect(url, headers={"X-Token": "let-me-in"}) as ws:
            await ws.send_str("in")
            assert await ws.receive_str() == "in"


async def test_handshake_headers_seen_by_the_server() -> None:
    seen: list[Headers] = []

    async def handler(ws: ServerConnection) -> None:
        seen.append(ws.request.headers if ws.request else Headers())
        await echo(ws)

    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(handler) as (url, _),
        aiohttp.ClientSession() as session,
        session.ws_connect(url, origin="https://app.example", protocols=("chat",)) as ws,
    ):
        await ws.send_str("x")
        await ws.receive_str()
    headers = seen[0]
    assert headers["Upgrade"].lower() == "websocket"
    assert "upgrade" in headers["Connection"].lower()
    assert headers["Sec-WebSocket-Version"] == "13"
    assert headers["Origin"] == "https://app.example"
    assert headers["Sec-WebSocket-Protocol"] == "chat"
    assert "Sec-WebSocket-Extensions" not in headers  # compress=0, aiohttp's default


# ----------------------------------------------------------------- TLS


async def test_wss_with_the_test_ca(it_ca: trustme.CA, it_client_ssl: ssl.SSLContext) -> None:
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    it_ca.issue_cert("localhost", "127.0.0.1").configure_cert(server_ctx)
    payload = _pattern(MiB)
    async with (
        asyncio.timeout(TIMEOUT),
        ws_server(echo, scheme="wss", ssl=server_ctx) as (url, _),
        aiohttp.ClientSession() as session,
    ):
        async with session.ws_connect(url, ssl=it_client_ssl, compress=15) as ws:
            assert ws.get_extra_info("sslcontext") is it_client_ssl
            await ws.send_str("over tls")
            assert await ws.receive_str() == "over tls"
            await ws.send_bytes(payload)
            assert _sha(await ws.receive_bytes()) == _sha(payload)
        # Without the test CA the certificate is refused before any upgrade.
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await session.ws_connect(url)
