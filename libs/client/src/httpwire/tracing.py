"""Client tracing: :class:`TraceConfig`, its signals and the parameters each signal carries.

A :class:`TraceConfig` holds one :class:`Signal` per point of a request's life (start, chunks
sent and received, redirects, end or failure, waiting for and opening connections, DNS). Code that
wants to observe requests appends async callbacks to those signals and passes the config to
``ClientSession(trace_configs=[...])``; the session freezes it, builds one :class:`Trace` per config
and request (:func:`build_traces`) and awaits the trace's ``send_*`` methods, which call every
callback as ``await callback(session, trace_config_ctx, params)``.

Behaviour follows aiohttp's (the ``aiosignal`` rules included): a frozen signal refuses changes
with :class:`RuntimeError`, sending through a signal that is not frozen raises
:class:`RuntimeError`, and the parameter classes are frozen with aiohttp's field names. With no
trace config a session has an empty trace list and makes no trace call at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, MutableSequence, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from multidict import CIMultiDict
from yarl import URL

if TYPE_CHECKING:
    from httpwire_connectors import TraceLike

    from ._reqrep import ClientResponse

__all__ = [
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
]

_P = TypeVar("_P")

#: What a tracing signal calls: ``(session, trace_config_ctx, params)``, awaited, result ignored.
#: The session is typed ``Any`` so that callbacks may annotate it with the session class.
TraceCallback = Callable[[Any, SimpleNamespace, _P], Awaitable[object]]


class Signal(MutableSequence[TraceCallback[_P]], Generic[_P]):
    """A list of async callbacks that can be frozen, then sent to; aiosignal's ``Signal`` API.

    Callbacks are added with any list method (``append``, ``insert``, ``extend``, ``+=``) or by
    using the signal as a decorator. After :meth:`freeze` every change raises
    :class:`RuntimeError`, so a session's observers cannot change while requests run; :meth:`send`
    refuses to run before that, as aiosignal does.
    """

    __slots__ = ("_frozen", "_items", "_owner")

    def __init__(self, owner: object) -> None:
        self._owner = owner
        self._frozen = False
        self._items: list[TraceCallback[_P]] = []

    @property
    def frozen(self) -> bool:
        """Whether :meth:`freeze` was called: the list can no longer change."""
        return self._frozen

    def freeze(self) -> None:
        """Make the list read-only; idempotent."""
        self._frozen = True

    def _check_mutable(self) -> None:
        if self._frozen:
            raise RuntimeError("Cannot modify frozen list.")

    @overload
    def __getitem__(self, index: int) -> TraceCallback[_P]: ...

    @overload
    def __getitem__(self, index: slice) -> list[TraceCallback[_P]]: ...

    def __getitem__(self, index: int | slice) -> TraceCallback[_P] | list[TraceCallback[_P]]:
        return self._items[index]

    @overload
    def __setitem__(self, index: int, value: TraceCallback[_P]) -> None: ...

    @overload
    def __setitem__(self, index: slice, value: Iterable[TraceCallback[_P]]) -> None: ...

    def __setitem__(self, index: int | slice, value: Any) -> None:
        self._check_mutable()
        self._items[index] = value

    def __delitem__(self, index: int | slice) -> None:
        self._check_mutable()
        del self._items[index]

    def insert(self, index: int, value: TraceCallback[_P]) -> None:
        """Insert a callback before ``index``; refused once frozen."""
        self._check_mutable()
        self._items.insert(index, value)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[TraceCallback[_P]]:
        return iter(self._items)

    def __reversed__(self) -> Iterator[TraceCallback[_P]]:
        return reversed(self._items)

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    def __hash__(self) -> int:
        # A list's contents may change, so only a frozen one has a stable hash (as frozenlist).
        if not self._frozen:
            raise RuntimeError("Cannot hash unfrozen list.")
        return hash(tuple(self._items))

    def __repr__(self) -> str:
        return f"<Signal owner={self._owner!r}, frozen={self._frozen}, {self._items!r}>"

    def __call__(self, func: TraceCallback[_P]) -> TraceCallback[_P]:
        """Append ``func`` and return it unchanged, so the signal can decorate a callback."""
        self.append(func)
        return func

    async def send(self, session: Any, trace_config_ctx: SimpleNamespace, params: _P) -> None:
        """Await every callback in order with ``(session, trace_config_ctx, params)``.

        Raises :class:`RuntimeError` when the signal is not frozen. An exception from a callback
        propagates and the callbacks after it are not called.
        """
        if not self._frozen:
            raise RuntimeError("Cannot send non-frozen signal.")
        for callback in self._items:
            await callback(session, trace_config_ctx, params)


# ------------------------------------------------------------------ parameters


@dataclass(frozen=True, slots=True)
class TraceRequestStartParams:
    """Sent by ``on_request_start``: the request as the caller asked for it."""

    method: str
    url: URL
    headers: CIMultiDict[str]


@dataclass(frozen=True, slots=True)
class TraceRequestChunkSentParams:
    """Sent by ``on_request_chunk_sent`` for each piece of the request body written."""

    method: str
    url: URL
    chunk: bytes


@dataclass(frozen=True, slots=True)
class TraceResponseChunkReceivedParams:
    """Sent by ``on_response_chunk_received`` for each piece of the response body read."""

    method: str
    url: URL
    chunk: bytes


@dataclass(frozen=True, slots=True)
class TraceRequestEndParams:
    """Sent by ``on_request_end`` once the final response's headers have arrived."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: ClientResponse


@dataclass(frozen=True, slots=True)
class TraceRequestExceptionParams:
    """Sent by ``on_request_exception`` when the request fails, with the exception raised."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    exception: BaseException


@dataclass(frozen=True, slots=True)
class TraceRequestRedirectParams:
    """Sent by ``on_request_redirect`` for each redirect response followed."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: ClientResponse


@dataclass(frozen=True, slots=True)
class TraceConnectionQueuedStartParams:
    """Sent by ``on_connection_queued_start`` when the pool's limits make the request wait."""


@dataclass(frozen=True, slots=True)
class TraceConnectionQueuedEndParams:
    """Sent by ``on_connection_queued_end`` when a waiting request gets its pool slot."""


@dataclass(frozen=True, slots=True)
class TraceConnectionCreateStartParams:
    """Sent by ``on_connection_create_start`` before a new connection is opened."""


@dataclass(frozen=True, slots=True)
class TraceConnectionCreateEndParams:
    """Sent by ``on_connection_create_end`` once a new connection is open."""


@dataclass(frozen=True, slots=True)
class TraceConnectionReuseconnParams:
    """Sent by ``on_connection_reuseconn`` when a pooled connection is handed out again."""


@dataclass(frozen=True, slots=True)
class TraceDnsResolveHostStartParams:
    """Sent by ``on_dns_resolvehost_start`` before the resolver looks ``host`` up."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceDnsResolveHostEndParams:
    """Sent by ``on_dns_resolvehost_end`` after the resolver answered for ``host``."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceDnsCacheHitParams:
    """Sent by ``on_dns_cache_hit`` when ``host``'s addresses come from the DNS cache."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceDnsCacheMissParams:
    """Sent by ``on_dns_cache_miss`` when ``host`` is not in the DNS cache."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceRequestHeadersSentParams:
    """Sent by ``on_request_headers_sent`` once the request line and headers are written."""

    method: str
    url: URL
    headers: CIMultiDict[str]


# ---------------------------------------------------------------------- config


class TraceConfig:
    """The signals a session fires for its requests, and the factory of per-request contexts.

    ``trace_config_ctx_factory`` is called as ``factory(trace_request_ctx=...)`` once per request
    and config; what it returns is passed to every callback of that request, so callbacks can
    keep per-request state on it (timings, for example).
    """

    def __init__(
        self, trace_config_ctx_factory: Callable[..., SimpleNamespace] = SimpleNamespace
    ) -> None:
        self._on_request_start: Signal[TraceRequestStartParams] = Signal(self)
        self._on_request_chunk_sent: Signal[TraceRequestChunkSentParams] = Signal(self)
        self._on_response_chunk_received: Signal[TraceResponseChunkReceivedParams] = Signal(self)
        self._on_request_end: Signal[TraceRequestEndParams] = Signal(self)
        self._on_request_exception: Signal[TraceRequestExceptionParams] = Signal(self)
        self._on_request_redirect: Signal[TraceRequestRedirectParams] = Signal(self)
        self._on_connection_queued_start: Signal[TraceConnectionQueuedStartParams] = Signal(self)
        self._on_connection_queued_end: Signal[TraceConnectionQueuedEndParams] = Signal(self)
        self._on_connection_create_start: Signal[TraceConnectionCreateStartParams] = Signal(self)
        self._on_connection_create_end: Signal[TraceConnectionCreateEndParams] = Signal(self)
        self._on_connection_reuseconn: Signal[TraceConnectionReuseconnParams] = Signal(self)
        self._on_dns_resolvehost_start: Signal[TraceDnsResolveHostStartParams] = Signal(self)
        self._on_dns_resolvehost_end: Signal[TraceDnsResolveHostEndParams] = Signal(self)
        self._on_dns_cache_hit: Signal[TraceDnsCacheHitParams] = Signal(self)
        self._on_dns_cache_miss: Signal[TraceDnsCacheMissParams] = Signal(self)
        self._on_request_headers_sent: Signal[TraceRequestHeadersSentParams] = Signal(self)
        self._trace_config_ctx_factory = trace_config_ctx_factory

    def _signals(self) -> tuple[Signal[Any], ...]:
        return (
            self._on_request_start,
            self._on_request_chunk_sent,
            self._on_response_chunk_received,
            self._on_request_end,
            self._on_request_exception,
            self._on_request_redirect,
            self._on_connection_queued_start,
            self._on_connection_queued_end,
            self._on_connection_create_start,
            self._on_connection_create_end,
            self._on_connection_reuseconn,
            self._on_dns_resolvehost_start,
            self._on_dns_resolvehost_end,
            self._on_dns_cache_hit,
            self._on_dns_cache_miss,
            self._on_request_headers_sent,
        )

    def trace_config_ctx(self, trace_request_ctx: Any = None) -> SimpleNamespace:
        """A new per-request context: the factory's object with ``trace_request_ctx`` set.

        ``trace_request_ctx`` is what the caller passed to the request (``None`` by default), so
        callbacks can tell requests apart or receive data from the call site.
        """
        return self._trace_config_ctx_factory(trace_request_ctx=trace_request_ctx)

    def freeze(self) -> None:
        """Freeze every signal: callbacks can no longer be added or removed. Idempotent.

        The session does this when it is created, before any request can fire a signal.
        """
        for signal in self._signals():
            signal.freeze()

    @property
    def is_frozen(self) -> bool:
        """Whether every signal is frozen (an httpwire addition; aiohttp has no such property)."""
        return all(signal.frozen for signal in self._signals())

    @property
    def on_request_start(self) -> Signal[TraceRequestStartParams]:
        """Fired first, before a connection is looked for."""
        return self._on_request_start

    @property
    def on_request_chunk_sent(self) -> Signal[TraceRequestChunkSentParams]:
        """Fired for each chunk of the request body written to the connection."""
        return self._on_request_chunk_sent

    @property
    def on_response_chunk_received(self) -> Signal[TraceResponseChunkReceivedParams]:
        """Fired for each chunk of the response body read."""
        return self._on_response_chunk_received

    @property
    def on_request_end(self) -> Signal[TraceRequestEndParams]:
        """Fired when the response (after redirects) is ready to be read."""
        return self._on_request_end

    @property
    def on_request_exception(self) -> Signal[TraceRequestExceptionParams]:
        """Fired when the request fails, before the exception reaches the caller."""
        return self._on_request_exception

    @property
    def on_request_redirect(self) -> Signal[TraceRequestRedirectParams]:
        """Fired for each redirect response that the session follows."""
        return self._on_request_redirect

    @property
    def on_connection_queued_start(self) -> Signal[TraceConnectionQueuedStartParams]:
        """Fired when the connector's limits make the request wait for a connection."""
        return self._on_connection_queued_start

    @property
    def on_connection_queued_end(self) -> Signal[TraceConnectionQueuedEndParams]:
        """Fired when the waiting ends."""
        return self._on_connection_queued_end

    @property
    def on_connection_create_start(self) -> Signal[TraceConnectionCreateStartParams]:
        """Fired before a new connection is opened (DNS look-up included)."""
        return self._on_connection_create_start

    @property
    def on_connection_create_end(self) -> Signal[TraceConnectionCreateEndParams]:
        """Fired once the new connection is open."""
        return self._on_connection_create_end

    @property
    def on_connection_reuseconn(self) -> Signal[TraceConnectionReuseconnParams]:
        """Fired when an idle pooled connection is used instead of a new one."""
        return self._on_connection_reuseconn

    @property
    def on_dns_resolvehost_start(self) -> Signal[TraceDnsResolveHostStartParams]:
        """Fired before the resolver is asked for a host's addresses."""
        return self._on_dns_resolvehost_start

    @property
    def on_dns_resolvehost_end(self) -> Signal[TraceDnsResolveHostEndParams]:
        """Fired after the resolver answered."""
        return self._on_dns_resolvehost_end

    @property
    def on_dns_cache_hit(self) -> Signal[TraceDnsCacheHitParams]:
        """Fired when a host's addresses are taken from the connector's DNS cache."""
        return self._on_dns_cache_hit

    @property
    def on_dns_cache_miss(self) -> Signal[TraceDnsCacheMissParams]:
        """Fired when a host is not in the DNS cache and has to be looked up."""
        return self._on_dns_cache_miss

    @property
    def on_request_headers_sent(self) -> Signal[TraceRequestHeadersSentParams]:
        """Fired once the request line and headers have been written."""
        return self._on_request_headers_sent


# ----------------------------------------------------------------------- trace


class Trace:
    """One config's signals bound to one request: the session, the config and its context.

    The session and the connector call the ``send_*`` methods (the connector through its
    structural ``TraceLike``). Each builds its parameters object only when the signal has a
    callback, so a config that watches one signal costs next to nothing on the others; a signal
    with callbacks that is not frozen raises :class:`RuntimeError` as aiohttp's does.
    """

    __slots__ = ("_config", "_ctx", "_session")

    def __init__(
        self, session: Any, trace_config: TraceConfig, trace_config_ctx: SimpleNamespace
    ) -> None:
        self._session = session
        self._config = trace_config
        self._ctx = trace_config_ctx

    async def send_request_start(self, method: str, url: URL, headers: CIMultiDict[str]) -> None:
        """Fire ``on_request_start``."""
        signal = self._config._on_request_start
        if signal._items:
            await signal.send(
                self._session, self._ctx, TraceRequestStartParams(method, url, headers)
            )

    async def send_request_chunk_sent(self, method: str, url: URL, chunk: bytes) -> None:
        """Fire ``on_request_chunk_sent``."""
        signal = self._config._on_request_chunk_sent
        if signal._items:
            await signal.send(
                self._session, self._ctx, TraceRequestChunkSentParams(method, url, chunk)
            )

    async def send_response_chunk_received(self, method: str, url: URL, chunk: bytes) -> None:
        """Fire ``on_response_chunk_received``."""
        signal = self._config._on_response_chunk_received
        if signal._items:
            await signal.send(
                self._session, self._ctx, TraceResponseChunkReceivedParams(method, url, chunk)
            )

    async def send_request_end(
        self, method: str, url: URL, headers: CIMultiDict[str], response: ClientResponse
    ) -> None:
        """Fire ``on_request_end``."""
        signal = self._config._on_request_end
        if signal._items:
            await signal.send(
                self._session, self._ctx, TraceRequestEndParams(method, url, headers, response)
            )

    async def send_request_exception(
        self, method: str, url: URL, headers: CIMultiDict[str], exception: BaseException
    ) -> None:
        """Fire ``on_request_exception``."""
        signal = self._config._on_request_exception
        if signal._items:
            params = TraceRequestExceptionParams(method, url, headers, exception)
            await signal.send(self._session, self._ctx, params)

    async def send_request_redirect(
        self, method: str, url: URL, headers: CIMultiDict[str], response: ClientResponse
    ) -> None:
        """Fire ``on_request_redirect``."""
        signal = self._config._on_request_redirect
        if signal._items:
            params = TraceRequestRedirectParams(method, url, headers, response)
            await signal.send(self._session, self._ctx, params)

    async def send_connection_queued_start(self) -> None:
        """Fire ``on_connection_queued_start``."""
        signal = self._config._on_connection_queued_start
        if signal._items:
            await signal.send(self._session, self._ctx, TraceConnectionQueuedStartParams())

    async def send_connection_queued_end(self) -> None:
        """Fire ``on_connection_queued_end``."""
        signal = self._config._on_connection_queued_end
        if signal._items:
            await signal.send(self._session, self._ctx, TraceConnectionQueuedEndParams())

    async def send_connection_create_start(self) -> None:
        """Fire ``on_connection_create_start``."""
        signal = self._config._on_connection_create_start
        if signal._items:
            await signal.send(self._session, self._ctx, TraceConnectionCreateStartParams())

    async def send_connection_create_end(self) -> None:
        """Fire ``on_connection_create_end``."""
        signal = self._config._on_connection_create_end
        if signal._items:
            await signal.send(self._session, self._ctx, TraceConnectionCreateEndParams())

    async def send_connection_reuseconn(self) -> None:
        """Fire ``on_connection_reuseconn``."""
        signal = self._config._on_connection_reuseconn
        if signal._items:
            await signal.send(self._session, self._ctx, TraceConnectionReuseconnParams())

    async def send_dns_resolvehost_start(self, host: str) -> None:
        """Fire ``on_dns_resolvehost_start``."""
        signal = self._config._on_dns_resolvehost_start
        if signal._items:
            await signal.send(self._session, self._ctx, TraceDnsResolveHostStartParams(host))

    async def send_dns_resolvehost_end(self, host: str) -> None:
        """Fire ``on_dns_resolvehost_end``."""
        signal = self._config._on_dns_resolvehost_end
        if signal._items:
            await signal.send(self._session, self._ctx, TraceDnsResolveHostEndParams(host))

    async def send_dns_cache_hit(self, host: str) -> None:
        """Fire ``on_dns_cache_hit``."""
        signal = self._config._on_dns_cache_hit
        if signal._items:
            await signal.send(self._session, self._ctx, TraceDnsCacheHitParams(host))

    async def send_dns_cache_miss(self, host: str) -> None:
        """Fire ``on_dns_cache_miss``."""
        signal = self._config._on_dns_cache_miss
        if signal._items:
            await signal.send(self._session, self._ctx, TraceDnsCacheMissParams(host))

    async def send_request_headers(self, method: str, url: URL, headers: CIMultiDict[str]) -> None:
        """Fire ``on_request_headers_sent`` (aiohttp's ``Trace`` names the method this way)."""
        signal = self._config._on_request_headers_sent
        if signal._items:
            params = TraceRequestHeadersSentParams(method, url, headers)
            await signal.send(self._session, self._ctx, params)


def build_traces(
    session: Any, trace_configs: Sequence[TraceConfig], trace_request_ctx: Any = None
) -> list[Trace]:
    """The traces of one request: one per config, each with a fresh context from its factory.

    Returns a new empty list at once when there is no config, so the session can test the list
    and skip every trace call: no context is made and nothing is awaited.
    """
    if not trace_configs:
        return []
    return [
        Trace(session, config, config.trace_config_ctx(trace_request_ctx=trace_request_ctx))
        for config in trace_configs
    ]


if TYPE_CHECKING:

    def _trace_satisfies_the_connector_interface(trace: Trace) -> TraceLike:
        """Never called: mypy checks here that the connector can await a :class:`Trace`."""
        return trace
