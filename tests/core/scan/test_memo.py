"""The whole-report memo: a hit only when every input is unchanged, and then the same document."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory, git

import golive_tui
from golive_tui import cli
from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan import memo, memokey
from golive_tui.core.scan.cache import cache_path
from golive_tui.core.scan.memo import render, scan_json

MAIN = """package main

import (
\t"net/http"
\t"os"
\t"os/signal"
\t"syscall"
)

func main() {
\tc := make(chan os.Signal, 1)
\tsignal.Notify(c, syscall.SIGTERM)
\tsrv := &http.Server{Addr: ":8080"}
\t_ = srv.ListenAndServe()
}
"""

FILES = {
    "go.mod": "module example.com/svc\n\ngo 1.22\n",
    "main.go": MAIN,
    "Dockerfile": "FROM golang:1.22 AS build\nRUN go build -o /svc .\nFROM scratch\n"
    'COPY --from=build /svc /svc\nUSER 65532\nENTRYPOINT ["/svc"]\n',
    "README.md": "# svc\n",
    ".golive/checklists/team.toml": "# a team checklist\n",
    "vendor/example.com/lib/lib.go": "package lib\n",
}


def _hit(text: str) -> bool:
    return "memo" in json.loads(text)["stats"]["timings"]


def _facts(text: str) -> dict[str, Any]:
    """The document without what differs run to run (and between a hit and a scan)."""
    document: dict[str, Any] = json.loads(text)
    for key in ("seconds", "timings", "cache_hits", "files_read", "parsed_go_files"):
        document["stats"].pop(key)
    return document


def _memos(root: Path) -> list[Path]:
    return sorted((root / ".git" / "golive" / "cache" / "reports").glob("*.memo"))


@pytest.fixture
def repo(make_repo: RepoFactory) -> Path:
    root = make_repo(FILES)
    assert not _hit(scan_json(root))  # stores the memo
    return root


def test_unchanged_repository_is_answered_from_the_memo(repo: Path) -> None:
    warm = scan_json(repo)
    assert _hit(warm)
    cold = scan_json(repo, use_cache=False)
    assert _facts(warm) == _facts(cold)
    assert render(json.loads(warm)) == warm  # the very text json.dumps prints for it
    stats = json.loads(warm)["stats"]
    assert stats["parsed_go_files"] == 0
    assert stats["files_read"] == 0
    assert stats["cache_hits"] > 0
    assert list(stats) == list(json.loads(cold)["stats"])  # members in the contract's order


def test_a_hit_counts_what_a_warm_scan_counts(repo: Path) -> None:
    scan_json(repo, all_code=True)  # stores a memo for these options
    hit = json.loads(scan_json(repo, all_code=True))
    for path in _memos(repo):
        path.unlink()
    warm = json.loads(scan_json(repo, all_code=True))  # per-file cache only
    assert "memo" in hit["stats"]["timings"] and "memo" not in warm["stats"]["timings"]
    assert hit["stats"]["cache_hits"] == warm["stats"]["cache_hits"]


def _edit_tracked(root: Path) -> None:
    (root / "main.go").write_text(MAIN.replace("SIGTERM", "SIGINT"))


def _add_untracked(root: Path) -> None:
    (root / "server.go").write_text(
        'package main\n\nimport "net/http"\n\nvar _ = http.MaxBytesReader\n'
    )


def _config(root: Path) -> None:
    (root / ".golive" / "config.toml").write_text('[scan]\nexclude = ["Dockerfile"]\n')


def _checklist(root: Path) -> None:
    (root / ".golive" / "checklists" / "team.toml").write_text("# changed\n")


def _detector(root: Path) -> None:
    folder = root / ".golive" / "detectors"
    folder.mkdir()
    (folder / "audit.toml").write_text(
        '[[detector]]\nid = "acme.notify"\ntitle = "Notify"\nlooks_for = "signal.Notify"\n'
        'why = "w"\nremediation = "r"\nlanguage = "go"\nrule = { pattern = "signal.Notify($$$)" }\n'
    )


def _commit(root: Path) -> None:
    git(root, "commit", "-q", "--allow-empty", "-m", "another")


def _stage_a_change(root: Path) -> None:
    _edit_tracked(root)
    git(root, "add", "main.go")


def _delete(root: Path) -> None:
    (root / "Dockerfile").unlink()


def _branch(root: Path) -> None:
    git(root, "checkout", "-q", "-b", "other")


def _version(root: Path) -> None:
    golive_tui.__version__ = golive_tui.__version__ + ".post1"


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit a tracked file": _edit_tracked,
    "add an untracked file": _add_untracked,
    "stage a change": _stage_a_change,
    "delete a file": _delete,
    "new commit": _commit,
    "other branch": _branch,
    "change the config": _config,
    "change a team checklist": _checklist,
    "add a team detector": _detector,
    "another golive version": _version,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_of_an_input_is_a_miss_with_the_right_answer(
    repo: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(golive_tui, "__version__", golive_tui.__version__)  # restored after
    before = _facts(scan_json(repo))
    CHANGES[change](repo)
    after = scan_json(repo)
    assert not _hit(after)
    assert _facts(after) == _facts(scan_json(repo, use_cache=False))
    if change not in ("another golive version", "change a team checklist", "new commit"):
        assert _facts(after) != before  # the row really changes the answer
    assert _hit(scan_json(repo))  # and the new answer is remembered


def test_a_miss_lets_go_of_the_stored_document(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo read for a tree that changed since is not held through the scan that follows."""
    seen: list[tuple[bool, bool, str | None]] = []
    answer = memo.Memo.answer

    def spy(self: memo.Memo, *args: Any) -> str | None:
        held = self.stored is not None
        text = answer(self, *args)
        seen.append((held, self.stored is not None, text))
        return text

    monkeypatch.setattr(memo.Memo, "answer", spy)
    _edit_tracked(repo)
    scan_json(repo)
    # Read before the answer or not (`read_newest`: only while git has not answered), the
    # newest memo is not held after a miss.
    assert [(after, text) for _, after, text in seen] == [(False, None)]


def test_the_newest_memo_is_read_only_when_asked_or_by_its_key(repo: Path) -> None:
    """`open` finds the newest memo without reading it (a scan after an edit never needs
    it); `read_newest` reads it for a hit, and `answer` reads the key's own when it was not."""
    first = scan_json(repo)
    loc = git_listing.locate(repo)
    options = (str(loc.root), loc.shallow, (), False, False, repr(None), False)
    for read_first in (False, True):
        opened = memo.Memo.open(loc, options)
        assert opened is not None and opened.newest is not None and opened.stored is None
        if read_first:
            opened.read_newest()
            assert opened.stored is not None and opened._deps_checked == opened.stored["key"]
        text = opened.answer(git_listing.Listing(loc, refresh_index=True), 0.0, 0.0)
        assert text is not None and _facts(text) == _facts(first)
        assert opened.stored is None  # nothing held after the answer


def test_an_untracked_file_edited_in_place_is_a_miss(repo: Path) -> None:
    """Same size, same mtime: only the bytes tell, and they are hashed."""
    path = repo / "notes.go"
    path.write_text('package main\n\nimport "net/http"\n\nvar _ = http.Get\n')
    scan_json(repo)
    assert _hit(scan_json(repo))
    info = path.stat()
    path.write_text('package main\n\nimport "net/http"\n\nvar _ = http.Put\n')
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = scan_json(repo)
    assert not _hit(after)
    assert _facts(after) == _facts(scan_json(repo, use_cache=False))


@pytest.mark.parametrize(
    "options",
    [
        {"include_vendor": True},
        {"only": ["go.http.graceful_shutdown"]},
        {"all_code": True},
    ],
)
def test_other_options_are_another_memo(repo: Path, options: dict[str, Any]) -> None:
    first = scan_json(repo, **options)
    assert not _hit(first)
    assert _facts(first) == _facts(scan_json(repo, use_cache=False, **options))
    assert _hit(scan_json(repo, **options))
    assert _hit(scan_json(repo))  # the default scan's memo is still there
    assert len(_memos(repo)) == 2


def test_edited_golive_code_is_a_miss(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = memo._code_stamp

    def edited(add: Callable[..., None]) -> None:
        real(add)
        add("a detector module edited")

    monkeypatch.setattr(memo, "_code_stamp", edited)
    assert not _hit(scan_json(repo))


def test_changed_dependency_is_a_miss(repo: Path) -> None:
    payload_deps = memokey.deps()
    assert payload_deps  # the scan loaded third-party modules (PyYAML, ast-grep-py)
    assert memokey.deps_unchanged(payload_deps)
    where, size, mtime = payload_deps[0]
    assert isinstance(mtime, int)
    assert not memokey.deps_unchanged([[where, size, mtime + 1]])


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"garbage"),
        lambda p: p.write_bytes(p.read_bytes()[:-10]),
        lambda p: p.write_bytes(
            p.read_bytes()[:32] + p.read_bytes()[32:].replace(b"found", b"fouNd")
        ),
    ],
    ids=["garbage", "truncated", "report altered"],
)
def test_a_damaged_memo_is_ignored(repo: Path, damage: Callable[[Path], None]) -> None:
    (path,) = _memos(repo)
    damage(path)
    after = scan_json(repo)
    assert not _hit(after)
    assert _facts(after) == _facts(scan_json(repo, use_cache=False))


def test_a_memo_written_under_another_key_is_never_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A repository that arrives with its .git (a tarball, a shared disk) cannot plant a report."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    assert not _hit(scan_json(repo))


def test_a_memo_that_is_a_symlink_is_not_followed(repo: Path, tmp_path: Path) -> None:
    (path,) = _memos(repo)
    elsewhere = tmp_path / "planted.memo"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    assert not _hit(scan_json(repo))


def test_not_stored_when_the_scan_cache_was_unusable(make_repo: RepoFactory) -> None:
    root = make_repo(FILES)
    scan_json(root)
    for path in _memos(root):
        path.unlink()
    cache_path(root / ".git" / "golive").write_bytes(b"not marshal")
    first = json.loads(scan_json(root))
    assert any("discarded" in w for w in first["warnings"])
    assert not _memos(root)  # its warning belongs to that run only
    assert not any("discarded" in w for w in json.loads(scan_json(root))["warnings"])


def test_memo_slots_are_bounded(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "MAX_SLOTS", 2)
    for ids in (["go.http.graceful_shutdown"], ["docker.non_root_user"], ["ci.present"]):
        scan_json(repo, only=ids)
    assert len(_memos(repo)) == 2


def test_an_undone_edit_is_answered_from_the_memo(repo: Path) -> None:
    """Each tree keeps its memo: back to a tree scanned before is a hit, not a scan."""
    original = (repo / "main.go").read_text()
    before = scan_json(repo)
    _edit_tracked(repo)
    edited = scan_json(repo)
    assert not _hit(edited)
    (repo / "main.go").write_text(original)
    back = scan_json(repo)
    assert _hit(back)
    assert _facts(back) == _facts(before)
    _edit_tracked(repo)
    assert _hit(scan_json(repo))  # and the edited tree's memo is there too
    assert len(_memos(repo)) == 2


def test_a_branch_switched_back_is_answered_from_the_memo(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    _edit_tracked(repo)
    git(repo, "commit", "-qam", "feature")
    assert not _hit(scan_json(repo))
    git(repo, "checkout", "-q", "-")
    main = scan_json(repo)
    assert _hit(main)
    assert _facts(main) == _facts(scan_json(repo, use_cache=False))


def test_seventeen_trees_leave_a_bounded_number_of_memos(repo: Path) -> None:
    for number in range(memo.MAX_SLOTS + 1):
        (repo / "notes.go").write_text(f"package main\n\nvar tree = {number}\n")
        assert not _hit(scan_json(repo))
    assert len(_memos(repo)) == memo.MAX_SLOTS
    (repo / "notes.go").unlink()
    assert not _hit(scan_json(repo))  # the first tree was the least recently used: pruned


def test_the_tree_used_last_is_pruned_last(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "MAX_SLOTS", 2)
    first = _memos(repo)
    (repo / "notes.go").write_text("package main\n\nvar tree = 1\n")
    scan_json(repo)
    (repo / "notes.go").unlink()
    assert _hit(scan_json(repo))  # the first tree, used again
    (repo / "notes.go").write_text("package main\n\nvar tree = 2\n")
    scan_json(repo)
    assert len(_memos(repo)) == 2 and set(first) <= set(_memos(repo))


def test_memos_are_bounded_in_bytes(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (path,) = _memos(repo)
    monkeypatch.setattr(memo, "MAX_TOTAL_BYTES", int(path.stat().st_size * 2.5))
    for number in range(4):
        (repo / "notes.go").write_text(f"package main\n\nvar tree = {number}\n")
        scan_json(repo)
    assert len(_memos(repo)) == 2  # the newest two
    assert sum(p.stat().st_size for p in _memos(repo)) <= memo.MAX_TOTAL_BYTES


def test_not_a_repository_scans_without_a_memo(tmp_path: Path) -> None:
    (tmp_path / "main.go").write_text(MAIN)
    first = scan_json(tmp_path)
    assert not _hit(first) and not _hit(scan_json(tmp_path))


def test_cli_json_is_the_same_warm_and_cold(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scan", "-C", str(repo), "--format", "json"]) == 0
    warm = capsys.readouterr().out
    assert cli.main(["scan", "-C", str(repo), "--format", "json", "--no-cache"]) == 0
    cold = capsys.readouterr().out
    assert _hit(warm) and not _hit(cold)
    assert _facts(warm) == _facts(cold)


def test_render_prints_what_json_dumps_prints() -> None:
    document = {"a": ["é — ☃", 1, None], "b": {"c": [], "d": {}}, "stats": {"seconds": 0.5}}
    assert render(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def test_the_config_path_is_the_readers() -> None:
    from golive_tui.core.scan.config import CONFIG_PATH

    assert memo._CONFIG == CONFIG_PATH


def _edit_untracked(root: Path) -> None:
    (root / "server.go").write_text("package main\n\nvar edited = 1\n")


@pytest.mark.parametrize("edit", [_edit_tracked, _edit_untracked, _stage_a_change])
def test_a_file_edited_during_the_scan_stores_no_memo(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, edit: Callable[[Path], None]
) -> None:
    from golive_tui.core.scan import engine

    root = make_repo(FILES)
    _add_untracked(root)
    real = engine.prepared_scan

    def edited_meanwhile(*args: Any, **kwargs: Any) -> Any:
        info = args[3]
        listed = info.after_read

        def edit_then_list() -> None:
            edit(root)  # after the files were read, before the tree is listed again
            listed()

        info.after_read = edit_then_list
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "prepared_scan", edited_meanwhile)
    scan_json(root)
    assert not _memos(root)
    monkeypatch.setattr(engine, "prepared_scan", real)
    after = scan_json(root)
    assert not _hit(after)
    assert _facts(after) == _facts(scan_json(root, use_cache=False))


def _during_a_warm_scan(
    root: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable[[Path], None]
) -> list[bool]:
    """A scan whose memo misses but whose files the per-file cache serves, with `edit` made
    after the files were read; which listings it asked git for after the read (True: one)."""
    from golive_tui.core.scan import engine

    for found in _memos(root):
        found.unlink()
    real = engine.prepared_scan
    listed: list[bool] = []

    def edited_meanwhile(*args: Any, **kwargs: Any) -> Any:
        info = args[3]
        after_read = info.after_read

        def edit_then_list() -> None:
            edit(root)
            after_read()
            listed.append(bool(info.clean_reads))

        info.after_read = edit_then_list
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "prepared_scan", edited_meanwhile)
    scan_json(root)
    monkeypatch.setattr(engine, "prepared_scan", real)
    return listed


def test_a_warm_scan_that_read_no_clean_file_keeps_its_memo_without_listing_again(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every clean file's part came from the cache by the blob git listed: a file edited
    after the read changes nothing in this report, which is stored under the tree it read,
    and the next scan, of the edited tree, misses it and sees the edit."""
    root = make_repo(FILES)
    scan_json(root)  # fills the per-file cache
    assert _during_a_warm_scan(root, monkeypatch, _edit_tracked) == [False]
    assert len(_memos(root)) == 1
    after = scan_json(root)
    assert not _hit(after)
    assert _facts(after) == _facts(scan_json(root, use_cache=False))


def test_a_changed_file_edited_again_during_a_warm_scan_stores_no_memo(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A modified file is read for its bytes whatever the cache holds: edited again after
    the read, its bytes no longer make the key, and nothing is stored."""
    root = make_repo(FILES)
    _edit_tracked(root)
    scan_json(root)

    def again(where: Path) -> None:
        (where / "main.go").write_text(MAIN.replace("SIGTERM", "SIGHUP"))

    assert _during_a_warm_scan(root, monkeypatch, again) == [False]
    assert not _memos(root)
    after = scan_json(root)
    assert not _hit(after)
    assert _facts(after) == _facts(scan_json(root, use_cache=False))


def test_a_scan_that_read_a_clean_file_lists_the_tree_again(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read from the working tree under the blob git listed, a clean file edited meanwhile
    would be cached and memoised under the wrong name: the tree is listed again."""
    root = make_repo(FILES)
    assert _during_a_warm_scan(root, monkeypatch, lambda where: None) == [True]  # cold
    assert len(_memos(root)) == 1
