"""``StreamReader``: the response body as an async byte stream, with flow control.

The connection's protocol feeds it with :meth:`StreamReader.feed_data` as the parser hands out
body pieces. When more than the high-water mark (twice ``limit``, aiohttp's rule) is buffered the
reader asks the protocol to pause the transport, and it resumes it once the consumer has brought
the buffer under ``limit``: a slow consumer of a huge body holds bounded memory.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

from httpwire_parser import LineTooLong

from ._helpers import DEFAULT_READ_BUFSIZE

__all__ = ["EMPTY_PAYLOAD", "DataQueue", "EofStream", "FlowControlDataQueue", "StreamReader"]

_T = TypeVar("_T")
internal_logger = logging.getLogger("httpwire.internal")
# Beyond this many HTTP chunk boundaries queued and unread, the transport is paused too, so a
# server sending tiny chunks cannot grow the boundary list without limit.
_MAX_QUEUED_CHUNK_SPLITS = 2**10


class EofStream(Exception):
    """Raised internally when a stream that is at its end is read by an iterator."""


class FlowControl(Protocol):
    """What the reader needs from the protocol that feeds it: pausing and resuming reads."""

    reading_paused: bool

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


class TimerLike(Protocol):
    """The request's total-timeout context: entered around every wait for data."""

    @property
    def timed_out(self) -> bool: ...

    def expired_error(self) -> BaseException: ...

    def __enter__(self) -> object: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None: ...


class AsyncStreamIterator(AsyncIterator[_T]):
    """Calls ``read_func`` until it returns an empty value."""

    __slots__ = ("read_func",)

    def __init__(self, read_func: Callable[[], Awaitable[_T]]) -> None:
        self.read_func = read_func

    def __aiter__(self) -> AsyncStreamIterator[_T]:
        return self

    async def __anext__(self) -> _T:
        try:
            rv = await self.read_func()
        except EofStream:
            raise StopAsyncIteration from None
        if rv == b"":
            raise StopAsyncIteration
        return rv


class ChunkTupleAsyncStreamIterator:
    """Yields ``(data, end_of_http_chunk)`` pairs until the stream ends."""

    __slots__ = ("_stream",)

    def __init__(self, stream: StreamReader) -> None:
        self._stream = stream

    def __aiter__(self) -> ChunkTupleAsyncStreamIterator:
        return self

    async def __anext__(self) -> tuple[bytes, bool]:
        rv = await self._stream.readchunk()
        if rv == (b"", False):
            raise StopAsyncIteration
        return rv


class StreamReader:
    """An incoming body: read it whole, by size, by line, by HTTP chunk, or as it comes.

    ``limit`` is the low-water mark (the session's ``read_bufsize``); the transport is paused
    above twice that. Reads raise the error the connection met (``ClientPayloadError`` for a
    truncated or malformed body, ``SocketTimeoutError`` for a stalled one); only one coroutine may
    wait on a reader at a time.
    """

    __slots__ = (
        "_buffer",
        "_cursor",
        "_eof",
        "_eof_callbacks",
        "_eof_waiter",
        "_exception",
        "_high_water",
        "_http_chunk_splits",
        "_loop",
        "_low_water",
        "_protocol",
        "_size",
        "_timer",
        "_waiter",
        "total_bytes",
        "total_compressed_bytes",
    )

    def __init__(
        self,
        protocol: FlowControl,
        limit: int,
        *,
        timer: TimerLike | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        if limit <= 0:
            raise ValueError(f"limit must be a positive number of bytes, got {limit!r}")
        self._protocol = protocol
        self._low_water = limit
        self._high_water = limit * 2
        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self._size = 0
        self._cursor = 0
        self._http_chunk_splits: deque[int] | None = None
        self._buffer: deque[bytes] = deque()
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._eof_waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._timer = timer
        self._eof_callbacks: list[Callable[[], None]] = []
        #: Bytes received so far (after decoding).
        self.total_bytes = 0
        #: Bytes of a content-coded body received so far, before decoding; None when the body
        #: is not decoded.
        self.total_compressed_bytes: int | None = None

    @property
    def total_raw_bytes(self) -> int:
        """Bytes of the body as it came (before content decoding, after the chunked framing).

        The figure to compare with a Content-Length, as aiohttp 3.13's attribute of that name.
        """
        compressed = self.total_compressed_bytes
        return self.total_bytes if compressed is None else compressed

    def set_read_chunk_size(self, n: int) -> None:
        """Let ``n`` bytes (and up to twice that) buffer before reading pauses, if more than now.

        ``iter_chunked(n)`` calls it so that pieces of ``n`` bytes can fill without the
        transport pausing and resuming for each one.
        """
        if n > self._low_water:
            self._low_water = n
            self._high_water = n * 2

    def __repr__(self) -> str:
        info = [type(self).__name__]
        if self._size:
            info.append(f"{self._size} bytes")
        if self._eof:
            info.append("eof")
        if self._low_water != DEFAULT_READ_BUFSIZE:
            info.append(f"low={self._low_water} high={self._high_water}")
        if self._waiter is not None:
            info.append(f"w={self._waiter!r}")
        if self._exception is not None:
            info.append(f"e={self._exception!r}")
        return "<{}>".format(" ".join(info))

    def get_read_buffer_limits(self) -> tuple[int, int]:
        """The (low, high) water marks in bytes."""
        return (self._low_water, self._high_water)

    # ------------------------------------------------------------------ feeding

    def exception(self) -> BaseException | None:
        """The error reads raise, if the connection met one."""
        return self._exception

    def set_exception(self, exc: BaseException, exc_cause: BaseException | None = None) -> None:
        """Make pending and later reads raise ``exc`` (with ``exc_cause`` as its cause)."""
        if exc_cause is not None and exc.__cause__ is None:
            exc.__cause__ = exc_cause
        self._exception = exc
        self._eof_callbacks.clear()
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_exception(exc)
        eof_waiter = self._eof_waiter
        if eof_waiter is not None:
            self._eof_waiter = None
            if not eof_waiter.done():
                eof_waiter.set_exception(exc)

    def on_eof(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` once the whole body has been received (now, if it has)."""
        if self._eof:
            try:
                callback()
            except Exception:
                self._loop.call_exception_handler(
                    {"message": "Exception in eof callback", "stream": self}
                )
        else:
            self._eof_callbacks.append(callback)

    def feed_eof(self) -> None:
        """The body is complete: wake the waiting reader and run the eof callbacks."""
        self._eof = True
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        eof_waiter = self._eof_waiter
        if eof_waiter is not None:
            self._eof_waiter = None
            if not eof_waiter.done():
                eof_waiter.set_result(None)
        if self._protocol.reading_paused:
            self._protocol.resume_reading()
        callbacks, self._eof_callbacks = self._eof_callbacks, []
        for cb in callbacks:
            try:
                cb()
            except Exception:
                self._loop.call_exception_handler(
                    {"message": "Exception in eof callback", "stream": self}
                )

    def is_eof(self) -> bool:
        """Whether the whole body has been received (it may still be buffered)."""
        return self._eof

    def at_eof(self) -> bool:
        """Whether the body has been received and read to the end."""
        return self._eof and not self._buffer

    async def wait_eof(self) -> None:
        """Wait until the whole body has been received."""
        if self._eof:
            return
        assert self._eof_waiter is None
        self._eof_waiter = self._loop.create_future()
        try:
            await self._eof_waiter
        finally:
            self._eof_waiter = None

    def feed_data(self, data: bytes, size: int = 0) -> bool:
        """Append a piece of body; pause the transport when past the high-water mark.

        ``size`` is ignored and the result is always ``False``, as in aiohttp 3.14.
        """
        n = len(data)
        if not n:
            return False
        self._size += n
        self._buffer.append(data)
        self.total_bytes += n
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        if self._size > self._high_water and not self._protocol.reading_paused:
            self._protocol.pause_reading()
        return False

    def begin_http_chunk_receiving(self) -> None:
        """Start tracking HTTP chunk boundaries (called for chunked bodies)."""
        if self._http_chunk_splits is None:
            self._http_chunk_splits = deque()

    def end_http_chunk_receiving(self) -> None:
        """An HTTP chunk ended at the current position (what ``readchunk`` reports).

        Raises :class:`RuntimeError` unless :meth:`begin_http_chunk_receiving` came first.
        """
        splits = self._http_chunk_splits
        if splits is None:
            raise RuntimeError(
                "Called end_chunk_receiving without calling begin_chunk_receiving first"
            )
        pos = self.total_bytes
        if splits and splits[-1] == pos:
            return
        if not splits and pos == self._cursor and pos == 0:
            return  # an empty first chunk carries no boundary worth reporting
        splits.append(pos)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        if len(splits) > _MAX_QUEUED_CHUNK_SPLITS and not self._protocol.reading_paused:
            self._protocol.pause_reading()

    def unread_data(self, data: bytes) -> None:
        """Push ``data`` back in front of the buffer (deprecated, as in aiohttp)."""
        warnings.warn(
            "unread_data() is deprecated and will be removed in future releases (#3260)",
            DeprecationWarning,
            stacklevel=2,
        )
        self._unread_data(data)

    def _unread_data(self, data: bytes) -> None:
        """:meth:`unread_data` without the warning, for the multipart reader."""
        if not data:
            return
        self._buffer.appendleft(data)
        self._size += len(data)
        self._cursor -= len(data)

    def _buffered_prefix(self, limit: int) -> bytes | None:
        """Up to ``limit`` bytes of what is buffered, left in place for the reader.

        ``None`` when nothing is buffered and the body has not ended yet.
        """
        if not self._buffer:
            return b"" if self._eof else None
        prefix = bytearray()
        for block in self._buffer:
            prefix += block[: limit - len(prefix)]
            if len(prefix) >= limit:
                break
        return bytes(prefix)

    # ------------------------------------------------------------------ reading

    async def _wait(self, func_name: str) -> None:
        if self._waiter is not None:
            raise RuntimeError(
                f"{func_name}() called while another coroutine is already waiting for incoming data"
            )
        if self._protocol.reading_paused and self._size < self._high_water:
            self._protocol.resume_reading()
        waiter = self._waiter = self._loop.create_future()
        try:
            if self._timer is not None:
                with self._timer:
                    await waiter
            else:
                await waiter
        finally:
            self._waiter = None

    def _consumed(self, n: int) -> None:
        self._size -= n
        self._cursor += n
        if self._size < self._low_water and self._protocol.reading_paused:
            splits = self._http_chunk_splits
            if splits is None or len(splits) < _MAX_QUEUED_CHUNK_SPLITS:
                self._protocol.resume_reading()

    def _read_nowait_chunk(self, n: int) -> bytes:
        timer = self._timer
        if timer is not None and timer.timed_out:
            # A body that is always buffered never waits: the total timeout is checked here too.
            raise timer.expired_error()
        first = self._buffer[0]
        if n != -1 and len(first) > n:
            data = first[:n]
            self._buffer[0] = first[n:]
        else:
            data = self._buffer.popleft()
        self._consumed(len(data))
        splits = self._http_chunk_splits
        if splits:
            # Boundaries that a plain read went past can no longer be reported.
            while splits and splits[0] < self._cursor:
                splits.popleft()
        return data

    def _read_nowait(self, n: int) -> bytes:
        """Up to ``n`` buffered bytes (all of them for ``n == -1``), without waiting."""
        if n == -1 and len(self._buffer) == 1:
            return self._read_nowait_chunk(-1)
        chunks = []
        while self._buffer:
            chunk = self._read_nowait_chunk(n)
            chunks.append(chunk)
            if n != -1:
                n -= len(chunk)
                if n == 0:
                    break
        return b"".join(chunks) if len(chunks) != 1 else chunks[0]

    def read_nowait(self, n: int = -1) -> bytes:
        """Up to ``n`` buffered bytes (all if ``n`` is -1) without waiting; may be empty."""
        if self._exception is not None:
            raise self._exception
        if self._waiter is not None and not self._waiter.done():
            raise RuntimeError("Called while some coroutine is waiting for incoming data.")
        return self._read_nowait(n)

    async def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (at least one unless at the end); the whole rest for ``n == -1``."""
        if self._exception is not None:
            raise self._exception
        if n == 0:
            return b""
        if n < 0:
            # Take the buffered pieces as they are and join once: one copy of the body.
            blocks: list[bytes] = []
            while True:
                while self._buffer:
                    blocks.append(self._read_nowait_chunk(-1))
                if self._eof:
                    break
                await self._wait("read")
                if self._exception is not None:
                    raise self._exception
            if len(blocks) == 1:
                return blocks[0]
            return b"".join(blocks)
        while not self._buffer and not self._eof:
            await self._wait("read")
            if self._exception is not None:
                raise self._exception
        return self._read_nowait(n)

    async def readany(self) -> bytes:
        """Whatever is buffered (waiting for something if nothing is); ``b""`` at the end."""
        if self._exception is not None:
            raise self._exception
        while not self._buffer and not self._eof:
            await self._wait("readany")
            if self._exception is not None:
                raise self._exception
        return self._read_nowait(-1)

    async def readchunk(self) -> tuple[bytes, bool]:
        """The next piece and whether it ends an HTTP chunk; ``(b"", False)`` at the end.

        For bodies that were not sent chunked, the flag is always false.
        """
        while True:
            if self._exception is not None:
                raise self._exception
            splits = self._http_chunk_splits
            while splits:
                pos = splits.popleft()
                if pos == self._cursor:
                    return (b"", True)
                if pos > self._cursor:
                    return (self._read_nowait(pos - self._cursor), True)
            if self._buffer:
                return (self._read_nowait_chunk(-1), False)
            if self._eof:
                return (b"", False)
            await self._wait("readchunk")

    async def readexactly(self, n: int) -> bytes:
        """Exactly ``n`` bytes; :class:`asyncio.IncompleteReadError` if the body ends first."""
        if self._exception is not None:
            raise self._exception
        blocks: list[bytes] = []
        while n > 0:
            block = await self.read(n)
            if not block:
                partial = b"".join(blocks)
                raise asyncio.IncompleteReadError(partial, len(partial) + n)
            blocks.append(block)
            n -= len(block)
        return b"".join(blocks)

    async def readline(self, *, max_line_length: int | None = None) -> bytes:
        """The next line, with its ``\\n``; the rest at the end of the body.

        ``max_line_length`` (aiohttp 3.14) bounds the line; by default the high-water mark.
        """
        return await self.readuntil(max_size=max_line_length)

    async def readuntil(self, separator: bytes = b"\n", *, max_size: int | None = None) -> bytes:
        """Read up to and including ``separator`` (or to the end of the body).

        A line longer than ``max_size`` (by default the high-water mark) raises
        :class:`~httpwire_parser.LineTooLong` (as aiohttp 3.14 raises its ``LineTooLong``): a
        reader never buffers more than that for one line.
        """
        seplen = len(separator)
        if seplen == 0:
            raise ValueError("Separator should be at least one-byte string")
        if self._exception is not None:
            raise self._exception
        limit = max_size or self._high_water
        chunks: list[bytes] = []
        chunk_size = 0
        while True:
            while self._buffer:
                head = self._buffer[0]
                end = -1
                if seplen > 1 and chunks:
                    # The separator may straddle the previous piece and this one.
                    carry = b"".join(chunks)[-(seplen - 1) :]
                    found = (carry + head).find(separator)
                    if found != -1:
                        end = found + seplen - len(carry)
                else:
                    found = head.find(separator)
                    if found != -1:
                        end = found + seplen
                data = self._read_nowait_chunk(end)
                chunks.append(data)
                chunk_size += len(data)
                if chunk_size > limit:
                    line = b"".join(chunks)[:100] + b"..."
                    raise LineTooLong(f"Got more than {limit} bytes when reading: {line!r}.")
                if end != -1:
                    return b"".join(chunks)
            if self._eof:
                return b"".join(chunks)
            await self._wait("readuntil")
            if self._exception is not None:
                raise self._exception

    # ---------------------------------------------------------------- iterating

    def __aiter__(self) -> AsyncStreamIterator[bytes]:
        """``async for line in stream`` iterates lines."""
        return AsyncStreamIterator(self.readline)

    def iter_chunked(self, n: int) -> AsyncStreamIterator[bytes]:
        """Pieces of at most ``n`` bytes, as they arrive."""
        self.set_read_chunk_size(n)
        return AsyncStreamIterator(lambda: self.read(n))

    def iter_any(self) -> AsyncStreamIterator[bytes]:
        """Whatever is buffered each time, as it arrives."""
        return AsyncStreamIterator(self.readany)

    def iter_chunks(self) -> ChunkTupleAsyncStreamIterator:
        """``(data, end_of_http_chunk)`` pairs, following the server's HTTP chunks."""
        return ChunkTupleAsyncStreamIterator(self)


class _NoFlowControl:
    reading_paused = False

    def pause_reading(self) -> None:
        """Nothing to pause: the empty body has no transport."""

    def resume_reading(self) -> None:
        """Nothing to resume."""


class EmptyStreamReader(StreamReader):
    """The body of a response that has none (HEAD, 204, 304): always at its end."""

    __slots__ = ()

    def __init__(self) -> None:
        self._protocol = _NoFlowControl()
        self._low_water = self._high_water = 1
        self._size = self._cursor = self.total_bytes = 0
        self._http_chunk_splits = None
        self._buffer = deque()
        self._eof = True
        self._waiter = self._eof_waiter = None
        self._exception = None
        self._timer = None
        self._eof_callbacks = []
        self.total_compressed_bytes = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def set_read_chunk_size(self, n: int) -> None:
        """An empty body buffers nothing (and the one instance is shared)."""

    def on_eof(self, callback: Callable[[], None]) -> None:
        """The body is complete: call ``callback()`` now (an error in it is logged)."""
        try:
            callback()
        except Exception:
            internal_logger.exception("Exception in eof callback")

    def set_exception(self, exc: BaseException, exc_cause: BaseException | None = None) -> None:
        """An empty body has nothing to fail."""

    def feed_data(self, data: bytes, size: int = 0) -> bool:
        """An empty body takes no data (``False``)."""
        return False

    async def read(self, n: int = -1) -> bytes:
        """Always ``b""``."""
        return b""

    async def readany(self) -> bytes:
        """Always ``b""``."""
        return b""

    async def readchunk(self) -> tuple[bytes, bool]:
        """Always ``(b"", False)``, the end."""
        return (b"", False)

    async def readexactly(self, n: int) -> bytes:
        """Raises :class:`asyncio.IncompleteReadError` unless ``n`` is 0."""
        if n == 0:
            return b""
        raise asyncio.IncompleteReadError(b"", n)

    async def readuntil(self, separator: bytes = b"\n", *, max_size: int | None = None) -> bytes:
        """Always ``b""``."""
        return b""

    def read_nowait(self, n: int = -1) -> bytes:
        """Always ``b""``."""
        return b""


#: The shared body of responses that have none.
EMPTY_PAYLOAD: Any = EmptyStreamReader()


class DataQueue(Generic[_T]):
    """A queue of objects with one reader, ended by :meth:`feed_eof` or an error (aiohttp's).

    ``read()`` waits for the next object; at the end it raises the error set with
    :meth:`set_exception`, else :class:`EofStream`. ``async for item in queue`` stops there.
    """

    __slots__ = ("_buffer", "_eof", "_exception", "_loop", "_waiter")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._buffer: deque[tuple[_T, int]] = deque()

    def __len__(self) -> int:
        return len(self._buffer)

    def is_eof(self) -> bool:
        """Whether the queue was ended (objects may still wait in it)."""
        return self._eof

    def at_eof(self) -> bool:
        """Whether the queue was ended and every object read."""
        return self._eof and not self._buffer

    def exception(self) -> BaseException | None:
        """The error the reader meets at the end, if any."""
        return self._exception

    def set_exception(self, exc: BaseException, exc_cause: BaseException | None = None) -> None:
        """End the queue with ``exc``: a waiting reader gets it now, later ones after the rest."""
        if exc_cause is not None and exc.__cause__ is None:
            exc.__cause__ = exc_cause
        self._eof = True
        self._exception = exc
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def feed_data(self, data: _T, size: int = 0) -> None:
        """Queue ``data`` (``size`` is kept for aiohttp's signature) and wake the reader."""
        self._buffer.append((data, size))
        self._wake()

    def feed_eof(self) -> None:
        """End the queue: the reader gets the objects left, then :class:`EofStream`."""
        self._eof = True
        self._wake()

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _wait_for_data(self) -> None:
        if self._waiter is not None:
            raise RuntimeError("DataQueue.read() called while another coroutine waits")
        self._waiter = self._loop.create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    async def read(self) -> _T:
        """The next object; at the end the queue's error or :class:`EofStream`."""
        if not self._buffer and not self._eof:
            await self._wait_for_data()
        if self._buffer:
            return self._buffer.popleft()[0]
        if self._exception is not None:
            raise self._exception
        raise EofStream

    def __aiter__(self) -> AsyncStreamIterator[_T]:
        return AsyncStreamIterator(self.read)


class FlowControlDataQueue(DataQueue[_T]):
    """A :class:`DataQueue` that pauses ``protocol`` while more than ``2 * limit`` waits.

    ``feed_data(data, size)`` counts ``size`` toward the limit; reading resumes the protocol once
    what waits is back under ``limit``. Deprecated in aiohttp (removed in 4.0); kept for code
    that still builds one.
    """

    __slots__ = ("_limit", "_protocol", "_size")

    def __init__(
        self, protocol: FlowControl, limit: int, *, loop: asyncio.AbstractEventLoop
    ) -> None:
        super().__init__(loop)
        self._size = 0
        self._protocol = protocol
        self._limit = limit * 2

    def feed_data(self, data: _T, size: int = 0) -> None:
        """Queue ``data``; pause the protocol when the queued sizes pass twice the limit."""
        super().feed_data(data, size)
        self._size += size
        if self._size > self._limit and not self._protocol.reading_paused:
            self._protocol.pause_reading()

    async def read(self) -> _T:
        """The next object; the protocol resumes once the queue is back under the limit."""
        if not self._buffer and not self._eof:
            await self._wait_for_data()
        if self._buffer:
            data, size = self._buffer.popleft()
            self._size -= size
            if self._size < self._limit and self._protocol.reading_paused:
                self._protocol.resume_reading()
            return data
        if self._exception is not None:
            raise self._exception
        raise EofStream
