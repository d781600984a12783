"""``@streamer`` (aiohttp's ``payload_streamer`` module): the deprecated coroutine-written body.

The decorated ``async def f(writer, *args, **kwargs)`` is called with the body's writer and
writes the body itself (``await writer.write(chunk)``). It is kept so that code written for it
runs; an async generator passed as ``data=`` is the modern form (``DeprecationWarning``).
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from ._payload_base import Payload
from .abc import AbstractStreamWriter
from .exceptions import ClientPayloadError

__all__ = ["streamer"]

_Writer = Callable[..., Awaitable[None]]


class _stream_wrapper:
    """A ``@streamer`` coroutine bound to its arguments, waiting for the writer."""

    def __init__(self, coro: _Writer, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.coro = coro
        self.args = args
        self.kwargs = kwargs

    async def __call__(self, writer: AbstractStreamWriter) -> None:
        await self.coro(writer, *self.args, **self.kwargs)


class streamer:
    """Decorator: ``f(*args)`` then gives a body that ``f(writer, *args)`` writes."""

    def __init__(self, coro: _Writer) -> None:
        warnings.warn(
            "@streamer is deprecated, use async generators instead",
            DeprecationWarning,
            stacklevel=2,
        )
        self.coro = coro

    def __call__(self, *args: Any, **kwargs: Any) -> _stream_wrapper:
        return _stream_wrapper(self.coro, args, kwargs)


class StreamWrapperPayload(Payload):
    """The body a ``@streamer`` coroutine writes: size unknown (chunked), written once."""

    def __init__(self, value: _stream_wrapper | streamer, *args: Any, **kwargs: Any) -> None:
        if isinstance(value, streamer):  # the decorated function itself, called without args
            value = value()
        super().__init__(value, *args, **kwargs)

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Run the coroutine with ``writer``; a second write is refused (nothing to replay)."""
        if self._consumed:
            raise ClientPayloadError("the streamed request body was already sent")
        self._consumed = True
        await self._value(writer)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """A body produced while it is sent cannot be shown."""
        raise TypeError("Unable to decode.")
