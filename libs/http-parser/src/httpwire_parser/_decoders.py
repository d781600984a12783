"""Streaming content decoding (RFC 9110 §8.4.1): gzip, deflate (zlib or raw) and br.

Output comes in pieces of at most ``piece_size`` bytes and the decoded total is capped, so a
small compressed body cannot make the parser allocate unbounded memory (a decompression bomb
raises :class:`DecompressionLimitError` as soon as the cap is passed). ``br`` needs the optional
``brotli`` package (extra ``httpwire-parser[brotli]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import _zlib_backend
from ._zlib_backend import ZLibDecompressObjProtocol, error_type
from .exceptions import ContentEncodingError, DecompressionLimitError

try:
    import brotli as _brotli
except ImportError:  # pragma: no cover - exercised only without the extra
    _brotli = None

__all__ = ["CONTENT_CODINGS", "ContentDecoder"]

#: Content codings this installation can decode, in the order to advertise in Accept-Encoding.
CONTENT_CODINGS: tuple[str, ...] = (
    ("gzip", "deflate", "br") if _brotli is not None else ("gzip", "deflate")
)
_IDENTITY = frozenset({"identity", ""})
_ALIASES = {"x-gzip": "gzip"}


class _ZlibCodec:
    """gzip (possibly several members) or deflate, with zlib-or-raw detection for deflate.

    The zlib backend is looked up once, here, and serves every member of this body.
    """

    __slots__ = ("_done", "_head", "_obj", "_wbits", "_zlib", "started")

    def __init__(self, coding: str) -> None:
        backend = self._zlib = _zlib_backend.backend
        self._wbits = 16 + backend.MAX_WBITS if coding == "gzip" else 0
        self._obj: ZLibDecompressObjProtocol | None = (
            backend.decompressobj(wbits=self._wbits) if self._wbits else None
        )
        self._head = b""
        self._done = False
        self.started = False

    def decode(self, data: bytes, piece: int) -> Iterator[bytes]:
        if not data or self._done:
            return
        self.started = True
        obj = self._obj
        if obj is None:
            # deflate: RFC 9110 says zlib (RFC 1950) but raw RFC 1951 streams are common.
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return
            cmf, flg = data[0], data[1]
            wrapped = (cmf & 0x0F) == 8 and (cmf >> 4) <= 7 and ((cmf << 8) | flg) % 31 == 0
            backend = self._zlib
            self._wbits = backend.MAX_WBITS if wrapped else -backend.MAX_WBITS
            obj = self._obj = backend.decompressobj(wbits=self._wbits)
            self._head = b""
        buf = data
        try:
            while True:
                out = obj.decompress(buf, piece)
                if out:
                    yield out
                if obj.eof:
                    rest = obj.unused_data
                    if rest and self._wbits > self._zlib.MAX_WBITS:
                        obj = self._obj = self._zlib.decompressobj(wbits=self._wbits)
                        buf = rest
                        continue
                    self._done = True
                    return
                buf = obj.unconsumed_tail
                if not buf and len(out) < piece:
                    return
        except error_type(self._zlib) as exc:  # evaluated only when something was raised
            raise ContentEncodingError(f"cannot decode body: {exc}") from None

    def finish(self) -> None:
        if self.started and not self._done:
            raise ContentEncodingError("compressed body ends before its compressed stream does")


class _BrotliCodec:
    """br via the optional brotli package, with bounded output when brotli supports it."""

    __slots__ = ("_obj", "started")

    def __init__(self) -> None:
        assert _brotli is not None
        self._obj: Any = _brotli.Decompressor()
        self.started = False

    def decode(self, data: bytes, piece: int) -> Iterator[bytes]:
        if not data:
            return
        self.started = True
        obj = self._obj
        try:
            if hasattr(obj, "can_accept_more_data"):
                out = obj.process(data, output_buffer_limit=piece)
                while out:
                    # The limit is approximate: cut to size so pieces stay bounded.
                    for i in range(0, len(out), piece):
                        yield out[i : i + piece]
                    if obj.is_finished():
                        break
                    out = obj.process(b"", output_buffer_limit=piece)
            else:  # pragma: no cover - brotli < 1.2 has no output limit
                out = obj.process(data)
                for i in range(0, len(out), piece):
                    yield out[i : i + piece]
        except _brotli.error as exc:
            raise ContentEncodingError(f"cannot decode br body: {exc}") from None

    def finish(self) -> None:
        if self.started and not self._obj.is_finished():
            raise ContentEncodingError("br body ends before its compressed stream does")


class ContentDecoder:
    """Undo a list of content codings (as listed in Content-Encoding) on a streamed body.

    Use :meth:`create`, which returns None when nothing needs decoding or when a coding is
    unknown (the body is then passed through as received). :meth:`decode` yields decoded pieces
    of at most ``piece_size`` bytes; :meth:`finish` checks that the compressed stream ended.
    """

    __slots__ = ("_codecs", "_max_size", "_piece", "_total")

    def __init__(
        self, codings: list[str], *, piece_size: int = 65536, max_size: int | None = None
    ) -> None:
        codecs: list[_ZlibCodec | _BrotliCodec] = []
        for coding in reversed(codings):
            if coding == "br":
                codecs.append(_BrotliCodec())
            else:
                codecs.append(_ZlibCodec(coding))
        self._codecs = codecs
        self._piece = piece_size
        self._max_size = max_size
        self._total = 0

    @classmethod
    def create(
        cls, content_encoding: str, *, piece_size: int = 65536, max_size: int | None = None
    ) -> ContentDecoder | None:
        """A decoder for a Content-Encoding value, or None if there is nothing it can undo."""
        codings: list[str] = []
        for item in content_encoding.split(","):
            name = item.strip(" \t").lower()
            name = _ALIASES.get(name, name)
            if name in _IDENTITY:
                continue
            if name not in CONTENT_CODINGS:
                return None
            codings.append(name)
        if not codings:
            return None
        return cls(codings, piece_size=piece_size, max_size=max_size)

    def decode(self, data: bytes) -> Iterator[bytes]:
        """Decode the next part of the body, yielding decoded pieces."""
        pieces: Iterator[bytes] = iter((data,))
        for codec in self._codecs:
            pieces = self._chain(codec, pieces)
        limit = self._max_size
        for out in pieces:
            self._total += len(out)
            if limit is not None and self._total > limit:
                raise DecompressionLimitError(f"decoded body exceeds {limit} bytes")
            yield out

    def _chain(self, codec: _ZlibCodec | _BrotliCodec, source: Iterator[bytes]) -> Iterator[bytes]:
        piece = self._piece
        for data in source:
            yield from codec.decode(data, piece)

    def finish(self) -> None:
        """Raise ContentEncodingError if a compressed stream was cut short."""
        for codec in self._codecs:
            codec.finish()
