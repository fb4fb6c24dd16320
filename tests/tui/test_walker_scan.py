"""The walk stays live while the scan runs: keys are handled at once, evidence arrives as it is
decided, and the scan's reports reach the screen batched, the last one never lost (issue 16)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from golive_tui.core.model import State
from golive_tui.tui.app import GoliveApp
from golive_tui.tui.screens.walk_scan import Outbox
from golive_tui.tui.screens.walker import WalkerScreen
from tests.tui.fakes import FakeProgress, FakeReport, make_deps, results

SIZE = (120, 40)


class HeldScan:
    """Reports the first detector result, then waits until the test lets it finish."""

    def __init__(self) -> None:
        self.reported = threading.Event()
        self.release = threading.Event()

    def __call__(self, progress: Callable[[Any], None]) -> FakeReport:
        found = results()
        progress(FakeProgress("detectors", 1, len(found), found[0]))
        self.reported.set()
        self.release.wait(timeout=60)
        for done, result in enumerate(found[1:], 2):
            progress(FakeProgress("detectors", done, len(found), result))
        return FakeReport(found)


async def until(pilot: Any, condition: Callable[[], bool]) -> None:
    """Let the app run until `condition` holds (messages from the scan's thread included)."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("the walker never reached the expected state")


async def test_a_cursor_move_during_the_scan_is_handled_before_the_scan_ends(repo: Path) -> None:
    scan = HeldScan()
    app = GoliveApp(make_deps(repo, scan=scan))
    async with app.run_test(size=SIZE) as pilot:
        try:
            await until(pilot, lambda: isinstance(app.screen, WalkerScreen))
            walker = app.screen
            assert isinstance(walker, WalkerScreen)
            first, second = walker.items.current_id, walker.items.get_option_at_index(1).id
            await pilot.press("down")
            # The scan is still held on its thread: the move and its detail did not wait for it.
            assert walker.scanning and not scan.release.is_set()
            assert walker.items.current_id == second != first
            assert walker.current is not None and walker.current.item.id == second
            # The result reported before the hold is on screen already, the rest not yet.
            await until(pilot, lambda: "go.signal.sigterm" in walker.results)
            assert walker.view_of("shutdown.sigterm").state is State.DETECTED
            assert walker.view_of("http.client-timeout").state is State.TODO
        finally:
            scan.release.set()
        await app.workers.wait_for_complete()
        await until(pilot, lambda: not walker.scanning)
        assert walker.view_of("http.client-timeout").state is State.AT_RISK
        assert walker.items.current_id == second  # the finished scan kept the user's place


def test_a_burst_of_reports_is_one_message_and_the_last_is_never_lost() -> None:
    outbox = Outbox()
    found = results()
    posts = [outbox.put(FakeProgress("detectors", n, 2, r)) for n, r in enumerate(found, 1)]
    assert posts == [True, False]  # one message in flight for the whole burst
    latest, taken = outbox.take()
    assert latest is not None and (latest.done, latest.total) == (2, 2)
    assert [r.id for r in taken] == [r.id for r in found]
    # A report after the screen took the last batch posts again: nothing waits unseen.
    assert outbox.put(FakeProgress("detectors", 2, 2)) is True
    latest, taken = outbox.take()
    assert latest is not None and latest.result is None and taken == []


async def test_quit_and_rescan_stop_a_scan_that_runs_apart(repo: Path) -> None:
    """A scan in a process of its own is stopped at once (the process killed), not at its next
    report; the first scan is never stopped by the walker's own start."""
    scan = HeldScan()
    stops: list[bool] = []

    def stop_scan() -> None:
        stops.append(walker.scanning)
        scan.release.set()  # as killing the process ends the scan's call

    app = GoliveApp(make_deps(repo, scan=scan, stop_scan=stop_scan))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, WalkerScreen))
        walker = app.screen
        assert isinstance(walker, WalkerScreen)
        await until(pilot, scan.reported.is_set)
        assert stops == [] and walker.scanning
        walker.action_rescan()
        assert stops == [True]  # the running scan, stopped before the next one starts
        await until(pilot, lambda: not walker.scanning)
        assert walker.report is not None  # the new scan finished and is shown
        scan.release.clear()
        scan.reported.clear()
        walker.action_rescan()
        await until(pilot, scan.reported.is_set)
        await pilot.press("q")
        assert stops == [True, True]
