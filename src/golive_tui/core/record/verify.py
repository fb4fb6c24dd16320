"""Signing a record and verifying its signatures and its facts against the repository."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from golive_tui.core.errors import RecordError
from golive_tui.core.git.runner import git_out
from golive_tui.core.record.build import now_utc
from golive_tui.core.record.canonical import signing_message
from golive_tui.core.record.model import ROLES, Record, RecordItem, Signature
from golive_tui.core.record.store import service_of_path
from golive_tui.core.tuples import NamedTuple


class SignatureCheck(NamedTuple):
    signature: Signature
    verdict: str  # signing.Verdict value
    principal: str
    key: str
    detail: str = ""

    @property
    def good(self) -> bool:
        return self.verdict == "good"


class RecordCheck(NamedTuple):
    """Everything `golive verify` says about one record."""

    path: Path | None
    record: Record
    checks: tuple[SignatureCheck, ...]
    problems: tuple[str, ...] = ()  # record-level: file name vs release, ...
    expired: tuple[RecordItem, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.good for c in self.checks) and not self.problems


def sign_record(
    record: Record,
    repo_root: Path,
    *,
    role: str = "author",
    signed_at: str | None = None,
    config: Any = None,
) -> Record:
    """Return `record` with one more signature; raises SigningError when it cannot sign."""
    from golive_tui.core.record import signing

    if role not in ROLES:
        raise RecordError(f"role {role!r} is not one of {', '.join(ROLES)}")
    cfg = config or signing.signer_config(repo_root)
    at = signed_at or now_utc()
    signed = signing.sign(signing_message(record, role, at), cfg, repo_root)
    sig = Signature(
        signer=cfg.identity,
        role=role,
        format=signed.format.value,
        key=signed.key,
        signed_at=at,
        signature=signed.signature,
    )
    return record._replace(signatures=(*record.signatures, sig))


def verify_record(
    record: Record, repo_root: Path, path: Path | None = None, *, trust: Any = None
) -> RecordCheck:
    """Every signature checked against `trust` (signing.TrustRoot; resolved when None)."""
    from golive_tui.core.record import signing

    if trust is None and any(sig.format == signing.Format.SSH for sig in record.signatures):
        trust = signing.resolve_trust(repo_root)
    problems = []
    if path is not None and path.suffix == ".toml" and path.stem != record.release:
        problems.append(
            f"file name {path.name!r} does not match the record's release {record.release!r}"
        )
    filed = service_of_path(path) if path is not None else None
    if filed is not None and filed != record.service:
        problems.append(
            f"the record is about {_whose(record.service)} but is filed under {_whose(filed)}"
        )
    checks = []
    for sig in record.signatures:
        if sig.role not in ROLES:
            checks.append(SignatureCheck(sig, "bad", "", sig.key, f"unknown role {sig.role!r}"))
            continue
        result = signing.verify(
            signing_message(record, sig.role, sig.signed_at),
            sig.format,
            sig.signature,
            repo_root,
            trust=trust,
        )
        detail = result.detail
        if result.key and sig.key and result.key != sig.key and result.verdict == "good":
            detail = f"signed by {result.key}, record says {sig.key}"
        checks.append(
            SignatureCheck(sig, result.verdict.value, result.principal, result.key, detail)
        )
    return RecordCheck(
        path=path,
        record=record,
        checks=tuple(checks),
        problems=tuple(problems),
        expired=record.expired_waivers(),
    )


def _whose(service: str) -> str:
    return f"service {service!r}" if service else "the whole repository"


def repository_problems(record: Record, repo_root: Path) -> list[str]:
    """What in `record` this repository contradicts: what a cosigner checks before vouching.

    The commit must be here, the tree must be that commit's, and the checklist digest must be
    the one golive computes for that checklist in this repository now.
    """
    commit = record.repo.commit
    problems = []
    tree = (git_out(repo_root, "rev-parse", "--verify", "-q", f"{commit}^{{tree}}") or "").strip()
    kind = (git_out(repo_root, "cat-file", "-t", commit) or "").strip()
    if kind != "commit" or not tree:
        problems.append(
            f"repo.commit {commit} is not a commit of this repository (fetch it, or check the "
            "record)"
        )
    elif tree != record.repo.tree:
        problems.append(f"repo.tree {record.repo.tree} is not the tree of commit {commit} ({tree})")
    digest = _checklist_digest(repo_root, record.checklist.id)
    if digest is None:
        problems.append(f"checklist {record.checklist.id!r} is not available in this repository")
    elif digest != record.checklist.sha256:
        problems.append(
            f"checklist.sha256 of {record.checklist.id!r} is {record.checklist.sha256[:12]}, "
            f"but that checklist here is {digest[:12]}: the record was made with another definition"
        )
    return problems


def _checklist_digest(repo_root: Path, checklist_id: str) -> str | None:
    from golive_tui.core.checklist.library import Library
    from golive_tui.core.errors import GoliveError

    try:
        return Library.discover(repo_root).get(checklist_id).sha256
    except (GoliveError, KeyError):
        return None
