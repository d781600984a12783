"""aiohttp's ``client_middleware_digest_auth`` module path: the digest authentication middleware.

The same objects as ``httpwire``'s names, so code that uses aiohttp's module paths runs unchanged.
"""

from __future__ import annotations

from httpwire import (
    DigestAuthMiddleware,
)

__all__ = [
    "DigestAuthMiddleware",
]
