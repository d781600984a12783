"""``DummyCookieJar``: a jar that keeps nothing, for crawlers and proxies that must not."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from http.cookies import BaseCookie, Morsel, SimpleCookie
from types import MappingProxyType

from yarl import URL

from ._abc import _NO_URL, AbstractCookieJar, ClearCookiePredicate, LooseCookies

__all__ = ["DummyCookieJar"]


class DummyCookieJar(AbstractCookieJar):
    """A jar that stores nothing: for crawlers and proxies that must not keep cookies."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<DummyCookieJar>"

    @property
    def unsafe(self) -> bool:
        """Always False: the dummy jar accepts nothing from anywhere."""
        return False

    @property
    def quote_cookie(self) -> bool:
        """Always True, the ``CookieJar`` default."""
        return True

    @property
    def cookies(self) -> MappingProxyType[tuple[str, str], BaseCookie[str]]:
        """Always empty."""
        return MappingProxyType({})

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        """Always empty."""
        return frozenset()

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> Iterator[Morsel[str]]:
        return iter(())

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Nothing to remove."""

    def clear_domain(self, domain: str) -> None:
        """Nothing to remove."""

    def update_cookies(self, cookies: LooseCookies, response_url: URL | str = _NO_URL) -> None:
        """Ignore the cookies."""

    def update_cookies_from_headers(self, headers: Sequence[str], response_url: URL | str) -> None:
        """Ignore the fields without parsing them."""

    def filter_cookies(self, request_url: URL | str = _NO_URL) -> BaseCookie[str]:
        """An empty ``SimpleCookie``."""
        return SimpleCookie()

    def cookie_header(self, request_url: URL | str) -> str:
        """Always empty."""
        return ""
