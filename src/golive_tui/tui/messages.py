"""Typed messages the scan worker posts to the walker (the worker never touches widgets or
the screen's state: it only posts these)."""

from __future__ import annotations

from textual.message import Message

from golive_tui.core.record.carry import CarryPlan
from golive_tui.tui.deps import WalkReport


class ScanProgress(Message):
    """The scan advanced and may have decided detectors: items update live.

    Carries nothing itself: the handler takes every report since the last one from the
    worker's outbox (walk_scan.Outbox), so a burst of reports is one message, not one each."""


class ScanFinished(Message):
    """The scan completed: the report carries every result, the paths and the Go imports."""

    def __init__(self, report: WalkReport, run: object = None) -> None:
        super().__init__()
        self.report = report
        self.run = run  # which scan of the walk it ends (a rescan's replaces the one before)


class CarryPlanned(Message):
    """Carry-forward was checked: the walk continues from an earlier release's signed record
    (`plan`), or from scratch (None: no such record, or it could not be read)."""

    def __init__(self, plan: CarryPlan | None) -> None:
        super().__init__()
        self.plan = plan


class ScanFailed(Message):
    """The scan could not run; the walk goes on without evidence."""

    def __init__(self, error: str, run: object = None) -> None:
        super().__init__()
        self.error = error
        self.run = run  # which scan of the walk it ends (see ScanFinished)
