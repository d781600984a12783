"""Payloads of unknown size that are produced while they are sent: iterables and streams.

They go out chunked (or within a Content-Length the user declared), are read once, and so are
not reusable: after the first write a redirect that needs the body again fails clearly instead
of sending an empty one. ``as_bytes()`` is the exception: it reads the whole stream into memory
and keeps it, and the payload is then written from there as often as needed.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

from ._payload_base import HeadersLike, Payload
from .abc import AbstractStreamWriter
from .exceptions import ClientPayloadError
from .streams import StreamReader

__all__: list[str] = []

_BytesLike = (bytes, bytearray, memoryview)


def _check_chunk(chunk: Any) -> bytes | bytearray | memoryview:
    if not isinstance(chunk, _BytesLike):
        raise TypeError(
            f"a streamed body must produce bytes-like chunks, got {type(chunk).__name__!r}"
        )
    return chunk


class AsyncIterablePayload(Payload):
    """A body produced by an async iterable or async generator of bytes-like chunks.

    Each chunk is written as it comes, with the writer's backpressure, so the body is never
    held whole. It can be written once.
    """

    _iter: AsyncIterator[Any] | None

    def __init__(
        self,
        value: AsyncIterable[Any],
        headers: HeadersLike | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        if not isinstance(value, AsyncIterable):
            raise TypeError(
                "value argument must support collections.abc.AsyncIterable interface, "
                f"got {type(value)!r}"
            )
        super().__init__(
            value,
            headers=headers,
            content_type=content_type,
            filename=filename,
            encoding=encoding,
        )
        self._iter = value.__aiter__()
        self._cached_chunks: list[bytes | bytearray | memoryview] | None = None

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write each chunk as the iterable produces it (or the chunks ``as_bytes`` kept)."""
        if self._cached_chunks is not None:
            for chunk in self._cached_chunks:
                await writer.write(chunk)
            return
        iterator = self._iter
        if iterator is None or self._consumed:
            raise ClientPayloadError("the streamed request body was already sent")
        self._consumed = True
        self._iter = None
        async for chunk in iterator:
            await writer.write(_check_chunk(chunk))

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The whole body, read from the iterable into memory and kept there.

        After this the payload is in memory: it can be written (and resent on a redirect) as
        often as needed, and :meth:`decode` works. A body already sent raises
        :class:`ClientPayloadError`.
        """
        if self._cached_chunks is None:
            iterator = self._iter
            if iterator is None or self._consumed:
                raise ClientPayloadError("the streamed request body was already sent")
            self._iter = None
            self._consumed = True
            self._cached_chunks = [_check_chunk(chunk) async for chunk in iterator]
            self._consumed = False
        return b"".join(self._cached_chunks)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The text of a body ``as_bytes`` read; a stream cannot be shown without consuming it."""
        if self._cached_chunks is None:
            raise TypeError("Unable to decode - content not cached. Call as_bytes() first.")
        return b"".join(self._cached_chunks).decode(encoding, errors)


class StreamReaderPayload(AsyncIterablePayload):
    """A body piped from a :class:`~httpwire.streams.StreamReader` (another response's body)."""

    def __init__(self, value: StreamReader, **kwargs: Any) -> None:
        super().__init__(value.iter_any(), **kwargs)
        self._value = value


class IterablePayload(Payload):
    """A body produced by a synchronous iterable of bytes-like chunks (a generator, a list).

    Iterating must not block: a generator that reads a file should use a file payload or an
    async generator instead. It can be written once, except for lists and tuples, which are
    in memory and are sent whole again on a redirect.
    """

    def __init__(
        self,
        value: Iterable[Any],
        headers: HeadersLike | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        if isinstance(value, (str, *_BytesLike)) or not isinstance(value, Iterable):
            raise TypeError(f"value argument must be an iterable of bytes, got {type(value)!r}")
        super().__init__(
            value,
            headers=headers,
            content_type=content_type,
            filename=filename,
            encoding=encoding,
        )
        self._replayable = isinstance(value, (list, tuple))
        if self._replayable:
            chunks = [_check_chunk(c) for c in value]
            self._size = sum(memoryview(c).nbytes for c in chunks)
            self._chunks: list[bytes | bytearray | memoryview] | None = chunks
            self._autoclose = True
        else:
            self._chunks = None

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write each chunk in turn."""
        if self._consumed:
            raise ClientPayloadError("the streamed request body was already sent")
        if self._chunks is not None:
            for chunk in self._chunks:
                await writer.write(chunk)
            return
        self._consumed = True
        iterator: Iterator[Any] = iter(self._value)
        for chunk in iterator:
            await writer.write(_check_chunk(chunk))

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The whole body; a one-shot iterable is read into memory and kept, as ``as_bytes``
        of an async iterable is. A body already sent raises :class:`ClientPayloadError`."""
        if self._chunks is None:
            if self._consumed:
                raise ClientPayloadError("the streamed request body was already sent")
            self._consumed = True
            self._chunks = [_check_chunk(chunk) for chunk in self._value]
            self._consumed = False
        return b"".join(self._chunks)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The text of an in-memory list of chunks; a one-shot iterable cannot be shown."""
        if self._chunks is None:
            raise TypeError("Unable to decode - content not cached. Call as_bytes() first.")
        return b"".join(self._chunks).decode(encoding, errors)
