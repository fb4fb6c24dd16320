"""Everything the walker needs from outside, injected: tests pass fakes, `golive walk` the real ones.

The seams are Protocols, not the engine's classes, so a test's scripted scan and a real
`core.engine.scan` both fit, and mypy checks both against what the walker actually reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from golive_tui.core.assess import Assessment
from golive_tui.core.draft import Draft, DraftStore
from golive_tui.core.model import Answer, Checklist, DetectorResult
from golive_tui.core.record.carry import CarryPlan, ReportLike
from golive_tui.core.release_view import Signed


class ProgressLike(Protocol):
    """One progress report of a running scan (core.scan.report.Progress)."""

    @property
    def phase(self) -> str: ...

    @property
    def done(self) -> int: ...

    @property
    def total(self) -> int: ...

    @property
    def result(self) -> DetectorResult | None: ...


class WalkReport(ReportLike, Protocol):
    """What the walker reads of a finished scan (core.scan.report.ScanReport): carry-forward's
    results and paths, plus the Go imports `applies_when` needs and warnings to show."""

    @property
    def go_imports(self) -> Collection[str]: ...

    @property
    def warnings(self) -> Sequence[str]: ...


#: scan(progress) -> the finished report; `progress` is called from the scan's own thread and
#: may raise to stop it.
ScanFn = Callable[[Callable[[ProgressLike], None]], WalkReport]


class AssessFn(Protocol):
    """core.assess.assess: every item's state from answers and evidence."""

    def __call__(
        self,
        checklist: Checklist,
        answers: Mapping[str, Answer],
        results: Mapping[str, DetectorResult] | None,
        *,
        paths: Iterable[str] = (),
        go_imports: Iterable[str] = (),
        today: dt.date | None = None,
        profile: str | None = None,
    ) -> Assessment: ...


#: save_record(draft, report, assessment) -> a sentence for the user (signed, unsigned, where):
#: exactly what the walker shows is signed (no fresh scan), or refused if the tree moved since.
SaveRecordFn = Callable[[Draft, WalkReport, Assessment], str]
#: carry(report) -> the earlier release this walk continues from, or None.
CarryFn = Callable[[WalkReport], CarryPlan | None]


@dataclass
class WalkerDeps:
    repo_root: Path
    checklist: Checklist
    release: str
    store: DraftStore
    scan: ScanFn
    assess: AssessFn
    profile: str = ""
    pair: tuple[str, ...] = ()
    identity: str = ""
    save_record: SaveRecordFn | None = None
    today: dt.date | None = None
    editor_env: dict[str, str] = field(default_factory=dict)  # overrides of VISUAL / EDITOR
    carry: CarryFn | None = None  # None: no carry-forward (tests, demo without records)
    signed: Signed | None = None  # the release's signed record, when it has one
    read_only: bool = False  # the walk opens as that record until the user amends it
    opened: Draft | None = None  # the record's answers as a draft (shown when read-only)
    service: str = ""  # the service walked, in a repository of several ("" = the repository)
    # Stops a running scan at once (quit, rescan); without it one stops at its next report.
    stop_scan: Callable[[], None] | None = None
    # The scan's report if it is done already, without waiting (None while it runs): a scan
    # started before the walker opened may be, and the first screen then shows its evidence.
    scan_ready: Callable[[], WalkReport | None] | None = None
