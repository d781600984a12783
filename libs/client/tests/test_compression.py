"""set_zlib_backend: one call puts the module behind every gzip/deflate job of the client."""

from __future__ import annotations

import asyncio
import gzip
import inspect
import zlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

import httpwire_parser
import httpwire_websocket
from httpwire import ClientSession, MultipartWriter, set_zlib_backend
from httpwire._multipart_writer import PartEncoder
from httpwire._payload_base import BufferWriter
from httpwire.multipart import BodyPartReader, MultipartReader

from .conftest import Received, Server, reply

PAYLOAD = b"compressible multipart part " * 500

Calls = list[tuple[str, dict[str, Any]]]


def recording_backend(calls: Calls) -> SimpleNamespace:
    """Stdlib zlib behind a namespace that records every compressobj/decompressobj call."""

    def compressobj(**kwargs: Any) -> Any:
        calls.append(("compressobj", kwargs))
        return zlib.compressobj(**kwargs)

    def decompressobj(**kwargs: Any) -> Any:
        calls.append(("decompressobj", kwargs))
        return zlib.decompressobj(**kwargs)

    return SimpleNamespace(
        MAX_WBITS=zlib.MAX_WBITS,
        Z_FULL_FLUSH=zlib.Z_FULL_FLUSH,
        Z_SYNC_FLUSH=zlib.Z_SYNC_FLUSH,
        Z_BEST_SPEED=zlib.Z_BEST_SPEED,
        Z_FINISH=zlib.Z_FINISH,
        compress=zlib.compress,
        decompress=zlib.decompress,
        compressobj=compressobj,
        decompressobj=decompressobj,
    )


@pytest.fixture
def calls() -> Iterator[Calls]:
    """Install a recording backend everywhere for one test and put stdlib zlib back afterwards."""
    recorded: Calls = []
    set_zlib_backend(recording_backend(recorded))
    try:
        yield recorded
    finally:
        set_zlib_backend(zlib)


def test_both_libs_get_the_backend(calls: Calls) -> None:
    httpwire_parser.ContentDecoder(["gzip"])
    httpwire_parser.BodyCompressor("deflate")
    httpwire_websocket.WebSocketWriter(deflate=httpwire_websocket.DeflateParams()).text("hi")
    httpwire_websocket.WebSocketReader(deflate=httpwire_websocket.DeflateParams())
    assert calls == [
        ("decompressobj", {"wbits": 31}),
        ("compressobj", {"wbits": 15}),
        ("compressobj", {"level": zlib.Z_BEST_SPEED, "wbits": -15, "strategy": 0}),
        ("decompressobj", {"wbits": -15}),
    ]


@pytest.mark.parametrize(
    ("encoding", "strategy", "expected"),
    [
        ("deflate", None, {"wbits": -15}),
        ("gzip", None, {"wbits": 31}),
        ("deflate", zlib.Z_FILTERED, {"wbits": -15, "strategy": zlib.Z_FILTERED}),
    ],
)
async def test_multipart_part_compression_uses_the_backend(
    calls: Calls, encoding: str, strategy: int | None, expected: dict[str, int]
) -> None:
    sink = BufferWriter()
    encoder = PartEncoder(sink)
    encoder.enable_compression(encoding, strategy)
    await encoder.write_eof(PAYLOAD)
    assert zlib.decompress(bytes(sink.buffer), expected["wbits"]) == PAYLOAD
    assert calls == [("compressobj", expected)]


async def test_a_request_and_its_response_go_through_the_backend(
    calls: Calls, server: Server
) -> None:
    async def mirror(req: Received, writer: asyncio.StreamWriter) -> bytes:
        body = gzip.decompress(req.body) if req.headers.get("Content-Encoding") else req.body
        headers = {"Content-Type": req.headers["Content-Type"], "Content-Encoding": "gzip"}
        return reply(200, gzip.compress(body), headers)

    server.route("/mirror")(mirror)
    with MultipartWriter("mixed", boundary="zb") as mp:
        mp.append(PAYLOAD, {"Content-Encoding": "deflate"})
    async with (
        ClientSession() as session,
        session.post(server.url("/mirror"), data=mp, compress="gzip") as resp,
    ):
        parts = []
        async for part in MultipartReader.from_response(resp):
            assert isinstance(part, BodyPartReader)
            parts.append(await part.read(decode=True))
    assert parts == [PAYLOAD]
    assert server.requests[-1].headers["Content-Encoding"] == "gzip"
    expected: Calls = [
        ("compressobj", {"wbits": 31}),  # compress="gzip" on the request
        ("compressobj", {"wbits": -15}),  # the multipart part
        ("decompressobj", {"wbits": 31}),  # the gzip response
        ("decompressobj", {"wbits": -15}),  # the part, raw deflate as aiohttp writes it
    ]
    assert sorted(calls, key=repr) == sorted(expected, key=repr)


def test_objects_made_before_keep_their_module() -> None:
    encoder = PartEncoder(BufferWriter())
    decoder = httpwire_parser.ContentDecoder(["gzip"])
    recorded: Calls = []
    set_zlib_backend(recording_backend(recorded))
    try:
        assert b"".join(decoder.decode(gzip.compress(PAYLOAD))) == PAYLOAD
        assert recorded == []
        encoder.enable_compression("gzip")  # the module is looked up when compression starts
        assert recorded == [("compressobj", {"wbits": 31})]
    finally:
        set_zlib_backend(zlib)


def test_checks_nothing_and_fails_later_like_aiohttp() -> None:
    aiohttp = pytest.importorskip("aiohttp")
    if not hasattr(aiohttp, "set_zlib_backend"):
        pytest.skip("aiohttp before 3.12 has no set_zlib_backend")
    from aiohttp.compression_utils import ZLibCompressor, ZLibDecompressor

    ours = inspect.signature(set_zlib_backend)
    theirs = inspect.signature(aiohttp.set_zlib_backend)
    assert list(ours.parameters) == list(theirs.parameters) == ["new_zlib_backend"]
    bad = object()
    try:
        assert aiohttp.set_zlib_backend(bad) is None
        assert set_zlib_backend(bad) is None  # type: ignore[func-returns-value,arg-type]
        with pytest.raises(AttributeError) as their_compress:
            ZLibCompressor(encoding="gzip")
        with pytest.raises(type(their_compress.value)):
            PartEncoder(BufferWriter()).enable_compression("gzip")
        with pytest.raises(type(their_compress.value)):
            httpwire_parser.BodyCompressor("gzip")
        with pytest.raises(AttributeError) as their_decompress:
            ZLibDecompressor(encoding="gzip")
        with pytest.raises(type(their_decompress.value)):
            httpwire_parser.ContentDecoder(["gzip"])
        with pytest.raises(type(their_decompress.value)):
            httpwire_websocket.WebSocketReader(deflate=httpwire_websocket.DeflateParams())
    finally:
        aiohttp.set_zlib_backend(zlib)
        set_zlib_backend(zlib)


def test_zlib_ng_end_to_end() -> None:
    zlib_ng = pytest.importorskip("zlib_ng.zlib_ng")
    set_zlib_backend(zlib_ng)
    try:
        decoder = httpwire_parser.ContentDecoder(["gzip"])
        assert b"".join(decoder.decode(gzip.compress(PAYLOAD))) == PAYLOAD
        params = httpwire_websocket.DeflateParams()
        writer = httpwire_websocket.WebSocketWriter(deflate=params)
        reader = httpwire_websocket.WebSocketReader(is_client=False, deflate=params)
        assert reader.feed(writer.binary(PAYLOAD)) == [
            (httpwire_websocket.WSMsgType.BINARY, PAYLOAD, "")
        ]
    finally:
        set_zlib_backend(zlib)
