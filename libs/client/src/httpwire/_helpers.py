"""Small values and parsers the request and response share: HTTP versions, media types."""

from __future__ import annotations

import enum
from types import MappingProxyType
from typing import Any, NamedTuple

from ._disposition import content_disposition_filename
from ._disposition import parse_content_disposition as _parse_disposition

__all__ = ["ContentDisposition", "HttpVersion", "HttpVersion10", "HttpVersion11"]


class HttpVersion(NamedTuple):
    """An HTTP version as ``(major, minor)``."""

    major: int
    minor: int


HttpVersion10 = HttpVersion(1, 0)
HttpVersion11 = HttpVersion(1, 1)


class _Sentinel(enum.Enum):
    sentinel = enum.auto()

    def __repr__(self) -> str:
        return "sentinel"


#: Marks "not given" where ``None`` is a meaningful value (``timeout=None`` means no timeout).
sentinel: Any = _Sentinel.sentinel

#: aiohttp 3.14's default ``read_bufsize``: each body reader buffers this much (pauses at twice it).
DEFAULT_READ_BUFSIZE = 2**18


class ContentDisposition(NamedTuple):
    """A parsed Content-Disposition: its ``type``, ``parameters`` and ``filename``."""

    type: str | None
    parameters: MappingProxyType[str, str]
    filename: str | None


def parse_media_type(value: str) -> tuple[str, dict[str, str]]:
    """Split a Content-Type value into its lower-cased ``type/subtype`` and its parameters.

    Parameter names are lower-cased; quoted values lose their quotes and backslash escapes.
    """
    parts = _split_params(value)
    mimetype = parts[0].strip().lower() if parts else ""
    params: dict[str, str] = {}
    for item in parts[1:]:
        name, sep, val = item.partition("=")
        if not sep:
            continue
        params[name.strip().lower()] = _unquote(val.strip())
    return mimetype, params


def _split_params(value: str) -> list[str]:
    """Split on ``;`` outside quoted strings."""
    if '"' not in value:
        return value.split(";")
    out: list[str] = []
    buf: list[str] = []
    quoted = escaped = False
    for ch in value:
        if escaped:
            buf.append(ch)
            escaped = False
        elif ch == "\\" and quoted:
            buf.append(ch)
            escaped = True
        elif ch == '"':
            buf.append(ch)
            quoted = not quoted
        elif ch == ";" and not quoted:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return out


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        inner = value[1:-1]
        out: list[str] = []
        escaped = False
        for ch in inner:
            if escaped:
                out.append(ch)
                escaped = False
            elif ch == "\\":
                escaped = True
            else:
                out.append(ch)
        return "".join(out)
    return value


def parse_content_disposition(header: str | None) -> ContentDisposition | None:
    """The Content-Disposition of ``header``, or ``None`` when there is none.

    Parsed as aiohttp's multipart helpers parse it; ``filename*`` (RFC 6266 / RFC 8187
    ``charset''percent-encoded``) wins over ``filename``.
    """
    if not header:
        return None
    dtype, params = _parse_disposition(header)
    return ContentDisposition(
        dtype, MappingProxyType(params), content_disposition_filename(params, "filename")
    )
