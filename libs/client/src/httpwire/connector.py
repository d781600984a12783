"""aiohttp's ``connector`` module path: the connection pools.

The same objects as ``httpwire``'s names, so code that uses aiohttp's module paths runs unchanged.
"""

from __future__ import annotations

from httpwire import (
    AddrInfoType,
    BaseConnector,
    NamedPipeConnector,
    SocketFactoryType,
    TCPConnector,
    UnixConnector,
)

__all__ = [
    "AddrInfoType",
    "BaseConnector",
    "NamedPipeConnector",
    "SocketFactoryType",
    "TCPConnector",
    "UnixConnector",
]
