"""Files read ahead by a forked worker while the scan works out its service scope (ahead.py)
give exactly the report the scan gives reading them itself: on a cold cache and with
`--no-cache`, when the worker dies, when a file is modified (read by the scan, not ahead) and
when the scope leaves a file out."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory, git, write_files

from golive_tui.core.scan import ahead, cores, workers
from golive_tui.core.scan.engine import scan
from golive_tui.core.scan.report import ScanReport

WORKFLOW = (
    "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - run: go test -race ./...\n      - run: go vet ./...\n"
)
SERVICE: dict[str, str | bytes] = {
    "go.mod": "module example.com/shop\n\ngo 1.22\n",
    "cmd/orders/main.go": 'package main\n\nimport "os/signal"\n\nfunc main() { signal.Notify(nil) }\n',
    "cmd/billing/main.go": "package main\n\nfunc main() {}\n",
    "Dockerfile": "FROM golang:1.22 AS build\nCOPY . .\nRUN go build -o /orders ./cmd/orders\n"
    "FROM gcr.io/distroless/static\nCOPY --from=build /orders /orders\nUSER nonroot\n",
    "cmd/billing/Dockerfile": "FROM golang\nCOPY . .\nRUN go build .\n",
    ".golangci.yml": "linters:\n  enable:\n    - errcheck\n",
    "Makefile": "test:\n\tgo test -race ./...\n",
    "RUNBOOK.md": "# Orders runbook\n",
    **{f".github/workflows/ci{n}.yml": WORKFLOW for n in range(20)},
    **{
        f"deploy/orders{n}.yaml": "kind: Deployment\nspec:\n  containers:\n    - image: x\n"
        for n in range(6)
    },
}


def _comparable(report: ScanReport) -> dict[str, Any]:
    document = report.to_json()
    document["stats"].pop("seconds", None)
    document["stats"].pop("timings", None)
    document["root"] = document["repo"] = None  # each test repository is its own commit
    return document


def _scan(root: Path, monkeypatch: pytest.MonkeyPatch, *, forked: bool, **kwargs: Any) -> Any:
    """A scan of `root` with the worker ahead allowed or not; what it took from it."""
    taken: list[int] = []
    with monkeypatch.context() as m:
        m.setattr(cores, "idle_core", lambda *_a: forked)
        m.setattr(workers, "can_fork", lambda: forked)
        m.setattr(workers, "_worker_count", lambda: 1)  # the extraction itself stays here
        results = ahead.Ahead.results

        def counted(self: ahead.Ahead) -> Any:
            done = results(self)
            taken.append(len(done))
            return done

        m.setattr(ahead.Ahead, "results", counted)
        report = scan(root, **kwargs)
    return _comparable(report), taken


@pytest.mark.parametrize("use_cache", [True, False], ids=["cold cache", "no cache"])
def test_files_read_ahead_give_the_same_report(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, use_cache: bool
) -> None:
    root = make_repo(SERVICE)
    forked, taken = _scan(root, monkeypatch, forked=True, use_cache=use_cache)
    assert taken and taken[0] >= ahead.AHEAD_MIN  # the workflows, manifests, Dockerfiles...
    fresh = make_repo(SERVICE)
    here, none = _scan(fresh, monkeypatch, forked=False, use_cache=use_cache)
    assert none == []
    assert forked == here


def test_a_warm_scan_reads_nothing_ahead(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(SERVICE)
    scan(root)
    _, taken = _scan(root, monkeypatch, forked=True)
    assert taken == []


def test_a_worker_that_dies_costs_nothing_but_its_work(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(SERVICE)
    expected, _ = _scan(make_repo(SERVICE), monkeypatch, forked=False)
    monkeypatch.setattr(ahead, "_one", lambda *_a: os._exit(3))
    forked, taken = _scan(root, monkeypatch, forked=True)
    assert taken == [0]
    assert forked == expected


def test_modified_and_new_files_are_read_by_the_scan_not_ahead(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file git has no blob for (modified, untracked) is left to the scan, which hashes
    what it reads: the worker's answer for the committed bytes must never stand in."""
    root = make_repo(SERVICE)
    edits: dict[str, str | bytes] = {
        ".github/workflows/ci0.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: go test ./...\n",
        ".github/workflows/new.yml": WORKFLOW,
    }
    write_files(root, edits)
    forked, taken = _scan(root, monkeypatch, forked=True)
    assert taken and taken[0] >= ahead.AHEAD_MIN
    other = make_repo(SERVICE)
    write_files(other, edits)
    here, _ = _scan(other, monkeypatch, forked=False)
    assert forked == here
    race = next(d for d in forked["detectors"] if d["id"] == "ci.race")
    paths = {e["path"] for e in race["evidence"]}
    assert ".github/workflows/ci1.yml" in paths and ".github/workflows/ci0.yml" not in paths


def test_a_service_scan_drops_what_the_scope_leaves_out(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """billing's Dockerfile is read ahead, then left out by the orders service's scope."""
    from golive_tui.core.services import discover

    root = make_repo(SERVICE)
    services = discover.discover(root)
    orders = next(s for s in services.services if s.name == "orders")
    forked, _ = _scan(root, monkeypatch, forked=True, service=orders)
    here, _ = _scan(make_repo(SERVICE), monkeypatch, forked=False, service=orders)
    assert forked == here
    paths = {e["path"] for d in forked["detectors"] for e in d["evidence"]}
    assert "cmd/billing/Dockerfile" not in paths


def test_take_and_merge_keep_the_order_of_the_work() -> None:
    from golive_tui.core.git.listing import RepoFile

    a, b, c = (RepoFile(p, f"{n}" * 40) for n, p in enumerate(("a", "b", "c")))
    items: list[Any] = [(("ci",), a, None), ("go_source", "x.go", "package x"), (("ci",), c, None)]
    blobs = [a.blob, None, "f" * 40]  # c was hashed to another blob: not taken
    done: dict[Any, Any] = {(("ci",), "a", a.blob): "A", (("ci",), "c", c.blob): "C"}
    rest, found = ahead.take(items, blobs, done)
    assert rest == items[1:] and found == {0: "A"}
    assert ahead.merge(3, found, ["X", "Y"]) == ["A", "X", "Y"]
    with pytest.raises(ValueError):
        ahead.merge(3, found, ["X"])
    assert ahead.take(items, blobs, {}) == (items, {})
    del b


def test_hostile_files_read_ahead_are_read_as_the_scan_reads_them(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The worker reads through the scan's own reader: a workflow symlinked out of the
    repository is not followed, one over the size cap is not read, a YAML alias bomb is
    refused by counting, a binary file is skipped; the report is the one the scan gives
    reading them itself, and the secret outside never appears in it."""
    from tests.hostile.test_bounded import billion_laughs

    secret = tmp_path / "outside.yml"
    secret.write_text("jobs: {leak: {steps: [{run: 'echo TOPSECRET'}]}}\n")
    files: dict[str, str | bytes] = {
        **SERVICE,
        ".github/workflows/big.yml": WORKFLOW + "#" * (2 * 1024 * 1024) + "\n",
        ".github/workflows/bomb.yml": billion_laughs(),
        ".github/workflows/binary.yml": b"jobs:\x00\xff\xfe\n",
        ".golive/config.toml": "[scan]\nmax_file_size = 65536\n",
    }

    def build() -> Path:
        root = make_repo(files, commit=False)
        (root / ".github/workflows/leak.yml").symlink_to(secret)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "hostile")
        return root

    forked, taken = _scan(build(), monkeypatch, forked=True)
    assert taken and taken[0] >= ahead.AHEAD_MIN
    here, _ = _scan(build(), monkeypatch, forked=False)
    assert forked == here
    assert "TOPSECRET" not in repr(forked)
