"""The default protocol: a byte stream with the connector's reuse contract.

Connectors make one protocol per connection with their ``protocol_factory``; httpwire's client
plugs its HTTP response handler in there. This one serves everything else: raw byte exchanges,
tests, and other protocols built on the pool.
"""

from __future__ import annotations

import asyncio

__all__ = ["StreamProtocol"]


class StreamProtocol(asyncio.Protocol):
    """Buffers what the peer sends and writes what it is given.

    A connection is reusable (``should_close`` is false) only while it is connected, the peer has
    not closed its side, nothing went wrong, no unread bytes are left and :meth:`force_close`
    was not called.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._eof = False
        self._exception: BaseException | None = None
        self._force_close = False
        self._waiter: asyncio.Future[None] | None = None

    # asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the transport."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        """Buffer the bytes and wake a pending :meth:`read`."""
        self._buffer.extend(data)
        self._wake()

    def eof_received(self) -> bool | None:
        """The peer closed its side: reads drain the buffer then return ``b""``."""
        self._eof = True
        self._wake()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the transport and wake a pending :meth:`read`."""
        self.transport = None
        self._eof = True
        if exc is not None:
            self._exception = exc
        self._wake()

    # the connector's contract

    @property
    def should_close(self) -> bool:
        """Whether the connection must be closed instead of pooled when released."""
        transport = self.transport
        return (
            transport is None
            or transport.is_closing()
            or self._force_close
            or self._eof
            or self._exception is not None
            or bool(self._buffer)
        )

    def is_connected(self) -> bool:
        """Whether the transport is open."""
        return self.transport is not None and not self.transport.is_closing()

    def close(self) -> None:
        """Close the transport (buffered bytes are dropped)."""
        if self.transport is not None:
            self.transport.close()

    # using the stream

    def force_close(self) -> None:
        """Mark the connection as not reusable."""
        self._force_close = True

    def write(self, data: bytes) -> None:
        """Send ``data``; :class:`ConnectionResetError` if the connection is closed."""
        if self.transport is None or self.transport.is_closing():
            raise ConnectionResetError("the connection is closed")
        self.transport.write(data)

    async def read(self, n: int = -1) -> bytes:
        """Wait for bytes and return up to ``n`` of them (all buffered if ``n < 0``).

        Returns ``b""`` once the peer has closed and the buffer is empty; raises the connection's
        error if it was lost abnormally.
        """
        while not self._buffer and not self._eof:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if not self._buffer and self._exception is not None:
            raise self._exception
        size = len(self._buffer) if n < 0 else min(n, len(self._buffer))
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


StreamProtocol.__module__ = "httpwire_connectors"
