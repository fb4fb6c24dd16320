"""The background scan: a thread worker that only posts messages, and their handlers.

Evidence arrives live (one ScanProgress per detector result), carry-forward is planned on
the worker's thread (git and signature checks), and a cancelled scan stops at its next report.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from textual import work
from textual.worker import get_current_worker

from golive_tui.core.model import DetectorResult, State
from golive_tui.core.record.carry import CarryPlan
from golive_tui.core.workflows import seed_draft, should_seed
from golive_tui.tui.deps import ProgressLike, WalkReport
from golive_tui.tui.messages import CarryPlanned, ScanFailed, ScanFinished, ScanProgress
from golive_tui.tui.screens.walk_view import WalkView
from golive_tui.tui.widgets.summary_bar import SummaryBar

#: Seconds the scan waits for the walk's first paint before it starts anyway.
PAINT_WAIT = 0.5


class ScanCancelled(Exception):
    """Raised inside a scan's progress callback once the walk no longer wants its result."""


@dataclass
class Outbox:
    """What the scan reported that the screen has not taken yet: filled on the scan's thread,
    emptied on the UI thread, one ScanProgress message in flight at a time.

    On moby a warm scan reports 63 times (phases, then a burst of detector results): one
    message each was 63 summary-bar updates and ~15 full-screen layout passes, ~300 ms of the
    UI thread (profiled) taken from the scan's thread and from keys; batched, 4 messages.
    The screen handles a report only when it is ready for the next one, and never misses the
    last: a report after `take` posts again."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latest: ProgressLike | None = None
    results: list[DetectorResult] = field(default_factory=list)
    posted: bool = False

    def put(self, report: ProgressLike) -> bool:
        """Keep `report`; True when a message must be posted (none is waiting)."""
        with self.lock:
            self.latest = report
            if report.result is not None:
                self.results.append(report.result)
            if self.posted:
                return False
            self.posted = True
            return True

    def take(self) -> tuple[ProgressLike | None, list[DetectorResult]]:
        """The latest report and every result since the last `take`."""
        with self.lock:
            self.posted = False
            results, self.results = self.results, []
            return self.latest, results


class ScanHandling(WalkView):
    _outbox: Outbox | None = None  # the running scan's reports (a rescan's replaces it)
    _shown: threading.Event | None = None  # set once the running scan's evidence is painted

    def start_scan(self) -> None:
        if self.scanning:
            self.stop_scan()  # a rescan: the running scan's result is no longer wanted
        self.scanning = True
        self.report = None  # nothing to sign until this scan has finished
        self.carry_pending = False  # a plan for the scan before is no longer awaited
        self.query_one(SummaryBar).scanning(0, 0)
        self.refresh_detail()  # "waiting for the scan…", not "not scanned"
        self._outbox = Outbox()
        # The worker starts now (quitting and tests can wait for it) but scans once the screen
        # has been painted: the scan's Python and the first layout share one interpreter lock,
        # and the scan first waiting its turn showed the walk ~1.5x sooner (moby, paired runs
        # of bench/walker_bench.py at load ~12: 976 -> 615 ms from the app's start), the
        # finished scan as soon as before (2.83 s both). A scan in a process of its own
        # (core.scan.apart, `scan_ready`) is collected at once instead: the thread only waits
        # on its pipe, and a report that comes in during the first layout is drawn right after
        # the first paint, not a thread hop later (~50 ms on moby).
        painted = threading.Event()
        self.call_after_refresh(painted.set)
        self._shown = threading.Event()
        self.run_scan(self._outbox, painted, self._shown)

    def stop_scan(self) -> None:
        """Cancel the running scan; one in a process of its own is stopped at once."""
        self.workers.cancel_group(self, "scan")
        if self._shown is not None:
            self._shown.set()  # a worker waiting to plan carry-forward ends now
        if self.deps.stop_scan is not None:
            self.deps.stop_scan()

    @work(thread=True, exclusive=True, group="scan")
    def run_scan(self, outbox: Outbox, painted: threading.Event, shown: threading.Event) -> None:
        worker = get_current_worker()
        if self.deps.scan_ready is None:  # a scan in this process: it waits for the paint
            painted.wait(timeout=PAINT_WAIT)  # bounded: a screen that never paints still scans
        if worker.is_cancelled:
            return

        def progress(p: ProgressLike) -> None:
            # The scan cannot be interrupted from outside its thread, and quitting waits for
            # the thread: a cancelled scan (quit, rescan) stops at its next progress report.
            if worker.is_cancelled:
                raise ScanCancelled
            if outbox.put(p):
                self.post_message(ScanProgress())

        try:
            report = self.deps.scan(progress)
        except Exception as exc:  # the walk goes on without evidence; the user is told why
            if not worker.is_cancelled:
                self.post_message(ScanFailed(str(exc), outbox))
            return
        if worker.is_cancelled:
            return
        self.post_message(ScanFinished(report, outbox))
        if self.deps.carry is None:
            return
        # Carry-forward once the evidence is on screen: its git and signature checks took
        # 30-100 ms between the scan's end and the evidence on screen (moby, no earlier
        # record), then ran beside its layout. Stopping the scan (quit, rescan) sets `shown`.
        shown.wait(timeout=PAINT_WAIT)
        self._plan_carry(report)

    def scan_taken(self, report: WalkReport) -> None:
        """A scan the walk took as it opened (`WalkView.__init__`): say so, and plan
        carry-forward off the UI thread once the first screen is painted."""
        self._announce(report)
        if self.deps.carry is not None:
            self.carry_pending = True
            self._shown = threading.Event()
            self.call_after_refresh(self._shown.set)
            self.run_carry(report, self._shown)

    @work(thread=True, exclusive=True, group="scan")
    def run_carry(self, report: WalkReport, shown: threading.Event) -> None:
        shown.wait(timeout=PAINT_WAIT)  # after the first paint, not beside its layout
        self._plan_carry(report)

    def _plan_carry(self, report: WalkReport) -> None:
        """Post CarryPlanned, with the plan when `report` continues an earlier release (on a
        worker thread: git and signature checks); a cancelled worker posts nothing (a rescan
        or quitting no longer waits for it)."""
        worker = get_current_worker()
        if self.deps.carry is None or worker.is_cancelled:
            return
        try:
            plan = self.deps.carry(report)
        except Exception:  # carry-forward is a head start; the walk goes on without it
            plan = None
        if not worker.is_cancelled:
            self.post_message(CarryPlanned(plan))

    def _announce(self, report: WalkReport) -> None:
        self.query_one(SummaryBar).scanned(f"scanned · {len(self.results)} detectors")
        for warning in report.warnings:
            self.notify(str(warning), severity="warning", timeout=6)

    def on_scan_progress(self, message: ScanProgress) -> None:
        outbox = self._outbox
        if outbox is None or not self.scanning:
            return  # a finished or failed scan's late report: its report says it all
        latest, results = outbox.take()
        if latest is not None:
            self.query_one(SummaryBar).scanning(latest.done, latest.total, latest.phase)
        for result in results:
            self.results[result.id] = result
        if results and not self._reassess_pending:
            # Coalesce: results already queued are taken in before this one re-render.
            self._reassess_pending = True
            self.call_later(self._flush_results)

    def _flush_results(self) -> None:
        self._reassess_pending = False
        self.reassess()

    def _replaced(self, run: object) -> bool:
        """Whether a scan's end is of a scan a rescan replaced (its message was already
        queued when the rescan started): the walk shows the running scan's, not that one."""
        return run is not None and run is not self._outbox

    def on_scan_finished(self, message: ScanFinished) -> None:
        if self._replaced(message.run):
            return
        report = message.report
        self.adopt_report(report)
        self.carry_pending = self.deps.carry is not None  # planned once this is painted
        self.reassess()
        self._announce(report)
        if self._shown is not None:
            self.call_after_refresh(self._shown.set)  # carry-forward may start
        found = sum(1 for v in self.assessment.items if v.state is State.DETECTED)
        self.log(f"scan finished: {found} items detected")

    def on_carry_planned(self, message: CarryPlanned) -> None:
        self.carry_pending = False
        if message.plan is not None:
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
        if self._replaced(message.run):
            return
        self.scanning = False
        self.query_one(SummaryBar).scanned("scan failed")
        self.notify(f"Scan failed: {message.error}", severity="error", timeout=10)
        self.refresh_detail()
