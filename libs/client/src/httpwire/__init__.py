"""httpwire: an asynchronous HTTP client with aiohttp's client API.

The public API is assembled explicitly here. Classes that a component lib defines (connectors,
cookie jars, WebSocket models, connection errors) are re-exported as the very same objects.
"""

from __future__ import annotations

from . import abc as abc  # aiohttp documents the module path httpwire.abc
from ._components import (
    AsyncResolver,
    BaseConnector,
    CookieJar,
    DefaultResolver,
    DummyCookieJar,
    Fingerprint,
    TCPConnector,
    ThreadedResolver,
    UnixConnector,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)
from ._version import __version__
from .exceptions import (
    ClientConnectionError,
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientError,
    ClientOSError,
    ClientProxyConnectionError,
    ClientSSLError,
    ConnectionTimeoutError,
    ServerConnectionError,
    ServerDisconnectedError,
    ServerFingerprintMismatch,
    ServerTimeoutError,
    UnixClientConnectorError,
    WebSocketError,
)

__all__ = [
    "AsyncResolver",
    "BaseConnector",
    "ClientConnectionError",
    "ClientConnectorCertificateError",
    "ClientConnectorDNSError",
    "ClientConnectorError",
    "ClientConnectorSSLError",
    "ClientError",
    "ClientOSError",
    "ClientProxyConnectionError",
    "ClientSSLError",
    "ConnectionTimeoutError",
    "CookieJar",
    "DefaultResolver",
    "DummyCookieJar",
    "Fingerprint",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerFingerprintMismatch",
    "ServerTimeoutError",
    "TCPConnector",
    "ThreadedResolver",
    "UnixClientConnectorError",
    "UnixConnector",
    "WSCloseCode",
    "WSMessage",
    "WSMsgType",
    "WebSocketError",
    "__version__",
]
