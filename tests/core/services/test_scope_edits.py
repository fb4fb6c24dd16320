"""The remembered service scope after an edit is the scope computed from scratch.

Each case scans a small repository (remembering its scope), edits it (in the working tree, or
committed), and compares the scope the next scan answers with one computed with no cache at
all. An edit that cannot move the scope (a body edit) keeps the remembered one without
computing it; an edit of a header, a file list, go.mod or a Dockerfile computes it afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.config import Config
from golive_tui.core.scan.reader import FileReader
from golive_tui.core.services import memo
from golive_tui.core.services import scope as scope_mod
from golive_tui.core.services.scope import ShippingScope, scan_scope

MOD = "example.com/shop"
API = (
    'package main\n\nimport (\n\t"fmt"\n\n\t"{mod}/internal/db"\n)\n\n'
    "func main() {{ fmt.Println(db.Open()) }}\n"
)
REPO: dict[str, str | bytes] = {
    "go.mod": f"module {MOD}\n\ngo 1.22\n",
    "cmd/api/main.go": API.format(mod=MOD),
    "cmd/worker/main.go": f'package main\n\nimport "{MOD}/internal/queue"\n\nfunc main() {{ queue.Run() }}\n',
    "cmd/tool/main.go": "package main\n\nfunc main() {}\n",
    "internal/db/db.go": f'package db\n\nimport "{MOD}/internal/pool"\n\nfunc Open() int {{ return pool.N }}\n',
    "internal/db/db_test.go": "package db\n",
    "internal/pool/pool.go": "package pool\n\nvar N = 1\n",
    "internal/queue/queue.go": "package queue\n\nfunc Run() {}\n",
    "internal/extra/extra.go": "package extra\n\nfunc X() {}\n",
    "Dockerfile": "FROM golang:1.22\nCOPY . .\nRUN go build -o /api ./cmd/api\n",
    "Makefile": "worker:\n\tgo build ./cmd/worker\n",
}

Edit = Callable[[Path], None]


def _write(rel: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)

    return edit


def _replace(rel: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        text = (root / rel).read_text()
        assert old in text
        (root / rel).write_text(text.replace(old, new))

    return edit


def _remove(rel: str) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).unlink()

    return edit


# name -> (edit, whether the scope stands without being computed again)
EDITS: dict[str, tuple[Edit, bool]] = {
    "body edit": (_replace("internal/db/db.go", "return pool.N", "return pool.N + 1"), True),
    "comment appended": (_replace("cmd/api/main.go", "}\n", "}\n// more\n"), True),
    "test file edited": (_write("internal/db/db_test.go", "package db\n\n// x\n"), True),
    "import added": (
        _replace("cmd/api/main.go", '"fmt"\n', f'"fmt"\n\t_ "{MOD}/internal/extra"\n'),
        False,
    ),
    "import removed": (
        _write("internal/db/db.go", "package db\n\nfunc Open() int { return 2 }\n"),
        False,
    ),
    "package renamed": (_replace("cmd/worker/main.go", "package main", "package worker"), False),
    "build tag added": (
        _replace("internal/db/db.go", "package db", "//go:build windows\n\npackage db"),
        False,
    ),
    "file added": (
        _write("internal/queue/more.go", f'package queue\n\nimport _ "{MOD}/internal/extra"\n'),
        False,
    ),
    "file removed": (_remove("internal/pool/pool.go"), False),
    "test file added": (_write("internal/extra/extra_test.go", "package extra\n"), False),
    "go.mod changed": (_write("go.mod", "module example.com/other\n\ngo 1.22\n"), False),
    "Dockerfile changed": (
        _replace("Dockerfile", "./cmd/api", "./cmd/tool"),
        False,
    ),
}


def _scope(root: Path, cache_file: Path | None) -> ShippingScope | None:
    loc = git_listing.locate(root)
    snapshot = git_listing.working_tree(loc)
    cache = ScanCache.load(cache_file)
    with FileReader(snapshot) as reader:
        found = scan_scope(snapshot, reader, cache, Config(), None)
    cache.save()
    return found


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the scope was computed (not answered from the cache)."""
    calls: list[int] = []
    real = scope_mod._scan_scope

    def counting(*args: object, **kwargs: object) -> ShippingScope | None:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scope_mod, "_scan_scope", counting)
    return calls


@pytest.mark.parametrize("committed", [False, True], ids=["working tree", "committed"])
@pytest.mark.parametrize("case", sorted(EDITS))
def test_the_scope_after_an_edit_is_the_scope_from_scratch(
    case: str, committed: bool, make_repo: RepoFactory, tmp_path: Path, computed: list[int]
) -> None:
    root = make_repo(REPO)
    cache_file = tmp_path / "cache" / "scan-main.marshal"
    before = _scope(root, cache_file)
    assert before is not None and before.packages["api"] == {
        "cmd/api",
        "internal/db",
        "internal/pool",
    }
    assert _scope(root, cache_file) == before
    assert len(computed) == 1  # the second scan answered from the cache

    edit, stands = EDITS[case]
    edit(root)
    if committed:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", case)
    after = _scope(root, cache_file)
    scratch = _scope(root, None)
    assert after == scratch
    assert (after == before) is stands
    assert len(computed) == (2 if stands else 3)  # the scratch scope is always computed
    assert _scope(root, cache_file) == scratch  # and the next scan remembers it
    assert len(computed) == (2 if stands else 3)


def test_edits_undone_and_repeated_keep_the_scope(
    make_repo: RepoFactory, tmp_path: Path, computed: list[int]
) -> None:
    """A header edit, then undone: each scope is the one from scratch; body edits in between
    never compute it."""
    root = make_repo(REPO)
    cache_file = tmp_path / "cache" / "scan-main.marshal"
    first = _scope(root, cache_file)
    main = root / "cmd/api/main.go"
    original = main.read_text()
    main.write_text(
        original.replace("internal/db", "internal/queue").replace("db.Open", "queue.Run")
    )
    moved = _scope(root, cache_file)
    assert moved == _scope(root, None) and moved != first
    main.write_text(original + "// body\n")
    assert _scope(root, cache_file) == first == _scope(root, None)
    calls = len(computed)
    for n in range(3):
        main.write_text(original + f"// edit {n}\n")
        assert _scope(root, cache_file) == first
    assert len(computed) == calls


def test_many_changed_files_store_the_blobs_again(
    make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, computed: list[int]
) -> None:
    """Past REBASE_AFTER changed files a standing scope is stored with today's blobs: the
    next scan compares nothing."""
    monkeypatch.setattr(memo, "REBASE_AFTER", 1)
    root = make_repo(REPO)
    cache_file = tmp_path / "cache" / "scan-main.marshal"
    first = _scope(root, cache_file)
    for rel in ("internal/pool/pool.go", "internal/queue/queue.go"):
        (root / rel).write_text((root / rel).read_text() + "// touched\n")
    git(root, "commit", "-q", "-am", "bodies")
    assert _scope(root, cache_file) == first
    loc = git_listing.locate(root)
    snapshot = git_listing.working_tree(loc)
    cache = ScanCache.load(cache_file)
    with FileReader(snapshot) as reader:
        now = memo.inputs(snapshot, reader, Config(), None)
        assert now is not None
        entry = cache.get(memo.KEY, "", now.slot)
    assert entry is not None and entry.meta["blobs"] == "\n".join(now.blobs)
    assert len(computed) == 1


def test_an_unreadable_go_file_is_never_remembered(
    make_repo: RepoFactory, tmp_path: Path, computed: list[int]
) -> None:
    root = make_repo(REPO)
    cache_file = tmp_path / "cache" / "scan-main.marshal"
    _scope(root, cache_file)
    big = root / "internal/extra/extra.go"
    big.unlink()
    big.symlink_to(root / "internal/queue/queue.go")  # a modified file that is now a link
    assert _scope(root, cache_file) == _scope(root, None)
    assert _scope(root, cache_file) == _scope(root, None)
    assert len(computed) == 5  # the first scan, then every one


def test_the_files_a_scope_keeps_are_its_packages_go_files_and_the_files_not_dropped() -> None:
    """`ShippingScope.kept` against the rule spelled out per path: a Go file by its folder as
    the package index names it (the root's is "."), any other file unless dropped."""
    shipping = frozenset({".", "cmd/api", "internal/db", "a/vendor/x"})
    dropped = frozenset({"cmd/worker/Dockerfile", "deploy/worker.yaml"})
    scope = ShippingScope(scope_mod.ScopeMode.SERVICES, (), {}, shipping, dropped, {})
    paths = [
        "main.go",
        "main_test.go",
        "cmd/api/main.go",
        "cmd/api/sub/x.go",
        "cmd/worker/main.go",
        "cmd/worker/Dockerfile",
        "cmd/api/Dockerfile",
        "deploy/worker.yaml",
        "deploy/api.yaml",
        "internal/db/db.go",
        "internal/db.go",
        "internal/db/db.go.txt",
        "a/vendor/x/y.go",
        "README.md",
        "go.mod",
        "x.GO",
    ]
    files = [git_listing.RepoFile(p, None) for p in paths]

    def rule(path: str) -> bool:
        if path.endswith(".go"):
            folder = path.rpartition("/")[0] or "."
            return folder in shipping
        return path not in dropped

    assert [f.path for f in scope.kept(files)] == [p for p in paths if rule(p)]
    assert [f.path for f in scope.kept(files)] == [
        "main.go",
        "main_test.go",
        "cmd/api/main.go",
        "cmd/api/Dockerfile",
        "deploy/api.yaml",
        "internal/db/db.go",
        "internal/db/db.go.txt",
        "a/vendor/x/y.go",
        "README.md",
        "go.mod",
        "x.GO",
    ]
