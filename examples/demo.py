"""A tour of httpwire's parts: a local server, and a client assembled from the component libs.

The server (asyncio, loopback, a free port) parses requests with httpwire-parser's RequestParser.
The client opens and pools connections with httpwire-connectors, writes requests with the parser
package's serializer, parses gzip'd chunked responses with its ResponseParser and keeps cookies in
httpwire-cookies' jar. The second request reuses the pooled connection and sends the cookie back.
Nothing here touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from dataclasses import dataclass

from multidict import CIMultiDictProxy
from yarl import URL

import httpwire
from httpwire_connectors import StreamProtocol, TCPConnector
from httpwire_connectors.testing import FakeRequest, FakeTimeout
from httpwire_cookies import CookieJar
from httpwire_parser import (
    ChunkedEncoder,
    Data,
    EndOfMessage,
    Request,
    RequestParser,
    Response,
    ResponseParser,
    serialize_request_head,
    serialize_response_head,
)


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer requests on one keep-alive connection until the client goes away."""
    parser = RequestParser()
    visits = 0
    while data := await reader.read(65536):
        for event in parser.feed(data):
            if not isinstance(event, Request):
                continue
            visits += 1
            document = {
                "path": event.target,
                "visit": visits,
                "cookie_received": event.headers.get("Cookie"),
            }
            headers = [
                ("Content-Type", "application/json"),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
            ]
            if visits == 1:
                headers.append(("Set-Cookie", "tour=started; Path=/; HttpOnly; SameSite=Lax"))
            body = gzip.compress(json.dumps(document).encode())
            encoder = ChunkedEncoder()
            half = len(body) // 2
            writer.write(
                serialize_response_head(200, "OK", headers)
                + encoder.encode(body[:half])
                + encoder.encode(body[half:])
                + encoder.finish()
            )
    writer.close()


@dataclass
class Fetched:
    """What one request brought back."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    reused_connection: bool
    cookie_sent: str


async def fetch(connector: TCPConnector, jar: CookieJar, url: URL) -> Fetched:
    """GET ``url`` over a pooled connection, keeping cookies in ``jar``."""
    conn = await connector.connect(FakeRequest(url), timeout=FakeTimeout(connect=5))
    protocol = conn.protocol
    assert isinstance(protocol, StreamProtocol)
    headers = {"Host": f"{url.host}:{url.port}", "Accept-Encoding": "gzip"}
    cookie = jar.cookie_header(url)
    if cookie:
        headers["Cookie"] = cookie
    protocol.write(serialize_request_head("GET", url.raw_path_qs, headers))

    parser = ResponseParser()
    parser.expect("GET")
    head: Response | None = None
    body = bytearray()
    finished = False
    while not finished:
        data = await protocol.read()
        if not data:
            conn.close()
            raise httpwire.ServerDisconnectedError()
        for event in parser.feed(data):
            if isinstance(event, Response):
                head = event
            elif isinstance(event, Data):
                body += event.data
            elif isinstance(event, EndOfMessage):
                finished = True
    assert head is not None
    jar.update_cookies_from_headers(head.headers.getall("Set-Cookie", []), url)
    reused = conn.reused
    if head.keep_alive:
        conn.release()
    else:
        conn.close()
    return Fetched(head.status, head.headers, bytes(body), reused, cookie)


async def main() -> None:
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    print(f"httpwire {httpwire.__version__}: a tour against http://{host}:{port}/\n")
    jar = CookieJar(unsafe=True)  # the server is an IP address; a jar refuses those by default
    async with server, TCPConnector(limit=4) as connector:
        for path in ("/first", "/second"):
            got = await fetch(connector, jar, URL(f"http://{host}:{port}{path}"))
            print(f"GET {path} -> {got.status}")
            print(f"  sent Cookie: {got.cookie_sent or '(none)'}")
            print(f"  reused a pooled connection: {got.reused_connection}")
            print(f"  Content-Encoding {got.headers['Content-Encoding']}, decoded body:")
            print(f"  {json.loads(got.body)}")
            print(f"  jar now holds {len(jar)} cookie(s); pool: {connector!r}\n")


if __name__ == "__main__":
    asyncio.run(main())
