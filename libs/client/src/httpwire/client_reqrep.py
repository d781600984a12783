"""aiohttp's ``client_reqrep`` module path: the request and response classes.

The same objects as ``httpwire``'s names, so code that uses aiohttp's module paths runs unchanged.
"""

from __future__ import annotations

from httpwire import (
    ClientRequest,
    ClientResponse,
    Fingerprint,
    RequestInfo,
)

__all__ = [
    "ClientRequest",
    "ClientResponse",
    "Fingerprint",
    "RequestInfo",
]
