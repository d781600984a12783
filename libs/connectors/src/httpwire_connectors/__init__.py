"""httpwire-connectors: the public API, assembled explicitly from the private modules.

An asyncio connection pool (TCP, TLS, Unix sockets) with limits, keep-alive, resolvers and a DNS
cache. It knows nothing of HTTP: it opens, pools and hands out transports whose protocol the
caller's factory makes. Test helpers live in :mod:`httpwire_connectors.testing`.
"""

from __future__ import annotations

import logging

from ._connection import Connection
from ._connector import BaseConnector
from ._happy_eyeballs import AddrInfoType, SocketFactoryType
from ._interfaces import (
    ConnectionKey,
    ConnectionProtocol,
    ProtocolFactory,
    RequestLike,
    ResolveResult,
    TimeoutLike,
    TraceLike,
)
from ._named_pipe_connector import NamedPipeConnector
from ._pool import PoolStats
from ._protocol import StreamProtocol
from ._resolver import AbstractResolver, AsyncResolver, DefaultResolver, ThreadedResolver
from ._ssl import Fingerprint
from ._tcp_connector import TCPConnector
from ._unix_connector import UnixConnector
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
)

__all__ = [
    "AbstractResolver",
    "AddrInfoType",
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
    "Connection",
    "ConnectionKey",
    "ConnectionProtocol",
    "ConnectionTimeoutError",
    "DefaultResolver",
    "Fingerprint",
    "NamedPipeConnector",
    "PoolStats",
    "ProtocolFactory",
    "RequestLike",
    "ResolveResult",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerFingerprintMismatch",
    "ServerTimeoutError",
    "SocketFactoryType",
    "StreamProtocol",
    "TCPConnector",
    "ThreadedResolver",
    "TimeoutLike",
    "TraceLike",
    "UnixClientConnectorError",
    "UnixConnector",
    "__version__",
]

logging.getLogger("httpwire.connectors").addHandler(logging.NullHandler())
