"""Server subprocesses and CPU pinning for the end-to-end areas.

A server runs as ``python -m benchmarks.<module>`` in its own process, pinned to a CPU of its own
where the machine has two or more, prints ``PORT <n>`` once it listens on 127.0.0.1, and exits when
its standard input closes, so it cannot outlive the benchmark run even if the run is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CLIENT_CPU",
    "SERVER_CPU",
    "ServerProcess",
    "exit_on_stdin_eof",
    "pin_current_process",
    "pinned",
    "start_server",
]

#: The CPUs used when pinning: client and server on different cores.
CLIENT_CPU = 0
SERVER_CPU = 1

_ROOT = Path(__file__).resolve().parent.parent
_START_TIMEOUT_S = 30.0


def _can_pin() -> bool:
    if not hasattr(os, "sched_setaffinity"):
        return False
    return {CLIENT_CPU, SERVER_CPU} <= os.sched_getaffinity(0)


def pin_current_process(cpu: int | None) -> bool:
    """Pin this process to ``cpu`` when possible; return whether it was pinned."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return False
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return False
    return True


@contextlib.contextmanager
def pinned(cpu: int = CLIENT_CPU) -> Iterator[bool]:
    """Pin the benchmark process to ``cpu`` for the block (and threads started in it)."""
    if not _can_pin():
        yield False
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield True
    finally:
        os.sched_setaffinity(0, before)


@dataclass
class ServerProcess:
    """A running server subprocess and the loopback port it listens on."""

    process: subprocess.Popen[bytes]
    port: int
    pinned: bool

    def url(self, path: str = "/", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def describe(self) -> str:
        where = f"pinned to CPU {SERVER_CPU}" if self.pinned else "not pinned"
        return f"server pid {self.process.pid} on 127.0.0.1:{self.port}, {where}"


def _read_port(process: subprocess.Popen[bytes]) -> int:
    assert process.stdout is not None
    found: list[bytes] = []

    def read() -> None:
        assert process.stdout is not None
        found.append(process.stdout.readline())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(_START_TIMEOUT_S)
    line = found[0] if found else b""
    if not line.startswith(b"PORT "):
        raise RuntimeError(f"server did not start (said {line!r}, exit code {process.poll()})")
    return int(line.split()[1])


@contextlib.contextmanager
def start_server(module: str, *args: str) -> Iterator[ServerProcess]:
    """Run ``python -m benchmarks.<module> [args]`` for the block; always stop it afterwards."""
    cpu = SERVER_CPU if _can_pin() else None
    command = [sys.executable, "-m", f"benchmarks.{module}", *args]
    if cpu is not None:
        command += ["--cpu", str(cpu)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=_ROOT)
    try:
        port = _read_port(process)
        yield ServerProcess(process, port, cpu is not None)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _resolve(stop: asyncio.Future[None]) -> None:
    if not stop.done():
        stop.set_result(None)


def exit_on_stdin_eof(loop: asyncio.AbstractEventLoop, stop: asyncio.Future[None]) -> None:
    """In a server: resolve ``stop`` when the parent closes our standard input (or dies)."""

    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):
            sys.stdin.buffer.read()
        loop.call_soon_threadsafe(_resolve, stop)

    threading.Thread(target=watch, daemon=True).start()
