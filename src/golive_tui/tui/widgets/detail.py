"""The item detail: why, how to verify, remediation, the answer, and the evidence with code excerpts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from rich.syntax import Syntax
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from golive_tui.core.model import DetectMode, DetectorResult, ItemKind, Polarity, Status
from golive_tui.tui.present import priority_badge, state_label

CONTEXT = 3  # lines shown around a finding
MAX_EXCERPT = 14

STATUS_STYLE = {
    Status.FOUND: "$success",
    Status.PARTIAL: "$warning",
    Status.CONTRARY: "bold $error",
    Status.MISSING: "$text-muted",
    Status.NOT_APPLICABLE: "$text-muted",
    Status.ERROR: "$warning",
}


def lexer_for(path: str) -> str:
    name = PurePosixPath(path).name
    lower = name.lower()
    if lower.startswith(("dockerfile", "containerfile")) or lower.endswith(".dockerfile"):
        return "docker"
    if lower.endswith((".yml", ".yaml")):
        return "yaml"
    if lower.endswith(".go"):
        return "go"
    if lower in ("go.mod", "go.work"):
        return "go"  # close enough: comments, strings and versions highlight sensibly
    if lower.endswith(".toml"):
        return "toml"
    if lower.endswith(".json"):
        return "json"
    if lower == "makefile" or lower.endswith(".mk"):
        return "make"
    return Syntax.guess_lexer(name)


@lru_cache(maxsize=256)
def _read_lines(path: Path, mtime: float) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def excerpt(repo_root: Path, path: str, line: int, end_line: int) -> tuple[str, int] | None:
    """The code around lines [line, end_line] and its first line number, or None if unreadable."""
    full = repo_root / path
    try:
        lines = _read_lines(full, full.stat().st_mtime)
    except OSError:
        return None
    if not lines:
        return None
    end_line = max(end_line, line)
    start = max(1, line - CONTEXT)
    stop = min(len(lines), end_line + CONTEXT, start + MAX_EXCERPT - 1)
    return "\n".join(lines[start - 1 : stop]), start


def evidence_of(view: Any, results: Mapping[str, DetectorResult]) -> list[tuple[str, Any]]:
    """(detector id, Evidence) pairs for an item, in detector order (what `o` opens)."""
    out: list[tuple[str, Any]] = []
    detect = view.item.detect
    if detect is not None:
        for det in detect.detectors:
            result = results.get(det)
            if result is not None:
                out.extend((det, ev) for ev in result.evidence)
    if not out:
        out = [("", ev) for ev in getattr(view, "evidence", ()) or ()]
    return out


class Excerpt(Static):
    """A syntax-highlighted code excerpt around one finding; follows the app's light/dark theme."""

    def __init__(
        self, code: str, path: str, start: int, highlight: set[int], *, dark: bool = True
    ) -> None:
        self._code = (code, path, start, frozenset(highlight))
        self.dark = dark
        self.syntax = self._syntax()
        super().__init__(self.syntax, classes="excerpt")

    def _syntax(self) -> Syntax:
        code, path, start, highlight = self._code
        return Syntax(
            code,
            lexer_for(path),
            line_numbers=True,
            start_line=start,
            highlight_lines=set(highlight),
            theme="ansi_dark" if self.dark else "ansi_light",
            word_wrap=False,
            background_color="default",
        )

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._theme_changed()

    def _theme_changed(self, _theme: object = None) -> None:
        dark = self.app.current_theme.dark
        if dark != self.dark:
            self.dark = dark
            self.syntax = self._syntax()
            self.update(self.syntax)


class ItemDetail(VerticalScroll):
    """Rebuilt whenever the highlighted item or its evidence changes."""

    def show(
        self,
        view: Any | None,
        results: Mapping[str, DetectorResult],
        repo_root: Path,
        *,
        evidence_index: int = 0,
        dark: bool = True,
        scanning: bool = False,
        reasons: Sequence[Static] = (),
    ) -> None:
        """`reasons`: why the item is asked again this release (carry-forward), shown first."""
        self.remove_children()
        if view is None:
            self.mount(Static("No item matches.", classes="muted"))
            return
        item = view.item
        widgets: list[Static] = [
            Static(Content(item.title), classes="title"),
            Static(
                Content.assemble(
                    priority_badge(item.priority),
                    " · ",
                    state_label(view),
                    Content.styled(f" · {item.id}", "$text-muted"),
                    Content.styled("" if view.applicable else " · not applicable here", "italic"),
                ),
                classes="meta",
            ),
        ]
        answer = getattr(view, "answer", None)
        if answer is not None:
            said = [f"answered {answer.state.value} ({answer.source.value})"]
            if answer.by:
                said.append(f"by {answer.by}")
            if answer.at:
                said.append(f"at {answer.at}")
            if answer.carried_from:
                said.append(f"· carried from {answer.carried_from}")
            lines = [" ".join(said)]
            if answer.reason:
                lines.append(f"reason: {answer.reason}")
            if answer.until:
                lines.append(f"until: {answer.until}")
            if answer.note:
                lines.append(f"note: {answer.note}")
            widgets.append(Static(Content("\n".join(lines)), classes="answer"))
        widgets.extend(reasons)
        # Evidence first: it is what the walk adds to a plain checklist.
        widgets.extend(self._evidence(view, results, repo_root, evidence_index, dark, scanning))
        widgets += [
            Static("Why", classes="heading"),
            Static(Content(item.why), classes="body"),
            Static("How to verify", classes="heading"),
            Static(Content(item.verify), classes="body"),
            Static("Remediation", classes="heading"),
            Static(Content(item.remediation), classes="body"),
        ]
        if item.kind is ItemKind.SCORE and item.rubric:
            widgets.append(Static("Rubric (press 0, 1 or 2)", classes="heading"))
            current = answer.score if answer is not None else None
            for level, sentence in enumerate(item.rubric):
                classes = "rubric -chosen" if current == level else "rubric"
                widgets.append(Static(Content(f"{level}  {sentence}"), classes=classes))
        if item.note:
            widgets.append(Static(Content(item.note), classes="muted"))
        self.mount_all(widgets)
        self.scroll_home(animate=False)

    def _evidence(
        self,
        view: Any,
        results: Mapping[str, DetectorResult],
        repo_root: Path,
        evidence_index: int,
        dark: bool,
        scanning: bool,
    ) -> list[Static]:
        detect = view.item.detect
        if detect is None:
            return []
        count = len(detect.detectors)
        settles = ""
        if count > 1:
            settles = (
                f" · any one of {count} detectors settles it"
                if detect.mode is DetectMode.ANY
                else f" · all {count} detectors must find it"
            )
        out = [Static(f"Evidence{settles}", classes="heading")]
        for det in detect.detectors:
            result = results.get(det)
            if result is None:
                text = "waiting for the scan…" if scanning else "not scanned"
                out.append(
                    Static(Content.assemble(det, Content.styled(f"  {text}", "$text-muted")))
                )
                continue
            out.append(
                Static(
                    Content.assemble(
                        Content.styled(result.status.value, STATUS_STYLE.get(result.status, "")),
                        "  ",
                        Content.styled(det, "bold"),
                        Content.styled(f"  {result.summary}", "$text-muted"),
                    ),
                    classes="detector",
                )
            )
        pairs = evidence_of(view, results)
        for index, (_det, ev) in enumerate(pairs):
            marker = "▶ " if index == evidence_index else "  "
            contrary = ev.polarity is Polarity.CONTRARY
            out.append(
                Static(
                    Content.assemble(
                        marker,
                        Content.styled(f"{ev.path}:{ev.line}", "underline"),
                        Content.styled(
                            "  contrary" if contrary else "  supports",
                            "$error" if contrary else "$success",
                        ),
                    ),
                    classes="evidence-head -selected"
                    if index == evidence_index
                    else "evidence-head",
                )
            )
            found = excerpt(repo_root, ev.path, ev.line, ev.end_line)
            if found is None:
                out.append(Static(Content(ev.snippet or "(file not readable)"), classes="excerpt"))
                continue
            code, start = found
            lines = set(range(ev.line, max(ev.line, ev.end_line) + 1))
            out.append(Excerpt(code, ev.path, start, lines, dark=dark))
        return out
