"""ResponseParser: framing, interim and switching responses, limits, errors and state."""

from __future__ import annotations

import gzip
import pickle
from typing import Any

import pytest

from httpwire_parser import (
    EMPTY_HEADERS,
    BadStatusLine,
    ContentLengthError,
    Data,
    DataAfterClose,
    EndOfMessage,
    HttpParserError,
    IncompleteMessage,
    InformationalResponse,
    InvalidHeader,
    LineTooLong,
    ParserStateError,
    RemoteProtocolError,
    RequestParser,
    Response,
    ResponseParser,
    TooManyHeaders,
    TransferEncodingError,
    Upgraded,
)


def parse(data: bytes, *methods: str, eof: bool = False, **kwargs: Any) -> list[Any]:
    parser = ResponseParser(**kwargs)
    for method in methods:
        parser.expect(method)
    events = parser.feed(data)
    if eof:
        events += parser.feed_eof()
    return events


def _feed_chunks(parser: ResponseParser, chunks: list[bytes]) -> None:
    for chunk in chunks:
        parser.feed(chunk)


def body_of(events: list[Any]) -> bytes:
    return b"".join(e.data for e in events if isinstance(e, Data))


def test_content_length_response() -> None:
    events = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello")
    head, data, end = events
    assert isinstance(head, Response)
    assert (head.version, head.status, head.reason) == ((1, 1), 200, "OK")
    assert head.headers["x-a"] == "b"
    assert head.raw_headers == ((b"Content-Length", b"5"), (b"X-A", b"b"))
    assert head.keep_alive
    assert not head.chunked
    assert head.content_length == 5
    assert data == Data(b"hello")
    assert end == EndOfMessage()
    assert end.trailers is EMPTY_HEADERS


def test_body_split_across_feeds_is_reported_as_it_arrives() -> None:
    parser = ResponseParser()
    events = parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel")
    assert [type(e) for e in events] == [Response, Data]
    assert parser.feed(b"lo") == [Data(b"lo")]
    assert parser.feed(b"world") == [Data(b"world"), EndOfMessage()]


def test_chunked_with_extensions_and_trailers() -> None:
    wire = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        b"5;name=value;flag\r\nhello\r\n6\r\n world\r\n0\r\nExpires: never\r\nX-T:  t1 \r\n\r\n"
    )
    events = parse(wire, auto_decompress=False)
    assert events[0].chunked
    assert events[1:3] == [Data(b"hello", True), Data(b" world", True)]
    end = events[3]
    assert isinstance(end, EndOfMessage)
    assert list(end.trailers.items()) == [("Expires", "never"), ("X-T", "t1")]
    assert end.raw_trailers == ((b"Expires", b"never"), (b"X-T", b"t1"))


def test_chunk_end_marks_the_last_piece_of_each_chunk() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    assert parser.feed(b"6\r\nabc") == [Data(b"abc", False)]
    assert parser.feed(b"def") == [Data(b"def", True)]
    assert parser.feed(b"\r") == []
    assert parser.feed(b"\n0\r\n\r\n") == [EndOfMessage()]


def test_read_until_eof() -> None:
    parser = ResponseParser()
    events = parser.feed(b"HTTP/1.1 200 OK\r\n\r\nsome")
    assert not events[0].keep_alive
    assert parser.feed(b" more") == [Data(b" more")]
    assert parser.feed_eof() == [EndOfMessage()]


@pytest.mark.parametrize("status", [204, 304])
def test_no_body_statuses(status: int) -> None:
    events = parse(b"HTTP/1.1 %d X\r\nContent-Length: 10\r\n\r\n" % status)
    assert [type(e) for e in events] == [Response, EndOfMessage]
    assert events[0].content_length == 10


def test_head_response_has_no_body_and_methods_queue_in_order() -> None:
    wire = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
    )
    events = parse(wire, "HEAD", "get")
    assert [type(e) for e in events] == [Response, EndOfMessage, Response, Data, EndOfMessage]


def test_interim_responses_then_final() -> None:
    wire = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    )
    events = parse(wire, "HEAD")
    assert [type(e) for e in events] == [
        InformationalResponse,
        InformationalResponse,
        Response,
        EndOfMessage,
    ]
    assert events[1].headers["link"] == "</a.css>; rel=preload"
    assert events[1].raw_headers == ((b"Link", b"</a.css>; rel=preload"),)


def test_switching_protocols_returns_the_tail() -> None:
    parser = ResponseParser()
    wire = (
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\n\r\n\x81\x05"
    )
    events = parser.feed(wire)
    assert events[0].upgrade
    assert not events[0].keep_alive
    assert events[1:] == [EndOfMessage(), Upgraded(b"\x81\x05")]
    with pytest.raises(ParserStateError):
        parser.feed(b"more")


def test_switching_protocols_with_empty_tail() -> None:
    events = parse(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n")
    assert events[-1] == Upgraded(b"")


def test_101_without_upgrade_is_an_empty_final_response() -> None:
    parser = ResponseParser()
    events = parser.feed(b"HTTP/1.1 101 Switching Protocols\r\n\r\nHTTP/1.1 200 OK\r\n")
    assert not events[0].upgrade
    assert events[0].keep_alive
    assert events[1:] == [EndOfMessage()]
    events = parser.feed(b"Content-Length: 2\r\n\r\nok")
    assert events[0].status == 200
    assert body_of(events) == b"ok"


def test_connect_2xx_is_a_tunnel_but_4xx_is_not() -> None:
    events = parse(b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03", "CONNECT")
    assert events[0].upgrade
    assert events[-1] == Upgraded(b"\x16\x03")
    events = parse(b"HTTP/1.1 407 Auth\r\nContent-Length: 2\r\n\r\nno", "CONNECT")
    assert not events[0].upgrade
    assert body_of(events) == b"no"


def test_200_with_upgrade_header_is_not_a_switch() -> None:
    events = parse(b"HTTP/1.1 200 OK\r\nUpgrade: h2c\r\nContent-Length: 1\r\n\r\nx")
    assert not events[0].upgrade
    assert events[-1] == EndOfMessage()


@pytest.mark.parametrize(
    ("head", "keep_alive"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", True),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n", False),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: Keep-Alive, Close\r\n", False),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n", False),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n", True),
        (b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n", False),
    ],
)
def test_keep_alive(head: bytes, keep_alive: bool) -> None:
    assert parse(head + b"\r\n")[0].keep_alive is keep_alive


def test_data_after_close_fails_but_keeps_the_completed_response() -> None:
    parser = ResponseParser()
    wire = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nokjunk"
    with pytest.raises(DataAfterClose) as info:
        parser.feed(wire)
    assert [type(e) for e in info.value.events] == [Response, Data, EndOfMessage]
    assert info.value.position == wire.index(b"junk")
    with pytest.raises(ParserStateError):
        parser.feed(b"")


def test_crlf_after_close_is_ignored() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n\r\n")
    assert parser.feed_eof() == []


def test_reason_phrase_decoding_and_absence() -> None:
    assert parse(b"HTTP/1.1 200 \xc3\xa9t\xe9\r\n\r\n")[0].reason == "ét\udce9"
    assert parse(b"HTTP/1.1 301\r\n\r\n")[0].reason == ""


def test_header_values_are_utf8_with_surrogateescape() -> None:
    head = parse(b"HTTP/1.1 200 OK\r\nX: caf\xc3\xa9 \xff\r\nContent-Length: 0\r\n\r\n")[0]
    assert head.headers["X"] == "café \udcff"
    assert head.raw_headers[0] == (b"X", b"caf\xc3\xa9 \xff")


def test_unusual_whitespace_layout_is_stripped() -> None:
    head = parse(b"HTTP/1.1 200 OK\r\nA:x\r\nB: \t y z \t\r\nC:\r\nContent-Length: 0\r\n\r\n")[0]
    assert list(head.headers.items()) == [
        ("A", "x"),
        ("B", "y z"),
        ("C", ""),
        ("Content-Length", "0"),
    ]


def test_feed_accepts_bytearray_and_memoryview() -> None:
    parser = ResponseParser()
    events = parser.feed(bytearray(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n"))
    events += parser.feed(memoryview(b"x"))  # type: ignore[arg-type]
    assert body_of(events) == b"x"


@pytest.mark.parametrize(
    ("wire", "error", "position"),
    [
        (b"HTTP/2.0 200 OK\r\n\r\n", BadStatusLine, 5),
        (b"HTTP/1.1 20 OK\r\n\r\n", BadStatusLine, 11),
        (b"HTTPS/1.1 200 OK\r\n\r\n", BadStatusLine, 4),
        (b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", InvalidHeader, 20),
        (b"HTTP/1.1 200 OK\r\nName : x\r\n\r\n", InvalidHeader, 21),
        (b"HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", InvalidHeader, 23),
        (b"HTTP/1.1 200 OK\r\nA: b\x00c\r\n\r\n", InvalidHeader, 21),
        (b"HTTP/1.1 200 OK\r\nA: b\rc: d\r\n\r\n", InvalidHeader, 21),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", ContentLengthError, 17),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
            ContentLengthError,
            36,
        ),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n", ContentLengthError, 17),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", ContentLengthError, 17),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            TransferEncodingError,
            17,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
            TransferEncodingError,
            17,
        ),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n", TransferEncodingError, 47),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab",
            TransferEncodingError,
            51,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n",
            TransferEncodingError,
            63,
        ),
    ],
)
def test_errors_are_typed_with_positions(
    wire: bytes, error: type[HttpParserError], position: int
) -> None:
    for chunks in ([wire], [wire[i : i + 1] for i in range(len(wire))]):
        with pytest.raises(error) as info:
            _feed_chunks(ResponseParser(), chunks)
        assert info.value.position == position, info.value


def test_errors_pickle() -> None:
    err = InvalidHeader("bad", 12)
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is InvalidHeader
    assert (copy.message, copy.position, str(copy)) == ("bad", 12, "bad (at byte 12)")
    assert isinstance(copy, RemoteProtocolError)


@pytest.mark.parametrize("gzip_body", [False, True])
@pytest.mark.parametrize("cuts", [[2], [1, 2], []])
def test_a_cut_short_content_length_body_says_how_much_arrived(
    cuts: list[int], gzip_body: bool
) -> None:
    body = gzip.compress(b"hello") if gzip_body else b"hello"
    pieces = [body[start:end] for start, end in zip([0, *cuts], cuts, strict=False)]
    coding = b"Content-Encoding: gzip\r\n" if gzip_body else b""
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\n" + coding + b"Content-Length: %d\r\n\r\n" % len(body))
    for piece in pieces:
        parser.feed(piece)
    got = sum(map(len, pieces))
    with pytest.raises(IncompleteMessage) as info:
        parser.feed_eof()
    assert info.value.message == (
        f"connection closed inside a Content-Length body: {got} of {len(body)} bytes received"
    )


def test_a_cut_short_request_body_says_how_much_arrived() -> None:
    parser = RequestParser()
    parser.feed(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
    with pytest.raises(IncompleteMessage, match="3 of 10 bytes received"):
        parser.feed_eof()


def test_truncation_at_eof() -> None:
    for wire in (
        b"HTTP/1.1 200 OK\r\nContent-Le",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n",
    ):
        parser = ResponseParser()
        parser.feed(wire)
        with pytest.raises(IncompleteMessage):
            parser.feed_eof()
    parser = ResponseParser()
    assert parser.feed_eof() == []
    with pytest.raises(ParserStateError):
        parser.feed(b"x")
    with pytest.raises(ParserStateError):
        parser.feed_eof()


def test_limits() -> None:
    with pytest.raises(LineTooLong):
        parse(b"HTTP/1.1 200 " + b"x" * 100 + b"\r\n\r\n", max_line_size=50)
    with pytest.raises(LineTooLong):
        parse(b"HTTP/1.1 200 OK\r\nA: " + b"x" * 100 + b"\r\n\r\n", max_field_size=50)
    with pytest.raises(TooManyHeaders):
        parse(b"HTTP/1.1 200 OK\r\n" + b"A: b\r\n" * 5 + b"\r\n", max_headers=4)
    trailer = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        + b"T: xxxxxxxx\r\n" * 5
        + b"\r\n"
    )
    with pytest.raises(LineTooLong):
        parse(trailer, max_trailer_size=40)
    assert isinstance(parse(trailer, max_trailer_size=100)[-1], EndOfMessage)
    # Limits also hold while a head is still arriving.
    parser = ResponseParser(max_field_size=50)
    parser.feed(b"HTTP/1.1 200 OK\r\nA: ")
    with pytest.raises(LineTooLong):
        parser.feed(b"y" * 100)
    with pytest.raises(ValueError, match="positive"):
        ResponseParser(max_headers=0)


def test_garbage_is_rejected_before_the_head_completes() -> None:
    parser = ResponseParser()
    with pytest.raises(BadStatusLine):
        parser.feed(b"<html>")
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\nGood: yes\r\n")
    with pytest.raises(InvalidHeader):
        parser.feed(b"Bad header")


def test_buffered_bytes_and_linear_bytewise_feeding() -> None:
    parser = ResponseParser()
    wire = (
        b"HTTP/1.1 200 OK\r\n" + b"X-Long: " + b"v" * 6000 + b"\r\n" + b"Content-Length: 0\r\n\r\n"
    )
    events: list[Any] = []
    for i in range(len(wire) - 1):
        events += parser.feed(wire[i : i + 1])
    assert events == []
    assert parser.buffered == len(wire) - 1
    events = parser.feed(wire[-1:])
    assert events[0].headers["x-long"] == "v" * 6000
    assert parser.buffered == 0


def test_non_ascii_digits_are_not_a_content_length() -> None:
    wire = "HTTP/1.1 200 OK\r\nContent-Length: \u0663\r\n\r\n".encode()
    with pytest.raises(ContentLengthError):
        ResponseParser().feed(wire)
    with pytest.raises(ContentLengthError):
        RequestParser().feed(b"POST / HTTP/1.1\r\nHost: h\r\n" + wire.split(b"\r\n", 1)[1])


def test_trailers_are_validated_while_they_arrive() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nGood: 1\r\n")
    assert parser.buffered > 0
    with pytest.raises(InvalidHeader):
        parser.feed(b" folded\r\n")


def test_events_after_an_error_are_kept_on_the_exception() -> None:
    wire = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\nBad Header: 1\r\n\r\n"
    with pytest.raises(InvalidHeader) as info:
        ResponseParser().feed(wire)
    assert [type(e) for e in info.value.events] == [Response, Data, EndOfMessage]


def test_chunk_crlf_split_across_feeds_and_wrong() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r")
    with pytest.raises(TransferEncodingError):
        parser.feed(b"X")
