"""Hostile and malformed input: every case ends in an ignored cookie or a typed error."""

from __future__ import annotations

from http.cookies import Morsel

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from httpwire_cookies import CookieJar, InvalidCookieError

NOW = 1_700_000_000.0
URLS = ["http://example.com/", "https://www.example.com/a/b", "http://10.0.0.1/", "http://x/"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.text(max_size=200), max_size=5),
    st.sampled_from(URLS),
    st.sampled_from(URLS),
    st.booleans(),
)
def test_random_headers_never_crash(
    fields: list[str], source: str, target: str, quote_cookie: bool
) -> None:
    jar = CookieJar(clock=lambda: NOW, quote_cookie=quote_cookie)
    jar.update_cookies_from_headers(fields, URL(source))
    header = jar.cookie_header(URL(target))
    assert not {"\r", "\n", "\x00"} & set(header)
    # No value adds a cookie: one "; " between pairs and no other ";".
    assert header.count(";") == max(len(jar.cookie_pairs(URL(target))) - 1, 0)
    assert len(jar.filter_cookies(URL(target))) <= len(jar)
    list(jar)


_ATTRIBUTE = st.sampled_from(
    ["Path", "Domain", "Expires", "Max-Age", "Secure", "HttpOnly", "SameSite", "x"]
)


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(_ATTRIBUTE, st.text(alphabet=' .=-/;,:0123456789abcxyzJanGMT\t"', max_size=30)),
        max_size=6,
    )
)
def test_random_attributes_never_crash(attributes: list[tuple[str, str]]) -> None:
    field = "a=b" + "".join(f"; {name}={value}" for name, value in attributes)
    jar = CookieJar(clock=lambda: NOW)
    jar.update_cookies_from_headers([field], URL("https://www.example.com/a/b"))
    assert len(jar) <= 1
    jar.cookie_header(URL("https://www.example.com/a/b/c"))


def test_huge_header_is_ignored_quickly() -> None:
    jar = CookieJar(clock=lambda: NOW)
    jar.update_cookies_from_headers(
        ["a=" + "x" * 10_000_000, "b=1; " + "; ".join(["Path=/"] * 100_000)],
        URL("http://example.com/"),
    )
    assert [m.key for m in jar] == ["b"]


def test_many_cookies_are_bounded() -> None:
    jar = CookieJar(clock=lambda: NOW)
    fields = [f"c{i}=v" for i in range(1000)]
    jar.update_cookies_from_headers(fields, URL("http://example.com/"))
    assert len(jar) == 50
    for start in range(0, 1000, 50):
        jar.update_cookies_from_headers(fields[start : start + 50], URL("http://example.com/"))
        assert len(jar) <= 180
    # A full domain is trimmed to 150, then refilled.
    assert len(jar) >= 150


def test_non_string_header_raises_type_error() -> None:
    jar = CookieJar()
    with pytest.raises(TypeError, match="str"):
        jar.update_cookies_from_headers([b"a=1"], URL("http://example.com/"))  # type: ignore[list-item]


def test_empty_header_list_is_a_no_op() -> None:
    jar = CookieJar()
    jar.update_cookies_from_headers([], URL("http://example.com/"))
    assert len(jar) == 0


def test_response_url_without_host_gives_shared_cookies() -> None:
    jar = CookieJar(clock=lambda: NOW)
    jar.update_cookies_from_headers(["a=1"], URL("/relative/path"))
    assert jar.cookie_header(URL("http://anywhere.example/relative/x")) == "a=1"
    assert jar.cookie_header(URL("http://anywhere.example/")) == ""


def test_request_url_without_host_gets_only_shared_cookies() -> None:
    jar = CookieJar(clock=lambda: NOW)
    jar.update_cookies_from_headers(["a=1"], URL("http://example.com/"))
    jar.update_cookies({"s": "2"})
    assert jar.cookie_header(URL("/x")) == "s=2"
    assert jar.cookie_header(URL()) == "s=2"


def test_morsel_with_bad_coded_value_raises() -> None:
    morsel: Morsel[str] = Morsel()
    morsel.__setstate__({"key": "a", "value": "v", "coded_value": "v\r\nX: y"})  # type: ignore[attr-defined]
    jar = CookieJar()
    with pytest.raises(InvalidCookieError):
        jar.update_cookies({"a": morsel}, URL("http://example.com/"))


def test_non_string_values_are_converted_like_simplecookie() -> None:
    jar = CookieJar(clock=lambda: NOW)
    jar.update_cookies({"n": 5}, URL("http://example.com/"))  # type: ignore[arg-type]
    assert jar.cookie_header(URL("http://example.com/")) == "n=5"


def test_non_string_name_raises() -> None:
    jar = CookieJar()
    with pytest.raises(InvalidCookieError):
        jar.update_cookies([(5, "v")], URL("http://example.com/"))  # type: ignore[list-item]


@pytest.mark.parametrize("cookies", ["a=1", b"a=1", [("a", "1", "extra")], [5], ["abc"]])
def test_update_cookies_with_malformed_pairs_raises_type_error(cookies: object) -> None:
    jar = CookieJar()
    with pytest.raises(TypeError):
        jar.update_cookies(cookies, URL("http://example.com/"))  # type: ignore[arg-type]
    assert len(jar) == 0


def test_single_string_instead_of_a_sequence_raises() -> None:
    jar = CookieJar()
    with pytest.raises(TypeError, match="sequence"):
        jar.update_cookies_from_headers("a=1; Path=/", URL("http://example.com/"))
