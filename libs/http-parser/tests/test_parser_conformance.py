"""llhttp's response cases (and request cases derived for responses), whole and bytewise.

Data: ``shared/conformance/http-responses*.json``, described in ``shared/conformance/README.md``.
A missing data file fails the run (``test_conformance_data_present``) instead of skipping it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from httpwire_parser import (
    BadStatusLine,
    ContentLengthError,
    Data,
    DataAfterClose,
    EndOfMessage,
    HttpParserError,
    IncompleteMessage,
    InformationalResponse,
    InvalidHeader,
    RemoteProtocolError,
    Response,
    ResponseParser,
    TransferEncodingError,
    Upgraded,
)

CONFORMANCE = Path(__file__).resolve().parents[3].parent / "shared" / "conformance"
FILES = ("http-responses.json", "http-responses-derived.json")

#: Cases where this parser deliberately differs from llhttp, with the reason. Each is still run,
#: and must behave as described here: rejected with the exception class given.
DEVIATIONS: dict[str, tuple[type[HttpParserError], str]] = {
    "test/response/sample.md#RTSP response": (
        BadStatusLine,
        "RFC 9112 §2.3: HTTP-name is the case-sensitive literal 'HTTP'; an HTTP client must not "
        "accept an RTSP/1.1 status line as an HTTP response",
    ),
    "test/response/sample.md#ICE response": (
        BadStatusLine,
        "RFC 9112 §2.3: HTTP-name is the case-sensitive literal 'HTTP'; 'ICE/1.1' is not an "
        "HTTP-version",
    ),
}

#: llhttp error names mapped to the exception classes that express the same fault here.
ERROR_CLASSES: dict[str, tuple[type[HttpParserError], ...]] = {
    "INVALID_CONSTANT": (BadStatusLine,),
    "INVALID_VERSION": (BadStatusLine,),
    "INVALID_STATUS": (BadStatusLine,),
    "CR_EXPECTED": (BadStatusLine, InvalidHeader),
    "LF_EXPECTED": (BadStatusLine, InvalidHeader),
    "UNEXPECTED_SPACE": (InvalidHeader,),
    "STRICT": (BadStatusLine, InvalidHeader, TransferEncodingError),
    "INVALID_HEADER_TOKEN": (InvalidHeader,),
    "INVALID_CONTENT_LENGTH": (ContentLengthError, TransferEncodingError),
    "UNEXPECTED_CONTENT_LENGTH": (ContentLengthError,),
    "INVALID_TRANSFER_ENCODING": (TransferEncodingError,),
    "INVALID_CHUNK_SIZE": (TransferEncodingError,),
    "CLOSED_CONNECTION": (DataAfterClose,),
}


def _load() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for name in FILES:
        path = CONFORMANCE / name
        if path.exists():
            cases.extend(json.loads(path.read_text(encoding="utf-8")))
    return cases


CASES = _load()


def test_conformance_data_present() -> None:
    for name in FILES:
        assert (CONFORMANCE / name).is_file(), f"conformance data missing: {CONFORMANCE / name}"
    assert len(CASES) == 159


@dataclass
class Message:
    head: Response | InformationalResponse
    body: bytearray = field(default_factory=bytearray)
    complete: bool = False
    trailers: list[tuple[bytes, bytes]] | None = None


def _latin1(text: str) -> bytes:
    return text.encode("latin-1")


def _wire(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _parser(case: dict[str, Any]) -> ResponseParser:
    parser = ResponseParser()
    for _ in range(len(case["expect"]["messages"]) + 1):
        parser.expect(case["method_of_request"])
    return parser


def _group(events: list[Any]) -> tuple[list[Message], bytes | None]:
    messages: list[Message] = []
    tail: bytes | None = None
    for event in events:
        if isinstance(event, (Response, InformationalResponse)):
            messages.append(Message(event))
            if isinstance(event, InformationalResponse):
                messages[-1].complete = True
        elif isinstance(event, Data):
            messages[-1].body += event.data
        elif isinstance(event, EndOfMessage):
            messages[-1].complete = True
            messages[-1].trailers = list(event.raw_trailers)
        elif isinstance(event, Upgraded):
            tail = event.tail
    return messages, tail


def _feed(parser: ResponseParser, data: bytes, whole: bool) -> list[Any]:
    if whole:
        return parser.feed(data)
    events: list[Any] = []
    for i in range(len(data)):
        events.extend(parser.feed(data[i : i + 1]))
        if events and isinstance(events[-1], Upgraded):
            # The rest of the stream belongs to the new protocol.
            events[-1] = Upgraded(events[-1].tail + data[i + 1 :])
            break
    return events


def _feed_into(parser: ResponseParser, data: bytes, whole: bool, events: list[Any]) -> None:
    if whole:
        events.extend(parser.feed(data))
        return
    for i in range(len(data)):
        events.extend(parser.feed(data[i : i + 1]))


def _check_ok(case: dict[str, Any], whole: bool) -> None:
    exp = case["expect"]
    data = _latin1(case["input"])
    parser = _parser(case)
    events = _feed(parser, data, whole)
    got, tail = _group(events)
    expected = [m for m in exp["messages"] if m["headers_complete"]]
    assert len(got) == len(expected), (got, expected)
    for mine, want in zip(got, expected, strict=True):
        head = mine.head
        assert head.status == want["status"]
        assert _wire(head.reason) == _latin1(want["reason"])
        assert f"{head.version[0]}.{head.version[1]}" == want["version"]
        pairs = [(_latin1(n), _latin1(v)) for n, v in want["headers"]]
        assert list(head.raw_headers) == pairs
        assert [(k.encode("ascii"), _wire(v)) for k, v in head.headers.items()] == pairs
        assert bytes(mine.body) == _latin1(want["body"])
        assert mine.complete == want["complete"]
        if "trailers" in want:
            assert mine.trailers == [(_latin1(n), _latin1(v)) for n, v in want["trailers"]]
        elif mine.complete and mine.trailers is not None:
            assert mine.trailers == []
        if "content_length" in want:
            assert isinstance(head, Response)
            assert head.content_length == want["content_length"]
        if want.get("upgrade"):
            assert isinstance(head, Response)
            assert head.upgrade
    if exp.get("upgrade"):
        assert tail == _latin1(exp["upgrade_tail"])
        return
    assert tail is None
    at_eof = exp["at_eof"]
    if at_eof == "error":
        with pytest.raises(IncompleteMessage):
            parser.feed_eof()
    elif at_eof == "complete":
        assert parser.feed_eof() == [EndOfMessage()]
    else:
        assert parser.feed_eof() == []


def _check_error(case: dict[str, Any], whole: bool) -> None:
    exp = case["expect"]
    data = _latin1(case["input"])
    parser = _parser(case)
    events: list[Any] = []
    with pytest.raises(RemoteProtocolError) as info:
        _feed_into(parser, data, whole, events)
    exc = info.value
    assert isinstance(exc, ERROR_CLASSES[exp["error"]]), (exc, exp["error"])
    assert exc.position is not None
    assert 0 <= exc.position <= len(data)
    # Exactly the messages completed before the fault were delivered (in earlier calls or in
    # the failing call's ``events``), and the parser refuses to go on.
    events.extend(exc.events)
    completed = sum(isinstance(e, (EndOfMessage, InformationalResponse)) for e in events)
    assert completed == exp["after_messages"]
    with pytest.raises(HttpParserError):
        parser.feed(b"HTTP/1.1 200 OK\r\n\r\n")


@pytest.mark.parametrize("whole", [True, False], ids=["whole", "bytewise"])
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_conformance_case(case: dict[str, Any], whole: bool) -> None:
    case_id = case["id"]
    if case_id in DEVIATIONS:
        error_class, _reason = DEVIATIONS[case_id]
        with pytest.raises(error_class):
            _feed(_parser(case), _latin1(case["input"]), whole)
        return
    if case["expect"]["ok"]:
        _check_ok(case, whole)
    else:
        _check_error(case, whole)
