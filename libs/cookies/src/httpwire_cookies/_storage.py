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
    creation: float


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


def _finite_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


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
    expires = item.get("expires")
    if expires is not None and not _finite_number(expires):
        raise _fail(file_path, f"cookie #{index} field 'expires' must be a number or null")
    creation = item.get("creation")
    if not isinstance(creation, int | float) or not _finite_number(creation):
        raise _fail(file_path, f"cookie #{index} field 'creation' must be a number")
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
        expires=None if expires is None else float(expires),
        creation=float(creation),
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
    except (json.JSONDecodeError, RecursionError):
        raise _fail(file_path, "it is not JSON") from None
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT_NAME
        or not isinstance(document.get("cookies"), list)
    ):
        raise _fail(file_path, f"JSON without the {FORMAT_NAME!r} format marker")
    if document.get("version") != FORMAT_VERSION:
        raise _fail(file_path, f"unsupported version {document.get('version')!r}")
    return [_check_cookie(file_path, i, item) for i, item in enumerate(document["cookies"])]
