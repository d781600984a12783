"""``BaseConnector``: pooling, limits, keep-alive and waiters on top of ``_pool.Pool``.

House rules: the decisions (limits, reuse order, expiry, waiter order) are made by ``_pool.Pool``;
this module only performs them (awaits, opens, closes, wakes) and maps low-level errors onto the
documented exception classes.
"""

from __future__ import annotations

import asyncio
import math
import select
import sys
import traceback
import warnings
import weakref
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final, Self, cast

from ._connection import Connection
from ._interfaces import (
    ConnectionKey,
    ConnectionProtocol,
    ProtocolFactory,
    RequestLike,
    TimeoutLike,
    TraceLike,
    connect_limit,
    sock_connect_limit,
)
from ._loop import pick_loop
from ._pool import _NOTHING, Actions, Grant, Pool, PoolStats, Waiter
from ._protocol import StreamProtocol
from .exceptions import ClientConnectionError, ConnectionTimeoutError

__all__ = ["BaseConnector"]

_SENTINEL: Final[Any] = object()
_DEFAULT_KEEPALIVE = 15.0
_NO_TRACES: Final[list[TraceLike]] = []  # shared, never mutated
_POLL_MASK = (
    select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP
    if hasattr(select, "poll")
    else 0
)


def _check_ceil_threshold(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"timeout_ceil_threshold must be a number, got {value!r}")
    if math.isnan(value) or value < 0:
        raise ValueError(f"timeout_ceil_threshold must be >= 0, got {value!r}")
    return float(value)


def _check_limit(name: str, value: int | None) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0 (0 means unlimited), got {value!r}")
    return value


def _peer_went_away(transport: asyncio.BaseTransport, poller: Any = None) -> bool:
    """Whether an idle socket has anything pending: end of stream, an error or stray bytes.

    An idle HTTP/1.1 connection must be silent; anything readable means the peer closed it (or
    broke the protocol), and the event loop may not have noticed yet. ``poller`` is a reusable
    ``select.poll`` object; without one (or on Windows) ``select.select`` is used.
    """
    sock = transport.get_extra_info("socket")
    if sock is None:
        return False
    fd = sock.fileno()
    if fd < 0:
        return True
    if poller is not None:
        poller.register(fd, _POLL_MASK)
        ready = poller.poll(0)
        poller.unregister(fd)
        return bool(ready)
    readable, _, errored = select.select([fd], [], [fd], 0)
    return bool(readable or errored)


def _call_weakly(ref: weakref.ref[BaseConnector], method: str) -> None:
    # Timers hold the connector weakly, so an abandoned connector can still be collected (and warn).
    connector = ref()
    if connector is not None:
        getattr(connector, method)()


class BaseConnector:
    """Pools connections per :class:`ConnectionKey` and enforces the connection limits.

    Subclasses implement :meth:`_create_connection`. ``limit`` caps every open connection (in
    use, being opened or idle) and ``limit_per_host`` the open connections of one key; ``0`` or
    ``None`` means no cap. Callers over a cap wait in FIFO order. A released connection is kept
    for ``keepalive_timeout`` seconds (15 by default) unless ``force_close`` is set or its
    protocol says ``should_close``. ``protocol_factory`` makes the protocol of every new
    connection (a :class:`StreamProtocol` by default).

    ``loop`` binds the connector to an event loop other than the running one (aiohttp 3.x's
    argument, for code that builds connectors before starting its loop). Timers of at least
    ``timeout_ceil_threshold`` seconds (5) fire on a whole second of the loop's clock, so that
    many of them share one wake-up, as in aiohttp.
    """

    #: Seconds after which TLS transports whose shutdown is still pending get aborted.
    cleanup_closed_period: float = 2.0

    #: URL schemes a client may send through this connector (aiohttp's attribute of that name).
    #: The URL schemes a connector serves; ``""`` (a URL without one) is in it as in aiohttp, so
    #: that a client reports a relative URL as an invalid URL rather than an unsupported scheme.
    allowed_protocol_schema_set: frozenset[str] = frozenset({"", "http", "https", "ws", "wss"})

    def __init__(
        self,
        *,
        keepalive_timeout: float | object | None = _SENTINEL,
        force_close: bool = False,
        limit: int | None = 100,
        limit_per_host: int | None = 0,
        enable_cleanup_closed: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
        protocol_factory: ProtocolFactory | None = None,
    ) -> None:
        if force_close:
            if keepalive_timeout is not None and keepalive_timeout is not _SENTINEL:
                raise ValueError("keepalive_timeout cannot be set if force_close is True")
            keepalive: float | None = 0.0
        elif keepalive_timeout is _SENTINEL:
            keepalive = _DEFAULT_KEEPALIVE
        elif keepalive_timeout is None:
            keepalive = None  # as in aiohttp: idle connections never expire
        elif isinstance(keepalive_timeout, int | float) and not isinstance(keepalive_timeout, bool):
            if keepalive_timeout < 0:
                raise ValueError(f"keepalive_timeout must be >= 0, got {keepalive_timeout!r}")
            keepalive = float(keepalive_timeout)
        else:
            raise TypeError(f"keepalive_timeout must be a number, got {keepalive_timeout!r}")
        ceil_threshold = _check_ceil_threshold(timeout_ceil_threshold)
        self._loop = pick_loop(type(self).__name__, loop)
        self._closed = True  # until fully built, so __del__ stays quiet on a failed __init__
        self._close_task: asyncio.Future[None] | None = None
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._pool: Pool[ConnectionKey, ConnectionProtocol] = Pool(
            limit=_check_limit("limit", limit),
            limit_per_host=_check_limit("limit_per_host", limit_per_host),
            keepalive_timeout=math.inf if keepalive is None else keepalive,
        )
        self._force_close = force_close
        self._keepalive_timeout = keepalive
        self._protocol_factory: ProtocolFactory = protocol_factory or StreamProtocol
        self._timeout_ceil_threshold = ceil_threshold
        self._stale: set[int] = set()
        self._waiters: dict[Waiter[ConnectionKey, ConnectionProtocol], asyncio.Future[None]] = {}
        # One poll object per connector (connectors are bound to one loop, hence one thread).
        self._poller = select.poll() if hasattr(select, "poll") else None
        self._expiry_handle: asyncio.TimerHandle | None = None
        self._cleanup_closed = enable_cleanup_closed
        self._cleanup_closed_transports: list[asyncio.BaseTransport] = []
        self._cleanup_closed_handle: asyncio.TimerHandle | None = None
        self._source_traceback = (
            traceback.extract_stack(sys._getframe(1)) if self._loop.get_debug() else None
        )
        self._closed = False

    # ---------------------------------------------------------------- lifecycle

    def __del__(self, _warnings: Any = warnings) -> None:
        if getattr(self, "_closed", True):
            return
        description = repr(self)  # what was left open, before closing it
        self._closed = True
        items, _ = self._pool.clear()
        for protocol in items:
            protocol.close()
        _warnings.warn(f"Unclosed connector {description}", ResourceWarning, source=self)
        if self._loop.is_closed():
            return
        context: dict[str, Any] = {"connector": self, "message": "Unclosed connector"}
        if self._source_traceback is not None:
            context["source_traceback"] = self._source_traceback
        self._loop.call_exception_handler(context)

    def __enter__(self) -> Self:
        """Deprecated, as in aiohttp 3.x: use ``async with``. The exit closes the connector."""
        warnings.warn(
            '"with Connector():" is deprecated, use "async with Connector():" instead',
            DeprecationWarning,
            stacklevel=2,
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        name = type(self).__name__
        if self._closed:
            return f"<{name} [closed]>"
        stats = self._pool.stats()
        return (
            f"<{name} [open: {stats.active + stats.connecting} active, {stats.idle} idle"
            f" | waiters: {stats.waiting}]>"
        )

    def close(self, *, abort_ssl: bool = False) -> Awaitable[None]:
        """Close every pooled and in-use connection and stop accepting requests.

        The connections are closed at once and callers waiting for a slot get
        :class:`ClientConnectionError`; the returned awaitable finishes the job (closes the
        resolver the connector made, lets transports report their closure). As in aiohttp 3.x,
        ``await connector.close()`` is the normal use but a plain call also closes everything.
        ``abort_ssl=True`` aborts TLS connections instead of waiting for their closing
        handshake (plain ones are closed as usual). Calling it again does nothing more.
        """
        if self._close_task is not None:
            return self._close_task
        self._closed = True
        for handle in (self._expiry_handle, self._cleanup_closed_handle):
            if handle is not None:
                handle.cancel()
        self._expiry_handle = self._cleanup_closed_handle = None
        items, waiters = self._pool.clear()
        for waiter in waiters:
            future = self._waiters.pop(waiter, None)
            if future is not None and not future.done():
                future.set_exception(ClientConnectionError("Connector is closed."))
        for protocol in items:
            self._close_protocol(protocol, abort_ssl=abort_ssl)
        if abort_ssl:
            leftovers, self._cleanup_closed_transports = self._cleanup_closed_transports, []
            for transport in leftovers:
                if isinstance(transport, asyncio.WriteTransport):
                    transport.abort()
        self._closing()
        if self._loop.is_closed():
            done: asyncio.Future[None] = self._loop.create_future()
            done.set_result(None)
            self._close_task = done
        else:
            self._close_task = self._loop.create_task(self._finish_close())
        return self._close_task

    async def _finish_close(self) -> None:
        try:
            await self._close_extra()
        finally:
            # Let transports deliver connection_lost, then abort TLS shutdowns still pending.
            await asyncio.sleep(0)
            leftovers, self._cleanup_closed_transports = self._cleanup_closed_transports, []
            for transport in leftovers:
                if isinstance(transport, asyncio.WriteTransport):
                    transport.abort()

    def _closing(self) -> None:
        """Subclass hook run synchronously by :meth:`close` (cancel pending work)."""

    async def _close_extra(self) -> None:
        """Subclass hook awaited when closing (release resources such as resolvers)."""

    @property
    def closed(self) -> bool:
        """``True`` once :meth:`close` has been called."""
        return self._closed

    @property
    def force_close(self) -> bool:
        """``True`` when connections are closed on release instead of being kept alive."""
        return self._force_close

    @property
    def limit(self) -> int | None:
        """The cap on open connections (``0`` or ``None``: no cap)."""
        return self._limit

    @property
    def limit_per_host(self) -> int | None:
        """The cap on open connections per key (``0`` or ``None``: no cap)."""
        return self._limit_per_host

    @property
    def timeout_ceil_threshold(self) -> float:
        """Timers of at least this many seconds are rounded up to a whole second of the loop."""
        return self._timeout_ceil_threshold

    @property
    def keepalive_timeout(self) -> float | None:
        """Seconds an idle connection is kept (``0`` with ``force_close``, ``None``: forever)."""
        return self._keepalive_timeout

    @property
    def protocol_factory(self) -> ProtocolFactory:
        """Makes the protocol of each new connection; setting it drops the idle connections."""
        return self._protocol_factory

    @protocol_factory.setter
    def protocol_factory(self, factory: ProtocolFactory) -> None:
        if not callable(factory):
            raise TypeError(f"protocol_factory must be callable, got {factory!r}")
        if factory is self._protocol_factory:
            return
        self._protocol_factory = factory
        for protocol in self._pool.clear_idle():
            self._close_protocol(protocol)
        # Connections in use now carry the old kind of protocol: close them when released.
        self._stale.update(id(protocol) for protocol in self._pool.acquired_items())

    @property
    def stats(self) -> PoolStats:
        """Current counts and lifetime counters of the pool."""
        return self._pool.stats()

    def _asyncio_factory(self) -> Any:
        # asyncio wants a BaseProtocol; the structural ConnectionProtocol is one at runtime.
        return self._protocol_factory()

    async def _open_endpoint(
        self,
        opening: Callable[[], Awaitable[Any]],
        timeout: TimeoutLike | None,
        timeout_message: str,
        error: Callable[[OSError], Exception],
    ) -> ConnectionProtocol:
        """Run ``opening()`` (which returns the new protocol) within ``sock_connect``.

        For connectors with one local endpoint (a Unix socket, a named pipe): running out of
        time is a :class:`ConnectionTimeoutError` with ``timeout_message``, any other failure
        ``error(os_error)``.
        """
        deadline = asyncio.timeout(sock_connect_limit(timeout))
        try:
            async with deadline:
                protocol = await opening()
        except TimeoutError as exc:
            if deadline.expired():
                raise ConnectionTimeoutError(timeout_message) from exc
            raise error(exc) from exc
        except OSError as exc:
            raise error(exc) from exc
        return cast(ConnectionProtocol, protocol)

    def _check_open(self) -> None:
        if self._closed:
            raise ClientConnectionError(f"{type(self).__name__} is closed; it cannot connect")

    # --------------------------------------------------------------- connecting

    async def connect(
        self,
        req: RequestLike,
        traces: Iterable[TraceLike] | None = None,
        timeout: TimeoutLike | None = None,
    ) -> Connection:
        """Return a connection for ``req``: a pooled one if possible, else a new one.

        Waits while the limits are reached. ``timeout.connect`` bounds the whole call and
        ``timeout.sock_connect`` the opening of a new connection; both raise
        :class:`ConnectionTimeoutError`.
        """
        if self._closed:
            self._check_open()
        key = req.connection_key
        if not traces:
            # Fast path: a fresh idle connection, nothing to trace, nothing to wait for.
            protocol = self._pool.take_idle(key, self._loop.time())
            if protocol is not None:
                if self._usable(protocol):
                    return Connection(self, key, protocol, self._loop, True)
                self._pool.replace(key, protocol)
                self._close_protocol(protocol)
                return await self._within_deadline(
                    req, timeout, self._open_in_slot(req, key, _NO_TRACES, timeout)
                )
        trace_list = list(traces) if traces else _NO_TRACES
        return await self._within_deadline(
            req, timeout, self._connect(req, key, trace_list, timeout)
        )

    async def _within_deadline(
        self, req: RequestLike, timeout: TimeoutLike | None, work: Awaitable[Connection]
    ) -> Connection:
        overall = connect_limit(timeout)
        if overall is None:
            return await work
        deadline = asyncio.timeout(overall)
        try:
            async with deadline:
                return await work
        except TimeoutError as exc:
            if isinstance(exc, ConnectionTimeoutError) or not deadline.expired():
                raise
            raise ConnectionTimeoutError(f"Connection timeout to host {req.url}") from exc

    def _usable(self, protocol: ConnectionProtocol) -> bool:
        """Whether an idle connection may be handed out: still open, clean and not closed by
        the peer (checked on the socket, since the event loop may not have noticed yet)."""
        transport = protocol.transport
        return (
            transport is not None
            and protocol.is_connected()
            and not protocol.should_close
            and not _peer_went_away(transport, self._poller)
        )

    async def _connect(
        self,
        req: RequestLike,
        key: ConnectionKey,
        traces: list[TraceLike],
        timeout: TimeoutLike | None,
    ) -> Connection:
        grant, actions = self._pool.acquire(key, self._loop.time())
        if actions is not _NOTHING:
            self._apply(actions)
        if grant is None:
            grant = await self._wait_for_slot(key, traces)
        protocol = grant.item
        if protocol is not None:
            if self._usable(protocol):
                try:
                    for trace in traces:
                        await trace.send_connection_reuseconn()
                except BaseException:
                    self._apply(self._pool.release(key, protocol, self._loop.time(), reusable=True))
                    raise
                return Connection(self, key, protocol, self._loop, True)
            # The peer closed it while idle: keep the slot and open a fresh connection.
            self._pool.replace(key, protocol)
            self._close_protocol(protocol)
        return await self._open_in_slot(req, key, traces, timeout)

    async def _open_in_slot(
        self,
        req: RequestLike,
        key: ConnectionKey,
        traces: list[TraceLike],
        timeout: TimeoutLike | None,
    ) -> Connection:
        """Open a new connection in the slot the pool reserved for ``key``."""
        try:
            for trace in traces:
                await trace.send_connection_create_start()
            protocol = await self._create_connection(req, traces, timeout)
        except BaseException:
            if not self._closed:
                self._apply(self._pool.connect_failed(key, self._loop.time()))
            raise
        if self._closed:
            protocol.close()
            raise ClientConnectionError(f"{type(self).__name__} was closed while connecting")
        self._pool.connected(key, protocol)
        conn = Connection(self, key, protocol, self._loop)
        try:
            for trace in traces:
                await trace.send_connection_create_end()
        except BaseException:
            conn.close()
            raise
        return conn

    async def _wait_for_slot(
        self, key: ConnectionKey, traces: list[TraceLike]
    ) -> Grant[ConnectionProtocol]:
        waiter = self._pool.enqueue(key)
        future: asyncio.Future[None] = self._loop.create_future()
        self._waiters[waiter] = future
        try:
            for trace in traces:
                await trace.send_connection_queued_start()
            await future
            for trace in traces:
                await trace.send_connection_queued_end()
        except BaseException:
            self._waiters.pop(waiter, None)
            if not self._closed:
                self._apply(self._pool.cancel(waiter, self._loop.time()))
                self._schedule_expiry()  # a granted idle connection may have gone back
            raise
        self._waiters.pop(waiter, None)
        grant = waiter.grant
        assert grant is not None
        return grant

    async def _create_connection(
        self, req: RequestLike, traces: list[TraceLike], timeout: TimeoutLike | None
    ) -> ConnectionProtocol:
        """Open a new connection for ``req`` and return its protocol; subclasses implement it."""
        raise NotImplementedError

    # ------------------------------------------------------------ giving back

    def _release(
        self, key: ConnectionKey, protocol: ConnectionProtocol, *, should_close: bool
    ) -> None:
        if self._closed:
            self._close_protocol(protocol)
            return
        reusable = not (should_close or self._force_close)
        if self._stale and id(protocol) in self._stale:
            self._stale.discard(id(protocol))
            reusable = False
        actions = self._pool.release(key, protocol, self._loop.time(), reusable=reusable)
        if actions is not _NOTHING:
            self._apply(actions)
        if reusable and self._expiry_handle is None:
            self._schedule_expiry()

    def _detach(self, key: ConnectionKey, protocol: ConnectionProtocol) -> None:
        self._stale.discard(id(protocol))
        if not self._closed:
            self._apply(self._pool.forget(key, protocol, self._loop.time()))

    def _apply(self, actions: Actions[ConnectionKey, ConnectionProtocol]) -> None:
        for protocol in actions.close:
            self._close_protocol(protocol)
        for waiter in actions.wake:
            future = self._waiters.get(waiter)
            if future is not None and not future.done():
                future.set_result(None)

    def _close_protocol(self, protocol: ConnectionProtocol, *, abort_ssl: bool = False) -> None:
        transport = protocol.transport
        if (
            abort_ssl
            and isinstance(transport, asyncio.WriteTransport)
            and transport.get_extra_info("sslcontext") is not None
        ):
            transport.abort()
            return
        protocol.close()
        if (
            self._cleanup_closed
            and transport is not None
            and transport.get_extra_info("sslcontext") is not None
        ):
            self._cleanup_closed_transports.append(transport)
            if self._cleanup_closed_handle is None and not self._closed:
                self._cleanup_closed_handle = self._loop.call_at(
                    self._fire_time(self.cleanup_closed_period),
                    _call_weakly,
                    weakref.ref(self),
                    "_abort_closed_transports",
                )

    def _abort_closed_transports(self) -> None:
        self._cleanup_closed_handle = None
        transports, self._cleanup_closed_transports = self._cleanup_closed_transports, []
        for transport in transports:
            if isinstance(transport, asyncio.WriteTransport):
                transport.abort()

    def _schedule_expiry(self) -> None:
        if self._expiry_handle is not None:
            return
        when = self._pool.next_expiry()
        if when is not None:
            if self._keepalive_timeout is not None and (
                self._keepalive_timeout >= self._timeout_ceil_threshold
            ):
                when = math.ceil(when)
            self._expiry_handle = self._loop.call_at(
                when, _call_weakly, weakref.ref(self), "_expire_idle"
            )

    def _fire_time(self, delay: float) -> float:
        """When a timer of ``delay`` seconds fires, on the loop's clock (see the ceil threshold)."""
        when = self._loop.time() + delay
        return math.ceil(when) if delay >= self._timeout_ceil_threshold else when

    def _expire_idle(self) -> None:
        self._expiry_handle = None
        if self._closed:
            return
        self._apply(self._pool.expire(self._loop.time()))
        self._schedule_expiry()


BaseConnector.__module__ = "httpwire_connectors"
