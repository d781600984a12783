"""Building multipart bodies: :class:`MultipartWriter`, a payload made of payloads.

Each part is a :class:`~httpwire.payload.Payload` with its own headers; the writer streams the
parts one after another between boundary lines, so files and streams in a form never sit whole in
memory. The wire format is aiohttp 3.14's byte for byte (servers see it): ``--boundary`` CRLF,
the part's headers, the body, CRLF, and ``--boundary--`` CRLF at the end.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

from multidict import CIMultiDict

from . import _compression
from ._payload_base import BufferWriter, Payload, PayloadLookupError
from ._payload_memory import JsonPayload, StringPayload
from .abc import AbstractStreamWriter
from .payload import get_payload

__all__: list[str] = []

client_logger = logging.getLogger("httpwire.client")

_TCHARS = re.compile(rb"\A[!#$%&'*+\-.^_`|~\w]+\Z")
_NOT_QDTEXT = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_CONTENT_CODINGS = frozenset({"deflate", "gzip", "identity"})
_TRANSFER_ENCODINGS = frozenset({"base64", "quoted-printable", "binary"})
#: Headers a form-data part may not carry (RFC 7578 §4.7, §4.8), in the order errors name them.
_FORM_DATA_FORBIDDEN = ("Content-Encoding", "Content-Length", "Content-Transfer-Encoding")
#: In-memory parts up to this size are sent in the same write as the headers around them.
_GATHER_LIMIT = 1 << 16

#: A part as the writer keeps it: the payload, its content coding and its transfer encoding.
Part = tuple[Payload, str | None, str | None]
_Buffer = bytes | bytearray | memoryview


def _quoted_printable(data: bytes) -> bytes:
    """``data`` quoted-printable, every byte kept (CR and LF too) and lines ended by CRLF.

    Pieces encoded apart are joined by a soft line break (``=`` CRLF), which decodes to nothing.
    """
    encoded = binascii.b2a_qp(data, istext=False)
    if b"\r\n" not in encoded:
        encoded = encoded.replace(b"\n", b"\r\n")
    return encoded


class PartEncoder(AbstractStreamWriter):
    """Applies a part's Content-Encoding and Content-Transfer-Encoding on the way to ``writer``.

    ``deflate`` is raw DEFLATE without the zlib header, as aiohttp writes and reads it in parts.
    Base64 is emitted in whole 3-byte groups as data arrives, so the encoding stays streaming.
    Quoted-printable keeps every byte (aiohttp's turns CR LF into line breaks, losing binary).
    """

    def __init__(self, writer: AbstractStreamWriter) -> None:
        self._writer = writer
        self._compress: Any = None
        self._transfer: str | None = None
        self._pending = bytearray()
        self._qp_started = False
        self.length = None

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        """Compress what follows with ``deflate`` (raw) or ``gzip``, via the zlib backend.

        Level and, when None, strategy are the backend's defaults, as in aiohttp.
        """
        backend = _compression.backend
        wbits = -backend.MAX_WBITS if encoding == "deflate" else 16 + backend.MAX_WBITS
        if strategy is None:
            self._compress = backend.compressobj(wbits=wbits)
        else:
            self._compress = backend.compressobj(wbits=wbits, strategy=strategy)

    def enable_encoding(self, encoding: str) -> None:
        """Encode what follows with ``base64`` or ``quoted-printable``."""
        self._transfer = encoding

    def enable_chunking(self) -> None:
        """Refused: a part lies inside the request body, which the request frames."""
        raise RuntimeError("a multipart part is not chunked on its own")

    async def _emit(self, data: bytes) -> None:
        if self._transfer == "base64":
            self._pending += data
            whole = len(self._pending) - len(self._pending) % 3
            if whole:
                encoded = base64.b64encode(self._pending[:whole])
                del self._pending[:whole]
                await self._writer.write(encoded)
        elif self._transfer == "quoted-printable":
            if data:
                encoded = _quoted_printable(data)
                if self._qp_started:
                    encoded = b"=\r\n" + encoded
                self._qp_started = True
                await self._writer.write(encoded)
        elif data:
            await self._writer.write(data)

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Encode ``chunk`` and pass on what is ready."""
        self.output_size += len(chunk)
        data = bytes(chunk)
        if self._compress is not None:
            data = self._compress.compress(data)
        await self._emit(data)

    async def write_eof(self, chunk: bytes = b"") -> None:
        """Encode ``chunk``, then flush the compressor and the last base64 group."""
        if chunk:
            await self.write(chunk)
        if self._compress is not None:
            tail: bytes = self._compress.flush()
            self._compress = None
            await self._emit(tail)
        if self._transfer == "base64" and self._pending:
            encoded = base64.b64encode(self._pending)
            self._pending.clear()
            await self._writer.write(encoded)

    async def drain(self) -> None:
        """Wait for the writer underneath."""
        await self._writer.drain()


class MultipartWriter(Payload):
    """A ``multipart/<subtype>`` body: parts added with :meth:`append` and its helpers.

    ``boundary`` defaults to a random UUID's hex; it must be ASCII, and is quoted in the
    Content-Type when it is not a token. The size is known (so Content-Length is sent) while
    every part's size is known and no part is compressed or transfer-encoded.
    """

    _value: None
    _autoclose = True

    def __init__(self, subtype: str = "mixed", boundary: str | None = None) -> None:
        boundary = uuid.uuid4().hex if boundary is None else boundary
        try:
            self._boundary = boundary.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("boundary should contain ASCII only chars") from None
        super().__init__(None, content_type=f"multipart/{subtype}; boundary={self._boundary_value}")
        self._parts: list[Part] = []
        self._is_form_data = subtype == "form-data"

    def __enter__(self) -> MultipartWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        pass

    def __iter__(self) -> Iterator[Part]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __bool__(self) -> bool:
        return True

    @property
    def _boundary_value(self) -> str:
        """The boundary as a Content-Type parameter value: a token, else a quoted-string."""
        value = self._boundary
        if _TCHARS.match(value):
            return value.decode("ascii")
        if _NOT_QDTEXT.search(value):
            raise ValueError("boundary value contains invalid characters")
        escaped = value.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
        return '"' + escaped.decode("ascii") + '"'

    @property
    def boundary(self) -> str:
        """The boundary string (unquoted)."""
        return self._boundary.decode("ascii")

    @property
    def consumed(self) -> bool:
        """Whether the writer or one of its parts can no longer be written again."""
        return self._consumed or any(part.consumed for part, _, _ in self._parts)

    @property
    def reusable(self) -> bool:
        """Whether every part can be written again (a redirect or retry resends the body)."""
        return not self._consumed and all(part.reusable for part, _, _ in self._parts)

    def append(self, obj: Any, headers: Mapping[str, str] | None = None) -> Payload:
        """Add ``obj`` as a part (a payload as is, else the payload its type maps to)."""
        if isinstance(obj, Payload):
            if headers:
                obj.headers.update(headers)
            return self.append_payload(obj)
        try:
            payload = get_payload(obj, headers=CIMultiDict(headers or {}))
        except PayloadLookupError:
            raise TypeError(f"Cannot create payload from {obj!r}") from None
        return self.append_payload(payload)

    def append_payload(self, payload: Payload) -> Payload:
        """Add ``payload`` as a part, checking its headers; returns it.

        In ``form-data`` a part gets a default ``Content-Disposition: form-data;
        name="section-N"`` and may not carry Content-Encoding, Content-Length or
        Content-Transfer-Encoding (RFC 7578 §4.7, §4.8). Elsewhere Content-Encoding may be
        gzip, deflate or identity and Content-Transfer-Encoding base64, quoted-printable or
        binary; a part of known size and no encoding gets its Content-Length.
        """
        # Fail before anything is kept: a header with CR or LF would inject lines.
        payload._binary_headers  # noqa: B018
        encoding: str | None = None
        transfer: str | None = None
        if self._is_form_data:
            headers = payload.headers
            clash = [name for name in _FORM_DATA_FORBIDDEN if name in headers]
            if clash:
                raise ValueError(f"a form-data part may not carry {', '.join(clash)} (RFC 7578)")
            if "Content-Disposition" not in payload.headers:
                payload.set_content_disposition("form-data", name=f"section-{len(self._parts)}")
        else:
            encoding = payload.headers.get("Content-Encoding", "").lower() or None
            if encoding is not None and encoding not in _CONTENT_CODINGS:
                raise RuntimeError(f"unknown content encoding: {encoding}")
            if encoding == "identity":
                encoding = None
            transfer = payload.headers.get("Content-Transfer-Encoding", "").lower() or None
            if transfer is not None and transfer not in _TRANSFER_ENCODINGS:
                raise RuntimeError(f"unknown content transfer encoding: {transfer}")
            if transfer == "binary":
                transfer = None
            size = payload.size
            if size is not None and not (encoding or transfer):
                payload.headers["Content-Length"] = str(size)
        self._parts.append((payload, encoding, transfer))
        return payload

    def append_json(self, obj: Any, headers: Mapping[str, str] | None = None) -> Payload:
        """Add ``obj`` serialized as an ``application/json`` part."""
        return self.append_payload(JsonPayload(obj, headers=CIMultiDict(headers or {})))

    def append_form(
        self,
        obj: Sequence[tuple[str, str]] | Mapping[str, str],
        headers: Mapping[str, str] | None = None,
    ) -> Payload:
        """Add ``obj`` (a mapping or pairs) as an ``application/x-www-form-urlencoded`` part."""
        fields: object = obj
        if not isinstance(fields, (Sequence, Mapping)) or isinstance(fields, (str, bytes)):
            raise TypeError(f"form fields must be a mapping or pairs, not {type(obj).__name__!r}")
        pairs = list(obj.items()) if isinstance(obj, Mapping) else list(obj)
        return self.append_payload(
            StringPayload(
                urlencode(pairs, doseq=True),
                headers=CIMultiDict(headers or {}),
                content_type="application/x-www-form-urlencoded",
            )
        )

    @property
    def size(self) -> int | None:
        """The body's length, or ``None`` when a part's size is unknown or it is encoded."""
        delimiter = 2 + len(self._boundary) + 2
        total = 0
        for part, encoding, transfer in self._parts:
            part_size = part.size
            if encoding or transfer or part_size is None:
                return None
            total += delimiter + len(part._binary_headers) + part_size + 2
        return total + delimiter + 2

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The whole body as bytes, written into memory as it would be sent."""
        sink = BufferWriter()
        await self.write(sink)
        return bytes(sink.buffer)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The body as text, parts decoded (for logging and tests; in-memory parts only)."""
        return (
            "".join(
                f"--{self.boundary}\r\n"
                + part._binary_headers.decode(encoding, errors)
                + part.decode(encoding, errors)
                + "\r\n"
                for part, _, _ in self._parts
            )
            + f"--{self.boundary}--\r\n"
        )

    def _layout(self, close_boundary: bool = True) -> list[_Buffer | Part]:
        """The body in order: buffers ready to send, and the parts that must write themselves.

        Boundaries, part headers and small in-memory parts are gathered into one buffer (a form
        of short fields becomes one send, not several per field); a large in-memory part stays
        a buffer of its own, never copied. Encoded parts and parts that need I/O come as
        ``(part, encoding, transfer)`` for :meth:`write` to stream.
        """
        opening = b"--" + self._boundary + b"\r\n"
        layout: list[_Buffer | Part] = []
        pending = bytearray()
        for entry in self._parts:
            part, encoding, transfer = entry
            pending += opening
            pending += part._binary_headers
            chunks = None if encoding or transfer else part._in_memory_chunks()
            if chunks is None:
                layout += (pending, entry)
                pending = bytearray()
            else:
                for chunk in chunks:
                    if len(chunk) <= _GATHER_LIMIT:
                        pending += chunk
                    else:
                        layout += (pending, chunk)
                        pending = bytearray()
            pending += b"\r\n"
        if close_boundary:
            pending += b"--" + self._boundary + b"--\r\n"
        layout.append(pending)
        return layout

    async def write(self, writer: AbstractStreamWriter, close_boundary: bool = True) -> None:
        """Write every part between boundary lines, then (by default) the closing boundary."""
        for item in self._layout(close_boundary):
            if not isinstance(item, tuple):
                if item:
                    await writer.write(item)
                continue
            part, encoding, transfer = item
            if not (encoding or transfer):
                await part.write(writer)
                continue
            encoder = PartEncoder(writer)
            if encoding:
                encoder.enable_compression(encoding)
            if transfer:
                encoder.enable_encoding(transfer)
            await part.write(encoder)
            await encoder.write_eof()

    def _in_memory_chunks(self) -> list[_Buffer] | None:
        """The body as :meth:`write` sends it, when every part is in memory and not encoded."""
        if type(self).write is not MultipartWriter.write:
            return None
        chunks: list[_Buffer] = []
        for item in self._layout():
            if isinstance(item, tuple):
                return None
            if item:
                chunks.append(item)
        return chunks

    async def close(self) -> None:
        """Close every part that holds a resource (files); the writer is then consumed."""
        if self._consumed:
            return
        self._consumed = True
        for index, (part, _, _) in enumerate(self._parts):
            if not part.autoclose and not part.consumed:
                try:
                    await part.close()
                except Exception as exc:  # every part gets its chance to close
                    # Cleanup must not raise over the error that led to it: logged, as in aiohttp.
                    client_logger.error(
                        "Failed to close multipart part %d: %s", index, exc, exc_info=True
                    )
