"""The walk: sections | items | detail, with evidence arriving live from a background scan.

WalkerScreen is assembled from the walk's parts, one module each: walk_view (the state and
how it is drawn), walk_scan (the scan worker and its messages), walk_answers (answering keys),
walk_evidence (evidence keys and the editor); walker_keys holds the key map. What is left here
is moving, finding and the screens the walker opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Input

from golive_tui.core.assess import gate_name
from golive_tui.core.checklist.library import NO_PROFILE
from golive_tui.core.draft import with_participant, with_profile
from golive_tui.core.errors import DraftError, GoliveError
from golive_tui.core.text import printable
from golive_tui.tui import carry_view
from golive_tui.tui.present import FILTERS, is_open
from golive_tui.tui.screens.dialogs import Field, FormDialog, Values
from golive_tui.tui.screens.walk_answers import Answering
from golive_tui.tui.screens.walk_evidence import EvidenceActions, editor_command
from golive_tui.tui.screens.walk_scan import ScanCancelled, ScanHandling
from golive_tui.tui.screens.walker_keys import WALKER_BINDINGS
from golive_tui.tui.view_state import ViewState, load_view, save_view
from golive_tui.tui.widgets.detail import ItemDetail
from golive_tui.tui.widgets.section_list import SectionList

__all__ = ["ScanCancelled", "WalkerScreen", "editor_command"]


class WalkerScreen(Answering, EvidenceActions, ScanHandling):
    BINDINGS: ClassVar[list[BindingType]] = WALKER_BINDINGS

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.query_one(SectionList).border_title = "Sections"
        self.query_one(ItemDetail).border_title = "Detail"
        self.refresh_views()  # the assessment made as the screen was built
        self._resume_view()
        self.items.focus()
        if self.report is None:
            self.start_scan()
        else:  # the scan was done before the walk opened: its evidence is on this screen
            self.scan_taken(self.report)

    def _resume_view(self) -> None:
        """Back where the last walk of this draft left off: its filter and selected item."""
        view = load_view(self.store, self.deps.checklist.id, self.deps.release)
        if view.filter in dict(FILTERS) and view.filter != self.filter:
            self.set_filter(view.filter)
        if view.item and self.view_of(view.item) is not None:
            self.items.select_id(view.item)

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
        """Esc clears the search, whether it is being typed or was kept with enter."""
        search = self.query_one("#search", Input)
        if search.display or self.search_text:
            search.value = ""  # Input.Changed clears search_text and redraws the list
            self.search_text = ""
            search.display = False
            self.show_items()
            self.refresh_detail()
            self.items.focus()

    def action_toggle_sections(self) -> None:
        self.toggle_class("-sections")

    # ------------------------------------------------------------------ the release

    def action_amend(self) -> None:
        """Leave the signed record's read-only view: its answers become the draft to change."""
        if not self.read_only:
            self.notify("Not a signed release: every answer is saved as you go.")
            return
        self.read_only = False
        draft = self.draft
        try:
            for who in (self.deps.identity, *self.deps.pair):
                if who:
                    draft = with_participant(draft, who)
        except DraftError as exc:
            self.notify(str(exc), severity="error")
            return
        signed = self.deps.signed
        count = len(signed.record.signatures) if signed is not None else 0
        self.commit(
            draft,
            f"Amending {self.deps.release}: signing again replaces its {count} signature(s).",
        )

    def action_profile(self) -> None:
        """Choose the gate this release is judged by (stored in the draft, then the record)."""
        if not self.editable():
            return
        known = [p.id for p in self.deps.checklist.profiles]

        def validate(values: Values) -> str | None:
            chosen = values["profile"].strip()
            if chosen in ("", NO_PROFILE, *known):
                return None
            return f"expected one of: {', '.join([*known, NO_PROFILE])}"

        def done(values: Values | None) -> None:
            if values is None:
                return
            chosen = values["profile"].strip()
            profile = "" if chosen in ("", NO_PROFILE) else chosen
            self.deps.profile = profile
            self.commit(with_profile(self.draft, profile), f"Gate: {gate_name(profile)}")

        self.app.push_screen(
            FormDialog(
                "Gate: which profile judges this release?",
                [Field("profile", "Profile", value=self.deps.profile or NO_PROFILE)],
                validate,
                hint=(
                    f"Profiles: {', '.join(known) or '(none defined)'}; {NO_PROFILE}: every item "
                    "must be settled. The record stores it and `golive gate` checks it."
                ),
            ),
            done,
        )

    # ------------------------------------------------------------------ screens

    def action_rescan(self) -> None:
        self.notify("Rescanning…", timeout=2)
        self.start_scan()

    def action_help(self) -> None:
        # The help and summary screens are imported when first opened: with the DataTable
        # and Button widgets they bring, ~14 ms of every walker's start before its first
        # screen (9 and 5 ms here), for screens many walks never open.
        from golive_tui.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(b for b in self.BINDINGS if isinstance(b, Binding)))

    def action_summary(self) -> None:
        from golive_tui.tui.screens.summary import SummaryScreen  # see action_help

        self.app.push_screen(
            SummaryScreen(
                self.assessment,
                self.draft,
                profile=self.deps.profile,
                save=self._reviewed_saver(),
                carry=self.carry_plan,
            )
        )

    def _reviewed_saver(self) -> Callable[[], str] | None:
        """Save exactly what the summary shows: this draft, this scan, this assessment."""
        saver = self.deps.save_record
        if saver is None:
            return None
        draft, report, assessment = self.draft, self.report, self.assessment
        pending = self.carry_pending  # this summary shows the walk before carry-forward

        def save() -> str:
            if report is None:
                raise GoliveError(
                    "the scan has not finished: wait for it (or press r), then save what it found"
                )
            if pending or self.carry_pending:
                raise GoliveError(
                    "the last release's record was still being checked for answers to carry "
                    "forward when this summary opened: open it again (s), then save"
                )
            return saver(draft, report, assessment)

        return save

    async def action_quit(self) -> None:
        self.stop_scan()  # a running scan stops (in-process: at its next report)
        if not self.read_only:
            shown = ViewState(self.items.current_id or "", self.filter)
            save_view(self.store, self.deps.checklist.id, self.deps.release, shown)
        s = self.assessment.summary
        said = (
            f"{self.deps.release} is signed; nothing changed ({s.done}/{s.total} done)"
            if self.read_only
            else f"draft saved, {s.done}/{s.total} done ({self.deps.release}; "
            "golive resumes it, `golive sign` signs it)"
        )
        self.app.exit(message=Text(printable(f"golive: {said}")))
