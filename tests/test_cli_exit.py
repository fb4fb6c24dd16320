"""How the `golive` program ends: a quick command, alone, ends at once after flushing its
output (no interpreter teardown); anything else ends the usual way. Same output, same code."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from golive_tui import cli
from tests.conftest import RepoFactory

GO = 'package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":8080", nil) }\n'


@pytest.fixture(autouse=True)
def _collector(monkeypatch: pytest.MonkeyPatch) -> object:
    """`entry` sets the collector's thresholds: the test process gets its own back."""
    saved = gc.get_threshold()
    monkeypatch.setattr(cli, "_gc_saved", [])
    yield
    gc.set_threshold(*saved)


class _Ended(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def _entry(monkeypatch: pytest.MonkeyPatch, command: str, code: int, alone: bool) -> str:
    """Run `entry` with `command` having returned `code`: "quick N" or "usual N"."""

    def ran() -> int:
        cli._ran.append(command)
        return code

    def quick(value: int) -> None:
        raise _Ended(value)

    monkeypatch.setattr(cli, "_ran", [])
    monkeypatch.setattr(cli, "main", ran)
    monkeypatch.setattr(cli, "_alone", lambda: alone)
    monkeypatch.setattr(cli.os, "_exit", quick)
    try:
        cli.entry()
    except _Ended as ended:
        return f"quick {ended.code}"
    except SystemExit as exc:
        return f"usual {exc.code}"
    return "returned"


@pytest.mark.parametrize(
    ("command", "code", "alone", "ended"),
    [
        ("scan", 0, True, "quick 0"),
        ("gate", 1, True, "quick 1"),
        ("verify", 2, True, "quick 2"),
        ("scan", 0, False, "usual 0"),  # a child or a thread left: the usual end
        ("walk", 0, True, "usual 0"),  # the terminal UI: never
        ("sign", 0, True, "usual 0"),
    ],
)
def test_only_a_quick_command_left_alone_ends_at_once(
    monkeypatch: pytest.MonkeyPatch, command: str, code: int, alone: bool, ended: str
) -> None:
    assert _entry(monkeypatch, command, code, alone) == ended


def test_a_quick_command_runs_with_fewer_collector_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int, int]] = []

    def ran() -> int:
        seen.append(gc.get_threshold())
        cli._ran.append("scan")
        return 0

    monkeypatch.setattr(cli, "main", ran)
    monkeypatch.setattr(cli, "_alone", lambda: False)
    with pytest.raises(SystemExit):
        cli.entry()
    assert seen == [cli._QUICK_GC]


def test_any_other_command_gets_the_usual_collector_back(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    usual = (700, 10, 10)
    monkeypatch.setattr(cli, "_gc_saved", [usual])
    gc.set_threshold(*cli._QUICK_GC)  # as `entry` leaves it until the command is known
    assert cli.main(["checklists"]) == 0
    assert gc.get_threshold() == usual


def test_output_that_cannot_be_flushed_ends_the_usual_way(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def flush(self) -> None:
            raise BrokenPipeError

        def write(self, text: str) -> int:
            return len(text)

    monkeypatch.setattr(sys, "stdout", Broken())
    assert _entry(monkeypatch, "scan", 0, True) == "usual 0"


def test_a_process_with_a_child_or_a_thread_is_not_alone() -> None:
    code = """
        import subprocess, sys, threading
        from golive_tui import cli
        alone = cli._alone()
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with_child = cli._alone()
        child.kill(); child.wait()
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait); thread.start()
        with_thread = cli._alone()
        stop.set(); thread.join()
        print(alone, with_child, with_thread, cli._alone())
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["True", "False", "False", "True"]


def test_the_real_program_prints_everything_and_its_code(make_repo: RepoFactory) -> None:
    root = make_repo({"go.mod": "module example.com/x\n\ngo 1.24\n", "main.go": GO})
    golive = Path(sys.executable).with_name("golive")
    for _ in range(2):  # a cold scan, then the memo's answer
        done = subprocess.run(
            [str(golive), "scan", "-C", str(root), "--format", "json"],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["repo"]["root"] == str(root) and done.stderr == ""
    gate = subprocess.run(
        [sys.executable, "-m", "golive_tui", "gate", "-C", str(root)],
        capture_output=True,
        text=True,
    )
    assert gate.returncode == 1 and "no tag points at HEAD" in gate.stdout  # no record: refused


@pytest.mark.parametrize("args", [["scan"], ["scan", "--format", "json"]])
def test_a_reader_that_stops_reading_ends_the_program_quietly(
    make_repo: RepoFactory, args: list[str]
) -> None:
    """`golive scan | head`: status 0 and nothing on stderr, for the table as for JSON."""
    root = make_repo({"go.mod": "module example.com/x\n\ngo 1.24\n", "main.go": GO})
    golive = Path(sys.executable).with_name("golive")
    proc = subprocess.Popen(
        [str(golive), *args, "-C", str(root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read()
    assert (proc.wait(timeout=60), err) == (0, b"")
