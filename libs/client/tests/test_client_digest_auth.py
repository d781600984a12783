"""DigestAuthMiddleware against a server that checks the answers (RFC 7616), and the RFC vectors."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Callable

import pytest

import httpwire
from httpwire import ClientSession, DigestAuthMiddleware
from httpwire._digest_auth import digest_response, parse_challenges

from .conftest import Received, Server, reply

_PARAM = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')
_HASH = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256", "SHA": "sha1"}


def _h(algorithm: str, data: str) -> str:
    return hashlib.new(_HASH[algorithm.upper().removesuffix("-SESS")], data.encode()).hexdigest()


def _expected(fields: dict[str, str], method: str, password: str, body: bytes) -> str:
    """The server's own computation of the answer (RFC 7616 §3.4.1), written independently."""
    alg = fields.get("algorithm", "MD5")
    ha1 = _h(alg, f"{fields['username']}:{fields['realm']}:{password}")
    if alg.upper().endswith("-SESS"):
        ha1 = _h(alg, f"{ha1}:{fields['nonce']}:{fields['cnonce']}")
    a2 = f"{method}:{fields['uri']}"
    if fields.get("qop") == "auth-int":
        a2 += ":" + hashlib.new(_HASH[alg.upper().removesuffix("-SESS")], body).hexdigest()
    ha2 = _h(alg, a2)
    if "qop" in fields:
        parts = [fields["nonce"], fields["nc"], fields["cnonce"], fields["qop"], ha2]
        return _h(alg, f"{ha1}:" + ":".join(parts))
    return _h(alg, f"{ha1}:{fields['nonce']}:{ha2}")


def _protected(
    server: Server,
    path: str,
    *,
    challenge: str,
    password: str = "pw",
    seen: list[dict[str, str]] | None = None,
) -> None:
    """A route answering 401 + ``challenge`` unless the Authorization header checks out."""

    @server.route(path)
    async def handler(req: Received, writer: asyncio.StreamWriter) -> bytes:
        auth = req.headers.get("Authorization", "")
        if auth.startswith("Digest "):
            fields = {m[0]: m[1] or m[2] for m in _PARAM.findall(auth[7:])}
            if seen is not None:
                seen.append(fields)
            if fields["response"] == _expected(fields, req.method, password, req.body):
                return reply(200, f"hello {fields['username']}")
        return reply(401, "who are you?", {"WWW-Authenticate": challenge})


@pytest.mark.parametrize(
    ("algorithm", "qop"),
    [
        ("MD5", "auth"),
        ("MD5", None),
        ("MD5-sess", "auth"),
        ("SHA-256", "auth"),
        ("SHA-256-SESS", "auth-int"),
        ("SHA-512-256", "auth"),
        ("SHA", "auth,auth-int"),
    ],
)
async def test_the_server_accepts_the_answer(
    server: Server, algorithm: str, qop: str | None
) -> None:
    challenge = f'Digest realm="r@x", nonce="n0nce", algorithm={algorithm}, opaque="op"'
    if qop:
        challenge += f', qop="{qop}"'
    seen: list[dict[str, str]] = []
    _protected(server, "/p", challenge=challenge, seen=seen)
    middleware = DigestAuthMiddleware("user", "pw")
    async with ClientSession(middlewares=(middleware,)) as session:
        async with session.post(server.url("/p?a=%20b"), data=b"body") as resp:
            assert resp.status == 200
            assert await resp.text() == "hello user"
    [fields] = seen
    assert fields["uri"] == server.requests[-1].target == "/p?a=%20b"  # as on the wire
    assert fields["algorithm"] == algorithm
    assert fields["opaque"] == "op"
    if qop:
        assert fields["qop"] == ("auth-int" if "auth-int" in qop else "auth")
        assert fields["nc"] == "00000001"
        assert re.fullmatch(r"[0-9a-f]{16}", fields["cnonce"])
    else:
        assert "qop" not in fields
    assert [r.body for r in server.requests] == [b"body", b"body"]
    assert len({r.connection for r in server.requests}) == 1  # the 401's connection is reused


async def test_preemptive_reuse_counts_the_nonce(server: Server) -> None:
    seen: list[dict[str, str]] = []
    _protected(server, "/p", challenge='Digest realm="r", nonce="abc", qop="auth"', seen=seen)
    async with ClientSession(middlewares=(DigestAuthMiddleware("user", "pw"),)) as session:
        for _ in range(3):
            async with session.get(server.url("/p")) as resp:
                assert resp.status == 200
    assert [r.headers.get("Authorization") is not None for r in server.requests] == [
        False,
        True,
        True,
        True,
    ]
    assert [f["nc"] for f in seen] == ["00000001", "00000002", "00000003"]


async def test_without_preemption_every_request_is_challenged(server: Server) -> None:
    _protected(server, "/p", challenge='Digest realm="r", nonce="abc"')
    middleware = DigestAuthMiddleware("user", "pw", preemptive=False)
    async with ClientSession(middlewares=(middleware,)) as session:
        for _ in range(2):
            async with session.get(server.url("/p")) as resp:
                assert resp.status == 200
    assert len(server.requests) == 4


async def test_wrong_password_returns_the_final_401(server: Server) -> None:
    _protected(server, "/p", challenge='Digest realm="r", nonce="abc"', password="other")
    async with ClientSession(middlewares=(DigestAuthMiddleware("user", "pw"),)) as session:
        async with session.get(server.url("/p")) as resp:
            assert resp.status == 401
            assert await resp.text() == "who are you?"
    assert len(server.requests) == 2


async def test_credentials_stay_with_the_first_origin(server: Server) -> None:
    other = Server()
    await other.start()
    try:
        _protected(server, "/p", challenge='Digest realm="r", nonce="abc"')
        _protected(other, "/p", challenge='Digest realm="r", nonce="xyz"')
        async with ClientSession(middlewares=(DigestAuthMiddleware("user", "pw"),)) as session:
            async with session.get(server.url("/p")) as resp:
                assert resp.status == 200
            async with session.get(other.url("/p")) as resp:
                assert resp.status == 401  # passed through, not answered
        assert all("Authorization" not in r.headers for r in other.requests)
    finally:
        await other.stop()


async def test_domain_widens_the_protection_space(server: Server) -> None:
    other = Server()
    await other.start()
    try:
        challenge = f'Digest realm="r", nonce="abc", domain="/p {other.url("/q")}"'
        _protected(server, "/p", challenge=challenge)
        _protected(other, "/q", challenge='Digest realm="r", nonce="abc"')
        async with ClientSession(middlewares=(DigestAuthMiddleware("user", "pw"),)) as session:
            async with session.get(server.url("/p")) as resp:
                assert resp.status == 200
            async with session.get(other.url("/q")) as resp:
                assert resp.status == 200
        assert "Authorization" in other.requests[0].headers
    finally:
        await other.stop()


@pytest.mark.parametrize("domain", ['domain="\\""', 'domain=""', 'domain="  "'])
async def test_a_domain_without_a_usable_uri_covers_the_whole_origin(
    server: Server, domain: str
) -> None:
    challenge = f'Digest realm="r", nonce="abc", qop="auth", {domain}'
    _protected(server, "/a", challenge=challenge)
    _protected(server, "/b", challenge=challenge)
    async with ClientSession(middlewares=(DigestAuthMiddleware("user", "pw"),)) as session:
        for path in ("/a", "/b"):
            async with session.get(server.url(path)) as resp:
                assert resp.status == 200
    # The second path is answered preemptively: the space is the origin, not a bogus URI.
    sent = [r.headers.get("Authorization") is not None for r in server.requests]
    assert sent == [False, True, True]


async def test_a_401_without_digest_is_returned_as_is(server: Server) -> None:
    server.answer("/b", reply(401, "no", {"WWW-Authenticate": 'Basic realm="x"'}))
    async with ClientSession(middlewares=(DigestAuthMiddleware("user", "pw"),)) as session:
        async with session.get(server.url("/b")) as resp:
            assert resp.status == 401
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("challenge", "message"),
    [
        ('Digest nonce="abc"', "Missing 'realm'"),
        ('Digest realm="r"', "Missing 'nonce'"),
        ('Digest realm="r", nonce=""', "empty 'nonce'"),
        ('Digest realm="r", nonce="a", algorithm=SHA3', "Unsupported hash algorithm: SHA3"),
        ('Digest realm="r", nonce="a", qop="other"', "Unsupported Quality of Protection"),
    ],
)
async def test_challenges_that_cannot_be_answered(
    server: Server, challenge: str, message: str
) -> None:
    server.answer("/p", reply(401, "", {"WWW-Authenticate": challenge}))
    async with ClientSession(middlewares=(DigestAuthMiddleware("user", "pw"),)) as session:
        with pytest.raises(httpwire.ClientError, match=re.escape(message)):
            await session.get(server.url("/p"))


@pytest.mark.parametrize(
    ("login", "password", "message"),
    [
        ("a:b", "pw", 'A ":" is not allowed'),
        (None, "pw", "None is not allowed as login"),
        ("a", None, "None is not allowed as password"),
    ],
)
def test_bad_credentials_are_refused(login: str, password: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DigestAuthMiddleware(login, password)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (['Digest realm="a, b", nonce=x'], [("digest", {"realm": "a, b", "nonce": "x"})]),
        (
            ['Basic realm="x", Digest realm="y", qop="auth,auth-int"'],
            [("basic", {"realm": "x"}), ("digest", {"realm": "y", "qop": "auth,auth-int"})],
        ),
        (["Bearer", 'Digest realm="q\\"uote"'], [("bearer", {}), ("digest", {"realm": 'q"uote'})]),
        (["Digest"], [("digest", {})]),
    ],
)
def test_parse_challenges(values: list[str], expected: list[tuple[str, dict[str, str]]]) -> None:
    assert parse_challenges(values) == expected


_RFC: Callable[..., str] = digest_response


def test_rfc_7616_and_2617_vectors() -> None:
    # RFC 7616 §3.9.1.
    common = ("Mufasa", "Circle of Life", "http-auth@example.org")
    nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
    cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
    args = (nonce, "GET", "/dir/index.html")
    extra = {"qop": "auth", "nc": "00000001", "cnonce": cnonce}
    assert _RFC("MD5", *common, *args, **extra) == "8ca523f5e9506fed4657c9700eebdbec"
    assert (
        _RFC("SHA-256", *common, *args, **extra)
        == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    )
    # RFC 2617 §3.5.
    assert (
        _RFC(
            "MD5",
            "Mufasa",
            "Circle Of Life",
            "testrealm@host.com",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            "GET",
            "/dir/index.html",
            qop="auth",
            nc="00000001",
            cnonce="0a4f113b",
        )
        == "6629fae49393a05397450978507c4ef1"
    )
