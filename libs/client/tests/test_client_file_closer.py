"""The file closer: files closed in order on a thread of their own, failures ignored."""

from __future__ import annotations

import threading
import time

from httpwire import _file_closer


class Recorder:
    """A file stand-in that records its close and can fail it."""

    def __init__(self, log: list[str], name: str, fail: bool = False) -> None:
        self.log, self.name, self.fail = log, name, fail
        self.closed = threading.Event()

    def close(self) -> None:
        self.log.append(self.name)
        self.closed.set()
        if self.fail:
            raise OSError("close failed")


def test_files_are_closed_in_order_off_the_calling_thread_and_failures_are_ignored() -> None:
    log: list[str] = []
    closer = _file_closer._FileCloser()
    first = Recorder(log, "first", fail=True)
    second = Recorder(log, "second")
    closer.close_later(first)  # type: ignore[arg-type]
    closer.close_later(second)  # type: ignore[arg-type]
    assert second.closed.wait(5)
    assert log == ["first", "second"]
    assert closer._thread is not None
    assert closer._thread is not threading.current_thread()
    assert closer._thread.daemon


def test_after_a_fork_a_new_thread_serves_the_child() -> None:
    log: list[str] = []
    closer = _file_closer._FileCloser()
    closer.close_later(Recorder(log, "parent"))  # type: ignore[arg-type]
    parent_thread = closer._thread
    closer._after_fork()
    assert closer._thread is None
    file = Recorder(log, "child")
    closer.close_later(file)  # type: ignore[arg-type]
    assert file.closed.wait(5)
    assert closer._thread is not parent_thread
    deadline = time.monotonic() + 5
    while "parent" not in log and time.monotonic() < deadline:
        time.sleep(0.005)
    assert sorted(log) == ["child", "parent"]
