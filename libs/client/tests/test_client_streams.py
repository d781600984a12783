"""StreamReader line reading: separators across pieces and the per-call bounds of aiohttp 3.14."""

from __future__ import annotations

import asyncio
import gzip

import pytest

from httpwire import (
    EMPTY_PAYLOAD,
    ClientSession,
    DataQueue,
    EofStream,
    FlowControlDataQueue,
    StreamReader,
)
from httpwire_parser import LineTooLong

from .conftest import Server, reply
from .test_client_multipart_reader import NoFlow


def _reader(*pieces: bytes, limit: int = 2**16) -> StreamReader:
    stream = StreamReader(NoFlow(), limit, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
    for piece in pieces:
        stream.feed_data(piece)
    stream.feed_eof()
    return stream


async def test_readline_and_readuntil_split_on_their_separator_across_pieces() -> None:
    stream = _reader(b"one\ntw", b"o\r", b"\nthree")
    assert await stream.readline() == b"one\n"
    assert await stream.readuntil(b"\r\n") == b"two\r\n"
    assert await stream.readline() == b"three"
    assert await stream.readline() == b""


async def test_max_line_length_bounds_one_line() -> None:
    stream = _reader(b"short\n", b"x" * 100 + b"\n")
    assert await stream.readline(max_line_length=10) == b"short\n"
    with pytest.raises(LineTooLong, match=r"^Got more than 10 bytes when reading: b'x+\.\.\.'\.$"):
        await stream.readline(max_line_length=10)


async def test_max_size_bounds_readuntil_and_the_default_is_the_high_water_mark() -> None:
    stream = _reader(b"a" * 50 + b"--", b"b" * 10 + b"--")
    with pytest.raises(LineTooLong, match="more than 20 bytes"):
        await stream.readuntil(b"--", max_size=20)
    stream = _reader(b"c" * 300 + b"\n", limit=64)  # high water is twice the limit
    with pytest.raises(LineTooLong, match="more than 128 bytes"):
        await stream.readline()
    stream = _reader(b"d" * 300 + b"\n", limit=64)
    assert await stream.readline(max_line_length=1000) == b"d" * 300 + b"\n"


async def test_separator_must_not_be_empty() -> None:
    with pytest.raises(ValueError, match="Separator"):
        await _reader(b"x").readuntil(b"", max_size=5)


# --- total_raw_bytes / total_compressed_bytes (aiohttp 3.13) and set_read_chunk_size ---------


async def test_a_gzip_body_counts_its_bytes_before_and_after_decoding(server: Server) -> None:
    plain = b"spam and eggs " * 5000
    packed = gzip.compress(plain)
    server.answer("/z", reply(200, packed, {"Content-Encoding": "gzip"}))
    async with ClientSession() as session, session.get(server.url("/z")) as resp:
        assert await resp.read() == plain
        content = resp.content
        assert content.total_bytes == len(plain)
        assert content.total_compressed_bytes == len(packed)
        assert content.total_raw_bytes == len(packed) == resp.content_length


async def test_a_chunked_gzip_body_counts_progress_as_it_arrives(server: Server) -> None:
    packed = gzip.compress(bytes(range(256)) * 4096)
    framed = b"".join(
        b"%x\r\n%b\r\n" % (len(packed[i : i + 4096]), packed[i : i + 4096])
        for i in range(0, len(packed), 4096)
    )
    server.answer(
        "/c",
        reply(
            200, framed + b"0\r\n\r\n", {"Content-Encoding": "gzip", "Transfer-Encoding": "chunked"}
        ),
    )
    seen: list[int] = []
    async with ClientSession() as session, session.get(server.url("/c")) as resp:
        async for _ in resp.content.iter_chunked(8192):
            seen.append(resp.content.total_raw_bytes)
    assert seen == sorted(seen)
    assert seen[-1] == len(packed)


async def test_without_decoding_raw_bytes_are_the_bytes_received(server: Server) -> None:
    packed = gzip.compress(b"x" * 10000)
    server.answer("/z", reply(200, packed, {"Content-Encoding": "gzip"}))
    server.answer("/p", reply(200, b"plain body"))
    async with ClientSession(auto_decompress=False) as session:
        async with session.get(server.url("/z")) as resp:
            assert await resp.read() == packed
            assert resp.content.total_compressed_bytes is None
            assert resp.content.total_raw_bytes == len(packed)
    async with ClientSession() as session, session.get(server.url("/p")) as resp:
        await resp.read()
        assert resp.content.total_compressed_bytes is None
        assert resp.content.total_raw_bytes == resp.content.total_bytes == 10


async def test_set_read_chunk_size_only_raises_the_water_marks() -> None:
    stream = StreamReader(NoFlow(), 1024, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
    stream.set_read_chunk_size(100)
    assert "low=1024 high=2048" in repr(stream)
    stream.iter_chunked(4096)
    assert "low=4096 high=8192" in repr(stream)
    EMPTY_PAYLOAD.set_read_chunk_size(1 << 20)
    assert repr(EMPTY_PAYLOAD) == "<EmptyStreamReader>"
    assert EMPTY_PAYLOAD.total_raw_bytes == 0


async def test_a_line_too_long_leaves_the_rest_readable() -> None:
    stream = _reader(b"chunk1", b"chunk2\n", b"chunk3\n", limit=4)
    with pytest.raises(LineTooLong):
        await stream.readline()
    assert await stream.read() == b"chunk3\n"


async def test_unread_data_is_deprecated_but_works() -> None:
    stream = _reader(b"world")
    with pytest.warns(DeprecationWarning, match="unread_data"):
        stream.unread_data(b"hello ")
    assert await stream.read() == b"hello world"


async def test_feed_data_answers_false_and_chunk_ends_need_a_begin() -> None:
    stream = StreamReader(NoFlow(), 16, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
    assert stream.feed_data(b"", 0) is False
    assert stream.feed_data(b"ab", 2) is False
    with pytest.raises(RuntimeError, match="without calling begin_chunk_receiving"):
        stream.end_http_chunk_receiving()
    stream.begin_http_chunk_receiving()
    stream.end_http_chunk_receiving()
    assert EMPTY_PAYLOAD.feed_data(b"x") is False


def test_an_eof_callback_error_on_an_empty_body_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    def boom() -> None:
        raise ValueError("callback failed")

    with caplog.at_level("ERROR", logger="httpwire.internal"):
        EMPTY_PAYLOAD.on_eof(boom)
    assert "Exception in eof callback" in caplog.text


async def test_data_queue_hands_objects_out_in_order_then_ends() -> None:
    queue: DataQueue[object] = DataQueue(asyncio.get_running_loop())
    items = [object(), 0, b"", None]
    for item in items[:2]:
        queue.feed_data(item, 1)
    assert len(queue) == 2
    assert not queue.is_eof()
    reader = asyncio.ensure_future(queue.read())
    assert await reader is items[0]
    assert await queue.read() == 0
    waiting = asyncio.ensure_future(queue.read())
    await asyncio.sleep(0)
    queue.feed_data(items[2])
    assert await waiting == b""
    queue.feed_data(items[3])
    queue.feed_eof()
    assert queue.is_eof()
    assert not queue.at_eof()
    assert [item async for item in queue] == [None]
    assert queue.at_eof()
    with pytest.raises(EofStream):
        await queue.read()


async def test_data_queue_error_reaches_the_reader_after_the_objects() -> None:
    queue: DataQueue[int] = DataQueue(asyncio.get_running_loop())
    waiting = asyncio.ensure_future(queue.read())
    await asyncio.sleep(0)
    queue.set_exception(ValueError("first"))
    with pytest.raises(ValueError, match="first"):
        await waiting
    queue = DataQueue(asyncio.get_running_loop())
    queue.feed_data(1)
    cause = OSError("cause")
    queue.set_exception(ValueError("later"), cause)
    assert await queue.read() == 1
    with pytest.raises(ValueError, match="later") as caught:
        await queue.read()
    assert caught.value.__cause__ is cause
    assert queue.exception() is caught.value


async def test_data_queue_read_can_be_cancelled_and_retried() -> None:
    queue: DataQueue[int] = DataQueue(asyncio.get_running_loop())
    waiting = asyncio.ensure_future(queue.read())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="another coroutine waits"):
        await queue.read()
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    queue.feed_data(7)
    assert await queue.read() == 7


class _Flow:
    def __init__(self) -> None:
        self.reading_paused = False
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.reading_paused = True
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.reading_paused = False
        self.calls.append("resume")


async def test_flow_control_data_queue_pauses_past_twice_the_limit() -> None:
    flow = _Flow()
    queue: FlowControlDataQueue[str] = FlowControlDataQueue(
        flow, 10, loop=asyncio.get_running_loop()
    )
    queue.feed_data("a", 5)
    assert flow.calls == []
    queue.feed_data("b", 20)  # 25 > 2 * 10
    assert flow.calls == ["pause"]
    assert await queue.read() == "a"  # 20 left: not under 2 * 10 yet
    assert flow.calls == ["pause"]
    queue.feed_data("c", 1)
    assert await queue.read() == "b"  # 1 left
    assert flow.calls == ["pause", "resume"]
    queue.feed_eof()
    assert await queue.read() == "c"
    with pytest.raises(EofStream):
        await queue.read()
