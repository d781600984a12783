"""Upload progress of one request (aiohttp 3.14.4's ``UploadTracker``).

A tracker counts the body bytes of a request's current attempt that have left the transport
for the kernel, how many attempts there were (redirects that resend the body, the retry on a
stale pooled connection, middlewares calling their handler again), and settles one future with
the outcome of the last attempt once the request is over.
"""

from __future__ import annotations

import asyncio
from collections import deque

from .exceptions import UploadAbortedError

__all__ = ["UploadTracker"]

# Checkpoints kept before the oldest flushed ones are folded, when nobody reads bytes_written.
_MAX_CHECKPOINTS = 64


class UploadTracker:
    """Follows the upload of one request: pass it as ``upload_tracker=`` to the request.

    ``bytes_written`` is the number of body bytes of the current attempt handed to the kernel
    (bytes still queued in the event loop's transport are not counted); ``attempts`` counts the
    attempts at sending the request; ``upload_complete`` is resolved once the request is over
    and its last attempt sent the body whole, or fails with the error that stopped it
    (:exc:`UploadAbortedError` when there was none, as for a refused ``100-continue``).

    Create it inside a running event loop. It follows exactly one request: passing it to a
    second one raises :exc:`RuntimeError`.
    """

    def __init__(self) -> None:
        self.attempts = 0
        self.upload_complete: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._bound = False
        self._final = False
        self._finished = False
        self._error: BaseException | None = None
        self._transport: asyncio.WriteTransport | None = None
        self._accepted = 0
        self._wire = 0
        self._flushed = 0
        # (body bytes, wire bytes) handed to the transport so far: the first pair is the last
        # point known to be flushed, the rest are chunks the transport may still hold.
        self._checkpoints: deque[tuple[int, int]] = deque()

    def __repr__(self) -> str:
        return (
            f"<UploadTracker attempts={self.attempts} bytes_written={self.bytes_written}"
            f" complete={self.upload_complete.done()}>"
        )

    @property
    def bytes_written(self) -> int:
        """Body bytes of the current attempt that have left the transport for the kernel."""
        self._refresh()
        return self._flushed

    def _refresh(self) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        sent = self._wire - transport.get_write_buffer_size()
        points = self._checkpoints
        while len(points) > 1 and points[1][1] <= sent:
            points.popleft()
        body, wire = points[0]
        if len(points) > 1 and sent > wire:
            # Part of a chunk is out: count its body bytes in proportion to its wire bytes
            # (exact without compression, an estimate with it).
            next_body, next_wire = points[1]
            body += (next_body - body) * (sent - wire) // (next_wire - wire)
        if body > self._flushed:
            self._flushed = body

    # The session's side: one attempt at a time, each one identified by its number.

    def _bind(self) -> None:
        if self._bound:
            raise RuntimeError("UploadTracker is already bound to a request")
        self._bound = True

    def _attempt_started(self) -> int:
        """A new attempt begins (before connecting); returns its number."""
        self.attempts += 1
        self._transport = None
        self._accepted = self._wire = self._flushed = 0
        self._checkpoints.clear()
        self._finished = False
        self._error = None
        return self.attempts

    def _attempt_writing(self, attempt: int, transport: asyncio.WriteTransport, head: int) -> None:
        """The attempt's head (``head`` bytes) went to ``transport``; its body follows."""
        if attempt == self.attempts:
            self._transport = transport
            self._wire = head
            self._checkpoints.append((0, head))

    def _add(self, attempt: int, body: int, wire: int) -> None:
        """``body`` bytes of the body went to the transport as ``wire`` bytes."""
        if attempt != self.attempts or self._transport is None:
            return
        self._accepted += body
        if wire:
            self._wire += wire
            points = self._checkpoints
            points.append((self._accepted, self._wire))
            if len(points) > _MAX_CHECKPOINTS:
                self._refresh()

    def _attempt_finished(self, attempt: int) -> None:
        """The attempt handed its whole body to the transport."""
        if attempt != self.attempts:
            return
        self._finished = True
        # What the transport still holds goes out ahead of the response that ends the request.
        self._flushed = self._accepted
        self._checkpoints.clear()
        self._transport = None
        if self._final:
            self._settle()

    def _attempt_failed(self, attempt: int, error: BaseException | None) -> None:
        """The attempt stopped before its body was sent whole (``None``: it was cut short)."""
        if attempt != self.attempts:
            return
        self._error = error
        self._refresh()
        self._checkpoints.clear()
        self._transport = None
        if self._final:
            self._settle()

    def _finalize(self) -> None:
        """The request is over: settle now, or when its last attempt stops writing."""
        self._final = True
        if self._transport is None:
            self._settle()

    def _settle(self) -> None:
        future = self.upload_complete
        if future.done():
            return
        if self._finished:
            future.set_result(None)
            return
        future.set_exception(
            self._error
            if self._error is not None
            else UploadAbortedError("The request body was not fully sent")
        )
        future.exception()  # retrieved: polling done() must not log "never retrieved"
