"""Every exception httpwire_parser raises, in one hierarchy.

::

    HttpParserError                   root: catch this to catch everything below
    ├── RemoteProtocolError           the bytes received break HTTP/1.1 (RFC 9112)
    │   ├── BadStatusLine             malformed status line
    │   │   └── BadRequestLine        malformed request line (server side)
    │   ├── InvalidHeader             bad field name or value, obs-fold, bare CR or LF
    │   │   └── ContentLengthError    non-digit, overflowing or repeated Content-Length
    │   ├── TransferEncodingError     unusable Transfer-Encoding, bad chunk size/extension/CRLF
    │   ├── LineTooLong               a start, field or chunk line, or the trailers, over the limit
    │   ├── TooManyHeaders            more field lines than ``max_headers``
    │   ├── DataAfterClose            bytes after a message that closes the connection
    │   ├── IncompleteMessage         the peer closed the connection inside a message
    │   └── ContentEncodingError      a compressed body does not decode
    │       └── DecompressionLimitError   the decoded body exceeds ``max_decompressed_size``
    └── LocalProtocolError            the caller asked for something invalid (also a ValueError)
        └── ParserStateError          the parser was used after an error, an upgrade or EOF

Remote errors carry ``position``: the offset of the offending byte in the whole stream fed to the
parser (counted from the first byte ever fed), or ``None`` where no single byte is at fault.
``events`` holds the events the failing ``feed()`` call produced before the fault, so a caller can
still use a response that completed just before garbage arrived. Instances pickle with their
message and position (``events`` are not pickled).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BadRequestLine",
    "BadStatusLine",
    "ContentEncodingError",
    "ContentLengthError",
    "DataAfterClose",
    "DecompressionLimitError",
    "HttpParserError",
    "IncompleteMessage",
    "InvalidHeader",
    "LineTooLong",
    "LocalProtocolError",
    "ParserStateError",
    "RemoteProtocolError",
    "TooManyHeaders",
    "TransferEncodingError",
]


class HttpParserError(Exception):
    """Root of every error raised by httpwire_parser."""

    message: str
    position: int | None
    events: list[Any]

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position
        self.events = []

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at byte {self.position})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, position={self.position!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.position))


class RemoteProtocolError(HttpParserError):
    """The peer sent bytes that are not valid HTTP/1.1; the connection cannot be trusted further."""


class BadStatusLine(RemoteProtocolError):
    """The status line is malformed (RFC 9112 §4) or names an unsupported version."""


class BadRequestLine(BadStatusLine):
    """The request line is malformed (RFC 9112 §3): bad method, target or version."""


class InvalidHeader(RemoteProtocolError):
    """A field line is malformed (RFC 9112 §5, RFC 9110 §5.5)."""


class ContentLengthError(InvalidHeader):
    """Content-Length is not a single non-negative decimal number that fits in 63 bits."""


class TransferEncodingError(RemoteProtocolError):
    """Transfer-Encoding cannot frame the body, or chunked framing is broken (RFC 9112 §6-7)."""


class LineTooLong(RemoteProtocolError):
    """A line or the trailer section is longer than the configured limit."""


class TooManyHeaders(RemoteProtocolError):
    """The header or trailer section has more field lines than ``max_headers``."""


class DataAfterClose(RemoteProtocolError):
    """Bytes arrived after a message that ends the connection (``Connection: close``, 1.0)."""


class IncompleteMessage(RemoteProtocolError):
    """The stream ended inside a message head or a length-delimited or chunked body."""


class ContentEncodingError(RemoteProtocolError):
    """The body's Content-Encoding could not be decoded."""


class DecompressionLimitError(ContentEncodingError):
    """The decoded body grew beyond ``max_decompressed_size`` (a likely decompression bomb)."""


class LocalProtocolError(HttpParserError, ValueError):
    """The caller asked for something HTTP forbids, e.g. a header value containing CR or LF."""


class ParserStateError(LocalProtocolError):
    """The parser cannot accept data: it failed earlier, switched protocols or saw EOF."""
