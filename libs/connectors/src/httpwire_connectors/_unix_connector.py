"""``UnixConnector``: every connection goes to one Unix domain socket."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from ._connector import _SENTINEL, BaseConnector
from ._interfaces import ConnectionProtocol, ProtocolFactory, RequestLike, TimeoutLike, TraceLike
from .exceptions import UnixClientConnectorError

__all__ = ["UnixConnector"]


class UnixConnector(BaseConnector):
    """Connects every request to one Unix domain socket, whatever the URL's host.

    Handy for local daemons (Docker, systemd services) and for tests. As in aiohttp, ``path``
    up to ``loop`` may be given by position.
    """

    allowed_protocol_schema_set = BaseConnector.allowed_protocol_schema_set | {"unix"}

    def __init__(
        self,
        path: str | os.PathLike[str],
        force_close: bool = False,
        keepalive_timeout: float | object | None = _SENTINEL,
        limit: int | None = 100,
        limit_per_host: int | None = 0,
        loop: asyncio.AbstractEventLoop | None = None,
        *,
        enable_cleanup_closed: bool = False,
        timeout_ceil_threshold: float = 5,
        protocol_factory: ProtocolFactory | None = None,
    ) -> None:
        if not isinstance(path, str | bytes | os.PathLike):
            raise TypeError(f"path must be a str or path-like, got {path!r}")
        self._path = os.fsdecode(path)
        super().__init__(
            keepalive_timeout=keepalive_timeout,
            force_close=force_close,
            limit=limit,
            limit_per_host=limit_per_host,
            enable_cleanup_closed=enable_cleanup_closed,
            loop=loop,
            timeout_ceil_threshold=timeout_ceil_threshold,
            protocol_factory=protocol_factory,
        )

    @property
    def path(self) -> str:
        """The path of the Unix socket."""
        return self._path

    async def _create_connection(
        self, req: RequestLike, traces: list[TraceLike], timeout: TimeoutLike | None
    ) -> ConnectionProtocol:
        key = req.connection_key

        async def opening() -> Any:
            return (await self._loop.create_unix_connection(self._asyncio_factory, self._path))[1]

        return await self._open_endpoint(
            opening,
            timeout,
            f"Connection timeout to unix socket {self._path}",
            lambda exc: UnixClientConnectorError(self._path, key, exc),
        )


UnixConnector.__module__ = "httpwire_connectors"
