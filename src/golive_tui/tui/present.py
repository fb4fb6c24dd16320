"""How states, priorities and scores read on screen: glyphs and theme-variable styles, no colours."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding
from textual.content import Content

from golive_tui.core.assess import ItemView, ScoreResult
from golive_tui.core.model import Priority, ScoringMethod, State
from golive_tui.core.text import printable
from golive_tui.core.verdict import STATE_LABEL
from golive_tui.glyphs import CONFIRM_GLYPH, STATE_GLYPH

STATE_STYLE: Mapping[State, str] = {
    # state: style using theme variables; the glyph is golive_tui.glyphs.STATE_GLYPH and the
    # label core.verdict.STATE_LABEL (shared with `golive status` and the exports)
    State.DONE: "$success",
    State.DETECTED: "$success",
    State.TODO: "$text-muted",
    State.NA: "$text-muted",
    State.WAIVED: "$warning",
    State.AT_RISK: "bold $error",
}
STATE_LOOK: Mapping[State, tuple[str, str]] = {
    state: (style, STATE_LABEL[state]) for state, style in STATE_STYLE.items()
}

PRIORITY_STYLE: Mapping[Priority, str] = {
    Priority.P0: "bold $error",
    Priority.P1: "$warning",
    Priority.P2: "$text-muted",
}

FILTERS: tuple[tuple[str, str], ...] = (
    ("all", "all"),
    ("remaining", "remaining"),
    ("p0_open", "P0 open"),
    ("p0", "P0"),
    ("at_risk", "at risk"),
    ("detected", "detected"),
    ("to_confirm", "to confirm"),
)


def literal(text: object, style: str = "", *, multiline: bool = True) -> Content:
    """Repository text for a widget: as written, never read as markup, and with its control
    characters shown as escapes (Textual passes ESC, C1 and bidi controls to the terminal)."""
    shown = printable(str(text), multiline=multiline)
    return Content.styled(shown, style) if style else Content(shown)


def is_open(view: ItemView) -> bool:
    """Still needs someone, as the gate sees it (core.assess.ItemView.open): to do, at risk,
    an expired waiver, or a score item below full marks. Items that do not apply are not open."""
    return view.open and view.applicable


def is_settled(view: ItemView) -> bool:
    """Settled for progress (the summary's `done`): like the gate, but any answered score counts."""
    return view.state is State.DONE or not view.open


def matches_filter(view: ItemView, name: str) -> bool:
    if name == "remaining":
        return is_open(view)
    if name == "p0_open":  # the headline metric: P0 items still open
        return view.item.priority is Priority.P0 and is_open(view)
    if name == "p0":
        return view.item.priority is Priority.P0
    if name == "at_risk":
        return view.state is State.AT_RISK
    if name == "detected":
        return view.state is State.DETECTED
    if name == "to_confirm":
        return bool(view.to_confirm)  # supporting evidence waiting for a person (y)
    return True


def matches_search(view: ItemView, text: str) -> bool:
    needle = text.strip().lower()
    if not needle:
        return True
    item = view.item
    hay = " ".join((item.id, item.title, " ".join(item.tags))).lower()
    return all(word in hay for word in needle.split())


def state_glyph(view: ItemView) -> Content:
    glyph, (style, _label) = STATE_GLYPH[view.state], STATE_LOOK[view.state]
    if view.waiver_expired:
        glyph, style = "!", "bold $error"
    elif view.to_confirm:
        glyph, style = CONFIRM_GLYPH, "$warning"
    return Content.styled(glyph, style)


def state_label(view: ItemView) -> Content:
    style, label = STATE_LOOK[view.state]
    if view.waiver_expired:
        return Content.styled("waiver expired", "bold $error")
    return Content.styled(label, style)


def priority_badge(priority: Priority) -> Content:
    return Content.styled(priority.value, PRIORITY_STYLE[priority])


def item_row(view: ItemView) -> Content:
    item = view.item
    parts: list[Content | str | tuple[str, str]] = [
        state_glyph(view),
        " ",
        priority_badge(item.priority),
        " ",
    ]
    answer = view.answer
    if answer is not None and answer.score is not None:
        # Before the title: a narrow list cuts long titles off, never the score.
        parts += [Content.styled(f"{answer.score}/2", "$accent"), " "]
    title = printable(item.title, multiline=False)
    if not view.applicable:
        parts.append(Content.styled(title, "$text-muted italic"))
    else:
        parts.append(title)
    return Content.assemble(*parts)


def progress_of(views: Iterable[ItemView]) -> tuple[int, int]:
    """(settled, total) over applicable items: a section's progress, counted like the summary."""
    applicable = [v for v in views if v.applicable]
    return sum(1 for v in applicable if is_settled(v)), len(applicable)


def score_value(score: ScoreResult) -> str:
    """`11/16 Solid`, `72/100 B`: a score's value, maximum and band."""
    weighted = score.method is ScoringMethod.WEIGHTED
    value = f"{float(score.value):.0f}" if weighted else f"{score.value:g}"
    maximum = f"{float(score.maximum):g}"
    band = f" {score.band}" if score.band else ""
    return printable(f"{value}/{maximum}{band}", multiline=False)


def score_text(score: ScoreResult) -> str:
    """`Health: 11/16 Solid`, shown as written (titles and bands come from the checklist)."""
    return printable(f"{score.title}: {score_value(score)}", multiline=False)


def key_label(binding: Binding) -> str:
    """A binding's keys as the help screen and the command palette name them."""
    names = {"space": "space", "question_mark": "?", "slash": "/", "escape": "esc"}
    return " / ".join(names.get(k.strip(), k.strip()) for k in binding.key.split(","))
