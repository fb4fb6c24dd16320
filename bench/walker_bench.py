"""Walker figures: time to first screen, to first evidence and to a finished scan, then the
time the walker takes to update the detail pane as the cursor moves (median and slowest item).

Runs the real walker headless (Textual's run_test) with the real scan, checklist and draft store
on a fresh copy of the bundled sample service (or on REPO, given as an argument), several times,
and prints the figures. The first run has a cold scan cache; later runs are warm.

    .venv/bin/python bench/walker_bench.py [REPO] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from golive_tui.commands import demo
from golive_tui.commands.walk import build_deps
from golive_tui.core.draft import DraftStore
from golive_tui.core.workflows import Session
from golive_tui.tui.app import GoliveApp
from golive_tui.tui.screens.walker import WalkerScreen


async def one_run(repo: Path) -> tuple[float, float, float, float, float]:
    session = Session.open(str(repo))
    # Start from no draft and no lock each time: the figures are for a fresh walk.
    store = DraftStore(repo)
    for path in store.drafts():
        path.unlink()
    started = time.perf_counter()
    app = GoliveApp(build_deps(session))
    first_screen = first_evidence = finished = 0.0
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.screen, WalkerScreen):
            await pilot.pause()
        first_screen = time.perf_counter() - started
        walker = app.screen
        while not walker.results:
            await pilot.pause()
        first_evidence = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        finished = time.perf_counter() - started
        assert not walker.scanning
        # Updating the detail pane for every item in turn (the walker's share of a cursor move;
        # Textual's layout and paint come after), slowest too.
        details = []
        for index in range(walker.items.option_count):
            walker.items.highlighted = index
            tick = time.perf_counter()
            walker.refresh_detail()
            details.append(time.perf_counter() - tick)
            await pilot.pause()
    return first_screen, first_evidence, finished, statistics.median(details), max(details)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", nargs="?", help="repository to walk (default: the sample)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.repo:
        repo = Path(args.repo).resolve()
    else:
        repo = demo.prepare(Path(tempfile.mkdtemp(prefix="golive-walker-bench-")))
    rows = [asyncio.run(one_run(repo)) for _ in range(args.runs)]
    print(f"walker on {repo} ({args.runs} runs, headless 120x40, run 1 = cold scan cache)")
    print(
        f"{'run':>4} {'first screen':>14} {'first evidence':>16} {'scan done':>11}"
        f" {'item detail':>13} {'slowest':>9}"
    )
    for n, (screen, evidence, done, detail, slowest) in enumerate(rows, 1):
        print(
            f"{n:>4} {screen * 1000:>11.0f} ms {evidence * 1000:>13.0f} ms {done * 1000:>8.0f} ms"
            f" {detail * 1000:>10.1f} ms {slowest * 1000:>6.1f} ms"
        )
    labels = ("first screen", "first evidence", "scan done", "item detail", "slowest detail")
    for index, label in enumerate(labels):
        values = [r[index] * 1000 for r in rows[1:]] or [rows[0][index] * 1000]
        print(f"median warm {label}: {statistics.median(values):.1f} ms")


if __name__ == "__main__":
    main()
