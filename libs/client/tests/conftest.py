"""A real HTTP/1.1 server on loopback for the client tests, scripted per test.

Each route is an async handler that gets the parsed request (with its whole body) and the
connection's writer, and returns the raw bytes to answer with (``None`` when it wrote or closed
itself). Raw bytes keep the tests in control of the wire: malformed heads, stalls and abrupt
closes are as easy to script as a plain 200.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import pytest
from multidict import CIMultiDictProxy
from yarl import URL

from httpwire_parser import Data, EndOfMessage, HttpParserError, Request, RequestParser


@dataclass
class Received:
    """A request as the server saw it."""

    method: str
    target: str
    version: tuple[int, int]
    headers: CIMultiDictProxy[str]
    body: bytes
    connection: int


Handler = Callable[[Received, asyncio.StreamWriter], Awaitable[bytes | None]]


def reply(
    status: int = 200,
    body: bytes | str = b"",
    headers: Mapping[str, str] | list[tuple[str, str]] | None = None,
    *,
    reason: str = "OK",
    length: bool = True,
) -> bytes:
    """A whole response with Content-Length (unless ``length`` is false or headers set one)."""
    data = body.encode() if isinstance(body, str) else body
    items = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
    names = {k.lower() for k, _ in items}
    if length and "content-length" not in names and "transfer-encoding" not in names:
        items.append(("Content-Length", str(len(data))))
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in items)
    return head.encode("latin-1") + b"\r\n" + data


def gzipped(body: bytes) -> bytes:
    """A gzip-encoded 200 response of ``body``."""
    return reply(200, gzip.compress(body), {"Content-Encoding": "gzip"})


@dataclass
class Server:
    """The scripted server: ``routes`` by path (query ignored), ``requests`` as received."""

    host: str = "127.0.0.1"
    port: int = 0
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Received] = field(default_factory=list)
    connections: int = 0
    _server: asyncio.base_events.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def url(self, path: str = "/") -> URL:
        """The absolute URL of ``path`` on this server."""
        return URL(f"http://{self.host}:{self.port}{path}")

    def route(self, path: str) -> Callable[[Handler], Handler]:
        """Decorator: answer requests for ``path`` with the handler."""

        def register(handler: Handler) -> Handler:
            self.routes[path] = handler
            return handler

        return register

    def answer(self, path: str, response: bytes) -> None:
        """Answer every request for ``path`` with the same raw bytes."""

        async def handler(req: Received, writer: asyncio.StreamWriter) -> bytes:
            return response

        self.routes[path] = handler

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        number = self.connections
        parser = RequestParser()
        head: Request | None = None
        body: list[bytes] = []
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    return
                try:
                    events = parser.feed(data)
                except HttpParserError:
                    writer.write(reply(400, b"bad request", {"Connection": "close"}))
                    return
                for event in events:
                    if isinstance(event, Request):
                        head, body = event, []
                    elif isinstance(event, Data):
                        body.append(event.data)
                    elif isinstance(event, EndOfMessage):
                        assert head is not None
                        received = Received(
                            head.method,
                            head.target,
                            head.version,
                            head.headers,
                            b"".join(body),
                            number,
                        )
                        self.requests.append(received)
                        path = URL(head.target).path if head.target.startswith("/") else "/"
                        handler = self.routes.get(path)
                        response = (
                            reply(404, b"no route")
                            if handler is None
                            else await handler(received, writer)
                        )
                        if response is None:
                            return
                        writer.write(response)
                        await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    srv = Server()
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()
