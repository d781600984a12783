"""Cross-checks with the websockets library's frame code as an independent implementation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from httpwire_websocket import DeflateParams, WebSocketReader, WebSocketWriter, WSMessage, WSMsgType

payload_st = st.one_of(st.binary(max_size=2000), st.text(max_size=500).map(str.encode))


def parse_all(data: bytes, count: int, *, mask: bool, deflate: bool) -> list[Frame]:
    stream = StreamReader()
    stream.feed_data(data)
    stream.feed_eof()
    extensions = [PerMessageDeflate(False, False, 15, 15)] if deflate else []
    frames = []
    for _ in range(count):
        parser = Frame.parse(stream.read_exact, mask=mask, extensions=extensions)
        try:
            next(parser)
        except StopIteration as done:
            frames.append(done.value)
        else:
            raise AssertionError("incomplete frame")
    assert stream.buffer == b"", "bytes left after the last frame"
    return frames


@settings(max_examples=150, deadline=None)
@given(
    items=st.lists(
        st.tuples(st.sampled_from([Opcode.TEXT, Opcode.BINARY]), payload_st), max_size=6
    ),
    deflate=st.booleans(),
    is_client=st.booleans(),
)
def test_websockets_reads_what_we_write(
    items: list[tuple[Opcode, bytes]], deflate: bool, is_client: bool
) -> None:
    writer = WebSocketWriter(is_client=is_client, deflate=DeflateParams() if deflate else None)
    wire = b""
    for opcode, data in items:
        if opcode is Opcode.TEXT:
            wire += writer.text(data.decode("utf-8", "replace"))
        else:
            wire += writer.binary(data)
    frames = parse_all(wire, len(items), mask=is_client, deflate=deflate)
    expected = [
        data.decode("utf-8", "replace").encode() if op is Opcode.TEXT else data
        for op, data in items
    ]
    assert [bytes(frame.data) for frame in frames] == expected
    assert [frame.opcode for frame in frames] == [op for op, _ in items]


@settings(max_examples=150, deadline=None)
@given(
    items=st.lists(
        st.tuples(
            st.sampled_from([Opcode.TEXT, Opcode.BINARY, Opcode.PING, Opcode.PONG]), payload_st
        ),
        max_size=6,
    ),
    deflate=st.booleans(),
    is_client=st.booleans(),
    step=st.integers(1, 4000),
)
def test_we_read_what_websockets_writes(
    items: list[tuple[Opcode, bytes]], deflate: bool, is_client: bool, step: int
) -> None:
    extensions = [PerMessageDeflate(False, False, 15, 15)] if deflate else []
    wire = b""
    expected = []
    for opcode, raw in items:
        data = raw[:125] if opcode in (Opcode.PING, Opcode.PONG) else raw
        if opcode is Opcode.TEXT:
            data = data.decode("utf-8", "replace").encode()
        wire += Frame(opcode, data).serialize(mask=not is_client, extensions=extensions)
        value: str | bytes = data.decode() if opcode is Opcode.TEXT else data
        expected.append(WSMessage(WSMsgType(opcode.value), value, ""))
    reader = WebSocketReader(is_client=is_client, deflate=DeflateParams() if deflate else None)
    received: list[WSMessage] = []
    for start in range(0, len(wire), step):
        received += reader.feed(wire[start : start + step])
    assert received == expected
