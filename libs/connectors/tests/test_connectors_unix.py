"""UnixConnector against a real Unix socket server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import httpwire_connectors as hc
from httpwire_connectors.testing import FakeRequest, FakeTimeout

from .conftest import CountingServer, echo


async def test_connects_whatever_the_url_host(unix_server: CountingServer) -> None:
    assert unix_server.path is not None
    async with hc.UnixConnector(unix_server.path) as connector:
        assert connector.path == unix_server.path
        conn = await connector.connect(FakeRequest("http://docker.invalid/info"))
        assert await echo(conn) == b"ping"
        conn.release()
        again = await connector.connect(FakeRequest("http://docker.invalid/other"))
        assert again.reused
        again.close()
    assert unix_server.accepted == 1


async def test_limit_applies(unix_server: CountingServer) -> None:
    assert unix_server.path is not None
    async with hc.UnixConnector(unix_server.path, limit=1) as connector:

        async def use() -> None:
            conn = await connector.connect(FakeRequest("http://x/"))
            assert await echo(conn) == b"ping"
            await asyncio.sleep(0.01)
            conn.release()

        await asyncio.gather(*(use() for _ in range(4)))
    assert unix_server.max_active == 1


async def test_missing_socket_is_a_unix_connector_error(tmp_path: Path) -> None:
    path = str(tmp_path / "missing.sock")
    async with hc.UnixConnector(path, limit=1) as connector:
        with pytest.raises(hc.UnixClientConnectorError) as info:
            await connector.connect(FakeRequest("http://x/"), timeout=FakeTimeout(sock_connect=1))
        assert info.value.path == path
        assert isinstance(info.value.os_error, FileNotFoundError)
        assert isinstance(info.value, hc.ClientConnectorError)
        assert str(info.value).startswith(f"Cannot connect to unix socket {path}")
        assert connector.stats.connecting == 0


async def test_force_close_and_repr(unix_server: CountingServer) -> None:
    assert unix_server.path is not None
    async with hc.UnixConnector(unix_server.path, force_close=True) as connector:
        conn = await connector.connect(FakeRequest("http://x/"))
        assert repr(connector) == "<UnixConnector [open: 1 active, 0 idle | waiters: 0]>"
        conn.release()
        await unix_server.wait_active(0)
        assert connector.stats.idle == 0


def test_allowed_schemes_match_aiohttp() -> None:
    web = {"", "http", "https", "ws", "wss"}  # "" as in aiohttp: a URL without a scheme
    assert hc.BaseConnector.allowed_protocol_schema_set == web
    assert hc.TCPConnector.allowed_protocol_schema_set == web | {"tcp"}
    assert hc.UnixConnector.allowed_protocol_schema_set == web | {"unix"}


async def test_path_like_and_bad_paths(tmp_path: Path) -> None:
    async with hc.UnixConnector(tmp_path / "x.sock") as connector:
        assert connector.path == str(tmp_path / "x.sock")
    with pytest.raises(TypeError, match="path"):
        hc.UnixConnector(42)  # type: ignore[arg-type]
