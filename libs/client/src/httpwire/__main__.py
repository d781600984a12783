"""``python -m httpwire``: the command-line client (see :mod:`httpwire.cli`)."""

from __future__ import annotations

from .cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
