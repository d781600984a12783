"""Reading the pickled jars of aiohttp before 3.14, without letting the file run code.

House rules: unpickling is restricted to the containers such a jar holds (``SimpleCookie``,
``BaseCookie``, ``Morsel``, ``defaultdict`` and the builtin ``dict``, ``tuple``, ``list``,
``set``, ``frozenset``); any other global, an extension code or a persistent ID raises
``CookiePickleError`` before anything is called. Pickles can only *call* what ``find_class``
returns, so a payload naming ``os.system``, ``eval`` or ``subprocess`` never reaches it. The
result is then checked like a JSON file: a mapping of ``(domain, path)`` to a mapping of names
to ``Morsel`` objects, whose attributes go through ``_storage.from_aiohttp_layout``.
"""

from __future__ import annotations

import io
import os
import pickle
from collections import defaultdict
from collections.abc import Mapping
from http.cookies import BaseCookie, Morsel, SimpleCookie
from typing import Any, Final

from ._layout import SavedCookie, fail, from_aiohttp_layout
from .exceptions import CookiePickleError

__all__: list[str] = []

_COOKIE_TYPES: Final[Mapping[str, type]] = {
    "SimpleCookie": SimpleCookie,
    "BaseCookie": BaseCookie,
    "Morsel": Morsel,
}
_BUILTIN_TYPES: Final[Mapping[str, type]] = {
    t.__name__: t for t in (dict, tuple, list, set, frozenset)
}
# Protocols 0-2 write Python 2's module names ("Cookie", "__builtin__") for these.
_ALLOWED: Final[Mapping[tuple[str, str], type]] = {
    **{
        (module, name): t
        for module in ("http.cookies", "Cookie")
        for name, t in _COOKIE_TYPES.items()
    },
    **{
        (module, name): t
        for module in ("builtins", "__builtin__")
        for name, t in _BUILTIN_TYPES.items()
    },
    ("collections", "defaultdict"): defaultdict,
}
# The Morsel attributes carried over (the others, comment and version, mean nothing here).
_ATTRIBUTES: Final = ("path", "domain", "secure", "httponly", "samesite", "max-age", "expires")


class _CookieUnpickler(pickle.Unpickler):
    """An unpickler whose globals are the cookie containers only."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED.get((module, name))
        if allowed is None:
            raise CookiePickleError(
                f"Forbidden class: {module}.{name}; a cookie jar pickle holds only cookie"
                " containers, and nothing else is ever unpickled (it could run code)"
            )
        return allowed

    def persistent_load(self, pid: Any) -> Any:
        raise CookiePickleError("Forbidden persistent ID in a cookie jar pickle")


def _entry(morsel: Morsel[str]) -> dict[str, object]:
    entry: dict[str, object] = {
        "key": morsel.key,
        "value": morsel.value,
        "coded_value": morsel.coded_value,
    }
    for attribute in _ATTRIBUTES:
        value = dict.get(morsel, attribute)
        if value:
            entry[attribute] = value
    return entry


def read_cookie_pickle(
    file_path: str | os.PathLike[str], data: bytes, now: float
) -> list[SavedCookie]:
    """The cookies of a jar pickled by aiohttp before 3.14 (``{(domain, path): SimpleCookie}``).

    Raises ``CookiePickleError`` for a pickle naming anything but the cookie containers and
    ``CookieFileFormatError`` for any other file that is neither JSON nor such a pickle.
    """
    try:
        loaded = _CookieUnpickler(io.BytesIO(data)).load()
    except CookiePickleError:
        raise
    except Exception as exc:  # a damaged pickle raises many types; all mean "not a jar"
        raise fail(file_path, f"it is neither JSON nor a cookie jar pickle ({exc!r:.80})") from exc
    if not isinstance(loaded, Mapping):
        raise fail(file_path, "the pickle does not hold a mapping of cookies")
    buckets: list[tuple[str, dict[str, object]]] = []
    for key, cookies in loaded.items():
        if (
            not isinstance(key, tuple)
            or len(key) != 2
            or not all(isinstance(part, str) for part in key)
            or not isinstance(cookies, Mapping)
        ):
            raise fail(file_path, "the pickle is not a mapping of (domain, path) to cookies")
        bucket: dict[str, object] = {}
        for name, morsel in cookies.items():
            if not isinstance(name, str) or not isinstance(morsel, Morsel):
                raise fail(file_path, f"the pickled cookie {name!r} is not a Morsel")
            bucket[name] = _entry(morsel)
        buckets.append((f"{key[0]}|{key[1]}", bucket))
    return from_aiohttp_layout(file_path, buckets, now)
