"""Building a record from a scan: repository facts, remotes without credentials, the items."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from golive_tui.core.git import worktree
from golive_tui.core.git.listing import tree_blobs
from golive_tui.core.git.runner import git_out
from golive_tui.core.globs import matching
from golive_tui.core.model import (
    Answer,
    Checklist,
    DetectorResult,
    Item,
    ScoringMethod,
    Source,
    State,
)
from golive_tui.core.record.model import (
    RECORDS_DIR,
    NoCommitError,
    Record,
    RecordChecklist,
    RecordEvidence,
    RecordGate,
    RecordItem,
    RecordRepo,
    RecordScore,
    RecordSummary,
)

_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)$", re.DOTALL)
_SSH_SCHEMES = frozenset({"ssh", "git+ssh", "ssh+git"})


def clean_remote(url: str) -> str:
    """A remote URL fit to store, sign and print: no password, token, query or fragment.

    The one sanitiser for every remote golive writes or shows (record, gate, exports, errors).
    `https://user:token@host/o/r.git?t=x#f` becomes `https://host/o/r.git`; ssh URLs and
    scp-like `git@host:o/r.git` keep their user (not a secret) but lose any password. The URL is
    split as text, never through urllib, so a malformed one (a non-numeric port, a stray
    bracket) is cleaned the same way instead of raising.
    """
    u = url.strip()
    match = _URL.match(u)
    if match:
        scheme = match["scheme"]
        authority, slash, path = match["rest"].partition("/")
        userinfo, at, hostport = authority.rpartition("@")
        hostport = re.split(r"[?#]", hostport, maxsplit=1)[0]
        path = re.split(r"[?#]", path, maxsplit=1)[0]
        user = _keep_user(userinfo) if at and scheme.lower() in _SSH_SCHEMES else ""
        return f"{scheme}://{user}{hostport}{slash}{path}"
    if u.startswith(("/", ".", "~")) or ":" not in u.partition("/")[0]:
        return u  # a local path
    head, slash, tail = u.partition("/")  # scp-like [user[:password]@]host:path
    userinfo, at, host = head.rpartition("@")
    return f"{_keep_user(userinfo) if at else ''}{host}{slash}{tail}"


def _keep_user(userinfo: str) -> str:
    user = userinfo.partition(":")[0]
    return f"{user}@" if user else ""


def normalize_remote(url: str) -> str:
    """host/path, lowercase, no scheme, user, port or .git: a repo's ssh and https URLs match."""
    u = clean_remote(url)
    if not u:
        return ""
    match = _URL.match(u)
    if match:
        authority, _, path = match["rest"].partition("/")
        host = authority.rpartition("@")[2]
        host = host[: host.index("]") + 1] if host.startswith("[") and "]" in host else host
        host = host.partition(":")[0] if not host.startswith("[") else host
    elif ":" in u and not u.startswith("/"):
        host, path = u.split(":", 1)
        host = host.rsplit("@", 1)[-1]
    else:
        host, path = "", u
    path = path.strip("/")
    path = path.removesuffix(".git")
    return f"{host}/{path}".lower().strip("/")


@dataclass(frozen=True, slots=True)
class RepoFacts:
    remote: str
    commit: str
    tree: str
    dirty: bool
    blobs: Mapping[str, str] = field(default_factory=dict)  # path -> blob at commit


def repo_facts(
    repo_root: Path, commit: str = "HEAD", state: worktree.TreeState | None = None
) -> RepoFacts:
    """Remote, commit, tree, dirtiness and every file's blob at `commit` (one ls-tree call).

    `state` (the working tree as the scan saw it) answers dirtiness without another `git status`.
    """
    head = (git_out(repo_root, "rev-parse", "--verify", "-q", f"{commit}^{{commit}}") or "").strip()
    if not head:
        raise NoCommitError(f"{repo_root}: no commit to record (make a first commit)")
    tree = (git_out(repo_root, "rev-parse", f"{head}^{{tree}}") or "").strip()
    remote = clean_remote(
        (git_out(repo_root, "config", "--get", "remote.origin.url") or "").strip()
    )
    if state is not None:
        dirty = state.dirty
    else:
        status = worktree.status(
            repo_root,
            "--ignore-submodules=dirty",  # never a `git status` inside a submodule
            "--",
            ".",
            f":(exclude){RECORDS_DIR.as_posix()}",
        )
        dirty = bool(status and status.changes)
    blobs = tree_blobs(repo_root, head)
    return RepoFacts(remote=remote, commit=head, tree=tree, dirty=dirty, blobs=blobs)


def watched(paths: Iterable[str], globs: Sequence[str]) -> list[str]:
    """The paths an item's `watch` globs match, sorted."""
    return matching(paths, globs)


def item_wording(item: Item) -> str:
    """Digest of what a person was asked; a change means the answer may no longer apply."""
    text = "\0".join((item.title, item.why, item.verify, *item.rubric))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _results_by_id(results: Any) -> dict[str, DetectorResult]:
    if isinstance(results, Mapping):
        return {str(k): v for k, v in results.items()}
    return {r.id: r for r in results}


# What build_record reads of the draft, the scan and the assessment. Protocols, because the
# record is data below them (an import-linter contract): it never imports assess or drafts.
class _Score(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def method(self) -> ScoringMethod: ...
    @property
    def value(self) -> float: ...
    @property
    def maximum(self) -> float: ...
    @property
    def band(self) -> str: ...


class _Gate(Protocol):
    @property
    def profile(self) -> str: ...
    @property
    def passed(self) -> bool: ...
    @property
    def failing(self) -> Sequence[str]: ...


class _Summary(Protocol):
    @property
    def total(self) -> int: ...
    @property
    def done(self) -> int: ...
    @property
    def remaining(self) -> int: ...
    @property
    def p0_remaining(self) -> int: ...
    @property
    def at_risk(self) -> int: ...
    @property
    def detected(self) -> int: ...
    @property
    def na(self) -> int: ...
    @property
    def waived(self) -> int: ...
    @property
    def scores(self) -> Sequence[_Score]: ...
    @property
    def gates(self) -> Sequence[_Gate]: ...


class ItemViewLike(Protocol):
    @property
    def item(self) -> Item: ...
    @property
    def state(self) -> State: ...
    @property
    def source(self) -> Source | None: ...
    @property
    def answer(self) -> Answer | None: ...


class AssessmentLike(Protocol):
    """core.assess.Assessment as the record sees it."""

    @property
    def items(self) -> Sequence[ItemViewLike]: ...
    @property
    def summary(self) -> _Summary: ...


class ReportLike(Protocol):
    """core.scan.report.ScanReport as the record sees it."""

    @property
    def results(self) -> Sequence[DetectorResult]: ...


class DraftLike(Protocol):
    """core.draft.Draft as the record sees it."""

    @property
    def participants(self) -> Sequence[str]: ...
    @property
    def profile(self) -> str: ...


def _enum_value(value: Any) -> str:
    return str(getattr(value, "value", value))


# Long on purpose: the record's fields are assembled in the order they are written; splitting
# it would pass a dozen half-built values between helpers.
def build_record(
    repo_root: Path,
    checklist: Checklist,
    draft: DraftLike | None,
    report: ReportLike | None,
    assessment: AssessmentLike,
    *,
    release: str,
    profile: str = "",
    created: str | None = None,
    facts: RepoFacts | None = None,
    tree: worktree.TreeState | None = None,
) -> Record:
    """Assemble a record from the draft's answers, a scan and its assessment.

    `draft`, `report` and `assessment` are typed by what is read of them (the Protocols above),
    so the record never imports the layers above it.
    """
    facts = facts or repo_facts(repo_root, state=tree)
    results = _results_by_id(getattr(report, "results", ()))
    if tree is not None:  # the working tree as signing checked it: no second `git status`
        dirty_paths = {p: b for p, b in tree.blobs.items() if b}
    else:
        dirty_paths = _dirty_blobs(repo_root) if facts.dirty else {}
    views = {view.item.id: view for view in assessment.items}
    items = []
    for item in checklist.items():
        view = views.get(item.id)
        answer = getattr(view, "answer", None) if view else None
        state = _enum_value(view.state) if view else State.TODO.value
        source = _enum_value(view.source) if view and view.source else ""  # nobody settled it
        evidence = []
        if item.detect:
            for det in item.detect.linked:
                res = results.get(det)
                if res is None:
                    continue
                for ev in res.evidence:
                    evidence.append(
                        RecordEvidence(
                            detector=det,
                            path=ev.path,
                            line=int(ev.line),
                            polarity=_enum_value(ev.polarity),
                            blob=ev.blob
                            or dirty_paths.get(ev.path)
                            or facts.blobs.get(ev.path, ""),
                        )
                    )
        watch: tuple[tuple[str, str], ...] = ()
        if item.watch:
            candidates = set(facts.blobs) | set(dirty_paths)
            watch = tuple(
                (p, dirty_paths.get(p) or facts.blobs.get(p, ""))
                for p in watched(candidates, item.watch)
            )
        items.append(
            RecordItem(
                id=item.id,
                state=state,
                source=source,
                title=item.title,
                priority=_enum_value(item.priority),
                wording=item_wording(item),
                score=getattr(answer, "score", None),
                note=getattr(answer, "note", "") or "",
                # An automatic n/a keeps its reason, so the record says why it did not apply.
                reason=getattr(answer, "reason", "") or getattr(view, "na_reason", "") or "",
                until=getattr(answer, "until", "") or "",
                by=getattr(answer, "by", "") or "",
                at=getattr(answer, "at", "") or "",
                carried_from=getattr(answer, "carried_from", "") or "",
                evidence=tuple(
                    sorted(set(evidence), key=lambda e: (e.detector, e.path, e.line, e.polarity))
                ),
                watch=watch,
            )
        )
    _check_names(items)
    summary = summary_of(assessment.summary)
    participants = tuple(getattr(draft, "participants", ()) or ())
    chosen_profile = profile or (getattr(draft, "profile", "") or "")
    return Record(
        release=release,
        created=created or now_utc(),
        profile=chosen_profile,
        participants=participants,
        checklist=RecordChecklist(
            id=checklist.id,
            version=checklist.version,
            sha256=checklist.sha256,
            parents=tuple(checklist.parent_sha256),
        ),
        repo=RecordRepo(
            remote=facts.remote, commit=facts.commit, tree=facts.tree, dirty=facts.dirty
        ),
        summary=summary,
        items=tuple(items),
    )


def summary_of(s: _Summary) -> RecordSummary:
    """The assessment's counts, scores and gates as the record keeps them (2-decimal scores)."""
    return RecordSummary(
        total=s.total,
        done=s.done,
        remaining=s.remaining,
        p0_remaining=s.p0_remaining,
        at_risk=s.at_risk,
        detected=s.detected,
        na=s.na,
        waived=s.waived,
        scores=tuple(
            RecordScore(
                id=sc.id,
                title=sc.title,
                method=_enum_value(sc.method),
                value=round(float(sc.value), 2),
                maximum=round(float(sc.maximum), 2),
                band=sc.band or "",
            )
            for sc in s.scores
        ),
        gates=tuple(
            RecordGate(profile=g.profile, passed=bool(g.passed), failing=tuple(g.failing))
            for g in s.gates
        ),
    )


def _check_names(items: Iterable[RecordItem]) -> None:
    """A record is UTF-8 TOML: a file whose name is not UTF-8 cannot be named in it."""
    from golive_tui.core.errors import RepoError

    for item in items:
        for path in [e.path for e in item.evidence] + [p for p, _b in item.watch]:
            try:
                path.encode("utf-8")
            except UnicodeEncodeError:
                shown = ascii(path.encode("utf-8", "surrogateescape"))[2:-1]
                raise RepoError(
                    f"{shown}: expected a UTF-8 file name (item {item.id} relies on this file, "
                    "and a record cannot name it); rename the file"
                ) from None


def _dirty_blobs(repo_root: Path) -> dict[str, str]:
    """Blob ids of working-tree files that differ from HEAD (the content actually assessed)."""
    status = worktree.status(repo_root, "--untracked-files=all", "--ignore-submodules=dirty")
    paths = [c.path for c in (status.changes if status else ()) if "D" not in c.xy]
    blobs = worktree.WorktreeBlobs(repo_root)  # links as links; nothing outside is read
    blobs.prime(paths)
    return {path: blob for path in paths if (blob := blobs(path))}
