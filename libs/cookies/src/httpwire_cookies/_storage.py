"""The jar file read and written by ``CookieJar.save`` and ``CookieJar.load``.

House rules: ``save`` writes the JSON layout aiohttp 3.14's ``CookieJar.save`` writes, so either
library loads the other's files; reading checks the whole document before returning anything, so
a bad file changes nothing. Writing replaces the file atomically; a new file gets mode 0600
(cookies are credentials), an existing file keeps its mode.

Written layout (aiohttp 3.14's, plus ``creation``, which aiohttp ignores)::

    {"example.com|": {"sid": {"key": "sid", "value": "abc", "coded_value": "abc",
                              "path": "/", "domain": "example.com", "secure": true,
                              "httponly": true, "samesite": "Lax", "host_only": true,
                              "expires_timestamp": 1767225600.0,
                              "creation": 1735689600.0}}, ...}

Buckets are keyed ``"domain|path"`` with the path's trailing slashes removed, as aiohttp keys
them; flags are written only when set; ``expires_timestamp`` is absent for session cookies.

Read: that layout (also as older aiohttp versions wrote it: without ``host_only`` or
``expires_timestamp``, with a relative ``max-age``); httpwire's earlier version-1 documents
(``{"format": "httpwire-cookies", "version": 1, "cookies": [...]}``); and, for files that are not
JSON, the pickles aiohttp before 3.14 wrote, through ``_pickle.py``'s restricted loader.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from ._layout import SavedCookie, fail, finite_number, from_aiohttp_layout, jar_document
from ._pickle import read_cookie_pickle

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "SavedCookie"]

# httpwire's earlier own format, still read.
FORMAT_NAME = "httpwire-cookies"
FORMAT_VERSION = 1

_STRING_FIELDS = ("name", "value", "coded_value", "domain", "path")
_BOOL_FIELDS = ("host_only", "secure", "http_only")
_NEW_FILE_MODE = 0o600


# -- writing -------------------------------------------------------------------------------


def _file_mode(target: Path) -> int:
    """The mode to give the written file: the existing file's, else 0600."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return _NEW_FILE_MODE


def write_jar_file(file_path: str | os.PathLike[str], cookies: list[SavedCookie]) -> None:
    """Write ``cookies`` in aiohttp 3.14's JSON layout, atomically.

    A new file is readable by its owner only; an existing file keeps its permission bits.
    """
    target = Path(file_path)
    text = json.dumps(jar_document(cookies), ensure_ascii=False, indent=2, allow_nan=False)
    mode = _file_mode(target)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent if target.parent else None
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -- reading -------------------------------------------------------------------------------


def _check_cookie(file_path: str | os.PathLike[str], index: int, item: Any) -> SavedCookie:
    if not isinstance(item, dict):
        raise fail(file_path, f"cookie #{index} is not an object")
    for field in _STRING_FIELDS:
        if not isinstance(item.get(field), str):
            raise fail(file_path, f"cookie #{index} field {field!r} must be a string")
    for field in _BOOL_FIELDS:
        if not isinstance(item.get(field), bool):
            raise fail(file_path, f"cookie #{index} field {field!r} must be true or false")
    same_site = item.get("same_site")
    if same_site is not None and not isinstance(same_site, str):
        raise fail(file_path, f"cookie #{index} field 'same_site' must be a string or null")
    raw_expires = item.get("expires")
    expires = None if raw_expires is None else finite_number(raw_expires)
    if raw_expires is not None and expires is None:
        raise fail(file_path, f"cookie #{index} field 'expires' must be a finite number or null")
    creation = finite_number(item.get("creation"))
    if creation is None:
        raise fail(file_path, f"cookie #{index} field 'creation' must be a finite number")
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


def read_jar_file(file_path: str | os.PathLike[str], now: float) -> list[SavedCookie]:
    """Read and validate a jar file; raise ``CookieFileFormatError`` for anything else.

    ``now`` turns the relative ``max-age`` of older aiohttp files into a deadline. A file that
    is not JSON goes to the restricted pickle loader, which refuses every class but the cookie
    containers (``CookiePickleError``) and never runs code from the file.
    """
    data = Path(file_path).read_bytes()
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return read_cookie_pickle(file_path, data, now)
    except RecursionError:
        raise fail(file_path, "it is not JSON (nested too deeply)") from None
    except ValueError as exc:
        # The JSON grammar holds, but Python refuses a value (an integer over 4300 digits).
        raise fail(file_path, f"it holds a JSON value Python cannot read ({exc})") from None
    if _looks_like_aiohttp(document):
        return from_aiohttp_layout(file_path, document.items(), now)
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT_NAME
        or not isinstance(document.get("cookies"), list)
    ):
        raise fail(file_path, "JSON that is neither aiohttp's jar layout nor httpwire's")
    if document.get("version") != FORMAT_VERSION:
        raise fail(file_path, f"unsupported version {document.get('version')!r}")
    return [_check_cookie(file_path, i, item) for i, item in enumerate(document["cookies"])]


def _looks_like_aiohttp(document: Any) -> bool:
    """aiohttp 3.14's layout: ``{"domain|path": {name: {"key": ..., ...}}}``."""
    return (
        isinstance(document, dict)
        and "format" not in document
        and all(isinstance(key, str) and "|" in key for key in document)
        and all(isinstance(bucket, dict) for bucket in document.values())
    )
