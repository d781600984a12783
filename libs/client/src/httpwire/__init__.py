"""httpwire: an asynchronous HTTP client with aiohttp's client API.

The public API is assembled explicitly here. Classes that a component lib defines (connectors,
cookie jars, WebSocket models, connection errors) are re-exported as the very same objects.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from . import abc as abc  # aiohttp documents the module path httpwire.abc
from . import hdrs as hdrs  # aiohttp.hdrs: header and method name constants
from ._auth import BasicAuth, encode_basic_auth
from ._chain_map import ChainMapProxy
from ._components import (
    AddrInfoType,
    AsyncResolver,
    BaseConnector,
    CookieJar,
    DefaultResolver,
    DummyCookieJar,
    Fingerprint,
    NamedPipeConnector,
    SocketFactoryType,
    TCPConnector,
    ThreadedResolver,
    UnixConnector,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)
from ._compression import set_zlib_backend
from ._digest_auth import DigestAuthMiddleware
from ._etag import ETag
from ._helpers import ContentDisposition, HttpVersion, HttpVersion10, HttpVersion11
from ._middlewares import ClientHandlerType, ClientMiddlewareType
from ._reqrep import ClientRequest, ClientResponse, RequestInfo
from ._session import ClientSession, request
from ._timeout import ClientTimeout
from ._upload_tracker import UploadTracker
from ._version import __version__
from ._ws_client import ClientWebSocketResponse, ClientWSTimeout, WSMessageTypeError
from .exceptions import (
    ClientConnectionError,
    ClientConnectionResetError,
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientError,
    ClientHttpProxyError,
    ClientOSError,
    ClientPayloadError,
    ClientProxyConnectionError,
    ClientResponseError,
    ClientSSLError,
    ConnectionTimeoutError,
    ContentTypeError,
    InvalidURL,
    InvalidUrlClientError,
    InvalidUrlRedirectClientError,
    NonHttpUrlClientError,
    NonHttpUrlRedirectClientError,
    PayloadConnectionClosedError,
    RedirectClientError,
    ServerConnectionError,
    ServerDisconnectedError,
    ServerFingerprintMismatch,
    ServerTimeoutError,
    SocketTimeoutError,
    TooManyRedirects,
    UnixClientConnectorError,
    UploadAbortedError,
    WebSocketError,
    WSServerHandshakeError,
)
from .formdata import FormData
from .multipart import (
    BadContentDispositionHeader,
    BadContentDispositionParam,
    BodyPartReader,
    MultipartReader,
    MultipartWriter,
    content_disposition_filename,
    parse_content_disposition,
)
from .payload import (
    PAYLOAD_REGISTRY,
    AsyncIterablePayload,
    BufferedReaderPayload,
    BytesIOPayload,
    BytesPayload,
    IOBasePayload,
    IterablePayload,
    JsonBytesPayload,
    JsonPayload,
    Payload,
    StreamReaderPayload,
    StringIOPayload,
    StringPayload,
    TextIOPayload,
    get_payload,
    payload_type,
)
from .payload_streamer import streamer
from .streams import EMPTY_PAYLOAD, DataQueue, EofStream, FlowControlDataQueue, StreamReader
from .tracing import (
    TraceConfig,
    TraceConnectionCreateEndParams,
    TraceConnectionCreateStartParams,
    TraceConnectionQueuedEndParams,
    TraceConnectionQueuedStartParams,
    TraceConnectionReuseconnParams,
    TraceDnsCacheHitParams,
    TraceDnsCacheMissParams,
    TraceDnsResolveHostEndParams,
    TraceDnsResolveHostStartParams,
    TraceRequestChunkSentParams,
    TraceRequestEndParams,
    TraceRequestExceptionParams,
    TraceRequestHeadersSentParams,
    TraceRequestRedirectParams,
    TraceRequestStartParams,
    TraceResponseChunkReceivedParams,
)

__all__ = [
    "EMPTY_PAYLOAD",
    "PAYLOAD_REGISTRY",
    "AddrInfoType",
    "AsyncIterablePayload",
    "AsyncResolver",
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "BaseConnector",
    "BasicAuth",
    "BodyPartReader",
    "BufferedReaderPayload",
    "BytesIOPayload",
    "BytesPayload",
    "ChainMapProxy",
    "ClientConnectionError",
    "ClientConnectionResetError",
    "ClientConnectorCertificateError",
    "ClientConnectorDNSError",
    "ClientConnectorError",
    "ClientConnectorSSLError",
    "ClientError",
    "ClientHandlerType",
    "ClientHttpProxyError",
    "ClientMiddlewareType",
    "ClientOSError",
    "ClientPayloadError",
    "ClientProxyConnectionError",
    "ClientRequest",
    "ClientResponse",
    "ClientResponseError",
    "ClientSSLError",
    "ClientSession",
    "ClientTimeout",
    "ClientWSTimeout",
    "ClientWebSocketResponse",
    "ConnectionTimeoutError",
    "ContentDisposition",
    "ContentTypeError",
    "CookieJar",
    "DataQueue",
    "DefaultResolver",
    "DigestAuthMiddleware",
    "DummyCookieJar",
    "ETag",
    "EofStream",
    "Fingerprint",
    "FlowControlDataQueue",
    "FormData",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "IOBasePayload",
    "InvalidURL",
    "InvalidUrlClientError",
    "InvalidUrlRedirectClientError",
    "IterablePayload",
    "JsonBytesPayload",
    "JsonPayload",
    "MultipartReader",
    "MultipartWriter",
    "NamedPipeConnector",
    "NonHttpUrlClientError",
    "NonHttpUrlRedirectClientError",
    "Payload",
    "PayloadConnectionClosedError",
    "RedirectClientError",
    "RequestInfo",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerFingerprintMismatch",
    "ServerTimeoutError",
    "SocketFactoryType",
    "SocketTimeoutError",
    "StreamReader",
    "StreamReaderPayload",
    "StringIOPayload",
    "StringPayload",
    "TCPConnector",
    "TextIOPayload",
    "ThreadedResolver",
    "TooManyRedirects",
    "TraceConfig",
    "TraceConnectionCreateEndParams",
    "TraceConnectionCreateStartParams",
    "TraceConnectionQueuedEndParams",
    "TraceConnectionQueuedStartParams",
    "TraceConnectionReuseconnParams",
    "TraceDnsCacheHitParams",
    "TraceDnsCacheMissParams",
    "TraceDnsResolveHostEndParams",
    "TraceDnsResolveHostStartParams",
    "TraceRequestChunkSentParams",
    "TraceRequestEndParams",
    "TraceRequestExceptionParams",
    "TraceRequestHeadersSentParams",
    "TraceRequestRedirectParams",
    "TraceRequestStartParams",
    "TraceResponseChunkReceivedParams",
    "UnixClientConnectorError",
    "UnixConnector",
    "UploadAbortedError",
    "UploadTracker",
    "WSCloseCode",
    "WSMessage",
    "WSMessageTypeError",
    "WSMsgType",
    "WSServerHandshakeError",
    "WebSocketError",
    "__version__",
    "content_disposition_filename",
    "encode_basic_auth",
    "get_payload",
    "hdrs",
    "parse_content_disposition",
    "payload_type",
    "request",
    "set_zlib_backend",
    "streamer",
]

#: aiohttp's module paths that hold client names (``aiohttp.client_exceptions``...): modules of
#: the same name here re-export those names, imported on first use.
_AIOHTTP_MODULE_PATHS = frozenset(
    {
        "client",
        "client_exceptions",
        "client_middleware_digest_auth",
        "client_middlewares",
        "client_reqrep",
        "client_ws",
        "connector",
        "cookiejar",
        "helpers",
        "http",
        "resolver",
    }
)


def __getattr__(name: str) -> ModuleType:
    if name in _AIOHTTP_MODULE_PATHS:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
