"""Small forms: reasons for n/a, reason and expiry for waivers, notes for overrides, a pair's name.

The caller passes a `validate` function (built on core.draft's rules), so the dialog stays open
with the error shown until the answer is acceptable, and Escape always cancels.

Keys typed right after the one that opened a dialog belong to its first field. The app routed
them to the walker before the dialog existed; they reach the app after the dialog is pushed and
the app hands them to `type_ahead` (kept until the dialog is mounted, then typed in order). Keys
that reach the dialog itself before a field has focus are typed into the first field too.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from golive_tui.core.text import printable
from golive_tui.tui.present import literal


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    placeholder: str = ""
    value: str = ""


Values = dict[str, str]


class DialogField(Input):
    """A dialog's field that keeps a quick typist's keys in order.

    Enter is handled here, in the field's own turn (not by the app's binding, which comes after
    the keys queued behind it): it moves to the next field or submits at once, and keys already
    queued for this field then follow the focus to the next field, or back to the walk.
    """

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if isinstance(screen, FormDialog):
            focused = screen.focused is self and screen.is_active  # has_focus lags a message
            if event.key == "enter" and focused:
                event.stop()
                event.prevent_default()
                screen._advance(self)
                return
            if not focused and screen.pass_on(event):
                event.stop()
                event.prevent_default()
                return
        await super()._on_key(event)


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
        self._ready = False  # the fields exist and the first has focus (on_mount)
        self._early: list[events.Key] = []  # typed before that
        self.seen: weakref.WeakSet[events.Key] = weakref.WeakSet()  # keys typed in the dialog

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            # Titles, hints and values quote the checklist and the draft: shown literally, and
            # a value is edited as shown (its control characters as escapes).
            yield Label(literal(self.title_text), id="dialog-title")
            if self.hint:
                yield Static(literal(self.hint), id="dialog-hint")
            for f in self.fields:
                yield Label(literal(f.label), classes="field-label")
                yield DialogField(
                    value=printable(f.value), placeholder=f.placeholder, id=f"field-{f.key}"
                )
            yield Static("", id="dialog-error")
            with Horizontal(id="dialog-buttons"):
                yield Button(self.ok, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        # The screen's own set_focus: Widget.focus would wait behind the keys already queued.
        self.set_focus(self.query(Input).first())
        self._ready = True
        early, self._early = self._early, []
        for key in early:
            self.type_ahead(key)

    def type_ahead(self, event: events.Key) -> bool:
        """Type a key meant for this dialog into its focused (or first) field: printable keys
        and enter (which submits, as in the field). False when the key is not one of those."""
        if not (event.is_printable and event.character) and event.key != "enter":
            return False
        if not self._ready:
            self._early.append(event)
            return True
        field = self.focused if isinstance(self.focused, Input) else None
        if field is None:
            field = self.query(Input).first()
            self.set_focus(field)
        if event.key == "enter":
            self._advance(field)  # at once: keys after it go wherever it leads
        elif event.character:
            field.insert_text_at_cursor(event.character)
        return True

    def pass_on(self, event: events.Key) -> bool:
        """A key queued for a field that has lost the focus since (enter moved on, or the form
        was submitted): typed into the focused field, or handed back to the app for the walk."""
        if self.is_active:
            return self.type_ahead(event) if isinstance(self.focused, Input) else False
        self.app.post_message(events.Key(event.key, event.character))
        return True

    def on_key(self, event: events.Key) -> None:
        """Keys that reach the dialog before a field has focus go to the first field."""
        self.seen.add(event)
        if self.focused is None and self.type_ahead(event):
            event.stop()
            event.prevent_default()

    def takes_early(self, event: events.Key) -> bool:
        """Type `event` in if it was routed elsewhere before this dialog took over (the app
        asks, for keys that come back to it unhandled)."""
        if event in self.seen:
            return False  # typed in this dialog: its own widgets had their say
        return self.type_ahead(event)

    def values(self) -> Values:
        return {f.key: self.query_one(f"#field-{f.key}", Input).value.strip() for f in self.fields}

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._advance(event.input)

    def _advance(self, field: Input) -> None:
        """Enter in a field: on to the next empty field, or submit the form."""
        ids = [f"field-{f.key}" for f in self.fields]
        position = ids.index(field.id or "") if field.id in ids else len(ids) - 1
        if position < len(ids) - 1 and not self.query_one(f"#{ids[position + 1]}", Input).value:
            self.set_focus(self.query_one(f"#{ids[position + 1]}", Input))
            return
        self.action_submit()

    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        values = self.values()
        error = self.validate(values)
        if error:
            self.query_one("#dialog-error", Static).update(literal(error))
            self.add_class("-invalid")
            return
        self.dismiss(values)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
