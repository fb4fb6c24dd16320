"""The walk: sections | items | detail, with evidence arriving live from a background scan.

The screen owns the walk's state (draft, detector results, assessment, filter, search) and
re-renders its three widgets from it; the scan runs in a thread worker that only posts
messages. Every answer goes through core.draft (the same rules `golive mark` uses) and is
saved atomically at once, so quitting never loses work.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList
from textual.worker import get_current_worker

from golive_tui.core.carry import seed_draft, should_seed
from golive_tui.core.confine import UnsafePathError, confine
from golive_tui.core.draft import (
    Draft,
    DraftStore,
    apply_answer,
    is_override,
    make_answer,
    with_answer,
    with_participant,
    without_answer,
)
from golive_tui.core.errors import DraftError
from golive_tui.core.model import Item, ItemKind, State
from golive_tui.tui import carry_view
from golive_tui.tui.deps import WalkerDeps
from golive_tui.tui.messages import ScanFailed, ScanFinished, ScanProgress
from golive_tui.tui.present import FILTERS, is_open, literal, matches_filter, matches_search
from golive_tui.tui.screens.dialogs import Field, FormDialog, Values
from golive_tui.tui.screens.help import HelpScreen
from golive_tui.tui.screens.summary import SummaryScreen
from golive_tui.tui.widgets.detail import ItemDetail, evidence_of
from golive_tui.tui.widgets.item_list import ItemList
from golive_tui.tui.widgets.section_list import ALL, SectionList
from golive_tui.tui.widgets.summary_bar import SummaryBar
from golive_tui.tui.widgets.walker_footer import WalkerFooter

LINE_FIRST = {"vi", "vim", "nvim", "gvim", "emacs", "emacsclient", "nano", "micro", "kak", "hx"}
GOTO = {"code", "code-insiders", "codium", "cursor"}


def editor_command(editor: str, path: Path, line: int) -> list[str]:
    """The argv opening `path` at `line` in `editor` ($VISUAL / $EDITOR, may carry flags)."""
    argv = shlex.split(editor)
    name = PurePath(argv[0]).name if argv else ""
    if name in LINE_FIRST:
        return [*argv, f"+{line}", str(path)]
    if name in GOTO:
        return [*argv, "--goto", f"{path}:{line}"]
    if name in ("subl", "zed", "mate"):
        return [*argv, f"{path}:{line}"]
    return [*argv, str(path)]


class WalkerScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual's own declaration)
        (0, "-narrow"),
        (110, "-wide"),
    ]

    # description: the footer's word; tooltip: the sentence the help screen and palette show.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down",
            "cursor_down",
            "Next item",
            id="walk.down",
            show=False,
            tooltip="Move to the next item",
        ),
        Binding(
            "k,up",
            "cursor_up",
            "Previous item",
            id="walk.up",
            show=False,
            tooltip="Move to the previous item",
        ),
        Binding(
            "space",
            "toggle_done",
            "Done",
            id="walk.toggle",
            tooltip="Mark the item done, or back to to-do (overriding evidence asks for a note)",
        ),
        Binding(
            "n",
            "na",
            "N/A",
            id="walk.na",
            tooltip="Mark not applicable, with a reason (again clears it)",
        ),
        Binding(
            "w",
            "waive",
            "Waive",
            id="walk.waive",
            tooltip="Waive for now, with a reason and an expiry date (again clears it)",
        ),
        Binding("e,m", "note", "Note", id="walk.note", tooltip="Add or edit a note on the item"),
        Binding(
            "0",
            "score(0)",
            "Score 0",
            id="walk.score0",
            show=False,
            tooltip="Score item: level 0 of the rubric",
        ),
        Binding(
            "1",
            "score(1)",
            "Score 1",
            id="walk.score1",
            show=False,
            tooltip="Score item: level 1 of the rubric",
        ),
        Binding(
            "2",
            "score(2)",
            "Score 2",
            id="walk.score2",
            show=False,
            tooltip="Score item: level 2 of the rubric (full marks)",
        ),
        Binding(
            "o",
            "open_evidence",
            "Open",
            id="walk.open",
            tooltip="Open the selected evidence in $VISUAL / $EDITOR at its line",
        ),
        Binding(
            "x",
            "next_evidence",
            "Next evidence",
            id="walk.next_evidence",
            show=False,
            tooltip="Select the item's next piece of evidence",
        ),
        Binding(
            "g",
            "next_remaining",
            "Next open",
            id="walk.next_remaining",
            tooltip="Jump to the next item still open",
        ),
        Binding(
            "f",
            "cycle_filter",
            "Filter",
            id="walk.filter",
            tooltip="Cycle the filter: all, remaining, P0, at risk, detected",
        ),
        Binding(
            "c",
            "filter_changed",
            "Changed",
            id="walk.changed",
            show=False,
            tooltip="Show only what changed since the last release's record",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            id="walk.search",
            priority=True,
            tooltip="Search items by id, title or tag (enter keeps it, esc clears it)",
        ),
        Binding(
            "r",
            "rescan",
            "Rescan",
            id="walk.rescan",
            show=False,
            tooltip="Scan the repository again for evidence",
        ),
        Binding(
            "p",
            "pair",
            "Pair",
            id="walk.pair",
            show=False,
            tooltip="Add someone walking with you as a participant",
        ),
        Binding(
            "t",
            "toggle_sections",
            "Sections",
            id="walk.sections",
            show=False,
            tooltip="Show or hide the sections pane",
        ),
        Binding(
            "s",
            "summary",
            "Summary",
            id="walk.summary",
            tooltip="Summary of the walk, then save the record",
        ),
        Binding("question_mark", "help", "Help", id="walk.help", tooltip="Show every key"),
        Binding(
            "q",
            "quit",
            "Quit",
            id="walk.quit",
            tooltip="Quit (every answer is already saved in the draft)",
        ),
    ]

    def __init__(self, deps: WalkerDeps, draft: Draft) -> None:
        super().__init__()
        self.deps = deps
        self.draft = draft
        self.results: dict[str, Any] = {}
        self.report: Any = None
        self.paths: tuple[str, ...] = ()
        self.go_imports: tuple[str, ...] = ()
        self.scanning = False
        self.filter = "all"
        self.section = ALL
        self.search_text = ""
        self.evidence_index = 0
        self.assessment: Any = None
        self._shown_id: str | None = None
        self._detail_key: Any = None
        self.carry_plan: Any = None  # core.carry.CarryPlan once the scan found a base record
        self._start_draft = draft
        self._reassess_pending = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield SummaryBar(id="summary")
        with Horizontal(id="body"):
            yield SectionList(id="sections")
            with Vertical(id="main"):
                yield ItemList(id="items")
                yield Input(placeholder="search items…", id="search")
            yield ItemDetail(id="detail")
        yield WalkerFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.query_one(SectionList).border_title = "Sections"
        self.query_one(ItemDetail).border_title = "Detail"
        self.reassess()
        self.query_one(ItemList).focus()
        self.start_scan()

    @property
    def store(self) -> DraftStore:
        return self.deps.store

    @property
    def items(self) -> ItemList:
        return self.query_one(ItemList)

    # ------------------------------------------------------------------ state -> widgets

    def _assess(self, answers: Any) -> Any:
        return self.deps.assess(
            self.deps.checklist,
            answers,
            self.results,
            paths=self.paths,
            go_imports=self.go_imports,
            today=self.deps.today,
            profile=self.deps.profile or None,
        )

    def reassess(self) -> None:
        self.assessment = self._assess(self.draft.answers)
        self.refresh_views()

    def visible_views(self) -> list[Any]:
        views = [
            v
            for v in self.assessment.items
            if (self.section == ALL or v.item.section == self.section)
            and matches_filter(v, self.filter)
            and matches_search(v, self.search_text)
        ]
        return carry_view.arrange(views, self.carry_plan, self.filter)

    def refresh_views(self) -> None:
        self.query_one(SummaryBar).show(self.assessment.summary, profile=self.deps.profile)
        self.query_one(SectionList).show(self.deps.checklist.sections, self.assessment.items)
        self.show_items()
        self.refresh_detail()

    def show_items(self) -> None:
        views = self.visible_views()
        self.items.show(views)
        noun = "item" if len(views) == 1 else "items"
        subtitle = self._subtitle()
        self.items.border_title = literal(
            f"{len(views)} {noun}" + (f" · {subtitle}" if subtitle else ""), multiline=False
        )
        self.items.border_subtitle = literal(self.carry_plan.headline() if self.carry_plan else "")

    def _subtitle(self) -> str:
        """The search first (it is what the user is typing), then a filter other than all."""
        parts = [f"“{self.search_text}”"] if self.search_text else []
        if self.filter != "all":
            parts.append(dict(carry_view.filters(FILTERS, self.carry_plan))[self.filter])
        return " · ".join(parts)

    def view_of(self, item_id: str | None) -> Any | None:
        if item_id is None:
            return None
        return next((v for v in self.assessment.items if v.item.id == item_id), None)

    @property
    def current(self) -> Any | None:
        return self.view_of(self.items.current_id)

    def refresh_detail(self) -> None:
        view = self.current
        same_item = view is not None and view.item.id == self._shown_id
        if not same_item:
            self.evidence_index = 0
        self._shown_id = view.item.id if view else None
        dark = self.app.current_theme.dark
        detectors = view.item.detect.detectors if view and view.item.detect else ()
        key = (
            view,
            tuple(self.results.get(d) for d in detectors),
            self.evidence_index,
            self.scanning and bool(detectors),
        )  # not the theme: excerpts follow it themselves, keeping the scroll position
        if key == self._detail_key:
            return  # nothing this item shows has changed: no flicker while the scan streams in
        self._detail_key = key
        self.query_one(ItemDetail).show(
            view,
            self.results,
            self.deps.repo_root,
            evidence_index=self.evidence_index,
            dark=dark,
            scanning=self.scanning,
            reasons=carry_view.reason_widgets(self.carry_plan, view.item.id if view else None),
            same_item=same_item,
        )

    @on(OptionList.OptionHighlighted, "#items")
    def _item_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id != self._shown_id:
            self.refresh_detail()

    @on(OptionList.OptionHighlighted, "#sections")
    @on(OptionList.OptionSelected, "#sections")
    def _section_chosen(self, event: OptionList.OptionHighlighted) -> None:
        chosen = event.option.id or ALL
        if chosen != self.section:
            self.section = chosen
            self.show_items()
            self.refresh_detail()

    # ------------------------------------------------------------------ scan

    def start_scan(self) -> None:
        self.scanning = True
        self.query_one(SummaryBar).scanning(0, 0)
        self.refresh_detail()  # "waiting for the scan…", not "not scanned"
        self.run_scan()

    @work(thread=True, exclusive=True, group="scan")
    def run_scan(self) -> None:
        worker = get_current_worker()

        def progress(p: Any) -> None:
            # The scan cannot be interrupted from outside its thread, and quitting waits for
            # the thread: a cancelled scan (quit, rescan) stops at its next progress report.
            if worker.is_cancelled:
                raise ScanCancelled
            self.post_message(ScanProgress(p.phase, p.done, p.total, p.result))

        try:
            report = self.deps.scan(progress)
        except Exception as exc:  # the walk goes on without evidence; the user is told why
            if not worker.is_cancelled:
                self.post_message(ScanFailed(str(exc)))
            return
        if self.deps.carry is not None and not worker.is_cancelled:
            try:
                plan = self.deps.carry(report)  # git and signature checks: off the UI thread
            except Exception:  # carry-forward is a head start; the walk goes on without it
                plan = None
            if plan is not None and not worker.is_cancelled:
                self.app.call_from_thread(self.adopt_plan, plan)
        if not worker.is_cancelled:
            self.post_message(ScanFinished(report))

    def on_scan_progress(self, message: ScanProgress) -> None:
        self.query_one(SummaryBar).scanning(message.done, message.total, message.phase)
        if message.result is not None:
            self.results[message.result.id] = message.result
            if not self._reassess_pending:
                # Coalesce: results already queued are taken in before this one re-render.
                self._reassess_pending = True
                self.call_later(self._flush_results)

    def _flush_results(self) -> None:
        self._reassess_pending = False
        self.reassess()

    def on_scan_finished(self, message: ScanFinished) -> None:
        report = message.report
        self.report = report
        self.results = {r.id: r for r in report.results}
        self.paths = tuple(getattr(report, "paths", ()) or ())
        self.go_imports = tuple(getattr(report, "go_imports", ()) or ())
        self.scanning = False
        found = sum(1 for v in self._assess(self.draft.answers).items if v.state is State.DETECTED)
        self.query_one(SummaryBar).scanned(f"scanned · {len(self.results)} detectors")
        self.reassess()
        for warning in getattr(report, "warnings", ()) or ():
            self.notify(str(warning), severity="warning", timeout=6)
        self.log(f"scan finished: {found} items detected")

    def adopt_plan(self, plan: Any) -> None:
        """Continue from the earlier release: seed a fresh draft, show what changed first."""
        first = self.carry_plan is None
        self.carry_plan = plan
        self._detail_key = None
        seed = not self.draft.carried_from and should_seed(
            self.deps.repo_root, self._start_draft, self.deps.release
        )
        if seed:
            self.commit(seed_draft(self.draft, plan))  # never overwrites answers given meanwhile
        else:
            self.reassess()
        if first:
            self.notify(f"Continuing {plan.headline()}.", title="Since last release")

    def on_scan_failed(self, message: ScanFailed) -> None:
        self.scanning = False
        self.query_one(SummaryBar).scanned("scan failed")
        self.notify(f"Scan failed: {message.error}", severity="error", timeout=10)
        self.refresh_detail()

    # ------------------------------------------------------------------ answering

    def evidence_state(self, item_id: str) -> State | None:
        """The item's state from evidence alone (its answer set aside): decides overrides."""
        answers = {k: v for k, v in self.draft.answers.items() if k != item_id}
        view = next(v for v in self._assess(answers).items if v.item.id == item_id)
        return view.state if view.state in (State.DETECTED, State.AT_RISK) else None

    def commit(self, draft: Draft, message: str = "") -> None:
        """Adopt and autosave a changed draft, then re-render."""
        try:
            self.draft = self.store.save(draft)
        except DraftError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.reassess()
        if message:
            self.notify(message, timeout=2)

    def answer(self, item: Item, state: State, **fields: Any) -> None:
        """Answer `item`, asking for a note first when that overrides the evidence."""
        evidence = self.evidence_state(item.id)
        override = is_override(state, evidence)
        has_note = bool(
            fields.get("note") or (state in (State.NA, State.WAIVED) and fields.get("reason"))
        )
        if override and not has_note:
            said = "detected evidence" if evidence is State.DETECTED else "evidence at risk"

            def done(values: Values | None) -> None:
                if values is not None:
                    self.answer(item, state, **{**fields, "note": values["note"]})

            self.app.push_screen(
                FormDialog(
                    f"Override {said}?",
                    [Field("note", "Note (required): why the evidence is wrong or accepted")],
                    self._validator(item, state, evidence, fields),
                    hint=f"{item.title}: marking it {state.value} contradicts the scan.",
                ),
                done,
            )
            return
        try:
            draft = apply_answer(
                self.draft,
                item,
                state,
                evidence_state=evidence,
                by=self.deps.identity,
                today=self.deps.today,
                **fields,
            )
        except DraftError as exc:
            self.notify(str(exc), severity="error")
            return
        self.commit(draft)

    def _validator(
        self, item: Item, state: State, evidence: State | None, fixed: dict[str, Any]
    ) -> Callable[[Values], str | None]:
        def validate(values: Values) -> str | None:
            try:
                make_answer(
                    item,
                    state,
                    evidence_state=evidence,
                    by="",
                    at="",
                    today=self.deps.today,
                    **{**fixed, **values},
                )
            except DraftError as exc:
                return str(exc).split(": ", 1)[-1]
            return None

        return validate

    def _item(self) -> Item | None:
        view = self.current
        if view is None:
            self.notify("No item selected.", severity="warning")
            return None
        item: Item = view.item
        return item

    def action_toggle_done(self) -> None:
        view = self.current
        if view is None:
            return
        if view.item.kind is ItemKind.SCORE:
            self.notify("Score item: press 0, 1 or 2 (the rubric is in the detail).")
            return
        closed = view.state in (State.DONE, State.DETECTED)
        self.answer(view.item, State.TODO if closed else State.DONE)

    def action_score(self, value: int) -> None:
        item = self._item()
        if item is None:
            return
        if item.kind is not ItemKind.SCORE:
            self.notify("Only score items take 0, 1 or 2; press space to tick a check.")
            return
        self.answer(item, State.DONE, score=value)

    def action_na(self) -> None:
        view = self.current
        if view is None:
            return
        if view.answer is not None and view.answer.state is State.NA:
            self.commit(without_answer(self.draft, view.item.id), "n/a cleared")
            return
        item = view.item
        evidence = self.evidence_state(item.id)
        fields = [Field("reason", "Reason (required): why it does not apply")]
        self._form(item, State.NA, evidence, "Not applicable", fields)

    def action_waive(self) -> None:
        view = self.current
        if view is None:
            return
        if view.answer is not None and view.answer.state is State.WAIVED:
            self.commit(without_answer(self.draft, view.item.id), "waiver cleared")
            return
        item = view.item
        evidence = self.evidence_state(item.id)
        fields = [
            Field("reason", "Reason (required): why it is accepted for now"),
            Field("until", "Until (required): expiry date", placeholder="YYYY-MM-DD"),
        ]
        self._form(item, State.WAIVED, evidence, "Waive", fields)

    def _form(
        self, item: Item, state: State, evidence: State | None, title: str, fields: list[Field]
    ) -> None:
        if is_override(state, evidence):
            fields = [
                *fields,
                Field("note", "Note (overrides the scan; the reason serves if empty)"),
            ]

        def done(values: Values | None) -> None:
            if values is not None:
                self.answer(item, state, **{k: v for k, v in values.items() if v})

        self.app.push_screen(
            FormDialog(
                f"{title}: {item.title}", fields, self._validator(item, state, evidence, {})
            ),
            done,
        )

    def action_note(self) -> None:
        view = self.current
        if view is None:
            return
        item, answer = view.item, view.answer

        def done(values: Values | None) -> None:
            if values is None:
                return
            note = values["note"]
            if answer is not None:
                from dataclasses import replace

                self.commit(with_answer(self.draft, replace(answer, note=note)), "note saved")
                return
            if not note:
                return
            # No answer yet: keep what the evidence says (detected stays done, at risk stays open).
            state = State.DONE if view.state is State.DETECTED else State.TODO
            try:
                new = make_answer(item, state, note=note, by=self.deps.identity)
            except DraftError as exc:
                self.notify(str(exc), severity="error")
                return
            self.commit(with_answer(self.draft, new), "note saved")

        self.app.push_screen(
            FormDialog(
                f"Note: {item.title}",
                [Field("note", "Note", value=answer.note if answer else "")],
            ),
            done,
        )

    def action_pair(self) -> None:
        def done(values: Values | None) -> None:
            if values is None:
                return
            try:
                draft = with_participant(self.draft, values["who"])
            except DraftError as exc:
                self.notify(str(exc), severity="error")
                return
            self.commit(draft, f"{values['who']} joined the walk")

        self.app.push_screen(
            FormDialog(
                "Pair: who is walking with you?",
                [Field("who", "Name <email>", placeholder="Grace Hopper <grace@example.com>")],
                lambda v: None if v["who"] else "a participant needs a name",
                hint="Participants: " + (", ".join(self.draft.participants) or "none yet"),
            ),
            done,
        )

    # ------------------------------------------------------------------ moving and finding

    def action_cursor_down(self) -> None:
        self.items.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.items.action_cursor_up()

    def action_next_remaining(self) -> None:
        views = self.visible_views()
        if not views:
            return
        ids = [v.item.id for v in views]
        start = ids.index(self.items.current_id) + 1 if self.items.current_id in ids else 0
        for view in views[start:] + views[:start]:
            if is_open(view):
                self.items.select_id(view.item.id)
                return
        self.notify("Nothing left open here.")

    def set_filter(self, name: str) -> None:
        self.filter = name
        self.refresh_views()

    def action_filter_changed(self) -> None:
        if self.carry_plan is None:
            self.notify("No signed record of an earlier release to compare with.")
            return
        self.set_filter(carry_view.CHANGED[0])

    def action_cycle_filter(self) -> None:
        names = [name for name, _label in carry_view.filters(FILTERS, self.carry_plan)]
        self.set_filter(names[(names.index(self.filter) + 1) % len(names)])

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is search:  # `/` typed inside the box (the binding has priority)
            search.insert_text_at_cursor("/")
            return
        search.display = True
        # A priority binding, handled as the key arrives, and focus moved at once (not on the
        # next loop turn): keys typed right after `/` then go to the box, never to the list.
        self.set_focus(search)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        self.show_items()
        self.refresh_detail()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        """Enter keeps the search (shown in the list's title) and hands the keys back to the list."""
        self.query_one("#search", Input).display = False
        self.items.focus()

    def key_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.display:
            search.value = ""
            search.display = False
            self.items.focus()

    def action_toggle_sections(self) -> None:
        self.toggle_class("-sections")

    # ------------------------------------------------------------------ evidence

    def action_next_evidence(self) -> None:
        view = self.current
        if view is None:
            return
        count = len(evidence_of(view, self.results))
        if count:
            self.evidence_index = (self.evidence_index + 1) % count
            self.refresh_detail()

    def action_open_evidence(self) -> None:
        view = self.current
        if view is None:
            return
        pairs = evidence_of(view, self.results)
        if not pairs:
            self.notify("No evidence to open for this item.", severity="warning")
            return
        _det, ev = pairs[min(self.evidence_index, len(pairs) - 1)]
        env = {**os.environ, **self.deps.editor_env}
        editor = env.get("VISUAL") or env.get("EDITOR")
        if not editor:
            self.notify("Set $VISUAL or $EDITOR to open evidence.", severity="warning")
            return
        try:
            target = confine(self.deps.repo_root, ev.path)
        except UnsafePathError as exc:
            self.notify(f"Not opened: {exc}", severity="warning")
            return
        argv = editor_command(editor, target, ev.line)
        try:
            with self.app.suspend():
                self._run_editor(argv)
        except SuspendNotSupported:
            self._run_editor(argv)
        self._detail_key = None  # the file may have changed: re-read the excerpt
        self.refresh_detail()

    def _run_editor(self, argv: list[str]) -> None:
        try:
            subprocess.run(argv, cwd=self.deps.repo_root, check=False)
        except OSError as exc:
            self.notify(f"Cannot start {argv[0]}: {exc}", severity="error")

    # ------------------------------------------------------------------ screens

    def action_rescan(self) -> None:
        self.notify("Rescanning…", timeout=2)
        self.start_scan()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(b for b in self.BINDINGS if isinstance(b, Binding)))

    def action_summary(self) -> None:
        save = self.deps.save_record
        report = self.report or _PartialReport(tuple(self.results.values()))

        def run_save() -> str:
            assert save is not None
            return save(self.draft, report, self.assessment)

        self.app.push_screen(
            SummaryScreen(
                self.assessment,
                self.draft,
                profile=self.deps.profile,
                save=run_save if save is not None else None,
                carry=self.carry_plan,
            )
        )

    async def action_quit(self) -> None:
        self.workers.cancel_group(self, "scan")  # a running scan stops at its next report
        self.app.exit()


class ScanCancelled(Exception):
    """Raised inside a scan's progress callback once the walk no longer wants its result."""


class _PartialReport:
    """A report stand-in while the scan is still running (the record gets what is known)."""

    def __init__(self, results: tuple[Any, ...]) -> None:
        self.results = results
        self.paths: tuple[str, ...] = ()
        self.go_imports: tuple[str, ...] = ()
        self.warnings: tuple[str, ...] = ()
