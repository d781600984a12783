"""The objects ``session.get()`` and ``httpwire.request()`` return: awaitable and ``async with``.

``await session.get(url)`` gives the response; ``async with session.get(url) as resp`` also
releases it on the way out. The module-level ``request()`` owns a session and closes it too.
"""

from __future__ import annotations

from collections.abc import Coroutine, Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ._reqrep import ClientResponse
    from ._session import ClientSession

__all__: list[str] = []

_T = TypeVar("_T")


class _BaseRequestContextManager(Coroutine[Any, Any, _T], Generic[_T]):
    """Wraps the request coroutine so it can be awaited or entered with ``async with``."""

    __slots__ = ("_coro", "_resp")

    def __init__(self, coro: Coroutine[Any, None, _T]) -> None:
        self._coro = coro

    def send(self, arg: None) -> Any:
        """Coroutine protocol: forward to the request coroutine."""
        return self._coro.send(arg)

    def throw(self, *args: Any, **kwargs: Any) -> Any:
        """Coroutine protocol: forward to the request coroutine."""
        return self._coro.throw(*args, **kwargs)

    def close(self) -> None:
        """Coroutine protocol: close the request coroutine (it was never awaited)."""
        self._coro.close()

    def __await__(self) -> Generator[Any, None, _T]:
        return self._coro.__await__()

    def __iter__(self) -> Generator[Any, None, _T]:
        return self.__await__()

    async def __aenter__(self) -> _T:
        self._resp: _T = await self._coro
        return await self._resp.__aenter__()  # type: ignore[attr-defined, no-any-return]

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._resp.__aexit__(exc_type, exc, tb)  # type: ignore[attr-defined]


class _RequestContextManager(_BaseRequestContextManager["ClientResponse"]):
    """What ``session.request()`` and the verb methods return."""

    __slots__ = ()


class _SessionRequestContextManager:
    """What module-level ``httpwire.request()`` returns: the response and its own session."""

    __slots__ = ("_coro", "_resp", "_session")

    def __init__(self, coro: Coroutine[Any, None, ClientResponse], session: ClientSession) -> None:
        self._coro = coro
        self._resp: ClientResponse | None = None
        self._session = session

    async def __aenter__(self) -> ClientResponse:
        try:
            self._resp = await self._coro
        except BaseException:
            await self._session.close()
            raise
        return self._resp

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._resp is not None
        self._resp.close()
        await self._session.close()
