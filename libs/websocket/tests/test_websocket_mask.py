"""Masking: every implementation agrees with the definition in RFC 6455 §5.3 at every size.

The pure-Python functions and, when it was built, the compiled twin run on the same cases.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpwire_websocket import (
    LocalProtocolError,
    _mask,
    mask,
    mask_inplace,
    mask_inplace_py,
    mask_py,
)
from httpwire_websocket._frames import frame_header
from httpwire_websocket._mask_py import _BIGINT_MAX, masked_frame_py

Mask = Callable[[bytes, bytes | bytearray | memoryview], bytes | bytearray]
MaskInplace = Callable[..., None]
IMPLS: list[tuple[str, Mask, MaskInplace]] = [("python", mask_py, mask_inplace_py)]
try:
    from httpwire_websocket import _mask_c
except ImportError:
    COMPILED_BUILT = False
else:
    COMPILED_BUILT = True
    IMPLS.append(("compiled", _mask_c.mask, _mask_c.mask_inplace))
MASKS = pytest.mark.parametrize(("name", "masker", "inplace"), IMPLS, ids=[i[0] for i in IMPLS])
Framer = Callable[[int, bytes, bytes | bytearray | memoryview], bytes | bytearray]
FRAMERS: list[tuple[str, Framer]] = [("python", masked_frame_py)]
if COMPILED_BUILT:
    FRAMERS.append(("compiled", _mask_c.masked_frame))
FRAMES = pytest.mark.parametrize(("name", "framer"), FRAMERS, ids=[f[0] for f in FRAMERS])


def reference(key: bytes, data: bytes) -> bytes:
    return bytes(b ^ key[i % 4] for i, b in enumerate(data))


def test_selector_prefers_the_compiled_twin() -> None:
    # HTTPWIRE_NO_EXTENSIONS=1 (test_no_extensions_forces_pure_python) selects the pure twin.
    if COMPILED_BUILT and not os.environ.get("HTTPWIRE_NO_EXTENSIONS"):
        assert _mask.COMPILED
        assert (mask, mask_inplace) == (_mask_c.mask, _mask_c.mask_inplace)
        assert _mask.masked_frame is _mask_c.masked_frame
    else:
        assert not _mask.COMPILED
        assert (mask, mask_inplace) == (mask_py, mask_inplace_py)
        assert _mask.masked_frame is masked_frame_py


def test_compiled_twin_loaded_where_expected() -> None:
    # CI sets HTTPWIRE_EXPECT_EXTENSIONS where a C compiler is installed.
    if not os.environ.get("HTTPWIRE_EXPECT_EXTENSIONS"):
        pytest.skip("no compiled extension expected here")
    assert _mask.COMPILED, "the C mask was expected but did not load"


def test_no_extensions_forces_pure_python() -> None:
    code = (
        "from httpwire_websocket import _mask, mask, mask_py; "
        "assert not _mask.COMPILED and mask is mask_py"
    )
    env = dict(os.environ, HTTPWIRE_NO_EXTENSIONS="1")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)


@pytest.mark.parametrize(
    "size",
    [0, 1, 2, 3, 4, 5, 31, 32, 33, 125, _BIGINT_MAX - 1, _BIGINT_MAX, _BIGINT_MAX + 1, 4097, 65537],
)
@MASKS
def test_matches_reference_at_each_size(
    name: str, masker: Mask, inplace: MaskInplace, size: int
) -> None:
    key = os.urandom(4)
    data = os.urandom(size)
    assert bytes(masker(key, data)) == reference(key, data)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
@pytest.mark.parametrize("size", [10, 3000])
@MASKS
def test_accepts_any_buffer_and_leaves_it_alone(
    name: str, masker: Mask, inplace: MaskInplace, kind: type, size: int
) -> None:
    key = b"\x01\x02\x03\x04"
    original = os.urandom(size)
    data = kind(bytearray(original))
    assert bytes(masker(key, data)) == reference(key, original)
    assert bytes(data) == original


@MASKS
def test_key_with_four_equal_bytes(name: str, masker: Mask, inplace: MaskInplace) -> None:
    data = os.urandom(5000)
    assert bytes(masker(b"\x5a\x5a\x5a\x5a", data)) == reference(b"\x5a" * 4, data)


@settings(max_examples=150)
@given(st.binary(min_size=4, max_size=4), st.binary(max_size=3000))
def test_masking_twice_restores_the_input(key: bytes, data: bytes) -> None:
    for _, masker, _ in IMPLS:
        masked = masker(key, data)
        assert bytes(masked) == reference(key, data)
        assert bytes(masker(key, masked)) == data


@pytest.mark.parametrize("size", [0, 1, 5, _BIGINT_MAX, _BIGINT_MAX + 1, 5000])
@pytest.mark.parametrize("start", [0, 1, 2, 3, 6, 14])
@MASKS
def test_inplace_masks_only_after_start(
    name: str, masker: Mask, inplace: MaskInplace, size: int, start: int
) -> None:
    key = os.urandom(4)
    prefix = os.urandom(start)
    data = os.urandom(size)
    buf = bytearray(prefix + data)
    inplace(key, buf, start)
    assert bytes(buf) == prefix + reference(key, data)


@MASKS
def test_inplace_equal_key_bytes(name: str, masker: Mask, inplace: MaskInplace) -> None:
    buf = bytearray(b"ab" * 1000)
    inplace(b"\x01\x01\x01\x01", buf, 2)
    assert bytes(buf) == b"ab" + reference(b"\x01" * 4, b"ab" * 999)


@pytest.mark.parametrize("key", [b"", b"abc", b"abcde"])
@MASKS
def test_key_must_be_four_bytes(name: str, masker: Mask, inplace: MaskInplace, key: bytes) -> None:
    with pytest.raises(LocalProtocolError, match="A mask key is 4 bytes"):
        masker(key, b"data")
    with pytest.raises(LocalProtocolError, match="A mask key is 4 bytes"):
        inplace(key, bytearray(b"data" * 200))


def frame_reference(first_byte: int, key: bytes, payload: bytes) -> bytes:
    return frame_header(first_byte, len(payload), 0x80) + key + reference(key, payload)


@pytest.mark.parametrize(
    "size",
    [0, 1, 125, 126, 127, _BIGINT_MAX, _BIGINT_MAX + 1, 65535, 65536, 70001],
)
@pytest.mark.parametrize("first_byte", [0x81, 0x82, 0x02, 0xC1, 0x89])
@FRAMES
def test_masked_frame_matches_header_key_and_mask(
    name: str, framer: Framer, first_byte: int, size: int
) -> None:
    key = os.urandom(4)
    payload = os.urandom(size)
    assert bytes(framer(first_byte, key, payload)) == frame_reference(first_byte, key, payload)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
@pytest.mark.parametrize("size", [10, 3000])
@FRAMES
def test_masked_frame_takes_any_buffer_and_leaves_it_alone(
    name: str, framer: Framer, kind: type, size: int
) -> None:
    key = b"\x01\x02\x03\x04"
    original = os.urandom(size)
    payload = kind(bytearray(original))
    assert bytes(framer(0x82, key, payload)) == frame_reference(0x82, key, original)
    assert bytes(payload) == original


@FRAMES
def test_masked_frame_checks_key_and_first_byte(name: str, framer: Framer) -> None:
    for key in (b"", b"abc", b"abcde"):
        with pytest.raises(LocalProtocolError, match="A mask key is 4 bytes"):
            framer(0x81, key, b"data")
    for first_byte in (-1, 256):
        with pytest.raises(ValueError, match="first_byte"):
            framer(first_byte, b"abcd", b"data")
