"""Client side of the opening handshake (RFC 6455 §4.1-§4.2): request headers and the 101 check.

The HTTP exchange itself belongs to the caller: this module makes the headers to send and judges the
status and headers that came back, returning what was agreed or raising a ``HandshakeError``.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from ._deflate import EXTENSION_NAME, DeflateOffer, DeflateParams, parse_extensions
from .exceptions import (
    InvalidHeaderError,
    InvalidStatusError,
    LocalProtocolError,
    NegotiationError,
)

__all__ = ["WS_GUID", "ClientHandshake", "HandshakeResult", "accept_token", "generate_key"]

WS_GUID: Final = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
"""The fixed GUID that RFC 6455 §1.3 appends to the key before hashing."""

_TOKEN_CHARS: Final = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

Headers = Mapping[str, str] | Iterable[tuple[str, str]]


def generate_key() -> str:
    """A fresh ``Sec-WebSocket-Key``: 16 random bytes, base64-encoded (§4.1)."""
    return base64.b64encode(os.urandom(16)).decode("ascii")


def accept_token(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` value a server must return for ``key`` (§4.2.2)."""
    digest = hashlib.sha1((key + WS_GUID).encode("ascii"), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True, slots=True)
class HandshakeResult:
    """What the server agreed to: the subprotocol (or ``None``) and the deflate parameters."""

    protocol: str | None
    deflate: DeflateParams | None
    extensions: str | None = None
    """The raw ``Sec-WebSocket-Extensions`` response value, for logging."""


def _collect(headers: Headers) -> dict[str, list[str]]:
    """Group header values by lowercased name, keeping repeats (as a ``CIMultiDict`` does).

    Anything with an ``items()`` method giving every field counts as a mapping, which includes
    ``http.client.HTTPMessage``.
    """
    items_method = getattr(headers, "items", None)
    items: Iterable[object] = items_method() if callable(items_method) else headers
    grouped: dict[str, list[str]] = {}
    for item in items:
        if not isinstance(item, tuple) or len(item) != 2:
            raise InvalidHeaderError("response", repr(item), "headers must be (name, value) pairs")
        name, value = item
        grouped.setdefault(str(name).lower(), []).append(str(value))
    return grouped


def _tokens(values: list[str]) -> set[str]:
    return {token.strip().lower() for value in values for token in value.split(",")}


@dataclass(frozen=True, slots=True)
class ClientHandshake:
    """One client opening handshake: build it with ``create``, send ``request_headers()``, then
    pass the response to ``validate_response``.
    """

    key: str
    protocols: tuple[str, ...] = ()
    origin: str | None = None
    deflate: DeflateOffer | None = None
    extra_headers: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def create(
        cls,
        *,
        protocols: Sequence[str] = (),
        origin: str | None = None,
        deflate: DeflateOffer | None = None,
        compress: int = 0,
        key: str | None = None,
    ) -> ClientHandshake:
        """A handshake with a new random key.

        ``compress`` takes aiohttp's ``ws_connect`` values (0 = no compression, 9-15 = offer
        permessage-deflate with that server window) when ``deflate`` is not given.
        """
        for protocol in protocols:
            if not protocol or not set(protocol) <= _TOKEN_CHARS:
                raise LocalProtocolError(f"Subprotocol {protocol!r} is not an HTTP token")
        if deflate is None:
            deflate = DeflateOffer.from_aiohttp_compress(compress)
        return cls(key or generate_key(), tuple(protocols), origin, deflate)

    def request_headers(self) -> list[tuple[str, str]]:
        """The headers of the upgrade GET, in order; the caller adds Host and its own headers."""
        headers = [
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", self.key),
            ("Sec-WebSocket-Version", "13"),
        ]
        if self.protocols:
            headers.append(("Sec-WebSocket-Protocol", ", ".join(self.protocols)))
        if self.deflate is not None:
            headers.append(("Sec-WebSocket-Extensions", self.deflate.to_header()))
        if self.origin is not None:
            headers.append(("Origin", self.origin))
        return headers

    def validate_response(self, status: int, headers: Headers) -> HandshakeResult:
        """Check the server's response (§4.1 steps 1-6) and return what was agreed.

        Raises ``InvalidStatusError``, ``InvalidHeaderError`` or ``NegotiationError``.
        """
        if status != 101:
            raise InvalidStatusError(status)
        grouped = _collect(headers)
        upgrade = grouped.get("upgrade", [])
        if "websocket" not in _tokens(upgrade):
            raise InvalidHeaderError("Upgrade", ", ".join(upgrade) or None, "expected websocket")
        connection = grouped.get("connection", [])
        if "upgrade" not in _tokens(connection):
            raise InvalidHeaderError(
                "Connection", ", ".join(connection) or None, "expected a token upgrade"
            )
        accept = grouped.get("sec-websocket-accept", [])
        if len(accept) != 1:
            raise InvalidHeaderError(
                "Sec-WebSocket-Accept", ", ".join(accept) or None, "expected exactly one value"
            )
        if accept[0].strip() != accept_token(self.key):
            raise InvalidHeaderError("Sec-WebSocket-Accept", accept[0], "it does not match the key")
        return HandshakeResult(
            self._agreed_protocol(grouped.get("sec-websocket-protocol", [])),
            self._agreed_deflate(grouped.get("sec-websocket-extensions", [])),
            ", ".join(grouped["sec-websocket-extensions"])
            if "sec-websocket-extensions" in grouped
            else None,
        )

    def _agreed_protocol(self, values: list[str]) -> str | None:
        if not values:
            return None
        chosen = [token.strip() for value in values for token in value.split(",")]
        if len(chosen) != 1:
            raise NegotiationError(f"The server chose several subprotocols: {', '.join(chosen)}")
        if chosen[0] not in self.protocols:
            raise NegotiationError(f"The server chose the subprotocol {chosen[0]!r}, not offered")
        return chosen[0]

    def _agreed_deflate(self, values: list[str]) -> DeflateParams | None:
        agreed: DeflateParams | None = None
        for value in values:
            for name, params in parse_extensions(value):
                if name != EXTENSION_NAME or self.deflate is None:
                    raise NegotiationError(f"The server chose the extension {name!r}, not offered")
                if agreed is not None:
                    raise NegotiationError("The server chose permessage-deflate twice")
                agreed = self.deflate.accept(params)
        return agreed
