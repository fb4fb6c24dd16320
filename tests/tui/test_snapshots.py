"""A handful of screenshots: the walk at 80×24 and 120×40, and the summary screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from golive_tui.tui.app import GoliveApp
from tests.tui.fakes import make_deps


async def _scanned(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _at_risk_item(pilot: Any) -> None:
    await _scanned(pilot)
    await pilot.press("j", "j")
    await pilot.pause()


def test_walker_wide(repo: Path, snap_compare: Any) -> None:
    app = GoliveApp(make_deps(repo))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_at_risk_item)


def test_walker_narrow(repo: Path, snap_compare: Any) -> None:
    app = GoliveApp(make_deps(repo))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_scanned)


def test_summary_screen(repo: Path, snap_compare: Any) -> None:
    async def summary(pilot: Any) -> None:
        await _scanned(pilot)
        await pilot.press("s")
        await pilot.pause()

    app = GoliveApp(make_deps(repo, identity="Ada Tester <ada@example.com>"))
    assert snap_compare(app, terminal_size=(100, 32), run_before=summary)
