"""Memory: peak RSS of a fresh process per client streaming a large download from loopback.

Each client runs in its own new interpreter (:mod:`benchmarks._memory_child`) that reads the body
chunk by chunk and drops it; the kernel's high-water mark of that child's resident set (VmHWM, read
by the child as it finishes) is the figure, and the growth over the RSS just before the request
shows what streaming itself costs. (``ru_maxrss`` from ``wait4`` is not used: Linux carries the
parent's peak over into a forked child, so every child would report at least the parent's size.)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks._clients import adapter_factories
from benchmarks._harness import note, report
from benchmarks._proc import CLIENT_CPU, start_server

__all__ = ["main"]

MIB = 1024 * 1024
FULL_SIZE = 200 * MIB
QUICK_SIZE = FULL_SIZE
_CHILD_TIMEOUT_S = 60.0
_ROOT = Path(__file__).resolve().parent.parent


def _run_child(client: str, url: str, size: int, cpu: int | None) -> dict[str, Any]:
    """Run one child to completion (killed after a time bound) and return its report."""
    command = [sys.executable, "-m", "benchmarks._memory_child", client, url, str(size)]
    if cpu is not None:
        command += ["--cpu", str(cpu)]
    try:
        done = subprocess.run(
            command, capture_output=True, cwd=_ROOT, timeout=_CHILD_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"no result within {_CHILD_TIMEOUT_S:.0f} s") from None
    output = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode != 0 or not output:
        errors = done.stderr.decode("utf-8", "replace").strip().splitlines()
        last = errors[-1] if errors else "no message"
        raise RuntimeError(f"child exited with {done.returncode}: {last}")
    data: dict[str, Any] = json.loads(output.splitlines()[-1])
    return data


def main(quick: bool) -> None:
    size = QUICK_SIZE if quick else FULL_SIZE
    runs = 1 if quick else 3
    names = list(adapter_factories())
    if "httpwire" not in names:
        note("httpwire.ClientSession does not exist yet: no httpwire row")
    cpu = CLIENT_CPU if len(os.sched_getaffinity(0)) > 1 else None
    rows: list[list[str]] = []
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"size": size, "runs": runs, "clients": {}}
    with start_server("_http_server") as server:
        note(server.describe())
        url = server.url(f"/bytes/{size}")
        for name in names:
            samples: list[dict[str, Any]] = []
            try:
                for _ in range(runs):
                    sample = _run_child(name, url, size, cpu)
                    if sample["bytes"] != size:
                        raise AssertionError(f"received {sample['bytes']} body bytes, not {size}")
                    samples.append(sample)
            except Exception as exc:
                errors[name] = f"{type(exc).__name__}: {exc}"
                continue
            peak = statistics.median(s["peak_rss_kib"] for s in samples) / 1024
            before = statistics.median(s["rss_before_kib"] for s in samples) / 1024
            seconds = statistics.median(s["seconds"] for s in samples)
            data["clients"][name] = samples
            rows.append(
                [
                    name,
                    f"{peak:.1f}",
                    f"{before:.1f}",
                    f"{peak - before:.1f}",
                    f"{size / MIB / seconds:,.0f}",
                    "ok",
                ]
            )
    report(
        f"memory: peak RSS streaming a {size // MIB} MiB download, fresh process per client",
        ["impl", "peak RSS MiB", "RSS before request MiB", "growth MiB", "MiB/s", "body bytes"],
        rows,
        errors=errors,
        data=data,
        notes=[
            f"median of {runs} run(s); child pinned to CPU {cpu}"
            if cpu is not None
            else f"median of {runs} run(s); not pinned",
            "peak RSS: the child's VmHWM (kernel high-water mark); growth: peak - RSS before",
        ],
    )
