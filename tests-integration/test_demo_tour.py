"""The README's demo composes the libs for real: cookies round-trip over a reused connection."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from yarl import URL

from httpwire_connectors import TCPConnector
from httpwire_cookies import CookieJar

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo.py"


def _load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("httpwire_demo", DEMO)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


async def test_demo_tour_reuses_the_connection_and_sends_the_cookie(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await _load_demo().main()
    out = capsys.readouterr().out
    first, second = out.split("GET /second")
    assert "GET /first -> 200" in first
    assert "sent Cookie: (none)" in first
    assert "reused a pooled connection: False" in first
    assert "'visit': 1, 'cookie_received': None" in first
    assert "sent Cookie: tour=started" in second
    assert "reused a pooled connection: True" in second
    assert "'visit': 2, 'cookie_received': 'tour=started'" in second


async def test_demo_fetch_decodes_gzip_chunked_bodies() -> None:
    demo = _load_demo()

    server = await asyncio.start_server(demo.serve, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    async with server, TCPConnector() as connector:
        got = await demo.fetch(connector, CookieJar(), URL(f"http://{host}:{port}/x?y=1"))
    assert got.status == 200
    assert got.headers["Transfer-Encoding"] == "chunked"
    assert got.body.startswith(b'{"path": "/x?y=1"')
    # CookieJar() without unsafe=True refuses cookies from an IP-address host.
    assert got.cookie_sent == ""
