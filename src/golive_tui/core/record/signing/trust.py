"""Whose keys are trusted: the user's gpg.ssh.allowedSignersFile, else `.golive/allowed_signers` as
committed on a trusted ref (never the working tree: a change must not vouch for itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from golive_tui.core.git.config import user_config
from golive_tui.core.git.runner import git_bytes, git_out, git_run
from golive_tui.core.record.signing.programs import ssh_program

LOCAL_ALLOWED_SIGNERS = Path(".golive") / "allowed_signers"


#: Where the trusted allowed-signers file comes from when no user setting names one: the first of
#: these refs that exists (the default branch, as the remote or this clone knows it).
DEFAULT_TRUST_REFS = ("origin/HEAD", "origin/main", "origin/master", "main", "master")


#: An allowed-signers file larger than this is refused (it is a list of keys).
MAX_ALLOWED_SIGNERS = 1 << 20


@dataclass(frozen=True, slots=True)
class TrustRoot:
    """Who may sign: the allowed-signers list golive trusts, and where it came from.

    Never the working tree or the commit under test: either a file the user's (or CI's) own git
    config names, or `.golive/allowed_signers` as committed on a trusted ref (the default
    branch, or `--trust-ref`). `changed` reports a different list in the working tree, which is
    shown but never used.
    """

    source: str  # one line for people: which file, from which config or ref
    content: bytes | None  # the allowed-signers lines; None when there is none to trust
    file: str = ""  # the path: absolute (user config) or repository path (at `ref`)
    ref: str = ""  # the ref it was read at ("" for a user-config file)
    commit: str = ""  # that ref's commit
    problem: str = ""  # why nothing is trusted (with what to do)
    changed: str = ""  # the working tree's .golive/allowed_signers differs, and is not used
    program: str = ""  # ssh_program() as resolved once for every signature checked

    def to_json(self) -> dict[str, str | None]:
        return {
            "source": self.source,
            "file": self.file,
            "ref": self.ref or None,
            "commit": self.commit or None,
            "problem": self.problem or None,
            "changed": self.changed or None,
        }

    def lines(self) -> list[str]:
        """`trust: ...` and, when they apply, the problem and the changed-file warning."""
        out = [f"trust: {self.source}"]
        if self.problem:
            out.append(f"trust: {self.problem}")
        if self.changed:
            out.append(f"warning: {self.changed}")
        return out


def resolve_trust(repo_root: Path, trust_ref: str | None = None) -> TrustRoot:
    """The trust root for verifying records in `repo_root` (see `TrustRoot`).

    `gpg.ssh.allowedSignersFile` from the user's git config wins (a relative path there means
    that file in the repository, read at the trusted ref); else `.golive/allowed_signers` at
    `trust_ref`, by default the first of DEFAULT_TRUST_REFS that exists.
    """
    from dataclasses import replace

    return replace(_resolve_trust(repo_root, trust_ref), program=ssh_program(repo_root))


def _resolve_trust(repo_root: Path, trust_ref: str | None) -> TrustRoot:
    configured = user_config("gpg.ssh.allowedSignersFile", repo_root)
    rel = LOCAL_ALLOWED_SIGNERS.as_posix()
    if configured:
        path = Path(configured).expanduser()
        if path.is_absolute():
            return _trust_file(path)
        rel = path.as_posix()
    if trust_ref:
        commit = _ref_commit(repo_root, trust_ref)
        if not commit:
            from golive_tui.core.errors import RepoError

            raise RepoError(f"--trust-ref {trust_ref}: no such commit in this repository")
        ref = trust_ref
    else:
        ref, commit = _default_ref(repo_root)
    if not commit:
        return TrustRoot(
            source=f"{rel} on the default branch (none of {', '.join(DEFAULT_TRUST_REFS)} exists)",
            content=None,
            file=rel,
            problem=(
                "no trusted allowed signers: name the trusted branch with --trust-ref, or set "
                "gpg.ssh.allowedSignersFile in your global git config"
            ),
            changed=_worktree_note(repo_root, rel, None, ""),
        )
    content, why = _blob_at(repo_root, commit, rel)
    source = f"{rel} at {ref} ({commit[:12]})"
    problem = ""
    if content is None:
        problem = (
            f"no trusted allowed signers: {why}. Commit {rel} to {ref} first (who may sign is "
            "decided on the default branch, never by the change under test), or set "
            "gpg.ssh.allowedSignersFile in your global git config"
        )
    return TrustRoot(
        source=source,
        content=content,
        file=rel,
        ref=ref,
        commit=commit,
        problem=problem,
        changed=_worktree_note(repo_root, rel, content, ref),
    )


def _trust_file(path: Path) -> TrustRoot:
    source = f"{path} (gpg.ssh.allowedSignersFile, your git config)"
    try:
        if path.stat().st_size > MAX_ALLOWED_SIGNERS:
            raise OSError(f"larger than {MAX_ALLOWED_SIGNERS} bytes")
        content = path.read_bytes()
    except OSError as exc:
        why = exc.strerror or str(exc)
        return TrustRoot(source, None, str(path), problem=f"cannot read {path}: {why}")
    return TrustRoot(source, content, str(path))


def _ref_commit(repo_root: Path, ref: str) -> str:
    if ref.startswith("-"):
        return ""
    out = git_out(repo_root, "rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{commit}}")
    return (out or "").strip()


def _default_ref(repo_root: Path) -> tuple[str, str]:
    """The first of DEFAULT_TRUST_REFS that names a commit, and that commit ("" when none).

    One `git cat-file --batch-check` resolves every candidate as `rev-parse --verify` resolves
    it (`REF^{commit}`, the same lookup): asked one by one, a clone without origin/HEAD cost
    five git processes, ~4 ms each, on every command that verifies a record (the gate of three
    services: fifteen)."""
    names = "".join(f"{ref}^{{commit}}\n" for ref in DEFAULT_TRUST_REFS)
    proc = git_run(repo_root, "cat-file", "--batch-check", input=names)
    answers = proc.stdout.splitlines() if proc is not None and proc.returncode == 0 else []
    for ref, answer in zip(DEFAULT_TRUST_REFS, answers, strict=False):
        parts = answer.split()
        if len(parts) != 3 or parts[1] != "commit":
            continue  # "<name> missing" (or ambiguous): not this one
        commit = parts[0]
        if ref == "origin/HEAD":
            target = git_out(repo_root, "symbolic-ref", "-q", "refs/remotes/origin/HEAD")
            name = (target or "").strip().removeprefix("refs/remotes/")
            ref = name or ref
        return ref, commit
    return "", ""


def _blob_at(repo_root: Path, commit: str, rel: str) -> tuple[bytes | None, str]:
    """A regular file's bytes at `commit` (capped), or None and why not."""
    listing = git_out(repo_root, "ls-tree", "-z", "--full-tree", commit, "--", rel) or ""
    meta, _, _ = listing.partition("\t")
    parts = meta.split()
    if len(parts) != 3:
        return None, f"{rel} is not on that commit"
    mode, kind, blob = parts
    if kind != "blob" or mode not in ("100644", "100755"):
        return None, f"{rel} there is not a regular file"
    size = (git_out(repo_root, "cat-file", "-s", blob) or "").strip()
    if not size.isdigit() or int(size) > MAX_ALLOWED_SIGNERS:
        return None, f"{rel} there is larger than {MAX_ALLOWED_SIGNERS} bytes"
    data = git_bytes(repo_root, "cat-file", "blob", blob)
    if data is None:
        return None, f"{rel} there cannot be read"
    return data, ""


def _worktree_note(repo_root: Path, rel: str, trusted: bytes | None, ref: str) -> str:
    """A warning when the working tree's list of signers differs from the trusted one."""
    path = repo_root / rel
    try:
        inside = path.resolve().is_relative_to(repo_root.resolve())
        if not inside or path.is_symlink() or not path.is_file():
            return ""  # never read outside the repository
        if path.stat().st_size > MAX_ALLOWED_SIGNERS:
            here: bytes | None = b"<too large>"
        else:
            here = path.read_bytes()
    except OSError:
        return ""
    if trusted is not None and here == trusted:
        return ""
    where = f"the one at {ref}" if ref else "the trusted one"
    return (
        f"{rel} in the working tree differs from {where} and is not used: keys added by a "
        "change count only once the change is on the trusted branch"
    )


def allowed_signers_file(repo_root: Path) -> Path | None:
    """Where a new signer's line belongs: the user's configured file, else the repository's."""
    configured = user_config("gpg.ssh.allowedSignersFile", repo_root)
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_absolute() else repo_root / path
    return repo_root / LOCAL_ALLOWED_SIGNERS
