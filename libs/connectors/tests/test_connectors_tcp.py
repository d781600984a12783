"""TCPConnector against real loopback servers: reuse, limits, waiters, expiry, DNS, lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
import ssl
from collections.abc import Iterator

import pytest

import httpwire_connectors as hc
from httpwire_connectors._connector import _peer_went_away
from httpwire_connectors.testing import FakeRequest, FakeResolver, FakeTimeout, RecordingTrace

from .conftest import CountingServer, echo


def drop_and_collect(holder: list[object]) -> None:
    """Drop the last references to some objects and run the garbage collector."""
    holder.clear()
    gc.collect()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def hanging_port() -> Iterator[int]:
    """A port whose accept queue is full, so a new connect hangs (SYNs are dropped)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.socket()
    filler.connect(("127.0.0.1", port))
    yield port
    filler.close()
    listener.close()


# ------------------------------------------------------------------ reuse


async def test_released_connection_is_reused(echo_server: CountingServer) -> None:
    trace = RecordingTrace()
    async with hc.TCPConnector() as connector:
        req = FakeRequest(echo_server.url())
        conn = await connector.connect(req, traces=[trace])
        assert not conn.reused
        assert await echo(conn) == b"ping"
        conn.release()
        assert conn.closed
        assert conn.protocol is None
        again = await connector.connect(req, traces=[trace])
        assert again.reused
        assert await echo(again, b"pong") == b"pong"
        again.release()
        assert echo_server.accepted == 1
        assert trace.names() == [
            "connection_create_start",
            "connection_create_end",
            "connection_reuseconn",
        ]
        assert connector.stats.reused == 1
        assert connector.stats.created == 1


async def test_connections_to_ip_literals_have_tcp_nodelay(echo_server: CountingServer) -> None:
    # Without TCP_NODELAY, a small write after a large one waits for the peer's delayed ACK.
    async with hc.TCPConnector() as connector:
        conn = await connector.connect(FakeRequest(echo_server.url()))
        transport = conn.transport
        assert transport is not None
        sock = transport.get_extra_info("socket")
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        conn.release()


async def test_idle_connections_are_reused_newest_first(echo_server: CountingServer) -> None:
    async with hc.TCPConnector() as connector:
        req = FakeRequest(echo_server.url())
        first, second = await connector.connect(req), await connector.connect(req)
        first_protocol, second_protocol = first.protocol, second.protocol
        first.release()
        second.release()
        third = await connector.connect(req)
        assert third.protocol is second_protocol
        fourth = await connector.connect(req)
        assert fourth.protocol is first_protocol
        third.close()
        fourth.close()


async def test_pool_is_keyed_by_endpoint(echo_server: CountingServer) -> None:
    resolver = FakeResolver({"alias.test": ["127.0.0.1"]})
    async with hc.TCPConnector(resolver=resolver) as connector:
        conn = await connector.connect(FakeRequest(echo_server.url()))
        conn.release()
        other = await connector.connect(FakeRequest(echo_server.url(host="alias.test")))
        assert not other.reused
        other.release()
        assert echo_server.accepted == 2
        assert repr(connector) == "<TCPConnector [open: 0 active, 2 idle | waiters: 0]>"


async def test_should_close_connection_is_closed_not_pooled(echo_server: CountingServer) -> None:
    async with hc.TCPConnector() as connector:
        req = FakeRequest(echo_server.url())
        conn = await connector.connect(req)
        assert isinstance(conn.protocol, hc.StreamProtocol)
        conn.protocol.force_close()
        conn.release()
        await echo_server.wait_active(0)
        conn = await connector.connect(req)
        assert not conn.reused
        conn.close()
        await echo_server.wait_active(0)
        assert connector.stats.idle == 0
        assert echo_server.accepted == 2


async def test_force_close_never_reuses(echo_server: CountingServer) -> None:
    async with hc.TCPConnector(force_close=True) as connector:
        assert connector.force_close
        assert connector.keepalive_timeout == 0
        for _ in range(3):
            conn = await connector.connect(FakeRequest(echo_server.url()))
            assert await echo(conn) == b"ping"
            conn.release()
        await echo_server.wait_active(0)
        assert echo_server.accepted == 3


async def test_keepalive_timeout_with_force_close_is_an_error() -> None:
    with pytest.raises(ValueError, match="force_close"):
        hc.TCPConnector(force_close=True, keepalive_timeout=5)


async def test_idle_connections_expire(echo_server: CountingServer) -> None:
    async with hc.TCPConnector(keepalive_timeout=0.1) as connector:
        conn = await connector.connect(FakeRequest(echo_server.url()))
        conn.release()
        assert connector.stats.idle == 1
        await echo_server.wait_active(0)
        assert connector.stats.idle == 0
        assert connector.stats.expired == 1
        conn = await connector.connect(FakeRequest(echo_server.url()))
        assert not conn.reused
        conn.close()


async def test_connection_closed_by_peer_is_not_reused(echo_server: CountingServer) -> None:
    async with hc.TCPConnector() as connector:
        req = FakeRequest(echo_server.url())
        conn = await connector.connect(req)
        conn.release()
        await echo_server.disconnect_all()
        conn = await connector.connect(req)
        assert not conn.reused
        assert await echo(conn) == b"ping"
        conn.close()
        assert echo_server.accepted == 2


async def test_peer_went_away_sees_a_fin_the_loop_has_not_processed() -> None:
    left, right = socket.socketpair()

    class Transport(asyncio.BaseTransport):
        def get_extra_info(self, name: str, default: object = None) -> object:
            return left if name == "socket" else default

    try:
        assert not _peer_went_away(Transport())
        right.close()
        assert _peer_went_away(Transport())
    finally:
        left.close()
        right.close()


# ---------------------------------------------------------------- limits


async def hold(connector: hc.BaseConnector, req: FakeRequest, seconds: float) -> None:
    conn = await connector.connect(req)
    assert await echo(conn) == b"ping"
    await asyncio.sleep(seconds)
    conn.release()


async def test_limit_is_hard(echo_server: CountingServer) -> None:
    async with hc.TCPConnector(limit=2) as connector:
        req = FakeRequest(echo_server.url())
        await asyncio.gather(*(hold(connector, req, 0.03) for _ in range(8)))
        assert echo_server.max_active == 2
        assert echo_server.accepted == 2
        assert connector.stats.waiting == 0


async def test_limit_counts_idle_and_evicts_other_hosts(echo_server: CountingServer) -> None:
    resolver = FakeResolver({"alias.test": ["127.0.0.1"]})
    async with hc.TCPConnector(limit=1, resolver=resolver) as connector:
        conn = await connector.connect(FakeRequest(echo_server.url()))
        conn.release()
        other = await connector.connect(FakeRequest(echo_server.url(host="alias.test")))
        await echo_server.wait_active(1)
        assert connector.stats.evicted == 1
        other.close()


async def test_limit_per_host(echo_server: CountingServer) -> None:
    resolver = FakeResolver({"alias.test": ["127.0.0.1"]})
    async with hc.TCPConnector(limit_per_host=1, resolver=resolver) as connector:
        a = FakeRequest(echo_server.url())
        b = FakeRequest(echo_server.url(host="alias.test"))
        await asyncio.gather(*(hold(connector, req, 0.03) for req in (a, b, a, b, a, b)))
        assert echo_server.max_active == 2
        assert echo_server.accepted == 2


async def test_waiters_are_served_in_fifo_order(echo_server: CountingServer) -> None:
    async with hc.TCPConnector(limit=1) as connector:
        req = FakeRequest(echo_server.url())
        first = await connector.connect(req)
        order: list[int] = []
        traces = [RecordingTrace() for _ in range(3)]

        async def waiter(index: int) -> None:
            conn = await connector.connect(req, traces=[traces[index]])
            order.append(index)
            await asyncio.sleep(0)
            conn.release()

        tasks = []
        for index in range(3):
            tasks.append(asyncio.create_task(waiter(index)))
            await asyncio.sleep(0.01)
        assert connector.stats.waiting == 3
        assert repr(connector) == "<TCPConnector [open: 1 active, 0 idle | waiters: 3]>"
        first.release()
        await asyncio.gather(*tasks)
        assert order == [0, 1, 2]
        assert traces[0].names()[:2] == ["connection_queued_start", "connection_queued_end"]


async def test_cancelled_waiter_does_not_leak_a_slot(echo_server: CountingServer) -> None:
    async with hc.TCPConnector(limit=1) as connector:
        req = FakeRequest(echo_server.url())
        held = await connector.connect(req)
        task = asyncio.create_task(connector.connect(req))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert connector.stats.waiting == 0
        held.release()
        conn = await asyncio.wait_for(connector.connect(req), 1)
        assert conn.reused
        conn.release()


async def test_waiter_cancelled_after_being_granted_gives_the_grant_back(
    echo_server: CountingServer,
) -> None:
    async with hc.TCPConnector(limit=1) as connector:
        req = FakeRequest(echo_server.url())
        held = await connector.connect(req)
        doomed = asyncio.create_task(connector.connect(req))
        await asyncio.sleep(0.01)
        follower = asyncio.create_task(connector.connect(req))
        await asyncio.sleep(0.01)
        held.release()  # grants the idle connection to `doomed`...
        doomed.cancel()  # ...which is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await doomed
        conn = await asyncio.wait_for(follower, 1)
        assert conn.reused
        conn.release()
        assert connector.stats.active == 0


async def test_connect_timeout_while_queued(echo_server: CountingServer) -> None:
    async with hc.TCPConnector(limit=1) as connector:
        req = FakeRequest(echo_server.url())
        held = await connector.connect(req)
        with pytest.raises(hc.ConnectionTimeoutError, match="Connection timeout to host"):
            await connector.connect(req, timeout=FakeTimeout(connect=0.05))
        assert connector.stats.waiting == 0
        held.release()
        conn = await connector.connect(req, timeout=FakeTimeout(connect=1))
        conn.release()


async def test_zero_connect_timeouts_mean_no_limit(echo_server: CountingServer) -> None:
    async with hc.TCPConnector() as connector:
        req = FakeRequest(echo_server.url())
        conn = await connector.connect(req, timeout=FakeTimeout(connect=0, sock_connect=0))
        assert not conn.reused
        conn.close()


async def test_failed_connect_gives_the_slot_back(echo_server: CountingServer) -> None:
    async with hc.TCPConnector(limit=1) as connector:
        bad = FakeRequest(f"http://127.0.0.1:{closed_port()}/")
        with pytest.raises(hc.ClientConnectorError) as info:
            await connector.connect(bad)
        assert isinstance(info.value.os_error, ConnectionRefusedError)
        assert info.value.host == "127.0.0.1"
        assert str(info.value).startswith("Cannot connect to host 127.0.0.1:")
        assert connector.stats.connecting == 0
        conn = await asyncio.wait_for(connector.connect(FakeRequest(echo_server.url())), 1)
        conn.close()


async def test_failed_connect_wakes_a_waiter(echo_server: CountingServer) -> None:
    resolver = FakeResolver({"slow.test": ["127.0.0.1"]})
    resolver.hold = asyncio.Event()
    async with hc.TCPConnector(limit=1, resolver=resolver) as connector:
        failing = asyncio.create_task(
            connector.connect(FakeRequest(f"http://slow.test:{closed_port()}/"))
        )
        await asyncio.sleep(0.01)
        waiting = asyncio.create_task(connector.connect(FakeRequest(echo_server.url())))
        await asyncio.sleep(0.01)
        assert connector.stats.waiting == 1
        resolver.hold.set()
        with pytest.raises(hc.ClientConnectorError):
            await failing
        conn = await asyncio.wait_for(waiting, 1)
        conn.close()


async def test_sock_connect_timeout(hanging_port: int) -> None:
    async with hc.TCPConnector(limit=1) as connector:
        req = FakeRequest(f"http://127.0.0.1:{hanging_port}/")
        with pytest.raises(hc.ConnectionTimeoutError):
            await connector.connect(req, timeout=FakeTimeout(sock_connect=0.1))
        assert connector.stats.connecting == 0


async def test_cancelled_connect_frees_the_slot(hanging_port: int) -> None:
    async with hc.TCPConnector(limit=1) as connector:
        req = FakeRequest(f"http://127.0.0.1:{hanging_port}/")
        task = asyncio.create_task(connector.connect(req))
        await asyncio.sleep(0.05)
        assert connector.stats.connecting == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert connector.stats.connecting == 0


# -------------------------------------------------------------------- DNS


async def test_ip_literals_skip_the_resolver(echo_server: CountingServer) -> None:
    resolver = FakeResolver()
    async with hc.TCPConnector(resolver=resolver) as connector:
        conn = await connector.connect(FakeRequest(echo_server.url()))
        conn.close()
    assert resolver.calls == []
    assert not resolver.closed  # not ours to close


async def test_non_canonical_ipv4_is_rejected() -> None:
    resolver = FakeResolver()
    async with hc.TCPConnector(resolver=resolver) as connector:
        with pytest.raises(hc.ClientConnectorDNSError, match="not a valid IPv4"):
            await connector.connect(FakeRequest("http://127.1:80/"))
    assert resolver.calls == []


async def test_dns_failure_is_a_dns_error_and_frees_the_slot() -> None:
    resolver = FakeResolver({"gone.test": OSError(None, "Name or service not known")})
    async with hc.TCPConnector(limit=1, resolver=resolver) as connector:
        with pytest.raises(hc.ClientConnectorDNSError) as info:
            await connector.connect(FakeRequest("http://gone.test/"))
        assert info.value.host == "gone.test"
        assert info.value.port == 80
        assert "Name or service not known" in str(info.value)
        assert connector.stats.connecting == 0
        with pytest.raises(hc.ClientConnectorDNSError):
            await connector.connect(FakeRequest("http://unknown.test/"))


async def test_concurrent_lookups_are_coalesced(echo_server: CountingServer) -> None:
    resolver = FakeResolver({"svc.test": ["127.0.0.1"]})
    resolver.hold = asyncio.Event()
    traces = [RecordingTrace() for _ in range(5)]
    async with hc.TCPConnector(resolver=resolver) as connector:
        req = FakeRequest(echo_server.url(host="svc.test"))
        tasks = [asyncio.create_task(connector.connect(req, traces=[t])) for t in traces]
        await asyncio.sleep(0.02)
        resolver.hold.set()
        conns = await asyncio.gather(*tasks)
        for conn in conns:
            conn.release()
        assert len(resolver.calls) == 1
        starts = sum(t.names().count("dns_resolvehost_start") for t in traces)
        misses = sum(t.names().count("dns_cache_miss") for t in traces)
        assert (starts, misses) == (1, 5)
        hit = RecordingTrace()
        (await connector.connect(req, traces=[hit])).release()
        assert "dns_cache_hit" not in hit.names()  # reused: no resolution at all
        assert ("svc.test", echo_server.port) in connector.cached_hosts


async def test_cancelling_one_caller_does_not_cancel_a_shared_lookup(
    echo_server: CountingServer,
) -> None:
    resolver = FakeResolver({"svc.test": ["127.0.0.1"]})
    resolver.hold = asyncio.Event()
    async with hc.TCPConnector(resolver=resolver) as connector:
        req = FakeRequest(echo_server.url(host="svc.test"))
        first = asyncio.create_task(connector.connect(req))
        second = asyncio.create_task(connector.connect(req))
        await asyncio.sleep(0.01)
        first.cancel()
        await asyncio.sleep(0.01)
        resolver.hold.set()
        conn = await second
        conn.close()
        with pytest.raises(asyncio.CancelledError):
            await first
        assert len(resolver.calls) == 1


async def test_dns_cache_ttl_and_cache_hits(echo_server: CountingServer) -> None:
    resolver = FakeResolver({"svc.test": ["127.0.0.1"]})
    async with hc.TCPConnector(resolver=resolver, ttl_dns_cache=0.5, force_close=True) as conn:
        req = FakeRequest(echo_server.url(host="svc.test"))
        trace = RecordingTrace()
        (await conn.connect(req)).close()
        (await conn.connect(req, traces=[trace])).close()
        assert "dns_cache_hit" in trace.names()
        assert len(resolver.calls) == 1
        await asyncio.sleep(0.55)
        (await conn.connect(req)).close()
        assert len(resolver.calls) == 2


async def test_record_ttl_from_the_resolver_is_honoured(echo_server: CountingServer) -> None:
    resolver = FakeResolver({"svc.test": ["127.0.0.1"]}, ttl=0.05)
    async with hc.TCPConnector(resolver=resolver, ttl_dns_cache=None, force_close=True) as conn:
        req = FakeRequest(echo_server.url(host="svc.test"))
        (await conn.connect(req)).close()
        await asyncio.sleep(0.1)
        (await conn.connect(req)).close()
    assert len(resolver.calls) == 1  # None keeps entries forever, whatever the record says
    resolver.calls.clear()
    async with hc.TCPConnector(resolver=resolver, ttl_dns_cache=10, force_close=True) as conn:
        (await conn.connect(req)).close()
        await asyncio.sleep(0.1)
        (await conn.connect(req)).close()
    assert len(resolver.calls) == 2


async def test_without_dns_cache_every_connect_resolves(echo_server: CountingServer) -> None:
    resolver = FakeResolver({"svc.test": ["127.0.0.1"]})
    async with hc.TCPConnector(resolver=resolver, use_dns_cache=False, force_close=True) as conn:
        assert not conn.dns_cache
        req = FakeRequest(echo_server.url(host="svc.test"))
        for _ in range(3):
            (await conn.connect(req)).close()
        assert len(resolver.calls) == 3
        assert len(conn.cached_hosts) == 0


async def test_clear_dns_cache(echo_server: CountingServer) -> None:
    resolver = FakeResolver({"svc.test": ["127.0.0.1"], "two.test": ["127.0.0.1"]})
    async with hc.TCPConnector(resolver=resolver, force_close=True) as connector:
        for host in ("svc.test", "two.test"):
            (await connector.connect(FakeRequest(echo_server.url(host=host)))).close()
        assert len(connector.cached_hosts) == 2
        with pytest.raises(TypeError):
            connector.cached_hosts[("x", 1)] = []  # type: ignore[index]
        with pytest.raises(ValueError, match="both"):
            connector.clear_dns_cache("svc.test")
        connector.clear_dns_cache("svc.test", echo_server.port)
        assert list(connector.cached_hosts) == [("two.test", echo_server.port)]
        connector.clear_dns_cache()
        assert len(connector.cached_hosts) == 0


async def test_round_robin_over_cached_addresses() -> None:
    first = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = first.sockets[0].getsockname()[1]
    second = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.2", port)
    resolver = FakeResolver({"rr.test": ["127.0.0.1", "127.0.0.2"]})
    peers = []
    try:
        async with hc.TCPConnector(resolver=resolver, force_close=True) as connector:
            for _ in range(4):
                conn = await connector.connect(FakeRequest(f"http://rr.test:{port}/"))
                assert conn.transport is not None
                peers.append(conn.transport.get_extra_info("peername")[0])
                conn.close()
    finally:
        first.close()
        second.close()
    assert peers == ["127.0.0.1", "127.0.0.2", "127.0.0.1", "127.0.0.2"]


async def test_happy_eyeballs_moves_past_a_hanging_address(
    echo_server: CountingServer, hanging_port: int
) -> None:
    from httpwire_connectors import _happy_eyeballs

    def addr(port: int) -> hc.ResolveResult:
        return hc.ResolveResult(
            hostname="h", host="127.0.0.1", port=port, family=socket.AF_INET, proto=0, flags=0
        )

    sock = await asyncio.wait_for(
        _happy_eyeballs.open_socket(
            [addr(hanging_port), addr(echo_server.port)], delay=0.05, interleave=None
        ),
        2,
    )
    try:
        assert sock.getpeername()[1] == echo_server.port
    finally:
        sock.close()
    # Both refuse, with different messages (each names its address): one combined error.
    refusing = [addr(closed_port()), addr(closed_port())]
    with pytest.raises(OSError, match="Multiple exceptions"):
        await _happy_eyeballs.open_socket(refusing, delay=0.01, interleave=None)
    with pytest.raises(OSError, match="no addresses"):
        await _happy_eyeballs.open_socket([], delay=0.01, interleave=None)


async def test_sequential_attempts_without_happy_eyeballs(echo_server: CountingServer) -> None:
    resolver = FakeResolver({"two.test": ["127.0.0.3", "127.0.0.1"]})
    async with hc.TCPConnector(resolver=resolver, happy_eyeballs_delay=None) as connector:
        # 127.0.0.3 refuses (nothing listens there); the second address answers.
        conn = await connector.connect(FakeRequest(echo_server.url(host="two.test")))
        assert await echo(conn) == b"ping"
        conn.close()


def test_interleave_families() -> None:
    from httpwire_connectors._happy_eyeballs import interleave_families

    def addr(host: str) -> hc.ResolveResult:
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        return hc.ResolveResult(hostname="h", host=host, port=1, family=fam, proto=0, flags=0)

    addrs = [addr(h) for h in ("::1", "::2", "::3", "1.1.1.1", "2.2.2.2")]
    assert [a["host"] for a in interleave_families(addrs, 1)] == [
        "::1",
        "1.1.1.1",
        "::2",
        "2.2.2.2",
        "::3",
    ]
    assert [a["host"] for a in interleave_families(addrs, 2)] == [
        "::1",
        "::2",
        "1.1.1.1",
        "::3",
        "2.2.2.2",
    ]
    only_v4 = [addr("1.1.1.1"), addr("2.2.2.2")]
    assert interleave_families(only_v4, 1) == only_v4


async def test_local_addr_binds_the_socket(echo_server: CountingServer) -> None:
    async with hc.TCPConnector(local_addr=("127.0.0.1", 0)) as connector:
        conn = await connector.connect(FakeRequest(echo_server.url()))
        assert conn.transport is not None
        assert conn.transport.get_extra_info("sockname")[0] == "127.0.0.1"
        conn.close()
    async with hc.TCPConnector(local_addr=("::1", 0)) as connector:
        with pytest.raises(hc.ClientConnectorError, match="local address"):
            await connector.connect(FakeRequest(echo_server.url()))


# --------------------------------------------------------------- proxy, TLS


async def test_proxy_connection_goes_to_the_proxy(echo_server: CountingServer) -> None:
    resolver = FakeResolver()
    async with hc.TCPConnector(resolver=resolver) as connector:
        req = FakeRequest("http://target.test/", proxy=echo_server.url())
        conn = await connector.connect(req)
        assert await echo(conn) == b"ping"
        conn.close()
        bad = FakeRequest("http://target.test/", proxy=f"http://127.0.0.1:{closed_port()}")
        with pytest.raises(hc.ClientProxyConnectionError) as info:
            await connector.connect(bad)
        assert info.value.host == "127.0.0.1"
    assert resolver.calls == []


async def test_https_proxy_uses_the_request_tls_setting(
    tls_server: CountingServer, client_ssl: ssl.SSLContext
) -> None:
    async with hc.TCPConnector(ssl=client_ssl) as connector:
        req = FakeRequest("http://target.test/", proxy=tls_server.url("https"))
        conn = await connector.connect(req)
        assert conn.transport is not None
        assert conn.transport.get_extra_info("ssl_object") is not None
        assert await echo(conn) == b"ping"
        conn.close()


async def test_start_tls_rejects_an_untrusted_certificate(server_ssl: ssl.SSLContext) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            await writer.start_tls(server_ssl)
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with hc.TCPConnector() as connector:
            conn = await connector.connect(FakeRequest(f"http://127.0.0.1:{port}/"))
            with pytest.raises(hc.ClientConnectorCertificateError):
                await connector.start_tls(conn, FakeRequest(f"https://localhost:{port}/"))
            with pytest.raises(ValueError, match="does not use TLS"):
                await connector.start_tls(conn, FakeRequest(f"http://localhost:{port}/"))
            conn.close()
    finally:
        server.close()


async def test_start_tls_upgrades_a_plain_connection(
    server_ssl: ssl.SSLContext, client_ssl: ssl.SSLContext
) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert await reader.readline() == b"STARTTLS\n"
        writer.write(b"OK\n")
        await writer.drain()
        await writer.start_tls(server_ssl)
        data = await reader.read(100)
        writer.write(data)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with hc.TCPConnector(ssl=client_ssl) as connector:
            conn = await connector.connect(FakeRequest(f"http://127.0.0.1:{port}/"))
            protocol = conn.protocol
            assert isinstance(protocol, hc.StreamProtocol)
            protocol.write(b"STARTTLS\n")
            assert await protocol.read() == b"OK\n"
            await connector.start_tls(conn, FakeRequest(f"https://localhost:{port}/"))
            assert conn.transport is not None
            assert conn.transport.get_extra_info("ssl_object") is not None
            assert await echo(conn, b"secret") == b"secret"
            conn.close()
            with pytest.raises(hc.ClientConnectionError):
                await connector.start_tls(conn, FakeRequest(f"https://localhost:{port}/"))
    finally:
        server.close()


# -------------------------------------------------------------- lifecycle


async def test_close_closes_idle_and_in_use_connections(echo_server: CountingServer) -> None:
    connector = hc.TCPConnector()
    req = FakeRequest(echo_server.url())
    idle = await connector.connect(req)
    busy = await connector.connect(req)
    idle.release()
    await echo_server.wait_active(2)
    await connector.close()
    await echo_server.wait_active(0)
    assert connector.closed
    assert busy.closed
    assert repr(connector) == "<TCPConnector [closed]>"
    await connector.close()  # idempotent
    busy.release()  # harmless after close
    with pytest.raises(hc.ClientConnectionError, match="closed"):
        await connector.connect(req)


async def test_close_fails_queued_callers(echo_server: CountingServer) -> None:
    connector = hc.TCPConnector(limit=1)
    req = FakeRequest(echo_server.url())
    held = await connector.connect(req)
    waiting = asyncio.create_task(connector.connect(req))
    await asyncio.sleep(0.01)
    await connector.close()
    with pytest.raises(hc.ClientConnectionError, match="closed"):
        await waiting
    held.release()


async def test_closing_during_a_connect_closes_the_new_connection(
    echo_server: CountingServer,
) -> None:
    resolver = FakeResolver({"svc.test": ["127.0.0.1"]})
    resolver.hold = asyncio.Event()
    connector = hc.TCPConnector(resolver=resolver)
    task = asyncio.create_task(connector.connect(FakeRequest(echo_server.url(host="svc.test"))))
    await asyncio.sleep(0.01)
    await connector.close()
    resolver.hold.set()
    with pytest.raises(hc.ClientConnectionError, match="closed during the DNS look-up"):
        await task
    await echo_server.wait_active(0)


async def test_owned_resolver_is_closed_with_the_connector() -> None:
    connector = hc.TCPConnector()
    assert isinstance(connector._resolver, hc.ThreadedResolver)
    await connector.close()


async def test_unclosed_connector_warns(echo_server: CountingServer) -> None:
    connector = hc.TCPConnector()
    conn = await connector.connect(FakeRequest(echo_server.url()))
    conn.release()
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, ctx: contexts.append(ctx))
    try:
        holder: list[object] = [connector, conn]
        del connector, conn
        # The warning shows the connector as it was left: open, with its idle connection.
        with pytest.warns(ResourceWarning, match=r"^Unclosed connector <TCPConnector \[open: "):
            drop_and_collect(holder)
    finally:
        loop.set_exception_handler(None)
    assert contexts[0]["message"] == "Unclosed connector"
    await echo_server.wait_active(0)  # its sockets were closed


async def test_unclosed_connection_warns_and_frees_its_slot(echo_server: CountingServer) -> None:
    async with hc.TCPConnector(limit=1) as connector:
        conn = await connector.connect(FakeRequest(echo_server.url()))
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, _ctx: None)
        try:
            holder: list[object] = [conn]
            del conn
            with pytest.warns(ResourceWarning, match="Unclosed connection"):
                drop_and_collect(holder)
        finally:
            loop.set_exception_handler(None)
        assert connector.stats.active == 0
        (await asyncio.wait_for(connector.connect(FakeRequest(echo_server.url())), 1)).close()


def test_connector_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError, match="running event loop"):
        hc.TCPConnector()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"limit": -1}, ValueError),
        ({"limit_per_host": -2}, ValueError),
        ({"limit": "10"}, TypeError),
        ({"keepalive_timeout": -1}, ValueError),
        ({"keepalive_timeout": "15"}, TypeError),
        ({"family": 99}, ValueError),
        ({"happy_eyeballs_delay": -1}, ValueError),
        ({"interleave": 0}, ValueError),
        ({"ttl_dns_cache": -5}, ValueError),
        ({"ttl_dns_cache": "10"}, TypeError),
        ({"happy_eyeballs_delay": "fast"}, TypeError),
        ({"interleave": 1.5}, TypeError),
        ({"local_addr": "127.0.0.1"}, TypeError),
        ({"dns_cache_max_size": 0}, ValueError),
    ],
)
async def test_bad_arguments(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        hc.TCPConnector(**kwargs)  # type: ignore[arg-type]


async def test_limits_accept_none_and_report_as_given() -> None:
    async with hc.TCPConnector(limit=None, limit_per_host=None) as connector:
        assert connector.limit is None
        assert connector.limit_per_host is None
    async with hc.TCPConnector() as connector:
        assert (connector.limit, connector.limit_per_host) == (100, 0)
        assert connector.keepalive_timeout == 15
        assert connector.family == 0
        assert connector.dns_cache
        assert connector.ssl is True


async def test_custom_protocol_factory_and_changing_it_drops_idle(
    echo_server: CountingServer,
) -> None:
    class Tagged(hc.StreamProtocol):
        pass

    async with hc.TCPConnector(protocol_factory=Tagged) as connector:
        conn = await connector.connect(FakeRequest(echo_server.url()))
        busy = await connector.connect(FakeRequest(echo_server.url()))
        assert type(conn.protocol) is Tagged
        conn.release()
        connector.protocol_factory = hc.StreamProtocol
        assert connector.stats.idle == 0
        busy.release()  # made by the old factory: closed, not pooled
        assert connector.stats.idle == 0
        conn = await connector.connect(FakeRequest(echo_server.url()))
        assert type(conn.protocol) is hc.StreamProtocol
        conn.close()
        with pytest.raises(TypeError):
            connector.protocol_factory = None  # type: ignore[assignment]


async def test_detach_frees_the_slot_but_keeps_the_transport(echo_server: CountingServer) -> None:
    async with hc.TCPConnector(limit=1) as connector:
        conn = await connector.connect(FakeRequest(echo_server.url()))
        protocol = conn.protocol
        called: list[str] = []
        conn.add_callback(lambda: called.append("released"))
        conn.detach()
        assert called == ["released"]
        assert conn.closed
        assert connector.stats.active == 0
        assert protocol is not None
        assert protocol.is_connected()
        other = await asyncio.wait_for(connector.connect(FakeRequest(echo_server.url())), 1)
        other.close()
        protocol.close()


async def test_connection_repr_and_key(echo_server: CountingServer) -> None:
    async with hc.TCPConnector() as connector:
        req = FakeRequest(echo_server.url())
        conn = await connector.connect(req)
        assert conn.key == req.connection_key
        assert repr(conn) == f"<Connection 127.0.0.1:{echo_server.port} open>"
        assert conn.loop is asyncio.get_running_loop()
        conn.close()
        assert repr(conn) == f"<Connection 127.0.0.1:{echo_server.port} closed>"
        conn.close()  # idempotent


async def test_close_works_without_await_like_aiohttp_3(echo_server: CountingServer) -> None:
    connector = hc.TCPConnector()
    conn = await connector.connect(FakeRequest(echo_server.url()))
    conn.release()
    pending = connector.close()  # not awaited yet: everything is already closed
    assert connector.closed
    assert connector.stats.idle == 0
    await echo_server.wait_active(0)
    assert connector.close() is pending
    await pending
