"""ClientResponse as a user sees it: attributes, decoding, JSON checks, flow control."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import AsyncIterator

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

import httpwire
from httpwire import ClientSession
from httpwire_parser import EndOfMessage, RequestParser

from .conftest import Received, Server, reply


async def test_attributes(server: Server) -> None:
    server.answer(
        "/a",
        reply(
            200,
            "héllo".encode("latin-1"),
            [
                ("Content-Type", "text/plain; charset=latin-1"),
                ("Content-Disposition", 'attachment; filename="r.txt"'),
                ("Link", '</next>; rel="next"'),
                ("Set-Cookie", "k=v"),
                ("X-Dup", "1"),
                ("X-Dup", "2"),
            ],
        ),
    )
    async with ClientSession() as session:
        async with session.get(server.url("/a")) as resp:
            assert resp.version == httpwire.HttpVersion11
            assert resp.method == "GET"
            assert resp.url == resp.real_url == server.url("/a")
            assert resp.host == "127.0.0.1"
            assert resp.content_type == "text/plain"
            assert resp.charset == "latin-1"
            assert resp.get_encoding() == "iso8859-1"  # the codec name, as aiohttp returns it
            assert resp.content_length == len("héllo".encode("latin-1"))
            disposition = resp.content_disposition
            assert disposition is not None
            assert disposition.type == "attachment"
            assert disposition.filename == "r.txt"
            assert resp.links["next"]["url"] == server.url("/next")
            assert resp.cookies["k"].value == "v"
            assert resp.headers.getall("X-Dup") == ["1", "2"]
            assert (b"X-Dup", b"2") in resp.raw_headers
            assert resp.request_info.method == "GET"
            assert resp.request_info.url == server.url("/a")
            assert isinstance(resp.content, httpwire.StreamReader)
            assert await resp.text() == "héllo"
            assert await resp.text(encoding="utf-8", errors="replace") == "h\ufffdllo"
        assert "200" in repr(resp)


async def test_fallback_charset_resolver(server: Server) -> None:
    server.answer("/t", reply(200, "é".encode("cp1252"), {"Content-Type": "text/plain"}))

    def resolver(resp: httpwire.ClientResponse, body: bytes) -> str:
        return "cp1252"

    async with ClientSession(fallback_charset_resolver=resolver) as session:
        async with session.get(server.url("/t")) as resp:
            assert await resp.text() == "é"


async def test_json_content_type_checked(server: Server) -> None:
    server.answer("/j", reply(200, b'{"a": 1}', {"Content-Type": "text/html"}))
    server.answer("/vnd", reply(200, b'{"a": 2}', {"Content-Type": "application/vnd.x+json"}))
    async with ClientSession() as session:
        async with session.get(server.url("/j")) as resp:
            with pytest.raises(httpwire.ContentTypeError):
                await resp.json()
            assert await resp.json(content_type=None) == {"a": 1}
        async with session.get(server.url("/vnd")) as resp:
            assert await resp.json() == {"a": 2}


async def test_informational_responses_are_skipped(server: Server) -> None:
    server.answer("/i", b"HTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n" + reply(200, b"final"))
    async with ClientSession() as session:
        async with session.get(server.url("/i")) as resp:
            assert resp.status == 200
            assert await resp.read() == b"final"


async def test_iter_chunks_reports_http_chunk_ends(server: Server) -> None:
    server.answer(
        "/c",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    )
    async with ClientSession() as session:
        async with session.get(server.url("/c")) as resp:
            await asyncio.sleep(0.05)  # both chunks arrive before the first read
            pieces = [piece async for piece in resp.content.iter_chunks()]
    assert pieces == [(b"abc", True), (b"de", True)]


async def test_slow_reader_pauses_the_transport(server: Server) -> None:
    total = 32 * 1024 * 1024

    async def big(req: Received, writer: asyncio.StreamWriter) -> None:
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {total}\r\n\r\n".encode())
        piece = b"x" * (1 << 20)
        for _ in range(total // len(piece)):
            writer.write(piece)
            await writer.drain()
        return

    server.routes["/big"] = big
    async with ClientSession(read_bufsize=1 << 16) as session:
        async with session.get(server.url("/big")) as resp:
            await asyncio.sleep(0.3)  # the server writes as fast as it can; nobody reads
            connection = resp.connection
            assert connection is not None
            protocol = connection.protocol
            assert protocol is not None
            assert protocol.reading_paused  # type: ignore[attr-defined]
            buffered = resp.content.total_bytes
            # Bounded by the water marks plus one socket read, not by what the server sent.
            assert buffered < 4 * (1 << 20)
            received = 0
            async for piece in resp.content.iter_chunked(1 << 16):
                received += len(piece)
    assert received == total


async def test_bare_lf_and_obs_fold_from_real_servers_are_accepted(server: Server) -> None:
    server.answer(
        "/lf",
        b"HTTP/1.1 200 OK\nContent-Type: text/plain\nX-Long: first\r\n\tsecond\n"
        b"Content-Length: 5\n\nhe\nlo",
    )
    async with ClientSession() as session:
        for _ in range(2):  # and the connection stays reusable
            async with session.get(server.url("/lf")) as resp:
                assert resp.headers["X-Long"] == "first \tsecond"
                assert resp.content_type == "text/plain"
                assert await resp.read() == b"he\nlo"
    assert server.connections == 1


async def test_lenient_heads_keep_framing_strict(server: Server) -> None:
    server.answer(
        "/smuggle",
        b"HTTP/1.1 200 OK\nContent-Length: 3\nTransfer-Encoding: chunked\n\n0\r\n\r\n",
    )
    server.answer("/cr", b"HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n")
    async with ClientSession() as session:
        for path in ("/smuggle", "/cr"):
            with pytest.raises(httpwire.ClientResponseError) as info:
                await session.get(server.url(path))
            assert info.value.status == 400


async def test_a_released_response_reads_no_more_but_text_and_json_keep_the_read_body(
    server: Server,
) -> None:
    server.answer("/j", reply(200, b'{"a": 1}', {"Content-Type": "application/json"}))
    async with ClientSession() as session:
        async with session.get(server.url("/j")) as resp:
            assert await resp.read() == b'{"a": 1}'
            assert await resp.read() == b'{"a": 1}'  # still in the block: the cached body
        # As in aiohttp 3.14: read() after release raises, text() and json() decode the cache.
        with pytest.raises(httpwire.ClientConnectionError, match=r"^Connection closed$"):
            await resp.read()
        assert await resp.text() == '{"a": 1}'
        assert await resp.json() == {"a": 1}
        async with session.get(server.url("/j")) as resp:
            pass
        with pytest.raises(httpwire.ClientConnectionError, match=r"^Connection closed$"):
            await resp.content.readline()
        with pytest.raises(httpwire.ClientConnectionError):
            await resp.text()


async def test_release_wakes_a_pending_reader_with_connection_closed(server: Server) -> None:
    @server.route("/slow")
    async def slow(req: Received, writer: asyncio.StreamWriter) -> bytes:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nline\n\r\n")
        await asyncio.sleep(5)
        return b"0\r\n\r\n"

    async with ClientSession() as session:
        resp = await session.get(server.url("/slow"))
        assert await resp.content.readline() == b"line\n"
        asyncio.get_running_loop().call_later(0.05, resp.release)
        with pytest.raises(httpwire.ClientConnectionError, match=r"^Connection closed$") as info:
            await resp.content.readline()
        assert not isinstance(info.value, httpwire.ClientPayloadError)
        assert resp.closed


async def _half_body(req: Received, writer: asyncio.StreamWriter) -> bytes:
    """A head promising 100 bytes, five of them, then silence (the rest never comes)."""
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello")
    await asyncio.sleep(5)
    return b""


@pytest.mark.parametrize("how", ["close", "release"])
async def test_an_unread_body_after_close_or_release_raises_connection_closed(
    server: Server, how: str
) -> None:
    server.route("/half")(_half_body)
    async with ClientSession() as session:
        resp = await session.get(server.url("/half"))
        await asyncio.sleep(0.02)  # the five body bytes are buffered
        getattr(resp, how)()
        await asyncio.sleep(0.02)  # the connection's loss has been reported
        for read in (resp.content.read, resp.read):
            with pytest.raises(httpwire.ClientConnectionError, match=r"^Connection closed$"):
                await read()


@pytest.mark.parametrize("closing", ["session", "connector"])
async def test_a_body_read_after_its_session_closed_raises_runtime_error_too(
    server: Server, closing: str
) -> None:
    server.route("/half")(_half_body)
    session = ClientSession()
    resp = await session.get(server.url("/half"))
    pending = asyncio.ensure_future(resp.content.read())
    await asyncio.sleep(0.02)
    if closing == "session":
        await session.close()
    else:
        await session.connector.close()  # type: ignore[union-attr]
    # aiohttp raises RuntimeError("Connection closed.") here: both kinds of handler catch it.
    for read in (lambda: pending, resp.read):
        with pytest.raises(
            httpwire.PayloadConnectionClosedError, match=r"^Connection closed"
        ) as info:
            await read()
        assert isinstance(info.value, RuntimeError)
        assert isinstance(info.value, httpwire.ClientPayloadError)
        assert "inside a Content-Length body" in str(info.value)
    await session.close()


async def test_a_server_that_closes_mid_body_is_no_local_close(server: Server) -> None:
    @server.route("/cut")
    async def cut(req: Received, writer: asyncio.StreamWriter) -> bytes:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello")
        await writer.drain()
        writer.close()
        return b""

    async with ClientSession() as session:
        resp = await session.get(server.url("/cut"))
        with pytest.raises(httpwire.ClientPayloadError, match="not completed") as info:
            await resp.read()
        assert not isinstance(info.value, RuntimeError)
        assert str(info.value) == (
            "Response payload is not completed: connection closed inside a Content-Length "
            "body: 5 of 100 bytes received"
        )


class _Recorder:
    """A raw server that keeps every byte of each request and answers once it has it whole."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.port = 0

    async def start(self) -> asyncio.Server:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        return server

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        parser = RequestParser()
        raw = bytearray()
        while data := await reader.read(65536):
            raw += data
            if any(isinstance(event, EndOfMessage) for event in parser.feed(data)):
                self.received.append(bytes(raw))
                raw.clear()
                writer.write(reply(200, b"ok"))
        writer.close()


async def _lines() -> AsyncIterator[bytes]:
    for i in range(3):
        yield b"x" * (i + 1) * 1000


@pytest.mark.parametrize("data", [None, b"abc" * 1000, "lines"])
async def test_output_size_counts_what_went_out_and_upload_complete_ends(data: object) -> None:
    recorder = _Recorder()
    server = await recorder.start()
    body = _lines() if data == "lines" else data
    try:
        async with ClientSession() as session:
            method = "GET" if data is None else "POST"
            async with session.request(
                method, f"http://127.0.0.1:{recorder.port}/", data=body
            ) as resp:
                assert await resp.read() == b"ok"
                with pytest.warns(DeprecationWarning, match="upload_complete is deprecated"):
                    done = resp.upload_complete
                await asyncio.wait_for(done, 5)
                with pytest.warns(DeprecationWarning, match="output_size is deprecated"):
                    size = resp.output_size
    finally:
        server.close()
        await server.wait_closed()
    assert size == len(recorder.received[0])


async def test_upload_complete_waits_for_a_body_still_being_written() -> None:
    async def early(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(reply(200, b"early"))
        await reader.read()  # the rest of the body, until the client closes
        writer.close()

    server = await asyncio.start_server(early, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    gate = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        yield b"first"
        await gate.wait()
        yield b"second"

    try:
        async with ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/", data=body()) as resp:
                assert await resp.read() == b"early"
                with pytest.warns(DeprecationWarning, match="upload_complete"):
                    done = resp.upload_complete
                await asyncio.sleep(0.05)
                assert not done.done()
                gate.set()
                await asyncio.wait_for(done, 5)
                with pytest.warns(DeprecationWarning, match="output_size"):
                    size = resp.output_size
                assert size > len(b"firstsecond")
    finally:
        server.close()
        await server.wait_closed()


def test_request_info_real_url_defaults_to_url() -> None:
    url = URL("http://example.test/a#frag")
    headers = CIMultiDictProxy(CIMultiDict(X="1"))
    info = httpwire.RequestInfo(url, "GET", headers)
    assert info.real_url is url
    assert info == (url, "GET", headers, url)
    given = httpwire.RequestInfo(URL("http://example.test/a"), "GET", headers, real_url=url)
    assert given.real_url is url
    assert given._replace(method="POST").method == "POST"
    plain = httpwire.RequestInfo(url, "GET", CIMultiDict())  # type: ignore[arg-type]
    copy = pickle.loads(pickle.dumps(plain))
    assert type(copy) is httpwire.RequestInfo
    assert copy == plain


async def test_url_obj_is_the_deprecated_name_of_url(server: Server) -> None:
    server.answer("/u", reply(200, b""))
    async with ClientSession() as session, session.get(server.url("/u")) as resp:
        with pytest.warns(DeprecationWarning, match=r"Deprecated, use \.url"):
            assert resp.url_obj == resp.url == server.url("/u")


async def test_a_fragment_stays_on_this_side(server: Server) -> None:
    seen: list[str] = []

    @server.route("/p")
    async def page(req: Received, writer: asyncio.StreamWriter) -> bytes:
        seen.append(req.target)
        return reply(200, b"ok")

    url = server.url("/p").with_query(q="1").with_fragment("frag")
    async with ClientSession() as session, session.get(url) as resp:
        assert seen == ["/p?q=1"]  # never sent (RFC 9110 §4.2.5)
        assert resp.url == url.with_fragment(None)
        assert resp.real_url == url
        assert resp.request_info.url == url.with_fragment(None)
        assert resp.request_info.real_url == url
