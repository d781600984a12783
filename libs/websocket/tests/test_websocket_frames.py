"""Frame building and Close payload rules (RFC 6455 §5.2, §5.5.1, §7.4)."""

from __future__ import annotations

import struct

import pytest

from httpwire_websocket import (
    MAX_CONTROL_PAYLOAD,
    InvalidTextError,
    LocalProtocolError,
    ProtocolError,
    build_close_payload,
    build_frame,
    mask,
    parse_close_payload,
)


def test_unmasked_header_lengths() -> None:
    assert build_frame(0x1, b"hi") == b"\x81\x02hi"
    assert build_frame(0x2, b"x" * 125)[:2] == b"\x82\x7d"
    assert build_frame(0x2, b"x" * 126)[:4] == b"\x82\x7e\x00\x7e"
    assert build_frame(0x2, b"x" * 65535)[:4] == b"\x82\x7e\xff\xff"
    assert build_frame(0x2, b"x" * 65536)[:10] == b"\x82\x7f" + struct.pack("!Q", 65536)


def test_flags() -> None:
    frame = build_frame(0x0, b"", fin=False, rsv1=True, rsv2=True, rsv3=True)
    assert frame == b"\x70\x00"


def test_masked_frame() -> None:
    key = b"\x37\xfa\x21\x3d"
    frame = build_frame(0x1, b"Hello", mask_key=key)
    # The example of RFC 6455 §5.7.
    assert frame == b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"
    assert bytes(mask(key, frame[6:])) == b"Hello"


def test_bad_arguments() -> None:
    with pytest.raises(LocalProtocolError):
        build_frame(16, b"")
    with pytest.raises(LocalProtocolError):
        build_frame(1, b"", mask_key=b"abc")


def test_close_payload_build() -> None:
    assert build_close_payload() == b"\x03\xe8"
    assert build_close_payload(1001, "bye") == b"\x03\xe9bye"
    assert build_close_payload(4000, b"raw") == b"\x0f\xa0raw"
    assert build_close_payload(None) == b""


@pytest.mark.parametrize("code", [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000])
def test_close_codes_that_must_not_be_sent(code: int) -> None:
    with pytest.raises(LocalProtocolError):
        build_close_payload(code)


def test_close_payload_build_errors() -> None:
    with pytest.raises(LocalProtocolError):
        build_close_payload(None, "reason without code")
    with pytest.raises(LocalProtocolError):
        build_close_payload(1000, b"\xff")
    with pytest.raises(LocalProtocolError):
        build_close_payload(1000, "x" * (MAX_CONTROL_PAYLOAD - 1))
    assert len(build_close_payload(1000, "x" * (MAX_CONTROL_PAYLOAD - 2))) == MAX_CONTROL_PAYLOAD


@pytest.mark.parametrize(
    "code", [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]
)
def test_close_payload_parse_valid(code: int) -> None:
    assert parse_close_payload(struct.pack("!H", code) + "é".encode()) == (code, "é")


def test_close_payload_parse_empty_and_errors() -> None:
    assert parse_close_payload(b"") == (0, "")
    with pytest.raises(ProtocolError):
        parse_close_payload(b"\x03")
    for code in (0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535):
        with pytest.raises(ProtocolError) as info:
            parse_close_payload(struct.pack("!H", code))
        assert info.value.code == 1002
    with pytest.raises(InvalidTextError) as text_info:
        parse_close_payload(b"\x03\xe8\xc3")
    assert text_info.value.code == 1007
