"""Pool policy as pure bookkeeping: who may reuse, who may open, who waits, what gets closed.

House rules: everything that decides limits, keep-alive expiry, idle reuse order and waiter order
lives here, and nothing here awaits, reads a clock or touches a transport. Callers pass ``now``
and carry out the returned :class:`Actions` (close these items, wake these waiters).

Counting: ``limit`` bounds every open connection (in use, being opened, or idle), so the number
of sockets never exceeds it; when a new connection is needed at the limit, the oldest idle
connection of another endpoint is evicted to make room. ``limit_per_host`` bounds the same count
per key. Idle connections are reused newest first (LIFO), so the older ones age out.
"""

from __future__ import annotations

import contextlib
import math
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["PoolStats"]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PoolStats:
    """A snapshot of a connector's pool, for metrics and debugging.

    ``active`` counts connections handed out, ``connecting`` those being opened, ``idle`` those
    kept for reuse, ``waiting`` the callers queued for a slot. The counters ``created``,
    ``reused``, ``expired`` (keep-alive ran out) and ``evicted`` (closed to make room under
    ``limit``) grow from the connector's creation.
    """

    active: int
    connecting: int
    idle: int
    waiting: int
    created: int
    reused: int
    expired: int
    evicted: int


PoolStats.__module__ = "httpwire_connectors"


@dataclass(eq=False, slots=True)
class Grant(Generic[T]):
    """Permission to proceed: reuse ``item`` (idle since ``since``), or open a new connection."""

    item: T | None = None
    since: float = 0.0


@dataclass(eq=False, slots=True)
class Waiter(Generic[K, T]):
    """A queued caller for ``key``; ``grant`` is set when the pool lets it proceed."""

    key: K
    grant: Grant[T] | None = None


@dataclass(slots=True)
class Actions(Generic[K, T]):
    """What the caller must do after a pool operation."""

    close: list[T] = field(default_factory=list)
    wake: list[Waiter[K, T]] = field(default_factory=list)


#: Returned when there is nothing to do; never mutated.
_NOTHING: Actions[Any, Any] = Actions()


class Pool(Generic[K, T]):
    """Per-key accounting of a connector's connections and of the callers waiting for one.

    ``limit`` and ``limit_per_host`` of ``0`` mean unlimited; ``keepalive_timeout`` of ``0``
    (or less) means released connections are never kept, ``math.inf`` that they never expire.
    """

    def __init__(self, *, limit: int, limit_per_host: int, keepalive_timeout: float) -> None:
        self.limit = limit
        self.limit_per_host = limit_per_host
        self.keepalive_timeout = keepalive_timeout
        # Idle connections per key as (item, released at), oldest first; plain tuples for speed.
        self._idle: dict[K, list[tuple[T, float]]] = {}
        self._busy: dict[K, int] = {}
        self._acquired: dict[int, tuple[K, T]] = {}
        self._waiters: deque[Waiter[K, T]] = deque()
        self._busy_total = 0
        self._idle_total = 0
        self._created = 0
        self._reused = 0
        self._expired = 0
        self._evicted = 0

    # ----------------------------------------------------------------- queries

    def stats(self) -> PoolStats:
        """Counts and counters as a :class:`PoolStats`."""
        active = len(self._acquired)
        return PoolStats(
            active=active,
            connecting=self._busy_total - active,
            idle=self._idle_total,
            waiting=len(self._waiters),
            created=self._created,
            reused=self._reused,
            expired=self._expired,
            evicted=self._evicted,
        )

    def acquired_items(self) -> list[T]:
        """Every connection currently handed out."""
        return [item for _, item in self._acquired.values()]

    def idle_items(self) -> list[T]:
        """Every idle connection, oldest first within each key."""
        return [item for entries in self._idle.values() for item, _ in entries]

    def next_expiry(self) -> float | None:
        """When the oldest idle connection's keep-alive runs out, or ``None`` without idle ones."""
        oldest = [entries[0][1] for entries in self._idle.values() if entries]
        if not oldest or self.keepalive_timeout == math.inf:
            return None
        return min(oldest) + self.keepalive_timeout

    def open_count(self, key: K | None = None) -> int:
        """Open connections (in use, opening and idle), for ``key`` or overall."""
        if key is None:
            return self._busy_total + self._idle_total
        return self._busy.get(key, 0) + len(self._idle.get(key, ()))

    # ------------------------------------------------------------- acquiring

    def acquire(self, key: K, now: float) -> tuple[Grant[T] | None, Actions[K, T]]:
        """Try to get a connection for ``key`` at once: reuse, open, or ``None`` (must wait)."""
        entries = self._idle.get(key)
        if entries:
            since = entries[-1][1]
            item = self.take_idle(key, now)
            if item is not None:
                return Grant(item, since), _NOTHING
        actions: Actions[K, T] = Actions()
        grant = self._try_grant(key, now, actions)
        return grant, actions

    def take_idle(self, key: K, now: float) -> T | None:
        """The fast path: hand out the newest idle connection of ``key`` if it is still fresh.

        Returns ``None`` when there is none (or it expired); :meth:`acquire` then decides.
        Older idle connections are left for :meth:`expire`.
        """
        entries = self._idle.get(key)
        if not entries:
            return None
        item, since = entries[-1]
        if now - since >= self.keepalive_timeout:
            return None
        entries.pop()
        if not entries:
            del self._idle[key]
        self._idle_total -= 1
        self._busy[key] = self._busy.get(key, 0) + 1
        self._busy_total += 1
        self._acquired[id(item)] = (key, item)
        self._reused += 1
        return item

    def enqueue(self, key: K) -> Waiter[K, T]:
        """Queue a caller that :meth:`acquire` could not serve; it is served in FIFO order."""
        waiter: Waiter[K, T] = Waiter(key)
        self._waiters.append(waiter)
        return waiter

    def cancel(self, waiter: Waiter[K, T], now: float) -> Actions[K, T]:
        """Withdraw a waiter (cancelled or timed out); a grant it already got is given back."""
        grant = waiter.grant
        if grant is None:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)
            return Actions()
        waiter.grant = None
        key = waiter.key
        if grant.item is not None:
            self._acquired.pop(id(grant.item), None)
            self._reused -= 1
            self._busy_dec(key)
            self._idle.setdefault(key, []).append((grant.item, grant.since))
            self._idle_total += 1
        else:
            self._busy_dec(key)
        return self._schedule(now)

    # --------------------------------------------------------- state changes

    def connected(self, key: K, item: T) -> None:
        """A reserved slot now holds a newly opened, handed-out connection."""
        self._acquired[id(item)] = (key, item)
        self._created += 1

    def connect_failed(self, key: K, now: float) -> Actions[K, T]:
        """Opening a connection failed (or was cancelled): its reserved slot is free again."""
        self._busy_dec(key)
        return self._schedule(now)

    def replace(self, key: K, item: T) -> None:
        """A handed-out connection turned out dead before use; keep its slot for a new one."""
        self._acquired.pop(id(item), None)

    def release(self, key: K, item: T, now: float, *, reusable: bool) -> Actions[K, T]:
        """A handed-out connection comes back: pool it if ``reusable``, otherwise close it."""
        if self._acquired.pop(id(item), None) is None:
            return _NOTHING
        count = self._busy[key] - 1
        if count:
            self._busy[key] = count
        else:
            del self._busy[key]
        self._busy_total -= 1
        if reusable and self.keepalive_timeout > 0:
            entries = self._idle.get(key)
            if entries is None:
                self._idle[key] = [(item, now)]
            else:
                entries.append((item, now))
            self._idle_total += 1
            return self._schedule(now) if self._waiters else _NOTHING
        actions: Actions[K, T] = Actions()
        actions.close.append(item)
        self._schedule(now, actions)
        return actions

    def forget(self, key: K, item: T, now: float) -> Actions[K, T]:
        """A handed-out connection was closed or detached by its user: free its slot."""
        if self._acquired.pop(id(item), None) is None:
            return _NOTHING
        self._busy_dec(key)
        return self._schedule(now)

    def discard_idle(self, key: K, item: T) -> bool:
        """Drop an idle connection found dead (the peer closed it); ``True`` if it was idle."""
        entries = self._idle.get(key)
        if not entries:
            return False
        for index, (idle, _) in enumerate(entries):
            if idle is item:
                del entries[index]
                self._idle_total -= 1
                if not entries:
                    del self._idle[key]
                return True
        return False

    def expire(self, now: float) -> Actions[K, T]:
        """Close every idle connection whose keep-alive has run out."""
        actions: Actions[K, T] = Actions()
        for key in list(self._idle):
            self._expire_key(key, now, actions)
        return actions

    def clear(self) -> tuple[list[T], list[Waiter[K, T]]]:
        """Forget everything (the connector is closing): every connection and every waiter."""
        items = self.idle_items() + self.acquired_items()
        waiters = list(self._waiters)
        self._idle.clear()
        self._busy.clear()
        self._acquired.clear()
        self._waiters.clear()
        self._busy_total = 0
        self._idle_total = 0
        return items, waiters

    def clear_idle(self) -> list[T]:
        """Forget every idle connection (to be closed by the caller)."""
        items = self.idle_items()
        self._idle.clear()
        self._idle_total = 0
        return items

    # -------------------------------------------------------------- internals

    def _busy_dec(self, key: K) -> None:
        count = self._busy.get(key, 0) - 1
        if count > 0:
            self._busy[key] = count
        else:
            self._busy.pop(key, None)
        self._busy_total -= 1

    def _expire_key(self, key: K, now: float, actions: Actions[K, T]) -> None:
        entries = self._idle.get(key)
        if not entries:
            return
        keep = [e for e in entries if now - e[1] < self.keepalive_timeout]
        gone = len(entries) - len(keep)
        if not gone:
            return
        actions.close.extend(e[0] for e in entries if now - e[1] >= self.keepalive_timeout)
        self._expired += gone
        self._idle_total -= gone
        if keep:
            self._idle[key] = keep
        else:
            del self._idle[key]

    def _try_grant(self, key: K, now: float, actions: Actions[K, T]) -> Grant[T] | None:
        self._expire_key(key, now, actions)
        entries = self._idle.get(key)
        if entries:
            since = entries[-1][1]
            item = self.take_idle(key, now)
            assert item is not None  # _expire_key left only fresh entries
            return Grant(item, since)
        if self.limit_per_host and self._busy.get(key, 0) >= self.limit_per_host:
            return None
        at_limit = self.limit and self._busy_total + self._idle_total >= self.limit
        if at_limit and not self._evict_one(actions):
            return None
        self._take_slot(key)
        return Grant()

    def _take_slot(self, key: K) -> None:
        self._busy[key] = self._busy.get(key, 0) + 1
        self._busy_total += 1

    def _evict_one(self, actions: Actions[K, T]) -> bool:
        oldest_key: K | None = None
        oldest = 0.0
        for key, entries in self._idle.items():
            if entries and (oldest_key is None or entries[0][1] < oldest):
                oldest_key, oldest = key, entries[0][1]
        if oldest_key is None:
            return False
        entries = self._idle[oldest_key]
        actions.close.append(entries.pop(0)[0])
        if not entries:
            del self._idle[oldest_key]
        self._idle_total -= 1
        self._evicted += 1
        return True

    def _schedule(self, now: float, actions: Actions[K, T] | None = None) -> Actions[K, T]:
        if actions is None:
            actions = Actions()
        if not self._waiters:
            return actions
        for waiter in list(self._waiters):
            grant = self._try_grant(waiter.key, now, actions)
            if grant is not None:
                waiter.grant = grant
                self._waiters.remove(waiter)
                actions.wake.append(waiter)
        return actions
