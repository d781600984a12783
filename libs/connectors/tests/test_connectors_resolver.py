"""Resolvers: ThreadedResolver on ``localhost`` only, AsyncResolver against a loopback dnsmasq.

No query leaves the machine: the threaded resolver only looks up ``localhost`` (answered from
``/etc/hosts``), and the aiodns resolver only talks to the dnsmasq these tests start.
"""

from __future__ import annotations

import asyncio
import socket

import pytest

import httpwire_connectors as hc
from httpwire_connectors.testing import FakeRequest

from . import conftest
from .conftest import CountingServer, Dnsmasq


def test_missing_dnsmasq_fails_on_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "_dnsmasq_binary", lambda: None)
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="CI requires it"):
        conftest.require_dnsmasq()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="dnsmasq is not installed"):
        conftest.require_dnsmasq()


async def test_threaded_resolver_resolves_localhost() -> None:
    resolver = hc.ThreadedResolver()
    results = await resolver.resolve("localhost", 8080, family=socket.AF_INET)
    assert {r["host"] for r in results} == {"127.0.0.1"}
    first = results[0]
    assert first["hostname"] == "localhost"
    assert first["port"] == 8080
    assert first["family"] == socket.AF_INET
    assert first["flags"] == socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
    await resolver.close()


def test_default_resolver_is_the_threaded_one() -> None:
    assert hc.DefaultResolver is hc.ThreadedResolver


def test_resolvers_need_a_running_loop() -> None:
    with pytest.raises(RuntimeError, match="running event loop"):
        hc.ThreadedResolver()
    with pytest.raises(RuntimeError, match="running event loop"):
        hc.AsyncResolver()


def test_abstract_resolver_cannot_be_instantiated() -> None:
    with pytest.raises(TypeError):
        hc.AbstractResolver()  # type: ignore[abstract]


async def test_tcp_connector_with_default_resolver_on_localhost(
    echo_server: CountingServer,
) -> None:
    async with hc.TCPConnector(family=socket.AF_INET) as connector:
        conn = await connector.connect(FakeRequest(echo_server.url(host="localhost")))
        conn.close()
        assert ("localhost", echo_server.port) in connector.cached_hosts


def async_resolver(dns: Dnsmasq) -> hc.AsyncResolver:
    return hc.AsyncResolver(nameservers=["127.0.0.1"], udp_port=dns.port, tcp_port=dns.port)


@pytest.mark.needs_dnsmasq
async def test_async_resolver_answers_with_record_ttl(dnsmasq: Dnsmasq) -> None:
    resolver = async_resolver(dnsmasq)
    try:
        results = await resolver.resolve("svc.test", 443, family=socket.AF_INET)
    finally:
        await resolver.close()
    assert sorted(r["host"] for r in results) == ["127.0.0.1", "127.0.0.2"]
    assert {r["port"] for r in results} == {443}
    assert {r.get("ttl") for r in results} == {2.0}


@pytest.mark.needs_dnsmasq
async def test_async_resolver_unknown_name_is_a_dns_error(dnsmasq: Dnsmasq) -> None:
    resolver = async_resolver(dnsmasq)
    async with hc.TCPConnector(resolver=resolver, family=socket.AF_INET) as connector:
        with pytest.raises(hc.ClientConnectorDNSError) as info:
            await connector.connect(FakeRequest("http://nowhere.test/"))
    await resolver.close()
    assert info.value.host == "nowhere.test"
    assert "not found" in str(info.value).lower()


@pytest.mark.needs_dnsmasq
async def test_dns_cache_coalesces_and_expires_by_record_ttl(
    dnsmasq: Dnsmasq, echo_server: CountingServer
) -> None:
    """Ten concurrent connects make one query; after the 2 s record TTL, a new one is made."""
    resolver = async_resolver(dnsmasq)
    baseline = dnsmasq.queries("svc.test")
    async with hc.TCPConnector(
        resolver=resolver, family=socket.AF_INET, force_close=True, happy_eyeballs_delay=None
    ) as connector:
        req = FakeRequest(f"http://svc.test:{echo_server.port}/")

        async def connect_all(count: int) -> None:
            # 127.0.0.2 refuses (the server listens on 127.0.0.1 only); only .1 connects.
            results = await asyncio.gather(
                *(connector.connect(req) for _ in range(count)), return_exceptions=True
            )
            for result in results:
                if isinstance(result, hc.Connection):
                    result.close()
                else:
                    assert isinstance(result, hc.ClientConnectorError)
            assert any(isinstance(r, hc.Connection) for r in results)

        await connect_all(10)
        await asyncio.sleep(0.2)
        assert dnsmasq.queries("svc.test") - baseline == 1
        await connect_all(3)
        await asyncio.sleep(0.2)
        assert dnsmasq.queries("svc.test") - baseline == 1  # still cached
        await asyncio.sleep(2.0)  # dnsmasq's --local-ttl=2 ends the entry's life
        await connect_all(3)
        await asyncio.sleep(0.2)
        assert dnsmasq.queries("svc.test") - baseline == 2
    await resolver.close()


@pytest.mark.needs_dnsmasq
async def test_ttl_dns_cache_none_keeps_entries_past_the_record_ttl(dnsmasq: Dnsmasq) -> None:
    resolver = async_resolver(dnsmasq)
    baseline = dnsmasq.queries("other.test")
    async with hc.TCPConnector(
        resolver=resolver, family=socket.AF_INET, ttl_dns_cache=None
    ) as connector:
        first = await connector._resolve_host("other.test", 80, [])
        await asyncio.sleep(2.1)
        second = await connector._resolve_host("other.test", 80, [])
    await resolver.close()
    assert first == second
    await asyncio.sleep(0.1)
    assert dnsmasq.queries("other.test") - baseline == 1


async def test_threaded_resolver_maps_an_unencodable_name_to_oserror() -> None:
    # IDNA rejects a 64-character label locally: no query is sent anywhere.
    resolver = hc.ThreadedResolver()
    with pytest.raises(OSError, match="invalid host name"):
        await resolver.resolve("x" * 64 + ".test", 80)


async def test_an_answer_without_addresses_is_a_failed_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resolver = hc.ThreadedResolver()

    async def nothing(*args: object, **kwargs: object) -> list[object]:
        return []

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", nothing)
    with pytest.raises(OSError, match=r"^\[Errno None\] DNS lookup failed: 'empty.test'") as info:
        await resolver.resolve("empty.test", 80)
    assert info.value.strerror == "DNS lookup failed: 'empty.test' has no addresses"


async def test_value_error_from_a_resolver_is_a_dns_error() -> None:
    from httpwire_connectors.testing import FakeResolver

    resolver = FakeResolver({"bad.test": UnicodeError("label too long")})
    async with hc.TCPConnector(resolver=resolver) as connector:
        with pytest.raises(hc.ClientConnectorDNSError, match="invalid host name"):
            await connector.connect(FakeRequest("http://bad.test/"))


@pytest.mark.needs_dnsmasq
async def test_async_resolver_maps_bad_names_to_oserror(dnsmasq: Dnsmasq) -> None:
    resolver = async_resolver(dnsmasq)
    try:
        with pytest.raises(OSError):  # noqa: PT011 - any OSError is the contract here
            await resolver.resolve("x" * 64 + ".test", 80)
    finally:
        await resolver.close()
