"""aiohttp's ``http`` module path: HTTP versions and the WebSocket message types.

The same objects as ``httpwire``'s names, so code that uses aiohttp's module paths runs unchanged.
"""

from __future__ import annotations

from httpwire import (
    HttpVersion,
    HttpVersion10,
    HttpVersion11,
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)

__all__ = [
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "WSCloseCode",
    "WSMessage",
    "WSMsgType",
    "WebSocketError",
]
