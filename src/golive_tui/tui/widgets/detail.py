"""The item detail: the answer, the evidence (one finding's code at a time), why, how to verify,
remediation and the rubric.

Built once and updated in place: moving through items or findings changes the text of the same
widgets (no widgets removed and mounted, so no blank frame), and only the selected finding's
excerpt is highlighted, however many findings an item has. The other findings are one line each,
at most MAX_LISTED of them around the selected one, with how many more `x` cycles through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import VerticalGroup, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from golive_tui.core.assess import ItemView
from golive_tui.core.confine import UnsafePathError, confine, read_capped
from golive_tui.core.filenames import is_dockerfile
from golive_tui.core.model import (
    Answer,
    DetectMode,
    DetectorResult,
    Evidence,
    ItemKind,
    Polarity,
    Status,
)
from golive_tui.core.scan.reader import DEFAULT_MAX_FILE_SIZE
from golive_tui.core.text import printable
from golive_tui.core.verdict import NOT_SCANNED
from golive_tui.tui.present import literal, priority_badge, state_label

if TYPE_CHECKING:
    # Imported where an excerpt is first highlighted: rich.syntax and the Pygments lexers it
    # loads are ~17 ms of start-up (~50 ms on a busy machine) that the first screen, shown
    # before any evidence, does not need.
    from rich.syntax import Syntax

CONTEXT = 3  # lines shown around a finding
MAX_EXCERPT = 14
MAX_LISTED = 7  # findings listed one line each around the selected one; the rest are "+N more"
RUBRIC_LEVELS = 3  # score items take 0, 1 or 2

STATUS_STYLE = {
    Status.FOUND: "$success",
    Status.PARTIAL: "$warning",
    Status.CONTRARY: "bold $error",
    Status.MISSING: "$text-muted",
    Status.NOT_APPLICABLE: "$text-muted",
    Status.ERROR: "$warning",
}

_LEVEL_PREFIX = re.compile(r"^\s*\d\s*[:.)-]\s*")


def lexer_for(path: str) -> str:
    name = PurePosixPath(path).name
    lower = name.lower()
    if is_dockerfile(lower):
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
    extension = PurePosixPath(lower).suffix[1:]
    return extension if extension in _builtin_aliases() else "text"


@cache
def _builtin_aliases() -> frozenset[str]:
    """The aliases of Pygments' own lexers (a file's extension names its lexer, as Rich's
    `Syntax.guess_lexer` has it). Asking Pygments for an alias it lacks makes it search every
    installed package's entry points for plugin lexers, ~55 ms each time, and Rich asked twice
    for a file without a known extension: the walk's first evidence on moby paid it."""
    from pygments.lexers import get_all_lexers

    return frozenset(
        a for _name, aliases, _files, _types in get_all_lexers(plugins=False) for a in aliases
    )


@lru_cache(maxsize=256)
def _read_lines(path: Path, mtime: float) -> tuple[str, ...]:
    try:
        data = read_capped(path, DEFAULT_MAX_FILE_SIZE)
    except (OSError, UnsafePathError):
        return ()
    return tuple(data.decode("utf-8", errors="replace").splitlines())


def excerpt(repo_root: Path, path: str, line: int, end_line: int) -> tuple[str, int] | None:
    """The code around lines [line, end_line] and its first line number, or None if unreadable.

    Evidence paths are confined to the repository and read with the scan's size cap."""
    try:
        full = confine(repo_root, path)
        lines = _read_lines(full, full.stat().st_mtime)
    except (OSError, UnsafePathError):
        return None
    if not lines:
        return None
    end_line = max(end_line, line)
    start = max(1, line - CONTEXT)
    stop = min(len(lines), end_line + CONTEXT, start + MAX_EXCERPT - 1)
    # The file is the repository's: its control characters are shown, never sent to the terminal.
    return "\n".join(printable(code) for code in lines[start - 1 : stop]), start


def evidence_of(
    view: ItemView, results: Mapping[str, DetectorResult]
) -> list[tuple[str, Evidence]]:
    """(detector id, Evidence) pairs for an item, what `x` cycles through and `o` opens:
    contrary findings first (they are what puts an item at risk), then in detector order."""
    out: list[tuple[str, Evidence]] = []
    detect = view.item.detect
    if detect is not None:
        for det in detect.linked:
            result = results.get(det)
            if result is not None:
                out.extend((det, ev) for ev in result.evidence)
    if not out:
        out = [("", ev) for ev in view.evidence]
    return sorted(out, key=lambda pair: pair[1].polarity is not Polarity.CONTRARY)


def listed_window(count: int, selected: int, cap: int = MAX_LISTED) -> range:
    """Which findings are listed: all when they fit, else `cap` of them around the selected one."""
    if count <= cap:
        return range(count)
    start = min(max(0, selected - cap // 2), count - cap)
    return range(start, start + cap)


def rubric_sentence(level: int, sentence: str) -> str:
    """`0  No metrics at all.`: the level once, whether or not the checklist wrote it too."""
    return f"{level}  {_LEVEL_PREFIX.sub('', sentence, count=1)}"


def fit_path(path: str, line: int, width: int) -> str:
    """`path:line` in at most `width` cells, the front of the path given up first."""
    text = f"{printable(path, multiline=False)}:{line}"
    if width <= 0 or cell_len(text) <= width:
        return text
    tail = text[-max(width - 1, 1) :]
    cut = tail.find("/")
    return "…" + (tail[cut:] if 0 <= cut < len(tail) - 1 else tail)


def _finding_line(ev: Evidence, selected: bool, width: int = 0) -> Content:
    """`▶ path:line  contrary`; other findings than the selected one stay on one line."""
    contrary = ev.polarity is Polarity.CONTRARY
    room = width - 2 - len("  contrary") if width and not selected else 0
    return Content.assemble(
        "▶ " if selected else "  ",
        Content.styled(fit_path(ev.path, ev.line, room), "underline" if selected else ""),
        Content.styled(
            "  contrary" if contrary else "  positive",
            "$error" if contrary else "$success",
        ),
    )


class Excerpt(Static):
    """A syntax-highlighted code excerpt around one finding; follows the app's light/dark theme.

    Updated in place (`show`) as the selected finding changes; `syntax` is what is shown, or
    None when the file could not be read and the finding's snippet stands in for it.
    """

    def __init__(self, *, dark: bool = True, id: str | None = None) -> None:
        super().__init__("", classes="excerpt", id=id)
        self.dark = dark
        self._code: tuple[str, str, int, frozenset[int]] | None = None
        self.syntax: Syntax | None = None

    def show(self, code: str, path: str, start: int, highlight: set[int]) -> None:
        code_key = (code, path, start, frozenset(highlight))
        if code_key == self._code and self.syntax is not None:
            return
        self._code = code_key
        self.syntax = syntax = self._syntax()
        if syntax is not None:
            self.update(syntax)

    def show_text(self, text: str) -> None:
        self._code = None
        self.syntax = None
        self.update(literal(text))

    def _syntax(self) -> Syntax | None:
        if self._code is None:
            return None
        from rich.syntax import Syntax

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
            if self.syntax is not None:
                self.update(self.syntax)


class ItemDetail(VerticalScroll):
    """One item at a time; `show` rewrites the text of widgets composed once."""

    _shown_index = 0  # the finding shown last: a new one is scrolled into view

    def compose(self) -> ComposeResult:
        yield Static("No item matches.", classes="muted", id="d-empty")
        with VerticalGroup(id="d-item"):
            yield Static(classes="title", id="d-title")
            yield Static(classes="meta", id="d-meta")
            yield Static(classes="answer", id="d-answer")
            yield VerticalGroup(id="d-reasons")
            with VerticalGroup(id="d-evidence"):
                yield Static(classes="heading", id="d-evidence-heading")
                yield Static(classes="detectors", id="d-detectors")
                yield Static(classes="risks", id="d-risks")
                yield Static(classes="confirm", id="d-confirm")
                with VerticalGroup(id="d-findings"):
                    yield Static(classes="evidence-list", id="d-before")
                    with VerticalGroup(id="d-selected"):
                        yield Static(classes="evidence-head -selected", id="d-selected-head")
                        yield Excerpt(id="d-excerpt")
                    yield Static(classes="evidence-list", id="d-after")
            yield Static("Why", classes="heading")
            yield Static(classes="body", id="d-why")
            yield Static("How to verify", classes="heading")
            yield Static(classes="body", id="d-verify")
            yield Static("Remediation", classes="heading")
            yield Static(classes="body", id="d-remediation")
            with VerticalGroup(id="d-rubric"):
                yield Static("Rubric (press 0, 1 or 2)", classes="heading")
                for level in range(RUBRIC_LEVELS):
                    yield Static(classes="rubric", id=f"d-rubric-{level}")
            yield Static(classes="muted", id="d-note")

    def _static(self, selector: str) -> Static:
        return self.query_one(selector, Static)

    def _set(self, selector: str, content: Content | str) -> None:
        """Show `content` in the widget, hidden when there is nothing to say."""
        widget = self._static(selector)
        widget.display = bool(content)
        if content:
            widget.update(content)

    def show(
        self,
        view: ItemView | None,
        results: Mapping[str, DetectorResult],
        repo_root: Path,
        *,
        evidence_index: int = 0,
        dark: bool = True,
        scanning: bool = False,
        reasons: Sequence[Static] = (),
        same_item: bool = False,
    ) -> None:
        """`reasons`: why the item is asked again this release (carry-forward), shown first.
        `same_item`: the item was shown already (its state or evidence changed, or `x` picked
        another finding): keep the scroll position, and bring a newly picked finding into view."""
        self.query_one("#d-empty").display = view is None
        self.query_one("#d-item").display = view is not None
        if view is None:
            return
        item = view.item
        self._set("#d-title", literal(item.title))
        self._set(
            "#d-meta",
            Content.assemble(
                priority_badge(item.priority),
                " · ",
                state_label(view),
                literal(f" · {item.id}", "$text-muted", multiline=False),
                Content.styled("" if view.applicable else " · not applicable here", "italic"),
                literal(f": {view.na_reason}" if view.na_reason else "", "italic", multiline=False),
            ),
        )
        self._set("#d-answer", _answer_text(view.answer))
        box = self.query_one("#d-reasons", VerticalGroup)
        if reasons or box.children:
            box.remove_children()
            box.mount_all(reasons)
        box.display = bool(reasons)
        # Evidence first: it is what the walk adds to a plain checklist.
        self._evidence(view, results, repo_root, evidence_index, dark, scanning)
        self._set("#d-why", literal(item.why))
        self._set("#d-verify", literal(item.verify))
        self._set("#d-remediation", literal(item.remediation))
        answer = view.answer
        rubric = item.rubric if item.kind is ItemKind.SCORE else ()
        self.query_one("#d-rubric").display = bool(rubric)
        current = answer.score if answer is not None else None
        for level in range(RUBRIC_LEVELS):
            line = self._static(f"#d-rubric-{level}")
            line.set_class(current == level, "-chosen")
            self._set(
                f"#d-rubric-{level}",
                literal(rubric_sentence(level, rubric[level])) if level < len(rubric) else "",
            )
        self._set("#d-note", literal(item.note) if item.note else "")
        if not same_item:
            self.scroll_home(animate=False)
        elif evidence_index != self._shown_index and self.query_one("#d-findings").display:
            selected = self.query_one("#d-selected")
            self.call_after_refresh(self.scroll_to_widget, selected, animate=False)
        self._shown_index = evidence_index

    def _evidence(
        self,
        view: ItemView,
        results: Mapping[str, DetectorResult],
        repo_root: Path,
        evidence_index: int,
        dark: bool,
        scanning: bool,
    ) -> None:
        detect = view.item.detect
        self.query_one("#d-evidence").display = detect is not None
        if detect is None:
            return
        count = len(detect.proves)
        settles = ""
        if count > 1:
            settles = (
                f" · any one of {count} proving detectors settles it"
                if detect.mode is DetectMode.ANY
                else f" · all {count} proving detectors must find it"
            )
        elif not count:
            settles = " · supporting only: a person confirms"
        pairs = evidence_of(view, results)
        found = f" · {len(pairs)} findings, x next" if len(pairs) > 1 else ""
        self._set("#d-evidence-heading", f"Evidence{settles}{found}")
        lines: list[Content] = []
        for link in view.links:
            role = Content.styled(f"{link.role.value:<9}", "$text-muted")  # "supports" + a space
            if link.status is None:
                text = "waiting for the scan…" if scanning else NOT_SCANNED
                lines.append(
                    Content.assemble(
                        role,
                        literal(link.detector, multiline=False),
                        Content.styled(f"  {text}", "$text-muted"),
                    )
                )
                continue
            lines.append(
                Content.assemble(
                    Content.styled(f"{link.label:<15}", STATUS_STYLE.get(link.status, "")),
                    role,
                    literal(link.detector, "bold", multiline=False),
                    literal(f"  {link.summary}", "$text-muted"),
                )
            )
        self._set("#d-detectors", Content("\n").join(lines))
        self._set(
            "#d-risks",
            literal("At risk because:\n" + "\n".join(f"  {r}" for r in view.risks), "$error")
            if view.risks
            else "",
        )
        self._set("#d-confirm", _confirm_text(view))
        self.query_one("#d-findings").display = bool(pairs)
        if not pairs:
            self._set("#d-before", "")
            self._set("#d-after", "")
            return
        index = min(evidence_index, len(pairs) - 1)
        shown = listed_window(len(pairs), index)
        width = self.scrollable_content_region.width
        before = [_finding_line(ev, False, width) for _det, ev in pairs[shown.start : index]]
        if shown.start:
            before.insert(0, Content.styled(f"  ↑ {shown.start} earlier", "$text-muted"))
        after = [_finding_line(ev, False, width) for _det, ev in pairs[index + 1 : shown.stop]]
        if shown.stop < len(pairs):
            after.append(
                Content.styled(
                    f"  +{len(pairs) - shown.stop} more · x shows the next", "$text-muted"
                )
            )
        self._set("#d-before", Content("\n").join(before))
        self._set("#d-after", Content("\n").join(after))
        _det, ev = pairs[index]
        self._set("#d-selected-head", _finding_line(ev, True))
        code = self.query_one("#d-excerpt", Excerpt)
        code.dark = dark
        found_code = excerpt(repo_root, ev.path, ev.line, ev.end_line)
        if found_code is None:
            code.show_text(ev.snippet or "(file not readable)")
            return
        text, start = found_code
        code.show(text, ev.path, start, set(range(ev.line, max(ev.line, ev.end_line) + 1)))


def _confirm_text(view: ItemView) -> Content | str:
    """What a person still has to confirm, and the key that records it."""
    if not view.to_confirm:
        return ""
    return Content.assemble(
        Content.styled("To confirm (y): ", "bold $warning"), literal(view.to_confirm)
    )


def _answer_text(answer: Answer | None) -> Content | str:
    if answer is None:
        return ""
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
    return literal("\n".join(lines))
