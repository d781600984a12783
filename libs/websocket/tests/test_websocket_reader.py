"""WebSocketReader: every receive-side rule of RFC 6455 and RFC 7692."""

from __future__ import annotations

import itertools
import os
import struct
import zlib

import pytest

from httpwire_websocket import (
    DeflateParams,
    InvalidTextError,
    MessageTooBigError,
    ProtocolError,
    WebSocketReader,
    WSCloseCode,
    WSMessage,
    WSMsgType,
    build_frame,
)

KEY = b"\x11\x22\x33\x44"
RESERVED_BITS = "Received frame with non-zero reserved bits"  # aiohttp's message, word for word


def error_of(messages: list[WSMessage]) -> ProtocolError:
    assert messages, "expected an ERROR message"
    last = messages[-1]
    assert last.type is WSMsgType.ERROR
    assert last.extra is None
    assert isinstance(last.data, ProtocolError)
    return last.data


def deflate_raw(data: bytes) -> bytes:
    obj = zlib.compressobj(6, zlib.DEFLATED, -15)
    out = obj.compress(data) + obj.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


# -- happy paths -----------------------------------------------------------------------------


def test_text_binary_ping_pong_close() -> None:
    reader = WebSocketReader()
    data = (
        build_frame(0x1, "héllo".encode())
        + build_frame(0x2, b"\x00\x01")
        + build_frame(0x9, b"p")
        + build_frame(0xA, b"q")
        + build_frame(0x8, b"\x03\xe8bye")
    )
    assert reader.feed(data) == [
        (WSMsgType.TEXT, "héllo", ""),
        (WSMsgType.BINARY, b"\x00\x01", ""),
        (WSMsgType.PING, b"p", ""),
        (WSMsgType.PONG, b"q", ""),
        (WSMsgType.CLOSE, 1000, "bye"),
    ]
    assert reader.exception is None


def test_message_data_types() -> None:
    reader = WebSocketReader()
    (text,) = reader.feed(build_frame(0x1, b"a"))
    (binary,) = reader.feed(bytearray(build_frame(0x2, b"b")))
    (ping,) = reader.feed(memoryview(build_frame(0x9, b"")))
    assert type(text.data) is str
    assert type(binary.data) is bytes
    assert type(ping.data) is bytes
    assert isinstance(text, WSMessage)


def test_empty_close_gives_code_zero() -> None:
    assert WebSocketReader().feed(build_frame(0x8, b"")) == [(WSMsgType.CLOSE, 0, "")]


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 70000])
def test_every_length_encoding_byte_by_byte_and_whole(size: int) -> None:
    payload = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    frame = build_frame(0x2, payload)
    assert WebSocketReader().feed(frame) == [(WSMsgType.BINARY, payload, "")]
    reader = WebSocketReader()
    out: list[WSMessage] = []
    step = 1 if size < 1000 else 997
    for i in range(0, len(frame), step):
        out += reader.feed(frame[i : i + step])
    assert out == [(WSMsgType.BINARY, payload, "")]


def test_server_role_unmasks_client_frames() -> None:
    reader = WebSocketReader(is_client=False)
    data = build_frame(0x1, b"Hello", mask_key=KEY) + build_frame(0x2, b"x" * 2000, mask_key=KEY)
    out: list[WSMessage] = []
    for i in range(len(data)):
        out += reader.feed(data[i : i + 1])
    assert out == [(WSMsgType.TEXT, "Hello", ""), (WSMsgType.BINARY, b"x" * 2000, "")]


def test_fragmented_message_with_interleaved_control_frames() -> None:
    reader = WebSocketReader()
    data = (
        build_frame(0x1, b"Hel", fin=False)
        + build_frame(0x9, b"ping")
        + build_frame(0x0, b"lo ", fin=False)
        + build_frame(0xA, b"")
        + build_frame(0x0, "wörld".encode())
    )
    assert reader.feed(data) == [
        (WSMsgType.PING, b"ping", ""),
        (WSMsgType.PONG, b"", ""),
        (WSMsgType.TEXT, "Hello wörld", ""),
    ]


def test_fragmented_binary_and_empty_fragments() -> None:
    reader = WebSocketReader()
    data = (
        build_frame(0x2, b"", fin=False)
        + build_frame(0x0, b"ab", fin=False)
        + build_frame(0x0, b"", fin=True)
    )
    assert reader.feed(data) == [(WSMsgType.BINARY, b"ab", "")]
    assert reader.feed(build_frame(0x1, b"next")) == [(WSMsgType.TEXT, "next", "")]


def test_utf8_sequence_split_across_fragments() -> None:
    encoded = "€".encode()
    reader = WebSocketReader()
    data = build_frame(0x1, encoded[:1], fin=False) + build_frame(0x0, encoded[1:])
    assert reader.feed(data) == [(WSMsgType.TEXT, "€", "")]


def test_decode_text_false_keeps_bytes() -> None:
    reader = WebSocketReader(decode_text=False)
    data = build_frame(0x1, "é".encode()) + build_frame(0x1, b"a", fin=False) + build_frame(0, b"b")
    assert reader.feed(data) == [(WSMsgType.TEXT, "é".encode(), ""), (WSMsgType.TEXT, b"ab", "")]
    assert error_of(reader.__class__(decode_text=False).feed(build_frame(1, b"\xff"))).code == 1007


def test_feed_eof() -> None:
    reader = WebSocketReader()
    assert reader.feed_eof() == []
    reader = WebSocketReader()
    assert reader.feed(build_frame(0x2, b"abcdef")[:4]) == []
    err = error_of(reader.feed_eof())
    assert err.code == WSCloseCode.ABNORMAL_CLOSURE
    assert reader.feed_eof() == []
    reader = WebSocketReader()
    assert reader.feed(build_frame(0x1, b"a", fin=False)) == []
    assert error_of(reader.feed_eof()).code == WSCloseCode.ABNORMAL_CLOSURE


# -- protocol violations ---------------------------------------------------------------------


def test_error_ends_the_stream_and_keeps_earlier_messages() -> None:
    reader = WebSocketReader()
    out = reader.feed(build_frame(0x1, b"ok") + bytes([0x83, 0x00]) + build_frame(0x1, b"late"))
    assert out[0] == (WSMsgType.TEXT, "ok", "")
    assert len(out) == 2
    err = error_of(out)
    assert err.code == WSCloseCode.PROTOCOL_ERROR
    assert reader.exception is err
    with pytest.raises(ProtocolError) as info:
        reader.feed(b"")
    assert info.value is err


@pytest.mark.parametrize("opcode", [0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF])
def test_unknown_opcodes(opcode: int) -> None:
    err = error_of(WebSocketReader().feed(build_frame(opcode, b"")))
    assert str(err) == f"Unexpected opcode={opcode}"  # aiohttp's wording
    assert err.code == 1002


@pytest.mark.parametrize(
    "flags", [{"rsv1": True}, {"rsv2": True}, {"rsv3": True}, {"rsv1": True, "rsv3": True}]
)
def test_reserved_bits_without_extension(flags: dict[str, bool]) -> None:
    err = error_of(WebSocketReader().feed(build_frame(0x1, b"x", **flags)))
    assert err.code == 1002
    assert str(err) == RESERVED_BITS


def test_rsv2_rsv3_rejected_even_with_deflate() -> None:
    reader = WebSocketReader(deflate=DeflateParams())
    err = error_of(reader.feed(build_frame(0x1, b"x", rsv2=True)))
    assert (err.code, str(err)) == (1002, RESERVED_BITS)


def test_reserved_bits_checked_before_the_opcode() -> None:
    """As in aiohttp, a frame with both a reserved bit and a reserved opcode reports the bits."""
    err = error_of(WebSocketReader().feed(build_frame(0x3, b"", rsv2=True)))
    assert str(err) == RESERVED_BITS
    # With deflate, RSV1 is allowed on data frames, so the reserved opcode is what is wrong.
    err = error_of(WebSocketReader(deflate=DeflateParams()).feed(build_frame(0x3, b"", rsv1=True)))
    assert str(err) == "Unexpected opcode=3"


def test_rsv1_on_control_or_continuation_with_deflate() -> None:
    """RFC 7692 §6.1 forbids RSV1 there: still refused (aiohttp ignores it on control frames)."""
    reader = WebSocketReader(deflate=DeflateParams())
    err = error_of(reader.feed(build_frame(0x9, b"", rsv1=True)))
    assert (err.code, str(err)) == (1002, RESERVED_BITS)
    reader = WebSocketReader(deflate=DeflateParams())
    data = build_frame(0x1, deflate_raw(b"ab"), fin=False, rsv1=True) + build_frame(
        0x0, b"", rsv1=True
    )
    err = error_of(reader.feed(data))
    assert (err.code, str(err)) == (1002, RESERVED_BITS)


def test_client_rejects_masked_server_frames() -> None:
    err = error_of(WebSocketReader().feed(build_frame(0x1, b"x", mask_key=KEY)))
    assert "masked" in str(err)


def test_server_rejects_unmasked_client_frames() -> None:
    err = error_of(WebSocketReader(is_client=False).feed(build_frame(0x1, b"x")))
    assert "unmasked" in str(err)


@pytest.mark.parametrize("opcode", [0x8, 0x9, 0xA])
def test_fragmented_control_frame(opcode: int) -> None:
    err = error_of(WebSocketReader().feed(build_frame(opcode, b"", fin=False)))
    assert str(err) == "Received fragmented control frame"


@pytest.mark.parametrize("opcode", [0x8, 0x9, 0xA])
def test_control_frame_over_125_bytes(opcode: int) -> None:
    assert WebSocketReader().feed(build_frame(0x9, b"x" * 125))[0].type is WSMsgType.PING
    err = error_of(WebSocketReader().feed(build_frame(opcode, b"\x03\xe8" + b"x" * 124)))
    assert str(err) == "Control frame payload cannot be larger than 125 bytes"


def test_continuation_without_start() -> None:
    err = error_of(WebSocketReader().feed(build_frame(0x0, b"x")))
    assert str(err) == "Continuation frame for non started message"


def test_new_message_inside_fragmented_one() -> None:
    data = build_frame(0x1, b"a", fin=False) + build_frame(0x2, b"b")
    err = error_of(WebSocketReader().feed(data))
    assert str(err) == "The opcode in non-fin frame is expected to be zero, got 2"


def test_invalid_utf8_single_frame() -> None:
    err = error_of(WebSocketReader().feed(build_frame(0x1, b"\xc3\x28")))
    assert isinstance(err, InvalidTextError)
    assert err.code == WSCloseCode.INVALID_TEXT


def test_invalid_utf8_fails_fast_in_first_fragment() -> None:
    reader = WebSocketReader()
    out = reader.feed(build_frame(0x1, b"ok\xff", fin=False))
    assert error_of(out).code == 1007


def test_truncated_utf8_at_end_of_message() -> None:
    data = build_frame(0x1, b"a\xe2\x82", fin=False) + build_frame(0x0, b"")
    assert error_of(WebSocketReader().feed(data)).code == 1007


def test_close_frame_validation() -> None:
    """Codes and messages are aiohttp's, so ``str(msg.data)`` reads the same as there."""
    cases = [
        (b"\x03", 1002, "Invalid close frame: False 8 b'\\x03'"),
        (b"\x03\xed", 1002, "Invalid close code: 1005"),
        (b"\x03\xe8\xff", 1007, "Invalid UTF-8 text message"),
    ]
    for payload, code, message in cases:
        err = error_of(WebSocketReader().feed(build_frame(0x8, payload)))
        assert (err.code, str(err)) == (code, message)


def test_one_byte_close_payload_names_the_last_data_fin_as_aiohttp() -> None:
    """aiohttp's message carries the FIN bit of the last data frame seen, not the Close's."""
    bad_close = build_frame(0x8, b"\x03")
    cases = [
        (b"", "False"),  # no data frame yet
        (build_frame(0x1, b"done"), "True"),  # fast path: one whole text frame
        (build_frame(0x2, b"done"), "True"),  # fast path: one whole binary frame
        (build_frame(0x1, b"a", fin=False), "False"),  # inside a fragmented message
        (build_frame(0x1, b"a", fin=False) + build_frame(0x0, b"b"), "True"),  # slow path
    ]
    for before, fin in cases:
        err = error_of(WebSocketReader().feed(before + bad_close))
        assert (err.code, str(err)) == (1002, f"Invalid close frame: {fin} 8 b'\\x03'")


def test_length_with_most_significant_bit() -> None:
    data = bytes([0x82, 0x7F]) + struct.pack("!Q", 1 << 63)
    reader = WebSocketReader(max_msg_size=0)
    assert "significant" in str(error_of(reader.feed(data)))


# -- size limits -----------------------------------------------------------------------------


def test_max_msg_size_checked_from_the_header_alone() -> None:
    reader = WebSocketReader(max_msg_size=100)
    header = bytes([0x82, 0x7E]) + struct.pack("!H", 101)
    err = error_of(reader.feed(header))
    assert isinstance(err, MessageTooBigError)
    assert err.code == WSCloseCode.MESSAGE_TOO_BIG
    assert str(err) == "Message size 101 exceeds limit 100"


def test_max_msg_size_exact_limit_and_fragments() -> None:
    reader = WebSocketReader(max_msg_size=10)
    assert reader.feed(build_frame(0x2, b"x" * 9)) == [(WSMsgType.BINARY, b"x" * 9, "")]
    data = build_frame(0x2, b"x" * 6, fin=False) + build_frame(0x0, b"x" * 4)[:2]
    assert isinstance(error_of(reader.feed(data)), MessageTooBigError)


def test_max_msg_size_reached_on_the_wire_is_refused_as_in_aiohttp() -> None:
    """aiohttp refuses a message whose wire size reaches the limit (``>=``), not only past it."""
    assert isinstance(
        error_of(WebSocketReader(max_msg_size=10).feed(build_frame(0x2, b"x" * 10))),
        MessageTooBigError,
    )
    fragments = build_frame(0x2, b"x" * 6, fin=False) + build_frame(0x0, b"x" * 3)
    assert WebSocketReader(max_msg_size=10).feed(fragments) == [(WSMsgType.BINARY, b"x" * 9, "")]


def test_max_msg_size_does_not_count_control_frames() -> None:
    reader = WebSocketReader(max_msg_size=5)
    data = build_frame(0x9, b"x" * 100) + build_frame(0x2, b"abcd")
    assert [m.type for m in reader.feed(data)] == [WSMsgType.PING, WSMsgType.BINARY]


def test_zero_means_unlimited() -> None:
    reader = WebSocketReader(max_msg_size=0)
    payload = b"x" * (5 * 1024 * 1024)
    assert reader.feed(build_frame(0x2, payload)) == [(WSMsgType.BINARY, payload, "")]


def test_negative_limit_rejected() -> None:
    with pytest.raises(ValueError, match="max_msg_size"):
        WebSocketReader(max_msg_size=-1)


# -- permessage-deflate ----------------------------------------------------------------------


def test_compressed_messages_with_context_takeover() -> None:
    obj = zlib.compressobj(6, zlib.DEFLATED, -15)
    frames = b""
    for text in ("hello hello hello", "hello again"):
        raw = obj.compress(text.encode()) + obj.flush(zlib.Z_SYNC_FLUSH)
        frames += build_frame(0x1, raw[:-4], rsv1=True)
    frames += build_frame(0x2, b"plain")
    reader = WebSocketReader(deflate=DeflateParams())
    assert reader.feed(frames) == [
        (WSMsgType.TEXT, "hello hello hello", ""),
        (WSMsgType.TEXT, "hello again", ""),
        (WSMsgType.BINARY, b"plain", ""),
    ]


def test_compressed_fragmented_message() -> None:
    raw = deflate_raw("ü".encode() * 300)
    half = len(raw) // 2
    data = build_frame(0x1, raw[:half], fin=False, rsv1=True) + build_frame(0x0, raw[half:])
    assert WebSocketReader(deflate=DeflateParams()).feed(data) == [(WSMsgType.TEXT, "ü" * 300, "")]


def test_peer_ending_its_stream_with_a_final_block() -> None:
    reader = WebSocketReader(deflate=DeflateParams())
    for text in (b"first", b"second"):
        obj = zlib.compressobj(6, zlib.DEFLATED, -15)
        raw = obj.compress(text) + obj.flush(zlib.Z_FINISH)
        assert reader.feed(build_frame(0x2, raw, rsv1=True)) == [(WSMsgType.BINARY, text, "")]


def test_decompression_bomb_stopped_at_the_limit() -> None:
    raw = deflate_raw(b"\x00" * (10 * 1024 * 1024))
    assert len(raw) < 20000
    reader = WebSocketReader(max_msg_size=1024 * 1024, deflate=DeflateParams())
    err = error_of(reader.feed(build_frame(0x2, raw, rsv1=True)))
    assert isinstance(err, MessageTooBigError)
    assert err.limit == 1024 * 1024
    assert str(err) == "Decompressed message exceeds size limit 1048576"  # aiohttp's wording


def test_decompressed_limit_across_fragments() -> None:
    raw = deflate_raw(b"a" * 3000)
    data = build_frame(0x2, raw[:5], fin=False, rsv1=True) + build_frame(0x0, raw[5:])
    reader = WebSocketReader(max_msg_size=2000, deflate=DeflateParams())
    assert isinstance(error_of(reader.feed(data)), MessageTooBigError)
    reader = WebSocketReader(max_msg_size=3000, deflate=DeflateParams())
    assert reader.feed(data) == [(WSMsgType.BINARY, b"a" * 3000, "")]


def test_invalid_compressed_data() -> None:
    reader = WebSocketReader(deflate=DeflateParams())
    assert "compressed" in str(error_of(reader.feed(build_frame(0x2, b"\xff\xff\xff", rsv1=True))))


def test_invalid_utf8_inside_compressed_text() -> None:
    reader = WebSocketReader(deflate=DeflateParams())
    err = error_of(reader.feed(build_frame(0x1, deflate_raw(b"\xff\xfe"), rsv1=True)))
    assert err.code == 1007


@pytest.mark.parametrize("decode_text", [True, False])
@pytest.mark.parametrize("size", [10, 600, 5000])
def test_large_masked_messages_come_out_as_bytes_or_str(decode_text: bool, size: int) -> None:
    reader = WebSocketReader(is_client=False, decode_text=decode_text)
    frames = build_frame(0x1, b"t" * size, mask_key=KEY) + build_frame(
        0x2, b"b" * size, mask_key=KEY
    )
    frames += build_frame(0x2, b"x" * size, fin=False, mask_key=KEY)
    frames += build_frame(0x0, b"", mask_key=KEY)
    text, binary, fragmented = reader.feed(frames)
    assert type(text.data) is (str if decode_text else bytes)
    assert type(binary.data) is bytes
    assert type(fragmented.data) is bytes
    assert (text.data, binary.data, fragmented.data) == (
        "t" * size if decode_text else b"t" * size,
        b"b" * size,
        b"x" * size,
    )


@pytest.mark.parametrize("decode_text", [True, False])
@pytest.mark.parametrize("size", [10, 5000, 300_000])
def test_compressed_single_frames_small_and_large(decode_text: bool, size: int) -> None:
    # A final fragment up to 4 KiB gets the deflate tail appended, a larger one is inflated in
    # two calls: both come out the same, as str or bytes as asked.
    text = "".join(chr(0x41 + (i * 7919) % 900) for i in range(size))
    data = os.urandom(size)
    frames = build_frame(0x1, deflate_raw(text.encode()), rsv1=True)
    frames += build_frame(0x2, deflate_raw(data), rsv1=True)
    reader = WebSocketReader(max_msg_size=0, deflate=DeflateParams(), decode_text=decode_text)
    got_text, got_binary = reader.feed(frames)
    assert type(got_text.data) is (str if decode_text else bytes)
    assert type(got_binary.data) is bytes
    assert got_text == (WSMsgType.TEXT, text if decode_text else text.encode(), "")
    assert got_binary == (WSMsgType.BINARY, data, "")


@pytest.mark.parametrize("fragmented", [False, True])
def test_inflated_size_may_reach_the_limit_not_pass_it(fragmented: bool) -> None:
    raw = deflate_raw(b"a" * 3000)
    assert len(raw) < 100
    if fragmented:
        data = build_frame(0x2, raw[:5], fin=False, rsv1=True) + build_frame(0x0, raw[5:])
    else:
        data = build_frame(0x2, raw, rsv1=True)
    assert WebSocketReader(max_msg_size=3000, deflate=DeflateParams()).feed(data) == [
        (WSMsgType.BINARY, b"a" * 3000, "")
    ]
    err = error_of(WebSocketReader(max_msg_size=2999, deflate=DeflateParams()).feed(data))
    assert isinstance(err, MessageTooBigError)
    assert str(err) == "Decompressed message exceeds size limit 2999"


@pytest.mark.parametrize("size", [10, 20_000])
def test_invalid_utf8_in_a_compressed_text_frame_small_or_large(size: int) -> None:
    letters = bytes(0x61 + byte % 26 for byte in os.urandom(size))
    raw = deflate_raw(letters + b"\xff")
    assert (len(raw) > 4096) == (size > 4096)
    reader = WebSocketReader(deflate=DeflateParams())
    assert error_of(reader.feed(build_frame(0x1, raw, rsv1=True))).code == 1007


@pytest.mark.parametrize("masked", [False, True])
def test_large_frame_split_across_feeds(masked: bool) -> None:
    # The first piece of a frame is held as a view of the fed bytes, the join copies it once.
    data = os.urandom(300_000)
    key = KEY if masked else None
    frame = build_frame(0x2, data, mask_key=key) + build_frame(0x1, b"next", mask_key=key)
    reader = WebSocketReader(is_client=not masked)
    cuts = [0, 1000, 140_000, 299_000, len(frame)]
    out: list[WSMessage] = []
    for start, stop in itertools.pairwise(cuts):
        out += reader.feed(bytearray(frame[start:stop]))
    assert out == [(WSMsgType.BINARY, data, ""), (WSMsgType.TEXT, "next", "")]
    assert type(out[0].data) is bytes
