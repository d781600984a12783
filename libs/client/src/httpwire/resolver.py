"""aiohttp's ``resolver`` module path: the DNS resolvers.

The same objects as ``httpwire``'s names, so code that uses aiohttp's module paths runs unchanged.
"""

from __future__ import annotations

from httpwire import (
    AsyncResolver,
    DefaultResolver,
    ThreadedResolver,
)

__all__ = [
    "AsyncResolver",
    "DefaultResolver",
    "ThreadedResolver",
]
