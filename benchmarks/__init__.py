"""Side-by-side benchmarks of httpwire against its peers, run as ``python -m benchmarks``.

Each area is a module ``bench_<area>.py`` with ``main(quick: bool) -> None`` that builds
:class:`benchmarks._harness.Impl` adapters and hands them to :func:`benchmarks._harness.compare`.
"""

from __future__ import annotations

__all__ = ["AREAS"]

#: Every area, in the order ``python -m benchmarks`` runs them when none is named.
AREAS: tuple[str, ...] = ("parser", "cookies", "websocket", "client", "ws_echo", "memory")
