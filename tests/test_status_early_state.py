"""`golive status` and `golive mark` start the working tree's state as they open, so git's
status runs while the checklists load; once it has exited, the services are found from a
listing the scan then takes (the tree listed once). The state is still taken before that
listing, it is only ever older than what the scan sees (signing then refuses a tree that
moved), it is taken once, and an opening that fails stops it."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any

import pytest

from golive_tui import cli
from golive_tui.commands import demo
from golive_tui.commands.status import add_arguments, open_session
from golive_tui.core.git import listing as git_listing
from golive_tui.core.git import worktree
from golive_tui.core.reviewed import reviewed_scan, tree_now
from golive_tui.core.services import choice, once
from tests.conftest import RepoFactory
from tests.core.services.test_services import MONOREPO


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return demo.prepare(tmp_path)


def _args(repo: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args([str(repo), *extra])


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What happens, in order: the state's git started and read, the scan's listing started."""
    events: list[str] = []
    start, finish = worktree.PendingState.start.__func__, worktree.PendingState.finish  # type: ignore[attr-defined]
    listing_init = git_listing.Listing.__init__

    def started(cls: Any, root: Path) -> Any:
        events.append("state started")
        return start(cls, root)

    def finished(self: Any, *exclude: str, **kwargs: Any) -> Any:
        events.append("state read")
        return finish(self, *exclude, **kwargs)

    def listed(self: Any, *args: Any, **kwargs: Any) -> None:
        # A listing without the untracked walk only checks a result before it is remembered.
        events.append("tree listed" if kwargs.get("untracked", True) else "tree checked")
        listing_init(self, *args, **kwargs)

    monkeypatch.setattr(worktree.PendingState, "start", classmethod(started))
    monkeypatch.setattr(worktree.PendingState, "finish", finished)
    monkeypatch.setattr(git_listing.Listing, "__init__", listed)
    return events


def test_the_state_starts_before_the_opening_and_is_read_before_the_scan_lists(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _recording(monkeypatch)
    with once.one_view():  # as every command runs (cli.py)
        session = open_session(_args(repo), "status", scans=True)
        assert events[0] == "state started"  # before the services' listing
        state, listing = session.early_state, once.listed.get(repo.resolve())
        assert state is not None and isinstance(listing, git_listing.Listing)
        assert state.exited_at is not None and listing.started_at >= state.exited_at
        located: list[Path] = []
        real_locate = git_listing._locate
        monkeypatch.setattr(
            git_listing, "_locate", lambda where: located.append(where) or real_locate(where)
        )
        scanned = session.scan()
        assert located == []  # the listing's own location: git is not asked where it is again
        assert session.early_state is None and not once.listed  # taken once
    assert events.count("tree listed") == 1  # the services' listing served the scan
    assert "state started" not in events[1:]  # the scan took it, it did not take another
    assert scanned.state == tree_now(repo)


@pytest.mark.parametrize("listed_first", [True, False], ids=["before-state", "after-state"])
def test_a_listing_started_before_the_state_was_taken_is_not_used(
    repo: Path, monkeypatch: pytest.MonkeyPatch, listed_first: bool
) -> None:
    """A listing from before the state's git had exited could show an older tree than the
    state: the scan lists the tree itself then, so its report is never older than the state
    that is signed with it."""
    events = _recording(monkeypatch)
    with once.one_view():  # a command's, whose services were found from that listing
        early = worktree.PendingState.start(repo)
        assert early is not None
        loc = git_listing.locate(repo)
        listing = git_listing.Listing(loc) if listed_first else None
        early.wait()
        once.keep_listing(repo, listing or git_listing.Listing(loc))
        scanned = reviewed_scan(repo, pending=early)
    assert events.count("tree listed") == (2 if listed_first else 1)
    assert scanned.state == tree_now(repo)


def test_a_state_taken_early_is_older_than_the_scan_never_newer(repo: Path) -> None:
    """A file changed between the opening and the scan is not in the scan's state (nor in its
    listing, taken as the session opened): signing, which compares the state with the tree
    then, sees the tree moved."""
    session = open_session(_args(repo), "status", scans=True)
    readme = repo / "README.md"
    readme.write_text(readme.read_text() + "\nchanged after the opening\n")
    scanned = session.scan()
    later = tree_now(repo)
    assert scanned.state is not None and later is not None
    assert "README.md" in scanned.state.differs(later)


def test_without_a_scan_no_state_is_started(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events = _recording(monkeypatch)
    assert cli.main(["status", str(repo), "--no-scan"]) == 0
    assert "state started" not in events
    capsys.readouterr()


def test_an_opening_that_fails_stops_the_state(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    closed: list[int] = []
    close = worktree.PendingState.close

    def closing(self: worktree.PendingState) -> None:
        closed.append(1)
        close(self)

    monkeypatch.setattr(worktree.PendingState, "close", closing)
    assert cli.main(["status", str(repo), "--checklist", "no-such-checklist"]) == 2
    assert closed == [1]
    assert "no-such-checklist" in capsys.readouterr().err


def test_status_says_the_same_with_the_state_taken_early_or_not(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli.main(["status", str(repo), "--format", "json"]) == 0
    early = capsys.readouterr().out
    monkeypatch.setattr(worktree.PendingState, "start", classmethod(lambda cls, root: None))
    assert cli.main(["status", str(repo), "--format", "json"]) == 0
    assert capsys.readouterr().out == early


def test_mark_takes_the_state_it_started(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _recording(monkeypatch)
    assert cli.main(["mark", "ops.runbook", "done", "--path", str(repo)]) == 0
    assert events.count("state started") == 1 and events.count("state read") == 1
    assert events.index("state read") < len(events) - 1  # the scan's listing came after
    capsys.readouterr()


@pytest.mark.parametrize("in_a_view", [False, True], ids=["alone", "in-a-command"])
def test_a_services_scan_takes_the_listing_its_service_was_found_from(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, in_a_view: bool
) -> None:
    """The walker's scan process (no early state): the state is taken, then the service is
    found from a listing that, started after the state, serves the scan too. Within a
    command's view whose services were found before the state, the scan lists afresh."""
    root = make_repo(MONOREPO)
    reviewed_scan(root, service="orders")  # the memos kept: the next ones are answered
    events = _recording(monkeypatch)
    with once.one_view() if in_a_view else contextlib.nullcontext():
        if in_a_view:
            choice.services_of(root)  # found (and listed) before the state is taken
        scanned = reviewed_scan(root, service="orders")
    assert events.count("tree listed") == (2 if in_a_view else 1)
    assert scanned.state == tree_now(root)
    assert scanned.report.scope is not None
    assert [s.name for s in scanned.report.scope.services] == ["orders"]
