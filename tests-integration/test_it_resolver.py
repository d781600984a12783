"""AsyncResolver (aiodns/c-ares) against a real dnsmasq, driving the composed client to nginx.

dnsmasq answers ``web.test`` and ``other.test`` with 127.0.0.1 and NXDOMAIN for every other name,
never forwarding; its query log lets the tests count lookups, to see the connector's DNS cache.
"""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING

import _it_servers as _servers  # on sys.path via conftest.py
import pytest

import httpwire as aiohttp

if TYPE_CHECKING:
    from _it_servers import Dnsmasq, Nginx

__all__: list[str] = []

TIMEOUT = 20


it_ca = _servers.it_ca
it_nginx = _servers.it_nginx
it_dnsmasq = _servers.it_dnsmasq

pytestmark = pytest.mark.needs_dnsmasq


def _resolver(dns: Dnsmasq) -> aiohttp.AsyncResolver:
    """An AsyncResolver asking only ``dns`` (whose records have TTL 0, so c-ares caches none)."""
    return aiohttp.AsyncResolver(
        nameservers=["127.0.0.1"], udp_port=dns.port, tcp_port=dns.port, timeout=2, tries=1
    )


async def test_request_by_name_through_async_resolver(it_dnsmasq: Dnsmasq, it_nginx: Nginx) -> None:
    resolver = _resolver(it_dnsmasq)
    connector = aiohttp.TCPConnector(resolver=resolver)
    try:
        async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(connector=connector) as session:
            async with session.get(f"http://web.test:{it_nginx.port}/small.txt") as resp:
                assert resp.status == 200
                assert await resp.text() == "tiny\n"
            async with session.get(f"http://web.test:{it_nginx.port}/echo-headers") as resp:
                _custom, _agent, host = (await resp.text()).strip().split("|")
                assert host == f"web.test:{it_nginx.port}"
        assert it_dnsmasq.queries("web.test") >= 1
    finally:
        await resolver.close()


async def test_redirect_to_another_name_resolves_it(it_dnsmasq: Dnsmasq, it_nginx: Nginx) -> None:
    resolver = _resolver(it_dnsmasq)
    connector = aiohttp.TCPConnector(resolver=resolver, family=socket.AF_INET)
    before = it_dnsmasq.queries("other.test")
    try:
        async with (
            asyncio.timeout(TIMEOUT),
            aiohttp.ClientSession(connector=connector) as session,
            # nginx builds the absolute Location from the Host header and its listen port.
            session.get(f"http://other.test:{it_nginx.port}/old") as resp,
        ):
            assert resp.status == 200
            assert resp.url.host == "other.test"
            assert resp.url.port == it_nginx.port
            assert [r.status for r in resp.history] == [301]
            assert resp.history[0].headers["Location"].startswith("http://other.test:")
        assert it_dnsmasq.queries("other.test") > before
    finally:
        await resolver.close()


async def test_unknown_name_is_a_dns_error(it_dnsmasq: Dnsmasq) -> None:
    resolver = _resolver(it_dnsmasq)
    connector = aiohttp.TCPConnector(resolver=resolver)
    try:
        async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(connector=connector) as session:
            with pytest.raises(aiohttp.ClientConnectorDNSError) as info:
                await session.get("http://missing.test:1/")
            assert isinstance(info.value, aiohttp.ClientConnectorError)
            assert info.value.host == "missing.test"
            assert connector.stats.active == 0
    finally:
        await resolver.close()
    assert it_dnsmasq.queries("missing.test") >= 1


async def _lookups_for_two_requests(
    dns: Dnsmasq, nginx: Nginx, name: str, *, use_dns_cache: bool, ttl_dns_cache: float | None
) -> tuple[int, int]:
    """Queries dnsmasq logged for ``name`` after one and after two requests on fresh sockets."""
    resolver = _resolver(dns)
    connector = aiohttp.TCPConnector(
        resolver=resolver,
        use_dns_cache=use_dns_cache,
        ttl_dns_cache=ttl_dns_cache,
        family=socket.AF_INET,
        force_close=True,
    )
    base = dns.queries(name)
    counts: list[int] = []
    try:
        async with aiohttp.ClientSession(connector=connector) as session:
            for _ in range(2):
                async with session.get(f"http://{name}:{nginx.port}/small.txt") as resp:
                    assert await resp.text() == "tiny\n"
                # dnsmasq writes its log asynchronously: give the line a moment to land.
                for _ in range(50):
                    if dns.queries(name) > base + sum(counts):
                        break
                    await asyncio.sleep(0.02)
                counts.append(dns.queries(name) - base - sum(counts))
    finally:
        await resolver.close()
    return counts[0], counts[1]


async def test_dns_cache_avoids_second_lookup(it_dnsmasq: Dnsmasq, it_nginx: Nginx) -> None:
    # ttl_dns_cache=None keeps entries forever, whatever the record's TTL.
    async with asyncio.timeout(TIMEOUT):
        first, second = await _lookups_for_two_requests(
            it_dnsmasq, it_nginx, "web.test", use_dns_cache=True, ttl_dns_cache=None
        )
    assert first >= 1
    assert second == 0


async def test_record_ttl_shortens_cache_life(it_dnsmasq: Dnsmasq, it_nginx: Nginx) -> None:
    """httpwire (unlike aiohttp) caps an entry's life at the record's TTL: 0 here, so no caching."""
    async with asyncio.timeout(TIMEOUT):
        first, second = await _lookups_for_two_requests(
            it_dnsmasq, it_nginx, "web.test", use_dns_cache=True, ttl_dns_cache=10
        )
    assert first >= 1
    assert second == first


async def test_without_dns_cache_every_connection_looks_up(
    it_dnsmasq: Dnsmasq, it_nginx: Nginx
) -> None:
    async with asyncio.timeout(TIMEOUT):
        first, second = await _lookups_for_two_requests(
            it_dnsmasq, it_nginx, "other.test", use_dns_cache=False, ttl_dns_cache=None
        )
    assert first >= 1
    assert second == first
