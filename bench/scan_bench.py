"""Benchmark `golive scan` on a repository, next to the ast-grep CLI doing a few of its rules.

    .venv/bin/python bench/scan_bench.py /path/to/repo [--runs 5] [--include-vendor]

Prints, for whole processes (start-up included, as a user sees it): cold (`--no-cache`) and
warm (cache filled) wall time as the median of several runs, the scan's own counters (files,
files read, Go files parsed, cache hits, phase timings), peak resident memory of the process
tree, and `ast-grep scan` running six equivalent Go rules (bench/rivals.py) over the same Go
files. "Cold" means golive's cache is empty; the operating system's file cache is warm in both
cases (every tool gets one untimed warm-up run), which is the situation of a developer
re-running a scan. bench/speed_bench.py measures the same side by side in interleaved rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import rivals

ROOT = Path(__file__).resolve().parents[1]


def _golive() -> list[str]:
    return [sys.executable, "-m", "golive_tui"]


def _child_env() -> dict[str, str]:
    """The environment of the timed processes: Python may write its bytecode cache.

    An installed golive has its modules compiled (`pip install` writes the .pyc files); with
    PYTHONDONTWRITEBYTECODE set (common in containers and CI images) every run would compile
    golive's sources again, ~50 ms that no installed copy pays. The untimed warm-up run writes
    them."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(argv: list[str], cwd: Path | None = None) -> tuple[float, int, bytes, float]:
    """Wall seconds, peak RSS in MiB of the process tree (wait4 rusage), stdout, CPU seconds.

    CPU seconds (user + system, the process and the workers it reaped) are reported too: on a
    busy machine wall time swings a lot while CPU time stays put."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_child_env()
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # ast-grep exits 1 when rules matched with errors
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}")
    return elapsed, usage.ru_maxrss // 1024, out, usage.ru_utime + usage.ru_stime


def median_runs(argv: list[str], runs: int, cwd: Path | None = None) -> dict[str, Any]:
    results = [timed(argv, cwd) for _ in range(runs)]
    return {
        "seconds": statistics.median(r[0] for r in results),
        "min": min(r[0] for r in results),
        "max_rss_mib": max(r[1] for r in results),
        "cpu": statistics.median(r[3] for r in results),
        "last_output": results[-1][2],
    }


def bench_golive(repo: Path, runs: int, include_vendor: bool) -> dict[str, Any]:
    base = [*_golive(), "scan", str(repo), "--format", "json"]
    if include_vendor:
        base.append("--include-vendor")
    timed([*base, "--no-cache"])  # warm-up: OS file cache, .pyc files
    cold = median_runs([*base, "--no-cache"], runs)
    timed(base)  # fill golive's cache
    warm = median_runs(base, runs)
    return {
        "cold": cold,
        "warm": warm,
        "cold_doc": json.loads(cold["last_output"]),
        "warm_doc": json.loads(warm["last_output"]),
    }


def bench_ast_grep(repo: Path, runs: int, include_vendor: bool) -> dict[str, Any] | None:
    binary = rivals.find_ast_grep()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        config = rivals.write_ast_grep_config(Path(tmp))
        argv = rivals.ast_grep_argv(binary, config, repo, include_vendor)
        timed(argv)
        result = median_runs(argv, runs)
    matches = json.loads(result["last_output"] or b"[]")
    counts: dict[str, int] = {}
    for match in matches:
        counts[match["ruleId"]] = counts.get(match["ruleId"], 0) + 1
    result["matches"] = counts
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--include-vendor", action="store_true")
    args = parser.parse_args()
    repo = args.repo.resolve()

    golive = bench_golive(repo, args.runs, args.include_vendor)
    grep = bench_ast_grep(repo, args.runs, args.include_vendor)

    cold, warm = golive["cold_doc"]["stats"], golive["warm_doc"]["stats"]
    print(f"repository      {repo}  ({'with' if args.include_vendor else 'without'} vendor/)")
    load = os.getloadavg()
    print(f"cpus            {len(os.sched_getaffinity(0))}, load {load[0]:.2f} {load[1]:.2f}")
    print("golive modules  bytecode cached (.pyc), as an installed copy has them")
    print(f"files in scope  {cold['files']}  Go source files {cold['go_files']}")
    print()
    header = f"{'':24}{'median s':>10}{'min s':>9}{'cpu s':>8}{'peak MiB':>10}  counters"
    print(header)
    print("-" * len(header))
    for label, run, stats in (
        ("golive scan (cold)", golive["cold"], cold),
        ("golive scan (warm)", golive["warm"], warm),
    ):
        counters = (
            f"read {stats.get('files_read', '?')}, parsed {stats['parsed_go_files']}, "
            f"cache hits {stats['cache_hits']}, in-process {stats['seconds']:.3f}s"
        )
        print(
            f"{label:24}{run['seconds']:>10.3f}{run['min']:>9.3f}{run['cpu']:>8.3f}"
            f"{run['max_rss_mib']:>10}  "
            f"{counters}"
        )
    if grep is not None:
        found = ", ".join(f"{k} {v}" for k, v in sorted(grep["matches"].items())) or "none"
        print(
            f"{'ast-grep scan (6 rules)':24}{grep['seconds']:>10.3f}{grep['min']:>9.3f}"
            f"{grep['cpu']:>8.3f}{grep['max_rss_mib']:>10}  matches: {found}"
        )
    else:
        print(rivals.AST_GREP_MISSING)
    print()
    for label, stats in (("cold", cold), ("warm", warm)):
        phases = ", ".join(f"{k} {v * 1000:.0f}" for k, v in stats.get("timings", {}).items())
        print(f"{label} phases (ms): {phases}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
