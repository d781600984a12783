"""httpwire.hdrs: header-name and method constants with aiohttp.hdrs' names, values and types."""

from __future__ import annotations

import importlib
import re
import types
from typing import Any

import pytest
from multidict import CIMultiDict, istr

from httpwire import hdrs

METHODS: frozenset[str] = frozenset(
    {"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"}
)
NON_HEADER_NAMES: frozenset[str] = frozenset(
    {"HOST_ALL", "METH_ALL", "METH_ANY"} | {f"METH_{m}" for m in METHODS}
)
HEADER_NAMES: list[str] = sorted(set(hdrs.__all__) - NON_HEADER_NAMES)

# RFC 9110 section 5.6.2: field-name = token = 1*tchar.
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _public(module: types.ModuleType) -> dict[str, Any]:
    """The module's public constants: no underscore, and not an imported module or typing form."""
    return {
        name: value
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and getattr(value, "__module__", None) != "typing"
    }


# --- __all__ -----------------------------------------------------------------------------------


def test_all_has_no_duplicates() -> None:
    assert len(hdrs.__all__) == len(set(hdrs.__all__))


def test_all_is_exactly_the_public_constants() -> None:
    assert set(hdrs.__all__) == set(_public(hdrs))


def test_incidental_imports_are_not_public() -> None:
    for name in ("Final", "istr", "itertools"):
        assert name not in hdrs.__all__
    # Neither a bare `istr` / `itertools` nor the `annotations` a __future__ import would leave.
    for name in ("istr", "itertools", "annotations"):
        assert name not in vars(hdrs)


def test_star_import_gives_all() -> None:
    namespace: dict[str, Any] = {}
    exec("from httpwire.hdrs import *", namespace)
    namespace.pop("__builtins__")
    assert set(namespace) == set(hdrs.__all__)


def test_importable_as_submodule_of_the_package() -> None:
    from httpwire import hdrs as again

    assert again is importlib.import_module("httpwire.hdrs")
    assert again.CONTENT_TYPE == "Content-Type"


# --- header names ------------------------------------------------------------------------------


def test_there_are_header_constants() -> None:
    assert len(HEADER_NAMES) > 100


@pytest.mark.parametrize("name", HEADER_NAMES)
def test_header_constant_is_istr_named_after_its_header(name: str) -> None:
    value = getattr(hdrs, name)
    assert type(value) is istr
    # CONTENT_TYPE is "Content-Type" in some case; SEC_WEBSOCKET_KEY1 is "Sec-WebSocket-Key1".
    assert value.upper().replace("-", "_") == name


@pytest.mark.parametrize("name", HEADER_NAMES)
def test_header_name_is_an_rfc9110_token(name: str) -> None:
    value = getattr(hdrs, name)
    assert TOKEN.fullmatch(value), value
    assert value == value.strip()


def test_header_values_are_unique_case_insensitively() -> None:
    lowered = [getattr(hdrs, name).lower() for name in HEADER_NAMES]
    assert len(lowered) == len(set(lowered))


@pytest.mark.parametrize(
    ("name", "spelling"),
    [
        ("ACCEPT", "Accept"),
        ("ACCEPT_CH", "Accept-CH"),
        ("CDN_CACHE_CONTROL", "CDN-Cache-Control"),
        ("CONTENT_ID", "Content-ID"),
        ("CONTENT_LENGTH", "Content-Length"),
        ("CONTENT_MD5", "Content-MD5"),
        ("CONTENT_TYPE", "Content-Type"),
        ("ETAG", "Etag"),  # aiohttp's spelling, kept for equal values
        ("HOST", "Host"),
        ("LAST_EVENT_ID", "Last-Event-ID"),
        ("NEL", "NEL"),
        ("SEC_CH_UA", "Sec-CH-UA"),
        ("SEC_GPC", "Sec-GPC"),
        ("SEC_WEBSOCKET_ACCEPT", "Sec-WebSocket-Accept"),
        ("SEC_WEBSOCKET_KEY1", "Sec-WebSocket-Key1"),
        ("SET_COOKIE", "Set-Cookie"),
        ("TE", "TE"),
        ("TRACEPARENT", "traceparent"),
        ("BAGGAGE", "baggage"),
        ("URI", "URI"),
        ("WWW_AUTHENTICATE", "WWW-Authenticate"),
        ("X_RATELIMIT_REMAINING", "X-RateLimit-Remaining"),
        ("X_REAL_IP", "X-Real-IP"),
        ("X_REQUEST_ID", "X-Request-ID"),
        ("X_XSS_PROTECTION", "X-XSS-Protection"),
    ],
)
def test_canonical_spelling(name: str, spelling: str) -> None:
    value = getattr(hdrs, name)
    assert str(value) == spelling
    assert value == spelling


def test_header_constants_look_up_case_insensitively() -> None:
    headers = CIMultiDict({"content-type": "text/plain", "SET-COOKIE": "a=1"})
    assert headers[hdrs.CONTENT_TYPE] == "text/plain"
    assert headers.getall(hdrs.SET_COOKIE) == ["a=1"]
    assert hdrs.ETAG in CIMultiDict({"ETag": '"x"'})


# --- methods and HOST_ALL ----------------------------------------------------------------------


@pytest.mark.parametrize("method", sorted(METHODS))
def test_method_constant_is_a_plain_str(method: str) -> None:
    value = getattr(hdrs, f"METH_{method}")
    assert type(value) is str
    assert value == method
    assert value in hdrs.METH_ALL


def test_meth_any() -> None:
    assert type(hdrs.METH_ANY) is str
    assert hdrs.METH_ANY == "*"
    assert hdrs.METH_ANY not in hdrs.METH_ALL


def test_meth_all_is_a_set_of_the_nine_methods() -> None:
    assert type(hdrs.METH_ALL) is set
    assert hdrs.METH_ALL == METHODS
    assert all(type(m) is str for m in hdrs.METH_ALL)


def test_host_all_is_every_case_spelling_of_host() -> None:
    assert type(hdrs.HOST_ALL) is frozenset
    assert len(hdrs.HOST_ALL) == 16
    assert all(type(s) is str and s.lower() == "host" for s in hdrs.HOST_ALL)
    assert {"host", "Host", "HOST", "hOsT"} <= hdrs.HOST_ALL
    assert "Hosts" not in hdrs.HOST_ALL


# --- parity with aiohttp -----------------------------------------------------------------------


def _aiohttp_public() -> dict[str, Any]:
    pytest.importorskip("aiohttp")
    theirs = importlib.import_module("aiohttp.hdrs")
    # aiohttp.hdrs has no __all__; drop its incidental imports (the istr class among them).
    return {n: v for n, v in _public(theirs).items() if not isinstance(v, type)}


def test_same_public_names_as_aiohttp() -> None:
    theirs = _aiohttp_public()
    ours = _public(hdrs)
    assert sorted(set(theirs) - set(ours)) == []
    assert sorted(set(ours) - set(theirs)) == []


def test_same_values_and_types_as_aiohttp() -> None:
    theirs = _aiohttp_public()
    for name, expected in theirs.items():
        value = getattr(hdrs, name)
        assert type(value) is type(expected), name
        assert value == expected, name
        if isinstance(expected, str):
            assert str(value) == str(expected), name
        else:
            assert sorted(map(type, value), key=str) == sorted(map(type, expected), key=str), name
