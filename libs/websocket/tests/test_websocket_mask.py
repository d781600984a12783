"""Masking: both strategies agree with the definition in RFC 6455 §5.3 at every size."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpwire_websocket import LocalProtocolError, mask, mask_inplace, mask_inplace_py, mask_py
from httpwire_websocket._mask_py import _BIGINT_MAX


def reference(key: bytes, data: bytes) -> bytes:
    return bytes(b ^ key[i % 4] for i, b in enumerate(data))


def test_selector_uses_the_pure_python_mask_today() -> None:
    assert mask is mask_py


@pytest.mark.parametrize(
    "size",
    [0, 1, 2, 3, 4, 5, 31, 32, 33, 125, _BIGINT_MAX - 1, _BIGINT_MAX, _BIGINT_MAX + 1, 4097, 65537],
)
def test_matches_reference_at_each_size(size: int) -> None:
    key = os.urandom(4)
    data = os.urandom(size)
    assert bytes(mask_py(key, data)) == reference(key, data)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
@pytest.mark.parametrize("size", [10, 3000])
def test_accepts_any_buffer_and_leaves_it_alone(kind: type, size: int) -> None:
    key = b"\x01\x02\x03\x04"
    original = os.urandom(size)
    data = kind(bytearray(original))
    assert bytes(mask_py(key, data)) == reference(key, original)
    assert bytes(data) == original


def test_key_with_four_equal_bytes() -> None:
    data = os.urandom(5000)
    assert bytes(mask_py(b"\x5a\x5a\x5a\x5a", data)) == reference(b"\x5a" * 4, data)


@settings(max_examples=150)
@given(st.binary(min_size=4, max_size=4), st.binary(max_size=3000))
def test_masking_twice_restores_the_input(key: bytes, data: bytes) -> None:
    masked = mask_py(key, data)
    assert bytes(masked) == reference(key, data)
    assert bytes(mask_py(key, masked)) == data


@pytest.mark.parametrize("size", [0, 1, 5, _BIGINT_MAX, _BIGINT_MAX + 1, 5000])
@pytest.mark.parametrize("start", [0, 1, 2, 3, 6, 14])
def test_inplace_masks_only_after_start(size: int, start: int) -> None:
    key = os.urandom(4)
    prefix = os.urandom(start)
    data = os.urandom(size)
    buf = bytearray(prefix + data)
    mask_inplace(key, buf, start)
    assert bytes(buf) == prefix + reference(key, data)


def test_inplace_equal_key_bytes_and_selector() -> None:
    assert mask_inplace is mask_inplace_py
    buf = bytearray(b"ab" * 1000)
    mask_inplace(b"\x01\x01\x01\x01", buf, 2)
    assert bytes(buf) == b"ab" + reference(b"\x01" * 4, b"ab" * 999)


@pytest.mark.parametrize("key", [b"", b"abc", b"abcde"])
def test_key_must_be_four_bytes(key: bytes) -> None:
    with pytest.raises(LocalProtocolError):
        mask_py(key, b"data")
    with pytest.raises(LocalProtocolError):
        mask_inplace_py(key, bytearray(b"data" * 200))
