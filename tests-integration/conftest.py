"""Shared fixtures for the composed client against real servers started by the tests.

Every server here listens on loopback only and is stopped by its fixture. The nginx and dnsmasq
fixtures live in ``_it_servers.py``, loaded by path by the modules that use them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

__all__: list[str] = []

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only shared/ folder beside the repository (reference and conformance data)."""
    assert SHARED.is_dir(), f"expected the shared/ folder at {SHARED}"
    return SHARED
