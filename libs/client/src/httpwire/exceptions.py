"""The client's exception hierarchy, as aiohttp's client reference documents it.

Every class is defined once, in the lowest lib that raises it, and re-exported here by identity, so
``except httpwire.ClientError`` catches what the connection pool raises. So far the connection-side
part of the tree exists; the response-side classes arrive with the client itself::

    ClientError
    ├── ClientConnectionError
    │   ├── ClientOSError (also OSError)
    │   │   └── ClientConnectorError
    │   │       ├── ClientConnectorDNSError
    │   │       ├── ClientProxyConnectionError
    │   │       ├── UnixClientConnectorError
    │   │       └── ClientSSLError
    │   │           ├── ClientConnectorSSLError (also ssl.SSLError)
    │   │           └── ClientConnectorCertificateError (also ssl.CertificateError)
    │   └── ServerConnectionError
    │       ├── ServerDisconnectedError
    │       ├── ServerFingerprintMismatch
    │       └── ServerTimeoutError (also asyncio.TimeoutError)
    │           └── ConnectionTimeoutError
    WebSocketError (from httpwire_websocket)
"""

from __future__ import annotations

from httpwire_connectors import (
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
)
from httpwire_websocket import WebSocketError

__all__ = [
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
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerFingerprintMismatch",
    "ServerTimeoutError",
    "UnixClientConnectorError",
    "WebSocketError",
]
