"""Errors raised by httpwire-websocket, one tree under ``WebSocketError``.

::

    WebSocketError                  code + message, compatible with aiohttp.WebSocketError
    ├── ProtocolError               the peer broke RFC 6455 / RFC 7692 (close with 1002)
    │   ├── InvalidTextError        a text message or close reason is not UTF-8 (1007)
    │   └── MessageTooBigError      a message exceeds max_msg_size, wire or decompressed (1009)
    ├── LocalProtocolError          this side asked for a frame RFC 6455 forbids (also a ValueError)
    └── HandshakeError              the server's 101 response cannot be accepted
        ├── InvalidStatusError      the status is not 101
        ├── InvalidHeaderError      Upgrade, Connection or Sec-WebSocket-Accept is wrong
        └── NegotiationError        the chosen subprotocol or extension parameters were not offered

``code`` is the close code this endpoint should send when it fails the connection because of the
error (``WSCloseCode.PROTOCOL_ERROR`` for handshake errors, where no Close frame can be sent yet).
"""

from __future__ import annotations

from typing import Any

from ._models import WSCloseCode

__all__ = [
    "HandshakeError",
    "InvalidHeaderError",
    "InvalidStatusError",
    "InvalidTextError",
    "LocalProtocolError",
    "MessageTooBigError",
    "NegotiationError",
    "ProtocolError",
    "WebSocketError",
]


class WebSocketError(Exception):
    """Root of the tree: ``code`` is the close code to send, ``str(exc)`` the message."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(code, message)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.code, self.message, self.__dict__))


def _rebuild(
    cls: type[WebSocketError], code: int, message: str, state: dict[str, Any]
) -> WebSocketError:
    """Recreate an error without calling a subclass ``__init__`` whose signature differs."""
    exc = cls.__new__(cls)
    Exception.__init__(exc, code, message)
    exc.__dict__.update(state)
    return exc


class ProtocolError(WebSocketError):
    """The peer sent something RFC 6455 or RFC 7692 forbids; the connection must be failed."""

    def __init__(self, message: str, code: int = WSCloseCode.PROTOCOL_ERROR) -> None:
        super().__init__(code, message)


class InvalidTextError(ProtocolError):
    """A text message or a close reason is not valid UTF-8 (RFC 6455 §8.1)."""

    def __init__(self, message: str = "Invalid UTF-8 text message") -> None:
        super().__init__(message, WSCloseCode.INVALID_TEXT)


class MessageTooBigError(ProtocolError):
    """A message is larger than ``max_msg_size``, counted on the wire or after decompression.

    ``message`` replaces the default ``"Message size {size} exceeds limit {limit}"``: the reader
    passes aiohttp's wording for an inflated message that outgrows the limit.
    """

    def __init__(self, size: int, limit: int, message: str | None = None) -> None:
        if message is None:
            message = f"Message size {size} exceeds limit {limit}"
        super().__init__(message, WSCloseCode.MESSAGE_TOO_BIG)
        self.size = size
        self.limit = limit


class LocalProtocolError(WebSocketError, ValueError):
    """This side asked for a frame RFC 6455 forbids (big control payload, bad close code...)."""

    def __init__(self, message: str) -> None:
        super().__init__(WSCloseCode.PROTOCOL_ERROR, message)


class HandshakeError(WebSocketError):
    """The server's opening-handshake response cannot be accepted (RFC 6455 §4.2.2, §4.1)."""

    def __init__(self, message: str) -> None:
        super().__init__(WSCloseCode.PROTOCOL_ERROR, message)


class InvalidStatusError(HandshakeError):
    """The server answered with a status other than 101 Switching Protocols."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Invalid response status: expected 101, got {status}")
        self.status = status


class InvalidHeaderError(HandshakeError):
    """A required header of the 101 response is missing, repeated or has the wrong value."""

    def __init__(self, name: str, value: str | None, reason: str) -> None:
        super().__init__(f"Invalid {name} header: {reason}")
        self.name = name
        self.value = value


class NegotiationError(HandshakeError):
    """The server chose a subprotocol or extension parameters that the client did not offer."""
