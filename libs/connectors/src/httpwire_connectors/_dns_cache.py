"""The DNS cache: resolved addresses per (host, port) with a lifetime, a size bound and rotation.

House rules: the clock is injected (``clock()`` returns seconds), so expiry is tested without
sleeping; nothing here resolves anything.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from ._interfaces import ResolveResult

__all__: list[str] = []

HostKey = tuple[str, int]


class DNSCache:
    """Addresses per ``(host, port)``, each entry living ``ttl`` seconds (``None``: forever).

    A record lifetime reported by the resolver (the ``ttl`` of a :class:`ResolveResult`) shortens
    an entry's life when it is below ``ttl``. Beyond ``max_size`` entries the least recently used
    one is dropped. Every :meth:`get` starts the address list one further along, so successive
    connections spread over the addresses.
    """

    def __init__(
        self, ttl: float | None, *, max_size: int = 1000, clock: Callable[[], float]
    ) -> None:
        if ttl is not None and ttl < 0:
            raise ValueError(f"ttl_dns_cache must be None or >= 0, got {ttl!r}")
        if max_size < 1:
            raise ValueError(f"the DNS cache size must be at least 1, got {max_size!r}")
        self._ttl = ttl
        self._max_size = max_size
        self._clock = clock
        self._addrs: OrderedDict[HostKey, list[ResolveResult]] = OrderedDict()
        self._expires: dict[HostKey, float | None] = {}
        self._next: dict[HostKey, int] = {}

    @property
    def view(self) -> Mapping[HostKey, list[ResolveResult]]:
        """A live, read-only view of the cached addresses."""
        return MappingProxyType(self._addrs)

    def __contains__(self, key: object) -> bool:
        return key in self._addrs

    def __len__(self) -> int:
        return len(self._addrs)

    def get(self, key: HostKey) -> list[ResolveResult] | None:
        """The addresses for ``key``, rotated by one per call; ``None`` if absent or expired."""
        addrs = self._addrs.get(key)
        if addrs is None:
            return None
        expires = self._expires[key]
        if expires is not None and self._clock() >= expires:
            self.remove(key)
            return None
        self._addrs.move_to_end(key)
        start = self._next[key]
        self._next[key] = (start + 1) % len(addrs)
        return addrs[start:] + addrs[:start]

    def put(self, key: HostKey, addrs: Sequence[ResolveResult]) -> None:
        """Store a fresh answer for ``key`` (an empty answer is not cached)."""
        if not addrs:
            return
        lifetime = self._ttl
        record_ttls = [a["ttl"] for a in addrs if a.get("ttl") is not None]
        if lifetime is not None and record_ttls:
            lifetime = min(lifetime, *(float(t) for t in record_ttls if t is not None))
        self._addrs[key] = list(addrs)
        self._addrs.move_to_end(key)
        self._expires[key] = None if lifetime is None else self._clock() + lifetime
        self._next[key] = 0
        while len(self._addrs) > self._max_size:
            oldest, _ = self._addrs.popitem(last=False)
            del self._expires[oldest]
            del self._next[oldest]

    def remove(self, key: HostKey) -> None:
        """Forget ``key`` if it is cached."""
        if self._addrs.pop(key, None) is not None:
            del self._expires[key]
            del self._next[key]

    def clear(self) -> None:
        """Forget everything."""
        self._addrs.clear()
        self._expires.clear()
        self._next.clear()
