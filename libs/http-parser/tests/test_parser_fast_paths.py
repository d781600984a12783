"""The shortcuts taken for speed give the same results as the general paths.

Raw fields built on first read, the status-line cache, runs of same-size chunks, pipelined heads
parsed in one reader call, events filled in directly and the chunked head going straight on to
its body.
"""

from __future__ import annotations

from typing import Any

import pytest

from httpwire_parser import (
    BadStatusLine,
    Data,
    EndOfMessage,
    HttpParserError,
    InformationalResponse,
    LineTooLong,
    RequestParser,
    Response,
    ResponseParser,
    TransferEncodingError,
)
from httpwire_parser._headers import SMALL_SECTION


def parse(data: bytes) -> list[Any]:
    return ResponseParser().feed(data)


def parse_bytewise(data: bytes) -> list[Any]:
    parser = ResponseParser()
    events: list[Any] = []
    for i in range(len(data)):
        events += parser.feed(data[i : i + 1])
    return events


def chunks_of(events: list[Any]) -> list[tuple[bytes, bool]]:
    return [(e.data, e.chunk_end) for e in events if isinstance(e, Data)]


# -- raw fields built on first read ------------------------------------------------------------


def test_raw_headers_are_built_once_on_first_read() -> None:
    head = parse(b"HTTP/1.1 204 No Content\r\nA: 1\r\nB: two words\r\n\r\n")[0]
    first = head.raw_headers
    assert first == ((b"A", b"1"), (b"B", b"two words"))
    assert head.raw_headers is first


def test_raw_headers_keep_the_wire_bytes_in_every_layout() -> None:
    # Tabs, no space after the colon, surrounding whitespace, an empty value, obs-text and
    # invalid UTF-8: the general (non-canonical) path.
    wire = (
        b"HTTP/1.1 204 No Content\r\nX-Tab:\tv1\t\r\nX-Tight:v2\r\nX-Empty:\r\n"
        b"X-Text: caf\xc3\xa9 \xff\r\n\r\n"
    )
    head = parse(wire)[0]
    assert head.raw_headers == (
        (b"X-Tab", b"v1"),
        (b"X-Tight", b"v2"),
        (b"X-Empty", b""),
        (b"X-Text", b"caf\xc3\xa9 \xff"),
    )
    assert head.headers["x-text"] == "café \udcff"


def test_raw_headers_of_an_empty_section() -> None:
    head = parse(b"HTTP/1.1 204 No Content\r\n\r\n")[0]
    assert head.raw_headers == ()
    assert len(head.headers) == 0


def test_events_compare_equal_whether_raw_headers_were_read_or_not() -> None:
    wire = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nhi"
    read, unread = parse(wire), parse(wire)
    assert read[0].raw_headers == ((b"Content-Length", b"2"), (b"X-A", b"b"))
    assert read == unread


def test_raw_headers_of_interim_responses_and_raw_trailers() -> None:
    wire = (
        b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"1\r\nx\r\n0\r\nX-T: t1\r\nX-U:\tu \r\n\r\n"
    )
    events = parse(wire)
    interim, end = events[0], events[-1]
    assert isinstance(interim, InformationalResponse)
    assert interim.raw_headers == ((b"Link", b"</a.css>"),)
    assert isinstance(end, EndOfMessage)
    assert end.raw_trailers == ((b"X-T", b"t1"), (b"X-U", b"u"))
    assert end.raw_trailers is end.raw_trailers


def test_events_built_by_hand_take_ready_raw_fields() -> None:
    head = Response((1, 1), 200, "OK", parse(b"HTTP/1.1 204 No Content\r\n\r\n")[0].headers, True)
    assert head.raw_headers == ()
    assert EndOfMessage().raw_trailers == ()


# -- status-line cache -------------------------------------------------------------------------


def test_repeated_status_lines_give_the_same_heads() -> None:
    wire = (
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        b"HTTP/1.1 404 Missing\r\nContent-Length: 0\r\n\r\n"
        b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"
    )
    heads = [e for e in parse(wire) if isinstance(e, Response)]
    assert [(h.version, h.status, h.reason) for h in heads] == [
        ((1, 1), 404, "Not Found"),
        ((1, 1), 404, "Not Found"),
        ((1, 1), 404, "Missing"),
        ((1, 0), 200, "OK"),
    ]
    assert [h.keep_alive for h in heads] == [True, True, True, False]


def test_a_bad_status_line_after_good_ones_is_still_rejected() -> None:
    good = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    for _ in range(2):
        parse(good)
    with pytest.raises(BadStatusLine) as info:
        parse(good + b"HTTP/1.1 200 OK \x01\r\nContent-Length: 0\r\n\r\n")
    assert info.value.position == len(good) + 16


# -- runs of same-size chunks --------------------------------------------------------------------

HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


def test_a_run_of_same_size_chunks_then_other_sizes() -> None:
    body = (
        b"4\r\naaaa\r\n4\r\nbbbb\r\n4\r\ncccc\r\n2\r\ndd\r\n"
        b"4;x=y\r\neeee\r\n4;x=y\r\nffff\r\n0\r\n\r\n"
    )
    expected = [
        (b"aaaa", True),
        (b"bbbb", True),
        (b"cccc", True),
        (b"dd", True),
        (b"eeee", True),
        (b"ffff", True),
    ]
    events = parse(HEAD + body)
    assert chunks_of(events) == expected
    assert isinstance(events[-1], EndOfMessage)
    bytewise = parse_bytewise(HEAD + body)
    assert b"".join(d for d, _ in chunks_of(bytewise)) == b"aaaabbbbccccddeeeeffff"
    assert [e for e in bytewise if not isinstance(e, Data)] == [
        e for e in events if not isinstance(e, Data)
    ]


def test_a_run_cut_short_by_the_end_of_the_buffer_resumes() -> None:
    parser = ResponseParser()
    events = parser.feed(HEAD + b"3\r\nabc\r\n3\r\nabc\r\n3\r\nab")
    assert chunks_of(events) == [(b"abc", True), (b"abc", True), (b"ab", False)]
    events = parser.feed(b"c\r\n3\r\nabc\r\n0\r\n\r\n")
    assert chunks_of(events) == [(b"c", True), (b"abc", True)]
    assert isinstance(events[-1], EndOfMessage)


@pytest.mark.parametrize(
    ("body", "offset"),
    [
        # The third chunk of a run is followed by "XY" instead of CRLF.
        (b"2\r\nab\r\n2\r\nab\r\n2\r\nabXY2\r\nab\r\n0\r\n\r\n", 19),
        # The run's next line differs only after the CRLF: a bad chunk line.
        (b"2\r\nab\r\n2\r\nab\r\n2x\r\nab\r\n0\r\n\r\n", 15),
    ],
)
def test_a_run_stops_at_a_bad_separator(body: bytes, offset: int) -> None:
    with pytest.raises(TransferEncodingError) as info:
        parse(HEAD + body)
    assert info.value.position == len(HEAD) + offset
    assert chunks_of(info.value.events)[:2] == [(b"ab", True), (b"ab", True)]


def test_a_chunked_head_whose_first_chunk_line_is_not_here_yet() -> None:
    parser = ResponseParser()
    events = parser.feed(HEAD + b"1")
    assert [type(e) for e in events] == [Response]
    assert parser.buffered == 1
    events = parser.feed(b"0\r\n" + b"z" * 16 + b"\r\n0\r\n\r\n")
    assert chunks_of(events) == [(b"z" * 16, True)]
    with pytest.raises(TransferEncodingError):
        ResponseParser().feed(HEAD + b"g")


# -- limits on the inlined field-section path ------------------------------------------------------


@pytest.mark.parametrize("extra", [1, 2])
def test_a_single_field_line_just_over_max_field_size_is_rejected(extra: int) -> None:
    line = b"X: " + b"v" * (7 + extra)  # 10 + extra bytes with a limit of 10
    with pytest.raises(LineTooLong):
        ResponseParser(max_field_size=10).feed(b"HTTP/1.1 204 No Content\r\n" + line + b"\r\n\r\n")


def test_a_field_line_of_exactly_max_field_size_is_accepted() -> None:
    head = ResponseParser(max_field_size=10).feed(b"HTTP/1.1 204 No Content\r\nX: vvvvvvv\r\n\r\n")[
        0
    ]
    assert head.headers["X"] == "vvvvvvv"


@pytest.mark.parametrize("line", [b"\x00", b"H", b"HTTP", b"HTTP/1.", b"HTTP/1.1 20"])
def test_a_short_garbage_status_line_at_the_end_of_the_buffer(line: bytes) -> None:
    # The line is checked before it is indexed: no IndexError behind the typed error.
    with pytest.raises(BadStatusLine) as info:
        ResponseParser().feed(line + b"\r\n\r\n")
    assert info.value.__cause__ is None


# -- large field sections: the faster pattern plus a translate agree with the small-section one --

FILLER = b"".join(b"X-Filler-%02d: some value %02d\r\n" % (i, i) for i in range(40))
PROBES = [
    b"X-Ok: plain value",
    b"X-Inner: a\tb  c",
    b"X-Obs: caf\xc3\xa9 \xff\x80",
    b"X-Tight:value",
    b"X-Tab:\tvalue",
    b"X-Trail: value \t",
    b"X-Lead:   value",
    b"X-Empty:",
    b"X-Empty-Sp: ",
    b"X-Nul: a\x00b",
    b"X-Ctl: a\x1fb",
    b"X-Del: a\x7fb",
    b"X-Cr: a\rb",
    b"X-Lf: a\nb",
    b"X-End-Cr: ab\r",
    b" obs-fold",
    b"\tobs-fold",
    b"X-Space : value",
    b"X Space: value",
    b"X-\xc3\xa9: value",
    b"X(y): value",
    b": no name",
    b"no colon at all",
    b"X-Colons: a: b: c",
]


def _outcome(section: bytes, probe_at: int) -> Any:
    wire = b"HTTP/1.1 204 No Content\r\n" + section + b"\r\n"
    try:
        head = ResponseParser().feed(wire)[0]
    except HttpParserError as exc:
        return (type(exc), None if exc.position is None else exc.position - probe_at)
    return (list(head.headers.items()), head.raw_headers)


@pytest.mark.parametrize("probe", PROBES)
def test_a_large_section_gives_what_a_small_one_gives(probe: bytes) -> None:
    status_len = len(b"HTTP/1.1 204 No Content\r\n")
    alone = _outcome(probe + b"\r\n", status_len)
    first = _outcome(probe + b"\r\n" + FILLER, status_len)
    last = _outcome(FILLER + probe + b"\r\n", status_len + len(FILLER))
    assert len(FILLER) >= SMALL_SECTION
    if isinstance(alone[0], type):
        assert first == alone
        assert last == alone
    else:
        filler = ResponseParser().feed(b"HTTP/1.1 204 No Content\r\n" + FILLER + b"\r\n")[0]
        fill_items, fill_raw = list(filler.headers.items()), filler.raw_headers
        assert first == (alone[0] + fill_items, alone[1] + fill_raw)
        assert last == (fill_items + alone[0], fill_raw + alone[1])


def _request_outcome(section: bytes, probe_at: int) -> Any:
    wire = b"GET / HTTP/1.1\r\nHost: a\r\n" + section + b"\r\n"
    try:
        head = RequestParser().feed(wire)[0]
    except HttpParserError as exc:
        return (type(exc), None if exc.position is None else exc.position - probe_at)
    return (list(head.headers.items())[1:], head.raw_headers[1:])


@pytest.mark.parametrize("probe", PROBES)
def test_a_large_request_section_gives_what_a_small_one_gives(probe: bytes) -> None:
    start = len(b"GET / HTTP/1.1\r\nHost: a\r\n")
    alone = _request_outcome(probe + b"\r\n", start)
    last = _request_outcome(FILLER + probe + b"\r\n", start + len(FILLER))
    if isinstance(alone[0], type):
        assert last == alone
    else:
        # Every valid probe is one field, the last one.
        assert (last[0][-1:], last[1][-1:]) == alone


PIPED = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-N: 1\r\n\r\nok"


def test_pipelined_heads_in_one_buffer_then_an_incomplete_one() -> None:
    parser = ResponseParser()
    stream = PIPED * 3
    cut = 2 * len(PIPED) + 20
    first = parser.feed(stream[:cut])
    assert [type(e) for e in first] == [Response, Data, EndOfMessage] * 2
    assert parser.buffered == 20
    second = parser.feed(stream[cut:])
    assert [type(e) for e in second] == [Response, Data, EndOfMessage]
    assert second[0].raw_headers == ((b"Content-Length", b"2"), (b"X-N", b"1"))
    assert parser.buffered == 0


def test_pipelined_heads_stop_at_a_bad_one_after_good_ones() -> None:
    parser = ResponseParser()
    with pytest.raises(BadStatusLine) as info:
        parser.feed(PIPED * 2 + b"HTTP/1.1 2OO OK\r\n\r\n")
    assert [type(e) for e in info.value.events] == [Response, Data, EndOfMessage] * 2
    assert info.value.position == 2 * len(PIPED) + 10


def test_pipelined_heads_with_empty_lines_between_them() -> None:
    events = parse(PIPED + b"\r\n" + PIPED + b"\r\n\r\n" + PIPED)
    assert [type(e) for e in events] == [Response, Data, EndOfMessage] * 3


def test_responses_filled_in_directly_equal_ones_built_by_hand() -> None:
    head, data, end = parse(PIPED)
    pairs = [("Content-Length", "2"), ("X-N", "1")]
    assert head == Response((1, 1), 200, "OK", head.headers, True, False, False, 2, pairs)
    assert data == Data(b"ok")
    assert end == EndOfMessage()
