"""The walker's release view (issue 13): the gate shown is the gate signed and can be chosen
(G), a signed release opens read-only until amended (A), pairs are `Name <email>` and shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Input

from golive_tui.core.draft import DraftStore
from golive_tui.core.model import State
from golive_tui.core.release_view import Signed
from golive_tui.tui.app import GoliveApp
from golive_tui.tui.screens.dialogs import FormDialog
from golive_tui.tui.screens.walker import WalkerScreen
from golive_tui.tui.widgets.summary_bar import SummaryBar
from tests.signing_fixtures import sample_record
from tests.tui.fakes import ME, RecordingSaver, make_deps

SIZE = (120, 40)
GRACE = "Grace Hopper <grace@example.com>"


async def started(app: GoliveApp, pilot: object) -> WalkerScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, WalkerScreen)
    return app.screen


async def until(pilot: object, condition: Callable[[], bool]) -> None:
    """Let the app process messages until `condition` holds (bounded: a state wait, no sleep)."""
    for _ in range(50):
        if condition():
            return
        await pilot.pause()  # type: ignore[attr-defined]
    assert condition()


def header(walker: WalkerScreen) -> str:
    return str(walker.query_one("#walk-header").render())


async def test_no_profile_shows_every_item_and_g_chooses_the_gate(repo: Path) -> None:
    """Point 1: with no profile the bar says `gate every item` (never the first profile), and
    the gate chosen with G is the one stored in the draft and handed to the saver."""
    saver = RecordingSaver()
    app = GoliveApp(make_deps(repo, save_record=saver))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        facts = walker.query_one(SummaryBar)._facts
        assert facts is not None and facts.gate is not None and facts.gate[0] == ""
        assert "gate every item: fail" in str(
            walker.query_one(SummaryBar).query_one("#gate").render()
        )
        assert "gate every item" in header(walker)
        await pilot.press("G")
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#field-profile", Input).value = "nope"
        await pilot.click("#ok")
        await pilot.pause()
        assert app.screen is dialog  # refused: not a profile of the checklist
        dialog.query_one("#field-profile", Input).value = "quick-gate"
        dialog.action_submit()  # as OK does (a click can land before the re-layout)
        await until(pilot, lambda: app.screen is walker and "gate quick-gate" in header(walker))
        assert "gate quick-gate" in header(walker)
        stored = DraftStore(repo).load("test-list", "v1")
        assert stored is not None and stored.profile == "quick-gate"
        await pilot.press("s", "enter")
        await app.workers.wait_for_complete()
        await until(pilot, lambda: bool(saver.shown))
        draft, _report, assessment = saver.shown[-1]
        assert draft.profile == "quick-gate"  # signed with the gate shown
        assert assessment is walker.assessment


async def test_saving_before_the_scan_finished_is_refused(repo: Path) -> None:
    """Point 2: nothing is signed until the scan the walker shows has finished."""
    saver = RecordingSaver()
    app = GoliveApp(make_deps(repo, save_record=saver))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        walker.report = None  # as while a rescan runs
        await pilot.press("s", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert saver.shown == []
        assert "scan has not finished" in str(app.screen.query_one("#save-result").render())


async def test_a_signed_release_opens_read_only_until_amended(repo: Path) -> None:
    """Point 3: the record's answers, its signers in the header; keys refuse until A."""
    record = sample_record(release="v1")
    from golive_tui.core.release_view import record_draft

    signed = Signed(repo / ".golive/records/v1.toml", record, verified=True)
    opened = record_draft(record, "test-list", "1.0")
    app = GoliveApp(make_deps(repo, signed=signed, read_only=True, opened=opened))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        assert walker.read_only and "signed, read-only" in header(walker)
        assert DraftStore(repo).load("test-list", "v1") is None  # nothing written on open
        assert walker.items.select_id("ops.runbook")
        await pilot.pause()
        before = walker.view_of("ops.runbook")
        await pilot.press("n")
        assert not isinstance(app.screen, FormDialog)  # refused before any dialog
        assert walker.view_of("ops.runbook") == before
        await pilot.press("A")
        await until(pilot, lambda: not walker.read_only)
        assert not walker.read_only and "amending the signed record" in header(walker)
        stored = DraftStore(repo).load("test-list", "v1")
        assert stored is not None and ME in stored.participants
        await pilot.press("space")
        await pilot.pause()
        assert walker.view_of("ops.runbook").state is not before.state


async def test_pair_needs_name_and_email_and_shows_in_the_header(repo: Path) -> None:
    """Point 7: `p` refuses a bare name; the pair then shows in the header and the summary."""
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await pilot.press("p")
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#field-who", Input).value = "just a name"
        await pilot.click("#ok")
        await pilot.pause()
        assert app.screen is dialog
        dialog.query_one("#field-who", Input).value = GRACE
        dialog.action_submit()  # as OK does (a click can land before the re-layout)
        await until(pilot, lambda: app.screen is walker and GRACE in walker.draft.participants)
        assert f"with {ME}, {GRACE}" in header(walker)
        assert walker.items.select_id("ops.runbook")
        await pilot.press("space")
        await pilot.pause()
        assert walker.draft.answers["ops.runbook"].by == ME
        await pilot.press("s")
        assert GRACE in str(app.screen.query_one("#participants").render())


async def test_space_on_an_item_the_scan_found_nothing_for_asks_a_note(repo: Path) -> None:
    """Point 8: evidence says absent, so done needs a note (as overriding evidence does)."""
    from golive_tui.core.model import DetectorResult, Status
    from tests.tui.fakes import FakeScan, results

    missing = DetectorResult("go.signal.sigterm", "SIGTERM handled", Status.MISSING, "none", ())
    scan = FakeScan(results=(missing, *results()[1:]))
    app = GoliveApp(make_deps(repo, scan=scan))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        assert walker.items.select_id("shutdown.sigterm")
        await pilot.pause()
        await pilot.press("space")
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        await pilot.click("#ok")
        await pilot.pause()
        assert app.screen is dialog  # an empty note is refused
        dialog.query_one("#field-note", Input).value = "checked by hand in main.go"
        dialog.action_submit()  # as OK does (a click can land before the re-layout)
        await until(
            pilot, lambda: app.screen is walker and "shutdown.sigterm" in walker.draft.answers
        )
        answer = walker.draft.answers["shutdown.sigterm"]
        assert answer.state is State.DONE and answer.note == "checked by hand in main.go"


async def test_esc_clears_a_kept_search_and_p0_open_filters(repo: Path) -> None:
    """Point 8: Esc clears a search kept with enter; the filter cycle offers "P0 open"."""
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        everything = len(walker.visible_views())
        await pilot.press("slash", "r", "u", "n", "enter")
        await until(pilot, lambda: walker.search_text == "run")
        assert len(walker.visible_views()) < everything
        await pilot.press("escape")
        await until(pilot, lambda: walker.search_text == "")
        assert len(walker.visible_views()) == everything
        await pilot.press("f", "f")
        assert walker.filter == "p0_open"
        shown = walker.visible_views()
        assert shown and all(v.item.priority.value == "P0" and v.open for v in shown)
        assert "P0 open" in str(walker.items.border_title)


async def test_help_explains_every_glyph_and_quit_says_what_was_saved(repo: Path) -> None:
    """Point 8: `?` lists the glyphs from the one table; quitting says the draft's progress."""
    from golive_tui.glyphs import STATE_GLYPH
    from golive_tui.tui.screens.help import HelpScreen

    app = GoliveApp(make_deps(repo))
    said: list[str] = []
    exit_app = app.exit

    def exit_and_note(*args: Any, **kwargs: Any) -> None:
        said.append(str(kwargs.get("message", "")))
        exit_app(*args, **kwargs)

    app.exit = exit_and_note  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        legend = str(app.screen.query_one("#help-glyphs").render())
        assert all(glyph in legend for glyph in STATE_GLYPH.values())
        await pilot.press("escape")
        s = walker.assessment.summary
        await pilot.press("q")
        await pilot.pause()
    assert f"draft saved, {s.done}/{s.total} done" in said[-1]


async def test_back_to_as_detected_and_undo(repo: Path) -> None:
    """Point 8: `d` drops an override (the evidence speaks again); `u` takes it back."""
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        assert walker.items.select_id("ops.runbook")
        await pilot.pause()
        await pilot.press("space")
        await until(pilot, lambda: "ops.runbook" in walker.draft.answers)
        await pilot.press("d")
        await until(pilot, lambda: "ops.runbook" not in walker.draft.answers)
        assert walker.view_of("ops.runbook").state is State.TODO
        await pilot.press("u")
        await until(pilot, lambda: "ops.runbook" in walker.draft.answers)
        await pilot.press("u")
        await until(pilot, lambda: "ops.runbook" not in walker.draft.answers)
        stored = DraftStore(repo).load("test-list", "v1")
        assert stored is not None and "ops.runbook" not in stored.answers
        await pilot.press("u")  # nothing left: says so, changes nothing
        await pilot.pause()
        assert walker.undo_stack == []


async def test_resume_restores_the_selected_item_and_filter(repo: Path) -> None:
    """Point 8: quitting remembers where the walk was; reopening goes back there."""
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await pilot.press("f")  # remaining
        assert walker.items.select_id("ops.runbook")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    again = GoliveApp(make_deps(repo))
    async with again.run_test(size=SIZE) as pilot:
        walker = await started(again, pilot)
        assert walker.filter == "remaining"
        assert walker.items.current_id == "ops.runbook"


async def test_p0_open_lists_what_the_bar_counts(repo: Path) -> None:
    """With a profile, "P0 open" lists the profile's open P0 items: the bar's number."""
    app = GoliveApp(make_deps(repo, profile="quick-gate"))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        walker.set_filter("p0_open")
        await pilot.pause()
        facts = walker.query_one(SummaryBar)._facts
        assert facts is not None
        assert len(walker.visible_views()) == facts.p0 == walker.assessment.summary.p0_remaining
