"""What changed between two records of a service (`golive diff`): per item, state, answer and evidence."""

from __future__ import annotations

from dataclasses import dataclass

from golive_tui.core.record.model import Record, RecordItem


@dataclass(frozen=True, slots=True)
class Change:
    item: str
    kind: str  # added | removed | state | evidence | waiver | note | wording
    old: str
    new: str


def _state_text(item: RecordItem) -> str:
    """`done (manual)`; just the state when nobody settled the item (no source)."""
    return f"{item.state} ({item.source})" if item.source else item.state


def _evidence_text(item: RecordItem) -> str:
    return ", ".join(
        f"{e.detector}@{e.path}:{e.line}({e.polarity},{e.blob[:8]})" for e in item.evidence
    )


def diff_records(old: Record, new: Record) -> list[Change]:
    """Per item, what changed from `old` to `new` (checklist order of `new`, then removed ones)."""
    before = {i.id: i for i in old.items}
    after = {i.id: i for i in new.items}
    changes: list[Change] = []
    for item_id, b in after.items():
        a = before.get(item_id)
        if a is None:
            changes.append(Change(item_id, "added", "", b.state))
            continue
        if (a.state, a.source) != (b.state, b.source):
            changes.append(Change(item_id, "state", _state_text(a), _state_text(b)))
        if a.score != b.score:
            changes.append(Change(item_id, "score", str(a.score or ""), str(b.score or "")))
        if {(e.detector, e.path, e.polarity, e.blob) for e in a.evidence} != {
            (e.detector, e.path, e.polarity, e.blob) for e in b.evidence
        }:
            changes.append(Change(item_id, "evidence", _evidence_text(a), _evidence_text(b)))
        if (a.reason, a.until) != (b.reason, b.until) and "waived" in (a.state, b.state):
            changes.append(
                Change(
                    item_id,
                    "waiver",
                    f"{a.until} {a.reason}".strip(),
                    f"{b.until} {b.reason}".strip(),
                )
            )
        if a.watch != b.watch:
            moved = sorted({p for p, _ in set(a.watch) ^ set(b.watch)})
            changes.append(Change(item_id, "watched files changed", "", ", ".join(moved)))
        if a.wording and b.wording and a.wording != b.wording:
            changes.append(Change(item_id, "wording", a.wording[:12], b.wording[:12]))
    for item_id, a in before.items():
        if item_id not in after:
            changes.append(Change(item_id, "removed", a.state, ""))
    return changes
