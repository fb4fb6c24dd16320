"""The index read in bulk (`_index_fast`) gives the snapshot the record-by-record loop gives,
and leaves every case it does not read to that loop."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.git import listing

GO = "package main\n\nfunc main() {}\n"
FILES = {
    "main.go": GO,
    "a b/with space.go": GO,
    "ünï/cödé.go": GO,
    "deep/er/x.go": GO,
    "vendor/v/v.go": GO,
    "pkg/vendor/w.go": GO,
    "myvendor/x.go": GO,  # not vendored
    "vendor.mod": "x\n",
    "README.md": "hi\n",
    "tools/run.sh": "#!/bin/sh\n",
}


def _both(root: Path, include_vendor: bool) -> tuple[listing.Snapshot, listing.Snapshot, bool]:
    """(bulk when it applies, loop) for the same git output; and whether bulk applied."""
    loc = listing.locate(root)
    status_raw, ls_raw = listing.Listing(loc, include_vendor=True).raw()
    applied = []
    real = listing._index_fast

    def spy(*args: object) -> list[listing.RepoFile] | None:
        found = real(*args)  # type: ignore[arg-type]
        applied.append(found is not None)
        return found

    original = listing._index_fast
    try:
        listing._index_fast = spy  # type: ignore[assignment]
        bulk = listing._parse_listing(loc, status_raw, ls_raw, include_vendor)
        listing._index_fast = lambda *args: None  # type: ignore[assignment]
        loop = listing._parse_listing(loc, status_raw, ls_raw, include_vendor)
    finally:
        listing._index_fast = original  # type: ignore[assignment]
    return bulk, loop, applied == [True]


def _modify(n: int) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        for i in range(n):
            (root / f"many/m{i:02}.go").write_text(GO + "// edited\n")

    return edit


def _executable(root: Path) -> None:
    (root / "tools/run.sh").chmod(0o755)
    git(root, "add", "tools/run.sh")
    git(root, "commit", "-qm", "x")


def _symlink(root: Path) -> None:
    (root / "link.go").symlink_to("main.go")
    git(root, "add", "link.go")
    git(root, "commit", "-qm", "link")
    (root / "untracked-link").symlink_to("README.md")


def _tab(root: Path) -> None:
    (root / "tab\there.go").write_text(GO)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "tab")


def _odd_bytes(root: Path) -> None:
    (root / os.fsdecode(b"latin-\xe9.go")).write_text(GO)  # not UTF-8
    (root / "new\nline.go").write_text(GO)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "odd")


def _conflict(root: Path) -> None:
    git(root, "checkout", "-qb", "other")
    (root / "main.go").write_text(GO + "// other\n")
    git(root, "commit", "-qam", "other")
    git(root, "checkout", "-q", "main")
    (root / "main.go").write_text(GO + "// mine\n")
    git(root, "commit", "-qam", "mine")
    merge = ["git", "merge", "-q", "other"]
    assert subprocess.run(merge, cwd=root, capture_output=True, check=False).returncode != 0


def _submodule(root: Path) -> None:
    lib = root.parent / f"{root.name}-lib"
    lib.mkdir()
    git(lib, "init", "-q")
    (lib / "lib.go").write_text(GO)
    git(lib, "add", "-A")
    git(lib, "commit", "-qm", "lib")
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "third/lib")
    git(root, "commit", "-qm", "sub")


CASES: dict[str, tuple[Callable[[Path], None], bool]] = {
    # name: (what is done to the repository, whether the bulk read applies)
    "clean": (lambda root: None, True),
    "one modified": (_modify(1), True),
    "many modified": (_modify(20), True),
    "untracked": (lambda root: (root / "new.go").write_text(GO), True),
    "staged only": (lambda root: (root / "main.go").write_text(GO + "// s\n"), True),
    "deleted": (lambda root: (root / "deep/er/x.go").unlink(), False),
    "executable and symlink": (lambda root: (_executable(root), _symlink(root)), True),
    "a tab in a path": (_tab, False),
    "not UTF-8 and a newline": (_odd_bytes, True),
    "merge conflict": (_conflict, False),
    "submodule": (_submodule, False),
}


def _case_repo(make_repo: RepoFactory, case: str) -> Path:
    """A repository of FILES and 20 more Go files, with `case` done to it."""
    files = dict(FILES)
    files.update({f"many/m{i:02}.go": GO for i in range(20)})
    root = make_repo(files)
    CASES[case][0](root)
    if case == "staged only":
        git(root, "add", "main.go")
    return root


@pytest.mark.parametrize("include_vendor", [False, True], ids=["no-vendor", "vendor"])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bulk_index_read_equals_the_loop(
    make_repo: RepoFactory, case: str, include_vendor: bool
) -> None:
    root = _case_repo(make_repo, case)
    applies = CASES[case][1]
    bulk, loop, applied = _both(root, include_vendor)
    assert bulk == loop
    assert bulk.files == tuple(sorted(bulk.files, key=lambda f: f.path))
    # vendored paths in git's output send the read to the loop when they are dropped
    assert applied == (applies and include_vendor)


def test_without_vendor_in_git_output_the_bulk_read_applies(make_repo: RepoFactory) -> None:
    """As the scan lists the tree (git leaves vendor/ out): the bulk read, same snapshot."""
    root = make_repo({p: t for p, t in FILES.items() if not p.startswith("myvendor/")})
    (root / "main.go").write_text(GO + "// edited\n")
    loc = listing.locate(root)
    status_raw, ls_raw = listing.Listing(loc).raw()
    assert listing._index_fast(ls_raw, {"main.go"}, set(), False) is not None
    snapshot = listing._parse_listing(loc, status_raw, ls_raw, False)
    files = {f.path: f for f in snapshot.files}
    assert "vendor.mod" in files
    assert not any(listing.is_vendored(p) for p in files)
    assert files["main.go"].blob is None and files["README.md"].blob is not None


@pytest.mark.parametrize("include_vendor", [False, True], ids=["no-vendor", "vendor"])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_the_index_read_ahead_of_status_gives_the_same_snapshot(
    make_repo: RepoFactory, case: str, include_vendor: bool
) -> None:
    """`Listing.read_index` (ls-files read while status runs), then the snapshot: the one a
    listing read all at once gives, whatever git's status then says; twice the same."""
    root = _case_repo(make_repo, case)
    loc = listing.locate(root)
    plain = listing.Listing(loc, include_vendor=include_vendor).snapshot(
        include_vendor=include_vendor
    )
    ahead = listing.Listing(loc, include_vendor=include_vendor)
    ahead.read_index()
    assert ahead.snapshot(include_vendor=include_vendor) == plain
    assert ahead.snapshot(include_vendor=include_vendor) == plain
    assert ahead.snapshot(include_vendor=not include_vendor) == listing.Listing(
        loc, include_vendor=include_vendor
    ).snapshot(include_vendor=not include_vendor)
