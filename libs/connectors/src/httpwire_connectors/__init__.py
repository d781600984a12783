"""httpwire-connectors: the public API, assembled explicitly from the private modules."""

from __future__ import annotations

from ._version import __version__

__all__ = ["__version__"]
