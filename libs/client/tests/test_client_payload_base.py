"""The Payload base class: what a subclass written for aiohttp gets without overriding."""

from __future__ import annotations

from typing import Any

from multidict import CIMultiDict

from httpwire import ClientSession
from httpwire.abc import AbstractStreamWriter
from httpwire.payload import Payload

from .conftest import Server, reply


class TextOnly(Payload):
    """A payload that, like older code written for aiohttp, only knows its text."""

    def __init__(self, text: str, **kwargs: Any) -> None:
        super().__init__(text, headers=CIMultiDict(), **kwargs)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return str(self._value)

    async def write(self, writer: AbstractStreamWriter) -> None:
        await writer.write(await self.as_bytes())


async def test_as_bytes_encodes_decode_with_the_given_encoding() -> None:
    assert await TextOnly("café").as_bytes() == "café".encode()
    assert await TextOnly("café").as_bytes(encoding="utf-16") == "café".encode("utf-16")


async def test_as_bytes_prefers_the_payloads_own_encoding() -> None:
    payload = TextOnly("café", encoding="latin-1")
    assert await payload.as_bytes() == b"caf\xe9"
    assert await payload.as_bytes(encoding="utf-8") == b"caf\xe9"


async def test_such_a_payload_is_sent(server: Server) -> None:
    server.answer("/echo", reply(200, b"ok"))
    async with (
        ClientSession() as session,
        session.post(server.url("/echo"), data=TextOnly("hé")) as resp,
    ):
        assert resp.status == 200
    assert server.requests[-1].body == "hé".encode()
