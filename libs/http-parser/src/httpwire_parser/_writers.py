"""Serializers: request/response heads, the chunked transfer coding and request body compression.

Every name, method, target, reason and value is checked before it is written, so a caller can
never smuggle CR, LF or NUL into the byte stream (header and request-line injection).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import _zlib_backend
from ._abnf import STR_FIELD_VALUE_RE, STR_TARGET_RE, STR_TOKEN_RE
from .exceptions import LocalProtocolError

__all__ = [
    "BodyCompressor",
    "ChunkedEncoder",
    "HeadersInput",
    "serialize_request_head",
    "serialize_response_head",
]

#: Headers for the serializers: a mapping (multidicts keep repeats) or (name, value) pairs.
HeadersInput = Mapping[str, str] | Iterable[tuple[str, str]]


def _injection(part: str, bad: str) -> str:
    # Worded as aiohttp words it, so code that matches the message keeps working.
    return (
        f"Forbidden control character detected in headers: header {part} {bad!r}. "
        "Potential header injection attack."
    )


def _field_lines(headers: HeadersInput) -> str:
    items: Iterable[Any] = headers.items() if isinstance(headers, Mapping) else headers
    names: list[str] = []
    values: list[str] = []
    lines: list[str] = []
    for name, value in items:
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError(f"header names and values must be str, got {name!r}: {value!r}")
        names.append(name)
        values.append(value)
        lines.append(f"{name}: {value}\r\n")
    if not lines:
        return ""
    if not all(names) or STR_TOKEN_RE.fullmatch("".join(names)) is None:
        bad = next(n for n in names if not n or STR_TOKEN_RE.fullmatch(n) is None)
        if any(ch < " " or ch == "\x7f" for ch in bad):
            raise LocalProtocolError(_injection("name", bad))
        raise LocalProtocolError(f"invalid header name {bad!r}")
    if STR_FIELD_VALUE_RE.fullmatch("".join(values)) is None:
        bad = next(v for v in values if STR_FIELD_VALUE_RE.fullmatch(v) is None)
        raise LocalProtocolError(_injection("value", bad))
    return "".join(lines)


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        raise LocalProtocolError(f"cannot encode the message head: {exc.reason}") from None


def _check_version(version: tuple[int, int]) -> None:
    if version not in ((1, 0), (1, 1)):
        raise LocalProtocolError(f"unsupported HTTP version {version!r}")


def _method_error(method: str) -> str:
    """aiohttp's words for a method that is not a token (RFC 9110 §9.1), naming a bad character."""
    if not method:
        return "Method cannot be empty"
    bad = next((char for char in method if STR_TOKEN_RE.fullmatch(char) is None), "")
    return f"Method cannot contain non-token characters {method!r} (found at least {bad!r})"


def serialize_request_head(
    method: str, target: str, headers: HeadersInput, *, version: tuple[int, int] = (1, 1)
) -> bytes:
    """The request line and header section, ending with the empty line (RFC 9112 §3, §5).

    The method must be a token and the target visible ASCII without spaces (percent-encode
    anything else first); names must be tokens and values free of control characters except HTAB.
    Values are encoded as UTF-8 (lone surrogates from ``surrogateescape`` become their bytes).
    A name or value that is not ``str`` is a ``TypeError``; anything else malformed is a
    :class:`LocalProtocolError`.
    """
    if STR_TOKEN_RE.fullmatch(method) is None:
        raise LocalProtocolError(_method_error(method))
    if STR_TARGET_RE.fullmatch(target) is None:
        raise LocalProtocolError(f"invalid request target {target!r}")
    _check_version(version)
    return _encode(
        f"{method} {target} HTTP/{version[0]}.{version[1]}\r\n{_field_lines(headers)}\r\n"
    )


def serialize_response_head(
    status: int, reason: str, headers: HeadersInput, *, version: tuple[int, int] = (1, 1)
) -> bytes:
    """The status line and header section, ending with the empty line (RFC 9112 §4, §5)."""
    if not isinstance(status, int) or not 100 <= status <= 999:
        raise LocalProtocolError(f"invalid status code {status!r}")
    if STR_FIELD_VALUE_RE.fullmatch(reason) is None:
        raise LocalProtocolError(f"reason phrase {reason!r} contains a control character")
    _check_version(version)
    return _encode(
        f"HTTP/{version[0]}.{version[1]} {status} {reason}\r\n{_field_lines(headers)}\r\n"
    )


class ChunkedEncoder:
    """The chunked transfer coding (RFC 9112 §7.1) for a body of unknown length.

    :meth:`encode` frames each piece as one chunk (an empty piece produces nothing, since a
    zero-size chunk would end the body); :meth:`finish` writes the last chunk and any trailers.
    """

    __slots__ = ("_finished",)

    def __init__(self) -> None:
        self._finished = False

    def encode(self, data: bytes) -> bytes:
        """One chunk carrying *data*."""
        if self._finished:
            raise LocalProtocolError("the chunked body is already finished")
        if not data:
            return b""
        return b"%x\r\n%b\r\n" % (len(data), data)

    def finish(self, trailers: HeadersInput = ()) -> bytes:
        """The last chunk and the trailer section, ending the body."""
        if self._finished:
            raise LocalProtocolError("the chunked body is already finished")
        self._finished = True
        return b"0\r\n" + _encode(_field_lines(trailers)) + b"\r\n"


class BodyCompressor:
    """Streaming request body compression for ``Content-Encoding: deflate`` or ``gzip``.

    ``deflate`` produces the zlib format RFC 9110 §8.4.1.2 specifies. Call :meth:`compress` for
    each piece and :meth:`flush` once at the end. ``level`` None is the zlib backend's default
    level (:func:`set_zlib_backend`; isal's levels are 0 to 3, not zlib's -1 to 9).
    """

    __slots__ = ("_obj", "encoding")

    def __init__(self, encoding: str = "deflate", *, level: int | None = None) -> None:
        if encoding not in ("deflate", "gzip"):
            raise LocalProtocolError(f"unsupported request content coding {encoding!r}")
        backend = _zlib_backend.backend
        wbits = backend.MAX_WBITS if encoding == "deflate" else 16 + backend.MAX_WBITS
        self.encoding = encoding
        if level is None:
            self._obj = backend.compressobj(wbits=wbits)
        else:
            self._obj = backend.compressobj(level=level, wbits=wbits)

    def compress(self, data: bytes) -> bytes:
        """Compressed bytes for *data* (possibly empty: zlib buffers internally)."""
        return self._obj.compress(data)

    def flush(self) -> bytes:
        """The rest of the compressed stream; call once, after the last :meth:`compress`."""
        return self._obj.flush()
