"""ClientResponse.cookies: one Morsel per Set-Cookie field, attributes as the server sent them."""

from __future__ import annotations

from httpwire import ClientSession
from httpwire._response_cookies import response_cookies

from .conftest import Server, reply


def test_an_unknown_attribute_never_becomes_a_cookie() -> None:
    cookies = response_cookies(["a=1; junk=xx; Path=/p", "b=2; Foo"])
    assert sorted(cookies) == ["a", "b"]
    assert cookies["a"].value == "1"
    assert cookies["a"]["path"] == "/p"


def test_attribute_words_are_valid_names_in_first_position() -> None:
    cookies = response_cookies(["path=unquoted", 'secure="quoted"; Secure'])
    assert cookies["path"].value == "unquoted"
    assert cookies["secure"].value == "quoted"
    assert cookies["secure"].coded_value == '"quoted"'
    assert cookies["secure"]["secure"] is True


def test_attributes_keep_the_servers_text() -> None:
    (morsel,) = response_cookies(
        [
            "s=v; Domain=.Example.COM; Expires=Mon, 31-May-2027 10:00:00 GMT; Max-Age=60; "
            "HttpOnly; SameSite=Lax; Path=/a; Path=/b"
        ]
    ).values()
    assert morsel["domain"] == ".Example.COM"
    assert morsel["expires"] == "Mon, 31-May-2027 10:00:00 GMT"
    assert morsel["max-age"] == "60"
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/b"  # the last occurrence wins


def test_fields_the_jar_would_ignore_are_left_out() -> None:
    cookies = response_cookies(["novalue", "=nameless", "ctl=a\x00b", "ok=1", "ok=2"])
    assert list(cookies) == ["ok"]
    assert cookies["ok"].value == "2"  # a later field with the same name replaces it


def test_an_oversized_or_control_attribute_is_dropped_not_the_cookie() -> None:
    (morsel,) = response_cookies(['c=1; Path="/a\\001"; Domain=' + "d" * 1025]).values()
    assert morsel.value == "1"
    assert morsel["path"] == ""
    assert morsel["domain"] == ""


def test_at_most_fifty_fields_are_read() -> None:
    cookies = response_cookies([f"c{i}=v" for i in range(60)])
    assert len(cookies) == 50
    assert "c49" in cookies
    assert "c50" not in cookies


async def test_response_cookies_end_to_end(server: Server) -> None:
    server.answer(
        "/c",
        reply(200, b"", [("Set-Cookie", "a=1; junk=x"), ("Set-Cookie", "path=p; HttpOnly")]),
    )
    async with ClientSession() as session, session.get(server.url("/c")) as resp:
        assert sorted(resp.cookies) == ["a", "path"]
        assert resp.cookies["path"]["httponly"] is True
