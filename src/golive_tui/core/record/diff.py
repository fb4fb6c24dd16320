"""What changed between two records of a service (`golive diff`): per item, state, answer and evidence."""

from __future__ import annotations

import enum

from golive_tui.core.record.model import Record, RecordItem
from golive_tui.core.tuples import NamedTuple


class Group(enum.StrEnum):
    """How much a change matters to a reader, in the order `golive diff` shows them."""

    MEANING = "meaning"  # state, answer, finding, gate: what someone must look at
    CARRIED = "carried"  # the same answer, carried forward from the earlier record
    FILES = "files"  # only file contents (blobs) under unchanged findings and watch globs


class Change(NamedTuple):
    item: str  # item id; `gate <profile>` for a gate
    kind: str  # added | removed | state | answer | score | evidence | waiver | wording | gate
    old: str
    new: str
    group: Group = Group.MEANING


def _state_text(item: RecordItem) -> str:
    """`done (manual)`; just the state when nobody settled the item (no source)."""
    return f"{item.state} ({item.source})" if item.source else item.state


def _evidence_text(item: RecordItem) -> str:
    return ", ".join(
        f"{e.detector}@{e.path}:{e.line}({e.polarity},{e.blob[:8]})" for e in item.evidence
    )


def _findings(item: RecordItem) -> set[tuple[str, str, str]]:
    return {(e.detector, e.path, e.polarity) for e in item.evidence}


# Long on purpose: one comparison per field of an item, in the order they are reported.
def diff_records(old: Record, new: Record) -> list[Change]:
    """What changed from `old` to `new`: gates first, then per item (checklist order of `new`,
    then removed ones). Each change says its Group, so readers see meaning before noise."""
    changes: list[Change] = _gate_changes(old, new)
    before = {i.id: i for i in old.items}
    after = {i.id: i for i in new.items}
    for item_id, b in after.items():
        a = before.get(item_id)
        if a is None:
            changes.append(Change(item_id, "added", "", b.state))
            continue
        if a.state != b.state:
            changes.append(Change(item_id, "state", _state_text(a), _state_text(b)))
        elif a.source != b.source:
            carried = b.source == "carried" and b.carried_from == old.release
            group = Group.CARRIED if carried else Group.MEANING
            changes.append(Change(item_id, "state", _state_text(a), _state_text(b), group))
        if a.score != b.score:
            changes.append(Change(item_id, "score", str(a.score or ""), str(b.score or "")))
        if a.note != b.note and a.state not in ("waived",) and (a.note or b.note):
            changes.append(Change(item_id, "answer", a.note, b.note))
        if _findings(a) != _findings(b):
            changes.append(Change(item_id, "evidence", _evidence_text(a), _evidence_text(b)))
        elif {e.blob for e in a.evidence} != {e.blob for e in b.evidence}:
            moved = ", ".join(sorted({e.path for e in set(a.evidence) ^ set(b.evidence)}))
            changes.append(Change(item_id, "evidence files changed", "", moved, Group.FILES))
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
            moved = ", ".join(sorted({p for p, _ in set(a.watch) ^ set(b.watch)}))
            changes.append(Change(item_id, "watched files changed", "", moved, Group.FILES))
        if a.wording and b.wording and a.wording != b.wording:
            changes.append(Change(item_id, "wording", a.wording[:12], b.wording[:12]))
    for item_id, a in before.items():
        if item_id not in after:
            changes.append(Change(item_id, "removed", a.state, ""))
    order = list(Group)
    return sorted(changes, key=lambda c: order.index(c.group))  # stable: checklist order kept


def _gate_changes(old: Record, new: Record) -> list[Change]:
    """The profile each record is gated on, and every gate whose verdict changed."""
    out: list[Change] = []
    if old.profile != new.profile:
        out.append(Change("gate", "profile", old.profile or "none", new.profile or "none"))
    verdicts = {g.profile: g.passed for g in old.summary.gates}
    for gate in new.summary.gates:
        was = verdicts.get(gate.profile)
        if was is not None and was != gate.passed:
            word = {True: "pass", False: "fail"}
            out.append(Change(f"gate {gate.profile}", "gate", word[was], word[gate.passed]))
    return out
