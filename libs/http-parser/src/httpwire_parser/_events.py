"""Events the parsers return: frozen, slotted dataclasses, one per thing that happened on the wire.

A message is reported as a head event (:class:`Response`, :class:`InformationalResponse` or
:class:`Request`), zero or more :class:`Data` events and one :class:`EndOfMessage`; a protocol
switch (101, CONNECT 2xx, an accepted upgrade request) then ends the stream with :class:`Upgraded`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter

from multidict import CIMultiDict, CIMultiDictProxy

__all__ = [
    "EMPTY_HEADERS",
    "Data",
    "EndOfMessage",
    "Event",
    "InformationalResponse",
    "RawFields",
    "Request",
    "Response",
    "Upgraded",
]

#: A shared, empty, read-only header mapping (used for "no trailers").
EMPTY_HEADERS: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())


RawFields = tuple[tuple[bytes, bytes], ...]
_KEY = itemgetter(0)
_VALUE = itemgetter(1)


def raw_fields(fields: CIMultiDictProxy[str]) -> RawFields:
    """The fields as ``(name, value)`` bytes pairs in wire order (the inverse of the decoding)."""
    items = list(fields.items())
    return tuple(
        zip(
            map(str.encode, map(_KEY, items)),
            map(str.encode, map(_VALUE, items), repeat("utf-8"), repeat("surrogateescape")),
            strict=True,
        )
    )


class _HasRawHeaders:
    """Mixin: ``raw_headers`` built on access from ``headers`` (most clients never ask for it)."""

    __slots__ = ()
    headers: CIMultiDictProxy[str]

    @property
    def raw_headers(self) -> RawFields:
        """The header fields as received: ``(name, value)`` bytes pairs in wire order.

        Names keep their case; values are stripped of surrounding whitespace, as in ``headers``.
        """
        return raw_fields(self.headers)


@dataclass(frozen=True, slots=True)
class InformationalResponse(_HasRawHeaders):
    """A 1xx interim response other than 101 (RFC 9110 §15.2); the final response follows."""

    version: tuple[int, int]
    status: int
    reason: str
    headers: CIMultiDictProxy[str]


@dataclass(frozen=True, slots=True)
class Response(_HasRawHeaders):
    """The head of a final response, or of a 101 (Switching Protocols) response.

    ``reason`` and header values are decoded as UTF-8 with ``surrogateescape`` (undecodable bytes
    survive as lone surrogates, so ``value.encode("utf-8", "surrogateescape")`` gives the wire
    bytes back); names are ASCII tokens. ``raw_headers`` gives the same fields as bytes
    pairs, in wire order.
    ``keep_alive`` is whether the connection can carry another exchange after this one
    (RFC 9112 §9.3); ``upgrade`` is whether the connection
    switches protocols after this head (101, or 2xx to CONNECT); ``chunked`` whether the body
    uses chunked framing; ``content_length`` the parsed Content-Length, if any.
    """

    version: tuple[int, int]
    status: int
    reason: str
    headers: CIMultiDictProxy[str]
    keep_alive: bool
    upgrade: bool = False
    chunked: bool = False
    content_length: int | None = None


@dataclass(frozen=True, slots=True)
class Request(_HasRawHeaders):
    """The head of a request (server side).

    ``upgrade`` is true for CONNECT and for requests asking to switch protocols
    (``Connection: upgrade`` with an ``Upgrade`` field): after the message the parser stops and
    hands back the remaining bytes in :class:`Upgraded`.
    """

    method: str
    target: str
    version: tuple[int, int]
    headers: CIMultiDictProxy[str]
    keep_alive: bool
    upgrade: bool = False
    chunked: bool = False
    content_length: int | None = None


@dataclass(frozen=True, slots=True)
class Data:
    """A piece of body, with transfer and content codings removed.

    ``chunk_end`` is true on the piece that completes an HTTP chunk of a chunked body (what
    aiohttp's ``iter_chunks()`` reports as ``end_of_http_chunk``); always false otherwise.
    """

    data: bytes
    chunk_end: bool = False


@dataclass(frozen=True, slots=True)
class EndOfMessage:
    """The message is complete; ``trailers`` holds the trailer section of a chunked body.

    ``raw_trailers`` has the same fields as ``(name, value)`` bytes pairs in wire order.
    """

    trailers: CIMultiDictProxy[str] = field(default_factory=lambda: EMPTY_HEADERS)

    @property
    def raw_trailers(self) -> RawFields:
        """The trailer fields as ``(name, value)`` bytes pairs in wire order."""
        return raw_fields(self.trailers)


@dataclass(frozen=True, slots=True)
class Upgraded:
    """The connection switched protocols; ``tail`` is the bytes received after the HTTP head.

    The parser accepts no more data: hand ``tail`` and everything after it to the new protocol.
    """

    tail: bytes


Event = InformationalResponse | Response | Request | Data | EndOfMessage | Upgraded
