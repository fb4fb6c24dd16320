"""Throwaway signing keys and small records for the record, signing and CLI tests.

Keys live in the test's tmp directory (GnuPG homes under /tmp: the agent socket path is short).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from golive_tui.core.record.model import (
    Record,
    RecordChecklist,
    RecordEvidence,
    RecordGate,
    RecordItem,
    RecordRepo,
    RecordScore,
    RecordSummary,
)
from tests.conftest import git

EMAIL = "ada@example.com"


def ssh_keygen(directory: Path, name: str = "id_ed25519", passphrase: str = "") -> Path:
    key = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", str(key)],
        check=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )
    return key


def allow(repo: Path, key: Path, email: str = EMAIL, *, commit: bool = False) -> None:
    """Add the key to the repository's .golive/allowed_signers (`commit`: and commit it).

    Verification trusts the file as committed on the default branch (main in these tests),
    never the working tree: until it is committed there, the key is unknown.
    """
    pub = key.with_name(key.name + ".pub").read_text().split()
    path = repo / ".golive" / "allowed_signers"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        handle.write(f'{email} namespaces="golive-record" {pub[0]} {pub[1]}\n')
    if commit:
        commit_allowed(repo)


def commit_allowed(repo: Path) -> None:
    """Commit .golive/allowed_signers as it is in the working tree."""
    git(repo, "add", "-f", ".golive/allowed_signers")
    git(repo, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "allowed signers")


def use_ssh_key(repo: Path, key: Path, *, allowed: bool = True, commit: bool = False) -> None:
    """Sign with `key`; `allowed` adds it to .golive/allowed_signers (`commit`: committed)."""
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(key))
    if allowed:
        allow(repo, key, commit=commit)


@contextlib.contextmanager
def gnupg_home(
    monkeypatch: pytest.MonkeyPatch, uid: str = "Test <t@example.com>", passphrase: str = ""
) -> Iterator[Path]:
    """A GnuPG home with one ed25519 signing key; the agent is killed afterwards."""
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed")
    home = Path(tempfile.mkdtemp(prefix="gl", dir="/tmp"))
    home.chmod(0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    try:
        subprocess.run(
            [
                "gpg",
                "--batch",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                passphrase,
                "--quick-gen-key",
                uid,
                "ed25519",
                "sign",
                "never",
            ],
            check=True,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
            env={"GNUPGHOME": str(home), "PATH": "/usr/bin:/bin"},
        )
        yield home
    finally:
        subprocess.run(
            ["gpgconf", "--kill", "gpg-agent"],
            env={"GNUPGHOME": str(home), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            check=False,
            timeout=30,
        )
        shutil.rmtree(home, ignore_errors=True)


def sample_record(
    *, release: str = "v1.0.0", commit: str = "a" * 40, remote: str = "git@example.com:team/svc.git"
) -> Record:
    """A record exercising every field (scores, gates, evidence, watch, waiver)."""
    return Record(
        release=release,
        created="2026-01-02T03:04:05Z",
        profile="quick-gate",
        participants=("Ada Tester <ada@example.com>", "Bo Pair <bo@example.com>"),
        checklist=RecordChecklist(
            id="go-production", version="1.0.0", sha256="c" * 64, parents=("d" * 64,)
        ),
        repo=RecordRepo(remote=remote, commit=commit, tree="b" * 40, dirty=False),
        summary=RecordSummary(
            total=3,
            done=1,
            remaining=1,
            p0_remaining=0,
            at_risk=1,
            detected=1,
            na=0,
            waived=1,
            scores=(RecordScore("points", "Points", "points", 4.5, 6.0, "good"),),
            gates=(RecordGate("quick-gate", True, ()), RecordGate("p0", False, ("ops.runbook",))),
        ),
        items=(
            RecordItem(
                id="shutdown.sigterm",
                state="detected",
                source="detected",
                title="Handle SIGTERM",
                priority="P0",
                wording="e" * 64,
                evidence=(
                    RecordEvidence(
                        "go.signal.sigterm", "cmd/api/main.go", 12, "positive", "1" * 40
                    ),
                ),
            ),
            RecordItem(
                id="ops.runbook",
                state="done",
                source="manual",
                title="Runbook",
                priority="P1",
                score=2,
                note="see wiki",
                by="Ada Tester <ada@example.com>",
                at="2026-01-01T00:00:00Z",
                watch=(("docs/runbook.md", "2" * 40),),
            ),
            RecordItem(
                id="container.user",
                state="waived",
                source="override",
                title="Non-root user",
                priority="P1",
                reason="base image fixed next sprint",
                until="2999-01-01",
                evidence=(RecordEvidence("docker.user", "Dockerfile", 3, "contrary", "3" * 40),),
            ),
        ),
    )


def signed_repo(
    make_repo: Callable[..., Path], tmp_path: Path, files: dict[str, str], name: str = "svc"
) -> Path:
    """A repository whose allowed signers are committed on main (trusted) and tagged v1.0.0."""
    repo = make_repo(files, name=name)
    use_ssh_key(repo, ssh_keygen(tmp_path))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "signers")  # trusted: committed on main
    git(repo, "tag", "v1.0.0")
    return repo
