"""The README's demo runs the real ClientSession against its local server, end to end."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo.py"


def _load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("httpwire_demo", DEMO)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_demo_tour(capsys: pytest.CaptureFixture[str]) -> None:
    await _load_demo().main()
    out = capsys.readouterr().out
    assert "GET /hello -> 200 (gzip)" in out
    assert "'path': '/hello?lang=en'" in out
    assert "'json': {'name': 'widget', 'qty': 3}" in out
    assert "jar: ['tour']" in out
    assert "sent Cookie: tour=started" in out
    assert "after a redirect: /old -> /new" in out
    assert "[##############################]  8.0 MiB" in out
    assert "server got 28000 bytes" in out
    # Every request but the redirect's reused the one keep-alive connection.
    assert "'visit on this connection': 2" in out
    assert "1 idle" in out
    assert "WebSocket /echo -> 'echo: hello over a WebSocket', then 8 binary bytes back" in out
    assert "WebSocket closed with code 1000" in out
