"""Release to release: carry forward what still holds, re-ask only what changed.

The second release is where checklists die: people re-tick everything by reflex. So a walk for
a release with no record starts from the newest verifying record of an earlier release, and
each answer there is bound to what it relied on: the blobs of its evidence files and of the
files its `watch` globs matched. An answer carries forward only while those blobs, the
checklist's wording of the item, its waiver and its `revalidate_after` window all still hold;
otherwise the item is re-asked with the reasons (and a short diff of what changed).

Headless and pure apart from reading git: the walker, `golive status` and `golive gate
--since-record` all use the same rules (docs/records.md, "Carry-forward").
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from golive_tui.core.confine import (
    UnsafePathError,
)
from golive_tui.core.git.runner import git_bytes, git_out
from golive_tui.core.model import (
    Answer,
    Checklist,
    DetectMode,
    Item,
    Source,
    State,
    Status,
    waiver_expired,
)
from golive_tui.core.record.build import item_wording as _wording
from golive_tui.core.record.build import watched
from golive_tui.core.record.carry.base import Base, find_base
from golive_tui.core.record.carry.observe import (
    _UNSURE,
    MAX_DIFF_BYTES,
    Observed,
    ReportLike,
    _MissingByDefault,
    _status_of,
    observe_record,
    observe_worktree,
)
from golive_tui.core.record.model import Record, RecordEvidence, RecordItem
from golive_tui.core.tuples import NamedTuple

#: Longest diff shown per changed file (lines); the rest is summarised.
MAX_DIFF_LINES = 40


_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class ChangeKind(enum.StrEnum):
    FILE_CHANGED = "file_changed"  # an evidence or watched file's content changed, or it is gone
    FILE_ADDED = "file_added"  # a watch glob now matches a file the record did not see
    DETECTOR = "detector_disagrees"  # the detectors' verdict moved against the recorded answer
    WAIVER_EXPIRED = "waiver_expired"
    REVALIDATE = "revalidate_after"  # the item's revalidation window has run out
    WORDING = "wording_changed"  # the checklist now asks something else
    NEW = "new_item"  # the checklist did not have the item at the base release


class ChangeReason(NamedTuple):
    """Why an item is asked again; file reasons carry blobs, findings and a trimmed diff."""

    kind: ChangeKind
    message: str
    path: str = ""
    old_blob: str = ""
    new_blob: str = ""  # "" when the file is gone
    old_finding: str = ""
    new_finding: str = ""
    diff: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value, "message": self.message}
        for key in ("path", "old_blob", "new_blob", "old_finding", "new_finding", "diff"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data


@dataclass(frozen=True)
class CarryPlan:
    """What a release's walk starts from: answers carried, items re-asked (with why), new items."""

    release: str
    base_release: str
    base_path: Path
    carried: Mapping[str, Answer]
    reasked: Mapping[str, tuple[ChangeReason, ...]]
    new: tuple[str, ...]
    previous: Mapping[str, RecordItem] = field(default_factory=dict)  # the base record's items
    notes: tuple[str, ...] = ()

    def reasons(self, item_id: str) -> tuple[ChangeReason, ...]:
        if item_id in self.new:
            return (
                ChangeReason(ChangeKind.NEW, f"new in the checklist since {self.base_release}"),
            )
        return self.reasked.get(item_id, ())

    def changed(self, item_id: str) -> bool:
        """Shown by the "changed since last release" filter: re-asked or new."""
        return item_id in self.reasked or item_id in self.new

    def headline(self) -> str:
        return (
            f"from {self.base_release}: {len(self.carried)} carried, "
            f"{len(self.reasked)} re-asked, {len(self.new)} new"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base_release,
            "base_record": self.base_path.as_posix(),
            "carried": len(self.carried),
            "reasked": len(self.reasked),
            "new": len(self.new),
            "carried_items": sorted(self.carried),
            "reasked_items": {
                item_id: [r.to_json() for r in reasons]
                for item_id, reasons in sorted(self.reasked.items())
            },
            "new_items": list(self.new),
            "notes": list(self.notes),
        }


def plan_carry(
    repo_root: Path,
    checklist: Checklist,
    release: str,
    report: ReportLike,
    *,
    today: dt.date | None = None,
    base: Base | None = None,
    service: str = "",
) -> CarryPlan | None:
    """Compare the newest verifying earlier record (or `base`) with the working tree.

    None when there is no such record. `report` is the scan of the working tree (its detector
    results decide whether detectors now disagree).
    """
    notes: tuple[str, ...] = ()
    if base is None:
        base, notes = find_base(repo_root, release, service=service)
        if base is None:
            return None
    observed = observe_worktree(repo_root, report, base.record)
    plan = compare(
        checklist, base, observed, release=release, today=today, diffs=True, repo_root=repo_root
    )
    return replace(plan, notes=notes)


def plan_between(
    repo_root: Path,
    checklist: Checklist,
    base: Base,
    later: Record,
    *,
    today: dt.date | None = None,
) -> CarryPlan:
    """What `later` had to re-ask relative to `base`, judged from the two records alone."""
    day = today or _record_day(later.created)
    return compare(
        checklist,
        base,
        observe_record(repo_root, later),
        release=later.release,
        today=day,
        diffs=False,
        repo_root=repo_root,
    )


def _record_day(created: str) -> dt.date:
    try:
        return dt.date.fromisoformat(created[:10])
    except ValueError:
        return dt.datetime.now(dt.UTC).date()


def compare(
    checklist: Checklist,
    base: Base,
    observed: Observed,
    *,
    release: str,
    today: dt.date | None = None,
    diffs: bool = True,
    repo_root: Path | None = None,
) -> CarryPlan:
    """Decide every item of `checklist` against the base record (see the module docstring)."""
    day = today or dt.datetime.now(dt.UTC).date()
    root = repo_root or base.path.parent.parent.parent
    previous = _by_current_id(checklist, base.record.items)
    carried: dict[str, Answer] = {}
    reasked: dict[str, tuple[ChangeReason, ...]] = {}
    new: list[str] = []
    for item in checklist.items():
        rec = previous.get(item.id)
        if rec is None:
            new.append(item.id)
            continue
        answer, reasons = decide(
            item, rec, observed, base_release=base.release, today=day, root=root, diffs=diffs
        )
        if reasons:
            reasked[item.id] = reasons
        elif answer is not None:
            carried[item.id] = answer
    return CarryPlan(
        release=release,
        base_release=base.release,
        base_path=base.path,
        carried=carried,
        reasked=reasked,
        new=tuple(new),
        previous=previous,
    )


#: Sources a person gave (a record's other items were settled by evidence, or not at all).
_PERSON = frozenset({Source.MANUAL.value, Source.OVERRIDE.value, Source.CARRIED.value})


def person_state(rec: RecordItem) -> State | None:
    """The state a person gave `rec` (None when no person answered it). A record keeps the
    item's shown state, so a "done" that contrary evidence kept at risk reads back as done."""
    if rec.source not in _PERSON:
        return None
    return State.DONE if rec.state == State.AT_RISK.value else State(rec.state)


def answer_from_item(
    rec: RecordItem, state: State, source: Source, *, carried_from: str = ""
) -> Answer:
    """`rec` as an Answer: who and when stay the original answerer's; a score only for done."""
    return Answer(
        item_id=rec.id,
        state=state,
        source=source,
        score=rec.score if state is State.DONE else None,
        note=rec.note,
        reason=rec.reason,
        until=rec.until,
        by=rec.by,
        at=rec.at,
        carried_from=carried_from,
    )


def recorded_answer(rec: RecordItem, base_release: str) -> Answer | None:
    """The answer a person gave in the base record, ready to carry; None if nobody answered.

    A record keeps the item's shown state, so a "done" that contrary evidence kept at risk is
    read back as done. An override keeps Source.OVERRIDE (so it still outweighs the unchanged
    evidence it overrode); every other answer becomes Source.CARRIED. `carried_from` names the
    base release; `by` and `at` stay the original answerer's, so revalidation counts from when
    a person last looked.
    """
    state = person_state(rec)
    if state is None:
        return None
    override = rec.source == Source.OVERRIDE.value
    if state not in (State.DONE, State.NA, State.WAIVED) and not (state is State.TODO and override):
        return None
    source = Source.OVERRIDE if override else Source.CARRIED
    return answer_from_item(rec, state, source, carried_from=base_release)


def _by_current_id(checklist: Checklist, items: Iterable[RecordItem]) -> dict[str, RecordItem]:
    """The base record's items by the checklist's current ids: a record written before an item
    was renamed names it by what is now an alias. An item recorded under its current id wins."""
    out: dict[str, RecordItem] = {}
    renamed: list[tuple[str, RecordItem]] = []
    for rec in items:
        current = checklist.canonical_id(rec.id)
        if current == rec.id:
            out[current] = rec
        else:
            renamed.append((current, rec))
    for current, rec in renamed:
        out.setdefault(current, rec._replace(id=current))
    return out


def decide(
    item: Item,
    rec: RecordItem,
    observed: Observed,
    *,
    base_release: str,
    today: dt.date,
    root: Path,
    diffs: bool = True,
) -> tuple[Answer | None, tuple[ChangeReason, ...]]:
    """(answer to carry, ()) or (None, reasons to re-ask); (None, ()) when nothing is needed."""
    then = verdict(item, _recorded_statuses(rec))
    now = verdict(item, observed.statuses)
    answer = recorded_answer(rec, base_release)
    files = _file_reasons(item, rec, observed, base_release, root, diffs)
    if answer is None:
        # Nobody answered: evidence settled it (or nothing did). Only lost detection needs a person.
        if then == "found" and now in ("missing", "contrary"):
            return None, (_detector_reason(item, rec, observed, then, now), *files)
        return None, ()
    if now == "found" and answer.state is State.DONE and answer.source is not Source.OVERRIDE:
        return None, ()  # the detectors settle it now: nothing to carry, nothing to ask
    reasons: list[ChangeReason] = []
    if rec.wording != _wording(item):
        reasons.append(
            ChangeReason(
                ChangeKind.WORDING,
                f"the checklist's wording of this item changed since {base_release}",
            )
        )
    if answer.state is State.WAIVED and waiver_expired(answer.until, today):
        reasons.append(
            ChangeReason(
                ChangeKind.WAIVER_EXPIRED,
                f"the waiver expired on {answer.until}"
                if answer.until
                else "the waiver has no readable end date",
            )
        )
    due = _revalidation_due(item, answer.at)
    if item.revalidate_after is not None and (due is None or today >= due):
        reasons.append(
            ChangeReason(
                ChangeKind.REVALIDATE,
                f"answered {answer.at[:10]}; revalidate every {item.revalidate_after} days "
                f"(due {due.isoformat()})"
                if due is not None
                else f"no answer date: revalidate every {item.revalidate_after} days",
            )
        )
    if _disagrees(then, now, answer):
        reasons.append(_detector_reason(item, rec, observed, then, now))
    reasons.extend(files)
    if reasons:
        return None, tuple(reasons)
    return answer, ()


def _disagrees(then: str, now: str, answer: Answer) -> bool:
    if now in ("", "unknown") or now == then:
        return False
    if now == "found":
        return answer.state is not State.DONE  # n/a or waived, but now the practice is there
    return not (then == "contrary" and now == "missing")  # contrary evidence went away: fine


def _revalidation_due(item: Item, at: str) -> dt.date | None:
    if item.revalidate_after is None:
        return None
    try:
        answered = dt.date.fromisoformat(at[:10])
    except ValueError:
        return None
    return answered + dt.timedelta(days=item.revalidate_after)


def _recorded_statuses(rec: RecordItem) -> Mapping[str, Status]:
    grouped: dict[str, list[RecordEvidence]] = {}
    for ev in rec.evidence:
        grouped.setdefault(ev.detector, []).append(ev)
    return _MissingByDefault({d: _status_of(evs) for d, evs in grouped.items()})


def verdict(item: Item, statuses: Mapping[str, Status]) -> str:
    """found | contrary | missing | unknown (no detector could tell) | "" (item not detected)."""
    if item.detect is None or not item.detect.linked:
        return ""
    got = [statuses.get(d) for d in item.detect.linked]
    got = [None if s in _UNSURE else s for s in got]  # "could not tell" is not "no"
    if any(s in (Status.CONTRARY, Status.PARTIAL) for s in got):
        return "contrary"  # any linked detector, proving or supporting, puts the item at risk
    found = [statuses.get(d) is Status.FOUND for d in item.detect.proves]
    if found and (all(found) if item.detect.mode is DetectMode.ALL else any(found)):
        return "found"  # only proof ticks
    if all(s is None for s in got):
        return "unknown"
    return "missing"


def _finding(evidence: Iterable[RecordEvidence]) -> str:
    parts = [f"{e.detector}: {e.polarity} at {e.path}:{e.line}" for e in evidence]
    return "; ".join(parts) or "no finding"


def _now_evidence(item: Item, observed: Observed) -> list[RecordEvidence]:
    dets = item.detect.linked if item.detect else ()
    return [ev for d in dets for ev in observed.evidence.get(d, ())]


def _detector_reason(
    item: Item, rec: RecordItem, observed: Observed, then: str, now: str
) -> ChangeReason:
    return ChangeReason(
        ChangeKind.DETECTOR,
        f"detectors now disagree: recorded {then or 'nothing'}, {observed.label} {now}",
        old_finding=_finding(rec.evidence),
        new_finding=_finding(_now_evidence(item, observed)),
    )


def _file_reasons(
    item: Item,
    rec: RecordItem,
    observed: Observed,
    base_release: str,
    root: Path,
    diffs: bool,
) -> list[ChangeReason]:
    reasons: list[ChangeReason] = []
    seen: set[str] = set()
    now_ev = _now_evidence(item, observed)
    for path in sorted({e.path for e in rec.evidence if e.blob}):
        old = next(e.blob for e in rec.evidence if e.path == path and e.blob)
        seen.add(path)
        if refused := _refused(path, old, base_release, observed):
            reasons.append(refused)
            continue
        new = observed.blob(path)
        if new == old:
            continue
        reasons.append(
            _changed(
                path,
                old,
                new,
                base_release,
                root,
                observed,
                diffs,
                old_finding=_finding(e for e in rec.evidence if e.path == path),
                new_finding=_finding(e for e in now_ev if e.path == path),
            )
        )
    for path, old in rec.watch:
        if path in seen:
            continue
        seen.add(path)
        if refused := _refused(path, old, base_release, observed):
            reasons.append(refused)
            continue
        new = observed.blob(path)
        if new != old:
            reasons.append(_changed(path, old, new, base_release, root, observed, diffs))
    if item.watch:
        for path in watched(observed.paths, item.watch):
            if path not in seen:
                reasons.append(
                    ChangeReason(
                        ChangeKind.FILE_ADDED,
                        f"{path} is new since {base_release} (matches {', '.join(item.watch)})",
                        path=path,
                        new_blob=observed.blob(path),
                        diff=_diff(path, "", observed, root) if diffs else "",
                    )
                )
    return reasons


def _refused(path: str, old: str, base_release: str, observed: Observed) -> ChangeReason | None:
    """A path in the base record that is not a repository file: never read, always re-asked
    (what the answer relied on cannot be checked)."""
    why = observed.refusal(path)
    if not why:
        return None
    return ChangeReason(
        ChangeKind.FILE_CHANGED,
        f"{path} (named by the {base_release} record) is not read: {why}",
        path=path,
        old_blob=old,
    )


def _changed(
    path: str,
    old: str,
    new: str,
    base_release: str,
    root: Path,
    observed: Observed,
    diffs: bool,
    *,
    old_finding: str = "",
    new_finding: str = "",
) -> ChangeReason:
    what = "changed" if new else "was removed"
    return ChangeReason(
        ChangeKind.FILE_CHANGED,
        f"{path} {what} since {base_release} ({old[:7]} → {new[:7] or 'gone'})",
        path=path,
        old_blob=old,
        new_blob=new,
        old_finding=old_finding,
        new_finding=new_finding,
        diff=_diff(path, old, observed, root) if diffs else "",
    )


def _diff(path: str, old_blob: str, observed: Observed, root: Path) -> str:
    """A unified diff of `path` from the recorded blob to its content now, trimmed.

    Both sides are bounded: the recorded blob by its size in git, the file now by
    `observed.content` (confined to the repository and capped).
    """
    old = b""
    if old_blob and not _OBJECT_ID.fullmatch(old_blob):
        return f"(the recorded blob of {path} is not an object id)"
    if old_blob:
        size = (git_out(root, "cat-file", "-s", old_blob) or "").strip()
        if size.isdigit() and int(size) > MAX_DIFF_BYTES:
            return f"(the recorded content of {path} is over {MAX_DIFF_BYTES} bytes: not shown)"
        got = git_bytes(root, "cat-file", "blob", old_blob) if size.isdigit() else None
        if got is None:
            return f"(the recorded content of {path} is not in this repository)"
        old = got
    try:
        new = observed.content(path) or b""
    except UnsafePathError as exc:
        return f"({path}: not shown: {exc.why})"
    if b"\0" in old or b"\0" in new:
        return f"(binary file {path} changed)"
    lines = list(
        difflib.unified_diff(
            old.decode("utf-8", "replace").splitlines(),
            new.decode("utf-8", "replace").splitlines(),
            fromfile=f"a/{path}" if old_blob else "/dev/null",
            tofile=f"b/{path}" if new else "/dev/null",
            n=2,
            lineterm="",
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        rest = len(lines) - MAX_DIFF_LINES
        lines = [*lines[:MAX_DIFF_LINES], f"… {rest} more diff line(s)"]
    return "\n".join(lines)
