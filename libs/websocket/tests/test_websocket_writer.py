"""WebSocketWriter: masking, control limits, close, fragmentation and compression."""

from __future__ import annotations

import zlib

import pytest

from httpwire_websocket import (
    DeflateParams,
    LocalProtocolError,
    WebSocketReader,
    WebSocketWriter,
    WSMessage,
    WSMsgType,
    mask,
)


def split_frames(data: bytes) -> list[tuple[int, int, bytes | None, bytes]]:
    """Decode frames into (first byte, length, key, unmasked payload) without the reader."""
    frames = []
    pos = 0
    while pos < len(data):
        b0, b1 = data[pos], data[pos + 1]
        length = b1 & 0x7F
        pos += 2
        if length == 126:
            length = int.from_bytes(data[pos : pos + 2], "big")
            pos += 2
        elif length == 127:
            length = int.from_bytes(data[pos : pos + 8], "big")
            pos += 8
        key = None
        if b1 & 0x80:
            key = data[pos : pos + 4]
            pos += 4
        payload = data[pos : pos + length]
        pos += length
        frames.append((b0, length, key, bytes(mask(key, payload)) if key else payload))
    return frames


def test_server_frames_are_unmasked() -> None:
    writer = WebSocketWriter(is_client=False)
    assert writer.text("hi") == b"\x81\x02hi"
    assert writer.binary(b"\x00") == b"\x82\x01\x00"
    assert writer.ping(b"p") == b"\x89\x01p"
    assert writer.pong("q") == b"\x8a\x01q"
    assert writer.close(1001, "bye") == b"\x88\x05\x03\xe9bye"


def test_client_frames_masked_with_a_fresh_key_each() -> None:
    writer = WebSocketWriter()
    keys = set()
    for _ in range(2000):
        ((b0, length, key, payload),) = split_frames(writer.text("hello"))
        assert (b0, length, payload) == (0x81, 5, b"hello")
        assert key is not None
        keys.add(key)
    # 2000 keys drawn from 2**32: a repeat means the key is not fresh.
    assert len(keys) == 2000


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 100_000])
def test_client_frames_of_every_size_read_back(size: int) -> None:
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    frame = WebSocketWriter().binary(payload)
    assert WebSocketReader(is_client=False).feed(frame) == [(WSMsgType.BINARY, payload, "")]


def test_binary_accepts_buffers_and_type_errors() -> None:
    writer = WebSocketWriter(is_client=False)
    assert writer.binary(bytearray(b"a")) == writer.binary(memoryview(b"a")) == b"\x82\x01a"
    with pytest.raises(TypeError):
        writer.text(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        writer.binary("text")  # type: ignore[arg-type]


def test_control_payload_limit() -> None:
    writer = WebSocketWriter()
    assert len(split_frames(writer.ping(b"x" * 125))[0][3]) == 125
    with pytest.raises(LocalProtocolError):
        writer.ping(b"x" * 126)
    with pytest.raises(LocalProtocolError):
        writer.pong("x" * 126)
    with pytest.raises(LocalProtocolError):
        writer.close(1000, "x" * 124)


def test_close_codes_checked_and_nothing_after_close() -> None:
    writer = WebSocketWriter(is_client=False)
    with pytest.raises(LocalProtocolError):
        writer.close(1006)
    assert not writer.closed
    assert writer.close(None) == b"\x88\x00"
    assert writer.closed
    for send in (lambda: writer.text("x"), lambda: writer.ping(), lambda: writer.close()):
        with pytest.raises(LocalProtocolError):
            send()


def test_message_opcode_checks() -> None:
    writer = WebSocketWriter(is_client=False)
    assert writer.message(0x2, b"x") == b"\x82\x01x"
    for opcode in (0x0, 0x3, 0xB):
        with pytest.raises(LocalProtocolError):
            writer.message(opcode, b"")


def test_argument_checks() -> None:
    with pytest.raises(ValueError, match="compress_level"):
        WebSocketWriter(compress_level=10)
    with pytest.raises(ValueError, match="max_frame_size"):
        WebSocketWriter(max_frame_size=-1)
    with pytest.raises(ValueError, match="compress"):
        WebSocketWriter(deflate=DeflateParams()).text("x", compress=11)


def test_fragmentation() -> None:
    writer = WebSocketWriter(is_client=False, max_frame_size=4)
    frames = split_frames(writer.text("abcdefghij"))
    assert [(b0, payload) for b0, _, _, payload in frames] == [
        (0x01, b"abcd"),
        (0x00, b"efgh"),
        (0x80, b"ij"),
    ]
    assert split_frames(writer.text("abcd")) == [(0x81, 4, None, b"abcd")]
    # Control frames are never fragmented.
    assert split_frames(writer.ping(b"123456")) == [(0x89, 6, None, b"123456")]


def test_fragmented_client_message_reads_back() -> None:
    writer = WebSocketWriter(max_frame_size=3)
    text = "fragmented ünïcode message"
    assert WebSocketReader(is_client=False).feed(writer.text(text)) == [(WSMsgType.TEXT, text, "")]


def test_compression_sets_rsv1_on_first_frame_only() -> None:
    writer = WebSocketWriter(is_client=False, deflate=DeflateParams(), max_frame_size=4)
    frames = split_frames(writer.text("a" * 200))
    assert frames[0][0] == 0x41
    assert all(b0 & 0x40 == 0 for b0, *_ in frames[1:])
    assert frames[-1][0] & 0x80
    raw = b"".join(payload for *_, payload in frames)
    assert zlib.decompressobj(-15).decompress(raw + b"\x00\x00\xff\xff") == b"a" * 200


def test_control_frames_never_compressed() -> None:
    writer = WebSocketWriter(is_client=False, deflate=DeflateParams())
    assert writer.ping(b"p") == b"\x89\x01p"


def read_all(reader: WebSocketReader, data: bytes) -> list[WSMessage]:
    out = reader.feed(data)
    assert all(m.type is not WSMsgType.ERROR for m in out), out
    return out


@pytest.mark.parametrize(
    "params",
    [
        DeflateParams(),
        DeflateParams(client_no_context_takeover=True, server_no_context_takeover=True),
        DeflateParams(client_max_window_bits=9, server_max_window_bits=10),
        DeflateParams(client_max_window_bits=8, server_max_window_bits=8),
    ],
)
def test_compressed_round_trip_both_directions(params: DeflateParams) -> None:
    texts = ["hello " * 50, "hello again " * 50, "x", "", "hello " * 50]
    for is_client in (True, False):
        writer = WebSocketWriter(is_client=is_client, deflate=params)
        reader = WebSocketReader(is_client=not is_client, deflate=params)
        for text in texts:
            assert read_all(reader, writer.text(text)) == [(WSMsgType.TEXT, text, "")]


def test_context_takeover_shrinks_repeated_messages() -> None:
    writer = WebSocketWriter(is_client=False, deflate=DeflateParams())
    text = "a fairly unique sentence about websockets and deflate"
    first, second = len(writer.text(text)), len(writer.text(text))
    assert second < first
    fresh = WebSocketWriter(is_client=False, deflate=DeflateParams(server_no_context_takeover=True))
    assert len(fresh.text(text)) == len(fresh.text(text)) == first


def test_per_message_level_override_and_skip() -> None:
    params = DeflateParams()
    writer = WebSocketWriter(is_client=False, deflate=params)
    reader = WebSocketReader(deflate=params)
    plain = writer.binary(b"raw", compress=0)
    assert plain == b"\x82\x03raw"
    messages = [writer.text("level nine " * 20, compress=9), writer.text("default " * 20)]
    messages.append(writer.text("level nine " * 20, compress=9))
    out: list[WSMessage] = []
    for frame in [plain, *messages]:
        out += read_all(reader, frame)
    assert [m.data for m in out] == [
        b"raw",
        "level nine " * 20,
        "default " * 20,
        "level nine " * 20,
    ]
    assert all(m[0] & 0x40 for m in messages)


def test_window_bits_8_uses_huffman_only() -> None:
    # RFC 7692 allows a window of 256 bytes that zlib cannot compress with; Huffman-only output
    # never refers back, so a window-8 inflater must accept it.
    writer = WebSocketWriter(is_client=True, deflate=DeflateParams(client_max_window_bits=8))
    ((b0, _, _, payload),) = split_frames(writer.binary(b"abc" * 500))
    assert b0 == 0xC2
    assert zlib.decompressobj(-8).decompress(payload + b"\x00\x00\xff\xff") == b"abc" * 500


def test_lone_surrogates_raise_a_typed_error() -> None:
    writer = WebSocketWriter()
    for send in (
        lambda: writer.text("\ud800"),
        lambda: writer.ping("\udfff"),
        lambda: writer.pong("\ud800"),
        lambda: writer.close(1000, "\ud800"),
    ):
        with pytest.raises(LocalProtocolError, match="surrogate"):
            send()
    assert not writer.closed


def test_compress_threshold() -> None:
    params = DeflateParams()
    writer = WebSocketWriter(is_client=False, deflate=params, compress_threshold=10)
    assert writer.text("short") == b"\x81\x05short"
    long_frame = writer.text("long enough to compress")
    assert long_frame[0] == 0xC1
    reader = WebSocketReader(deflate=params)
    assert reader.feed(writer.binary(b"tiny") + long_frame) == [
        (WSMsgType.BINARY, b"tiny", ""),
        (WSMsgType.TEXT, "long enough to compress", ""),
    ]
    with pytest.raises(ValueError, match="compress_threshold"):
        WebSocketWriter(compress_threshold=-1)
