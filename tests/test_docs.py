"""Docs generated from data stay in step with it: the detector reference is the catalog."""

from __future__ import annotations

from golive_tui.commands.detectors import markdown
from golive_tui.core.model import DetectorDef
from golive_tui.core.scan.detectors.catalog import shipped_catalog
from tests.conftest import ROOT


def test_detector_reference_matches_the_shipped_catalog() -> None:
    page = (ROOT / "docs" / "detectors.md").read_text(encoding="utf-8")
    assert page == markdown(list(shipped_catalog().values())), (
        "docs/detectors.md is stale: run `golive detectors --format markdown > docs/detectors.md`"
    )


def test_every_shipped_detector_has_a_section() -> None:
    page = markdown(list(shipped_catalog().values()))
    for detector_id in shipped_catalog():
        assert f"### `{detector_id}`:" in page


def test_a_repository_detector_cannot_inject_markup() -> None:
    hostile = DetectorDef(
        id="acme.x",
        title="<img src=x> [click](https://evil.example)",
        family="custom",
        looks_for="a | b\x1b]52;c;cHduZWQ=\x07",
        why="why",
        remediation="fix",
    )
    page = markdown([hostile])
    assert "<img" not in page.replace("\\<img", "")  # only the escaped form, which is no tag
    assert "[click](" not in page and "\\[click\\](" in page  # brackets escaped: no link
    assert "\x1b" not in page and "\x07" not in page
    assert "a \\| b" in page
