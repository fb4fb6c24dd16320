"""The scan's modules are imported while git lists the tree when the memo will likely miss:
a guess that changes when the imports happen, never what is printed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git
from tests.core.scan.test_memo import FILES, _facts, _hit

from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan import memo
from golive_tui.core.scan.memo import scan_json


def _commit(root: Path) -> None:
    git(root, "commit", "--allow-empty", "-qm", "another")


def _add(root: Path) -> None:
    (root / "new.txt").write_text("x\n")
    git(root, "add", "new.txt")


def _edit(root: Path) -> None:
    (root / "main.go").write_text(FILES["main.go"] + "\n// edited\n")


def _forget(root: Path) -> None:
    for path in (root / ".git" / "golive" / "cache" / "reports").glob("*.memo"):
        path.unlink()


# what is done after a first scan, whether the imports are made early, whether the memo answers
CASES: dict[str, tuple[Callable[[Path], None], bool, bool]] = {
    "nothing changed": (lambda root: None, False, True),
    "memos removed": (_forget, True, False),
    "a commit": (_commit, True, False),
    "a file staged": (_add, False, False),  # guessed a hit: only HEAD's moves count
    "a file edited": (_edit, False, False),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_early_imports_follow_the_guess_and_change_nothing(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    root = make_repo(FILES)
    loads: list[int] = []
    real = memo._load_scan
    monkeypatch.setattr(memo, "_load_scan", lambda: (loads.append(1), real())[1])
    first = scan_json(root)
    assert loads == [1] and not _hit(first)  # no memo yet: a miss for sure
    change, early, answered = CASES[case]
    change(root)
    loads.clear()
    text = scan_json(root)
    assert bool(loads) is early
    assert _hit(text) is answered
    monkeypatch.setattr(memo, "_load_scan", lambda: None)
    _forget(root)
    assert _facts(text) == _facts(scan_json(root))  # the same report without early imports


def test_the_guess_compares_the_reflog_with_the_newest_memo(
    make_repo: RepoFactory,
) -> None:
    root = make_repo(FILES)
    scan_json(root)
    loc = git_listing.locate(root)
    opened = memo.Memo.open(loc, ("any options",))
    assert opened is not None and opened.likely_miss(loc)  # no memo of these options
    options = (str(loc.root), loc.shallow, (), False, False, repr(None), False)
    opened = memo.Memo.open(loc, options)
    assert opened is not None and opened.stored is not None
    past = opened.newest_mtime / 1e9 - 10
    index, reflog = root / ".git" / "index", root / ".git" / "logs" / "HEAD"
    os.utime(reflog, (past, past))
    os.utime(index, (past + 20, past + 20))  # refreshed after the memo: not a sign
    assert not opened.likely_miss(loc)
    os.utime(reflog, (past + 20, past + 20))  # HEAD moved after the memo
    assert opened.likely_miss(loc)
