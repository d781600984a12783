"""set_zlib_backend: body decoding and request compression go through the module it names."""

from __future__ import annotations

import gzip
import importlib
import zlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from httpwire_parser import (
    BodyCompressor,
    ContentDecoder,
    ContentEncodingError,
    Data,
    EndOfMessage,
    ResponseParser,
    set_zlib_backend,
)

PAYLOAD = b"The quick brown fox jumps over the lazy dog. " * 200

Calls = list[tuple[str, dict[str, Any]]]


def recording_backend(calls: Calls, **overrides: Any) -> SimpleNamespace:
    """Stdlib zlib behind a namespace that records every compressobj/decompressobj call."""

    def compressobj(**kwargs: Any) -> Any:
        calls.append(("compressobj", kwargs))
        return zlib.compressobj(**kwargs)

    def decompressobj(**kwargs: Any) -> Any:
        calls.append(("decompressobj", kwargs))
        return zlib.decompressobj(**kwargs)

    members: dict[str, Any] = {
        "MAX_WBITS": zlib.MAX_WBITS,
        "Z_FULL_FLUSH": zlib.Z_FULL_FLUSH,
        "Z_SYNC_FLUSH": zlib.Z_SYNC_FLUSH,
        "Z_BEST_SPEED": zlib.Z_BEST_SPEED,
        "Z_FINISH": zlib.Z_FINISH,
        "compress": zlib.compress,
        "decompress": zlib.decompress,
        "compressobj": compressobj,
        "decompressobj": decompressobj,
    }
    members.update(overrides)
    return SimpleNamespace(**members)


@pytest.fixture
def calls() -> Iterator[Calls]:
    """Install a recording backend for one test and put stdlib zlib back afterwards."""
    recorded: Calls = []
    set_zlib_backend(recording_backend(recorded))
    try:
        yield recorded
    finally:
        set_zlib_backend(zlib)


def response(body: bytes, encoding: str) -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Encoding: %b\r\nContent-Length: %d\r\n\r\n"
    return head % (encoding.encode(), len(body)) + body


def decoded(wire: bytes) -> bytes:
    events = ResponseParser().feed(wire)
    assert isinstance(events[-1], EndOfMessage)
    return b"".join(e.data for e in events if isinstance(e, Data))


def raw_deflate(data: bytes) -> bytes:
    obj = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return obj.compress(data) + obj.flush()


@pytest.mark.parametrize(
    ("encoding", "body", "wbits"),
    [
        ("gzip", gzip.compress(PAYLOAD), 16 + zlib.MAX_WBITS),
        ("deflate", zlib.compress(PAYLOAD), zlib.MAX_WBITS),
        ("deflate", raw_deflate(PAYLOAD), -zlib.MAX_WBITS),
    ],
)
def test_response_bodies_are_decoded_by_the_backend(
    calls: Calls, encoding: str, body: bytes, wbits: int
) -> None:
    assert decoded(response(body, encoding)) == PAYLOAD
    assert calls == [("decompressobj", {"wbits": wbits})]


def test_every_gzip_member_gets_a_backend_decompressor(calls: Calls) -> None:
    body = gzip.compress(PAYLOAD) + gzip.compress(b"second member")
    assert decoded(response(body, "gzip")) == PAYLOAD + b"second member"
    assert calls == [("decompressobj", {"wbits": 31})] * 2


def test_decoder_made_before_the_switch_keeps_its_module() -> None:
    decoder = ContentDecoder(["gzip", "deflate"])
    recorded: Calls = []
    set_zlib_backend(recording_backend(recorded))
    try:
        # The deflate codec makes its decompressor only now, from the module it started with.
        out = b"".join(decoder.decode(zlib.compress(gzip.compress(PAYLOAD))))
    finally:
        set_zlib_backend(zlib)
    assert out == PAYLOAD
    assert recorded == []


def test_constants_come_from_the_backend() -> None:
    # A backend's MAX_WBITS decides the window it is asked for (aiohttp's protocol lists it).
    recorded: Calls = []
    set_zlib_backend(recording_backend(recorded, MAX_WBITS=14))
    try:
        ContentDecoder(["gzip"])
        BodyCompressor("deflate")
    finally:
        set_zlib_backend(zlib)
    assert recorded == [("decompressobj", {"wbits": 30}), ("compressobj", {"wbits": 14})]


@pytest.mark.parametrize(("encoding", "wbits"), [("deflate", 15), ("gzip", 31)])
def test_body_compressor_uses_the_backend(calls: Calls, encoding: str, wbits: int) -> None:
    compressor = BodyCompressor(encoding)
    body = compressor.compress(PAYLOAD) + compressor.flush()
    assert zlib.decompress(body, wbits) == PAYLOAD
    # No level given: the backend's own default, as aiohttp leaves it (isal has no level -1).
    assert calls == [("compressobj", {"wbits": wbits})]
    BodyCompressor(encoding, level=9)
    assert calls[-1] == ("compressobj", {"level": 9, "wbits": wbits})


class BackendError(Exception):
    """The error class of a backend that is not stdlib zlib."""


class _FailingDecompress:
    eof = False
    unused_data = b""
    unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        raise BackendError("bad block")

    def flush(self, length: int = 0) -> bytes:
        return b""


def test_the_backend_error_class_means_corrupt_data() -> None:
    backend = recording_backend([], error=BackendError)
    backend.decompressobj = lambda **kwargs: _FailingDecompress()
    set_zlib_backend(backend)
    try:
        with pytest.raises(ContentEncodingError, match="bad block"):
            decoded(response(b"\x1f\x8b whatever", "gzip"))
    finally:
        set_zlib_backend(zlib)


def test_a_backend_without_error_class_falls_back_to_zlib_error(calls: Calls) -> None:
    with pytest.raises(ContentEncodingError, match="cannot decode body"):
        decoded(response(b"\x1f\x8b\x08\x00 not gzip at all", "gzip"))


def test_nothing_is_checked_until_an_object_needs_the_backend() -> None:
    # aiohttp's set_zlib_backend stores anything and returns None; the lack shows as
    # AttributeError when the first compressor or decompressor is made.
    assert set_zlib_backend(new_zlib_backend=object()) is None  # type: ignore[func-returns-value,arg-type]
    try:
        with pytest.raises(AttributeError, match="MAX_WBITS"):
            ContentDecoder(["gzip"])
        with pytest.raises(AttributeError, match="MAX_WBITS"):
            BodyCompressor("gzip")
        # Nothing compressed, nothing looked up: identity bodies never touch the backend.
        assert decoded(response(PAYLOAD, "identity")) == PAYLOAD
    finally:
        set_zlib_backend(zlib)


@pytest.mark.parametrize("name", ["zlib_ng.zlib_ng", "isal.isal_zlib"])
def test_real_backends(name: str) -> None:
    pytest.importorskip(name.partition(".")[0])
    module = importlib.import_module(name)
    set_zlib_backend(module)
    try:
        body = gzip.compress(PAYLOAD) + gzip.compress(b"tail")
        parser = ResponseParser(decompress_piece_size=1000)
        events = parser.feed(response(body, "gzip"))
        assert b"".join(e.data for e in events if isinstance(e, Data)) == PAYLOAD + b"tail"
        assert max(len(e.data) for e in events if isinstance(e, Data)) <= 1000
        with pytest.raises(ContentEncodingError):
            decoded(response(b"\x1f\x8b\x08\x00 not gzip at all", "gzip"))
        compressor = BodyCompressor("gzip")
        assert gzip.decompress(compressor.compress(PAYLOAD) + compressor.flush()) == PAYLOAD
    finally:
        set_zlib_backend(zlib)
