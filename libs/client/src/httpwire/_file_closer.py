"""Closing file bodies off the event loop, on one daemon thread of the process.

A close can block (a network or FUSE filesystem flushes and answers on close), so it never runs
on the loop. A thread of its own costs the loop one queue put per file; the executor would also
wake the loop again when each close is done, and it is gone once the loop shuts its executor
down, when cleanup still closes files.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from typing import IO, Any

__all__: list[str] = []


class _FileCloser:
    """A queue of files and the thread that closes them in order; the thread starts on demand."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[IO[Any]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def close_later(self, file: IO[Any]) -> None:
        """Queue ``file`` to be closed; a close that fails is ignored (nothing is left to do)."""
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    thread = threading.Thread(
                        target=self._run, name="httpwire-file-closer", daemon=True
                    )
                    thread.start()
                    self._thread = thread
        self._queue.put(file)

    def _run(self) -> None:
        get = self._queue.get
        while True:
            file = get()
            with contextlib.suppress(Exception):  # a failed close has nothing left to do
                file.close()
            del file

    def _after_fork(self) -> None:
        # The thread does not exist in a forked child; files queued there are the parent's.
        self._queue = queue.SimpleQueue()
        self._thread = None
        self._lock = threading.Lock()


_CLOSER = _FileCloser()
close_later = _CLOSER.close_later
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_CLOSER._after_fork)
