"""Incremental RFC 6455 reader: feed it bytes in any segmentation, get whole messages back.

House rules: every check on received frames lives here or in ``_frames`` (first-byte validity,
masking by role, control-frame limits, fragmentation order, ``max_msg_size`` before buffering and
after inflating, UTF-8 validity as the text arrives). A violation ends the stream with one ``ERROR``
message whose ``data`` is the ``ProtocolError``; nothing after it is parsed.
"""

from __future__ import annotations

import codecs
from typing import Final

from ._deflate import Decompressor, DeflateParams
from ._frames import UNPACK_Q, parse_close_payload
from ._mask import mask
from ._models import WSCloseCode, WSMessage, WSMsgType
from .exceptions import InvalidTextError, MessageTooBigError, ProtocolError

__all__ = ["DEFAULT_MAX_MSG_SIZE", "WebSocketReader"]

DEFAULT_MAX_MSG_SIZE: Final = 4 * 1024 * 1024
"""aiohttp's default ``max_msg_size``: 4 MiB."""

MSG_RESERVED_BITS: Final = "Received frame with non-zero reserved bits"
"""aiohttp's message for a frame with RSV1, RSV2 or RSV3 set that no extension allows."""

_new = tuple.__new__
_TEXT: Final = WSMsgType.TEXT
_BINARY: Final = WSMsgType.BINARY
_CLOSE: Final = WSMsgType.CLOSE
_PING: Final = WSMsgType.PING
_PONG: Final = WSMsgType.PONG
_ERROR: Final = WSMsgType.ERROR
_Utf8Decoder = codecs.getincrementaldecoder("utf-8")


def _valid_first_bytes(deflate: bool) -> frozenset[int]:
    """First header bytes (FIN, RSV1-3, opcode) a frame may start with."""
    valid: set[int] = set()
    for opcode in (0x0, 0x1, 0x2):
        valid.update((opcode, 0x80 | opcode))
        if deflate and opcode:
            valid.update((0x40 | opcode, 0xC0 | opcode))
    valid.update(0x80 | opcode for opcode in (0x8, 0x9, 0xA))
    return frozenset(valid)


_VALID_PLAIN: Final = _valid_first_bytes(False)
_VALID_DEFLATE: Final = _valid_first_bytes(True)


class WebSocketReader:
    """Turns received bytes into ``WSMessage`` objects; no I/O, one instance per connection.

    ``is_client=True`` reads a server's frames (which must be unmasked); ``False`` reads a client's
    (which must be masked). ``max_msg_size`` bounds each data message (0 means no limit): as in
    aiohttp, a message whose wire size reaches it is refused, and so is one that inflates past it.
    ``deflate`` enables permessage-deflate with the negotiated parameters. With
    ``decode_text=False`` TEXT messages keep their UTF-8 bytes (still validated).
    """

    __slots__ = (
        "_chunks",
        "_data_fin",
        "_decode_text",
        "_decoder",
        "_exc",
        "_expect_mask",
        "_frame_b0",
        "_frame_key",
        "_inflater",
        "_max",
        "_msg_op",
        "_msg_rsv1",
        "_msg_size",
        "_msg_wire",
        "_need",
        "_parts",
        "_tail",
        "_valid",
    )

    def __init__(
        self,
        *,
        is_client: bool = True,
        max_msg_size: int = DEFAULT_MAX_MSG_SIZE,
        deflate: DeflateParams | None = None,
        decode_text: bool = True,
    ) -> None:
        if max_msg_size < 0:
            raise ValueError(f"max_msg_size must be 0 (no limit) or positive, got {max_msg_size}")
        self._expect_mask = 0 if is_client else 0x80
        self._max = max_msg_size
        self._decode_text = decode_text
        self._valid = _VALID_DEFLATE if deflate is not None else _VALID_PLAIN
        self._inflater: Decompressor | None = None
        if deflate is not None:
            bits = deflate.server_max_window_bits if is_client else deflate.client_max_window_bits
            self._inflater = Decompressor(bits)
        self._exc: ProtocolError | None = None
        self._tail = b""
        self._need = 0
        self._chunks: list[bytes | memoryview] = []
        self._frame_b0 = 0
        self._frame_key = b""
        self._msg_op = 0
        self._data_fin = False
        self._msg_rsv1 = 0
        self._msg_wire = 0
        self._msg_size = 0
        self._parts: list[bytes] | list[str] = []
        self._decoder: codecs.IncrementalDecoder | None = None

    @property
    def exception(self) -> ProtocolError | None:
        """The error that ended the stream, or ``None`` while it is healthy."""
        return self._exc

    def feed(self, data: bytes | bytearray | memoryview) -> list[WSMessage]:
        """Consume ``data`` and return the messages it completed, in order.

        Control messages (PING, PONG, CLOSE) come out as soon as their frame is complete, also in
        the middle of a fragmented message. On a protocol violation the list ends with an ``ERROR``
        message carrying the ``ProtocolError``; feeding again then raises that error.
        """
        if self._exc is not None:
            raise self._exc
        if self._tail:
            data = self._tail + data
            self._tail = b""
        elif type(data) is not bytes:
            data = bytes(data)
        out: list[WSMessage] = []
        pos = 0
        end = len(data)
        try:
            while pos < end:
                if self._need:
                    need = self._need
                    if end - pos < need:
                        self._chunks.append(data[pos:])
                        self._need = need - (end - pos)
                        return out
                    self._chunks.append(data[pos : pos + need])
                    pos += need
                    self._need = 0
                    payload: bytes | bytearray = b"".join(self._chunks)
                    self._chunks = []
                    if self._frame_key:
                        payload = mask(self._frame_key, payload)
                    self._frame(self._frame_b0, payload, out)
                    continue
                if end - pos < 2:
                    break
                b0 = data[pos]
                b1 = data[pos + 1]
                if b0 not in self._valid:
                    self._reject_first_byte(b0)
                if b1 & 0x80 != self._expect_mask:
                    if self._expect_mask:
                        raise ProtocolError("Received an unmasked frame from a client")
                    raise ProtocolError("Received a masked frame from a server")
                length = b1 & 0x7F
                start = pos + 2
                if length > 125:
                    if b0 & 0x08:
                        raise ProtocolError("Control frame payload cannot be larger than 125 bytes")
                    if length == 126:
                        if end - start < 2:
                            break
                        length = (data[start] << 8) | data[start + 1]
                        start += 2
                    else:
                        if end - start < 8:
                            break
                        length = UNPACK_Q(data, start)[0]
                        start += 8
                        if length >> 63:
                            raise ProtocolError("Payload length with the most significant bit set")
                if self._expect_mask:
                    if end - start < 4:
                        break
                    key = data[start : start + 4]
                    start += 4
                else:
                    key = b""
                if self._max and not b0 & 0x08 and self._msg_wire + length >= self._max:
                    raise MessageTooBigError(self._msg_wire + length, self._max)
                pos = start
                if end - pos < length:
                    self._frame_b0 = b0
                    self._frame_key = key
                    # The frame's start: a view, not a copy; the join at its end copies once.
                    self._chunks.append(memoryview(data)[pos:] if end - pos > 512 else data[pos:])
                    self._need = length - (end - pos)
                    return out
                if not key:
                    payload = data[pos : pos + length]
                elif length > 512:
                    # Masking copies anyway; a view spares copying the payload out first.
                    payload = mask(key, memoryview(data)[pos : pos + length])
                else:
                    payload = mask(key, data[pos : pos + length])
                pos += length
                if self._msg_op or b0 & 0x3C != 0:
                    self._frame(b0, payload, out)
                elif b0 == 0xC1 or b0 == 0xC2:
                    # A compressed message in one frame (the first-byte table admits RSV1 only
                    # with permessage-deflate).
                    self._inflated(b0, payload, out)
                elif b0 == 0x81:
                    self._data_fin = True
                    try:
                        text = payload.decode("utf-8")
                    except UnicodeDecodeError:
                        raise InvalidTextError() from None
                    if self._decode_text:
                        out.append(_new(WSMessage, (_TEXT, text, "")))
                    else:
                        out.append(_new(WSMessage, (_TEXT, bytes(payload), "")))
                elif b0 == 0x82:
                    self._data_fin = True
                    if type(payload) is not bytes:
                        payload = bytes(payload)
                    out.append(_new(WSMessage, (_BINARY, payload, "")))
                else:
                    self._frame(b0, payload, out)
        except ProtocolError as exc:
            self._exc = exc
            out.append(_new(WSMessage, (_ERROR, exc, None)))
            return out
        if pos < end:
            self._tail = data[pos:]
        return out

    def feed_eof(self) -> list[WSMessage]:
        """Report the end of the byte stream: ``[]`` at a message boundary, else one ``ERROR``."""
        if self._exc is not None:
            return []
        if self._tail or self._need or self._msg_op:
            self._exc = ProtocolError(
                "Connection closed in the middle of a message", WSCloseCode.ABNORMAL_CLOSURE
            )
            return [_new(WSMessage, (_ERROR, self._exc, None))]
        return []

    def _reject_first_byte(self, b0: int) -> None:
        """Raise the error for a first header byte outside the valid table, in aiohttp's order.

        The reserved bits are checked first, then the opcode, then FIN on control frames, with
        aiohttp's wording, so ``str(error)`` reads the same as there. RSV1 is only valid on the
        first frame of a data message with permessage-deflate (RFC 7692 §6.1); aiohttp ignores
        it on control frames, here it fails the connection as the RFC requires.
        """
        opcode = b0 & 0x0F
        if b0 & 0x70 and (b0 & 0x30 or self._inflater is None or opcode == 0x0 or opcode >= 0x8):
            raise ProtocolError(MSG_RESERVED_BITS)
        if opcode not in (0x0, 0x1, 0x2, 0x8, 0x9, 0xA):
            raise ProtocolError(f"Unexpected opcode={opcode!r}")
        raise ProtocolError("Received fragmented control frame")

    def _inflated(self, b0: int, payload: bytes | bytearray, out: list[WSMessage]) -> None:
        """A compressed message in one frame: what ``_frame`` does for it, without its state."""
        self._data_fin = True
        inflater = self._inflater
        assert inflater is not None
        data = inflater.decompress(payload, 0, self._max, True)
        if b0 == 0xC1:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidTextError() from None
            inflater.end_message()
            out.append(_new(WSMessage, (_TEXT, text if self._decode_text else data, "")))
        else:
            inflater.end_message()
            out.append(_new(WSMessage, (_BINARY, data, "")))

    def _frame(self, b0: int, payload: bytes | bytearray, out: list[WSMessage]) -> None:
        """Handle one complete, unmasked frame."""
        opcode = b0 & 0x0F
        if opcode >= 0x8:
            if opcode == 0x8:
                if len(payload) == 1:
                    # aiohttp's wording, FIN included: that of the last data frame (False before
                    # any and inside a fragmented message), as aiohttp's reader reports it.
                    raise ProtocolError(
                        f"Invalid close frame: {self._data_fin} 8 {bytes(payload)!r}"
                    )
                code, reason = parse_close_payload(bytes(payload))
                out.append(_new(WSMessage, (_CLOSE, code, reason)))
            elif opcode == 0x9:
                out.append(_new(WSMessage, (_PING, bytes(payload), "")))
            else:
                out.append(_new(WSMessage, (_PONG, bytes(payload), "")))
            return
        fin = b0 & 0x80
        self._data_fin = bool(fin)
        if opcode:
            if self._msg_op:
                raise ProtocolError(
                    f"The opcode in non-fin frame is expected to be zero, got {opcode!r}"
                )
            self._msg_op = opcode
            self._msg_rsv1 = b0 & 0x40
            self._msg_wire = self._msg_size = 0
            self._parts = []
            self._decoder = _Utf8Decoder() if opcode == 0x1 else None
        elif not self._msg_op:
            raise ProtocolError("Continuation frame for non started message")
        self._msg_wire += len(payload)
        chunk = payload
        if self._msg_rsv1:
            assert self._inflater is not None  # the first-byte table admits RSV1 only with it
            chunk = self._inflater.decompress(chunk, self._msg_size, self._max, bool(fin))
        self._msg_size += len(chunk)
        decoder = self._decoder
        if decoder is not None:
            try:
                text = decoder.decode(chunk, bool(fin))
            except UnicodeDecodeError:
                raise InvalidTextError() from None
            if self._decode_text:
                self._parts.append(text)  # type: ignore[arg-type]
            else:
                self._parts.append(chunk)  # type: ignore[arg-type]
        else:
            self._parts.append(chunk)  # type: ignore[arg-type]
        if not fin:
            return
        msg_type = _TEXT if self._msg_op == 0x1 else _BINARY
        parts = self._parts
        data: str | bytes
        if decoder is not None and self._decode_text:
            data = "".join(parts)  # type: ignore[arg-type]
        else:
            data = bytes(parts[0]) if len(parts) == 1 else b"".join(parts)  # type: ignore[arg-type]
        if self._msg_rsv1:
            assert self._inflater is not None
            self._inflater.end_message()
        self._msg_op = 0
        self._msg_wire = self._msg_size = 0
        self._parts = []
        self._decoder = None
        out.append(_new(WSMessage, (msg_type, data, "")))
