"""Parts of aiohttp's client API that the component libs provide, re-exported by identity.

Connectors, resolvers and TLS fingerprints come from httpwire-connectors, the cookie jars from
httpwire-cookies and the WebSocket message models from httpwire-websocket.
"""

from __future__ import annotations

from httpwire_connectors import (
    AddrInfoType,
    AsyncResolver,
    BaseConnector,
    DefaultResolver,
    Fingerprint,
    NamedPipeConnector,
    SocketFactoryType,
    TCPConnector,
    ThreadedResolver,
    UnixConnector,
)
from httpwire_cookies import CookieJar, DummyCookieJar
from httpwire_websocket import WSCloseCode, WSMessage, WSMsgType

__all__ = [
    "AddrInfoType",
    "AsyncResolver",
    "BaseConnector",
    "CookieJar",
    "DefaultResolver",
    "DummyCookieJar",
    "Fingerprint",
    "NamedPipeConnector",
    "SocketFactoryType",
    "TCPConnector",
    "ThreadedResolver",
    "UnixConnector",
    "WSCloseCode",
    "WSMessage",
    "WSMsgType",
]
