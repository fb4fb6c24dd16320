"""The help screen, generated from the walker's bindings (never hand-written, so never stale)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from golive_tui.glyphs import STATE_LEGEND, STATUS_LEGEND
from golive_tui.tui.present import key_label


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, bindings: Iterable[Binding]) -> None:
        super().__init__()
        #: (key, what it does, binding id): the sentence when the binding has one.
        self.rows = [
            (key_label(b), b.tooltip or b.description, b.id or "")
            for b in bindings
            if b.description
        ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Label("Keys", id="help-title")
            table: DataTable[str] = DataTable(
                id="help-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns("key", "does")
            for key, does, _id in self.rows:
                table.add_row(key, does)
            yield table
            yield Label("Glyphs", id="help-glyphs-title")
            yield Static(
                "\n".join(f"{g}  {what}" for g, what in STATE_LEGEND)
                + "\nfindings: "
                + " · ".join(f"{g} {what}" for g, what in STATUS_LEGEND),
                id="help-glyphs",
            )
            yield Static(
                "ctrl+p: every action in the command palette, and the theme · "
                "esc: clear the search · esc / ? closes this",
                id="help-hint",
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
