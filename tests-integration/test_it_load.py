"""Load and resource bounds of the composed client against a real nginx.

10,000 requests over 100 concurrent tasks, then no leaked connection, task or file descriptor
(the connector's own counts, ``asyncio.all_tasks()`` and ``/proc/self/fd``); and a 100 MiB body
streamed with bounded memory (VmRSS from ``/proc/self/status``).
"""

from __future__ import annotations

import asyncio
import ssl
from typing import TYPE_CHECKING

import _it_servers as _servers  # on sys.path via conftest.py
import pytest

import httpwire as aiohttp
from httpwire_connectors import PoolStats

if TYPE_CHECKING:
    from _it_servers import Nginx

__all__: list[str] = []


it_ca = _servers.it_ca
it_nginx = _servers.it_nginx
it_client_ssl = _servers.it_client_ssl

pytestmark = pytest.mark.slow


async def _settle() -> None:
    """Let closed transports run their connection_lost callbacks and release their sockets."""
    for _ in range(10):
        await asyncio.sleep(0)
    await asyncio.sleep(0.05)


async def _run_load(
    base_url: str,
    path: str,
    tasks: int,
    per_task: int,
    limit: int,
    ssl_ctx: ssl.SSLContext | None = None,
) -> PoolStats:
    """``tasks`` workers each make ``per_task`` requests; then check nothing was left behind."""
    await _settle()
    fds_before = _servers.fd_count()
    tasks_before = asyncio.all_tasks()
    expected = (b"tiny\n", 200)
    connector = aiohttp.TCPConnector(limit=limit, ssl=ssl_ctx if ssl_ctx is not None else True)
    async with aiohttp.ClientSession(base_url, connector=connector) as session:

        async def worker() -> int:
            done = 0
            for _ in range(per_task):
                async with session.get(path) as resp:
                    assert (await resp.read(), resp.status) == expected
                    done += 1
            return done

        results = await asyncio.gather(*(worker() for _ in range(tasks)))
        assert sum(results) == tasks * per_task
        stats = connector.stats
        assert stats.active == 0
        assert stats.connecting == 0
        assert stats.waiting == 0
        assert stats.created + stats.reused == tasks * per_task
        assert stats.idle <= limit
    assert connector.closed
    assert connector.stats.idle == 0
    assert connector.stats.active == 0
    await _settle()
    # Subsets, not equality: a previous test's sockets may still be closing as this one ends.
    assert asyncio.all_tasks() <= tasks_before
    assert _servers.fd_count() <= fds_before
    return stats


async def test_ten_thousand_requests_over_a_hundred_tasks(it_nginx: Nginx) -> None:
    async with asyncio.timeout(120):
        stats = await _run_load(it_nginx.url, "/small.txt", tasks=100, per_task=100, limit=100)
    # Keep-alive held: at most one connection per concurrent slot, all others reused.
    assert stats.created <= 100
    assert stats.reused >= 10_000 - 100


async def test_load_with_server_closing_every_third_request(it_nginx: Nginx) -> None:
    """nginx's ``keepalive_requests 3`` forces constant reconnects: still nothing leaks."""
    async with asyncio.timeout(120):
        stats = await _run_load(it_nginx.limited_url, "/small.txt", tasks=50, per_task=30, limit=50)
    # Every connection serves at most 3 requests.
    assert stats.created >= 1500 // 3


async def test_tls_load_leaves_nothing_behind(
    it_nginx: Nginx, it_client_ssl: ssl.SSLContext
) -> None:
    """1,000 requests over TLS from 20 tasks: TLS transports close (and free their fds) too."""
    async with asyncio.timeout(120):
        stats = await _run_load(
            it_nginx.tls_url, "/small.txt", tasks=20, per_task=50, limit=20, ssl_ctx=it_client_ssl
        )
    assert stats.created <= 20
    assert stats.reused >= 1000 - 20


async def test_hundred_mib_body_streams_in_bounded_memory(it_nginx: Nginx) -> None:
    size = _servers.HUGE_SIZE
    assert (it_nginx.root / "huge.bin").stat().st_size == size
    async with asyncio.timeout(120), aiohttp.ClientSession() as session:
        # Warm up allocator and connection so the baseline is not a cold process.
        async with session.get(f"{it_nginx.url}/small.txt") as resp:
            await resp.read()
        baseline = _servers.rss_bytes()
        peak = baseline
        total = 0
        nonzero = 0
        async with session.get(f"{it_nginx.url}/huge.bin") as resp:
            assert resp.status == 200
            assert resp.content_length == size
            async for chunk in resp.content.iter_chunked(256 * 1024):
                total += len(chunk)
                nonzero += len(chunk) - chunk.count(0)
                peak = max(peak, _servers.rss_bytes())
    assert total == size
    assert nonzero == 0  # the sparse file reads as zeros end to end
    growth = peak - baseline
    assert growth < 64 * 1024 * 1024, f"RSS grew by {growth / 2**20:.1f} MiB"
