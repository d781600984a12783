"""One memory measurement: stream a download through one client and report what it saw.

The memory area runs ``python -m benchmarks._memory_child CLIENT URL SIZE [--cpu N]``, one fresh
process per client, so peak RSS holds that client's modules and buffers and nothing else. Prints
one JSON line: body bytes received, RSS just before the request, own peak RSS, seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time

from benchmarks._clients import make_adapter
from benchmarks._proc import pin_current_process

__all__ = ["current_rss_kib", "main"]


def current_rss_kib() -> int:
    """Resident set size of this process now, in KiB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("VmRSS missing from /proc/self/status")


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
        "maxrss_self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
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
