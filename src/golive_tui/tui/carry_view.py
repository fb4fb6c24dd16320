"""How carry-forward reads in the walker: the "changed since last release" filter, re-asked items
first, and the reasons (with diffs) in the detail pane. The rules live in core.carry."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widgets import Static

from golive_tui.core.assess import ItemView
from golive_tui.core.record.carry import CarryPlan, ChangeKind
from golive_tui.core.text import printable
from golive_tui.tui.present import literal

CHANGED = ("changed", "changed since last release")


def filters(
    base: tuple[tuple[str, str], ...], plan: CarryPlan | None
) -> tuple[tuple[str, str], ...]:
    """The walker's filters, plus "changed since last release" once a base record is known."""
    return (*base, CHANGED) if plan is not None else base


def arrange(views: Iterable[ItemView], plan: CarryPlan | None, filter_name: str) -> list[ItemView]:
    """Apply the changed filter, and put re-asked then new items first (stable otherwise)."""
    out = list(views)
    if plan is None:
        return out
    if filter_name == CHANGED[0]:
        out = [v for v in out if plan.changed(v.item.id)]

    def rank(view: ItemView) -> int:
        item_id = view.item.id
        return 0 if item_id in plan.reasked else 1 if item_id in plan.new else 2

    return sorted(out, key=rank)


def summary_line(plan: CarryPlan | None) -> str:
    """The summary screen's carry-forward counts (what `golive status` reports), or ""."""
    if plan is None:
        return ""
    return printable(
        f"Continued from {plan.base_release}: {len(plan.carried)} carried · "
        f"{len(plan.reasked)} re-asked · {len(plan.new)} new",
        multiline=False,
    )


def changed_views(views: Iterable[ItemView], plan: CarryPlan | None) -> list[ItemView]:
    """Items asked again this release (re-asked, then new), for the summary screen."""
    return arrange([v for v in views if plan is not None and plan.changed(v.item.id)], plan, "")


def reason_widgets(plan: CarryPlan | None, item_id: str | None) -> list[Static]:
    """Detail-pane widgets saying why an item is asked again (nothing for other items)."""
    if plan is None or item_id is None:
        return []
    reasons = plan.reasons(item_id)
    if not reasons:
        return []
    new = reasons[0].kind is ChangeKind.NEW
    title = "New since last release" if new else f"Re-asked: changed since {plan.base_release}"
    # The reasons quote records and files of the repository: shown literally (present.literal).
    out = [Static(literal(title), classes="heading reask-heading")]
    for reason in reasons:
        out.append(Static(literal(f"↻ {reason.message}", "$warning"), classes="reask"))
        if reason.old_finding or reason.new_finding:
            out.append(
                Static(
                    literal(
                        f"  was: {reason.old_finding or 'no finding'}\n"
                        f"  now: {reason.new_finding or 'no finding'}"
                    ),
                    classes="reask-finding",
                )
            )
        if reason.diff:
            out.append(Static(_diff_content(reason.diff), classes="reask-diff"))
    previous = plan.previous.get(item_id)
    if previous is not None and previous.source in ("manual", "override", "carried"):
        said = f"{plan.base_release} said: {previous.state}"
        if previous.reason:
            said += f" — {previous.reason}"
        elif previous.note:
            said += f" — {previous.note}"
        if previous.by:
            said += f" (by {previous.by})"
        out.append(Static(literal(said, "$text-muted"), classes="reask-previous"))
    return out


def _diff_content(diff: str) -> Content:
    lines = []
    for line in printable(diff).splitlines():
        if line.startswith(("+++", "---")):
            lines.append(Content.styled(line, "bold"))
        elif line.startswith("+"):
            lines.append(Content.styled(line, "$success"))
        elif line.startswith("-"):
            lines.append(Content.styled(line, "$error"))
        elif line.startswith("@@"):
            lines.append(Content.styled(line, "$accent"))
        else:
            lines.append(Content(line))
    return Content("\n").join(lines)
