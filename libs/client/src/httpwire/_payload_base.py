"""The :class:`Payload` contract and the registry that maps a ``data`` value to its payload kind.

A payload knows its size (``None`` when only writing it tells, which means chunked framing),
the headers it implies (Content-Type, and Content-Disposition for files and form parts), whether
it can be written again (``reusable``; a redirect or retry needs that) and how to write itself
to an :class:`~httpwire.abc.AbstractStreamWriter`, which applies backpressure.

The registry is aiohttp's: exact types are found with one dict lookup, then ``isinstance``
checks run in registration order, ``try_first`` and ``try_last`` entries before and after.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from multidict import CIMultiDict

from ._disposition import content_disposition_header
from ._mime import check_header_text, guess_content_type, has_control
from .abc import AbstractStreamWriter

__all__: list[str] = []

HeadersLike = Mapping[str, str] | Iterable[tuple[str, str]]


class PayloadLookupError(TypeError, LookupError):
    """No payload kind handles this ``data``; names its type.

    A :class:`TypeError` (what httpwire documents for an unsupported body) and a
    :class:`LookupError` (what aiohttp's registry raises), so either ``except`` works.
    """


class Order(enum.StrEnum):
    """Where a registered payload kind is tried: before, among or after the normal ones."""

    normal = "normal"
    try_first = "try_first"
    try_last = "try_last"


PayloadFactory = Callable[..., "Payload"]


class PayloadRegistry:
    """Maps a value to the payload kind that wraps it."""

    __slots__ = ("_exact", "_first", "_last", "_normal")

    def __init__(self) -> None:
        self._first: list[tuple[PayloadFactory, Any]] = []
        self._normal: list[tuple[PayloadFactory, Any]] = []
        self._last: list[tuple[PayloadFactory, Any]] = []
        self._exact: dict[type, PayloadFactory] = {}

    def register(self, factory: PayloadFactory, type: Any, *, order: Order = Order.normal) -> None:
        """Make ``factory`` handle instances of ``type`` (a class or a tuple of classes)."""
        if order is Order.try_first:
            self._first.append((factory, type))
        elif order is Order.normal:
            self._normal.append((factory, type))
            for cls in type if isinstance(type, tuple) else (type,):
                self._exact.setdefault(cls, factory)
        elif order is Order.try_last:
            self._last.append((factory, type))
        else:
            raise ValueError(f"Unsupported order {order!r}")

    def _factory(self, data: Any) -> PayloadFactory | None:
        for factory, cls in self._first:
            if isinstance(data, cls):
                return factory
        exact = self._exact.get(type(data))
        if exact is not None:
            return exact
        if isinstance(data, Payload):
            return None
        for entries in (self._normal, self._last):
            for factory, cls in entries:
                if isinstance(data, cls):
                    return factory
        raise PayloadLookupError(f"data type {type(data).__name__!r} has no payload kind")

    def supports(self, data: Any) -> bool:
        """Whether :meth:`get` can make a payload of ``data``."""
        try:
            self._factory(data)
        except PayloadLookupError:
            return False
        return True

    def get(self, data: Any, *args: Any, **kwargs: Any) -> Payload:
        """The payload for ``data`` (a :class:`Payload` as is); :class:`PayloadLookupError` else."""
        factory = self._factory(data)
        if factory is None:
            payload: Payload = data
            return payload
        return factory(data, *args, **kwargs)


class Payload(ABC):
    """A request body: its value, size (``None`` when unknown), headers and how to write it.

    ``headers`` holds the Content-Type the body implies (given, else guessed from ``filename``,
    else the kind's default) followed by ``headers``; the request adds whichever the user did
    not set. ``consumed`` turns true once the body can no longer be replayed (closed, or a
    one-shot stream started); ``autoclose`` is true when there is nothing to :meth:`close`.
    """

    _default_content_type: str = "application/octet-stream"
    _size: int | None = None
    _consumed: bool = False
    _autoclose: bool = False
    _header_block: tuple[tuple[tuple[str, str], ...], bytes] | None = None

    def __init__(
        self,
        value: Any,
        headers: HeadersLike | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        self._value = value
        self._encoding = encoding
        self._filename = filename
        self._headers: CIMultiDict[str] = CIMultiDict()
        if content_type is None and filename is not None:
            content_type = guess_content_type(filename)
        self._headers["Content-Type"] = content_type or self._default_content_type
        if headers:
            self._headers.update(headers)

    @property
    def size(self) -> int | None:
        """The body's length in bytes, or ``None`` when only writing it tells (chunked)."""
        return self._size

    @property
    def filename(self) -> str | None:
        """The file name a form part sends in its Content-Disposition, if any."""
        return self._filename

    @property
    def headers(self) -> CIMultiDict[str]:
        """The headers this body implies (Content-Type, Content-Disposition for form parts)."""
        return self._headers

    @property
    def encoding(self) -> str | None:
        """The charset text was encoded with, if the body came from text."""
        return self._encoding

    @property
    def content_type(self) -> str:
        """The body's Content-Type value."""
        return self._headers["Content-Type"]

    @property
    def value(self) -> Any:
        """What the payload was built from."""
        return self._value

    @property
    def consumed(self) -> bool:
        """Whether the body can no longer be written (closed, or a one-shot stream was read)."""
        return self._consumed

    @property
    def autoclose(self) -> bool:
        """Whether the payload holds nothing that :meth:`close` needs to release."""
        return self._autoclose

    @property
    def reusable(self) -> bool:
        """Whether :meth:`write` can run again with the same bytes (redirects, retries)."""
        return not self._consumed

    @property
    def _binary_headers(self) -> bytes:
        """The part header block (``Name: value`` lines and the blank line) for multipart use.

        Raises :class:`ValueError` when a name or value holds CR, LF or another control. The
        block is kept with the headers it was made of, and made again once they changed.
        """
        items = tuple(self._headers.items())
        made = self._header_block
        if made is not None and made[0] == items:
            return made[1]
        # One scan of every name and value; only a failing block is checked header by header,
        # to name the culprit.
        try:
            flat: str | None = "".join([name + value for name, value in items])
        except TypeError:
            flat = None
        if flat is None or has_control(flat):
            for name, value in items:
                check_header_text(name, "part header name")
                check_header_text(value, f"part header {name!r}")
        block = ("".join([f"{name}: {value}\r\n" for name, value in items]) + "\r\n").encode()
        self._header_block = (items, block)
        return block

    def set_content_disposition(
        self, disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
    ) -> None:
        """Set the Content-Disposition header, quoted as aiohttp 3.14 quotes it."""
        self._headers["Content-Disposition"] = content_disposition_header(
            disptype, quote_fields=quote_fields, _charset=_charset, **params
        )

    @abstractmethod
    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write the whole body to ``writer`` (which frames it and waits while it is full)."""

    def _in_memory_chunks(self) -> list[bytes | bytearray | memoryview] | None:
        """The whole body as the buffers :meth:`write` would send, when it is all in memory.

        ``None`` (the default) when writing it takes I/O or work; the request then writes it
        through :meth:`write`. Otherwise the request hands the buffers to the connection at
        once, in the same tick as the head.
        """
        return None

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        """Write at most ``content_length`` bytes of the body (all of it for ``None``).

        What the request uses when the user declared a Content-Length of their own, so that
        the connection never carries more bytes than the header announced.
        """
        if content_length is None:
            await self.write(writer)
        else:
            await self.write(LengthLimitedWriter(writer, content_length))

    @abstractmethod
    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The body as text (for logging and tests); streams that cannot tell raise TypeError."""

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The whole body as bytes: :meth:`decode` encoded with the payload's own encoding.

        That is aiohttp's default, which a subclass written for it that only has ``decode()``
        relies on; the built-in kinds that hold or stream bytes return them instead.
        """
        actual = self._encoding or encoding
        return self.decode(actual, errors).encode(actual)

    async def close(self) -> None:  # noqa: B027 - a no-op unless the body holds a resource
        """Release what the payload holds open (files); a no-op for in-memory bodies."""


class BufferWriter(AbstractStreamWriter):
    """A writer that keeps what it is given in memory (``as_bytes`` and multipart ``decode``)."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.length = None

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Append ``chunk``."""
        self.buffer += chunk
        self.output_size += len(chunk)

    async def write_eof(self, chunk: bytes = b"") -> None:
        """Append ``chunk``."""
        await self.write(chunk)

    async def drain(self) -> None:
        """Memory never needs draining."""

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        """Refused: the buffer collects a body's plain bytes only."""
        raise RuntimeError("a body collected in memory is not compressed")

    def enable_chunking(self) -> None:
        """Refused: the buffer collects a body's plain bytes only."""
        raise RuntimeError("a body collected in memory is not chunked")


class LengthLimitedWriter(AbstractStreamWriter):
    """Passes on the first ``limit`` bytes written to it and drops the rest."""

    def __init__(self, writer: AbstractStreamWriter, limit: int) -> None:
        self._writer = writer
        self.remaining = limit
        self.length = limit

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Forward what still fits under the limit."""
        if self.remaining <= 0:
            return
        view = memoryview(chunk).cast("B")
        if len(view) > self.remaining:
            view = view[: self.remaining]
        self.remaining -= len(view)
        self.output_size += len(view)
        await self._writer.write(view)

    async def write_eof(self, chunk: bytes = b"") -> None:
        """Forward what fits of ``chunk``; ending the body is the request's job."""
        await self.write(chunk)

    async def drain(self) -> None:
        """Wait for the wrapped writer."""
        await self._writer.drain()

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        """Compress through the wrapped writer."""
        self._writer.enable_compression(encoding, strategy)

    def enable_chunking(self) -> None:
        """Chunk through the wrapped writer."""
        self._writer.enable_chunking()
