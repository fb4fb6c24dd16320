"""Timing whole processes from outside, interleaved in rounds, for the speed benchmark.

A run is one process, start-up included, as a user sees it. Every task of a case runs once per
round (a b c, a b c, ...), so the machine's drift over a run touches every task alike, and a
ratio is taken round by round (a1/b1, a2/b2, ...) before its median: on a shared machine a
paired ratio stays put while wall times swing.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path


class BenchError(Exception):
    """Something the bench cannot work around (a command that failed, a missing input)."""


@dataclass(frozen=True)
class Sample:
    """One timed process: wall and CPU seconds, peak RSS (MiB) and what it printed."""

    wall: float
    cpu: float
    rss_mib: float
    out: bytes


@dataclass
class Task:
    """A command timed once per round; `before(round)` runs untimed just ahead of it."""

    label: str
    argv: list[str]
    cwd: Path | None = None
    before: Callable[[int], None] | None = None
    ok_codes: tuple[int, ...] = (0,)
    samples: list[Sample] = field(default_factory=list)


def child_env() -> dict[str, str]:
    """The timed processes' environment: Python may write its bytecode cache.

    An installed golive has its modules compiled (`pip install` writes the .pyc files); with
    PYTHONDONTWRITEBYTECODE set (common in containers and CI images) every run would compile
    golive's sources again, ~50 ms that no installed copy pays. The untimed warm-up run writes
    them."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_timed(
    argv: Sequence[str], cwd: Path | None = None, ok_codes: tuple[int, ...] = (0,)
) -> Sample:
    """Run `argv` to its end; wall clock around it, CPU and peak RSS from `wait4`.

    `wait4`'s usage covers the process and every descendant it waited for (git, forked
    workers): CPU is their sum, peak RSS the largest single one of them. The kernel counts a
    child's memory from the fork, before it runs the command, so a peak never reads below this
    process's own (`own_peak_mib`): the bench keeps itself small (one output per task)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                list(argv), cwd=cwd, stdout=subprocess.PIPE, stderr=err, env=child_env()
            )
        except OSError as exc:
            raise BenchError(f"cannot run {argv[0]}: {exc.strerror}") from exc
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.stdout.close()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in ok_codes:
            err.seek(0)
            tail = err.read()[-2000:].decode("utf-8", "replace").strip()
            raise BenchError(f"{' '.join(argv)} exited {code}: {tail}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out)


def interleave(tasks: Sequence[Task], rounds: int, warmup: int = 1, name: str = "") -> None:
    """Run every task once per round, in order; the first `warmup` rounds are not kept.

    The warm-up round fills the OS file cache, writes the .pyc files and fills golive's
    scan cache, so "cold" below means golive's cache is ignored, not that the disk is cold."""
    for number in range(warmup + rounds):
        kind = "warm-up round" if number < warmup else f"round {number - warmup + 1}/{rounds}"
        print(f"[{name}] {kind}", file=sys.stderr, flush=True)
        for task in tasks:
            if task.before is not None:
                task.before(number)
            sample = run_timed(task.argv, task.cwd, task.ok_codes)
            if number >= warmup:
                if task.samples:  # only the last output is read (a big scan's JSON is MBs)
                    task.samples[-1] = replace(task.samples[-1], out=b"")
                task.samples.append(sample)


@dataclass(frozen=True)
class Figures:
    """A task's medians over its rounds, with the spread of its wall time."""

    label: str
    wall: float
    wall_min: float
    wall_max: float
    cpu: float
    rss_mib: float
    runs: int


def figures(task: Task) -> Figures:
    if not task.samples:
        raise BenchError(f"{task.label}: no timed run")
    walls = [s.wall for s in task.samples]
    return Figures(
        label=task.label,
        wall=statistics.median(walls),
        wall_min=min(walls),
        wall_max=max(walls),
        cpu=statistics.median(s.cpu for s in task.samples),
        rss_mib=max(s.rss_mib for s in task.samples),
        runs=len(walls),
    )


def paired_ratio(a: Task, b: Task, cpu: bool = False) -> float:
    """Median of a's time over b's, round by round (both ran in the same rounds)."""
    pairs = list(zip(a.samples, b.samples, strict=True))
    if not pairs:
        raise BenchError(f"{a.label} / {b.label}: no rounds")
    ratios = [x.cpu / y.cpu if cpu else x.wall / y.wall for x, y in pairs if y.cpu > 0 or not cpu]
    return statistics.median(ratios) if ratios else float("nan")


def own_peak_mib() -> float:
    """This process's peak RSS: the floor of every peak the bench reports (see `run_timed`)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
