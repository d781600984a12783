"""One memory measurement: stream a download through one client and report what it saw.

The memory area runs ``python -m benchmarks._memory_child CLIENT URL SIZE [--cpu N]``, one fresh
process per client, so peak RSS holds that client's modules and buffers and nothing else. Prints
one JSON line: body bytes received, RSS just before the request, peak RSS (VmHWM), seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

from benchmarks._clients import make_adapter
from benchmarks._proc import pin_current_process

__all__ = ["current_rss_kib", "main", "peak_rss_kib"]


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} missing from /proc/self/status")


def current_rss_kib() -> int:
    """Resident set size of this process now, in KiB (Linux /proc)."""
    return _status_kib("VmRSS")


def peak_rss_kib() -> int:
    """The kernel's high-water mark of this process's resident set since exec, in KiB.

    Unlike ``ru_maxrss``, which Linux carries over from the parent across fork and exec (so a
    child of a large parent reports the parent's size), VmHWM belongs to this program alone.
    """
    return _status_kib("VmHWM")


async def _measure(client: str, url: str, size: int) -> dict[str, float]:
    base, _, path = url.partition("/bytes/")
    adapter = make_adapter(client)
    await adapter.start(base)
    try:
        rss_before = current_rss_kib()
        start = time.perf_counter()
        received = await adapter.stream(f"/bytes/{path}")
        seconds = time.perf_counter() - start
    finally:
        await adapter.close()
    return {
        "bytes": received,
        "expected": size,
        "rss_before_kib": rss_before,
        "peak_rss_kib": peak_rss_kib(),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("client")
    parser.add_argument("url")
    parser.add_argument("size", type=int)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args()
    pin_current_process(args.cpu)
    result = asyncio.run(_measure(args.client, args.url, args.size))
    print(json.dumps(result), flush=True)
    # The measurement is complete; skip interpreter teardown, where pyreqwest 0.15's runtime
    # thread aborts the process ("PyGILState_Release ... finalizing").
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
