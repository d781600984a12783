"""RFC 7692 permessage-deflate: negotiation (offer, response check, server choice) and the codec.

Everything about the extension lives here: the ``Sec-WebSocket-Extensions`` grammar (RFC 6455
§9.1), the four parameters of §7.1, and per-message compression with the ``00 00 ff ff`` tail
removed on send and restored on receive (§7.2).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from . import _zlib_backend
from ._zlib_backend import ZLibCompressObjProtocol, error_type
from .exceptions import LocalProtocolError, MessageTooBigError, NegotiationError, ProtocolError

__all__ = [
    "DeflateOffer",
    "DeflateParams",
    "negotiate_deflate",
    "parse_extensions",
]

EXTENSION_NAME: Final = "permessage-deflate"
DEFLATE_TAIL: Final = b"\x00\x00\xff\xff"

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_PARAM_RE: Final = re.compile(rf"\s*({_TOKEN})\s*(?:=\s*({_TOKEN}|{_QUOTED}))?\s*")
_TOKEN_RE: Final = re.compile(_TOKEN)
_BITS_RE: Final = re.compile(r"[1-9][0-9]?")

ExtensionParams = list[tuple[str, str | None]]


def parse_extensions(value: str) -> list[tuple[str, ExtensionParams]]:
    """Parse a ``Sec-WebSocket-Extensions`` value into ``[(name, [(param, value or None)])]``.

    Names are lowercased; quoted values are unquoted and must then be tokens (§9.1). Raises
    ``NegotiationError`` on malformed input.
    """
    result: list[tuple[str, ExtensionParams]] = []
    for item in _split_outside_quotes(value, ","):
        if not item.strip():
            continue
        parts = _split_outside_quotes(item, ";")
        name = parts[0].strip()
        if not _TOKEN_RE.fullmatch(name):
            raise NegotiationError(f"Invalid extension name in {value!r}")
        params: ExtensionParams = []
        for raw in parts[1:]:
            match = _PARAM_RE.fullmatch(raw)
            if match is None:
                raise NegotiationError(f"Invalid extension parameter {raw.strip()!r}")
            pname, pvalue = match.group(1).lower(), match.group(2)
            if pvalue is not None and pvalue.startswith('"'):
                pvalue = re.sub(r"\\(.)", r"\1", pvalue[1:-1])
                if not _TOKEN_RE.fullmatch(pvalue):
                    raise NegotiationError(f"Quoted value of {pname} is not a token")
            params.append((pname, pvalue))
        result.append((name.lower(), params))
    return result


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` except inside double-quoted strings."""
    parts: list[str] = []
    start = 0
    quoted = escaped = False
    for i, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == sep and not quoted:
            parts.append(text[start:i])
            start = i + 1
    if quoted:
        raise NegotiationError(f"Unterminated quoted string in {text!r}")
    parts.append(text[start:])
    return parts


def _window_bits(name: str, value: str | None) -> int:
    if value is None or not _BITS_RE.fullmatch(value) or not 8 <= int(value) <= 15:
        raise NegotiationError(f"{name} must be an integer from 8 to 15, got {value!r}")
    return int(value)


def _check_bits(name: str, bits: int | None) -> None:
    if bits is not None and not 8 <= bits <= 15:
        raise LocalProtocolError(f"{name} must be from 8 to 15, got {bits}")


@dataclass(frozen=True, slots=True)
class DeflateParams:
    """The permessage-deflate parameters both sides agreed on (RFC 7692 §7.1).

    A ``*_no_context_takeover`` flag makes that side's compressor start every message afresh; a
    ``*_max_window_bits`` value (8 to 15) bounds that side's LZ77 window.
    """

    server_no_context_takeover: bool = False
    client_no_context_takeover: bool = False
    server_max_window_bits: int = 15
    client_max_window_bits: int = 15

    def __post_init__(self) -> None:
        _check_bits("server_max_window_bits", self.server_max_window_bits)
        _check_bits("client_max_window_bits", self.client_max_window_bits)

    def to_header(self) -> str:
        """The extension as a server states it in its ``Sec-WebSocket-Extensions`` response."""
        parts = [EXTENSION_NAME]
        if self.server_no_context_takeover:
            parts.append("server_no_context_takeover")
        if self.client_no_context_takeover:
            parts.append("client_no_context_takeover")
        if self.server_max_window_bits != 15:
            parts.append(f"server_max_window_bits={self.server_max_window_bits}")
        if self.client_max_window_bits != 15:
            parts.append(f"client_max_window_bits={self.client_max_window_bits}")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class DeflateOffer:
    """What a client asks for in its permessage-deflate offer (RFC 7692 §5.1, §7.1).

    ``client_max_window_bits=True`` sends the parameter without a value: the client announces it can
    honour a limit the server picks. An integer also caps the client's own window.
    ``server_max_window_bits`` asks the server to use a smaller window.
    """

    server_no_context_takeover: bool = False
    client_no_context_takeover: bool = False
    server_max_window_bits: int | None = None
    client_max_window_bits: int | bool = True

    def __post_init__(self) -> None:
        _check_bits("server_max_window_bits", self.server_max_window_bits)
        if not isinstance(self.client_max_window_bits, bool):
            _check_bits("client_max_window_bits", self.client_max_window_bits)

    @classmethod
    def from_aiohttp_compress(cls, compress: int) -> DeflateOffer | None:
        """The offer aiohttp sends for ``ws_connect(compress=...)``: 0 means none, 9-15 a window."""
        if not compress:
            return None
        if not 9 <= compress <= 15:
            raise LocalProtocolError(f"compress must be 0 or from 9 to 15, got {compress}")
        return cls(server_max_window_bits=None if compress == 15 else compress)

    def to_header(self) -> str:
        """The offer as a ``Sec-WebSocket-Extensions`` request value."""
        parts = [EXTENSION_NAME]
        if self.server_no_context_takeover:
            parts.append("server_no_context_takeover")
        if self.client_no_context_takeover:
            parts.append("client_no_context_takeover")
        if self.server_max_window_bits is not None:
            parts.append(f"server_max_window_bits={self.server_max_window_bits}")
        if self.client_max_window_bits is True:
            parts.append("client_max_window_bits")
        elif self.client_max_window_bits is not False:
            parts.append(f"client_max_window_bits={self.client_max_window_bits}")
        return "; ".join(parts)

    def accept(self, params: Iterable[tuple[str, str | None]]) -> DeflateParams:
        """Check the server's response parameters against this offer and return the agreement.

        Raises ``NegotiationError`` for an unknown or repeated parameter, a bad value, or a response
        that does not honour what was offered (RFC 7692 §7.1.1-§7.1.2).
        """
        seen: dict[str, str | None] = {}
        for name, value in params:
            if name in seen:
                raise NegotiationError(f"Repeated permessage-deflate parameter {name}")
            seen[name] = value
        server_nct = client_nct = False
        server_bits = 15
        client_bits = (
            15 if isinstance(self.client_max_window_bits, bool) else self.client_max_window_bits
        )
        for name, value in seen.items():
            if name in ("server_no_context_takeover", "client_no_context_takeover"):
                if value is not None:
                    raise NegotiationError(f"{name} takes no value, got {value!r}")
                if name == "server_no_context_takeover":
                    server_nct = True
                else:
                    client_nct = True
            elif name == "server_max_window_bits":
                server_bits = _window_bits(name, value)
                offered = self.server_max_window_bits
                if offered is not None and server_bits > offered:
                    raise NegotiationError(f"{name}={server_bits} exceeds the offered {offered}")
            elif name == "client_max_window_bits":
                if self.client_max_window_bits is False:
                    raise NegotiationError(f"{name} was not offered")
                client_bits = _window_bits(name, value)
                if not isinstance(self.client_max_window_bits, bool) and (
                    client_bits > self.client_max_window_bits
                ):
                    raise NegotiationError(
                        f"{name}={client_bits} exceeds the offered {self.client_max_window_bits}"
                    )
            else:
                raise NegotiationError(f"Unknown permessage-deflate parameter {name}")
        if self.server_no_context_takeover and not server_nct:
            raise NegotiationError("The server ignored server_no_context_takeover")
        if self.server_max_window_bits is not None and "server_max_window_bits" not in seen:
            raise NegotiationError("The server ignored server_max_window_bits")
        return DeflateParams(
            server_nct, client_nct or self.client_no_context_takeover, server_bits, client_bits
        )


def negotiate_deflate(
    header_value: str,
    *,
    server_no_context_takeover: bool = False,
    server_max_window_bits: int | None = None,
) -> DeflateParams | None:
    """Server side: pick the first acceptable permessage-deflate offer, or ``None``.

    Offers with unknown or invalid parameters are skipped (RFC 7692 §5.1).
    ``DeflateParams.to_header`` gives the response value. Raises ``NegotiationError`` only if
    the header cannot be parsed.
    """
    _check_bits("server_max_window_bits", server_max_window_bits)
    for name, params in parse_extensions(header_value):
        if name != EXTENSION_NAME:
            continue
        agreed = _accept_offer(params, server_no_context_takeover, server_max_window_bits)
        if agreed is not None:
            return agreed
    return None


def _accept_offer(
    params: ExtensionParams, server_nct: bool, server_bits_cap: int | None
) -> DeflateParams | None:
    names = [name for name, _ in params]
    if len(names) != len(set(names)):
        return None
    offer = dict(params)
    client_nct = False
    server_bits = 15 if server_bits_cap is None else server_bits_cap
    client_bits = 15
    try:
        for name, value in offer.items():
            if name == "server_no_context_takeover" and value is None:
                server_nct = True
            elif name == "client_no_context_takeover" and value is None:
                client_nct = True
            elif name == "server_max_window_bits":
                server_bits = min(server_bits, _window_bits(name, value))
            elif name == "client_max_window_bits":
                if value is not None:
                    client_bits = _window_bits(name, value)
            else:
                return None
    except NegotiationError:
        return None
    if server_bits == 8:
        # zlib cannot compress with a 256-byte window; refusing the offer is allowed (§7.1.2.1).
        return None
    return DeflateParams(server_nct, client_nct, server_bits, client_bits)


_DEFAULT_MEM_LEVEL: Final = 8


def _mem_level(window_bits: int) -> int:
    """The zlib ``memLevel`` for a window: hash table about twice the window, at most zlib's 8.

    zlib slides its whole hash table (``2 ** (memLevel + 7)`` entries) each time the window
    moves on by a window's length, so the default table of 32768 entries costs a 12-bit window
    (4 KiB) about half its compression time; sized to the window the output is within a few
    per cent of the default's. A Huffman-only stream (8 bits) keeps no hash, and its blocks
    (``2 ** (memLevel + 6)`` symbols) are long enough from 5. The 15-bit default keeps 8, so
    what is sent with it is unchanged.
    """
    if window_bits == 8:
        return 5
    return min(_DEFAULT_MEM_LEVEL, window_bits - 6)


class Compressor:
    """Compresses whole messages for one direction, keeping the LZ77 context unless told not to.

    The zlib backend is looked up once, here: ``level`` None is its ``Z_BEST_SPEED``, and every
    stream this compressor starts comes from its ``compressobj``.
    """

    __slots__ = (
        "_compressobj",
        "_default",
        "_flush",
        "_level",
        "_mem_level",
        "_strategy",
        "_sync",
        "_wbits",
    )

    def __init__(self, window_bits: int, no_context_takeover: bool, level: int | None) -> None:
        backend = _zlib_backend.backend
        self._compressobj = backend.compressobj
        # zlib's raw deflate needs at least 9 bits; a Huffman-only stream has no back-references,
        # so it is valid for the 8-bit window RFC 7692 allows.
        self._strategy = zlib.Z_HUFFMAN_ONLY if window_bits == 8 else zlib.Z_DEFAULT_STRATEGY
        self._wbits = -max(window_bits, 9)
        mem_level = _mem_level(window_bits)
        # Left to the backend where it is zlib's default, so those calls stay as they were.
        self._mem_level = mem_level if mem_level != _DEFAULT_MEM_LEVEL else None
        self._sync = backend.Z_SYNC_FLUSH
        # A full flush also empties the history, which is what no-context-takeover needs.
        self._flush = backend.Z_FULL_FLUSH if no_context_takeover else self._sync
        self._level = backend.Z_BEST_SPEED if level is None else level
        self._default: ZLibCompressObjProtocol | None = None

    def _new(self, level: int) -> ZLibCompressObjProtocol:
        if self._mem_level is None:
            return self._compressobj(level=level, wbits=self._wbits, strategy=self._strategy)
        return self._compressobj(
            level=level, wbits=self._wbits, memLevel=self._mem_level, strategy=self._strategy
        )

    def compress(self, data: bytes | bytearray | memoryview, level: int | None = None) -> bytes:
        """Compress one message and strip the trailing empty stored block (§7.2.1)."""
        if level is not None and level != self._level:
            # A one-off level gets its own stream. The default stream is dropped too: its history
            # no longer matches the peer's window, which now holds this message.
            self._default = None
            obj = self._new(level)
            out = obj.compress(data) + obj.flush(self._sync)
        else:
            if self._default is None:
                self._default = self._new(self._level)
            obj = self._default
            out = obj.compress(data) + obj.flush(self._flush)
        if out.endswith(DEFLATE_TAIL):
            return out[:-4]
        return out  # pragma: no cover - zlib always ends a sync flush with the empty block


#: Final fragments up to this size get the deflate tail appended rather than inflated apart.
_APPEND_TAIL_MAX: Final = 4096


class Decompressor:
    """Inflates one direction's messages with a running context, bounded by ``max_msg_size``.

    The zlib backend is looked up once, here, and serves the whole connection.
    """

    __slots__ = ("_obj", "_wbits", "_zlib")

    def __init__(self, window_bits: int) -> None:
        self._zlib = _zlib_backend.backend
        self._wbits = -window_bits
        self._obj = self._zlib.decompressobj(wbits=self._wbits)

    def decompress(
        self, data: bytes | bytearray | memoryview, used: int, limit: int, final: bool
    ) -> bytes:
        """Inflate one fragment of a message that has ``used`` bytes so far (``limit`` 0 = none).

        For the ``final`` fragment the stripped ``00 00 ff ff`` tail is inflated too: appended to
        a small fragment (one call to zlib instead of two), in a second call after a large one,
        which appending would copy whole.
        """
        obj = self._obj
        if final and len(data) <= _APPEND_TAIL_MAX and type(data) is bytes:
            data += DEFLATE_TAIL
            final = False
        try:
            if limit:
                allowance = limit - used
                out = obj.decompress(data, allowance + 1)
                if final and len(out) <= allowance:
                    out += obj.decompress(DEFLATE_TAIL, allowance - len(out) + 1)
                if len(out) > allowance:
                    raise MessageTooBigError(
                        used + len(out), limit, f"Decompressed message exceeds size limit {limit}"
                    )
            else:
                out = obj.decompress(data)
                if final:
                    out += obj.decompress(DEFLATE_TAIL)
        except error_type(self._zlib) as exc:  # evaluated only when something was raised
            raise ProtocolError(f"Invalid compressed data: {exc}") from None
        if self._obj.eof and self._obj.unused_data not in (b"", DEFLATE_TAIL):
            raise ProtocolError("Compressed data continues after the end of the deflate stream")
        return out

    def end_message(self) -> None:
        """After a message: restart if the peer ended its deflate stream with a final block."""
        if self._obj.eof:
            self._obj = self._zlib.decompressobj(wbits=self._wbits)
