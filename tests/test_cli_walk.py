"""golive mark / status / demo / walk from the shell: same draft, same rules as the walker."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from golive_tui import cli
from golive_tui.commands import demo
from golive_tui.core.draft import DraftStore
from golive_tui.core.model import Source, State


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.prepare(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return demo.prepare(tmp_path)


def status(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    assert cli.main(["status", str(repo), "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def items(doc: dict) -> dict[str, dict]:
    return {i["id"]: i for i in doc["items"]}


def test_demo_prepares_a_committed_copy_of_the_sample(tmp_path: Path, capsys) -> None:
    assert cli.main(["demo", "--print-path", "--dir", str(tmp_path)]) == 0
    root = Path(capsys.readouterr().out.strip())
    assert (root / "cmd/api/main.go").is_file() and (root / "Dockerfile").is_file()
    log = subprocess.run(["git", "log", "--format=%an"], cwd=root, capture_output=True, text=True)
    assert log.stdout.strip() == "golive demo"


def test_status_shows_detected_and_at_risk_from_the_scan(sample: Path, capsys) -> None:
    doc = status(sample, capsys)
    states = items(doc)
    assert states["resilience.outbound-timeouts"]["state"] == "at_risk"
    assert states["shutdown.sigterm"]["state"] == "detected"
    assert states["shutdown.sigterm"]["evidence"] == ["cmd/api/main.go:22"]
    # The sample sizes its pool only in part (no SetConnMaxIdleTime) and decodes a request
    # body without http.MaxBytesReader: both are at risk, with the outbound default client.
    at_risk = {i for i, s in states.items() if s["state"] == "at_risk"}
    assert at_risk == {"resilience.outbound-timeouts", "db.pool-limits", "http.body-limit"}
    assert doc["summary"]["at_risk"] == 3 and doc["draft"] is None
    no_scan = items(status(sample, capsys, "--no-scan"))
    assert no_scan["shutdown.sigterm"]["state"] == "todo"


def test_mark_then_status_agree(repo: Path, capsys) -> None:
    assert cli.main(["mark", "ops.runbook", "done", "--path", str(repo)]) == 0
    assert "ops.runbook: done" in capsys.readouterr().out
    doc = status(repo, capsys)
    assert items(doc)["ops.runbook"]["state"] == "done"
    assert items(doc)["ops.runbook"]["by"] == "Ada Tester <ada@example.com>"
    assert doc["participants"] == ["Ada Tester <ada@example.com>"]
    assert cli.main(["mark", "ops.runbook", "todo", "--path", str(repo)]) == 0
    capsys.readouterr()
    assert items(status(repo, capsys))["ops.runbook"]["state"] == "todo"


def test_mark_rules_match_the_walker(repo: Path, capsys) -> None:
    assert cli.main(["mark", "ops.runbook", "na", "--path", str(repo)]) == 2
    assert "n/a needs a reason" in capsys.readouterr().err
    assert cli.main(["mark", "ops.runbook", "waived", "--reason", "r", "--path", str(repo)]) == 2
    assert "expiry date" in capsys.readouterr().err
    code = cli.main(["mark", "resilience.outbound-timeouts", "done", "--path", str(repo)])
    assert code == 2 and "needs a note" in capsys.readouterr().err
    code = cli.main(
        ["mark", "resilience.outbound-timeouts", "done", "--note", "mesh", "--path", str(repo)]
    )
    assert code == 0
    capsys.readouterr()
    store = DraftStore(repo)
    draft = store.load("go-production", "unreleased")
    assert draft is not None
    assert draft.answers["resilience.outbound-timeouts"].source is Source.OVERRIDE
    assert items(status(repo, capsys))["resilience.outbound-timeouts"]["state"] == "done"
    assert cli.main(["mark", "no.such-item", "done", "--path", str(repo)]) == 2
    assert "no item" in capsys.readouterr().err


def test_mark_waiver_and_text_status(repo: Path, capsys) -> None:
    args = ["mark", "ops.runbook", "waived", "--reason", "next sprint", "--until", "2999-01-01"]
    assert cli.main([*args, "--path", str(repo), "--release", "v1.0.0"]) == 0
    capsys.readouterr()
    assert cli.main(["status", str(repo), "--release", "v1.0.0"]) == 0
    out = capsys.readouterr().out
    assert "ops.runbook" in out and "until 2999-01-01 — next sprint" in out
    assert "gate quick-gate: fail" in out


def test_mark_refused_while_the_walker_holds_the_draft(repo: Path, capsys) -> None:
    store = DraftStore(repo)
    with store.lock("go-production", "unreleased"):
        assert cli.main(["mark", "ops.runbook", "done", "--path", str(repo), "--no-scan"]) == 2
    assert "open in another golive" in capsys.readouterr().err


def test_walk_outside_a_repository_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert cli.main(["walk", str(tmp_path)]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_walk_needs_a_terminal(sample: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "golive_tui", "walk", str(sample)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2 and "needs a terminal" in proc.stderr


def _printed(code: str) -> str:
    """What `code` prints in a fresh interpreter (what it imports is its own)."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_mark_and_status_never_load_textual() -> None:
    code = (
        "import sys; from golive_tui import cli; "
        "cli.build_parser(['mark']); cli.build_parser(['status']); "
        "print('textual' in sys.modules)"
    )
    assert _printed(code) == "False"


def test_the_walker_opens_without_its_help_and_summary_screens() -> None:
    """What the walker imports before its first screen: the help and summary screens (and the
    DataTable and Button widgets they bring) wait until they are first opened."""
    code = (
        "import sys; import golive_tui.commands.walk; import golive_tui.tui.app; "
        "print(sorted(m for m in sys.modules if m.endswith(('.help', '.summary', "
        "'_data_table'))))"
    )
    assert _printed(code) == "[]"


def test_score_answers(repo: Path, capsys) -> None:
    from golive_tui.core.workflows import Session

    session = Session.open(str(repo), checklist="go-engineering")
    score_item = next(i for i in session.checklist.items() if i.kind.value == "score")
    path = ["--path", str(repo), "--checklist", "go-engineering", "--no-scan"]
    assert cli.main(["mark", score_item.id, "score=2", *path]) == 0
    draft = session.load_draft()
    assert draft is not None and draft.answers[score_item.id].score == 2
    assert draft.answers[score_item.id].state is State.DONE
    assert cli.main(["mark", score_item.id, "score=5", *path]) == 2
    assert "0, 1 or 2" in capsys.readouterr().err


def test_the_walkers_record_saver_signs_what_the_walker_shows(repo: Path, capsys) -> None:
    """The walker hands its draft, scan and assessment to the saver: the record holds exactly
    those (no fresh scan), and a tree that moved since the scan is refused (issue 13, point 2)."""
    from golive_tui.commands.walk import build_deps
    from golive_tui.core.record.store import load_record
    from golive_tui.core.reviewed import TreeChangedError
    from golive_tui.core.workflows import Session

    assert cli.main(["mark", "ops.runbook", "done", "--path", str(repo)]) == 0
    capsys.readouterr()
    session = Session.open(str(repo))
    deps = build_deps(session)
    assert deps.save_record is not None
    draft = session.load_draft()
    assert draft is not None
    report = session.scan()
    assessment = session.assess(draft, report)
    # the walker's draft in memory wins over the stored one: what was on screen is signed
    shown = replace(draft, answers={})
    message = deps.save_record(shown, report, assessment)
    path = repo / ".golive" / "records" / f"{session.release}.toml"
    assert str(path.relative_to(repo)) in message
    record = load_record(path)
    assert record.item("ops.runbook").state == State.DONE.value  # from the assessment shown
    assert record.profile == session.profile
    (repo / "new.go").write_text("package main\n")
    with pytest.raises(TreeChangedError, match=r"changed since the scan you reviewed \(new.go\)"):
        deps.save_record(draft, report, assessment)


def test_dash_c_before_the_command_as_git_takes_it(repo: Path, capsys) -> None:
    """Issue 13, point 8: `golive -C PATH status` works as `golive status -C PATH`."""
    assert cli.main(["-C", str(repo), "status", "--no-scan", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["release"] and data["gate"]["name"]


def test_pair_without_an_email_is_refused(repo: Path, capsys) -> None:
    """Issue 13, point 7: `--pair` takes `Name <email>`, as the walker's `p` does."""
    assert cli.main(["walk", "-C", str(repo), "--pair", "just a name"]) == 2
    assert "expected 'Name <email>'" in capsys.readouterr().err


def test_walk_starts_its_scan_before_the_session_opens(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: with a core idle, the scan runs (in a process of its own) while checklists,
    drafts and records are read and Textual loads; the walker takes that scan, and it never
    outlives the walk. On a busy machine it starts after the walker's first paint instead."""
    from golive_tui.commands import walk
    from golive_tui.core.scan import apart, cores
    from golive_tui.core.workflows import Session

    taken: list[object] = []
    early: list[bool] = []

    def open_walker(session: Session, pair: tuple[str, ...] = (), scan: object = None) -> int:
        deps = walk.build_deps(session, pair, scan)  # type: ignore[arg-type]
        if scan is not None:
            assert isinstance(scan, apart.ScanApart) and scan._started is not None  # running
            assert deps.scan is scan  # the walker takes it
            other = replace(session, service="elsewhere")
            assert walk.build_deps(other, pair, scan).scan is not scan  # never another's scan
        early.append(isinstance(deps.scan, apart.ScanApart) and deps.scan.started)
        # Only a scan started before the walk can be taken as it opens; one started after
        # the first paint is waited for by the worker (it waits for that paint first).
        assert (deps.scan_ready is not None) == early[-1]
        taken.append(scan)
        return 0

    monkeypatch.setattr(walk, "_tty", lambda: True)
    monkeypatch.setattr(walk, "open_walker", open_walker)
    monkeypatch.setattr(cores, "idle_core", lambda: True)
    assert cli.main(["walk", str(repo)]) == 0
    scan = taken[0]
    assert isinstance(scan, apart.ScanApart)
    assert scan.repo_root == repo.resolve() and scan.service == ""
    assert scan._started is None  # stopped when the walk ended
    monkeypatch.setattr(cores, "idle_core", lambda: False)
    assert cli.main(["walk", str(repo)]) == 0
    assert taken[1] is None and early == [True, False]  # busy: after the first paint


def test_a_core_is_idle_when_fewer_tasks_run_than_there_are_cores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from golive_tui.core.scan.cores import idle_core

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("0.52 0.40 0.31 1/180 4242\n")  # only the walker runs
    assert idle_core(loadavg)
    loadavg.write_text("7.11 7.99 6.66 11/139 7705\n")
    assert not idle_core(loadavg)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.1, 0.1))
    assert idle_core(tmp_path / "no-such-file")  # elsewhere: the load average


def test_walk_locates_the_repository_once_as_it_opens(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: the walk's opening (the command, the session, the draft store) asks git
    where the repository is once, not three times, and its state folder not at all again;
    a session that cannot open still stops the scan started for it."""
    from golive_tui.commands import walk
    from golive_tui.core.git import listing, release
    from golive_tui.core.scan import apart, cores

    asked: list[str] = []
    start, ask = listing.start, release._git
    monkeypatch.setattr(
        listing, "start", lambda *a, **k: asked.append(str(a[1][0])) or start(*a, **k)
    )
    monkeypatch.setattr(release, "_git", lambda *a: asked.append(" ".join(a[1:3])) or ask(*a))
    monkeypatch.setattr(walk, "_tty", lambda: True)
    monkeypatch.setattr(walk, "open_walker", lambda *a, **k: 0)
    monkeypatch.setattr(cores, "idle_core", lambda: False)
    assert cli.main(["walk", str(repo)]) == 0
    assert asked.count("rev-parse") == 1
    assert "rev-parse --path-format=absolute" not in asked

    stopped: list[object] = []
    close = apart.ScanApart.close
    monkeypatch.setattr(cores, "idle_core", lambda: True)
    monkeypatch.setattr(
        apart.ScanApart, "close", lambda self: stopped.append(self.repo_root) or close(self)
    )

    def refuse(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("no session")

    monkeypatch.setattr(walk, "open_session", refuse)
    with pytest.raises(RuntimeError, match="no session"):
        cli.main(["walk", str(repo)])
    assert repo.resolve() in stopped
