"""Testing code that uses httpwire without a network: a router of mocked routes and its connector.

:class:`MockRouter` holds routes (method and URL, or a handler function); ``router.connector()``
gives a connector whose connections are in memory. Requests are serialized, parsed and answered
as on a socket, and answers are real HTTP/1.1 bytes fed to the real response parser, so redirects,
cookies, decompression, streaming, timeouts and errors all go through the same client code as in
production::

    router = MockRouter()
    router.get("https://api.example/users/1", json={"id": 1})
    async with ClientSession(connector=router.connector()) as session:
        async with session.get("https://api.example/users/1") as resp:
            assert await resp.json() == {"id": 1}

A request that matches no route fails with :class:`~httpwire.ClientConnectionError` naming it.
With pytest, the ``httpwire_mock`` fixture (see :mod:`httpwire.pytest_plugin`) gives a router.
"""

from __future__ import annotations

import asyncio
import inspect
import json as jsonlib
import re
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from httpwire_connectors import BaseConnector, ConnectionProtocol
from httpwire_parser import (
    ChunkedEncoder,
    Data,
    EndOfMessage,
    HttpParserError,
    Request,
    RequestParser,
    serialize_response_head,
)

from .exceptions import ClientConnectionError

__all__ = ["MockConnector", "MockRequest", "MockResponse", "MockRouter", "Route"]


@dataclass(frozen=True)
class MockRequest:
    """A request as the mocked server received it (the body in full)."""

    method: str
    url: URL
    headers: CIMultiDictProxy[str]
    body: bytes
    version: tuple[int, int]

    def json(self) -> Any:
        """The body parsed as JSON."""
        return jsonlib.loads(self.body)


@dataclass
class MockResponse:
    """What a route answers.

    ``body`` (bytes or text), ``json`` (serialized, with ``application/json``) or ``chunks``
    (bytes pieces, a sync or async iterable, sent with chunked framing as they come) give the
    body; ``exception`` makes the request fail with it instead; ``raw`` sends those bytes as the
    whole answer (malformed responses); ``delay`` waits that many seconds before answering.
    """

    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None
    json: Any = None
    reason: str | None = None
    content_type: str | None = None
    chunks: Iterable[bytes] | AsyncIterable[bytes] | None = None
    exception: BaseException | None = None
    raw: bytes | None = None
    delay: float = 0.0


Handler = Callable[[MockRequest], "MockResponse | Awaitable[MockResponse]"]
UrlPattern = str | URL | re.Pattern[str]


def _normalize(url: URL) -> URL:
    url = url.with_fragment(None)
    if url.query:
        url = url.with_query(sorted(url.query.items()))
    return url


@dataclass
class Route:
    """One mocked route: what it matches, how it answers, and the requests it answered."""

    method: str | None
    url: UrlPattern
    handler: Handler
    repeat: int | None = None
    calls: list[MockRequest] = field(default_factory=list)

    def matches(self, request: MockRequest) -> bool:
        """Whether this route answers ``request`` (and has answers left)."""
        if self.repeat is not None and len(self.calls) >= self.repeat:
            return False
        if self.method is not None and self.method != request.method:
            return False
        if isinstance(self.url, re.Pattern):
            return self.url.fullmatch(str(request.url)) is not None
        return _normalize(URL(self.url)) == _normalize(request.url)


class MockRouter:
    """Routes for mocked requests, tried in the order they were added.

    ``calls`` lists every request received, matched or not, in order.
    """

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.calls: list[MockRequest] = []

    def add(
        self,
        method: str | None,
        url: UrlPattern,
        response: MockResponse | Handler | None = None,
        *,
        repeat: int | None = None,
        **response_fields: Any,
    ) -> Route:
        """Answer ``method`` (``None``: any) on ``url`` with ``response``, a handler, or fields.

        ``url`` is a URL (query order does not matter, the fragment is ignored) or a compiled
        regular expression matched against the whole URL. ``repeat`` limits how many requests
        the route answers (unlimited by default).
        """
        if response is None:
            response = MockResponse(**response_fields)
        elif response_fields:
            raise TypeError("give either a response or response fields, not both")
        handler: Handler
        if isinstance(response, MockResponse):
            fixed = response

            def answer_fixed(request: MockRequest) -> MockResponse:
                return fixed

            handler = answer_fixed
        else:
            handler = response
        route = Route(method.upper() if method else None, url, handler, repeat)
        self.routes.append(route)
        return route

    def route(
        self, method: str | None, url: UrlPattern, *, repeat: int | None = None
    ) -> Callable[[Handler], Handler]:
        """Decorator: answer ``method`` on ``url`` with the decorated (async or sync) handler."""

        def register(handler: Handler) -> Handler:
            self.add(method, url, handler, repeat=repeat)
            return handler

        return register

    def get(self, url: UrlPattern, **fields: Any) -> Route:
        """Answer GET on ``url`` with a :class:`MockResponse` of ``fields``."""
        return self.add("GET", url, **fields)

    def post(self, url: UrlPattern, **fields: Any) -> Route:
        """Answer POST on ``url`` with a :class:`MockResponse` of ``fields``."""
        return self.add("POST", url, **fields)

    def put(self, url: UrlPattern, **fields: Any) -> Route:
        """Answer PUT on ``url`` with a :class:`MockResponse` of ``fields``."""
        return self.add("PUT", url, **fields)

    def patch(self, url: UrlPattern, **fields: Any) -> Route:
        """Answer PATCH on ``url`` with a :class:`MockResponse` of ``fields``."""
        return self.add("PATCH", url, **fields)

    def delete(self, url: UrlPattern, **fields: Any) -> Route:
        """Answer DELETE on ``url`` with a :class:`MockResponse` of ``fields``."""
        return self.add("DELETE", url, **fields)

    def head(self, url: UrlPattern, **fields: Any) -> Route:
        """Answer HEAD on ``url`` with a :class:`MockResponse` of ``fields``."""
        return self.add("HEAD", url, **fields)

    def connector(self, **kwargs: Any) -> MockConnector:
        """A new connector answering from this router (``kwargs`` go to :class:`BaseConnector`)."""
        return MockConnector(self, **kwargs)

    async def answer(self, request: MockRequest) -> MockResponse:
        """The response of the first route that matches ``request``."""
        self.calls.append(request)
        for route in self.routes:
            if route.matches(request):
                route.calls.append(request)
                result = route.handler(request)
                if inspect.isawaitable(result):
                    result = await result
                if not isinstance(result, MockResponse):
                    raise TypeError(
                        f"a mock handler must return MockResponse, not {type(result).__name__!r}"
                    )
                return result
        return MockResponse(
            exception=ClientConnectionError(f"No mock route matches {request.method} {request.url}")
        )


class _InMemoryTransport(asyncio.Transport):
    """The client's side of an in-memory connection; the mocked server lives behind it."""

    def __init__(self, protocol: Any, router: MockRouter, scheme: str, authority: str) -> None:
        super().__init__({"peername": (authority, 0), "sockname": ("mock", 0)})
        self._protocol = protocol
        self._router = router
        self._scheme = scheme
        self._authority = authority
        self._parser = RequestParser()
        self._loop = asyncio.get_running_loop()
        self._closing = False
        self._paused = False
        self._outbox: list[bytes] = []
        self._head: Request | None = None
        self._body = bytearray()
        self._tasks: set[asyncio.Task[None]] = set()
        self._eof_after_flush = False

    # -- what the client calls

    def get_protocol(self) -> Any:
        return self._protocol

    def set_protocol(self, protocol: Any) -> None:
        self._protocol = protocol

    def is_closing(self) -> bool:
        return self._closing

    def is_reading(self) -> bool:
        return not self._paused

    def pause_reading(self) -> None:
        self._paused = True

    def resume_reading(self) -> None:
        if self._paused:
            self._paused = False
            self._loop.call_soon(self._flush)

    def get_write_buffer_size(self) -> int:
        return 0

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass

    def can_write_eof(self) -> bool:
        return False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._closing:
            raise RuntimeError("write on a closed mock connection")
        try:
            events = self._parser.feed(bytes(data))
        except HttpParserError as exc:
            self._send(f"HTTP/1.1 400 Bad Request\r\nContent-Length: {len(str(exc))}\r\n\r\n")
            self._send(str(exc))
            self._finish()
            return
        for event in events:
            if isinstance(event, Request):
                self._head, self._body = event, bytearray()
            elif isinstance(event, Data):
                self._body += event.data
            elif isinstance(event, EndOfMessage):
                head = self._head
                assert head is not None
                task = self._loop.create_task(self._serve(head, bytes(self._body)))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        self._loop.call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()

    # -- the mocked server

    def _url(self, head: Request) -> URL:
        target = head.target
        if target.startswith(("http://", "https://")):
            return URL(target)
        return URL(f"{self._scheme}://{head.headers.get('Host', self._authority)}{target}")

    async def _serve(self, head: Request, body: bytes) -> None:
        request = MockRequest(head.method, self._url(head), head.headers, body, head.version)
        try:
            response = await self._router.answer(request)
        except Exception as exc:  # a failing handler fails the request that reached it
            if not self._closing:
                self._protocol.abort_exchange(exc)
            return
        if response.delay:
            await asyncio.sleep(response.delay)
        if self._closing:
            return
        if response.exception is not None:
            self._protocol.abort_exchange(response.exception)
            return
        if response.raw is not None:
            self._send(response.raw)
            self._finish()
            return
        await self._respond(head, response)

    async def _respond(self, head: Request, response: MockResponse) -> None:
        headers: CIMultiDict[str] = CIMultiDict(response.headers or {})
        if response.json is not None:
            data = jsonlib.dumps(response.json).encode()
            headers.setdefault("Content-Type", response.content_type or "application/json")
        else:
            text = response.body
            data = text.encode() if isinstance(text, str) else bytes(text)
            if isinstance(text, str):
                ctype = response.content_type or "text/plain; charset=utf-8"
                headers.setdefault("Content-Type", ctype)
            elif response.content_type is not None:
                headers.setdefault("Content-Type", response.content_type)
        reason = response.reason
        if reason is None:
            try:
                reason = HTTPStatus(response.status).phrase
            except ValueError:
                reason = ""
        no_body = head.method == "HEAD" or response.status in (204, 304)
        if response.chunks is not None:
            headers["Transfer-Encoding"] = "chunked"
            self._send(serialize_response_head(response.status, reason, headers))
            encoder = ChunkedEncoder()
            async for piece in _aiter(response.chunks):
                if self._closing:
                    return
                self._send(encoder.encode(piece))
                await asyncio.sleep(0)
            self._send(encoder.finish())
        else:
            if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
                headers["Content-Length"] = str(len(data))
            self._send(serialize_response_head(response.status, reason, headers))
            if not no_body:
                self._send(data)
        if not head.keep_alive or headers.get("Connection", "").lower() == "close":
            self._finish()

    def _send(self, data: bytes | str) -> None:
        self._outbox.append(data.encode("latin-1") if isinstance(data, str) else data)
        self._flush()

    def _flush(self) -> None:
        while self._outbox and not self._paused and not self._closing:
            self._protocol.data_received(self._outbox.pop(0))
        if self._outbox or self._paused:
            return
        if self._eof_after_flush:
            self._eof_after_flush = False
            self._protocol.eof_received()
            self.close()

    def _finish(self) -> None:
        """Close the server's side once everything sent has been delivered."""
        self._eof_after_flush = True
        self._flush()


async def _aiter(chunks: Iterable[bytes] | AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    if isinstance(chunks, AsyncIterable):
        async for piece in chunks:
            yield piece
    else:
        for piece in chunks:
            yield piece


class MockConnector(BaseConnector):
    """A connector whose connections are in memory and answered by a :class:`MockRouter`.

    Pooling, limits and keep-alive behave as with :class:`~httpwire.TCPConnector`; no socket,
    no DNS and no TLS are involved (``https`` URLs are answered the same way).
    """

    def __init__(self, router: MockRouter, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.router = router

    async def _create_connection(
        self, req: Any, traces: list[Any], timeout: Any
    ) -> ConnectionProtocol:
        protocol = self.protocol_factory()
        url: URL = req.url
        transport = _InMemoryTransport(protocol, self.router, url.scheme, url.raw_authority)
        protocol.connection_made(transport)
        result: ConnectionProtocol = protocol
        return result
