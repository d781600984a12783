"""httpwire.testing: mocked routes answered in memory, through the real client code."""

from __future__ import annotations

import asyncio
import gzip
import re
from collections.abc import AsyncIterator

import pytest
from yarl import URL

import httpwire
from httpwire.testing import MockConnector, MockRequest, MockResponse, MockRouter


@pytest.fixture
def router() -> MockRouter:
    return MockRouter()


async def test_json_route_and_the_request_it_received(router: MockRouter) -> None:
    route = router.post("https://api.example/users", status=201, json={"id": 7})
    async with httpwire.ClientSession(connector=router.connector()) as session:
        async with session.post("https://api.example/users", json={"name": "ada"}) as resp:
            assert resp.status == 201
            assert resp.reason == "Created"
            assert resp.content_type == "application/json"
            assert await resp.json() == {"id": 7}
    [request] = route.calls
    assert request.method == "POST"
    assert str(request.url) == "https://api.example/users"
    assert request.json() == {"name": "ada"}
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Host"] == "api.example"
    assert router.calls == [request]


async def test_text_body_headers_and_reason(router: MockRouter) -> None:
    router.get("http://h.test/t", body="héllo", headers={"X-Id": "1"}, reason="Fine", status=299)
    router.get("http://h.test/b", body=b"\x00\x01", content_type="application/octet-stream")
    async with httpwire.ClientSession(connector=router.connector()) as session:
        async with session.get("http://h.test/t") as resp:
            assert (resp.status, resp.reason) == (299, "Fine")
            assert resp.headers["X-Id"] == "1"
            assert resp.charset == "utf-8"
            assert await resp.text() == "héllo"
        async with session.get("http://h.test/b") as resp:
            assert resp.content_type == "application/octet-stream"
            assert await resp.read() == b"\x00\x01"


async def test_redirects_and_cookies_go_through_the_client(router: MockRouter) -> None:
    router.get(
        "http://h.test/login",
        status=302,
        headers=[("Location", "/home"), ("Set-Cookie", "sid=abc; Path=/")],
    )
    home = router.get("http://h.test/home", body="welcome")
    async with httpwire.ClientSession(connector=router.connector()) as session:
        async with session.get("http://h.test/login") as resp:
            assert await resp.text() == "welcome"
            assert [r.status for r in resp.history] == [302]
            assert str(resp.url) == "http://h.test/home"
        assert home.calls[0].headers["Cookie"] == "sid=abc"
        assert session.cookie_jar.filter_cookies(URL("http://h.test/"))["sid"].value == "abc"


async def test_streamed_chunks_from_sync_and_async_iterables(router: MockRouter) -> None:
    async def pieces() -> AsyncIterator[bytes]:
        for i in range(3):
            await asyncio.sleep(0)
            yield f"part{i};".encode()

    router.get("http://h.test/sync", chunks=[b"a" * 10, b"b" * 10])
    router.get("http://h.test/async", chunks=pieces())
    async with httpwire.ClientSession(connector=router.connector()) as session:
        async with session.get("http://h.test/sync") as resp:
            assert resp.headers["Transfer-Encoding"] == "chunked"
            assert await resp.read() == b"a" * 10 + b"b" * 10
        async with session.get("http://h.test/async") as resp:
            got = [chunk async for chunk in resp.content.iter_any()]
            assert b"".join(got) == b"part0;part1;part2;"


async def test_compressed_body_is_decoded_by_the_client(router: MockRouter) -> None:
    router.get(
        "http://h.test/z",
        body=gzip.compress(b"zipped " * 100),
        headers={"Content-Encoding": "gzip"},
    )
    async with httpwire.ClientSession(connector=router.connector()) as session:
        async with session.get("http://h.test/z") as resp:
            assert await resp.read() == b"zipped " * 100


async def test_unmatched_request_fails_with_a_connection_error(router: MockRouter) -> None:
    router.get("http://h.test/known", body="x")
    async with httpwire.ClientSession(connector=router.connector()) as session:
        with pytest.raises(httpwire.ClientConnectionError, match="No mock route matches GET"):
            await session.get("http://h.test/unknown")
        with pytest.raises(
            httpwire.ClientConnectionError, match=re.escape("POST http://h.test/known")
        ):
            await session.post("http://h.test/known")
        assert [str(r.url) for r in router.calls][-1] == "http://h.test/known"
        async with session.get("http://h.test/known") as resp:
            assert await resp.text() == "x"


async def test_exception_routes_raise_in_the_caller(router: MockRouter) -> None:
    router.get("http://h.test/down", exception=httpwire.ServerTimeoutError("timed out upstream"))
    async with httpwire.ClientSession(connector=router.connector()) as session:
        with pytest.raises(httpwire.ServerTimeoutError, match="timed out upstream"):
            await session.get("http://h.test/down")
        assert session.connector is not None
        assert session.connector.stats.idle == 0


async def test_url_matching_query_order_fragment_regex_and_any_method(
    router: MockRouter,
) -> None:
    router.get("http://h.test/s?b=2&a=1", body="query")
    router.add(None, re.compile(r"http://h\.test/items/\d+"), body="item")
    async with httpwire.ClientSession(connector=router.connector()) as session:
        async with session.get("http://h.test/s", params={"a": "1", "b": "2"}) as resp:
            assert await resp.text() == "query"
        async with session.get("http://h.test/s?b=2&a=1#frag") as resp:
            assert await resp.text() == "query"
        async with session.delete("http://h.test/items/42") as resp:
            assert await resp.text() == "item"
        with pytest.raises(httpwire.ClientConnectionError):
            await session.get("http://h.test/items/x")
        with pytest.raises(httpwire.ClientConnectionError):
            await session.get("http://h.test/s?a=1")


async def test_repeat_limits_a_route_then_the_next_one_answers(router: MockRouter) -> None:
    router.get("http://h.test/r", body="first", repeat=1)
    router.get("http://h.test/r", body="later")
    async with httpwire.ClientSession(connector=router.connector()) as session:
        texts = []
        for _ in range(3):
            async with session.get("http://h.test/r") as resp:
                texts.append(await resp.text())
    assert texts == ["first", "later", "later"]


async def test_handlers_sync_and_async_see_the_request(router: MockRouter) -> None:
    @router.route("PUT", "http://h.test/echo")
    async def echo(request: MockRequest) -> MockResponse:
        await asyncio.sleep(0)
        return MockResponse(body=request.body[::-1], headers={"X-Len": str(len(request.body))})

    def counter(request: MockRequest) -> MockResponse:
        return MockResponse(json={"n": len(router.calls), "q": request.url.query.get("q")})

    router.add("GET", re.compile(r"http://h\.test/count.*"), counter)
    async with httpwire.ClientSession(connector=router.connector()) as session:
        async with session.put("http://h.test/echo", data=b"abc") as resp:
            assert await resp.read() == b"cba"
            assert resp.headers["X-Len"] == "3"
        async with session.get("http://h.test/count", params={"q": "x"}) as resp:
            assert await resp.json() == {"n": 2, "q": "x"}


async def test_a_failing_handler_fails_the_request_with_its_error(router: MockRouter) -> None:
    def broken(request: MockRequest) -> MockResponse:
        raise LookupError("no such fixture")

    router.add("GET", "http://h.test/broken", broken)
    router.add("GET", "http://h.test/wrong", lambda request: "not a response")  # type: ignore[arg-type, return-value]
    async with httpwire.ClientSession(connector=router.connector()) as session:
        with pytest.raises(LookupError, match="no such fixture"):
            await session.get("http://h.test/broken")
        with pytest.raises(TypeError, match="must return MockResponse, not 'str'"):
            await session.get("http://h.test/wrong")


async def test_malformed_raw_answer_is_a_response_error(router: MockRouter) -> None:
    router.get("http://h.test/bad", raw=b"HTTP/1.1 2000 Nope\r\n\r\n")
    router.get("http://h.test/cut", raw=b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    async with httpwire.ClientSession(connector=router.connector()) as session:
        with pytest.raises(httpwire.ClientResponseError) as info:
            await session.get("http://h.test/bad")
        assert info.value.status == 400
        async with session.get("http://h.test/cut") as resp:
            with pytest.raises(httpwire.ClientPayloadError):
                await resp.read()


async def test_delay_lets_client_timeouts_fire(router: MockRouter) -> None:
    router.get("http://h.test/slow", body="late", delay=5)
    router.get("http://h.test/quick", body="ok", delay=0.01)
    timeout = httpwire.ClientTimeout(total=0.1)
    async with httpwire.ClientSession(connector=router.connector(), timeout=timeout) as session:
        async with asyncio.timeout(3):
            with pytest.raises(TimeoutError):
                await session.get("http://h.test/slow")
            with pytest.raises(httpwire.SocketTimeoutError):
                await session.get(
                    "http://h.test/slow", timeout=httpwire.ClientTimeout(sock_read=0.05)
                )
        async with session.get("http://h.test/quick") as resp:
            assert await resp.text() == "ok"


async def test_head_204_raise_for_status_and_connection_close(router: MockRouter) -> None:
    router.head("http://h.test/h", body="ignored")
    router.delete("http://h.test/d", status=204)
    router.get("http://h.test/missing", status=404, body="nope")
    router.get("http://h.test/once", body="bye", headers={"Connection": "close"})
    connector = router.connector()
    async with httpwire.ClientSession(connector=connector) as session:
        async with session.head("http://h.test/h") as resp:
            assert resp.headers["Content-Length"] == "7"
            assert await resp.read() == b""
        async with session.delete("http://h.test/d") as resp:
            assert resp.status == 204
            assert await resp.read() == b""
        with pytest.raises(httpwire.ClientResponseError) as info:
            await session.get("http://h.test/missing", raise_for_status=True)
        assert info.value.status == 404
        async with session.get("http://h.test/once") as resp:
            assert await resp.text() == "bye"
        assert connector.stats.idle == 0


async def test_keep_alive_pooling_works_as_with_tcp(router: MockRouter) -> None:
    router.get("http://h.test/k", body="k")
    connector = router.connector(limit=1)
    assert isinstance(connector, MockConnector)
    async with httpwire.ClientSession(connector=connector) as session:
        for _ in range(5):
            async with session.get("http://h.test/k") as resp:
                await resp.read()
        assert connector.stats.created == 1
        assert connector.stats.reused == 4


async def test_forms_and_chunked_uploads_arrive_whole(router: MockRouter) -> None:
    route = router.post("http://h.test/up", body="thanks")

    async def gen() -> AsyncIterator[bytes]:
        yield b"one,"
        yield b"two"

    form = httpwire.FormData()
    form.add_field("f", b"data", filename="f.bin")
    async with httpwire.ClientSession(connector=router.connector()) as session:
        async with session.post("http://h.test/up", data=gen()) as resp:
            await resp.read()
        async with session.post("http://h.test/up", data=form) as resp:
            await resp.read()
    assert route.calls[0].body == b"one,two"
    assert route.calls[0].headers["Transfer-Encoding"] == "chunked"
    assert route.calls[1].headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'filename="f.bin"' in route.calls[1].body


def test_add_refuses_a_response_and_fields_together(router: MockRouter) -> None:
    with pytest.raises(TypeError, match="either a response or response fields"):
        router.add("GET", "http://h.test/", MockResponse(), status=201)


async def test_the_pytest_fixture_gives_a_fresh_router(httpwire_mock: MockRouter) -> None:
    assert isinstance(httpwire_mock, MockRouter)
    assert httpwire_mock.routes == []
    httpwire_mock.get("http://h.test/f", body="from fixture")
    async with httpwire.ClientSession(connector=httpwire_mock.connector()) as session:
        async with session.get("http://h.test/f") as resp:
            assert await resp.text() == "from fixture"
