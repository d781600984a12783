"""Proxies: absolute-form for http targets, CONNECT tunnels for https, faults, trust_env."""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme
from multidict import CIMultiDict

import httpwire
from httpwire import (
    BasicAuth,
    ClientHttpProxyError,
    ClientProxyConnectionError,
    ClientSession,
    TCPConnector,
)

from .conftest import Received, Server, reply

# The deprecated auth API (BasicAuth, auth=, proxy_auth=) still works; these tests exercise it.
LEGACY_AUTH = pytest.mark.filterwarnings(
    "ignore:(BasicAuth|The 'auth' parameter|The 'proxy_auth' parameter) is deprecated"
    ":DeprecationWarning"
)


def _head(raw: bytes) -> tuple[str, CIMultiDict[str]]:
    line, *rest = raw.decode("latin-1").split("\r\n")
    return line, CIMultiDict(item.split(": ", 1) for item in rest if item)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


@dataclass
class Proxy:
    """A forward proxy: absolute-form requests are forwarded, CONNECT opens a tunnel.

    ``mode`` scripts misbehaviour: ``"ok"``, ``"deny"`` (403 to CONNECT), ``"auth"`` (407 unless
    Proxy-Authorization matches ``credentials``), ``"close"`` (closes on CONNECT), ``"garbage"``
    (a non-HTTP answer to CONNECT).
    """

    mode: str = "ok"
    credentials: str | None = None
    seen: list[tuple[str, CIMultiDict[str]]] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await self._server.wait_closed()

    def _authorized(self, headers: CIMultiDict[str]) -> bool:
        if self.credentials is None:
            return True
        expected = "Basic " + base64.b64encode(self.credentials.encode()).decode()
        return headers.get("Proxy-Authorization") == expected

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        line, headers = _head(raw[:-4])
        self.seen.append((line, headers))
        method, target, _ = line.split(" ")
        if self.mode == "close":
            writer.close()
            return
        if self.mode == "garbage":
            writer.write(b"SSH-2.0-OpenSSH\r\n\r\n")
            writer.close()
            return
        if self.mode == "deny" or not self._authorized(headers):
            status = 407 if self.mode != "deny" else 403
            extra = {"Proxy-Authenticate": 'Basic realm="p"'} if status == 407 else {}
            writer.write(reply(status, b"", {**extra, "Connection": "close"}, reason="No"))
            writer.close()
            return
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            from yarl import URL

            url = URL(target)
            up_reader, up_writer = await asyncio.open_connection(url.host, url.port)
            # As a real proxy does, Proxy-Authorization is consumed here, not forwarded.
            rest = b"".join(
                part
                for part in raw.split(b"\r\n", 1)[1].splitlines(keepends=True)
                if not part.lower().startswith(b"proxy-authorization:")
            )
            up_writer.write(f"{method} {url.raw_path_qs} HTTP/1.1\r\n".encode() + rest)
        loop = asyncio.get_running_loop()
        for task in (
            loop.create_task(_pipe(reader, up_writer)),
            loop.create_task(_pipe(up_reader, writer)),
        ):
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)


@pytest.fixture
async def proxy() -> AsyncIterator[Proxy]:
    p = Proxy()
    await p.start()
    try:
        yield p
    finally:
        await p.stop()


@pytest.fixture
def target(server: Server) -> Server:
    async def echo(req: Received, writer: asyncio.StreamWriter) -> bytes:
        auth = req.headers.get("Authorization", "-")
        proxy_auth = req.headers.get("Proxy-Authorization", "-")
        return reply(200, f"{req.target} {auth} {proxy_auth}")

    server.route("/")(echo)
    return server


@dataclass
class TlsTarget:
    port: int
    client_context: ssl.SSLContext
    seen: list[CIMultiDict[str]]


@pytest.fixture
async def tls_target() -> AsyncIterator[TlsTarget]:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    seen: list[CIMultiDict[str]] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                raw = await reader.readuntil(b"\r\n\r\n")
                _, headers = _head(raw[:-4])
                seen.append(headers)
                writer.write(reply(200, f"secure {headers.get('Authorization', '-')}"))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    srv = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=server_context)
    try:
        yield TlsTarget(srv.sockets[0].getsockname()[1], client_context, seen)
    finally:
        srv.close()
        await srv.wait_closed()


async def test_http_target_goes_absolute_form_through_the_proxy(
    proxy: Proxy, target: Server
) -> None:
    async with (
        ClientSession() as session,
        session.get(target.url("/?q=1"), proxy=proxy.url, proxy_headers={"X-Via": "t"}) as resp,
    ):
        assert await resp.text() == "/?q=1 - -"
    line, headers = proxy.seen[0]
    assert line == f"GET {target.url('/?q=1')} HTTP/1.1"
    assert headers["Host"] == f"127.0.0.1:{target.port}"
    assert headers["X-Via"] == "t"


@LEGACY_AUTH
async def test_proxy_auth_goes_to_the_proxy_only(proxy: Proxy, target: Server) -> None:
    proxy.credentials = "pu:pp"
    async with (
        ClientSession() as session,
        session.get(
            target.url("/"),
            proxy=proxy.url,
            proxy_auth=BasicAuth("pu", "pp"),
            auth=BasicAuth("tu", "tp"),
        ) as resp,
    ):
        assert resp.status == 200
    _, headers = proxy.seen[0]
    assert headers["Proxy-Authorization"] == BasicAuth("pu", "pp").encode()
    assert headers["Authorization"] == BasicAuth("tu", "tp").encode()


async def test_proxy_credentials_from_the_proxy_url(proxy: Proxy, target: Server) -> None:
    proxy.credentials = "user:p@ss"
    url = f"http://user:p%40ss@127.0.0.1:{proxy.port}"
    async with ClientSession() as session, session.get(target.url("/"), proxy=url) as resp:
        assert resp.status == 200


@LEGACY_AUTH
async def test_https_target_through_a_connect_tunnel(proxy: Proxy, tls_target: TlsTarget) -> None:
    proxy.credentials = "pu:pp"
    url = f"https://localhost:{tls_target.port}/x"
    connector = TCPConnector(ssl=tls_target.client_context)
    async with ClientSession(connector=connector) as session:
        for _ in range(3):
            async with session.get(
                url,
                proxy=proxy.url,
                proxy_auth=BasicAuth("pu", "pp"),
                auth=BasicAuth("tu", "tp"),
            ) as resp:
                assert resp.status == 200
                assert await resp.text() == f"secure {BasicAuth('tu', 'tp').encode()}"
        assert connector.stats.reused == 2
    ((line, headers),) = proxy.seen
    assert line == f"CONNECT localhost:{tls_target.port} HTTP/1.1"
    assert headers["Host"] == f"localhost:{tls_target.port}"
    assert headers["Proxy-Authorization"] == BasicAuth("pu", "pp").encode()
    assert "Authorization" not in headers
    assert all("Proxy-Authorization" not in h for h in tls_target.seen)


@pytest.mark.parametrize(("mode", "status"), [("deny", 403), ("auth", 407)])
async def test_connect_refused_is_a_proxy_error_with_the_status(
    proxy: Proxy, tls_target: TlsTarget, mode: str, status: int
) -> None:
    proxy.mode = mode
    proxy.credentials = "a:b" if mode == "auth" else None
    connector = TCPConnector(ssl=tls_target.client_context)
    async with ClientSession(connector=connector) as session:
        with pytest.raises(ClientHttpProxyError) as info:
            await session.get(f"https://localhost:{tls_target.port}/", proxy=proxy.url)
        assert connector.stats.idle == 0
    assert info.value.status == status
    assert str(info.value.request_info.real_url) == proxy.url
    assert tls_target.seen == []


async def test_proxy_closing_mid_connect(proxy: Proxy, tls_target: TlsTarget) -> None:
    proxy.mode = "close"
    async with ClientSession(connector=TCPConnector(ssl=tls_target.client_context)) as session:
        with pytest.raises(ClientProxyConnectionError, match="closed the connection"):
            await session.get(f"https://localhost:{tls_target.port}/", proxy=proxy.url)


async def test_proxy_answering_garbage(proxy: Proxy, tls_target: TlsTarget) -> None:
    proxy.mode = "garbage"
    async with ClientSession(connector=TCPConnector(ssl=tls_target.client_context)) as session:
        with pytest.raises(ClientHttpProxyError, match="Malformed response to CONNECT"):
            await session.get(f"https://localhost:{tls_target.port}/", proxy=proxy.url)


async def test_unreachable_proxy(unused_tcp_port: int, target: Server) -> None:
    async with ClientSession() as session:
        with pytest.raises(ClientProxyConnectionError):
            await session.get(target.url("/"), proxy=f"http://127.0.0.1:{unused_tcp_port}")


@LEGACY_AUTH
async def test_trust_env_uses_the_environment(
    proxy: Proxy, target: Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login nu password np\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    async with ClientSession() as session, session.get(target.url("/")) as resp:
        assert await resp.text() == "/ - -"
    assert proxy.seen == []
    async with ClientSession(trust_env=True) as session, session.get(target.url("/")) as resp:
        assert await resp.text() == f"/ {BasicAuth('nu', 'np').encode()} -"
    assert len(proxy.seen) == 1
    # The environment's proxy URL has no credentials: the netrc entry for its host is used.
    assert proxy.seen[0][1]["Proxy-Authorization"] == BasicAuth("nu", "np").encode()
    # A proxy given explicitly never takes netrc credentials.
    async with (
        ClientSession(trust_env=True) as session,
        session.get(target.url("/"), proxy=proxy.url) as resp,
    ):
        assert resp.status == 200
    assert "Proxy-Authorization" not in proxy.seen[1][1]
    del proxy.seen[1:]
    monkeypatch.setenv("NO_PROXY", "127.0.0.0/8")
    async with ClientSession(trust_env=True) as session, session.get(target.url("/")) as resp:
        assert resp.status == 200
    assert len(proxy.seen) == 1


@pytest.mark.parametrize(
    ("proxy", "shown"),
    [
        ("InvalidUrl", "InvalidUrl"),
        ("proxy.example:3128", "proxy.example:3128"),
        ("http://", "http://"),
        ("not a url", "not%20a%20url"),  # as aiohttp shows it: the URL it parsed
    ],
)
async def test_a_proxy_url_without_a_host_is_an_invalid_url_before_connecting(
    target: Server, proxy: str, shown: str
) -> None:
    async with ClientSession() as session:
        with pytest.raises(httpwire.InvalidURL) as info:
            await session.get(target.url("/"), proxy=proxy)
    assert str(info.value.url) == shown
    assert str(info.value) == shown
    assert target.connections == 0
