"""`golive init` in a hostile repository: it never writes or reads outside it, and what it shows
of the repository's files never reaches the terminal as a control sequence."""

from __future__ import annotations

from pathlib import Path

import pytest

from golive_tui.cli import main
from golive_tui.core.onboarding import CONFIG, GITHUB_WORKFLOW
from tests.conftest import RepoFactory, git

GO = {"go.mod": "module example.com/svc\n\ngo 1.22\n", "main.go": "package main\n"}


def test_a_github_folder_leading_outside_is_refused(
    make_repo: RepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    (outside / "workflows").mkdir(parents=True)
    repo = make_repo(GO)
    (repo / ".github").symlink_to(outside)
    git(repo, "remote", "add", "origin", "git@github.com:acme/svc.git")  # GitHub: a workflow
    assert main(["init", "-C", str(repo), "--yes"]) == 2
    assert ".github/workflows" in capsys.readouterr().err
    assert list((outside / "workflows").iterdir()) == []
    assert not (repo / CONFIG).exists()  # refused before anything is written


def test_a_config_symlinked_outside_is_not_read(
    make_repo: RepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.toml"
    secret.write_text('checklist = "token-abc123"\n')
    repo = make_repo(GO)
    (repo / ".golive").mkdir()
    (repo / CONFIG).symlink_to(secret)
    assert main(["init", "-C", str(repo), "--yes"]) == 2
    captured = capsys.readouterr()
    assert "token-abc123" not in captured.out + captured.err
    assert secret.read_text() == 'checklist = "token-abc123"\n'


def test_an_existing_file_is_shown_without_control_characters(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo({**GO, GITHUB_WORKFLOW: "name: \x1b]52;c;aGk=\x07 ours\n"})
    assert main(["init", "-C", str(repo), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "exists and differs" in out
    assert "\x1b" not in out and "\x07" not in out
