"""httpwire-parser: a strict, fast, sans-IO HTTP/1.1 parser and serializer.

Bytes in, events out: :class:`ResponseParser` for clients, :class:`RequestParser` for servers,
and serializers for heads, chunked bodies and request compression. No sockets, no asyncio.
:func:`set_zlib_backend` puts a faster zlib-compatible module behind gzip and deflate.
"""

from __future__ import annotations

from ._decoders import CONTENT_CODINGS, ContentDecoder
from ._events import (
    EMPTY_HEADERS,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    RawFields,
    Request,
    Response,
    Upgraded,
)
from ._request import RequestParser
from ._response import ResponseParser
from ._version import __version__
from ._writers import (
    BodyCompressor,
    ChunkedEncoder,
    HeadersInput,
    serialize_request_head,
    serialize_response_head,
)
from ._zlib_backend import ZLibBackendProtocol, set_zlib_backend
from .exceptions import (
    BadRequestLine,
    BadStatusLine,
    ContentEncodingError,
    ContentLengthError,
    DataAfterClose,
    DecompressionLimitError,
    HttpParserError,
    IncompleteMessage,
    InvalidHeader,
    LineTooLong,
    LocalProtocolError,
    ParserStateError,
    RemoteProtocolError,
    TooManyHeaders,
    TransferEncodingError,
)

__all__ = [
    "CONTENT_CODINGS",
    "EMPTY_HEADERS",
    "BadRequestLine",
    "BadStatusLine",
    "BodyCompressor",
    "ChunkedEncoder",
    "ContentDecoder",
    "ContentEncodingError",
    "ContentLengthError",
    "Data",
    "DataAfterClose",
    "DecompressionLimitError",
    "EndOfMessage",
    "Event",
    "HeadersInput",
    "HttpParserError",
    "IncompleteMessage",
    "InformationalResponse",
    "InvalidHeader",
    "LineTooLong",
    "LocalProtocolError",
    "ParserStateError",
    "RawFields",
    "RemoteProtocolError",
    "Request",
    "RequestParser",
    "Response",
    "ResponseParser",
    "TooManyHeaders",
    "TransferEncodingError",
    "Upgraded",
    "ZLibBackendProtocol",
    "__version__",
    "serialize_request_head",
    "serialize_response_head",
    "set_zlib_backend",
]

# Public objects report the public module path (reprs, pickles, docs).
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) and _obj.__module__.startswith("httpwire_parser."):
        _obj.__module__ = "httpwire_parser"
del _name, _obj
