"""Shared fixtures for the composed client against real servers started by the tests.

Every server here listens on loopback only and is stopped by its fixture. The real servers'
fixtures live in ``_it_servers.py``; this file puts it on ``sys.path`` so that the modules using
them can ``import _it_servers`` (pytest's importlib mode adds no test folder to the path).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

__all__: list[str] = []

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only shared/ folder beside the repository (reference and conformance data)."""
    assert SHARED.is_dir(), f"expected the shared/ folder at {SHARED}"
    return SHARED
