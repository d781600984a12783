"""Serializers: heads, injection defences, chunked encoding and request compression."""

from __future__ import annotations

import zlib

import pytest
from multidict import CIMultiDict

from httpwire_parser import (
    BodyCompressor,
    ChunkedEncoder,
    Data,
    EndOfMessage,
    LocalProtocolError,
    RequestParser,
    ResponseParser,
    serialize_request_head,
    serialize_response_head,
)


def test_request_head() -> None:
    headers = CIMultiDict([("Host", "example.org"), ("Accept", "*/*"), ("Accept", "text/html")])
    wire = serialize_request_head("GET", "/a?b=c", headers)
    assert wire == (
        b"GET /a?b=c HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\nAccept: text/html\r\n\r\n"
    )
    assert serialize_request_head("GET", "/", [], version=(1, 0)) == b"GET / HTTP/1.0\r\n\r\n"


def test_response_head_and_utf8_values() -> None:
    wire = serialize_response_head(200, "OK", [("X", "café \udcff")])
    assert wire == b"HTTP/1.1 200 OK\r\nX: caf\xc3\xa9 \xff\r\n\r\n"
    head = ResponseParser().feed(wire)[0]
    assert head.headers["X"] == "café \udcff"


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("GE T", "Method cannot contain non-token characters 'GE T' (found at least ' ')"),
        ("GET\n", "Method cannot contain non-token characters 'GET\\n' (found at least '\\n')"),
        ("", "Method cannot be empty"),
    ],
)
def test_a_method_that_is_not_a_token_is_refused_in_aiohttps_words(
    method: str, message: str
) -> None:
    with pytest.raises(LocalProtocolError) as info:
        serialize_request_head(method, "/", [])
    assert info.value.message == message


@pytest.mark.parametrize(
    ("method", "target", "headers"),
    [
        ("GET /evil", "/", []),
        ("GET", "/a b", []),
        ("GET", "/\r\nX: y", []),
        ("", "/", []),
        ("GET", "/", [("X", "a\r\nInjected: yes")]),
        ("GET", "/", [("X", "a\nb")]),
        ("GET", "/", [("X", "a\x00b")]),
        ("GET", "/", [("Bad Name", "v")]),
        ("GET", "/", [("X: y", "v")]),
        ("GET", "/", [("", "v")]),
        ("GET", "/", [("X", "\ud800")]),
    ],
)
def test_injection_is_rejected(method: str, target: str, headers: list[tuple[str, str]]) -> None:
    with pytest.raises(LocalProtocolError):
        serialize_request_head(method, target, headers)
    with pytest.raises(ValueError, match=r"."):
        serialize_request_head(method, target, headers)


@pytest.mark.parametrize(
    ("headers", "part"),
    [([("X", "a\r\nY: 1")], "value"), ([("X\nY", "v")], "name"), ([("X", "a\x00")], "value")],
)
def test_a_control_character_is_named_as_header_injection(
    headers: list[tuple[str, str]], part: str
) -> None:
    with pytest.raises(
        LocalProtocolError,
        match=rf"^Forbidden control character detected in headers: header {part}",
    ) as caught:
        serialize_request_head("GET", "/", headers)
    assert "Potential header injection attack." in str(caught.value)
    with pytest.raises(LocalProtocolError, match=r"^invalid header name 'X Y'$"):
        serialize_request_head("GET", "/", [("X Y", "v")])


def test_response_head_validation() -> None:
    with pytest.raises(LocalProtocolError):
        serialize_response_head(42, "OK", [])
    with pytest.raises(LocalProtocolError):
        serialize_response_head(200, "OK\r\nX: y", [])
    with pytest.raises(LocalProtocolError):
        serialize_response_head(200, "OK", [], version=(2, 0))
    with pytest.raises(TypeError, match="must be str"):
        serialize_response_head(200, "OK", [("X", 1)])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="must be str"):
        serialize_request_head("GET", "/", [(b"X", "v")])  # type: ignore[list-item]


def test_chunked_encoder_round_trip() -> None:
    encoder = ChunkedEncoder()
    body = encoder.encode(b"hello") + encoder.encode(b"") + encoder.encode(b" world")
    body += encoder.finish([("Checksum", "abc")])
    assert body == b"5\r\nhello\r\n6\r\n world\r\n0\r\nChecksum: abc\r\n\r\n"
    with pytest.raises(LocalProtocolError):
        encoder.encode(b"late")
    with pytest.raises(LocalProtocolError):
        encoder.finish()
    head = serialize_request_head("POST", "/", [("Host", "h"), ("Transfer-Encoding", "chunked")])
    events = RequestParser().feed(head + body)
    assert [e.data for e in events if isinstance(e, Data)] == [b"hello", b" world"]
    assert events[-1].trailers["checksum"] == "abc"


@pytest.mark.parametrize("encoding", ["deflate", "gzip"])
def test_body_compressor_round_trip(encoding: str) -> None:
    compressor = BodyCompressor(encoding)
    assert compressor.encoding == encoding
    body = compressor.compress(b"abc" * 1000) + compressor.compress(b"def") + compressor.flush()
    if encoding == "deflate":
        assert zlib.decompress(body) == b"abc" * 1000 + b"def"
    head = serialize_request_head(
        "POST",
        "/",
        [("Host", "h"), ("Content-Encoding", encoding), ("Content-Length", str(len(body)))],
    )
    events = RequestParser(auto_decompress=True).feed(head + body)
    assert b"".join(e.data for e in events if isinstance(e, Data)) == b"abc" * 1000 + b"def"
    assert isinstance(events[-1], EndOfMessage)
    with pytest.raises(LocalProtocolError):
        BodyCompressor("br")
