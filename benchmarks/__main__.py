"""``python -m benchmarks [AREA ...] [--quick]``: run benchmark areas and print their tables.

The run exits non-zero when any area is missing (its module is not written yet), raised, or
produced a table with an implementation whose check failed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import AREAS
from benchmarks._harness import Result, Table, render_rst, results_since, write_json

__all__ = ["machine_facts", "main"]

_PACKAGES = (
    "httpwire",
    "httpwire-parser",
    "httpwire-connectors",
    "httpwire-cookies",
    "httpwire-websocket",
    "aiohttp",
    "httpx",
    "h11",
    "httptools",
    "websockets",
    "pyreqwest",
    "aiosonic",
    "picows",
    "psutil",
)
_RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_facts() -> dict[str, Any]:
    """What the numbers were measured on: interpreter, CPU, cores and package versions."""
    versions: dict[str, str] = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "packages": versions,
    }


def _run_area(area: str, quick: bool) -> tuple[str, str, list[Result | Table]]:
    """Run one area; return its status ("ok", "missing", "failed"), a reason and its tables."""
    module_name = f"benchmarks.bench_{area}"
    start_index = len(results_since(0))
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return "missing", f"{module_name} is not written yet", []
        traceback.print_exc()
        return "failed", f"import failed: {exc}", []
    except Exception as exc:
        traceback.print_exc()
        return "failed", f"import failed: {type(exc).__name__}: {exc}", []
    area_main = getattr(module, "main", None)
    if not callable(area_main):
        return "failed", f"{module_name} has no main(quick)", []
    try:
        area_main(quick)
    except Exception as exc:
        traceback.print_exc()
        return "failed", f"raised {type(exc).__name__}: {exc}", results_since(start_index)
    tables = results_since(start_index)
    bad = [problem for table in tables for problem in table.problems()]
    if bad:
        return "failed", "errors in " + "; ".join(bad), tables
    if not tables:
        return "failed", "produced no table", tables
    return "ok", f"{len(tables)} table(s)", tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Side-by-side benchmarks of httpwire and peers."
    )
    parser.add_argument("areas", nargs="*", metavar="AREA", help=f"any of {', '.join(AREAS)}")
    parser.add_argument("--quick", action="store_true", help="few short rounds (a smoke run)")
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="write the results here (default: benchmarks/results/<timestamp>.json)",
    )
    parser.add_argument("--no-json", action="store_true", help="do not write a JSON record")
    parser.add_argument(
        "--rst", type=Path, default=None, help="also write the tables as reST list-tables here"
    )
    args = parser.parse_args(argv)
    unknown = [area for area in args.areas if area not in AREAS]
    if unknown:
        parser.error(f"unknown area(s) {', '.join(unknown)}; choose from {', '.join(AREAS)}")
    areas = list(dict.fromkeys(args.areas)) or list(AREAS)

    facts = machine_facts()
    print(f"httpwire benchmarks ({'quick' if args.quick else 'full'}): {', '.join(areas)}")
    print(f"  {facts['python']} on {facts['platform']}")
    print(f"  {facts['cpus']} CPU(s): {facts['cpu']}")
    print("  " + ", ".join(f"{name} {version}" for name, version in facts["packages"].items()))
    sys.stdout.flush()

    started = time.monotonic()
    statuses: dict[str, dict[str, str]] = {}
    tables: list[Result | Table] = []
    for area in areas:
        print(f"\n=== {area} ===", flush=True)
        area_start = time.monotonic()
        status, reason, area_tables = _run_area(area, args.quick)
        tables.extend(area_tables)
        seconds = time.monotonic() - area_start
        statuses[area] = {"status": status, "reason": reason, "seconds": f"{seconds:.1f}"}
        if status != "ok":
            print(f"  {area}: {status.upper()}: {reason}", flush=True)

    print(f"\n=== summary ({time.monotonic() - started:.0f} s) ===")
    for area, info in statuses.items():
        print(f"  {area:<10} {info['status']:<8} {info['reason']} [{info['seconds']} s]")

    if not args.no_json:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = args.json or _RESULTS_DIR / f"{stamp}{'-quick' if args.quick else ''}.json"
        write_json(path, tables, {"quick": args.quick, "machine": facts, "areas": statuses})
        print(f"  results written to {path}")
    if args.rst is not None:
        args.rst.parent.mkdir(parents=True, exist_ok=True)
        args.rst.write_text(render_rst(tables), encoding="utf-8")
        print(f"  reST tables written to {args.rst}")
    failed = [area for area, info in statuses.items() if info["status"] != "ok"]
    if failed:
        print(f"  not ok: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
