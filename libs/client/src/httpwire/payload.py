"""Request bodies: one :class:`Payload` per kind of ``data``, each knowing its size, its default
headers and how to write itself to an :class:`~httpwire.abc.AbstractStreamWriter`.

The session turns ``data=`` into a payload with :func:`get_payload` (``json=`` into a
:class:`JsonPayload`); the payload's ``size`` decides between Content-Length and chunked framing,
and ``reusable`` whether a redirect or a retry may send it again. :data:`PAYLOAD_REGISTRY` and
:func:`payload_type` let an application add kinds of its own, as in aiohttp.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterable, Callable, Iterator
from typing import Any, TypeVar

from ._multipart_reader import BodyPartReader
from ._payload_base import Order, Payload, PayloadRegistry
from ._payload_files import (
    BufferedReaderPayload,
    BytesIOPayload,
    IOBasePayload,
    StringIOPayload,
    TextIOPayload,
)
from ._payload_memory import BytesPayload, JsonBytesPayload, JsonPayload, StringPayload
from ._payload_parts import BodyPartReaderPayload
from ._payload_streams import AsyncIterablePayload, IterablePayload, StreamReaderPayload
from .payload_streamer import StreamWrapperPayload, _stream_wrapper, streamer
from .streams import StreamReader

__all__ = [
    "PAYLOAD_REGISTRY",
    "AsyncIterablePayload",
    "BufferedReaderPayload",
    "BytesIOPayload",
    "BytesPayload",
    "IOBasePayload",
    "IterablePayload",
    "JsonBytesPayload",
    "JsonPayload",
    "Payload",
    "StreamReaderPayload",
    "StringIOPayload",
    "StringPayload",
    "TextIOPayload",
    "get_payload",
    "payload_type",
]

#: The registry :func:`get_payload` consults.
PAYLOAD_REGISTRY = PayloadRegistry()

_P = TypeVar("_P", bound=type[Payload])


def get_payload(data: Any, *args: Any, **kwargs: Any) -> Payload:
    """The payload for ``data`` (a :class:`Payload` as is).

    Raises :class:`PayloadLookupError` (a :class:`TypeError` and a :class:`LookupError`)
    naming the type when no registered kind handles it.
    """
    return PAYLOAD_REGISTRY.get(data, *args, **kwargs)


def register_payload(
    factory: Callable[..., Payload], type: Any, *, order: Order = Order.normal
) -> None:
    """Make ``factory`` build the payload of values of ``type`` in :data:`PAYLOAD_REGISTRY`."""
    PAYLOAD_REGISTRY.register(factory, type, order=order)


class payload_type:
    """Class decorator registering a :class:`Payload` subclass for values of ``type``."""

    def __init__(self, type: Any, *, order: Order = Order.normal) -> None:
        self.type = type
        self.order = order

    def __call__(self, factory: _P) -> _P:
        register_payload(factory, self.type, order=self.order)
        return factory


register_payload(BodyPartReaderPayload, BodyPartReader, order=Order.try_first)
register_payload(BytesPayload, (bytes, bytearray, memoryview))
register_payload(StringPayload, str)
register_payload(StringIOPayload, io.StringIO)
register_payload(TextIOPayload, io.TextIOBase)
register_payload(BytesIOPayload, io.BytesIO)
register_payload(BufferedReaderPayload, (io.BufferedReader, io.BufferedRandom))
register_payload(IOBasePayload, io.IOBase)
register_payload(StreamReaderPayload, StreamReader)
register_payload(AsyncIterablePayload, AsyncIterable, order=Order.try_last)
# Generators and other one-shot iterators; dicts, lists and tuples are form fields instead.
register_payload(IterablePayload, Iterator, order=Order.try_last)
register_payload(StreamWrapperPayload, (_stream_wrapper, streamer))
