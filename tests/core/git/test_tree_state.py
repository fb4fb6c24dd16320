"""The state a reviewed scan takes first: the whole tree asked once, the records folder left out
here instead of by a pathspec (git's untracked cache works only without one). Every change it
reports is the one the pathspec status reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.git import worktree

RECORDS = ".golive/records"
FILES = {
    "main.go": "package main\n",
    "docs/runbook.md": "# Runbook\n",
    ".golive/records/v1.toml": "record = 1\n",
    ".golive/records-notes.md": "not a record\n",
    "gone.txt": "x\n",
}


def _write(root: Path, rel: str, text: str = "new\n") -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)


def _stage(root: Path, rel: str) -> None:
    _write(root, rel)
    git(root, "add", rel)


CHANGES: dict[str, Callable[[Path], None]] = {
    "nothing": lambda root: None,
    "a tracked file edited": lambda root: _write(root, "main.go", "package main\n// x\n"),
    "an untracked file": lambda root: _write(root, "notes.txt"),
    "an untracked folder": lambda root: _write(root, "new/deep/file.go"),
    "a record edited": lambda root: _write(root, ".golive/records/v1.toml", "record = 2\n"),
    "a record added": lambda root: _write(root, ".golive/records/svc/v2.toml"),
    "a file named like the folder": lambda root: _write(root, ".golive/records-notes.md"),
    "a folder named like it": lambda root: _write(root, ".golive/records2/x.toml"),
    "a file deleted": lambda root: (root / "gone.txt").unlink(),
    "a file staged": lambda root: _stage(root, "staged.go"),
    "a record staged": lambda root: _stage(root, ".golive/records/v3.toml"),
}


@pytest.mark.parametrize("case", list(CHANGES), ids=list(CHANGES))
def test_the_state_is_what_the_pathspec_status_saw(make_repo: RepoFactory, case: str) -> None:
    root = make_repo(FILES)
    CHANGES[case](root)
    state = worktree.tree_state(root, RECORDS)
    before = worktree.status(
        root,
        *worktree.BRANCH,
        "--untracked-files=all",
        "--ignore-submodules=dirty",
        "--",
        ".",
        f":(exclude){RECORDS}",
    )
    assert state is not None and before is not None
    assert state.head == before.head
    assert sorted(state.changes) == sorted(before.changes)
    assert not [c for c in state.changes if c.path.startswith(f"{RECORDS}/")]


def test_a_change_outside_the_records_moves_the_state_and_one_inside_does_not(
    make_repo: RepoFactory,
) -> None:
    root = make_repo(FILES)
    first = worktree.tree_state(root, RECORDS)
    _write(root, ".golive/records/v2.toml")
    second = worktree.tree_state(root, RECORDS)
    _write(root, "main.go", "package main\n// moved\n")
    third = worktree.tree_state(root, RECORDS)
    assert first is not None and second is not None and third is not None
    assert first.fingerprint == second.fingerprint != third.fingerprint
    assert second.differs(third) == ["main.go"]
