"""core/repo: defensive content reads (size cap, binary, LFS, symlinks, FIFOs) and commit blobs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.errors import RepoError
from golive_tui.core.git import listing, worktree
from golive_tui.core.scan import reader as repo

GO = "package main\n\nfunc main() {}\n"


def _files(snapshot: listing.Snapshot) -> dict[str, listing.RepoFile]:
    return {f.path: f for f in snapshot.files}


def _snapshot(path: Path, **kw: bool) -> listing.Snapshot:
    return listing.working_tree(listing.locate(path), **kw)


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


@pytest.mark.parametrize("size", [10, 65535, 65536, 65537, 200_000])
def test_whole_file_read_at_every_size(make_repo: RepoFactory, size: int) -> None:
    """One read ends at a short read; a file exactly one buffer long still reads whole."""
    body = ("package x\n" + "/" * size)[:size].encode()
    root = make_repo({"f.go": body})
    assert _read(root, "f.go") == body


def test_file_grown_since_its_size_was_taken_is_read_whole_or_capped(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size from fstat is a hint: a file longer than it says is read to its end, and
    skipped when that passes the cap."""
    body = b"package x\n" + b"/" * 100_000
    root = make_repo({"f.go": body})
    real = os.fstat

    def stale(fd: int) -> os.stat_result:
        st = real(fd)
        return os.stat_result((st.st_mode, *tuple(st)[1:6], 10, *tuple(st)[7:]))

    monkeypatch.setattr(repo.os, "fstat", stale)
    assert _read(root, "f.go") == body
    small = _read(root, "f.go", max_file_size=50_000)
    assert isinstance(small, repo.Skip) and "size cap" in small.reason
    tiny = _read(root, "f.go", max_file_size=1000)
    assert isinstance(tiny, repo.Skip) and "size cap" in tiny.reason


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
