"""The walk's state and how it is drawn: sections | items | detail, re-rendered from the state.

The base of the walker screen. The screen owns the walk's state (draft, detector results,
assessment, filter, search); the widgets only show what they are given (attributes down), and
the scan, answers and evidence keys live in their own mixins (walk_scan, walk_answers,
walk_evidence), each a subclass of this one so they share the state with full types.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from golive_tui.core.assess import Assessment, ItemView
from golive_tui.core.draft import Draft, DraftStore
from golive_tui.core.errors import DraftError
from golive_tui.core.model import Answer, DetectorResult
from golive_tui.core.record.carry import CarryPlan
from golive_tui.core.release_view import headline
from golive_tui.tui import carry_view
from golive_tui.tui.deps import WalkerDeps, WalkReport
from golive_tui.tui.present import FILTERS, literal, matches_filter, matches_search
from golive_tui.tui.widgets.detail import ItemDetail
from golive_tui.tui.widgets.item_list import ItemList
from golive_tui.tui.widgets.section_list import ALL, SectionList
from golive_tui.tui.widgets.summary_bar import SummaryBar
from golive_tui.tui.widgets.walker_footer import WalkerFooter

#: What the detail pane shows, to skip re-rendering it when nothing in it changed: the item's
#: view, its detectors' results, the selected evidence, and whether it still waits for the scan.
DetailKey = tuple[ItemView | None, tuple[DetectorResult | None, ...], int, bool]


class WalkView(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual's own declaration)
        (0, "-narrow"),
        (110, "-wide"),
    ]

    def __init__(self, deps: WalkerDeps, draft: Draft) -> None:
        super().__init__()
        self.deps = deps
        self.draft = draft
        self.results: dict[str, DetectorResult] = {}
        self.paths: tuple[str, ...] = ()
        self.go_imports: tuple[str, ...] = ()
        self.scanning = False
        self.report: WalkReport | None = None  # the finished scan the walk shows (signed as is)
        self.read_only = deps.read_only  # a signed release, until the user amends it
        self.undo_stack: list[Draft] = []  # drafts before each change of answers, newest last
        self.filter = "all"
        self.section = ALL
        self.search_text = ""
        self.evidence_index = 0
        # A scan that finished before the walk opened (a warm one, started as `golive walk`
        # started) is taken now, before the one assessment the first screen shows: that screen
        # holds its evidence. Moby, warm, paired runs of bench/walker_bench.py: evidence on
        # screen 743 -> 346 ms from the app's start (`ScanApart.ready`).
        ready = deps.scan_ready() if deps.scan_ready is not None else None
        if ready is not None:
            self.adopt_report(ready)
        self.assessment: Assessment = self._assess(draft.answers)
        self._shown_id: str | None = None
        self._detail_key: DetailKey | None = None
        self.carry_plan: CarryPlan | None = None  # once the scan found a base record
        # Carry-forward is being checked for the shown scan: saving waits for it, or the record
        # would miss answers the walk is about to carry in.
        self.carry_pending = False
        self._start_draft = draft  # as the walk opened: carry-forward seeds only a fresh one
        self._reassess_pending = False  # scan results coalesce into one re-render

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="walk-header")
        yield SummaryBar(id="summary", service=self.deps.service)
        with Horizontal(id="body"):
            yield SectionList(id="sections")
            with Vertical(id="main"):
                yield ItemList(id="items")
                yield Input(placeholder="search items…", id="search")
            yield ItemDetail(id="detail")
        yield WalkerFooter(compact=True)

    @property
    def store(self) -> DraftStore:
        return self.deps.store

    @property
    def items(self) -> ItemList:
        return self.query_one(ItemList)

    def adopt_report(self, report: WalkReport) -> None:
        """A finished scan's report becomes the walk's (assess to show it)."""
        self.report = report
        self.results = {r.id: r for r in report.results}
        self.paths = tuple(report.paths)
        self.go_imports = tuple(report.go_imports)
        self.scanning = False

    # ------------------------------------------------------------------ state -> widgets

    def _assess(self, answers: Mapping[str, Answer]) -> Assessment:
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

    def editable(self) -> bool:
        """False (and says how to amend) while the walk shows a signed record."""
        if self.read_only:
            self.notify(
                f"{self.deps.release} is signed: read-only. Press A to amend it "
                "(signing again replaces its signatures).",
                severity="warning",
            )
        return not self.read_only

    def commit(self, draft: Draft, message: str = "") -> None:
        """Adopt and autosave a changed draft, then re-render."""
        if not self.editable():
            return
        previous = self.draft
        try:
            self.draft = self.store.save(draft)
        except DraftError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        if previous.answers != self.draft.answers:
            self.undo_stack = [*self.undo_stack[-49:], previous]  # `u` takes it back
        self.reassess()
        if message:
            self.notify(message, timeout=2)

    def visible_views(self) -> list[ItemView]:
        scope = self._p0_scope()
        views = [
            v
            for v in self.assessment.items
            if (self.section == ALL or v.item.section == self.section)
            and matches_filter(v, self.filter)
            and matches_search(v, self.search_text)
            and (scope is None or v.item.id in scope)
        ]
        return carry_view.arrange(views, self.carry_plan, self.filter)

    def headline(self) -> str:
        """Release, gate, participants, the record it continues from, signed state: the same
        line `golive status` prints first (core.release_view.headline)."""
        base = self.carry_plan.base_release if self.carry_plan is not None else ""
        signed = self.deps.signed
        if not base and signed is not None:
            base = next((i.carried_from for i in signed.record.items if i.carried_from), "")
        return headline(
            self.deps.release,
            self.deps.profile,
            self.draft.participants,
            base=base,
            signed=signed,
            read_only=self.read_only,
            service=self.deps.service,
        )

    def _p0_scope(self) -> set[str] | None:
        """ "P0 open" lists what the bar's "P0 open N" counts: the active profile's items."""
        if self.filter != "p0_open" or not self.deps.profile:
            return None
        profile = next((p for p in self.deps.checklist.profiles if p.id == self.deps.profile), None)
        return set(profile.items) if profile is not None else None

    def refresh_views(self) -> None:
        header = self.query_one("#walk-header", Static)
        header.update(literal(self.headline(), multiline=False))
        header.set_class(self.read_only, "-read-only")
        self.query_one(SummaryBar).show(
            self.assessment.summary, gate=self.assessment.gate(self.deps.profile)
        )
        self.query_one(SectionList).show(self.deps.checklist.sections, self.assessment.items)
        self.show_items()
        self.refresh_detail()

    def show_items(self) -> None:
        views = self.visible_views()
        self.items.show(views)
        noun = "item" if len(views) == 1 else "items"
        subtitle = self._subtitle()
        self.items.set_titles(
            literal(
                f"{len(views)} {noun}" + (f" · {subtitle}" if subtitle else ""), multiline=False
            ),
            literal(self.carry_plan.headline() if self.carry_plan else ""),
        )

    def _subtitle(self) -> str:
        """The search first (it is what the user is typing), then a filter other than all."""
        parts = [f"“{self.search_text}”"] if self.search_text else []
        if self.filter != "all":
            parts.append(dict(carry_view.filters(FILTERS, self.carry_plan))[self.filter])
        return " · ".join(parts)

    def view_of(self, item_id: str | None) -> ItemView | None:
        if item_id is None:
            return None
        return next((v for v in self.assessment.items if v.item.id == item_id), None)

    @property
    def current(self) -> ItemView | None:
        return self.view_of(self.items.current_id)

    def refresh_detail(self) -> None:
        view = self.current
        same_item = view is not None and view.item.id == self._shown_id
        if not same_item:
            self.evidence_index = 0
        self._shown_id = view.item.id if view else None
        dark = self.app.current_theme.dark
        detectors = view.item.detect.linked if view and view.item.detect else ()
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
