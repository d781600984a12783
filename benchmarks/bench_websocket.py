"""WebSocket framing alone: httpwire-websocket against aiohttp's and websockets' frame code.

No sockets: every row turns one message into wire bytes (build+mask, as a client sends) or wire
bytes into one message (read+unmask, as a server receives a client's masked frame). Workloads:

* a 32-byte text message and a 1 MiB binary message, without compression;
* the same with permessage-deflate at zlib level 1 (aiohttp's level; websockets is set to it too).
  The compressed 1 MiB payload is hex text (it deflates to about 55%). Every sample's last result
  is checked, so each message must decode on its own: the build rows compress without context
  takeover (client_no_context_takeover, a full flush per message) and the read rows feed one frame
  compressed without context, decoded again and again;
* masking 1 MiB alone.

Peers: ``aiohttp-py`` is aiohttp's pure-Python reader or writer with its pure-Python mask (the
per-lane ``bytes.translate`` one), what aiohttp runs without its C extensions; ``aiohttp-cmask``
is the same Python writer with aiohttp's C mask, and ``aiohttp-c`` its Cython reader (with the C
mask), both for reference; that reader's row takes each message through its queue's ``read()``.
``websockets`` is ``Frame.serialize``/``Frame.parse`` with its C ``apply_mask``;
``websockets-py`` the same with its pure-Python ``apply_mask``. websockets' frame code does not
decode text, so its read adapter adds the UTF-8 decode every other row performs.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import zlib
from collections.abc import Callable
from typing import Any

import httpwire_websocket as hw
from benchmarks._harness import Impl, compare, note

__all__ = ["main"]

TEXT_32 = '{"op":"tick","seq":12345,"v":7}\n'
assert len(TEXT_32) == 32
BIG = os.urandom(1 << 20)
BIG_HEX = os.urandom(1 << 19).hex().encode("ascii")
KEY = b"\x9a\x3c\x51\xe7"
LEVEL = 1


def _module(name: str) -> Any:
    """A peer's module, untyped: the adapters patch its mask function and use private names."""
    return importlib.import_module(name)


# -- shared wire data ---------------------------------------------------------------------------


def _deflated(payload: bytes) -> bytes:
    """``payload`` compressed as one self-contained permessage-deflate message (tail stripped)."""
    obj = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    out = obj.compress(payload) + obj.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


def _client_frame(opcode: int, payload: bytes, *, compressed: bool) -> bytes:
    """A masked client frame as a server receives it."""
    data = _deflated(payload) if compressed else payload
    return hw.build_frame(opcode, data, rsv1=compressed, mask_key=KEY)


# -- checks -------------------------------------------------------------------------------------


def _check_wire(
    opcode: int, expected: bytes | str, *, compressed: bool
) -> Callable[[object], None]:
    """The frame bytes decode, by httpwire's server-side reader, to the expected message."""
    kind = hw.WSMsgType(opcode)

    def check(result: object) -> None:
        assert isinstance(result, bytes | bytearray), type(result)
        assert result[1] & 0x80, "a client frame must be masked"
        assert bool(result[0] & 0x40) == compressed, "RSV1 does not match the compression"
        reader = hw.WebSocketReader(
            is_client=False, max_msg_size=0, deflate=hw.DeflateParams() if compressed else None
        )
        assert reader.feed(result) == [(kind, expected, "")]

    return check


def _check_message(expected: bytes | str) -> Callable[[object], None]:
    def check(result: object) -> None:
        assert result == expected, f"got {type(result).__name__} of {len(result)}"  # type: ignore[arg-type]

    return check


# -- httpwire -----------------------------------------------------------------------------------


def _hw_build(opcode: int, payload: bytes, compressed: bool) -> Callable[[], object]:
    params = hw.DeflateParams(client_no_context_takeover=True) if compressed else None
    writer = hw.WebSocketWriter(is_client=True, deflate=params, compress_level=LEVEL)
    if opcode == 0x1:
        text = payload.decode()
        return lambda: writer.text(text)
    return lambda: writer.binary(payload)


def _hw_read(frame: bytes, compressed: bool) -> Callable[[], object]:
    reader = hw.WebSocketReader(
        is_client=False, max_msg_size=0, deflate=hw.DeflateParams() if compressed else None
    )
    feed = reader.feed

    def read() -> object:
        return feed(frame)[0].data

    return read


# -- aiohttp ------------------------------------------------------------------------------------


class _Transport:
    """The two transport methods aiohttp's writer calls; keeps what was written."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.chunks.append(data)

    def is_closing(self) -> bool:
        return False


def _aiohttp_build(
    opcode: int, payload: bytes, compressed: bool, mask_fn: Any
) -> Callable[[], object]:
    from aiohttp.base_protocol import BaseProtocol

    writer_mod = _module("aiohttp._websocket.writer")

    loop = asyncio.new_event_loop()
    transport = _Transport()
    writer = writer_mod.WebSocketWriter(
        BaseProtocol(loop),
        transport,
        use_mask=True,
        compress=15 if compressed else 0,
        notakeover=compressed,
    )
    loop.close()
    chunks = transport.chunks
    clear = chunks.clear
    # The same entry points send_frame takes, without the coroutine around them.
    send = writer._send_compressed_frame_sync if compressed else writer._write_websocket_frame
    arg = None if compressed else 0

    def build() -> object:
        writer_mod.websocket_mask = mask_fn
        clear()
        send(payload, opcode, arg)
        return b"".join(chunks)

    return build


def _aiohttp_read(frame: bytes, compressed: bool, *, cython: bool) -> Callable[[], object]:
    from aiohttp._websocket.helpers import _websocket_mask_python
    from aiohttp.base_protocol import BaseProtocol

    reader_py = _module("aiohttp._websocket.reader_py")
    module = _module("aiohttp._websocket.reader_c") if cython else reader_py
    loop = asyncio.new_event_loop()
    queue = module.WebSocketDataQueue(BaseProtocol(loop), 1 << 30, loop=loop)
    loop.close()
    reader = module.WebSocketReader(queue, 0, compressed, True)
    feed = reader.feed_data
    pop = queue._buffer.popleft

    # The queue counts the bytes it holds and stalls the reader past its limit; popping the deque
    # directly skips that count, so the adapters reset it (the Cython queue's count is read-only,
    # so that row takes messages through the queue's own read(), which never suspends here).
    if cython:
        queue_read = queue.read

        def read() -> object:
            feed(frame)
            coro = queue_read()
            try:
                coro.send(None)
            except StopIteration as done:
                return done.value.data
            raise AssertionError("the queue had no message")

        return read

    def read_py() -> object:
        reader_py.websocket_mask = _websocket_mask_python
        feed(frame)
        queue._size = 0
        return pop()[0].data

    return read_py


# -- websockets ---------------------------------------------------------------------------------


def _ws_deflate() -> Any:
    from websockets.extensions.permessage_deflate import PerMessageDeflate

    # remote_no_context_takeover, local_no_context_takeover, remote and local window bits.
    return PerMessageDeflate(False, True, 15, 15, {"level": LEVEL})


def _ws_build(opcode: int, payload: bytes, compressed: bool, mask_fn: Any) -> Callable[[], object]:
    frames_mod = _module("websockets.frames")
    extensions = [_ws_deflate()] if compressed else []
    kind = frames_mod.Opcode(opcode)

    def build() -> object:
        frames_mod.apply_mask = mask_fn
        return frames_mod.Frame(kind, payload).serialize(mask=True, extensions=extensions)

    return build


def _ws_read(frame: bytes, compressed: bool, mask_fn: Any) -> Callable[[], object]:
    from websockets.streams import StreamReader

    frames_mod = _module("websockets.frames")

    extensions = [_ws_deflate()] if compressed else []
    stream = StreamReader()
    parse = frames_mod.Frame.parse
    text = frame[0] & 0x0F == 0x1

    def read() -> object:
        frames_mod.apply_mask = mask_fn
        stream.feed_data(frame)
        gen = parse(stream.read_exact, mask=True, max_size=None, extensions=extensions)
        try:
            next(gen)
        except StopIteration as done:
            data = done.value.data
            return data.decode() if text else data
        raise AssertionError("the frame was not complete")

    return read


# -- tables -------------------------------------------------------------------------------------


def _masks() -> dict[str, Any]:
    from aiohttp._websocket.helpers import _websocket_mask_python
    from websockets.utils import apply_mask as ws_py_mask

    return {
        "aiohttp-py": _websocket_mask_python,
        "aiohttp-c": _module("aiohttp._websocket.mask")._websocket_mask_cython,
        "websockets-py": ws_py_mask,
        "websockets-c": _module("websockets.speedups").apply_mask,
    }


def _build_table(label: str, opcode: int, payload: bytes, compressed: bool, quick: bool) -> None:
    masks = _masks()
    expected: bytes | str = payload.decode() if opcode == 0x1 else payload
    check = _check_wire(opcode, expected, compressed=compressed)
    compare(
        f"websocket: build+mask {label}",
        [
            Impl("httpwire", _hw_build(opcode, payload, compressed), check),
            Impl(
                "aiohttp-py",
                _aiohttp_build(opcode, payload, compressed, masks["aiohttp-py"]),
                check,
            ),
            Impl(
                "aiohttp-cmask",
                _aiohttp_build(opcode, payload, compressed, masks["aiohttp-c"]),
                check,
            ),
            Impl(
                "websockets", _ws_build(opcode, payload, compressed, masks["websockets-c"]), check
            ),
            Impl(
                "websockets-py",
                _ws_build(opcode, payload, compressed, masks["websockets-py"]),
                check,
            ),
        ],
        quick=quick,
    )


def _read_table(label: str, opcode: int, payload: bytes, compressed: bool, quick: bool) -> None:
    masks = _masks()
    frame = _client_frame(opcode, payload, compressed=compressed)
    expected: bytes | str = payload.decode() if opcode == 0x1 else payload
    check = _check_message(expected)
    compare(
        f"websocket: read+unmask {label}",
        [
            Impl("httpwire", _hw_read(frame, compressed), check),
            Impl("aiohttp-py", _aiohttp_read(frame, compressed, cython=False), check),
            Impl("aiohttp-c", _aiohttp_read(frame, compressed, cython=True), check),
            Impl("websockets", _ws_read(frame, compressed, masks["websockets-c"]), check),
            Impl("websockets-py", _ws_read(frame, compressed, masks["websockets-py"]), check),
        ],
        quick=quick,
    )


def _mask_table(quick: bool) -> None:
    masks = _masks()
    expected = bytes(hw.mask_py(KEY, BIG))

    def check(result: object) -> None:
        assert bytes(result) == expected, "wrong mask"  # type: ignore[call-overload]

    def aiohttp_py() -> object:
        buf = bytearray(BIG)
        masks["aiohttp-py"](KEY, buf)
        return buf

    def aiohttp_c() -> object:
        buf = bytearray(BIG)
        masks["aiohttp-c"](KEY, buf)
        return buf

    note("aiohttp's masks work in place: their rows include the copy into a bytearray they need")
    compare(
        "websocket: mask 1 MiB",
        [
            Impl("httpwire", lambda: hw.mask(KEY, BIG), check),
            Impl("aiohttp-py", aiohttp_py, check),
            Impl("aiohttp-c", aiohttp_c, check),
            Impl("websockets-py", lambda: masks["websockets-py"](BIG, KEY), check),
            Impl("websockets-c", lambda: masks["websockets-c"](BIG, KEY), check),
        ],
        quick=quick,
        unit="ms",
    )


def main(quick: bool) -> None:
    """Print the framing tables: build and read, small and large, plain and compressed, and mask."""
    text = TEXT_32.encode()
    note(
        "httpwire is pure Python; aiohttp-py is aiohttp without its C extensions, "
        "aiohttp-c / aiohttp-cmask and websockets (C mask) are for reference"
    )
    _build_table("32 B text", 0x1, text, False, quick)
    _read_table("32 B text", 0x1, text, False, quick)
    _build_table("1 MiB binary", 0x2, BIG, False, quick)
    _read_table("1 MiB binary", 0x2, BIG, False, quick)
    _build_table("32 B text, deflate", 0x1, text, True, quick)
    _read_table("32 B text, deflate", 0x1, text, True, quick)
    _build_table("1 MiB binary, deflate", 0x2, BIG_HEX, True, quick)
    _read_table("1 MiB binary, deflate", 0x2, BIG_HEX, True, quick)
    _mask_table(quick)
