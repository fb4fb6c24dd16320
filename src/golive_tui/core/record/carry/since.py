"""`golive gate --since-record`: were the items re-asked since the base release answered and signed?"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from golive_tui.core.model import (
    Checklist,
    Source,
    State,
)
from golive_tui.core.record.carry.base import find_base
from golive_tui.core.record.carry.plan import _PERSON, ChangeReason, plan_between
from golive_tui.core.record.model import Record
from golive_tui.core.tuples import NamedTuple


class SinceRecord(NamedTuple):
    """`golive gate --since-record`: were the items re-asked since the base answered and signed?"""

    base: str  # "" when no earlier record verifies
    reasked: Mapping[str, tuple[ChangeReason, ...]]
    failures: tuple[str, ...]
    notes: tuple[str, ...] = ()


#: A re-asked item is settled in the later record when a person answered it there (or the
#: detectors now settle it); carried answers and open items are not.
_SETTLED = frozenset({State.DONE.value, State.NA.value, State.WAIVED.value})


def since_record(
    repo_root: Path,
    record: Record,
    checklist: Checklist | None = None,
    *,
    today: dt.date | None = None,
    trust: Any = None,
) -> SinceRecord:
    """Judge `record` against the newest verifying record of an earlier release.

    The re-asked set comes from the two records alone (blobs, findings, wording, waivers and
    revalidation as of `record`'s creation day), so CI needs no scan. The caller checks that
    `record` itself verifies.
    """
    if checklist is None:
        from golive_tui.core.checklist.library import Library

        checklist = Library.discover(repo_root).get(record.checklist.id)
    base, notes = find_base(
        repo_root, record.release, now=record.created, trust=trust, service=record.service
    )
    if base is None:
        return SinceRecord("", {}, (), notes)
    plan = plan_between(repo_root, checklist, base, record, today=today)
    failures: list[str] = []
    for item_id, reasons in plan.reasked.items():
        try:
            rec = record.item(item_id)
        except KeyError:
            failures.append(f"{item_id}: re-asked since {base.release} but not in the record")
            continue
        why = "; ".join(r.message for r in reasons)
        if rec.source == Source.CARRIED.value or rec.carried_from:
            failures.append(
                f"{item_id}: carried from {rec.carried_from or base.release} although it was "
                f"re-asked ({why})"
            )
        elif rec.state == State.DETECTED.value:
            continue
        elif rec.source not in _PERSON or rec.state not in _SETTLED:
            failures.append(
                f"{item_id}: re-asked since {base.release} and still {rec.state} ({why})"
            )
    return SinceRecord(base.release, plan.reasked, tuple(failures), notes)
