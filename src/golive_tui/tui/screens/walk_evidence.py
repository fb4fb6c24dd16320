"""Evidence keys: step through an item's findings and open one in the user's editor."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path, PurePath

from textual.app import SuspendNotSupported

from golive_tui.core.confine import UnsafePathError, confine
from golive_tui.tui.screens.walk_view import WalkView
from golive_tui.tui.widgets.detail import evidence_of

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
    if name in AT_COLON:
        return [*argv, f"{path}:{line}"]
    return [*argv, str(path)]


AT_COLON = {"subl", "zed", "mate"}


def opens_at_line(editor: str) -> bool:
    """Whether golive knows how to tell `editor` the line (else the user is told file:line)."""
    argv = shlex.split(editor)
    name = PurePath(argv[0]).name if argv else ""
    return name in LINE_FIRST or name in GOTO or name in AT_COLON


class EvidenceActions(WalkView):
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
        if not opens_at_line(editor):  # the line was not passed on: say where to look
            self.notify(f"The finding is at {ev.path}:{ev.line}", timeout=10)

    def _run_editor(self, argv: list[str]) -> None:
        try:
            subprocess.run(argv, cwd=self.deps.repo_root, check=False)
        except OSError as exc:
            self.notify(f"Cannot start {argv[0]}: {exc}", severity="error")
