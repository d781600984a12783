"""``CookieStore``: where ``CookieJar`` keeps its records, and how it finds and evicts them.

House rules: records are indexed domain → path → name, so a lookup only visits the request host's
domain chain. The store keeps the counts the limits need (per domain and in total), a count of
Secure cookies per name (the shadowing check runs only for names listed there) and a min-heap of
expiry times with lazy deletion (``CookieRecord.alive``). It decides nothing about whether a
cookie may be stored: that is the jar's job (``_jar.py``).
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

    def add(self, record: CookieRecord) -> int:
        """Store a record with a new identity; return its domain's new cookie count."""
        buckets = self.index.get(record.domain)
        if buckets is None:
            buckets = self.index[record.domain] = {}
        bucket = buckets.get(record.path)
        if bucket is None:
            bucket = buckets[record.path] = {}
        bucket[record.name] = record
        self.count += 1
        record.access = self.access
        if record.secure:
            self.secure_names[record.name] = self.secure_names.get(record.name, 0) + 1
        self.domain_counts[record.domain] = count = self.domain_counts.get(record.domain, 0) + 1
        return count

    def replace(self, old: CookieRecord, record: CookieRecord) -> None:
        """Put ``record`` in the place of ``old``, which has the same identity."""
        old.alive = False
        record.access = self.access
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

    def _evict(self, records: list[CookieRecord], excess: int) -> None:
        """Remove ``excess`` records, least recently used (then oldest) first."""
        records.sort(key=attrgetter("access", "seq"))
        _logger.debug("evicting %d least recently used cookie(s) over the limit", excess)
        for record in records[:excess]:
            self.remove(record)

    def make_room_in(self, domain: str, keep: CookieRecord, now: float, limit: int) -> None:
        """Bring ``domain`` back to ``limit`` cookies, never evicting ``keep``."""
        self.expire(now)
        excess = self.domain_counts.get(domain, 0) - limit
        if excess > 0:
            buckets = self.index[domain]
            candidates = [
                r for bucket in buckets.values() for r in bucket.values() if r is not keep
            ]
            self._evict(candidates, excess)

    def make_room(self, keep: CookieRecord, now: float, limit: int) -> None:
        """Bring the whole store back under ``limit`` cookies, never evicting ``keep``."""
        self.expire(now)
        excess = self.count - limit
        if excess > 0:
            # Evict a tenth more than needed so a full jar does not scan on every insertion.
            excess += limit // 10
            self._evict([r for r in self.records() if r is not keep], excess)

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

    def select(self, host: str, path: str, secure: bool) -> list[CookieRecord]:
        """The live records to send to ``host`` and ``path``, in §5.4 order, marked as used.

        ``secure`` says whether the request may carry Secure cookies. Expired records must be
        gone already.
        """
        index = self.index
        chain = self.chains.get(host)
        if chain is None:
            chain = self.chain(host)
        self.access = access = self.access + 1
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
                        record.access = access
                        found.append(record)
        if groups > 1:
            found.sort(key=_ORDER)
        return found
