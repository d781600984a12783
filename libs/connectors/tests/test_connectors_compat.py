"""aiohttp 3.14 constructor compatibility: every argument aiohttp's connectors, resolvers and
``Fingerprint`` accept is accepted here too, and does what it does there."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import math
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import trustme

import httpwire_connectors as hc
from httpwire_connectors import _happy_eyeballs
from httpwire_connectors.testing import FakeRequest, FakeResolver, FakeTimeout, MockConnector

from .conftest import CountingServer, Dnsmasq, echo


def cert_fingerprint(cert: trustme.LeafCert) -> bytes:
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    return hashlib.sha256(der).digest()


# ------------------------------------------------------------- signatures

# The parameters of aiohttp 3.14.5's constructors (name, kind, default), written down from
# ``inspect.signature`` so that this suite does not need aiohttp installed.
_KW = inspect.Parameter.KEYWORD_ONLY
_POS = inspect.Parameter.POSITIONAL_OR_KEYWORD
_SENTINEL_DEFAULT = object()  # aiohttp's own sentinel: only the name has to match
AIOHTTP_SIGNATURES: dict[str, list[tuple[str, Any, object]]] = {
    "BaseConnector": [
        ("keepalive_timeout", _KW, _SENTINEL_DEFAULT),
        ("force_close", _KW, False),
        ("limit", _KW, 100),
        ("limit_per_host", _KW, 0),
        ("enable_cleanup_closed", _KW, False),
        ("loop", _KW, None),
        ("timeout_ceil_threshold", _KW, 5),
    ],
    "TCPConnector": [
        ("verify_ssl", _KW, True),
        ("fingerprint", _KW, None),
        ("use_dns_cache", _KW, True),
        ("ttl_dns_cache", _KW, 10),
        ("dns_cache_max_size", _KW, 1000),
        ("family", _KW, 0),
        ("ssl_context", _KW, None),
        ("ssl", _KW, True),
        ("local_addr", _KW, None),
        ("resolver", _KW, None),
        ("keepalive_timeout", _KW, _SENTINEL_DEFAULT),
        ("force_close", _KW, False),
        ("limit", _KW, 100),
        ("limit_per_host", _KW, 0),
        ("enable_cleanup_closed", _KW, False),
        ("loop", _KW, None),
        ("timeout_ceil_threshold", _KW, 5),
        ("happy_eyeballs_delay", _KW, 0.25),
        ("interleave", _KW, None),
        ("socket_factory", _KW, None),
        ("ssl_shutdown_timeout", _KW, _SENTINEL_DEFAULT),
    ],
    "UnixConnector": [
        ("path", _POS, inspect.Parameter.empty),
        ("force_close", _POS, False),
        ("keepalive_timeout", _POS, _SENTINEL_DEFAULT),
        ("limit", _POS, 100),
        ("limit_per_host", _POS, 0),
        ("loop", _POS, None),
    ],
    "ThreadedResolver": [("loop", _POS, None)],
    "AsyncResolver": [("loop", _POS, None)],
    "DefaultResolver": [("loop", _POS, None)],
    "Fingerprint": [("fingerprint", _POS, inspect.Parameter.empty)],
}


@pytest.mark.parametrize("name", sorted(AIOHTTP_SIGNATURES))
def test_constructor_accepts_every_aiohttp_parameter(name: str) -> None:
    params = inspect.signature(getattr(hc, name)).parameters
    ours = list(params)
    theirs = [pname for pname, _, _ in AIOHTTP_SIGNATURES[name]]
    for pname, kind, default in AIOHTTP_SIGNATURES[name]:
        assert pname in params, f"{name} lacks {pname}"
        assert params[pname].kind == kind, f"{name}.{pname} is {params[pname].kind}"
        if default is not _SENTINEL_DEFAULT:
            assert params[pname].default == default, f"{name}.{pname} default"
    if any(kind == _POS for _, kind, _ in AIOHTTP_SIGNATURES[name]):
        # Positional parameters must come in aiohttp's order.
        assert ours[: len(theirs)] == theirs


# aiohttp 3.14.5's public names (``dir()`` without underscores), plus documented attributes.
AIOHTTP_PUBLIC = {
    "BaseConnector": {
        "allowed_protocol_schema_set",
        "close",
        "closed",
        "connect",
        "force_close",
        "limit",
        "limit_per_host",
    },
    "TCPConnector": {
        "allowed_protocol_schema_set",
        "cached_hosts",
        "clear_dns_cache",
        "close",
        "closed",
        "connect",
        "dns_cache",
        "family",
        "force_close",
        "limit",
        "limit_per_host",
        "use_dns_cache",
    },
    "UnixConnector": {
        "allowed_protocol_schema_set",
        "close",
        "closed",
        "connect",
        "force_close",
        "limit",
        "limit_per_host",
        "path",
    },
    "Fingerprint": {"HASHFUNC_BY_DIGESTLEN", "check", "fingerprint"},
}


@pytest.mark.parametrize("name", sorted(AIOHTTP_PUBLIC))
def test_public_names_of_aiohttp_exist(name: str) -> None:
    assert AIOHTTP_PUBLIC[name] <= set(dir(getattr(hc, name)))


def test_close_takes_abort_ssl_keyword_only() -> None:
    for cls in (hc.BaseConnector, hc.TCPConnector, hc.UnixConnector):
        param = inspect.signature(cls.close).parameters["abort_ssl"]
        assert param.kind is inspect.Parameter.KEYWORD_ONLY
        assert param.default is False


# ------------------------------------------------------------------ loop=


async def test_loop_argument_accepts_the_running_loop(tmp_path: Path) -> None:
    loop = asyncio.get_running_loop()
    async with hc.TCPConnector(loop=loop) as tcp:
        assert tcp._loop is loop
        assert isinstance(tcp._resolver, hc.ThreadedResolver)
        assert tcp._resolver._loop is loop
    async with hc.UnixConnector(str(tmp_path / "s"), loop=loop) as unix:
        assert unix._loop is loop
    async with MockConnector(loop=loop) as mock:
        assert mock._loop is loop


@pytest.mark.parametrize("bad", ["loop", 1, object()])
async def test_loop_argument_must_be_a_loop(bad: object) -> None:
    with pytest.raises(TypeError, match="loop must be an asyncio event loop"):
        hc.TCPConnector(loop=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="loop must be"):
        hc.UnixConnector("/tmp/x", loop=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="loop must be"):
        hc.ThreadedResolver(loop=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="loop must be"):
        hc.AsyncResolver(bad)  # type: ignore[arg-type]


@pytest.fixture
def fresh_loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        loop.close()


def test_explicit_loop_allows_building_before_the_loop_runs(
    fresh_loop: asyncio.AbstractEventLoop,
) -> None:
    """Legacy aiohttp code builds the connector first, then runs the loop with it."""
    connector = hc.TCPConnector(loop=fresh_loop, resolver=FakeResolver({"svc.test": ["127.0.0.1"]}))
    resolver = hc.ThreadedResolver(loop=fresh_loop)
    assert resolver._loop is fresh_loop

    async def use() -> bytes:
        server = await asyncio.start_server(_echo_once, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            addrs = await resolver.resolve("localhost", port)
            assert addrs
            assert all(a["port"] == port for a in addrs)
            conn = await connector.connect(FakeRequest(f"http://svc.test:{port}/"))
            reply = await echo(conn)
            conn.close()
            return reply
        finally:
            await connector.close()
            server.close()
            await server.wait_closed()

    assert fresh_loop.run_until_complete(use()) == b"ping"
    assert connector.closed


def test_explicit_loop_for_unix_and_mock_connectors(
    fresh_loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    unix = hc.UnixConnector(str(tmp_path / "s"), False, 30, 10, 2, fresh_loop)
    mock = MockConnector(loop=fresh_loop)
    tcp = hc.TCPConnector(loop=fresh_loop)  # its own resolver is bound to that loop too
    assert isinstance(tcp._resolver, hc.ThreadedResolver)
    assert tcp._resolver._loop is fresh_loop

    async def use() -> None:
        conn = await mock.connect(FakeRequest("http://a.test/"))
        conn.release()
        assert mock.stats.idle == 1
        await mock.close()
        await unix.close()
        await tcp.close()

    fresh_loop.run_until_complete(use())
    assert tcp.closed
    assert unix.closed
    assert mock.closed


async def _echo_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(await reader.read(100))
    await writer.drain()
    writer.close()


async def test_builds_without_running_loop_still_need_a_loop() -> None:
    def build() -> None:
        hc.TCPConnector()

    # No running loop in a worker thread and no loop given: refused as before.
    with pytest.raises(RuntimeError, match="running event loop"):
        await asyncio.to_thread(build)


# ------------------------------------------------------ timeout_ceil_threshold


async def test_timeout_ceil_threshold_default_and_property() -> None:
    async with hc.TCPConnector() as tcp:
        assert tcp.timeout_ceil_threshold == 5
        assert tcp._timeout_ceil_threshold == 5
    async with hc.TCPConnector(timeout_ceil_threshold=0.5) as tcp:
        assert tcp.timeout_ceil_threshold == 0.5
    async with MockConnector(timeout_ceil_threshold=2) as mock:
        assert mock.timeout_ceil_threshold == 2.0


@pytest.mark.parametrize(
    ("bad", "exc"),
    [
        ("5", TypeError),
        (None, TypeError),
        (True, TypeError),
        (-1, ValueError),
        (math.nan, ValueError),
    ],
)
async def test_timeout_ceil_threshold_rejects_bad_values(bad: object, exc: type[Exception]) -> None:
    with pytest.raises(exc, match="timeout_ceil_threshold"):
        hc.TCPConnector(timeout_ceil_threshold=bad)  # type: ignore[arg-type]
    with pytest.raises(exc, match="timeout_ceil_threshold"):
        MockConnector(timeout_ceil_threshold=bad)


async def test_keepalive_timer_below_threshold_is_exact() -> None:
    loop = asyncio.get_running_loop()
    async with MockConnector(keepalive_timeout=0.5) as mock:
        conn = await mock.connect(FakeRequest("http://a.test/"))
        released = loop.time()
        conn.release()
        handle = mock._expiry_handle
        assert handle is not None
        assert handle.when() == pytest.approx(released + 0.5, abs=0.05)


async def test_keepalive_timer_at_threshold_fires_on_a_whole_second() -> None:
    loop = asyncio.get_running_loop()
    async with MockConnector(keepalive_timeout=0.2, timeout_ceil_threshold=0.2) as mock:
        conn = await mock.connect(FakeRequest("http://a.test/"))
        released = loop.time()
        conn.release()
        handle = mock._expiry_handle
        assert handle is not None
        when = handle.when()
        assert when == math.ceil(when)
        assert released + 0.2 <= when < released + 1.3
        # The rounded timer still expires the idle connection.
        transport = mock.created[0]
        await asyncio.sleep(when - loop.time() + 0.05)
        assert mock.stats.idle == 0
        assert transport.closed


async def test_cleanup_closed_timer_follows_the_threshold() -> None:
    loop = asyncio.get_running_loop()
    async with MockConnector(timeout_ceil_threshold=1) as mock:
        now = loop.time()
        assert mock._fire_time(0.5) == pytest.approx(now + 0.5, abs=0.05)
        rounded = mock._fire_time(1)
        assert rounded == math.ceil(rounded)
        assert now + 1 <= rounded < now + 2.1


# ---------------------------------------------------------- deprecated ssl args


def test_ssl_default_is_true_and_none_is_the_same() -> None:
    assert inspect.signature(hc.TCPConnector).parameters["ssl"].default is True


async def test_ssl_none_and_true_both_mean_default_verification() -> None:
    for value in (None, True):
        async with hc.TCPConnector(ssl=value) as connector:
            assert connector.ssl is True


async def test_unused_deprecated_ssl_arguments_do_not_warn() -> None:
    # filterwarnings=error: any warning would fail this test.
    async with hc.TCPConnector(verify_ssl=True, ssl_context=None, fingerprint=None) as connector:
        assert connector.ssl is True
    async with hc.TCPConnector(verify_ssl=True, ssl=False) as connector:
        assert connector.ssl is False


async def test_verify_ssl_false_means_ssl_false(tls_server: CountingServer) -> None:
    with pytest.warns(DeprecationWarning, match="verify_ssl is deprecated") as record:
        connector = hc.TCPConnector(verify_ssl=False)
    assert record[0].filename == __file__
    async with connector:
        assert connector.ssl is False
        # The server's certificate comes from a CA nobody trusts: only no verification works.
        conn = await connector.connect(FakeRequest(tls_server.url("https")))
        assert await echo(conn) == b"ping"
        conn.close()


async def test_ssl_context_means_ssl_context(
    tls_server: CountingServer, client_ssl: ssl.SSLContext
) -> None:
    with pytest.warns(DeprecationWarning, match="ssl_context is deprecated") as record:
        connector = hc.TCPConnector(ssl_context=client_ssl)
    assert record[0].filename == __file__
    async with connector:
        assert connector.ssl is client_ssl
        conn = await connector.connect(FakeRequest(tls_server.url("https", "localhost")))
        assert await echo(conn) == b"ping"
        conn.close()


async def test_fingerprint_bytes_mean_a_fingerprint(
    tls_server: CountingServer, server_cert: trustme.LeafCert
) -> None:
    digest = cert_fingerprint(server_cert)
    with pytest.warns(DeprecationWarning, match="fingerprint is deprecated"):
        connector = hc.TCPConnector(fingerprint=digest)
    async with connector:
        assert connector.ssl == hc.Fingerprint(digest)
        conn = await connector.connect(FakeRequest(tls_server.url("https")))
        assert await echo(conn) == b"ping"
        conn.close()
    with pytest.warns(DeprecationWarning, match="fingerprint is deprecated"):
        wrong = hc.TCPConnector(fingerprint=bytes(32))
    async with wrong:
        with pytest.raises(hc.ServerFingerprintMismatch):
            await wrong.connect(FakeRequest(tls_server.url("https")))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"verify_ssl": False, "ssl": False},
        {"verify_ssl": False, "ssl": hc.Fingerprint(b"\x01" * 32)},
        {"ssl_context": ssl.create_default_context(), "ssl": False},
        {"ssl_context": ssl.create_default_context(), "verify_ssl": False},
        {"fingerprint": b"\x01" * 32, "ssl": ssl.create_default_context()},
        {"fingerprint": b"\x01" * 32, "verify_ssl": False},
        {"fingerprint": b"\x01" * 32, "ssl_context": ssl.create_default_context()},
    ],
)
async def test_deprecated_ssl_arguments_are_mutually_exclusive(kwargs: dict[str, Any]) -> None:
    with (
        pytest.warns(DeprecationWarning, match="deprecated"),
        pytest.raises(ValueError, match="mutually exclusive"),
    ):
        hc.TCPConnector(**kwargs)


async def test_deprecated_ssl_arguments_combine_with_ssl_none() -> None:
    with pytest.warns(DeprecationWarning, match="verify_ssl"):
        connector = hc.TCPConnector(verify_ssl=False, ssl=None)
    async with connector:
        assert connector.ssl is False


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"verify_ssl": "no"}, "verify_ssl must be a bool"),
        ({"verify_ssl": 0}, "verify_ssl must be a bool"),
        ({"ssl_context": "ctx"}, "ssl_context must be an ssl.SSLContext"),
        ({"fingerprint": "ab" * 32}, "fingerprint must be bytes"),
    ],
)
async def test_deprecated_ssl_arguments_reject_wrong_types(
    kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(TypeError, match=match):
        hc.TCPConnector(**kwargs)


@pytest.mark.parametrize(
    ("length", "match"), [(16, "insecure"), (20, "insecure"), (5, "32 bytes"), (64, "32 bytes")]
)
async def test_fingerprint_argument_of_wrong_length(length: int, match: str) -> None:
    with (
        pytest.warns(DeprecationWarning, match="fingerprint is deprecated"),
        pytest.raises(ValueError, match=match),
    ):
        hc.TCPConnector(fingerprint=b"\x00" * length)


# ----------------------------------------------------------- Fingerprint table


def test_hashfunc_by_digestlen_is_aiohttps_table() -> None:
    table = hc.Fingerprint.HASHFUNC_BY_DIGESTLEN
    assert table == {16: hashlib.md5, 20: hashlib.sha1, 32: hashlib.sha256}


class _FakeSSLObject:
    def __init__(self, der: bytes) -> None:
        self.der = der

    def getpeercert(self, binary_form: bool = False) -> bytes:
        assert binary_form
        return self.der


class _FakeTLSTransport(asyncio.BaseTransport):
    def __init__(self, der: bytes) -> None:
        super().__init__()
        self.ssl_object = _FakeSSLObject(der)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        if name == "ssl_object":
            return self.ssl_object
        if name == "peername":
            return ("127.0.0.1", 443)
        return default


def test_a_subclass_may_extend_the_hash_table() -> None:
    class Sha512Fingerprint(hc.Fingerprint):
        HASHFUNC_BY_DIGESTLEN: ClassVar[dict[int, Callable[..., Any]]] = {
            **hc.Fingerprint.HASHFUNC_BY_DIGESTLEN,
            64: hashlib.sha512,
        }

    der = b"certificate bytes"
    good = Sha512Fingerprint(hashlib.sha512(der).digest())
    good.check(_FakeTLSTransport(der))
    with pytest.raises(hc.ServerFingerprintMismatch):
        Sha512Fingerprint(hashlib.sha512(b"other").digest()).check(_FakeTLSTransport(der))
    with pytest.raises(ValueError, match="insecure"):
        Sha512Fingerprint(b"\x00" * 20)
    # The base class still takes SHA-256 only.
    with pytest.raises(ValueError, match="32 bytes"):
        hc.Fingerprint(hashlib.sha512(der).digest())


# ------------------------------------------------ close(abort_ssl) and shutdown


class _StubbornTLS:
    """A TLS server that stops reading after the first bytes, so it never answers close_notify."""

    def __init__(self) -> None:
        self.transports: list[asyncio.BaseTransport] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    def protocol(self) -> asyncio.Protocol:
        transports = self.transports

        class Stubborn(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                transports.append(transport)
                self.transport = transport

            def data_received(self, data: bytes) -> None:
                assert isinstance(self.transport, asyncio.ReadTransport)
                self.transport.pause_reading()

        return Stubborn()

    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/"


@pytest.fixture
async def stubborn(server_ssl: ssl.SSLContext) -> AsyncIterator[_StubbornTLS]:
    stub = _StubbornTLS()
    stub.server = await asyncio.get_running_loop().create_server(
        stub.protocol, "127.0.0.1", 0, ssl=server_ssl
    )
    stub.port = stub.server.sockets[0].getsockname()[1]
    yield stub
    stub.server.close()
    for transport in stub.transports:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.abort()
    await asyncio.sleep(0.05)


async def _open_busy(
    connector: hc.TCPConnector, url: str
) -> tuple[hc.Connection, hc.StreamProtocol]:
    conn = await connector.connect(FakeRequest(url))
    protocol = conn.protocol
    assert isinstance(protocol, hc.StreamProtocol)
    protocol.write(b"x")
    await asyncio.sleep(0.05)
    return conn, protocol


async def test_close_aborts_tls_connections_by_default(
    stubborn: _StubbornTLS, client_ssl: ssl.SSLContext, echo_server: CountingServer
) -> None:
    connector = hc.TCPConnector(ssl=client_ssl)
    conn, tls = await _open_busy(connector, stubborn.url())
    plain_conn = await connector.connect(FakeRequest(echo_server.url()))
    await connector.close()
    await asyncio.sleep(0.05)
    assert tls.transport is None  # aborted: no closing handshake to wait for
    assert conn.closed
    assert plain_conn.closed
    await echo_server.wait_active(0)
    conn.close()
    plain_conn.close()


async def test_close_waits_for_the_tls_shutdown_when_a_timeout_is_set(
    stubborn: _StubbornTLS, client_ssl: ssl.SSLContext
) -> None:
    with pytest.warns(
        DeprecationWarning, match="^The ssl_shutdown_timeout parameter is deprecated"
    ):
        connector = hc.TCPConnector(ssl=client_ssl, ssl_shutdown_timeout=None)
    conn, tls = await _open_busy(connector, stubborn.url())
    transport = tls.transport
    await connector.close()
    await asyncio.sleep(0.2)
    assert tls.transport is transport  # still waiting for the peer's close_notify
    assert transport is not None
    transport.abort()
    await asyncio.sleep(0)
    conn.close()


async def test_close_abort_ssl_overrides_the_shutdown_timeout(
    stubborn: _StubbornTLS, client_ssl: ssl.SSLContext
) -> None:
    with pytest.warns(DeprecationWarning, match="ssl_shutdown_timeout"):
        connector = hc.TCPConnector(ssl=client_ssl, ssl_shutdown_timeout=30)
    conn, tls = await _open_busy(connector, stubborn.url())
    await connector.close(abort_ssl=True)
    await asyncio.sleep(0.05)
    assert tls.transport is None
    conn.close()


async def test_ssl_shutdown_timeout_bounds_the_closing_handshake(
    stubborn: _StubbornTLS, client_ssl: ssl.SSLContext
) -> None:
    with pytest.warns(DeprecationWarning, match="ssl_shutdown_timeout"):
        connector = hc.TCPConnector(ssl=client_ssl, ssl_shutdown_timeout=0.3)
    async with connector:
        conn, tls = await _open_busy(connector, stubborn.url())
        loop = asyncio.get_running_loop()
        closed_at = loop.time()
        conn.close()
        await asyncio.sleep(0.1)
        assert tls.transport is not None  # the closing handshake is still pending
        while tls.transport is not None and loop.time() - closed_at < 5:
            await asyncio.sleep(0.02)
        assert tls.transport is None  # given up after 0.3 s, not asyncio's 30 s
        assert loop.time() - closed_at >= 0.29


async def test_ssl_shutdown_timeout_zero_warns_and_aborts(
    stubborn: _StubbornTLS, client_ssl: ssl.SSLContext
) -> None:
    with pytest.warns(DeprecationWarning, match="ssl_shutdown_timeout"):
        connector = hc.TCPConnector(ssl=client_ssl, ssl_shutdown_timeout=0)
    conn, tls = await _open_busy(connector, stubborn.url())
    connector.close()
    await asyncio.sleep(0.05)
    assert tls.transport is None
    conn.close()


@pytest.mark.parametrize(("bad", "exc"), [("1", TypeError), (True, TypeError), (-1, ValueError)])
async def test_ssl_shutdown_timeout_rejects_bad_values(bad: object, exc: type[Exception]) -> None:
    with (
        pytest.warns(DeprecationWarning, match="^The ssl_shutdown_timeout parameter is deprecated"),
        pytest.raises(exc, match="ssl_shutdown_timeout"),
    ):
        hc.TCPConnector(ssl_shutdown_timeout=bad)


async def test_abort_ssl_leaves_plain_connections_to_a_normal_close() -> None:
    async with MockConnector() as mock:
        conn = await mock.connect(FakeRequest("http://a.test/"))
        transport = mock.created[0]
        await mock.close(abort_ssl=True)
        assert transport.closed
        conn.close()


# ---------------------------------------------------------------- socket_factory


async def test_socket_factory_makes_the_socket(echo_server: CountingServer) -> None:
    seen: list[_happy_eyeballs.AddrInfoType] = []

    def factory(info: _happy_eyeballs.AddrInfoType) -> socket.socket:
        seen.append(info)
        family, kind, proto, _, _ = info
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        return sock

    async with hc.TCPConnector(socket_factory=factory) as connector:
        conn = await connector.connect(FakeRequest(echo_server.url()))
        assert seen == [
            (
                socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                ("127.0.0.1", echo_server.port),
            )
        ]
        transport = conn.transport
        assert transport is not None
        sock = transport.get_extra_info("socket")
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert await echo(conn) == b"ping"
        conn.close()


async def test_socket_factory_with_tls_and_local_addr(
    tls_server: CountingServer, client_ssl: ssl.SSLContext
) -> None:
    calls = 0

    def factory(info: _happy_eyeballs.AddrInfoType) -> socket.socket:
        nonlocal calls
        calls += 1
        return socket.socket(info[0], info[1], info[2])

    async with hc.TCPConnector(
        ssl=client_ssl, socket_factory=factory, local_addr=("127.0.0.1", 0)
    ) as connector:
        conn = await connector.connect(FakeRequest(tls_server.url("https", "localhost")))
        assert await echo(conn) == b"ping"
        transport = conn.transport
        assert transport is not None
        assert transport.get_extra_info("sockname")[0] == "127.0.0.1"
        conn.close()
    assert calls == 1


async def test_socket_factory_is_called_per_happy_eyeballs_attempt(
    echo_server: CountingServer,
) -> None:
    seen: list[str] = []

    def factory(info: _happy_eyeballs.AddrInfoType) -> socket.socket:
        seen.append(info[4][0])
        return socket.socket(info[0], info[1], info[2])

    # Nothing listens on 127.0.0.2 at that port: the first attempt is refused.
    resolver = FakeResolver({"svc.test": ["127.0.0.2", "127.0.0.1"]})
    async with hc.TCPConnector(resolver=resolver, socket_factory=factory) as connector:
        conn = await connector.connect(FakeRequest(f"http://svc.test:{echo_server.port}/"))
        assert seen == ["127.0.0.2", "127.0.0.1"]
        assert await echo(conn) == b"ping"
        conn.close()


async def test_socket_factory_oserror_is_a_connector_error(echo_server: CountingServer) -> None:
    def factory(info: _happy_eyeballs.AddrInfoType) -> socket.socket:
        raise OSError(98, "no sockets today")

    async with hc.TCPConnector(socket_factory=factory) as connector:
        with pytest.raises(hc.ClientConnectorError, match="no sockets today") as info:
            await connector.connect(FakeRequest(echo_server.url()))
        assert info.value.os_error.errno == 98
        assert connector.stats.connecting == 0
    assert echo_server.accepted == 0


async def test_socket_factory_must_return_a_socket(echo_server: CountingServer) -> None:
    def factory(info: _happy_eyeballs.AddrInfoType) -> socket.socket:
        return "not a socket"  # type: ignore[return-value]

    async with hc.TCPConnector(socket_factory=factory) as connector:
        with pytest.raises(TypeError, match="must return a socket"):
            await connector.connect(FakeRequest(echo_server.url()))
        assert connector.stats.connecting == 0


async def test_socket_factory_bug_is_raised_at_once_across_attempts(
    echo_server: CountingServer,
) -> None:
    def factory(info: _happy_eyeballs.AddrInfoType) -> socket.socket:
        raise RuntimeError("bug in factory")

    resolver = FakeResolver({"svc.test": ["127.0.0.2", "127.0.0.1"]})
    async with hc.TCPConnector(resolver=resolver, socket_factory=factory) as connector:
        with pytest.raises(RuntimeError, match="bug in factory"):
            await connector.connect(FakeRequest(f"http://svc.test:{echo_server.port}/"))
        assert connector.stats.connecting == 0
    assert echo_server.accepted == 0


async def test_socket_factory_must_be_callable() -> None:
    with pytest.raises(TypeError, match="socket_factory must be callable"):
        hc.TCPConnector(socket_factory="factory")  # type: ignore[arg-type]


def test_addr_info_of_ipv4_and_ipv6_addresses() -> None:
    def result(host: str, family: int) -> hc.ResolveResult:
        return hc.ResolveResult(hostname="h", host=host, port=8080, family=family, proto=0, flags=0)

    assert _happy_eyeballs.addr_info(result("10.1.2.3", socket.AF_INET)) == (
        socket.AF_INET,
        socket.SOCK_STREAM,
        socket.IPPROTO_TCP,
        "",
        ("10.1.2.3", 8080),
    )
    family, _, _, _, sockaddr = _happy_eyeballs.addr_info(result("::1", socket.AF_INET6))
    assert family == socket.AF_INET6
    assert sockaddr == ("::1", 8080, 0, 0)
    lo = socket.if_nameindex()[0]
    scoped = _happy_eyeballs.addr_info(result(f"fe80::1%{lo[1]}", socket.AF_INET6))
    assert scoped[4] == ("fe80::1", 8080, 0, lo[0])
    with pytest.raises(socket.gaierror):  # numeric only: never a name-service query
        _happy_eyeballs.addr_info(result("localhost", socket.AF_INET))


# ------------------------------------------------------------- UnixConnector


async def test_unix_connector_takes_aiohttps_positional_arguments(
    unix_server: CountingServer,
) -> None:
    assert unix_server.path is not None
    loop = asyncio.get_running_loop()
    async with hc.UnixConnector(unix_server.path, False, 30, 10, 2, loop) as connector:
        assert connector.path == unix_server.path
        assert not connector.force_close
        assert connector.keepalive_timeout == 30
        assert connector.limit == 10
        assert connector.limit_per_host == 2
        conn = await connector.connect(FakeRequest("http://docker/"))
        assert await echo(conn) == b"ping"
        conn.release()
    async with hc.UnixConnector(unix_server.path, True) as forced:
        assert forced.force_close
        assert forced.keepalive_timeout == 0


async def test_unix_connector_zero_sock_connect_means_no_limit(unix_server: CountingServer) -> None:
    assert unix_server.path is not None
    async with hc.UnixConnector(unix_server.path) as connector:
        timeout = FakeTimeout(sock_connect=0)
        conn = await connector.connect(FakeRequest("http://docker/"), timeout=timeout)
        assert await echo(conn) == b"ping"
        conn.release()


async def test_unix_connector_extras_stay_keyword_only(tmp_path: Path) -> None:
    loop = asyncio.get_running_loop()
    with pytest.raises(TypeError):
        hc.UnixConnector(str(tmp_path / "s"), False, 30, 10, 2, loop, True)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="keepalive_timeout cannot be set"):
        hc.UnixConnector(str(tmp_path / "s"), True, 30)
    async with hc.UnixConnector(
        str(tmp_path / "s"), enable_cleanup_closed=True, timeout_ceil_threshold=1
    ) as connector:
        assert connector.timeout_ceil_threshold == 1


# ------------------------------------------------------------------ resolvers


async def test_threaded_resolver_takes_loop_by_position() -> None:
    loop = asyncio.get_running_loop()
    for resolver in (hc.ThreadedResolver(loop), hc.DefaultResolver(loop=loop)):
        assert resolver._loop is loop
        addrs = await resolver.resolve("localhost", 80)
        assert addrs
        assert all(a["port"] == 80 for a in addrs)
        await resolver.close()


@pytest.mark.needs_dnsmasq
async def test_async_resolver_passes_arguments_to_aiodns(dnsmasq: Dnsmasq) -> None:
    loop = asyncio.get_running_loop()
    resolver = hc.AsyncResolver(
        loop,
        ["127.0.0.1"],
        udp_port=dnsmasq.port,
        tcp_port=dnsmasq.port,
        timeout=1.0,
        tries=1,
        rotate=True,
    )
    try:
        assert resolver._loop is loop
        addrs = await resolver.resolve("svc.test", 80)
        assert sorted(a["host"] for a in addrs) == ["127.0.0.1", "127.0.0.2"]
    finally:
        await resolver.close()
    keyword = hc.AsyncResolver(
        loop=loop, nameservers=["127.0.0.1"], udp_port=dnsmasq.port, tcp_port=dnsmasq.port
    )
    try:
        assert [a["host"] for a in await keyword.resolve("other.test")] == ["127.0.0.1"]
    finally:
        await keyword.close()


# pycares' Channel complains from __del__ about the half-built channel: its own wart, not ours.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_async_resolver_rejects_unknown_arguments() -> None:
    with pytest.raises(TypeError):
        hc.AsyncResolver(no_such_option=1)


def test_resolvers_without_loop_outside_a_loop_are_refused() -> None:
    with pytest.raises(RuntimeError, match="running event loop"):
        hc.ThreadedResolver()


async def test_plain_with_is_deprecated_but_closes() -> None:
    mock = MockConnector()
    with pytest.warns(DeprecationWarning, match='use "async with'):
        entered = mock.__enter__()
    assert entered is mock
    conn = await mock.connect(FakeRequest("http://a.test/"))
    conn.release()
    mock.__exit__(None, None, None)
    assert mock.closed
    assert mock.created[0].closed
    await mock.close()
