"""The public test helpers and the default StreamProtocol."""

from __future__ import annotations

import asyncio
import socket

import pytest

import httpwire_connectors as hc
from httpwire_connectors import testing


def reusable(protocol: hc.StreamProtocol) -> bool:
    return not protocol.should_close


def test_testing_is_not_reexported() -> None:
    assert "testing" not in hc.__all__
    assert not hasattr(hc, "FakeResolver")


def test_fake_request_builds_aiohttp_like_keys() -> None:
    req = testing.FakeRequest("https://Example.test/path")
    assert req.host == "example.test"
    assert req.port == 443
    assert req.is_ssl()
    assert req.connection_key == hc.ConnectionKey("example.test", 443, True, True, None, None, None)
    proxied = testing.FakeRequest(
        "http://a.test:8080/", ssl=False, proxy="http://proxy.test:3128", proxy_headers={"X": "1"}
    )
    key = proxied.connection_key
    assert (key.port, key.is_ssl, key.ssl) == (8080, False, False)
    assert str(key.proxy) == "http://proxy.test:3128"
    assert key.proxy_headers_hash is not None
    with pytest.raises(ValueError, match="no host"):
        testing.FakeRequest("/relative")


async def test_fake_resolver_answers_counts_and_filters() -> None:
    resolver = testing.FakeResolver({"a.test": ["10.0.0.1", "::1"], "b.test": OSError(1, "boom")})
    both = await resolver.resolve("a.test", 80, family=socket.AF_UNSPEC)
    assert [r["host"] for r in both] == ["10.0.0.1", "::1"]
    v6 = await resolver.resolve("a.test", 80, family=socket.AF_INET6)
    assert [r["family"] for r in v6] == [socket.AF_INET6]
    with pytest.raises(OSError, match="boom"):
        await resolver.resolve("b.test")
    with pytest.raises(OSError, match="unknown host"):
        await resolver.resolve("c.test")
    assert [c[0] for c in resolver.calls] == ["a.test", "a.test", "b.test", "c.test"]
    await resolver.close()
    assert resolver.closed


async def test_mock_connector_pools_without_sockets() -> None:
    trace = testing.RecordingTrace()
    async with testing.MockConnector(limit=1) as connector:
        req = testing.FakeRequest("http://a.test/")
        conn = await connector.connect(req, traces=[trace])
        assert isinstance(conn.protocol, hc.StreamProtocol)
        conn.protocol.write(b"hello")
        assert connector.created[0].written == b"hello"
        conn.release()
        again = await connector.connect(req, traces=[trace])
        assert again.reused
        again.close()
        await asyncio.sleep(0)
        assert connector.created[0].closed
        connector.fail_with = ConnectionRefusedError(111, "refused")
        with pytest.raises(ConnectionRefusedError):
            await connector.connect(req)
        assert connector.stats.connecting == 0
        assert trace.names() == [
            "connection_create_start",
            "connection_create_end",
            "connection_reuseconn",
        ]


async def test_mock_connector_peer_close_prevents_reuse() -> None:
    async with testing.MockConnector() as connector:
        req = testing.FakeRequest("http://a.test/")
        conn = await connector.connect(req)
        conn.release()
        connector.created[0].peer_close()
        conn = await connector.connect(req)
        assert not conn.reused
        assert len(connector.created) == 2
        conn.close()


async def test_mock_connector_delay_and_connect_timeout() -> None:
    async with testing.MockConnector(delay=1) as connector:
        with pytest.raises(hc.ConnectionTimeoutError):
            await connector.connect(
                testing.FakeRequest("http://a.test/"), timeout=testing.FakeTimeout(connect=0.01)
            )
        assert connector.stats.connecting == 0


async def test_mock_transport_records_and_aborts() -> None:
    protocol = hc.StreamProtocol()
    transport = testing.MockTransport(protocol, extra={"peername": ("1.2.3.4", 5)})
    protocol.connection_made(transport)
    assert transport.get_extra_info("peername") == ("1.2.3.4", 5)
    assert transport.get_protocol() is protocol
    assert not transport.can_write_eof()
    assert transport.get_write_buffer_size() == 0
    transport.abort()
    assert transport.aborted
    assert transport.is_closing()
    with pytest.raises(RuntimeError):
        transport.write(b"x")
    await asyncio.sleep(0)
    assert not protocol.is_connected()
    other = hc.StreamProtocol()
    transport.set_protocol(other)
    assert transport.get_protocol() is other


async def test_stream_protocol_reads_and_reports_reusability() -> None:
    protocol = hc.StreamProtocol()
    transport = testing.MockTransport(protocol)
    protocol.connection_made(transport)
    assert reusable(protocol)
    protocol.data_received(b"abcdef")
    assert not reusable(protocol)  # unread bytes
    assert await protocol.read(2) == b"ab"
    assert await protocol.read() == b"cdef"
    assert reusable(protocol)
    reader = asyncio.create_task(protocol.read())
    await asyncio.sleep(0)
    protocol.data_received(b"late")
    assert await reader == b"late"
    protocol.force_close()
    assert protocol.should_close


async def test_stream_protocol_eof_and_errors() -> None:
    protocol = hc.StreamProtocol()
    transport = testing.MockTransport(protocol)
    protocol.connection_made(transport)
    protocol.data_received(b"tail")
    assert protocol.eof_received() is None
    assert await protocol.read() == b"tail"
    assert await protocol.read() == b""
    assert protocol.should_close

    broken = hc.StreamProtocol()
    broken.connection_made(testing.MockTransport(broken))
    broken.connection_lost(ConnectionResetError("reset"))
    with pytest.raises(ConnectionResetError):
        await broken.read()
    with pytest.raises(ConnectionResetError):
        broken.write(b"x")
    broken.close()  # nothing to close: no error


async def test_connector_closed_while_a_connection_is_being_opened() -> None:
    connector = testing.MockConnector(delay=0.05)
    task = asyncio.create_task(connector.connect(testing.FakeRequest("http://a.test/")))
    await asyncio.sleep(0.01)
    await connector.close()
    with pytest.raises(hc.ClientConnectionError, match="closed while connecting"):
        await task
    assert connector.created[0].closed


async def test_connect_failing_after_close_keeps_the_counts_sane() -> None:
    connector = testing.MockConnector(delay=0.05)
    connector.fail_with = ConnectionRefusedError(111, "refused")
    task = asyncio.create_task(connector.connect(testing.FakeRequest("http://a.test/")))
    await asyncio.sleep(0.01)
    await connector.close()
    with pytest.raises(ConnectionRefusedError):
        await task
    assert connector.stats.connecting == 0


async def test_keepalive_none_keeps_idle_connections_forever() -> None:
    async with testing.MockConnector(keepalive_timeout=None) as connector:
        assert connector.keepalive_timeout is None
        conn = await connector.connect(testing.FakeRequest("http://a.test/"))
        conn.release()
        assert connector._expiry_handle is None  # no expiry timer at all
        assert connector._pool.next_expiry() is None
        again = await connector.connect(testing.FakeRequest("http://a.test/"))
        assert again.reused
        again.close()
