"""File payloads: a small cached file read on the loop without I/O, the fallbacks, and closing."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path

import pytest

import httpwire._payload_files as payload_files
from httpwire import ClientSession
from httpwire.payload import BufferedReaderPayload, IOBasePayload, get_payload

from .conftest import Received, Server, reply

READ_CHUNK_SIZE = payload_files.READ_CHUNK_SIZE
needs_nowait = pytest.mark.skipif(
    payload_files._NOWAIT is None, reason="preadv with RWF_NOWAIT is Linux 4.14+ only"
)


def _file(tmp_path: Path, data: bytes, name: str = "f.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


async def _closed_soon(file: io.IOBase) -> None:
    async with asyncio.timeout(5):
        while not file.closed:
            await asyncio.sleep(0.005)


@needs_nowait
@pytest.mark.parametrize("size", [1, 4096, READ_CHUNK_SIZE])
def test_a_small_cached_file_is_one_buffer_from_its_start_position(
    tmp_path: Path, size: int
) -> None:
    data = os.urandom(size + 3)
    with _file(tmp_path, data).open("rb") as fh:
        fh.seek(3)
        payload = get_payload(fh)
        assert type(payload) is BufferedReaderPayload
        chunks = payload._in_memory_chunks()
        assert chunks is not None
        assert b"".join(chunks) == data[3:]
        assert fh.tell() == size + 3  # left where reading the body leaves it
        # A second look (a retry, a redirect) reads from the body's start again.
        chunks = payload._in_memory_chunks()
        assert chunks is not None
        assert b"".join(chunks) == data[3:]


@needs_nowait
def test_an_empty_file_has_no_chunks(tmp_path: Path) -> None:
    with _file(tmp_path, b"").open("rb") as fh:
        assert get_payload(fh)._in_memory_chunks() == []


def test_files_that_need_io_or_are_not_plain_readers_have_no_in_memory_chunks(
    tmp_path: Path,
) -> None:
    path = _file(tmp_path, b"x" * (READ_CHUNK_SIZE + 1))
    with path.open("rb") as fh:
        assert get_payload(fh)._in_memory_chunks() is None  # over one piece: streamed
    small = _file(tmp_path, b"small", "small.bin")
    with small.open("r+b") as fh:  # BufferedRandom: its buffer may hold unflushed writes
        assert get_payload(fh)._in_memory_chunks() is None

    class Reader(io.BufferedReader):
        """A subclass, free to override ``read``: it is read through its own methods."""

    with small.open("rb") as fh:
        sub = Reader(fh.raw)  # type: ignore[arg-type]
        assert get_payload(sub)._in_memory_chunks() is None

    class Payload(BufferedReaderPayload):
        def _read(self, limit: int) -> bytes:
            return super()._read(limit).upper()

    with small.open("rb") as fh:
        assert Payload(fh)._in_memory_chunks() is None


@needs_nowait
@pytest.mark.parametrize(
    "failure",
    [BlockingIOError(11, "not cached"), OSError(95, "not supported"), "short"],
    ids=["not-cached", "unsupported", "short-read"],
)
def test_a_read_that_would_wait_or_falls_short_leaves_the_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: object
) -> None:
    def preadv(fd: int, buffers: list[bytearray], offset: int, flags: int) -> int:
        assert flags == payload_files._NOWAIT
        if isinstance(failure, OSError):
            raise failure
        return len(buffers[0]) - 1

    monkeypatch.setattr(payload_files.os, "preadv", preadv)
    with _file(tmp_path, b"0123456789").open("rb") as fh:
        fh.seek(2)
        assert get_payload(fh)._in_memory_chunks() is None
        assert fh.tell() == 2


async def test_a_file_not_in_the_cache_is_sent_whole_through_the_executor(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def ok(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"ok")

    server.route("/up")(ok)

    def preadv(fd: int, buffers: list[bytearray], offset: int, flags: int) -> int:
        raise BlockingIOError(11, "not cached")

    monkeypatch.setattr(payload_files.os, "preadv", preadv)
    data = os.urandom(300_000)
    with _file(tmp_path, data).open("rb") as fh:
        async with ClientSession() as session, session.post(server.url("/up"), data=fh) as resp:
            assert await resp.read() == b"ok"
    assert server.requests[0].body == data
    assert server.requests[0].headers["Content-Length"] == str(len(data))


async def test_a_read_only_local_file_is_closed_at_once(tmp_path: Path) -> None:
    fh = _file(tmp_path, b"data").open("rb")
    payload = get_payload(fh)
    assert payload.size == 4
    await payload.close()
    assert fh.closed
    assert payload.consumed


async def test_a_writable_file_is_closed_off_the_loop(tmp_path: Path) -> None:
    fh = _file(tmp_path, b"data").open("r+b")
    payload = get_payload(fh)
    assert isinstance(payload, IOBasePayload)
    assert payload.size == 4
    await payload.close()
    await _closed_soon(fh)
    await payload.close()  # a second close does nothing


async def test_a_file_never_measured_is_closed_too(tmp_path: Path) -> None:
    fh = _file(tmp_path, b"data").open("rb")
    payload = get_payload(fh)
    await payload.close()
    await _closed_soon(fh)


def test_a_bytes_io_is_one_buffer_from_its_start_position() -> None:
    buffer = io.BytesIO(b"0123456789")
    buffer.seek(4)
    payload = get_payload(buffer)
    for _ in range(2):  # a resend starts from the same position
        chunks = payload._in_memory_chunks()
        assert chunks is not None
        assert b"".join(chunks) == b"456789"
    assert get_payload(io.BytesIO())._in_memory_chunks() == []

    class Upper(type(payload)):  # type: ignore[misc]
        async def _send(self, writer: object, content_length: int | None) -> None:
            raise AssertionError

    assert Upper(io.BytesIO(b"x"))._in_memory_chunks() is None


async def test_without_device_numbers_every_file_is_closed_off_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payload_files, "_HAS_DEVICE_NUMBERS", False)  # as on Windows
    fh = _file(tmp_path, b"data").open("rb")
    payload = get_payload(fh)
    assert payload.size == 4
    assert not payload._closes_locally()  # type: ignore[attr-defined]
    await payload.close()
    await _closed_soon(fh)
