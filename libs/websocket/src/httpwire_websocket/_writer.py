"""Frame writer: messages in, wire bytes out; no I/O, one instance per connection.

House rules: everything this side promises RFC 6455 about the frames it sends lives here (masking
with a fresh key per frame as a client, control payloads of at most 125 bytes, nothing after Close,
RSV1 only on the first frame of a compressed message).
"""

from __future__ import annotations

import os
from typing import Final

from ._deflate import Compressor, DeflateParams
from ._frames import MAX_CONTROL_PAYLOAD, build_close_payload, encode_text, frame_header
from ._mask import masked_frame
from ._models import WSCloseCode
from .exceptions import LocalProtocolError

__all__ = ["WebSocketWriter"]

_KEY_POOL_SIZE: Final = 4096
_DATA_OPCODES: Final = frozenset({0x1, 0x2})
_CONTROL_OPCODES: Final = frozenset({0x8, 0x9, 0xA})


class WebSocketWriter:
    """Builds frames for TEXT, BINARY, PING, PONG and CLOSE messages.

    ``is_client=True`` masks every frame with its own key from ``os.urandom`` (RFC 6455 §5.3), read
    in 4 KiB batches so a small frame does not pay for a system call. ``deflate`` compresses data
    messages at ``compress_level`` (None: the zlib backend's ``Z_BEST_SPEED``, level 1 in stdlib
    zlib); each send may override the level (0 sends that message uncompressed), and messages
    shorter than ``compress_threshold`` bytes go uncompressed, since deflate rarely shrinks them.
    ``max_frame_size`` above 0 splits larger data messages into fragments.
    """

    __slots__ = (
        "_closed",
        "_compressor",
        "_is_client",
        "_keys",
        "_keys_pos",
        "_max_frame",
        "_plain",
        "_threshold",
    )

    def __init__(
        self,
        *,
        is_client: bool = True,
        deflate: DeflateParams | None = None,
        compress_level: int | None = None,
        max_frame_size: int = 0,
        compress_threshold: int = 0,
    ) -> None:
        if compress_level is not None and not -1 <= compress_level <= 9:
            raise ValueError(f"compress_level must be from -1 to 9, got {compress_level}")
        if max_frame_size < 0:
            raise ValueError(f"max_frame_size must be 0 (no limit) or above, got {max_frame_size}")
        if compress_threshold < 0:
            raise ValueError(f"compress_threshold must be 0 or above, got {compress_threshold}")
        self._is_client = is_client
        self._max_frame = max_frame_size
        self._threshold = compress_threshold
        self._compressor: Compressor | None = None
        if deflate is not None:
            if is_client:
                bits = deflate.client_max_window_bits
                no_context = deflate.client_no_context_takeover
            else:
                bits = deflate.server_max_window_bits
                no_context = deflate.server_no_context_takeover
            self._compressor = Compressor(bits, no_context, compress_level)
        self._closed = False
        # No compression, no fragmentation and not closed: text() and binary() skip message().
        self._plain = self._compressor is None and not max_frame_size
        self._keys = b""
        self._keys_pos = _KEY_POOL_SIZE

    @property
    def closed(self) -> bool:
        """``True`` once a Close frame was built: RFC 6455 §5.5.1 allows nothing after it."""
        return self._closed

    def _frame(self, first_byte: int, payload: bytes | bytearray | memoryview) -> bytes | bytearray:
        if not self._is_client:
            return frame_header(first_byte, len(payload), 0) + payload
        pos = self._keys_pos
        if pos == _KEY_POOL_SIZE:
            self._keys = os.urandom(_KEY_POOL_SIZE)
            pos = 0
        self._keys_pos = pos + 4
        # Header, key and masked payload in one object (one pass over the payload when compiled).
        return masked_frame(first_byte, self._keys[pos : pos + 4], payload)

    def text(self, data: str, *, compress: int | None = None) -> bytes | bytearray:
        """Frames for one TEXT message; ``compress`` overrides the level for this message only."""
        if not isinstance(data, str):
            raise TypeError(f"data argument must be str ({type(data)!r})")
        if self._plain:
            return self._frame(0x81, encode_text(data))
        return self.message(0x1, encode_text(data), compress=compress)

    def binary(
        self, data: bytes | bytearray | memoryview, *, compress: int | None = None
    ) -> bytes | bytearray:
        """Frames for one BINARY message; ``compress`` overrides the level for this message only."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        if self._plain:
            return self._frame(0x82, data)
        return self.message(0x2, data, compress=compress)

    def ping(self, payload: bytes | str = b"") -> bytes | bytearray:
        """A PING frame; ``str`` payloads are sent as UTF-8."""
        return self.message(0x9, encode_text(payload) if isinstance(payload, str) else payload)

    def pong(self, payload: bytes | str = b"") -> bytes | bytearray:
        """A PONG frame, usually echoing a PING's payload."""
        return self.message(0xA, encode_text(payload) if isinstance(payload, str) else payload)

    def close(
        self, code: int | None = WSCloseCode.OK, message: bytes | str = b""
    ) -> bytes | bytearray:
        """The Close frame; afterwards every other send raises ``LocalProtocolError``."""
        frame = self.message(0x8, build_close_payload(code, message))
        self._closed = True
        self._plain = False
        return frame

    def message(
        self, opcode: int, payload: bytes | bytearray | memoryview, *, compress: int | None = None
    ) -> bytes | bytearray:
        """Frames for one message of any opcode, like aiohttp's ``send_frame``.

        ``compress`` is ignored for control frames, which are never compressed (RFC 7692 §6.1).
        """
        if self._closed:
            raise LocalProtocolError("A Close frame was already sent; nothing may follow it")
        if opcode in _CONTROL_OPCODES:
            if len(payload) > MAX_CONTROL_PAYLOAD:
                raise LocalProtocolError(
                    f"Control frame payload is {len(payload)} bytes; at most 125 are allowed"
                )
            return self._frame(0x80 | opcode, payload)
        if opcode not in _DATA_OPCODES:
            raise LocalProtocolError(f"Cannot send a message with opcode {opcode:#x}")
        rsv1 = 0
        compressor = self._compressor
        if compressor is not None and compress != 0 and len(payload) >= self._threshold:
            if compress is not None and not -1 <= compress <= 9:
                raise ValueError(f"compress must be from -1 to 9, got {compress}")
            payload = compressor.compress(payload, compress)
            rsv1 = 0x40
        limit = self._max_frame
        if not limit or len(payload) <= limit:
            return self._frame(0x80 | rsv1 | opcode, payload)
        view = memoryview(payload)
        frames = [self._frame(rsv1 | opcode, view[:limit])]
        for start in range(limit, len(view), limit):
            fin = 0x80 if start + limit >= len(view) else 0
            frames.append(self._frame(fin, view[start : start + limit]))
        return b"".join(frames)
