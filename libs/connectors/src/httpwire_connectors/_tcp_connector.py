"""``TCPConnector``: TCP connections with DNS caching, happy eyeballs and TLS."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import warnings
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, cast

from ._connection import Connection
from ._connector import _SENTINEL, BaseConnector
from ._dns_cache import DNSCache, HostKey
from ._happy_eyeballs import SocketFactoryType, open_socket
from ._interfaces import (
    ConnectionKey,
    ConnectionProtocol,
    ProtocolFactory,
    RequestLike,
    ResolveResult,
    TimeoutLike,
    TraceLike,
    sock_connect_limit,
)
from ._resolver import AbstractResolver, DefaultResolver
from ._ssl import (
    Fingerprint,
    SSLSetting,
    choose_context,
    classify_ssl_error,
    merge_ssl_params,
    normalize_ssl,
    verified_context,
)
from .exceptions import (
    ClientConnectionError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientProxyConnectionError,
    ConnectionTimeoutError,
)

if TYPE_CHECKING:
    from ssl import SSLContext

    from yarl import URL

__all__ = ["TCPConnector"]

_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class TCPConnector(BaseConnector):
    """Connects over TCP, with TLS for ``https``/``wss``, a DNS cache and happy eyeballs.

    ``ssl`` is the default TLS setting for requests that leave theirs at ``True``: ``True`` (the
    default) or ``None`` verify with the shared default context, ``False`` skips verification,
    an :class:`ssl.SSLContext` is used as is and a :class:`Fingerprint` pins the certificate.
    aiohttp 3.x's deprecated ``verify_ssl``, ``ssl_context`` and ``fingerprint`` are folded into
    ``ssl`` with a :class:`DeprecationWarning`. Resolved addresses are cached ``ttl_dns_cache``
    seconds (``None``: until cleared, record TTLs reported by the resolver shorten it), at most
    ``dns_cache_max_size`` host names. ``socket_factory`` makes the socket of each connection
    attempt from its address info. ``ssl_shutdown_timeout`` (deprecated, as in aiohttp 3.14)
    bounds the TLS closing handshake; at its default ``0``, :meth:`close` aborts TLS connections.
    """

    allowed_protocol_schema_set = BaseConnector.allowed_protocol_schema_set | {"tcp"}

    def __init__(
        self,
        *,
        verify_ssl: bool = True,
        fingerprint: bytes | None = None,
        use_dns_cache: bool = True,
        ttl_dns_cache: float | None = 10,
        dns_cache_max_size: int = 1000,
        family: socket.AddressFamily | int = 0,
        ssl_context: SSLContext | None = None,
        ssl: SSLSetting | None = True,
        local_addr: tuple[str, int] | None = None,
        resolver: AbstractResolver | None = None,
        keepalive_timeout: float | object | None = _SENTINEL,
        force_close: bool = False,
        limit: int | None = 100,
        limit_per_host: int | None = 0,
        enable_cleanup_closed: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
        happy_eyeballs_delay: float | None = 0.25,
        interleave: int | None = None,
        socket_factory: SocketFactoryType | None = None,
        ssl_shutdown_timeout: float | object | None = _SENTINEL,
        protocol_factory: ProtocolFactory | None = None,
    ) -> None:
        self._ssl: SSLSetting = merge_ssl_params(ssl, verify_ssl, ssl_context, fingerprint)
        if socket_factory is not None and not callable(socket_factory):
            raise TypeError(f"socket_factory must be callable or None, got {socket_factory!r}")
        shutdown_timeout = _check_shutdown_timeout(ssl_shutdown_timeout)
        if family not in (0, socket.AF_INET, socket.AF_INET6):
            raise ValueError(f"family must be 0, AF_INET or AF_INET6, got {family!r}")
        if happy_eyeballs_delay is not None:
            if not _is_number(happy_eyeballs_delay):
                raise TypeError(
                    f"happy_eyeballs_delay must be a number or None, got {happy_eyeballs_delay!r}"
                )
            if happy_eyeballs_delay < 0:
                raise ValueError(f"happy_eyeballs_delay must be >= 0, got {happy_eyeballs_delay!r}")
        if interleave is not None:
            if isinstance(interleave, bool) or not isinstance(interleave, int):
                raise TypeError(f"interleave must be an int or None, got {interleave!r}")
            if interleave < 1:
                raise ValueError(f"interleave must be >= 1, got {interleave!r}")
        if local_addr is not None and not (
            isinstance(local_addr, tuple)
            and len(local_addr) == 2
            and isinstance(local_addr[0], str)
        ):
            raise TypeError(f"local_addr must be a (host, port) tuple, got {local_addr!r}")
        if ttl_dns_cache is not None and not _is_number(ttl_dns_cache):
            raise TypeError(f"ttl_dns_cache must be a number or None, got {ttl_dns_cache!r}")
        super().__init__(
            keepalive_timeout=keepalive_timeout,
            force_close=force_close,
            limit=limit,
            limit_per_host=limit_per_host,
            enable_cleanup_closed=enable_cleanup_closed,
            loop=loop,
            timeout_ceil_threshold=timeout_ceil_threshold,
            protocol_factory=protocol_factory,
        )
        self._closed = True
        self._socket_factory = socket_factory
        self._ssl_shutdown_timeout = shutdown_timeout
        self._family = socket.AddressFamily(family)
        self._local_addr = local_addr
        self._happy_eyeballs_delay = happy_eyeballs_delay
        self._interleave = interleave
        self._use_dns_cache = use_dns_cache
        self._dns_cache = DNSCache(
            ttl_dns_cache, max_size=dns_cache_max_size, clock=self._loop.time
        )
        self._resolver_owner = resolver is None
        self._resolver: AbstractResolver = (
            resolver if resolver is not None else DefaultResolver(loop=self._loop)
        )
        self._lookups: dict[HostKey, asyncio.Task[list[ResolveResult]]] = {}
        self._closed = False

    @property
    def family(self) -> socket.AddressFamily:
        """The address family used (``0``: both IPv4 and IPv6)."""
        return self._family

    @property
    def dns_cache(self) -> bool:
        """``True`` when resolved addresses are cached."""
        return self._use_dns_cache

    @property
    def use_dns_cache(self) -> bool:
        """The same as :attr:`dns_cache`."""
        return self._use_dns_cache

    @property
    def cached_hosts(self) -> Mapping[HostKey, list[ResolveResult]]:
        """A read-only live view of the DNS cache: ``(host, port)`` to addresses."""
        return self._dns_cache.view

    @property
    def ssl(self) -> SSLSetting:
        """The connector's default TLS setting (``True``: the default verifying context)."""
        return self._ssl

    def close(self, *, abort_ssl: bool = False) -> Awaitable[None]:
        """Close the connector (see :meth:`BaseConnector.close`).

        TLS connections are aborted when ``abort_ssl`` is true or ``ssl_shutdown_timeout`` is
        ``0`` (its default), as in aiohttp 3.14.
        """
        return super().close(abort_ssl=abort_ssl or self._ssl_shutdown_timeout == 0)

    def clear_dns_cache(self, host: str | None = None, port: int | None = None) -> None:
        """Forget the addresses of ``(host, port)``, or of every host when both are omitted."""
        if host is not None and port is not None:
            self._dns_cache.remove((host, port))
        elif host is not None or port is not None:
            raise ValueError("give both host and port, or neither")
        else:
            self._dns_cache.clear()

    def _closing(self) -> None:
        lookups, self._lookups = list(self._lookups.values()), {}
        for task in lookups:
            task.cancel()

    async def _close_extra(self) -> None:
        if self._resolver_owner:
            await self._resolver.close()

    # ---------------------------------------------------------------- DNS

    async def _resolve_host(
        self, host: str, port: int, traces: list[TraceLike]
    ) -> list[ResolveResult]:
        literal = _ip_literal(host)
        if literal is not None:
            return [
                ResolveResult(
                    hostname=host,
                    host=host,
                    port=port,
                    family=socket.AF_INET6 if literal.version == 6 else socket.AF_INET,
                    proto=0,
                    flags=_NUMERIC,
                )
            ]
        if host.replace(".", "").isdigit():
            raise OSError(None, f"{host!r} is not a valid IPv4 address")
        if not self._use_dns_cache:
            return await self._lookup(host, port, traces)
        key = (host, port)
        cached = self._dns_cache.get(key)
        if cached is not None:
            for trace in traces:
                await trace.send_dns_cache_hit(host)
            return cached
        for trace in traces:
            await trace.send_dns_cache_miss(host)
        task = self._lookups.get(key)
        if task is None:
            task = self._loop.create_task(self._lookup_and_cache(key, traces))
            self._lookups[key] = task
            task.add_done_callback(lambda done: self._lookup_done(key, done))
        # Shielded: a caller giving up must not cancel the look-up others are waiting for.
        try:
            answer = await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and (current is None or not current.cancelling()):
                # The look-up itself was cancelled (the connector closed), not this caller.
                raise ClientConnectionError(
                    f"{type(self).__name__} was closed during the DNS look-up"
                ) from None
            raise
        return self._dns_cache.get(key) or answer

    def _lookup_done(self, key: HostKey, task: asyncio.Task[list[ResolveResult]]) -> None:
        if self._lookups.get(key) is task:
            del self._lookups[key]
        if not task.cancelled():
            task.exception()  # retrieved here so that nobody waiting is not an error

    async def _lookup(self, host: str, port: int, traces: list[TraceLike]) -> list[ResolveResult]:
        for trace in traces:
            await trace.send_dns_resolvehost_start(host)
        addrs = await self._resolver.resolve(host, port, family=self._family)
        for trace in traces:
            await trace.send_dns_resolvehost_end(host)
        return addrs

    async def _lookup_and_cache(self, key: HostKey, traces: list[TraceLike]) -> list[ResolveResult]:
        addrs = await self._lookup(key[0], key[1], traces)
        self._dns_cache.put(key, addrs)
        return addrs

    # ---------------------------------------------------------- connecting

    async def _create_connection(
        self, req: RequestLike, traces: list[TraceLike], timeout: TimeoutLike | None
    ) -> ConnectionProtocol:
        proxy = req.proxy
        if proxy is not None:
            return await self._create_proxy_connection(req, proxy, traces, timeout)
        ssl_context, fingerprint = await self._tls_for(req)
        return await self._open(
            key=req.connection_key,
            host=req.host,
            port=req.port,
            url=req.url,
            ssl_context=ssl_context,
            server_hostname=req.server_hostname,
            fingerprint=fingerprint,
            traces=traces,
            timeout=timeout,
            error_class=ClientConnectorError,
        )

    async def _create_proxy_connection(
        self,
        req: RequestLike,
        proxy: URL,
        traces: list[TraceLike],
        timeout: TimeoutLike | None,
    ) -> ConnectionProtocol:
        """Open a connection to the proxy itself (TLS only if the proxy URL is ``https``).

        Speaking to the proxy (``CONNECT`` for TLS targets, then :meth:`start_tls`) is the
        caller's job: connectors know nothing of HTTP.
        """
        proxy_is_ssl = proxy.scheme in ("https", "wss")
        host = proxy.raw_host or ""
        port = proxy.port
        request_ssl = normalize_ssl(req.ssl)
        key = ConnectionKey(host, port, proxy_is_ssl, request_ssl, None, None, None)
        ssl_context: SSLContext | None = None
        fingerprint: Fingerprint | None = None
        if proxy_is_ssl:
            # As aiohttp does, the request's TLS setting also applies to an https proxy.
            ssl_context, fingerprint = choose_context(request_ssl, self._ssl)
            if ssl_context is None:
                ssl_context = await verified_context()
        return await self._open(
            key=key,
            host=host,
            port=port,
            url=proxy,
            ssl_context=ssl_context,
            server_hostname=None,
            fingerprint=fingerprint,
            traces=traces,
            timeout=timeout,
            error_class=ClientProxyConnectionError,
        )

    async def _tls_for(self, req: RequestLike) -> tuple[SSLContext | None, Fingerprint | None]:
        if not req.is_ssl():
            return None, None
        context, fingerprint = choose_context(normalize_ssl(req.ssl), self._ssl)
        if context is None:
            context = await verified_context()
        return context, fingerprint

    def _shutdown_kwargs(self, ssl_context: SSLContext | None) -> dict[str, Any]:
        # asyncio accepts ssl_shutdown_timeout only together with TLS; 0/None keep its default.
        if ssl_context is None or not self._ssl_shutdown_timeout:
            return {}
        return {"ssl_shutdown_timeout": self._ssl_shutdown_timeout}

    async def _open(
        self,
        *,
        key: ConnectionKey,
        host: str,
        port: int | None,
        url: URL,
        ssl_context: SSLContext | None,
        server_hostname: str | None,
        fingerprint: Fingerprint | None,
        traces: list[TraceLike],
        timeout: TimeoutLike | None,
        error_class: type[ClientConnectorError],
    ) -> ConnectionProtocol:
        if port is None:
            port = 443 if ssl_context is not None else 80
        try:
            addrs = await self._resolve_host(host, port, traces)
        except OSError as exc:
            raise ClientConnectorDNSError(key, exc) from exc
        except ValueError as exc:  # e.g. a name IDNA cannot encode, from a custom resolver
            raise ClientConnectorDNSError(key, OSError(None, f"invalid host name: {exc}")) from exc
        sni = (server_hostname or host.rstrip(".")) if ssl_context is not None else None
        deadline = asyncio.timeout(sock_connect_limit(timeout))
        try:
            async with deadline:
                sock = await open_socket(
                    addrs,
                    delay=self._happy_eyeballs_delay,
                    interleave=self._interleave,
                    local_addr=self._local_addr,
                    socket_factory=self._socket_factory,
                )
                try:
                    transport, protocol = await self._loop.create_connection(
                        self._asyncio_factory,
                        sock=sock,
                        ssl=ssl_context,
                        server_hostname=sni,
                        **self._shutdown_kwargs(ssl_context),
                    )
                except BaseException:
                    sock.close()
                    raise
        except TimeoutError as exc:
            if deadline.expired():
                raise ConnectionTimeoutError(f"Connection timeout to host {url}") from exc
            raise error_class(key, exc) from exc
        except OSError as exc:
            mapped = classify_ssl_error(key, exc)
            if mapped is not None:
                raise mapped from exc
            raise error_class(key, exc) from exc
        if fingerprint is not None:
            try:
                fingerprint.check(transport, host, port)
            except BaseException:
                transport.abort()
                raise
        return cast(ConnectionProtocol, protocol)

    async def start_tls(
        self, connection: Connection, req: RequestLike, timeout: TimeoutLike | None = None
    ) -> None:
        """Upgrade an open plain connection (e.g. a proxy tunnel after ``CONNECT``) to TLS.

        The TLS setting, SNI, fingerprint and error mapping are those a direct connection to
        ``req`` would use; the protocol's ``connection_made`` is called with the TLS transport.
        """
        protocol = connection.protocol
        transport = connection.transport
        if protocol is None or transport is None:
            raise ClientConnectionError("cannot start TLS on a closed connection")
        ssl_context, fingerprint = await self._tls_for(req)
        if ssl_context is None:
            raise ValueError(f"{req.url} does not use TLS")
        key = req.connection_key
        host = req.host
        sni = req.server_hostname or host.rstrip(".")
        deadline = asyncio.timeout(sock_connect_limit(timeout))
        try:
            async with deadline:
                tls_transport = await self._loop.start_tls(
                    transport,
                    protocol,  # type: ignore[arg-type]
                    ssl_context,
                    server_hostname=sni,
                    **self._shutdown_kwargs(ssl_context),
                )
        except TimeoutError as exc:
            transport.abort()
            if deadline.expired():
                raise ConnectionTimeoutError(f"Connection timeout to host {req.url}") from exc
            raise ClientConnectorError(key, exc) from exc
        except OSError as exc:
            transport.abort()
            mapped = classify_ssl_error(key, exc)
            if mapped is not None:
                raise mapped from exc
            raise ClientConnectorError(key, exc) from exc
        if tls_transport is None:  # pragma: no cover - only when the transport closed meanwhile
            raise ClientConnectionError("the connection closed during the TLS handshake")
        if fingerprint is not None:
            try:
                fingerprint.check(tls_transport, host, req.port)
            except BaseException:
                tls_transport.abort()
                raise
        protocol.connection_made(tls_transport)


def _check_shutdown_timeout(value: object) -> float | None:
    """Validate ``ssl_shutdown_timeout``: unset means ``0``; setting it is deprecated."""
    if value is _SENTINEL:
        return 0.0
    warnings.warn(
        "The ssl_shutdown_timeout parameter is deprecated (as in aiohttp 3.14); "
        "use close(abort_ssl=True) to abort TLS connections on close",
        DeprecationWarning,
        stacklevel=3,
    )
    if value is None:
        return None
    if not _is_number(value):
        raise TypeError(f"ssl_shutdown_timeout must be a number or None, got {value!r}")
    number = float(cast(float, value))
    if not number >= 0:
        raise ValueError(f"ssl_shutdown_timeout must be >= 0, got {value!r}")
    return number


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host)
    return None


TCPConnector.__module__ = "httpwire_connectors"
