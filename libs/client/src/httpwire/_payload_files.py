"""Payloads that read a file object: binary and text files, ``BytesIO`` and ``StringIO``.

A file is never read whole: it goes out in pieces of at most :data:`READ_CHUNK_SIZE` bytes,
each read in the loop's default executor so a slow disk never stalls the event loop, and the
next piece is read while the current one is being written, so at most two pieces are in memory.
A binary file of one piece that the page cache holds whole is the exception: it is read on the
loop by a ``preadv`` that never waits for a disk, and goes out with the request head. The size
of a regular file is ``fstat`` size minus the position the body starts at (other files have no
known size and go out chunked), and a body that is sent again (a 307 redirect) starts from that
same position.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import io
import os
import stat
from typing import IO, Any, Final

from ._file_closer import close_later
from ._mime import charset_of, guess_filename
from ._payload_base import HeadersLike, Payload
from ._payload_memory import StringPayload
from .abc import AbstractStreamWriter
from .exceptions import ClientPayloadError

__all__: list[str] = []

#: The most bytes one read of a file takes: 1 MiB, four times aiohttp's DEFAULT_CHUNK_SIZE, so a
#: file takes fewer trips to the executor; with one piece read ahead of the one being written,
#: an upload holds about 2 MiB of the file at a time.
READ_CHUNK_SIZE: Final = 2**20

#: ``preadv`` with ``RWF_NOWAIT`` (Linux 4.14+) reads only what the page cache already holds and
#: fails instead of waiting for a disk, so it is safe on the event loop.
_NOWAIT: Final = getattr(os, "RWF_NOWAIT", None) if hasattr(os, "preadv") else None
#: Whether ``st_dev`` splits into major and minor numbers (POSIX); elsewhere every file is
#: closed off the loop.
_HAS_DEVICE_NUMBERS: Final = hasattr(os, "major")


class IOBasePayload(Payload):
    """A body read from a file object, in pieces, off the event loop.

    ``filename`` defaults to the base name of the file's ``name``; when there is one and
    ``disposition`` is not ``None``, the payload carries ``Content-Disposition: <disposition>;
    filename="..."`` and a Content-Type guessed from it. A read that fails, or a file closed
    mid-upload, raises :class:`~httpwire.ClientPayloadError` (the connection cannot be reused
    after a body cut short). The payload owns the file: :meth:`close` closes it.
    """

    _value: IO[Any]

    def __init__(
        self,
        value: IO[Any],
        disposition: str | None = "attachment",
        headers: HeadersLike | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        if filename is None:
            filename = guess_filename(value)
        super().__init__(
            value,
            headers=headers,
            content_type=content_type,
            filename=filename,
            encoding=encoding,
        )
        # Where the body starts: None until first looked at, -1 for a file that cannot seek.
        self._start: int | None = None
        self._size_checked = False
        self._closed = False
        if (
            self._filename is not None
            and disposition is not None
            and "Content-Disposition" not in self._headers
        ):
            self.set_content_disposition(disposition, filename=self._filename)

    # ------------------------------------------------------------------ position and size

    def _start_position(self) -> int | None:
        """The offset the body starts at, recorded the first time; ``None`` if unseekable."""
        if self._start is None:
            try:
                self._start = self._value.tell() if self._value.seekable() else -1
            except (OSError, ValueError, AttributeError):
                self._start = -1
        return None if self._start < 0 else self._start

    def _rewind(self) -> None:
        """Go back to the start of the body; an unseekable file can be read only once."""
        start = self._start_position()
        if start is None:
            if self._consumed:
                raise ClientPayloadError(
                    f"cannot send {self._describe()} again: it cannot seek back to its start"
                )
            self._consumed = True
            return
        try:
            self._value.seek(start)
        except (OSError, ValueError) as exc:
            raise ClientPayloadError(f"cannot rewind {self._describe()}: {exc}") from exc

    def _describe(self) -> str:
        return f"file {self._filename!r}" if self._filename else type(self._value).__name__

    @property
    def size(self) -> int | None:
        """Bytes from the start position to the end of a regular file; ``None`` otherwise."""
        if not self._size_checked:
            self._size_checked = True
            self._size = self._measure()
        return self._size

    def _measure(self) -> int | None:
        start = self._start_position()
        if start is None:
            return None
        try:
            info = os.fstat(self._value.fileno())
        except (OSError, ValueError, AttributeError):
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return max(info.st_size - start, 0)

    def _closes_locally(self) -> bool:
        """Whether closing the file does no I/O, so it may close on the loop.

        True for a read-only regular file on a block device's filesystem: it has nothing to
        flush. NFS, FUSE and CIFS have anonymous device numbers (major 0) and may answer a
        close over the network, so their files, like writable ones, close off the loop.
        """
        if not _HAS_DEVICE_NUMBERS:
            return False
        try:
            if self._value.writable():
                return False
            info = os.fstat(self._value.fileno())
        except (OSError, ValueError, AttributeError):
            return False
        return stat.S_ISREG(info.st_mode) and os.major(info.st_dev) != 0

    @property
    def reusable(self) -> bool:
        """Whether the file can seek back to the body's start and is still open."""
        return not self._consumed and self._start_position() is not None

    # ------------------------------------------------------------------ reading

    def _read(self, limit: int) -> bytes:
        """Up to ``limit`` bytes of the file (runs in the executor)."""
        data = self._value.read(limit)
        if data is None:  # a non-blocking raw file with nothing ready
            raise BlockingIOError(f"{self._describe()} is non-blocking and had no data")
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"{self._describe()} read returned {type(data).__name__!r}, not bytes")
        return bytes(data)

    def _finish(self) -> bytes:
        """Bytes held back until the end (a text encoder's tail)."""
        return b""

    async def _await_piece(self, pending: asyncio.Future[bytes]) -> bytes:
        try:
            return await pending
        except (OSError, ValueError) as exc:
            raise ClientPayloadError(f"reading {self._describe()} failed: {exc}") from exc

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write the file from its start position to its end (or to its known size)."""
        await self._send(writer, None)

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        """Write at most ``content_length`` bytes, reading no further than that."""
        await self._send(writer, content_length)

    async def _send(self, writer: AbstractStreamWriter, content_length: int | None) -> None:
        loop = asyncio.get_running_loop()
        self._rewind()
        size = self.size
        limit = size if content_length is None else content_length
        if size is not None and limit is not None:
            limit = min(limit, size)
        remaining = limit
        pending: asyncio.Future[bytes] | None = loop.run_in_executor(
            None,
            self._read,
            READ_CHUNK_SIZE if remaining is None else min(READ_CHUNK_SIZE, remaining),
        )
        try:
            while pending is not None:
                chunk = await self._await_piece(pending)
                pending = None
                if not chunk:
                    break
                if remaining is not None:
                    chunk = chunk[:remaining]
                    remaining -= len(chunk)
                if remaining is None or remaining > 0:
                    # Read the next piece while this one is being written.
                    want = READ_CHUNK_SIZE if remaining is None else min(READ_CHUNK_SIZE, remaining)
                    pending = loop.run_in_executor(None, self._read, want)
                await writer.write(chunk)
        finally:
            if pending is not None:
                pending.cancel()
        tail = self._finish()
        if tail:
            await writer.write(tail[:remaining] if remaining is not None else tail)
        if size is not None and remaining and limit == size:
            raise ClientPayloadError(
                f"{self._describe()} ended after {size - remaining} of the {size} bytes announced"
            )

    # ------------------------------------------------------------------ whole-body access

    def _read_all(self) -> bytes:
        self._rewind()
        chunks = []
        while chunk := self._read(READ_CHUNK_SIZE):
            chunks.append(chunk)
        chunks.append(self._finish())
        return b"".join(chunks)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The whole file as text. Blocking I/O: not for use on the event loop."""
        return self._read_all().decode(self._encoding or encoding, errors)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The whole file as bytes, read in the executor."""
        return await asyncio.get_running_loop().run_in_executor(None, self._read_all)

    async def close(self) -> None:
        """Close the file without waiting for I/O (safe during cleanup).

        A read-only file on a local disk closes at once; any other file may flush or ask a
        server on close, so it is closed off the loop and not waited for.
        """
        if self._closed:
            return
        self._closed = True
        self._consumed = True
        if self._closes_locally():
            with contextlib.suppress(OSError, ValueError):
                self._value.close()
        else:
            close_later(self._value)


class BufferedReaderPayload(IOBasePayload):
    """A file opened in binary mode (``open(path, "rb")``, ``Path.open("rb")``)."""

    def _in_memory_chunks(self) -> list[bytes | bytearray | memoryview] | None:
        """A small regular file that the page cache holds whole, read on the loop without I/O.

        Only a plain ``open(path, "rb")`` of at most :data:`READ_CHUNK_SIZE` bytes qualifies,
        and only when one ``preadv(RWF_NOWAIT)`` returns all of it: that call never waits for
        a disk. Anything else (a file not cached, a filesystem without the flag, a subclass)
        is ``None`` and goes through :meth:`write`, read in the executor.
        """
        value = self._value
        if (
            _NOWAIT is None
            or type(value) is not io.BufferedReader
            or type(self).write is not IOBasePayload.write
            or type(self)._read is not IOBasePayload._read
            or self._consumed
        ):
            return None
        size = self.size
        start = self._start_position()
        if size is None or start is None or size > READ_CHUNK_SIZE:
            return None
        if size == 0:
            return []
        buffer = bytearray(size)
        try:
            read = os.preadv(value.fileno(), [buffer], start, _NOWAIT)
            if read != size:
                return None
            value.seek(start + size)  # where reading the body would have left the file
        except (OSError, ValueError):
            return None
        return [buffer]


class BytesIOPayload(IOBasePayload):
    """An :class:`io.BytesIO`: in memory, so written in pieces on the loop, no executor.

    Its size is the bytes after the current position; :meth:`close` leaves it open.
    """

    _value: io.BytesIO
    _autoclose = True

    def __init__(
        self,
        value: io.BytesIO,
        disposition: str | None = "attachment",
        headers: HeadersLike | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        super().__init__(
            value,
            disposition,
            headers=headers,
            content_type=content_type,
            filename=filename,
            encoding=encoding,
        )
        self._start = value.tell()
        self._size_checked = True
        self._size = max(value.getbuffer().nbytes - self._start, 0)

    def _in_memory_chunks(self) -> list[bytes | bytearray | memoryview] | None:
        """The bytes after the start position (unless a subclass writes something else)."""
        if (
            type(self)._send is not BytesIOPayload._send
            or type(self).write is not IOBasePayload.write
        ):
            return None
        self._rewind()
        return [self._value.read(self._size)] if self._size else []

    async def _send(self, writer: AbstractStreamWriter, content_length: int | None) -> None:
        self._rewind()
        size = self._size or 0
        remaining = size if content_length is None else min(content_length, size)
        while remaining > 0:
            chunk = self._value.read(min(READ_CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            await writer.write(chunk)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The bytes after the start position."""
        return self._read_all()

    async def close(self) -> None:
        """Nothing to release: the buffer is the caller's, in memory."""


class TextIOPayload(IOBasePayload):
    """A file opened in text mode, encoded piece by piece with the payload's encoding.

    The encoding is ``encoding``, else the charset ``content_type`` names, else UTF-8. Its
    size is unknown (``None``, so the body goes out chunked): newline translation and the
    encoding make the byte count differ from the file's, and aiohttp's fstat-based figure can
    announce a wrong Content-Length.
    """

    _value: IO[str]

    def __init__(
        self,
        value: IO[str],
        disposition: str | None = "attachment",
        headers: HeadersLike | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        if encoding is None:
            encoding = (charset_of(content_type) if content_type else None) or "utf-8"
        if content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(
            value,
            disposition,
            headers=headers,
            content_type=content_type,
            filename=filename,
            encoding=encoding,
        )
        self._encoder = codecs.getincrementalencoder(encoding)()

    @property
    def size(self) -> None:
        """Unknown until encoded: text bodies go out chunked."""
        return None

    def _rewind(self) -> None:
        super()._rewind()
        self._encoder.reset()

    def _read(self, limit: int) -> bytes:
        # A character encodes to at most four bytes in UTF-8, so a piece stays within the bound.
        text = self._value.read(max(limit // 4, 1))
        if not isinstance(text, str):
            raise TypeError(f"{self._describe()} read returned {type(text).__name__!r}, not str")
        return self._encoder.encode(text) if text else b""

    def _finish(self) -> bytes:
        return self._encoder.encode("", final=True)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The whole file's text. Blocking I/O: not for use on the event loop."""
        super()._rewind()
        text: str = self._value.read()
        return text


class StringIOPayload(StringPayload):
    """An :class:`io.StringIO`'s text from its current position (in memory already)."""

    def __init__(
        self,
        value: IO[str],
        headers: HeadersLike | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        super().__init__(
            value.read(),
            headers=headers,
            content_type=content_type,
            filename=filename,
            encoding=encoding,
        )
