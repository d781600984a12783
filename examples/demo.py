"""A tour of httpwire: a local server, and ``httpwire.ClientSession`` at work against it.

The server (asyncio, loopback, a free port) parses requests with httpwire-parser's RequestParser
and answers from a few routes. The client is the real ``ClientSession``: a GET whose gzip'd
chunked body is decoded, a POST of JSON, a cookie stored and sent back, a redirect followed, a
streamed download with a progress bar, a streamed upload, all over pooled connections, and a
WebSocket echo (the server side framed by httpwire-websocket's sans-IO protocol). Nothing here
touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator

from multidict import CIMultiDictProxy

import httpwire
from httpwire_parser import (
    ChunkedEncoder,
    Data,
    EndOfMessage,
    Request,
    RequestParser,
    Upgraded,
    serialize_response_head,
)
from httpwire_websocket import WebSocketProtocol, WSMsgType, accept_token

DOWNLOAD_SIZE = 8 * 1024 * 1024


def answer(request: Request, body: bytes, visit: int) -> bytes:
    """The response the demo server gives to one request."""
    path = request.target.split("?", 1)[0]
    if path == "/old":
        return serialize_response_head(
            301, "Moved Permanently", [("Location", "/new"), ("Content-Length", "0")]
        )
    if path == "/download":
        head = serialize_response_head(200, "OK", [("Content-Length", str(DOWNLOAD_SIZE))])
        return head + bytes(range(256)) * (DOWNLOAD_SIZE // 256)
    document = {
        "method": request.method,
        "path": request.target,
        "visit on this connection": visit,
        "cookie received": request.headers.get("Cookie"),
        "body bytes": len(body),
        "json": json.loads(body) if body.startswith(b"{") else None,
    }
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Encoding", "gzip"),
        ("Transfer-Encoding", "chunked"),
    ]
    if path == "/login":
        headers.append(("Set-Cookie", "tour=started; Path=/; HttpOnly; SameSite=Lax"))
    encoded = gzip.compress(json.dumps(document).encode())
    encoder = ChunkedEncoder()
    half = len(encoded) // 2
    return (
        serialize_response_head(200, "OK", headers)
        + encoder.encode(encoded[:half])
        + encoder.encode(encoded[half:])
        + encoder.finish()
    )


async def echo_websocket(
    key: str, tail: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Accept a WebSocket handshake, then send every text or binary message back."""
    writer.write(
        serialize_response_head(
            101,
            "Switching Protocols",
            [
                ("Upgrade", "websocket"),
                ("Connection", "Upgrade"),
                ("Sec-WebSocket-Accept", accept_token(key)),
            ],
        )
    )
    ws = WebSocketProtocol(is_client=False)
    data = tail
    while True:
        ws.receive_data(data)
        for message in ws.events_received():
            if message.type is WSMsgType.TEXT:
                ws.send_str(f"echo: {message.data}")
            elif message.type is WSMsgType.BINARY:
                ws.send_bytes(message.data)
        writer.write(ws.data_to_send())
        await writer.drain()
        if ws.close_code is not None or not (data := await reader.read(65536)):
            break


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer requests on one keep-alive connection until the client goes away."""
    parser = RequestParser()
    visits = 0
    head: Request | None = None
    body = bytearray()
    while data := await reader.read(65536):
        for event in parser.feed(data):
            if isinstance(event, Request):
                head, body = event, bytearray()
            elif isinstance(event, Data):
                body += event.data
            elif isinstance(event, Upgraded) and head is not None:
                key = head.headers["Sec-WebSocket-Key"]
                await echo_websocket(key, event.tail, reader, writer)
                writer.close()
                return
            elif isinstance(event, EndOfMessage) and head is not None and not head.upgrade:
                visits += 1
                writer.write(answer(head, bytes(body), visits))
                await writer.drain()
    writer.close()


def show(title: str, status: int, headers: CIMultiDictProxy[str], doc: object = None) -> None:
    print(f"{title} -> {status} ({headers.get('Content-Encoding', 'identity')})")
    if doc is not None:
        print(f"  {doc}")


async def upload_body() -> AsyncIterator[bytes]:
    """An upload produced while it is sent (it goes out chunked)."""
    for i in range(4):
        await asyncio.sleep(0)
        yield f"part {i};".encode() * 1000


async def main() -> None:
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    base = f"http://{host}:{port}/"
    print(f"httpwire {httpwire.__version__}: a tour against {base}\n")
    jar = httpwire.CookieJar(unsafe=True)  # the server is an IP address; a jar refuses those
    async with server, httpwire.ClientSession(base_url=base, cookie_jar=jar) as session:
        async with session.get("hello", params={"lang": "en"}) as resp:
            show("GET /hello", resp.status, resp.headers, await resp.json())
        async with session.post("items", json={"name": "widget", "qty": 3}) as resp:
            show("POST /items (JSON)", resp.status, resp.headers, await resp.json())
        async with session.get("login") as resp:
            await resp.read()
            print(f"GET /login -> {resp.status}, jar: {[c.key for c in session.cookie_jar]}")
        async with session.get("profile") as resp:
            doc = await resp.json()
            print(f"GET /profile -> sent Cookie: {doc['cookie received']}")
        async with session.get("old") as resp:
            await resp.read()
            hops = " -> ".join(str(r.url.path) for r in (*resp.history, resp))
            print(f"GET /old -> {resp.status} after a redirect: {hops}")
        async with session.get("download") as resp:
            total = resp.content_length or 0
            done = 0
            async for chunk in resp.content.iter_chunked(256 * 1024):
                done += len(chunk)
                bar = "#" * (30 * done // total)
                print(f"\rGET /download [{bar:<30}] {done / 2**20:4.1f} MiB", end="")
            print()
        async with session.post("upload", data=upload_body()) as resp:
            doc = await resp.json()
            print(f"POST /upload (streamed, chunked) -> server got {doc['body bytes']} bytes")
        connector = session.connector
        print(f"pool after the HTTP requests: {connector!r}")
        async with session.ws_connect("echo") as ws:
            await ws.send_str("hello over a WebSocket")
            reply = await ws.receive_str()
            await ws.send_bytes(b"\x00\x01binary")
            echoed = await ws.receive_bytes()
            print(f"WebSocket /echo -> {reply!r}, then {len(echoed)} binary bytes back")
        print(f"WebSocket closed with code {ws.close_code}")


if __name__ == "__main__":
    asyncio.run(main())
