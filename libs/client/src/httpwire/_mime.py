"""MIME header building blocks shared by payloads, forms and multipart bodies.

Token and quoted-string rules (RFC 9110 §5.6), the check that keeps CR, LF and other controls out
of header text a body adds (a header injection otherwise), the parameters of a Content-Type
value, and the file name and media type a file object implies.
"""

from __future__ import annotations

import mimetypes
import os
import re

__all__: list[str] = []

_CTL = frozenset(chr(i) for i in range(32)) | {chr(127)}
_SEPARATORS = frozenset('()<>@,;:\\"/[]?={} \t')
#: Characters of an RFC 9110 token.
TOKEN_CHARS = frozenset(chr(i) for i in range(128)) - _CTL - _SEPARATORS
# Visible ASCII, space and tab: what a 7-bit quoted-string may carry.
_QUOTABLE = frozenset(chr(i) for i in range(0x20, 0x7F)) | {"\t"}
# Everything but qtext needs a backslash inside a quoted-string (RFC 5322's 7-bit rule, which
# aiohttp applies, so spaces and tabs are escaped too).
_NOT_QTEXT = re.compile(r"[^\x21\x23-\x5b\x5d-\x7e]")
# Controls other than tab: never allowed in a header line (RFC 9110 §5.5).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def is_token(text: str) -> bool:
    """Whether ``text`` is a non-empty RFC 9110 token."""
    return bool(text) and TOKEN_CHARS.issuperset(text)


def has_control(text: str) -> bool:
    """Whether ``text`` holds CR, LF or another control character (HTAB is allowed)."""
    return _FORBIDDEN.search(text) is not None


def check_header_text(text: str, what: str = "header") -> str:
    """``text`` unchanged; :class:`ValueError` if it holds CR, LF or another control character.

    A part header or form field name with a line break in it would end the header block early
    and let the value inject headers or body bytes of its own.
    """
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, not {type(text).__name__!r}")
    if _FORBIDDEN.search(text) is not None:
        raise ValueError(
            f"{what} {text!r} contains a forbidden control character (CR, LF or other): "
            "potential header injection"
        )
    return text


def quoted_string(text: str) -> str:
    """The content of a quoted-string carrying ``text`` (without the surrounding quotes).

    Raises :class:`ValueError` when ``text`` is not 7-bit printable (the caller then falls back
    to an RFC 5987 extended parameter).
    """
    if not _QUOTABLE.issuperset(text):
        raise ValueError(f"bad content for quoted-string {text!r}")
    return _NOT_QTEXT.sub(lambda m: "\\" + m.group(0), text)


def parse_content_type(value: str) -> tuple[str, str, dict[str, str]]:
    """``(type, subtype, parameters)`` of a Content-Type value, names lower-cased.

    Lenient as aiohttp is: a value without ``/`` gives an empty subtype, quotes around parameter
    values are dropped, and an empty value gives ``("", "", {})``.
    """
    if not value:
        return "", "", {}
    head, *raw_params = value.split(";")
    params: dict[str, str] = {}
    for item in raw_params:
        if not item.strip():
            continue
        key, _, val = item.partition("=")
        params[key.strip().lower()] = val.strip(' "')
    full = head.strip().lower()
    if full == "*":
        full = "*/*"
    mtype, _, stype = full.partition("/")
    return mtype.strip(), stype.strip(), params


def charset_of(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type value, if it names one."""
    return parse_content_type(content_type)[2].get("charset") or None


def guess_filename(obj: object, default: str | None = None) -> str | None:
    """The base name of ``obj.name`` (what ``open()`` records), else ``default``.

    Names like ``<stdin>`` and integer descriptors do not count as file names.
    """
    name = getattr(obj, "name", None)
    if isinstance(name, str) and name and not (name[0] == "<" and name[-1] == ">"):
        return os.path.basename(name)
    return default


def guess_content_type(filename: str) -> str | None:
    """The media type ``filename``'s extension implies, if :mod:`mimetypes` knows it."""
    return mimetypes.guess_type(filename, strict=True)[0]
