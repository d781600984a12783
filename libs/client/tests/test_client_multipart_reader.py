"""MultipartReader and BodyPartReader: reading multipart responses off real loopback servers.

The bodies come from aiohttp.web handlers using aiohttp's own MultipartWriter, from httpwire's
writer, and as raw bytes from the scripted server (for malformed input and for arbitrary
segmentation). The client side is always httpwire's ClientSession: an autouse fixture makes
aiohttp's ClientSession unusable here.
"""

from __future__ import annotations

import asyncio
import binascii
import gzip
import io
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multidict import CIMultiDictProxy

import httpwire
from httpwire import ClientPayloadError, ClientSession
from httpwire._payload_base import BufferWriter
from httpwire.multipart import BodyPartReader, MultipartReader, MultipartWriter
from httpwire.streams import StreamReader
from httpwire_parser import InvalidHeader, LineTooLong, TooManyHeaders

from .conftest import Server, reply

TIMEOUT = 10


@pytest.fixture(autouse=True)
def no_aiohttp_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiohttp is only the peer here: its ClientSession must never be the client."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("aiohttp's ClientSession used on the client side")

    monkeypatch.setattr(aiohttp.ClientSession, "__init__", refuse)


def test_aiohttp_client_is_refused() -> None:
    with pytest.raises(AssertionError, match="client side"):
        aiohttp.ClientSession()


# ---------------------------------------------------------------------------- helpers


@pytest.fixture
async def web_server() -> AsyncIterator[Callable[[web.Application], Awaitable[str]]]:
    """Start aiohttp.web applications on loopback; yields a starter returning the base URL."""
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> str:
        runner = web.AppRunner(app)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.base_events.Server)
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    try:
        yield start
    finally:
        for runner in runners:
            await runner.cleanup()


async def collect(reader: MultipartReader | Any) -> list[Any]:
    """Every part as (headers, decoded body) or, for a nested body, a list of those."""
    out: list[Any] = []
    async for part in reader:
        if isinstance(part, MultipartReader):
            out.append(await collect(part))
        else:
            assert isinstance(part, BodyPartReader)
            out.append((part.headers, await part.read(decode=True)))
    return out


class NoFlow:
    """The little of a protocol httpwire's and aiohttp's StreamReader touch: no flow control."""

    reading_paused = False
    _reading_paused = False

    def pause_reading(self) -> None:
        pass

    def resume_reading(self, resume_parser: bool = True) -> None:
        pass


def fed_stream(body: bytes, pieces: list[int] | None = None) -> StreamReader:
    """A StreamReader holding ``body`` whole (fed in ``pieces`` lengths), at its end."""
    stream = StreamReader(NoFlow(), 2**16, loop=asyncio.get_running_loop())
    pos = 0
    for n in pieces or [len(body)]:
        stream.feed_data(body[pos : pos + n])
        pos += n
    stream.feed_data(body[pos:])
    stream.feed_eof()
    return stream


def mixed(body: bytes, boundary: str = "b") -> dict[str, str]:
    return {"Content-Type": f"multipart/mixed; boundary={boundary}"}


async def serve_raw(server: Server, body: bytes, ctype: str = "multipart/mixed; boundary=b") -> str:
    server.answer("/mp", reply(200, body, {"Content-Type": ctype}))
    return str(server.url("/mp"))


async def read_raw_response(url: str) -> list[Any]:
    async with asyncio.timeout(TIMEOUT), ClientSession() as session, session.get(url) as resp:
        return await collect(MultipartReader.from_response(resp))


async def body_of(writer: MultipartWriter) -> bytes:
    sink = BufferWriter()
    await writer.write(sink)
    return bytes(sink.buffer)


# ------------------------------------------------- aiohttp.web writes, httpwire reads


def aiohttp_body() -> aiohttp.MultipartWriter:
    """A multipart/mixed body with every kind of part aiohttp's writer makes."""
    outer = aiohttp.MultipartWriter("mixed", boundary="outer-boundary")
    outer.append("plain text é", {"Content-Type": "text/plain; charset=utf-8"})
    outer.append_json({"id": 7, "tags": ["a", "b"]})
    file_part = outer.append(io.BytesIO(bytes(range(256)) * 4))
    file_part.set_content_disposition("attachment", filename="data é.bin")
    outer.append(b"\x00\xffbinary\r\n--outer" * 50, {"Content-Transfer-Encoding": "base64"})
    outer.append(
        "quoted = printable, é and a long line " * 10,
        {"Content-Transfer-Encoding": "quoted-printable"},
    )
    outer.append(b"gzip me " * 2000, {"Content-Encoding": "gzip"})
    outer.append(b"deflate me " * 2000, {"Content-Encoding": "deflate"})
    inner = aiohttp.MultipartWriter("alternative", boundary="inner-boundary")
    inner.append("inner plain")
    inner.append("<p>inner html</p>", {"Content-Type": "text/html"})
    outer.append(inner)
    outer.append_form([("k", "v w"), ("empty", "")])
    return outer


async def test_every_part_aiohttp_writes_reads_back(
    web_server: Callable[[web.Application], Awaitable[str]],
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=aiohttp_body())

    app = web.Application()
    app.router.add_get("/", handler)
    base = await web_server(app)
    async with asyncio.timeout(TIMEOUT), ClientSession() as session:
        async with session.get(base + "/") as resp:
            reader = MultipartReader.from_response(resp)
            parts: list[Any] = []
            async for part in reader:
                parts.append(part)
                if isinstance(part, MultipartReader):
                    nested = [await p.text() async for p in part]
                    assert nested == ["inner plain", "<p>inner html</p>"]
                    continue
                assert isinstance(part, BodyPartReader)
                n = len(parts)
                if n == 1:
                    assert part.get_charset("ascii") == "utf-8"
                    assert await part.text() == "plain text é"
                elif n == 2:
                    assert await part.json() == {"id": 7, "tags": ["a", "b"]}
                elif n == 3:
                    # aiohttp percent-encodes the name and, like aiohttp, the reader keeps it so.
                    assert part.filename == "data%20%C3%A9.bin"
                    assert part.name is None
                    assert await part.read() == bytes(range(256)) * 4
                elif n == 4:
                    assert await part.read(decode=True) == b"\x00\xffbinary\r\n--outer" * 50
                elif n == 5:
                    expected = "quoted = printable, é and a long line " * 10
                    assert await part.text() == expected
                elif n == 6:
                    raw = await part.read()
                    assert gzip.decompress(raw) == b"gzip me " * 2000
                    assert part.decode(raw) == b"gzip me " * 2000
                elif n == 7:
                    assert await part.read(decode=True) == b"deflate me " * 2000
                elif n == 9:
                    assert await part.form() == [("k", "v w"), ("empty", "")]
            assert len(parts) == 9
            assert reader.at_eof()
            assert reader.stream.at_eof()
            assert await reader.next() is None


async def test_a_large_part_is_handed_out_before_the_rest_is_sent(
    web_server: Callable[[web.Application], Awaitable[str]],
) -> None:
    # The server sends the second half only after the client has read from the first: a
    # reader that waited for the whole part (or body) would never get it.
    first_read = asyncio.Event()
    half = b"0123456789abcdef" * 65536  # 1 MiB

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "multipart/mixed; boundary=big"})
        await resp.prepare(request)
        await resp.write(b"--big\r\nContent-Type: application/octet-stream\r\n\r\n" + half)
        await first_read.wait()
        await resp.write(half + b"\r\n--big--\r\n")
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_get("/", handler)
    base = await web_server(app)
    async with asyncio.timeout(TIMEOUT), ClientSession() as session:
        async with session.get(base + "/") as resp:
            reader = MultipartReader.from_response(resp)
            part = await reader.next()
            assert isinstance(part, BodyPartReader)
            received = bytearray()
            sizes: list[int] = []
            while chunk := await part.read_chunk(4096):
                sizes.append(len(chunk))
                received += chunk
                first_read.set()
            assert bytes(received) == half * 2
            assert max(sizes) <= 4096
            assert await reader.next() is None
            assert resp.closed


async def test_the_connection_is_reused_after_the_wrapper_releases(
    web_server: Callable[[web.Application], Awaitable[str]],
) -> None:
    peers: list[object] = []

    async def handler(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        mp = aiohttp.MultipartWriter("mixed")
        mp.append("one")
        mp.append("two")
        return web.Response(body=mp)

    app = web.Application()
    app.router.add_get("/", handler)
    base = await web_server(app)
    async with asyncio.timeout(TIMEOUT), ClientSession() as session:
        for _ in range(2):
            async with session.get(base + "/") as resp:
                reader = MultipartReader.from_response(resp)
                first = await reader.next()
                assert isinstance(first, BodyPartReader)
                # The second part is skipped unread: next() releases it.
                assert isinstance(await reader.next(), BodyPartReader)
                assert await reader.next() is None
    assert len(peers) == 2
    assert peers[0] == peers[1]


# ---------------------------------------------- httpwire writes, aiohttp.web reads


async def test_httpwire_writer_is_read_by_aiohttp_request_multipart(
    web_server: Callable[[web.Application], Awaitable[str]],
) -> None:
    seen: list[Any] = []

    async def read_all(reader: aiohttp.MultipartReader) -> list[Any]:
        out: list[Any] = []
        while True:
            part = await reader.next()
            if part is None:
                return out
            if isinstance(part, aiohttp.MultipartReader):
                out.append(await read_all(part))
            else:
                out.append((part.name, part.filename, bytes(await part.read(decode=True))))

    async def handler(request: web.Request) -> web.Response:
        seen.extend(await read_all(await request.multipart()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/", handler)
    base = await web_server(app)
    binary = bytes(range(256)) * 20
    mp = MultipartWriter("mixed")
    mp.append("text é")
    mp.append_json({"a": [1, 2]})
    mp.append(binary, {"Content-Transfer-Encoding": "base64"})
    mp.append(b"q=p\r\nline\xff", {"Content-Transfer-Encoding": "quoted-printable"})
    mp.append(b"zip " * 500, {"Content-Encoding": "gzip"})
    file_part = mp.append(io.BytesIO(b"file body"))
    file_part.set_content_disposition("attachment", name="upload", filename="f.txt")
    inner = MultipartWriter("related")
    inner.append("nested")
    mp.append(inner)
    async with asyncio.timeout(TIMEOUT), ClientSession() as session:
        async with session.post(base + "/", data=mp) as resp:
            assert resp.status == 200
    assert seen == [
        (None, None, "text é".encode()),
        (None, None, b'{"a": [1, 2]}'),
        (None, None, binary),
        (None, None, b"q=p\r\nline\xff"),
        (None, None, b"zip " * 500),
        ("upload", "f.txt", b"file body"),
        [(None, None, b"nested")],
    ]


async def test_httpwire_form_data_is_read_by_aiohttp_and_by_httpwire(
    web_server: Callable[[web.Application], Awaitable[str]],
) -> None:
    fields: list[tuple[str | None, str | None, bytes]] = []

    async def handler(request: web.Request) -> web.Response:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            assert isinstance(part, aiohttp.BodyPartReader)
            fields.append((part.name, part.filename, bytes(await part.read())))
        return web.Response(text="ok")

    async def echo(request: web.Request) -> web.Response:
        return web.Response(
            body=await request.read(),
            content_type=None,
            headers={"Content-Type": request.headers["Content-Type"]},
        )

    app = web.Application()
    app.router.add_post("/", handler)
    app.router.add_post("/echo", echo)
    base = await web_server(app)

    def form() -> httpwire.FormData:
        data = httpwire.FormData()
        data.add_field("field", "value é")
        data.add_field("file", b"\x00bytes\r\n", filename="a.bin")
        return data

    async with asyncio.timeout(TIMEOUT), ClientSession() as session:
        async with session.post(base + "/", data=form()) as resp:
            assert resp.status == 200
        async with session.post(base + "/echo", data=form()) as resp:
            back = [
                (part.name, part.filename, await part.read())
                async for part in MultipartReader.from_response(resp)
                if isinstance(part, BodyPartReader)
            ]
    expected = [("field", None, "value é".encode()), ("file", "a.bin", b"\x00bytes\r\n")]
    assert fields == expected
    assert back == expected


# ------------------------------------------------------ raw bytes: well-formed edges


async def test_preamble_epilogue_padding_and_empty_parts(server: Server) -> None:
    body = (
        b"This is the preamble.\r\n--b\r\n"
        b"\r\n"  # a part without headers or body
        b"\r\n--b   \t\r\n"  # transport padding after the delimiter
        b"X-Empty: yes\r\n\r\n"  # headers, and no body CRLF: the blank line is the delimiter's
        b"--b\r\n"
        b"Content-Type: text/plain\r\n\r\n"
        b"a--b not a delimiter\r\n\r\n"  # ends with an empty line
        b"\r\n--b--\r\nThis is the epilogue.\r\n"
    )
    parts = await read_raw_response(await serve_raw(server, body))
    assert [p[1] for p in parts] == [b"", b"", b"a--b not a delimiter\r\n\r\n"]
    assert parts[1][0]["X-Empty"] == "yes"
    assert isinstance(parts[0][0], CIMultiDictProxy)
    assert len(parts[0][0]) == 0


async def test_an_empty_multipart_body_has_no_parts(server: Server) -> None:
    assert await read_raw_response(await serve_raw(server, b"--b--")) == []


async def test_content_length_parts_are_read_by_length(server: Server) -> None:
    body = (
        b"--b\r\nContent-Length: 12\r\n\r\n\r\n--b\r\nxxxxx\r\n"  # holds a fake delimiter
        b"--b\r\nContent-Length: 0\r\n\r\n\r\n"
        b"--b--\r\n"
    )
    parts = await read_raw_response(await serve_raw(server, body))
    assert [p[1] for p in parts] == [b"\r\n--b\r\nxxxxx", b""]


async def test_form_data_ignores_a_part_content_length(server: Server) -> None:
    body = (
        b"--b\r\nContent-Disposition: form-data; name=a\r\nContent-Length: 2\r\n\r\nabcd\r\n--b--"
    )
    parts = await read_raw_response(
        await serve_raw(server, body, "multipart/form-data; boundary=b")
    )
    assert [p[1] for p in parts] == [b"abcd"]


async def test_quoted_boundary_with_semicolon(server: Server) -> None:
    body = b'--a;"b\r\n\r\nbody\r\n--a;"b--\r\n'
    parts = await read_raw_response(
        await serve_raw(server, body, 'multipart/mixed; boundary="a;\\"b"; x=1')
    )
    assert [p[1] for p in parts] == [b"body"]


async def test_nested_body_with_an_epilogue_of_its_own(server: Server) -> None:
    body = (
        b"--outer\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n"
        b"inner preamble\r\n--inner\r\n\r\nfirst\r\n--inner\r\n\r\nsecond\r\n--inner--\r\n"
        b"inner epilogue line\r\nanother\r\n"
        b"--outer\r\nContent-Type: multipart/mixed; boundary=tight\r\n\r\n"
        b"--tight\r\n\r\nt\r\n--tight--\r\n--outer\r\n\r\nlast\r\n--outer--\r\n"
    )
    parts = await read_raw_response(
        await serve_raw(server, body, "multipart/mixed; boundary=outer")
    )
    assert [[p[1] for p in parts[0]], [p[1] for p in parts[1]], parts[2][1]] == [
        [b"first", b"second"],
        [b"t"],
        b"last",
    ]


async def test_readline_keeps_line_ends_but_not_the_delimiters(server: Server) -> None:
    body = (
        b"--b\r\n\r\nline one\r\nline two\nlast\r\n"
        b"--b\r\nContent-Length: 9\r\n\r\nab\ncd\r\nef\r\n"
        b"--b--\r\n"
    )
    url = await serve_raw(server, body)
    async with asyncio.timeout(TIMEOUT), ClientSession() as session, session.get(url) as resp:
        reader = MultipartReader.from_response(resp)
        part = await reader.next()
        assert isinstance(part, BodyPartReader)
        lines = [await part.readline() for _ in range(4)]
        assert lines == [b"line one\r\n", b"line two\n", b"last", b""]
        assert part.at_eof()
        part = await reader.next()
        assert isinstance(part, BodyPartReader)
        assert [await part.readline() for _ in range(4)] == [b"ab\n", b"cd\r\n", b"ef", b""]
        assert await reader.next() is None


async def test_iterating_a_part_yields_its_raw_chunks(server: Server) -> None:
    data = bytes(range(256)) * 100
    body = b"--b\r\n\r\n" + data + b"\r\n--b--\r\n"
    url = await serve_raw(server, body)
    async with asyncio.timeout(TIMEOUT), ClientSession() as session, session.get(url) as resp:
        part = await MultipartReader.from_response(resp).next()
        assert isinstance(part, BodyPartReader)
        chunks = [chunk async for chunk in part]
        assert b"".join(chunks) == data
        assert all(0 < len(c) <= BodyPartReader.chunk_size for c in chunks)
        assert await part.read() == b""
        assert await part.next() is None


async def test_metadata_charset_and_form_helpers() -> None:
    body = (
        b"--b\r\nContent-Type: text/plain; charset=latin-1\r\n"
        b"Content-Disposition: form-data; name=\"f\"; filename*=utf-8''%C3%A9t%C3%A9.txt\r\n"
        b"\r\n\xe9t\xe9\r\n"
        b"--b\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\na=1&b=%C3%A9&c=\r\n"
        b"--b\r\nContent-Type: application/json\r\n\r\n\r\n"
        b"--b--\r\n"
    )
    reader = MultipartReader(mixed(body), fed_stream(body))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert (part.name, part.filename, part.get_charset("utf-8")) == ("f", "été.txt", "latin-1")
    assert await part.text() == "été"
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert part.get_charset("cp1252") == "cp1252"
    assert await part.form() == [("a", "1"), ("b", "é"), ("c", "")]
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.json() is None
    assert await reader.next() is None


async def test_form_charset_field_sets_the_default_charset() -> None:
    body = (
        b"--b\r\nContent-Disposition: form-data; name=_charset_\r\n\r\niso-8859-1\r\n"
        b"--b\r\nContent-Disposition: form-data; name=t\r\n\r\n\xe9\r\n--b--\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    reader = MultipartReader(headers, fed_stream(body))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert part.name == "t"
    assert part.get_charset("utf-8") == "iso-8859-1"
    assert await part.text() == "é"
    assert await reader.next() is None


async def test_release_skips_everything_and_subclasses_are_used() -> None:
    class Part(BodyPartReader):
        pass

    class Reader(MultipartReader):
        part_reader_cls = Part

    body = (
        b"--o\r\n\r\none\r\n--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n"
        b"--i\r\n\r\nin\r\n--i--\r\n\r\n--o--\r\n"
    )
    reader = Reader({"Content-Type": "multipart/mixed; boundary=o"}, fed_stream(body))
    first = await reader.next()
    assert type(first) is Part
    nested = await reader.next()
    assert type(nested) is Reader
    assert type(await nested.next()) is Part
    await reader.release()
    assert reader.at_eof()
    assert await reader.next() is None


async def test_decode_chunk_by_chunk_for_transfer_encodings() -> None:
    data = bytes(range(256)) * 30
    mp = MultipartWriter(boundary="b")
    mp.append(data, {"Content-Transfer-Encoding": "base64"})
    mp.append(data, {"Content-Transfer-Encoding": "quoted-printable"})
    aio = aiohttp.MultipartWriter(boundary="c")
    aio.append(data, {"Content-Transfer-Encoding": "base64"})
    wire = await body_of(mp)
    for size in (1, 2, 5, 77, 1000):
        reader = MultipartReader(mixed(wire), fed_stream(wire, [3, 7, 11] * 500))
        async for part in reader:
            assert isinstance(part, BodyPartReader)
            decoded = bytearray()
            while chunk := await part.read_chunk(size):
                decoded += part.decode(chunk)
            assert bytes(decoded) == data


# ------------------------------------------------------------ raw bytes: malformed


@pytest.mark.parametrize(
    ("ctype", "message"),
    [
        ("text/plain", "multipart/\\* content type expected"),
        ("multipart/mixed", "boundary missed"),
        ("multipart/mixed; boundary=", "boundary missed"),
        ("multipart/mixed; boundary=" + "x" * 71, "too long"),
        ("multipart/mixed; boundary=é", "not ASCII"),
    ],
)
async def test_unusable_content_types_raise_value_error(
    server: Server, ctype: str, message: str
) -> None:
    url = await serve_raw(server, b"--b--\r\n", ctype)
    with pytest.raises(ValueError, match=message):
        await read_raw_response(url)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"no boundary at all\r\n", "Could not find starting boundary"),
        (b"", "Could not find starting boundary"),
        (b"--b\r\n\r\nabc\r\n--c\r\n", "ends before the boundary"),
        (b"--b\r\nContent-Length: 3\r\n\r\nabc\r\n--c\r\n", "Invalid boundary"),
        (b"--b\r\n\r\nabc\r\n--bx\r\n\r\n--b--", "Invalid boundary"),
        (b"--b\r\n\r\nabc def", "ends before the boundary"),
        (b"--b\r\n\r\nabc\r\n--b\r\nX: y\r\n", "ends inside a part's headers"),
        (b"--b\r\n\r\nabc\r\n", "ends before the boundary"),
        (b"--b\r\n\r\nabc\r\n--b", "ends inside a part's headers"),
        (b"--b\r\n\r\nabc\r\n--b\r\n\r\n", "ends before the boundary"),
        (b"--b\r\nContent-Length: 10\r\n\r\nabc", "before the part's Content-Length"),
        (b"--b\r\nContent-Length: 2\r\n\r\nabc\r\n--b--", "did not read all the data"),
        (b"--b\r\nContent-Length: +3\r\n\r\nabc\r\n--b--", "invalid Content-Length"),
    ],
)
async def test_malformed_framing_raises_value_error(
    server: Server, body: bytes, message: str
) -> None:
    url = await serve_raw(server, body)
    with pytest.raises(ValueError, match=message):
        await read_raw_response(url)


async def test_nested_body_without_its_first_boundary_stops_at_the_parent() -> None:
    body = (
        b"--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n"
        b"junk\r\n--o\r\n\r\nnext\r\n--o--\r\n"
    )
    reader = MultipartReader({"Content-Type": "multipart/mixed; boundary=o"}, fed_stream(body))
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    with pytest.raises(ValueError, match="Could not find starting boundary"):
        await nested.next()


async def _drain_chunks(part: BodyPartReader) -> None:
    while await part.read_chunk(1000):
        pass


async def _drain_lines(part: BodyPartReader) -> None:
    while await part.readline():
        pass


@pytest.mark.parametrize("how", ["read", "read_chunk", "readline", "release", "next"])
async def test_truncated_body_is_an_error_for_every_way_of_reading(how: str) -> None:
    body = b"--b\r\n\r\n" + b"x" * 100000
    reader = MultipartReader(mixed(body), fed_stream(body))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    ways: dict[str, Callable[[], Awaitable[object]]] = {
        "read": part.read,
        "read_chunk": lambda: _drain_chunks(part),
        "readline": lambda: _drain_lines(part),
        "release": part.release,
        "next": reader.next,
    }
    with pytest.raises(ValueError, match="ends before the boundary"):
        await ways[how]()


@pytest.mark.parametrize(
    "line",
    [
        b"X-A: a\rb",  # bare CR inside a value
        b"X-A: a\x00b",
        b" folded: value",  # obs-fold / leading whitespace
        b"no colon here",
        b"bad name: v",
        b": empty name",
        b"X-A\x7f: v",
    ],
)
async def test_header_lines_with_junk_raise_invalid_header(server: Server, line: bytes) -> None:
    body = b"--b\r\n" + line + b"\r\n\r\nbody\r\n--b--\r\n"
    url = await serve_raw(server, body)
    with pytest.raises(InvalidHeader):
        await read_raw_response(url)


async def test_header_size_limits(server: Server) -> None:
    long_line = b"X-Long: " + b"v" * 8182  # exactly 8190 bytes: allowed
    body = b"--b\r\n" + long_line + b"\r\n\r\nok\r\n--b--\r\n"
    parts = await read_raw_response(await serve_raw(server, body))
    assert parts[0][0]["X-Long"] == "v" * 8182

    body = b"--b\r\n" + long_line + b"v\r\n\r\nok\r\n--b--\r\n"
    with pytest.raises(LineTooLong):
        await read_raw_response(await serve_raw(server, body))

    many = b"".join(b"X-%d: v\r\n" % i for i in range(128))
    body = b"--b\r\n" + many + b"\r\nok\r\n--b--\r\n"
    parts = await read_raw_response(await serve_raw(server, body))
    assert len(parts[0][0]) == 128
    body = b"--b\r\n" + many + b"X-129: v\r\n\r\nok\r\n--b--\r\n"
    with pytest.raises(TooManyHeaders):
        await read_raw_response(await serve_raw(server, body))

    # Smaller limits are given to the reader (and passed on to nested readers).
    body = b"--b\r\nX-A: 12345\r\n\r\nok\r\n--b--\r\n"
    with pytest.raises(LineTooLong):
        await collect(MultipartReader(mixed(body), fed_stream(body), max_field_size=5))
    body = b"--b\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\nA: 1\r\nB: 2\r\n"
    with pytest.raises(TooManyHeaders):
        await collect(MultipartReader(mixed(body), fed_stream(body), max_headers=1))


async def test_client_max_size_bounds_read_but_not_read_chunk() -> None:
    class TooBig(Exception):
        pass

    data = b"z" * 5000
    body = b"--b\r\n\r\n" + data + b"\r\n--b\r\nContent-Encoding: gzip\r\n\r\n"
    body += gzip.compress(b"\0" * 100000) + b"\r\n--b--\r\n"
    reader = MultipartReader(mixed(body), fed_stream(body), client_max_size=4096)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(ValueError, match="4096"):
        await part.read()

    reader = MultipartReader(
        mixed(body), fed_stream(body), client_max_size=4096, max_size_error_cls=TooBig
    )
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    streamed = bytearray()
    while chunk := await part.read_chunk(1000):
        streamed += chunk
    assert bytes(streamed) == data
    bomb = await reader.next()
    assert isinstance(bomb, BodyPartReader)
    # Small on the wire, over the limit once decompressed.
    with pytest.raises(TooBig):
        await bomb.read(decode=True)


@pytest.mark.parametrize(
    ("headers", "payload", "error"),
    [
        ({"Content-Encoding": "gzip"}, b"not gzip at all", ClientPayloadError),
        ({"Content-Encoding": "gzip"}, gzip.compress(b"x" * 1000)[:-12], ClientPayloadError),
        ({"Content-Encoding": "br"}, b"x", RuntimeError),
        ({"Content-Transfer-Encoding": "uuencode"}, b"x", RuntimeError),
        ({"Content-Transfer-Encoding": "base64"}, b"abc", binascii.Error),
    ],
)
async def test_undecodable_parts_raise_typed_errors(
    headers: dict[str, str], payload: bytes, error: type[Exception]
) -> None:
    head = b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items())
    body = b"--b\r\n" + head + b"\r\n" + payload + b"\r\n--b--\r\n"
    reader = MultipartReader(mixed(body), fed_stream(body))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.read() == payload  # the raw bytes are always readable
    with pytest.raises(error):
        part.decode(payload)
    assert issubclass(binascii.Error, ValueError)


async def test_decoding_identity_binary_and_form_data_content_encoding() -> None:
    body = (
        b"--b\r\nContent-Encoding: identity\r\nContent-Transfer-Encoding: 8bit\r\n\r\nraw\r\n"
        b"--b\r\nContent-Encoding: deflate\r\n\r\n" + zlib.compress(b"zlib-wrapped") + b"\r\n"
        b"--b--\r\n"
    )
    parts = await collect(MultipartReader(mixed(body), fed_stream(body)))
    assert [p[1] for p in parts] == [b"raw", b"zlib-wrapped"]
    # RFC 7578 §4.8: form-data parts carry no content coding; the header is ignored.
    body = b"--b\r\nContent-Encoding: gzip\r\n\r\nplain\r\n--b--\r\n"
    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    parts = await collect(MultipartReader(headers, fed_stream(body)))
    assert [p[1] for p in parts] == [b"plain"]


async def test_the_charset_field_must_be_short() -> None:
    body = (
        b"--b\r\nContent-Disposition: form-data; name=_charset_\r\n\r\n" + b"x" * 40 + b"\r\n--b--"
    )
    reader = MultipartReader({"Content-Type": "multipart/form-data; boundary=b"}, fed_stream(body))
    with pytest.raises(RuntimeError, match="Invalid default charset"):
        await reader.next()


async def test_bad_read_chunk_size_and_over_long_body_line() -> None:
    body = b"--b\r\n\r\n" + b"x" * (2**17 + 10) + b"\r\n--b--\r\n"
    reader = MultipartReader(mixed(body), fed_stream(body))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(ValueError, match="chunk size"):
        await part.read_chunk(0)
    with pytest.raises(ValueError, match="Chunk too big"):
        await part.readline()


# ---------------------------------------------------------- segmentation property


def rich_body() -> tuple[bytes, str]:
    """A body with delimiter look-alikes at every position a split could cut."""
    mp = aiohttp.MultipartWriter("mixed", boundary="seg")
    mp.append(b"\r\n--se\r\n--s\r\n-\r\n\r")
    mp.append(b"")
    mp.append(b"x" * 300, {"Content-Transfer-Encoding": "base64"})
    mp.append("=é=\r\n" * 20, {"Content-Transfer-Encoding": "quoted-printable"})
    mp.append(b"gz" * 200, {"Content-Encoding": "gzip"})
    inner = aiohttp.MultipartWriter("mixed", boundary="seg2")
    inner.append(b"--seg\r\n\r\n")  # the outer boundary inside a nested part, no CRLF before
    mp.append(inner)
    writer = BufferWriter()

    async def render() -> bytes:
        await mp.write(writer)  # type: ignore[arg-type]
        return bytes(writer.buffer)

    return asyncio.run(render()), mp.content_type


RICH_BODY, RICH_TYPE = rich_body()
RICH_EXPECTED = [
    b"\r\n--se\r\n--s\r\n-\r\n\r",
    b"",
    b"x" * 300,
    ("=é=\r\n" * 20).encode(),
    b"gz" * 200,
    [b"--seg\r\n\r\n"],
]


def bodies(parts: list[Any]) -> list[Any]:
    return [bodies(p) if isinstance(p, list) else p[1] for p in parts]


def test_the_rich_body_is_what_aiohttp_reads_too() -> None:
    async def check() -> list[Any]:
        stream = aiohttp.StreamReader(NoFlow(), 2**16, loop=asyncio.get_running_loop())
        stream.feed_data(RICH_BODY)
        stream.feed_eof()
        reader = aiohttp.MultipartReader({"Content-Type": RICH_TYPE}, stream)
        out: list[Any] = []
        while (part := await reader.next()) is not None:
            if isinstance(part, aiohttp.MultipartReader):
                out.append([bytes(await p.read(decode=True)) async for p in _aio_parts(part)])
            else:
                out.append(bytes(await part.read(decode=True)))
        return out

    assert asyncio.run(check()) == RICH_EXPECTED


async def _aio_parts(reader: aiohttp.MultipartReader) -> AsyncIterator[aiohttp.BodyPartReader]:
    while (part := await reader.next()) is not None:
        assert isinstance(part, aiohttp.BodyPartReader)
        yield part


def splits(total: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(1, max(1, total)), min_size=1, max_size=30)


async def serve_in_pieces(pieces: list[bytes]) -> tuple[asyncio.base_events.Server, str]:
    """A raw server answering with the rich body, written piece by piece (chunked)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readline() not in (b"\r\n", b""):
                pass
            head = f"HTTP/1.1 200 OK\r\nContent-Type: {RICH_TYPE}\r\n"
            writer.write((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
            for piece in pieces:
                if piece:
                    writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                await writer.drain()
                await asyncio.sleep(0)
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        finally:
            writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    return srv, f"http://127.0.0.1:{port}/"


def cut(body: bytes, sizes: list[int]) -> list[bytes]:
    pieces: list[bytes] = []
    pos = 0
    for n in sizes:
        if pos >= len(body):
            break
        pieces.append(body[pos : pos + n])
        pos += n
    pieces.append(body[pos:])
    return pieces


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=splits(len(RICH_BODY)), chunk=st.integers(1, 700))
def test_any_segmentation_over_the_network_gives_the_same_parts(
    sizes: list[int], chunk: int
) -> None:
    async def run() -> list[Any]:
        srv, url = await serve_in_pieces(cut(RICH_BODY, sizes))
        try:
            async with asyncio.timeout(TIMEOUT), ClientSession() as session:
                async with session.get(url) as resp:
                    return await read_with_chunks(MultipartReader.from_response(resp), chunk)
        finally:
            srv.close()
            await srv.wait_closed()

    assert asyncio.run(run()) == RICH_EXPECTED


async def read_with_chunks(reader: Any, chunk: int) -> list[Any]:
    """Every part decoded, read ``chunk`` bytes at a time."""
    out: list[Any] = []
    async for part in reader:
        if isinstance(part, MultipartReader):
            out.append(await read_with_chunks(part, chunk))
            continue
        raw = bytearray()
        while piece := await part.read_chunk(chunk):
            raw += piece
        out.append(part.decode(bytes(raw)))
    return out


@settings(max_examples=150, deadline=None)
@given(
    sizes=splits(len(RICH_BODY)),
    chunk=st.integers(1, 700),
    lines=st.booleans(),
)
def test_any_segmentation_fed_while_reading_gives_the_same_parts(
    sizes: list[int], chunk: int, lines: bool
) -> None:
    # The stream is fed one piece per loop iteration while the reader waits on it.
    async def run() -> list[Any]:
        stream = StreamReader(NoFlow(), 2**16, loop=asyncio.get_running_loop())

        async def feed() -> None:
            for piece in cut(RICH_BODY, sizes):
                stream.feed_data(piece)
                await asyncio.sleep(0)
            stream.feed_eof()

        feeder = asyncio.create_task(feed())
        reader = MultipartReader({"Content-Type": RICH_TYPE}, stream)
        if lines:
            result = await read_with_lines(reader)
        else:
            result = await read_with_chunks(reader, chunk)
        await feeder
        return result

    assert asyncio.run(run()) == RICH_EXPECTED


async def read_with_lines(reader: MultipartReader) -> list[Any]:
    """Every part decoded, read line by line (the last line loses the delimiter's CRLF)."""
    out: list[Any] = []
    async for part in reader:
        if isinstance(part, MultipartReader):
            out.append(await read_with_lines(part))
            continue
        raw = bytearray()
        while not part.at_eof():
            raw += await part.readline()
        out.append(part.decode(bytes(raw)))
    return out


part_bodies = st.lists(
    st.tuples(
        st.binary(max_size=300).map(lambda b: b.replace(b"--bnd", b"--bnX")),
        st.sampled_from([None, "base64", "quoted-printable", "gzip", "deflate"]),
    ),
    max_size=6,
)


@settings(max_examples=100, deadline=None)
@given(parts=part_bodies, sizes=st.lists(st.integers(1, 50), max_size=40))
def test_httpwire_writer_round_trips_through_the_reader(
    parts: list[tuple[bytes, str | None]], sizes: list[int]
) -> None:
    async def run() -> list[bytes]:
        mp = MultipartWriter("mixed", boundary="bnd")
        for data, coding in parts:
            if coding in ("gzip", "deflate"):
                mp.append(data, {"Content-Encoding": coding})
            elif coding:
                mp.append(data, {"Content-Transfer-Encoding": coding})
            else:
                mp.append(data)
        wire = await body_of(mp)
        reader = MultipartReader({"Content-Type": mp.content_type}, fed_stream(wire, sizes))
        return [p[1] for p in await collect(reader)]

    assert asyncio.run(run()) == [data for data, _ in parts]


def test_module_surface() -> None:
    import httpwire.multipart as module

    for name in ("MultipartReader", "BodyPartReader"):
        assert name in module.__all__
    assert module.MultipartResponseWrapper is MultipartReader.response_wrapper_cls
    assert MultipartReader.multipart_reader_cls is None
    assert MultipartReader.part_reader_cls is BodyPartReader


# ------------------------------------------------------- delivery, carries, duck typing


async def test_body_bytes_are_handed_out_as_soon_as_they_cannot_be_the_delimiter() -> None:
    stream = StreamReader(NoFlow(), 2**16, loop=asyncio.get_running_loop())
    reader = MultipartReader(mixed(b""), stream)
    stream.feed_data(b"--b\r\n\r\nHello, ")
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.read_chunk(100) == b"Hello, "  # nothing here can start "\r\n--b"
    stream.feed_data(b"World!\r\n-")
    assert await part.read_chunk(100) == b"World!"  # "\r\n-" may: it waits
    stream.feed_data(b"-x\r\n--b--\r\n")
    assert await part.read_chunk(100) == b"\r\n--x"
    assert await part.read_chunk(100) == b""
    assert part.at_eof()


async def test_a_base64_whitespace_run_is_not_carried_from_read_to_read() -> None:
    body = b"--b\r\nContent-Transfer-Encoding: base64\r\n\r\nQ" + b" " * 65536 + b"UJD\r\n--b--\r\n"
    async with asyncio.timeout(TIMEOUT):
        part = await MultipartReader(mixed(body), fed_stream(body)).next()
        assert isinstance(part, BodyPartReader)
        decoded = bytearray()
        while chunk := await part.read_chunk(8192):
            assert len(chunk) <= 8192
            decoded += part.decode(chunk)
    assert bytes(decoded) == b"ABC"


async def test_read_returns_a_base64_part_exactly_as_sent() -> None:
    raw = b"QUJD\r\nREVG\r\nR0g="
    body = b"--b\r\nContent-Transfer-Encoding: base64\r\n\r\n" + raw + b"\r\n--b--\r\n"
    part = await MultipartReader(mixed(body), fed_stream(body, [1] * len(body))).next()
    assert isinstance(part, BodyPartReader)
    assert await part.read_chunk(8) == b"QUJD\r\n"  # whole quartets only: "RE" is carried
    assert await part.read() == b"REVG\r\nR0g="
    assert await part.read(decode=False) == b""


class ListStream:
    """A stream-like object with only the reads the multipart reader needs (no limits)."""

    def __init__(self, data: bytes) -> None:
        self._data = bytearray(data)

    async def read(self, n: int = -1) -> bytes:
        size = len(self._data) if n < 0 else min(n, len(self._data))
        piece = bytes(self._data[:size])
        del self._data[:size]
        return piece

    def at_eof(self) -> bool:
        return not self._data

    def unread_data(self, data: bytes) -> None:
        self._data[:0] = data


async def test_any_stream_like_object_can_be_read() -> None:
    body = b"--b\r\n\r\none\r\n--b\r\nX-N: 2\r\n\r\ntwo\r\n--b--"  # no CRLF after the close
    reader = MultipartReader(mixed(body), ListStream(body))  # type: ignore[arg-type]
    parts = [await part.read() async for part in reader if isinstance(part, BodyPartReader)]
    assert parts == [b"one", b"two"]
    assert reader.at_eof()
