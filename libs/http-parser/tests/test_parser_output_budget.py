"""Decoded output bounded per feed() call: max_output_per_feed, pending, feed(b"") (issue 15.2)."""

from __future__ import annotations

import gzip
import random
import zlib
from typing import Any

import brotli
import pytest

from httpwire_parser import (
    Data,
    DecompressionLimitError,
    EndOfMessage,
    ParserStateError,
    RequestParser,
    Response,
    ResponseParser,
    Upgraded,
)

MIB = 1 << 20


def br_bomb(mib: int) -> bytes:
    """A brotli stream of *mib* MiB of zeros (quality 1: about 190 KB for 1 GiB, made quickly)."""
    compressor = brotli.Compressor(quality=1)
    zeros = bytes(MIB)
    return b"".join(compressor.process(zeros) for _ in range(mib)) + compressor.finish()


def gzip_response(payload: bytes, *, extra: bytes = b"") -> bytes:
    body = gzip.compress(payload)
    return b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n%b\r\n%b" % (
        len(body),
        extra,
        body,
    )


def decoded_size(events: list[Any]) -> int:
    return sum(len(e.data) for e in events if isinstance(e, Data))


def drain(parser: ResponseParser | RequestParser, events: list[Any]) -> list[int]:
    """Call feed(b"") while the parser is pending; return the decoded size of each call."""
    sizes = []
    while parser.pending:
        batch = parser.feed(b"")
        assert batch, "pending promised events"
        sizes.append(decoded_size(batch))
        events += batch
    return sizes


def drain_until_error(parser: ResponseParser, sizes: list[int]) -> None:
    """Call feed(b"") until it raises, adding the decoded size of each call to *sizes*."""
    while True:
        sizes.append(decoded_size(parser.feed(b"")))


def test_a_brotli_bomb_fed_in_one_call_comes_out_a_budget_at_a_time() -> None:
    # issue 15.2: a ~190 KB br body decoding to 1 GiB returned everything up to the limit (then
    # 1 GiB) from one feed(); now each call returns about max_output_per_feed, and the default
    # max_decompressed_size (64 MiB) stops the bomb.
    bomb = br_bomb(1024)
    assert len(bomb) < 250_000
    wire = b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: %d\r\n\r\n%b" % (
        len(bomb),
        bomb,
    )
    parser = ResponseParser()
    first = parser.feed(wire)
    assert isinstance(first[0], Response)
    sizes = [decoded_size(first)]
    assert parser.pending
    with pytest.raises(DecompressionLimitError) as info:
        drain_until_error(parser, sizes)
    piece = 1 << 16
    assert max(sizes) <= MIB + piece
    assert 63 * MIB <= sum(sizes) <= 64 * MIB
    # The error keeps no decoded bulk: the body's Data pieces of the failing call are dropped.
    assert not any(isinstance(e, Data) for e in info.value.events)
    assert "67108864" in str(info.value)


def test_the_error_keeps_completed_messages_and_the_head_but_not_the_failing_body() -> None:
    # issue 15.2: DecompressionLimitError.events drops only the Data of the body over the limit.
    ok = gzip_response(b"fine")
    bomb = gzip_response(bytes(300_000))
    with pytest.raises(DecompressionLimitError) as info:
        ResponseParser(max_decompressed_size=100_000).feed(ok + bomb)
    kinds = [type(e) for e in info.value.events]
    assert kinds == [Response, Data, EndOfMessage, Response]
    assert info.value.events[1].data == b"fine"


@pytest.mark.parametrize("budget", [1, 1000, 70_000])
def test_events_are_the_same_whatever_the_budget(budget: int) -> None:
    # issue 15.2: draining with feed(b"") gives exactly the unbounded events, in order.
    payload = bytes(range(256)) * 2000
    wire = gzip_response(payload) + gzip_response(payload[:1000]) + gzip_response(b"x")
    unbounded = ResponseParser(max_output_per_feed=1 << 40, decompress_piece_size=4096)
    want = unbounded.feed(wire)
    assert not unbounded.pending
    parser = ResponseParser(max_output_per_feed=budget, decompress_piece_size=4096)
    got = parser.feed(wire)
    sizes = [decoded_size(got), *drain(parser, got)]
    assert got == want
    assert max(sizes) <= budget + 4096
    assert parser.feed(b"") == []
    assert parser.feed_eof() == []


def test_new_bytes_fed_while_pending_come_after_the_held_output() -> None:
    # issue 15.2: feeding while pending is allowed; events are those of the same feeds unbounded.
    payload = random.Random(15).randbytes(20_000) * 5
    wire = gzip_response(payload) * 3
    pieces = [wire[i : i + 5000] for i in range(0, len(wire), 5000)]
    unbounded = ResponseParser(max_output_per_feed=1 << 40, decompress_piece_size=1000)
    want = [e for p in pieces for e in unbounded.feed(p)]
    parser = ResponseParser(max_output_per_feed=3000, decompress_piece_size=1000)
    got: list[Any] = []
    held_while_fed = 0
    for p in pieces:
        held_while_fed += parser.pending
        got += parser.feed(p)
    assert held_while_fed > 0
    assert parser.buffered > 0
    drain(parser, got)
    assert got == want
    assert parser.buffered == 0


def test_feed_eof_while_pending_is_refused_without_changing_state() -> None:
    # issue 15.2: the caller drains first; feed_eof() meanwhile raises and changes nothing.
    body = zlib.compress(bytes(500_000))
    wire = b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n\r\n" + body  # until EOF
    parser = ResponseParser(max_output_per_feed=100_000)
    events = parser.feed(wire)
    assert parser.pending
    with pytest.raises(ParserStateError, match="pending"):
        parser.feed_eof()
    assert parser.pending
    drain(parser, events)
    end = parser.feed_eof()
    assert [type(e) for e in end] == [EndOfMessage]
    assert decoded_size(events) == 500_000
    with pytest.raises(ParserStateError):
        parser.feed(b"")


@pytest.mark.parametrize(
    "prefix",
    [
        b"",
        b"HTTP/1.1 2",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1",
        b"HTTP/1.1 200 OK\r\n\r\nuntil eof",
        b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
    ],
)
def test_feed_of_nothing_is_valid_in_every_state_and_gives_nothing(prefix: bytes) -> None:
    # issue 15.2: feed(b"") returns [] when nothing is pending, whatever the state.
    parser = ResponseParser()
    parser.feed(prefix)
    buffered = parser.buffered
    assert not parser.pending
    assert parser.feed(b"") == []
    assert parser.buffered == buffered


def test_a_chunked_compressed_body_keeps_its_chunk_ends() -> None:
    # issue 15.2: the last piece of each chunk carries chunk_end whatever the budget.
    body = gzip.compress(bytes(range(256)) * 400)
    framed = b"".join(
        b"%x\r\n%b\r\n" % (len(body[i : i + 4000]), body[i : i + 4000])
        for i in range(0, len(body), 4000)
    )
    wire = (
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
        + framed
        + b"0\r\nT: 1\r\n\r\n"
    )
    want = ResponseParser(decompress_piece_size=512).feed(wire)
    parser = ResponseParser(decompress_piece_size=512, max_output_per_feed=700)
    got = parser.feed(wire)
    drain(parser, got)
    assert got == want
    assert sum(e.chunk_end for e in got if isinstance(e, Data)) == wire.count(b"\r\n", 70) // 2 - 1


def test_an_upgrade_after_held_output_takes_the_bytes_fed_meanwhile() -> None:
    # issue 15.2: an upgrade request's compressed body, then the new protocol's bytes.
    body = gzip.compress(bytes(200_000))
    wire = (
        b"POST /ws HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: x\r\n"
        b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%b" % (len(body), body)
    )
    parser = RequestParser(auto_decompress=True, max_output_per_feed=50_000)
    events = parser.feed(wire + b"tail-1")
    assert parser.pending
    events += parser.feed(b"tail-2")
    drain(parser, events)
    assert isinstance(events[-1], Upgraded)
    assert events[-1].tail == b"tail-1tail-2"
    assert decoded_size(events) == 200_000
    # With no bytes after the body, the switch is still reported.
    parser = RequestParser(auto_decompress=True, max_output_per_feed=50_000)
    events = parser.feed(wire)
    drain(parser, events)
    assert events[-1] == Upgraded(b"")


def test_the_budget_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        ResponseParser(max_output_per_feed=0)
    with pytest.raises(ValueError, match="positive"):
        RequestParser(max_output_per_feed=0)
