"""The services found, remembered per tree (found.py): a hit is exactly what discovery finds,
anything discovery reads that changes is a miss, and a memo that golive did not write for this
user is never believed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory, git, write_files
from tests.core.services.test_services import MONOREPO

from golive_tui.core.services import discover, found
from golive_tui.core.services.model import ServiceMap

Counted = Callable[[], int]


def _slots(root: Path) -> list[Path]:
    return sorted((root / ".git" / "golive" / "cache" / "reports").glob("*.services"))


def fresh(root: Path) -> ServiceMap:
    """Discovery run afresh, not counted (what a hit must equal)."""
    _quiet.append(1)
    try:
        return discover.discover(root)
    finally:
        _quiet.pop()


_quiet: list[int] = []


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counted:
    """How many times discovery itself ran for found.py (a memo hit runs none)."""
    runs: list[int] = []
    real = discover.discover_listed

    def counting(*args: Any) -> ServiceMap:
        if not _quiet:
            runs.append(1)
        return real(*args)

    monkeypatch.setattr(discover, "discover_listed", counting)
    return lambda: len(runs)


@pytest.fixture
def repo(make_repo: RepoFactory, counted: Counted) -> Path:
    root = make_repo(MONOREPO)
    first = found.services_found(root)
    assert counted() == 1 and [s.name for s in first.services] == ["billing", "orders"]
    assert len(_slots(root)) == 1
    return root


def test_a_hit_is_what_discovery_finds(repo: Path, counted: Counted) -> None:
    again = found.services_found(repo)
    assert counted() == 1  # answered from the memo
    assert again == fresh(repo)
    assert all(isinstance(s.links, tuple) for s in again.services)  # rebuilt as they were


@pytest.mark.parametrize(
    ("files", "names"),
    [
        # a new main package and a Dockerfile that builds it: a third service
        (
            {
                "cmd/worker/main.go": "package main\n\nfunc main() {}\n",
                "deploy/worker.Dockerfile": (
                    "FROM golang:1.22\nCOPY . .\nRUN go build -o /w ./cmd/worker\n"
                ),
            },
            ["billing", "orders", "worker"],
        ),
        # the team's config declares one (everything under .golive/ is in the key)
        ({".golive/config.toml": '[services.lg]\nmain = "tools/loadgen"\n'}, None),
        # an edit of a Go file's body changes no service, but is still a new tree
        ({"internal/db/db.go": "package db\n\nfunc Open() { _ = 1 }\n"}, ["billing", "orders"]),
    ],
    ids=["dockerfile", "config", "go-body"],
)
def test_a_change_discovery_reads_is_a_miss_with_the_right_answer(
    repo: Path, counted: Counted, files: dict[str, str], names: list[str] | None
) -> None:
    write_files(repo, files)
    after = found.services_found(repo)
    assert counted() == 2
    assert after == fresh(repo)
    if names is not None:
        assert [s.name for s in after.services] == names
    else:
        assert "lg" in [s.name for s in after.services]
    assert found.services_found(repo) == after and counted() == 2  # remembered in turn
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "change")
    assert found.services_found(repo) == after and counted() == 3  # the index moved: a miss


def test_a_memo_not_sealed_for_this_user_is_a_miss(
    repo: Path, counted: Counted, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Another user's secret (or a memo that arrived with the repository) never answers."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    assert found.services_found(repo) == fresh(repo)
    assert counted() == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # a flipped bit: the MAC fails
        lambda b: b[: len(b) // 2],  # cut short
        lambda b: b"",  # empty
    ],
    ids=["flipped", "cut", "empty"],
)
def test_a_damaged_memo_is_a_miss(
    repo: Path, counted: Counted, damage: Callable[[bytes], bytes]
) -> None:
    (slot,) = _slots(repo)
    slot.write_bytes(damage(slot.read_bytes()))
    assert found.services_found(repo) == fresh(repo)
    assert counted() == 2


def test_a_file_changed_while_discovery_read_is_not_remembered(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tree is listed again before a result is kept: an edit made while discovery ran
    (after git listed the tree) keeps the result out, so the next command looks afresh."""
    root = make_repo(MONOREPO)
    real = discover.discover_listed
    runs: list[int] = []

    def editing(*args: Any) -> ServiceMap:
        runs.append(1)
        result = real(*args)
        if len(runs) == 1:
            (root / "deploy" / "billing" / "Dockerfile").write_text("FROM scratch\n")
        return result

    monkeypatch.setattr(discover, "discover_listed", editing)
    first = found.services_found(root)
    assert "billing" in [s.name for s in first.services]  # what the tree held when listed
    assert _slots(root) == []
    now = found.services_found(root)
    assert len(runs) == 2 and now == fresh(root)


def test_a_folder_that_is_not_a_repository_is_found_without_a_memo(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n")
    assert found.services_found(tmp_path) == fresh(tmp_path)
    assert not (tmp_path / ".git").exists()
