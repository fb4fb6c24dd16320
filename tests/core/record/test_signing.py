"""Signing records with throwaway SSH and OpenPGP keys: tampering, replay, cosigning, failures."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import (
    commit_allowed,
    gnupg_home,
    sample_record,
    ssh_keygen,
    use_ssh_key,
)
from tests.values import replace

from golive_tui.core.errors import RecordError, SigningError
from golive_tui.core.record import signing
from golive_tui.core.record.canonical import canonical_payload
from golive_tui.core.record.codec import dumps, loads, record_from_dict, record_to_dict
from golive_tui.core.record.model import Record
from golive_tui.core.record.signing import programs as signing_programs
from golive_tui.core.record.store import add_signature, load_record, write_record
from golive_tui.core.record.verify import sign_record, verify_record

# --------------------------------------------------------------------------- helpers


def _signed(repo: Path, record: Record | None = None, role: str = "author") -> Record:
    return sign_record(record or sample_record(), repo, role=role)


def _verdicts(record: Record, repo: Path) -> list[str]:
    return [c.verdict for c in verify_record(record, repo).checks]


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list) and data and all(isinstance(v, dict | list) for v in data):
        for i, value in enumerate(data):
            yield from _leaves(value, (*path, i))
    else:
        yield path


def _flip(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    if isinstance(value, str):
        return {"detected": "done", "done": "na", "waived": "done", "manual": "override"}.get(
            value, value + "x"
        )
    if isinstance(value, list):
        return [*value, "x"] if all(isinstance(v, str) for v in value) else value[:-1]
    raise AssertionError(type(value))


@pytest.fixture
def ssh_repo(make_repo: RepoFactory, tmp_path: Path) -> Path:
    repo = make_repo({"README.md": "x\n"})
    use_ssh_key(repo, ssh_keygen(tmp_path), commit=True)
    return repo


# --------------------------------------------------------------------------- ssh


def test_ssh_sign_and_verify(ssh_repo: Path) -> None:
    record = _signed(ssh_repo)
    (sig,) = record.signatures
    assert sig.format == "ssh" and sig.role == "author"
    assert sig.signer == "Ada Tester <ada@example.com>"
    assert sig.key.startswith("SHA256:")
    assert sig.signature.startswith("-----BEGIN SSH SIGNATURE-----")
    check = verify_record(record, ssh_repo)
    assert check.ok
    assert check.checks[0].principal == "ada@example.com"
    # and the signature survives the TOML round trip
    assert verify_record(loads(dumps(record)), ssh_repo).ok


def test_fingerprint_matches_ssh_keygen(ssh_repo: Path, tmp_path: Path) -> None:
    record = _signed(ssh_repo)
    listed = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(tmp_path / "id_ed25519.pub")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[1]
    assert record.signatures[0].key == listed


def test_every_signed_field_is_protected(ssh_repo: Path) -> None:
    record = _signed(ssh_repo)
    data = record_to_dict(record)
    leaves = list(_leaves({k: v for k, v in data.items() if k != "signatures"}))
    assert len(leaves) > 40
    for path in leaves:
        tampered = json.loads(json.dumps(data))
        target = tampered
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = _flip(target[path[-1]])
        try:
            changed = record_from_dict(tampered)
        except Exception:  # a flip the loader itself refuses is also caught
            continue
        assert canonical_payload(changed) != canonical_payload(record), path
        assert _verdicts(changed, ssh_repo) == ["bad"], path


def test_role_and_time_are_signed(ssh_repo: Path) -> None:
    record = _signed(ssh_repo, role="reviewer")
    sig = record.signatures[0]
    for changed in (replace(sig, role="author"), replace(sig, signed_at="2000-01-01T00:00:00Z")):
        assert _verdicts(replace(record, signatures=(changed,)), ssh_repo) == ["bad"]


def test_signature_replayed_onto_another_record_fails(ssh_repo: Path) -> None:
    first = _signed(ssh_repo, sample_record(release="v1.0.0"))
    for other in (
        sample_record(release="v1.1.0"),
        sample_record(commit="f" * 40),
        sample_record(remote="git@example.com:other/repo.git"),
    ):
        replayed = replace(other, signatures=first.signatures)
        assert _verdicts(replayed, ssh_repo) == ["bad"]


def test_record_renamed_to_another_release_fails(ssh_repo: Path, tmp_path: Path) -> None:
    record = _signed(ssh_repo)
    path = tmp_path / "v2.0.0.toml"
    write_record(path, record)
    check = verify_record(load_record(path), ssh_repo, path)
    assert not check.ok
    assert "does not match" in check.problems[0]


def test_cosign_keeps_every_signature_valid(ssh_repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "v1.0.0.toml"
    write_record(path, _signed(ssh_repo))
    reviewer = ssh_keygen(tmp_path, "reviewer")
    use_ssh_key(ssh_repo, reviewer, allowed=False)
    (ssh_repo / ".golive" / "allowed_signers").open("a").write(
        'rev@example.com namespaces="golive-record" '
        + " ".join(reviewer.with_suffix(".pub").read_text().split()[:2])
        + "\n"
    )
    commit_allowed(ssh_repo)  # trusted once it is on the default branch
    current = load_record(path)
    cosigned = sign_record(current, ssh_repo, role="reviewer")
    add_signature(path, cosigned.signatures[-1], canonical_payload(current))
    check = verify_record(load_record(path), ssh_repo, path)
    assert check.ok
    assert [(c.signature.role, c.principal) for c in check.checks] == [
        ("author", "ada@example.com"),
        ("reviewer", "rev@example.com"),
    ]


def test_cosign_refuses_a_record_changed_meanwhile(ssh_repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "v1.0.0.toml"
    write_record(path, _signed(ssh_repo))
    stale = load_record(path)
    write_record(path, replace(stale, profile="other"))
    sig = sign_record(stale, ssh_repo, role="pair").signatures[-1]
    with pytest.raises(RecordError, match="changed while it was being signed"):
        add_signature(path, sig, canonical_payload(stale))


def test_key_not_in_allowed_signers_is_unknown(ssh_repo: Path, tmp_path: Path) -> None:
    stranger = ssh_keygen(tmp_path, "stranger")
    use_ssh_key(ssh_repo, stranger, allowed=False)
    record = _signed(ssh_repo)
    check = verify_record(record, ssh_repo)
    assert [c.verdict for c in check.checks] == ["unknown key"]
    assert "allowed signers" in check.checks[0].detail
    # an unknown key over tampered content is reported as bad, not unknown
    assert _verdicts(replace(record, profile="x"), ssh_repo) == ["bad"]


def test_no_allowed_signers_file_is_unknown_key(ssh_repo: Path) -> None:
    record = _signed(ssh_repo)
    git(ssh_repo, "rm", "-q", ".golive/allowed_signers")
    git(ssh_repo, "commit", "-q", "-m", "no signers")
    check = verify_record(record, ssh_repo)
    assert [c.verdict for c in check.checks] == ["unknown key"]
    assert "no trusted allowed signers" in check.checks[0].detail
    assert "Commit .golive/allowed_signers to main first" in check.checks[0].detail


def test_allowed_signers_file_from_git_config(ssh_repo: Path, tmp_path: Path) -> None:
    """The user's (global) gpg.ssh.allowedSignersFile is trusted; the repository's is not."""
    record = _signed(ssh_repo)
    moved = tmp_path / "elsewhere_signers"
    (ssh_repo / ".golive" / "allowed_signers").rename(moved)
    git(ssh_repo, "rm", "-q", "--cached", ".golive/allowed_signers")
    git(ssh_repo, "commit", "-q", "-m", "signers kept elsewhere")
    git(ssh_repo, "config", "gpg.ssh.allowedSignersFile", str(moved))
    assert _verdicts(record, ssh_repo) == ["unknown key"]  # .git/config: never trusted
    git(ssh_repo, "config", "--global", "gpg.ssh.allowedSignersFile", str(moved))
    assert _verdicts(record, ssh_repo) == ["good"]


def test_key_literal_uses_the_agent(ssh_repo: Path, tmp_path: Path) -> None:
    pub = (tmp_path / "id_ed25519.pub").read_text().strip()
    git(ssh_repo, "config", "user.signingkey", f"key::{pub}")
    with pytest.raises(SigningError, match="no agent is running"):
        _signed(ssh_repo)
    agent = subprocess.run(
        ["ssh-agent", "-s"], capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL
    ).stdout
    env = dict(line.split(";")[0].split("=", 1) for line in agent.splitlines() if "=" in line)
    pid = int(env["SSH_AGENT_PID"])
    try:
        os.environ["SSH_AUTH_SOCK"] = env["SSH_AUTH_SOCK"]
        with pytest.raises(SigningError, match="not in ssh-agent"):
            _signed(ssh_repo)
        subprocess.run(
            ["ssh-add", "-q", str(tmp_path / "id_ed25519")],
            check=True,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "SSH_AUTH_SOCK": env["SSH_AUTH_SOCK"]},
        )
        assert _verdicts(_signed(ssh_repo), ssh_repo) == ["good"]
    finally:
        os.environ.pop("SSH_AUTH_SOCK", None)
        os.kill(pid, 15)


def test_public_key_file_without_agent(ssh_repo: Path, tmp_path: Path) -> None:
    lone = tmp_path / "lone.pub"
    lone.write_text((tmp_path / "id_ed25519.pub").read_text())
    git(ssh_repo, "config", "user.signingkey", str(lone))
    with pytest.raises(SigningError, match="ssh-agent"):
        _signed(ssh_repo)


def test_public_key_with_private_key_beside_it_signs(ssh_repo: Path, tmp_path: Path) -> None:
    git(ssh_repo, "config", "user.signingkey", str(tmp_path / "id_ed25519.pub"))
    assert _verdicts(_signed(ssh_repo), ssh_repo) == ["good"]


def test_passphrase_protected_key_fails_fast_without_prompt(ssh_repo: Path, tmp_path: Path) -> None:
    locked = ssh_keygen(tmp_path, "locked", passphrase="correct horse")
    use_ssh_key(ssh_repo, locked)
    # the whole call is bounded: a prompt would hit the subprocess timeout instead of hanging
    with pytest.raises(SigningError, match=r"passphrase-protected.*ssh-add"):
        _signed(ssh_repo)


def test_no_key_configured_prints_the_git_config_lines(make_repo: RepoFactory) -> None:
    repo = make_repo({"README.md": "x\n"})
    git(repo, "config", "gpg.format", "ssh")
    with pytest.raises(SigningError) as caught:
        _signed(repo)
    assert "git config --global gpg.format ssh" in str(caught.value)
    assert "git config --global user.signingkey" in str(caught.value)


def test_missing_key_file(ssh_repo: Path, tmp_path: Path) -> None:
    git(ssh_repo, "config", "user.signingkey", str(tmp_path / "gone"))
    with pytest.raises(SigningError, match="no such key file"):
        _signed(ssh_repo)


def test_x509_is_not_supported(make_repo: RepoFactory) -> None:
    repo = make_repo({"README.md": "x\n"})
    git(repo, "config", "gpg.format", "x509")
    with pytest.raises(SigningError, match=r"x509.*not supported"):
        _signed(repo)


def test_configured_ssh_program_missing(ssh_repo: Path) -> None:
    record = _signed(ssh_repo)
    git(ssh_repo, "config", "--global", "gpg.ssh.program", "ssh-keygen-not-installed")
    with pytest.raises(SigningError, match="ssh-keygen-not-installed not found"):
        _signed(ssh_repo)
    check = verify_record(record, ssh_repo)
    assert [c.verdict for c in check.checks] == ["error"]
    assert "not found" in check.checks[0].detail


def test_ssh_keygen_not_on_path(
    ssh_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real_git = subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip()
    (bin_dir / "git").symlink_to(real_git)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(SigningError, match="ssh-keygen not found"):
        _signed(ssh_repo)


def _fake_tool(tmp_path: Path, body: str) -> Path:
    tool = tmp_path / "fake-ssh-keygen"
    tool.write_text("#!/bin/sh\n" + body)
    tool.chmod(0o755)
    return tool


def test_signing_tool_gets_no_terminal_and_no_stdin(ssh_repo: Path, tmp_path: Path) -> None:
    # A tool that prompts: reads stdin, then the terminal. Neither may block.
    tool = _fake_tool(
        tmp_path,
        'read answer; echo "stdin=[$answer]" >&2\n'
        'if cat /dev/tty >/dev/null 2>&1; then echo "had a tty" >&2; else echo "no tty" >&2; fi\n'
        'echo "askpass=$SSH_ASKPASS_REQUIRE display=${DISPLAY:-none}" >&2\n'
        "exit 1\n",
    )
    git(ssh_repo, "config", "--global", "gpg.ssh.program", str(tool))
    with pytest.raises(SigningError) as caught:
        _signed(ssh_repo)
    message = str(caught.value)
    assert "stdin=[]" in message and "no tty" in message
    assert "askpass=never display=none" in message


def test_a_hanging_tool_is_stopped(
    ssh_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = _fake_tool(tmp_path, "exec sleep 60\n")
    git(ssh_repo, "config", "--global", "gpg.ssh.program", str(tool))
    monkeypatch.setattr(signing_programs, "TIMEOUT", 0.5)
    with pytest.raises(SigningError, match="did not finish"):
        _signed(ssh_repo)


# --------------------------------------------------------------------------- openpgp


@pytest.fixture
def gpg_repo(make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    repo = make_repo({"README.md": "x\n"})
    git(repo, "config", "gpg.format", "openpgp")
    with gnupg_home(monkeypatch):
        yield repo


def test_openpgp_sign_verify_and_tamper(gpg_repo: Path) -> None:
    record = _signed(gpg_repo)
    (sig,) = record.signatures
    assert sig.format == "openpgp" and len(sig.key) == 40
    assert sig.signature.startswith("-----BEGIN PGP SIGNATURE-----")
    check = verify_record(record, gpg_repo)
    assert check.ok and "t@example.com" in check.checks[0].principal
    assert _verdicts(replace(record, release="v9"), gpg_repo) == ["bad"]


def test_openpgp_with_explicit_key_and_cosign(gpg_repo: Path) -> None:
    record = _signed(gpg_repo)
    git(gpg_repo, "config", "user.signingkey", record.signatures[0].key)
    both = _signed(gpg_repo, record, role="reviewer")
    assert _verdicts(both, gpg_repo) == ["good", "good"]


def test_openpgp_unknown_key(gpg_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = _signed(gpg_repo)
    with gnupg_home(monkeypatch, uid="Other <o@example.com>"):
        check = verify_record(record, gpg_repo)
    assert [c.verdict for c in check.checks] == ["unknown key"]
    assert "no public key" in check.checks[0].detail


def test_openpgp_untrusted_key_is_unknown(gpg_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = _signed(gpg_repo)
    exported = subprocess.run(
        ["gpg", "--batch", "--export", "--armor"], capture_output=True, check=True
    ).stdout
    with gnupg_home(monkeypatch, uid="Other <o@example.com>"):
        subprocess.run(
            ["gpg", "--batch", "--import"], input=exported, capture_output=True, check=True
        )
        check = verify_record(record, gpg_repo)
        assert [c.verdict for c in check.checks] == ["unknown key"]
        assert "trust is undefined" in check.checks[0].detail
        git(gpg_repo, "config", "gpg.minTrustLevel", "undefined")
        assert _verdicts(record, gpg_repo) == ["unknown key"]  # the repository's config: ignored
        git(gpg_repo, "config", "--global", "gpg.minTrustLevel", "undefined")
        assert _verdicts(record, gpg_repo) == ["good"]


def test_openpgp_passphrase_key_without_agent_cache(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo({"README.md": "x\n"})
    git(repo, "config", "gpg.format", "openpgp")
    with gnupg_home(monkeypatch, passphrase="sekrit") as home:
        subprocess.run(
            ["gpgconf", "--kill", "gpg-agent"],
            env={**os.environ, "GNUPGHOME": str(home)},
            check=False,
        )
        with pytest.raises(SigningError, match="passphrase-protected"):
            _signed(repo)


def test_gpg_missing(gpg_repo: Path) -> None:
    git(gpg_repo, "config", "--global", "gpg.program", "gpg-not-installed")
    git(gpg_repo, "config", "user.signingkey", "ABCDEF")
    with pytest.raises(SigningError, match="gpg-not-installed not found"):
        _signed(gpg_repo)


def test_gpg_default_key_absent_means_not_configured(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo = make_repo({"README.md": "x\n"})
    empty = Path(__import__("tempfile").mkdtemp(prefix="gl", dir="/tmp"))
    empty.chmod(0o700)
    monkeypatch.setenv("GNUPGHOME", str(empty))
    try:
        config = signing.signer_config(repo)
        assert config.format is signing.Format.OPENPGP and not config.configured
        with pytest.raises(SigningError, match="no signing key configured"):
            _signed(repo)
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False, capture_output=True)
