"""Frame-level rules of RFC 6455 §5: header layout, control-frame limits and Close payloads.

The reader and writer inline the hot paths; everything they share about what a valid frame or Close
payload is lives here, so the rules are written once.
"""

from __future__ import annotations

import struct
from typing import Final

from ._mask import mask
from ._models import WSCloseCode, WSMsgType
from .exceptions import InvalidTextError, LocalProtocolError, ProtocolError

__all__ = ["MAX_CONTROL_PAYLOAD", "build_close_payload", "build_frame", "parse_close_payload"]

MAX_CONTROL_PAYLOAD: Final = 125
"""Control frames (close, ping, pong) carry at most 125 payload bytes (RFC 6455 §5.5)."""

DATA_OPCODES: Final = frozenset({0x0, 0x1, 0x2})
CONTROL_OPCODES: Final = frozenset({0x8, 0x9, 0xA})
KNOWN_OPCODES: Final = DATA_OPCODES | CONTROL_OPCODES

PACK_2: Final = struct.Struct("!BB").pack
PACK_4: Final = struct.Struct("!BBH").pack
PACK_10: Final = struct.Struct("!BBQ").pack
UNPACK_Q: Final = struct.Struct("!Q").unpack_from
PACK_CODE: Final = struct.Struct("!H").pack

# §7.4.1 codes that may be sent in a Close frame; 1004-1006 and 1015 are reserved.
_SENDABLE_CODES: Final = frozenset({int(code) for code in WSCloseCode} - {1004, 1005, 1006, 1015})


def encode_text(text: str) -> bytes:
    """UTF-8 bytes of ``text``; a lone surrogate raises ``LocalProtocolError``, not UnicodeError."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise LocalProtocolError("Text with a lone surrogate cannot be sent as UTF-8") from None


def is_sendable_close_code(code: int) -> bool:
    """Whether ``code`` may appear in a Close frame (RFC 6455 §7.4 and the IANA registry)."""
    return code in _SENDABLE_CODES or 3000 <= code <= 4999


def frame_header(first_byte: int, length: int, mask_bit: int) -> bytes:
    """Pack the first two bytes and the extended payload length (§5.2), without the mask key."""
    if length < 126:
        return PACK_2(first_byte, length | mask_bit)
    if length < 65536:
        return PACK_4(first_byte, 126 | mask_bit, length)
    return PACK_10(first_byte, 127 | mask_bit, length)


def build_frame(
    opcode: int,
    payload: bytes | bytearray | memoryview,
    *,
    fin: bool = True,
    rsv1: bool = False,
    rsv2: bool = False,
    rsv3: bool = False,
    mask_key: bytes | None = None,
) -> bytes:
    """Serialise one frame as given, masked with ``mask_key`` when it is 4 bytes.

    It checks only what the wire format itself needs (a 4-bit opcode, a 4-byte key), so tests and
    tools can build frames a peer must reject; ``WebSocketWriter`` is the checked way to send.
    """
    if not 0 <= opcode <= 0xF:
        raise LocalProtocolError(f"Opcode must fit in 4 bits, got {opcode}")
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | (0x20 if rsv2 else 0)
    first |= (0x10 if rsv3 else 0) | opcode
    if mask_key is None:
        return frame_header(first, len(payload), 0) + payload
    if len(mask_key) != 4:
        raise LocalProtocolError(f"A mask key is 4 bytes, got {len(mask_key)}")
    return frame_header(first, len(payload), 0x80) + mask_key + mask(mask_key, payload)


def build_close_payload(code: int | None = WSCloseCode.OK, reason: str | bytes = b"") -> bytes:
    """Payload of a Close frame: the 2-byte code then the UTF-8 reason (§5.5.1).

    ``code=None`` gives an empty payload, which allows no reason. Raises ``LocalProtocolError``
    for a code that must not be sent or a payload over 125 bytes.
    """
    raw = encode_text(reason) if isinstance(reason, str) else bytes(reason)
    if code is None:
        if raw:
            raise LocalProtocolError("A close reason needs a close code")
        return b""
    if not is_sendable_close_code(code):
        raise LocalProtocolError(f"Close code {code} must not be sent (RFC 6455 §7.4)")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LocalProtocolError("A close reason must be UTF-8 text") from None
    if len(raw) + 2 > MAX_CONTROL_PAYLOAD:
        raise LocalProtocolError(
            f"Close reason is {len(raw)} bytes; at most {MAX_CONTROL_PAYLOAD - 2} fit"
        )
    return PACK_CODE(code) + raw


def parse_close_payload(payload: bytes) -> tuple[int, str]:
    """Split a received Close payload into ``(code, reason)``; ``(0, "")`` when it is empty.

    Raises ``ProtocolError`` for a 1-byte payload or a code §7.4 forbids on the wire, and
    ``InvalidTextError`` when the reason is not UTF-8 (with aiohttp's messages for those two;
    ``WebSocketReader`` words the 1-byte case as aiohttp's reader does before calling this).
    """
    if not payload:
        return 0, ""
    if len(payload) == 1:
        raise ProtocolError("Close frame payload of 1 byte: a close code needs 2")
    code = (payload[0] << 8) | payload[1]
    if not is_sendable_close_code(code):
        raise ProtocolError(f"Invalid close code: {code}")
    try:
        reason = payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidTextError() from None
    return code, reason


def opcode_name(opcode: int) -> str:
    """A readable name for error messages: ``TEXT`` or ``0x3`` for unknown ones."""
    if opcode in KNOWN_OPCODES:
        return WSMsgType(opcode).name
    return f"{opcode:#x}"
