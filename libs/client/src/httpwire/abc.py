"""Abstract base classes at the module path aiohttp documents (``aiohttp.abc``).

Subclass these to plug a custom cookie jar or DNS resolver into the client.
"""

from __future__ import annotations

from httpwire_connectors import AbstractResolver
from httpwire_cookies import AbstractCookieJar

__all__ = ["AbstractCookieJar", "AbstractResolver"]
