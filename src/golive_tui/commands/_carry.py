"""How carry-forward reads in `golive status`: JSON fields and text lines (presentation, not core)."""

from __future__ import annotations

from typing import Any

from golive_tui.core.model import (
    Answer,
)
from golive_tui.core.record.carry import CarryPlan, ChangeKind


def summary_json(plan: CarryPlan | None) -> dict[str, Any]:
    """Top-level `golive status --format json` fields: counts and the plan (null without a base)."""
    if plan is None:
        return {"carried": 0, "reasked": 0, "new": 0, "carry": None}
    return {
        "carried": len(plan.carried),
        "reasked": len(plan.reasked),
        "new": len(plan.new),
        "carry": plan.to_json(),
    }


def item_json(plan: CarryPlan | None, item_id: str, answer: Answer | None) -> dict[str, Any]:
    """Per-item status fields: where a carried answer came from, and why an item is re-asked."""
    carried_from = answer.carried_from if answer is not None else ""
    if not carried_from and plan is not None and item_id in plan.carried and answer is None:
        carried_from = plan.base_release  # not seeded yet: what the walk will carry
    reasons = plan.reasons(item_id) if plan is not None else ()
    return {"carried_from": carried_from, "reask_reasons": [r.to_json() for r in reasons]}


def summary_lines(plan: CarryPlan | None) -> list[str]:
    if plan is None:
        return []
    lines = [f"carry-forward {plan.headline()} ({plan.base_path.name})"]
    lines += [f"  note: {n}" for n in plan.notes]
    return lines


def item_lines(plan: CarryPlan | None, item_id: str, indent: str = "      ") -> list[str]:
    """One line per reason an item is re-asked (diffs are left to the walker and JSON)."""
    if plan is None:
        return []
    out = []
    for reason in plan.reasons(item_id):
        label = "new" if reason.kind is ChangeKind.NEW else "re-ask"
        out.append(f"{indent}↻ {label}: {reason.message}")
        if reason.old_finding or reason.new_finding:
            out.append(f"{indent}  was: {reason.old_finding or 'no finding'}")
            out.append(f"{indent}  now: {reason.new_finding or 'no finding'}")
    return out
