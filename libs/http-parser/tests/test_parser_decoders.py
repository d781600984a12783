"""Content decoding: gzip, deflate (zlib and raw), br, stacked codings, limits and faults."""

from __future__ import annotations

import gzip
import zlib
from typing import Any

import brotli
import pytest

from httpwire_parser import (
    CONTENT_CODINGS,
    ContentDecoder,
    ContentEncodingError,
    Data,
    DecompressionLimitError,
    EndOfMessage,
    ResponseParser,
)

PAYLOAD = b"The quick brown fox jumps over the lazy dog. " * 200


def raw_deflate(data: bytes) -> bytes:
    obj = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return obj.compress(data) + obj.flush()


def response(body: bytes, encoding: str, *, chunked: bool = False) -> bytes:
    if chunked:
        framed = b"".join(
            b"%x\r\n%b\r\n" % (len(body[i : i + 100]), body[i : i + 100])
            for i in range(0, len(body), 100)
        )
        return (
            b"HTTP/1.1 200 OK\r\nContent-Encoding: %b\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n%b0\r\n\r\n" % (encoding.encode(), framed)
        )
    return b"HTTP/1.1 200 OK\r\nContent-Encoding: %b\r\nContent-Length: %d\r\n\r\n%b" % (
        encoding.encode(),
        len(body),
        body,
    )


def decoded(wire: bytes, *, bytewise: bool = False, **kwargs: Any) -> bytes:
    parser = ResponseParser(**kwargs)
    events: list[Any] = []
    chunks = [wire[i : i + 1] for i in range(len(wire))] if bytewise else [wire]
    for chunk in chunks:
        events += parser.feed(chunk)
    events += parser.feed_eof()
    assert isinstance(events[-1], EndOfMessage)
    return b"".join(e.data for e in events if isinstance(e, Data))


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(PAYLOAD)),
        ("x-gzip", gzip.compress(PAYLOAD)),
        ("deflate", zlib.compress(PAYLOAD)),
        ("deflate", raw_deflate(PAYLOAD)),
        ("br", brotli.compress(PAYLOAD)),
        ("GZIP", gzip.compress(PAYLOAD)),
        ("identity", PAYLOAD),
    ],
)
@pytest.mark.parametrize("chunked", [False, True])
def test_codings_decode(encoding: str, body: bytes, chunked: bool) -> None:
    assert decoded(response(body, encoding, chunked=chunked)) == PAYLOAD


def test_decoding_bytewise() -> None:
    assert decoded(response(gzip.compress(PAYLOAD[:500]), "gzip"), bytewise=True) == PAYLOAD[:500]
    assert decoded(response(brotli.compress(PAYLOAD[:500]), "br"), bytewise=True) == PAYLOAD[:500]


def test_stacked_codings_are_undone_in_reverse_order() -> None:
    body = brotli.compress(gzip.compress(PAYLOAD))
    assert decoded(response(body, "gzip, br")) == PAYLOAD


def test_multi_member_gzip() -> None:
    body = gzip.compress(PAYLOAD) + gzip.compress(b"tail")
    assert decoded(response(body, "gzip")) == PAYLOAD + b"tail"


def test_unknown_coding_passes_the_body_through() -> None:
    body = gzip.compress(PAYLOAD)
    assert decoded(response(body, "gzip, zstd-unknown")) == body
    assert decoded(response(body, "gzip"), auto_decompress=False) == body


def test_output_comes_in_bounded_pieces_and_the_total_is_capped() -> None:
    bomb = gzip.compress(b"\0" * 2_000_000)
    parser = ResponseParser(decompress_piece_size=4096)
    events = parser.feed(response(bomb, "gzip"))
    while parser.pending:  # at most max_output_per_feed (1 MiB) per call
        events += parser.feed(b"")
    pieces = [e.data for e in events if isinstance(e, Data)]
    assert max(map(len, pieces)) <= 4096
    assert sum(map(len, pieces)) == 2_000_000
    with pytest.raises(DecompressionLimitError):
        ResponseParser(max_decompressed_size=1_000_000).feed(response(bomb, "gzip"))
    with pytest.raises(DecompressionLimitError):
        ResponseParser(max_decompressed_size=1_000_000).feed(
            response(brotli.compress(b"\0" * 2_000_000), "br")
        )


def test_corrupt_and_truncated_streams() -> None:
    with pytest.raises(ContentEncodingError):
        decoded(response(b"not gzip at all", "gzip"))
    with pytest.raises(ContentEncodingError):
        decoded(response(gzip.compress(PAYLOAD)[:-20], "gzip"))
    with pytest.raises(ContentEncodingError):
        decoded(response(b"\xff\xff\xff\xff", "br"))
    # An empty body with a Content-Encoding (common for 204/304-like replies) is fine.
    assert decoded(response(b"", "gzip")) == b""


def test_chunk_end_survives_decoding() -> None:
    events = ResponseParser().feed(response(gzip.compress(PAYLOAD), "gzip", chunked=True))
    data = [e for e in events if isinstance(e, Data)]
    assert all(e.chunk_end for e in data)
    assert b"".join(e.data for e in data) == PAYLOAD


def test_content_decoder_directly() -> None:
    assert "gzip" in CONTENT_CODINGS
    assert "br" in CONTENT_CODINGS
    assert ContentDecoder.create("identity") is None
    assert ContentDecoder.create("compress") is None
    decoder = ContentDecoder.create("deflate", piece_size=10)
    assert decoder is not None
    out = list(decoder.decode(zlib.compress(b"x" * 95)))
    assert [len(p) for p in out] == [10] * 9 + [5]
    decoder.finish()


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize("bytewise", [False, True])
def test_encoded_body_bytes_counts_the_body_before_decoding(chunked: bool, bytewise: bool) -> None:
    body = gzip.compress(PAYLOAD)
    wire = response(body, "gzip", chunked=chunked)
    parser = ResponseParser()
    assert parser.encoded_body_bytes is None
    seen: list[int | None] = []
    for chunk in [wire[i : i + 1] for i in range(len(wire))] if bytewise else [wire]:
        parser.feed(chunk)
        seen.append(parser.encoded_body_bytes)
    assert parser.encoded_body_bytes == len(body)
    counts = [n for n in seen if n is not None]
    assert counts == sorted(counts)


def test_encoded_body_bytes_under_an_output_budget() -> None:
    # Decoded output held back by the per-feed budget: no encoded byte is counted twice.
    body = gzip.compress(PAYLOAD * 50)
    parser = ResponseParser(decompress_piece_size=1024, max_output_per_feed=4096)
    events = parser.feed(response(body, "gzip"))
    while parser.pending:
        events += parser.feed(b"")
    assert isinstance(events[-1], EndOfMessage)
    assert parser.encoded_body_bytes == len(body)


def test_encoded_body_bytes_is_none_without_decoding() -> None:
    plain = ResponseParser()
    plain.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    assert plain.encoded_body_bytes is None
    raw = ResponseParser(auto_decompress=False)
    raw.feed(response(gzip.compress(PAYLOAD), "gzip"))
    assert raw.encoded_body_bytes is None
    # The next message resets it.
    parser = ResponseParser()
    parser.feed(response(gzip.compress(PAYLOAD), "gzip"))
    assert parser.encoded_body_bytes is not None
    parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    assert parser.encoded_body_bytes is None
