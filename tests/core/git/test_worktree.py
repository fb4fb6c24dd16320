"""core/git/worktree: the one `git status` parser and the one working-tree blob hasher."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.git import worktree
from golive_tui.core.git.worktree import Change, parse_status

SHA = "a" * 40


@pytest.mark.parametrize(
    ("raw", "head", "branch", "changes"),
    [
        (b"", None, None, ()),
        (
            b"# branch.oid (initial)\0# branch.head main\0? new.go\0",
            None,
            "main",
            (Change("new.go", "??"),),
        ),
        (
            f"# branch.oid {SHA}\0# branch.head (detached)\0".encode(),
            SHA,
            None,
            (),
        ),
        (
            f"1 .M N... 100644 100644 100644 {SHA} {SHA} a b.go\0".encode(),
            None,
            None,
            (Change("a b.go", ".M"),),  # a space in the path stays in the path
        ),
        (
            f"2 R. N... 100644 100644 100644 {SHA} {SHA} R100 new.go\0old.go\0? x\0".encode(),
            None,
            None,
            (Change("new.go", "R."), Change("x", "??")),  # the original path is not an entry
        ),
        (
            f"u UU N... 100644 100644 100644 100644 {SHA} {SHA} {SHA} c.go\0".encode(),
            None,
            None,
            (Change("c.go", "UU", unmerged=True),),
        ),
        (b"? nested/\0? caf\xc3\xa9\0? \xff.go\0", None, None, None),
    ],
)
def test_parse_status(
    raw: bytes, head: str | None, branch: str | None, changes: tuple[Change, ...] | None
) -> None:
    status = parse_status(raw)
    assert (status.head, status.branch) == (head, branch)
    if changes is None:  # paths decode as os.fsdecode would, undecodable bytes included
        assert [c.path for c in status.changes] == ["nested/", "café", "\udcff.go"]
        assert all(c.untracked for c in status.changes)
    else:
        assert status.changes == changes


def test_status_runs_git_and_parses_what_it_says(make_repo: RepoFactory) -> None:
    root = make_repo({"a.go": "package a\n", "gone.go": "package a\n"})
    (root / "a.go").write_text("package a // edited\n")
    (root / "gone.go").unlink()
    (root / "new.go").write_text("package a\n")
    status = worktree.status(root, "--untracked-files=all")
    assert status is not None
    assert {c.path: c.xy for c in status.changes} == {"a.go": ".M", "gone.go": ".D", "new.go": "??"}


def test_worktree_blobs_match_git_for_files_symlinks_and_missing_paths(
    make_repo: RepoFactory,
) -> None:
    root = make_repo({"a.txt": "hello\n"})
    (root / "link").symlink_to("a.txt")
    blobs = worktree.WorktreeBlobs(root)
    blobs.prime(["a.txt", "link", "missing"])
    assert blobs("a.txt") == git(root, "hash-object", "a.txt")
    assert blobs("link") == worktree.blob_sha(b"a.txt")  # git stores a symlink as its target
    assert blobs("missing") == ""
    assert blobs.known.keys() == {"a.txt", "link", "missing"}


def test_worktree_blobs_hash_the_bytes_when_git_refuses_a_path(make_repo: RepoFactory) -> None:
    # A newline in a name cannot go through `hash-object --stdin-paths`: hashed here instead.
    root = make_repo({"a.txt": "a\n"})
    odd = "two\nlines.txt"
    (root / odd).write_bytes(b"odd\n")
    blobs = worktree.WorktreeBlobs(root)
    assert blobs(odd) == worktree.blob_sha(b"odd\n")
    assert blobs("a.txt") == git(root, "hash-object", "a.txt")


def test_blob_sha_matches_git_hash_object(tmp_path: Path) -> None:
    data = b"hello\nworld\n"
    (tmp_path / "f").write_bytes(data)
    expected = subprocess.run(
        ["git", "hash-object", str(tmp_path / "f")], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert worktree.blob_sha(data) == expected
