"""A part read from one multipart body, relayed as a request body or as a part of another."""

from __future__ import annotations

import asyncio
import base64
import gzip

import aiohttp
import pytest
from aiohttp import web

from httpwire import ClientPayloadError, ClientSession
from httpwire._payload_base import BufferWriter
from httpwire.multipart import (
    BodyPartReader,
    BodyPartReaderPayload,
    MultipartReader,
    MultipartWriter,
)
from httpwire.payload import get_payload

from .test_client_multipart_reader import fed_stream, mixed


async def _first_part(body: bytes) -> BodyPartReader:
    part = await MultipartReader(mixed(body), fed_stream(body, [5] * (len(body) // 5))).next()
    assert isinstance(part, BodyPartReader)
    return part


def _body(headers: bytes, data: bytes) -> bytes:
    return b"--b\r\n" + headers + b"\r\n" + data + b"\r\n--b--\r\n"


async def _written(payload: BodyPartReaderPayload) -> bytes:
    sink = BufferWriter()
    await payload.write(sink)
    return bytes(sink.buffer)


async def test_a_part_is_relayed_decoded_with_its_name_and_type() -> None:
    data = bytes(range(256)) * 40
    encoded = base64.encodebytes(gzip.compress(data))  # 76-column lines
    headers = (
        b'Content-Disposition: form-data; name="up"; filename="f.bin"\r\n'
        b"Content-Type: image/png\r\nContent-Encoding: gzip\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
    )
    part = await _first_part(_body(headers, encoded))
    payload = get_payload(part)
    assert type(payload) is BodyPartReaderPayload
    assert payload.size is None
    assert payload.headers["Content-Type"] == "image/png"
    assert payload.headers["Content-Disposition"] == 'attachment; name="up"; filename="f.bin"'
    assert "Content-Encoding" not in payload.headers
    assert await _written(payload) == data
    with pytest.raises(ClientPayloadError, match="already sent"):
        await _written(payload)


async def test_a_relayed_part_cannot_be_buffered_or_decoded() -> None:
    payload = BodyPartReaderPayload(await _first_part(_body(b"", b"x")), content_type="text/x")
    assert payload.content_type == "text/x"
    with pytest.raises(TypeError, match="Use write"):
        await payload.as_bytes()
    with pytest.raises(TypeError, match="Unable to decode"):
        payload.decode()


async def test_a_corrupt_compressed_part_fails_typed() -> None:
    part = await _first_part(_body(b"Content-Encoding: gzip\r\n", b"not gzip at all"))
    with pytest.raises(ClientPayloadError, match="cannot decode multipart part"):
        await _written(BodyPartReaderPayload(part))


async def test_parts_of_a_response_relayed_to_a_server_in_a_new_form() -> None:
    received: list[tuple[str | None, str | None, bytes]] = []

    async def source(request: web.Request) -> web.StreamResponse:
        out = web.StreamResponse(headers={"Content-Type": "multipart/mixed; boundary=b"})
        await out.prepare(request)
        body = _body(b'Content-Disposition: attachment; filename="a.txt"\r\n', b"A" * 200_000)
        for i in range(0, len(body), 4096):
            await out.write(body[i : i + 4096])
        await out.write_eof()
        return out

    async def sink(request: web.Request) -> web.Response:
        async for part in await request.multipart():
            assert isinstance(part, aiohttp.BodyPartReader)
            received.append((part.name, part.filename, await part.read()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/source", source)
    app.router.add_post("/sink", sink)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with asyncio.timeout(10), ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/source") as resp:
                reader = MultipartReader.from_response(resp)
                part = await reader.next()
                assert isinstance(part, BodyPartReader)
                form = MultipartWriter("form-data")
                form.append(part)
                async with session.post(f"http://127.0.0.1:{port}/sink", data=form) as done:
                    assert await done.text() == "ok"
    finally:
        await runner.cleanup()
    assert received == [(None, "a.txt", b"A" * 200_000)]
