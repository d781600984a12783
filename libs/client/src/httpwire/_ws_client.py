"""The WebSocket client: ``ClientWebSocketResponse``, ``ClientWSTimeout`` and their plumbing.

:meth:`ClientSession.ws_connect <httpwire.ClientSession.ws_connect>` does the opening handshake
through the session's request path and hands the upgraded connection to a
:class:`ClientWebSocketResponse`. From then on the connection's bytes go straight from the
protocol's ``data_received`` into a :class:`~httpwire_websocket.WebSocketReader` and the parsed
messages into a queue that :meth:`~ClientWebSocketResponse.receive` reads: no task per message.
Frames are built by a :class:`~httpwire_websocket.WebSocketWriter` and written at once.
The behaviour (return values, close codes, errors) follows aiohttp's ``client_ws`` module.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from httpwire_websocket import (
    WebSocketError,
    WebSocketReader,
    WebSocketWriter,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)

from ._protocol import ResponseHandler
from ._request_cm import _BaseRequestContextManager
from .exceptions import ClientConnectionResetError, ServerTimeoutError
from .streams import EofStream

if TYPE_CHECKING:
    from ._reqrep import ClientResponse

__all__ = [
    "ClientWSTimeout",
    "ClientWebSocketResponse",
    "WSMessageTypeError",
]

_new = tuple.__new__
WS_CLOSED_MESSAGE: Final[WSMessage] = _new(WSMessage, (WSMsgType.CLOSED, None, None))
WS_CLOSING_MESSAGE: Final[WSMessage] = _new(WSMessage, (WSMsgType.CLOSING, None, None))
_INTERNAL_RECEIVE_TYPES: Final = frozenset(
    (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.PING, WSMsgType.PONG)
)
_PING: Final = WSMsgType.PING
_PONG: Final = WSMsgType.PONG
_ERROR: Final = WSMsgType.ERROR
#: Bytes of queued messages above which the socket stops being read (aiohttp's 2 x 64 KiB).
_QUEUE_LIMIT: Final = 2 * 2**16
#: What each queued message counts for besides its data, so tiny messages cannot pile up unseen.
_MSG_OVERHEAD: Final = 128
_CLOSING_TRANSPORT: Final = "Cannot write to closing transport"


@dataclasses.dataclass(frozen=True, slots=True)
class ClientWSTimeout:
    """Timeouts of a WebSocket client in seconds (``None``: no limit), as aiohttp defines them.

    ``ws_receive`` bounds each :meth:`~ClientWebSocketResponse.receive` (it raises
    :class:`asyncio.TimeoutError`); ``ws_close`` bounds the wait for the server's Close frame
    once :meth:`~ClientWebSocketResponse.close` sent ours.
    """

    ws_receive: float | None = None
    ws_close: float | None = None

    def __post_init__(self) -> None:
        for field in ("ws_receive", "ws_close"):
            value = getattr(self, field)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"ClientWSTimeout.{field} must be a number or None, got {value!r}")
            if value < 0:
                raise ValueError(f"ClientWSTimeout.{field} must not be negative, got {value!r}")


#: What ``ws_connect`` uses without ``timeout``: no receive limit, ten seconds to close.
DEFAULT_WS_CLIENT_TIMEOUT: Final = ClientWSTimeout(ws_receive=None, ws_close=10.0)


class WSMessageTypeError(TypeError):
    """``receive_str``/``receive_bytes``/``receive_json`` got a message of another type."""


class _ReadTaken(Exception):
    """A woken ``_MessageQueue.read()`` found the queue emptied by another reader."""


def _as_plain_error(error: Any) -> Any:
    """Turn a parser error into a plain :class:`WebSocketError` with the same code and message.

    aiohttp puts an exact ``WebSocketError`` in ``msg.data`` of an ERROR message (its tests check
    ``type(msg.data) is WebSocketError``); the sans-IO reader raises subclasses
    (``ProtocolError``, ``MessageTooBigError``...), which stay reachable as ``__cause__``.
    """
    if not isinstance(error, WebSocketError) or type(error) is WebSocketError:
        return error
    plain = WebSocketError(error.code, error.message)
    plain.__cause__ = error
    return plain


class _MessageQueue:
    """Parses an upgraded connection's bytes and queues the messages for ``receive()``.

    It is the connection protocol's upgrade receiver, so parsing happens in ``data_received``.
    With ``autoping`` a PING is answered there and then (through ``on_ping``) and PING/PONG
    are not queued. The socket is paused while more than ``limit`` bytes wait in the queue.
    """

    __slots__ = (
        "_autoping",
        "_buffer",
        "_eof",
        "_failed",
        "_handler",
        "_limit",
        "_loop",
        "_on_data",
        "_on_ping",
        "_parser",
        "_size",
        "_waiter",
    )

    def __init__(
        self,
        handler: ResponseHandler,
        parser: WebSocketReader,
        loop: asyncio.AbstractEventLoop,
        *,
        autoping: bool,
        on_ping: Callable[[bytes], None],
        limit: int = _QUEUE_LIMIT,
    ) -> None:
        self._handler = handler
        self._parser = parser
        self._loop = loop
        self._autoping = autoping
        self._on_ping = on_ping
        self._on_data: Callable[[], None] | None = None
        self._limit = limit
        self._buffer: deque[tuple[WSMessage, int]] = deque()
        self._size = 0
        self._eof = False
        self._failed = False
        self._waiter: asyncio.Future[None] | None = None

    def set_data_callback(self, callback: Callable[[], None] | None) -> None:
        """Call ``callback()`` whenever bytes arrive (the heartbeat resets on any data)."""
        self._on_data = callback

    # --------------------------------------------------------- upgrade receiver

    def data_received(self, data: bytes) -> None:
        """Parse ``data``; queue what it completes, answering PINGs first when autoping is on."""
        on_data = self._on_data
        if on_data is not None:
            on_data()
        if self._failed or self._eof:
            return
        for message in self._parser.feed(data):
            kind = message.type
            if self._autoping and (kind is _PING or kind is _PONG):
                if kind is _PING:
                    self._on_ping(message.data)
                continue
            if kind is _ERROR:
                # The reader parses nothing after a violation: stop feeding it.
                self._failed = True
                message = _new(WSMessage, (_ERROR, _as_plain_error(message.data), None))
            self.feed(message)

    def connection_lost(self, exc: BaseException | None) -> None:
        """The bytes ended: once the queued messages are read, ``read()`` raises EofStream.

        A message cut short is dropped without an ERROR: as in aiohttp, a lost connection
        reads as CLOSED with close code 1006 whatever it was in the middle of.
        """
        self._eof = True
        self._wake()

    # ------------------------------------------------------------------- queue

    def feed(self, message: WSMessage) -> None:
        """Queue ``message`` for ``read()`` (also used for the CLOSING and heartbeat markers)."""
        data = message.data
        size = (len(data) if isinstance(data, (str, bytes)) else 0) + _MSG_OVERHEAD
        self._size += size
        self._buffer.append((message, size))
        waiter = self._waiter
        handed_over = waiter is not None and not waiter.done() and len(self._buffer) == 1
        self._wake()
        # A message alone in the queue with a reader waiting for it is taken before the socket
        # is read again (the woken reader is scheduled first): pausing would only resume at once.
        if self._size > self._limit and not handed_over and not self._handler.reading_paused:
            self._handler.pause_reading()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def read(self) -> WSMessage:
        """The next message; raises :class:`~httpwire.EofStream` once the bytes ended.

        A reader woken for a message that another reader took first (``close()`` in another
        task reads the queue for the server's Close while ``receive()`` is still waking up)
        gets :class:`_ReadTaken` instead of waiting again: two waiting readers would leave one
        of them unwoken, and the messages belong to ``close()`` from then on.
        """
        if not self._buffer:
            if self._eof:
                raise EofStream
            waiter = self._waiter = self._loop.create_future()
            try:
                await waiter
            finally:
                if self._waiter is waiter:
                    self._waiter = None
            if not self._buffer:
                if self._eof:
                    raise EofStream
                raise _ReadTaken
        message, size = self._buffer.popleft()
        self._size -= size
        if self._size < self._limit and self._handler.reading_paused:
            self._handler.resume_reading()
        return message


#: Whether TEXT messages arrive decoded (``ws_connect(decode_text=...)``): aiohttp 3.14 makes the
#: class generic in it, so annotations such as ``ClientWebSocketResponse[bool]`` work here too.
_DecodeText = TypeVar("_DecodeText", bound=bool, covariant=True)


class ClientWebSocketResponse(Generic[_DecodeText]):
    """A client WebSocket connection, made by :meth:`ClientSession.ws_connect`.

    Send with ``send_str``, ``send_bytes``, ``send_json`` or ``send_frame``; read with
    ``receive`` (or ``async for msg in ws``), which answers the server's Close when
    ``autoclose`` is on. ``close()`` runs the closing handshake and closes the connection,
    which is never given back to the pool.
    """

    def __init__(
        self,
        reader: WebSocketReader,
        writer: WebSocketWriter,
        protocol: str | None,
        response: ClientResponse,
        timeout: ClientWSTimeout,
        autoclose: bool,
        autoping: bool,
        loop: asyncio.AbstractEventLoop,
        *,
        heartbeat: float | None = None,
        compress: int = 0,
        client_notakeover: bool = False,
    ) -> None:
        conn = response.connection
        handler = conn.protocol if conn is not None else None
        if not isinstance(handler, ResponseHandler):
            raise ClientConnectionResetError("The connection closed during the handshake")
        self._response = response
        self._handler = handler
        self._writer = writer
        self._protocol = protocol
        self._timeout = timeout
        self._autoclose = autoclose
        self._autoping = autoping
        self._loop = loop
        self._compress = compress
        self._client_notakeover = client_notakeover
        self._closed = False
        self._closing = False
        self._close_code: int | None = None
        self._exception: BaseException | None = None
        self._waiting = False
        self._close_wait: asyncio.Future[None] | None = None
        self._heartbeat = heartbeat
        self._pong_heartbeat = heartbeat / 2.0 if heartbeat is not None else 0.0
        self._heartbeat_cb: asyncio.TimerHandle | None = None
        self._heartbeat_when = 0.0
        self._pong_response_cb: asyncio.TimerHandle | None = None
        self._reader = _MessageQueue(
            handler, reader, loop, autoping=autoping, on_ping=self._auto_pong
        )
        if heartbeat is not None:
            self._reader.set_data_callback(self._reset_heartbeat)
        self._reset_heartbeat()
        handler.attach_upgrade_receiver(self._reader)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "closing" if self._closing else "open"
        return f"<{type(self).__name__} {state} {self._response.url} close_code={self._close_code}>"

    # ------------------------------------------------------------------ heartbeat

    def _reset_heartbeat(self) -> None:
        """Data arrived (or the connection opened): the next PING is due ``heartbeat`` from now."""
        if self._heartbeat is None:
            return
        self._cancel_pong_response_cb()
        self._heartbeat_when = self._loop.time() + self._heartbeat
        if self._heartbeat_cb is None:
            # One timer, moved forward lazily: rescheduling on every chunk would churn the heap.
            self._heartbeat_cb = self._loop.call_at(self._heartbeat_when, self._send_heartbeat)

    def _send_heartbeat(self) -> None:
        self._heartbeat_cb = None
        now = self._loop.time()
        if self._handler.reading_paused:
            # Our reader is behind, not the server: its PONG could not be read. Wait.
            self._heartbeat_when = now + (self._heartbeat or 0.0)
        if now < self._heartbeat_when:
            self._heartbeat_cb = self._loop.call_at(self._heartbeat_when, self._send_heartbeat)
            return
        self._cancel_pong_response_cb()
        self._pong_response_cb = self._loop.call_at(
            now + self._pong_heartbeat, self._pong_not_received
        )
        try:
            self._write(self._writer.ping(b""))
        except Exception as exc:
            self._handle_ping_pong_exception(exc)

    def _pong_not_received(self) -> None:
        self._pong_response_cb = None
        if self._handler.reading_paused:
            # The PONG may be sitting unread behind the messages nobody consumes yet.
            self._reset_heartbeat()
            return
        self._handle_ping_pong_exception(
            ServerTimeoutError(f"No PONG received after {self._pong_heartbeat} seconds")
        )

    def _handle_ping_pong_exception(self, exc: BaseException) -> None:
        """The heartbeat failed: the connection is closed as 1006 and ``exc`` is the exception."""
        if self._closed:
            return
        self._set_closed()
        self._close_code = WSCloseCode.ABNORMAL_CLOSURE
        self._exception = exc
        self._response.close()
        if self._waiting and not self._closing:
            self._reader.feed(_new(WSMessage, (WSMsgType.ERROR, exc, None)))

    def _cancel_pong_response_cb(self) -> None:
        if self._pong_response_cb is not None:
            self._pong_response_cb.cancel()
            self._pong_response_cb = None

    def _cancel_heartbeat(self) -> None:
        self._cancel_pong_response_cb()
        if self._heartbeat_cb is not None:
            self._heartbeat_cb.cancel()
            self._heartbeat_cb = None
        self._reader.set_data_callback(None)

    def _set_closed(self) -> None:
        self._closed = True
        self._cancel_heartbeat()

    def _set_closing(self) -> None:
        self._closing = True
        self._cancel_heartbeat()

    # ---------------------------------------------------------------- properties

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called or the connection ended."""
        return self._closed

    @property
    def close_code(self) -> int | None:
        """The server's close code, ours, 1006 for an abnormal end, or ``None`` while open."""
        return self._close_code

    @property
    def protocol(self) -> str | None:
        """The subprotocol the server chose, or ``None``."""
        return self._protocol

    @property
    def compress(self) -> int:
        """The negotiated permessage-deflate window bits of our side, or 0 without compression."""
        return self._compress

    @property
    def client_notakeover(self) -> bool:
        """Whether the server asked us to compress each message without context takeover."""
        return self._client_notakeover

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """Extra information from the connection's transport (``peername``, ``sslcontext``...)."""
        conn = self._response.connection
        if conn is None:
            return default
        transport = conn.transport
        if transport is None:
            return default
        return transport.get_extra_info(name, default)

    def exception(self) -> BaseException | None:
        """The exception that ended the connection (heartbeat timeout, write failure), if any."""
        return self._exception

    # --------------------------------------------------------------------- sending

    def _write(self, frame: bytes | bytearray) -> None:
        transport = self._handler.transport
        if transport is None or transport.is_closing():
            raise ClientConnectionResetError(_CLOSING_TRANSPORT)
        transport.write(frame)

    def _check_writable(self, opcode: int) -> None:
        if opcode == WSMsgType.CLOSE:
            transport = self._handler.transport
            if transport is None or transport.is_closing():
                raise ClientConnectionResetError(_CLOSING_TRANSPORT)
        else:
            self._sending_transport()

    def _sending_transport(self) -> asyncio.Transport:
        """The transport a data or control message can go out on now; else the closing error."""
        transport = self._handler.transport
        if self._writer.closed or transport is None or transport.is_closing():
            raise ClientConnectionResetError(_CLOSING_TRANSPORT)
        return transport

    async def _drain(self) -> None:
        if self._handler.writing_paused:
            await self._handler.drain()

    def _auto_pong(self, payload: bytes) -> None:
        """Answer a PING as it arrives (autoping); a closing connection owes no PONG."""
        if self._writer.closed:
            return
        transport = self._handler.transport
        if transport is not None and not transport.is_closing():
            transport.write(self._writer.pong(payload))

    async def ping(self, message: bytes | str = b"") -> None:
        """Send a PING (``str`` goes as UTF-8; at most 125 bytes)."""
        self._check_writable(WSMsgType.PING)
        self._write(self._writer.ping(message))
        await self._drain()

    async def pong(self, message: bytes | str = b"") -> None:
        """Send an unsolicited PONG (``str`` goes as UTF-8; at most 125 bytes)."""
        self._check_writable(WSMsgType.PONG)
        self._write(self._writer.pong(message))
        await self._drain()

    async def send_frame(
        self, message: bytes, opcode: WSMsgType, compress: int | None = None
    ) -> None:
        """Send one message with any opcode and ``message`` as its payload."""
        _check_compress(compress)
        self._check_writable(opcode)
        self._write(self._writer.message(opcode, message))
        await self._drain()

    async def send_str(self, data: str, compress: int | None = None) -> None:
        """Send a TEXT message; ``TypeError`` unless ``data`` is a ``str``."""
        if not isinstance(data, str):
            raise TypeError(f"data argument must be str ({type(data)!r})")
        if compress is not None:
            _check_compress(compress)
        self._sending_transport().write(self._writer.text(data))
        # _drain inlined: no coroutine is made unless the transport paused.
        if self._handler.writing_paused:
            await self._handler.drain()

    async def send_bytes(
        self, data: bytes | bytearray | memoryview, compress: int | None = None
    ) -> None:
        """Send a BINARY message; ``TypeError`` unless ``data`` is bytes-like."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        if compress is not None:
            _check_compress(compress)
        self._sending_transport().write(self._writer.binary(data))
        if self._handler.writing_paused:
            await self._handler.drain()

    async def send_json(
        self,
        data: Any,
        compress: int | None = None,
        *,
        dumps: Callable[[Any], str] = json.dumps,
    ) -> None:
        """Send ``dumps(data)`` as a TEXT message."""
        await self.send_str(dumps(data), compress=compress)

    async def send_json_bytes(
        self,
        data: Any,
        compress: int | None = None,
        *,
        dumps: Callable[[Any], bytes],
    ) -> None:
        """Send ``dumps(data)`` as a BINARY message, for encoders that return bytes (orjson)."""
        await self.send_bytes(dumps(data), compress=compress)

    # --------------------------------------------------------------------- closing

    async def close(self, *, code: int = WSCloseCode.OK, message: bytes | str = b"") -> bool:
        """Send a Close frame, wait (up to ``ws_close``) for the server's, close the connection.

        Returns ``False`` if the WebSocket was already closed. A ``receive()`` waiting in
        another task is woken first and returns a CLOSING message, or CLOSED when a second
        ``close()`` started reading the server's answer before it woke up: once closing has
        started, ``receive()`` never hands out data that arrives afterwards, as in aiohttp.
        """
        if self._waiting and not self._closing:
            self._close_wait = self._loop.create_future()
            self._set_closing()
            self._reader.feed(WS_CLOSING_MESSAGE)
            await self._close_wait
        if self._closed:
            return False
        self._set_closed()
        try:
            self._check_writable(WSMsgType.CLOSE)
            self._write(self._writer.close(code, message))
        except Exception as exc:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
            self._exception = exc
            self._response.close()
            return True
        if self._close_code:
            self._response.close()
            return True
        while True:
            try:
                async with asyncio.timeout(self._timeout.ws_close):
                    msg = await self._reader.read()
            except asyncio.CancelledError:
                self._close_code = WSCloseCode.ABNORMAL_CLOSURE
                self._response.close()
                raise
            except Exception as exc:
                self._close_code = WSCloseCode.ABNORMAL_CLOSURE
                self._exception = exc
                self._response.close()
                return True
            if msg.type is WSMsgType.CLOSE:
                self._close_code = msg.data
                self._response.close()
                return True

    # ------------------------------------------------------------------- receiving

    async def receive(self, timeout: float | None = None) -> WSMessage:
        """The next data message (TEXT or BINARY), or CLOSE, CLOSING, CLOSED or ERROR.

        ``timeout`` (else ``ws_receive``) bounds the wait with :class:`asyncio.TimeoutError`.
        PING and PONG are handled here when autoping is on; a Close from the server is
        answered when autoclose is on; a frame breaking the protocol closes the connection with
        the matching code and comes back as an ERROR message carrying the error.
        """
        receive_timeout = timeout or self._timeout.ws_receive
        while True:
            if self._waiting:
                raise RuntimeError("Concurrent call to receive() is not allowed")
            if self._closed:
                return WS_CLOSED_MESSAGE
            if self._closing:
                await self.close()
                return WS_CLOSED_MESSAGE
            try:
                self._waiting = True
                try:
                    if receive_timeout:
                        async with asyncio.timeout(receive_timeout):
                            msg = await self._reader.read()
                    else:
                        msg = await self._reader.read()
                finally:
                    self._waiting = False
                    close_wait = self._close_wait
                    if close_wait is not None and not close_wait.done():
                        close_wait.set_result(None)
            except (asyncio.CancelledError, TimeoutError):
                self._close_code = WSCloseCode.ABNORMAL_CLOSURE
                raise
            except EofStream:
                self._close_code = WSCloseCode.OK
                await self.close()
                return _new(WSMessage, (WSMsgType.CLOSED, None, None))
            except _ReadTaken:
                # close() in another task started reading the server's answer while this task
                # was waking up: the connection is closing, whatever it still sends is close()'s.
                return WS_CLOSED_MESSAGE

            kind = msg.type
            if kind is _ERROR:
                error = msg.data
                if isinstance(error, WebSocketError) and not self._closed:
                    self._close_code = error.code
                    await self.close(code=error.code)
                return msg
            if kind not in _INTERNAL_RECEIVE_TYPES:
                return msg
            if kind is WSMsgType.CLOSE:
                self._set_closing()
                self._close_code = msg.data
                if not self._closed and self._autoclose:
                    await self.close()
            elif kind is WSMsgType.CLOSING:
                self._set_closing()
            return msg

    async def receive_str(self, *, timeout: float | None = None) -> str:
        """The next message, which must be TEXT (else :class:`WSMessageTypeError`)."""
        msg = await self.receive(timeout)
        if msg.type is not WSMsgType.TEXT:
            raise WSMessageTypeError(
                f"Received message {msg.type}:{msg.data!r} is not WSMsgType.TEXT"
            )
        data: str = msg.data
        return data

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:
        """The next message, which must be BINARY (else :class:`WSMessageTypeError`)."""
        msg = await self.receive(timeout)
        if msg.type is not WSMsgType.BINARY:
            raise WSMessageTypeError(
                f"Received message {msg.type}:{msg.data!r} is not WSMsgType.BINARY"
            )
        data: bytes = msg.data
        return data

    async def receive_json(
        self, *, loads: Callable[[Any], Any] = json.loads, timeout: float | None = None
    ) -> Any:
        """The next TEXT message decoded with ``loads``."""
        data = await self.receive_str(timeout=timeout)
        return loads(data)

    def __aiter__(self) -> ClientWebSocketResponse[_DecodeText]:
        return self

    async def __anext__(self) -> WSMessage:
        msg = await self.receive()
        if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
            raise StopAsyncIteration
        return msg

    async def __aenter__(self) -> ClientWebSocketResponse[_DecodeText]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()


def _check_compress(compress: int | None) -> None:
    """aiohttp's per-message ``compress`` is a window size; it is checked but not applied."""
    if compress is not None and (
        isinstance(compress, bool) or not isinstance(compress, int) or not 0 <= compress <= 15
    ):
        raise ValueError(f"compress must be None or from 0 to 15, got {compress!r}")


class _WSRequestContextManager(_BaseRequestContextManager[ClientWebSocketResponse[bool]]):
    """What ``ws_connect`` returns: await it, or ``async with`` it to close the WebSocket."""

    __slots__ = ()
