"""Pilot tests for every walker action, with the scan, checklist and record saver faked."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.segment import Segment
from textual.geometry import Region
from textual.widgets import Input, Label, OptionList

from golive_tui.core.draft import DraftStore
from golive_tui.core.model import Source, State
from golive_tui.tui.app import GoliveApp
from golive_tui.tui.present import progress_of
from golive_tui.tui.screens.dialogs import FormDialog
from golive_tui.tui.screens.help import HelpScreen
from golive_tui.tui.screens.summary import SummaryScreen
from golive_tui.tui.screens.walker import WalkerScreen, editor_command
from golive_tui.tui.widgets.detail import Excerpt, ItemDetail
from golive_tui.tui.widgets.section_list import SectionList
from golive_tui.tui.widgets.summary_bar import SummaryBar
from tests.tui.fakes import ME, FakeScan, RecordingSaver, make_deps

SIZE = (120, 40)


class NotingApp(GoliveApp):
    """Keeps every notification's text (they expire on screen; tests should not race them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[str] = []

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.seen.append(message)
        super().notify(message, **kwargs)


async def started(app: GoliveApp, pilot: object) -> WalkerScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, WalkerScreen)
    return app.screen


def saved(repo: Path) -> dict[str, object]:
    draft = DraftStore(repo).load("test-list", "v1")
    assert draft is not None
    return dict(draft.answers)


def state_of(walker: WalkerScreen, item_id: str) -> State:
    return walker.view_of(item_id).state


async def goto(walker: WalkerScreen, pilot: object, item_id: str) -> None:
    assert walker.items.select_id(item_id)
    await pilot.pause()  # type: ignore[attr-defined]


async def test_first_screen_then_evidence_arrives_live(repo: Path) -> None:
    scan = FakeScan()
    app = GoliveApp(make_deps(repo, scan=scan))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        assert scan.runs == 1
        assert state_of(walker, "shutdown.sigterm") is State.DETECTED
        assert state_of(walker, "http.client-timeout") is State.AT_RISK
        assert not walker.scanning
        summary = walker.assessment.summary
        assert (summary.detected, summary.at_risk) == (1, 1)


async def test_move_with_keys(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        assert walker.items.current_id == "shutdown.sigterm"
        await pilot.press("j", "down")
        assert walker.items.current_id == "http.client-timeout"
        await pilot.press("k")
        assert walker.items.current_id == "shutdown.drain"


@pytest.mark.parametrize("size", [SIZE, (120, 12), (80, 24)])
async def test_moves_and_answers_draw_what_a_whole_repaint_draws(
    repo: Path, size: tuple[int, int]
) -> None:
    """The lists repaint only the rows a key changes (a move: the row left and the row
    reached; an answer: its item's row and its sections' counts): each list's rows as drawn
    must then be the rows it draws with every cache dropped - at 12 rows, moves that scroll
    the list too; at 80 columns, answers given while the sections are hidden, then shown (t).
    (The lists alone: the detail beside them may still be drawing an excerpt.)"""

    def rows(rows_list: OptionList) -> list[list[Segment]]:
        region = Region(0, 0, *rows_list.outer_size)
        return [list(strip) for strip in rows_list.render_lines(region)]

    def afresh(rows_list: OptionList) -> list[list[Segment]]:
        rows_list._clear_caches()  # OptionList's own: every prompt and row drawn again
        return rows(rows_list)

    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=size) as pilot:
        walker = await started(app, pilot)
        sections = walker.query_one(SectionList)
        count = walker.items.option_count

        async def check(keys: list[str]) -> None:
            await pilot.press(*keys)
            await pilot.pause()
            assert app.screen is walker  # no dialog took the keys
            done, total = progress_of(walker.assessment.items)  # what "All sections" counts
            assert str(sections.get_option_at_index(0).prompt).split()[0] == f"{done}/{total}"
            for rows_list in (walker.items, sections):
                drawn = rows(rows_list)
                assert afresh(rows_list) == drawn, (keys, rows_list.id)

        for keys in (["j"], ["j", "j"], ["k"], ["j"] * count, ["k"] * count, ["end"], ["home"]):
            await check(keys)
            if keys[0] in ("end", "home"):
                assert walker.items.highlighted == (count - 1 if keys[0] == "end" else 0)
        await goto(walker, pilot, "shutdown.drain")  # to do: answered without a dialog
        states = [State.DONE, State.TODO, State.DONE, State.TODO]
        for keys, state in zip((["space"], ["space"], ["u"], ["u"]), states, strict=True):
            await check(keys)
            assert state_of(walker, "shutdown.drain") is state
        await check(["space"])
        await check(["t"])
        if size == (80, 24):
            assert sections.display  # hidden while the answers were given


async def test_toggle_done_and_back_autosaves(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "shutdown.drain")
        await pilot.press("space")
        assert state_of(walker, "shutdown.drain") is State.DONE
        answer = saved(repo)["shutdown.drain"]
        assert answer.state is State.DONE and answer.by == ME  # type: ignore[attr-defined]
        await pilot.press("space")
        assert state_of(walker, "shutdown.drain") is State.TODO
        assert "shutdown.drain" not in saved(repo)


async def test_na_needs_reason_and_cancel_changes_nothing(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "http.rate-limit")
        await pilot.press("n")
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")  # empty reason: refused, dialog stays
        assert isinstance(app.screen, FormDialog)
        assert "reason" in str(app.screen.query_one("#dialog-error").render())
        await pilot.press("escape")
        assert app.screen is walker
        assert state_of(walker, "http.rate-limit") is State.TODO
        await pilot.press("n")
        await pilot.press(*"lan", "enter")
        assert app.screen is walker
        assert state_of(walker, "http.rate-limit") is State.NA
        assert saved(repo)["http.rate-limit"].reason == "lan"  # type: ignore[attr-defined]
        await pilot.press("n")  # again: clears the n/a
        assert state_of(walker, "http.rate-limit") is State.TODO


async def test_waive_needs_reason_and_valid_future_date(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "ops.runbook")
        await pilot.press("w")
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        await pilot.press(*"soon", "enter")  # moves on to the date
        for bad, error in (("soon", "not a date"), ("2020-01-01", "in the past")):
            dialog.query_one("#field-until", Input).value = bad
            await pilot.press("enter")
            assert app.screen is dialog
            assert error in str(dialog.query_one("#dialog-error").render())
        dialog.query_one("#field-until", Input).value = "2030-03-01"
        await pilot.press("enter")
        assert app.screen is walker
        assert state_of(walker, "ops.runbook") is State.WAIVED
        answer = saved(repo)["ops.runbook"]
        assert answer.until == "2030-03-01"  # type: ignore[attr-defined]
        assert answer.reason == "soon"  # type: ignore[attr-defined]


async def test_note_on_an_item(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "shutdown.drain")
        await pilot.press("space", "e")
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"ok", "enter")
        answer = saved(repo)["shutdown.drain"]
        assert answer.note == "ok"  # type: ignore[attr-defined]
        assert answer.state is State.DONE  # type: ignore[attr-defined]


async def test_override_of_detected_needs_a_note(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "shutdown.sigterm")
        await pilot.press("space")
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")  # no note: refused
        assert isinstance(app.screen, FormDialog)
        await pilot.press("escape")
        assert state_of(walker, "shutdown.sigterm") is State.DETECTED
        await pilot.press("space", *"fake", "enter")
        assert state_of(walker, "shutdown.sigterm") is State.TODO
        answer = saved(repo)["shutdown.sigterm"]
        assert answer.source is Source.OVERRIDE  # type: ignore[attr-defined]


async def test_override_of_at_risk_needs_a_note(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "http.client-timeout")
        await pilot.press("space")
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"mesh", "enter")
        assert state_of(walker, "http.client-timeout") is State.DONE
        assert saved(repo)["http.client-timeout"].source is Source.OVERRIDE  # type: ignore[attr-defined]


async def test_score_keys_on_score_items_only(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "ops.observability")
        await pilot.press("1")
        assert saved(repo)["ops.observability"].score == 1  # type: ignore[attr-defined]
        rubric = [str(w.render()) for w in walker.query_one(ItemDetail).query(".rubric")]
        assert rubric == [
            "0  No metrics at all.",
            "1  Metrics but no alerts.",
            "2  Metrics with alerts.",
        ]
        chosen = walker.query_one(ItemDetail).query_one(".rubric.-chosen")
        assert "Metrics but no alerts" in str(chosen.render())
        await pilot.press("2")
        assert saved(repo)["ops.observability"].score == 2  # type: ignore[attr-defined]
        row = walker.items.get_option("ops.observability").prompt
        assert str(row).startswith("✔ P2 2/2 Observability")  # the score before the title
        await goto(walker, pilot, "ops.runbook")
        await pilot.press("2")
        assert "ops.runbook" not in saved(repo)


async def test_filters_cycle(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)

        def shown() -> list[str]:
            return [v.item.id for v in walker.visible_views()]

        assert len(shown()) == 6
        await pilot.press("f")
        assert walker.filter == "remaining" and "shutdown.sigterm" not in shown()
        await pilot.press("f")
        assert walker.filter == "p0_open" and shown() == ["http.client-timeout"]
        await pilot.press("f")
        assert shown() == ["shutdown.sigterm", "http.client-timeout"]
        await pilot.press("f")
        assert shown() == ["http.client-timeout"]
        await pilot.press("f")
        assert shown() == ["shutdown.sigterm"]
        await pilot.press("f")
        assert walker.filter == "to_confirm" and shown() == []
        await pilot.press("f")
        assert walker.filter == "all"


async def test_incremental_search(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await pilot.press("slash", "r", "u", "n")
        assert [v.item.id for v in walker.visible_views()] == ["ops.runbook"]
        assert walker.items.current_id == "ops.runbook"
        await pilot.press("enter", "space")  # back in the list: keys act on the found item
        assert state_of(walker, "ops.runbook") is State.DONE
        await pilot.press("slash", "escape")
        assert walker.search_text == "" and len(walker.visible_views()) == 6


async def test_next_remaining(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await pilot.press("g")
        assert walker.items.current_id == "shutdown.drain"
        await pilot.press("g")
        assert walker.items.current_id == "http.client-timeout"
        await pilot.press("g", "g", "g", "g")
        assert walker.items.current_id == "shutdown.drain"  # wraps around


async def test_pair_adds_participant(repo: Path) -> None:
    deps = make_deps(repo, pair=("Bo Pair <bo@example.com>",))
    app = GoliveApp(deps)
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        assert walker.draft.participants == (ME, "Bo Pair <bo@example.com>")
        await pilot.press("p")
        app.screen.query_one("#field-who", Input).value = "Cy <cy@example.com>"
        await pilot.press("enter")
        stored = DraftStore(repo).load("test-list", "v1")
        assert stored is not None
        assert stored.participants[-1] == "Cy <cy@example.com>"


async def test_help_screen_lists_every_binding(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for row in app.screen.rows}
        expected = {b.id for b in WalkerScreen.BINDINGS if getattr(b, "description", "")}
        assert ids == expected
        toggle = next(row for row in app.screen.rows if row[2] == "walk.toggle")
        assert toggle[0] == "space" and toggle[1].startswith("Mark the item done")
        await pilot.press("escape")
        assert isinstance(app.screen, WalkerScreen)


async def test_command_palette_runs_actions(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        app.screen.query_one(Input).value = "Filter: at risk"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is walker
        assert walker.filter == "at_risk"


async def test_rescan_runs_the_scan_again(repo: Path) -> None:
    scan = FakeScan()
    app = GoliveApp(make_deps(repo, scan=scan))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        scan.results = scan.results[:1]  # the contrary finding was fixed
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert scan.runs == 2
        assert state_of(walker, "http.client-timeout") is State.TODO


async def test_scan_failure_is_reported_and_walk_goes_on(repo: Path) -> None:
    app = GoliveApp(make_deps(repo, scan=FakeScan(fail="not a repository")))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        assert not walker.scanning
        assert state_of(walker, "shutdown.sigterm") is State.TODO
        await pilot.press("space")
        assert state_of(walker, "shutdown.sigterm") is State.DONE


def _recording_editor(tmp_path: Path, name: str) -> tuple[Path, Path]:
    log = tmp_path / "editor-args.txt"
    script = tmp_path / name
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


async def test_open_evidence_in_editor_at_line(repo: Path, tmp_path: Path) -> None:
    script, log = _recording_editor(tmp_path, "vim")
    app = GoliveApp(make_deps(repo, editor_env={"VISUAL": str(script)}))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "http.client-timeout")
        await pilot.press("o")
        assert log.read_text().splitlines() == ["+6", str(repo / "internal/weather/client.go")]


async def test_an_unknown_editor_is_told_nothing_and_the_user_file_line(
    repo: Path, tmp_path: Path
) -> None:
    """Issue 13, point 8: the line is never dropped silently: an editor golive cannot pass it
    to opens the file, and the walker says `file:line` to copy."""
    script, log = _recording_editor(tmp_path, "myeditor")
    app = NotingApp(make_deps(repo, editor_env={"VISUAL": str(script)}))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "http.client-timeout")
        await pilot.press("o")
        await pilot.pause()
        assert log.read_text().splitlines() == [str(repo / "internal/weather/client.go")]
        assert "The finding is at internal/weather/client.go:6" in app.seen


async def test_open_without_editor_says_so(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = NotingApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await pilot.press("o")
        assert any("VISUAL" in message for message in app.seen)
        assert walker.items.current_id == "shutdown.sigterm"


def test_editor_command_forms(tmp_path: Path) -> None:
    path = tmp_path / "main.go"
    assert editor_command("nvim", path, 12) == ["nvim", "+12", str(path)]
    assert editor_command("emacs -nw", path, 3) == ["emacs", "-nw", "+3", str(path)]
    assert editor_command("code --wait", path, 7) == ["code", "--wait", "--goto", f"{path}:7"]
    assert editor_command("ed", path, 7) == ["ed", str(path)]


async def test_evidence_detail_shows_highlighted_excerpt(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "http.client-timeout")
        detail = walker.query_one(ItemDetail)
        heads = [str(w.render()) for w in detail.query(".evidence-head")]
        assert heads == ["▶ internal/weather/client.go:6  contrary"]
        excerpt = detail.query_one(Excerpt)
        assert excerpt.syntax.lexer is not None and excerpt.syntax.lexer.name == "Go"
        assert "http.Get(url)" in excerpt.syntax.code
        assert 6 in excerpt.syntax.highlight_lines


async def test_autosave_then_resume_says_so(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "ops.runbook")
        await pilot.press("space", "q")
    again = NotingApp(make_deps(repo))
    async with again.run_test(size=SIZE) as pilot:
        walker = await started(again, pilot)
        assert state_of(walker, "ops.runbook") is State.DONE
        assert any("Resumed" in message for message in again.seen)


async def test_second_app_on_same_draft_is_refused(repo: Path) -> None:
    first = GoliveApp(make_deps(repo))
    async with first.run_test(size=SIZE) as pilot:
        await started(first, pilot)
        second = GoliveApp(make_deps(repo))
        async with second.run_test(size=SIZE) as pilot2:
            await pilot2.pause()
        assert second.return_code == 2
        assert "open in another golive" in second.error
        assert f"pid {os.getpid()}" in second.error
    third = GoliveApp(make_deps(repo))  # released on exit
    async with third.run_test(size=SIZE) as pilot:
        await started(third, pilot)
        assert isinstance(third.screen, WalkerScreen)


async def test_summary_screen_and_save_record(repo: Path) -> None:
    saver = RecordingSaver(DraftStore(repo))
    app = GoliveApp(make_deps(repo, save_record=saver))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "ops.runbook")
        await pilot.press("w")
        dialog = app.screen
        dialog.query_one("#field-reason", Input).value = "next sprint"
        dialog.query_one("#field-until", Input).value = "2030-02-01"
        await pilot.click("#ok")
        await pilot.pause()
        await pilot.press("s")
        assert isinstance(app.screen, SummaryScreen)
        text = " ".join(str(w.render()) for w in app.screen.query(".summary-row"))
        assert "until 2030-02-01: next sprint" in text
        assert "Outbound clients have timeouts" in text
        assert ME in str(app.screen.query_one("#participants").render())
        await pilot.click("#save")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(saver.calls) == 1
        draft = saver.calls[0]
        assert draft is not None
        assert draft.answers["ops.runbook"].state is State.WAIVED
        assert "unsigned" in str(app.screen.query_one("#save-result").render())
        await pilot.press("escape")
        assert app.screen is walker


async def test_narrow_layout_hides_sections_until_asked(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=(80, 24)) as pilot:
        walker = await started(app, pilot)
        assert walker.has_class("-narrow")
        assert not walker.query_one("#sections").display
        await pilot.press("t")
        assert walker.query_one("#sections").display


async def burst(app: GoliveApp, pilot: Any, *keys: str) -> None:
    """Queue every key at once, as a fast typist (or a paste) does, then let the app catch up."""
    from textual import events

    driver = app._driver
    assert driver is not None
    for key in keys:
        char = {"slash": "/", "space": " "}.get(key, key if len(key) == 1 else None)
        driver.send_message(events.Key(key, char))
    await pilot.pause()
    await pilot.pause()


async def test_keys_typed_right_after_slash_go_to_the_search_box(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await burst(app, pilot, "slash", "r", "u", "n", "j", "k")
        assert walker.query_one("#search", Input).value == "runjk"
        assert walker.search_text == "runjk"
        assert walker.items.current_id is None  # nothing matches; the list did not move
        assert saved_or_empty(repo) == {}


def saved_or_empty(repo: Path) -> dict[str, object]:
    draft = DraftStore(repo).load("test-list", "v1")
    return dict(draft.answers) if draft is not None else {}


async def test_remaining_filter_and_next_open_agree_with_the_gate(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "ops.observability")
        await pilot.press("1")  # scored, but below full marks: still open for the gate
        view = walker.view_of("ops.observability")
        assert view.open
        walker.set_filter("remaining")
        await pilot.pause()
        assert "ops.observability" in [v.item.id for v in walker.visible_views()]
        walker.set_filter("all")
        await goto(walker, pilot, "ops.runbook")
        await pilot.press("g")
        assert walker.items.current_id == "ops.observability"
        await pilot.press("2")  # full marks: settled everywhere
        walker.set_filter("remaining")
        await pilot.pause()
        assert "ops.observability" not in [v.item.id for v in walker.visible_views()]


async def test_code_excerpt_follows_a_theme_switch_in_place(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-dark"
        walker = await started(app, pilot)
        await goto(walker, pilot, "http.client-timeout")
        excerpt = walker.query_one(Excerpt)
        assert excerpt.dark
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        assert walker.query_one(Excerpt) is excerpt  # updated where it is, not rebuilt
        assert not excerpt.dark
        assert excerpt.content is excerpt.syntax  # the light excerpt is what is shown
        app.theme = "textual-dark"
        await pilot.pause()
        await pilot.pause()
        assert excerpt.dark


def bar_parts(walker: WalkerScreen) -> list[str]:
    """The summary bar's visible parts, each checked to be shown whole (nothing cut off)."""
    bar = walker.query_one(SummaryBar)
    parts = []
    for label in bar.query(Label):
        if not label.display or not str(label.render()):
            continue
        text = str(label.render())
        assert label.region.width >= cell_len(text), f"{text!r} is cut"
        assert label.region.right <= bar.region.right, f"{text!r} runs off the bar"
        parts.append(text)
    return parts


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_summary_bar_is_complete_at_every_width(repo: Path, size: tuple[int, int]) -> None:
    app = GoliveApp(make_deps(repo, profile="quick-gate"))
    async with app.run_test(size=size) as pilot:
        walker = await started(app, pilot)
        text = " · ".join(bar_parts(walker))
        summary = walker.assessment.summary
        assert f"{summary.done}/{summary.total}" in text
        assert re.search(rf"P0 (open )?{summary.p0_remaining}\b", text)
        assert f"risk {summary.at_risk}" in text
        assert "✗" in text or "fail" in text  # the quick gate fails: the P0 items are open
        assert "/12 Needs work" in text  # score and band
        if size[0] >= 120:
            assert "gate quick-gate: fail" in text and "Health: " in text
            assert "scanned" in text


async def test_summary_bar_while_scanning_at_80_columns(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=(80, 24)) as pilot:
        walker = await started(app, pilot)
        bar = walker.query_one(SummaryBar)
        bar.scanning(12, 46)
        await pilot.pause()
        text = " · ".join(bar_parts(walker))
        assert "/12 Needs work" in text
        assert bar.query_one("#scan-progress").display
        assert "scan 12/46" in text


def carry_plan(repo: Path) -> Any:
    """A walk continuing from v0: one answer carried, one item re-asked, one new."""
    from golive_tui.core.model import Answer
    from golive_tui.core.record.carry import CarryPlan, ChangeKind, ChangeReason

    return CarryPlan(
        release="v1",
        base_release="v0",
        base_path=repo / ".golive" / "records" / "v0.toml",
        carried={
            "shutdown.drain": Answer(
                "shutdown.drain", State.DONE, by=ME, at="2029-12-01T00:00:00Z", carried_from="v0"
            )
        },
        reasked={
            "ops.runbook": (
                ChangeReason(ChangeKind.FILE_CHANGED, "docs/runbook.md changed", "docs/runbook.md"),
            )
        },
        new=("http.rate-limit",),
    )


async def test_summary_counts_carried_reasked_and_new(repo: Path) -> None:
    plan = carry_plan(repo)
    app = GoliveApp(make_deps(repo, carry=lambda _report: plan))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        assert state_of(walker, "shutdown.drain") is State.DONE  # seeded from v0
        assert [v.item.id for v in walker.visible_views()][:2] == [
            "ops.runbook",
            "http.rate-limit",
        ]
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        line = str(screen.query_one("#summary-carry").render())
        assert line == "Continued from v0: 1 carried · 1 re-asked · 1 new"
        headings = [str(w.render()) for w in screen.query(".heading")]
        assert "Asked again since v0 (2)" in headings
        rows = " ".join(str(w.render()) for w in screen.query(".summary-row"))
        assert "Runbook exists  docs/runbook.md changed" in rows
        assert "Rate limit public endpoints  new in the checklist since v0" in rows


async def test_summary_without_an_earlier_record_has_no_carry_line(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("s")
        assert not app.screen.query("#summary-carry")


async def test_saving_shows_the_how_to_on_screen_and_a_one_line_toast(repo: Path) -> None:
    def save(_draft: object, _report: object, _assessment: object) -> str:
        return "saved (unsigned) .golive/records/v1.toml\nTo sign:\n  git config gpg.format ssh"

    app = NotingApp(make_deps(repo, save_record=save))
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("s", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = str(app.screen.query_one("#save-result").render())
        assert "git config gpg.format ssh" in result
        assert app.seen[-1] == "saved (unsigned) .golive/records/v1.toml"


@pytest.mark.parametrize(
    ("key", "item_id", "field"),
    [
        ("n", "ops.runbook", "field-reason"),
        ("w", "ops.runbook", "field-reason"),
        ("e", "ops.runbook", "field-note"),
        ("p", "ops.runbook", "field-who"),
    ],
)
async def test_keys_typed_right_after_a_dialog_key_go_to_the_dialog(
    repo: Path, key: str, item_id: str, field: str
) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, item_id)
        # Letters that are walker keys too (j, k, n, g, q, space): none may reach the walker.
        await burst(app, pilot, key, "j", "k", "space", "n", "g", "q", "x")
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        field_input = dialog.query_one(f"#{field}", Input)
        assert field_input.value == "jk ngqx"
        assert app.focused is field_input
        assert walker.items.current_id == item_id  # the list did not move
        await burst(app, pilot, "escape")
        assert app.screen is walker
        assert saved_or_empty(repo) == {}


async def test_keys_before_a_dialog_key_still_act_on_the_walk(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await burst(app, pilot, "j", "j", "j", "n", "n", "o")
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        assert "Rate limit" in dialog.title_text  # the moves came first
        assert walker.items.current_id == "http.rate-limit"
        assert dialog.query_one("#field-reason", Input).value == "no"
        await burst(app, pilot, "enter")
        assert app.screen is walker
        assert saved(repo)["http.rate-limit"].reason == "no"  # type: ignore[attr-defined]


async def test_a_quick_reason_and_enter_answer_at_once(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "ops.runbook")
        await burst(app, pilot, "n", *"no runbook yet", "enter", "j")
        assert app.screen is walker
        assert saved(repo)["ops.runbook"].reason == "no runbook yet"  # type: ignore[attr-defined]
        assert walker.items.current_id == "ops.observability"  # j after enter moved the list


async def test_a_whole_waiver_typed_in_one_go(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "ops.runbook")
        # Enter moves to the next field at once: the date lands in it, and keys after the last
        # enter go back to the walk.
        await burst(app, pilot, "w", *"no time", "enter", *"2030-02-01", "enter", "j")
        assert app.screen is walker
        answer: Any = saved(repo)["ops.runbook"]
        assert (answer.state, answer.reason, answer.until) == (
            State.WAIVED,
            "no time",
            "2030-02-01",
        )
        assert walker.items.current_id == "ops.observability"


async def test_a_scan_done_before_the_walk_opens_is_on_its_first_screen(repo: Path) -> None:
    """The first paint already shows the evidence: the scan is taken, never run again, and
    carry-forward is still planned (after that paint)."""
    from tests.tui.fakes import FakeReport, results
    from tests.tui.test_walker_release import until

    scan = FakeScan()
    ready = FakeReport(results())
    taken: list[object] = []
    plan = carry_plan(repo)

    def carry(report: object) -> Any:
        taken.append(report)
        return plan

    app = GoliveApp(make_deps(repo, scan=scan, scan_ready=lambda: ready, carry=carry))
    async with app.run_test(size=SIZE) as pilot:
        walker = app.screen
        assert isinstance(walker, WalkerScreen)
        assert walker.report is ready and not walker.scanning  # before any worker ran
        assert state_of(walker, "shutdown.sigterm") is State.DETECTED
        await until(pilot, lambda: walker.carry_plan is not None)
        assert walker.carry_plan is plan and taken == [ready]
        assert state_of(walker, "shutdown.drain") is State.DONE  # seeded from v0
        assert scan.runs == 0
        assert "scanned · 2 detectors" in " · ".join(bar_parts(walker))
        await pilot.press("r")  # a rescan runs the scan as before
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert scan.runs == 1 and walker.report is not ready


async def test_a_scan_still_running_when_the_walk_opens_arrives_as_before(repo: Path) -> None:
    scan = FakeScan()
    asked: list[bool] = []

    def not_yet() -> None:
        asked.append(True)

    app = GoliveApp(make_deps(repo, scan=scan, scan_ready=not_yet))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        assert asked == [True] and scan.runs == 1
        assert state_of(walker, "shutdown.sigterm") is State.DETECTED


async def test_saving_waits_for_carry_forward_to_be_checked(repo: Path) -> None:
    """The evidence is on screen before carry-forward is checked; a record saved in between
    would miss the answers the walk is about to carry in, so the save is refused until the
    check ends and the summary shows its outcome."""
    import threading

    from tests.tui.fakes import FakeReport, results

    gate = threading.Event()
    plan = carry_plan(repo)

    def carry(_report: object) -> Any:
        gate.wait(timeout=60)  # a state wait, bounded: released below
        return plan

    saver = RecordingSaver()
    ready = FakeReport(results())
    app = NotingApp(make_deps(repo, scan_ready=lambda: ready, carry=carry, save_record=saver))
    async with app.run_test(size=SIZE) as pilot:
        walker = app.screen
        assert isinstance(walker, WalkerScreen) and walker.carry_pending
        await pilot.press("s", "enter")
        for worker in [w for w in app.workers if w.group == "record"]:
            await worker.wait()
        await pilot.pause()
        assert saver.calls == []
        result = str(app.screen.query_one("#save-result").render())
        assert "Not saved" in result and "carry" in result
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not walker.carry_pending and walker.carry_plan is plan
        await pilot.press("escape", "s", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(saver.calls) == 1
        saved_draft = saver.calls[0]
        assert saved_draft is not None and "shutdown.drain" in saved_draft.answers


async def test_the_end_of_a_scan_a_rescan_replaced_is_ignored(repo: Path) -> None:
    """A scan's end already queued when a rescan started (its message was in flight) never
    replaces what the walk shows, nor says the running scan failed."""
    from golive_tui.tui.messages import ScanFailed, ScanFinished
    from tests.tui.fakes import FakeReport

    app = NotingApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        shown = walker.report
        replaced = object()  # the run of a scan a rescan replaced
        walker.post_message(ScanFinished(FakeReport(()), replaced))
        walker.post_message(ScanFailed("the disk went away", replaced))
        await pilot.pause()
        assert walker.report is shown and not walker.scanning
        assert state_of(walker, "shutdown.sigterm") is State.DETECTED
        assert not [m for m in app.seen if "disk went away" in m]
