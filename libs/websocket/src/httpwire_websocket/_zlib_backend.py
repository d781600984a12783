"""The zlib-compatible module behind permessage-deflate (RFC 7692) compression and inflation.

:func:`set_zlib_backend` swaps it for a faster one (``zlib_ng.zlib_ng``, ``isal.isal_zlib``),
as aiohttp's function of that name does. A compressor or decompressor reads :data:`backend`
once, when it is made, so a connection keeps the module it started with.
"""

from __future__ import annotations

import zlib
from typing import Protocol

__all__ = ["ZLibBackendProtocol", "set_zlib_backend"]

_Buffer = bytes | bytearray | memoryview


class ZLibCompressObjProtocol(Protocol):
    """What a backend's ``compressobj()`` returns."""

    def compress(self, data: _Buffer, /) -> bytes: ...
    def flush(self, mode: int = ..., /) -> bytes: ...


class ZLibDecompressObjProtocol(Protocol):
    """What a backend's ``decompressobj()`` returns."""

    def decompress(self, data: _Buffer, /, max_length: int = ...) -> bytes: ...
    def flush(self, length: int = ..., /) -> bytes: ...

    @property
    def eof(self) -> bool: ...
    @property
    def unconsumed_tail(self) -> bytes: ...
    @property
    def unused_data(self) -> bytes: ...


class ZLibBackendProtocol(Protocol):
    """A module with stdlib :mod:`zlib`'s interface: the members aiohttp's protocol requires.

    Other constants (``DEFLATED``, ``Z_DEFAULT_STRATEGY``...) are taken from stdlib zlib, and
    the backend's ``error`` class, when it has one, is what corrupt data is recognised by.
    """

    @property
    def MAX_WBITS(self) -> int: ...
    @property
    def Z_FULL_FLUSH(self) -> int: ...
    @property
    def Z_SYNC_FLUSH(self) -> int: ...
    @property
    def Z_BEST_SPEED(self) -> int: ...
    @property
    def Z_FINISH(self) -> int: ...

    def compressobj(
        self,
        level: int = ...,
        method: int = ...,
        wbits: int = ...,
        memLevel: int = ...,
        strategy: int = ...,
        zdict: _Buffer | None = ...,
    ) -> ZLibCompressObjProtocol: ...
    def decompressobj(
        self, wbits: int = ..., zdict: _Buffer = ...
    ) -> ZLibDecompressObjProtocol: ...
    def compress(self, data: _Buffer, /, level: int = ..., wbits: int = ...) -> bytes: ...
    def decompress(self, data: _Buffer, /, wbits: int = ..., bufsize: int = ...) -> bytes: ...


#: The module new compressors and decompressors use; stdlib zlib until set_zlib_backend() is called.
backend: ZLibBackendProtocol = zlib


def set_zlib_backend(new_zlib_backend: ZLibBackendProtocol) -> None:
    """Make permessage-deflate codecs created from now on use ``new_zlib_backend``.

    Like aiohttp's, it checks nothing: a module that lacks a member raises AttributeError when
    the first reader or writer that needs it is made. Readers and writers made before keep their
    module; ``set_zlib_backend(zlib)`` goes back to the default.
    """
    global backend
    backend = new_zlib_backend


def error_type(module: object) -> type[Exception]:
    """The exception ``module`` raises on corrupt data: its ``error`` class, else stdlib zlib's."""
    error = getattr(module, "error", None)
    if isinstance(error, type) and issubclass(error, Exception):
        return error
    return zlib.error
