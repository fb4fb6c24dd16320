"""The golive walker app: claims the draft, resumes or starts it, and shows the walk.

Kept small on purpose: behaviour lives in screens/ and widgets/, state comes in through
WalkerDeps (tests inject fakes; `golive walk` injects the real scan, checklist and store).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel

from golive_tui.core.draft import (
    Draft,
    DraftLock,
    with_current_ids,
    with_participant,
    with_profile,
)
from golive_tui.core.errors import GoliveError
from golive_tui.core.text import printable
from golive_tui.tui.deps import WalkerDeps
from golive_tui.tui.palette import WalkerCommands
from golive_tui.tui.screens.dialogs import FormDialog
from golive_tui.tui.screens.walker import WalkerScreen


class GoliveApp(App[int]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "golive"
    COMMANDS = App.COMMANDS | {WalkerCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+p", "command_palette", "Commands", id="app.palette", show=False),
        # One Ctrl-C quits (Textual's default only tells how to quit); a focused text field
        # keeps Ctrl-C for copying.
        Binding("ctrl+c", "quit", "Quit", id="app.quit", show=False),
    ]

    def __init__(self, deps: WalkerDeps) -> None:
        super().__init__()
        self.deps = deps
        self.lock: DraftLock | None = None
        self.draft: Draft | None = None
        self.error = ""  # why the app refused to start (shown on exit)

    def on_mount(self) -> None:
        deps = self.deps
        checklist = deps.checklist
        service = f"service {deps.service} · " if deps.service else ""
        self.sub_title = printable(
            f"{service}{checklist.title} · release {deps.release}", multiline=False
        )
        try:
            self.lock = deps.store.lock(checklist.id, deps.release).acquire()
            if deps.read_only and deps.opened is not None:
                # A signed release opens as its record: nothing is written until it is amended.
                self.draft = deps.opened
                self.push_screen(WalkerScreen(deps, self.draft))
                return
            draft = deps.store.load(checklist.id, deps.release)
            if draft is not None:
                draft = with_current_ids(draft, checklist)  # answers under former item ids
            resumed = draft is not None
            if draft is None and deps.signed is not None:
                draft = deps.opened  # amending: start from the record's answers
            if draft is None:
                draft = Draft.new(
                    checklist.id,
                    deps.release,
                    profile=deps.profile,
                    checklist_version=checklist.version,
                )
            for who in (deps.identity, *deps.pair):
                if who:
                    draft = with_participant(draft, who)
            if draft.profile != deps.profile:  # the gate shown is the gate signed
                draft = with_profile(draft, deps.profile)
            self.draft = deps.store.save(draft)
        except GoliveError as exc:
            self.error = str(exc)
            # Printed by Rich after the screen is restored: literal text, controls escaped.
            self.exit(return_code=exc.exit_code, message=Text(printable(f"golive: {exc}")))
            return
        if resumed and draft.answers:
            self.notify(
                f"Resumed your draft for {checklist.id} @ {deps.release} "
                f"({len(draft.answers)} answers).",
                title="Draft resumed",
            )
        self.push_screen(WalkerScreen(deps, self.draft))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast of the walker: its messages quote repository data (titles, paths, errors),
        so they are shown as written, with control characters escaped and no markup."""
        super().notify(
            printable(message),
            title=printable(title, multiline=False),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def on_key(self, event: events.Key) -> None:
        """Keys typed right after the one that opened a dialog were routed to the walker before
        the dialog existed; they come back here and belong to the dialog.

        Runs before App's own key handling (bindings), which a key typed into the dialog skips:
        an enter typed early submits once, at once, so the keys after it act on the walk."""
        if isinstance(self.screen, FormDialog) and self.screen.takes_early(event):
            event.stop()
            event.prevent_default()

    def on_unmount(self) -> None:
        if self.lock is not None:
            self.lock.release()
