"""CPU of computing a scan's service scope with no cache (discovery, links, closure, outside
count), in process, and of the scope's glob passes over every path.

    .venv/bin/python bench/scope_bench.py /path/to/repo [--runs 7] [--copies 8]

Prints the best of N `time.process_time` figures: the whole scope (`scan_scope`, no cache
file), the package index alone (`build_index`), and the default scope's four passes over the
repository's paths (`Scope.readable` / `readable_test` x3, `is_go_source`), once for the
listing and once for `--copies` copies of it under different prefixes (a monorepo's paths).
Run it with two installs of golive one after the other to compare them.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.config import Config, ScanConfig, Scope
from golive_tui.core.scan.reader import FileReader
from golive_tui.core.services.packages import build_index
from golive_tui.core.services.scope import scan_scope


def best_ms(work: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best * 1000


def passes(paths: list[str]) -> None:
    scope = Scope.of(ScanConfig())
    for _ in range(3):
        sum(1 for p in paths if scope.readable(p) or scope.readable_test(p))
    sum(1 for p in paths if scope.is_go_source(p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--copies", type=int, default=8)
    args = parser.parse_args()
    snapshot = git_listing.working_tree(git_listing.locate(args.repo))
    config = Config()
    paths = [f.path for f in snapshot.files]
    many = [f"m{i}/{p}" for i in range(args.copies) for p in paths]
    with FileReader(snapshot) as reader:
        scope_ms = best_ms(
            lambda: scan_scope(snapshot, reader, ScanCache(None), config, None), args.runs
        )
        index_ms = best_ms(lambda: build_index(snapshot, reader, ScanCache(None)), args.runs)
    print(f"scan_scope, no cache: {scope_ms:.1f} ms CPU (best of {args.runs})")
    print(f"build_index: {index_ms:.1f} ms")
    print(f"scope passes, {len(paths)} paths: {best_ms(lambda: passes(paths), args.runs):.1f} ms")
    print(f"scope passes, {len(many)} paths: {best_ms(lambda: passes(many), args.runs):.1f} ms")


if __name__ == "__main__":
    main()
