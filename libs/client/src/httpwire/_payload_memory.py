"""Payloads whose bytes are in memory already: bytes-likes, text and JSON documents.

They know their size, can be written any number of times, and go out in one write, so a small
request leaves in a single transport write together with its head.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

from ._mime import charset_of
from ._payload_base import HeadersLike, Payload
from .abc import AbstractStreamWriter

__all__: list[str] = []

JSONEncoder = Callable[[Any], str]
JSONBytesEncoder = Callable[[Any], bytes]


#: Above this size a bytes body emits aiohttp's ``ResourceWarning`` (1 MiB, as aiohttp).
TOO_LARGE_BYTES_BODY = 2**20


class BytesPayload(Payload):
    """A body already in memory: ``bytes``, ``bytearray`` or ``memoryview``.

    Its Content-Type is ``application/octet-stream`` unless given, even with a ``filename``
    (aiohttp does not guess one for bytes). Over 1 MiB it emits aiohttp's ``ResourceWarning``
    (hidden by default), which code written for aiohttp may test for; httpwire itself hands such
    a body to the transport without copying it.
    """

    _autoclose = True
    _size: int

    def __init__(
        self,
        value: bytes | bytearray | memoryview,
        headers: HeadersLike | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        if isinstance(value, (bytes, bytearray)):
            self._size = len(value)
        elif isinstance(value, memoryview):
            self._size = value.nbytes
        else:
            raise TypeError(f"value argument must be bytes-like, not {type(value).__name__!r}")
        if self._size > TOO_LARGE_BYTES_BODY:
            warnings.warn(
                "Sending a large body directly with raw bytes might lock the event loop. "
                "You should probably pass an io.BytesIO object instead",
                ResourceWarning,
                source=self,
                stacklevel=2,
            )
        super().__init__(
            value,
            headers=headers,
            content_type=content_type or "application/octet-stream",
            filename=filename,
            encoding=encoding,
        )

    @property
    def body(self) -> bytes | bytearray | memoryview:
        """The bytes to send, as given (the request writer sends them in one write)."""
        value: bytes | bytearray | memoryview = self._value
        return value

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write the bytes in one piece."""
        await writer.write(self._value)

    def _in_memory_chunks(self) -> list[bytes | bytearray | memoryview] | None:
        """The bytes themselves (unless a subclass writes something else)."""
        if type(self).write is not BytesPayload.write:
            return None
        value = self._value
        if isinstance(value, (bytes, bytearray)):
            return [value]
        return [memoryview(value).cast("B")]

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        """Write the bytes, or their first ``content_length``, in one piece without copying."""
        if content_length is None or content_length >= self._size:
            await writer.write(self._value)
        else:
            await writer.write(memoryview(self._value).cast("B")[:content_length])

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The bytes decoded with ``encoding``."""
        return bytes(self._value).decode(encoding, errors)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The bytes themselves."""
        return bytes(self._value)


class StringPayload(BytesPayload):
    """Text, encoded with ``encoding``, else the charset ``content_type`` names, else UTF-8.

    Without a ``content_type`` it is ``text/plain; charset=<encoding>``.
    """

    def __init__(
        self,
        value: str,
        headers: HeadersLike | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        if not isinstance(value, str):
            raise TypeError(f"value argument must be str, not {type(value).__name__!r}")
        if encoding is None:
            encoding = (charset_of(content_type) if content_type else None) or "utf-8"
        if content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(
            value.encode(encoding),
            headers=headers,
            content_type=content_type,
            filename=filename,
            encoding=encoding,
        )


class JsonPayload(BytesPayload):
    """A JSON document serialized by ``dumps`` (the session's ``json_serialize``)."""

    def __init__(
        self,
        value: Any,
        encoding: str = "utf-8",
        content_type: str = "application/json",
        dumps: JSONEncoder = json.dumps,
        headers: HeadersLike | None = None,
        filename: str | None = None,
    ) -> None:
        text = dumps(value)
        if not isinstance(text, str):
            raise TypeError(f"json_serialize must return str, got {type(text).__name__!r}")
        super().__init__(
            text.encode(encoding),
            headers=headers,
            content_type=content_type,
            filename=filename,
            encoding=encoding,
        )


class JsonBytesPayload(BytesPayload):
    """A JSON document serialized straight to bytes by ``dumps`` (``orjson.dumps`` and the like).

    What aiohttp 3.14's ``json_serialize_bytes`` produces: no decode and re-encode of the text.
    """

    def __init__(
        self,
        value: Any,
        dumps: JSONBytesEncoder,
        content_type: str = "application/json",
        headers: HeadersLike | None = None,
        filename: str | None = None,
    ) -> None:
        data = dumps(value)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"json_serialize_bytes must return bytes, got {type(data).__name__!r}")
        super().__init__(data, headers=headers, content_type=content_type, filename=filename)
