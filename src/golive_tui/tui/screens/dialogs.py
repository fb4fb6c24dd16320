"""Small forms: reasons for n/a, reason and expiry for waivers, notes for overrides, a pair's name.

The caller passes a `validate` function (built on core.draft's rules), so the dialog stays open
with the error shown until the answer is acceptable, and Escape always cancels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    placeholder: str = ""
    value: str = ""


Values = dict[str, str]


class FormDialog(ModalScreen[Values | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel")
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        validate: Callable[[Values], str | None] = lambda _v: None,
        *,
        hint: str = "",
        ok: str = "OK",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = tuple(fields)
        self.validate = validate
        self.hint = hint
        self.ok = ok

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="dialog-title")
            if self.hint:
                yield Static(self.hint, id="dialog-hint")
            for f in self.fields:
                yield Label(f.label, classes="field-label")
                yield Input(value=f.value, placeholder=f.placeholder, id=f"field-{f.key}")
            yield Static("", id="dialog-error")
            with Horizontal(id="dialog-buttons"):
                yield Button(self.ok, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def values(self) -> Values:
        return {f.key: self.query_one(f"#field-{f.key}", Input).value.strip() for f in self.fields}

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        ids = [f"field-{f.key}" for f in self.fields]
        position = ids.index(event.input.id or "") if event.input.id in ids else len(ids) - 1
        if position < len(ids) - 1 and not self.query_one(f"#{ids[position + 1]}", Input).value:
            self.query_one(f"#{ids[position + 1]}", Input).focus()
            return
        self.action_submit()

    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        values = self.values()
        error = self.validate(values)
        if error:
            self.query_one("#dialog-error", Static).update(error)
            self.add_class("-invalid")
            return
        self.dismiss(values)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
