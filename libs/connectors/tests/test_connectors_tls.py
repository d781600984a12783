"""TLS: the ``ssl`` argument's forms, fingerprints, error mapping, SNI, hung shutdowns."""

from __future__ import annotations

import asyncio
import hashlib
import pickle
import ssl

import pytest
import trustme

import httpwire_connectors as hc
from httpwire_connectors import _ssl
from httpwire_connectors.testing import FakeRequest, FakeResolver, FakeTimeout

from .conftest import CountingServer, echo


def connection_alive(protocol: hc.StreamProtocol) -> bool:
    return protocol.transport is not None


def cert_fingerprint(cert: trustme.LeafCert) -> bytes:
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    return hashlib.sha256(der).digest()


# ------------------------------------------------------------ Fingerprint


def test_fingerprint_accepts_sha256_only() -> None:
    fp = hc.Fingerprint(b"\x00" * 32)
    assert fp.fingerprint == b"\x00" * 32
    for length in (16, 20):  # aiohttp's words
        with pytest.raises(ValueError, match=r"^md5 and sha1 are insecure and not supported\. Use"):
            hc.Fingerprint(b"\x00" * length)
    with pytest.raises(ValueError, match=r"^fingerprint has invalid length: .* 32 bytes, got 31$"):
        hc.Fingerprint(b"\x00" * 31)
    with pytest.raises(TypeError):
        hc.Fingerprint("00" * 32)  # type: ignore[arg-type]


def test_fingerprint_equality_hash_repr_pickle() -> None:
    a, b = hc.Fingerprint(b"\x01" * 32), hc.Fingerprint(b"\x01" * 32)
    assert a == b
    assert hash(a) == hash(b)
    assert a != hc.Fingerprint(b"\x02" * 32)
    assert a != b"\x01" * 32
    assert repr(a) == "<Fingerprint sha256=" + "01" * 32 + ">"
    assert pickle.loads(pickle.dumps(a)) == a


def test_normalize_ssl() -> None:
    assert _ssl.normalize_ssl(None) is True
    assert _ssl.normalize_ssl(False) is False
    expected = r"^ssl should be SSLContext, bool, Fingerprint or None, got 'yes' instead\.$"
    with pytest.raises(TypeError, match=expected):
        _ssl.normalize_ssl("yes")


async def test_choose_context() -> None:
    ctx = ssl.create_default_context()
    fp = hc.Fingerprint(b"\x00" * 32)
    assert _ssl.choose_context(True, True) == (None, None)
    assert _ssl.choose_context(True, ctx) == (ctx, None)
    assert _ssl.choose_context(ctx, False) == (ctx, None)
    unverified, none = _ssl.choose_context(False, True)
    assert none is None
    assert unverified is not None
    assert unverified.verify_mode == ssl.CERT_NONE
    assert not unverified.check_hostname
    assert _ssl.choose_context(True, fp) == (unverified, fp)
    verified = await _ssl.verified_context()
    assert verified is await _ssl.verified_context()
    assert verified.verify_mode == ssl.CERT_REQUIRED
    assert verified.check_hostname


async def test_connector_rejects_bad_ssl_argument() -> None:
    with pytest.raises(TypeError):
        hc.TCPConnector(ssl="verify")  # type: ignore[arg-type]


# ------------------------------------------------------------ handshakes


async def test_tls_with_trusted_context(
    tls_server: CountingServer, client_ssl: ssl.SSLContext
) -> None:
    async with hc.TCPConnector(ssl=client_ssl) as connector:
        conn = await connector.connect(FakeRequest(tls_server.url("https")))
        assert await echo(conn) == b"ping"
        assert conn.transport is not None
        assert conn.transport.get_extra_info("ssl_object") is not None
        conn.release()
        again = await connector.connect(FakeRequest(tls_server.url("https")))
        assert again.reused
        again.close()
    assert tls_server.accepted == 1


async def test_request_ssl_context_overrides_connector(
    tls_server: CountingServer, client_ssl: ssl.SSLContext
) -> None:
    async with hc.TCPConnector() as connector:
        conn = await connector.connect(FakeRequest(tls_server.url("https"), ssl=client_ssl))
        assert await echo(conn) == b"ping"
        conn.close()


async def test_untrusted_certificate_is_a_certificate_error(tls_server: CountingServer) -> None:
    other_ca = trustme.CA()
    ctx = ssl.create_default_context()
    other_ca.configure_trust(ctx)
    async with hc.TCPConnector(ssl=ctx) as connector:
        with pytest.raises(hc.ClientConnectorCertificateError) as info:
            await connector.connect(FakeRequest(tls_server.url("https")))
    err = info.value
    assert isinstance(err.certificate_error, ssl.SSLCertVerificationError)
    assert (err.host, err.port) == ("127.0.0.1", tls_server.port)
    assert connector.stats.connecting == 0


async def test_default_context_rejects_a_private_ca(tls_server: CountingServer) -> None:
    async with hc.TCPConnector() as connector:
        with pytest.raises(hc.ClientConnectorCertificateError):
            await connector.connect(FakeRequest(tls_server.url("https")))


async def test_wrong_host_name_is_a_certificate_error(
    tls_server: CountingServer, client_ssl: ssl.SSLContext
) -> None:
    resolver = FakeResolver({"wrong.test": ["127.0.0.1"]})
    async with hc.TCPConnector(ssl=client_ssl, resolver=resolver) as connector:
        with pytest.raises(hc.ClientConnectorCertificateError, match=r"wrong\.test"):
            await connector.connect(FakeRequest(tls_server.url("https", "wrong.test")))


async def test_server_hostname_overrides_sni_and_check(
    tls_server: CountingServer, client_ssl: ssl.SSLContext
) -> None:
    resolver = FakeResolver({"wrong.test": ["127.0.0.1"]})
    async with hc.TCPConnector(ssl=client_ssl, resolver=resolver) as connector:
        req = FakeRequest(tls_server.url("https", "wrong.test"), server_hostname="example.test")
        conn = await connector.connect(req)
        assert await echo(conn) == b"ping"
        conn.close()


async def test_a_pooled_connection_is_not_reused_for_another_server_hostname(
    tls_server: CountingServer, client_ssl: ssl.SSLContext
) -> None:
    async with hc.TCPConnector(ssl=client_ssl) as connector:
        url = tls_server.url("https", "127.0.0.1")
        first = FakeRequest(url, server_hostname="example.test")
        conn = await connector.connect(first)
        assert await echo(conn) == b"ping"
        pooled = conn.protocol
        conn.release()
        assert first.connection_key != FakeRequest(url, server_hostname="other.test").connection_key
        with pytest.raises(hc.ClientConnectorCertificateError, match=r"other\.test"):
            await connector.connect(FakeRequest(url, server_hostname="other.test"))
        conn = await connector.connect(FakeRequest(url, server_hostname="example.test"))
        assert conn.protocol is pooled  # the same name still shares it
        conn.close()


async def test_sni_is_sent_without_trailing_dot(
    server_ssl: ssl.SSLContext, client_ssl: ssl.SSLContext
) -> None:
    seen: list[str | None] = []

    def sni_callback(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
        seen.append(name)

    server_ssl.sni_callback = sni_callback
    server = CountingServer()
    server.server = await asyncio.start_server(server._handle, "127.0.0.1", 0, ssl=server_ssl)
    server.port = server.server.sockets[0].getsockname()[1]
    resolver = FakeResolver({"localhost.": ["127.0.0.1"]})
    try:
        async with hc.TCPConnector(ssl=client_ssl, resolver=resolver) as connector:
            conn = await connector.connect(FakeRequest(server.url("https", "localhost.")))
            conn.close()
    finally:
        server.server.close()
    assert seen == ["localhost"]


async def test_ssl_false_skips_verification(tls_server: CountingServer) -> None:
    async with hc.TCPConnector(ssl=False) as connector:
        conn = await connector.connect(FakeRequest(tls_server.url("https")))
        assert await echo(conn) == b"ping"
        conn.close()
    async with hc.TCPConnector() as connector:
        conn = await connector.connect(FakeRequest(tls_server.url("https"), ssl=False))
        assert await echo(conn) == b"ping"
        conn.close()


async def test_matching_fingerprint_connects(
    tls_server: CountingServer, server_cert: trustme.LeafCert
) -> None:
    fp = hc.Fingerprint(cert_fingerprint(server_cert))
    async with hc.TCPConnector(ssl=fp) as connector:
        conn = await connector.connect(FakeRequest(tls_server.url("https")))
        assert await echo(conn) == b"ping"
        conn.close()


async def test_fingerprint_mismatch_raises_and_frees_the_slot(
    tls_server: CountingServer, server_cert: trustme.LeafCert
) -> None:
    expected = b"\x00" * 32
    async with hc.TCPConnector(limit=1) as connector:
        req = FakeRequest(tls_server.url("https"), ssl=hc.Fingerprint(expected))
        with pytest.raises(hc.ServerFingerprintMismatch) as info:
            await connector.connect(req)
        assert info.value.expected == expected
        assert info.value.got == cert_fingerprint(server_cert)
        assert (info.value.host, info.value.port) == ("127.0.0.1", tls_server.port)
        assert connector.stats.active + connector.stats.connecting == 0
    await tls_server.wait_active(0)


async def test_plain_server_gives_an_ssl_error(echo_server: CountingServer) -> None:
    echo_server.silent = False
    async with hc.TCPConnector(ssl=False) as connector:
        with pytest.raises(hc.ClientConnectorSSLError) as info:
            await connector.connect(
                FakeRequest(echo_server.url("https")), timeout=FakeTimeout(sock_connect=2)
            )
    assert not isinstance(info.value, hc.ClientConnectorCertificateError)
    assert isinstance(info.value, ssl.SSLError)


async def test_handshake_that_hangs_hits_sock_connect(echo_server: CountingServer) -> None:
    echo_server.silent = True
    async with hc.TCPConnector(ssl=False, limit=1) as connector:
        with pytest.raises(hc.ConnectionTimeoutError):
            await connector.connect(
                FakeRequest(echo_server.url("https")), timeout=FakeTimeout(sock_connect=0.2)
            )
        assert connector.stats.connecting == 0


async def test_cleanup_closed_aborts_a_hanging_tls_shutdown(
    server_ssl: ssl.SSLContext, client_ssl: ssl.SSLContext
) -> None:
    """A server that stops reading never answers close_notify; the transport gets aborted."""
    server_transports: list[asyncio.BaseTransport] = []

    class Stubborn(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            server_transports.append(transport)

        def data_received(self, data: bytes) -> None:
            assert isinstance(server_transports[0], asyncio.ReadTransport)
            server_transports[0].pause_reading()

    loop = asyncio.get_running_loop()
    server = await loop.create_server(Stubborn, "127.0.0.1", 0, ssl=server_ssl)
    port = server.sockets[0].getsockname()[1]
    try:
        connector = hc.TCPConnector(ssl=client_ssl, enable_cleanup_closed=True)
        connector.cleanup_closed_period = 0.2
        conn = await connector.connect(FakeRequest(f"https://127.0.0.1:{port}/"))
        protocol = conn.protocol
        assert isinstance(protocol, hc.StreamProtocol)
        protocol.write(b"x")
        await asyncio.sleep(0.05)
        transport = conn.transport
        conn.close()
        await asyncio.sleep(0.1)
        assert transport is not None
        assert protocol.is_connected() or protocol.transport is not None
        await asyncio.sleep(0.3)
        assert not connection_alive(protocol)  # aborted: connection_lost has run
        await connector.close()
    finally:
        server.close()
        for t in server_transports:
            assert isinstance(t, asyncio.WriteTransport)
            t.abort()
        await asyncio.sleep(0.05)
