"""MultipartWriter: the wire format, sizes, per-part encodings and refusals."""

from __future__ import annotations

import asyncio
import binascii
import gzip
import json
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from httpwire import ClientSession, MultipartWriter
from httpwire._payload_base import BufferWriter
from httpwire._payload_files import _NOWAIT, READ_CHUNK_SIZE
from httpwire.payload import BytesPayload, StringPayload

from ._mime_check import parse_multipart
from .conftest import Received, Server, reply


async def body_of(writer: MultipartWriter) -> bytes:
    sink = BufferWriter()
    await writer.write(sink)
    return bytes(sink.buffer)


async def test_wire_format_matches_aiohttp_byte_for_byte() -> None:
    with MultipartWriter("mixed", boundary="xyz") as mp:
        mp.append("hello")
        mp.append(b"\x00\x01")
    assert mp.content_type == "multipart/mixed; boundary=xyz"
    assert await body_of(mp) == (
        b"--xyz\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello\r\n"
        b"--xyz\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Length: 2\r\n\r\n\x00\x01\r\n"
        b"--xyz--\r\n"
    )


async def test_size_is_the_number_of_bytes_written() -> None:
    mp = MultipartWriter()
    mp.append("text é")
    mp.append_json({"a": [1, 2]})
    mp.append_form([("k", "v w")])
    inner = MultipartWriter("related")
    inner.append(b"nested")
    mp.append(inner)
    body = await body_of(mp)
    assert mp.size == len(body)
    assert len(mp) == 4


async def test_parts_read_back_with_the_email_parser() -> None:
    mp = MultipartWriter("mixed")
    mp.append_json({"a": 1})
    mp.append_form({"k": "v w"})
    inner = MultipartWriter("alternative")
    inner.append("plain")
    inner.append("<p>html</p>", {"Content-Type": "text/html"})
    mp.append(inner)
    parts = parse_multipart(mp.content_type, await body_of(mp))
    assert json.loads(parts[0].body) == {"a": 1}
    assert parts[0].headers["Content-Type"] == "application/json"
    assert parts[1].body == b"k=v+w"
    assert parts[1].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parts[2].headers["Content-Type"].startswith("multipart/alternative")


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable"])
async def test_transfer_encodings_are_applied_and_size_becomes_unknown(encoding: str) -> None:
    data = bytes(range(256)) * 10 + "é=\r\n".encode()
    mp = MultipartWriter()
    mp.append(data, {"Content-Transfer-Encoding": encoding})
    assert mp.size is None
    body = await body_of(mp)
    (part,) = parse_multipart(mp.content_type, body)
    assert part.body == data
    assert "Content-Length" not in part.headers


async def test_base64_streams_in_whole_groups() -> None:
    async def pieces() -> AsyncIterator[bytes]:
        for chunk in (b"a", b"bc", b"defg", b"h"):
            yield chunk

    mp = MultipartWriter(boundary="b")
    mp.append(pieces(), {"Content-Transfer-Encoding": "base64"})
    body = await body_of(mp)
    assert b"\r\n\r\nYWJjZGVmZ2g=\r\n--b--\r\n" in body


async def test_quoted_printable_pieces_are_joined_by_soft_breaks_with_none_at_the_end() -> None:
    async def pieces() -> AsyncIterator[bytes]:
        for chunk in ("Привет, ".encode(), "мир!".encode()):
            yield chunk

    mp = MultipartWriter(boundary="b")
    mp.append(pieces(), {"Content-Transfer-Encoding": "quoted-printable"})
    body = await body_of(mp)
    encoded = body.split(b"\r\n\r\n", 1)[1].removesuffix(b"\r\n--b--\r\n")
    assert encoded == b"=D0=9F=D1=80=D0=B8=D0=B2=D0=B5=D1=82,=20=\r\n=D0=BC=D0=B8=D1=80!"
    assert binascii.a2b_qp(encoded) == "Привет, мир!".encode()


@pytest.mark.parametrize(
    ("encoding", "decompress"),
    [("gzip", gzip.decompress), ("deflate", lambda b: zlib.decompress(b, -zlib.MAX_WBITS))],
)
async def test_content_encodings_compress_the_part(encoding: str, decompress: object) -> None:
    data = b"compressible " * 1000
    mp = MultipartWriter(boundary="c")
    mp.append(data, {"Content-Encoding": encoding})
    body = await body_of(mp)
    head, _, rest = body.partition(b"\r\n\r\n")
    assert b"Content-Encoding: " + encoding.encode() in head
    compressed = rest[: -len(b"\r\n--c--\r\n")]
    assert len(compressed) < len(data) // 10
    assert decompress(compressed) == data  # type: ignore[operator]


async def test_identity_and_binary_are_no_encoding() -> None:
    mp = MultipartWriter()
    mp.append(b"x", {"Content-Encoding": "identity", "Content-Transfer-Encoding": "binary"})
    assert mp.size == len(await body_of(mp))


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"Content-Encoding": "br"}, "unknown content encoding"),
        ({"Content-Transfer-Encoding": "7bit-ish"}, "unknown content transfer encoding"),
    ],
)
def test_unknown_encodings_are_refused(headers: dict[str, str], message: str) -> None:
    mp = MultipartWriter()
    with pytest.raises(RuntimeError, match=message):
        mp.append(b"x", headers)
    assert len(mp) == 0


def test_cr_lf_in_a_part_header_is_a_value_error_and_adds_nothing() -> None:
    mp = MultipartWriter()
    with pytest.raises(ValueError, match=r"control character.*potential header injection"):
        mp.append("x", {"X-Note": "a\r\nX-Injected: 1"})
    assert len(mp) == 0


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"X-Ok": "fine", "X-Bad": "a\x00b"}, "part header 'X-Bad'"),
        ({"X-Bad\nName": "v"}, "part header name"),
        ({"X-Tab": "a\tb", "X-Del": "\x7f"}, "part header 'X-Del'"),
    ],
)
def test_the_part_header_that_breaks_the_block_is_named(
    headers: dict[str, str], message: str
) -> None:
    mp = MultipartWriter()
    with pytest.raises(ValueError, match=message):
        mp.append("x", headers)
    assert len(mp) == 0
    part = mp.append("x", {"X-Tab": "a\tb"})  # HTAB is allowed in a value
    assert b"X-Tab: a\tb\r\n" in part._binary_headers


async def test_part_headers_changed_after_append_are_what_is_written() -> None:
    with MultipartWriter("mixed", boundary="xyz") as mp:
        part = mp.append("hello")
        before = mp.size
        part.headers["X-Late"] = "1"
        body = await body_of(mp)
        assert b"X-Late: 1\r\n" in body
        assert mp.size == len(body) == before + len(b"X-Late: 1\r\n")
        part.headers["X-Late"] = "bad\r\nInjected: 1"
        with pytest.raises(ValueError, match="part header"):
            await body_of(mp)


async def test_in_memory_chunks_are_exactly_what_write_sends() -> None:
    big = bytes(range(256)) * 1024  # 256 KiB: kept as its own buffer, not copied
    with MultipartWriter("form-data", boundary="b0") as mp:
        for i in range(3):
            mp.append(f"value {i}", {"Content-Disposition": f'form-data; name="f{i}"'})
        mp.append_json({"a": [1, 2]})
        mp.append(big)
        mp.append(bytearray(b"tail"))
        with MultipartWriter("mixed", boundary="inner") as inner:
            inner.append("nested")
            inner.append(memoryview(big))
        mp.append(inner)
    chunks = mp._in_memory_chunks()
    assert chunks is not None
    assert b"".join(chunks) == await body_of(mp)
    assert len(b"".join(chunks)) == mp.size
    assert any(chunk is big for chunk in chunks)


async def test_parts_that_need_io_or_work_have_no_in_memory_chunks(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * (READ_CHUNK_SIZE + 1))  # over one read: streamed from the file

    async def stream() -> AsyncIterator[bytes]:
        yield b"x"

    class Custom(BytesPayload):
        async def write(self, writer: object) -> None:  # type: ignore[override]
            await super().write(writer)  # type: ignore[arg-type]

    with path.open("rb") as file:
        cases = [file, stream(), Custom(b"c")]
        for value in cases:
            with MultipartWriter("mixed") as mp:
                mp.append("ok")
                mp.append(value)
            assert mp._in_memory_chunks() is None
            await mp.close()
    with MultipartWriter("mixed") as mp:
        mp.append("zipped", {"Content-Encoding": "gzip"})
    assert mp._in_memory_chunks() is None


@pytest.mark.skipif(_NOWAIT is None, reason="preadv with RWF_NOWAIT is Linux 4.14+ only")
async def test_a_small_cached_file_part_is_gathered_like_memory(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"file body")
    with path.open("rb") as file, MultipartWriter("form-data", boundary="b1") as mp:
        mp.append("field", {"Content-Disposition": 'form-data; name="a"'})
        mp.append(file)
        chunks = mp._in_memory_chunks()
        assert chunks is not None
        assert b"".join(chunks) == await body_of(mp)
        assert len(b"".join(chunks)) == mp.size
        assert b"\r\n\r\nfile body\r\n--b1--\r\n" in b"".join(chunks)


async def test_a_part_that_overrides_write_is_written_through_it() -> None:
    class Upper(BytesPayload):
        async def write(self, writer: object) -> None:  # type: ignore[override]
            await writer.write(bytes(self.body).upper())  # type: ignore[attr-defined]

    with MultipartWriter("mixed", boundary="xyz") as mp:
        mp.append(Upper(b"small"))
    body = await body_of(mp)
    assert b"\r\n\r\nSMALL\r\n--xyz--\r\n" in body
    assert mp._in_memory_chunks() is None


def test_form_data_parts_get_a_default_name_and_refuse_encodings() -> None:
    mp = MultipartWriter("form-data")
    part = mp.append("v")
    assert part.headers["Content-Disposition"] == 'form-data; name="section-0"'
    assert "Content-Length" not in part.headers
    for header in ("Content-Encoding", "Content-Length", "Content-Transfer-Encoding"):
        with pytest.raises(ValueError, match="RFC 7578"):
            mp.append("v", {header: "gzip"})
    assert len(mp) == 1


@pytest.mark.parametrize(
    ("boundary", "value"),
    [("simple-123", "simple-123"), ("has space", '"has space"'), ('q"\\', '"q\\"\\\\"')],
)
def test_boundary_is_quoted_when_it_is_not_a_token(boundary: str, value: str) -> None:
    assert MultipartWriter(boundary=boundary).content_type == f"multipart/mixed; boundary={value}"


def test_bad_boundaries_are_value_errors() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        MultipartWriter(boundary="é")
    with pytest.raises(ValueError, match="invalid characters"):
        MultipartWriter(boundary="a\r\nb")


def test_default_boundary_is_random() -> None:
    assert MultipartWriter().boundary != MultipartWriter().boundary


def test_append_refuses_unknown_types_and_bad_forms() -> None:
    mp = MultipartWriter()
    with pytest.raises(TypeError, match="Cannot create payload"):
        mp.append(object())
    with pytest.raises(TypeError, match="mapping or pairs"):
        mp.append_form("k=v")  # type: ignore[arg-type]


def test_decode_is_the_body_as_text() -> None:
    mp = MultipartWriter(boundary="d")
    mp.append(StringPayload("hi"))
    assert mp.decode() == (
        "--d\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nhi\r\n--d--\r\n"
    )


async def test_close_closes_file_parts_and_consumes(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"data")
    fh = path.open("rb")
    mp = MultipartWriter()
    mp.append(fh)
    mp.append(BytesPayload(b"x"))
    assert mp.reusable
    await mp.close()
    assert fh.closed
    assert mp.consumed
    assert not mp.reusable


async def test_close_goes_on_past_a_part_that_fails_and_logs_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class Failing(BytesPayload):
        _autoclose = False

        async def close(self) -> None:
            raise OSError("disk gone")

    path = tmp_path / "f.bin"
    path.write_bytes(b"data")
    fh = path.open("rb")
    mp = MultipartWriter()
    mp.append(Failing(b"x"))
    mp.append(fh)
    with caplog.at_level("ERROR", logger="httpwire.client"):
        await mp.close()
    assert fh.closed
    assert mp.consumed
    assert "Failed to close multipart part 0: disk gone" in caplog.text


async def test_stream_part_goes_out_chunked_and_is_not_replayable(server: Server) -> None:
    async def ok(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"ok")

    server.route("/up")(ok)

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(5):
            yield b"%d" % i * 1000

    mp = MultipartWriter("mixed")
    mp.append(chunks())
    mp.append("tail")
    assert mp.size is None
    async with ClientSession() as session, session.post(server.url("/up"), data=mp) as resp:
        assert resp.status == 200
    received = server.requests[-1]
    assert received.headers["Transfer-Encoding"] == "chunked"
    parts = parse_multipart(received.headers["Content-Type"], received.body)
    assert parts[0].body == b"".join(b"%d" % i * 1000 for i in range(5))
    assert parts[1].body == b"tail"
    assert not mp.reusable
