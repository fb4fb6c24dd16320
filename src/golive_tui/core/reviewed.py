"""A scan and the working tree it saw: what people reviewed, so signing can refuse a tree that
moved since (the walker's save and `golive sign` both go through here)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive_tui.core.errors import RecordError
from golive_tui.core.git import worktree
from golive_tui.core.tuples import NamedTuple

if TYPE_CHECKING:  # the engine is imported only when a scan runs
    from golive_tui.core.scan.report import Progress, ScanReport


#: record.model.RECORDS_DIR, spelled here: the walker's scan process then never imports the
#: record model (~25 ms of its start-up).
RECORDS = ".golive/records"


class TreeChangedError(RecordError):
    """The working tree moved between the scan that was reviewed and the signing."""


class ReviewedScan(NamedTuple):
    """A scan and the working tree it saw (`state`, taken just before it ran).

    A named tuple, not a dataclass: the walker's scan process makes one and never imports
    dataclasses (with inspect, ~15 ms of its start-up) otherwise.

    Reads like the engine's ScanReport (results, paths, go_imports, warnings, repo), so the
    walker, carry-forward and the record builder take it as they take a report; signing
    compares `state` with the tree as it is then and refuses if anything moved.
    """

    report: ScanReport
    state: worktree.TreeState | None

    @property
    def results(self) -> Any:
        return self.report.results

    @property
    def paths(self) -> tuple[str, ...]:
        return self.report.paths

    @property
    def go_imports(self) -> frozenset[str]:
        return self.report.go_imports

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.report.warnings

    @property
    def repo(self) -> Any:
        return self.report.repo


def tree_now(repo_root: Path) -> worktree.TreeState | None:
    """The working tree as signing sees it (records themselves left out: signing writes them)."""
    return worktree.tree_state(repo_root, RECORDS)


def reviewed_scan(
    repo_root: Path,
    progress: Callable[[Progress], None] | None = None,
    service: str = "",
    *,
    pending: worktree.PendingState | None = None,
) -> ReviewedScan:
    """Scan, with the tree's state taken first: a change during the scan is caught at signing.

    `service` ("" = the whole repository) limits the evidence to the code that service ships.
    `pending`: the state, started earlier for this scan (`worktree.PendingState`): a state
    taken earlier is only older than the scan after it, which signing then refuses if
    anything moved, never the other way.

    The scan takes the listing the repository's services were found from in this view (the
    command's: `status` and `mark` find them after the state's git, open_session; else a view
    of this call's own, where they are found below, after the state) when it started once the
    state's git had answered: a state no newer than the tree the scan sees, one listing fewer.
    Any other listing is left, and the scan lists the tree itself.
    """
    import time

    from golive_tui.core.scan.report_memo import memo_scan
    from golive_tui.core.services import once
    from golive_tui.core.services.choice import service_for

    state = pending.finish(RECORDS) if pending is not None else tree_now(repo_root)
    # When the state's git had answered (None: it never did, and no listing is taken).
    done = pending.exited_at if pending is not None else time.monotonic()
    view = contextlib.nullcontext() if once.seen is not None else once.one_view()
    with view:
        shipped = service_for(repo_root, service)
        found = once.take_listing(repo_root)
    listing = found if found is not None and done is not None and found.started_at >= done else None
    report = memo_scan(repo_root, progress=progress, service=shipped, listing=listing)
    return ReviewedScan(report, state)
