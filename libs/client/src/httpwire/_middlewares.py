"""Client middlewares (aiohttp 3.12+): functions wrapped around the sending of each request.

A middleware gets the request of one hop and the handler that sends it, and returns a response:
it may change the request (headers, body), call the handler again (to retry or to answer an
authentication challenge), or return a response of its own making.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeAlias

from ._reqrep import ClientRequest, ClientResponse

__all__ = ["ClientHandlerType", "ClientMiddlewareType"]

#: Sends a request and returns its response (the next middleware, or the connection itself).
ClientHandlerType: TypeAlias = Callable[[ClientRequest], Awaitable[ClientResponse]]

#: ``async def middleware(request, handler) -> ClientResponse``.
ClientMiddlewareType: TypeAlias = Callable[
    [ClientRequest, ClientHandlerType], Awaitable[ClientResponse]
]


def chain(
    handler: ClientHandlerType, middlewares: Sequence[ClientMiddlewareType]
) -> ClientHandlerType:
    """``handler`` wrapped by ``middlewares``, the first of them outermost (it runs first)."""
    for middleware in reversed(middlewares):
        handler = _wrap(middleware, handler)
    return handler


def _wrap(middleware: ClientMiddlewareType, following: ClientHandlerType) -> ClientHandlerType:
    async def wrapped(request: ClientRequest) -> ClientResponse:
        return await middleware(request, following)

    return wrapped
