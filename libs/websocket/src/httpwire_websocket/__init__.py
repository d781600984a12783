"""httpwire-websocket: sans-IO RFC 6455 framing with RFC 7692 permessage-deflate.

The public API, assembled explicitly from the private modules.
"""

from __future__ import annotations

from ._deflate import DeflateOffer, DeflateParams, negotiate_deflate, parse_extensions
from ._frames import MAX_CONTROL_PAYLOAD, build_close_payload, build_frame, parse_close_payload
from ._handshake import WS_GUID, ClientHandshake, HandshakeResult, accept_token, generate_key
from ._mask import mask, mask_inplace
from ._mask_py import mask_inplace_py, mask_py
from ._models import WSCloseCode, WSMessage, WSMsgType
from ._protocol import WebSocketProtocol, WSState
from ._reader import DEFAULT_MAX_MSG_SIZE, WebSocketReader
from ._version import __version__
from ._writer import WebSocketWriter
from ._zlib_backend import ZLibBackendProtocol, set_zlib_backend
from .exceptions import (
    HandshakeError,
    InvalidHeaderError,
    InvalidStatusError,
    InvalidTextError,
    LocalProtocolError,
    MessageTooBigError,
    NegotiationError,
    ProtocolError,
    WebSocketError,
)

__all__ = [
    "DEFAULT_MAX_MSG_SIZE",
    "MAX_CONTROL_PAYLOAD",
    "WS_GUID",
    "ClientHandshake",
    "DeflateOffer",
    "DeflateParams",
    "HandshakeError",
    "HandshakeResult",
    "InvalidHeaderError",
    "InvalidStatusError",
    "InvalidTextError",
    "LocalProtocolError",
    "MessageTooBigError",
    "NegotiationError",
    "ProtocolError",
    "WSCloseCode",
    "WSMessage",
    "WSMsgType",
    "WSState",
    "WebSocketError",
    "WebSocketProtocol",
    "WebSocketReader",
    "WebSocketWriter",
    "ZLibBackendProtocol",
    "__version__",
    "accept_token",
    "build_close_payload",
    "build_frame",
    "generate_key",
    "mask",
    "mask_inplace",
    "mask_inplace_py",
    "mask_py",
    "negotiate_deflate",
    "parse_close_payload",
    "parse_extensions",
    "set_zlib_backend",
]

for _obj in (
    ClientHandshake,
    DeflateOffer,
    DeflateParams,
    HandshakeResult,
    WSCloseCode,
    WSMessage,
    WSMsgType,
    WSState,
    WebSocketProtocol,
    WebSocketReader,
    WebSocketWriter,
    ZLibBackendProtocol,
    accept_token,
    build_close_payload,
    build_frame,
    generate_key,
    mask_inplace_py,
    mask_py,
    negotiate_deflate,
    parse_close_payload,
    parse_extensions,
    set_zlib_backend,
):
    _obj.__module__ = __name__
del _obj
