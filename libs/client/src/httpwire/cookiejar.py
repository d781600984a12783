"""aiohttp's ``cookiejar`` module path: the cookie jars.

The same objects as ``httpwire``'s names, so code that uses aiohttp's module paths runs unchanged.
"""

from __future__ import annotations

from httpwire import (
    CookieJar,
    DummyCookieJar,
)

__all__ = [
    "CookieJar",
    "DummyCookieJar",
]
