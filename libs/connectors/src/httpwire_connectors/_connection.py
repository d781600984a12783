"""``Connection``: one transport handed out by a connector, until it is released or closed."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._connector import BaseConnector
    from ._interfaces import ConnectionKey, ConnectionProtocol

__all__ = ["Connection"]


class Connection:
    """A connection obtained from :meth:`BaseConnector.connect`; never built by hand.

    :meth:`release` gives it back to the pool (which keeps it only when the protocol's
    ``should_close`` is false and the connector allows keep-alive); :meth:`close` always closes
    it; :meth:`detach` stops the connector from counting or closing it.
    """

    __slots__ = ("__weakref__", "_callbacks", "_connector", "_key", "_loop", "_protocol", "_reused")

    def __init__(
        self,
        connector: BaseConnector,
        key: ConnectionKey,
        protocol: ConnectionProtocol,
        loop: asyncio.AbstractEventLoop,
        reused: bool = False,
    ) -> None:
        self._connector = connector
        self._key = key
        self._protocol: ConnectionProtocol | None = protocol
        self._loop = loop
        self._reused = reused
        self._callbacks: list[Callable[[], None]] = []

    def __repr__(self) -> str:
        state = "closed" if self._protocol is None else "open"
        return f"<Connection {self._key.host}:{self._key.port} {state}>"

    def __del__(self, _warnings: Any = warnings) -> None:
        protocol = self._protocol
        if protocol is None:
            return
        _warnings.warn(f"Unclosed connection {self!r}", ResourceWarning, source=self)
        self._protocol = None
        if self._loop.is_closed():
            return
        self._connector._release(self._key, protocol, should_close=True)
        self._loop.call_exception_handler(
            {"message": "Unclosed connection", "client_connection": self}
        )

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop the connection belongs to."""
        return self._loop

    @property
    def key(self) -> ConnectionKey:
        """The pool key the connection was opened for."""
        return self._key

    @property
    def transport(self) -> asyncio.Transport | None:
        """The transport, or ``None`` once released, closed or detached."""
        return None if self._protocol is None else self._protocol.transport

    @property
    def protocol(self) -> ConnectionProtocol | None:
        """The protocol the connector's factory made, or ``None`` once given back."""
        return self._protocol

    @property
    def closed(self) -> bool:
        """``True`` once released, closed or detached, or when the transport is gone."""
        return self._protocol is None or not self._protocol.is_connected()

    @property
    def reused(self) -> bool:
        """``True`` when the connection came from the pool rather than being opened for this call.

        A request that fails on a reused connection may be retried on a fresh one.
        """
        return self._reused

    def add_callback(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` once when the connection is released, closed or detached."""
        if callback is not None:
            self._callbacks.append(callback)

    def _notify_release(self) -> None:
        if not self._callbacks:
            return
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                callback()
            except Exception:
                self._loop.call_exception_handler(
                    {"message": "Connection release callback failed", "client_connection": self}
                )

    def close(self) -> None:
        """Close the transport and free its slot in the pool."""
        self._notify_release()
        protocol, self._protocol = self._protocol, None
        if protocol is not None:
            self._connector._release(self._key, protocol, should_close=True)

    def release(self) -> None:
        """Give the connection back; the pool keeps it if it can be reused."""
        self._notify_release()
        protocol, self._protocol = self._protocol, None
        if protocol is not None:
            self._connector._release(self._key, protocol, should_close=protocol.should_close)

    def detach(self) -> None:
        """Take the connection out of the connector's hands: it is no longer counted or closed.

        The caller then owns the transport (for example after a protocol upgrade).
        """
        self._notify_release()
        protocol, self._protocol = self._protocol, None
        if protocol is not None:
            self._connector._detach(self._key, protocol)


Connection.__module__ = "httpwire_connectors"
