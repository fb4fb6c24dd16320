"""Finishing: what is done, waived (until when), at risk, the gate, who took part; then save the record."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, Static

from golive_tui.core.assess import Assessment, ItemView, gate_name
from golive_tui.core.draft import Draft
from golive_tui.core.model import State
from golive_tui.core.record.carry import CarryPlan
from golive_tui.tui import carry_view
from golive_tui.tui.present import is_open, literal, priority_badge, score_text, state_glyph


class SummaryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,s", "back", "Back to the walk", id="summary.back"),
        Binding("ctrl+s,enter", "save", "Save record", id="summary.save"),
    ]

    def __init__(
        self,
        assessment: Assessment,
        draft: Draft,
        *,
        profile: str,
        save: Callable[[], str] | None,
        carry: CarryPlan | None = None,
    ) -> None:
        super().__init__()
        self.assessment = assessment
        self.draft = draft
        self.profile = profile
        self.save = save
        self.carry = carry

    def compose(self) -> ComposeResult:
        views = self.assessment.items
        summary = self.assessment.summary
        with VerticalScroll(id="summary-body"):
            # Everything quoting the checklist, draft or records goes in as literal text.
            yield Label(
                literal(f"Readiness summary · {self.draft.checklist_id} @ {self.draft.release}"),
                id="summary-title",
            )
            yield Static(
                f"{summary.done}/{summary.total} done · {summary.detected} detected · "
                f"{summary.na} n/a · {summary.waived} waived · {summary.remaining} remaining · "
                f"P0 open {summary.p0_remaining} · at risk {summary.at_risk}"
                + (f" · to confirm {summary.to_confirm}" if summary.to_confirm else "")
                + (f" · could not tell {summary.unknown}" if summary.unknown else ""),
                id="summary-counts",
            )
            yield Static("", id="save-result")  # near the top: seen without scrolling
            if self.carry is not None:
                yield Static(literal(carry_view.summary_line(self.carry)), id="summary-carry")
            active = self.assessment.gate(self.profile)
            others = [g for g in summary.gates if g.profile != self.profile]
            for gate in [active, *others]:
                passed = "pass" if gate.passed else "fail"
                what = " (this release's gate: signed and checked)" if gate is active else ""
                label = Label(
                    literal(f"Gate {gate_name(gate.profile)}{what}: {passed}"), classes="gate"
                )
                label.set_class(gate.passed, "-pass")
                label.set_class(not gate.passed, "-fail")
                yield label
                if gate.failing:
                    more = len(gate.failing) - 12
                    shown = ", ".join(gate.failing[:12]) + (f" and {more} more" if more > 0 else "")
                    yield Static(literal(f"  failing: {shown}"), classes="muted")
            for score in summary.scores:
                yield Static(literal(score_text(score)), classes="score")
            if self.carry is not None:
                yield from self._group(
                    f"Asked again since {self.carry.base_release}",
                    carry_view.changed_views(views, self.carry),
                    extra=self._why_asked,
                )
            yield from self._group("At risk", [v for v in views if v.state is State.AT_RISK])
            yield from self._group(
                "Waived",
                [v for v in views if v.state is State.WAIVED],
                extra=lambda v: f"  until {v.answer.until}: {v.answer.reason}" if v.answer else "",
            )
            yield from self._group(
                "Still open", [v for v in views if is_open(v) and v.state is not State.AT_RISK]
            )
            yield from self._group(
                "Done", [v for v in views if v.state in (State.DONE, State.DETECTED)]
            )
            yield from self._group(
                "Not applicable",
                [v for v in views if v.state is State.NA],
                extra=lambda v: f"  {v.answer.reason}" if v.answer else "",
            )
            yield Label("Participants", classes="heading")
            yield Static(
                literal("\n".join(self.draft.participants) or "(nobody recorded)"),
                id="participants",
            )
        with Horizontal(id="summary-buttons"):
            yield Button("Save record", variant="primary", id="save")
            yield Button("Back", id="back")
        yield Footer()

    def _group(
        self, title: str, views: list[ItemView], extra: Callable[[ItemView], str] = lambda _v: ""
    ) -> ComposeResult:
        yield Label(literal(f"{title} ({len(views)})"), classes="heading")
        for view in views:
            yield Static(
                Content.assemble(
                    state_glyph(view),
                    " ",
                    priority_badge(view.item.priority),
                    " ",
                    literal(view.item.title, multiline=False),
                    literal(extra(view), "$text-muted"),
                ),
                classes="summary-row",
            )

    def _why_asked(self, view: ItemView) -> str:
        reasons = self.carry.reasons(view.item.id) if self.carry is not None else ()
        return f"  {reasons[0].message}" if reasons else ""

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        result = self.query_one("#save-result", Static)
        result.add_class("-shown")
        if self.save is None:
            result.update("Saving records is not available in this build.")
            return
        result.update("Saving…")
        self._save_worker()

    @work(thread=True, exclusive=True, group="record")
    def _save_worker(self) -> None:
        assert self.save is not None
        try:
            message = self.save()
        except Exception as exc:  # a GoliveError or an I/O failure: shown, never a traceback
            self.app.call_from_thread(self._saved, f"Not saved: {exc}", error=True)
            return
        self.app.call_from_thread(self._saved, message, error=False)

    def _saved(self, message: str, *, error: bool) -> None:
        result = self.query_one("#save-result", Static)
        result.update(literal(message))
        result.set_class(error, "-error")
        result.scroll_visible(animate=False)
        # The toast says what happened; the how-to (signing set-up) stays on the screen.
        headline = message.strip().splitlines()[0] if message.strip() else message
        self.notify(headline, severity="error" if error else "information")
