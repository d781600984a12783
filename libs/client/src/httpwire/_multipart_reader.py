"""Reading multipart bodies: :class:`MultipartReader` and :class:`BodyPartReader`.

The reader walks a ``multipart/*`` body straight off a :class:`~httpwire.streams.StreamReader`:
boundary lines, each part's header block, then the part's bytes, handed out in pieces as they
arrive, so a large part never has to sit whole in memory. A part of another ``multipart/*``
type comes back as a nested :class:`MultipartReader` sharing the same stream.

The API is aiohttp 3.14's. Malformed framing (no boundary, a wrong boundary line, a body that
ends before the closing boundary) raises :class:`ValueError` as aiohttp does; a part header line
over ``max_field_size``, more than ``max_headers`` lines or a line holding CR, LF or another
control raise httpwire_parser's :class:`~httpwire_parser.LineTooLong`,
:class:`~httpwire_parser.TooManyHeaders` and :class:`~httpwire_parser.InvalidHeader` (where aiohttp
raises its ``LineTooLong`` and ``BadHttpMessage``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sys
from collections.abc import AsyncIterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl

from multidict import CIMultiDict, CIMultiDictProxy

from httpwire_parser import (
    ContentDecoder,
    ContentEncodingError,
    DecompressionLimitError,
    InvalidHeader,
    LineTooLong,
    TooManyHeaders,
)

from ._disposition import _split_params, content_disposition_filename, parse_content_disposition
from ._mime import parse_content_type
from .exceptions import ClientPayloadError
from .streams import StreamReader

if TYPE_CHECKING:
    from ._reqrep import ClientResponse

__all__: list[str] = []

#: How many bytes a part's decoder hands out at a time (aiohttp's ``DEFAULT_CHUNK_SIZE``).
DEFAULT_CHUNK_SIZE = 2**18
#: The longest boundary RFC 2046 §5.1.1 allows.
MAX_BOUNDARY_LENGTH = 70

_BASE64_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_NON_BASE64_BYTES = bytes(b for b in range(256) if b not in _BASE64_CHARS)
# A part header line: a token, a colon, then a value of visible characters, spaces and tabs.
_HEADER_LINE = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):([\t\x20-\x7e\x80-\xff]*)")
_CONTENT_CODINGS = frozenset({"gzip", "deflate", "identity"})
_TRANSFER_ENCODINGS = frozenset({"base64", "quoted-printable", "binary", "8bit", "7bit"})


def _content_type_params(value: str) -> tuple[str, str, dict[str, str]]:
    """``(type, subtype, params)`` of a Content-Type, quoted parameter values unescaped.

    Unlike the lenient :func:`~httpwire._mime.parse_content_type` this keeps a semicolon inside a
    quoted boundary and undoes backslash escapes, so any boundary the writer can quote is read
    back as it was.
    """
    mtype, stype, _ = parse_content_type(value)
    params: dict[str, str] = {}
    for item in _split_params(value)[1:]:
        key, sep, val = item.partition("=")
        if not sep:
            continue
        val = val.strip(" \t")
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = re.sub(r"\\(.)", r"\1", val[1:-1])
        params[key.strip(" \t").lower()] = val
    return mtype, stype, params


def _unread(content: StreamReader, data: bytes) -> None:
    """Give ``data`` back to ``content`` (without the deprecation warning for our own reader)."""
    unread = getattr(content, "_unread_data", None)
    if unread is None:
        content.unread_data(data)
    else:
        unread(data)


async def _read_line(content: StreamReader, limit: int) -> bytes:
    """The next line of ``content`` with its ``\\n`` (the rest at the end), never over ``limit``.

    ``limit`` counts the line without its CRLF; a longer line raises
    :class:`~httpwire_parser.LineTooLong` having buffered at most ``limit + 2`` bytes of it.
    """
    acc = bytearray()
    cap = limit + 2
    while True:
        if content.at_eof():
            return bytes(acc)
        piece = await content.read(cap - len(acc))
        if not piece:
            return bytes(acc)
        nl = piece.find(b"\n")
        if nl != -1:
            _unread(content, piece[nl + 1 :])
            acc += piece[: nl + 1]
            return bytes(acc)
        acc += piece
        if len(acc) >= cap:
            raise LineTooLong(f"multipart line longer than {limit} bytes")


#: The line limit for a stream-like object that does not tell its buffer limits.
_DEFAULT_LINE_LIMIT = 2**17


def _line_limit(content: StreamReader) -> int:
    """The longest preamble, epilogue or body line read: the stream's high-water mark.

    Any object with the reads the reader uses is accepted, as in aiohttp; one that does not
    tell its limits gets the default session's.
    """
    limits = getattr(content, "get_read_buffer_limits", None)
    return limits()[1] if limits is not None else _DEFAULT_LINE_LIMIT


class MultipartResponseWrapper:
    """A :class:`MultipartReader` over a response's body that releases the response at the end.

    Made by :meth:`MultipartReader.from_response`: once the closing boundary is read, the rest
    of the body is discarded and the connection goes back to the pool.
    """

    def __init__(self, resp: ClientResponse, stream: MultipartReader) -> None:
        self.resp = resp
        self.stream = stream

    def __aiter__(self) -> MultipartResponseWrapper:
        return self

    async def __anext__(self) -> MultipartReader | BodyPartReader:
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    def at_eof(self) -> bool:
        """Whether the whole response body has been read."""
        return self.resp.content.at_eof()

    async def next(self) -> MultipartReader | BodyPartReader | None:
        """The next part (``None`` after the last one, when the response is released)."""
        item = await self.stream.next()
        if self.stream.at_eof():
            await self.release()
        return item

    async def release(self) -> None:
        """Release the response: its connection is pooled if the body was read, else closed."""
        await self.resp.release()


class BodyPartReader:
    """One part of a multipart body: its headers, and its bytes read as they arrive.

    ``boundary`` is the delimiter with its leading dashes (``b"--" + boundary``). A part with a
    Content-Length (outside ``form-data``, where RFC 7578 §4.8 voids it) is read by length and
    must be followed by CRLF; any other is read up to the next delimiter line. ``read()`` and the
    helpers built on it refuse to hold more than ``client_max_size`` bytes, raw or decoded,
    raising ``max_size_error_cls(client_max_size)``; ``read_chunk()`` streams without a bound.
    """

    #: The piece size ``read()``, ``release()`` and iteration read with.
    chunk_size = 8192

    def __init__(
        self,
        boundary: bytes,
        headers: CIMultiDictProxy[str],
        content: StreamReader,
        *,
        subtype: str = "mixed",
        default_charset: str | None = None,
        max_decompress_size: int = DEFAULT_CHUNK_SIZE,
        client_max_size: int = sys.maxsize,
        max_size_error_cls: type[Exception] = ValueError,
    ) -> None:
        self.headers = headers
        self._boundary = boundary
        self._content = content
        self._default_charset = default_charset
        self._is_form_data = subtype == "form-data"
        length = None if self._is_form_data else headers.get("Content-Length")
        if length is not None and not (length.isascii() and length.isdigit()):
            raise ValueError(f"invalid Content-Length: {length!r}")
        self._length = int(length) if length is not None else None
        #: Body bytes still to be fetched from the stream (Content-Length parts only).
        self._remaining = self._length
        self._max_decompress_size = max_decompress_size
        self._client_max_size = client_max_size
        self._max_size_error_cls = max_size_error_cls
        self._at_eof = False
        # Read from the stream, not yet handed out. Delimited parts start with the CRLF that
        # ended the header block: it is also the delimiter's CRLF when the body is empty.
        self._delimiter = b"\r\n" + boundary
        self._buf = bytearray(b"" if self._length is not None else b"\r\n")
        self._skip = 0 if self._length is not None else 2
        self._scan_from = 0
        # The end of a base64 quartet or a quoted-printable escape held back by read_chunk.
        self._carry = b""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} filename={self.filename!r}>"

    def __aiter__(self) -> AsyncIterator[bytes]:
        """``async for chunk in part`` yields the raw body in pieces of ``chunk_size``."""
        return self._iter_chunks()

    async def _iter_chunks(self) -> AsyncIterator[bytes]:
        while chunk := await self.read_chunk(self.chunk_size):
            yield chunk

    async def next(self) -> bytes | None:
        """The rest of the raw body, or ``None`` once it has been read."""
        item = await self.read()
        return item or None

    # ------------------------------------------------------------------ raw reading

    async def _fill(self) -> None:
        """Read more of the stream into the buffer; a stream that ends here is malformed."""
        if self._remaining is not None:
            piece = await self._content.read(min(self.chunk_size, self._remaining))
            if not piece:
                raise ValueError(
                    f"multipart body ends {self._remaining} bytes before the part's Content-Length"
                )
            self._remaining -= len(piece)
        else:
            piece = await self._content.read(max(self.chunk_size, len(self._delimiter)))
            if not piece:
                raise ValueError(
                    f"multipart body ends before the boundary {self._boundary!r} closes the part"
                )
        self._buf += piece

    def _take(self, size: int) -> bytes:
        """Up to ``size`` buffered body bytes that surely precede the delimiter, maybe none.

        When the bytes handed out reach the delimiter the part is over: what follows it
        (``--boundary...``) goes back to the stream for the multipart reader.
        """
        buf = self._buf
        start = self._skip
        idx = -1
        if self._remaining is not None:
            end = len(buf)
        else:
            idx = buf.find(self._delimiter, self._scan_from)
            if idx != -1:
                # A delimiter at 0 uses the header block's CRLF: the body is empty.
                start = min(start, idx)
                end = idx
            else:
                # The delimiter may begin with the header block's CRLF, before ``start``.
                self._scan_from = self._safe_end(buf)
                end = max(start, self._scan_from)
        cut = start + min(size, end - start)
        if cut == start and cut != idx:
            return b""  # nothing sure to be body yet (and the header CRLF must stay)
        data = bytes(buf[start:cut])
        del buf[:cut]
        self._skip = 0
        self._scan_from = max(0, self._scan_from - cut)
        if idx != -1 and cut == idx:
            _unread(self._content, bytes(buf[2:]))
            buf.clear()
            self._at_eof = True
        return data

    def _safe_end(self, buf: bytearray) -> int:
        """Where the bytes that may begin the delimiter start in ``buf`` (which holds none).

        Only a tail that is a prefix of the delimiter is held back, so body bytes are handed out
        as soon as they arrive, not a delimiter's length later.
        """
        delimiter = self._delimiter
        pos = buf.find(b"\r", max(0, len(buf) - len(delimiter) + 1))
        while pos != -1:
            if delimiter.startswith(buf[pos:]):
                return pos
            pos = buf.find(b"\r", pos + 1)
        return len(buf)

    async def _finish_length(self) -> None:
        """A Content-Length part is read: the CRLF before the next delimiter must follow."""
        tail = b""
        while len(tail) < 2:
            piece = await self._content.read(2 - len(tail))
            if not piece:
                break
            tail += piece
        if tail != b"\r\n":
            raise ValueError("Reader did not read all the data or it is malformed")
        self._at_eof = True

    async def _read_raw(self, size: int) -> bytes:
        """The next at most ``size`` raw body bytes: some unless the part ends, then ``b""``."""
        while not self._at_eof:
            data = self._take(size)
            if self._remaining == 0 and not self._buf:
                await self._finish_length()
            if data or self._at_eof:
                return data
            await self._fill()
        return b""

    async def read(self, *, decode: bool = False) -> bytes:
        """The rest of the body, raw or (with ``decode``) undone as :meth:`decode` does.

        Raises ``max_size_error_cls(client_max_size)`` when the part is larger than that.
        """
        if self._at_eof and not self._carry:
            return b""
        data = bytearray(self._carry)
        self._carry = b""
        # Raw reads, not read_chunk(): the body comes back exactly as sent.
        while chunk := await self._read_raw(self.chunk_size):
            data += chunk
            if len(data) > self._client_max_size:
                raise self._max_size_error_cls(self._client_max_size)
        if decode:
            return self.decode(bytes(data))
        return bytes(data)

    async def read_chunk(self, size: int = chunk_size) -> bytes:
        """The next at most ``size`` raw bytes of the body (a little more to finish an encoding
        unit), or ``b""`` at its end.

        For a base64 part a chunk holds whole quartets, and for a quoted-printable one no escape
        is cut, so each chunk can be passed to :meth:`decode` on its own.
        """
        if size < 1:
            raise ValueError(f"chunk size must be positive, got {size!r}")
        transfer = self.headers.get("Content-Transfer-Encoding", "").lower()
        while True:
            carry, self._carry = self._carry, b""
            fresh = await self._read_raw(max(1, size - len(carry)))
            chunk = carry + fresh
            if self._at_eof or not chunk:
                return chunk
            if transfer == "base64":
                chunk = self._hold_back_base64(chunk)
            elif transfer == "quoted-printable":
                chunk = self._hold_back_qp(chunk)
            if chunk:
                return chunk

    def _hold_back_base64(self, chunk: bytes) -> bytes:
        """``chunk`` without a trailing partial quartet, which is carried to the next read."""
        remainder = len(chunk.translate(None, _NON_BASE64_BYTES)) % 4
        if not remainder:
            return chunk
        cut = len(chunk)
        while remainder:
            cut -= 1
            if chunk[cut] in _BASE64_CHARS:
                remainder -= 1
        # Only the partial quartet's own characters are carried (at most three): whitespace in
        # between is insignificant, and carrying a long run of it would make every later read
        # copy it again.
        self._carry = chunk[cut:].translate(None, _NON_BASE64_BYTES)
        return chunk[:cut]

    def _hold_back_qp(self, chunk: bytes) -> bytes:
        """``chunk`` without a trailing ``=`` or ``=X`` (an escape or soft break cut short)."""
        eq = chunk.rfind(b"=", max(0, len(chunk) - 2))
        if eq == -1:
            return chunk
        self._carry = chunk[eq:]
        return chunk[:eq]

    async def readline(self) -> bytes:
        """The next line of the body with its ``\\n``; the last line without the CRLF that
        belongs to the delimiter; ``b""`` at the end.

        A line longer than the stream's high-water mark raises :class:`ValueError`.
        """
        if self._carry:
            self._buf[self._skip : self._skip] = self._carry
            self._scan_from = 0
            self._carry = b""
        limit = _line_limit(self._content)
        while not self._at_eof:
            buf = self._buf
            nl = buf.find(b"\n", self._skip)
            end = -1  # where the line ends in buf, once known
            if self._remaining is not None:
                if nl != -1:
                    end = nl + 1
                elif self._remaining == 0:
                    end = len(buf)
            else:
                idx = buf.find(self._delimiter)
                if idx != -1 and (nl == -1 or idx < nl):
                    end = max(idx, self._skip)
                elif nl != -1 and len(buf) >= nl + len(self._delimiter):
                    end = nl + 1
            if (end if end != -1 else len(buf)) - self._skip > limit:
                raise ValueError("Chunk too big")
            if end != -1:
                line = self._take(end - self._skip)
                if self._remaining == 0 and not self._buf:
                    await self._finish_length()
                return line
            await self._fill()
        return b""

    async def release(self) -> None:
        """Read the rest of the body to the void, so the next part can be read."""
        self._carry = b""
        while not self._at_eof:
            await self._read_raw(self.chunk_size)

    # --------------------------------------------------------------- decoded views

    async def text(self, *, encoding: str | None = None) -> str:
        """The decoded body as text, in ``encoding`` or the part's charset (UTF-8 by default)."""
        data = await self.read(decode=True)
        return data.decode(encoding or self.get_charset(default="utf-8"))

    async def json(self, *, encoding: str | None = None) -> dict[str, Any] | None:
        """The decoded body parsed as JSON; ``None`` for an empty body."""
        data = await self.read(decode=True)
        if not data:
            return None
        text = data.decode(encoding or self.get_charset(default="utf-8"))
        return cast(dict[str, Any], json.loads(text))

    async def form(self, *, encoding: str | None = None) -> list[tuple[str, str]]:
        """The decoded body parsed as ``application/x-www-form-urlencoded`` pairs."""
        data = await self.read(decode=True)
        if not data:
            return []
        real_encoding = encoding if encoding is not None else self.get_charset(default="utf-8")
        try:
            decoded = data.rstrip().decode(real_encoding)
        except UnicodeDecodeError:
            raise ValueError(f"data cannot be decoded with {real_encoding} encoding") from None
        return parse_qsl(decoded, keep_blank_values=True, encoding=real_encoding)

    def at_eof(self) -> bool:
        """Whether the whole body has been read."""
        return self._at_eof and not self._carry

    def decode(self, data: bytes) -> bytes:
        """``data`` with the part's Content-Transfer-Encoding, then Content-Encoding, undone.

        Transfer encodings: base64, quoted-printable, binary, 8bit, 7bit; content codings
        (ignored in ``form-data``, RFC 7578 §4.8): gzip, deflate (raw or zlib-wrapped),
        identity. Others raise :class:`RuntimeError`, as in aiohttp. A compressed body that does
        not decode raises :class:`~httpwire.ClientPayloadError`, and one that decodes to more
        than ``client_max_size`` bytes ``max_size_error_cls(client_max_size)``.
        """
        if "Content-Transfer-Encoding" in self.headers:
            data = self._decode_content_transfer(data)
        if not self._is_form_data and "Content-Encoding" in self.headers:
            return self._decode_content(data)
        return data

    async def decode_iter(self, data: bytes) -> AsyncIterator[bytes]:
        """:meth:`decode` as an async iterator of pieces (aiohttp's streaming variant)."""
        yield self.decode(data)

    def _decode_content_transfer(self, data: bytes) -> bytes:
        encoding = self.headers.get("Content-Transfer-Encoding", "").lower()
        if encoding not in _TRANSFER_ENCODINGS:
            raise RuntimeError(f"unknown content transfer encoding: {encoding}")
        if encoding == "base64":
            return base64.b64decode(data)
        if encoding == "quoted-printable":
            return binascii.a2b_qp(data)
        return data

    def _decode_content(self, data: bytes) -> bytes:
        encoding = self.headers.get("Content-Encoding", "").lower()
        if encoding not in _CONTENT_CODINGS:
            raise RuntimeError(f"unknown content encoding: {encoding}")
        limit = self._client_max_size
        decoder = ContentDecoder.create(
            encoding,
            piece_size=self._max_decompress_size,
            max_size=None if limit == sys.maxsize else limit,
        )
        if decoder is None:  # identity
            return data
        try:
            out = b"".join(decoder.decode(data))
            decoder.finish()
        except DecompressionLimitError:
            raise self._max_size_error_cls(limit) from None
        except ContentEncodingError as exc:
            raise ClientPayloadError(f"cannot decode multipart part: {exc}") from exc
        return out

    # ------------------------------------------------------------------- metadata

    def get_charset(self, default: str) -> str:
        """The Content-Type's charset, else the form's ``_charset_``, else ``default``."""
        _, _, params = _content_type_params(self.headers.get("Content-Type", ""))
        return params.get("charset") or self._default_charset or default

    @cached_property
    def name(self) -> str | None:
        """The ``name`` of the Content-Disposition header (a form field's name), if any."""
        _, params = parse_content_disposition(self.headers.get("Content-Disposition"))
        return content_disposition_filename(params, "name")

    @cached_property
    def filename(self) -> str | None:
        """The ``filename`` of the Content-Disposition header, if any."""
        _, params = parse_content_disposition(self.headers.get("Content-Disposition"))
        return content_disposition_filename(params, "filename")


class MultipartReader:
    """A ``multipart/*`` body read part by part: ``async for part in reader``.

    ``headers`` must hold a multipart Content-Type with a ``boundary`` (1 to 70 characters);
    ``content`` is the body stream. Each part's header block is bounded: ``max_field_size`` bytes
    a line and ``max_headers`` lines (the client's defaults for a response head).
    ``client_max_size`` and ``max_size_error_cls`` pass to every :class:`BodyPartReader`.
    """

    #: What :meth:`from_response` wraps the reader in.
    response_wrapper_cls = MultipartResponseWrapper
    #: The reader for ``multipart/*`` parts; ``None`` means ``type(self)``.
    multipart_reader_cls: type[MultipartReader] | None = None
    #: The reader for every other part.
    part_reader_cls = BodyPartReader

    def __init__(
        self,
        headers: Mapping[str, str],
        content: StreamReader,
        *,
        client_max_size: int = sys.maxsize,
        max_field_size: int = 8190,
        max_headers: int = 128,
        max_size_error_cls: type[Exception] = ValueError,
    ) -> None:
        ctype = headers.get("Content-Type")
        if ctype is None:
            raise ValueError("multipart/* content type expected, got no Content-Type")
        mtype, self._subtype, params = _content_type_params(ctype)
        if mtype != "multipart":
            raise ValueError(f"multipart/* content type expected, got {ctype!r}")
        boundary = params.get("boundary")
        if not boundary:
            raise ValueError(f"boundary missed for Content-Type: {ctype}")
        if len(boundary) > MAX_BOUNDARY_LENGTH:
            raise ValueError(f"boundary {boundary!r} is too long (70 chars max)")
        try:
            self._boundary = b"--" + boundary.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError(f"boundary {boundary!r} is not ASCII") from None
        self.headers = headers
        self._content = content
        self._client_max_size = client_max_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._max_size_error_cls = max_size_error_cls
        self._default_charset: str | None = None
        self._last_part: MultipartReader | BodyPartReader | None = None
        # The enclosing body's delimiter when this reader is a part of another one.
        self._parent_boundary: bytes | None = None
        self._at_eof = False
        self._at_bof = True

    def __repr__(self) -> str:
        return f"<{type(self).__name__} boundary={self._boundary[2:]!r}>"

    def __aiter__(self) -> MultipartReader:
        return self

    async def __anext__(self) -> MultipartReader | BodyPartReader:
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    @classmethod
    def from_response(cls, response: ClientResponse) -> MultipartResponseWrapper:
        """A reader over ``response``'s body that releases the response after the last part."""
        return cls.response_wrapper_cls(response, cls(response.headers, response.content))

    def at_eof(self) -> bool:
        """Whether the closing boundary has been read."""
        return self._at_eof

    async def next(self) -> MultipartReader | BodyPartReader | None:
        """The next part (the previous one is read to its end first), ``None`` after the last."""
        if self._at_eof:
            return None
        await self._maybe_release_last_part()
        first = self._at_bof
        if first:
            await self._read_until_first_boundary()
            self._at_bof = False
        else:
            await self._read_boundary()
        if self.at_eof():
            return None
        part = await self.fetch_next_part()
        # RFC 7578 §4.6: a first form field named _charset_ gives the form's default charset.
        if (
            first
            and self._subtype == "form-data"
            and isinstance(part, BodyPartReader)
            and part.name == "_charset_"
        ):
            # The longest WHATWG encoding label is 19 characters: 32 is plenty.
            charset = bytearray()
            while chunk := await part.read_chunk(32):
                charset += chunk
                if len(charset) > 31:
                    raise RuntimeError("Invalid default charset")
            self._default_charset = charset.strip().decode("ascii", "replace")
            await self._read_boundary()
            if self.at_eof():
                return None
            part = await self.fetch_next_part()
        self._last_part = part
        return part

    async def release(self) -> None:
        """Read every remaining part to the void, up to the closing boundary."""
        while not self._at_eof:
            item = await self.next()
            if item is None:
                break
            await item.release()

    async def fetch_next_part(self) -> MultipartReader | BodyPartReader:
        """Read the next part's header block and return its reader."""
        headers = await self._read_headers()
        return self._get_part_reader(headers)

    def _get_part_reader(self, headers: CIMultiDictProxy[str]) -> MultipartReader | BodyPartReader:
        """A nested :class:`MultipartReader` for a ``multipart/*`` part, else a part reader."""
        mtype, _, _ = parse_content_type(headers.get("Content-Type", ""))
        if mtype == "multipart":
            cls = self.multipart_reader_cls or type(self)
            nested = cls(
                headers,
                self._content,
                client_max_size=self._client_max_size,
                max_field_size=self._max_field_size,
                max_headers=self._max_headers,
                max_size_error_cls=self._max_size_error_cls,
            )
            nested._parent_boundary = self._boundary
            return nested
        return self.part_reader_cls(
            self._boundary,
            headers,
            self._content,
            subtype=self._subtype,
            default_charset=self._default_charset,
            client_max_size=self._client_max_size,
            max_size_error_cls=self._max_size_error_cls,
        )

    def _is_parent_line(self, line: bytes) -> bool:
        parent = self._parent_boundary
        return parent is not None and line in (parent, parent + b"--")

    async def _read_until_first_boundary(self) -> None:
        """Skip the preamble up to the first delimiter line."""
        limit = _line_limit(self._content)
        while True:
            line = await _read_line(self._content, limit)
            stripped = line.rstrip()
            if not line or self._is_parent_line(stripped):
                raise ValueError(f"Could not find starting boundary {self._boundary!r}")
            if stripped == self._boundary:
                return
            if stripped == self._boundary + b"--":
                self._at_eof = True
                await self._skip_epilogue()
                return

    async def _read_boundary(self) -> None:
        """Read the delimiter line after a part: another part follows, or the body closes."""
        line = await _read_line(self._content, _line_limit(self._content))
        stripped = line.rstrip()
        if stripped == self._boundary:
            return
        if stripped == self._boundary + b"--":
            self._at_eof = True
            await self._skip_epilogue()
            return
        raise ValueError(f"Invalid boundary {stripped!r}, expected {self._boundary!r}")

    async def _skip_epilogue(self) -> None:
        """In a nested body, discard the epilogue up to the enclosing body's delimiter line.

        That line goes back to the stream for the enclosing reader. At the top level the
        epilogue is left unread (a response wrapper discards it on release).
        """
        if self._parent_boundary is None:
            return
        limit = _line_limit(self._content)
        while True:
            line = await _read_line(self._content, limit)
            if not line:
                return  # the enclosing reader reports the missing delimiter
            if self._is_parent_line(line.rstrip()):
                _unread(self._content, line)
                return

    async def _read_headers(self) -> CIMultiDictProxy[str]:
        """A part's header block up to its blank line, checked line by line."""
        headers: CIMultiDict[str] = CIMultiDict()
        count = 0
        while True:
            line = await _read_line(self._content, self._max_field_size)
            if not line.endswith(b"\n"):
                raise ValueError("multipart body ends inside a part's headers")
            line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
            if not line:
                return CIMultiDictProxy(headers)
            count += 1
            if count > self._max_headers:
                raise TooManyHeaders(f"more than {self._max_headers} part header lines")
            match = _HEADER_LINE.fullmatch(line)
            if match is None:
                raise InvalidHeader(f"invalid multipart part header line {line[:100]!r}")
            name = match.group(1).decode("ascii")
            value = match.group(2).strip(b" \t").decode("utf-8", "surrogateescape")
            headers.add(name, value)

    async def _maybe_release_last_part(self) -> None:
        """Read the previous part to its end, so the stream stands at its delimiter."""
        if self._last_part is not None:
            if not self._last_part.at_eof():
                await self._last_part.release()
            self._last_part = None
