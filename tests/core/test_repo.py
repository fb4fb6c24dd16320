"""Reading repositories: git state, file lists with blob SHAs, and defensive content reads."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core import repo
from golive_tui.core.errors import RepoError
from golive_tui.core.git import listing, worktree

GO = "package main\n\nfunc main() {}\n"


def _files(snapshot: listing.Snapshot) -> dict[str, listing.RepoFile]:
    return {f.path: f for f in snapshot.files}


def _snapshot(path: Path, **kw: bool) -> listing.Snapshot:
    return listing.working_tree(listing.locate(path), **kw)


def test_root_found_from_a_sub_folder(make_repo: RepoFactory) -> None:
    root = make_repo({"cmd/api/main.go": GO, "README.md": "hi\n"})
    loc = listing.locate(root / "cmd" / "api")
    assert loc.root == root.resolve()
    assert loc.is_git
    snap = listing.working_tree(loc)
    assert set(_files(snap)) == {"cmd/api/main.go", "README.md"}


def test_tracked_files_carry_index_blobs(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": GO})
    snap = _snapshot(root)
    expected = git(root, "rev-parse", "HEAD:main.go")
    assert _files(snap)["main.go"].blob == expected
    assert worktree.blob_sha(GO.encode()) == expected
    assert snap.head == git(root, "rev-parse", "HEAD")
    assert snap.branch == "main"
    assert not snap.dirty and snap.is_git and not snap.shallow


def test_modified_untracked_and_staged_files(make_repo: RepoFactory) -> None:
    root = make_repo({"a.go": GO, "b.go": GO, "c.go": GO, ".gitignore": "ignored.go\n"})
    (root / "a.go").write_text(GO + "// edited\n")  # modified: must be hashed from disk
    (root / "b.go").write_text(GO + "// staged\n")
    git(root, "add", "b.go")  # staged only: the index blob is what is on disk
    (root / "new.go").write_text(GO)
    (root / "ignored.go").write_text(GO)
    (root / "c.go").unlink()
    snap = _snapshot(root)
    files = _files(snap)
    assert files["a.go"].blob is None
    assert files["b.go"].blob == git(root, "rev-parse", ":b.go")
    assert files["new.go"].blob is None
    assert "ignored.go" not in files
    assert "c.go" not in files  # deleted in the working tree
    assert snap.dirty


def test_detached_head(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": GO})
    head = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "--detach", "HEAD")
    snap = _snapshot(root)
    assert snap.branch is None
    assert snap.head == head


def test_worktree(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = make_repo({"main.go": GO})
    other = tmp_path / "wt"
    git(root, "worktree", "add", "-q", "-b", "feature", str(other))
    (other / "extra.go").write_text(GO)
    loc = listing.locate(other)
    assert loc.root == other.resolve()
    assert loc.common_dir == (root / ".git").resolve()
    snap = listing.working_tree(loc)
    assert snap.branch == "feature"
    assert set(_files(snap)) == {"main.go", "extra.go"}


def test_shallow_clone_warns(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = make_repo({"main.go": GO})
    (root / "more.go").write_text(GO)
    git(root, "add", "more.go")
    git(root, "commit", "-q", "-m", "second")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    snap = _snapshot(clone)
    assert snap.shallow
    assert any("shallow" in w for w in snap.warnings)
    assert set(_files(snap)) == {"main.go", "more.go"}


def test_submodules_are_not_entered(make_repo: RepoFactory) -> None:
    lib = make_repo({"lib.go": GO}, name="lib")
    root = make_repo({"main.go": GO}, name="app")
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "third/lib")
    git(root, "commit", "-q", "-m", "add submodule")
    snap = _snapshot(root)
    paths = set(_files(snap))
    assert "third/lib" not in paths
    assert not any(p.startswith("third/lib/") for p in paths)
    assert any("submodule" in w and "third/lib" in w for w in snap.warnings)


def test_not_a_repository_is_walked_with_a_warning(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    (plain / "cmd").mkdir(parents=True)
    (plain / "cmd" / "main.go").write_text(GO)
    (plain / "vendor" / "x").mkdir(parents=True)
    (plain / "vendor" / "x" / "x.go").write_text(GO)
    (plain / ".git").mkdir()  # an empty .git folder is not a repository, and is skipped
    (plain / ".git" / "junk").write_text("x")
    snap = listing.working_tree(listing.Location(root=plain, is_git=False))
    assert {f.path for f in snap.files} == {"cmd/main.go"}
    assert snap.head is None and not snap.is_git
    assert all(f.blob is None for f in snap.files)
    assert snap.warnings
    with_vendor = listing.working_tree(
        listing.Location(root=plain, is_git=False), include_vendor=True
    )
    assert "vendor/x/x.go" in {f.path for f in with_vendor.files}


def test_locate_plain_directory(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    loc = listing.locate(plain)
    assert not loc.is_git
    assert loc.root == plain.resolve()


def test_empty_repository_without_commits(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": GO}, commit=False)
    snap = _snapshot(root)
    assert snap.head is None
    assert snap.branch == "main"
    assert _files(snap)["main.go"].blob is None
    assert any("no commits" in w for w in snap.warnings)


def test_bare_repository_is_a_clear_error(tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    with pytest.raises(RepoError, match="bare repository"):
        listing.locate(bare)


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RepoError, match="no such file"):
        listing.locate(tmp_path / "nope")


# --------------------------------------------------------------------------- contents


def _read(root: Path, path: str, **kw: int) -> bytes | repo.Skip:
    snap = _snapshot(root)
    reader = repo.FileReader(snap, **kw)
    return reader.read(_files(snap)[path])


def test_binary_file_is_skipped(make_repo: RepoFactory) -> None:
    root = make_repo({"logo.go": b"package x\x00\x01\x02"})
    result = _read(root, "logo.go")
    assert isinstance(result, repo.Skip) and "binary" in result.reason


def test_oversize_file_is_skipped(make_repo: RepoFactory) -> None:
    root = make_repo({"big.go": "package x\n" + "// x\n" * 100})
    result = _read(root, "big.go", max_file_size=64)
    assert isinstance(result, repo.Skip) and "size cap" in result.reason
    assert _read(root, "big.go") == (root / "big.go").read_bytes()


def test_lfs_pointer_is_skipped(make_repo: RepoFactory) -> None:
    pointer = (
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
        "size 12345\n"
    )
    root = make_repo({"assets/model.go": pointer})
    result = _read(root, "assets/model.go")
    assert isinstance(result, repo.Skip) and "LFS" in result.reason


def test_symlink_outside_the_repository_is_never_followed(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.go"
    secret.write_text("package secret\n")
    root = make_repo({"main.go": GO})
    (root / "link.go").symlink_to(secret)
    (root / "inside.go").symlink_to(root / "main.go")
    git(root, "add", "link.go", "inside.go")
    git(root, "commit", "-q", "-m", "links")
    snap = _snapshot(root)
    files = _files(snap)
    reader = repo.FileReader(snap)
    outside = reader.read(files["link.go"])
    assert isinstance(outside, repo.Skip) and "outside the repository" in outside.reason
    inside = reader.read(files["inside.go"])
    assert isinstance(inside, repo.Skip) and "symlink" in inside.reason


def test_untracked_symlink_is_not_read(make_repo: RepoFactory, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    root = make_repo({"main.go": GO})
    (root / "Dockerfile").symlink_to(secret)
    snap = _snapshot(root)
    result = repo.FileReader(snap).read(_files(snap)["Dockerfile"])
    assert isinstance(result, repo.Skip) and "symlink" in result.reason


def test_unreadable_file_is_reported(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": GO, "secret.go": GO})
    target = root / "secret.go"
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):
            pytest.skip("running with privileges that read mode-000 files")
        result = _read(root, "secret.go")
        assert isinstance(result, repo.Skip) and "permission denied" in result.reason
    finally:
        target.chmod(0o644)


def test_fifo_does_not_hang(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": GO})
    os.mkfifo(root / "pipe.go")
    snap = listing.working_tree(listing.Location(root=root, is_git=False))
    assert "pipe.go" not in _files(snap)  # the directory walk lists regular files only
    result = repo.FileReader(snap).read(listing.RepoFile("pipe.go", None))
    assert isinstance(result, repo.Skip) and "regular" in result.reason


def test_permission_denied_is_reported_even_with_privileges(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"main.go": GO})
    real_open = os.open

    def deny(path: str, flags: int, *args: int) -> int:
        if str(path).endswith("main.go"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(repo.os, "open", deny)
    result = _read(root, "main.go")
    assert isinstance(result, repo.Skip) and "permission denied" in result.reason


# --------------------------------------------------------------------------- commit trees


def test_commit_tree_ignores_the_working_tree(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": GO, "old.go": GO})
    first = git(root, "rev-parse", "HEAD")
    (root / "main.go").write_text(GO + "// edited, not committed\n")
    (root / "untracked.go").write_text(GO)
    (root / "old.go").unlink()
    loc = listing.locate(root)
    snap = listing.commit_tree(loc, "HEAD")
    files = _files(snap)
    assert set(files) == {"main.go", "old.go"}
    assert snap.head == first and snap.commit == first and not snap.dirty
    with repo.FileReader(snap) as reader:
        assert reader.read(files["main.go"]) == GO.encode()
        assert reader.read(files["old.go"]) == GO.encode()
    assert files["main.go"].blob == worktree.blob_sha(GO.encode())


def test_commit_tree_size_cap_and_unknown_commit(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": GO})
    loc = listing.locate(root)
    snap = listing.commit_tree(loc, "HEAD")
    reader = repo.FileReader(snap, max_file_size=5)
    result = reader.read(_files(snap)["main.go"])
    assert isinstance(result, repo.Skip) and "size cap" in result.reason
    with pytest.raises(RepoError, match="not a commit"):
        listing.commit_tree(loc, "no-such-branch")


def test_blob_sha_matches_git_hash_object(tmp_path: Path) -> None:
    data = b"hello\nworld\n"
    (tmp_path / "f").write_bytes(data)
    expected = subprocess.run(
        ["git", "hash-object", str(tmp_path / "f")], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert worktree.blob_sha(data) == expected
