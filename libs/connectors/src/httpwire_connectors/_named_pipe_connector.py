"""``NamedPipeConnector``: every connection goes to one Windows named pipe.

Named pipes exist only with the proactor event loop on Windows, and the connector refuses any
other loop with aiohttp's ``RuntimeError``. Connections are opened with the loop's public
``create_pipe_connection``; pooling, limits and errors are those of every connector.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ._connector import _SENTINEL, BaseConnector
from ._interfaces import ConnectionProtocol, RequestLike, TimeoutLike, TraceLike
from ._loop import pick_loop
from .exceptions import ClientConnectorError

__all__ = ["NamedPipeConnector"]


class NamedPipeConnector(BaseConnector):
    """Connects every request to the named pipe ``path`` (``r"\\\\.\\pipe\\name"``)."""

    allowed_protocol_schema_set = BaseConnector.allowed_protocol_schema_set | {"npipe"}

    def __init__(
        self,
        path: str,
        force_close: bool = False,
        keepalive_timeout: float | object | None = _SENTINEL,
        limit: int | None = 100,
        limit_per_host: int | None = 0,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        proactor: Any = getattr(asyncio, "ProactorEventLoop", None)
        # Checked before the pool exists, so a refused connector leaves nothing to close.
        if proactor is None or not isinstance(pick_loop("NamedPipeConnector", loop), proactor):
            raise RuntimeError("Named Pipes only available in proactor loop under windows")
        if not isinstance(path, str):
            raise TypeError(f"path must be a str, got {path!r}")
        self._path = path
        super().__init__(
            force_close=force_close,
            keepalive_timeout=keepalive_timeout,
            limit=limit,
            limit_per_host=limit_per_host,
            loop=loop,
        )

    @property
    def path(self) -> str:
        """The path of the named pipe."""
        return self._path

    async def _create_connection(
        self, req: RequestLike, traces: list[TraceLike], timeout: TimeoutLike | None
    ) -> ConnectionProtocol:
        key = req.connection_key
        loop: Any = self._loop

        async def opening() -> Any:
            _, protocol = await loop.create_pipe_connection(self._asyncio_factory, self._path)
            # The proactor reports the connection before connection_made has run.
            await asyncio.sleep(0)
            return protocol

        return await self._open_endpoint(
            opening,
            timeout,
            f"Connection timeout to named pipe {self._path}",
            lambda exc: ClientConnectorError(key, exc),
        )


NamedPipeConnector.__module__ = "httpwire_connectors"
