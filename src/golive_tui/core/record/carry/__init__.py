"""Release to release: carry forward what still holds, re-ask only what changed.

The second release is where checklists die: people re-tick everything by reflex. So a walk for
a release with no record starts from the newest verifying record of an earlier release
(`base`), and each answer there is bound to what it relied on (`observe`): the blobs of its
evidence files and of the files its `watch` globs matched. An answer carries forward only while
those blobs, the checklist's wording of the item, its waiver and its `revalidate_after` window
all still hold; otherwise the item is re-asked with the reasons and a short diff (`plan`).
`golive gate --since-record` judges a record by the same rules (`since`).

Headless and pure apart from reading git (docs/records.md, "Carry-forward").
"""

from golive_tui.core.record.carry.base import Base, Candidate, base_candidates, find_base
from golive_tui.core.record.carry.observe import (
    MAX_DIFF_BYTES,
    Observed,
    ReportLike,
    observe_record,
    observe_worktree,
)
from golive_tui.core.record.carry.plan import (
    MAX_DIFF_LINES,
    CarryPlan,
    ChangeKind,
    ChangeReason,
    compare,
    decide,
    plan_between,
    plan_carry,
    recorded_answer,
    verdict,
)
from golive_tui.core.record.carry.since import SinceRecord, since_record

__all__ = [
    "MAX_DIFF_BYTES",
    "MAX_DIFF_LINES",
    "Base",
    "Candidate",
    "CarryPlan",
    "ChangeKind",
    "ChangeReason",
    "Observed",
    "ReportLike",
    "SinceRecord",
    "base_candidates",
    "compare",
    "decide",
    "find_base",
    "observe_record",
    "observe_worktree",
    "plan_between",
    "plan_carry",
    "recorded_answer",
    "since_record",
    "verdict",
]
