"""RequestParser: the server side, with the same strictness as the response side."""

from __future__ import annotations

from typing import Any

import pytest

from httpwire_parser import (
    BadRequestLine,
    Data,
    DataAfterClose,
    EndOfMessage,
    HttpParserError,
    IncompleteMessage,
    InvalidHeader,
    Request,
    RequestParser,
    TransferEncodingError,
    Upgraded,
)


def parse(data: bytes, **kwargs: Any) -> list[Any]:
    return RequestParser(**kwargs).feed(data)


def test_get_without_body() -> None:
    events = parse(b"GET /path?q=1 HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n")
    head, end = events
    assert isinstance(head, Request)
    assert (head.method, head.target, head.version) == ("GET", "/path?q=1", (1, 1))
    assert head.headers["host"] == "example.org"
    assert head.raw_headers == ((b"Host", b"example.org"), (b"Accept", b"*/*"))
    assert head.keep_alive
    assert not head.upgrade
    assert end == EndOfMessage()


def test_post_with_content_length_and_pipelining() -> None:
    wire = (
        b"POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
        b"PUT /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n"
    )
    events = parse(wire)
    assert [type(e) for e in events] == [Request, Data, EndOfMessage, Request, Data, EndOfMessage]
    assert events[1] == Data(b"abc")
    assert events[3].chunked
    assert events[4] == Data(b"de", True)


def test_http10_request_closes_and_rejects_more_data() -> None:
    parser = RequestParser()
    events = parser.feed(b"GET / HTTP/1.0\r\n\r\n")
    assert not events[0].keep_alive
    with pytest.raises(DataAfterClose):
        parser.feed(b"GET / HTTP/1.0\r\n\r\n")


def test_connect_switches_to_a_tunnel() -> None:
    events = parse(b"CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n\x16\x03\x01")
    assert events[0].upgrade
    assert events[1:] == [EndOfMessage(), Upgraded(b"\x16\x03\x01")]


def test_upgrade_request_stops_after_its_body() -> None:
    wire = (
        b"POST /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n"
        b"Content-Length: 2\r\n\r\nhiPRI * HTTP/2.0"
    )
    events = parse(wire)
    assert events[0].upgrade
    assert events[1:] == [Data(b"hi"), EndOfMessage(), Upgraded(b"PRI * HTTP/2.0")]
    # A server declining the upgrade feeds the tail to a new parser.
    tail = b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"
    events = parse(b"GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n" + tail)
    assert events[-1] == Upgraded(tail)
    assert isinstance(parse(events[-1].tail)[0], Request)


@pytest.mark.parametrize(
    ("wire", "error"),
    [
        (b"GET  / HTTP/1.1\r\nHost: h\r\n\r\n", BadRequestLine),
        (b"GET / HTTP/2.0\r\nHost: h\r\n\r\n", BadRequestLine),
        (b"G(T / HTTP/1.1\r\nHost: h\r\n\r\n", BadRequestLine),
        (b"GET /\x7f HTTP/1.1\r\nHost: h\r\n\r\n", BadRequestLine),
        (b"GET / HTTP/1.1\r\n\r\n", InvalidHeader),
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", InvalidHeader),
        (b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", TransferEncodingError),
        (
            b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            TransferEncodingError,
        ),
        (
            b"POST / HTTP/1.1\r\nHost: h\r\n"
            b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
            TransferEncodingError,
        ),
        (
            b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
            InvalidHeader,
        ),
        (b"GET / HTTP/1.1\nHost: h\n\n", BadRequestLine),
    ],
)
def test_rejected_requests(wire: bytes, error: type[HttpParserError]) -> None:
    with pytest.raises(error):
        parse(wire)
    with pytest.raises(error):
        _feed_bytewise(RequestParser(), wire)


def _feed_bytewise(parser: RequestParser, wire: bytes) -> None:
    for i in range(len(wire)):
        parser.feed(wire[i : i + 1])


def test_http10_request_without_host_is_accepted() -> None:
    assert parse(b"GET / HTTP/1.0\r\n\r\n")[0].version == (1, 0)


def test_truncated_request_body() -> None:
    parser = RequestParser()
    parser.feed(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
    with pytest.raises(IncompleteMessage):
        parser.feed_eof()


def test_compressed_request_body_is_decoded_only_when_asked() -> None:
    import zlib

    body = zlib.compress(b"payload" * 10)
    wire = (
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n"
        % len(body)
        + body
    )
    raw = b"".join(e.data for e in parse(wire) if isinstance(e, Data))
    assert raw == body
    decoded = b"".join(e.data for e in parse(wire, auto_decompress=True) if isinstance(e, Data))
    assert decoded == b"payload" * 10
