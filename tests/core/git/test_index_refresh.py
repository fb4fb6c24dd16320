"""`golive scan` writes back the stat data `git status` refreshed; nothing else ever does."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui import cli
from golive_tui.core.scan.engine import scan
from golive_tui.core.scan.memo import scan_json

FILES = {
    "go.mod": "module example.com/x\n\ngo 1.22\n",
    "main.go": "package main\n\nfunc main() {}\n",
}


def _stale_copy(make_repo: RepoFactory, tmp_path: Path) -> Path:
    """A copy of a repository: same contents, new inodes and ctimes, so every index entry is stale."""
    original = make_repo(FILES)
    copy = tmp_path / "copy"
    shutil.copytree(original, copy, symlinks=True)
    assert _stale(copy)
    return copy


def _stale(root: Path) -> list[str]:
    # diff-files compares stat data only (it never refreshes): stale entries show as changed.
    return git(root, "diff-files", "--name-only").split()


def test_the_cli_scan_refreshes_a_stale_index(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = _stale_copy(make_repo, tmp_path)
    scan_json(root)
    assert _stale(root) == []
    assert git(root, "status", "--porcelain") == ""  # contents untouched


@pytest.mark.parametrize("options", [[], ["--no-cache"], ["--format", "json", "--no-cache"]])
def test_every_form_of_the_command_refreshes(
    make_repo: RepoFactory, tmp_path: Path, options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    root = _stale_copy(make_repo, tmp_path)
    assert cli.main(["scan", "-C", str(root), *options]) == 0
    capsys.readouterr()
    assert _stale(root) == []


def test_other_scans_never_write_the_index(make_repo: RepoFactory, tmp_path: Path) -> None:
    """The walker scans in the background: it must never hold index.lock under the user."""
    root = _stale_copy(make_repo, tmp_path)
    scan(root)
    assert _stale(root)


def test_writing_the_index_runs_no_hook_of_the_repository(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = _stale_copy(make_repo, tmp_path)
    marker = tmp_path / "hook-ran"
    for folder in (root / ".git" / "hooks", root / "myhooks"):
        folder.mkdir(exist_ok=True)
        hook = folder / "post-index-change"
        hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
        hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    git(root, "config", "core.hooksPath", str(root / "myhooks"))
    git(root, "config", "core.fsmonitor", f"touch {marker}")
    scan_json(root)
    assert not marker.exists()  # checked first: the plain git below runs them itself
    git(root, "config", "--unset", "core.fsmonitor")
    assert _stale(root) == []
