"""Deciding whether a release may ship: the CI gate, evidence drift, and finding records.

The gate trusts nothing it cannot check: the record must exist, verify against allowed
signers, belong to this repository, cover HEAD (or HEAD's changes since the record must leave
every evidence and watched file alone), carry no expired waiver, and pass the profile.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from golive_tui.core.errors import GoliveError, RecordError
from golive_tui.core.git.release import DEFAULT_RELEASE, release_order, resolve_release
from golive_tui.core.git.runner import NO_DRIVERS, git_checked
from golive_tui.core.record.build import clean_remote, normalize_remote, repo_facts, watched
from golive_tui.core.record.model import Record, RecordItem
from golive_tui.core.record.store import load_record, record_path, records_dir
from golive_tui.core.record.verify import RecordCheck, verify_record
from golive_tui.core.text import markdown_code, markdown_text


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The gate's git commands, through the runner: diffs over a long history get 120 s."""
    return git_checked(root, *args, timeout=120)


def repo_root(path: Path) -> Path:
    """The working tree top level holding `path` (records live at `<top>/.golive/records`)."""
    from golive_tui.core.git.listing import worktree_root

    return worktree_root(path)


def find_record(root: Path, ref: str) -> Path:
    """A record by path, or by release name (`v1.2.0` means .golive/records/v1.2.0.toml)."""
    as_path = Path(ref)
    if as_path.suffix == ".toml" or "/" in ref:
        return as_path if as_path.is_absolute() or as_path.exists() else root / as_path
    return record_path(root, ref)


def load_all(root: Path) -> list[tuple[Path, Record | None, str]]:
    """Every record with its load error (if any), oldest release first (see `release_order`)."""
    out: list[tuple[Path, Record | None, str]] = []
    folder = records_dir(root)
    paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    for path in paths:
        try:
            out.append((path, load_record(path), ""))
        except RecordError as exc:
            out.append((path, None, str(exc)))
    tags = set(_git(root, "tag", "--list").stdout.split())

    def key(entry: tuple[Path, Record | None, str]) -> tuple[Any, ...]:
        path, record, _ = entry
        release = record.release if record else path.stem
        created = record.created if record else ""
        return release_order(release, created, tags)

    return sorted(out, key=key)


# --------------------------------------------------------------------------- drift


@dataclass(frozen=True, slots=True)
class Drift:
    item: str
    reason: str


def evidence_drift(root: Path, record: Record) -> list[Drift]:
    """Re-run the detectors on the recorded commit's tree and list evidence that no longer holds."""
    from golive_tui.core.scan.engine import scan

    if _git(root, "cat-file", "-e", f"{record.repo.commit}^{{commit}}").returncode != 0:
        raise RecordError(
            f"commit {record.repo.commit[:12]} of record {record.release} is not in this "
            "repository (fetch it, or a full clone in CI: fetch-depth 0)"
        )
    report = scan(root, commit=record.repo.commit)
    blobs = repo_facts(root, record.repo.commit).blobs  # cross-file findings carry no blob
    results = {r.id: r for r in report.results}
    item_detectors = _checklist_detectors(root, record)
    drift: list[Drift] = []
    for item in record.items:
        detectors = set(item_detectors.get(item.id, ())) | {e.detector for e in item.evidence}
        for det in sorted(detectors):
            result = results.get(det)
            recorded = [e for e in item.evidence if e.detector == det]
            if result is None:
                if recorded:
                    drift.append(Drift(item.id, f"{det}: detector no longer runs"))
                continue
            now = {
                (e.path, e.blob or blobs.get(e.path, ""), e.polarity.value) for e in result.evidence
            }
            now_paths = {(e.path, e.polarity.value) for e in result.evidence}
            for ev in recorded:
                if (ev.path, ev.blob, ev.polarity) in now or (
                    not ev.blob and (ev.path, ev.polarity) in now_paths
                ):
                    continue
                drift.append(
                    Drift(
                        item.id,
                        f"{det}: recorded {ev.polarity} evidence {ev.path}:{ev.line} not found "
                        f"at {record.repo.commit[:12]}",
                    )
                )
            seen = {(e.path, e.polarity) for e in recorded}
            if item.state in ("detected", "done"):
                for ev2 in result.evidence:
                    if ev2.polarity.value == "contrary" and (ev2.path, "contrary") not in seen:
                        drift.append(
                            Drift(
                                item.id,
                                f"{det}: contrary evidence at {ev2.path}:{ev2.line} not in the record",
                            )
                        )
    return drift


def _checklist_detectors(root: Path, record: Record) -> Mapping[str, tuple[str, ...]]:
    checklist = _checklist(root, record)
    if checklist is None:
        return {}
    return {i.id: (i.detect.detectors if i.detect else ()) for i in checklist.items()}


def _checklist(root: Path, record: Record) -> Any:
    from golive_tui.core.checklist.library import Library

    try:
        return Library.discover(root).get(record.checklist.id)
    except (GoliveError, KeyError):
        return None


# --------------------------------------------------------------------------- gate


@dataclass(frozen=True, slots=True)
class GateOutcome:
    release: str
    path: Path
    profile: str
    record: Record | None
    check: RecordCheck | None
    failures: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    info: tuple[str, ...] = ()  # worth reading, not a concern (e.g. what --since-record checked)
    coverage: str = ""  # how HEAD is covered, for the report
    touched: tuple[str, ...] = ()  # evidence/watched files changed since the record
    head: str = ""
    trust: Any = None  # signing.TrustRoot the signatures were checked against

    @property
    def passed(self) -> bool:
        return not self.failures


def evaluate_gate(
    root: Path,
    *,
    release: str | None = None,
    profile: str | None = None,
    today: dt.date | None = None,
    trust_ref: str | None = None,
) -> GateOutcome:
    from golive_tui.core.signing import resolve_trust

    trust = resolve_trust(root, trust_ref)
    trust_warnings = (trust.changed,) if trust.changed else ()
    rel = resolve_release(root, release)
    path = record_path(root, rel)
    head = _git(root, "rev-parse", "HEAD").stdout.strip()
    if not path.is_file():
        return GateOutcome(
            rel,
            path,
            profile or "",
            None,
            None,
            (_no_record(root, rel, path, explicit=bool(release)),),
            trust_warnings,
            head=head,
            trust=trust,
        )
    try:
        record = load_record(path)
    except RecordError as exc:
        return GateOutcome(
            rel,
            path,
            profile or "",
            None,
            None,
            (str(exc),),
            trust_warnings,
            head=head,
            trust=trust,
        )
    failures: list[str] = []
    warnings: list[str] = list(trust_warnings)
    check = verify_record(record, root, path, trust=trust)
    if not record.signatures:
        failures.append("the record is not signed")
    for c in check.checks:
        if not c.good:
            who = c.principal or c.signature.signer or c.key
            failures.append(
                f"{c.signature.role} signature by {who}: {c.verdict}"
                + (f" ({c.detail})" if c.detail else "")
            )
    failures.extend(check.problems)
    remote = clean_remote(_git(root, "config", "--get", "remote.origin.url").stdout)
    if (
        record.repo.remote
        and remote
        and normalize_remote(record.repo.remote) != normalize_remote(remote)
    ):
        failures.append(
            f"the record is for repository {clean_remote(record.repo.remote)}, this is {remote}"
        )
    coverage, touched, cover_failure = _coverage(root, record, head)
    if cover_failure:
        failures.append(cover_failure)
    if record.repo.dirty:
        warnings.append("the record was made from a working tree with uncommitted changes")
    chosen = profile or record.profile or _default_profile(root)
    if chosen:
        gate = record.gate(chosen)
        if gate is None:
            failures.append(f"the record has no result for profile {chosen!r}")
        elif not gate.passed:
            failures.append(
                f"profile {chosen} does not pass: open {', '.join(gate.failing) or '(items)'}"
            )
    else:
        s = record.summary
        if s.remaining or s.at_risk:
            known = ", ".join(g.profile for g in s.gates)
            failures.append(
                f"{s.remaining} item(s) open and {s.at_risk} at risk (no profile chosen: every "
                "item must be settled"
                + (f"; gate a profile with --profile: {known}" if known else "")
                + ")"
            )
    for item in record.expired_waivers(today):
        failures.append(f"waiver of {item.id} expired on {item.until or '(no date)'}")
    return GateOutcome(
        release=rel,
        path=path,
        profile=chosen or "",
        record=record,
        check=check,
        failures=tuple(failures),
        warnings=tuple(warnings),
        coverage=coverage,
        touched=touched,
        head=head,
        trust=trust,
    )


def _no_record(root: Path, release: str, path: Path, *, explicit: bool) -> str:
    """Why there is no record, and the likely next step (sign it, or gate the release signed)."""
    message = f"no readiness record for release {release} ({path.relative_to(root)})"
    if explicit or release != DEFAULT_RELEASE:
        return f"{message}: run `golive sign --release {release}`"
    # No tag at HEAD (e.g. the commit that added the record): point at the nearest tag's record.
    nearest = _git(root, "describe", "--tags", "--abbrev=0", "HEAD").stdout.strip()
    if nearest and record_path(root, nearest).is_file():
        return (
            f"{message}: no tag points at HEAD; the nearest tag {nearest} has a record, "
            f"gate it with `golive gate --release {nearest}`"
        )
    return (
        f"{message}: no tag points at HEAD; run `golive sign`, or name the release with --release"
    )


def _default_profile(root: Path) -> str:
    try:
        from golive_tui.core.checklist.library import default_profile

        return default_profile(root) or ""
    except GoliveError:
        return ""


def _coverage(root: Path, record: Record, head: str) -> tuple[str, tuple[str, ...], str]:
    """(how HEAD is covered, evidence files touched since, failure or "")."""
    commit = record.repo.commit
    if _git(root, "cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
        return (
            "",
            (),
            (
                f"the record's commit {commit[:12]} is not in this clone "
                "(CI: fetch full history, e.g. fetch-depth: 0)"
            ),
        )
    tree = _git(root, "rev-parse", "--verify", "-q", f"{commit}^{{tree}}").stdout.strip()
    if tree != record.repo.tree:
        return "", (), f"the record's tree {record.repo.tree[:12]} is not commit {commit[:12]}'s"
    if commit == head:
        return "the record's commit is HEAD", (), ""
    if _git(root, "merge-base", "--is-ancestor", commit, head).returncode != 0:
        return "", (), f"the record's commit {commit[:12]} is not an ancestor of HEAD {head[:12]}"
    proc = _git(root, "diff", *NO_DRIVERS, "--name-only", "--no-renames", "-z", commit, head)
    if proc.returncode != 0:
        return "", (), f"git diff {commit[:12]} HEAD failed: {proc.stderr.strip()}"
    changed = {p for p in proc.stdout.split("\0") if p}
    relied = set(record.files())
    checklist = _checklist(root, record)
    if checklist is not None:
        for item in checklist.items():
            if item.watch:
                relied.update(watched(changed, item.watch))
    touched = tuple(sorted(changed & relied))
    if touched:
        return (
            "",
            touched,
            (
                f"HEAD changed {len(touched)} file(s) the record relied on since {commit[:12]}: "
                + ", ".join(touched[:10])
                + (" ..." if len(touched) > 10 else "")
                + " — sign a new record"
            ),
        )
    return f"HEAD's {len(changed)} changed file(s) since {commit[:12]} touch no evidence", (), ""


def outcome_json(outcome: GateOutcome) -> dict[str, Any]:
    return {
        "passed": outcome.passed,
        "release": outcome.release,
        "record": str(outcome.path),
        "profile": outcome.profile,
        "head": outcome.head,
        "commit": outcome.record.repo.commit if outcome.record else None,
        "coverage": outcome.coverage,
        "failures": list(outcome.failures),
        "warnings": list(outcome.warnings),
        "info": list(outcome.info),
        "touched": list(outcome.touched),
        "trust": outcome.trust.to_json() if outcome.trust is not None else None,
        "signatures": [
            {"role": c.signature.role, "verdict": c.verdict, "principal": c.principal, "key": c.key}
            for c in (outcome.check.checks if outcome.check else ())
        ],
        "summary": _summary_json(outcome.record) if outcome.record else None,
    }


def _summary_json(record: Record) -> dict[str, Any]:
    s = record.summary
    return {
        "total": s.total,
        "done": s.done,
        "detected": s.detected,
        "na": s.na,
        "waived": s.waived,
        "at_risk": s.at_risk,
        "remaining": s.remaining,
        "p0_remaining": s.p0_remaining,
        "scores": [
            {"id": x.id, "value": x.value, "maximum": x.maximum, "band": x.band} for x in s.scores
        ],
    }


def outcome_text(outcome: GateOutcome) -> str:
    verdict = "PASS" if outcome.passed else "FAIL"
    lines = [
        f"gate {verdict}: release {outcome.release}"
        + (f", profile {outcome.profile}" if outcome.profile else "")
    ]
    if outcome.check:
        for c in outcome.check.checks:
            who = c.principal or c.signature.signer or c.key
            lines.append(f"  signature {c.signature.role}: {c.verdict} ({who})")
    if outcome.trust is not None:
        lines.append(f"  trust: {outcome.trust.source}")
        if outcome.trust.problem:
            lines.append(f"  trust: {outcome.trust.problem}")
    if outcome.coverage:
        lines.append(f"  covers HEAD: {outcome.coverage}")
    lines += [f"  FAIL: {f}" for f in outcome.failures]
    lines += [f"  warning: {w}" for w in outcome.warnings]
    lines += [f"  info: {i}" for i in outcome.info]
    return "\n".join(lines) + "\n"


def outcome_markdown(outcome: GateOutcome) -> str:
    """A GitHub job summary: verdict first, then why, then the record's numbers."""
    icon = "✅" if outcome.passed else "❌"
    verdict = "passed" if outcome.passed else "failed"
    lines = [f"## {icon} Readiness gate {verdict}: {_md_line(outcome.release)}"]
    if outcome.profile or outcome.record or outcome.coverage or outcome.trust is not None:
        lines.append("")
    if outcome.profile:
        lines.append(f"Profile: **{_md_line(outcome.profile)}**  ")
    if outcome.record:
        lines.append(
            f"Record: {markdown_code(outcome.path.name)} for commit "
            f"{markdown_code(outcome.record.repo.commit[:12])}  "
        )
    if outcome.coverage:
        lines.append(f"HEAD {markdown_code(outcome.head[:12])}: {_md_line(outcome.coverage)}  ")
    if outcome.trust is not None:
        lines.append(f"Trusted signers: {_md_line(outcome.trust.source)}")
    if outcome.failures:
        lines += ["", "### Why it failed", ""] + [f"- {_md_line(f)}" for f in outcome.failures]
    if outcome.warnings:
        lines += ["", "### Warnings", ""] + [f"- {_md_line(w)}" for w in outcome.warnings]
    if outcome.info:
        lines += [""] + [f"{_md_line(i)}  " for i in outcome.info]
    if outcome.check and outcome.check.checks:
        lines += ["", "| Signature | Signer | Result |", "|---|---|---|"]
        for c in outcome.check.checks:
            who = c.principal or c.signature.signer or c.key
            lines.append(
                f"| {_md_line(c.signature.role)} | {_md_line(who)} | {_md_line(c.verdict)} |"
            )
    if outcome.record:
        from golive_tui.core.export import counts_table

        s = outcome.record.summary
        lines += ["", *counts_table(s)]
        for sc in s.scores:
            lines.append(
                f"\n**{_md_line(sc.title or sc.id)}:** {sc.value:g} / {sc.maximum:g} "
                f"{_md_line(sc.band)}"
            )
    return "\n".join(lines) + "\n"


def _md_line(text: str) -> str:
    """Repository data as literal Markdown on one line (core.text.markdown_text)."""
    return markdown_text(text)


def outcome_sarif(outcome: GateOutcome, root: Path) -> dict[str, Any]:
    from golive_tui.core.export import ExtraResult, extra_result, sarif_log, to_sarif

    rel = (
        outcome.path.relative_to(root).as_posix()
        if outcome.path.is_relative_to(root)
        else str(outcome.path)
    )
    extra = [ExtraResult("golive.gate", f, rel) for f in outcome.failures]
    extra += [
        ExtraResult("golive.gate.touched", f"changed since the record: {p}", p, level="warning")
        for p in outcome.touched
    ]
    if outcome.record is None:
        gate_rule = {
            "id": "golive.gate",
            "name": "golive.gate",
            "shortDescription": {"text": "golive readiness gate"},
        }
        log = sarif_log([gate_rule], [extra_result(e, rel) for e in extra])
    else:
        log = to_sarif(outcome.record, record_path=rel, extra=extra)
    if outcome.trust is not None:
        run = log["runs"][0]
        run.setdefault("properties", {})["golive/trust"] = outcome.trust.to_json()
    return log


# --------------------------------------------------------------------------- diff


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
