"""core/git/listing: locating the repository and the file lists (with blob SHAs) a scan sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

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


def test_a_collected_listing_holds_git_output_once(make_repo: RepoFactory) -> None:
    """Once read, git's processes (and the output chunks they keep) are let go; the listing
    answers from the bytes it kept."""
    import subprocess

    root = make_repo({"main.go": GO, "util.go": GO.replace("main()", "util()")})
    started = listing.Listing(listing.locate(root))
    assert any(
        isinstance(v, tuple) and v and isinstance(v[0], subprocess.Popen)
        for v in vars(started).values()
    )
    raw = started.raw()
    held = [v for v in vars(started).values() if isinstance(v, tuple)]
    assert not any(isinstance(part, subprocess.Popen) for value in held for part in value)
    assert started.raw() is raw
    files = _files(started.snapshot())
    assert set(files) == {"main.go", "util.go"}
    assert files["main.go"].mode is files["util.go"].mode  # one int object per mode


def test_a_branch_behind_its_upstream_is_listed_without_counting(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    """git is never asked how far the branch is from its upstream (a walk of the history
    between them that golive never reads); HEAD, the branch and the files are as git has them,
    for the scan's listing and for the tree state a record is checked against."""
    upstream = make_repo({"main.go": "package main\n"})
    for n in range(3):
        (upstream / "main.go").write_text(f"package main\n\n// {n}\n")
        git(upstream, "commit", "-qam", f"c{n}")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    git(clone, "reset", "-q", "--hard", "HEAD~3")  # three commits behind origin's branch
    loc = listing.locate(clone)
    status_raw, _ = listing.Listing(loc, refresh_index=True).raw()
    assert b"# branch.upstream " in status_raw and b"# branch.ab +? -?" in status_raw
    snapshot = listing.Listing(loc, refresh_index=True).snapshot()
    assert snapshot.head == git(clone, "rev-parse", "HEAD") and snapshot.branch is not None
    assert [f.path for f in snapshot.files] == ["main.go"]
    state = worktree.tree_state(clone)
    assert state is not None and state.head == snapshot.head


def test_a_command_opening_locates_its_folder_once(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within `remembering_roots` the folder (or the root it was found in) is located once,
    and the state folder comes from that answer; outside it, git is asked each time."""
    from golive_tui.core.git import listing, release

    root = make_repo({"sub/main.go": "package main\n"})
    asked: list[str] = []
    start, ask = listing.start, release._git
    monkeypatch.setattr(listing, "start", lambda *a, **k: asked.append("locate") or start(*a, **k))
    monkeypatch.setattr(release, "_git", lambda *a: asked.append("common") or ask(*a))
    expected = release.state_dir(root)
    asked.clear()
    with listing.remembering_roots():
        assert listing.worktree_root(root / "sub") == root
        assert listing.worktree_root(root / "sub") == root
        assert listing.worktree_root(root) == root
        with listing.remembering_roots():  # nested: the same memory
            assert listing.worktree_root(root) == root
        assert release.state_dir(root) == expected
    assert asked == ["locate"]
    asked.clear()
    assert listing.worktree_root(root) == root
    assert release.state_dir(root) == expected
    assert asked == ["locate", "common"]  # nothing remembered after the opening


def test_remembering_roots_keeps_no_refusal(make_repo: RepoFactory, tmp_path: Path) -> None:
    """A folder that was not in a repository is asked again (it may be one by then)."""
    from golive_tui.core.errors import RepoError
    from golive_tui.core.git import listing

    plain = tmp_path / "plain"
    plain.mkdir()
    with listing.remembering_roots():
        with pytest.raises(RepoError, match="not inside a git repository"):
            listing.worktree_root(plain)
        git(plain, "init", "-q")
        assert listing.worktree_root(plain) == plain.resolve()


def test_a_folders_answer_stands_for_its_root_only_when_git_finds_the_same_repository_there(
    make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_root_alike`: a sub-folder of a repository, of a linked worktree (`.git` is a file)
    and the root itself answer for the root; a nested repository whose core.worktree names
    the outer folder does not (git in that folder finds the outer repository), nor anything
    while GIT_DIR is set."""
    root = make_repo({"sub/main.go": "package main\n"})
    linked = tmp_path / "linked"
    git(root, "worktree", "add", "-q", str(linked))
    inner = root / "inner"
    inner.mkdir()
    git(inner, "init", "-q")
    git(inner, "config", "core.worktree", "../..")
    cases = {root / "sub": True, root: True, linked / "sub": True, inner: False}
    for where, alike in cases.items():
        loc = listing.locate(where)
        assert loc.root == (linked if "linked" in str(where) else root)
        assert listing._root_alike(where.resolve(), loc) is alike, where
    with listing.remembering_roots():
        listing.locate(inner)
        assert listing.remembered(root) is None  # not the inner repository's answer
        assert listing.locate(root).git_dir == root / ".git"
    monkeypatch.setenv("GIT_DIR", str(root / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(root))
    loc = listing.locate(root / "sub")
    assert loc.root == root and not listing._root_alike((root / "sub").resolve(), loc)


def test_nothing_is_remembered_after_an_opening_that_failed(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "a\n"})
    with pytest.raises(RuntimeError), listing.remembering_roots():
        listing.worktree_root(root)
        raise RuntimeError("the opening failed")
    assert listing.remembered(root) is None
