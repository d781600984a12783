"""HTTP Basic authentication (RFC 7617): ``BasicAuth`` and ``encode_basic_auth``."""

from __future__ import annotations

import base64
import binascii
import warnings
from typing import NamedTuple

from yarl import URL

__all__ = ["BasicAuth", "encode_basic_auth"]


def encode_basic_auth(login: str, password: str = "", encoding: str = "utf-8") -> str:
    """The ``Authorization`` value for ``login`` and ``password``: ``Basic <base64>``.

    What aiohttp 3.14 recommends instead of the deprecated ``BasicAuth``; a ``:`` in the login is
    refused (RFC 7617, section 2), since the server could not split the pair unambiguously.
    """
    if ":" in login:
        raise ValueError('A ":" is not allowed in login (RFC 7617#section-2)')
    creds = f"{login}:{password}".encode(encoding)
    return "Basic " + base64.b64encode(creds).decode(encoding)


class _BasicAuthFields(NamedTuple):
    login: str
    password: str
    encoding: str


class BasicAuth(_BasicAuthFields):
    """Basic credentials: a ``(login, password, encoding)`` named tuple.

    A ``:`` in the login is refused (the header could not be decoded unambiguously), and so is
    ``None`` for either part. Constructing one warns ``DeprecationWarning``, as in aiohttp 3.14
    (``encode_basic_auth()`` in an ``Authorization`` header replaces it); ``decode()``,
    ``from_url()`` and the client's own use of URL credentials do not warn.
    """

    __slots__ = ()

    def __new__(cls, login: str, password: str = "", encoding: str = "latin1") -> BasicAuth:
        if login is None:
            raise ValueError("None is not allowed as login value")
        if password is None:
            raise ValueError("None is not allowed as password value")
        if ":" in login:
            raise ValueError('A ":" is not allowed in login (RFC 1945#section-11.1)')
        warnings.warn(
            "BasicAuth is deprecated and will be removed in aiohttp 4.0; "
            "use aiohttp.encode_basic_auth() with "
            "headers={'Authorization': ...} instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return super().__new__(cls, login, password, encoding)

    @classmethod
    def decode(cls, auth_header: str, encoding: str = "latin1") -> BasicAuth:
        """The credentials in an ``Authorization: Basic ...`` value; ValueError if malformed."""
        try:
            auth_type, encoded = auth_header.split(" ", 1)
        except ValueError:
            raise ValueError("Could not parse authorization header.") from None
        if auth_type.lower() != "basic":
            raise ValueError(f"Unknown authorization method {auth_type}")
        try:
            decoded = base64.b64decode(encoded.encode("ascii"), validate=True).decode(encoding)
        except (binascii.Error, UnicodeError):
            raise ValueError("Invalid base64 encoding.") from None
        username, sep, password = decoded.partition(":")
        if not sep:
            raise ValueError("Invalid credentials.")
        return basic_auth_no_warn(username, password, encoding)

    @classmethod
    def from_url(cls, url: URL, *, encoding: str = "latin1") -> BasicAuth | None:
        """The credentials in ``url``'s userinfo, or ``None`` when it has none."""
        if not isinstance(url, URL):
            raise TypeError("url should be yarl.URL instance")
        if url.raw_user is None and url.raw_password is None:
            return None
        return basic_auth_no_warn(url.user or "", url.password or "", encoding)

    def encode(self) -> str:
        """The ``Authorization`` header value."""
        return encode_basic_auth(self.login, self.password, self.encoding)


def basic_auth_no_warn(login: str, password: str = "", encoding: str = "latin1") -> BasicAuth:
    """A ``BasicAuth`` built without the deprecation warning, for the client's own use."""
    return tuple.__new__(BasicAuth, (login, password, encoding))


_AUTH_DEPRECATED = (
    "The 'auth' parameter is deprecated and will be removed in v4; "
    "pass headers={'Authorization': aiohttp.encode_basic_auth(login, password)} instead"
)
_PROXY_AUTH_DEPRECATED = (
    "The 'proxy_auth' parameter is deprecated and will be removed in v4; "
    "pass proxy_headers={'Proxy-Authorization': aiohttp.encode_basic_auth(login, password)} "
    "instead"
)


def warn_auth_deprecated(auth: object, proxy_auth: object, stacklevel: int) -> None:
    """Warn as aiohttp 3.14 does when ``auth=`` or ``proxy_auth=`` is given.

    ``stacklevel`` counts from the caller of this function, as for ``warnings.warn``.
    """
    if auth is not None:
        warnings.warn(_AUTH_DEPRECATED, DeprecationWarning, stacklevel=stacklevel + 1)
    if proxy_auth is not None:
        warnings.warn(_PROXY_AUTH_DEPRECATED, DeprecationWarning, stacklevel=stacklevel + 1)
