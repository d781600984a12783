"""Content-Disposition for MIME parts: building the header a part sends, parsing one received.

Building follows aiohttp 3.14 byte for byte, since servers see it: with ``quote_fields`` a
``filename`` is percent-encoded inside quotes, other parameters become quoted-strings (every
non-qtext character backslash-escaped) or, when not 7-bit, RFC 5987 ``name*=utf-8''...``
parameters; without it values are only quoted, for servers that take raw UTF-8.

Parsing is lenient where aiohttp is and says so through :class:`BadContentDispositionHeader`
(the header is unusable, nothing is returned) and :class:`BadContentDispositionParam` (one
parameter is dropped) warnings.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from urllib.parse import quote, unquote

from ._mime import check_header_text, is_token, quoted_string

__all__: list[str] = []


class BadContentDispositionHeader(RuntimeWarning):
    """A Content-Disposition header that cannot be parsed; it is treated as absent."""


class BadContentDispositionParam(RuntimeWarning):
    """A Content-Disposition parameter that cannot be parsed; it is left out."""


def content_disposition_header(
    disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
) -> str:
    """The Content-Disposition value ``disptype; key="value"; ...`` for a MIME part.

    ``disptype`` and every parameter name must be tokens (:class:`ValueError` otherwise), and
    the result never holds CR or LF: with ``quote_fields`` they are encoded, without it they
    raise :class:`ValueError`.
    """
    if not is_token(disptype):
        raise ValueError(f"bad content disposition type {disptype!r}")
    pieces = [disptype]
    for key, val in params.items():
        if not is_token(key):
            raise ValueError(f"bad content disposition parameter {key!r}={val!r}")
        if not isinstance(val, str):
            raise TypeError(
                f"content disposition parameter {key!r} must be str, not {type(val).__name__!r}"
            )
        if not quote_fields:
            check_header_text(val, f"content disposition parameter {key!r}")
            escaped = val.replace("\\", "\\\\").replace('"', '\\"')
            pieces.append(f'{key}="{escaped}"')
        elif key.lower() == "filename":
            pieces.append(f'{key}="{quote(val, "", encoding=_charset)}"')
        else:
            try:
                pieces.append(f'{key}="{quoted_string(val)}"')
            except ValueError:
                pieces.append(f"{key}*={_charset}''{quote(val, '', encoding=_charset)}")
    return "; ".join(pieces)


_QUOTED_PAIR = re.compile(r"\\([\x00-\x7f])")
_CONTINUATION = re.compile(r"[^*]+\*[0-9]+\*?")


def _split_params(header: str) -> list[str]:
    """``header`` cut at the semicolons that are not inside a quoted-string."""
    items: list[str] = []
    start = 0
    in_quotes = False
    escaped = False
    for i, ch in enumerate(header):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            in_quotes = not in_quotes
        elif ch == ";" and not in_quotes:
            items.append(header[start:i])
            start = i + 1
    items.append(header[start:])
    return items


def _is_quoted(text: str) -> bool:
    return len(text) >= 2 and text[0] == text[-1] == '"'


def _unescape(text: str) -> str:
    return _QUOTED_PAIR.sub(r"\1", text)


def _decode_extended(value: str) -> str | None:
    """The text of an RFC 5987 ``charset'lang'pct-encoded`` value, ``None`` if it is not one."""
    if not is_token(value) or value.count("'") != 2:
        return None
    charset, _, rest = value.split("'", 2)
    try:
        return unquote(rest, charset or "utf-8", "strict")
    except (LookupError, UnicodeDecodeError):
        return None


def parse_content_disposition(header: str | None) -> tuple[str | None, dict[str, str]]:
    """``(disposition type, parameters)`` of a Content-Disposition value.

    The type and the parameter names are lower-cased; quoted values are unescaped (and lose
    leading slashes and backslashes, as in aiohttp, so a file name cannot name an absolute
    path); ``name*`` values are percent-decoded; ``name*0``, ``name*1`` continuations are kept
    as they are for :func:`content_disposition_filename` to join. A header that cannot be read
    gives ``(None, {})`` and a :class:`BadContentDispositionHeader` warning.
    """
    if not header:
        return None, {}
    disptype, *items = _split_params(header)
    disptype = disptype.strip()
    if not is_token(disptype):
        warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
        return None, {}
    params: dict[str, str] = {}
    for item in items:
        if not item:  # a trailing or doubled semicolon
            warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
            continue
        if "=" not in item:
            warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
            return None, {}
        raw_key, _, value = item.partition("=")
        key = raw_key.strip().lower()
        # As in aiohttp, only a quoted value may be followed by whitespace.
        value = value.lstrip()
        if _is_quoted(value.rstrip()):
            value = value.rstrip()
        if key in params:
            warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
            return None, {}
        if not is_token(key):
            warnings.warn(BadContentDispositionParam(item), stacklevel=2)
            continue
        if _CONTINUATION.fullmatch(key):
            if _is_quoted(value):
                value = _unescape(value[1:-1])
            elif not is_token(value):
                warnings.warn(BadContentDispositionParam(item), stacklevel=2)
                continue
        elif key.endswith("*"):
            decoded = _decode_extended(value)
            if decoded is None:
                warnings.warn(BadContentDispositionParam(item), stacklevel=2)
                continue
            value = decoded
        elif _is_quoted(value):
            value = _unescape(value[1:-1].lstrip("\\/"))
        elif not is_token(value):
            warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
            return None, {}
        params[key] = value
    return disptype.lower(), params


def content_disposition_filename(params: Mapping[str, str], name: str = "filename") -> str | None:
    """The value of parameter ``name`` from parsed Content-Disposition ``params``.

    ``name*`` wins over ``name``; otherwise continuations ``name*0``, ``name*1``... are joined in
    numeric order up to the first gap and, when the joined value carries an RFC 5987
    ``charset'lang'`` prefix, percent-decoded (``None`` if that fails).
    """
    if not params:
        return None
    extended = f"{name}*"
    if extended in params:
        return params[extended]
    if name in params:
        return params[name]
    pieces: dict[int, str] = {}
    for key, value in params.items():
        if not key.startswith(extended):
            continue
        tail = key[len(extended) :].removesuffix("*")
        if tail.isascii() and tail.isdigit() and (tail == "0" or not tail.startswith("0")):
            pieces[int(tail)] = value
    joined: list[str] = []
    while len(joined) in pieces:
        joined.append(pieces[len(joined)])
    if not joined:
        return None
    value = "".join(joined)
    if value.count("'") >= 2:
        charset, _, rest = value.split("'", 2)
        try:
            return unquote(rest, charset or "utf-8", "strict")
        except (LookupError, UnicodeDecodeError):
            return None
    return value
