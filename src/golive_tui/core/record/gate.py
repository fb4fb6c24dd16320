"""Deciding whether a release may ship: the CI gate, evidence drift, and finding records.

The gate trusts nothing it cannot check: the record must exist, verify against allowed
signers, belong to this repository, cover HEAD (or HEAD's changes since the record must leave
every evidence and watched file alone), carry no expired waiver, and pass the profile.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

from golive_tui.core.checklist.library import NO_PROFILE
from golive_tui.core.errors import GoliveError, RecordError
from golive_tui.core.git.release import (
    DEFAULT_RELEASE,
    release_order,
    release_tags,
    resolve_release,
)
from golive_tui.core.git.runner import NO_DRIVERS, git_checked
from golive_tui.core.model import Checklist
from golive_tui.core.record.build import clean_remote, normalize_remote, watched
from golive_tui.core.record.model import Record
from golive_tui.core.record.store import list_records, load_record, record_path
from golive_tui.core.record.verify import RecordCheck, verify_record
from golive_tui.core.tuples import NamedTuple


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The gate's git commands, through the runner: diffs over a long history get 120 s."""
    return git_checked(root, *args, timeout=120)


def repo_root(path: Path) -> Path:
    """The working tree top level holding `path` (records live at `<top>/.golive/records`)."""
    from golive_tui.core.git.listing import worktree_root

    return worktree_root(path)


def find_record(root: Path, ref: str, service: str = "") -> Path:
    """A record by path, or by release name (`v1.2.0` means .golive/records/v1.2.0.toml, or
    .golive/records/<service>/v1.2.0.toml for one service of several; `orders/v1.2.0` too)."""
    if service and ref.startswith(f"{service}/") and not ref.endswith(".toml"):
        ref = ref[len(service) + 1 :]
    as_path = Path(ref)
    if as_path.suffix == ".toml" or "/" in ref:
        return as_path if as_path.is_absolute() or as_path.exists() else root / as_path
    return record_path(root, ref, service)


def load_all(root: Path, service: str = "") -> list[tuple[Path, Record | None, str]]:
    """Every record of a service (or of the repository) with its load error (if any), oldest
    release first (see `release_order`)."""
    out: list[tuple[Path, Record | None, str]] = []
    for path in list_records(root, service):
        try:
            out.append((path, load_record(path), ""))
        except RecordError as exc:
            out.append((path, None, str(exc)))
    tags = release_tags(root, service)

    def key(entry: tuple[Path, Record | None, str]) -> tuple[Any, ...]:
        path, record, _ = entry
        release = record.release if record else path.stem
        created = record.created if record else ""
        return release_order(release, created, tags)

    return sorted(out, key=key)


class GateOutcome(NamedTuple):
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
    service: str = ""  # the service gated ("" = the whole repository)

    @property
    def passed(self) -> bool:
        return not self.failures


# Long on purpose: the checks run in the order the gate reports them (record, signature, repository,
# coverage, waivers, profile), each adding its failure; splitting would scatter that order.
def evaluate_gate(
    root: Path,
    *,
    release: str | None = None,
    profile: str | None = None,
    today: dt.date | None = None,
    trust_ref: str | None = None,
    service: str = "",
    trust: Any = None,
) -> GateOutcome:
    """The gate of one release of one service (`service` "" = the repository is one service).
    `trust`: the signing.TrustRoot already resolved for `trust_ref` (the gate of every
    service resolves it once), else resolved here."""
    from golive_tui.core.record.signing import resolve_trust

    if trust is None:
        trust = resolve_trust(root, trust_ref)
    trust_warnings = (trust.changed,) if trust.changed else ()
    rel = resolve_release(root, release, service)
    path = record_path(root, rel, service)
    head = _git(root, "rev-parse", "HEAD").stdout.strip()
    if not path.is_file():
        return GateOutcome(
            rel,
            path,
            profile or "",
            None,
            None,
            (_no_record(root, rel, path, explicit=bool(release), service=service),),
            trust_warnings,
            head=head,
            trust=trust,
            service=service,
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
            service=service,
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
    # The gate signed is the gate checked: the record's own profile ("" = every item), unless
    # the caller asks for another (`--profile none` for every item).
    chosen = record.profile if profile is None or profile == "" else profile
    if chosen == NO_PROFILE and record.gate(NO_PROFILE) is None:
        chosen = ""
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
        service=service,
    )


def _no_record(root: Path, release: str, path: Path, *, explicit: bool, service: str = "") -> str:
    """Why there is no record, and the likely next step (sign it, or gate the release signed)."""
    named = f" --service {service}" if service else ""
    message = f"no readiness record for release {release} ({path.relative_to(root)})"
    if explicit or release != DEFAULT_RELEASE:
        return f"{message}: run `golive sign{named} --release {release}`"
    # No tag at HEAD (e.g. the commit that added the record): point at the nearest tag's record.
    match = [f"--match={service}/*"] if service else []
    nearest = _git(root, "describe", "--tags", "--abbrev=0", *match, "HEAD").stdout.strip()
    nearest = nearest.removeprefix(f"{service}/") if service else nearest
    if nearest and "/" not in nearest and record_path(root, nearest, service).is_file():
        return (
            f"{message}: no tag points at HEAD; the nearest tag {nearest} has a record, "
            f"gate it with `golive gate{named} --release {nearest}`"
        )
    return (
        f"{message}: no tag points at HEAD; run `golive sign{named}`, or name the release "
        "with --release"
    )


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
    checklist = record_checklist(root, record)
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


def record_checklist(root: Path, record: Record) -> Checklist | None:
    """The checklist a record was made with, from this repository's library (None if gone)."""
    from golive_tui.core.checklist.library import Library

    try:
        return Library.discover(root).get(record.checklist.id)
    except (GoliveError, KeyError):
        return None
