"""Client end to end on loopback: keep-alive GETs, 64 concurrent GETs, 1 MiB uploads and downloads.

The server (:mod:`benchmarks._http_server`) runs in its own process pinned to another CPU than the
clients where the machine allows. Every adapter (:mod:`benchmarks._clients`) runs on one asyncio
event loop; the floor is a raw Protocol client that parses nothing.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from benchmarks._clients import POOL_SIZE, ClientAdapter, adapter_factories
from benchmarks._harness import Impl, compare, note
from benchmarks._http_server import SMALL_BODY
from benchmarks._proc import CLIENT_CPU, pinned, start_server

__all__ = ["main"]

SEQUENTIAL_PER_CALL = 20
CONCURRENCY = 64
MIB = 1024 * 1024
TRANSFERS_PER_CALL = 2
_UPLOAD = bytes(range(256)) * (MIB // 256)
_FALLBACK_BASELINES = ("aiohttp", "floor")


def _runner(
    loop: asyncio.AbstractEventLoop, make: Callable[[], Awaitable[list[Any]]]
) -> Callable[[], object]:
    async def call() -> list[Any]:
        return await make()

    return lambda: loop.run_until_complete(call())


def _expect_all(expected: object, count: int) -> Callable[[object], None]:
    def check(result: object) -> None:
        assert isinstance(result, list), f"expected a list of results, got {type(result)}"
        assert len(result) == count, f"expected {count} responses, got {len(result)}"
        wrong = [item for item in result if item != expected]
        assert not wrong, f"expected {expected!r} from every response, got {wrong[0]!r}"

    return check


async def _sequential(adapter: ClientAdapter) -> list[int]:
    return [await adapter.get("/small") for _ in range(SEQUENTIAL_PER_CALL)]


async def _concurrent(adapter: ClientAdapter) -> list[int]:
    return list(await asyncio.gather(*(adapter.get("/small") for _ in range(CONCURRENCY))))


async def _uploads(adapter: ClientAdapter) -> list[bytes]:
    return [await adapter.upload("/upload", _UPLOAD) for _ in range(TRANSFERS_PER_CALL)]


_FIELDS = {f"field{i}": f"value number {i}" for i in range(10)}


async def _multipart(adapter: ClientAdapter) -> list[bytes]:
    # Only adapters with a form API take part (see _FORM_WORKLOAD below).
    upload_form = adapter.upload_form  # type: ignore[attr-defined]
    return [await upload_form("/upload", _FIELDS, _UPLOAD) for _ in range(TRANSFERS_PER_CALL)]


_UPLOAD_FILE = os.path.join(tempfile.gettempdir(), f"httpwire-bench-upload-{os.getpid()}.bin")


async def _file_uploads(adapter: ClientAdapter) -> list[bytes]:
    # Only adapters that can post an open file take part (see _FILE_WORKLOAD below).
    upload_file = adapter.upload_file  # type: ignore[attr-defined]
    return [await upload_file("/upload", _UPLOAD_FILE) for _ in range(TRANSFERS_PER_CALL)]


async def _downloads(adapter: ClientAdapter) -> list[int]:
    return [await adapter.get(f"/bytes/{MIB}") for _ in range(TRANSFERS_PER_CALL)]


_WORKLOADS: list[tuple[str, Callable[[ClientAdapter], Awaitable[list[Any]]], int, object, str]] = [
    (
        f"client: sequential keep-alive GETs ({len(SMALL_BODY)}-byte body)",
        _sequential,
        SEQUENTIAL_PER_CALL,
        len(SMALL_BODY),
        "us",
    ),
    (
        f"client: {CONCURRENCY} concurrent GETs ({len(SMALL_BODY)}-byte body)",
        _concurrent,
        CONCURRENCY,
        len(SMALL_BODY),
        "us",
    ),
    (
        "client: 1 MiB uploads (POST, Content-Length)",
        _uploads,
        TRANSFERS_PER_CALL,
        b"%d" % MIB,
        "ms",
    ),
    (
        "client: 1 MiB file uploads (POST, an open binary file)",
        _file_uploads,
        TRANSFERS_PER_CALL,
        b"%d" % MIB,
        "ms",
    ),
    ("client: 1 MiB downloads (GET, body read whole)", _downloads, TRANSFERS_PER_CALL, MIB, "ms"),
    (
        "client: multipart uploads (10 fields + one 1 MiB file)",
        _multipart,
        TRANSFERS_PER_CALL,
        None,  # the body size depends on each client's boundary and headers
        "ms",
    ),
]
_FORM_WORKLOAD = "client: multipart uploads (10 fields + one 1 MiB file)"
_FILE_WORKLOAD = "client: 1 MiB file uploads (POST, an open binary file)"
_OPTIONAL = {_FORM_WORKLOAD: "upload_form", _FILE_WORKLOAD: "upload_file"}


def _sized(count: int) -> Callable[[object], None]:
    """Check ``count`` upload answers, each naming a body larger than the 1 MiB file."""

    def check(result: object) -> None:
        assert isinstance(result, list), f"expected a list of results, got {type(result)}"
        assert len(result) == count, f"expected {count} responses, got {len(result)}"
        assert all(int(item) > MIB for item in result), f"bodies too small: {result!r}"

    return check


def _failing(exc: BaseException) -> Callable[[], object]:
    def fail() -> object:
        raise RuntimeError(f"could not start: {type(exc).__name__}: {exc}")

    return fail


def main(quick: bool) -> None:
    factories = adapter_factories()
    if "httpwire" not in factories:
        note("httpwire.ClientSession does not exist yet: no httpwire row")
    note(f"pools sized {POOL_SIZE} connections, no connection recycling; one asyncio loop")
    with open(_UPLOAD_FILE, "wb") as file:
        file.write(_UPLOAD)
    try:
        _run(factories, quick)
    finally:
        os.unlink(_UPLOAD_FILE)


def _run(factories: dict[str, Callable[[], ClientAdapter]], quick: bool) -> None:
    with start_server("_http_server") as server, pinned(CLIENT_CPU) as is_pinned:
        note(server.describe())
        note(f"clients pinned to CPU {CLIENT_CPU}" if is_pinned else "clients not pinned")
        loop = asyncio.new_event_loop()
        adapters: dict[str, ClientAdapter] = {}
        failures: dict[str, BaseException] = {}
        try:
            for name, factory in factories.items():
                adapter = factory()
                try:
                    loop.run_until_complete(adapter.start(server.url("")))
                except Exception as exc:
                    traceback.print_exc()
                    failures[name] = exc
                    continue
                adapters[name] = adapter
            for title, workload, ops, expected, unit in _WORKLOADS:
                impls = []
                for name in factories:
                    needed = _OPTIONAL.get(title)
                    if needed is not None and not hasattr(adapters.get(name), needed):
                        continue
                    check = _expect_all(expected, ops) if expected is not None else _sized(ops)
                    if name in failures:
                        impls.append(Impl(name, _failing(failures[name]), check, ops))
                        continue
                    adapter = adapters[name]
                    make = (lambda w, a: lambda: w(a))(workload, adapter)
                    impls.append(Impl(name, _runner(loop, make), check, ops))
                compare(
                    title,
                    impls,
                    quick=quick,
                    baseline="httpwire",
                    fallback_baselines=_FALLBACK_BASELINES,
                    unit=unit,
                )
        finally:
            for adapter in adapters.values():
                try:
                    loop.run_until_complete(asyncio.wait_for(adapter.close(), 10))
                except Exception:
                    traceback.print_exc()
            loop.run_until_complete(asyncio.sleep(0.05))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
