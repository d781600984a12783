"""Abstract base classes at the module path aiohttp documents (``aiohttp.abc``).

Subclass these to plug a custom cookie jar or DNS resolver into the client, or to write a request
body through :class:`AbstractStreamWriter` (what a :class:`~httpwire.payload.Payload` writes to).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from httpwire_connectors import AbstractResolver, ResolveResult
from httpwire_cookies import AbstractCookieJar, ClearCookiePredicate

__all__ = [
    "AbstractCookieJar",
    "AbstractResolver",
    "AbstractStreamWriter",
    "ClearCookiePredicate",
    "ResolveResult",
]


class AbstractStreamWriter(ABC):
    """Where a request body goes: bytes in, framed (chunked, compressed) bytes on the wire.

    :meth:`write` waits while the transport's buffer is full, so a payload that writes piece by
    piece holds bounded memory. ``output_size`` counts the bytes handed to :meth:`write`;
    ``buffer_size`` is kept for aiohttp compatibility; ``length`` is the declared body length
    (``None`` when the body goes out chunked).
    """

    buffer_size: int = 0
    output_size: int = 0
    length: int | None = 0

    @abstractmethod
    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Send ``chunk`` (framed as the body needs) and wait while the transport is full."""

    @abstractmethod
    async def write_eof(self, chunk: bytes = b"") -> None:
        """Send ``chunk`` and end the body (the compressor's tail, the last chunk)."""

    @abstractmethod
    async def drain(self) -> None:
        """Wait until the transport can take more data."""

    @abstractmethod
    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        """Compress what follows with ``encoding`` (``deflate`` or ``gzip``)."""

    @abstractmethod
    def enable_chunking(self) -> None:
        """Frame what follows with the chunked transfer coding."""
