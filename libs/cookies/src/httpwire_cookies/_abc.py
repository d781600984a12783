"""``AbstractCookieJar``: the interface a client needs from any cookie jar (aiohttp's API).

Clients depend on this class only, so a program can pass its own jar. Besides aiohttp's methods
it has ``cookie_header``, which gives the exact ``Cookie`` field value for a URL; the default
implementation builds it from ``filter_cookies`` and the built-in jar overrides it to keep
duplicate names and RFC 6265 §5.4 order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from http.cookies import BaseCookie, Morsel
from types import MappingProxyType
from typing import TypeAlias

from yarl import URL

from ._date import format_cookie_date
from ._parse import parse_set_cookie, unquote_cookie_value

__all__ = ["AbstractCookieJar", "ClearCookiePredicate", "LooseCookies"]

# The default response URL: no host, meaning "shared cookies, sent everywhere".
_NO_URL = URL()

ClearCookiePredicate: TypeAlias = Callable[["Morsel[str]"], bool]
"""A function given each cookie as a ``Morsel``; True means "remove it" (``clear``)."""

LooseCookies: TypeAlias = (
    "Mapping[str, str | Morsel[str]] | Iterable[tuple[str, str | Morsel[str]]] | BaseCookie[str]"
)
"""What ``update_cookies`` accepts: a mapping or an iterable of (name, value or Morsel) pairs."""


def _morsel(name: str, value: str) -> Morsel[str]:
    morsel: Morsel[str] = Morsel()
    # __setstate__ skips Morsel.set's key check: servers use names http.cookies refuses.
    morsel.__setstate__(  # type: ignore[attr-defined]
        {"key": name, "value": unquote_cookie_value(value), "coded_value": value}
    )
    return morsel


class AbstractCookieJar(Sized, Iterable["Morsel[str]"], ABC):
    """A cookie store used by a client: receives Set-Cookie fields, gives Cookie fields back."""

    __slots__ = ()

    def __init__(self, *, loop: object = None) -> None:
        """``loop`` is accepted for aiohttp compatibility and ignored: no event loop is used."""

    @property
    @abstractmethod
    def unsafe(self) -> bool:
        """Whether cookies are accepted from and sent to IP-address hosts."""

    @property
    @abstractmethod
    def quote_cookie(self) -> bool:
        """Whether values set by the program are double-quoted when they need it."""

    @property
    def treat_as_secure_origin(self) -> frozenset[URL]:
        """Origins that get Secure cookies even over plain HTTP (none by default)."""
        return frozenset()

    @property
    @abstractmethod
    def cookies(self) -> MappingProxyType[tuple[str, str], BaseCookie[str]]:
        """A read-only view of the cookies keyed by (domain, path)."""

    @property
    @abstractmethod
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        """The (domain, path, name) of every host-only cookie."""

    @abstractmethod
    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove every cookie, or those for which ``predicate(morsel)`` is true."""

    @abstractmethod
    def clear_domain(self, domain: str) -> None:
        """Remove the cookies of ``domain`` and of all its subdomains."""

    @abstractmethod
    def update_cookies(self, cookies: LooseCookies, response_url: URL = _NO_URL) -> None:
        """Store cookies given as names and values or Morsels, received from ``response_url``."""

    def update_cookies_from_headers(self, headers: Sequence[str], response_url: URL) -> None:
        """Store the cookies of a response's raw ``Set-Cookie`` field values, in order."""
        pairs: list[tuple[str, str | Morsel[str]]] = []
        for header in headers:
            parsed = parse_set_cookie(header)
            if parsed is None:
                continue
            morsel = _morsel(parsed.name, parsed.value)
            if parsed.domain is not None:
                morsel["domain"] = parsed.domain
            if parsed.path:
                morsel["path"] = parsed.path
            if parsed.max_age is not None:
                morsel["max-age"] = str(parsed.max_age)
            elif parsed.expires is not None:
                morsel["expires"] = format_cookie_date(parsed.expires)
            if parsed.secure:
                morsel["secure"] = True
            if parsed.http_only:
                morsel["httponly"] = True
            if parsed.same_site is not None:
                morsel["samesite"] = parsed.same_site
            pairs.append((parsed.name, morsel))
        if pairs:
            self.update_cookies(pairs, response_url)

    @abstractmethod
    def filter_cookies(self, request_url: URL) -> BaseCookie[str]:
        """The cookies to send to ``request_url``, one per name."""

    def cookie_header(self, request_url: URL) -> str:
        """The ``Cookie`` field value to send to ``request_url``; empty when there is none."""
        return "; ".join(
            f"{morsel.key}={morsel.coded_value}"
            for morsel in self.filter_cookies(request_url).values()
        )

    @abstractmethod
    def __len__(self) -> int:
        """The number of cookies stored."""

    @abstractmethod
    def __iter__(self) -> Iterator[Morsel[str]]:
        """Every stored cookie as a ``Morsel`` with its attributes."""
