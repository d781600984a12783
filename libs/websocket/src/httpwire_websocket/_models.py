"""Message types, messages and close codes, shaped like aiohttp's WebSocket models.

Everything a caller sees coming out of the reader lives here: ``WSMsgType`` (the RFC 6455 opcodes
plus aiohttp's three connection-state pseudo types), ``WSMessage`` and ``WSCloseCode``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import IntEnum
from typing import Any, NamedTuple

__all__ = ["WSCloseCode", "WSMessage", "WSMsgType"]


class WSCloseCode(IntEnum):
    """Close status codes from RFC 6455 §7.4.1 and the IANA registry.

    ``NO_STATUS_RECEIVED`` (1005), ``ABNORMAL_CLOSURE`` (1006) and ``TLS_HANDSHAKE`` (1015) are
    reserved for reporting: they describe a closure locally and must never be sent in a Close frame.
    """

    OK = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    NO_STATUS_RECEIVED = 1005
    ABNORMAL_CLOSURE = 1006
    INVALID_TEXT = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    MANDATORY_EXTENSION = 1010
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013
    BAD_GATEWAY = 1014
    TLS_HANDSHAKE = 1015


class WSMsgType(IntEnum):
    """Frame opcodes (RFC 6455 §5.2) and aiohttp's pseudo types for connection states.

    ``CLOSING``, ``CLOSED`` and ``ERROR`` never appear on the wire; ``ERROR`` messages carry the
    exception that ended the stream. The lowercase names are aiohttp's aliases.
    """

    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    PING = 0x9
    PONG = 0xA
    CLOSE = 0x8

    CLOSING = 0x100
    CLOSED = 0x101
    ERROR = 0x102

    text = TEXT
    binary = BINARY
    ping = PING
    pong = PONG
    close = CLOSE
    closing = CLOSING
    closed = CLOSED
    error = ERROR


class WSMessage(NamedTuple):
    """One received message: ``data`` is ``str`` for TEXT, ``bytes`` for BINARY, PING and PONG.

    For CLOSE, ``data`` is the close code (``0`` when the frame had no payload) and ``extra`` the
    reason; for ERROR, ``data`` is the exception. ``extra`` is ``""`` for the other types.
    """

    type: WSMsgType
    data: Any
    extra: str | None

    def json(self, *, loads: Callable[[Any], Any] = json.loads) -> Any:
        """Decode ``data`` as JSON with ``loads`` (``json.loads`` by default)."""
        return loads(self.data)
