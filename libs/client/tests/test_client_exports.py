"""The public surface: `__all__` is exactly what the modules export, once each."""

from __future__ import annotations

import importlib
import pkgutil

import httpwire

# Public submodules that are imported by path and deliberately not re-exported at the top.
NOT_REEXPORTED: frozenset[str] = frozenset(
    {"testing", "abc", "hdrs", "pytest_plugin", "__main__", "cli"}
)


def _module_names() -> list[str]:
    found = pkgutil.walk_packages(httpwire.__path__, prefix="httpwire.")
    return [info.name for info in found if info.name.rsplit(".", 1)[-1] not in NOT_REEXPORTED]


def test_every_module_declares_all() -> None:
    missing = [n for n in _module_names() if not hasattr(importlib.import_module(n), "__all__")]
    assert missing == []


def test_top_level_all_is_the_union_of_module_alls() -> None:
    union: set[str] = set()
    for name in _module_names():
        union.update(importlib.import_module(name).__all__)
    # aiohttp lists its hdrs module itself in __all__, not the names inside it.
    assert set(httpwire.__all__) == union | {"hdrs"}


def test_top_level_all_has_no_duplicates_and_resolves() -> None:
    assert len(httpwire.__all__) == len(set(httpwire.__all__))
    for name in httpwire.__all__:
        assert getattr(httpwire, name) is not None, name
