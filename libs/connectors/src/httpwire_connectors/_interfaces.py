"""The contract between the connectors and their callers, as structural types.

Everything the connector reads from a request, a timeout or a trace is listed here, so the client
(or a test, or another library) can pass its own objects without inheriting from anything.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, NotRequired, Protocol, TypedDict

if TYPE_CHECKING:
    from yarl import URL

    from ._ssl import Fingerprint

__all__ = [
    "ConnectionKey",
    "ConnectionProtocol",
    "ProtocolFactory",
    "RequestLike",
    "ResolveResult",
    "TimeoutLike",
    "TraceLike",
]


class ConnectionKey(NamedTuple):
    """What makes two requests able to share a pooled connection.

    The same fields as aiohttp's key: the endpoint, the TLS setting (``True`` means the
    default verifying context), the proxy and its credentials, a hash of the proxy headers, and
    the ``server_hostname`` override (a TLS connection checked for one name is never reused for
    another).
    """

    host: str
    port: int | None
    is_ssl: bool
    ssl: ssl.SSLContext | bool | Fingerprint
    proxy: URL | None
    proxy_auth: Any
    proxy_headers_hash: int | None
    server_hostname: str | None = None


class RequestLike(Protocol):
    """What :meth:`BaseConnector.connect` reads from the request that needs a connection.

    aiohttp's ``ClientRequest`` already has this shape. ``ssl`` is the request's own TLS setting,
    ``True`` meaning "use the connector's"; ``server_hostname`` overrides SNI and the host name
    check; ``proxy`` is the proxy URL, or ``None`` to connect directly.
    """

    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int | None: ...

    @property
    def ssl(self) -> ssl.SSLContext | bool | Fingerprint: ...

    @property
    def server_hostname(self) -> str | None: ...

    @property
    def proxy(self) -> URL | None: ...

    @property
    def connection_key(self) -> ConnectionKey: ...

    @property
    def url(self) -> URL: ...

    def is_ssl(self) -> bool: ...


class TimeoutLike(Protocol):
    """The two connect timeouts of aiohttp's ``ClientTimeout``, in seconds (``None`` or ``0``: no
    limit, as in aiohttp).

    ``connect`` bounds the whole :meth:`BaseConnector.connect` call, waiting for a pool slot
    included; ``sock_connect`` bounds opening one new connection (TCP connect and TLS handshake,
    DNS excluded).
    """

    @property
    def connect(self) -> float | None: ...

    @property
    def sock_connect(self) -> float | None: ...


def connect_limit(timeout: TimeoutLike | None) -> float | None:
    """``timeout.connect`` as a limit for :func:`asyncio.timeout`: ``None`` and ``0`` mean none."""
    return (timeout.connect or None) if timeout is not None else None


def sock_connect_limit(timeout: TimeoutLike | None) -> float | None:
    """``timeout.sock_connect`` as a limit: ``None`` and ``0`` mean none, as in aiohttp."""
    return (timeout.sock_connect or None) if timeout is not None else None


class TraceLike(Protocol):
    """The tracing hooks the connector awaits, named as aiohttp's ``Trace`` names them."""

    async def send_connection_queued_start(self) -> None: ...

    async def send_connection_queued_end(self) -> None: ...

    async def send_connection_create_start(self) -> None: ...

    async def send_connection_create_end(self) -> None: ...

    async def send_connection_reuseconn(self) -> None: ...

    async def send_dns_resolvehost_start(self, host: str) -> None: ...

    async def send_dns_resolvehost_end(self, host: str) -> None: ...

    async def send_dns_cache_hit(self, host: str) -> None: ...

    async def send_dns_cache_miss(self, host: str) -> None: ...


class ConnectionProtocol(Protocol):
    """What the connector needs from the :class:`asyncio.Protocol` the caller's factory makes.

    ``should_close`` is read when the connection is released: ``True`` closes the transport
    instead of pooling it. ``is_connected()`` is checked before an idle connection is reused.
    ``close()`` closes the transport.
    """

    @property
    def transport(self) -> asyncio.Transport | None: ...

    @property
    def should_close(self) -> bool: ...

    def is_connected(self) -> bool: ...

    def close(self) -> None: ...

    def connection_made(self, transport: asyncio.BaseTransport) -> None: ...

    def connection_lost(self, exc: Exception | None) -> None: ...


#: Builds one protocol per new connection; called with no arguments, like asyncio's factories.
ProtocolFactory = Callable[[], ConnectionProtocol]


class ResolveResult(TypedDict):
    """One address a resolver found, in aiohttp's shape.

    ``host`` is a numeric address; ``hostname`` the name that was looked up. ``ttl`` (seconds)
    is optional: when a resolver reports the record's lifetime, the DNS cache never keeps the
    address longer than that.
    """

    hostname: str
    host: str
    port: int
    family: int
    proto: int
    flags: int
    ttl: NotRequired[float | None]
