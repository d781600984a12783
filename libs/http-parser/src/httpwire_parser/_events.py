"""Events the parsers return: slotted dataclasses, one per thing that happened on the wire.

Treat events as read-only values. They are deliberately not ``frozen=True``: a frozen dataclass
sets each field through ``object.__setattr__``, which made building a response head about five
times slower (0.94 µs against 0.17 µs on the benchmark machine), and events are built on the
hottest path of the parser.

A message is reported as a head event (:class:`Response`, :class:`InformationalResponse` or
:class:`Request`), zero or more :class:`Data` events and one :class:`EndOfMessage`; a protocol
switch (101, CONNECT 2xx, an accepted upgrade request) then ends the stream with :class:`Upgraded`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
#: What an event keeps to build its raw fields on first access: the decoded ``(name, value)``
#: pairs in wire order (a list), or the raw fields themselves once built (a tuple).
RawSource = list[tuple[str, str]] | RawFields


def raw_fields(source: RawSource) -> RawFields:
    """The raw ``(name, value)`` bytes pairs for *source* (see :data:`RawSource`).

    Decoding with surrogateescape is a bijection, so encoding the decoded names (ASCII tokens)
    and values gives the received bytes back. Only values holding undecodable bytes (lone
    surrogates) need the error handler; the plain encoding, tried first, is faster.
    """
    if isinstance(source, tuple):
        return source
    try:
        return tuple([(name.encode(), value.encode()) for name, value in source])
    except UnicodeEncodeError:
        return tuple(
            [(name.encode(), value.encode("utf-8", "surrogateescape")) for name, value in source]
        )


def _kept_raw_fields(event: InformationalResponse | Request | EndOfMessage) -> RawFields:
    """Build ``event``'s raw fields from its ``_raw`` source on first use, and keep them."""
    raw = event._raw
    if type(raw) is not tuple:
        raw = event._raw = raw_fields(raw)
    return raw


@dataclass(slots=True)
class InformationalResponse:
    """A 1xx interim response other than 101 (RFC 9110 §15.2); the final response follows."""

    version: tuple[int, int]
    status: int
    reason: str
    headers: CIMultiDictProxy[str]
    _raw: RawSource = field(default=(), repr=False, compare=False)

    @property
    def raw_headers(self) -> RawFields:
        """The fields as received, as ``(name, value)`` bytes pairs; built when first read."""
        return _kept_raw_fields(self)


@dataclass(slots=True)
class Response:
    """The head of a final response, or of a 101 (Switching Protocols) response.

    ``reason`` and header values are decoded as UTF-8 with ``surrogateescape`` (undecodable bytes
    survive as lone surrogates, so ``value.encode("utf-8", "surrogateescape")`` gives the wire
    bytes back); names are ASCII tokens. ``raw_headers`` holds the same fields as received:
    ``(name, value)`` bytes pairs in wire order, values stripped of surrounding whitespace.
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
    _raw: RawSource = field(default=(), repr=False, compare=False)

    @property
    def raw_headers(self) -> RawFields:
        """The fields as received, as ``(name, value)`` bytes pairs; built when first read."""
        raw = self._raw
        if isinstance(raw, tuple):
            return raw
        # raw_fields() inlined for its common case (a client may read this for every response).
        try:
            built = tuple([(name.encode(), value.encode()) for name, value in raw])
        except UnicodeEncodeError:
            built = raw_fields(raw)
        self._raw = built
        return built


@dataclass(slots=True)
class Request:
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
    _raw: RawSource = field(default=(), repr=False, compare=False)

    @property
    def raw_headers(self) -> RawFields:
        """The fields as received, as ``(name, value)`` bytes pairs; built when first read."""
        return _kept_raw_fields(self)


@dataclass(slots=True)
class Data:
    """A piece of body, with transfer and content codings removed.

    ``chunk_end`` is true on the piece that completes an HTTP chunk of a chunked body (what
    aiohttp's ``iter_chunks()`` reports as ``end_of_http_chunk``); always false otherwise.
    """

    data: bytes
    chunk_end: bool = False


@dataclass(slots=True)
class EndOfMessage:
    """The message is complete; ``trailers`` holds the trailer section of a chunked body.

    ``raw_trailers`` has the same fields as ``(name, value)`` bytes pairs in wire order.
    """

    trailers: CIMultiDictProxy[str] = field(default_factory=lambda: EMPTY_HEADERS)
    _raw: RawSource = field(default=(), repr=False, compare=False)

    @property
    def raw_trailers(self) -> RawFields:
        """The trailer fields as received: ``(name, value)`` bytes pairs, built on first use."""
        return _kept_raw_fields(self)


@dataclass(slots=True)
class Upgraded:
    """The connection switched protocols; ``tail`` is the bytes received after the HTTP head.

    The parser accepts no more data: hand ``tail`` and everything after it to the new protocol.
    """

    tail: bytes


Event = InformationalResponse | Response | Request | Data | EndOfMessage | Upgraded
