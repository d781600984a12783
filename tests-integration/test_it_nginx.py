"""The composed client against a real nginx: static files, gzip, chunked, keep-alive, HTTP/1.0, TLS.

nginx runs once per test module (see ``_it_servers.py``) on loopback ports, serving files generated
in a tmp dir; response headers ``X-Conn`` / ``X-Conn-Requests`` name the server-side connection so
the tests can tell reuse from reconnects without trusting the client's own bookkeeping.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import shutil
import ssl
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import _it_servers as _servers  # on sys.path via conftest.py
import pytest

import httpwire as aiohttp

if TYPE_CHECKING:
    from _it_servers import Nginx

__all__: list[str] = []


it_ca = _servers.it_ca
it_client_ssl = _servers.it_client_ssl
it_nginx = _servers.it_nginx

TIMEOUT = 20


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_missing_nginx_fails_under_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *_args, **_kwargs: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"nginx is not installed.*CI requires it"):
        _servers.require_binary("nginx", "nginx-light")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install nginx-light"):
        _servers.require_binary("nginx", "nginx-light")


def test_present_binary_is_found() -> None:
    assert _servers.require_binary("nginx", "nginx-light").endswith("/nginx")


async def test_static_file_body_and_headers(it_nginx: Nginx) -> None:
    expected = (it_nginx.root / "index.html").read_bytes()
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(f"{it_nginx.url}/index.html") as resp,
    ):
        assert resp.status == 200
        assert resp.reason == "OK"
        assert resp.content_type == "text/html"
        assert resp.headers["Server"].startswith("nginx")
        assert resp.content_length == len(expected)
        assert "Last-Modified" in resp.headers
        assert await resp.read() == expected


async def test_big_static_file_streams_whole(it_nginx: Nginx) -> None:
    expected = (it_nginx.root / "big.bin").read_bytes()
    digest = hashlib.sha256()
    total = 0
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(f"{it_nginx.url}/big.bin") as resp,
    ):
        assert resp.status == 200
        assert resp.content_length == len(expected)
        async for chunk in resp.content.iter_chunked(65536):
            assert 0 < len(chunk) <= 65536
            digest.update(chunk)
            total += len(chunk)
    assert total == len(expected)
    assert digest.hexdigest() == _sha(expected)


async def test_gzip_is_negotiated_and_decoded(it_nginx: Nginx) -> None:
    expected = (it_nginx.root / "text.txt").read_bytes()
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(f"{it_nginx.url}/text.txt") as resp:
            assert resp.status == 200
            # The default Accept-Encoding asks for gzip; nginx compresses on the fly, so the
            # body is chunked with no Content-Length.
            assert resp.headers["Content-Encoding"] == "gzip"
            assert resp.headers["Transfer-Encoding"] == "chunked"
            assert "Content-Length" not in resp.headers
            assert await resp.text() == expected.decode()
        async with session.get(f"{it_nginx.url}/proto") as resp:
            _proto, _conn, accept_encoding = (await resp.text()).strip().split("|")
            assert "gzip" in accept_encoding


async def test_gzip_raw_body_when_auto_decompress_is_off(it_nginx: Nginx) -> None:
    expected = (it_nginx.root / "text.txt").read_bytes()
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(auto_decompress=False) as session,
        session.get(f"{it_nginx.url}/text.txt") as resp,
    ):
        assert resp.headers["Content-Encoding"] == "gzip"
        raw = await resp.read()
    assert len(raw) < len(expected)
    assert gzip.decompress(raw) == expected


async def test_json_response_compressed(it_nginx: Nginx) -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(f"{it_nginx.url}/data.json") as resp,
    ):
        assert resp.headers["Content-Encoding"] == "gzip"
        assert await resp.json() == {"name": "httpwire", "items": [1, 2, 3]}


async def test_identity_encoding_when_gzip_not_accepted(it_nginx: Nginx) -> None:
    expected = (it_nginx.root / "text.txt").read_bytes()
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(f"{it_nginx.url}/text.txt", headers={"Accept-Encoding": "identity"}) as resp,
    ):
        assert "Content-Encoding" not in resp.headers
        assert resp.content_length == len(expected)
        assert await resp.read() == expected


async def test_small_and_empty_files(it_nginx: Nginx) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(f"{it_nginx.url}/small.txt") as resp:
            assert "Content-Encoding" not in resp.headers  # under gzip_min_length
            assert await resp.text() == "tiny\n"
        async with session.get(f"{it_nginx.url}/empty.txt") as resp:
            assert resp.status == 200
            assert resp.content_length == 0
            assert await resp.read() == b""


async def test_head_has_headers_but_no_body(it_nginx: Nginx) -> None:
    size = (it_nginx.root / "big.bin").stat().st_size
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.head(f"{it_nginx.url}/big.bin") as resp:
            assert resp.status == 200
            assert resp.content_length == size
            assert await resp.read() == b""
        # The connection is still in sync: the next request on it gets its own response.
        async with session.get(f"{it_nginx.url}/small.txt") as resp:
            assert await resp.text() == "tiny\n"


async def test_range_request(it_nginx: Nginx) -> None:
    expected = (it_nginx.root / "big.bin").read_bytes()
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(f"{it_nginx.url}/big.bin", headers={"Range": "bytes=1000-1999"}) as resp,
    ):
        assert resp.status == 206
        assert resp.headers["Content-Range"] == f"bytes 1000-1999/{len(expected)}"
        assert await resp.read() == expected[1000:2000]


async def test_conditional_get_304(it_nginx: Nginx) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(f"{it_nginx.url}/index.html") as resp:
            etag = resp.headers["ETag"]
            await resp.read()
        async with session.get(
            f"{it_nginx.url}/index.html", headers={"If-None-Match": etag}
        ) as resp:
            assert resp.status == 304
            assert await resp.read() == b""
        # A 304 has no body: the connection must still be usable afterwards.
        async with session.get(f"{it_nginx.url}/small.txt") as resp:
            assert await resp.text() == "tiny\n"


async def test_errors_and_raise_for_status(it_nginx: Nginx) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(f"{it_nginx.url}/missing.txt") as resp:
            assert resp.status == 404
            assert "404 Not Found" in await resp.text()
            with pytest.raises(aiohttp.ClientResponseError) as info:
                resp.raise_for_status()
            assert info.value.status == 404
        async with session.get(f"{it_nginx.url}/teapot") as resp:
            assert resp.status == 418
        with pytest.raises(aiohttp.ClientResponseError) as info:
            async with session.get(f"{it_nginx.url}/upstream-down/x", raise_for_status=True):
                pass
        assert info.value.status == 502
        assert str(info.value.request_info.real_url).endswith("/upstream-down/x")


async def test_redirects(it_nginx: Nginx) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(f"{it_nginx.url}/old") as resp:
            assert resp.status == 200
            assert str(resp.url).endswith("/text.txt")
            assert [r.status for r in resp.history] == [301]
        async with session.get(f"{it_nginx.url}/dir") as resp:
            # nginx's own directory redirect (/dir -> /dir/), then the index file.
            assert resp.status == 200
            assert resp.url.path == "/dir/"
            assert await resp.text() == "<p>dir index</p>\n"
        async with session.get(f"{it_nginx.url}/old", allow_redirects=False) as resp:
            assert resp.status == 301
            assert resp.headers["Location"].endswith("/text.txt")
        with pytest.raises(aiohttp.TooManyRedirects) as info:
            async with session.get(f"{it_nginx.url}/loop", max_redirects=4):
                pass
        assert len(info.value.history) == 4  # aiohttp: as many as max_redirects


async def test_request_headers_reach_nginx(it_nginx: Nginx) -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(headers={"User-Agent": "it-agent/1"}) as session,
        session.get(f"{it_nginx.url}/echo-headers", headers={"X-Custom": "hello"}) as resp,
    ):
        custom, agent, host = (await resp.text()).strip().split("|")
        assert custom == "hello"
        assert agent == "it-agent/1"
        assert host == f"127.0.0.1:{it_nginx.port}"


async def test_keep_alive_reuses_one_connection(it_nginx: Nginx) -> None:
    connector = aiohttp.TCPConnector()
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(connector=connector) as session:
        conns = []
        for i in range(5):
            async with session.get(f"{it_nginx.url}/small.txt") as resp:
                await resp.read()
                conns.append(resp.headers["X-Conn"])
                assert resp.headers["X-Conn-Requests"] == str(i + 1)
        assert len(set(conns)) == 1
        stats = connector.stats
        assert stats.created == 1
        assert stats.reused == 4
        assert stats.idle == 1
        assert stats.active == 0


async def test_keepalive_requests_limit_reconnects(it_nginx: Nginx) -> None:
    """nginx closes after 3 requests (``Connection: close`` on the 3rd); the client reconnects."""
    connector = aiohttp.TCPConnector()
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(connector=connector) as session:
        seen: list[tuple[str, str]] = []
        for _ in range(7):
            async with session.get(f"{it_nginx.limited_url}/small.txt") as resp:
                assert await resp.text() == "tiny\n"
                seen.append((resp.headers["X-Conn"], resp.headers["X-Conn-Requests"]))
        assert [n for _, n in seen] == ["1", "2", "3", "1", "2", "3", "1"]
        assert len({c for c, _ in seen}) == 3
        assert connector.stats.created == 3
        assert connector.stats.reused == 4


async def test_connection_closed_by_server_keepalive_timeout_is_not_reused(
    it_nginx: Nginx,
) -> None:
    """nginx drops an idle connection after 1 s; the client, keeping it for 15 s, must notice."""
    connector = aiohttp.TCPConnector()
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(connector=connector) as session:
        async with session.get(f"{it_nginx.short_url}/small.txt") as resp:
            assert await resp.text() == "tiny\n"
            first = resp.headers["X-Conn"]
        assert connector.stats.idle == 1
        await asyncio.sleep(1.5)  # past nginx's keepalive_timeout, well within the client's
        async with session.get(f"{it_nginx.short_url}/small.txt") as resp:
            assert resp.status == 200
            assert await resp.text() == "tiny\n"
            assert resp.headers["X-Conn"] != first
            assert resp.headers["X-Conn-Requests"] == "1"
        assert connector.stats.created == 2


async def test_keep_alive_under_concurrency(it_nginx: Nginx) -> None:
    connector = aiohttp.TCPConnector(limit=4)
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(connector=connector) as session:

        async def fetch() -> str:
            async with session.get(f"{it_nginx.url}/data.json") as resp:
                await resp.json()
                return resp.headers["X-Conn"]

        conns = await asyncio.gather(*(fetch() for _ in range(40)))
        assert 1 <= len(set(conns)) <= 4
        assert connector.stats.created <= 4
        assert connector.stats.active == 0


async def test_http10_request(it_nginx: Nginx) -> None:
    connector = aiohttp.TCPConnector()
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(connector=connector, version=aiohttp.HttpVersion10) as session,
    ):
        for _ in range(2):
            async with session.get(f"{it_nginx.url}/proto") as resp:
                proto, _conn, _enc = (await resp.text()).strip().split("|")
                assert proto == "HTTP/1.0"
                assert resp.status == 200
        # Content-Length-delimited static file; nginx gzips only for HTTP/1.1 by default.
        async with session.get(f"{it_nginx.url}/text.txt") as resp:
            assert "Content-Encoding" not in resp.headers
            assert await resp.read() == (it_nginx.root / "text.txt").read_bytes()
        assert connector.stats.active == 0


async def test_tls_static_and_gzip(it_nginx: Nginx, it_client_ssl: ssl.SSLContext) -> None:
    expected = (it_nginx.root / "big.bin").read_bytes()
    connector = aiohttp.TCPConnector(ssl=it_client_ssl)
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(connector=connector) as session:
        async with session.get(f"{it_nginx.tls_url}/big.bin") as resp:
            assert resp.status == 200
            assert _sha(await resp.read()) == _sha(expected)
        async with session.get(f"{it_nginx.tls_url}/text.txt") as resp:
            assert resp.headers["Content-Encoding"] == "gzip"
            assert await resp.read() == (it_nginx.root / "text.txt").read_bytes()
            assert resp.url.scheme == "https"
        assert connector.stats.created == 1
        assert connector.stats.reused == 1


async def test_tls_untrusted_certificate_fails(it_nginx: Nginx) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorCertificateError) as info:
            await session.get(f"{it_nginx.tls_url}/index.html")
        assert isinstance(info.value, aiohttp.ClientSSLError)
        assert isinstance(info.value.certificate_error, ssl.SSLCertVerificationError)


async def test_tls_verification_disabled(it_nginx: Nginx) -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(f"{it_nginx.tls_url}/small.txt", ssl=False) as resp,
    ):
        assert await resp.text() == "tiny\n"


async def test_tls_hostname_mismatch(it_nginx: Nginx, it_client_ssl: ssl.SSLContext) -> None:
    # The certificate names localhost and 127.0.0.1, not the name checked here.
    url = f"{it_nginx.tls_url}/small.txt"
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await session.get(url, ssl=it_client_ssl, server_hostname="other.test")


async def test_plain_http_to_tls_port_is_an_error_response(it_nginx: Nginx) -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{it_nginx.tls_port}/small.txt") as resp,
    ):
        # nginx answers plain HTTP on an ssl port with its own 400.
        assert resp.status == 400
        assert "plain HTTP request was sent to HTTPS port" in await resp.text()


async def test_post_to_static_file_is_405(it_nginx: Nginx) -> None:
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.post(f"{it_nginx.url}/index.html", data=b"x" * 100_000) as resp,
    ):
        assert resp.status == 405
        await resp.read()


async def test_http10_gzip_body_ends_at_close(it_nginx: Nginx) -> None:
    """An HTTP/1.0 gzip response has neither Content-Length nor chunks: the close ends it."""
    expected = (it_nginx.root / "text.txt").read_bytes()
    connector = aiohttp.TCPConnector()
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(connector=connector, version=aiohttp.HttpVersion10) as session,
    ):
        for _ in range(2):
            async with session.get(f"{it_nginx.url}/http10/text.txt") as resp:
                assert resp.version == aiohttp.HttpVersion11  # nginx always answers 1.1
                assert resp.headers["Content-Encoding"] == "gzip"
                assert "Content-Length" not in resp.headers
                assert "Transfer-Encoding" not in resp.headers
                assert await resp.read() == expected
        # Each close-delimited response used up its connection.
        assert connector.stats.created == 2
        assert connector.stats.idle == 0


async def test_connection_close_request_header_is_honoured(it_nginx: Nginx) -> None:
    connector = aiohttp.TCPConnector()
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(connector=connector) as session:
        conns = set()
        for _ in range(3):
            async with session.get(
                f"{it_nginx.url}/small.txt", headers={"Connection": "close"}
            ) as resp:
                assert await resp.text() == "tiny\n"
                assert resp.headers["Connection"] == "close"
                conns.add(resp.headers["X-Conn"])
        assert len(conns) == 3
        assert connector.stats.created == 3
        assert connector.stats.reused == 0
        assert connector.stats.idle == 0


@pytest.mark.filterwarnings("ignore:Sending a large body:ResourceWarning")
async def test_put_upload_round_trip(it_nginx: Nginx) -> None:
    payload = (it_nginx.root / "big.bin").read_bytes()[: 3 * 1024 * 1024 + 17]
    url = f"{it_nginx.url}/upload/bytes.bin"
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.put(url, data=payload) as resp:
            assert resp.status == 201
        assert (it_nginx.root / "uploads" / "bytes.bin").read_bytes() == payload
        # Replacing an existing resource is 204 No Content.
        async with session.put(url, data=b"second") as resp:
            assert resp.status == 204
        async with session.get(url) as resp:
            assert await resp.read() == b"second"
        async with session.delete(url) as resp:
            assert resp.status == 204
        async with session.get(url) as resp:
            assert resp.status == 404


async def test_put_chunked_upload_from_async_generator(it_nginx: Nginx) -> None:
    parts = [bytes([i]) * (1000 + i * 997) for i in range(40)]

    async def body() -> AsyncIterator[bytes]:
        for part in parts:
            await asyncio.sleep(0)
            yield part

    url = f"{it_nginx.url}/upload/nested/dir/chunked.bin"
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.put(url, data=body()) as resp,
    ):
        assert resp.status == 201
        assert resp.request_info.headers.get("Transfer-Encoding") == "chunked"
    stored = it_nginx.root / "uploads" / "nested" / "dir" / "chunked.bin"
    assert stored.read_bytes() == b"".join(parts)


async def test_put_from_file_object(it_nginx: Nginx) -> None:
    source = it_nginx.root / "text.txt"
    url = f"{it_nginx.url}/upload/from-file.txt"
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        with source.open("rb") as f:
            async with session.put(url, data=f) as resp:
                assert resp.status == 201
    assert (it_nginx.root / "uploads" / "from-file.txt").read_bytes() == source.read_bytes()


async def test_expect_100_continue(it_nginx: Nginx) -> None:
    payload = b"expect me\n" * 1000
    url = f"{it_nginx.url}/upload/expect.txt"
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.put(url, data=payload, expect100=True) as resp,
    ):
        assert resp.status == 201
        assert resp.request_info.headers["Expect"] == "100-continue"
    assert (it_nginx.root / "uploads" / "expect.txt").read_bytes() == payload


@pytest.mark.filterwarnings("ignore:Sending a large body:ResourceWarning")
async def test_upload_over_the_size_limit_is_413(it_nginx: Nginx) -> None:
    url = f"{it_nginx.url}/upload/too-big.bin"
    fds_before = _servers.fd_count()
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        try:
            async with session.put(url, data=b"\0" * (65 * 1024 * 1024)) as resp:
                status = resp.status
        except aiohttp.ClientOSError:
            # nginx may close while the body is still being written (allowed by RFC 9112).
            status = 413
        assert status == 413
        # Either way the session stays usable.
        async with session.get(f"{it_nginx.url}/small.txt") as resp:
            assert await resp.text() == "tiny\n"
    assert not (it_nginx.root / "uploads" / "too-big.bin").exists()
    # The abandoned upload's socket still had megabytes queued when nginx closed it: the
    # transport only goes once asyncio has found the peer gone. It must go, and soon.
    async with asyncio.timeout(5):
        while _servers.fd_count() > fds_before:
            await asyncio.sleep(0.01)
