"""The exceptions of httpwire-cookies, one hierarchy with a single root.

::

    CookieJarError
    ├── InvalidCookieError (also ValueError, http.cookies.CookieError)  a program cookie is unusable
    ├── InvalidCookieURLError (also ValueError)   a URL string that cannot be parsed
    └── CookieFileError                           saving or loading a jar file failed
        └── CookieFileFormatError (also ValueError)  not a jar file: not JSON, bad schema
            └── CookiePickleError (also pickle.UnpicklingError)  a pickle naming other classes

Cookies received from servers never raise: RFC 6265 says to ignore what cannot be used, and the
jar does. Operating-system errors from ``save``/``load`` (missing file, permissions) propagate as
the usual ``OSError`` subclasses.
"""

from __future__ import annotations

import pickle
from http.cookies import CookieError

__all__ = [
    "CookieFileError",
    "CookieFileFormatError",
    "CookieJarError",
    "CookiePickleError",
    "InvalidCookieError",
    "InvalidCookieURLError",
]


class CookieJarError(Exception):
    """Root of every exception raised by httpwire-cookies."""


class InvalidCookieError(CookieJarError, CookieError, ValueError):
    """A cookie passed to ``update_cookies`` by the program has an unusable name or value.

    Raised before anything is stored, so a call either stores all its cookies or none. It is
    also an ``http.cookies.CookieError``, which aiohttp raises for an illegal name.
    """


class InvalidCookieURLError(CookieJarError, ValueError):
    """A URL given as a string could not be parsed."""


class CookieFileError(CookieJarError):
    """Saving or loading a cookie jar file failed for a reason other than an ``OSError``."""


class CookieFileFormatError(CookieFileError, ValueError):
    """The file is not a cookie jar file: not JSON in aiohttp's or httpwire's layout, nor a
    pickle of the cookie containers."""


class CookiePickleError(CookieFileFormatError, pickle.UnpicklingError):
    """A pickled jar names a class other than the cookie containers, so it is not loaded.

    ``load`` reads the pickles of aiohttp before 3.14 with a restricted unpickler; a pickle that
    would call anything else (``os.system``, ``eval``...) raises this before any call. It is
    also a ``pickle.UnpicklingError``, as aiohttp raises.
    """
