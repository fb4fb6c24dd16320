"""Service discovery hands its read of each Go file to the scan: the same services, the same
scope and the same scan report as when every file is read twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan import buildtags
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.config import Config, Scope
from golive_tui.core.scan.detectors.go.imports import build_ignored
from golive_tui.core.scan.engine import scan
from golive_tui.core.scan.reader import FileReader, Skip
from golive_tui.core.services.discover import discover_in
from golive_tui.core.services.packages import file_facts
from golive_tui.core.services.scope import scan_scope

MAIN = 'package main\n\nimport (\n\t"net/http"\n\n\t"{mod}/internal/db"\n)\n\n' + (
    'func main() {{ http.Get("x"); db.Open() }}\n'
)
DB = "package db\n\nfunc Open() {}\n"
GOMOD = "module {mod}\n\ngo 1.22\n"

REPOS: dict[str, dict[str, str | bytes]] = {
    "one service": {
        "go.mod": GOMOD.format(mod="example.com/one"),
        "main.go": MAIN.format(mod="example.com/one"),
        "internal/db/db.go": DB,
        "internal/unused/u.go": "package unused\n",
    },
    "several mains": {
        "go.mod": GOMOD.format(mod="example.com/shop"),
        "cmd/orders/main.go": MAIN.format(mod="example.com/shop"),
        "cmd/billing/main.go": MAIN.format(mod="example.com/shop"),
        "tools/gen/main.go": "package main\n\nfunc main() {}\n",
        "internal/db/db.go": DB,
        "Makefile": "build:\n\tgo build ./cmd/orders ./cmd/billing\n",
    },
    "a service with a Dockerfile": {
        "go.mod": GOMOD.format(mod="example.com/api"),
        "cmd/api/main.go": MAIN.format(mod="example.com/api"),
        "cmd/debug/main.go": "package main\n\nfunc main() {}\n",
        "internal/db/db.go": DB,
        "Dockerfile": "FROM golang:1.22\nCOPY . .\nRUN go build -o /api ./cmd/api\n",
    },
    "vendor": {
        "go.mod": GOMOD.format(mod="example.com/v"),
        "main.go": MAIN.format(mod="example.com/v"),
        "internal/db/db.go": DB,
        "vendor/github.com/x/y/y.go": "package y\n\nfunc Y() {}\n",
        "vendor/modules.txt": "# github.com/x/y v1.0.0\n",
    },
    "build tags": {
        "go.mod": GOMOD.format(mod="example.com/t"),
        "cmd/a/main.go": MAIN.format(mod="example.com/t"),
        "cmd/b/main.go": MAIN.format(mod="example.com/t"),
        "internal/db/db.go": DB,
        "internal/db/db_windows.go": 'package db\n\nimport "example.com/t/internal/win"\n',
        "internal/db/tagged.go": "//go:build linux && !cgo\n\npackage db\n",
        "internal/db/gen.go": "// +build ignore\n\npackage main\n\nfunc main() {}\n",
        "internal/win/w.go": "package win\n",
        "tools/x_windows.go": "package tools\n",
        "deploy/a.yaml": "image: example.com/a\ncommand: [a]\n",
        "Dockerfile": "FROM golang\nRUN go build -o /a ./cmd/a && go build -o /b ./cmd/b\n",
        "not_utf8.go": b"package main\n// \xff\xfe\n",
    },
}


def _no_keep(self: FileReader, file: git_listing.RepoFile, data: bytes | Skip) -> None:
    """A reader that never hands a read over: every file read twice, as before."""


def _scope_json(root: Path, share: bool) -> object:
    loc = git_listing.locate(root)
    snapshot = git_listing.working_tree(loc)
    config = Config()
    read = Scope.of(config.scan)
    with FileReader(snapshot) as reader:
        scope = scan_scope(
            snapshot, reader, ScanCache(None), config, None, read.readable if share else None
        )
        discovery = discover_in(snapshot, reader, ScanCache(None), config)
    services = [(s.name, s.main, s.dockerfiles, s.links) for s in discovery.services.services]
    return (scope.to_json() if scope else None, services, sorted(discovery.index.files))


def _report(root: Path) -> dict[str, object]:
    data: dict[str, Any] = json.loads(json.dumps(scan(root, use_cache=False).to_json()))
    for volatile in ("seconds", "timings", "files_read"):
        data["stats"].pop(volatile, None)
    return data


@pytest.mark.parametrize("case", sorted(REPOS))
def test_shared_read_gives_the_same_scope_and_report(
    case: str, make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(REPOS[case])
    shared_scope = _scope_json(root, share=True)
    shared_report = _report(root)
    monkeypatch.setattr(FileReader, "keep", _no_keep)
    assert _scope_json(root, share=False) == shared_scope
    assert _report(root) == shared_report


def test_a_kept_read_is_answered_once_then_read_afresh(make_repo: RepoFactory) -> None:
    root = make_repo({"a.go": "package a\n"})
    snapshot = git_listing.working_tree(git_listing.locate(root))
    (f,) = snapshot.files
    with FileReader(snapshot) as reader:
        reader.keep(f, b"package kept\n")
        assert reader.kept(f) == b"package kept\n"
        assert reader.read(f) == b"package kept\n"
        assert reader.kept(f) is None
        assert reader.read(f) == b"package a\n"
        reader.keep(f, Skip("too big"))
        reader.forget(lambda p: p != "a.go")
        assert reader.read(f) == b"package a\n"


def test_discovery_keeps_only_what_the_scan_reads(make_repo: RepoFactory) -> None:
    root = make_repo(REPOS["several mains"])
    snapshot = git_listing.working_tree(git_listing.locate(root))
    by_path = {f.path: f for f in snapshot.files}
    with FileReader(snapshot) as reader:
        discover_in(snapshot, reader, ScanCache(None), Config(), lambda p: p.startswith("cmd/"))
        assert (
            reader.kept(by_path["cmd/orders/main.go"])
            == MAIN.format(mod="example.com/shop").encode()
        )
        assert reader.kept(by_path["internal/db/db.go"]) is None
        assert reader.kept(by_path["go.mod"]) is None


HEADERS = [
    "package a\n",
    "//go:build linux\n\npackage a\n",
    "// +build ignore\n\npackage a\n",
    "//go:build ignore\n\npackage a\n",
    "/* a build\n*/\n//go:build !windows\npackage a\n",
    "// " + "x" * buildtags.HEAD_BYTES + "\n//go:build ignore\n\npackage a\n",
    "// long license\n" * 700 + "//go:build ignore\npackage a\n",
    "package a\n\nfunc build() {}\n" + "// pad\n" * 2000,
    "\ufeff//go:build ignore\npackage a\n",
    "// é" * 3000 + "\n// +build linux\npackage a\n",
]


@pytest.mark.parametrize("text", HEADERS)
def test_file_facts_read_constraints_as_the_full_readers_do(text: str) -> None:
    facts = file_facts(text)
    assert facts["ignored"] == build_ignored(text)
    assert facts["constraint"] == buildtags.constraint(text[: buildtags.HEAD_BYTES].encode("utf-8"))
