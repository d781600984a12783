"""The exceptions of httpwire-cookies, one hierarchy with a single root.

::

    CookieJarError
    ├── InvalidCookieError (also ValueError)      a cookie given by the program cannot be stored
    ├── InvalidCookieURLError (also ValueError)   a URL string that cannot be parsed
    └── CookieFileError                           saving or loading a jar file failed
        └── CookieFileFormatError (also ValueError)  not a jar file: pickle, not JSON, bad schema

Cookies received from servers never raise: RFC 6265 says to ignore what cannot be used, and the
jar does. Operating-system errors from ``save``/``load`` (missing file, permissions) propagate as
the usual ``OSError`` subclasses.
"""

from __future__ import annotations

__all__ = [
    "CookieFileError",
    "CookieFileFormatError",
    "CookieJarError",
    "InvalidCookieError",
    "InvalidCookieURLError",
]


class CookieJarError(Exception):
    """Root of every exception raised by httpwire-cookies."""


class InvalidCookieError(CookieJarError, ValueError):
    """A cookie passed to ``update_cookies`` by the program has an unusable name or value.

    Raised before anything is stored, so a call either stores all its cookies or none.
    """


class InvalidCookieURLError(CookieJarError, ValueError):
    """A URL given as a string could not be parsed."""


class CookieFileError(CookieJarError):
    """Saving or loading a cookie jar file failed for a reason other than an ``OSError``."""


class CookieFileFormatError(CookieFileError, ValueError):
    """The file is not an httpwire-cookies JSON jar file (for example a pickle, which is never
    loaded because unpickling can run code)."""
