"""set_zlib_backend: permessage-deflate compresses and inflates through the module it names."""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from httpwire_websocket import (
    DeflateParams,
    ProtocolError,
    WebSocketProtocol,
    WebSocketReader,
    WebSocketWriter,
    WSMessage,
    WSMsgType,
    build_frame,
    set_zlib_backend,
)

TEXT = "hello permessage-deflate " * 40

Calls = list[tuple[str, Any]]


class _RecordingCompress:
    """A stdlib compress object that records the flush modes it is given."""

    def __init__(self, calls: Calls, obj: Any) -> None:
        self._calls = calls
        self._obj = obj

    def compress(self, data: bytes) -> bytes:
        return bytes(self._obj.compress(data))

    def flush(self, mode: int = zlib.Z_FINISH) -> bytes:
        self._calls.append(("flush", mode))
        return bytes(self._obj.flush(mode))


def recording_backend(calls: Calls, **overrides: Any) -> SimpleNamespace:
    """Stdlib zlib behind a namespace that records compressobj, decompressobj and flush calls."""

    def compressobj(**kwargs: Any) -> _RecordingCompress:
        calls.append(("compressobj", kwargs))
        return _RecordingCompress(calls, zlib.compressobj(**kwargs))

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


def round_trip(writer: WebSocketWriter, reader: WebSocketReader, text: str) -> list[WSMessage]:
    return reader.feed(writer.text(text))


def test_writer_compresses_through_the_backend(calls: Calls) -> None:
    writer = WebSocketWriter(deflate=DeflateParams())
    reader = WebSocketReader(is_client=False, deflate=DeflateParams())
    assert round_trip(writer, reader, TEXT) == [(WSMsgType.TEXT, TEXT, "")]
    assert calls == [
        ("decompressobj", {"wbits": -15}),
        ("compressobj", {"level": zlib.Z_BEST_SPEED, "wbits": -15, "strategy": 0}),
        ("flush", zlib.Z_SYNC_FLUSH),
    ]


def test_default_level_and_flush_modes_come_from_the_backend() -> None:
    # aiohttp's protocol requires Z_BEST_SPEED, Z_SYNC_FLUSH and Z_FULL_FLUSH of a backend
    # (isal's Z_BEST_SPEED is 0), so they are read from it; here two are swapped to show it.
    recorded: Calls = []
    swapped = {"Z_SYNC_FLUSH": zlib.Z_FULL_FLUSH, "Z_FULL_FLUSH": zlib.Z_SYNC_FLUSH}
    set_zlib_backend(recording_backend(recorded, Z_BEST_SPEED=3, **swapped))
    try:
        WebSocketWriter(deflate=DeflateParams()).text(TEXT)
        no_context = DeflateParams(client_no_context_takeover=True)
        WebSocketWriter(deflate=no_context, compress_level=6).text(TEXT)
    finally:
        set_zlib_backend(zlib)
    assert recorded == [
        ("compressobj", {"level": 3, "wbits": -15, "strategy": 0}),
        ("flush", zlib.Z_FULL_FLUSH),
        ("compressobj", {"level": 6, "wbits": -15, "strategy": 0}),
        ("flush", zlib.Z_SYNC_FLUSH),
    ]


def test_one_off_levels_and_small_windows_use_the_backend(calls: Calls) -> None:
    params = DeflateParams(client_max_window_bits=8)
    writer = WebSocketWriter(deflate=params)
    reader = WebSocketReader(is_client=False, deflate=params)
    assert reader.feed(writer.text(TEXT, compress=9)) == [(WSMsgType.TEXT, TEXT, "")]
    huffman = {"level": 9, "wbits": -9, "strategy": zlib.Z_HUFFMAN_ONLY, "memLevel": 5}
    assert ("compressobj", huffman) in calls


@pytest.mark.parametrize(
    ("bits", "mem_level"),
    [(9, 3), (10, 4), (11, 5), (12, 6), (13, 7), (14, None), (15, None)],
)
def test_the_hash_table_is_sized_to_the_window(calls: Calls, bits: int, mem_level: int) -> None:
    # zlib slides its whole hash table each time the window moves on: the default memLevel (8)
    # is kept where the window is 14 or 15 bits, a smaller one is asked for below that.
    params = DeflateParams(client_max_window_bits=bits)
    writer = WebSocketWriter(deflate=params)
    reader = WebSocketReader(is_client=False, deflate=params)
    for _ in range(3):
        assert round_trip(writer, reader, TEXT * 20) == [(WSMsgType.TEXT, TEXT * 20, "")]
    expected: dict[str, int] = {"level": zlib.Z_BEST_SPEED, "wbits": -bits, "strategy": 0}
    if mem_level is not None:
        expected["memLevel"] = mem_level
    assert [kwargs for name, kwargs in calls if name == "compressobj"] == [expected]


def test_reader_restarts_a_finished_stream_from_the_backend(calls: Calls) -> None:
    reader = WebSocketReader(deflate=DeflateParams())
    for data in (b"first", b"second"):
        obj = zlib.compressobj(wbits=-15)
        frame = build_frame(0x2, obj.compress(data) + obj.flush(), rsv1=True)
        assert reader.feed(frame) == [(WSMsgType.BINARY, data, "")]
    assert calls == [("decompressobj", {"wbits": -15})] * 3


def test_connections_made_before_the_switch_keep_their_module() -> None:
    client = WebSocketProtocol(deflate=DeflateParams())
    server = WebSocketProtocol(is_client=False, deflate=DeflateParams())
    recorded: Calls = []
    set_zlib_backend(recording_backend(recorded))
    try:
        client.send_str(TEXT)
        server.receive_data(client.data_to_send())
    finally:
        set_zlib_backend(zlib)
    assert server.events_received() == [(WSMsgType.TEXT, TEXT, "")]
    assert recorded == []


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
        reader = WebSocketReader(deflate=DeflateParams())
    finally:
        set_zlib_backend(zlib)
    message = reader.feed(build_frame(0x2, b"\x00\x01\x02", rsv1=True))[-1]
    assert message.type is WSMsgType.ERROR
    assert isinstance(message.data, ProtocolError)
    assert message.data.code == 1002
    assert "bad block" in str(message.data)


def test_nothing_is_checked_until_a_codec_needs_the_backend() -> None:
    # aiohttp's set_zlib_backend stores anything and returns None; the lack shows as
    # AttributeError when the first compressor or decompressor is made.
    assert set_zlib_backend(new_zlib_backend=object()) is None  # type: ignore[func-returns-value,arg-type]
    try:
        with pytest.raises(AttributeError, match="compressobj"):
            WebSocketWriter(deflate=DeflateParams())
        with pytest.raises(AttributeError, match="decompressobj"):
            WebSocketReader(deflate=DeflateParams())
        # Without permessage-deflate the backend is never looked at.
        writer = WebSocketWriter()
        assert WebSocketReader(is_client=False).feed(writer.text("x")) == [
            (WSMsgType.TEXT, "x", "")
        ]
    finally:
        set_zlib_backend(zlib)


@pytest.mark.parametrize("name", ["zlib_ng.zlib_ng", "isal.isal_zlib"])
@pytest.mark.parametrize(
    "params",
    [DeflateParams(), DeflateParams(client_no_context_takeover=True, client_max_window_bits=9)],
)
def test_real_backends(name: str, params: DeflateParams) -> None:
    pytest.importorskip(name.partition(".")[0])
    set_zlib_backend(importlib.import_module(name))
    try:
        writer = WebSocketWriter(deflate=params)
        reader = WebSocketReader(is_client=False, deflate=params)
        for text in (TEXT, TEXT[::-1], TEXT):
            assert round_trip(writer, reader, text) == [(WSMsgType.TEXT, text, "")]
        corrupt = WebSocketReader(deflate=params)
        message = corrupt.feed(build_frame(0x2, b"\xff\xff\xff\xff", rsv1=True))[-1]
        assert message.type is WSMsgType.ERROR
        assert isinstance(message.data, ProtocolError)
    finally:
        set_zlib_backend(zlib)
