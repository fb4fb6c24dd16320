"""Discovery read by forked workers (a free core, a large repository) answers exactly as read
here, one file after another: the same package index, unread files, links, scope and cache
entries, with one worker and with two, on a cold cache and a warm one."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory, write_files

from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan import workers
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.config import Config
from golive_tui.core.scan.reader import FileReader
from golive_tui.core.services import discover, packages
from golive_tui.core.services.discover import discover_in
from golive_tui.core.services.scope import scan_scope

MAIN = 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/shop/internal/{dep}"\n)\n\nfunc main() {{ fmt.Println() }}\n'
LIB = "// Package {name}.\npackage {name}\n\nimport {imports}\n"

SHOP: dict[str, str | bytes] = {
    "go.mod": "module example.com/shop\n\ngo 1.22\n",
    "cmd/orders/main.go": MAIN.format(dep="db"),
    "cmd/billing/main.go": MAIN.format(dep="pay"),
    "cmd/admin/main.go": MAIN.format(dep="db"),
    "tools/gen/main.go": "package main\n\nfunc main() {}\n",
    "internal/db/db.go": LIB.format(name="db", imports='"database/sql"'),
    "internal/db/db_linux.go": "//go:build linux\n\npackage db\n",
    "internal/db/gen.go": "//go:build ignore\n\npackage main\n",
    "internal/pay/pay.go": LIB.format(name="pay", imports='(\n\t"example.com/shop/internal/db"\n)'),
    "internal/pay/binary.go": b"package pay\x00\n",
    "internal/pay/latin1.go": b"package pay\n// caf\xe9\n",
    "internal/unused/u.go": "package unused\n",
    "internal/notgo.go": "// no package clause\n",
    "Dockerfile": "FROM golang\nCOPY . .\nRUN go build -o /orders ./cmd/orders\n",
    "cmd/billing/Dockerfile": "FROM golang\nCOPY . .\nRUN go build .\n",
    "Makefile": "build:\n\tgo build ./cmd/admin\n\nrun:\n\tgo run ./tools/gen\n",
    "hack/release.sh": "#!/bin/sh\ngo install example.com/shop/cmd/orders\n",
    "deploy/orders.yaml": "spec:\n  containers:\n    - image: example/orders:v1\n",
    "deploy/compose.yaml": "services:\n  billing:\n    build:\n      context: ../cmd/billing\n",
    "deploy/latin1.yaml": b"# caf\xe9\nimage: example/admin\n",
    "deploy/other.yml": "kind: ConfigMap\ndata:\n  x: y\n",
    "docs/api.yaml": "paths:\n  /orders:\n    description: the image: field\n",
    ".github/workflows/ci.yml": "jobs:\n  release:\n    steps:\n      - run: make build\n",
}


def _discovered(root: Path, cache_file: Path | None, count: int, monkeypatch: Any) -> Any:
    """Everything discovery gives and stores, with `count` processes reading."""
    puts: list[tuple[str, str, str, object]] = []
    with monkeypatch.context() as m:
        m.setattr(workers, "_worker_count", lambda: count)
        m.setattr(workers, "can_fork", lambda: True)
        m.setattr(packages, "FORK_MIN_GO_FILES", 1)
        m.setattr(discover, "FORK_MIN_LINK_BYTES", 1)
        forked: list[int] = []
        parallel = workers.parallel_map

        def counted(*args: Any, **kwargs: Any) -> Any:
            forked.append(1)
            out = parallel(*args, **kwargs)
            # what a worker sends back pickles (one that does not is silently redone here)
            assert pickle.loads(pickle.dumps(out)) == out
            return out

        m.setattr(workers, "parallel_map", counted)
        snapshot = git_listing.working_tree(git_listing.locate(root))
        cache = ScanCache.load(cache_file)
        real_put = cache.put

        def put(key: str, path: str, blob: str, scan: Any) -> None:
            puts.append((key, path, blob, scan.meta))
            real_put(key, path, blob, scan)

        m.setattr(cache, "put", put)
        with FileReader(snapshot) as reader:
            found = discover_in(snapshot, reader, cache, Config())
            scope = scan_scope(snapshot, reader, ScanCache(None), Config(), None)
        cache.save()
    index = found.index
    return forked, (
        found.services,
        index.files,
        index.unread,
        index.modules,
        index.work_uses,
        scope.to_json() if scope else None,
        puts,
    )


@pytest.mark.parametrize("edited", [False, True])
def test_forked_discovery_is_the_serial_one(
    edited: bool, make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(SHOP)
    if edited:  # files git does not know as they are: hashed from the bytes read
        (root / "internal/db/db.go").write_text(LIB.format(name="db", imports='"os"'))
        (root / "internal/extra/x.go").parent.mkdir()
        (root / "internal/extra/x.go").write_text("package extra\n")
        (root / "deploy/orders.yaml").write_text("image: example/orders:v2\n")
    runs = {}
    for count in (1, 2):
        cache_file = tmp_path / f"cache-{count}"
        forked, cold = _discovered(root, cache_file, count, monkeypatch)
        assert forked == ([1] * 4 if count == 2 else [])  # Go files, then links; twice
        _, warm = _discovered(root, cache_file, count, monkeypatch)
        assert warm[:-1] == cold[:-1] and not warm[-1]  # all answered by the cache
        runs[count] = cold
        _, uncached = _discovered(root, None, count, monkeypatch)
        assert uncached[:-1] == cold[:-1]
    assert runs[2] == runs[1]
    services, files, unread, *_ = runs[1]
    assert {s.name for s in services.services} == {"orders", "billing", "admin"}
    assert unread == {
        "internal/pay/binary.go": "binary (contains NUL bytes)",
        "internal/pay/latin1.go": "not UTF-8 text",
    }
    assert "internal/db" in files


def test_discovery_stays_in_this_process_when_forking_cannot_pay(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Few files, no free core, or a threaded host: nothing forks."""
    root = make_repo(SHOP)
    snapshot = git_listing.working_tree(git_listing.locate(root))
    monkeypatch.setattr(workers, "parallel_map", lambda *a, **k: pytest.fail("forked"))
    with FileReader(snapshot) as reader:
        discover_in(snapshot, reader, ScanCache(None), Config())  # the thresholds
        monkeypatch.setattr(packages, "FORK_MIN_GO_FILES", 1)
        monkeypatch.setattr(discover, "FORK_MIN_LINK_BYTES", 1)
        monkeypatch.setattr(workers, "_worker_count", lambda: 1)
        discover_in(snapshot, reader, ScanCache(None), Config())  # no free core
        monkeypatch.setattr(workers, "_worker_count", lambda: 2)
        monkeypatch.setattr(workers, "can_fork", lambda: False)
        discover_in(snapshot, reader, ScanCache(None), Config())  # threads


def test_parallel_map_keeps_order_and_loses_nothing() -> None:
    """Results in the items' order; a worker that dies mid-chunk or raises loses nothing
    (its chunks are done here, where an item that raises raises as it would serially)."""
    parent = os.getpid()

    def square(n: int) -> tuple[int, bool]:
        if n == 7 and os.getpid() != parent:
            os._exit(3)  # a worker killed mid-chunk
        if n == 11 and os.getpid() != parent:
            raise ValueError("only in a worker")
        return n * n, os.getpid() == parent

    items = list(range(64))
    for count in (2, 3):
        out = workers.parallel_map(square, items, count)
        assert [n for n, _ in out] == [n * n for n in items]
    # every worker alive to the end: each is stopped and reaped (a worker that kept an
    # earlier one's task pipe open hung the scan here with three processes or more)
    pids = workers.parallel_map(lambda n: os.getpid(), items, 4)
    assert len(pids) == 64 and set(pids) - {parent}
    weighted = workers.parallel_map(square, items, 2, [n % 5 for n in items])
    assert [n for n, _ in weighted] == [n * n for n in items]

    def fails(n: int) -> int:
        if n == 5:
            raise KeyError(n)
        return n

    with pytest.raises(KeyError):
        workers.parallel_map(fails, items, 2)


def test_the_index_sorts_paths_as_before(make_repo: RepoFactory) -> None:
    """Go sources, go.mod files and go.work told apart by their endings: tests, vendored
    files and look-alike names are left out, as when each path's basename was compared."""
    root = make_repo(
        {
            "go.mod": "module example.com/a\n",
            "go.work": "go 1.22\n\nuse (\n\t.\n\t./b\n)\n",
            "b/go.mod": "module example.com/b\n",
            "b/b.go": "package b\n",
            "b/b_test.go": "package b\n",
            "notgo.mod": "module example.com/not\n",
            "c/xgo.mod": "module example.com/not\n",
            "vendor/x/go.mod": "module example.com/x\n",
            "vendor/x/x.go": "package x\n",
            "d/vendor/y/y.go": "package y\n",
            "main.go": "package main\n",
            "sub/go.work": "go 1.22\n",
        }
    )
    snapshot = git_listing.working_tree(git_listing.locate(root), include_vendor=True)
    with FileReader(snapshot) as reader:
        index = packages.build_index(snapshot, reader, ScanCache(None))
    assert sorted(index.modules) == [".", "b"]
    assert index.work_uses == (".", "b")
    assert {d: [f.path for f in fs] for d, fs in index.files.items()} == {
        ".": ["main.go"],
        "b": ["b/b.go"],
    }


def test_forked_discovery_of_a_plain_directory(tmp_path: Path, monkeypatch: Any) -> None:
    """Outside git (nothing hashed, nothing cached): the same answers forked and not."""
    root = tmp_path / "plain"
    write_files(root, SHOP)
    forked, two = _discovered(root, None, 2, monkeypatch)
    assert forked == [1] * 4
    assert two == _discovered(root, None, 1, monkeypatch)[1]


@pytest.mark.parametrize(
    ("manifest", "lines"),
    [
        (b"image: other\nimage: example/orders\n", [2]),
        (b"a: 1\r\n  image: nope\r\n\r\n  - image: example/orders:v1\r\nimage: orders\n", [4, 5]),
        (b"build: x\n" * 50 + b"  context: ../cmd/orders\n" + b"image: y\n" * 3, [51]),
        (b"image: nope\n\n# image: orders\nimage: orders", [4]),
        ("# caf\u00e9 image: no\nx: \u2603\nimage: orders\n".encode(), [3]),
        (b"image: a\nimage: b\n", []),
    ],
)
def test_manifest_lines_are_counted_up_to_the_lines_that_link(
    manifest: bytes, lines: list[int]
) -> None:
    """Only a key line that links is numbered: the lines before it, key lines or not, count
    as they did when every key line was counted."""
    from golive_tui.core.services import links

    orders = links.Target("cmd/orders", "example.com/shop/cmd/orders", "orders")
    found = links.manifest_links("deploy/x.yaml", manifest, links.Matcher([orders]), {})
    assert [link.line for _, link in found] == lines
    text = manifest.decode()
    for (_, link), number in zip(found, lines, strict=True):
        assert link.how.split(":", 1)[0].strip(" -") in text.splitlines()[number - 1]
