"""FormData: urlencoded or multipart as its fields need, checked on the wire by a real server."""

from __future__ import annotations

import asyncio
import io
import warnings
from pathlib import Path

import pytest
from multidict import MultiDict

import httpwire
from httpwire import ClientSession, FormData, MultipartWriter
from httpwire.payload import BytesPayload

from ._mime_check import parse_multipart
from .conftest import Received, Server, reply


@pytest.fixture
def capture(server: Server) -> Server:
    async def ok(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"ok")

    server.route("/form")(ok)
    return server


async def post(server: Server, data: object) -> Received:
    async with ClientSession() as session, session.post(server.url("/form"), data=data) as resp:
        assert resp.status == 200
        await resp.read()
    return server.requests[-1]


def test_plain_fields_are_urlencoded() -> None:
    form = FormData({"a": "1", "b": "x y&z"})
    assert not form.is_multipart
    payload = form()
    assert isinstance(payload, BytesPayload)
    assert payload.content_type == "application/x-www-form-urlencoded"
    assert payload.decode() == "a=1&b=x+y%26z"


def test_numbers_and_lists_are_urlencoded_like_aiohttp() -> None:
    form = FormData([("n", 1), ("f", 1.5), ("many", ["x", "y"])])
    assert form().decode() == "n=1&f=1.5&many=x&many=y"


def test_charset_encodes_the_urlencoded_form_and_is_named() -> None:
    payload = FormData({"name": "é"}, charset="latin-1")()
    assert payload.content_type == "application/x-www-form-urlencoded; charset=latin-1"
    assert payload.decode() == "name=%E9"


@pytest.mark.parametrize(
    "fields",
    [MultiDict([("a", "1"), ("a", "2")]), [("a", "1"), ("a", "2")], (("a", "1"), ("a", "2"))],
    ids=["multidict", "list", "tuple"],
)
def test_fields_accepts_multidicts_and_pairs(fields: object) -> None:
    assert FormData(fields)().decode() == "a=1&a=2"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [({"filename": "a.txt"}, "filename"), ({"content_type": "text/csv"}, "content_type")],
)
def test_filename_or_content_type_makes_it_multipart(kwargs: dict[str, str], reason: str) -> None:
    form = FormData()
    form.add_field("f", "data", **kwargs)
    assert form.is_multipart, reason
    assert isinstance(form(), MultipartWriter)


def test_file_object_makes_it_multipart_and_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n")
    with path.open("rb") as fh:
        form = FormData([fh])
        assert form.is_multipart
        writer = form()
        assert isinstance(writer, MultipartWriter)
        ((part, _, _),) = list(writer)
        disposition = part.headers["Content-Disposition"]
        assert disposition == 'form-data; name="report.csv"; filename="report.csv"'
        assert part.headers["Content-Type"] == "text/csv"


def test_bytes_value_is_a_file_named_after_the_field_with_a_warning() -> None:
    form = FormData()
    with pytest.warns(DeprecationWarning, match="passing bytes"):
        form.add_field("blob", b"\x00\x01")
    assert form.is_multipart
    ((part, _, _),) = list(form())  # type: ignore[call-overload]
    assert part.headers["Content-Disposition"] == 'form-data; name="blob"; filename="blob"'


def test_default_to_multipart() -> None:
    form = FormData({"a": "1"}, default_to_multipart=True)
    assert form.is_multipart
    assert form().content_type.startswith("multipart/form-data; boundary=")


def test_calling_twice_gives_the_same_writer() -> None:
    form = FormData()
    form.add_field("a", "1", content_type="text/plain")
    assert form() is form()


def test_quote_fields_percent_encodes_filenames_and_escapes_names() -> None:
    form = FormData()
    form.add_field('na"me', "v", filename="résumé 1.txt")
    ((part, _, _),) = list(form())  # type: ignore[call-overload]
    assert part.headers["Content-Disposition"] == (
        'form-data; name="na\\"me"; filename="r%C3%A9sum%C3%A9%201.txt"'
    )


def test_quote_fields_false_sends_raw_utf8_in_quotes() -> None:
    form = FormData(quote_fields=False)
    form.add_field("name", "v", filename="résumé.txt")
    ((part, _, _),) = list(form())  # type: ignore[call-overload]
    assert part.headers["Content-Disposition"] == 'form-data; name="name"; filename="résumé.txt"'


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("bad\r\nX-Injected: 1", {}),
        ("ok", {"filename": "evil\r\n.txt"}),
        ("ok", {"content_type": "text/plain\r\nX-Injected: 1"}),
        ("ok", {"filename": "nul\x00.txt"}),
    ],
    ids=["name", "filename", "content_type", "nul"],
)
def test_cr_lf_in_a_part_header_is_a_value_error(name: str, kwargs: dict[str, str]) -> None:
    form = FormData()
    with pytest.raises(ValueError, match="control character"):
        form.add_field(name, "v", **kwargs)
    assert list(form._fields) == []


@pytest.mark.parametrize(
    "kwargs", [{"filename": 1}, {"content_type": b"text/plain"}], ids=["filename", "content_type"]
)
def test_non_str_filename_or_content_type_is_a_type_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError, match="must be an instance of str"):
        FormData().add_field("a", "v", **kwargs)  # type: ignore[arg-type]


def test_add_fields_refuses_anything_else() -> None:
    with pytest.raises(TypeError, match=r"Only io\.IOBase, multidict and"):
        FormData().add_fields("just a string")
    with pytest.raises(TypeError, match=r"Only io\.IOBase"):
        FormData([("a", "1", "extra")])


def test_an_object_value_is_a_type_error_naming_its_type() -> None:
    with pytest.raises(TypeError, match="'object'"):
        FormData({"a": object()})()
    form = FormData()
    form.add_field("a", object(), content_type="application/x-thing")
    with pytest.raises(TypeError, match="'object'"):
        form()


async def test_urlencoded_form_on_the_wire(capture: Server) -> None:
    received = await post(capture, FormData({"q": "a b", "lang": "fr"}))
    assert received.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert received.headers["Content-Length"] == str(len(received.body))
    assert received.body == b"q=a+b&lang=fr"


async def test_multipart_form_on_the_wire_reads_back_with_the_email_parser(
    capture: Server, tmp_path: Path
) -> None:
    path = tmp_path / "photo.png"
    image = bytes(range(256)) * 300
    path.write_bytes(image)
    with path.open("rb") as fh:
        form = FormData()
        form.add_field("title", "Hé là")
        form.add_field("photo", fh)
        form.add_field("meta", io.BytesIO(b'{"k": 1}'), content_type="application/json")
        form.add_field("note", io.StringIO("line\r\n--not a boundary\r\n"), filename="n.txt")
        received = await post(capture, form)
    content_type = received.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    assert "Transfer-Encoding" not in received.headers
    assert received.headers["Content-Length"] == str(len(received.body))
    parts = parse_multipart(content_type, received.body)
    assert [(p.name, p.filename) for p in parts] == [
        ("title", None),
        ("photo", "photo.png"),
        ("meta", "meta"),
        ("note", "n.txt"),
    ]
    assert parts[0].body == "Hé là".encode()
    assert b"\r\nContent-Type: text/plain; charset=utf-8\r\n" in received.body
    assert parts[1].body == image
    assert parts[1].headers["Content-Type"] == "image/png"
    assert parts[2].body == b'{"k": 1}'
    assert parts[2].headers["Content-Type"] == "application/json"
    assert parts[3].body == b"line\r\n--not a boundary\r\n"
    assert all("Content-Length" not in p.headers for p in parts)


async def test_dict_data_posts_urlencoded(capture: Server) -> None:
    received = await post(capture, {"a": "1"})
    assert received.body == b"a=1"


async def test_multipart_form_is_resent_on_307(server: Server) -> None:
    async def moved(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(307, b"", {"Location": "/form"})

    async def ok(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"ok")

    server.route("/old")(moved)
    server.route("/form")(ok)
    form = FormData()
    form.add_field("a", "1", filename="a.txt")
    async with ClientSession() as session, session.post(server.url("/old"), data=form) as resp:
        assert resp.status == 200
    first, second = server.requests
    assert first.body == second.body
    assert [p.name for p in parse_multipart(second.headers["Content-Type"], second.body)] == ["a"]


def test_formdata_is_exported_by_identity() -> None:
    from httpwire import formdata

    assert httpwire.FormData is formdata.FormData
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FormData({"a": "1"})()
