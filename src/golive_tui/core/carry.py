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
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from golive_tui.core.confine import (
    DEFAULT_CAP,
    UnsafePathError,
    confine,
    read_capped,
    relative,
)
from golive_tui.core.draft import Draft
from golive_tui.core.errors import RecordError
from golive_tui.core.git.listing import tree_blobs
from golive_tui.core.git.release import release_order
from golive_tui.core.git.runner import git_bytes, git_out
from golive_tui.core.git.worktree import WorktreeBlobs
from golive_tui.core.model import (
    Answer,
    Checklist,
    DetectMode,
    DetectorResult,
    Evidence,
    Item,
    Polarity,
    Source,
    State,
    Status,
    waiver_expired,
)
from golive_tui.core.record.build import item_wording as _wording
from golive_tui.core.record.build import now_utc, watched
from golive_tui.core.record.model import Record, RecordEvidence, RecordItem
from golive_tui.core.record.store import list_records, load_record, record_path
from golive_tui.core.record.verify import verify_record

#: Longest diff shown per changed file (lines); the rest is summarised.
MAX_DIFF_LINES = 40
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
#: Largest file (either side) a diff is computed for; larger ones are summarised.
MAX_DIFF_BYTES = DEFAULT_CAP


class ChangeKind(enum.StrEnum):
    FILE_CHANGED = "file_changed"  # an evidence or watched file's content changed, or it is gone
    FILE_ADDED = "file_added"  # a watch glob now matches a file the record did not see
    DETECTOR = "detector_disagrees"  # the detectors' verdict moved against the recorded answer
    WAIVER_EXPIRED = "waiver_expired"
    REVALIDATE = "revalidate_after"  # the item's revalidation window has run out
    WORDING = "wording_changed"  # the checklist now asks something else
    NEW = "new_item"  # the checklist did not have the item at the base release


@dataclass(frozen=True, slots=True)
class ChangeReason:
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


# --------------------------------------------------------------------------- the base record


@dataclass(frozen=True, slots=True)
class Base:
    release: str
    path: Path
    record: Record


def _tags(repo_root: Path) -> frozenset[str]:
    out = git_out(repo_root, "tag", "--list")
    return frozenset(out.split()) if out else frozenset()


#: `created = "..."` as golive writes it among a record's first lines.
_CREATED = re.compile(r'^created = "([^"\\\n]*)"$', re.MULTILINE)


def _peek_created(path: Path) -> str | None:
    """A record's `created` read from its first lines, None when that is not clear-cut.

    Ordering untagged records needs only this field, so most files are never parsed; the full
    load of a chosen candidate checks the value (see `find_base`).
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    top, table, _ = head.partition("\n[")
    found = _CREATED.findall(top) if table else []
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A record that may be the base, in preference order; `created` as predicted ("" for tags)."""

    path: Path
    created: str
    record: Record | None = None  # already parsed while ordering


def base_candidates(
    repo_root: Path, release: str, *, now: str | None = None
) -> tuple[list[Candidate], list[str]]:
    """Records of earlier releases, preferred first, and why others were passed over.

    Earlier is `release_order` with the current release placed at `now`: for a tag, the records
    of lower tags (highest first); for an untagged name, untagged records created before now
    (newest first), then every tagged record (highest first). A tag with no lower tagged record
    falls back to untagged records created before now (a first tag after walks under a working
    name such as `unreleased`). The release itself is never its own base.

    Nothing is parsed here but untagged records whose `created` cannot be read from their first
    lines: a tagged record's place comes from its file name (a record whose release differs from
    its file name never verifies), so with hundreds of records only the chosen one is read.
    """
    tags = _tags(repo_root)
    stamp = now or now_utc()
    here = release_order(release, stamp, tags)
    notes: list[str] = []
    earlier: list[tuple[tuple[Any, ...], Candidate]] = []
    fallback: list[tuple[tuple[Any, ...], Candidate]] = []
    for path in list_records(repo_root):
        if path.stem == release:
            continue
        record = None
        if path.stem in tags:
            created = ""
        else:
            peeked = _peek_created(path)
            if peeked is None:
                try:
                    record = load_record(path)
                except RecordError as exc:
                    notes.append(f"{path.name}: not usable as a base: {str(exc).splitlines()[0]}")
                    continue
                peeked = record.created
            created = peeked
        key = release_order(path.stem, created, tags)
        entry = Candidate(path, created, record)
        if key < here:
            earlier.append((key, entry))
        elif here[0] == 0 and key[0] == 1 and created < stamp:
            fallback.append((key, entry))
    ordered = sorted(earlier, key=lambda e: e[0], reverse=True)
    if not any(k[0] == 0 for k, _c in earlier) and here[0] == 0:
        ordered += sorted(fallback, key=lambda e: e[0], reverse=True)
    return [c for _k, c in ordered], notes


def find_base(
    repo_root: Path, release: str, *, now: str | None = None, trust: Any = None
) -> tuple[Base | None, tuple[str, ...]]:
    """The newest earlier record whose signatures all verify, and notes on records skipped.

    Unsigned or badly signed records are never a base: carrying answers nobody vouched for
    would launder them into the next release. Candidates are read one at a time, in order,
    and the search stops at the first that verifies.
    """
    from golive_tui.core.signing import resolve_trust

    candidates, notes = base_candidates(repo_root, release, now=now)
    for cand in candidates:
        record = cand.record
        if record is None:
            try:
                record = load_record(cand.path)
            except RecordError as exc:
                notes.append(f"{cand.path.name}: not usable as a base: {str(exc).splitlines()[0]}")
                continue
        if record.release == release:
            continue
        if cand.created and record.created != cand.created:
            notes.append(f"{cand.path.name}: skipped as a base: its created field is ambiguous")
            continue
        trust = trust if trust is not None else resolve_trust(repo_root)
        check = verify_record(record, repo_root, cand.path, trust=trust)
        if check.ok:
            return Base(record.release, cand.path, record), tuple(notes)
        if not record.signatures:
            notes.append(f"{record.release}: skipped as a base: not signed")
        else:
            bad = [c.verdict for c in check.checks if not c.good] + list(check.problems)
            notes.append(f"{record.release}: skipped as a base: {', '.join(bad)}")
    return None, tuple(notes)


# --------------------------------------------------------------------------- what the release looks like now


class ReportLike(Protocol):
    @property
    def results(self) -> Sequence[DetectorResult]: ...

    @property
    def paths(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Observed:
    """The release being assessed, as far as carry-forward compares it with the base record.

    `statuses` holds only detectors that could tell (error / not applicable are left out, so
    "could not tell" never counts as a disagreement).
    """

    blob: Callable[[str], str]  # path -> blob id, "" when the file is gone
    paths: frozenset[str]  # files that exist (watch globs are matched against these)
    evidence: Mapping[str, tuple[RecordEvidence, ...]]  # detector -> findings
    statuses: Mapping[str, Status]
    content: Callable[[str], bytes | None] = field(default=lambda _p: None)
    label: str = "now"
    refusal: Callable[[str], str] = field(default=lambda p: _lexical_refusal(p))


def _lexical_refusal(path: str) -> str:
    """Why a path named by a record is not a repository path ("" when it is one)."""
    try:
        relative(path)
    except UnsafePathError as exc:
        return exc.why
    return ""


def _evidence_by_detector(
    results: Iterable[DetectorResult], blob: Callable[[str], str]
) -> dict[str, tuple[RecordEvidence, ...]]:
    out: dict[str, tuple[RecordEvidence, ...]] = {}
    for res in results:
        out[res.id] = tuple(_as_record_evidence(res.id, ev, blob) for ev in res.evidence)
    return out


def _as_record_evidence(detector: str, ev: Evidence, blob: Callable[[str], str]) -> RecordEvidence:
    polarity = ev.polarity.value if isinstance(ev.polarity, Polarity) else str(ev.polarity)
    return RecordEvidence(detector, ev.path, int(ev.line), polarity, ev.blob or blob(ev.path))


_UNSURE = frozenset({Status.ERROR, Status.NOT_APPLICABLE})


def observe_worktree(repo_root: Path, report: ReportLike, base: Record | None = None) -> Observed:
    """The working tree as scanned by `report` (what the walk and `golive status` see)."""
    blobs = WorktreeBlobs(repo_root)
    paths = frozenset(report.paths)
    if base is not None:
        needed = {e.path for i in base.items for e in i.evidence}
        needed.update(p for i in base.items for p, _b in i.watch)
        blobs.prime(needed)
    results = tuple(report.results)

    def content(path: str) -> bytes | None:
        """The file now, confined and capped (UnsafePathError when refused, None when gone)."""
        try:
            full = confine(repo_root, path, follow=False)
            if full.is_symlink():
                return os.fsencode(full.readlink())
            return read_capped(full, MAX_DIFF_BYTES, shown=path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise UnsafePathError(path, f"cannot read: {exc.strerror or exc}") from None

    return Observed(
        blob=blobs,
        paths=paths,
        evidence=_evidence_by_detector(results, blobs),
        statuses={r.id: r.status for r in results if r.status not in _UNSURE},
        content=content,
        label="working tree",
        refusal=blobs.refusal,
    )


def observe_record(repo_root: Path, record: Record) -> Observed:
    """A later release as its own record saw it (for `golive gate --since-record`).

    Blobs come from the record's evidence and watch tables, then from its commit's tree; a
    detector with no finding in the record is taken as missing.
    """
    pinned: dict[str, str] = {}
    for item in record.items:
        pinned.update((e.path, e.blob) for e in item.evidence if e.blob)
        pinned.update(item.watch)
    tree = tree_blobs(repo_root, record.repo.commit)
    by_detector: dict[str, set[RecordEvidence]] = {}
    for item in record.items:
        for ev in item.evidence:
            by_detector.setdefault(ev.detector, set()).add(ev)
    evidence = {d: tuple(sorted(evs, key=_ev_key)) for d, evs in by_detector.items()}
    statuses: dict[str, Status] = {}
    for det, evs in evidence.items():
        statuses[det] = _status_of(evs)
    watched_paths = {p for item in record.items for p, _b in item.watch}

    def blob(path: str) -> str:
        return pinned.get(path) or tree.get(path, "")

    return Observed(
        blob=blob,
        paths=frozenset(tree) | frozenset(pinned) | frozenset(watched_paths),
        evidence=evidence,
        statuses=_MissingByDefault(statuses),
        label=f"record {record.release}",
    )


class _MissingByDefault(dict[str, Status]):
    """A record names only detectors that found something; the rest found nothing."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, Status.MISSING)


# --------------------------------------------------------------------------- the plan


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
) -> CarryPlan | None:
    """Compare the newest verifying earlier record (or `base`) with the working tree.

    None when there is no such record. `report` is the scan of the working tree (its detector
    results decide whether detectors now disagree).
    """
    notes: tuple[str, ...] = ()
    if base is None:
        base, notes = find_base(repo_root, release)
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
    previous = {item.id: item for item in base.record.items}
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


_PERSON = frozenset({Source.MANUAL.value, Source.OVERRIDE.value, Source.CARRIED.value})


def recorded_answer(rec: RecordItem, base_release: str) -> Answer | None:
    """The answer a person gave in the base record, ready to carry; None if nobody answered.

    A record keeps the item's shown state, so a "done" that contrary evidence kept at risk is
    read back as done. An override keeps Source.OVERRIDE (so it still outweighs the unchanged
    evidence it overrode); every other answer becomes Source.CARRIED. `carried_from` names the
    base release; `by` and `at` stay the original answerer's, so revalidation counts from when
    a person last looked.
    """
    if rec.source not in _PERSON:
        return None
    state = State.DONE if rec.state == State.AT_RISK.value else State(rec.state)
    override = rec.source == Source.OVERRIDE.value
    if state not in (State.DONE, State.NA, State.WAIVED) and not (state is State.TODO and override):
        return None
    return Answer(
        item_id=rec.id,
        state=state,
        source=Source.OVERRIDE if override else Source.CARRIED,
        score=rec.score if state is State.DONE else None,
        note=rec.note,
        reason=rec.reason,
        until=rec.until,
        by=rec.by,
        at=rec.at,
        carried_from=base_release,
    )


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


# --------------------------------------------------------------------------- detector verdicts


def _status_of(evidence: Iterable[RecordEvidence]) -> Status:
    polarities = {e.polarity for e in evidence}
    positive = Polarity.POSITIVE.value in polarities
    contrary = Polarity.CONTRARY.value in polarities
    if positive and contrary:
        return Status.PARTIAL
    if positive:
        return Status.FOUND
    if contrary:
        return Status.CONTRARY
    return Status.MISSING


def _recorded_statuses(rec: RecordItem) -> Mapping[str, Status]:
    grouped: dict[str, list[RecordEvidence]] = {}
    for ev in rec.evidence:
        grouped.setdefault(ev.detector, []).append(ev)
    return _MissingByDefault({d: _status_of(evs) for d, evs in grouped.items()})


def verdict(item: Item, statuses: Mapping[str, Status]) -> str:
    """found | contrary | missing | unknown (no detector could tell) | "" (item not detected)."""
    if item.detect is None or not item.detect.detectors:
        return ""
    got = [statuses.get(d) for d in item.detect.detectors]
    got = [None if s in _UNSURE else s for s in got]  # "could not tell" is not "no"
    if any(s in (Status.CONTRARY, Status.PARTIAL) for s in got):
        return "contrary"
    found = [s is Status.FOUND for s in got]
    if all(found) if item.detect.mode is DetectMode.ALL else any(found):
        return "found"
    if all(s is None for s in got):
        return "unknown"
    return "missing"


def _finding(evidence: Iterable[RecordEvidence]) -> str:
    parts = [f"{e.detector}: {e.polarity} at {e.path}:{e.line}" for e in evidence]
    return "; ".join(parts) or "no finding"


def _now_evidence(item: Item, observed: Observed) -> list[RecordEvidence]:
    dets = item.detect.detectors if item.detect else ()
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


# --------------------------------------------------------------------------- files


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


def _ev_key(e: RecordEvidence) -> tuple[str, str, int, str]:
    return (e.detector, e.path, e.line, e.polarity)


# --------------------------------------------------------------------------- drafts


def seed_draft(draft: Draft, plan: CarryPlan) -> Draft:
    """`draft` with the plan's carried answers added (answers already there win)."""
    answers = {**plan.carried, **draft.answers}
    return replace(draft, answers=answers, carried_from=plan.base_release)


def should_seed(repo_root: Path, draft: Draft | None, release: str) -> bool:
    """A walk carries forward only into a fresh draft of a release that has no record yet."""
    fresh = draft is None or not draft.answers
    return fresh and not record_path(repo_root, release).exists()


# --------------------------------------------------------------------------- gate --since-record


@dataclass(frozen=True)
class SinceRecord:
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
    base, notes = find_base(repo_root, record.release, now=record.created, trust=trust)
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


def gate_since_record(repo_root: Path, outcome: Any) -> Any:
    """`outcome` (core.gate.GateOutcome) with the --since-record failures, warnings and info.

    Records skipped as a base are warnings; how many items were re-asked (or that there was no
    earlier record to compare with) is information.
    """
    record = getattr(outcome, "record", None)
    if record is None:
        return outcome  # no record: the gate already fails and says why
    from golive_tui.core.errors import GoliveError

    try:
        result = since_record(repo_root, record, trust=getattr(outcome, "trust", None))
    except (GoliveError, KeyError) as exc:
        failure = f"--since-record: cannot load checklist {record.checklist.id}: {exc}"
        return replace(outcome, failures=(*outcome.failures, failure))
    return replace(
        outcome,
        failures=(*outcome.failures, *result.failures),
        warnings=(*outcome.warnings, *(f"--since-record: {n}" for n in result.notes)),
        info=(
            *outcome.info,
            f"--since-record: {len(result.reasked)} item(s) re-asked since {result.base}"
            if result.base
            else "--since-record: no earlier signed record: nothing to re-ask",
        ),
    )


# --------------------------------------------------------------------------- what status and the walker show


def plan_for_walk(
    repo_root: Path,
    checklist: Checklist,
    release: str,
    report: ReportLike,
    *,
    today: dt.date | None = None,
) -> CarryPlan | None:
    """plan_carry for views: a base that cannot be read or verified means "start from scratch"."""
    from golive_tui.core.errors import GoliveError

    try:
        return plan_carry(repo_root, checklist, release, report, today=today)
    except GoliveError:
        return None


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
