"""aiohttp's ``helpers`` module path: the client-side helpers users import from there.

The same objects as ``httpwire``'s names, so code that uses aiohttp's module paths runs unchanged.
"""

from __future__ import annotations

from httpwire import (
    BasicAuth,
    ChainMapProxy,
    ETag,
    encode_basic_auth,
)

__all__ = [
    "BasicAuth",
    "ChainMapProxy",
    "ETag",
    "encode_basic_auth",
]
