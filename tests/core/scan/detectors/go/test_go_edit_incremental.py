"""An edited Go file is extracted alone and the Go family's results are put together again from
every file's cached facts: the same results as a scan from scratch, edit after edit (a comment,
a new import, a new `http.Server` literal, a file removed, a package moved), with the memos of
the tree before each edit in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.evidence import DetectorResult
from golive_tui.core.scan.engine import scan

MAIN = """package main

import (
\t"net/http"
\t"os"
\t"os/signal"
)

func main() {
\tc := make(chan os.Signal, 1)
\tsignal.Notify(c, os.Interrupt)
\tsrv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5}
\t_ = srv.ListenAndServe()
}
"""

API = """package main

import "net/http"

func routes(mux *http.ServeMux) {
\tmux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
}
"""

DB = """package store

import "database/sql"

func Get(db *sql.DB, id string) {
\trows, _ := db.Query("SELECT * FROM t WHERE id = " + id)
\t_ = rows
}
"""

FILES = {
    "go.mod": "module example.com/svc\n\ngo 1.22\n",
    "cmd/svc/main.go": MAIN,
    "cmd/svc/api.go": API,
    "internal/store/db.go": DB,
    "internal/store/db_test.go": 'package store\n\nimport "testing"\n\nfunc TestX(t *testing.T) {}\n',
    "migrations/0001_init.sql": "CREATE TABLE t (id text);\n",
    "README.md": "# svc\n",
}

SERVER = '\nfunc admin() {\n\ts := &http.Server{Addr: ":9090"}\n\t_ = s.ListenAndServe()\n}\n'


def _comment(root: Path) -> None:
    _append(root / "cmd/svc/main.go", "// a comment\n")


def _import(root: Path) -> None:
    path = root / "cmd/svc/api.go"
    text = path.read_text()
    path.write_text(
        text.replace('import "net/http"', 'import (\n\t"net/http"\n\t_ "net/http/pprof"\n)')
    )


def _server(root: Path) -> None:
    _append(root / "cmd/svc/api.go", SERVER)


def _remove(root: Path) -> None:
    (root / "internal/store/db.go").unlink()


def _new_file(root: Path) -> None:
    (root / "internal/store/rows.go").write_text(DB.replace("func Get", "func Rows"))


def _moved_package(root: Path) -> None:
    path = root / "cmd/svc/api.go"
    path.write_text(path.read_text().replace("package main", "package api", 1))


EDITS = [_comment, _import, _server, _new_file, _remove, _moved_package]


def _append(path: Path, text: str) -> None:
    with path.open("a") as out:
        out.write(text)


def _plain(results: tuple[DetectorResult, ...]) -> list[Any]:
    return [
        (
            r.id,
            r.status,
            r.summary,
            [
                (e.path, e.line, e.end_line, e.polarity, e.snippet, e.blob, e.facts)
                for e in r.evidence
            ],
        )
        for r in results
    ]


def _same_as_from_scratch(root: Path) -> None:
    cached = scan(root)
    assert cached.stats.files_read < cached.stats.files or cached.stats.files == 0
    assert _plain(cached.results) == _plain(scan(root, use_cache=False).results)
    assert _plain(scan(root).results) == _plain(cached.results)  # the memo of this tree


@pytest.mark.parametrize("commit", [False, True], ids=["uncommitted", "committed"])
def test_edit_after_edit_gives_the_results_of_a_scan_from_scratch(
    make_repo: RepoFactory, commit: bool
) -> None:
    root = make_repo(FILES)
    _same_as_from_scratch(root)
    for edit in EDITS:
        edit(root)
        if commit:
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", edit.__name__)
        _same_as_from_scratch(root)


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__)
def test_one_edit_gives_the_results_of_a_scan_from_scratch(
    make_repo: RepoFactory, edit: Any
) -> None:
    root = make_repo(FILES)
    scan(root)
    edit(root)
    _same_as_from_scratch(root)
    edited = _plain(scan(root).results)
    git(root, "stash", "-q", "--include-untracked")  # the edit undone: the tree before it
    assert _plain(scan(root).results) == _plain(scan(root, use_cache=False).results)
    git(root, "stash", "pop", "-q")
    assert _plain(scan(root).results) == edited


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per run of the Go family's own `finalize`."""
    from golive_tui.core.scan.detectors.go.extractor import GoSourceExtractor

    ran: list[int] = []
    original = GoSourceExtractor.finalize

    def counted(self: GoSourceExtractor, *args: Any) -> list[DetectorResult]:
        ran.append(1)
        return original(self, *args)

    monkeypatch.setattr(GoSourceExtractor, "finalize", counted)
    return ran


def test_the_tree_between_edits_stays_remembered(make_repo: RepoFactory, calls: list[int]) -> None:
    """Edit, scan, undo, scan, more times than the finalize memo keeps trees: the tree that
    keeps coming back is read back each time, not put together again."""
    from golive_tui.core.scan import finalmemo

    root = make_repo(FILES)
    path = root / "cmd/svc/main.go"
    expected = _plain(scan(root, use_cache=False).results)
    assert _plain(scan(root).results) == expected
    for round_ in range(finalmemo.KEEP + 2):
        _append(path, f"// edit {round_}\n")
        scan(root)
        path.write_text(MAIN)
        before = len(calls)
        assert _plain(scan(root).results) == expected
        assert len(calls) == before  # the unedited tree's results, read back


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__)
def test_a_warm_scan_after_an_edit_scan_reads_its_results_back(
    make_repo: RepoFactory, calls: list[int], edit: Any
) -> None:
    """The edit scan hands the edited file over last, a warm scan of the same tree in path
    order: the Go family's results are the same, so they are read back."""
    root = make_repo(FILES)
    scan(root)
    edit(root)
    edited = _plain(scan(root).results)
    before = len(calls)
    assert _plain(scan(root).results) == edited
    assert len(calls) == before
    assert edited == _plain(scan(root, use_cache=False).results)
