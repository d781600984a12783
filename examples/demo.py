"""A first look at httpwire: start a local HTTP server, fetch from it and print what came back.

The server is a tiny asyncio one started here on a free loopback port, so the demo needs no network.
"""

from __future__ import annotations

import asyncio
import json

import httpwire

BODY = json.dumps({"hello": "httpwire", "version": httpwire.__version__}).encode()


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer one request with a small JSON document, then close."""
    await reader.readuntil(b"\r\n\r\n")
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(BODY)}\r\n"
        "Connection: close\r\n\r\n"
    )
    writer.write(head.encode("ascii") + BODY)
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def fetch(host: str, port: int) -> bytes:
    """Send one GET over a plain asyncio stream and return the raw response."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    return data


async def main() -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    async with server:
        raw = await fetch(host, port)
    head, _, body = raw.partition(b"\r\n\r\n")
    print(f"server: http://{host}:{port}/")
    print(head.decode("latin-1").splitlines()[0])
    print(body.decode())


if __name__ == "__main__":
    asyncio.run(main())
