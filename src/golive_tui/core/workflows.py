"""Use cases: a fresh scan assessed and saved as a record, and the record committed.

This is the one place that runs a scan, reads drafts and starts git on behalf of a user action;
the record package below it stays plain data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from golive_tui.core.assess import Assessment, assess
from golive_tui.core.checklist.library import (
    NO_PROFILE,
    Library,
    default_checklist_id,
    resolve_profile,
)
from golive_tui.core.draft import Draft, DraftStore, with_current_ids
from golive_tui.core.git.config import identity
from golive_tui.core.git.listing import worktree_root
from golive_tui.core.git.release import resolve_release
from golive_tui.core.git.runner import git_checked
from golive_tui.core.model import Checklist, DetectorResult
from golive_tui.core.record.build import repo_facts
from golive_tui.core.record.carry import CarryPlan, ReportLike, plan_carry, since_record
from golive_tui.core.release_view import Signed, headline, opened, signed_record
from golive_tui.core.reviewed import ReviewedScan, TreeChangedError, reviewed_scan, tree_now
from golive_tui.core.tuples import NamedTuple

if TYPE_CHECKING:  # the engine is imported only when a scan runs
    from golive_tui.core.scan.report import Progress, ScanReport

import re
from dataclasses import dataclass, field
from pathlib import Path

from golive_tui.core.errors import RecordError
from golive_tui.core.git import worktree
from golive_tui.core.git.runner import git_out, git_run
from golive_tui.core.record.build import build_record
from golive_tui.core.record.canonical import signing_message
from golive_tui.core.record.gate import record_checklist
from golive_tui.core.record.model import Record
from golive_tui.core.record.store import (
    checked_text,
    load_record,
    record_lock,
    record_path,
    write_record,
)
from golive_tui.core.record.verify import sign_record


class SaveResult(NamedTuple):
    path: Path
    signed: bool
    message: str
    record: Record | None = None
    committed: str = ""  # commit sha when asked to commit


def save_record(
    repo_root: Path,
    checklist_id: str | None,
    release: str | None,
    *,
    sign: bool = True,
    role: str = "author",
    profile: str | None = None,
    commit: bool = False,
    service: str = "",
) -> SaveResult:
    """`golive sign` in one process: scan once, assess the draft, sign what was assessed.

    Safe to call from a worker thread: no prompts (signing tools run without a terminal), and a
    signing failure still saves the record, unsigned, with the reason in `message`. `service`
    is the scope (`core.services.scope`): "" for a single-service repository.
    """
    from golive_tui.core.git.release import DEFAULT_RELEASE

    rel = resolve_release(repo_root, release, service)
    library = Library.discover(repo_root)
    checklist = library.get(checklist_id or default_checklist_id(repo_root))
    store = DraftStore(repo_root, service)
    draft = store.load(checklist.id, rel)
    adopted = ""
    if draft is None and rel != DEFAULT_RELEASE:
        # Walked before the release had a name (no tag yet): those answers are this release's.
        draft = store.load(checklist.id, DEFAULT_RELEASE)
        adopted = DEFAULT_RELEASE if draft is not None else ""
    if draft is not None:
        draft = with_current_ids(draft, checklist)  # answers under former item ids count
    chosen = session_profile(repo_root, checklist, profile, draft)
    scanned = reviewed_scan(repo_root, service=service)
    assessment = assess(
        checklist,
        dict(getattr(draft, "answers", {}) or {}),
        {r.id: r for r in scanned.results},
        paths=scanned.paths,
        go_imports=scanned.go_imports,
        profile=chosen or None,
    )
    return save_reviewed(
        repo_root,
        checklist,
        rel,
        draft,
        scanned,
        assessment,
        profile=chosen,
        sign=sign,
        role=role,
        commit=commit,
        adopted=adopted,
        service=service,
    )


def session_profile(
    repo_root: Path, checklist: Checklist, asked: str | None, draft: Draft | None
) -> str:
    """The profile of a walk: asked, else the one its draft was walked with, else the default."""
    if not asked and draft is not None:
        asked = draft.profile or NO_PROFILE
    return resolve_profile(repo_root, checklist, asked)


# Long on purpose: the steps of signing (check the tree, build, sign, write, commit) read top to
# bottom; each step is a call.
def save_reviewed(
    repo_root: Path,
    checklist: Checklist,
    release: str,
    draft: Draft | None,
    scanned: ReviewedScan,
    assessment: Assessment,
    *,
    profile: str,
    sign: bool = True,
    role: str = "author",
    commit: bool = False,
    adopted: str = "",
    service: str = "",
) -> SaveResult:
    """Sign exactly what was reviewed: this draft, this scan, this assessment.

    Refuses (TreeChangedError) when the working tree differs from what the scan saw: the
    signed record would not describe what people looked at. One `git status` in all.
    `service` is the scope (`core.services.scope`): "" for a single-service repository.
    """
    from golive_tui.core.errors import SigningError

    state = tree_now(repo_root)
    if scanned.state is not None and state is not None:
        changed = scanned.state.differs(state)
        if changed:
            more = len(changed) - 5
            shown = ", ".join(changed[:5]) + (f" and {more} more" if more > 0 else "")
            raise TreeChangedError(
                f"not signed: the working tree changed since the scan you reviewed ({shown}); "
                "rescan (`r` in the walker), check the items again and sign"
            )
    if draft is not None and draft.profile != profile:
        draft = replace(draft, profile=profile)
    store = DraftStore(repo_root, service)
    stays = ""
    if adopted and draft is not None:
        draft, stays = _adopt_draft(store, draft, release)
    record = build_record(
        repo_root,
        checklist,
        draft,
        scanned,
        assessment,
        release=release,
        profile=profile,
        tree=state,
    )
    if service:
        record = record._replace(service=service)
    notes = [] if draft is not None else [_no_draft_note(store, checklist.id, release, service)]
    if adopted:
        notes.append(
            f"used the answers of the `{adopted}` draft (walked before {release} was named); "
            + (stays or f"it is now {release}'s draft, so the next walk starts afresh")
        )
    if record.repo.dirty:
        notes.append(_dirty_note(state))
    path = record_path(repo_root, release, service)
    source = store.path(checklist.id, adopted if stays else release)
    _check_new_record(record, path, source if draft else None)
    signed = False
    if sign:
        try:
            record = sign_record(record, repo_root, role=role)
            signed = True
        except SigningError as exc:
            notes.append(f"not signed: {exc}")
    if signed:
        notes.extend(unknown_key_notes(record, repo_root))
    with record_lock(path):
        kept = _keep_signed(path, release) if not signed else ""
        if kept:
            message = "\n".join([f"not saved: {kept}", *notes])
            return SaveResult(path=path, signed=False, message=message, record=None)
        try:
            previous = load_record(path) if path.is_file() else None
        except RecordError:
            previous = None
        if previous is not None and previous.signatures:
            notes.append(
                f"replaced the previous record of {release} and its "
                f"{len(previous.signatures)} signature(s); cosigners must sign again"
            )
        write_record(path, record)
    committed = ""
    if commit:
        committed = commit_record(repo_root, path, f"{service} {release}" if service else release)
    if signed:
        notes.extend(_next_steps(record, release, committed=bool(committed), service=service))
    verb = "signed and saved" if signed else "saved (unsigned)"
    message = "\n".join([f"{verb} {path.relative_to(repo_root)}", *notes])
    return SaveResult(path=path, signed=signed, message=message, record=record, committed=committed)


def _adopt_draft(store: DraftStore, draft: Draft, release: str) -> tuple[Draft, str]:
    """Move the `unreleased` draft signed as `release` to that release's name, so the next
    release's walk starts from a fresh draft (and carries forward) instead of resuming this one.

    Saved before the record is made, so the draft is never newer than the record (which would
    read as amending it). Returns the draft and, when it could not move, why.
    """
    from golive_tui.core.errors import DraftError
    from golive_tui.core.git.release import DEFAULT_RELEASE

    try:
        with store.lock(draft.checklist_id, DEFAULT_RELEASE):
            saved = store.save(replace(draft, release=release))
            store.path(draft.checklist_id, DEFAULT_RELEASE).unlink(missing_ok=True)
    except (DraftError, OSError) as exc:
        return draft, f"it stays the `{DEFAULT_RELEASE}` draft ({exc})"
    return saved, ""


def _next_steps(record: Record, release: str, *, committed: bool, service: str = "") -> list[str]:
    """What the other participants do next: each cosigns, then the record is committed."""
    me = {s.signer for s in record.signatures}
    others = [p for p in record.participants if p not in me]
    named = f" --service {service}" if service else ""
    steps: list[str] = []
    if not committed:
        steps.append(
            f"next: commit it (`golive sign{named} --release {release} --commit` does both)"
        )
    if others:
        steps.append(
            f"next for {', '.join(others)}: `golive cosign{named} {release} --role pair --commit` "
            "(with their own key, after pulling the record)"
        )
    return steps


def _check_new_record(record: Record, path: Path, draft_path: Path | None) -> None:
    """Refuse, before signing, a record golive's own loader would reject (naming the draft)."""
    try:
        checked_text(record, str(path))
    except RecordError as exc:
        detail = str(exc).removeprefix(str(path)).lstrip(": ")
        match = re.match(r"items\[(\d+)\]", detail)
        if match and int(match.group(1)) < len(record.items):
            detail = f"item {record.items[int(match.group(1))].id}: {detail}"
        source = f"the draft {draft_path}" if draft_path else "the scan"
        raise RecordError(
            f"{path}: not written: {source} gives a value golive does not accept in a "
            f"record ({detail}); correct it (e.g. `golive mark ITEM score=N`) and sign again"
        ) from None


def _keep_signed(path: Path, release: str) -> str:
    """Why an unsigned record must not replace the one at `path` ("" when it may)."""
    if not path.exists():
        return ""
    try:
        previous = load_record(path)
    except RecordError:
        return (
            f"{path.name} exists and cannot be read as a record; it was left as it was "
            "(move it away to write a new one)"
        )
    if not previous.signatures:
        return ""
    return (
        f"{path.name} holds a signed record of {release} ({len(previous.signatures)} "
        "signature(s)); an unsigned record never replaces it, so it was left as it was. "
        "Fix signing and run `golive sign` again"
    )


def unknown_key_notes(record: Record, repo_root: Path) -> list[str]:
    """When verifiers would not know the new SSH signature's key: the allowed-signers line to add."""
    from golive_tui.core.git.config import git_config
    from golive_tui.core.record import signing

    sig = record.signatures[-1]
    if sig.format != signing.Format.SSH:
        return []
    trust = signing.resolve_trust(repo_root)
    check = signing.verify(
        signing_message(record, sig.role, sig.signed_at),
        sig.format,
        sig.signature,
        repo_root,
        trust=trust,
    )
    public = signing.ssh_signature_public_key(sig.signature)
    if check.verdict is not signing.Verdict.UNKNOWN_KEY or not public:
        return []
    where = signing.allowed_signers_file(repo_root) or repo_root / signing.LOCAL_ALLOWED_SIGNERS
    shown = where.relative_to(repo_root) if where.is_relative_to(repo_root) else where
    email = git_config("user.email", repo_root) or "you@example.com"
    branch = (
        f" on {trust.ref}"
        if trust.ref
        else (" on the default branch" if not trust.file.startswith("/") else "")
    )
    return [
        f"your key is not in {shown}{branch} (verifiers trust {trust.source}), so `golive "
        f"verify` reports it as unknown: add this line and commit it{branch}\n"
        f'  {email} namespaces="{signing.NAMESPACE}" {public}'
    ]


def _no_draft_note(store: DraftStore, checklist_id: str, release: str, service: str) -> str:
    """Say the record holds evidence only, and name the releases that do have answers."""
    note = f"no draft for {release}: the record holds detector evidence only"
    prefix = f"{checklist_id}@"
    others = sorted(
        p.stem.removeprefix(prefix)
        for p in store.drafts()
        if p.stem.startswith(prefix) and p.stem != f"{prefix}{release}"
    )
    if others:
        named = f" --service {service}" if service else ""
        note += (
            f" (answers are in the draft for {', '.join(others)}: "
            f"`golive sign{named} --release {others[-1]}` signs those)"
        )
    return note


def _dirty_note(state: worktree.TreeState | None) -> str:
    """Which uncommitted files make the record dirty, and how to get a clean one."""
    paths = sorted({c.path for c in (state.changes if state else ())})
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    return (
        f"the working tree has uncommitted changes ({shown}): the record is marked dirty and "
        "its commit does not hold what was assessed; commit them and sign again"
    )


def commit_record(repo_root: Path, path: Path, release: str) -> str:
    """Commit the record alone through `git commit`, so commit.gpgsign signs it as usual.

    The one git command golive runs with hooks on: the user asked for a commit, so their commit
    hooks run as for `git commit`. Signing programs still come from the user's own config.
    """
    from golive_tui.core.git.runner import git_env
    from golive_tui.core.record import signing

    rel = path.relative_to(repo_root).as_posix()
    env = signing.subprocess_env(
        git_env(repo_root, hooks=True, config=signing.program_overrides(repo_root))
    )
    for args, timeout in (
        (("add", "--", rel), 60),
        (("commit", "-m", f"readiness: {release}", "--", rel), 120),
    ):
        proc = git_run(repo_root, *args, timeout=timeout, env=env)
        if proc is None or proc.returncode != 0:
            detail = proc.stderr.strip() if proc else "git could not run (or timed out)"
            raise RecordError(f"record saved but not committed: git {args[0]} failed: {detail}")
    return (git_out(repo_root, "rev-parse", "HEAD") or "").strip()


def seed_draft(draft: Draft, plan: CarryPlan) -> Draft:
    """`draft` with the plan's carried answers added (answers already there win)."""
    answers = {**plan.carried, **draft.answers}
    return replace(draft, answers=answers, carried_from=plan.base_release)


def should_seed(repo_root: Path, draft: Draft | None, release: str, service: str = "") -> bool:
    """A walk carries forward only into a fresh draft of a release that has no record yet."""
    from golive_tui.core.git.release import DEFAULT_RELEASE

    fresh = draft is None or not draft.answers
    # `unreleased` is a working name: a record saved under it is no release to keep apart.
    return fresh and (
        release == DEFAULT_RELEASE or not record_path(repo_root, release, service).exists()
    )


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
        return outcome._replace(failures=(*outcome.failures, failure))
    return outcome._replace(
        failures=(*outcome.failures, *result.failures),
        warnings=(*outcome.warnings, *(f"--since-record: {n}" for n in result.notes)),
        info=(
            *outcome.info,
            f"--since-record: {len(result.reasked)} item(s) re-asked since {result.base}"
            if result.base
            else "--since-record: no earlier signed record: nothing to re-ask",
        ),
    )


def plan_for_walk(
    repo_root: Path,
    checklist: Checklist,
    release: str,
    report: ReportLike,
    *,
    today: dt.date | None = None,
    service: str = "",
) -> CarryPlan | None:
    """plan_carry for views: a base that cannot be read or verified means "start from scratch"."""
    from golive_tui.core.errors import GoliveError

    try:
        return plan_carry(repo_root, checklist, release, report, today=today, service=service)
    except GoliveError:
        return None


class Drift(NamedTuple):
    item: str
    reason: str


def evidence_drift(root: Path, record: Record) -> list[Drift]:
    """Re-run the detectors on the recorded commit's tree and list evidence that no longer holds."""
    from golive_tui.core.scan.engine import scan

    if git_checked(root, "cat-file", "-e", f"{record.repo.commit}^{{commit}}").returncode != 0:
        raise RecordError(
            f"commit {record.repo.commit[:12]} of record {record.release} is not in this "
            "repository (fetch it, or a full clone in CI: fetch-depth 0)"
        )
    from golive_tui.core.services.choice import service_for

    shipped = service_for(root, record.service)
    report = scan(root, commit=record.repo.commit, service=shipped)
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
    checklist = record_checklist(root, record)
    if checklist is None:
        return {}
    return {i.id: (i.detect.linked if i.detect else ()) for i in checklist.items()}


@dataclass
class Session:
    """One walk's fixed context: where, which service, checklist, release and profile, and the
    signed record of that release when it has one (shown read-only unless amended)."""

    root: Path
    checklist: Checklist
    release: str
    profile: str
    store: DraftStore
    signed: Signed | None = None
    read_only: bool = False  # the release opens as its signed record
    opened: Draft | None = None  # the draft it opens with (the record's answers when signed)
    service: str = ""  # "" = the whole repository (a single-service repository)
    # The state of the working tree the first `scan` takes, started as the session opened
    # (commands/status.py `open_session(..., scans=True)`); taken once.
    early_state: worktree.PendingState | None = field(default=None, repr=False, compare=False)

    @staticmethod
    def open(
        path: str | None = None,
        *,
        checklist: str | None = None,
        release: str | None = None,
        profile: str | None = None,
        amend: bool = False,
        service: str = "",
        library: Library | None = None,
    ) -> Session:
        """`service` is already a scope (`core.services.scope`): "" for one service.
        `library`: the repository's checklists, when the caller loaded them already."""
        root = worktree_root(Path(path or "."))
        library = library if library is not None else Library.discover(root)
        chosen = library.get(checklist or default_checklist_id(root))
        rel = resolve_release(root, release, service)
        store = DraftStore(root, service)
        signed = signed_record(root, rel, service=service)
        stored = store.load(chosen.id, rel)
        if stored is not None:
            stored = with_current_ids(stored, chosen)  # answers under former item ids count
        draft, read_only = opened(signed, stored, chosen.id, chosen.version, amend=amend)
        return Session(
            root=root,
            checklist=chosen,
            release=rel,
            profile=session_profile(root, chosen, profile, draft),
            store=store,
            signed=signed,
            read_only=read_only,
            opened=draft,
            service=service,
        )

    def headline(self, participants: Sequence[str] = (), base: str = "") -> str:
        """The walker's header and `status`'s first line (core.release_view.headline)."""
        if not base and self.signed is not None:
            base = next((i.carried_from for i in self.signed.record.items if i.carried_from), "")
        return headline(
            self.release,
            self.profile,
            participants,
            base=base,
            signed=self.signed,
            read_only=self.read_only,
            service=self.service,
        )

    def load_draft(self) -> Draft | None:
        """The stored draft, its answers under former item ids (aliases) moved to the ids."""
        draft = self.store.load(self.checklist.id, self.release)
        return None if draft is None else with_current_ids(draft, self.checklist)

    def new_draft(self, participants: Sequence[str] = ()) -> Draft:
        me = identity(self.root)
        return Draft.new(
            self.checklist.id,
            self.release,
            profile=self.profile,
            checklist_version=self.checklist.version,
            participants=tuple(p for p in (me, *participants) if p),
        )

    def scan(self, progress: Callable[[Progress], None] | None = None) -> ReviewedScan:
        pending, self.early_state = self.early_state, None
        return reviewed_scan(self.root, progress, self.service, pending=pending)

    def assess(self, draft: Draft | None, report: ScanReport | ReviewedScan | None) -> Assessment:
        results: dict[str, DetectorResult] = (
            {r.id: r for r in report.results} if report is not None else {}
        )
        return assess(
            self.checklist,
            draft.answers if draft is not None else {},
            results,
            paths=tuple(report.paths) if report is not None else (),
            go_imports=tuple(report.go_imports) if report is not None else (),
            profile=self.profile or None,
        )
