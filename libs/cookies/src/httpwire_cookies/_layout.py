"""aiohttp 3.14's jar file layout, in both directions: the JSON ``save`` writes and ``load`` reads.

House rules: pure conversion, no I/O. ``jar_document`` turns the jar's records into aiohttp's
``{"domain|path": {name: attributes}}`` object (plus a ``creation`` time that aiohttp ignores);
``from_aiohttp_layout`` checks such an object, as aiohttp or httpwire wrote it (or as the pickle
reader rebuilds it from ``Morsel`` objects), and gives the cookies it holds. A malformed entry
raises ``CookieFileFormatError``.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable
from operator import itemgetter
from typing import Any, TypedDict

from ._date import parse_cookie_date
from ._match import domain_match
from ._parse import parse_max_age
from .exceptions import CookieFileFormatError

__all__ = ["SavedCookie"]

_logger = logging.getLogger("httpwire.cookies")


class SavedCookie(TypedDict):
    """One cookie of a jar file, as ``CookieJar.save`` writes it and ``load`` reads it."""

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


def _bucket_keys(cookies: list[SavedCookie]) -> list[str]:
    """The ``"domain|path"`` key of each cookie: aiohttp's (trailing slashes removed).

    aiohttp's identity strips trailing slashes; httpwire's keeps the exact path, so ``/a`` and
    ``/a/`` may both hold a cookie of one name. The second then goes under its exact path, which
    no stripped key can equal; cookies without a trailing slash are placed first so that they
    always get their own key.
    """
    keys: list[str] = [""] * len(cookies)
    taken: set[tuple[str, str]] = set()
    trailing = [i for i, c in enumerate(cookies) if c["path"].endswith("/")]
    plain = [i for i, c in enumerate(cookies) if not c["path"].endswith("/")]
    for index in plain + trailing:
        cookie = cookies[index]
        key = f"{cookie['domain']}|{cookie['path'].rstrip('/')}"
        if (key, cookie["name"]) in taken:
            key = f"{cookie['domain']}|{cookie['path']}"
        taken.add((key, cookie["name"]))
        keys[index] = key
    return keys


def _entry(cookie: SavedCookie) -> dict[str, object]:
    """One cookie in aiohttp's layout (its Morsel attributes plus the jar's bookkeeping)."""
    entry: dict[str, object] = {
        "key": cookie["name"],
        "value": cookie["value"],
        "coded_value": cookie["coded_value"],
        "path": cookie["path"],
    }
    if cookie["domain"]:
        entry["domain"] = cookie["domain"]
    if cookie["secure"]:
        entry["secure"] = True
    if cookie["http_only"]:
        entry["httponly"] = True
    if cookie["same_site"]:
        entry["samesite"] = cookie["same_site"]
    if cookie["host_only"]:
        entry["host_only"] = True
    if cookie["expires"] is not None:
        entry["expires_timestamp"] = cookie["expires"]
    if cookie["creation"] is not None:
        entry["creation"] = cookie["creation"]
    return entry


def jar_document(cookies: list[SavedCookie]) -> dict[str, dict[str, dict[str, object]]]:
    """The JSON document ``save`` writes for ``cookies`` (given in creation order).

    Each entry gets its position in that order as ``order`` (aiohttp ignores it): the buckets
    group cookies by domain and path, and creation times may tie, so only the position lets
    ``load`` restore the RFC 6265 §5.4 order of a Cookie header exactly.
    """
    document: dict[str, dict[str, dict[str, object]]] = {}
    for order, (key, cookie) in enumerate(zip(_bucket_keys(cookies), cookies, strict=True)):
        entry = _entry(cookie)
        entry["order"] = order
        document.setdefault(key, {})[cookie["name"]] = entry
    return document


def fail(file_path: str | os.PathLike[str], why: str) -> CookieFileFormatError:
    return CookieFileFormatError(f"{os.fspath(file_path)!r} is not a cookie jar file: {why}")


def finite_number(value: object) -> float | None:
    """``value`` as a finite float; None for anything else (an int too big for a float too)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _deadline(
    file_path: str | os.PathLike[str], where: str, entry: dict[str, Any], now: float
) -> float | None:
    """The entry's expiry: ``expires_timestamp``, else its ``max-age`` or ``expires``."""
    raw = entry.get("expires_timestamp")
    if raw is not None:
        number: object = raw
        if isinstance(raw, str):
            try:
                number = float(raw)
            except ValueError as exc:
                raise _expiry_error(file_path, where) from exc
        result = finite_number(number)
        if result is None:
            raise _expiry_error(file_path, where) from ValueError(raw)
        return result
    max_age = entry.get("max-age")
    if isinstance(max_age, int | str) and not isinstance(max_age, bool) and str(max_age):
        seconds = parse_max_age(str(max_age).strip())
        if seconds is not None:
            return now + seconds if seconds > 0 else -1.0
    expires_attr = entry.get("expires")
    if isinstance(expires_attr, str) and expires_attr:
        return parse_cookie_date(expires_attr)
    return None


def _expiry_error(file_path: str | os.PathLike[str], where: str) -> CookieFileFormatError:
    return fail(file_path, f"{where}: expiration timestamp must be a finite number")


def _host_only(domain: str, entry: dict[str, Any]) -> bool:
    """Whether an entry is host-only: marked so, or without a Domain attribute (as aiohttp)."""
    return bool(entry.get("host_only")) or (bool(domain) and not entry.get("domain"))


def _cookie_domain(domain: str, entry: dict[str, Any]) -> str | None:
    """The domain an entry is stored under; None when aiohttp would refuse it.

    As aiohttp loads a file: the bucket's domain is the host that set the cookie, and an entry's
    ``domain`` attribute must domain-match it (a leading dot ignored).
    """
    attribute = entry.get("domain")
    if not domain or entry.get("host_only") or not isinstance(attribute, str) or not attribute:
        return domain
    attribute = attribute.removeprefix(".").lower()
    return attribute if domain_match(domain.lower(), attribute) else None


def from_aiohttp_layout(
    file_path: str | os.PathLike[str],
    buckets: Iterable[tuple[str, Any]],
    now: float,
) -> list[SavedCookie]:
    """The cookies of aiohttp's ``{"domain|path": {name: attributes}}`` layout, checked.

    Shared by the JSON reader and the pickle reader (which builds the same attributes from
    ``Morsel`` objects). Creation times are kept when the file has them (httpwire writes them);
    otherwise they are None. The cookies come in creation order when every entry has httpwire's
    ``order``, else in file order.
    """
    saved: list[SavedCookie] = []
    orders: list[object] = []
    for compound_key, bucket in buckets:
        domain, _, key_path = compound_key.partition("|")
        for name, entry in bucket.items():
            where = f"Cookie {name!r} in {compound_key!r}"
            if not isinstance(entry, dict):
                raise fail(file_path, f"{where} is not an object")
            for field in ("key", "value", "coded_value"):
                if not isinstance(entry.get(field), str):
                    raise fail(file_path, f"{where}: field {field!r} must be a string")
            path = entry.get("path") or key_path or "/"
            same_site = entry.get("samesite") or None
            if not isinstance(path, str) or (
                same_site is not None and not isinstance(same_site, str)
            ):
                raise fail(file_path, f"{where} has a non-string path or samesite")
            expires = _deadline(file_path, where, entry, now)
            creation = finite_number(entry.get("creation"))
            cookie_domain = _cookie_domain(domain, entry)
            if cookie_domain is None:
                _logger.warning(
                    "saved cookie %r for %s skipped: its Domain %r does not match the host",
                    name,
                    domain,
                    entry.get("domain"),
                )
                continue
            orders.append(entry.get("order"))
            saved.append(
                SavedCookie(
                    name=entry["key"] or str(name),
                    value=entry["value"],
                    coded_value=entry["coded_value"],
                    domain=cookie_domain,
                    path=path,
                    host_only=_host_only(domain, entry),
                    secure=bool(entry.get("secure")),
                    http_only=bool(entry.get("httponly")),
                    same_site=same_site,
                    expires=expires,
                    creation=creation,
                )
            )
    positions = [o for o in orders if isinstance(o, int) and not isinstance(o, bool)]
    if len(positions) == len(saved):
        pairs = sorted(zip(positions, saved, strict=True), key=itemgetter(0))
        return [cookie for _, cookie in pairs]
    return saved
