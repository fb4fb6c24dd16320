"""What the record commands say when something is off: each message names the fix, on stderr
or in the report, with the right exit code (found by using golive the way a team does)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from golive_tui.core.errors import SigningError
from golive_tui.core.record import signing
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import ssh_keygen
from tests.test_cli_records import RUNBOOK_DONE, answer, cli, record_file, service

__all__ = ["service"]  # the fixture, shared with test_cli_records


def test_verify_names_a_malformed_record_once_with_line_and_column(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = record_file(service, "v1.0.2")
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text('schema = "golive-record/v1"\nrelease = \n')
    assert cli("verify", "v1.0.2") == 1
    out = capsys.readouterr().out
    assert out.startswith(".golive/records/v1.0.2.toml:2:11: malformed: not valid TOML")
    assert str(service) not in out  # the path once, as given, not again in full
    bad.write_text('schema = "golive-record/v9"\n')
    assert cli("verify", "v1.0.2") == 1
    assert capsys.readouterr().out.startswith(
        ".golive/records/v1.0.2.toml: malformed: schema: unknown schema"
    )


def test_cosign_refuses_a_second_signature_by_the_same_key(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    before = record_file(service).read_text()
    capsys.readouterr()
    assert cli("cosign", "v1.0.0", "--role", "reviewer") == 1
    err = capsys.readouterr().err
    assert "already signed this record (as author)" in err
    assert "another person" in err
    assert record_file(service).read_text() == before


def test_sign_says_which_uncommitted_files_make_the_record_dirty(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (service / "README.md").write_text("changed\n")
    assert cli("sign") == 0
    err = capsys.readouterr().err
    assert "uncommitted changes (README.md)" in err
    assert "commit them and sign again" in err


def test_sign_without_a_draft_names_the_release_that_has_one(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign", "--release", "v1.0.1") == 0
    err = capsys.readouterr().err
    assert "no draft for v1.0.1" in err
    assert "answers are in the draft for v1.0.0: `golive sign --release v1.0.0`" in err


def test_no_signing_format_set_shows_both_ways(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo({"README.md": "x\n"})
    empty = Path(tempfile.mkdtemp(prefix="gl", dir="/tmp"))
    empty.chmod(0o700)
    monkeypatch.setenv("GNUPGHOME", str(empty))  # no OpenPGP default key either
    config = signing.signer_config(repo)
    with pytest.raises(SigningError) as caught:
        signing.sign(b"x", config, repo)
    message = str(caught.value)
    assert "git config --global gpg.format ssh" in message
    assert "git config --global gpg.format openpgp" in message
    git(repo, "config", "gpg.format", "openpgp")
    with pytest.raises(SigningError) as only:
        signing.sign(b"x", signing.signer_config(repo), repo)
    assert "gpg.format ssh" not in str(only.value)


def test_locked_ssh_key_message_names_the_key_to_add(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    repo = make_repo({"README.md": "x\n"})
    locked = ssh_keygen(tmp_path, "locked", passphrase="correct horse")
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(locked.with_name("locked.pub")))
    with pytest.raises(SigningError) as caught:
        signing.sign(b"x", signing.signer_config(repo), repo)
    assert f"`ssh-add {locked}`" in str(caught.value)


def test_outside_a_repository_the_message_names_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("verify") == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}: not inside a git repository" in err
    assert "-C PATH" in err
    assert cli("gate", "-C", str(tmp_path / "gone")) == 2
    assert "no such directory" in capsys.readouterr().err


def test_sign_in_a_repository_without_commits_is_a_usage_error(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo({}, commit=False)
    monkeypatch.chdir(repo)
    assert cli("sign", "--no-sign") == 2
    assert "no commit to record (make a first commit)" in capsys.readouterr().err


def test_gate_after_the_record_commit_points_at_the_tagged_release(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign", "--commit") == 0  # HEAD moves past the tag v1.0.0
    capsys.readouterr()
    assert cli("gate") == 1
    out = capsys.readouterr().out
    assert "no readiness record for release unreleased" in out
    assert "the nearest tag v1.0.0 has a record, gate it with `golive gate --release v1.0.0`" in out
    assert cli("gate", "--release", "v1.0.0") == 0


def test_gate_without_a_profile_names_the_profiles(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (service / ".golive" / "config.toml").write_text('checklist = "tiny"\n')
    git(service, "commit", "-qam", "no default profile")
    assert cli("sign") == 0  # HEAD is untagged now: the record is `unreleased`
    capsys.readouterr()
    assert cli("gate") == 1
    assert "gate a profile with --profile: launch" in capsys.readouterr().out


def test_gate_markdown_without_a_record_has_no_double_blank_line(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("gate", "--format", "markdown") == 1
    out = capsys.readouterr().out
    assert "\n\n\n" not in out
    assert out.startswith("## ❌ Readiness gate failed: v1.0.0\n\nTrusted signers: ")
    assert "\n\n### Why it failed\n" in out


def test_mark_suggests_an_item_for_a_typo(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("mark", "ops.runbok", "done", "--no-scan") == 2
    assert "did you mean ops.runbook" in capsys.readouterr().err


def test_sign_with_a_key_verifiers_do_not_know_prints_the_allowed_signers_line(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stranger = ssh_keygen(tmp_path, "stranger")
    git(service, "config", "user.signingkey", str(stranger))
    assert cli("sign") == 0
    err = capsys.readouterr().err
    public = " ".join(stranger.with_name("stranger.pub").read_text().split()[:2])
    assert "your key is not in .golive/allowed_signers" in err
    assert f'ada@example.com namespaces="golive-record" {public}' in err
    git(service, "config", "user.signingkey", str(tmp_path / "id_ed25519"))  # a known key
    assert cli("sign") == 0
    assert "allowed_signers" not in capsys.readouterr().err


def test_status_shows_a_source_only_when_it_adds_something(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("status") == 0
    out = capsys.readouterr().out
    assert "shutdown.sigterm" in out and "detected (detected)" not in out
    assert "ops.runbook" in out and "done (manual)" in out


def test_sign_for_a_named_release_uses_the_answers_walked_before_it_was_named(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "unreleased", RUNBOOK_DONE)
    assert cli("sign", "--release", "v2.0.0") == 0
    err = capsys.readouterr().err
    assert "used the answers of the `unreleased` draft (walked before v2.0.0 was named)" in err
    assert "no draft for v2.0.0" not in err
    text = record_file(service, "v2.0.0").read_text()
    assert 'id = "ops.runbook"' in text
    runbook = text.split('id = "ops.runbook"', 1)[1].split("[[items]]", 1)[0]
    assert 'state = "done"' in runbook
