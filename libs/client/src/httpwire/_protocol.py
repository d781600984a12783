"""``ResponseHandler``: the asyncio protocol of every client connection.

It owns the connection's :class:`~httpwire_parser.ResponseParser`: bytes from the server go in,
the response head is handed to the waiting request and body pieces to the response's
:class:`~httpwire.streams.StreamReader`. It tells the pool whether the connection can be reused
(``should_close``), pauses the transport when the body reader falls behind, enforces the
``sock_read`` timeout and turns parser and connection faults into the client's exceptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable
from typing import Any, Protocol

from httpwire_parser import (
    Data,
    EndOfMessage,
    HttpParserError,
    InformationalResponse,
    Response,
    ResponseParser,
    Upgraded,
)

from ._helpers import DEFAULT_READ_BUFSIZE
from .exceptions import (
    ClientConnectionResetError,
    ClientOSError,
    ClientPayloadError,
    PayloadConnectionClosedError,
    ServerDisconnectedError,
    SocketTimeoutError,
)
from .streams import EMPTY_PAYLOAD, EmptyStreamReader, StreamReader, TimerLike

__all__: list[str] = []

_NO_BODY_STATUSES = frozenset({101, 204, 304})


class UpgradeReceiver(Protocol):
    """Takes a connection's bytes after a protocol switch (101), e.g. the WebSocket client."""

    def data_received(self, data: bytes) -> None:
        """Bytes from the server, in order (the tail after the 101 head first)."""

    def connection_lost(self, exc: BaseException | None) -> None:
        """The transport closed; ``exc`` is the OS error, if any."""


class _UpgradedPayload(EmptyStreamReader):
    """The (empty) body of a 101 response: it never reports its end.

    A response calls back on the end of its body to give the connection back to the pool; after
    a protocol switch the connection belongs to the response (and to whoever takes it over) until
    it is released or closed, which closes it, as an upgraded connection is never reused.
    """

    __slots__ = ()

    def on_eof(self, callback: Callable[[], None]) -> None:
        """The connection is not done with: never call ``callback``."""

    def feed_eof(self) -> None:
        """Nothing to end."""


_UPGRADED_PAYLOAD = _UpgradedPayload()


class ResponseParseError(Exception):
    """The response head could not be parsed; the session turns it into a ClientResponseError."""

    def __init__(self, error: HttpParserError) -> None:
        super().__init__(str(error))
        self.error = error


class ResponseHandler(asyncio.Protocol):
    """One client connection: parses responses and feeds their bodies, one exchange at a time.

    The session calls :meth:`expect_response` before writing a request and awaits the future it
    returns for ``(head, body stream)``. The connection may go back to the pool (``should_close``
    false) only once the body ended, both sides allow keep-alive and nothing is left over.
    """

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self._parser: ResponseParser | None = None
        self._parser_key: tuple[int, int, int, bool] | None = None
        self._head_waiter: asyncio.Future[tuple[Response, StreamReader]] | None = None
        self._continue_waiter: asyncio.Future[bool] | None = None
        self._payload: StreamReader | None = None
        self._method = "GET"
        self._read_until_eof = True
        self._read_bufsize = DEFAULT_READ_BUFSIZE
        self._timer: TimerLike | None = None
        self._in_exchange = False
        self._discard_body = False
        self._count_encoded = False
        self._should_close = False
        self._exception: BaseException | None = None
        self._upgraded = False
        self.upgrade_tail = b""
        self._upgrade_receiver: UpgradeReceiver | None = None
        self._tail_paused = False
        self.got_bytes = False
        self.reading_paused = False
        self.writing_paused = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self._eof_pending = False
        self._lost_exc: BaseException | None = None
        self._closed_here = False
        self._read_timeout: float | None = None
        self._read_handle: asyncio.TimerHandle | None = None
        self._last_read = 0.0

    # ------------------------------------------------------------- pool contract

    @property
    def should_close(self) -> bool:
        """Whether the connection must be closed rather than pooled when released."""
        transport = self.transport
        return (
            self._should_close
            or self._in_exchange
            or self._upgraded
            or self._exception is not None
            or transport is None
            or transport.is_closing()
            or (self._parser is not None and self._parser.buffered > 0)
        )

    def is_connected(self) -> bool:
        """Whether the transport is open."""
        return self.transport is not None and not self.transport.is_closing()

    def force_close(self) -> None:
        """Never reuse this connection."""
        self._should_close = True

    def close(self) -> None:
        """Close the transport; a pending exchange fails with a disconnection error."""
        self._should_close = True
        self._closed_here = True
        transport = self.transport
        if transport is not None:
            transport.close()

    @property
    def upgraded(self) -> bool:
        """Whether the connection switched protocols (101, or a CONNECT tunnel)."""
        return self._upgraded

    def attach_upgrade_receiver(self, receiver: UpgradeReceiver) -> None:
        """After a 101: send every byte from now on (the buffered tail first) to ``receiver``.

        If the connection was already lost, ``receiver`` hears of it at once.
        """
        if not self._upgraded:
            raise RuntimeError("The connection did not switch protocols")
        self._upgrade_receiver = receiver
        tail, self.upgrade_tail = self.upgrade_tail, b""
        if self._tail_paused:
            # Resumed before the tail goes out, so a receiver that pauses on it stays paused.
            self._tail_paused = False
            self.resume_reading()
        if tail:
            receiver.data_received(tail)
        if self.transport is None:
            receiver.connection_lost(self._lost_exc)

    # ------------------------------------------------------------ the exchange

    def expect_response(
        self,
        method: str,
        *,
        read_until_eof: bool = True,
        auto_decompress: bool = True,
        read_bufsize: int = DEFAULT_READ_BUFSIZE,
        timer: TimerLike | None = None,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        expect_continue: bool = False,
    ) -> asyncio.Future[tuple[Response, StreamReader]]:
        """Get ready for the response to a request about to be written; returns its head future.

        The future gets ``(head, body)`` once the final head arrived, or the exception that
        prevented it (:class:`ResponseParseError` for a malformed head).
        """
        if self._exception is not None:
            raise self._exception
        key = (max_line_size, max_field_size, max_headers, auto_decompress)
        if self._parser is None or key != self._parser_key:
            self._parser = ResponseParser(
                max_line_size=max_line_size,
                max_field_size=max_field_size,
                max_headers=max_headers,
                auto_decompress=auto_decompress,
                max_decompressed_size=None,
                lenient=True,  # RFC 9112 §2.2 and §5.2: what a user agent may accept
            )
            self._parser_key = key
        self._parser.expect(method)
        self._method = method
        self._read_until_eof = read_until_eof
        self._read_bufsize = read_bufsize
        self._timer = timer
        self._in_exchange = True
        self._discard_body = False
        self._count_encoded = False
        self.got_bytes = False
        waiter: asyncio.Future[tuple[Response, StreamReader]] = self._loop.create_future()
        self._head_waiter = waiter
        if expect_continue:
            self._continue_waiter = self._loop.create_future()
        return waiter

    @property
    def continue_waiter(self) -> asyncio.Future[bool] | None:
        """Resolves True on ``100 Continue``, False when a final status came instead."""
        return self._continue_waiter

    def end_tunnel_setup(self) -> bool:
        """The proxy accepted ``CONNECT``: the connection now carries the target's exchanges.

        False when the proxy sent bytes after its answer, before TLS could start: the
        connection is then unusable.
        """
        if self.upgrade_tail:
            return False
        self._upgraded = False
        self._in_exchange = False
        self._should_close = False  # the proxy's framing of its answer says nothing of the tunnel
        self._payload = None
        self._parser = None
        self._drop_read_timer()
        return True

    # ------------------------------------------------------------------ asyncio

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the transport (and set TCP_NODELAY where it applies)."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):  # a socket_factory's exotic socket
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        """Parse ``data`` and deliver what it completes."""
        if self._upgraded:
            receiver = self._upgrade_receiver
            if receiver is not None:
                receiver.data_received(data)
            else:
                # Nothing reads the new protocol yet (the caller may still be awaiting trace
                # callbacks): hold at most about ``read_bufsize`` before pausing the socket.
                self.upgrade_tail += data
                self._bound_tail()
            return
        self.got_bytes = True
        if self._read_timeout is not None:
            self._last_read = self._loop.time()
        parser = self._parser
        if parser is None or not self._in_exchange:
            # The server spoke out of turn: this connection's state is unknown, never reuse it.
            self._should_close = True
            return
        try:
            events = parser.feed(data)
        except HttpParserError as exc:
            self._parse_failed(exc)
            return
        self._deliver(events)
        if parser.pending:
            self._pull()

    def eof_received(self) -> bool | None:
        """The server closed its side; the transport closes and connection_lost follows."""
        self._should_close = True
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        """End the exchange: a close-delimited body ends here, anything else is an error."""
        self.transport = None
        self._should_close = True
        self._drop_read_timer()
        drain = self._drain_waiter
        if drain is not None:
            self._drain_waiter = None
            if not drain.done():
                drain.set_exception(ClientConnectionResetError("Connection lost"))
        if self._upgraded:
            self._lost_exc = exc
            receiver = self._upgrade_receiver
            if receiver is not None:
                receiver.connection_lost(exc)
            return
        if not self._in_exchange:
            return
        parser = self._parser
        if parser is not None and parser.pending:
            # Decoded body is still held back for a slow reader: end once it is drained.
            self._eof_pending = True
            self._lost_exc = exc
            return
        self._finish_on_eof(exc)

    def _finish_on_eof(self, exc: BaseException | None) -> None:
        parser = self._parser
        if parser is not None and self._in_exchange:
            try:
                events = parser.feed_eof()
            except HttpParserError as perr:
                self._deliver(list(perr.events))
                self._eof_error(perr, exc)
                return
            self._deliver(events)
        if self._in_exchange:
            self._eof_error(None, exc)

    def _eof_error(self, perr: HttpParserError | None, exc: BaseException | None) -> None:
        """The connection ended before the response did."""
        if self._head_waiter is not None:
            if exc is None:
                error: BaseException = ServerDisconnectedError(
                    "Server disconnected before the response head was complete"
                    if self.got_bytes
                    else "Server disconnected"
                )
            elif isinstance(exc, OSError):
                error = ClientOSError(*exc.args)
            else:
                error = ServerDisconnectedError(f"Server disconnected: {exc!r}")
            self._fail(error, exc or perr)
            return
        # The parser's words without its stream offset: the byte counts say more here.
        detail = perr.message if perr is not None else "the connection closed"
        if exc is not None:
            detail += f" ({exc!r})"
        elif self._closed_here:
            # Closed on this side (the session or its connector closed): aiohttp's words.
            self._fail(
                PayloadConnectionClosedError(
                    "Connection closed. It was closed on this side before the body was read "
                    f"whole: {detail}"
                ),
                perr,
            )
            return
        self._fail(ClientPayloadError(f"Response payload is not completed: {detail}"), perr or exc)

    def pause_writing(self) -> None:
        """asyncio: the transport's write buffer is full."""
        self.writing_paused = True

    def resume_writing(self) -> None:
        """asyncio: the write buffer drained; wake the writer."""
        self.writing_paused = False
        waiter = self._drain_waiter
        if waiter is not None:
            self._drain_waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def drain(self) -> None:
        """Wait until the transport can take more data."""
        if self.transport is None:
            raise ClientConnectionResetError("Connection lost")
        if not self.writing_paused:
            return
        waiter = self._drain_waiter
        if waiter is None:
            waiter = self._drain_waiter = self._loop.create_future()
        await asyncio.shield(waiter)

    # ------------------------------------------------------------ flow control

    def pause_reading(self) -> None:
        """The body reader is full: stop reading from the socket."""
        if self.reading_paused:
            return
        self.reading_paused = True
        transport = self.transport
        if transport is not None:
            with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
                transport.pause_reading()

    def resume_reading(self) -> None:
        """The body reader drained: deliver held-back output, then read from the socket again."""
        if not self.reading_paused:
            return
        self.reading_paused = False
        parser = self._parser
        if parser is not None and parser.pending:
            self._pull()
            if self.reading_paused:
                return
        if self._eof_pending:
            self._eof_pending = False
            self._finish_on_eof(self._lost_exc)
            return
        transport = self.transport
        if transport is not None:
            if self._read_timeout is not None:
                self._last_read = self._loop.time()
            with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
                transport.resume_reading()

    def _pull(self) -> None:
        """Take the output the parser held back, while the reader has room for it."""
        parser = self._parser
        assert parser is not None
        while parser.pending and not self.reading_paused and self._in_exchange:
            try:
                events = parser.feed(b"")
            except HttpParserError as exc:
                self._parse_failed(exc)
                return
            self._deliver(events)
        if parser.pending and not self.reading_paused:
            return
        if self._eof_pending and not parser.pending and not self.reading_paused:
            self._eof_pending = False
            self._finish_on_eof(self._lost_exc)

    # ------------------------------------------------------------------ events

    def _deliver(self, events: list[Any]) -> None:
        for event in events:
            kind = type(event)
            if kind is Data:
                if self._discard_body:
                    continue
                payload = self._payload
                if payload is not None:
                    if self._count_encoded and self._parser is not None:
                        payload.total_compressed_bytes = self._parser.encoded_body_bytes
                    payload.feed_data(event.data)
                    if event.chunk_end:
                        payload.begin_http_chunk_receiving()  # a no-op after the first chunk
                        payload.end_http_chunk_receiving()
            elif kind is Response:
                self._on_head(event)
            elif kind is EndOfMessage:
                self._on_end()
            elif kind is InformationalResponse:
                waiter = self._continue_waiter
                if event.status == 100 and waiter is not None and not waiter.done():
                    waiter.set_result(True)
            elif kind is Upgraded:
                self._upgraded = True
                self.upgrade_tail = event.tail
                self._bound_tail()

    def _bound_tail(self) -> None:
        """Pause the socket once ``read_bufsize`` bytes wait for the new protocol's reader."""
        if len(self.upgrade_tail) >= self._read_bufsize and not self.reading_paused:
            self._tail_paused = True
            self.pause_reading()

    def _on_head(self, head: Response) -> None:
        waiter = self._head_waiter
        self._head_waiter = None
        cont = self._continue_waiter
        if cont is not None and not cont.done():
            cont.set_result(False)
        if not head.keep_alive:
            self._should_close = True
        status = head.status
        payload: StreamReader
        count = False
        if head.upgrade and status == 101:
            payload = _UPGRADED_PAYLOAD
        elif self._method == "HEAD" or status in _NO_BODY_STATUSES or head.upgrade:
            payload = EMPTY_PAYLOAD
        elif head.content_length is None and not head.chunked and not self._read_until_eof:
            # No framing and the caller will not read to the close: the body counts as empty.
            payload = EMPTY_PAYLOAD
            self._discard_body = True
            self._should_close = True
        elif head.content_length == 0:
            payload = EMPTY_PAYLOAD
        else:
            payload = StreamReader(self, self._read_bufsize, timer=self._timer, loop=self._loop)
            parser = self._parser
            if parser is not None and parser.encoded_body_bytes is not None:
                # The parser undoes a content coding: count the body as it came, too.
                payload.total_compressed_bytes = 0
                count = True
        self._payload = payload
        self._count_encoded = count
        if head.upgrade:
            self._drop_read_timer()
        if waiter is not None and not waiter.done():
            waiter.set_result((head, payload))

    def _on_end(self) -> None:
        payload = self._payload
        self._payload = None
        self._in_exchange = False
        self._drop_read_timer()
        if self._discard_body:
            self._discard_body = False
        if (
            payload is not None
            and payload is not EMPTY_PAYLOAD
            and payload is not _UPGRADED_PAYLOAD
        ):
            payload.feed_eof()

    def _parse_failed(self, exc: HttpParserError) -> None:
        self._deliver(list(exc.events))
        if self._head_waiter is not None:
            self._fail(ResponseParseError(exc), exc)
        else:
            self._fail(ClientPayloadError(f"Response payload is not completed: {exc}"), exc)
        self.close()

    def _fail(self, error: BaseException, cause: BaseException | None) -> None:
        """Fail the pending head or body with ``error``; the connection is not reusable."""
        if cause is not None and error.__cause__ is None and error is not cause:
            error.__cause__ = cause
        self._exception = error
        self._should_close = True
        self._in_exchange = False
        self._drop_read_timer()
        waiter = self._head_waiter
        if waiter is not None:
            self._head_waiter = None
            if not waiter.done():
                waiter.set_exception(error)
        cont = self._continue_waiter
        if cont is not None and not cont.done():
            cont.set_result(False)
        payload = self._payload
        self._payload = None
        # A body the response already gave up on (released or closed) keeps that error.
        if payload is not None and payload is not EMPTY_PAYLOAD and payload.exception() is None:
            payload.set_exception(error)

    def abort_exchange(self, exc: BaseException) -> None:
        """The request side failed (writing the body, a timeout): fail what waits, close."""
        if self._in_exchange:
            self._fail(exc, None)
        self.close()

    # ----------------------------------------------------------- read timeout

    def start_read_timeout(self, timeout: float | None) -> None:
        """The request is written: from now on, ``timeout`` seconds without a byte is an error.

        A reader that pauses the stream is not a stalled server, so the clock only runs while
        reading is not paused. ``None`` or ``0`` means no read timeout.
        """
        self._drop_read_timer()
        if not timeout or not self._in_exchange:
            return
        self._read_timeout = timeout
        self._last_read = self._loop.time()
        self._read_handle = self._loop.call_at(self._last_read + timeout, self._on_read_timeout)

    def _drop_read_timer(self) -> None:
        handle = self._read_handle
        if handle is not None:
            self._read_handle = None
            handle.cancel()
        self._read_timeout = None

    def _on_read_timeout(self) -> None:
        self._read_handle = None
        timeout = self._read_timeout
        if timeout is None or not self._in_exchange:
            return
        now = self._loop.time()
        if self.reading_paused:
            # A reader that stopped reading is not a stalled server.
            self._last_read = now
        due = self._last_read + timeout
        if due > now:
            self._read_handle = self._loop.call_at(due, self._on_read_timeout)
            return
        self._fail(SocketTimeoutError("Timeout on reading data from socket"), None)
        self.close()
