"""`golive scan` keeps git's untracked cache in the index unless git config says otherwise,
and every change of the untracked files still reaches the scan and the memo key."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.scan.engine import scan
from golive_tui.core.scan.memo import render, scan_json

FILES = {
    "go.mod": "module example.com/x\n\ngo 1.22\n",
    "main.go": "package main\n\nfunc main() {}\n",
    "internal/store/store.go": "package store\n",
    "vendor/example.com/lib/lib.go": "package lib\n",
    ".gitignore": "*.gen.go\n",
}
#: An mtime well before the index was written: git's racy-timestamp rule would otherwise make
#: it look at every folder again on each run, and the cache would never be what answers.
PAST = 1_600_000_000


def _has_untracked_cache(root: Path) -> bool:
    return b"UNTR" in (root / ".git" / "index").read_bytes()


def _age_folders(root: Path) -> None:
    for folder, names, _ in os.walk(root):
        if ".git" in names:
            names.remove(".git")
        os.utime(folder, (PAST, PAST))


def _hit(text: str) -> bool:
    return "memo" in json.loads(text)["stats"]["timings"]


def _facts(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    for key in ("seconds", "timings", "cache_hits", "files_read", "parsed_go_files"):
        document["stats"].pop(key)
    return document


def _reference(root: Path) -> dict[str, Any]:
    """The walker's scan: `git status` without the untracked cache, vendor/ left out by git."""
    return _facts(render(scan(root).to_json()))


@pytest.fixture
def repo(make_repo: RepoFactory) -> Path:
    root = make_repo(FILES)
    _age_folders(root)
    scan_json(root)  # writes the cache
    assert _has_untracked_cache(root)
    scan_json(root)  # stores the memo of a tree listed through the cache
    assert _hit(scan_json(root))
    return root


def _new_file(root: Path) -> None:
    (root / "extra.go").write_text("package main\n\nvar extra = 1\n")


def _new_folder(root: Path) -> None:
    (root / "cmd" / "tool").mkdir(parents=True)
    (root / "cmd" / "tool" / "main.go").write_text("package main\n\nfunc main() {}\n")


def _in_a_listed_folder(root: Path) -> None:
    (root / "internal" / "store" / "cache.go").write_text("package store\n\nvar c = 1\n")


def _unignored(root: Path) -> None:
    (root / "internal" / "store" / "schema.gen.go").write_text("package store\n")
    _age_folders(root)
    assert _hit(scan_json(root))  # an ignored file is no input of the scan
    (root / ".gitignore").write_text("# nothing ignored\n")


CHANGES: dict[str, Callable[[Path], None]] = {
    "a new untracked file": _new_file,
    "a file in a new folder": _new_folder,
    "a new file in a folder the cache listed": _in_a_listed_folder,
    "an ignored file no longer ignored": _unignored,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_changes_of_untracked_files_reach_the_scan(repo: Path, change: str) -> None:
    before = _facts(scan_json(repo))
    files = before["stats"]["go_files"]
    CHANGES[change](repo)
    after = scan_json(repo)
    assert not _hit(after)
    assert _facts(after) == _reference(repo)
    assert _facts(after)["stats"]["go_files"] != files
    assert _has_untracked_cache(repo)


def test_an_untracked_file_deleted_reaches_the_scan(make_repo: RepoFactory) -> None:
    root = make_repo(FILES)
    _in_a_listed_folder(root)  # untracked from the start: no memo of the tree without it
    _age_folders(root)
    scan_json(root)
    scan_json(root)
    files = _facts(scan_json(root))["stats"]["go_files"]
    (root / "internal" / "store" / "cache.go").unlink()
    after = scan_json(root)
    assert not _hit(after)
    assert _facts(after) == _reference(root)
    assert _facts(after)["stats"]["go_files"] == files - 1


def test_back_to_a_tree_seen_before_is_its_memo(repo: Path) -> None:
    before = _facts(scan_json(repo))
    _in_a_listed_folder(repo)
    assert not _hit(scan_json(repo))
    (repo / "internal" / "store" / "cache.go").unlink()
    back = scan_json(repo)
    assert _hit(back) and _facts(back) == before == _reference(repo)


def test_vendor_changes_stay_out_of_the_scan(repo: Path) -> None:
    """The cached `git status` lists vendor/ too (no pathspec): the listing drops it."""
    (repo / "vendor" / "example.com" / "lib" / "lib.go").write_text("package lib\n\nvar v = 1\n")
    (repo / "vendor" / "example.com" / "new").mkdir()
    (repo / "vendor" / "example.com" / "new" / "new.go").write_text("package new\n")
    after = _facts(scan_json(repo))
    assert after == _reference(repo)
    assert after["repo"]["dirty"] is False


@pytest.mark.parametrize("value", ["false", "true", "keep"])
def test_a_configured_untracked_cache_is_left_as_it_is(make_repo: RepoFactory, value: str) -> None:
    root = make_repo(FILES)
    git(root, "config", "core.untrackedCache", value)
    scan_json(root)
    scan_json(root)
    # false: none; true: git's own (for its configured mode, not the scan's); keep: none added
    assert _has_untracked_cache(root) == (value == "true")


def test_an_explicit_false_removes_the_cache(repo: Path) -> None:
    git(repo, "config", "core.untrackedCache", "false")
    scan_json(repo)
    assert not _has_untracked_cache(repo)


def test_the_users_own_setting_is_respected(make_repo: RepoFactory) -> None:
    root = make_repo(FILES)
    git(root, "config", "--global", "core.untrackedCache", "keep")
    scan_json(root)
    assert not _has_untracked_cache(root)


def test_without_optional_locks_nothing_is_written(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(FILES)
    monkeypatch.setenv("GIT_OPTIONAL_LOCKS", "0")
    scan_json(root)
    assert not _has_untracked_cache(root)


def test_other_scans_never_add_the_cache(make_repo: RepoFactory) -> None:
    root = make_repo(FILES)
    scan(root)
    assert not _has_untracked_cache(root)


@pytest.mark.parametrize(("cores", "preload"), [({0, 1}, False), ({0, 1, 2, 3}, True)])
def test_the_status_keeps_git_off_the_second_core_on_two(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, cores: set[int], preload: bool
) -> None:
    """On two processors git's index preload (a thread per core) is off for the scan's
    status; with more it is git's own choice. The listing is the same either way."""
    from golive_tui.core.git import listing

    root = make_repo(FILES)
    started: list[tuple[list[str], list[tuple[str, str]]]] = []
    real = listing.start

    def start(where: Path, args: list[str], **kwargs: Any) -> Any:
        started.append((args, list(kwargs.get("config", ()))))
        return real(where, args, **kwargs)

    monkeypatch.setattr(listing, "start", start)
    monkeypatch.setattr(listing.os, "sched_getaffinity", lambda pid: cores)
    loc = listing.locate(root)
    snapshot = listing.Listing(loc, refresh_index=True).snapshot()
    status = [config for args, config in started if "status" in args]
    assert status and (("core.preloadIndex", "false") not in status[0]) is preload
    assert snapshot == listing.Listing(loc).snapshot()
