"""NamedPipeConnector: refused off the proactor loop; on it, pooled like any connector.

Named pipes need Windows. On other systems the proactor class is stood in for by the running
loop's class and ``create_pipe_connection`` by a Unix socket connection, which runs the
connector's own code (pooling, timeouts, error mapping) unchanged.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest

import httpwire_connectors as hc
from httpwire_connectors.testing import FakeRequest, FakeTimeout

from .conftest import CountingServer, echo


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has the proactor loop itself")
async def test_refused_without_the_proactor_loop() -> None:
    with pytest.raises(RuntimeError, match="Named Pipes only available in proactor loop"):
        hc.NamedPipeConnector(r"\\.\pipe\test")


@pytest.fixture
async def fake_proactor(monkeypatch: pytest.MonkeyPatch) -> asyncio.AbstractEventLoop:
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(asyncio, "ProactorEventLoop", type(loop), raising=False)

    async def create_pipe_connection(factory: Any, path: str) -> Any:
        return await loop.create_unix_connection(factory, path)

    monkeypatch.setattr(loop, "create_pipe_connection", create_pipe_connection, raising=False)
    return loop


async def test_connections_are_opened_and_pooled(
    fake_proactor: asyncio.AbstractEventLoop, unix_server: CountingServer
) -> None:
    assert unix_server.path is not None
    async with hc.NamedPipeConnector(unix_server.path, limit=5) as connector:
        assert connector.path == unix_server.path
        assert connector.limit == 5
        assert "npipe" in connector.allowed_protocol_schema_set
        conn = await connector.connect(FakeRequest("http://pipe/"), timeout=FakeTimeout())
        assert await echo(conn) == b"ping"
        conn.release()
        again = await connector.connect(FakeRequest("http://pipe/"))
        assert again.reused
        again.release()
    assert unix_server.accepted == 1


async def test_a_missing_pipe_is_a_connector_error(
    fake_proactor: asyncio.AbstractEventLoop, tmp_path: Any
) -> None:
    async with hc.NamedPipeConnector(str(tmp_path / "missing")) as connector:
        with pytest.raises(hc.ClientConnectorError) as info:
            await connector.connect(FakeRequest("http://pipe/"))
    assert isinstance(info.value.os_error, FileNotFoundError)
    assert connector.stats.connecting == 0


async def test_a_pipe_that_does_not_answer_in_time_is_a_timeout(
    fake_proactor: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def never(factory: Any, path: str) -> Any:
        await asyncio.sleep(10)

    monkeypatch.setattr(fake_proactor, "create_pipe_connection", never, raising=False)
    async with hc.NamedPipeConnector(r"\\.\pipe\slow") as connector:
        with pytest.raises(hc.ConnectionTimeoutError, match="named pipe"):
            await connector.connect(
                FakeRequest("http://pipe/"), timeout=FakeTimeout(sock_connect=0.05)
            )


async def test_path_must_be_text(fake_proactor: asyncio.AbstractEventLoop) -> None:
    with pytest.raises(TypeError, match="path must be a str"):
        hc.NamedPipeConnector(b"pipe")  # type: ignore[arg-type]
