"""Property: any messages → writer frames → reader under any segmentation gives them back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from httpwire_websocket import (
    DeflateParams,
    WebSocketReader,
    WebSocketWriter,
    WSMessage,
    WSMsgType,
    build_frame,
)

messages_st = st.lists(
    st.one_of(
        st.tuples(st.just(WSMsgType.TEXT), st.text(max_size=300)),
        st.tuples(st.just(WSMsgType.BINARY), st.binary(max_size=3000)),
        st.tuples(st.just(WSMsgType.PING), st.binary(max_size=125)),
        st.tuples(st.just(WSMsgType.PONG), st.binary(max_size=125)),
    ),
    max_size=8,
)
deflate_st = st.one_of(
    st.none(),
    st.builds(
        DeflateParams,
        st.booleans(),
        st.booleans(),
        st.integers(8, 15),
        st.integers(8, 15),
    ),
)


def segment(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces, start = [], 0
    for point in [*points, len(data)]:
        pieces.append(data[start:point])
        start = point
    return pieces


def send(writer: WebSocketWriter, kind: WSMsgType, data: str | bytes, level: int | None) -> bytes:
    if kind is WSMsgType.TEXT:
        assert isinstance(data, str)
        return writer.text(data, compress=level)
    assert isinstance(data, bytes)
    if kind is WSMsgType.BINARY:
        return writer.binary(data, compress=level)
    return writer.ping(data) if kind is WSMsgType.PING else writer.pong(data)


@settings(max_examples=200, deadline=None)
@given(
    messages=messages_st,
    deflate=deflate_st,
    is_client=st.booleans(),
    max_frame=st.sampled_from([0, 1, 7, 100, 1000]),
    levels=st.lists(st.sampled_from([None, None, 0, 1, 9]), min_size=8, max_size=8),
    cuts=st.lists(st.integers(0, 10**6), max_size=20),
    close=st.booleans(),
)
def test_round_trip(
    messages: list[tuple[WSMsgType, str | bytes]],
    deflate: DeflateParams | None,
    is_client: bool,
    max_frame: int,
    levels: list[int | None],
    cuts: list[int],
    close: bool,
) -> None:
    writer = WebSocketWriter(is_client=is_client, deflate=deflate, max_frame_size=max_frame)
    reader = WebSocketReader(is_client=not is_client, deflate=deflate, max_msg_size=0)
    wire = b"".join(
        send(writer, kind, data, level)
        for (kind, data), level in zip(messages, levels, strict=False)
    )
    expected = [WSMessage(kind, data, "") for kind, data in messages]
    if close:
        wire += writer.close(4000, "done")
        expected.append(WSMessage(WSMsgType.CLOSE, 4000, "done"))
    received: list[WSMessage] = []
    for piece in segment(wire, cuts):
        received += reader.feed(piece)
    assert received == expected
    assert reader.feed_eof() == []


@settings(max_examples=100, deadline=None)
@given(
    fragments=st.lists(st.binary(max_size=50), min_size=1, max_size=6),
    controls=st.lists(st.binary(max_size=20), max_size=6),
    cuts=st.lists(st.integers(0, 10**6), max_size=10),
)
def test_control_frames_between_fragments(
    fragments: list[bytes], controls: list[bytes], cuts: list[int]
) -> None:
    wire = b""
    expected_pings = []
    for i, fragment in enumerate(fragments):
        opcode = 0x2 if i == 0 else 0x0
        wire += build_frame(opcode, fragment, fin=i == len(fragments) - 1)
        if i < len(controls) and i < len(fragments) - 1:
            wire += build_frame(0x9, controls[i])
            expected_pings.append(WSMessage(WSMsgType.PING, controls[i], ""))
    reader = WebSocketReader()
    received: list[WSMessage] = []
    for piece in segment(wire, cuts):
        received += reader.feed(piece)
    assert received == [*expected_pings, WSMessage(WSMsgType.BINARY, b"".join(fragments), "")]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200), st.booleans())
def test_reader_never_raises_on_garbage(data: bytes, deflate: bool) -> None:
    reader = WebSocketReader(deflate=DeflateParams() if deflate else None, max_msg_size=1000)
    out = reader.feed(data)
    for message in out[:-1]:
        assert message.type is not WSMsgType.ERROR
    out += reader.feed_eof()
    assert all(isinstance(m, WSMessage) for m in out)
