"""End to end: the real `golive` console script in tmux, driven by keystrokes, checked on disk."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from golive_tui.commands import demo
from golive_tui.core.draft import DraftStore
from golive_tui.core.model import State

pytestmark = pytest.mark.e2e

GOLIVE = Path(sys.executable).with_name("golive")


def _clean_env() -> dict[str, str]:
    """The caller's environment minus what would leak into the app's terminal size or tmux.

    COLUMNS/LINES (set by other tests in the same worker) override the real terminal size.
    """
    drop = {"TMUX", "COLUMNS", "LINES"}
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("TEXTUAL")}


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    if not GOLIVE.exists():
        pytest.skip(f"the golive console script is not installed at {GOLIVE}")
    socket = tmp_path / "tmux.sock"

    def run(*args: str) -> str:
        proc = subprocess.run(
            ["tmux", "-f", "/dev/null", "-S", str(socket), *args],
            capture_output=True,
            text=True,
            env=_clean_env(),
        )
        return proc.stdout

    yield run
    run("kill-server")


def wait_for(
    tmux: Callable[..., str], text: str, *, gone: bool = False, attempts: int = 600
) -> str:
    """Poll the pane until `text` shows (or is gone); bounded: about two minutes under load."""
    screen = ""
    for _ in range(attempts):
        screen = tmux("capture-pane", "-p", "-t", "walk")
        if (text in screen) != gone:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; last screen:\n{screen}")


def test_tick_an_item_and_quit(tmux: Callable[..., str], tmp_path: Path) -> None:
    repo = demo.prepare(tmp_path)
    command = f"cd {repo} && {GOLIVE}; echo golive-exited-$?; sleep 600"
    tmux("new-session", "-d", "-s", "walk", "-x", "120", "-y", "40", command)
    # A detached session's size can follow the server's defaults: pin it so the layout is known.
    tmux("set-option", "-t", "walk", "window-size", "manual")
    tmux("resize-window", "-t", "walk", "-x", "120", "-y", "40")
    wait_for(tmux, "scanned ·")
    tmux("send-keys", "-t", "walk", "/")
    wait_for(tmux, "search items…")  # the box has focus before we type into it
    tmux("send-keys", "-t", "walk", "-l", "ops.runbook")
    wait_for(tmux, "1 item ·")
    tmux("send-keys", "-t", "walk", "Enter")
    wait_for(tmux, "│  ops.runbook", gone=True)  # box closed: the list has the keys again
    tmux("send-keys", "-t", "walk", "Space")
    # The scan looked for a runbook and found none: done on silence asks why.
    wait_for(tmux, "Done without evidence")
    tmux("send-keys", "-t", "walk", "-l", "runbooks live in the wiki")
    tmux("send-keys", "-t", "walk", "Enter")
    wait_for(tmux, "answered done")
    tmux("send-keys", "-t", "walk", "q")
    wait_for(tmux, "golive-exited-0")
    assert re.search(r"draft saved, \d+/\d+ done", tmux("capture-pane", "-p", "-t", "walk"))
    draft = DraftStore(repo).load("go-production", "unreleased")
    assert draft is not None
    assert draft.answers["ops.runbook"].state is State.DONE
    assert draft.answers["ops.runbook"].by == "Ada Tester <ada@example.com>"
    assert draft.answers["ops.runbook"].note == "runbooks live in the wiki"
    assert not DraftStore(repo).lock("go-production", "unreleased").path.exists()


def test_pick_a_service_then_walk_it(tmux: Callable[..., str], tmp_path: Path) -> None:
    from golive_tui.core.services.choice import last_service
    from tests.conftest import git

    repo = demo.prepare(tmp_path)
    (repo / "cmd/worker").mkdir(parents=True)
    (repo / "cmd/worker/main.go").write_text("package main\n\nfunc main() {}\n")
    (repo / ".golive").mkdir(exist_ok=True)
    (repo / ".golive/config.toml").write_text(
        '[services.api]\nmain = "cmd/api"\n[services.worker]\nmain = "cmd/worker"\n'
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two services")
    command = f"cd {repo} && {GOLIVE}; echo golive-exited-$?; sleep 600"
    tmux("new-session", "-d", "-s", "walk", "-x", "120", "-y", "40", command)
    tmux("set-option", "-t", "walk", "window-size", "manual")
    tmux("resize-window", "-t", "walk", "-x", "120", "-y", "40")
    wait_for(tmux, "which one now?")
    tmux("send-keys", "-t", "walk", "Down")
    tmux("send-keys", "-t", "walk", "Enter")
    wait_for(tmux, "scanned ·")
    screen = wait_for(tmux, "worker · ")
    header, bar = (line.strip() for line in screen.splitlines()[:2])
    assert header.startswith("service worker · release "), header  # what will be signed
    assert re.match(r"worker · \d+/\d+ done", bar), bar  # the summary bar names it too
    tmux("send-keys", "-t", "walk", "q")
    wait_for(tmux, "golive-exited-0")
    assert last_service(repo) == "worker"
    assert DraftStore(repo, "worker").load("go-production", "unreleased") is not None
    assert DraftStore(repo).load("go-production", "unreleased") is None
