"""Request bodies: one :class:`Payload` per kind of ``data``, each knowing its size, its default
headers and how to write itself to an :class:`~httpwire.abc.AbstractStreamWriter`.

The session turns ``data=`` and ``json=`` into a payload with :func:`get_payload`; the payload's
``size`` decides between Content-Length and chunked framing, and ``reusable`` whether a redirect
or a retry may send it again.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

from multidict import CIMultiDict

from .abc import AbstractStreamWriter

__all__ = [
    "BytesPayload",
    "JsonPayload",
    "Payload",
    "StringPayload",
    "get_payload",
]

JSONEncoder = Callable[[Any], str]


def _charset_of(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type value, lower-cased, if present."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower() or None
    return None


class Payload(ABC):
    """A request body: its value, size (``None`` when unknown), headers and how to write it.

    ``headers`` holds the Content-Type the body implies (and, for form parts, its
    Content-Disposition); the request adds whichever the user did not set. ``reusable`` is true
    when :meth:`write` can run again with the same result (bytes, text, JSON); a one-shot stream
    is not, so a redirect that needs to resend it fails instead of sending an empty body.
    """

    _default_content_type: str = "application/octet-stream"
    _size: int | None = None
    reusable: bool = True

    def __init__(
        self,
        value: Any,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        self._value = value
        self._encoding = encoding
        self._filename = filename
        self._headers: CIMultiDict[str] = CIMultiDict(headers or ())
        if content_type is not None:
            self._headers["Content-Type"] = content_type
        elif "Content-Type" not in self._headers:
            self._headers["Content-Type"] = self._default_content_type

    @property
    def size(self) -> int | None:
        """The body's length in bytes, or ``None`` when only writing it tells (chunked)."""
        return self._size

    @property
    def filename(self) -> str | None:
        """The file name a form part sends in its Content-Disposition, if any."""
        return self._filename

    @property
    def headers(self) -> CIMultiDict[str]:
        """The headers this body implies (Content-Type, Content-Disposition for form parts)."""
        return self._headers

    @property
    def encoding(self) -> str | None:
        """The charset text was encoded with, if the body came from text."""
        return self._encoding

    @property
    def content_type(self) -> str:
        """The body's Content-Type value."""
        return self._headers["Content-Type"]

    @property
    def value(self) -> Any:
        """What the payload was built from."""
        return self._value

    @abstractmethod
    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write the whole body to ``writer`` (which frames it and waits while it is full)."""

    @abstractmethod
    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The body as text (for logging and tests); streams that cannot tell raise TypeError."""

    async def close(self) -> None:  # noqa: B027 - a no-op unless the body holds a resource
        """Release what the payload holds open (files); a no-op for in-memory bodies."""


class BytesPayload(Payload):
    """A body already in memory: ``bytes``, ``bytearray`` or ``memoryview``."""

    def __init__(self, value: bytes | bytearray | memoryview, **kwargs: Any) -> None:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError(f"value argument must be bytes-like, not {type(value).__name__!r}")
        if isinstance(value, memoryview):
            self._size = value.nbytes
        else:
            self._size = len(value)
        super().__init__(value, **kwargs)

    @property
    def body(self) -> bytes | bytearray | memoryview:
        """The bytes to send, as given (the request writer sends them in one write)."""
        value: bytes | bytearray | memoryview = self._value
        return value

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write the bytes in one piece."""
        await writer.write(self._value)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The bytes decoded with ``encoding``."""
        return bytes(self._value).decode(encoding, errors)


class StringPayload(BytesPayload):
    """Text, encoded with the charset of ``content_type`` when it names one, else UTF-8."""

    _default_content_type = "text/plain; charset=utf-8"

    def __init__(
        self,
        value: str,
        *,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(value, str):
            raise TypeError(f"value argument must be str, not {type(value).__name__!r}")
        if encoding is None:
            encoding = (_charset_of(content_type) if content_type else None) or "utf-8"
            if content_type is None:
                content_type = f"text/plain; charset={encoding}"
        elif content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(
            value.encode(encoding), encoding=encoding, content_type=content_type, **kwargs
        )


class JsonPayload(BytesPayload):
    """A JSON document serialized by ``dumps`` (the session's ``json_serialize``)."""

    def __init__(
        self,
        value: Any,
        encoding: str = "utf-8",
        content_type: str = "application/json",
        dumps: JSONEncoder = json.dumps,
        **kwargs: Any,
    ) -> None:
        text = dumps(value)
        if not isinstance(text, str):
            raise TypeError(f"json_serialize must return str, got {type(text).__name__!r}")
        super().__init__(
            text.encode(encoding), content_type=content_type, encoding=encoding, **kwargs
        )


def get_payload(data: Any, **kwargs: Any) -> Payload:
    """The payload for ``data``: a :class:`Payload` as is, bytes-likes and text wrapped.

    Raises :class:`TypeError` naming the type for anything it has no payload kind for.
    """
    if isinstance(data, Payload):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        return BytesPayload(data, **kwargs)
    if isinstance(data, str):
        return StringPayload(data, **kwargs)
    raise TypeError(f"data type {type(data).__name__!r} is not supported as a request body")
