"""The WebSocket client: ``ClientSession.ws_connect`` and ``ClientWebSocketResponse``.

Most tests talk to the ``websockets`` library's asyncio server on loopback, an independent
implementation of RFC 6455 and RFC 7692. Handshakes and frames a correct server never sends
(a wrong accept token, an unknown opcode, a silent peer) come from a raw asyncio server that
writes the bytes itself.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import inspect
import json
import ssl
import struct
import typing
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
import trustme
from websockets.asyncio.server import ServerConnection, serve
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory
from yarl import URL

import httpwire
import httpwire._helpers
import httpwire_websocket
from httpwire._ws_client import ClientWebSocketResponse, ClientWSTimeout, WSMessageTypeError
from httpwire_websocket import WSCloseCode, WSMessage, WSMsgType

# The deprecated auth API (BasicAuth, auth=, proxy_auth=) still works; these tests exercise it.
LEGACY_AUTH = pytest.mark.filterwarnings(
    "ignore:(BasicAuth|The 'auth' parameter|The 'proxy_auth' parameter) is deprecated"
    ":DeprecationWarning"
)

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
LIMIT = 10  # seconds any single test may take


# ------------------------------------------------------------------ servers


@asynccontextmanager
async def ws_server(
    handler: Callable[[ServerConnection], Awaitable[None]], **kwargs: Any
) -> AsyncIterator[URL]:
    """A ``websockets`` server on 127.0.0.1 running ``handler`` per connection."""
    kwargs.setdefault("ping_interval", None)
    async with serve(handler, "127.0.0.1", 0, **kwargs) as server:
        port = server.sockets[0].getsockname()[1]
        yield URL(f"http://127.0.0.1:{port}/")


async def echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_server(handler: RawHandler) -> AsyncIterator[URL]:
    """A plain TCP server: ``handler`` gets the raw streams; its errors fail the test."""
    tasks: list[asyncio.Task[None]] = []
    errors: list[BaseException] = []

    async def run(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.append(task)  # type: ignore[arg-type]
        try:
            await handler(reader, writer)
        except (asyncio.CancelledError, ConnectionError, asyncio.IncompleteReadError):
            pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            writer.close()

    server = await asyncio.start_server(run, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield URL(f"http://127.0.0.1:{port}/")
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()
    if errors:
        raise errors[0]


async def read_head(reader: asyncio.StreamReader) -> tuple[str, dict[str, str]]:
    """The request line and headers (lowercased names) of one request."""
    head = await reader.readuntil(b"\r\n\r\n")
    line, *fields = head.decode("latin-1").split("\r\n")
    headers = {}
    for field in fields:
        if field:
            name, _, value = field.partition(":")
            headers[name.strip().lower()] = value.strip()
    return line, headers


def accept(key: str) -> str:
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def switching(key: str, *extra: str, token: str | None = None) -> bytes:
    """A 101 answer to ``key`` (``token`` replaces the right accept value)."""
    lines = [
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Accept: {accept(key) if token is None else token}",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def frame(
    opcode: int, payload: bytes = b"", *, fin: bool = True, first: int | None = None
) -> bytes:
    """An unmasked server frame (``first`` overrides the whole first byte)."""
    b0 = first if first is not None else (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        return bytes([b0, n]) + payload
    if n < 65536:
        return bytes([b0, 126]) + struct.pack("!H", n) + payload
    return bytes([b0, 127]) + struct.pack("!Q", n) + payload


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One client frame: its opcode and unmasked payload (the client must mask)."""
    b0, b1 = await reader.readexactly(2)
    assert b1 & 0x80, "client frames must be masked"
    n = b1 & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", await reader.readexactly(2))
    elif n == 127:
        (n,) = struct.unpack("!Q", await reader.readexactly(8))
    key = await reader.readexactly(4)
    data = await reader.readexactly(n)
    return b0 & 0x0F, bytes(b ^ key[i % 4] for i, b in enumerate(data))


async def handshake(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> dict[str, str]:
    """Accept the upgrade like a correct server; returns the request headers."""
    _, headers = await read_head(reader)
    writer.write(switching(headers["sec-websocket-key"]))
    return headers


def close_payload(code: int, reason: bytes = b"") -> bytes:
    return struct.pack("!H", code) + reason


# ---------------------------------------------------------------- the basics


async def test_echo_text_binary_json() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            assert isinstance(ws, ClientWebSocketResponse)
            await ws.send_str("héllo")
            msg = await ws.receive()
            assert msg == WSMessage(WSMsgType.TEXT, "héllo", "")
            await ws.send_bytes(b"\x00\x01binary")
            assert await ws.receive_bytes() == b"\x00\x01binary"
            await ws.send_bytes(bytearray(b"ba"))
            assert await ws.receive_bytes() == b"ba"
            await ws.send_bytes(memoryview(b"mv"))
            assert await ws.receive_bytes() == b"mv"
            await ws.send_json({"a": [1, 2], "b": None})
            assert await ws.receive_json() == {"a": [1, 2], "b": None}
            await ws.send_json([1], dumps=lambda obj: json.dumps(obj) + " ")
            assert await ws.receive_str() == "[1] "
            await ws.send_json_bytes({"k": 1}, dumps=lambda obj: json.dumps(obj).encode())
            assert json.loads(await ws.receive_bytes()) == {"k": 1}
            await ws.send_str("")
            assert await ws.receive_str() == ""
            assert not ws.closed
            assert ws.close_code is None
            assert ws.exception() is None
        assert ws.closed
        assert ws.close_code == WSCloseCode.OK


async def test_large_messages_both_ways() -> None:
    big = "x" * 300_000
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            await ws.send_str(big)
            assert await ws.receive_str() == big
            await ws.send_bytes(bytes(range(256)) * 1000)
            assert await ws.receive_bytes() == bytes(range(256)) * 1000


async def test_await_form_and_explicit_close() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        await ws.send_str("a")
        assert await ws.receive_str() == "a"
        assert await ws.close() is True
        assert ws.closed
        assert ws.close_code == 1000
        assert await ws.close() is False
        assert (await ws.receive()).type is WSMsgType.CLOSED


async def test_close_with_code_and_message_reaches_server() -> None:
    seen: asyncio.Future[tuple[int | None, str | None]] = asyncio.get_running_loop().create_future()

    async def handler(ws: ServerConnection) -> None:
        await ws.wait_closed()
        seen.set_result((ws.close_code, ws.close_reason))

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        assert await ws.close(code=4002, message=b"going")
        assert await seen == (4002, "going")
        assert ws.close_code == 4002  # the server echoes the code


async def test_messages_arrive_in_order() -> None:
    async def handler(ws: ServerConnection) -> None:
        for i in range(300):
            await ws.send(str(i) if i % 2 else str(i).encode())
        await ws.wait_closed()

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            got = []
            for _ in range(300):
                msg = await ws.receive()
                got.append(msg.data if isinstance(msg.data, str) else msg.data.decode())
            assert got == [str(i) for i in range(300)]


async def test_slow_reader_gets_everything_in_order() -> None:
    # More than the queue limit arrives while nobody reads: the socket is paused, then resumed.
    chunk = b"y" * 65536

    async def handler(ws: ServerConnection) -> None:
        for i in range(40):
            await ws.send(i.to_bytes(2, "big") + chunk)
        await ws.wait_closed()

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            await asyncio.sleep(0.2)
            for i in range(40):
                data = await ws.receive_bytes()
                assert data[:2] == i.to_bytes(2, "big")
                assert len(data) == 65538


async def test_async_for_ends_at_server_close() -> None:
    async def handler(ws: ServerConnection) -> None:
        for text in ("one", "two", "three"):
            await ws.send(text)
        await ws.close(4000, "done")

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        got = [msg.data async for msg in ws]
        assert got == ["one", "two", "three"]
        assert ws.closed
        assert ws.close_code == 4000


async def test_decode_text_false_keeps_bytes() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url, decode_text=False) as ws:
            await ws.send_str("ünï")
            msg = await ws.receive()
            assert msg.type is WSMsgType.TEXT
            assert msg.data == "ünï".encode()


async def test_extra_info_and_connection_never_pooled() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            assert ws.get_extra_info("peername")[:2] == ("127.0.0.1", url.port)
            first = ws.get_extra_info("sockname")
            assert ws.get_extra_info("no-such-info", "dflt") == "dflt"
        assert ws.get_extra_info("peername", "gone") == "gone"
        async with s.ws_connect(url) as ws2:
            assert ws2.get_extra_info("sockname") != first
            await ws2.send_str("again")
            assert await ws2.receive_str() == "again"


async def test_closing_the_session_ends_the_websocket() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url:
        s = httpwire.ClientSession()
        ws = await s.ws_connect(url)
        await s.close()
        assert (await ws.receive()).type is WSMsgType.CLOSED
        assert ws.closed
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE


async def test_custom_ws_response_class() -> None:
    class MyWS(ClientWebSocketResponse):
        pass

    async with asyncio.timeout(LIMIT), ws_server(echo) as url:
        async with httpwire.ClientSession(ws_response_class=MyWS) as s:
            async with s.ws_connect(url) as ws:
                assert type(ws) is MyWS


# ------------------------------------------------------- the request path


@LEGACY_AUTH
async def test_handshake_uses_session_request_path() -> None:
    seen: dict[str, Any] = {}

    async def handler(ws: ServerConnection) -> None:
        seen["path"] = ws.request.path
        seen["headers"] = ws.request.headers
        await ws.send("hi")
        await ws.wait_closed()

    async with asyncio.timeout(LIMIT), ws_server(handler) as url:
        async with httpwire.ClientSession(
            base_url=url / "api/", headers={"X-Session": "s"}, cookies={"sid": "42"}
        ) as s:
            async with s.ws_connect(
                "chat",
                params={"room": "7"},
                headers={"X-Req": "r"},
                auth=httpwire.BasicAuth("user", "pw"),
                origin="http://example.test",
            ) as ws:
                assert await ws.receive_str() == "hi"
    headers = seen["headers"]
    assert seen["path"] == "/api/chat?room=7"
    assert headers["X-Session"] == "s"
    assert headers["X-Req"] == "r"
    assert headers["Cookie"] == "sid=42"
    assert headers["Authorization"] == httpwire.BasicAuth("user", "pw").encode()
    assert headers["Origin"] == "http://example.test"
    assert headers["Upgrade"] == "websocket"
    assert headers["Connection"] == "Upgrade"
    assert headers["Sec-WebSocket-Version"] == "13"
    assert len(base64.b64decode(headers["Sec-WebSocket-Key"])) == 16
    assert "Sec-WebSocket-Extensions" not in headers
    assert "Sec-WebSocket-Protocol" not in headers


async def test_method_and_ws_scheme() -> None:
    seen: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line, headers = await read_head(reader)
        seen.set_result(line)
        writer.write(switching(headers["sec-websocket-key"]))
        await reader.read()

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(
            url.with_scheme("ws") / "x", method="post", timeout=ClientWSTimeout(ws_close=0.05)
        )
        assert await seen == "POST /x HTTP/1.1"
        assert await ws.close() is True  # a silent peer: the close times out
        assert (await ws.receive()).type is WSMsgType.CLOSED


async def test_cookies_from_101_are_stored() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, headers = await read_head(reader)
        writer.write(switching(headers["sec-websocket-key"], "Set-Cookie: k=v; Path=/"))
        writer.write(frame(0x8, close_payload(1000)))
        await reader.read()

    jar = httpwire.CookieJar(unsafe=True)  # unsafe: the host is an IP address
    async with asyncio.timeout(LIMIT), raw_server(handler) as url:
        async with httpwire.ClientSession(cookie_jar=jar) as s:
            async with s.ws_connect(url) as ws:
                assert (await ws.receive()).type is WSMsgType.CLOSE
    assert {c.key: c.value for c in jar} == {"k": "v"}


async def test_frames_in_the_same_packet_as_the_101() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, headers = await read_head(reader)
        writer.write(
            switching(headers["sec-websocket-key"])
            + frame(0x1, b"early")
            + frame(0x2, b"bird")
            + frame(0x8, close_payload(1000))
        )
        assert await read_frame(reader) == (0x8, close_payload(1000))

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        assert await ws.receive_str() == "early"
        assert await ws.receive_bytes() == b"bird"
        assert (await ws.receive()).type is WSMsgType.CLOSE
        assert ws.close_code == 1000


async def test_fragmented_message_and_interleaved_ping() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handshake(reader, writer)
        writer.write(frame(0x1, b"frag", fin=False))
        writer.write(frame(0x9, b"in-between"))
        writer.write(frame(0x0, b"mented", fin=False))
        writer.write(frame(0x0, b"!", fin=True))
        assert await read_frame(reader) == (0xA, b"in-between")
        writer.write(frame(0x8, close_payload(1000)))
        assert (await read_frame(reader))[0] == 0x8

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        assert await ws.receive_str() == "fragmented!"
        assert (await ws.receive()).type is WSMsgType.CLOSE


async def test_redirect_is_followed() -> None:
    lines: list[str] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line, _ = await read_head(reader)
        lines.append(line)
        writer.write(b"HTTP/1.1 307 Moved\r\nLocation: /real\r\nContent-Length: 0\r\n\r\n")
        line, headers = await read_head(reader)  # the same, pooled connection
        lines.append(line)
        writer.write(switching(headers["sec-websocket-key"]) + frame(0x1, b"redirected"))
        await reader.read()

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url / "old", timeout=ClientWSTimeout(ws_close=0.05))
        assert await ws.receive_str() == "redirected"
        await ws.close()
    assert lines == ["GET /old HTTP/1.1", "GET /real HTTP/1.1"]


async def test_tracing_sees_the_handshake() -> None:
    events: list[tuple[str, str, int | None]] = []

    async def on_start(session: Any, ctx: Any, params: Any) -> None:
        events.append(("start", params.method, None))

    async def on_end(session: Any, ctx: Any, params: Any) -> None:
        events.append(("end", params.method, params.response.status))

    config = httpwire.TraceConfig()
    config.on_request_start.append(on_start)
    config.on_request_end.append(on_end)
    async with asyncio.timeout(LIMIT), ws_server(echo) as url:
        async with httpwire.ClientSession(trace_configs=[config]) as s:
            async with s.ws_connect(url) as ws:
                await ws.send_str("traced")
                assert await ws.receive_str() == "traced"
    assert events == [("start", "GET", None), ("end", "GET", 101)]


# --------------------------------------------------------------- TLS, proxies


@pytest.fixture(scope="module")
def tls() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting it) for 127.0.0.1."""
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    return server_context, client_context


@asynccontextmanager
async def forward_proxy() -> AsyncIterator[tuple[URL, list[str]]]:
    """An HTTP proxy: CONNECT tunnels and absolute-form requests; yields its URL and the
    request lines it got.
    """
    lines: list[str] = []

    async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
        finally:
            dst.close()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        line, rest = head.split(b"\r\n", 1)
        method, target, version = line.decode().split(" ")
        lines.append(line.decode())
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            target_url = URL(target)
            up_reader, up_writer = await asyncio.open_connection(target_url.host, target_url.port)
            up_writer.write(f"{method} {target_url.raw_path_qs} {version}\r\n".encode() + rest)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async with raw_server(handler) as url:
        yield url, lines


async def test_wss(tls: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server_context, client_context = tls
    async with asyncio.timeout(LIMIT), ws_server(echo, ssl=server_context) as url:
        async with httpwire.ClientSession() as s:
            async with s.ws_connect(url.with_scheme("wss"), ssl=client_context) as ws:
                assert ws.get_extra_info("ssl_object") is not None
                await ws.send_str("secret")
                assert await ws.receive_str() == "secret"


async def test_wss_untrusted_certificate(tls: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo, ssl=tls[0]) as url:
        async with httpwire.ClientSession() as s:
            with pytest.raises(httpwire.ClientConnectorCertificateError):
                await s.ws_connect(url.with_scheme("wss"))


async def test_wss_through_connect_tunnel(tls: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server_context, client_context = tls
    async with asyncio.timeout(LIMIT), ws_server(echo, ssl=server_context) as url:
        async with forward_proxy() as (proxy, lines), httpwire.ClientSession() as s:
            target = url.with_scheme("wss")
            async with s.ws_connect(target, ssl=client_context, proxy=proxy) as ws:
                await ws.send_str("tunnelled")
                assert await ws.receive_str() == "tunnelled"
            assert lines == [f"CONNECT 127.0.0.1:{url.port} HTTP/1.1"]


async def test_ws_through_proxy_absolute_form() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url:
        async with forward_proxy() as (proxy, lines), httpwire.ClientSession() as s:
            async with s.ws_connect(url.with_scheme("ws") / "p", proxy=proxy) as ws:
                await ws.send_str("proxied")
                assert await ws.receive_str() == "proxied"
            assert lines == [f"GET ws://127.0.0.1:{url.port}/p HTTP/1.1"]


# -------------------------------------------------------------- negotiation


async def test_subprotocol_negotiated() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send(ws.subprotocol or "none")
        await ws.wait_closed()

    async with asyncio.timeout(LIMIT), ws_server(handler, subprotocols=["v2", "v1"]) as url:
        async with httpwire.ClientSession() as s:
            async with s.ws_connect(url, protocols=("v1", "v2")) as ws:
                assert ws.protocol in ("v1", "v2")
                assert await ws.receive_str() == ws.protocol


async def test_subprotocol_not_chosen() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url, protocols=["chat"]) as ws:
            assert ws.protocol is None


async def test_invalid_subprotocol_name_is_refused_before_connecting() -> None:
    async with asyncio.timeout(LIMIT), httpwire.ClientSession() as s:
        with pytest.raises(ValueError, match="not an HTTP token"):
            await s.ws_connect("http://127.0.0.1:1/", protocols=["bad name"])


@pytest.mark.parametrize("compress", [15, 12, 9])
async def test_permessage_deflate_on(compress: int) -> None:
    seen: dict[str, Any] = {}

    async def handler(ws: ServerConnection) -> None:
        seen["offer"] = ws.request.headers.get("Sec-WebSocket-Extensions")
        assert ws.response is not None
        seen["answer"] = ws.response.headers.get("Sec-WebSocket-Extensions")
        await echo(ws)

    text = json.dumps([{"name": "value", "n": i} for i in range(2000)])
    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url, compress=compress) as ws:
            # websockets' default answer limits our window: client_max_window_bits=12.
            assert ws.compress == 12
            assert ws.client_notakeover is False
            for _ in range(3):
                await ws.send_str(text)
                assert await ws.receive_str() == text
            await ws.send_bytes(b"\x00" * 100_000, compress=9)
            assert await ws.receive_bytes() == b"\x00" * 100_000
    assert "permessage-deflate" in seen["offer"]
    assert "client_max_window_bits" in seen["offer"]
    assert ("server_max_window_bits" in seen["offer"]) is (compress != 15)
    assert "client_max_window_bits=12" in seen["answer"]


async def test_permessage_deflate_off() -> None:
    seen: dict[str, Any] = {}

    async def handler(ws: ServerConnection) -> None:
        seen["offer"] = ws.request.headers.get("Sec-WebSocket-Extensions")
        await echo(ws)

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url, compress=0) as ws:
            assert ws.compress == 0
            await ws.send_str("plain" * 1000)
            assert await ws.receive_str() == "plain" * 1000
    assert seen["offer"] is None


async def test_permessage_deflate_offered_but_server_declines() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo, compression=None) as url:
        async with httpwire.ClientSession() as s, s.ws_connect(url, compress=15) as ws:
            assert ws.compress == 0
            await ws.send_str("z" * 5000)
            assert await ws.receive_str() == "z" * 5000


async def test_permessage_deflate_client_no_context_takeover() -> None:
    factory = ServerPerMessageDeflateFactory(
        client_no_context_takeover=True, client_max_window_bits=11
    )
    async with (
        asyncio.timeout(LIMIT),
        ws_server(echo, extensions=[factory], compression=None) as url,
    ):
        async with httpwire.ClientSession() as s, s.ws_connect(url, compress=15) as ws:
            assert ws.client_notakeover is True
            assert ws.compress == 11
            for i in range(3):
                await ws.send_str("repeat me " * 200 + str(i))
                assert await ws.receive_str() == "repeat me " * 200 + str(i)


@pytest.mark.parametrize("compress", [8, 16, -1])
async def test_invalid_compress_is_refused_before_connecting(compress: int) -> None:
    async with asyncio.timeout(LIMIT), httpwire.ClientSession() as s:
        with pytest.raises(ValueError, match=r"(?i)compress"):
            await s.ws_connect("http://127.0.0.1:1/", compress=compress)


# ------------------------------------------------------- handshake refused


def _raw_answer(make: Callable[[dict[str, str]], bytes]) -> tuple[RawHandler, asyncio.Event]:
    """A raw server answering the upgrade with ``make(headers)``; the event: client hung up."""
    hung_up = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, headers = await read_head(reader)
        writer.write(make(headers))
        await reader.read()
        hung_up.set()

    return handler, hung_up


async def _refused(
    make: Callable[[dict[str, str]], bytes], *, hang_up: bool = True, **kwargs: Any
) -> Any:
    """The handshake error for the answer ``make`` builds; the connection must be closed
    unless the answer was a complete keep-alive response (``hang_up=False``).
    """
    handler, hung_up = _raw_answer(make)
    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        with pytest.raises(httpwire.WSServerHandshakeError) as info:
            await s.ws_connect(url, **kwargs)
        if hang_up:
            await hung_up.wait()
    return info.value


async def test_handshake_refused_with_status() -> None:
    # A complete keep-alive answer: its connection may be reused, as in aiohttp.
    exc = await _refused(
        lambda h: b"HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\nX-Why: no\r\n\r\nnope",
        hang_up=False,
    )
    assert exc.status == 403
    assert exc.message == "Invalid response status"
    assert exc.headers["X-Why"] == "no"
    assert isinstance(exc, httpwire.ClientResponseError)
    assert exc.request_info.method == "GET"


async def test_handshake_200_without_length() -> None:
    exc = await _refused(lambda h: b"HTTP/1.1 200 OK\r\n\r\nwhatever")
    assert exc.status == 200


async def test_handshake_refused_by_websockets_server() -> None:
    async def reject(connection: ServerConnection, request: Any) -> Any:
        return connection.respond(404, "no such socket\n")

    async with asyncio.timeout(LIMIT), ws_server(echo, process_request=reject) as url:
        async with httpwire.ClientSession() as s:
            with pytest.raises(httpwire.WSServerHandshakeError) as info:
                await s.ws_connect(url)
    assert info.value.status == 404


async def test_wrong_accept_token() -> None:
    exc = await _refused(lambda h: switching(h["sec-websocket-key"], token=accept("other")))
    assert exc.status == 101
    assert exc.message == "Invalid challenge response"


async def test_missing_accept_token() -> None:
    exc = await _refused(
        lambda h: b"HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    )
    assert exc.message == "Invalid challenge response"


async def test_wrong_upgrade_header() -> None:
    exc = await _refused(
        lambda h: (
            "HTTP/1.1 101 Switching\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept(h['sec-websocket-key'])}\r\n\r\n"
        ).encode()
    )
    assert exc.message == "Invalid upgrade header"


async def test_wrong_connection_header() -> None:
    exc = await _refused(
        lambda h: (
            "HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
            f"Sec-WebSocket-Accept: {accept(h['sec-websocket-key'])}\r\n\r\n"
        ).encode()
    )
    assert exc.message == "Invalid connection header"


async def test_unrequested_subprotocol() -> None:
    exc = await _refused(
        lambda h: switching(h["sec-websocket-key"], "Sec-WebSocket-Protocol: evil"),
        protocols=["chat"],
    )
    assert exc.status == 101
    assert "evil" in exc.message


async def test_subprotocol_when_none_offered() -> None:
    exc = await _refused(lambda h: switching(h["sec-websocket-key"], "Sec-WebSocket-Protocol: x"))
    assert "x" in exc.message


async def test_unrequested_extension() -> None:
    exc = await _refused(
        lambda h: switching(h["sec-websocket-key"], "Sec-WebSocket-Extensions: permessage-deflate")
    )
    assert "permessage-deflate" in exc.message


async def test_deflate_answer_breaking_the_offer() -> None:
    exc = await _refused(
        lambda h: switching(
            h["sec-websocket-key"],
            "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=15",
        ),
        compress=10,
    )
    assert "server_max_window_bits" in exc.message


# ------------------------------------------------------------ server close


async def test_server_initiated_close() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send("last words")
        await ws.close(4001, "bye")

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        assert await ws.receive_str() == "last words"
        msg = await ws.receive()
        assert msg == WSMessage(WSMsgType.CLOSE, 4001, "bye")
        assert ws.closed
        assert ws.close_code == 4001
        assert (await ws.receive()).type is WSMsgType.CLOSED
        assert await ws.close() is False


async def test_server_close_without_autoclose() -> None:
    replied: asyncio.Future[tuple[int, bytes]] = asyncio.get_running_loop().create_future()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handshake(reader, writer)
        writer.write(frame(0x8, close_payload(1001, b"away")))
        replied.set_result(await read_frame(reader))

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url, autoclose=False)
        msg = await ws.receive()
        assert msg == WSMessage(WSMsgType.CLOSE, 1001, "away")
        assert not ws.closed
        assert ws.close_code == 1001
        assert not replied.done()
        assert await ws.close() is True
        assert await replied == (0x8, close_payload(1000))
        assert ws.closed
        assert ws.close_code == 1001


async def test_server_drops_connection() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handshake(reader, writer)
        writer.write(frame(0x1, b"then silence"))
        await writer.drain()

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        assert await ws.receive_str() == "then silence"
        msg = await ws.receive()
        assert msg.type is WSMsgType.CLOSED
        assert ws.closed
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert isinstance(ws.exception(), httpwire.ClientConnectionResetError)


async def test_server_drops_connection_mid_message() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handshake(reader, writer)
        writer.write(frame(0x1, b"half", fin=False))
        await writer.drain()

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        assert (await ws.receive()).type is WSMsgType.CLOSED  # the half message is dropped
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert ws.closed


# ---------------------------------------------------------- protocol errors


async def _server_breaks_protocol(bad: bytes, **kwargs: Any) -> tuple[Any, WSMessage, bytes]:
    """A raw server sends ``bad``; returns the ws, its ERROR message and the Close we sent.

    Data messages ahead of the bad frame are read past.
    """
    close: asyncio.Future[tuple[int, bytes]] = asyncio.get_running_loop().create_future()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handshake(reader, writer)
        writer.write(bad)
        close.set_result(await read_frame(reader))

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url, **kwargs)
        msg = await ws.receive()
        while msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
            msg = await ws.receive()
        opcode, payload = await close
        assert opcode == 0x8
    return ws, msg, payload


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (frame(0x3, b""), WSCloseCode.PROTOCOL_ERROR),  # reserved opcode
        (bytes([0x81, 0x81]) + b"\x00\x00\x00\x00a", WSCloseCode.PROTOCOL_ERROR),  # masked
        (frame(0x9, b"p", fin=False), WSCloseCode.PROTOCOL_ERROR),  # fragmented control
        (frame(0x1, b"x", first=0xC1), WSCloseCode.PROTOCOL_ERROR),  # RSV1 without deflate
        (frame(0x0, b"x"), WSCloseCode.PROTOCOL_ERROR),  # continuation of nothing
        (frame(0x1, b"\xff\xfe"), WSCloseCode.INVALID_TEXT),  # not UTF-8
    ],
)
async def test_protocol_violation_closes_with_code(bad: bytes, code: int) -> None:
    ws, msg, payload = await _server_breaks_protocol(bad)
    assert msg.type is WSMsgType.ERROR
    assert isinstance(msg.data, httpwire.WebSocketError)
    assert msg.data.code == code
    assert payload[:2] == struct.pack("!H", code)
    assert ws.close_code == code
    assert ws.closed
    assert (await ws.receive()).type is WSMsgType.CLOSED


async def test_max_msg_size_exceeded_raw() -> None:
    ws, msg, payload = await _server_breaks_protocol(frame(0x2, b"x" * 2000), max_msg_size=1000)
    assert msg.type is WSMsgType.ERROR
    assert msg.data.code == WSCloseCode.MESSAGE_TOO_BIG
    assert payload[:2] == struct.pack("!H", 1009)
    assert ws.close_code == WSCloseCode.MESSAGE_TOO_BIG


async def test_max_msg_size_exceeded_websockets() -> None:
    seen: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

    async def handler(ws: ServerConnection) -> None:
        await ws.send("ok")
        await ws.send("y" * 5000)
        await ws.wait_closed()
        seen.set_result(ws.close_code)

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url, max_msg_size=4096, compress=15)
        assert await ws.receive_str() == "ok"
        msg = await ws.receive()
        assert msg.type is WSMsgType.ERROR
        assert msg.data.code == WSCloseCode.MESSAGE_TOO_BIG
        assert ws.close_code == WSCloseCode.MESSAGE_TOO_BIG
        assert await seen == 1009


#: Bad server frames, the close code and the message aiohttp 3.14 reports for each.
ALIGNED_ERRORS = [
    (frame(0x1, b"x", first=0xA1), 1002, "Received frame with non-zero reserved bits"),  # RSV2
    (frame(0x1, b"x", first=0x91), 1002, "Received frame with non-zero reserved bits"),  # RSV3
    (frame(0x1, b"x", first=0xC1), 1002, "Received frame with non-zero reserved bits"),  # RSV1
    (frame(0x3, b""), 1002, "Unexpected opcode=3"),
    (frame(0x9, b"p", fin=False), 1002, "Received fragmented control frame"),
    (frame(0x9, b"p" * 126), 1002, "Control frame payload cannot be larger than 125 bytes"),
    (frame(0x0, b"x"), 1002, "Continuation frame for non started message"),
    (
        frame(0x1, b"a", fin=False) + frame(0x1, b"b"),
        1002,
        "The opcode in non-fin frame is expected to be zero, got 1",
    ),
    (frame(0x1, b"\xff\xfe"), 1007, "Invalid UTF-8 text message"),
    (frame(0x8, b"\x03"), 1002, "Invalid close frame: False 8 b'\\x03'"),
    (frame(0x1, b"ok") + frame(0x8, b"\x03"), 1002, "Invalid close frame: True 8 b'\\x03'"),
    (frame(0x8, close_payload(1004)), 1002, "Invalid close code: 1004"),
    (frame(0x8, close_payload(1000, b"\xff")), 1007, "Invalid UTF-8 text message"),
    (frame(0x2, b"x" * 2000), 1009, "Message size 2000 exceeds limit 1000"),
]


@pytest.mark.parametrize(("bad", "code", "text"), ALIGNED_ERRORS)
async def test_protocol_error_surfaces_as_aiohttp_does(bad: bytes, code: int, text: str) -> None:
    """``msg.data`` is exactly a ``WebSocketError`` with aiohttp's code and message.

    aiohttp's tests check ``type(msg.data) is WebSocketError`` and ``str(msg.data)``; the sans-IO
    reader's precise subclass stays available as ``__cause__``.
    """
    ws, msg, payload = await _server_breaks_protocol(bad, max_msg_size=1000)
    assert msg.type is WSMsgType.ERROR
    assert httpwire.WebSocketError is httpwire_websocket.WebSocketError  # one class, re-exported
    assert type(msg.data) is httpwire.WebSocketError
    assert (msg.data.code, str(msg.data)) == (code, text)
    assert msg.extra is None
    assert isinstance(msg.data.__cause__, httpwire_websocket.ProtocolError)
    assert msg.data.__cause__.code == code
    assert payload[:2] == struct.pack("!H", code)
    assert ws.close_code == code
    assert ws.exception() is None


@pytest.mark.parametrize(("bad", "code", "text"), ALIGNED_ERRORS)
async def test_aligned_errors_are_what_aiohttp_reports(bad: bytes, code: int, text: str) -> None:
    """The table above is checked against aiohttp's own client reading the same bytes."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handshake(reader, writer)
        writer.write(bad)
        await read_frame(reader)

    async with asyncio.timeout(LIMIT), raw_server(handler) as url:
        async with aiohttp.ClientSession() as theirs:
            async with theirs.ws_connect(url, max_msg_size=1000) as ws:
                msg = await ws.receive()
                while msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    msg = await ws.receive()
                assert ws.close_code == code
    assert msg.type is aiohttp.WSMsgType.ERROR
    assert type(msg.data) is aiohttp.WebSocketError
    assert (msg.data.code, str(msg.data)) == (code, text)


def _deflated(data: bytes) -> bytes:
    """``data`` as one permessage-deflate payload (raw deflate, the sync-flush tail stripped)."""
    obj = zlib.compressobj(wbits=-15)
    out = obj.compress(data) + obj.flush(zlib.Z_SYNC_FLUSH)
    return out[:-4]


#: Bad frames on a connection with permessage-deflate, and what aiohttp 3.14 reports.
ALIGNED_DEFLATE_ERRORS = [
    (
        frame(0x2, _deflated(b"z" * 5000), first=0xC2),
        1009,
        "Decompressed message exceeds size limit 1000",
    ),
    (
        frame(0x2, _deflated(b"ab"), first=0x42) + frame(0x0, b"", first=0xC0),
        1002,
        "Received frame with non-zero reserved bits",  # RSV1 on a continuation frame
    ),
]


@pytest.mark.parametrize(("bad", "code", "text"), ALIGNED_DEFLATE_ERRORS)
@pytest.mark.parametrize("client", ["httpwire", "aiohttp"])
async def test_deflate_errors_surface_as_aiohttp_does(
    client: str, bad: bytes, code: int, text: str
) -> None:
    """Compressed-message errors: our ERROR equals aiohttp's own client's, bytes for bytes."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, headers = await read_head(reader)
        ext = "Sec-WebSocket-Extensions: permessage-deflate"
        writer.write(switching(headers["sec-websocket-key"], ext))
        writer.write(bad)
        await read_frame(reader)

    lib: Any = httpwire if client == "httpwire" else aiohttp
    async with asyncio.timeout(LIMIT), raw_server(handler) as url, lib.ClientSession() as s:
        async with s.ws_connect(url, max_msg_size=1000, compress=15) as ws:
            assert ws.compress == 15
            msg = await ws.receive()
            assert ws.close_code == code
    assert msg.type is lib.WSMsgType.ERROR
    assert type(msg.data) is lib.WebSocketError
    assert (msg.data.code, str(msg.data)) == (code, text)


async def test_max_msg_size_zero_means_no_limit() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo, max_size=None) as url:
        async with httpwire.ClientSession() as s:
            async with s.ws_connect(url, max_msg_size=0) as ws:
                await ws.send_bytes(b"q" * 5_000_000)
                assert len(await ws.receive_bytes()) == 5_000_000


# ---------------------------------------------------------------- ping, pong


async def test_autoping_answers_server_ping() -> None:
    async def handler(ws: ServerConnection) -> None:
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, LIMIT)
        await ws.send("pong seen")
        await ws.wait_closed()

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            # The PING is answered without reaching the caller.
            assert await ws.receive_str() == "pong seen"


async def test_autoping_off_hands_ping_to_caller() -> None:
    async def handler(ws: ServerConnection) -> None:
        pong = await ws.ping(b"hello?")
        await asyncio.wait_for(pong, LIMIT)
        await ws.send("answered by hand")
        await ws.wait_closed()

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url, autoping=False) as ws:
            msg = await ws.receive()
            assert msg == WSMessage(WSMsgType.PING, b"hello?", "")
            await ws.pong(msg.data)
            assert await ws.receive_str() == "answered by hand"


async def test_client_ping_gets_pong() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url, autoping=False) as ws:
            await ws.ping(b"abc")
            assert await ws.receive() == WSMessage(WSMsgType.PONG, b"abc", "")
            await ws.ping("text ping")
            assert await ws.receive() == WSMessage(WSMsgType.PONG, b"text ping", "")
        async with s.ws_connect(url) as ws:
            await ws.ping(b"swallowed")
            await ws.send_str("after")
            assert await ws.receive_str() == "after"  # the PONG is not returned with autoping


async def test_control_payload_over_125_bytes() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            with pytest.raises(ValueError, match="125"):
                await ws.ping(b"x" * 126)
            await ws.send_str("still fine")
            assert await ws.receive_str() == "still fine"


async def test_send_frame() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url, autoping=False) as ws:
            await ws.send_frame(b"framed", WSMsgType.BINARY)
            assert await ws.receive_bytes() == b"framed"
            await ws.send_frame("tëxt".encode(), WSMsgType.TEXT)
            assert await ws.receive_str() == "tëxt"
            await ws.send_frame(b"pp", WSMsgType.PING)
            assert await ws.receive() == WSMessage(WSMsgType.PONG, b"pp", "")


# ---------------------------------------------------------------- heartbeat


async def test_heartbeat_without_pong_closes_1006() -> None:
    pings = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal pings
        await handshake(reader, writer)
        while True:
            opcode, _ = await read_frame(reader)
            if opcode == 0x9:
                pings += 1  # and never answered

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url, heartbeat=0.2)
        msg = await ws.receive()
        assert msg.type is WSMsgType.ERROR
        assert isinstance(msg.data, httpwire.ServerTimeoutError)
        assert ws.closed
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert ws.exception() is msg.data
        assert (await ws.receive()).type is WSMsgType.CLOSED
        assert pings >= 1


async def test_heartbeat_timeout_while_not_receiving() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handshake(reader, writer)
        await reader.read()

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url, heartbeat=0.1)
        while not ws.closed:
            await asyncio.sleep(0.05)
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert isinstance(ws.exception(), httpwire.ServerTimeoutError)
        assert (await ws.receive()).type is WSMsgType.CLOSED
        with pytest.raises(httpwire.ClientConnectionResetError):
            await ws.send_str("too late")


async def test_heartbeat_answered_keeps_connection() -> None:
    pings = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal pings
        await handshake(reader, writer)
        while True:
            opcode, payload = await read_frame(reader)
            if opcode == 0x9:
                pings += 1
                writer.write(frame(0xA, payload))
            elif opcode == 0x1:
                writer.write(frame(0x1, payload))
            elif opcode == 0x8:
                writer.write(frame(0x8, payload))
                return

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url, heartbeat=0.1) as ws:
            while pings < 3:
                await asyncio.sleep(0.05)
            assert not ws.closed
            await ws.send_str("alive")
            assert await ws.receive_str() == "alive"
        assert ws.close_code == 1000


async def test_heartbeat_reset_by_incoming_data() -> None:
    pings = 0
    stop = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal pings
        await handshake(reader, writer)

        async def count() -> None:
            nonlocal pings
            while True:
                opcode, _ = await read_frame(reader)
                pings += opcode == 0x9

        counter = asyncio.create_task(count())
        try:
            while not stop.is_set():
                writer.write(frame(0x1, b"tick"))
                await asyncio.sleep(0.02)
        finally:
            counter.cancel()

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url, heartbeat=1.0, timeout=ClientWSTimeout(ws_close=0.05))
        for _ in range(60):  # well over a heartbeat of wall time, data every 20 ms
            assert await ws.receive_str() == "tick"
        stop.set()
        assert pings == 0
        assert not ws.closed
        await ws.close()


async def test_heartbeat_spares_a_slow_reader() -> None:
    # Reading is paused while messages wait unread: a missing PONG is then not the server's fault.
    chunk = b"h" * 65536

    async def handler(ws: ServerConnection) -> None:
        for _ in range(40):
            await ws.send(chunk)
        await ws.wait_closed()

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url, heartbeat=0.05) as ws:
            await asyncio.sleep(0.5)
            assert not ws.closed
            for _ in range(40):
                assert await ws.receive_bytes() == chunk
            assert ws.exception() is None


async def test_heartbeat_with_websockets_server() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url, heartbeat=0.05) as ws:
            await asyncio.sleep(0.3)
            await ws.send_str("still here")
            assert await ws.receive_str() == "still here"
            assert not ws.closed


# ----------------------------------------------------------------- timeouts


async def test_receive_timeout_argument() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            with pytest.raises(asyncio.TimeoutError):
                await ws.receive(timeout=0.05)
            assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
            assert not ws.closed
            with pytest.raises(TimeoutError):
                await ws.receive_str(timeout=0.05)
            await ws.send_str("late")
            assert await ws.receive_str() == "late"


async def test_ws_receive_timeout_from_client_ws_timeout() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url, timeout=ClientWSTimeout(ws_receive=0.05))
        with pytest.raises(TimeoutError):
            await ws.receive()
        await ws.close()  # close_code is already set: no waiting for the server's Close
        assert ws.closed


async def test_deprecated_receive_timeout() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        with pytest.warns(DeprecationWarning, match="receive_timeout"):
            ws = await s.ws_connect(url, receive_timeout=0.05)
        with pytest.raises(TimeoutError):
            await ws.receive()
        await ws.close()


async def test_deprecated_float_timeout_is_ws_close() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handshake(reader, writer)
        await reader.read()  # never answers the Close

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        with pytest.warns(DeprecationWarning, match="timeout"):
            ws = await s.ws_connect(url, timeout=0.1)
        assert await ws.close() is True
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert isinstance(ws.exception(), TimeoutError)


async def test_ws_close_timeout() -> None:
    frames: list[int] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handshake(reader, writer)
        while True:
            frames.append((await read_frame(reader))[0])

    async with asyncio.timeout(LIMIT), raw_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url, timeout=ClientWSTimeout(ws_close=0.1))
        assert await ws.close() is True
        assert ws.closed
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert isinstance(ws.exception(), TimeoutError)
    assert frames == [0x8]


def test_client_ws_timeout_values() -> None:
    assert ClientWSTimeout() == ClientWSTimeout(ws_receive=None, ws_close=None)
    assert ClientWSTimeout(1, 2) == ClientWSTimeout(ws_receive=1, ws_close=2)
    with pytest.raises(TypeError):
        ClientWSTimeout(ws_receive="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        ClientWSTimeout(ws_close=-1)
    timeout = ClientWSTimeout(ws_close=3)
    with pytest.raises(AttributeError):
        timeout.ws_close = 4  # type: ignore[misc]


def test_default_timeout() -> None:
    from httpwire._ws_client import DEFAULT_WS_CLIENT_TIMEOUT

    assert ClientWSTimeout(ws_receive=None, ws_close=10.0) == DEFAULT_WS_CLIENT_TIMEOUT


# --------------------------------------------------------- misuse and errors


async def test_type_errors() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            with pytest.raises(TypeError, match="data argument must be str"):
                await ws.send_str(b"bytes")  # type: ignore[arg-type]
            with pytest.raises(TypeError, match="data argument must be byte-ish"):
                await ws.send_bytes("text")  # type: ignore[arg-type]
            with pytest.raises(TypeError):
                await ws.send_json({"a": 1}, dumps=lambda obj: b"{}")  # type: ignore[arg-type, return-value]
            with pytest.raises(TypeError):
                await ws.send_json({1, 2})
            await ws.send_bytes(b"bin")
            with pytest.raises(WSMessageTypeError, match=r"is not WSMsgType\.TEXT"):
                await ws.receive_str()
            await ws.send_str("txt")
            with pytest.raises(TypeError, match=r"is not WSMsgType\.BINARY"):
                await ws.receive_bytes()
            await ws.send_str("not json")
            with pytest.raises(json.JSONDecodeError):
                await ws.receive_json()
            await ws.send_str("ok")
            assert await ws.receive_str() == "ok"


async def test_send_after_close() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        await ws.close()
        for call in (
            ws.send_str("x"),
            ws.send_bytes(b"x"),
            ws.send_json(1),
            ws.ping(),
            ws.pong(),
            ws.send_frame(b"x", WSMsgType.BINARY),
        ):
            with pytest.raises(httpwire.ClientConnectionResetError, match="closing transport"):
                await call


async def test_send_after_server_close() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.close(1000)

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        assert (await ws.receive()).type is WSMsgType.CLOSE
        with pytest.raises(httpwire.ClientConnectionResetError, match="Cannot write to closing"):
            await ws.send_str("x")


async def test_close_with_unsendable_code() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        assert await ws.close(code=1006) is True
        assert ws.closed
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
        assert isinstance(ws.exception(), ValueError)


async def test_concurrent_receive() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            first = asyncio.create_task(ws.receive())
            await asyncio.sleep(0)
            with pytest.raises(RuntimeError, match="Concurrent call to receive"):
                await ws.receive()
            await ws.send_str("for the first")
            assert (await first).data == "for the first"


async def test_close_from_another_task_wakes_receive() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url)
        waiting = asyncio.create_task(ws.receive())
        await asyncio.sleep(0.01)
        assert await ws.close() is True
        assert (await waiting).type is WSMsgType.CLOSING
        assert ws.closed
        assert ws.close_code == 1000


async def test_two_closes_while_receive_waits() -> None:
    """A waiting ``receive()`` returns CLOSED, not data the server sends after closing began.

    The first ``close()`` wakes the waiting ``receive()``; the second one, running before that
    task resumes, already reads the server's answer. As in aiohttp, ``receive()`` then returns
    CLOSED instead of waiting again and taking the server's next message, and the second
    ``close()`` still gets the server's Close (it is not left unwoken until ``ws_close``).
    """

    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.send("after close began")
        await ws.wait_closed()

    async with asyncio.timeout(LIMIT), ws_server(handler) as url, httpwire.ClientSession() as s:
        ws = await s.ws_connect(url, timeout=ClientWSTimeout(ws_close=LIMIT / 2))
        await ws.send_bytes(b"ask")
        first = asyncio.create_task(ws.close())
        second = asyncio.create_task(ws.close())
        msg = await ws.receive()
        assert msg.type is WSMsgType.CLOSED
        async with asyncio.timeout(LIMIT / 4):  # well before ws_close would give up
            results = sorted([await first, await second])
        assert results == [False, True]
        assert ws.close_code == WSCloseCode.OK
        assert ws.exception() is None
        assert (await ws.receive()).type is WSMsgType.CLOSED


async def test_cancelled_receive_keeps_connection_usable() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            task = asyncio.create_task(ws.receive())
            await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await ws.send_str("after cancel")
            assert await ws.receive_str() == "after cancel"


async def test_connection_refused() -> None:
    async with asyncio.timeout(LIMIT), raw_server(handshake) as url:
        port = url.port
    async with httpwire.ClientSession() as s:
        with pytest.raises(httpwire.ClientConnectorError):
            await s.ws_connect(f"http://127.0.0.1:{port}/")


async def test_non_http_scheme() -> None:
    async with httpwire.ClientSession() as s:
        with pytest.raises(httpwire.NonHttpUrlClientError):
            await s.ws_connect("ftp://127.0.0.1/")


async def test_closed_session() -> None:
    s = httpwire.ClientSession()
    await s.close()
    with pytest.raises(RuntimeError, match="Session is closed"):
        await s.ws_connect("http://127.0.0.1:1/")


@pytest.mark.parametrize("kwargs", [{"heartbeat": 0}, {"heartbeat": -1}, {"max_msg_size": -1}])
async def test_bad_numbers(kwargs: dict[str, Any]) -> None:
    async with httpwire.ClientSession() as s:
        with pytest.raises(ValueError, match=r"heartbeat|max_msg_size"):
            await s.ws_connect("http://127.0.0.1:1/", **kwargs)


async def test_ssl_none_is_deprecated() -> None:
    async with asyncio.timeout(LIMIT), ws_server(echo) as url, httpwire.ClientSession() as s:
        with pytest.warns(DeprecationWarning, match="ssl=None"):
            ws = await s.ws_connect(url, ssl=None)
        await ws.close()


# ------------------------------------------------------- aiohttp's surface


def test_ws_connect_signature_matches_aiohttp() -> None:
    ours = inspect.signature(httpwire.ClientSession.ws_connect).parameters
    theirs = inspect.signature(aiohttp.ClientSession.ws_connect).parameters
    assert list(ours) == list(theirs)
    for name, param in theirs.items():
        assert ours[name].kind == param.kind, name
        if name == "timeout":
            assert ours[name].default is httpwire._helpers.sentinel
        elif param.default is not inspect.Parameter.empty:
            assert ours[name].default == param.default, name


def test_the_class_is_generic_in_decode_text_as_in_aiohttp() -> None:
    # aiohttp 3.14 annotations such as ClientWebSocketResponse[bool] are evaluated at run time
    # in code without `from __future__ import annotations`; they must not raise.
    alias = httpwire.ClientWebSocketResponse[bool]
    assert typing.get_origin(alias) is httpwire.ClientWebSocketResponse
    assert typing.get_args(alias) == (bool,)
    assert len(httpwire.ClientWebSocketResponse.__parameters__) == len(
        aiohttp.ClientWebSocketResponse.__parameters__
    )


def test_public_methods_match_aiohttp() -> None:
    def public(cls: type) -> set[str]:
        return {name for name in dir(cls) if not name.startswith("_")}

    assert public(ClientWebSocketResponse) == public(aiohttp.ClientWebSocketResponse)
    for name in ("close", "receive", "receive_str", "receive_json", "send_str", "send_json"):
        ours = inspect.signature(getattr(ClientWebSocketResponse, name)).parameters
        theirs = inspect.signature(getattr(aiohttp.ClientWebSocketResponse, name)).parameters
        assert list(ours) == list(theirs), name
    assert list(ClientWSTimeout.__dataclass_fields__) == ["ws_receive", "ws_close"]
    assert issubclass(WSMessageTypeError, TypeError)


async def test_frames_after_the_101_are_bounded_while_a_trace_callback_holds_the_handshake() -> (
    None
):
    # Nothing reads the WebSocket until ws_connect() returns, and on_request_end runs before
    # that: the bytes the peer sends meanwhile must pause the socket, not pile up.
    payload = b"y" * 65535

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, headers = await read_head(reader)
        writer.write(switching(headers["sec-websocket-key"]))
        writer.write(frame(0x2, payload) * 64)
        await writer.drain()
        await reader.read()  # until the client closes

    seen: list[tuple[bool, int]] = []

    async def on_request_end(session: Any, ctx: Any, params: Any) -> None:
        protocol = params.response.connection.protocol
        async with asyncio.timeout(5):
            while not protocol.reading_paused:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # a paused socket delivers nothing more
        seen.append((protocol.reading_paused, len(protocol.upgrade_tail)))

    trace = httpwire.TraceConfig()
    trace.on_request_end.append(on_request_end)
    async with (
        raw_server(handler) as url,
        httpwire.ClientSession(trace_configs=[trace]) as session,
        session.ws_connect(url, timeout=ClientWSTimeout(ws_close=0.1)) as ws,
    ):
        assert seen
        assert seen[0][0]
        # read_bufsize (64 KiB) plus what the reads in flight brought (asyncio reads up to
        # 256 KiB at once); the peer sent 4 MiB, which an unbounded buffer would all hold.
        assert seen[0][1] < 2**16 + 2 * 2**18
        for _ in range(64):
            message = await ws.receive(timeout=5)
            assert message.type is httpwire.WSMsgType.BINARY
            assert message.data == payload


class _PauseCounter:
    """The part of ResponseHandler that _MessageQueue's flow control uses, counting calls."""

    def __init__(self) -> None:
        self.reading_paused = False
        self.pauses = 0

    def pause_reading(self) -> None:
        self.reading_paused = True
        self.pauses += 1

    def resume_reading(self) -> None:
        self.reading_paused = False


async def test_a_big_message_for_a_waiting_reader_does_not_pause_the_socket() -> None:
    # Over the queue's limit, a message alone in the queue with receive() waiting for it is
    # handed over without pausing (which would resume at once); anything more pauses as before.
    from httpwire._ws_client import _MessageQueue

    handler = _PauseCounter()
    writer = httpwire_websocket.WebSocketWriter(is_client=False)
    queue = _MessageQueue(
        handler,  # type: ignore[arg-type]
        httpwire_websocket.WebSocketReader(),
        asyncio.get_running_loop(),
        autoping=True,
        on_ping=lambda payload: None,
        limit=1000,
    )
    big = b"x" * 5000
    waiting = asyncio.ensure_future(queue.read())
    await asyncio.sleep(0)
    queue.data_received(writer.binary(big))
    assert (await waiting).data == big
    assert handler.pauses == 0
    waiting = asyncio.ensure_future(queue.read())
    await asyncio.sleep(0)
    queue.data_received(bytes(writer.binary(big)) + bytes(writer.binary(big)))
    assert handler.pauses == 1  # the second one has nobody waiting for it
    assert (await waiting).data == big
    assert handler.reading_paused
    assert (await queue.read()).data == big
    assert not handler.reading_paused
    queue.data_received(writer.binary(big))  # nobody waiting: paused as before
    assert handler.pauses == 2
