"""The two verdict test services: "built to fail" and "built to pass", scanned and assessed.

Each service is a folder of plain files beside this module; `materialise` writes one into a
fresh git repository, `assess_all` scans it with the real engine and assesses it against every
shipped checklist. The tests and `counts.py` share this so their figures are the same figures.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from golive_tui.core.assess import Assessment, assess
from golive_tui.core.checklist.library import Library
from golive_tui.core.model import DetectMode, Item, State
from golive_tui.core.scan.engine import scan
from golive_tui.core.scan.report import ScanReport

HERE = Path(__file__).resolve().parent
FAIL = "fail_service"
PASS = "pass_service"
SERVICES = (FAIL, PASS)


def materialise(service: str, dest: Path) -> Path:
    """Copy `service` into `dest` (created) and commit it there; returns `dest`.

    git runs with a throwaway identity and no system or global config, so the machine's
    settings (hooks, signing) never take part.
    """
    shutil.copytree(HERE / service, dest)
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Ada Tester",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Tester",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
    }
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "initial"],
    ):
        subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)
    return dest


def shipped_checklists() -> tuple[str, ...]:
    """The ids of the checklists golive ships (a repository's own are not considered)."""
    library = Library.discover(None)
    return tuple(e.id for e in library.entries() if e.origin == "shipped")


@dataclass(frozen=True, slots=True)
class Verdicts:
    """One service scanned once and assessed against every shipped checklist."""

    report: ScanReport
    assessments: dict[str, Assessment]

    def ids(self, checklist: str, state: State) -> list[str]:
        """The ids of `checklist`'s items in `state`, sorted."""
        return sorted(v.item.id for v in self.assessments[checklist].items if v.state is state)


def assess_all(root: Path) -> Verdicts:
    """Scan `root` (no cache) and assess it, without answers, against each shipped checklist."""
    library = Library.discover(None)
    report = scan(root, use_cache=False)
    results = {r.id: r for r in report.results}
    assessments = {
        checklist_id: assess(
            library.get(checklist_id),
            {},
            results,
            paths=report.paths,
            go_imports=report.go_imports,
        )
        for checklist_id in shipped_checklists()
    }
    return Verdicts(report, assessments)


@dataclass(frozen=True, slots=True)
class Links:
    """An item's detector links: the ones that prove it and the ones that only support it."""

    proves: tuple[str, ...]
    supports: tuple[str, ...]
    every: bool  # all proving detectors must be found (mode "all"), else any one

    def settled_by(self, found: set[str]) -> bool:
        """Whether proof is complete when the detectors in `found` report found."""
        hits = [d in found for d in self.proves]
        return bool(hits) and (all(hits) if self.every else any(hits))


def links(item: Item) -> Links:
    """The item's links; a checklist in the older any/all shape proves with all its detectors."""
    detect = item.detect
    if detect is None:
        return Links((), (), every=False)
    every = getattr(detect, "mode", DetectMode.ANY) is DetectMode.ALL
    proves = getattr(detect, "proves", None)
    supports = getattr(detect, "supports", None)
    if proves is None and supports is None:
        return Links(tuple(detect.detectors), (), every)
    return Links(tuple(proves or ()), tuple(supports or ()), every)
