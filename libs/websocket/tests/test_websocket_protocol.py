"""WebSocketProtocol: a client and a server wired together in memory."""

from __future__ import annotations

import pytest

from httpwire_websocket import (
    DeflateParams,
    LocalProtocolError,
    ProtocolError,
    WebSocketProtocol,
    WSCloseCode,
    WSMessage,
    WSMsgType,
    WSState,
    build_frame,
)


class Pair:
    """A client and a server protocol; ``flush`` carries bytes both ways until none are left."""

    def __init__(self, **kwargs: object) -> None:
        self.client = WebSocketProtocol(is_client=True, **kwargs)  # type: ignore[arg-type]
        self.server = WebSocketProtocol(is_client=False, **kwargs)  # type: ignore[arg-type]

    def flush(self) -> tuple[list[WSMessage], list[WSMessage]]:
        while True:
            to_server, to_client = self.client.data_to_send(), self.server.data_to_send()
            if not to_server and not to_client:
                return self.client.events_received(), self.server.events_received()
            self.server.receive_data(to_server)
            self.client.receive_data(to_client)


@pytest.mark.parametrize("deflate", [None, DeflateParams()])
def test_messages_both_ways(deflate: DeflateParams | None) -> None:
    pair = Pair(deflate=deflate)
    pair.client.send_str("hello")
    pair.client.send_bytes(b"\x00" * 5000)
    pair.server.send_str("hi", compress=0)
    pair.server.send_frame(b"raw", WSMsgType.BINARY)
    to_client, to_server = pair.flush()
    assert to_server == [(WSMsgType.TEXT, "hello", ""), (WSMsgType.BINARY, b"\x00" * 5000, "")]
    assert to_client == [(WSMsgType.TEXT, "hi", ""), (WSMsgType.BINARY, b"raw", "")]


def test_autoping_answers_and_reports() -> None:
    pair = Pair()
    pair.client.ping(b"1")
    to_client, to_server = pair.flush()
    assert to_server == [(WSMsgType.PING, b"1", "")]
    assert to_client == [(WSMsgType.PONG, b"1", "")]


def test_autoping_off() -> None:
    client = WebSocketProtocol(autoping=False)
    client.receive_data(build_frame(0x9, b"x"))
    assert client.events_received() == [(WSMsgType.PING, b"x", "")]
    assert client.data_to_send() == b""
    client.pong(b"x")
    assert client.data_to_send()[:2] == b"\x8a\x81"


def test_closing_handshake_started_by_client() -> None:
    pair = Pair()
    pair.client.close(WSCloseCode.GOING_AWAY, "bye")
    assert pair.client.state is WSState.CLOSING
    assert not pair.client.close_expected()
    to_client, to_server = pair.flush()
    assert to_server == [(WSMsgType.CLOSE, 1001, "bye")]
    assert to_client == [(WSMsgType.CLOSE, 1001, "")]
    assert pair.server.state is pair.client.state is WSState.CLOSED
    assert pair.client.close_expected()
    assert (pair.server.close_code, pair.server.close_reason) == (1001, "bye")
    assert pair.client.close_code == 1001


def test_close_without_code_is_answered_without_code() -> None:
    client = WebSocketProtocol()
    client.receive_data(build_frame(0x8, b""))
    assert client.close_code == 0
    frame = client.data_to_send()
    assert frame[0] == 0x88
    assert frame[1] == 0x80  # masked, empty payload
    client.close()
    assert client.data_to_send() == b""


def test_nothing_sent_after_close() -> None:
    client = WebSocketProtocol()
    client.close()
    client.close()
    assert len(client.data_to_send()) == 8
    for send in (
        lambda: client.send_str("x"),
        lambda: client.send_bytes(b"x"),
        lambda: client.ping(),
        lambda: client.pong(),
        lambda: client.send_frame(b"", 0x2),
    ):
        with pytest.raises(LocalProtocolError):
            send()
    with pytest.raises(LocalProtocolError):
        WebSocketProtocol().send_frame(b"", 0x8)


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (build_frame(0x3, b""), WSCloseCode.PROTOCOL_ERROR),
        (build_frame(0x1, b"\xff"), WSCloseCode.INVALID_TEXT),
        (build_frame(0x2, b"x" * 20), WSCloseCode.MESSAGE_TOO_BIG),
    ],
)
def test_protocol_error_fails_with_its_code(bad: bytes, code: int) -> None:
    client = WebSocketProtocol(max_msg_size=10)
    client.receive_data(build_frame(0x1, b"ok") + bad + build_frame(0x1, b"ignored"))
    events = client.events_received()
    assert events[0] == (WSMsgType.TEXT, "ok", "")
    assert events[1].type is WSMsgType.ERROR
    assert isinstance(client.exception, ProtocolError)
    assert client.exception.code == code == client.close_code
    frame = client.data_to_send()
    assert frame[0] == 0x88
    reader_side = WebSocketProtocol(is_client=False)
    reader_side.receive_data(frame)
    assert reader_side.events_received() == [(WSMsgType.CLOSE, code, "")]
    assert client.state is WSState.CLOSED
    client.receive_data(b"more")
    assert client.events_received() == []


def test_eof() -> None:
    client = WebSocketProtocol()
    client.receive_data(build_frame(0x1, b"abc")[:3])
    client.receive_eof()
    (event,) = client.events_received()
    assert event.type is WSMsgType.ERROR
    assert client.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert client.state is WSState.CLOSED
    client.receive_eof()
    assert client.events_received() == []


def test_eof_after_clean_close_keeps_the_code() -> None:
    pair = Pair()
    pair.client.close()
    pair.flush()
    pair.client.receive_eof()
    assert pair.client.close_code == 1000
    assert "CLOSED" in repr(pair.client)
