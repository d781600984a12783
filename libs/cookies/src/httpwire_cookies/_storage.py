"""The JSON jar file read and written by ``CookieJar.save`` and ``CookieJar.load``.

House rules: the file is plain UTF-8 JSON, never a pickle. Reading checks the whole document
against the schema before returning anything, so a bad file changes nothing. Writing creates the
file with mode 0600 (cookies are credentials) and replaces it atomically.

Format (version 1)::

    {"format": "httpwire-cookies", "version": 1,
     "cookies": [{"name": "sid", "value": "abc", "coded_value": "abc",
                  "domain": "example.com", "path": "/", "host_only": true,
                  "secure": true, "http_only": true, "same_site": "Lax",
                  "expires": 1767225600.0, "creation": 1735689600.0}, ...]}

``expires`` is a POSIX timestamp or null for a session cookie; the list is in creation order.

The JSON files written by aiohttp 3.14's ``CookieJar.save`` (an object keyed ``"domain|path"``)
are read too, so a program can move its saved cookies over; their creation times are unknown
and the file order stands in for them.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, TypedDict

from .exceptions import CookieFileFormatError

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "SavedCookie"]

FORMAT_NAME = "httpwire-cookies"
FORMAT_VERSION = 1

_PICKLE_PREFIXES = (b"\x80", b"(dp", b"(lp", b"}q", b"]q", b"ccopy_reg")
_STRING_FIELDS = ("name", "value", "coded_value", "domain", "path")
_BOOL_FIELDS = ("host_only", "secure", "http_only")


class SavedCookie(TypedDict):
    """One cookie of a jar file, as ``CookieJar.save`` writes it."""

    name: str
    value: str
    coded_value: str
    domain: str
    path: str
    host_only: bool
    secure: bool
    http_only: bool
    same_site: str | None
    expires: float | None
    creation: float | None


def write_jar_file(file_path: str | os.PathLike[str], cookies: list[SavedCookie]) -> None:
    """Write ``cookies`` as a version-1 jar file, atomically and readable by the owner only."""
    target = Path(file_path)
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "cookies": cookies}
    text = json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent if target.parent else None
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fail(file_path: str | os.PathLike[str], why: str) -> CookieFileFormatError:
    return CookieFileFormatError(f"{os.fspath(file_path)!r} is not a cookie jar file: {why}")


def _finite_number(value: object) -> float | None:
    """``value`` as a finite float; None for anything else (an int too big for a float too)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _check_cookie(file_path: str | os.PathLike[str], index: int, item: Any) -> SavedCookie:
    if not isinstance(item, dict):
        raise _fail(file_path, f"cookie #{index} is not an object")
    for field in _STRING_FIELDS:
        if not isinstance(item.get(field), str):
            raise _fail(file_path, f"cookie #{index} field {field!r} must be a string")
    for field in _BOOL_FIELDS:
        if not isinstance(item.get(field), bool):
            raise _fail(file_path, f"cookie #{index} field {field!r} must be true or false")
    same_site = item.get("same_site")
    if same_site is not None and not isinstance(same_site, str):
        raise _fail(file_path, f"cookie #{index} field 'same_site' must be a string or null")
    raw_expires = item.get("expires")
    expires = None if raw_expires is None else _finite_number(raw_expires)
    if raw_expires is not None and expires is None:
        raise _fail(file_path, f"cookie #{index} field 'expires' must be a finite number or null")
    creation = _finite_number(item.get("creation"))
    if creation is None:
        raise _fail(file_path, f"cookie #{index} field 'creation' must be a finite number")
    return SavedCookie(
        name=item["name"],
        value=item["value"],
        coded_value=item["coded_value"],
        domain=item["domain"],
        path=item["path"],
        host_only=item["host_only"],
        secure=item["secure"],
        http_only=item["http_only"],
        same_site=same_site,
        expires=expires,
        creation=creation,
    )


def read_jar_file(file_path: str | os.PathLike[str]) -> list[SavedCookie]:
    """Read and validate a jar file; raise ``CookieFileFormatError`` for anything else.

    A pickle (the format of aiohttp before 3.14) is recognised and refused without being
    unpickled.
    """
    data = Path(file_path).read_bytes()
    if data.startswith(_PICKLE_PREFIXES):
        raise _fail(file_path, "it looks like a pickle, which is never loaded (it could run code)")
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _fail(file_path, "it is not UTF-8 text") from None
    except json.JSONDecodeError:
        raise _fail(file_path, "it is not JSON") from None
    except RecursionError:
        raise _fail(file_path, "it is not JSON (nested too deeply)") from None
    except ValueError as exc:
        # The JSON grammar holds, but Python refuses a value (an integer over 4300 digits).
        raise _fail(file_path, f"it holds a JSON value Python cannot read ({exc})") from None
    if _looks_like_aiohttp(document):
        return _from_aiohttp(file_path, document)
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT_NAME
        or not isinstance(document.get("cookies"), list)
    ):
        raise _fail(file_path, f"JSON without the {FORMAT_NAME!r} format marker")
    if document.get("version") != FORMAT_VERSION:
        raise _fail(file_path, f"unsupported version {document.get('version')!r}")
    return [_check_cookie(file_path, i, item) for i, item in enumerate(document["cookies"])]


def _looks_like_aiohttp(document: Any) -> bool:
    """aiohttp 3.14's layout: ``{"domain|path": {name: {"key": ..., ...}}}``."""
    return (
        isinstance(document, dict)
        and "format" not in document
        and all(isinstance(key, str) and "|" in key for key in document)
        and all(isinstance(bucket, dict) for bucket in document.values())
    )


def _from_aiohttp(file_path: str | os.PathLike[str], document: dict[str, Any]) -> list[SavedCookie]:
    saved: list[SavedCookie] = []
    for compound_key, bucket in document.items():
        domain, _, key_path = compound_key.partition("|")
        for name, entry in bucket.items():
            where = f"cookie {name!r} of {compound_key!r}"
            if not isinstance(entry, dict):
                raise _fail(file_path, f"{where} is not an object")
            for field in ("key", "value", "coded_value"):
                if not isinstance(entry.get(field), str):
                    raise _fail(file_path, f"{where} field {field!r} must be a string")
            path = entry.get("path") or key_path or "/"
            same_site = entry.get("samesite") or None
            raw_expires = entry.get("expires_timestamp")
            expires = None if raw_expires is None else _finite_number(raw_expires)
            if not isinstance(path, str) or (
                same_site is not None and not isinstance(same_site, str)
            ):
                raise _fail(file_path, f"{where} has a non-string path or samesite")
            if raw_expires is not None and expires is None:
                raise _fail(file_path, f"{where} field 'expires_timestamp' must be a finite number")
            saved.append(
                SavedCookie(
                    name=entry["key"] or name,
                    value=entry["value"],
                    coded_value=entry["coded_value"],
                    domain=domain,
                    path=path,
                    host_only=bool(entry.get("host_only")),
                    secure=bool(entry.get("secure")),
                    http_only=bool(entry.get("httponly")),
                    same_site=same_site,
                    expires=expires,
                    creation=None,
                )
            )
    return saved
