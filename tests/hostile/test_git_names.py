"""File names are bytes to git: one that is not UTF-8 must not break a command golive runs.

git prints paths raw with `-z`; golive reads every git output as os.fsdecode would, so such a
name is a path like any other (shown escaped) instead of a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from golive_tui.core.git import listing, runner, worktree
from tests.conftest import RepoFactory, git
from tests.test_cli_records import RUNBOOK_DONE, answer, cli, service  # noqa: F401 (fixture)

ODD = b"notes-\xff.md"


def _write_odd(root: Path, data: bytes = b"odd\n") -> None:
    (root / os.fsdecode(ODD)).write_bytes(data)


def test_sign_with_an_undecodable_name_in_the_tree_and_the_dirty_files(
    service: Path,  # noqa: F811 (fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    _write_odd(service)
    git(service, "add", "-A")
    git(service, "commit", "-qm", "odd name")  # in HEAD's tree: every ls-tree reads it
    _write_odd(service, b"odd\nedited\n")  # and dirty: status and hash-object read it too
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    err = capsys.readouterr().err
    assert "notes-\\udcff.md" in err  # named in the dirty note, escaped
    assert cli("status") == 0
    assert cli("verify") == 0
    capsys.readouterr()


def test_runner_reads_and_passes_an_undecodable_name(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "a\n"})
    _write_odd(root)
    name = os.fsdecode(ODD)
    proc = runner.git_run(root, "ls-files", "-z", "--others")
    assert proc is not None and proc.stdout.split("\0")[0] == name
    status = worktree.status(root)
    assert status is not None and [c.path for c in status.changes] == [name]
    assert worktree.WorktreeBlobs(root)(name) == worktree.blob_sha(b"odd\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "odd")
    assert name in listing.tree_blobs(root, "HEAD")
