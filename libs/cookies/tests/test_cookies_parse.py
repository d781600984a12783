"""Set-Cookie parsing (RFC 6265 §5.2) without a jar."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpwire_cookies import ParsedSetCookie, parse_set_cookie, unquote_cookie_value
from httpwire_cookies._parse import _split_quoted_attributes


def test_name_value_and_every_attribute() -> None:
    parsed = parse_set_cookie(
        "sid = a b ; Path=/app; Domain=.Example.COM; Expires=Wed, 21 Oct 2037 07:28:00 GMT;"
        " Max-Age=60; Secure; HttpOnly; SameSite=lax; Unknown=1"
    )
    assert parsed == ParsedSetCookie(
        "sid",
        "a b",
        path="/app",
        domain="example.com",
        expires=2139722880.0,
        max_age=60,
        secure=True,
        http_only=True,
        same_site="Lax",
    )
    assert "sid" in repr(parsed)
    assert "max_age=60" in repr(parsed)


@pytest.mark.parametrize(
    "field", ["", "foo", "=bar", " =bar", ";a=b", "\x00a=b", "a=b\rc", "a=b\x7f"]
)
def test_ignored_fields(field: str) -> None:
    assert parse_set_cookie(field) is None


def test_value_is_kept_raw() -> None:
    parsed = parse_set_cookie('a="x;y"')
    assert parsed is not None
    assert parsed.value == '"x'
    parsed = parse_set_cookie("a=b=c, d")
    assert parsed is not None
    assert (parsed.name, parsed.value) == ("a", "b=c, d")


def test_tab_is_whitespace_not_a_control() -> None:
    parsed = parse_set_cookie("\ta\t=\tb c\t;\tpath\t=\t/x")
    assert parsed is not None
    assert (parsed.name, parsed.value, parsed.path) == ("a", "b c", "/x")


def test_last_valid_attribute_wins() -> None:
    parsed = parse_set_cookie(
        "a=b; Max-Age=10; Max-Age=x; Expires=never; Expires=Wed, 21 Oct 2037 07:28:00 GMT;"
        " Expires=bogus; Path=/x; Path=/y; Domain=a.com; Domain="
    )
    assert parsed is not None
    assert parsed.max_age == 10
    assert parsed.expires == 2139722880.0
    assert parsed.path == "/y"
    assert parsed.domain == "a.com"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", 10),
        ("-5", -5),
        ("0", 0),
        ("-0", 0),
        ("1e3", None),
        ("+5", None),
        ("", None),
        ("-", None),
        (" 7", 7),
        ("5 ", 5),
        ("9" * 30, 10**12),
        ("-" + "9" * 30, -1),
        ("9" * 13, 10**12),
        ("0" * 11 + "10", 10),
        ("\u0663", None),
        ("\u00b2", None),
    ],
)
def test_max_age_values(text: str, expected: int | None) -> None:
    parsed = parse_set_cookie(f"a=b; Max-Age={text}")
    assert parsed is not None
    assert parsed.max_age == expected


def test_path_not_starting_with_slash_means_default() -> None:
    for field in ("a=b; Path=", "a=b; Path=x/y", "a=b; Path"):
        parsed = parse_set_cookie(field)
        assert parsed is not None
        assert parsed.path == ""
    parsed = parse_set_cookie("a=b")
    assert parsed is not None
    assert parsed.path is None


def test_domain_forms() -> None:
    def domain(field: str) -> str | None:
        parsed = parse_set_cookie(field)
        assert parsed is not None
        return parsed.domain

    assert domain("a=b; Domain=.") == ""
    assert domain("a=b; Domain=") is None
    assert domain("a=b; Domain=..x.com") == ".x.com"
    assert domain("a=b; Domain=X.com.") == "x.com."


def test_overlong_attribute_values_are_ignored() -> None:
    parsed = parse_set_cookie("a=b; Path=/" + "x" * 1024 + "; Domain=" + "d" * 1025)
    assert parsed is not None
    assert parsed.path is None
    assert parsed.domain is None


def test_parsed_cookie_equality() -> None:
    assert ParsedSetCookie("a", "b") == ParsedSetCookie("a", "b")
    assert ParsedSetCookie("a", "b") != ParsedSetCookie("a", "c")
    assert ParsedSetCookie("a", "b").__eq__(object()) is NotImplemented


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ('"abc"', "abc"),
        ('"a\\"b"', 'a"b'),
        ('"a\\073b"', "a;b"),
        ('"a\\\\b"', "a\\b"),
        ('"', '"'),
        ("abc", "abc"),
        ('"abc', '"abc'),
        ('""', ""),
    ],
)
def test_unquote_cookie_value(raw: str, value: str) -> None:
    assert unquote_cookie_value(raw) == value


@settings(max_examples=300)
@given(st.text())
def test_parser_never_raises(field: str) -> None:
    parsed = parse_set_cookie(field)
    if parsed is not None:
        assert parsed.name
        assert parsed.name == parsed.name.strip(" \t")
        assert ";" not in parsed.name + parsed.value


@settings(max_examples=200)
@given(
    st.text(alphabet=st.characters(blacklist_characters=";=\x7f", min_codepoint=0x21), min_size=1),
    st.text(alphabet=st.characters(blacklist_characters=";\x7f", min_codepoint=0x21)),
)
def test_simple_pairs_round_trip(name: str, value: str) -> None:
    parsed = parse_set_cookie(f"{name}={value}")
    assert parsed is not None
    assert (parsed.name, parsed.value) == (name, value)


# -- quoted attribute values (aiohttp 3.14's reading, issue 16) ----------------------------


@pytest.mark.parametrize(
    ("attributes", "path", "domain", "secure"),
    [
        ('Path="/a;b"', "/a;b", None, False),
        ('Path = "/a;b" ; Secure', "/a;b", None, True),
        ('Path="/a;b";Secure', "/a;b", None, True),
        ('Path="/a\\"b"', '/a"b', None, False),
        ('Path="/a\\073b"', "/a;b", None, False),
        ('Path="/a;b"; Path=/z', "/z", None, False),
        ('Path=/z; Path="/a;b"', "/a;b", None, False),
        ('Domain="Example.COM"', None, "example.com", False),
        ('Domain=".example.com"; Path="/p"', "/p", "example.com", False),
        ('Secure="x;y"; Path=/p', "/p", None, True),
        # Not quoted strings: no closing quote, text after it, or a quote inside the value.
        ('Path="/a;b', "", None, False),
        ('Path="/a"x; Secure', "", None, True),
        ('Path="/a;b" Secure', "", None, False),
        ('Path=/a";b"', '/a"', None, False),
        # Unquoting to a control character ignores the attribute; an empty result is empty.
        ('Path="/a\\012b"', None, None, False),
        ('Path=/x; Path="/a\\000"', "/x", None, False),
        ('Path=""', "", None, False),
        ('Domain=""', None, None, False),
    ],
)
def test_quoted_attribute_values(
    attributes: str, path: str | None, domain: str | None, secure: bool
) -> None:
    parsed = parse_set_cookie("c=1; " + attributes)
    assert parsed is not None
    assert (parsed.name, parsed.value) == ("c", "1")
    assert (parsed.path, parsed.domain, parsed.secure) == (path, domain, secure)


@pytest.mark.parametrize(
    ("attribute", "max_age", "same_site", "expires"),
    [
        ('Max-Age="100"', 100, None, None),
        ('SameSite="Strict"', None, "Strict", None),
        ('Expires="Wed, 21 Oct 2037 07:28:00 GMT"', None, None, 2139722880.0),
    ],
)
def test_other_quoted_attributes_are_unquoted_too(
    attribute: str, max_age: int | None, same_site: str | None, expires: float | None
) -> None:
    parsed = parse_set_cookie("c=1; " + attribute)
    assert parsed is not None
    assert (parsed.max_age, parsed.same_site, parsed.expires) == (max_age, same_site, expires)


def test_oversize_quoted_attribute_is_ignored_before_unquoting() -> None:
    parsed = parse_set_cookie('c=1; Path="/' + "a;" * 600 + '"')
    assert parsed is not None
    assert parsed.path is None


@settings(max_examples=300)
@given(st.text(alphabet="a/;= \t", max_size=40))
def test_without_quotes_attributes_split_at_every_semicolon(attributes: str) -> None:
    assert _split_quoted_attributes(attributes) == attributes.split(";")


@settings(max_examples=300)
@given(st.text(alphabet='/ab;"\\ =', max_size=30))
def test_any_path_survives_quoting(path: str) -> None:
    quoted = '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'
    parsed = parse_set_cookie(f"c=1; Path={quoted}; Secure")
    assert parsed is not None
    assert parsed.secure
    # Blanks inside the quotes belong to the path.
    assert parsed.path == (path if path[:1] == "/" else "")


@pytest.mark.parametrize("flag", ["Secure", "HttpOnly"])
def test_flags_with_an_oversize_value_are_still_set(flag: str) -> None:
    # Dropping Secure for a long value would send the cookie over plain HTTP (as aiohttp).
    parsed = parse_set_cookie(f"sid=1; {flag}={'x' * 1025}")
    assert parsed is not None
    assert (parsed.secure, parsed.http_only) == (flag == "Secure", flag == "HttpOnly")
