"""Side-by-side timing of implementations of one workload, reported as ratios against a baseline.

Every implementation is checked once before it is timed (a wrong adapter gives an error row, never a
number), warmed up, then timed in rounds; each round times one auto-sized sample of every
implementation, in an order rotated from round to round, so drift on a noisy machine hits all of
them alike. The speed-up column is the median of the per-round ratios, which holds far better on a
shared machine than a ratio of two medians.
"""

from __future__ import annotations

import gc
import json
import math
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Impl",
    "ImplResult",
    "Result",
    "Settings",
    "Table",
    "compare",
    "note",
    "render_rst",
    "report",
    "results_since",
    "settings_for",
    "write_json",
]

_UNITS: dict[str, float] = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
_UNIT_LABELS: dict[str, str] = {"ns": "ns", "us": "µs", "ms": "ms", "s": "s"}


@dataclass(frozen=True)
class Impl:
    """One implementation of a workload.

    One call of ``fn`` performs ``ops`` operations and returns a value that ``check`` verifies
    (raising AssertionError when it is wrong).
    """

    name: str
    fn: Callable[[], object]
    check: Callable[[object], None]
    ops: int = 1


@dataclass(frozen=True)
class Settings:
    """How hard :func:`compare` works: rounds, sample length and an overall time bound."""

    rounds: int
    sample_ns: int
    warmup_ns: int
    time_limit_s: float
    min_rounds: int = 3


def settings_for(quick: bool) -> Settings:
    """The default settings: ``--quick`` trades precision for a run of a few seconds per table."""
    if quick:
        return Settings(rounds=5, sample_ns=15_000_000, warmup_ns=20_000_000, time_limit_s=8.0)
    return Settings(rounds=15, sample_ns=80_000_000, warmup_ns=200_000_000, time_limit_s=90.0)


@dataclass
class ImplResult:
    """The figures of one implementation; when it failed, ``error`` says why (no figures)."""

    name: str
    ops: int
    calls_per_sample: int = 0
    ns_per_op: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def median_ns(self) -> float:
        return statistics.median(self.ns_per_op) if self.ns_per_op else math.nan

    @property
    def min_ns(self) -> float:
        return min(self.ns_per_op) if self.ns_per_op else math.nan

    @property
    def max_ns(self) -> float:
        return max(self.ns_per_op) if self.ns_per_op else math.nan

    @property
    def ops_per_s(self) -> float:
        median = self.median_ns
        return 1e9 / median if median and not math.isnan(median) else math.nan

    @property
    def speedup(self) -> float:
        """Median per-round ratio impl time / baseline time: above 1 the baseline is faster."""
        return statistics.median(self.ratios) if self.ratios else math.nan


@dataclass
class Result:
    """One printed table, also kept as data for the JSON record and for the exit status."""

    title: str
    unit: str
    baseline: str | None
    baseline_note: str
    quick: bool
    rounds: int
    rows: list[ImplResult]

    @property
    def ok(self) -> bool:
        return all(row.error is None for row in self.rows)

    def problems(self) -> list[str]:
        """One line per implementation that failed."""
        return [f"{row.name}: {row.error}" for row in self.rows if row.error]

    def row(self, name: str) -> ImplResult:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for row, raw in zip(self.rows, data["rows"], strict=True):
            raw.update(
                median_ns_per_op=_json_float(row.median_ns),
                min_ns_per_op=_json_float(row.min_ns),
                max_ns_per_op=_json_float(row.max_ns),
                ops_per_s=_json_float(row.ops_per_s),
                speedup=_json_float(row.speedup),
            )
        return data


@dataclass
class Table:
    """A table that is not a timing (e.g. peak memory), kept like :class:`Result`."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    errors: dict[str, str]
    data: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.errors

    def problems(self) -> list[str]:
        """One line per implementation that failed."""
        return [f"{name}: {error}" for name, error in self.errors.items()]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_RESULTS: list[Result | Table] = []


def results_since(index: int) -> list[Result | Table]:
    """Results recorded by :func:`compare` from position ``index`` on (the runner's bookkeeping)."""
    return _RESULTS[index:]


def note(text: str) -> None:
    """Print a line belonging to the current area (e.g. a peer that is not installed)."""
    print(f"  note: {text}", flush=True)


def _json_float(value: float) -> float | None:
    return None if math.isnan(value) else value


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text if len(text) <= 160 else text[:157] + "..."


def _run_checked(impl: Impl) -> str | None:
    """Call ``impl`` once and check the result; return an error description or None."""
    try:
        impl.check(impl.fn())
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return f"check failed: {_describe(exc)}"
    return None


def _sample(impl: Impl, calls: int) -> int:
    """Time ``calls`` calls of ``impl`` with the collector enabled, after a full collection."""
    fn = impl.fn
    gc.collect()
    result: object = None
    start = time.perf_counter_ns()
    for _ in range(calls):
        result = fn()
    elapsed = time.perf_counter_ns() - start
    impl.check(result)
    return elapsed


def _calibrate(impl: Impl, settings: Settings) -> int:
    """Warm up for about ``warmup_ns`` and return the number of calls that fills one sample."""
    calls = 1
    spent = 0
    while True:
        elapsed = max(_sample(impl, calls), 1)
        spent += elapsed
        if elapsed >= settings.sample_ns // 4 and spent >= settings.warmup_ns:
            break
        if elapsed >= settings.sample_ns and spent >= settings.warmup_ns // 4:
            break
        if elapsed < settings.sample_ns // 4:
            calls *= 2
    return max(1, round(calls * settings.sample_ns / elapsed))


def _format(value_ns: float, scale: float) -> str:
    if math.isnan(value_ns):
        return "-"
    value = value_ns / scale
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def _format_rate(rate: float) -> str:
    if math.isnan(rate):
        return "-"
    return f"{rate:,.0f}" if rate >= 100 else f"{rate:.1f}"


def _result_cells(result: Result) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a timing table, formatted (an error row says ERROR and why)."""
    scale = _UNITS[result.unit]
    label = _UNIT_LABELS[result.unit]
    base = result.baseline or "-"
    header = [
        "impl",
        f"median {label}/op",
        f"min-max {label}/op",
        "ops/s",
        f"{base} speed-up (min-max)",
    ]
    lines: list[list[str]] = []
    for row in result.rows:
        if row.error is not None:
            lines.append([row.name, f"ERROR: {row.error}", "", "", ""])
            continue
        if row.name == result.baseline:
            ratio = "1.00 (baseline)"
        elif row.ratios:
            ratio = f"{row.speedup:.2f} ({min(row.ratios):.2f}-{max(row.ratios):.2f})"
        else:
            ratio = "-"
        lines.append(
            [
                row.name,
                _format(row.median_ns, scale),
                f"{_format(row.min_ns, scale)}-{_format(row.max_ns, scale)}",
                _format_rate(row.ops_per_s),
                ratio,
            ]
        )
    return header, lines


def _print_table(result: Result) -> None:
    header, lines = _result_cells(result)
    print(f"\n{result.title}", flush=True)
    print(f"  baseline: {result.baseline_note}; {result.rounds} rounds", flush=True)
    measured = [cells for cells in lines if not cells[1].startswith("ERROR")]
    _print_rows(header, measured, (False, True, True, True, False))
    for cells in lines:
        if cells[1].startswith("ERROR"):
            print(f"  {cells[0]} | {cells[1]}")
    sys.stdout.flush()


# The docs page's subsection for each area (the part of a table's title before the colon).
_AREA_HEADINGS = {
    "parser": "Response parsing",
    "cookies": "Cookie jar",
    "websocket": "WebSocket framing",
    "client": "Client end to end",
    "ws_echo": "WebSocket echo end to end",
    "memory": "Memory",
}


def render_rst(results: Sequence[Result | Table]) -> str:
    """The tables as reStructuredText ``list-table`` directives (for docs/benchmarks.rst).

    Each area's tables come under a subsection heading of their own, as the page lays them out.
    """
    out: list[str] = []
    area = None
    for result in results:
        title_area = result.title.split(":", 1)[0]
        if title_area != area:
            area = title_area
            heading = _AREA_HEADINGS.get(area, area)
            out.extend([heading, "~" * len(heading), ""])
        if isinstance(result, Result):
            header, rows = _result_cells(result)
            caption = f"{result.title} (baseline: {result.baseline_note}; {result.rounds} rounds)"
        else:
            header, rows = result.headers, result.rows
            rows = rows + [
                [name, f"ERROR: {error}"] + [""] * (len(header) - 2)
                for name, error in result.errors.items()
            ]
            caption = result.title
        out.append(f".. list-table:: {caption}")
        out.append("   :header-rows: 1")
        out.append("")
        for cells in [header, *rows]:
            first, *rest = (cell.replace("*", "\\*") for cell in cells)
            out.append(f"   * - {first}")
            out.extend(f"     - {cell}".rstrip() for cell in rest)
        out.append("")
    return "\n".join(out)


def _print_rows(headers: list[str], rows: list[list[str]], numeric: Sequence[bool]) -> None:
    widths = [max(len(cells[i]) for cells in [headers, *rows]) for i in range(len(headers))]

    def fmt(cells: list[str]) -> str:
        parts = []
        for cell, width, right in zip(cells, widths, numeric, strict=True):
            parts.append(cell.rjust(width) if right else cell.ljust(width))
        return "  " + " | ".join(parts).rstrip()

    print(fmt(headers))
    print("  " + "-+-".join("-" * w for w in widths))
    for cells in rows:
        print(fmt(cells))


def report(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    errors: dict[str, str] | None = None,
    data: dict[str, Any] | None = None,
    notes: Sequence[str] = (),
) -> Table:
    """Print and record a table of figures that :func:`compare` does not time (e.g. memory).

    The first column names the implementation; ``errors`` maps failed implementations to why.
    """
    table = Table(
        title=title,
        headers=list(headers),
        rows=[list(cells) for cells in rows],
        errors=dict(errors or {}),
        data=dict(data or {}),
    )
    print(f"\n{title}", flush=True)
    for line in notes:
        print(f"  {line}")
    numeric = [False, *([True] * (len(headers) - 1))]
    _print_rows(table.headers, table.rows, numeric)
    for name, error in table.errors.items():
        print(f"  {name} | ERROR: {error}")
    sys.stdout.flush()
    _RESULTS.append(table)
    return table


def _choose_baseline(
    names: Sequence[str], baseline: str, fallbacks: Sequence[str]
) -> tuple[str | None, str]:
    if baseline in names:
        return baseline, baseline
    for name in fallbacks:
        if name in names:
            return name, f"{name} ({baseline} row not available)"
    if names:
        return names[0], f"{names[0]} ({baseline} row not available)"
    return None, "none"


def compare(
    title: str,
    impls: Sequence[Impl],
    *,
    quick: bool,
    baseline: str = "httpwire",
    unit: str = "us",
    fallback_baselines: Sequence[str] = (),
    settings: Settings | None = None,
    strict: bool = False,
) -> Result:
    """Time ``impls`` side by side, print a table and return it.

    ``baseline`` names the implementation the ratios are taken against; when it is absent, the first
    present name of ``fallback_baselines`` (else the first implementation) stands in, and the table
    says so. Implementations whose check fails get an error row and no figures (the runner then
    fails the area); with ``strict=True`` the call also raises AssertionError after printing.
    """
    if unit not in _UNITS:
        raise ValueError(f"unit must be one of {sorted(_UNITS)}, not {unit!r}")
    names = [impl.name for impl in impls]
    if len(set(names)) != len(names):
        raise ValueError(f"implementation names repeat: {names}")
    settings = settings or settings_for(quick)
    rows = {impl.name: ImplResult(impl.name, impl.ops) for impl in impls}

    live: list[Impl] = []
    for impl in impls:
        error = _run_checked(impl)
        if error is None:
            try:
                rows[impl.name].calls_per_sample = _calibrate(impl, settings)
            except Exception as exc:
                traceback.print_exc(file=sys.stderr)
                error = f"failed in warm-up: {_describe(exc)}"
        if error is None:
            live.append(impl)
        else:
            rows[impl.name].error = error

    chosen, baseline_note = _choose_baseline([i.name for i in live], baseline, fallback_baselines)
    deadline = time.monotonic() + settings.time_limit_s
    rounds_done = 0
    for round_index in range(settings.rounds):
        if not live:
            break
        if rounds_done >= settings.min_rounds and time.monotonic() > deadline:
            break
        shift = round_index % len(live)
        order = live[shift:] + live[:shift]
        this_round: dict[str, float] = {}
        for impl in order:
            row = rows[impl.name]
            try:
                elapsed = _sample(impl, row.calls_per_sample)
            except Exception as exc:
                traceback.print_exc(file=sys.stderr)
                row.error = f"failed in round {round_index + 1}: {_describe(exc)}"
                row.ns_per_op.clear()
                row.ratios.clear()
                continue
            this_round[impl.name] = elapsed / (row.calls_per_sample * impl.ops)
        live = [impl for impl in live if rows[impl.name].error is None]
        for name, per_op in this_round.items():
            if rows[name].error is None:
                rows[name].ns_per_op.append(per_op)
        if chosen is not None and chosen in this_round and rows[chosen].error is None:
            for name, per_op in this_round.items():
                if name != chosen and rows[name].error is None:
                    rows[name].ratios.append(per_op / this_round[chosen])
        rounds_done += 1

    result = Result(
        title=title,
        unit=unit,
        baseline=chosen,
        baseline_note=baseline_note,
        quick=quick,
        rounds=rounds_done,
        rows=[rows[name] for name in names],
    )
    _print_table(result)
    _RESULTS.append(result)
    if strict and not result.ok:
        raise AssertionError("; ".join(result.problems()))
    return result


def write_json(path: Path, results: Sequence[Result | Table], extra: dict[str, Any]) -> None:
    """Write ``results`` and ``extra`` (machine facts, areas) as one JSON document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {**extra, "results": [result.to_dict() for result in results]}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
