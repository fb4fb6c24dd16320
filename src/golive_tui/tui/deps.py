"""Everything the walker needs from outside, injected: tests pass fakes, `golive walk` the real ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from golive_tui.core.draft import DraftStore
from golive_tui.core.model import Checklist

#: scan(progress) -> ScanReport-like (`.results`, `.paths`, `.go_imports`); progress gets
#: engine.Progress-like objects (`.phase`, `.done`, `.total`, `.result`).
ScanFn = Callable[[Callable[[Any], None]], Any]
#: assess(checklist, answers, results, *, paths, go_imports, today, profile) -> Assessment.
AssessFn = Callable[..., Any]
#: save_record(draft, report, assessment) -> a sentence for the user (signed, unsigned, where).
SaveRecordFn = Callable[[Any, Any, Any], str]
#: carry(report) -> core.carry.CarryPlan | None: the earlier release this walk continues from.
CarryFn = Callable[[Any], Any]


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
