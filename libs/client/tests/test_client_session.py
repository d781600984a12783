"""ClientSession against a real loopback server: requests, bodies, headers, keep-alive, errors."""

from __future__ import annotations

import asyncio
import inspect
import json

import pytest
from multidict import CIMultiDict
from yarl import URL

import httpwire
from httpwire import ClientSession, TCPConnector

from .conftest import Received, Server, gzipped, reply

# The deprecated auth API (BasicAuth, auth=, proxy_auth=) still works; these tests exercise it.
LEGACY_AUTH = pytest.mark.filterwarnings(
    "ignore:(BasicAuth|The 'auth' parameter|The 'proxy_auth' parameter) is deprecated"
    ":DeprecationWarning"
)


async def echo(req: Received, writer: asyncio.StreamWriter) -> bytes:
    """Answer with what was received, as JSON."""
    doc = {
        "method": req.method,
        "target": req.target,
        "headers": [[k, v] for k, v in req.headers.items()],
        "body": req.body.decode("latin-1"),
        "connection": req.connection,
    }
    return reply(200, json.dumps(doc), {"Content-Type": "application/json"})


@pytest.fixture
def echo_server(server: Server) -> Server:
    server.routes["/echo"] = echo
    return server


async def test_get_text_json_read(echo_server: Server) -> None:
    async with ClientSession() as session:
        async with session.get(echo_server.url("/echo")) as resp:
            assert resp.status == 200
            assert resp.reason == "OK"
            assert resp.ok
            assert resp.content_type == "application/json"
            doc = await resp.json()
            assert doc["method"] == "GET"
            assert doc["target"] == "/echo"
            assert (await resp.read()).startswith(b"{")
            assert (await resp.text()).startswith("{")
        headers = CIMultiDict(doc["headers"])
        assert headers["Host"] == f"127.0.0.1:{echo_server.port}"
        assert headers["Accept"] == "*/*"
        assert "gzip" in headers["Accept-Encoding"]
        assert headers["User-Agent"].startswith("Python/3.")
        assert f"httpwire/{httpwire.__version__}" in headers["User-Agent"]
        assert "Content-Length" not in headers


async def test_await_form_and_release(echo_server: Server) -> None:
    async with ClientSession() as session:
        resp = await session.get(echo_server.url("/echo"))
        assert resp.status == 200
        await resp.read()
        resp.release()
        assert resp.closed


@pytest.mark.parametrize(
    ("data", "content_type", "body"),
    [
        (b"raw bytes", "application/octet-stream", "raw bytes"),
        (bytearray(b"ba"), "application/octet-stream", "ba"),
        ("text é", "text/plain; charset=utf-8", "text é".encode().decode("latin-1")),
        ({"a": "1", "b": "x y"}, "application/x-www-form-urlencoded", "a=1&b=x+y"),
        ([("a", "1"), ("a", "2")], "application/x-www-form-urlencoded", "a=1&a=2"),
    ],
    ids=["bytes", "bytearray", "str", "dict", "pairs"],
)
async def test_post_bodies(echo_server: Server, data: object, content_type: str, body: str) -> None:
    async with ClientSession() as session:
        async with session.post(echo_server.url("/echo"), data=data) as resp:
            doc = await resp.json()
    headers = CIMultiDict(doc["headers"])
    assert doc["body"] == body
    assert headers["Content-Type"] == content_type
    assert headers["Content-Length"] == str(len(body.encode("latin-1")))


async def test_post_json_uses_json_serialize(echo_server: Server) -> None:
    calls: list[object] = []

    def dumps(obj: object) -> str:
        calls.append(obj)
        return json.dumps(obj, separators=(",", ":"))

    async with ClientSession(json_serialize=dumps) as session:
        async with session.post(echo_server.url("/echo"), json={"k": [1, 2]}) as resp:
            doc = await resp.json()
    assert calls == [{"k": [1, 2]}]
    assert doc["body"] == '{"k":[1,2]}'
    assert CIMultiDict(doc["headers"])["Content-Type"] == "application/json"


async def test_data_and_json_together_refused(echo_server: Server) -> None:
    async with ClientSession() as session:
        with pytest.raises(ValueError, match="data and json"):
            await session.post(echo_server.url("/echo"), data=b"x", json={})
    assert echo_server.requests == []


async def test_unsupported_data_type_is_a_type_error_naming_it(echo_server: Server) -> None:
    async with ClientSession() as session:
        with pytest.raises(TypeError, match=r"^Only io\.IOBase, multidict and") as info:
            await session.post(echo_server.url("/echo"), data=object())
        assert "data type 'object' has no payload kind" in str(info.value)
    assert echo_server.requests == []


async def test_streamed_body_goes_chunked(echo_server: Server) -> None:
    async def gen():  # type: ignore[no-untyped-def]
        for piece in (b"one ", b"two ", b"three"):
            await asyncio.sleep(0)
            yield piece

    async with ClientSession() as session:
        async with session.post(echo_server.url("/echo"), data=gen()) as resp:
            doc = await resp.json()
    headers = CIMultiDict(doc["headers"])
    assert doc["body"] == "one two three"
    assert headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in headers


async def test_compressed_upload(echo_server: Server) -> None:
    import zlib

    async with ClientSession() as session:
        async with session.post(echo_server.url("/echo"), data=b"z" * 1000, compress=True) as r:
            doc = await r.json()
    headers = CIMultiDict(doc["headers"])
    assert headers["Content-Encoding"] == "deflate"
    assert headers["Transfer-Encoding"] == "chunked"
    assert zlib.decompress(doc["body"].encode("latin-1")) == b"z" * 1000


async def test_params_merge_with_query(echo_server: Server) -> None:
    async with ClientSession() as session:
        for params, expected in [
            ({"b": "2"}, "/echo?a=1&b=2"),
            ([("b", "2"), ("b", "3")], "/echo?a=1&b=2&b=3"),
            ("b=2", "/echo?a=1&b=2"),
        ]:
            async with session.get(echo_server.url("/echo?a=1"), params=params) as resp:
                assert (await resp.json())["target"] == expected
                assert resp.url == echo_server.url(expected)


async def test_headers_session_and_request(echo_server: Server) -> None:
    async with (
        ClientSession(headers={"X-S": "s", "X-Both": "session"}) as session,
        session.get(
            echo_server.url("/echo"), headers={"X-Both": "request", "User-Agent": "me"}
        ) as resp,
    ):
        headers = CIMultiDict((await resp.json())["headers"])
    assert headers["X-S"] == "s"
    assert headers.getall("X-Both") == ["request"]
    assert headers["User-Agent"] == "me"


async def test_skip_auto_headers(echo_server: Server) -> None:
    async with (
        ClientSession(skip_auto_headers=["User-Agent"]) as session,
        session.post(
            echo_server.url("/echo"), data=b"x", skip_auto_headers=["Content-Type"]
        ) as resp,
    ):
        headers = CIMultiDict((await resp.json())["headers"])
    assert "User-Agent" not in headers
    assert "Content-Type" not in headers


@pytest.mark.parametrize(
    ("session_skip", "request_skip"),
    [(["user-agent"], ["content-type"]), (None, ["USER-AGENT", "content-TYPE"])],
)
async def test_skip_auto_headers_names_match_in_any_case(
    echo_server: Server, session_skip: list[str] | None, request_skip: list[str]
) -> None:
    async with (
        ClientSession(skip_auto_headers=session_skip) as session,
        session.post(
            echo_server.url("/echo"), data={"a": "1"}, skip_auto_headers=request_skip
        ) as resp,
    ):
        headers = CIMultiDict((await resp.json())["headers"])
    assert "User-Agent" not in headers
    assert "Content-Type" not in headers
    assert headers["Content-Length"] == "3"
    if session_skip is not None:
        assert session.skip_auto_headers == frozenset(session_skip)


async def test_host_cannot_be_skipped_and_a_callers_cookie_header_keeps_its_place(
    echo_server: Server,
) -> None:
    async with (
        ClientSession() as session,
        session.get(
            echo_server.url("/echo"),
            skip_auto_headers=["Host", "Accept"],
            headers={"X-First": "1", "Cookie": "a=1; b=2", "X-Last": "2"},
        ) as resp,
    ):
        pairs = (await resp.json())["headers"]
    names = [name.lower() for name, _ in pairs]
    assert names[0] == "host"  # RFC 9112 §3.2: every HTTP/1.1 request carries Host
    assert "accept" not in names
    assert names.index("x-first") < names.index("cookie") < names.index("x-last")
    assert dict(pairs)["Cookie"] == "a=1; b=2"


async def test_header_injection_refused_before_connecting(echo_server: Server) -> None:
    async with ClientSession() as session:
        with pytest.raises(ValueError, match="control character"):
            await session.get(echo_server.url("/echo"), headers={"X": "a\r\nInjected: 1"})
    assert echo_server.connections == 0


async def test_keep_alive_reuses_the_connection(echo_server: Server) -> None:
    async with ClientSession() as session:
        seen = []
        for _ in range(3):
            async with session.get(echo_server.url("/echo")) as resp:
                seen.append((await resp.json())["connection"])
    assert seen == [1, 1, 1]
    assert echo_server.connections == 1


@pytest.mark.parametrize("value", ["close", "Keep-Alive, Close"])
async def test_a_request_that_says_connection_close_is_the_last_on_its_connection(
    echo_server: Server, value: str
) -> None:
    async with ClientSession() as session:
        for _ in range(2):
            async with session.get(echo_server.url("/echo"), headers={"Connection": value}) as r:
                await r.read()
        async with session.get(echo_server.url("/echo")) as resp:
            await resp.read()
        async with session.get(echo_server.url("/echo")) as resp:
            await resp.read()
    # RFC 9112 §9.6: nothing more is sent after a request that said close, though the server
    # kept the connection open; the last two plain requests share one.
    assert echo_server.connections == 3


async def test_unread_body_is_not_pooled(server: Server) -> None:
    server.answer("/big", reply(200, b"x" * 200_000))
    async with ClientSession() as session:
        async with session.get(server.url("/big")) as resp:
            assert resp.status == 200
        async with session.get(server.url("/big")) as resp:
            assert len(await resp.read()) == 200_000
    assert server.connections == 2


async def test_head_and_204_have_no_body(server: Server) -> None:
    server.answer("/h", reply(200, b"", {"Content-Length": "1234"}))
    server.answer("/n", reply(204, b"", reason="No Content", length=False))
    async with ClientSession() as session:
        async with session.head(server.url("/h")) as resp:
            assert resp.content_length == 1234
            assert await resp.read() == b""
        async with session.get(server.url("/n")) as resp:
            assert resp.status == 204
            assert await resp.read() == b""
    assert server.connections == 1


async def test_101_without_upgrade_ends_at_its_head_and_keeps_the_connection(
    server: Server,
) -> None:
    # RFC 9110 §15.2.2: no Upgrade header, no protocol to switch to; aiohttp reuses it too.
    server.answer("/s", b"HTTP/1.1 101 Switching Protocols\r\n\r\n")
    server.answer("/ok", reply(200, b"after"))
    async with ClientSession(connector=httpwire.TCPConnector(limit=1)) as session:
        async with session.get(server.url("/s")) as resp:
            assert resp.status == 101
            assert await resp.read() == b""
        async with session.get(server.url("/ok")) as resp:
            assert await resp.read() == b"after"
    assert server.connections == 1


async def test_chunked_and_gzip_response(server: Server) -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    )
    server.answer("/c", chunked)
    server.answer("/g", gzipped(b"squeezed " * 100))
    async with ClientSession() as session:
        async with session.get(server.url("/c")) as resp:
            assert await resp.text() == "hello world"
        async with session.get(server.url("/g")) as resp:
            assert await resp.read() == b"squeezed " * 100
        async with session.get(server.url("/g"), auto_decompress=False) as resp:
            assert (await resp.read())[:2] == b"\x1f\x8b"


async def test_streaming_content_iter_chunked(server: Server) -> None:
    server.answer("/s", reply(200, bytes(range(256)) * 1000))
    async with ClientSession(read_bufsize=4096) as session:
        async with session.get(server.url("/s")) as resp:
            got = bytearray()
            async for piece in resp.content.iter_chunked(1000):
                assert len(piece) <= 1000
                got += piece
    assert bytes(got) == bytes(range(256)) * 1000


async def test_close_delimited_body(server: Server) -> None:
    async def handler(req: Received, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\n\r\nuntil the end")
        await writer.drain()
        writer.close()
        return

    server.routes["/eof"] = handler
    async with ClientSession() as session, session.get(server.url("/eof")) as resp:
        assert await resp.read() == b"until the end"


async def test_body_cut_short_is_a_payload_error(server: Server) -> None:
    async def handler(req: Received, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
        await writer.drain()
        writer.close()
        return

    server.routes["/cut"] = handler
    async with ClientSession() as session, session.get(server.url("/cut")) as resp:
        with pytest.raises(httpwire.ClientPayloadError):
            await resp.read()


async def test_malformed_head_is_a_response_error(server: Server) -> None:
    server.answer("/bad", b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n")
    async with ClientSession() as session:
        with pytest.raises(httpwire.ClientResponseError) as info:
            await session.get(server.url("/bad"))
    assert info.value.status == 400


async def test_disconnect_before_answer(server: Server) -> None:
    async def handler(req: Received, writer: asyncio.StreamWriter) -> None:
        writer.close()
        return

    server.routes["/gone"] = handler
    async with ClientSession() as session:
        with pytest.raises(httpwire.ServerDisconnectedError):
            await session.get(server.url("/gone"))


async def test_stale_pooled_connection_is_retried(server: Server) -> None:
    state = {"n": 0}

    async def handler(req: Received, writer: asyncio.StreamWriter) -> bytes | None:
        state["n"] += 1
        if state["n"] == 2:
            writer.close()  # the pooled connection dies as the second request arrives
            return None
        return reply(200, str(state["n"]))

    server.routes["/r"] = handler
    async with ClientSession() as session:
        async with session.get(server.url("/r")) as resp:
            assert await resp.text() == "1"
        async with session.get(server.url("/r")) as resp:
            assert await resp.text() == "3"
    assert server.connections == 2


async def test_raise_for_status(server: Server) -> None:
    server.answer("/404", reply(404, b"missing", reason="Not Found"))
    async with ClientSession() as session:
        async with session.get(server.url("/404")) as resp:
            assert not resp.ok
            with pytest.raises(httpwire.ClientResponseError) as info:
                resp.raise_for_status()
            assert info.value.status == 404
            assert info.value.message == "Not Found"
        with pytest.raises(httpwire.ClientResponseError):
            await session.get(server.url("/404"), raise_for_status=True)
    async with ClientSession(raise_for_status=True) as session:
        with pytest.raises(httpwire.ClientResponseError):
            await session.get(server.url("/404"))
        async with session.get(server.url("/404"), raise_for_status=False) as resp:
            assert resp.status == 404


async def test_raise_for_status_keeps_the_start_of_the_error_body(server: Server) -> None:
    server.answer("/422", reply(422, b'{"error": "name missing"}', reason="Unprocessable"))
    server.answer("/big", reply(500, b"x" * 100_000))  # under the 128 KiB high-water mark
    server.answer("/none", reply(500, b""))
    async with ClientSession(raise_for_status=True) as session:
        with pytest.raises(httpwire.ClientResponseError) as info:
            await session.get(server.url("/422"))
        assert info.value.body == b'{"error": "name missing"}'
        async with ClientSession() as plain:
            async with plain.get(server.url("/422")) as resp:
                assert await resp.read() == b'{"error": "name missing"}'
                with pytest.raises(httpwire.ClientResponseError) as info:
                    resp.raise_for_status()
                assert info.value.body == b'{"error": "name missing"}'
        with pytest.raises(httpwire.ClientResponseError) as info:
            await session.get(server.url("/none"))
        assert info.value.body == b""
    async with ClientSession() as session:
        async with session.get(server.url("/big")) as resp:
            await resp.content.readexactly(10)
            while not resp.content.is_eof():  # let the rest of it arrive, unread
                await asyncio.sleep(0.001)
            with pytest.raises(httpwire.ClientResponseError) as info:
                resp.raise_for_status()
            body = info.value.body
            assert body is not None
            assert len(body) == 64 * 1024
            assert set(body) == {ord("x")}
            # Nothing was taken from the reader.
            assert len(await resp.read()) == 100_000 - 10
    # Built by hand, the error has no body.
    assert httpwire.ClientResponseError(info.value.request_info, ()).body is None


async def test_raise_for_status_callable(server: Server) -> None:
    server.answer("/ok", reply(200, b"fine"))
    seen: list[int] = []

    async def check(resp: httpwire.ClientResponse) -> None:
        seen.append(resp.status)
        raise RuntimeError("refused by check")

    async with ClientSession(raise_for_status=check) as session:
        with pytest.raises(RuntimeError, match="refused by check"):
            await session.get(server.url("/ok"))
    assert seen == [200]


async def test_a_network_path_reference_takes_base_urls_scheme(echo_server: Server) -> None:
    # "//host:port/x" (RFC 3986 §4.2) names the host but not the scheme: base_url's applies.
    netloc = f"//{echo_server.host}:{echo_server.port}/echo"
    async with ClientSession(base_url=echo_server.url("/api/")) as session:
        async with session.get(netloc) as resp:
            assert resp.url == echo_server.url("/echo")
            assert (await resp.json())["target"] == "/echo"
    # Without a base_url there is no scheme to speak: refused before connecting.
    async with ClientSession() as session:
        with pytest.raises(httpwire.NonHttpUrlClientError):
            await session.get(netloc)
    assert len(echo_server.requests) == 1


async def test_base_url_joins_relative_urls(echo_server: Server) -> None:
    async with ClientSession(base_url=echo_server.url("/")) as session:
        async with session.get("echo", params={"q": "1"}) as resp:
            assert (await resp.json())["target"] == "/echo?q=1"
    with pytest.raises(ValueError, match="trailing"):
        ClientSession(base_url=echo_server.url("/sub"))
    with pytest.raises(ValueError, match="absolute"):
        ClientSession(base_url="relative/")


@LEGACY_AUTH
async def test_basic_auth_and_url_credentials(echo_server: Server) -> None:
    async with ClientSession() as session:
        async with session.get(
            echo_server.url("/echo"), auth=httpwire.BasicAuth("user", "pass")
        ) as resp:
            headers = CIMultiDict((await resp.json())["headers"])
        assert headers["Authorization"] == "Basic dXNlcjpwYXNz"
        url = echo_server.url("/echo").with_user("u").with_password("p")
        async with session.get(url) as resp:
            headers = CIMultiDict((await resp.json())["headers"])
        assert headers["Authorization"] == httpwire.BasicAuth("u", "p").encode()
        with pytest.raises(ValueError, match="Cannot combine"):
            await session.get(url, auth=httpwire.BasicAuth("x", "y"))
        with pytest.raises(TypeError):
            await session.get(echo_server.url("/echo"), auth=("user", "pass"))  # type: ignore[arg-type]


async def test_http10_mode(echo_server: Server) -> None:
    async with ClientSession(version=httpwire.HttpVersion10) as session:
        async with session.get(echo_server.url("/echo")) as resp:
            doc = await resp.json()
        assert CIMultiDict(doc["headers"])["Connection"] == "keep-alive"
        with pytest.raises(ValueError, match=r"HTTP/1\.0"):
            await session.post(echo_server.url("/echo"), data=b"x", chunked=True)


async def test_invalid_and_non_http_urls() -> None:
    async with ClientSession() as session:
        with pytest.raises(httpwire.NonHttpUrlClientError):
            await session.get("ftp://example.com/")
        with pytest.raises(httpwire.InvalidUrlClientError):
            await session.get("http:///nohost")
        with pytest.raises(httpwire.InvalidUrlClientError):
            await session.get("/relative")  # no base_url: no host, as aiohttp 3.14 reports it
        with pytest.raises(httpwire.NonHttpUrlClientError):
            await session.get("ftp:relative")


async def test_connection_refused_is_a_connector_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with ClientSession() as session:
        with pytest.raises(httpwire.ClientConnectorError):
            await session.get(f"http://127.0.0.1:{port}/")


async def test_request_methods(echo_server: Server) -> None:
    async with ClientSession() as session:
        for call, method in [
            (session.put, "PUT"),
            (session.patch, "PATCH"),
            (session.delete, "DELETE"),
            (session.options, "OPTIONS"),
        ]:
            async with call(echo_server.url("/echo")) as resp:  # type: ignore[operator]
                assert (await resp.json())["method"] == method
        async with session.request("post", echo_server.url("/echo")) as resp:
            doc = await resp.json()
        assert doc["method"] == "POST"
        assert CIMultiDict(doc["headers"])["Content-Length"] == "0"


async def test_module_level_request(echo_server: Server) -> None:
    async with httpwire.request("GET", echo_server.url("/echo")) as resp:
        doc = await resp.json()
    assert doc["method"] == "GET"
    assert resp.closed


async def test_session_close_detach_and_closed_use(echo_server: Server) -> None:
    session = ClientSession()
    assert not session.closed
    await session.close()
    assert session.closed
    with pytest.raises(RuntimeError, match="closed"):
        await session.get(echo_server.url("/echo"))
    connector = httpwire.TCPConnector()
    session = ClientSession(connector=connector)
    session.detach()
    assert session.closed
    assert not connector.closed
    await connector.close()


async def test_sync_with_is_refused() -> None:
    async with ClientSession() as session:
        with pytest.raises(TypeError, match="async with"), session:  # type: ignore[attr-defined]
            pass


async def test_unclosed_session_warns_and_calls_the_handler() -> None:
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, object]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, ctx: contexts.append(ctx))
    try:
        session = ClientSession()
        connector = session.connector
        with pytest.warns(ResourceWarning, match="Unclosed client session"):
            del session  # the last reference: CPython finalizes it here
    finally:
        loop.set_exception_handler(previous)
    assert any(c.get("message") == "Unclosed client session" for c in contexts)
    assert connector is not None
    await connector.close()


@LEGACY_AUTH
async def test_session_attributes() -> None:
    jar = httpwire.DummyCookieJar()
    timeout = httpwire.ClientTimeout(total=5)
    async with ClientSession(
        cookie_jar=jar,
        timeout=timeout,
        headers={"A": "b"},
        auth=httpwire.BasicAuth("u"),
        raise_for_status=True,
        auto_decompress=False,
        connector_owner=True,
    ) as session:
        assert session.cookie_jar is jar
        assert session.timeout is timeout
        assert session.headers["A"] == "b"
        assert session.auth == httpwire.BasicAuth("u")
        assert session.raise_for_status is True
        assert session.auto_decompress is False
        assert session.connector_owner is True
        assert session.version == httpwire.HttpVersion11
        assert session.requote_redirect_url is True
        assert session.trust_env is False
        assert session.trace_configs == []
        assert session.json_serialize is json.dumps
        assert isinstance(session.connector, httpwire.TCPConnector)
        with pytest.raises(ValueError, match="timeout"):
            ClientSession(timeout=5)


async def _sent_headers(
    session: ClientSession, url: str, headers: dict[str, str] | None = None
) -> CIMultiDict[str]:
    async with session.get(url, headers=headers) as resp:
        return CIMultiDict((await resp.json())["headers"])


async def test_plain_request_head_is_built_once_and_reused(echo_server: Server) -> None:
    url = echo_server.url("/echo")
    async with ClientSession() as session:
        first = await session.get(url)
        await first.read()
        assert len(session._head_cache) == 1
        second = await session.get(url)
        await second.read()
        assert len(session._head_cache) == 1
        assert await first.json() == await second.json()
        # Each request still gets headers of its own (middlewares may change them).
        assert first.request_info.headers == second.request_info.headers
        assert first._request is not None
        assert second._request is not None
        assert first._request.headers is not second._request.headers
        second._request.headers["X-Changed"] = "1"
        third = await session.get(url)
        assert "X-Changed" not in CIMultiDict((await third.json())["headers"])
        assert "X-Changed" not in third.request_info.headers


async def test_cached_head_follows_the_session_headers_and_the_jar(echo_server: Server) -> None:
    url = echo_server.url("/echo")
    jar = httpwire.CookieJar(unsafe=True)  # the server is 127.0.0.1
    async with ClientSession(headers={"X-S": "1"}, cookie_jar=jar) as session:
        assert (await _sent_headers(session, url))["X-S"] == "1"
        session.headers["X-S"] = "2"
        assert (await _sent_headers(session, url))["X-S"] == "2"
        session.cookie_jar.update_cookies({"c": "v"}, URL(url))
        assert (await _sent_headers(session, url))["Cookie"] == "c=v"
        session.cookie_jar.clear()
        assert "Cookie" not in await _sent_headers(session, url)
        session.headers["X-S"] = "bad\r\nInjected: 1"
        with pytest.raises(ValueError, match="control character"):
            await session.get(url)


async def test_requests_with_their_own_headers_body_or_auth_are_not_cached(
    echo_server: Server,
) -> None:
    url = echo_server.url("/echo")
    async with ClientSession() as session:
        assert (await _sent_headers(session, url, {"X-R": "1"}))["X-R"] == "1"
        async with session.post(url, data=b"body") as resp:
            await resp.read()
        async with session.get(url, cookies={"once": "1"}) as resp:
            assert CIMultiDict((await resp.json())["headers"])["Cookie"] == "once=1"
        assert session._head_cache == {}
        assert "X-R" not in await _sent_headers(session, url)
        assert len(session._head_cache) == 1


async def test_head_cache_is_bounded(echo_server: Server) -> None:
    from httpwire._session import _HEAD_CACHE_SIZE

    async with ClientSession() as session:
        for i in range(_HEAD_CACHE_SIZE + 5):
            async with session.get(echo_server.url(f"/echo?i={i}")) as resp:
                await resp.read()
                assert len(session._head_cache) <= _HEAD_CACHE_SIZE
        assert 0 < len(session._head_cache) <= _HEAD_CACHE_SIZE


async def test_ssl_shutdown_timeout_is_deprecated_with_or_without_a_connector() -> None:
    with pytest.warns(DeprecationWarning, match="ssl_shutdown_timeout parameter is deprecated"):
        session = ClientSession(ssl_shutdown_timeout=1.0)
    await session.close()
    connector = TCPConnector()
    with pytest.warns(DeprecationWarning, match="ignored when a connector is given"):
        session = ClientSession(connector=connector, ssl_shutdown_timeout=1.0)
    assert session.connector is connector
    await session.close()


def test_class_arguments_default_to_the_classes_themselves() -> None:
    parameters = inspect.signature(ClientSession).parameters
    assert parameters["request_class"].default is httpwire.ClientRequest
    assert parameters["response_class"].default is httpwire.ClientResponse
    # As in aiohttp: the default is the class, not None.
    assert parameters["ws_response_class"].default is httpwire.ClientWebSocketResponse
