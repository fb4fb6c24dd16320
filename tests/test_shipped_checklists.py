"""The shipped library: every file loads cleanly and holds what the seed documents promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from golive_tui.core.checklist.library import Library, load_file, shipped_dir
from golive_tui.core.model import Checklist, ItemKind, ScoringMethod
from tests.conftest import ROOT

FILES = sorted((ROOT / "checklists").glob("*.toml"))
EXPECTED = {"go-production", "go-deploy-basics", "go-engineering", "delivery-lifecycle"}


def _load(path: Path) -> Checklist:
    return load_file(path)


def test_golive_reads_the_same_files_as_the_checkout_holds() -> None:
    # An editable install reads checklists/ itself; a wheel carries a byte-for-byte copy.
    shipped = {p.name: p.read_bytes() for p in shipped_dir().glob("*.toml")}
    assert shipped == {p.name: p.read_bytes() for p in FILES}
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_shipped_file_loads_without_problems(path: Path) -> None:
    checklist = _load(path)
    assert checklist.id == path.stem, "name each file after its checklist id"


def test_the_library_has_no_problems_and_every_expected_checklist() -> None:
    library = Library.discover(None)
    assert library.problems == ()
    assert set(library.ids()) >= EXPECTED


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_item_ids_are_unique_and_items_are_complete(path: Path) -> None:
    checklist = _load(path)
    ids = [item.id for item in checklist.items()]
    assert len(ids) == len(set(ids))
    for item in checklist.items():
        for field in ("title", "why", "verify", "remediation", "source"):
            assert getattr(item, field).strip(), f"{item.id}: {field} is empty"
        assert item.priority is not None
        if item.kind is ItemKind.SCORE:
            assert len(item.rubric) == 3, item.id


def test_checklist_ids_are_unique_across_files() -> None:
    ids = [_load(path).id for path in FILES]
    assert len(ids) == len(set(ids))


def test_go_production_covers_the_seed_and_has_the_quick_gate() -> None:
    checklist = Library.discover(None).get("go-production")
    assert len(checklist.items()) >= 70
    assert checklist.profile("quick-gate").items


def test_go_engineering_has_the_health_check_and_the_quality_score() -> None:
    checklist = Library.discover(None).get("go-engineering")
    methods = {s.method: s for s in checklist.scoring}
    points = methods[ScoringMethod.POINTS]
    assert 2 * len(points.items) == 16
    assert max((b.max or b.min) for b in points.bands) == 16
    weighted = methods[ScoringMethod.WEIGHTED]
    assert len(weighted.dimensions) == 8
    assert weighted.bands
