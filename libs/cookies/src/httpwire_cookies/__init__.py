"""httpwire-cookies: an RFC 6265 cookie jar with aiohttp's ``CookieJar`` API, without asyncio.

The public API, assembled explicitly from the private modules.
"""

from __future__ import annotations

import logging

from ._abc import AbstractCookieJar, ClearCookiePredicate, LooseCookies
from ._date import format_cookie_date, parse_cookie_date
from ._dummy import DummyCookieJar
from ._jar import CookieJar
from ._match import (
    default_path,
    domain_match,
    is_ip_address,
    is_loopback_host,
    is_single_label_domain,
    path_match,
)
from ._parse import ParsedSetCookie, parse_max_age, parse_set_cookie, unquote_cookie_value
from ._storage import FORMAT_NAME, FORMAT_VERSION, SavedCookie
from ._version import __version__
from .exceptions import (
    CookieFileError,
    CookieFileFormatError,
    CookieJarError,
    CookiePickleError,
    InvalidCookieError,
    InvalidCookieURLError,
)

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "AbstractCookieJar",
    "ClearCookiePredicate",
    "CookieFileError",
    "CookieFileFormatError",
    "CookieJar",
    "CookieJarError",
    "CookiePickleError",
    "DummyCookieJar",
    "InvalidCookieError",
    "InvalidCookieURLError",
    "LooseCookies",
    "ParsedSetCookie",
    "SavedCookie",
    "__version__",
    "default_path",
    "domain_match",
    "format_cookie_date",
    "is_ip_address",
    "is_loopback_host",
    "is_single_label_domain",
    "parse_cookie_date",
    "parse_max_age",
    "parse_set_cookie",
    "path_match",
    "unquote_cookie_value",
]

for _name in __all__:
    _obj = globals()[_name]
    if callable(_obj) and getattr(_obj, "__module__", "").startswith("httpwire_cookies."):
        _obj.__module__ = __name__
del _name, _obj

logging.getLogger("httpwire.cookies").addHandler(logging.NullHandler())
