"""``AbstractCookieJar``'s shared behaviour and ``DummyCookieJar``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from http.cookies import BaseCookie, Morsel, SimpleCookie
from types import MappingProxyType

import pytest
from yarl import URL

from httpwire_cookies import (
    AbstractCookieJar,
    ClearCookiePredicate,
    CookieJar,
    DummyCookieJar,
    LooseCookies,
)

NO_URL = URL()


class ListJar(AbstractCookieJar):
    """A minimal third-party jar: keeps the latest Morsel per name, sends all of them."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Morsel[str]]] = []

    @property
    def unsafe(self) -> bool:
        return False

    @property
    def quote_cookie(self) -> bool:
        return True

    @property
    def cookies(self) -> MappingProxyType[tuple[str, str], BaseCookie[str]]:
        return MappingProxyType({})

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        return frozenset()

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        self.received.clear()

    def clear_domain(self, domain: str) -> None:
        self.received.clear()

    def update_cookies(self, cookies: LooseCookies, response_url: URL = NO_URL) -> None:
        pairs = list(cookies.items()) if isinstance(cookies, Mapping) else list(cookies)
        for name, value in pairs:
            assert isinstance(value, Morsel)
            self.received.append((name, value))

    def filter_cookies(self, request_url: URL) -> BaseCookie[str]:
        result: SimpleCookie = SimpleCookie()
        for name, morsel in self.received:
            dict.__setitem__(result, name, morsel)
        return result

    def __len__(self) -> int:
        return len(self.received)

    def __iter__(self) -> Iterator[Morsel[str]]:
        return iter([m for _, m in self.received])


def test_default_update_from_headers_gives_morsels_with_attributes() -> None:
    jar = ListJar()
    jar.update_cookies_from_headers(
        [
            "a=1; Domain=example.com; Path=/p; Max-Age=5; Secure; HttpOnly; SameSite=None",
            'b="q v"; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
            "ignored",
            "weird name=x",
        ],
        URL("https://example.com/"),
    )
    morsels = dict(jar.received)
    assert list(morsels) == ["a", "b", "weird name"]
    a = morsels["a"]
    assert (a["domain"], a["path"], a["max-age"], a["secure"], a["httponly"], a["samesite"]) == (
        "example.com",
        "/p",
        "5",
        True,
        True,
        "None",
    )
    assert morsels["b"].value == "q v"
    assert morsels["b"].coded_value == '"q v"'
    assert morsels["b"]["expires"] == "Wed, 21 Oct 2037 07:28:00 GMT"
    assert jar.cookie_header(URL("https://example.com/")) == 'a=1; b="q v"; weird name=x'
    assert jar.treat_as_secure_origin == frozenset()


def test_default_update_from_headers_skips_empty_input() -> None:
    jar = ListJar()
    jar.update_cookies_from_headers(["garbage"], URL("http://example.com/"))
    assert len(jar) == 0


def test_builtin_jars_are_abstract_cookie_jars() -> None:
    assert isinstance(CookieJar(), AbstractCookieJar)
    assert isinstance(DummyCookieJar(), AbstractCookieJar)
    with pytest.raises(TypeError):
        AbstractCookieJar()  # type: ignore[abstract]


def test_dummy_jar_stores_nothing() -> None:
    jar = DummyCookieJar()
    jar.update_cookies({"a": "1"}, URL("http://example.com/"))
    jar.update_cookies_from_headers(["a=1"], URL("http://example.com/"))
    assert len(jar) == 0
    assert list(jar) == []
    assert jar.filter_cookies(URL("http://example.com/")) == SimpleCookie()
    assert isinstance(jar.filter_cookies(URL("http://example.com/")), SimpleCookie)
    assert jar.cookie_header(URL("http://example.com/")) == ""
    assert jar.unsafe is False
    assert jar.quote_cookie is True
    assert dict(jar.cookies) == {}
    assert jar.host_only_cookies == frozenset()
    assert jar.treat_as_secure_origin == frozenset()
    jar.clear()
    jar.clear(lambda m: True)
    jar.clear_domain("example.com")
    assert repr(jar) == "<DummyCookieJar>"


def test_public_classes_report_the_public_module() -> None:
    assert CookieJar.__module__ == "httpwire_cookies"
    assert DummyCookieJar.__module__ == "httpwire_cookies"
    assert AbstractCookieJar.__module__ == "httpwire_cookies"


def test_loop_argument_is_accepted_and_ignored() -> None:
    sentinel = object()
    assert len(CookieJar(loop=sentinel)) == 0
    assert len(DummyCookieJar(loop=sentinel)) == 0
