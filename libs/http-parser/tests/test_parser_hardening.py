"""Regression tests for the parser defects of issue 15 (each test names its item)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import httpwire_parser._abnf
import httpwire_parser._headers
import httpwire_parser._readers
from httpwire_parser import (
    BadStatusLine,
    ContentLengthError,
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

CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


def outcome(wire: bytes, step: int | None = None, **kwargs: Any) -> tuple[list[Any], str | None]:
    """Feed *wire* whole (or *step* bytes per call) then EOF: the events and the error's type."""
    parser = ResponseParser(**kwargs)
    chunks = [wire] if step is None else [wire[i : i + step] for i in range(0, len(wire), step)]
    events: list[Any] = []
    try:
        for chunk in chunks:
            events += parser.feed(chunk)
        events += parser.feed_eof()
    except HttpParserError as exc:
        return events + exc.events, type(exc).__name__
    return events, None


def same_whatever_the_split(wire: bytes, **kwargs: Any) -> tuple[list[Any], str | None]:
    """The outcome of *wire*, checked to be the same fed whole, in 7-byte pieces and bytewise."""
    whole_events, whole_error = outcome(wire, **kwargs)
    body = b"".join(e.data for e in whole_events if isinstance(e, Data))
    for step in (7, 1):
        events, error = outcome(wire, step, **kwargs)
        assert error == whole_error, (step, error, whole_error)
        assert b"".join(e.data for e in events if isinstance(e, Data)) == body
        assert [type(e) for e in events if not isinstance(e, Data)] == [
            type(e) for e in whole_events if not isinstance(e, Data)
        ]
    return whole_events, whole_error


# -- issue 15.3: max_line_size applies to chunk lines whatever the segmentation ------------------


def test_a_long_chunk_extension_is_refused_in_one_piece_too() -> None:
    # issue 15.3: a 100 KiB chunk extension passed when fed in one piece.
    wire = CHUNKED_HEAD + b"5;a=" + b"x" * 100_000 + b"\r\nhello\r\n0\r\n\r\n"
    with pytest.raises(LineTooLong):
        ResponseParser().feed(wire)
    assert same_whatever_the_split(wire)[1] == "LineTooLong"


@pytest.mark.parametrize("extra", [-1, 0, 1, 2])
def test_chunk_lines_at_the_limit_are_judged_alike_in_every_split(extra: int) -> None:
    # issue 15.3: a line of max_line_size bytes (CRLF not counted) passes, one more byte fails.
    limit = 20
    line = b"5;e=" + b"v" * (limit - 4 + extra)
    wire = CHUNKED_HEAD + line + b"\r\nhello\r\n0\r\n\r\n"
    events, error = same_whatever_the_split(wire, max_line_size=limit)
    if extra <= 0:
        assert error is None
        assert isinstance(events[-1], EndOfMessage)
    else:
        assert error == "LineTooLong"


def test_a_bad_byte_after_the_limit_is_a_long_line_in_every_split() -> None:
    # issue 15.3: past the limit the line is too long before it is found to be malformed.
    wire = CHUNKED_HEAD + b"5;e=" + b"v" * 40 + b"\x01\r\nhello\r\n0\r\n\r\n"
    assert same_whatever_the_split(wire, max_line_size=20)[1] == "LineTooLong"
    wire = CHUNKED_HEAD + b"5;e=" + b"v" * 4 + b"\x01\r\nhello\r\n0\r\n\r\n"
    assert same_whatever_the_split(wire, max_line_size=20)[1] == "TransferEncodingError"


# -- issue 15.4: trailers are not checked for Content-Length early ------------------------------


@pytest.mark.parametrize(
    "trailers",
    [
        b"Content-Length: abc\r\n",
        b"Content-Length: 1\r\nContent-Length: 2\r\n",
        b"X-A: 1\r\ncontent-length: -1\r\nX-B: 2\r\n",
    ],
)
def test_content_length_in_trailers_is_judged_alike_in_every_split(trailers: bytes) -> None:
    # issue 15.4: this passed in one piece but raised ContentLengthError byte by byte.
    wire = CHUNKED_HEAD + b"4\r\nbody\r\n0\r\n" + trailers + b"\r\n"
    events, error = same_whatever_the_split(wire)
    assert error is None
    end = events[-1]
    assert isinstance(end, EndOfMessage)
    assert "content-length" in end.trailers


def test_request_trailers_with_content_length_fed_bytewise() -> None:
    # issue 15.4: the request parser shares the trailer reader.
    wire = (
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\nContent-Length: abc\r\n\r\n"
    )
    parser = RequestParser()
    events: list[Any] = []
    for i in range(len(wire)):
        events += parser.feed(wire[i : i + 1])
    assert isinstance(events[-1], EndOfMessage)
    assert events[-1].trailers["content-length"] == "abc"


def test_content_length_in_a_head_is_still_refused_early() -> None:
    # issue 15.4: the early check stays for heads, where Content-Length frames the body.
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\n")
    with pytest.raises(HttpParserError, match="Content-Length"):
        parser.feed(b"Content-Length: abc\r\n")


# -- issue 15.5: Content-Length up to 2**63 - 1 --------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [b"1000000000000000000", b"%d" % ((1 << 63) - 1), b"0" * 30 + b"12", b"0" * 25 + b"3"],
)
def test_content_length_of_19_digits_and_leading_zeros_is_accepted(value: bytes) -> None:
    # issue 15.5: 10**18 and 2**63 - 1 were refused as invalid although inside the limit.
    wire = b"HTTP/1.1 200 OK\r\nContent-Length: %b\r\n\r\nab" % value
    for step in (None, 1):
        events, error = outcome(wire, step)
        assert error == "IncompleteMessage"  # the body is cut short
        head = events[0]
        assert isinstance(head, Response)
        assert head.content_length == int(value)
    request = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: %b\r\n\r\n" % value
    events = RequestParser().feed(request)
    assert events[0].content_length == int(value)


@pytest.mark.parametrize("value", [b"%d" % (1 << 63), b"9" * 25, b"1" * 5000])
def test_content_length_above_the_limit_is_refused_clearly(value: bytes) -> None:
    # issue 15.5: above 2**63 - 1 the message says it is too large, not just "invalid".
    wire = b"HTTP/1.1 200 OK\r\nContent-Length: %b\r\n\r\n" % value
    for step in (None, 1):
        events, error = outcome(wire, step, max_field_size=6000)
        assert (events, error) == ([], "ContentLengthError")
    with pytest.raises(
        ContentLengthError, match=r"larger than 9223372036854775807 \(2\*\*63 - 1\)"
    ):
        ResponseParser(max_field_size=6000).feed(wire)
    with pytest.raises(ContentLengthError, match="larger than"):
        RequestParser(max_field_size=6000).feed(
            b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: %b\r\n\r\n" % value
        )
    with pytest.raises(ContentLengthError, match="invalid Content-Length b'1x'"):
        ResponseParser().feed(b"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n")


# -- issue 15.7: status codes are 100-599 --------------------------------------------------------


@pytest.mark.parametrize("status", [b"000", b"001", b"099", b"600", b"999"])
def test_a_status_code_outside_100_to_599_is_a_bad_status_line(status: bytes) -> None:
    # issue 15.7: 000-099 were taken as interim 1xx responses.
    wire = b"HTTP/1.1 %b Odd\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" % status
    assert same_whatever_the_split(wire) == ([], "BadStatusLine")
    with pytest.raises(BadStatusLine, match=f"status code {status.decode()} is not between"):
        ResponseParser().feed(wire)
    with pytest.raises(BadStatusLine, match="not between"):
        ResponseParser().feed(b"HTTP/1.1 %b\r\n\r\n" % status)


def test_status_codes_at_the_ends_of_the_range_are_accepted() -> None:
    # issue 15.7: 100 stays an interim response and 599 a final one.
    wire = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 599 Odd\r\nContent-Length: 0\r\n\r\n"
    events, error = same_whatever_the_split(wire)
    assert error is None
    assert isinstance(events[0], InformationalResponse)
    assert isinstance(events[1], Response)
    assert events[1].status == 599


# -- issue 15.10: chunked takes no parameters ----------------------------------------------------


@pytest.mark.parametrize(
    "coding", [b"chunked;foo=bar", b"chunked ; foo", b"CHUNKED;x", b"gzip, chunked;q=1"]
)
def test_chunked_with_parameters_is_refused(coding: bytes) -> None:
    # issue 15.10: `chunked;foo=bar` was taken as chunked.
    wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: %b\r\n\r\n0\r\n\r\n" % coding
    with pytest.raises(TransferEncodingError, match="takes no parameters") as info:
        ResponseParser().feed(wire)
    assert info.value.position == len(b"HTTP/1.1 200 OK\r\n")
    assert same_whatever_the_split(wire) == ([], "TransferEncodingError")
    request = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: %b\r\n\r\n0\r\n\r\n" % coding
    with pytest.raises(TransferEncodingError, match="takes no parameters"):
        RequestParser().feed(request)


def test_parameters_on_other_codings_are_still_allowed() -> None:
    # issue 15.10: only chunked is refused with parameters; the body then runs to EOF.
    wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip;q=1\r\n\r\nbody"
    events, error = same_whatever_the_split(wire)
    assert error is None
    assert b"".join(e.data for e in events if isinstance(e, Data)) == b"body"


# -- issue 15.9: feeding one byte at a time costs time linear in the bytes fed -------------------


class _Scanned:
    """Adds up how many bytes the parser's searches and pattern matches may look at."""

    def __init__(self) -> None:
        self.total = 0

    def span(self, buf: Any, pos: int = 0, endpos: int | None = None) -> None:
        size = len(buf)
        end = size if endpos is None else min(endpos, size)
        start = pos + size if pos < 0 else pos
        self.total += max(end - start, 0)


class _CountingPattern:
    """A compiled pattern whose matching calls report the span they are given to a _Scanned."""

    def __init__(self, pattern: re.Pattern[bytes], scanned: _Scanned) -> None:
        self._pattern = pattern
        self._scanned = scanned

    def _wrap(self, name: str) -> Callable[..., Any]:
        method = getattr(self._pattern, name)

        def call(buf: Any, *args: Any) -> Any:
            self._scanned.span(buf, *args)
            return method(buf, *args)

        return call

    def __getattr__(self, name: str) -> Any:
        if name in ("match", "fullmatch", "search", "finditer", "findall"):
            return self._wrap(name)
        return getattr(self._pattern, name)


def _counting_bytearray(scanned: _Scanned) -> type[bytearray]:
    class CountingBytearray(bytearray):
        def find(self, sub: Any, *args: Any) -> int:  # type: ignore[override]
            scanned.span(self, *args)
            return super().find(sub, *args)

        def rfind(self, sub: Any, *args: Any) -> int:  # type: ignore[override]
            scanned.span(self, *args)
            return super().rfind(sub, *args)

        def count(self, sub: Any, *args: Any) -> int:  # type: ignore[override]
            scanned.span(self, *args)
            return super().count(sub, *args)

    return CountingBytearray


def _patterns_in(obj: Any) -> Iterator[tuple[Any, str, Any]]:
    """(owner, attribute, value) for each compiled pattern held by *obj* or by what it holds."""
    for name in dir(obj):
        value = getattr(obj, name, None)
        if isinstance(value, re.Pattern):
            yield obj, name, value
        elif name in ("patterns", "_start_prefix") or type(value).__name__ == "LinePrefix":
            if isinstance(value, tuple) and all(isinstance(p, re.Pattern) for p in value):
                yield obj, name, value
            elif value is not None and not isinstance(value, (tuple, type)):
                yield from _patterns_in(value)


def bytes_scanned(
    monkeypatch: pytest.MonkeyPatch, parser: ResponseParser | RequestParser, wire: bytes
) -> int:
    """Feed *wire* one byte per call; return how many bytes the parser's scans spanned."""
    scanned = _Scanned()
    with monkeypatch.context() as patch:
        owners = [httpwire_parser._readers, httpwire_parser._headers, parser]
        for owner in owners:
            for holder, name, value in list(_patterns_in(owner)):
                if isinstance(value, tuple):
                    wrapped: Any = tuple(_CountingPattern(p, scanned) for p in value)
                else:
                    wrapped = _CountingPattern(value, scanned)
                patch.setattr(holder, name, wrapped)
        counting = _counting_bytearray(scanned)
        patch.setattr(httpwire_parser._readers, "bytearray", counting, raising=False)
        parser._pending = counting()  # type: ignore[attr-defined]
        for i in range(len(wire)):
            parser.feed(wire[i : i + 1])
    return scanned.total


BIG = 1 << 20
LINEAR_CASES: dict[str, Callable[[int], bytes]] = {
    "status line": lambda n: b"HTTP/1.1 200 " + b"r" * n + b"\r\nContent-Length: 0\r\n\r\n",
    "field line": lambda n: b"HTTP/1.1 200 OK\r\nX: " + b"v" * n + b"\r\nContent-Length: 0\r\n\r\n",
    "field name": lambda n: b"HTTP/1.1 200 OK\r\n" + b"n" * n + b": v\r\nContent-Length: 0\r\n\r\n",
    "many lines": lambda n: b"HTTP/1.1 200 OK\r\n" + b"X: 12\r\n" * (n // 7) + b"\r\n",
    "chunk line": lambda n: CHUNKED_HEAD + b"4;e=" + b"x" * n + b"\r\nbody\r\n0\r\n\r\n",
    "trailer": lambda n: CHUNKED_HEAD + b"0\r\nT: " + b"t" * n + b"\r\n\r\n",
}


@pytest.mark.parametrize("case", sorted(LINEAR_CASES))
def test_bytewise_feeding_scans_a_bounded_number_of_bytes_per_byte(
    monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    # issue 15.9: a long line fed one byte per call was rescanned from its start at every byte.
    build = LINEAR_CASES[case]
    counts = []
    for n in (3000, 6000):
        parser = ResponseParser(
            max_line_size=BIG, max_field_size=BIG, max_headers=BIG, max_trailer_size=BIG
        )
        wire = build(n)
        counts.append(bytes_scanned(monkeypatch, parser, wire) / len(wire))
    # A linear parser scans each byte a bounded number of times, whatever the line length; a
    # quadratic one scans about half the line per byte (1500 and then 3000 here).
    assert counts[0] < 30
    assert counts[1] < counts[0] * 1.2


def test_bytewise_request_target_scans_a_bounded_number_of_bytes_per_byte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # issue 15.9: the request line is checked by its own pattern; it resumes as well.
    counts = []
    for n in (3000, 6000):
        wire = b"GET /" + b"p" * n + b" HTTP/1.1\r\nHost: h\r\n\r\n"
        parser = RequestParser(max_line_size=BIG)
        counts.append(bytes_scanned(monkeypatch, parser, wire) / len(wire))
    assert counts[0] < 30
    assert counts[1] < counts[0] * 1.2


def test_the_counter_sees_the_scans_it_is_meant_to_count(monkeypatch: pytest.MonkeyPatch) -> None:
    # The counting above must see the parser's work: a whole head is scanned at least once.
    wire = LINEAR_CASES["field line"](3000)
    parser = ResponseParser(max_field_size=BIG)
    assert bytes_scanned(monkeypatch, parser, wire) >= len(wire)


#: Each resumable line check with the full pattern it stands for and bytes to build lines from.
_PREFIXES = {
    "status": ("STATUS_PREFIX", "STATUS_PREFIX_RE", b"HTTP/1.0 29 x\t\x01:;"),
    "request": ("REQUEST_PREFIX", "REQUEST_PREFIX_RE", b"GET /x HTTP/1.0 9\x01:"),
    "field": ("FIELD_PREFIX", "FIELD_PREFIX_RE", b"ab:c \t\x01\x7f\x80"),
    "chunk": ("CHUNK_PREFIX", "CHUNK_PREFIX_RE", b'0aF;x= \x01g"'),
}


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(sorted(_PREFIXES)),
    data=st.data(),
)
def test_resumed_line_checks_agree_with_a_full_match(kind: str, data: st.DataObject) -> None:
    # issue 15.9: checking a line piece by piece, resuming each time, gives the verdict of the
    # full prefix pattern on everything that has arrived, wherever the pieces end.
    prefix_name, pattern_name, alphabet = _PREFIXES[kind]
    prefix = getattr(httpwire_parser._abnf, prefix_name)
    pattern = getattr(httpwire_parser._abnf, pattern_name)
    seed = {"status": b"HTTP/1.1 200 OK", "request": b"GET /a HTTP/1.1"}.get(kind, b"")
    line = seed[: data.draw(st.integers(0, len(seed)))] + data.draw(
        st.binary(max_size=40).map(lambda b: bytes(alphabet[x % len(alphabet)] for x in b))
    )
    cuts = sorted([*data.draw(st.lists(st.integers(0, len(line)), max_size=6)), len(line)])
    pos = state = 0
    for cut in cuts:
        good, pos, state = prefix.check(line, pos, state, cut)
        assert good == pattern.match(line, 0, cut).end()
        if good != cut:
            break
