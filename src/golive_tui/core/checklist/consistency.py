"""One practice, one priority: the check `golive lint-checklist` runs over the files it is given.

A launch review that reads "P0" in one checklist and "P1" in another for the same practice
cannot tell which to believe. Two items are the same practice when they share an id, share an
explicit `practice` key, or (without one) are check items linked to the same detectors. An
extension is exempt from its parents: changing a parent's priority is what `[[override]]` is for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from golive_tui.core.model import Checklist, Item, ItemKind
from golive_tui.core.tuples import NamedTuple


class _Use(NamedTuple):
    checklist: str
    item: Item


def practice_keys(item: Item) -> tuple[str, ...]:
    """The keys under which `item` must agree with other items: its id, and its practice (the
    explicit `practice`, else the detectors a check item is linked to)."""
    keys = [f"id {item.id}"]
    if item.practice:
        keys.append(f"practice {item.practice}")
    elif item.detect is not None and item.detect.linked and item.kind is ItemKind.CHECK:
        keys.append("detectors " + "+".join(sorted(item.detect.linked)))
    return tuple(keys)


def priority_conflicts(
    checklists: Sequence[Checklist], lineage: Callable[[str], frozenset[str]]
) -> dict[str, list[str]]:
    """Problems by checklist id: every item whose priority disagrees with another item of the
    same practice. `lineage(id)` is the checklist and every checklist it extends; items of
    related checklists are not compared with each other's (an extension may re-rate)."""
    uses: dict[str, list[_Use]] = {}
    for checklist in checklists:
        for item in checklist.items():
            for key in practice_keys(item):
                uses.setdefault(key, []).append(_Use(checklist.id, item))
    out: dict[str, list[str]] = {}
    for key, group in uses.items():
        for use in group:
            related = lineage(use.checklist)
            for other in group:
                if other is use or other.item.priority is use.item.priority:
                    continue
                same_list = other.checklist == use.checklist
                if not same_list and (
                    other.checklist in related or use.checklist in lineage(other.checklist)
                ):
                    continue
                where = f" in {other.checklist}" if not same_list else ""
                out.setdefault(use.checklist, []).append(
                    f"{use.item.origin}: priority: {use.item.id} is {use.item.priority} but "
                    f"{other.item.id}{where} ({other.item.origin}) is {other.item.priority} "
                    f"for the same {key}; give one practice one priority (say why in the item)"
                )
                break
    return {cid: sorted(set(problems), key=_line) for cid, problems in out.items()}


def _line(problem: str) -> tuple[str, int]:
    """File order: a problem starts with the item's `file:line`."""
    where = problem.split(": ", 1)[0]
    path, _, line = where.rpartition(":")
    return (path, int(line)) if line.isdigit() else (where, 0)
