"""Pilot tests: `y` confirms an item from its supporting evidence; the detail says what to confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Label, Static

from golive_tui.core.draft import DraftStore
from golive_tui.core.model import (
    AppliesWhen,
    Checklist,
    Detect,
    DetectMode,
    DetectorResult,
    Evidence,
    Polarity,
    Source,
    State,
    Status,
)
from golive_tui.tui.app import GoliveApp
from golive_tui.tui.present import state_glyph
from golive_tui.tui.screens.help import HelpScreen
from golive_tui.tui.screens.walker import WalkerScreen
from golive_tui.tui.widgets.detail import ItemDetail
from tests.tui.fakes import ME, FakeScan, checklist, make_deps, results

SIZE = (120, 40)
SHUTDOWN = "go.http.graceful_shutdown"


class NotingApp(GoliveApp):
    """Keeps every notification's text (they expire on screen; tests should not race them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[str] = []

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.seen.append(message)
        super().notify(message, **kwargs)


def _checklist() -> Checklist:
    """The fake checklist with shutdown.drain supported by a Shutdown call, rate-limit n/a."""
    base = checklist()
    sections = []
    for section in base.sections:
        items = []
        for item in section.items:
            if item.id == "shutdown.drain":
                item = item._replace(detect=Detect(DetectMode.ANY, (), (SHUTDOWN,)))
            if item.id == "http.rate-limit":
                item = item._replace(applies_when=AppliesWhen(files=("**/gateway.yaml",)))
            items.append(item)
        sections.append(section._replace(items=tuple(items)))
    return base._replace(sections=tuple(sections))


def _scan() -> FakeScan:
    shutdown = Evidence("cmd/api/main.go", 12, 12, Polarity.POSITIVE, "srv.Shutdown(ctx)")
    found = DetectorResult(SHUTDOWN, "Graceful shutdown", Status.FOUND, "1 call", (shutdown,))
    return FakeScan(results=(*results(), found))


async def _walker(app: GoliveApp, pilot: Any, item_id: str) -> WalkerScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    walker = app.screen
    assert isinstance(walker, WalkerScreen)
    assert walker.items.select_id(item_id)
    await pilot.pause()
    return walker


def _text(app: GoliveApp, selector: str) -> str:
    widget = app.screen.query_one(ItemDetail).query_one(selector, Static)
    return str(widget.render()) if widget.display else ""


async def test_y_confirms_supporting_evidence_as_a_persons_answer(repo: Path) -> None:
    app = NotingApp(make_deps(repo, checklist=_checklist(), scan=_scan()))
    async with app.run_test(size=SIZE) as pilot:
        walker = await _walker(app, pilot, "shutdown.drain")
        view = walker.view_of("shutdown.drain")
        assert view is not None and view.state is State.TODO
        confirm = _text(app, "#d-confirm")
        assert confirm.startswith("To confirm (y): Found by go.http.graceful_shutdown")
        assert "Check drain in-flight requests by hand." in confirm
        assert "supports" in _text(app, "#d-detectors")
        assert str(state_glyph(view)) == "◇"  # not proven: hollow
        await pilot.press("y")
        await pilot.pause()
        view = walker.view_of("shutdown.drain")
        assert view is not None and view.state is State.DONE
        draft = DraftStore(repo).load("test-list", "v1")
        assert draft is not None
        answer = draft.answers["shutdown.drain"]
        assert (answer.state, answer.source, answer.by) == (State.DONE, Source.MANUAL, ME)
        assert answer.note == f"confirmed from evidence: {SHUTDOWN}" and answer.at
        assert _text(app, "#d-confirm") == ""
        assert "Confirmed from its evidence." in app.seen


async def test_the_to_confirm_filter_lists_what_waits_for_a_person(repo: Path) -> None:
    app = GoliveApp(make_deps(repo, checklist=_checklist(), scan=_scan()))
    async with app.run_test(size=SIZE) as pilot:
        walker = await _walker(app, pilot, "shutdown.drain")
        walker.set_filter("to_confirm")
        await pilot.pause()
        assert [v.item.id for v in walker.visible_views()] == ["shutdown.drain"]


async def test_the_summary_bar_counts_what_waits_for_a_person(repo: Path) -> None:
    app = GoliveApp(make_deps(repo, checklist=_checklist(), scan=_scan()))
    async with app.run_test(size=(200, 40)) as pilot:
        walker = await _walker(app, pilot, "shutdown.drain")
        assert walker.assessment.summary.to_confirm == 1
        counts = app.screen.query_one("#counts", Label)
        assert "to confirm 1" in str(counts.render())


async def test_y_with_nothing_to_confirm_says_why_and_changes_nothing(repo: Path) -> None:
    app = NotingApp(make_deps(repo, checklist=_checklist(), scan=_scan()))
    async with app.run_test(size=SIZE) as pilot:
        walker = await _walker(app, pilot, "shutdown.sigterm")  # proven already
        await pilot.press("y")
        await pilot.pause()
        assert app.seen[-1] == "Nothing to confirm: it is proven by its evidence already."
        assert walker.items.select_id("http.client-timeout")  # at risk
        await pilot.pause()
        assert "At risk because:" in _text(app, "#d-risks")
        await pilot.press("y")
        await pilot.pause()
        assert "space overrides, with a note" in app.seen[-1]
        assert walker.items.select_id("ops.runbook")  # no evidence at all
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "no supporting evidence" in app.seen[-1]
        draft = DraftStore(repo).load("test-list", "v1")
        assert draft is None or not draft.answers


async def test_detail_says_why_an_item_does_not_apply(repo: Path) -> None:
    app = GoliveApp(make_deps(repo, checklist=_checklist(), scan=_scan()))
    async with app.run_test(size=SIZE) as pilot:
        walker = await _walker(app, pilot, "http.rate-limit")
        view = walker.view_of("http.rate-limit")
        assert view is not None and view.state is State.NA
        assert "not applicable here: no file matches **/gateway.yaml" in _text(app, "#d-meta")


async def test_confirm_is_in_the_help_the_footer_and_the_palette(repo: Path) -> None:
    app = GoliveApp(make_deps(repo, checklist=_checklist(), scan=_scan()))
    async with app.run_test(size=SIZE) as pilot:
        walker = await _walker(app, pilot, "shutdown.drain")
        footer_keys = {str(getattr(w, "action", "")) for w in app.screen.query("FooterKey")}
        assert "confirm" in footer_keys
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        row = next(row for row in app.screen.rows if row[2] == "walk.confirm")
        assert row[0] == "y" and row[1].startswith("Confirm the item from its supporting")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        app.screen.query_one(Input).value = "Confirm the item from its supporting evidence"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is walker
        view = walker.view_of("shutdown.drain")
        assert view is not None and view.state is State.DONE
