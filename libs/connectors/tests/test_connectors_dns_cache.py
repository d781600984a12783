"""The DNS cache with an injected clock: TTL, record TTL, forever, LRU bound, rotation."""

from __future__ import annotations

import socket

import pytest

from httpwire_connectors import ResolveResult
from httpwire_connectors._dns_cache import DNSCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def addrs(*hosts: str, ttl: float | None = None) -> list[ResolveResult]:
    out: list[ResolveResult] = []
    for host in hosts:
        result = ResolveResult(
            hostname="h", host=host, port=80, family=socket.AF_INET, proto=0, flags=0
        )
        if ttl is not None:
            result["ttl"] = ttl
        out.append(result)
    return out


def hosts_of(results: list[ResolveResult] | None) -> list[str]:
    assert results is not None
    return [r["host"] for r in results]


def test_entries_expire_after_ttl() -> None:
    clock = Clock()
    cache = DNSCache(10, clock=clock)
    cache.put(("h", 80), addrs("10.0.0.1"))
    clock.now += 9.9
    assert hosts_of(cache.get(("h", 80))) == ["10.0.0.1"]
    clock.now += 0.1
    assert cache.get(("h", 80)) is None
    assert ("h", 80) not in cache


def test_none_ttl_keeps_entries_forever() -> None:
    clock = Clock()
    cache = DNSCache(None, clock=clock)
    cache.put(("h", 80), addrs("10.0.0.1", ttl=1))
    clock.now += 1e9
    assert hosts_of(cache.get(("h", 80))) == ["10.0.0.1"]


def test_record_ttl_shortens_the_lifetime() -> None:
    clock = Clock()
    cache = DNSCache(10, clock=clock)
    cache.put(("h", 80), addrs("10.0.0.1", "10.0.0.2", ttl=2))
    clock.now += 1.9
    assert cache.get(("h", 80)) is not None
    clock.now += 0.2
    assert cache.get(("h", 80)) is None


def test_record_ttl_longer_than_ttl_does_not_extend_it() -> None:
    clock = Clock()
    cache = DNSCache(3, clock=clock)
    cache.put(("h", 80), addrs("10.0.0.1", ttl=300))
    clock.now += 3
    assert cache.get(("h", 80)) is None


def test_addresses_rotate_per_get() -> None:
    cache = DNSCache(10, clock=Clock())
    cache.put(("h", 80), addrs("a", "b", "c"))
    assert hosts_of(cache.get(("h", 80))) == ["a", "b", "c"]
    assert hosts_of(cache.get(("h", 80))) == ["b", "c", "a"]
    assert hosts_of(cache.get(("h", 80))) == ["c", "a", "b"]
    assert hosts_of(cache.get(("h", 80))) == ["a", "b", "c"]


def test_lru_bound_drops_the_least_recently_used() -> None:
    cache = DNSCache(10, max_size=2, clock=Clock())
    cache.put(("a", 80), addrs("1.1.1.1"))
    cache.put(("b", 80), addrs("2.2.2.2"))
    cache.get(("a", 80))
    cache.put(("c", 80), addrs("3.3.3.3"))
    assert set(cache.view) == {("a", 80), ("c", 80)}
    assert len(cache) == 2


def test_empty_answers_are_not_cached_and_remove_clear_work() -> None:
    cache = DNSCache(10, clock=Clock())
    cache.put(("a", 80), [])
    assert len(cache) == 0
    cache.put(("a", 80), addrs("1.1.1.1"))
    cache.put(("b", 80), addrs("2.2.2.2"))
    cache.remove(("a", 80))
    cache.remove(("zzz", 1))
    assert list(cache.view) == [("b", 80)]
    cache.clear()
    assert len(cache) == 0


def test_view_is_read_only() -> None:
    cache = DNSCache(10, clock=Clock())
    with pytest.raises(TypeError):
        cache.view[("a", 80)] = []  # type: ignore[index]


@pytest.mark.parametrize(("ttl", "size"), [(-1, 10), (10, 0)])
def test_bad_settings(ttl: float, size: int) -> None:
    with pytest.raises(ValueError, match=r"ttl_dns_cache|size"):
        DNSCache(ttl, max_size=size, clock=Clock())
