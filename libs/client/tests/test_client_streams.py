"""StreamReader line reading: separators across pieces and the per-call bounds of aiohttp 3.14."""

from __future__ import annotations

import asyncio

import pytest

from httpwire import StreamReader

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
    with pytest.raises(ValueError, match="Chunk too big"):
        await stream.readline(max_line_length=10)


async def test_max_size_bounds_readuntil_and_the_default_is_the_high_water_mark() -> None:
    stream = _reader(b"a" * 50 + b"--", b"b" * 10 + b"--")
    with pytest.raises(ValueError, match="Chunk too big"):
        await stream.readuntil(b"--", max_size=20)
    stream = _reader(b"c" * 300 + b"\n", limit=64)  # high water is twice the limit
    with pytest.raises(ValueError, match="Chunk too big"):
        await stream.readline()
    stream = _reader(b"d" * 300 + b"\n", limit=64)
    assert await stream.readline(max_line_length=1000) == b"d" * 300 + b"\n"


async def test_separator_must_not_be_empty() -> None:
    with pytest.raises(ValueError, match="Separator"):
        await _reader(b"x").readuntil(b"", max_size=5)
