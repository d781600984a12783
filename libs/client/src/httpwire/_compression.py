"""``set_zlib_backend``: aiohttp's switch of the zlib-compatible module, for the whole client.

The parser (response bodies, request ``compress=``, multipart part decoding) and the WebSocket
lib each keep their own backend; this sets both, and the one multipart part compression uses.
"""

from __future__ import annotations

import zlib

import httpwire_parser
import httpwire_websocket
from httpwire_parser import ZLibBackendProtocol

__all__ = ["set_zlib_backend"]

#: The module multipart part compression uses; stdlib zlib until set_zlib_backend() is called.
backend: ZLibBackendProtocol = zlib


def set_zlib_backend(new_zlib_backend: ZLibBackendProtocol) -> None:
    """Use ``new_zlib_backend`` (``zlib_ng.zlib_ng``, ``isal.isal_zlib``...) for gzip and deflate.

    As in aiohttp, nothing is checked here: a module that lacks a member raises AttributeError
    when the first decoder or compressor that needs it is made, and objects made before keep the
    module they started with. ``set_zlib_backend(zlib)`` goes back to the default.
    """
    global backend
    httpwire_parser.set_zlib_backend(new_zlib_backend)
    httpwire_websocket.set_zlib_backend(new_zlib_backend)
    backend = new_zlib_backend
