"""Lenient response heads (RFC 9112 §2.2 bare LF, §5.2 obs-fold), whatever the segmentation."""

from __future__ import annotations

from typing import Any

import pytest

from httpwire_parser import (
    Data,
    EndOfMessage,
    HttpParserError,
    InformationalResponse,
    RequestParser,
    Response,
    ResponseParser,
    Upgraded,
)


def _outcome(chunks: list[bytes], **options: Any) -> tuple[list[Any], bytes, str | None]:
    """The non-Data events, the body bytes and the error type (None) of parsing ``chunks``."""
    parser = ResponseParser(**options)
    events: list[Any] = []
    error = None
    try:
        for chunk in chunks:
            events += parser.feed(chunk)
        events += parser.feed_eof()
    except HttpParserError as exc:
        events += exc.events
        error = type(exc).__name__
    body = b"".join(e.data for e in events if isinstance(e, Data))
    return [e for e in events if not isinstance(e, Data)], body, error


def _every_split(wire: bytes, **options: Any) -> tuple[list[Any], bytes, str | None]:
    """The outcome of ``wire`` in one piece, after checking every cut and byte-by-byte agree."""
    whole = _outcome([wire], **options)
    for cut in range(1, len(wire)):
        assert _outcome([wire[:cut], wire[cut:]], **options) == whole, cut
    assert _outcome([wire[i : i + 1] for i in range(len(wire))], **options) == whole
    return whole


def _heads(events: list[Any]) -> list[tuple[int, list[tuple[str, str]]]]:
    return [
        (e.status, list(e.headers.items()))
        for e in events
        if isinstance(e, (Response, InformationalResponse))
    ]


def test_bare_lf_heads_read_as_their_crlf_twins() -> None:
    strict = b"HTTP/1.1 200 OK\r\nA: 1\r\nContent-Length: 3\r\n\r\nabc"
    loose = b"HTTP/1.1 200 OK\nA: 1\r\nContent-Length: 3\n\nabc"
    assert _every_split(loose, lenient=True) == _outcome([strict])
    assert _every_split(strict, lenient=True) == _outcome([strict])


@pytest.mark.parametrize(
    ("loose", "strict"),
    [
        (b"A: 1\nB: 2\r\n", b"A: 1\r\nB: 2\r\n"),
        (b"A: 1\r\nB: 2\n", b"A: 1\r\nB: 2\r\n"),
        (b"A: 1\r\n 2\r\n", b"A: 1  2\r\n"),
        (b"A: 1\r\n\t2\r\n", b"A: 1 \t2\r\n"),
    ],
    ids=["bare-lf-first", "bare-lf-last", "fold-sp", "fold-htab"],
)
def test_irregular_lines_before_a_strict_end_are_found(loose: bytes, strict: bytes) -> None:
    # The head ends with a strict CRLF CRLF, so only the scan for bare LFs and folds finds these.
    head = b"HTTP/1.1 200 OK\r\n%sContent-Length: 3\r\n\r\nabc"
    assert _every_split(head % loose, lenient=True) == _outcome([head % strict])


def test_lenient_is_off_by_default() -> None:
    loose = b"HTTP/1.1 200 OK\nContent-Length: 0\n\n"
    assert _outcome([loose])[2] == "BadStatusLine"
    folded = b"HTTP/1.1 200 OK\r\nA: 1\r\n 2\r\nContent-Length: 0\r\n\r\n"
    assert _outcome([folded])[2] == "InvalidHeader"


def test_request_parser_has_no_lenient_mode() -> None:
    with pytest.raises(TypeError):
        RequestParser(lenient=True)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("fold", "value"),
    [
        (b"A: one\r\n two", "one  two"),
        (b"A: one\r\n\ttwo", "one \ttwo"),
        (b"A: one\n   two\n three", "one    two  three"),
        (b"A: one \r\n two", "one   two"),
    ],
)
def test_obs_fold_becomes_sp(fold: bytes, value: str) -> None:
    wire = b"HTTP/1.1 200 OK\r\n" + fold + b"\r\nContent-Length: 0\r\n\r\n"
    events, _, error = _every_split(wire, lenient=True)
    assert error is None
    assert _heads(events) == [(200, [("A", value), ("Content-Length", "0")])]


def test_fold_and_bare_lf_in_trailers() -> None:
    wire = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\n  2\nU: x\n\n"
    )
    events, body, error = _every_split(wire, lenient=True)
    assert error is None
    assert body == b"abc"
    [end] = [e for e in events if isinstance(e, EndOfMessage)]
    assert list(end.trailers.items()) == [("T", "1   2"), ("U", "x")]


def test_empty_trailer_section_ended_by_bare_lf() -> None:
    wire = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\nHTTP/1.1 204 No\n\n"
    )
    events, _, error = _every_split(wire, lenient=True)
    assert error is None
    assert [e.status for e in events if isinstance(e, Response)] == [200, 204]


def test_interim_then_final_and_leading_empty_lines() -> None:
    wire = b"\n\r\nHTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nContent-Length: 2\n\nok"
    events, body, error = _every_split(wire, lenient=True)
    assert error is None
    assert _heads(events) == [(100, []), (200, [("Content-Length", "2")])]
    assert body == b"ok"


@pytest.mark.parametrize(
    "body", [b"\n", b" leading space", b"a\n b\n\n", b"\r\n\r\n", b"x\n\tHTTP/1.1 200\n\n"]
)
def test_bodies_are_never_rewritten(body: bytes) -> None:
    head = b"HTTP/1.1 200 OK\nContent-Length: %d\n\n" % len(body)
    events, got, error = _every_split(head + body + b"HTTP/1.1 204 No\n\n", lenient=True)
    assert error is None
    assert got == body
    assert [e.status for e in events if isinstance(e, Response)] == [200, 204]
    chunked = b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n%x\r\n" % len(body)
    _, got, error = _every_split(chunked + body + b"\r\n0\r\n\r\n", lenient=True)
    assert error is None
    assert got == body


def test_upgrade_tail_is_not_rewritten() -> None:
    tail = b"\x81\x02\n \n\n"
    wire = b"HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n\n" + tail
    parser = ResponseParser(lenient=True)
    events = parser.feed(wire)
    assert isinstance(events[-1], Upgraded)
    assert events[-1].tail == tail


@pytest.mark.parametrize(
    ("wire", "error"),
    [
        # A fold onto the status line is whitespace before the first field (RFC 9112 §2.2).
        (b"HTTP/1.1 200 OK\n A: 1\n\n", "InvalidHeader"),
        (b"HTTP/1.1 200 OK\rContent-Length: 0\n\n", "BadStatusLine"),
        (b"HTTP/1.1 200 OK\nA: 1\rB: 2\n\n", "InvalidHeader"),
        (
            b"HTTP/1.1 200 OK\nContent-Length: 1\nTransfer-Encoding: chunked\n\nx",
            "TransferEncodingError",
        ),
        (b"HTTP/1.1 200 OK\nContent-Length: 1\nContent-Length: 2\n\nx", "ContentLengthError"),
        (b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked;a=b\n\n", "TransferEncodingError"),
        # Chunk lines are framing: they keep their CRLF.
        (
            b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n1\na\r\n0\r\n\r\n",
            "TransferEncodingError",
        ),
    ],
)
def test_what_stays_refused(wire: bytes, error: str) -> None:
    assert _every_split(wire, lenient=True)[2] == error


def test_limits_apply_to_the_unfolded_line() -> None:
    wire = b"HTTP/1.1 200 OK\r\nA: " + b"x" * 12 + b"\r\n " + b"y" * 12 + b"\r\n\r\n"
    assert _every_split(wire, lenient=True, max_field_size=20)[2] == "LineTooLong"
    assert _every_split(wire, lenient=True, max_field_size=40)[2] is None
