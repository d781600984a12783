"""The composed client through a real forward proxy: tinyproxy, for http and (CONNECT) https.

The unit tests (``libs/client/tests/test_client_proxies.py``) check what the client writes to a
scripted proxy. Here tinyproxy (see ``_it_servers.py``) does the proxying: it parses the
absolute-form request, rewrites it for the target and marks it (``Via``, ``X-Tinyproxy``),
checks ``Proxy-Authorization`` against its ``BasicAuth``, enforces ``ConnectPort`` and opens the
tunnels. The http target is a small server made with the real aiohttp's ``web`` (test-only) that
reports what it received; the https target is the nginx fixture's TLS server, with the test CA.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import _it_servers as _servers  # on sys.path via conftest.py
import pytest

# The real aiohttp, installed for the tests only, provides the target server. The client under
# test is httpwire, imported under aiohttp's name below.
from aiohttp import web

import httpwire as aiohttp

# The deprecated auth API (BasicAuth, auth=, proxy_auth=) still works; these tests exercise it.
LEGACY_AUTH = pytest.mark.filterwarnings(
    "ignore:(BasicAuth|The 'auth' parameter|The 'proxy_auth' parameter) is deprecated"
    ":DeprecationWarning"
)

if TYPE_CHECKING:
    from _it_servers import Nginx, Tinyproxy

__all__: list[str] = []

TIMEOUT = 20
VIA = "1.1 httpwire-it (tinyproxy/"


it_ca = _servers.it_ca
it_client_ssl = _servers.it_client_ssl
it_nginx = _servers.it_nginx
it_tinyproxy = _servers.it_tinyproxy
it_tinyproxy_auth = _servers.it_tinyproxy_auth
USER, PASSWORD = _servers.TINYPROXY_AUTH


# ----------------------------------------------------------------- the http target


async def _report(request: web.Request) -> web.Response:
    """What the target received: request line parts, headers and a digest of the body."""
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "path": request.path_qs,
            "version": f"{request.version.major}.{request.version.minor}",
            "headers": dict(request.headers),
            "body_len": len(body),
            "body_sha": hashlib.sha256(body).hexdigest(),
        }
    )


@pytest.fixture
async def target() -> AsyncIterator[int]:
    """The port of an aiohttp.web server on 127.0.0.1 answering every path with ``_report``."""
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", _report)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port: int = runner.addresses[0][1]
        yield port
    finally:
        await runner.cleanup()


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """``monkeypatch`` with every proxy variable of the environment removed first."""
    for name in ("http_proxy", "https_proxy", "ws_proxy", "wss_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)
    return monkeypatch


def _with_credentials(proxy: Tinyproxy, user: str, password: str) -> str:
    return f"http://{user}:{password}@127.0.0.1:{proxy.port}"


# ----------------------------------------------------------------- plain http


async def test_http_through_the_proxy_in_absolute_form(
    it_tinyproxy: Tinyproxy, target: int
) -> None:
    url = f"http://127.0.0.1:{target}/some/path?q=1&r=two"
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(url, proxy=it_tinyproxy.url, headers={"X-Custom": "kept"}) as resp,
    ):
        assert resp.status == 200
        assert resp.headers["Via"].startswith(VIA)  # tinyproxy marks the response too
        seen: dict[str, Any] = await resp.json()
    # tinyproxy got the absolute-form request line and sent the target the origin form.
    assert f"GET {url} HTTP/1.1" in it_tinyproxy.requests()
    assert seen["method"] == "GET"
    assert seen["path"] == "/some/path?q=1&r=two"
    headers = seen["headers"]
    assert headers["Via"].startswith(VIA)
    assert headers["X-Tinyproxy"] == "127.0.0.1"
    assert headers["Host"] == f"127.0.0.1:{target}"
    assert headers["X-Custom"] == "kept"
    assert "Proxy-Authorization" not in headers


@pytest.mark.filterwarnings("ignore:Sending a large body:ResourceWarning")
async def test_post_body_is_relayed_whole(it_tinyproxy: Tinyproxy, target: int) -> None:
    body = bytes(range(256)) * 8192  # 2 MiB
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.post(
            f"http://127.0.0.1:{target}/upload", data=body, proxy=it_tinyproxy.url
        ) as resp:
            seen = await resp.json()
        assert seen["method"] == "POST"
        assert seen["body_len"] == len(body)
        assert seen["body_sha"] == hashlib.sha256(body).hexdigest()

        async def chunks() -> AsyncIterator[bytes]:
            for i in range(0, len(body), 65536):
                yield body[i : i + 65536]

        # A chunked body, which tinyproxy has to pass on as such.
        async with session.put(
            f"http://127.0.0.1:{target}/stream", data=chunks(), proxy=it_tinyproxy.url
        ) as resp:
            seen = await resp.json()
        assert seen["method"] == "PUT"
        assert seen["body_sha"] == hashlib.sha256(body).hexdigest()


async def test_proxy_closing_after_every_response(it_tinyproxy: Tinyproxy, target: int) -> None:
    """tinyproxy 1.11 closes the client connection after each response without announcing it
    (HTTP/1.1, no ``Connection: close``), so the pooled connection is usually dead by the next
    request; every request must still succeed, bodies that cannot be replayed included.
    """
    before = len(it_tinyproxy.requests())
    connector = aiohttp.TCPConnector()
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession(connector=connector) as session:
        for i in range(3):

            async def once() -> AsyncIterator[bytes]:
                yield b"streamed once"

            for method, data in (("GET", None), ("POST", b"bytes body"), ("PUT", once())):
                async with session.request(
                    method, f"http://127.0.0.1:{target}/n/{i}", data=data, proxy=it_tinyproxy.url
                ) as resp:
                    seen = await resp.json()
                    assert (seen["method"], seen["path"]) == (method, f"/n/{i}")
                    assert seen["body_len"] == {"GET": 0, "POST": 10, "PUT": 13}[method]
        assert connector.stats.created == 9
        assert connector.stats.active == 0
    assert len(it_tinyproxy.requests()) == before + 9


async def test_proxy_that_cannot_reach_the_target_answers_500(it_tinyproxy: Tinyproxy) -> None:
    dead = _servers.free_tcp_port()
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{dead}/", proxy=it_tinyproxy.url) as resp,
    ):
        # As in aiohttp, the proxy's own error page is the response; no exception.
        assert resp.status == 500
        assert resp.reason == "Unable to connect"
        assert "tinyproxy" in resp.headers["Server"]
        await resp.read()


# ----------------------------------------------------------------- https through CONNECT


async def test_https_through_a_connect_tunnel(
    it_tinyproxy: Tinyproxy, it_nginx: Nginx, it_client_ssl: ssl.SSLContext
) -> None:
    expected = (it_nginx.root / "big.bin").read_bytes()
    connect = f"CONNECT localhost:{it_nginx.tls_port} HTTP/1.1"
    tunnels = it_tinyproxy.requests().count(connect)
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(
            f"{it_nginx.tls_url}/big.bin", proxy=it_tinyproxy.url, ssl=it_client_ssl
        ) as resp:
            assert resp.status == 200
            assert resp.url.scheme == "https"
            assert "Via" not in resp.headers  # end-to-end TLS: the proxy cannot touch it
            assert hashlib.sha256(await resp.read()).digest() == hashlib.sha256(expected).digest()
            conn = resp.headers["X-Conn"]
        async with session.get(
            f"{it_nginx.tls_url}/text.txt", proxy=it_tinyproxy.url, ssl=it_client_ssl
        ) as resp:
            # nginx's gzip, decoded by the client, on the same tunnel: it was kept alive.
            assert resp.headers["Content-Encoding"] == "gzip"
            assert await resp.read() == (it_nginx.root / "text.txt").read_bytes()
            assert resp.headers["X-Conn"] == conn
            assert resp.headers["X-Conn-Requests"] == "2"
    assert it_tinyproxy.requests().count(connect) == tunnels + 1


async def test_https_tunnel_still_verifies_the_target_certificate(
    it_tinyproxy: Tinyproxy, it_nginx: Nginx
) -> None:
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await session.get(f"{it_nginx.tls_url}/small.txt", proxy=it_tinyproxy.url)


async def test_connect_to_a_port_the_proxy_refuses(
    it_tinyproxy: Tinyproxy, it_nginx: Nginx
) -> None:
    # Only nginx's TLS port is a ConnectPort: tinyproxy answers CONNECT elsewhere with 403.
    url = f"https://localhost:{it_nginx.port}/small.txt"
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientHttpProxyError) as info:
            await session.get(url, proxy=it_tinyproxy.url)
    assert info.value.status == 403
    assert info.value.message == "Access violation"
    assert isinstance(info.value, aiohttp.ClientResponseError)
    assert info.value.request_info.method == "CONNECT"


# ----------------------------------------------------------------- proxy_auth


@LEGACY_AUTH
async def test_proxy_auth_accepted(it_tinyproxy_auth: Tinyproxy, target: int) -> None:
    auth = aiohttp.BasicAuth(USER, PASSWORD)
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(
            f"http://127.0.0.1:{target}/secret", proxy=it_tinyproxy_auth.url, proxy_auth=auth
        ) as resp:
            assert resp.status == 200
            headers = (await resp.json())["headers"]
            assert headers["Via"].startswith(VIA)
            # tinyproxy consumed the credentials; the target never sees them.
            assert "Proxy-Authorization" not in headers
            assert "Authorization" not in headers
        # Credentials in the proxy URL work the same.
        async with session.get(
            f"http://127.0.0.1:{target}/secret",
            proxy=_with_credentials(it_tinyproxy_auth, USER, PASSWORD),
        ) as resp:
            assert resp.status == 200


@LEGACY_AUTH
async def test_proxy_auth_missing_or_wrong(it_tinyproxy_auth: Tinyproxy, target: int) -> None:
    url = f"http://127.0.0.1:{target}/secret"
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        # Plain http: the proxy's answer is the response, as in aiohttp.
        async with session.get(url, proxy=it_tinyproxy_auth.url) as resp:
            assert resp.status == 407
            assert resp.headers["Proxy-Authenticate"] == 'Basic realm="Tinyproxy"'
            await resp.read()
        # tinyproxy answers wrong credentials with 401, not 407.
        wrong = aiohttp.BasicAuth(USER, "not-it")
        async with session.get(url, proxy=it_tinyproxy_auth.url, proxy_auth=wrong) as resp:
            assert resp.status == 401
            await resp.read()
        with pytest.raises(aiohttp.ClientResponseError) as info:
            async with session.get(url, proxy=it_tinyproxy_auth.url, raise_for_status=True):
                pass
        assert info.value.status == 407
        assert not isinstance(info.value, aiohttp.ClientHttpProxyError)


@LEGACY_AUTH
async def test_proxy_auth_for_a_connect_tunnel(
    it_tinyproxy_auth: Tinyproxy, it_nginx: Nginx, it_client_ssl: ssl.SSLContext
) -> None:
    url = f"{it_nginx.tls_url}/small.txt"
    proxy = it_tinyproxy_auth.url
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(
            url, proxy=proxy, proxy_auth=aiohttp.BasicAuth(USER, PASSWORD), ssl=it_client_ssl
        ) as resp:
            assert await resp.text() == "tiny\n"
        with pytest.raises(aiohttp.ClientHttpProxyError) as info:
            await session.get(url, proxy=proxy, ssl=it_client_ssl)
        assert info.value.status == 407
        assert info.value.headers is not None
        assert info.value.headers["Proxy-Authenticate"] == 'Basic realm="Tinyproxy"'
        with pytest.raises(aiohttp.ClientHttpProxyError) as info:
            await session.get(
                url, proxy=proxy, proxy_auth=aiohttp.BasicAuth(USER, "nope"), ssl=it_client_ssl
            )
        assert info.value.status == 401


# ----------------------------------------------------------------- trust_env


async def test_trust_env_proxies_and_no_proxy(
    it_tinyproxy: Tinyproxy,
    it_nginx: Nginx,
    it_client_ssl: ssl.SSLContext,
    target: int,
    no_proxy_env: pytest.MonkeyPatch,
) -> None:
    no_proxy_env.setenv("HTTP_PROXY", it_tinyproxy.url)
    no_proxy_env.setenv("HTTPS_PROXY", it_tinyproxy.url)
    no_proxy_env.setenv("NO_PROXY", "localhost")
    connect = f"CONNECT localhost:{it_nginx.tls_port} HTTP/1.1"
    async with asyncio.timeout(TIMEOUT):
        async with aiohttp.ClientSession(trust_env=True) as session:
            async with session.get(f"http://127.0.0.1:{target}/via-env") as resp:
                assert (await resp.json())["headers"]["Via"].startswith(VIA)
            # NO_PROXY names localhost: straight to the target.
            async with session.get(f"http://localhost:{target}/direct") as resp:
                assert "Via" not in (await resp.json())["headers"]
            tunnels = it_tinyproxy.requests().count(connect)
            # NO_PROXY holds for https too: no CONNECT for localhost.
            async with session.get(f"{it_nginx.tls_url}/small.txt", ssl=it_client_ssl) as resp:
                assert await resp.text() == "tiny\n"
            assert it_tinyproxy.requests().count(connect) == tunnels
        no_proxy_env.delenv("NO_PROXY")
        async with aiohttp.ClientSession(trust_env=True) as session:
            async with session.get(f"{it_nginx.tls_url}/small.txt", ssl=it_client_ssl) as resp:
                assert await resp.text() == "tiny\n"
            assert it_tinyproxy.requests().count(connect) == tunnels + 1
            async with session.get(f"http://localhost:{target}/proxied-now") as resp:
                assert (await resp.json())["headers"]["Via"].startswith(VIA)
        # Without trust_env the environment is ignored.
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{target}/ignored") as resp,
        ):
            assert "Via" not in (await resp.json())["headers"]


async def test_trust_env_proxy_credentials(
    it_tinyproxy_auth: Tinyproxy, target: int, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("HTTP_PROXY", _with_credentials(it_tinyproxy_auth, USER, PASSWORD))
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(trust_env=True) as session,
        session.get(f"http://127.0.0.1:{target}/env-auth") as resp,
    ):
        assert resp.status == 200
        assert "Proxy-Authorization" not in (await resp.json())["headers"]


async def test_explicit_proxy_wins_over_the_environment(
    it_tinyproxy: Tinyproxy, target: int, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{_servers.free_tcp_port()}")
    async with (
        asyncio.timeout(TIMEOUT),
        aiohttp.ClientSession(trust_env=True) as session,
        session.get(f"http://127.0.0.1:{target}/", proxy=it_tinyproxy.url) as resp,
    ):
        assert (await resp.json())["headers"]["Via"].startswith(VIA)


# ----------------------------------------------------------------- proxy down


async def test_proxy_down_is_a_proxy_connection_error(it_nginx: Nginx, target: int) -> None:
    dead = f"http://127.0.0.1:{_servers.free_tcp_port()}"
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientProxyConnectionError) as info:
            await session.get(f"http://127.0.0.1:{target}/", proxy=dead)
        assert isinstance(info.value, aiohttp.ClientConnectorError)
        assert isinstance(info.value.os_error, ConnectionRefusedError)
        with pytest.raises(aiohttp.ClientProxyConnectionError):
            await session.get(f"{it_nginx.tls_url}/small.txt", proxy=dead)
