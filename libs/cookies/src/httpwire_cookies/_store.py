"""``CookieStore``: where ``CookieJar`` keeps its records, and how it finds and evicts them.

House rules: records are indexed domain → path → name, so a lookup only visits the request host's
domain chain. The store keeps the counts the limits need (per domain and in total), a count of
Secure cookies per name (the shadowing check runs only for names listed there) and a min-heap of
expiry times with lazy deletion (``CookieRecord.alive``). It decides nothing about whether a
cookie may be stored: that is the jar's job (``_jar.py``).

Recency, as in aiohttp 3.14 (after Firefox): every stored cookie, a replacement or an identical
re-set included, gets a generation of its own; the cookies sent together for one request share
one. Room for a new cookie is made before it is stored: expired cookies go first, then the least
recently used, down to a quota below the limit (a full domain to 150 of its 180 cookies, a full
jar to 3000 of 3300, by default); when a domain is full its non-Secure cookies go before its
Secure ones, and a new non-Secure cookie is dropped rather than evict a Secure one. Evictions are
logged at WARNING.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections.abc import Iterator
from operator import attrgetter
from typing import Final

from ._match import domain_match, is_ip_address, path_match
from ._record import CookieRecord

__all__: list[str] = []

_logger = logging.getLogger("httpwire.cookies")

_ORDER: Final = attrgetter("order")
_RECENCY: Final = attrgetter("access", "seq")
# Evicted cookies named in a log line, at most.
_LOGGED_NAMES: Final = 5
# Heap entries at most this multiple of the live cookies (plus slack) before compaction.
_HEAP_SLACK: Final = 64
# Hosts whose domain chain is remembered (the cache is emptied when it fills up).
_CHAIN_CACHE_SIZE: Final = 256


class CookieStore:
    """The records of one jar, indexed for sending, with their counts and expiry heap."""

    __slots__ = (
        "access",
        "chains",
        "count",
        "domain_counts",
        "heap",
        "index",
        "secure_names",
        "seq",
        "ticket",
        "unsafe",
    )

    def __init__(self, *, unsafe: bool) -> None:
        # Whether requests to IP-address hosts look up cookies stored under those hosts.
        self.unsafe = unsafe
        self.index: dict[str, dict[str, dict[str, CookieRecord]]] = {}
        self.domain_counts: dict[str, int] = {}
        self.count = 0
        self.secure_names: dict[str, int] = {}
        self.heap: list[tuple[float, int, CookieRecord]] = []
        self.seq = itertools.count()
        # Unique heap tie-breaker: a replacement keeps its predecessor's sequence number.
        self.ticket = itertools.count()
        self.access = 0
        self.chains: dict[str, tuple[str, ...]] = {}

    def records(self) -> Iterator[CookieRecord]:
        """Every stored record, expired or not, in index order."""
        for buckets in self.index.values():
            for bucket in buckets.values():
                yield from bucket.values()

    def find(self, domain: str, path: str, name: str) -> CookieRecord | None:
        """The record with this (domain, path, name) identity, if any."""
        buckets = self.index.get(domain)
        if buckets is None:
            return None
        bucket = buckets.get(path)
        return None if bucket is None else bucket.get(name)

    def adopt(self, other: CookieStore) -> None:
        """Take over ``other``'s records and counters (``load`` fills a fresh store first)."""
        self.clear()
        for slot in self.__slots__:
            setattr(self, slot, getattr(other, slot))

    # -- changes ---------------------------------------------------------------------------

    def add(self, record: CookieRecord) -> None:
        """Store a record with a new identity, as just used."""
        buckets = self.index.get(record.domain)
        if buckets is None:
            buckets = self.index[record.domain] = {}
        bucket = buckets.get(record.path)
        if bucket is None:
            bucket = buckets[record.path] = {}
        bucket[record.name] = record
        self.count += 1
        self.access = record.access = self.access + 1
        if record.secure:
            self.secure_names[record.name] = self.secure_names.get(record.name, 0) + 1
        self.domain_counts[record.domain] = self.domain_counts.get(record.domain, 0) + 1

    def replace(self, old: CookieRecord, record: CookieRecord) -> None:
        """Put ``record`` in the place of ``old`` (same identity), as just used."""
        old.alive = False
        self.access = record.access = self.access + 1
        if old.secure:
            self._forget_secure(old.name)
        if record.secure:
            self.secure_names[record.name] = self.secure_names.get(record.name, 0) + 1
        # Assigning to an existing key keeps its position in the bucket.
        self.index[record.domain][record.path][record.name] = record

    def remove(self, record: CookieRecord) -> None:
        """Take a stored record out of the store."""
        buckets = self.index[record.domain]
        bucket = buckets[record.path]
        del bucket[record.name]
        if not bucket:
            del buckets[record.path]
            if not buckets:
                del self.index[record.domain]
        record.alive = False
        self.count -= 1
        if record.secure:
            self._forget_secure(record.name)
        remaining = self.domain_counts[record.domain] - 1
        if remaining:
            self.domain_counts[record.domain] = remaining
        else:
            del self.domain_counts[record.domain]

    def clear(self) -> None:
        """Remove every record."""
        for record in self.records():
            record.alive = False
        self.index.clear()
        self.domain_counts.clear()
        self.heap.clear()
        self.secure_names.clear()
        self.count = 0

    def _forget_secure(self, name: str) -> None:
        remaining = self.secure_names[name] - 1
        if remaining:
            self.secure_names[name] = remaining
        else:
            del self.secure_names[name]

    # -- expiry ----------------------------------------------------------------------------

    def schedule(self, record: CookieRecord, expires: float) -> None:
        """Remember that ``record`` expires at ``expires``."""
        heap = self.heap
        heapq.heappush(heap, (expires, next(self.ticket), record))
        if len(heap) > 2 * self.count + _HEAP_SLACK:
            self.heap = [entry for entry in heap if entry[2].alive]
            heapq.heapify(self.heap)

    def expire(self, now: float) -> None:
        """Remove every record whose expiry time is ``now`` or earlier."""
        heap = self.heap
        if heap and heap[0][0] <= now:
            while heap and heap[0][0] <= now:
                record = heapq.heappop(heap)[2]
                if record.alive:
                    self.remove(record)

    # -- Secure shadowing ------------------------------------------------------------------

    def shadows_secure(self, name: str, domain: str, path: str) -> bool:
        """Whether a cookie (name, domain, path) would replace or shadow a Secure one."""
        if name not in self.secure_names:
            return False
        for record in self.records():
            if (
                record.secure
                and record.name == name
                and (domain_match(record.domain, domain) or domain_match(domain, record.domain))
                and path_match(path, record.path)
            ):
                return True
        return False

    # -- limits ----------------------------------------------------------------------------

    def _evict(self, candidates: list[CookieRecord], excess: int) -> list[CookieRecord]:
        """Remove the ``excess`` least recently used of ``candidates`` (oldest first on ties)."""
        candidates.sort(key=_RECENCY)
        evicted = candidates[:excess]
        for record in evicted:
            self.remove(record)
        return evicted

    def make_room_in(self, domain: str, secure: bool, now: float, limit: int, quota: int) -> bool:
        """Make room in a full ``domain`` (``limit`` cookies) for one more; False: drop the new one.

        As in Firefox and aiohttp 3.14: expired cookies go first; if that leaves the domain
        full, the least recently used non-Secure cookies go until the domain holds ``quota``
        cookies plus the new one. ``secure`` tells whether the new cookie is Secure: only a
        Secure cookie may evict a Secure one, so a new non-Secure cookie is dropped when the
        domain holds only live Secure cookies.
        """
        self.expire(now)
        count = self.domain_counts.get(domain, 0)
        excess = count - quota + 1
        if excess <= 0:
            return True
        records = [r for bucket in self.index[domain].values() for r in bucket.values()]
        candidates = [r for r in records if not r.secure]
        if not candidates:
            if count < limit:
                # Expiry freed a slot: no live Secure cookie need go.
                return True
            if not secure:
                return False
            candidates = records
        evicted = self._evict(candidates, excess)
        _logger.warning(
            "evicted %d cookie(s) for %s over the %d-cookie domain limit: %s",
            len(evicted),
            domain,
            limit,
            _names(evicted),
        )
        return True

    def make_room(self, now: float, limit: int, quota: int) -> None:
        """Trim a full store (``limit`` cookies) to ``quota``: expired, then least recently used."""
        self.expire(now)
        excess = self.count - quota
        if excess > 0:
            evicted = self._evict(list(self.records()), excess)
            _logger.warning(
                "evicted %d cookie(s) over the %d-cookie limit of the jar: %s",
                len(evicted),
                limit,
                _names(evicted),
            )

    # -- sending (RFC 6265 §5.4) -----------------------------------------------------------

    def chain(self, host: str) -> tuple[str, ...]:
        """The index keys a request to ``host`` may find cookies under, shared ones last."""
        chain = self.chains.get(host)
        if chain is not None:
            return chain
        if not host:
            chain = ("",)
        elif is_ip_address(host):
            chain = (host, "") if self.unsafe else ("",)
        else:
            labels = [host]
            dot = host.find(".")
            while 0 <= dot < len(host) - 1:
                labels.append(host[dot + 1 :])
                dot = host.find(".", dot + 1)
            labels.append("")
            chain = tuple(labels)
        if len(self.chains) >= _CHAIN_CACHE_SIZE:
            self.chains.clear()
        self.chains[host] = chain
        return chain

    def touch(self, records: list[CookieRecord]) -> None:
        """Mark ``records`` as used together (one recency generation), as aiohttp does."""
        self.access = access = self.access + 1
        for record in records:
            record.access = access

    def select(self, host: str, path: str, secure: bool) -> list[CookieRecord]:
        """The live records to send to ``host`` and ``path``, in §5.4 order.

        ``secure`` says whether the request may carry Secure cookies. Expired records must be
        gone already. The caller marks the records it sends as used (``touch``).
        """
        index = self.index
        chain = self.chains.get(host)
        if chain is None:
            chain = self.chain(host)
        found: list[CookieRecord] = []
        groups = 0
        for domain in chain:
            buckets = index.get(domain)
            if buckets is None:
                continue
            exact = domain == host
            for cookie_path, bucket in buckets.items():
                if path == cookie_path or (
                    path.startswith(cookie_path)
                    and (cookie_path[-1] == "/" or path[len(cookie_path)] == "/")
                ):
                    groups += 1
                    for record in bucket.values():
                        if (record.host_only and not exact) or (record.secure and not secure):
                            continue
                        found.append(record)
        if groups > 1:
            found.sort(key=_ORDER)
        return found


def _names(records: list[CookieRecord]) -> str:
    """The first few (domain, path, name) of ``records`` for a log line."""
    shown = ", ".join(f"{r.name!r} ({r.domain}{r.path})" for r in records[:_LOGGED_NAMES])
    more = len(records) - _LOGGED_NAMES
    return f"{shown} and {more} more" if more > 0 else shown
