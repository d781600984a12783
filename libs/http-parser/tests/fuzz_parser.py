"""Hypothesis-driven fuzzing of httpwire_parser, runnable as a script and reused by the tests.

``python libs/http-parser/tests/fuzz_parser.py --examples 5000`` runs every property below with that
many examples (``./scripts/hatch run parser:fuzz`` does the same). ``test_parser_properties.py``
imports this file and runs the same properties with small example counts. The file name does not
start with ``test_`` so pytest never collects it on its own.

Properties:

* any segmentation of a valid response stream gives the same events as feeding it whole;
* compressed bodies (gzip, deflate, br; any framing) give exactly the same events whatever
  ``max_output_per_feed``, drained with ``feed(b"")`` or fed on while pending, and no call returns
  much more decoded data than the budget (issue 15.2);
* parsing what the serializers wrote gives back the same heads, bodies and trailers (responses and
  requests);
* random bytes, and valid streams with bytes flipped, inserted or deleted, only ever raise
  :class:`httpwire_parser.HttpParserError` subclasses (never ValueError, IndexError, ...);
* streams near the edges of what is accepted (lines around ``max_line_size``, ...) are accepted
  or refused alike whatever their segmentation (issue 15).
"""

from __future__ import annotations

import argparse
import gzip
import sys
import zlib
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from httpwire_parser import (
    CONTENT_CODINGS,
    ChunkedEncoder,
    Data,
    EndOfMessage,
    HttpParserError,
    InformationalResponse,
    RemoteProtocolError,
    Request,
    RequestParser,
    Response,
    ResponseParser,
    Upgraded,
    serialize_request_head,
    serialize_response_head,
)

TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
RESERVED = {
    "content-length",
    "transfer-encoding",
    "connection",
    "content-encoding",
    "upgrade",
    "host",
}
VALUE_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\x7f"
) | st.sampled_from(" \t")

names = st.text(alphabet=TCHAR, min_size=1, max_size=16).filter(lambda n: n.lower() not in RESERVED)
values = st.text(alphabet=VALUE_CHARS, max_size=30).map(lambda v: v.strip(" \t"))
field_lists = st.lists(st.tuples(names, values), max_size=8)
bodies = st.binary(max_size=200)


@dataclass(frozen=True)
class Msg:
    """One generated response: what was serialized, and the bytes."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    framing: str  # "length", "chunked", "eof" or "none"
    trailers: list[tuple[str, str]]
    wire: bytes


@st.composite
def responses(draw: Any, last: bool = False) -> Msg:
    status = draw(st.sampled_from([200, 201, 204, 301, 304, 404, 500, 100, 103]))
    reason = draw(
        st.text(alphabet=st.characters(codec="latin-1", exclude_categories=("Cc",)), max_size=12)
    )
    reason = reason.strip(" \t")
    headers = draw(field_lists)
    if status < 200 or status in (204, 304):
        framing = "none"
    else:
        framing = draw(
            st.sampled_from(["length", "chunked", "eof"] if last else ["length", "chunked"])
        )
    body = b"" if framing == "none" else draw(bodies)
    trailers: list[tuple[str, str]] = []
    extra: list[tuple[str, str]] = []
    if framing == "length":
        extra = [("Content-Length", str(len(body)))]
        payload = body
    elif framing == "chunked":
        extra = [("Transfer-Encoding", "chunked")]
        trailers = draw(st.lists(st.tuples(names, values), max_size=2))
        cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=4)))
        encoder = ChunkedEncoder()
        pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
        payload = b"".join(encoder.encode(p) for p in pieces) + encoder.finish(trailers)
    else:
        payload = body
    all_headers = headers + extra
    wire = serialize_response_head(status, reason, all_headers) + payload
    return Msg(status, reason, all_headers, body, framing, trailers, wire)


@st.composite
def response_streams(draw: Any) -> list[Msg]:
    msgs = draw(st.lists(responses(), max_size=3))
    msgs.append(draw(responses(last=True)))
    return msgs


def normalize(events: list[Any]) -> list[Any]:
    """Events with Data pieces merged up to each chunk end, so segmentations compare equal."""
    out: list[Any] = []
    pending = bytearray()
    for event in events:
        if isinstance(event, Data):
            pending += event.data
            if event.chunk_end:
                out.append(("data", bytes(pending), True))
                pending.clear()
            continue
        if pending:
            out.append(("data", bytes(pending), False))
            pending.clear()
        out.append(event)
    if pending:
        out.append(("data", bytes(pending), False))
    return out


def raw_fields_of(events: list[Any]) -> list[Any]:
    """The raw fields of each head and end (they do not take part in event equality)."""
    out: list[Any] = []
    for event in events:
        if isinstance(event, EndOfMessage):
            out.append(event.raw_trailers)
        elif isinstance(event, (Response, InformationalResponse, Request)):
            out.append(event.raw_headers)
    return out


def feed_all(
    parser: ResponseParser | RequestParser, chunks: list[bytes], eof: bool = True
) -> list[Any]:
    events: list[Any] = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    if eof:
        events.extend(parser.feed_eof())
    return events


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


# -- properties (plain functions taking drawn values, wrapped by `given` below) ----------------


def prop_segmentation(msgs: list[Msg], cuts: list[int]) -> None:
    wire = b"".join(m.wire for m in msgs)
    whole_events = feed_all(ResponseParser(), [wire])
    whole = normalize(whole_events)
    piece_events = feed_all(ResponseParser(), split_at(wire, cuts))
    assert normalize(piece_events) == whole
    assert raw_fields_of(piece_events) == raw_fields_of(whole_events)
    byte_events = feed_all(ResponseParser(), [wire[i : i + 1] for i in range(len(wire))])
    assert normalize(byte_events) == whole
    assert raw_fields_of(byte_events) == raw_fields_of(whole_events)


def prop_response_roundtrip(msgs: list[Msg]) -> None:
    wire = b"".join(m.wire for m in msgs)
    events = normalize(feed_all(ResponseParser(), [wire]))
    index = 0
    for msg in msgs:
        head = events[index]
        index += 1
        kind = InformationalResponse if msg.status < 200 else Response
        assert type(head) is kind
        assert head.status == msg.status
        assert head.reason == msg.reason
        assert list(head.headers.items()) == msg.headers
        assert list(head.raw_headers) == [
            (n.encode(), v.encode("utf-8", "surrogateescape")) for n, v in msg.headers
        ]
        if kind is InformationalResponse:
            continue
        body = bytearray()
        while isinstance(events[index], tuple):
            body += events[index][1]
            index += 1
        assert bytes(body) == msg.body
        end = events[index]
        index += 1
        assert isinstance(end, EndOfMessage)
        assert list(end.trailers.items()) == msg.trailers
    assert index == len(events)


@st.composite
def requests(draw: Any) -> tuple[str, str, list[tuple[str, str]], bytes, bool, bytes]:
    method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "X-CUSTOM"]))
    target = "/" + draw(st.text(alphabet=TCHAR + "/?=&%:@", max_size=20))
    headers = [("Host", "example.org"), *draw(field_lists)]
    body = draw(bodies)
    chunked = draw(st.booleans())
    if chunked:
        headers.append(("Transfer-Encoding", "chunked"))
        encoder = ChunkedEncoder()
        payload = encoder.encode(body) + encoder.finish()
    else:
        headers.append(("Content-Length", str(len(body))))
        payload = body
    return (
        method,
        target,
        headers,
        body,
        chunked,
        serialize_request_head(method, target, headers) + payload,
    )


def prop_request_roundtrip(reqs: list[Any], cuts: list[int]) -> None:
    wire = b"".join(r[5] for r in reqs)
    for chunks in ([wire], split_at(wire, cuts)):
        events = normalize(feed_all(RequestParser(), chunks))
        index = 0
        for method, target, headers, body, chunked, _ in reqs:
            head = events[index]
            index += 1
            assert isinstance(head, Request)
            assert (head.method, head.target, head.chunked) == (method, target, chunked)
            assert list(head.headers.items()) == headers
            got = bytearray()
            while isinstance(events[index], tuple):
                got += events[index][1]
                index += 1
            assert bytes(got) == body
            assert isinstance(events[index], EndOfMessage)
            index += 1
        assert index == len(events)


def _only_parser_errors(parser: ResponseParser | RequestParser, chunks: list[bytes]) -> None:
    cause: BaseException | None = None
    try:
        feed_all(parser, chunks)
    except RemoteProtocolError as exc:
        cause = exc.__cause__
    except HttpParserError:
        raise AssertionError("a LocalProtocolError from valid API use") from None
    except Exception as exc:  # pragma: no cover - this is the failure being looked for
        raise AssertionError(f"non-parser exception {exc!r}") from exc
    # The safety net in feed() would hide a bug behind a RemoteProtocolError with a cause.
    assert cause is None, repr(cause)


def prop_random_bytes(data: bytes, cuts: list[int], head: bool) -> None:
    parser = ResponseParser()
    if head:
        parser.expect("HEAD")
    _only_parser_errors(parser, split_at(data, cuts))
    _only_parser_errors(RequestParser(), split_at(data, cuts))


def prop_mutations(msgs: list[Msg], edits: list[tuple[int, int, int]], cuts: list[int]) -> None:
    data = bytearray(b"".join(m.wire for m in msgs))
    for kind, where, byte in edits:
        at = where % (len(data) + 1)
        if kind == 0 and at < len(data):
            data[at] = byte
        elif kind == 1:
            data.insert(at, byte)
        elif at < len(data):
            del data[at]
    _only_parser_errors(ResponseParser(), split_at(bytes(data), cuts))


def prop_upgrade_tail(tail: bytes, cuts: list[int]) -> None:
    wire = (
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"
        + tail
    )
    events: list[Any] = []
    parser = ResponseParser()
    chunks = split_at(wire, cuts)
    for i, chunk in enumerate(chunks):
        events.extend(parser.feed(chunk))
        if events and isinstance(events[-1], Upgraded):
            assert events[-1].tail + b"".join(chunks[i + 1 :]) == tail
            return
    raise AssertionError("no Upgraded event")


#: The line limit the edge streams are parsed with: small, so lines around it are cheap.
EDGE_LINE = 24


#: Content-Length values around the largest accepted one (issue 15.5).
EDGE_LENGTHS = [
    b"1000000000000000000",
    b"%d" % ((1 << 63) - 1),
    b"%d" % (1 << 63),
    b"0" * 30 + b"4",
    b"9" * 25,
    b"0" * 5000,
    b"4",
]


@st.composite
def edge_streams(draw: Any) -> bytes:
    """A response whose parts sit near the edges of what the parser accepts."""
    kind = draw(st.sampled_from(["length", "status", "coding", "chunked"]))
    if kind == "length":
        length = draw(st.sampled_from(EDGE_LENGTHS))
        return b"HTTP/1.1 200 OK\r\nContent-Length: %b\r\n\r\nbody" % length
    if kind == "status":
        # issue 15.7: any three digits, of which only 100-599 are status codes.
        status = draw(st.integers(0, 999))
        reason = draw(st.sampled_from([b"", b" ", b" X"]))
        return b"HTTP/1.1 %03d%b\r\nContent-Length: 0\r\n\r\n" % (status, reason)
    if kind == "coding":
        # issue 15.10: chunked with parameters, alone or after another coding.
        coding = draw(
            st.sampled_from([b"chunked;a=b", b"chunked ;x", b"gzip;q=1, chunked", b"chunked"])
        )
        return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: %b\r\n\r\n4\r\nbody\r\n0\r\n\r\n" % coding
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    # issue 15.3: chunk lines around max_line_size, possibly with a bad byte in them.
    ext = draw(st.integers(0, 2 * EDGE_LINE))
    line = b"4;e=" + b"x" * ext
    if draw(st.booleans()):
        at = draw(st.integers(0, len(line)))
        line = line[:at] + draw(st.sampled_from([b"\x01", b" ", b"\n"])) + line[at:]
    # issue 15.4: trailer fields that would be bad or repeated Content-Length fields in a head.
    trailers = draw(
        st.lists(
            st.sampled_from([b"Content-Length: abc", b"content-length: 1", b"X-T: 1"]), max_size=3
        )
    )
    return head + line + b"\r\nbody\r\n0\r\n" + b"".join(t + b"\r\n" for t in trailers) + b"\r\n"


def outcome(chunks: list[bytes]) -> tuple[list[Any], bytes, str | None]:
    """What parsing *chunks* gave: the events other than Data, the body and the error type."""
    parser = ResponseParser(max_line_size=EDGE_LINE)
    events: list[Any] = []
    error = None
    try:
        for chunk in chunks:
            events.extend(parser.feed(chunk))
        events.extend(parser.feed_eof())
    except HttpParserError as exc:
        events.extend(exc.events)
        error = type(exc).__name__
    body = b"".join(e.data for e in events if isinstance(e, Data))
    return [e for e in events if not isinstance(e, Data)], body, error


def prop_edge_segmentation(wire: bytes, cuts: list[int]) -> None:
    whole = outcome([wire])
    assert outcome(split_at(wire, cuts)) == whole
    assert outcome([wire[i : i + 1] for i in range(len(wire))]) == whole


def _compress(payload: bytes, coding: str) -> bytes:
    if coding == "gzip":
        return gzip.compress(payload)
    if coding == "deflate":
        return zlib.compress(payload)
    if coding == "br":
        import brotli

        return bytes(brotli.compress(payload))
    return payload


@st.composite
def compressed_streams(draw: Any) -> bytes:
    """Responses with compressed (and some identity) bodies, framed every way (issue 15.2)."""
    wire = b""
    count = draw(st.integers(1, 3))
    for index in range(count):
        coding = draw(st.sampled_from([*CONTENT_CODINGS, "identity"]))
        payload = draw(st.binary(max_size=200)) * draw(st.integers(1, 60))
        body = _compress(payload, coding)
        last = index == count - 1
        framing = draw(
            st.sampled_from(["length", "chunked", "eof"] if last else ["length", "chunked"])
        )
        headers = [("Content-Encoding", coding)]
        if framing == "length":
            headers.append(("Content-Length", str(len(body))))
            payload_wire = body
        elif framing == "chunked":
            headers.append(("Transfer-Encoding", "chunked"))
            cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=4)))
            encoder = ChunkedEncoder()
            pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
            payload_wire = b"".join(encoder.encode(p) for p in pieces) + encoder.finish()
        else:
            payload_wire = body
        wire += serialize_response_head(200, "OK", headers) + payload_wire
    return wire


def prop_output_budget(
    wire: bytes, cuts: list[int], budget: int, piece: int, feed_on: bool
) -> None:
    chunks = split_at(wire, cuts)
    unbounded = ResponseParser(max_output_per_feed=1 << 40, decompress_piece_size=piece)
    want = feed_all(unbounded, chunks)
    parser = ResponseParser(max_output_per_feed=budget, decompress_piece_size=piece)
    got: list[Any] = []
    compressed = False

    def take(batch: list[Any]) -> None:
        nonlocal compressed
        decoded = 0
        for event in batch:
            if isinstance(event, Response):
                compressed = event.headers.get("content-encoding", "identity") != "identity"
            elif isinstance(event, Data) and compressed:
                decoded += len(event.data)
        assert decoded <= budget + piece, (decoded, budget, piece)
        got.extend(batch)

    for chunk in chunks:
        take(parser.feed(chunk))
        while parser.pending and not feed_on:
            take(parser.feed(b""))
    while parser.pending:
        take(parser.feed(b""))
    assert parser.feed(b"") == []
    take(parser.feed_eof())
    assert got == want


cut_lists = st.lists(st.integers(min_value=0, max_value=10_000), max_size=6)
edit_lists = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.integers(0, 255)),
    min_size=1,
    max_size=4,
)


@st.composite
def loose_streams(draw: Any) -> tuple[bytes, bytes]:
    """A response stream and the same stream with some head lines ended by a bare LF."""
    strict = bytearray()
    loose = bytearray()
    for msg in draw(response_streams()):
        end = msg.wire.find(b"\r\n\r\n") + 4
        lines = msg.wire[:end].split(b"\r\n")[:-1]
        ends = draw(
            st.lists(st.sampled_from([b"\r\n", b"\n"]), min_size=len(lines), max_size=len(lines))
        )
        strict += msg.wire
        loose += b"".join(line + e for line, e in zip(lines, ends, strict=True)) + msg.wire[end:]
    return bytes(strict), bytes(loose)


def prop_lenient_line_ends(streams: tuple[bytes, bytes], cuts: list[int]) -> None:
    """Lenient mode reads bare-LF heads as their CRLF twins, however the stream is split, and
    reads strict streams exactly as the strict parser does."""
    strict, loose = streams
    expected = normalize(feed_all(ResponseParser(), [strict]))
    assert normalize(feed_all(ResponseParser(lenient=True), [strict])) == expected
    for chunks in ([loose], split_at(loose, cuts), [loose[i : i + 1] for i in range(len(loose))]):
        assert normalize(feed_all(ResponseParser(lenient=True), chunks)) == expected


PROPERTIES: dict[str, tuple[Any, ...]] = {
    "segmentation": (prop_segmentation, response_streams(), cut_lists),
    "response_roundtrip": (prop_response_roundtrip, response_streams()),
    "request_roundtrip": (
        prop_request_roundtrip,
        st.lists(requests(), min_size=1, max_size=3),
        cut_lists,
    ),
    "random_bytes": (prop_random_bytes, st.binary(max_size=300), cut_lists, st.booleans()),
    "random_heads": (
        prop_random_bytes,
        st.binary(max_size=200).map(lambda b: b"HTTP/1.1 200 OK\r\n" + b),
        cut_lists,
        st.booleans(),
    ),
    "mutations": (prop_mutations, response_streams(), edit_lists, cut_lists),
    "upgrade_tail": (prop_upgrade_tail, st.binary(max_size=100), cut_lists),
    "edge_segmentation": (prop_edge_segmentation, edge_streams(), cut_lists),
    "lenient_line_ends": (prop_lenient_line_ends, loose_streams(), cut_lists),
    "output_budget": (
        prop_output_budget,
        compressed_streams(),
        cut_lists,
        st.integers(1, 3000),
        st.integers(1, 700),
        st.booleans(),
    ),
}


def build(name: str, examples: int) -> Any:
    """The property *name* as a hypothesis test function with *examples* examples."""
    fn, *strategies = PROPERTIES[name]
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )(given(*strategies)(fn))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per property")
    parser.add_argument(
        "--only", choices=sorted(PROPERTIES), action="append", help="run just these"
    )
    args = parser.parse_args(argv)
    for name in args.only or list(PROPERTIES):
        print(f"fuzz: {name} ({args.examples} examples)", flush=True)
        build(name, args.examples)()
    print("fuzz: all properties held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
