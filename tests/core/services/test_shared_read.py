"""Services over small repositories: the same services and scope however they are computed
(with or without a cache file), and the per-file facts read with the fast paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan import buildtags
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.config import Config
from golive_tui.core.scan.detectors.go.imports import build_ignored
from golive_tui.core.scan.reader import FileReader
from golive_tui.core.services.discover import discover_in
from golive_tui.core.services.facts import file_facts
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


def _scope_json(root: Path, cache_file: Path | None) -> object:
    loc = git_listing.locate(root)
    snapshot = git_listing.working_tree(loc)
    config = Config()
    with FileReader(snapshot) as reader:
        cache = ScanCache.load(cache_file)
        scope = scan_scope(snapshot, reader, cache, config, None)
        discovery = discover_in(snapshot, reader, cache, config)
    services = [(s.name, s.main, s.dockerfiles, s.links) for s in discovery.services.services]
    return (scope.to_json() if scope else None, services, sorted(discovery.index.files))


@pytest.mark.parametrize("case", sorted(REPOS))
def test_the_scope_without_a_cache_file_is_the_scope_with_one(
    case: str, make_repo: RepoFactory, tmp_path: Path
) -> None:
    """No scope key is computed without a cache file; the answer is the same (cold, then
    from the remembered key)."""
    root = make_repo(REPOS[case])
    cold = _scope_json(root, None)
    cache_file = tmp_path / f"cache-{case}"
    assert _scope_json(root, cache_file) == cold
    assert _scope_json(root, cache_file) == cold


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
    # the header read up to the package clause, or whole where that could differ
    "/* license */\n//go:build linux\npackage a\n",
    "//go:build linux\n/* doc */ package a\n",
    "// c\n\npackage a // +build x\n",
    "package a\n// +build ignore\n",
    "// +build ignore\n\n  package a\n",
    "//go:build ignore\r\n\r\npackage a\r\n",
    "// é" * 1000 + "\n//go:build ignore\npackage a\n",
    "// " + "é" * 5000 + "\n//go:build ignore\npackage a\n",
    "//go:build ignore\n/*\npackage b\n*/\npackage a\n",
    "// +build linux\n\n//go:build ignore\n;package a\n",
    "//go:build ignore\npackage\tmain\n",
    "// x\vpackage y\n//go:build ignore\npackage a\n",
    "// build notes\npackage a\n",
    "// +build !windows\n// +build ignore,linux\n\npackage a\n",
]


@pytest.mark.parametrize("text", HEADERS)
def test_file_facts_read_constraints_as_the_full_readers_do(text: str) -> None:
    facts = file_facts(text)
    assert facts["ignored"] == build_ignored(text)
    assert facts["constraint"] == buildtags.constraint(text[: buildtags.HEAD_BYTES].encode("utf-8"))


SHOP = {
    "go.mod": GOMOD.format(mod="example.com/shop"),
    "cmd/orders/main.go": MAIN.format(mod="example.com/shop"),
    "cmd/billing/main.go": MAIN.format(mod="example.com/shop"),
    "internal/db/db.go": DB,
}
COMPOSE = "services:\n  orders:\n    # caf\u00e9 \u2603\n    image: example/orders:v1\n"


@pytest.mark.parametrize(
    ("manifest", "line"),
    [
        (COMPOSE.encode(), 4),  # non-ASCII before the key line: the same line number
        (b"x: \xff\n" + COMPOSE.encode(), None),  # not UTF-8 elsewhere: links nothing
        (COMPOSE.encode().replace(b"v1", b"v\xff"), None),  # not UTF-8 on the key line
        (b"kind: Deployment\r\nspec:\r\n  - image: example/orders\r\n", 3),
        (b"image: example/orders", 1),  # no final newline
        (b"  build:\n    context: ../cmd/orders\n", 2),
        (b"description: the image: field\nimage:\n", None),
    ],
)
def test_manifest_links_over_the_bytes(
    manifest: bytes, line: int | None, make_repo: RepoFactory
) -> None:
    """Manifests are searched as bytes and only their key lines decoded: the links, their
    lines and the not-UTF-8 rule are those of the decoded text."""
    root = make_repo({**SHOP, "deploy/compose.yaml": manifest})
    snapshot = git_listing.working_tree(git_listing.locate(root))
    with FileReader(snapshot) as reader:
        found = discover_in(snapshot, reader, ScanCache(None), Config()).services
    links = [
        (link.path, link.line)
        for s in found.services
        for link in s.links
        if link.path == "deploy/compose.yaml"
    ]
    assert links == ([] if line is None else [("deploy/compose.yaml", line)])
