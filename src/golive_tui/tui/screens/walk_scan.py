"""The background scan: a thread worker that only posts messages, and their handlers.

Evidence arrives live (one ScanProgress per detector result), carry-forward is planned on
the worker's thread (git and signature checks), and a cancelled scan stops at its next report.
"""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from golive_tui.core.model import State
from golive_tui.core.record.carry import CarryPlan
from golive_tui.core.workflows import seed_draft, should_seed
from golive_tui.tui.deps import ProgressLike
from golive_tui.tui.messages import CarryPlanned, ScanFailed, ScanFinished, ScanProgress
from golive_tui.tui.screens.walk_view import WalkView
from golive_tui.tui.widgets.summary_bar import SummaryBar


class ScanCancelled(Exception):
    """Raised inside a scan's progress callback once the walk no longer wants its result."""


class ScanHandling(WalkView):
    def start_scan(self) -> None:
        self.scanning = True
        self.report = None  # nothing to sign until this scan has finished
        self.query_one(SummaryBar).scanning(0, 0)
        self.refresh_detail()  # "waiting for the scan…", not "not scanned"
        self.run_scan()

    @work(thread=True, exclusive=True, group="scan")
    def run_scan(self) -> None:
        worker = get_current_worker()

        def progress(p: ProgressLike) -> None:
            # The scan cannot be interrupted from outside its thread, and quitting waits for
            # the thread: a cancelled scan (quit, rescan) stops at its next progress report.
            if worker.is_cancelled:
                raise ScanCancelled
            self.post_message(ScanProgress(p.phase, p.done, p.total, p.result))

        try:
            report = self.deps.scan(progress)
        except Exception as exc:  # the walk goes on without evidence; the user is told why
            if not worker.is_cancelled:
                self.post_message(ScanFailed(str(exc)))
            return
        if self.deps.carry is not None and not worker.is_cancelled:
            try:
                plan = self.deps.carry(report)  # git and signature checks: off the UI thread
            except Exception:  # carry-forward is a head start; the walk goes on without it
                plan = None
            if plan is not None and not worker.is_cancelled:
                self.post_message(CarryPlanned(plan))  # before ScanFinished, in order
        if not worker.is_cancelled:
            self.post_message(ScanFinished(report))

    def on_scan_progress(self, message: ScanProgress) -> None:
        self.query_one(SummaryBar).scanning(message.done, message.total, message.phase)
        if message.result is not None:
            self.results[message.result.id] = message.result
            if not self._reassess_pending:
                # Coalesce: results already queued are taken in before this one re-render.
                self._reassess_pending = True
                self.call_later(self._flush_results)

    def _flush_results(self) -> None:
        self._reassess_pending = False
        self.reassess()

    def on_scan_finished(self, message: ScanFinished) -> None:
        report = message.report
        self.report = report
        self.results = {r.id: r for r in report.results}
        self.paths = tuple(report.paths)
        self.go_imports = tuple(report.go_imports)
        self.scanning = False
        self.query_one(SummaryBar).scanned(f"scanned · {len(self.results)} detectors")
        self.reassess()
        found = sum(1 for v in self.assessment.items if v.state is State.DETECTED)
        for warning in report.warnings:
            self.notify(str(warning), severity="warning", timeout=6)
        self.log(f"scan finished: {found} items detected")

    def on_carry_planned(self, message: CarryPlanned) -> None:
        self.adopt_plan(message.plan)

    def adopt_plan(self, plan: CarryPlan) -> None:
        """Continue from the earlier release: seed a fresh draft, show what changed first."""
        first = self.carry_plan is None
        self.carry_plan = plan
        self._detail_key = None
        seed = not self.draft.carried_from and should_seed(
            self.deps.repo_root, self._start_draft, self.deps.release, self.deps.service
        )
        if seed:
            self.commit(seed_draft(self.draft, plan))  # never overwrites answers given meanwhile
        else:
            self.reassess()
        if first:
            self.notify(f"Continuing {plan.headline()}.", title="Since last release")

    def on_scan_failed(self, message: ScanFailed) -> None:
        self.scanning = False
        self.query_one(SummaryBar).scanned("scan failed")
        self.notify(f"Scan failed: {message.error}", severity="error", timeout=10)
        self.refresh_detail()
