"""One connection's state after the handshake: reader, writer and the closing handshake, sans-IO.

House rules: what this side does on its own lives here (answer a Ping with a Pong when asked to,
answer a Close with a Close, send a Close carrying the error's code when the peer breaks the
protocol, RFC 6455 §5.5.1, §7.1). Frame rules stay in the reader and the writer.
"""

from __future__ import annotations

from enum import IntEnum

from ._deflate import DeflateParams
from ._frames import is_sendable_close_code
from ._models import WSCloseCode, WSMessage, WSMsgType
from ._reader import DEFAULT_MAX_MSG_SIZE, WebSocketReader
from ._writer import WebSocketWriter
from .exceptions import LocalProtocolError, ProtocolError

__all__ = ["WSState", "WebSocketProtocol"]


class WSState(IntEnum):
    """Where the closing handshake stands (RFC 6455 §7)."""

    OPEN = 1
    CLOSING = 2
    """This side sent a Close and waits for the peer's."""
    CLOSED = 3
    """Both Close frames were exchanged, the connection failed, or the bytes ended."""


class WebSocketProtocol:
    """A connection's frames in both directions, driven by the caller's transport.

    Feed received bytes to ``receive_data``, take messages from ``events_received`` and write
    ``data_to_send()`` to the transport after every call. The ``send_*`` methods, ``ping``,
    ``pong`` and ``close`` queue frames. Replies owed to the peer (a Close answering a Close, a
    Close failing the connection, a Pong when ``autoping`` is on) are queued by ``receive_data``.
    """

    __slots__ = (
        "_autoping",
        "_close_code",
        "_close_reason",
        "_events",
        "_exception",
        "_out",
        "_reader",
        "_state",
        "_writer",
    )

    def __init__(
        self,
        *,
        is_client: bool = True,
        deflate: DeflateParams | None = None,
        max_msg_size: int = DEFAULT_MAX_MSG_SIZE,
        compress_level: int | None = None,
        max_frame_size: int = 0,
        compress_threshold: int = 0,
        autoping: bool = True,
        decode_text: bool = True,
    ) -> None:
        self._reader = WebSocketReader(
            is_client=is_client, max_msg_size=max_msg_size, deflate=deflate, decode_text=decode_text
        )
        self._writer = WebSocketWriter(
            is_client=is_client,
            deflate=deflate,
            compress_level=compress_level,
            max_frame_size=max_frame_size,
            compress_threshold=compress_threshold,
        )
        self._autoping = autoping
        self._state = WSState.OPEN
        self._events: list[WSMessage] = []
        self._out: list[bytes | bytearray] = []
        self._close_code: int | None = None
        self._close_reason = ""
        self._exception: ProtocolError | None = None

    def __repr__(self) -> str:
        return f"<WebSocketProtocol {self._state.name} close_code={self._close_code}>"

    @property
    def state(self) -> WSState:
        """``OPEN``, ``CLOSING`` (our Close sent) or ``CLOSED``."""
        return self._state

    @property
    def close_code(self) -> int | None:
        """The peer's close code (0 if its Close had none), our error's code, 1006, or None."""
        return self._close_code

    @property
    def close_reason(self) -> str:
        """The reason text of the peer's Close frame, or ``""``."""
        return self._close_reason

    @property
    def exception(self) -> ProtocolError | None:
        """The protocol error that failed the connection, if any."""
        return self._exception

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Parse received bytes; messages go to ``events_received``, owed replies to the output."""
        if self._state is WSState.CLOSED:
            return
        for message in self._reader.feed(data):
            self._events.append(message)
            kind = message.type
            if kind is WSMsgType.PING:
                if self._autoping and self._state is WSState.OPEN:
                    self._out.append(self._writer.pong(message.data))
            elif kind is WSMsgType.CLOSE:
                self._close_code = message.data
                self._close_reason = message.extra or ""
                if self._state is WSState.OPEN:
                    # Echo the code as §5.5.1 suggests; a Close without one is answered likewise.
                    code = message.data if is_sendable_close_code(message.data) else None
                    self._out.append(self._writer.close(code))
                self._state = WSState.CLOSED
                return
            elif kind is WSMsgType.ERROR:
                self._fail(message.data)
                return

    def receive_eof(self) -> None:
        """The transport's bytes ended; an unfinished closing handshake ends as 1006."""
        if self._state is WSState.CLOSED:
            return
        self._events.extend(self._reader.feed_eof())
        if self._close_code is None:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
        self._state = WSState.CLOSED

    def _fail(self, exc: ProtocolError) -> None:
        self._exception = exc
        self._close_code = exc.code
        if self._state is WSState.OPEN and is_sendable_close_code(exc.code):
            self._out.append(self._writer.close(exc.code))
        self._state = WSState.CLOSED

    def events_received(self) -> list[WSMessage]:
        """The messages parsed since the last call, in order (PING, PONG and CLOSE included)."""
        events, self._events = self._events, []
        return events

    def data_to_send(self) -> bytes | bytearray:
        """The bytes queued since the last call, to write to the transport as they are.

        A single large client frame comes back as the ``bytearray`` it was masked in, uncopied.
        """
        if not self._out:
            return b""
        out = self._out
        self._out = []
        return out[0] if len(out) == 1 else b"".join(out)

    def close_expected(self) -> bool:
        """Whether the caller may now close the transport: the closing handshake is over."""
        return self._state is WSState.CLOSED

    def _check_open(self) -> None:
        if self._state is not WSState.OPEN:
            raise LocalProtocolError(f"Cannot send on a {self._state.name.lower()} WebSocket")

    def send_str(self, data: str, *, compress: int | None = None) -> None:
        """Queue a TEXT message (``compress`` overrides the level for this one; 0 = plain)."""
        self._check_open()
        self._out.append(self._writer.text(data, compress=compress))

    def send_bytes(
        self, data: bytes | bytearray | memoryview, *, compress: int | None = None
    ) -> None:
        """Queue a BINARY message."""
        self._check_open()
        self._out.append(self._writer.binary(data, compress=compress))

    def send_frame(
        self, data: bytes | bytearray | memoryview, opcode: int, *, compress: int | None = None
    ) -> None:
        """Queue one message with any data or control opcode, like aiohttp's ``send_frame``."""
        if opcode == WSMsgType.CLOSE:
            raise LocalProtocolError("Use close() to send a Close frame")
        self._check_open()
        self._out.append(self._writer.message(opcode, data, compress=compress))

    def ping(self, data: bytes | str = b"") -> None:
        """Queue a PING."""
        self._check_open()
        self._out.append(self._writer.ping(data))

    def pong(self, data: bytes | str = b"") -> None:
        """Queue a PONG."""
        self._check_open()
        self._out.append(self._writer.pong(data))

    def close(self, code: int = WSCloseCode.OK, message: bytes | str = b"") -> None:
        """Start the closing handshake; once it has started (by either side) this does nothing."""
        if self._state is not WSState.OPEN:
            return
        self._out.append(self._writer.close(code, message))
        self._state = WSState.CLOSING
