"""Request bodies on the wire: every payload kind, framing, Expect: 100-continue, faults, memory."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import io
import json
import warnings
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from multidict import CIMultiDict

import httpwire
from httpwire import (
    BufferedReaderPayload,
    BytesPayload,
    ClientConnectionError,
    ClientPayloadError,
    ClientSession,
    ClientTimeout,
    HttpVersion10,
    TCPConnector,
)

from .conftest import Received, Server, reply


@pytest.fixture
def ok_server(server: Server) -> Server:
    async def ok(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"ok")

    server.route("/up")(ok)
    return server


async def post(server: Server, data: object, **kwargs: object) -> Received:
    async with (
        ClientSession() as session,
        session.post(server.url("/up"), data=data, **kwargs) as resp,  # type: ignore[arg-type]
    ):
        assert resp.status == 200
        await resp.read()
    return server.requests[-1]


def _sized(received: Received) -> bool:
    return received.headers.get("Content-Length") == str(len(received.body))


def _chunked(received: Received) -> bool:
    return received.headers.get("Transfer-Encoding") == "chunked"


async def test_binary_file_is_streamed_with_its_length(ok_server: Server, tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    data = bytes(range(256)) * 4096
    path.write_bytes(data)
    fh = path.open("rb")
    received = await post(ok_server, fh)
    assert received.body == data
    assert _sized(received)
    assert received.headers["Content-Type"] == "application/octet-stream"
    assert "Content-Disposition" not in received.headers  # a whole body is no attachment
    async with asyncio.timeout(5):  # a file may be closed off the loop, not waited for
        while not fh.closed:
            await asyncio.sleep(0.01)


async def test_file_opened_at_an_offset_sends_the_rest(ok_server: Server, tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"0123456789")
    with path.open("rb") as fh:
        fh.seek(4)
        received = await post(ok_server, fh)
    assert received.body == b"456789"
    assert _sized(received)


async def test_text_file_is_encoded(ok_server: Server, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("héllo\n" * 1000, encoding="utf-8")
    with path.open(encoding="utf-8") as fh:
        received = await post(ok_server, fh)
    assert received.body == ("héllo\n" * 1000).encode()
    assert received.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("make", "expected", "framing"),
    [
        (lambda: io.BytesIO(b"bytes io"), b"bytes io", _sized),
        (lambda: io.StringIO("string io é"), "string io é".encode(), _sized),
        (lambda: iter([b"a", b"b", b"c"]), b"abc", _chunked),
        (lambda: (bytes([i]) * 3 for i in range(97, 100)), b"aaabbbccc", _chunked),
        (lambda: memoryview(b"view"), b"view", _sized),
    ],
    ids=["BytesIO", "StringIO", "iterator", "generator", "memoryview"],
)
async def test_in_memory_and_iterable_kinds(
    ok_server: Server,
    make: Callable[[], object],
    expected: bytes,
    framing: Callable[[Received], bool],
) -> None:
    received = await post(ok_server, make())
    assert received.body == expected
    assert framing(received)


async def test_response_body_piped_into_a_request(server: Server) -> None:
    source = bytes(range(256)) * 2000

    async def download(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, source)

    async def upload(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"stored")

    server.route("/download")(download)
    server.route("/upload")(upload)
    async with ClientSession() as session:
        async with session.get(server.url("/download")) as src:
            async with session.post(server.url("/upload"), data=src.content) as dst:
                assert await dst.read() == b"stored"
    received = server.requests[-1]
    assert received.body == source
    assert _chunked(received)


async def test_chunked_true_frames_a_sized_body(ok_server: Server) -> None:
    received = await post(ok_server, b"x" * 100, chunked=True)
    assert _chunked(received)
    assert "Content-Length" not in received.headers
    assert received.body == b"x" * 100


@pytest.mark.parametrize(
    ("compress", "encoding", "decode"),
    [
        (True, "deflate", zlib.decompress),
        ("deflate", "deflate", zlib.decompress),
        ("gzip", "gzip", gzip.decompress),
    ],
    ids=["true", "deflate", "gzip"],
)
async def test_compressed_upload_is_decoded_by_the_server(
    ok_server: Server, compress: object, encoding: str, decode: Callable[[bytes], bytes]
) -> None:
    data = b"compress me " * 5000
    received = await post(ok_server, data, compress=compress)
    assert received.headers["Content-Encoding"] == encoding
    assert _chunked(received)
    assert len(received.body) < len(data) // 10
    assert decode(received.body) == data


@pytest.mark.parametrize(
    "data",
    [gzip.compress(b"already gzipped " * 100), iter([gzip.compress(b"streamed", mtime=0)])],
    ids=["bytes", "stream"],
)
async def test_a_content_encoding_of_the_callers_own_sends_the_body_as_given(
    ok_server: Server, data: object
) -> None:
    expected = data if isinstance(data, bytes) else gzip.compress(b"streamed", mtime=0)
    received = await post(ok_server, data, headers={"Content-Encoding": "gzip"})
    assert received.headers["Content-Encoding"] == "gzip"
    assert received.body == expected  # not compressed a second time
    assert gzip.decompress(received.body).startswith((b"already", b"streamed"))


async def test_an_unknown_compress_coding_is_refused_before_sending(ok_server: Server) -> None:
    async with ClientSession() as session:
        with pytest.raises(ValueError, match="'br'"):
            await session.post(ok_server.url("/up"), data=b"x", compress="br")
    assert ok_server.requests == []


@pytest.mark.parametrize("data", [b"framed by the caller", None], ids=["bytes", "no-body"])
async def test_a_transfer_encoding_of_the_callers_own_frames_without_content_length(
    ok_server: Server, data: bytes | None
) -> None:
    received = await post(ok_server, data, headers={"Transfer-Encoding": "chunked"})
    assert _chunked(received)
    assert "Content-Length" not in received.headers
    assert received.body == (data or b"")


async def test_content_length_with_transfer_encoding_is_refused_before_sending(
    ok_server: Server,
) -> None:
    headers = {"Transfer-Encoding": "chunked", "Content-Length": "3"}
    async with ClientSession() as session:
        with pytest.raises(ValueError, match="Transfer-Encoding"):
            await session.post(ok_server.url("/up"), data=b"abc", headers=headers)
    assert ok_server.requests == []


async def test_a_header_value_that_is_not_str_is_a_type_error(ok_server: Server) -> None:
    async with ClientSession() as session:
        with pytest.raises(TypeError, match="must be str"):
            await session.get(ok_server.url("/up"), headers={"X-Number": 1})  # type: ignore[dict-item]
    assert ok_server.requests == []


async def test_unknown_size_on_http10_is_refused_before_sending(ok_server: Server) -> None:
    async with ClientSession(version=HttpVersion10) as session:
        with pytest.raises(ValueError, match=r"HTTP/1\.0"):
            await session.post(ok_server.url("/up"), data=iter([b"a"]))
    assert ok_server.requests == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: b"hello world",
        lambda: io.BytesIO(b"hello world"),
        lambda: iter([b"hello", b" world"]),
    ],
    ids=["bytes", "BytesIO", "iterable"],
)
async def test_a_declared_content_length_caps_the_body_on_the_wire(
    ok_server: Server, make: Callable[[], object]
) -> None:
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        async with session.post(
            ok_server.url("/up"),
            data=make(),  # type: ignore[arg-type]
            headers={"Content-Length": "5"},
        ) as resp:
            assert await resp.read() == b"ok"
        # The connection carries nothing past the 5 bytes: the next request parses cleanly.
        async with session.get(ok_server.url("/up")) as resp:
            assert await resp.read() == b"ok"
        assert connector.stats.reused == 1
    assert [r.body for r in ok_server.requests] == [b"hello", b""]
    assert ok_server.requests[0].headers["Content-Length"] == "5"


@pytest.mark.parametrize(
    ("length", "message"),
    [("50", "more than the 11 bytes"), ("5x", "decimal number"), ("-1", "decimal number")],
)
async def test_a_declared_content_length_the_body_cannot_fill_is_refused_before_sending(
    ok_server: Server, length: str, message: str
) -> None:
    async with ClientSession() as session:
        with pytest.raises(ValueError, match=message):
            await session.post(
                ok_server.url("/up"), data=b"hello world", headers={"Content-Length": length}
            )
    assert ok_server.requests == []


async def test_a_stream_shorter_than_its_declared_length_fails_and_is_not_pooled(
    ok_server: Server,
) -> None:
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        with pytest.raises(ClientConnectionError) as info:
            await session.post(
                ok_server.url("/up"), data=iter([b"abc"]), headers={"Content-Length": "10"}
            )
        assert isinstance(info.value.__cause__, ClientPayloadError)
        assert "3 of the 10 bytes" in str(info.value.__cause__)
        assert (connector.stats.active, connector.stats.idle) == (0, 0)


async def test_a_file_closed_mid_upload_fails_and_the_connection_is_not_pooled(
    ok_server: Server, tmp_path: Path
) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"\0" * (4 * 1024 * 1024))
    fh = path.open("rb")

    class Closing(io.BufferedReader):
        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            if self.tell() > 512 * 1024:
                self.close()
            return data

    closing = Closing(fh.raw)  # type: ignore[arg-type]
    connector = TCPConnector()
    async with ClientSession(connector=connector) as session:
        with pytest.raises(ClientConnectionError):
            async with session.post(ok_server.url("/up"), data=closing) as resp:
                await resp.read()
        stats = connector.stats
        assert (stats.active, stats.idle) == (0, 0)
        async with session.get(ok_server.url("/up")) as resp:
            assert await resp.read() == b"ok"
        assert connector.stats.reused == 0
    assert ok_server.connections == 2


async def test_307_resends_a_seekable_file_and_refuses_a_stream(
    server: Server, tmp_path: Path
) -> None:
    async def moved(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(307, b"", {"Location": "/up"})

    async def ok(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"ok")

    server.route("/old")(moved)
    server.route("/up")(ok)
    path = tmp_path / "f.bin"
    path.write_bytes(b"file body")
    async with ClientSession() as session:
        with path.open("rb") as fh:
            async with session.post(server.url("/old"), data=fh) as resp:
                assert resp.status == 200
        assert [r.body for r in server.requests] == [b"file body", b"file body"]

        def gen() -> Iterator[bytes]:
            yield b"once"

        with pytest.raises(ClientPayloadError):
            await session.post(server.url("/old"), data=gen())


# --- Expect: 100-continue, against a raw server that decides after the head -----------------

Reader = asyncio.StreamReader
Writer = asyncio.StreamWriter
RawHandler = Callable[[Reader, Writer, bytes], Awaitable[None]]


async def raw_server(handler: RawHandler) -> tuple[asyncio.Server, int]:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                await handler(reader, writer, head)
        except ConnectionError:
            pass
        finally:
            writer.close()

    srv = await asyncio.start_server(serve, "127.0.0.1", 0)
    return srv, srv.sockets[0].getsockname()[1]


def _headers(head: bytes) -> CIMultiDict[str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    return CIMultiDict(line.split(": ", 1) for line in lines if line)


async def test_expect100_sends_the_body_after_100_continue() -> None:
    seen: list[tuple[CIMultiDict[str], bytes]] = []

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes
    ) -> None:
        headers = _headers(head)
        # Nothing of the body may arrive before the server says continue.
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(reader.read(1), 0.2)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = await reader.readexactly(int(headers["Content-Length"]))
        seen.append((headers, body))
        writer.write(reply(200, b"got it"))

    srv, port = await raw_server(handler)
    async with srv, ClientSession() as session:
        data = b"b" * 200_000
        async with session.post(f"http://127.0.0.1:{port}/", data=data, expect100=True) as resp:
            assert resp.status == 200
            assert await resp.read() == b"got it"
        # The connection is reused for the next request.
        async with session.post(f"http://127.0.0.1:{port}/", data=b"x", expect100=True) as resp:
            assert resp.status == 200
    (headers, body), (_, second) = seen
    assert headers["Expect"] == "100-continue"
    assert body == data
    assert second == b"x"


async def test_expect100_refused_skips_the_body_and_drops_the_connection() -> None:
    connections = 0
    bodies: list[bytes] = []

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes
    ) -> None:
        nonlocal connections
        connections += 1
        writer.write(reply(417, b"no", {"Connection": "keep-alive"}, reason="Expectation Failed"))
        await writer.drain()
        try:
            bodies.append(await asyncio.wait_for(reader.read(65536), 0.3))
        except TimeoutError:
            bodies.append(b"")

    srv, port = await raw_server(handler)
    async with srv, ClientSession() as session:
        url = f"http://127.0.0.1:{port}/"
        async with session.post(url, data=b"secret" * 1000, expect100=True) as resp:
            assert resp.status == 417
            assert await resp.read() == b"no"
        async with session.post(url, data=b"again", expect100=True) as resp:
            assert resp.status == 417
    assert bodies[0] == b""
    assert connections == 2


async def test_an_early_answer_never_pools_a_connection_whose_body_is_still_being_written() -> None:
    # The server answers as soon as the head arrives; the client's streamed body is still being
    # written when the response is released. Reusing that connection would put the next request
    # inside the unfinished chunked body (a desynchronised connection), so it must be closed.
    received: list[list[bytes]] = []

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes
    ) -> None:
        mine = [head]
        received.append(mine)
        writer.write(reply(200, b"early", {"Connection": "keep-alive"}))
        await writer.drain()
        if head.startswith(b"GET"):
            return
        # Keep what else arrives on this connection until it has been quiet for 0.5 s.
        with contextlib.suppress(TimeoutError):
            while data := await asyncio.wait_for(reader.read(65536), 0.5):
                mine.append(data)
        writer.close()

    async def slow_body() -> AsyncIterator[bytes]:
        yield b"a" * 100
        await asyncio.sleep(0.3)
        yield b"b" * 100

    srv, port = await raw_server(handler)
    async with srv, ClientSession() as session:
        url = f"http://127.0.0.1:{port}/"
        async with session.post(url, data=slow_body()) as resp:
            assert resp.status == 200
            assert await resp.read() == b"early"
        async with session.get(url + "second") as resp:
            assert await resp.read() == b"early"
    first, second = received
    assert b"GET /second" not in b"".join(first)
    assert second[0].startswith(b"GET /second ")


@pytest.mark.filterwarnings("ignore:Sending a large body:ResourceWarning")
@pytest.mark.parametrize(
    "kind", [bytes, bytearray, memoryview], ids=["bytes", "bytearray", "memoryview"]
)
async def test_large_in_memory_body_read_slowly_arrives_whole(kind: type) -> None:
    # 16 MiB is far more than the socket buffers take at once, and the server waits before it
    # reads: the transport pauses and the request waits for it to drain. The read clock
    # (sock_read, shorter than that wait) only starts once the body is out.
    data = bytes(range(256)) * (16 * 1024 * 1024 // 256)
    got: list[bytes] = []

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes
    ) -> None:
        await asyncio.sleep(0.6)
        got.append(await reader.readexactly(int(_headers(head)["Content-Length"])))
        writer.write(reply(200, str(len(got[-1]))))

    srv, port = await raw_server(handler)
    timeout = ClientTimeout(sock_read=0.4)
    async with srv, ClientSession(timeout=timeout) as session:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(2):  # the second one on the same, cleanly reused connection
            async with session.post(url, data=kind(data)) as resp:
                assert await resp.read() == str(len(data)).encode()
    assert got == [data, data]


async def test_large_text_and_json_bodies_arrive_whole_with_their_length(ok_server: Server) -> None:
    text = "é" + "text line\n" * 50_000  # about 500 KB, not ASCII only
    received = await post(ok_server, text)
    assert received.body == text.encode()
    assert _sized(received)
    doc = {"items": list(range(100_000))}
    async with (
        ClientSession() as session,
        session.post(ok_server.url("/up"), json=doc) as resp,
    ):
        await resp.read()
    received = ok_server.requests[-1]
    assert json.loads(received.body) == doc
    assert _sized(received)
    assert received.headers["Content-Type"] == "application/json"


@pytest.mark.filterwarnings("ignore:Sending a large body:ResourceWarning")
async def test_large_in_memory_body_to_a_server_that_closes_fails_clearly() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes
    ) -> None:
        await reader.read(1024)
        writer.transport.abort()

    srv, port = await raw_server(handler)
    async with srv, ClientSession() as session:
        with pytest.raises(ClientConnectionError):
            await session.post(f"http://127.0.0.1:{port}/", data=b"x" * (8 * 1024 * 1024))
        connector = session.connector
        assert connector is not None
        assert connector.stats.idle == 0


# --- memory -------------------------------------------------------------------------------


def _rss() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.mark.slow
async def test_200_mib_file_upload_holds_bounded_memory(tmp_path: Path) -> None:
    size = 200 * 1024 * 1024
    path = tmp_path / "big.bin"
    with path.open("wb") as fh:
        fh.truncate(size)
    peak = 0
    received = 0

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes
    ) -> None:
        nonlocal peak, received
        remaining = int(_headers(head)["Content-Length"])
        while remaining:
            chunk = await reader.read(min(remaining, 1 << 20))
            if not chunk:
                return
            remaining -= len(chunk)
            received += len(chunk)
            peak = max(peak, _rss())
        writer.write(reply(200, b"done"))

    srv, port = await raw_server(handler)
    before = _rss()
    async with srv, ClientSession() as session:
        with path.open("rb") as fh:
            async with session.post(f"http://127.0.0.1:{port}/", data=fh) as resp:
                assert await resp.read() == b"done"
    assert received == size
    assert peak - before < 48 * 1024 * 1024, f"RSS grew by {(peak - before) >> 20} MiB"


async def test_a_file_payload_given_as_is_keeps_its_disposition(
    ok_server: Server, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"text")
    with path.open("rb") as fh:
        received = await post(ok_server, BufferedReaderPayload(fh))
    assert received.body == b"text"
    assert received.headers["Content-Type"] == "text/plain"
    assert received.headers["Content-Disposition"] == 'attachment; filename="notes.txt"'


def test_a_bytes_body_over_one_mib_emits_aiohttps_resource_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BytesPayload(b"0" * 2**20)  # exactly 1 MiB: silent
    for value in (b"0" * (2**20 + 1), bytearray(2**20 + 1), "0" * (2**20 + 1)):
        with pytest.warns(ResourceWarning, match="pass an io.BytesIO object instead"):
            httpwire.payload.get_payload(value)
