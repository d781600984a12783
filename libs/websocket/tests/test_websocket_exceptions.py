"""The exception tree: codes, messages, aiohttp-compatible root, pickling."""

from __future__ import annotations

import pickle

import pytest

from httpwire_websocket import (
    HandshakeError,
    InvalidHeaderError,
    InvalidStatusError,
    InvalidTextError,
    LocalProtocolError,
    MessageTooBigError,
    NegotiationError,
    ProtocolError,
    WebSocketError,
    WSCloseCode,
)


def test_root_is_aiohttp_compatible() -> None:
    exc = WebSocketError(1002, "bad frame")
    assert exc.code == 1002
    assert str(exc) == "bad frame"
    assert exc.args == (1002, "bad frame")


def test_tree() -> None:
    assert issubclass(ProtocolError, WebSocketError)
    assert issubclass(InvalidTextError, ProtocolError)
    assert issubclass(MessageTooBigError, ProtocolError)
    assert issubclass(LocalProtocolError, WebSocketError)
    assert issubclass(LocalProtocolError, ValueError)
    for cls in (InvalidStatusError, InvalidHeaderError, NegotiationError):
        assert issubclass(cls, HandshakeError)
    assert issubclass(HandshakeError, WebSocketError)


def test_codes() -> None:
    assert ProtocolError("x").code == WSCloseCode.PROTOCOL_ERROR
    assert InvalidTextError().code == WSCloseCode.INVALID_TEXT
    too_big = MessageTooBigError(10, 5)
    assert too_big.code == WSCloseCode.MESSAGE_TOO_BIG
    assert (too_big.size, too_big.limit) == (10, 5)
    assert "10" in str(too_big)
    assert "5" in str(too_big)
    worded = MessageTooBigError(10, 5, "Decompressed message exceeds size limit 5")
    assert (worded.code, worded.size, worded.limit) == (WSCloseCode.MESSAGE_TOO_BIG, 10, 5)
    assert str(worded) == "Decompressed message exceeds size limit 5"
    assert InvalidStatusError(200).status == 200
    header = InvalidHeaderError("Upgrade", "h2c", "expected websocket")
    assert (header.name, header.value) == ("Upgrade", "h2c")
    assert "Upgrade" in str(header)


@pytest.mark.parametrize(
    "exc",
    [
        WebSocketError(1000, "x"),
        ProtocolError("p"),
        InvalidTextError(),
        MessageTooBigError(10, 5),
        MessageTooBigError(10, 5, "worded"),
        LocalProtocolError("l"),
        HandshakeError("h"),
        InvalidStatusError(404),
        InvalidHeaderError("Connection", None, "missing"),
        NegotiationError("n"),
    ],
)
def test_pickle_round_trip(exc: WebSocketError) -> None:
    copy = pickle.loads(pickle.dumps(exc))
    assert type(copy) is type(exc)
    assert (copy.code, str(copy), copy.args) == (exc.code, str(exc), exc.args)
    assert copy.__dict__ == exc.__dict__
