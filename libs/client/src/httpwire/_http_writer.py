"""The request writer: frames a body (chunked, compressed) onto a connection's transport.

A :class:`~httpwire.payload.Payload` writes plain bytes to a :class:`StreamWriter`; the writer
applies the content coding and the transfer framing the request chose, and waits for the
transport to drain whenever asyncio paused writing, so a body of any size holds bounded memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from httpwire_parser import BodyCompressor, ChunkedEncoder

from .abc import AbstractStreamWriter
from .exceptions import ClientConnectionResetError

__all__: list[str] = []


class WritableProtocol(Protocol):
    """What the writer needs from the connection's protocol."""

    @property
    def transport(self) -> asyncio.Transport | None: ...

    @property
    def writing_paused(self) -> bool: ...

    async def drain(self) -> None: ...


class StreamWriter(AbstractStreamWriter):
    """Writes one request body to ``protocol``'s transport.

    ``length`` is the declared Content-Length (``None`` when the body goes out chunked).
    ``output_size`` counts the bytes put on the wire for the body, framing included.
    ``on_chunk_sent``, when set (tracing), is awaited with each piece of the body as given;
    ``on_body_write``, when set (an upload tracker), is called with the size of each piece and
    the number of bytes it became on the wire.
    """

    __slots__ = (
        "_chunked",
        "_compress",
        "_protocol",
        "length",
        "on_body_write",
        "on_chunk_sent",
        "output_size",
    )

    def __init__(self, protocol: WritableProtocol, length: int | None = None) -> None:
        self._protocol = protocol
        self._chunked: ChunkedEncoder | None = None
        self._compress: BodyCompressor | None = None
        self.length = length
        self.output_size = 0
        self.on_chunk_sent: Callable[[bytes], Awaitable[None]] | None = None
        self.on_body_write: Callable[[int, int], None] | None = None

    @property
    def buffer_size(self) -> int:  # type: ignore[override]
        """Bytes the transport still holds unsent."""
        transport = self._protocol.transport
        return 0 if transport is None else transport.get_write_buffer_size()

    def enable_chunking(self) -> None:
        """Frame what follows with the chunked transfer coding."""
        self._chunked = ChunkedEncoder()

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        """Compress what follows with ``encoding`` (``deflate`` or ``gzip``)."""
        self._compress = BodyCompressor(encoding)

    def _send(self, data: bytes | bytearray | memoryview) -> None:
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ClientConnectionResetError("Cannot write to closing transport")
        transport.write(data)
        self.output_size += len(data)

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Send ``chunk`` and wait while the transport's buffer is over its high-water mark."""
        if self.on_chunk_sent is not None and chunk:
            await self.on_chunk_sent(bytes(chunk))
        size = len(chunk)
        if self._compress is not None:
            chunk = self._compress.compress(bytes(chunk))
        if chunk:
            if self._chunked is not None:
                chunk = self._chunked.encode(bytes(chunk))
            self._send(chunk)
        if self.on_body_write is not None:
            self.on_body_write(size, len(chunk))
        if not chunk:
            return
        if self._protocol.writing_paused:
            await self._protocol.drain()

    async def write_eof(self, chunk: bytes = b"") -> None:
        """Send ``chunk``, then the compressor's tail and the last chunk, ending the body."""
        data = bytes(chunk)
        if self.on_chunk_sent is not None and data:
            await self.on_chunk_sent(data)
        if self._compress is not None:
            data = self._compress.compress(data) + self._compress.flush()
        if self._chunked is not None:
            data = self._chunked.encode(data) + self._chunked.finish()
        if data:
            self._send(data)
        if self.on_body_write is not None:
            self.on_body_write(len(chunk), len(data))
        await self.drain()

    async def drain(self) -> None:
        """Wait until the transport can take more data."""
        if self._protocol.writing_paused:
            await self._protocol.drain()
