"""aiohttp's ``client_middlewares`` module path: the middleware types.

The same objects as ``httpwire``'s names, so code that uses aiohttp's module paths runs unchanged.
"""

from __future__ import annotations

from httpwire import (
    ClientHandlerType,
    ClientMiddlewareType,
)

__all__ = [
    "ClientHandlerType",
    "ClientMiddlewareType",
]
