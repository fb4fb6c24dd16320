"""The record commands end to end on a tiny Go service: sign, cosign, verify, gate, history, diff,
export, with every exit code."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from golive_tui.cli import main
from golive_tui.core.draft import Draft, DraftStore
from golive_tui.core.model import Answer, Source, State
from golive_tui.core.record.model import RecordGate
from golive_tui.core.record.store import load_record
from golive_tui.core.record.verify import verify_record
from golive_tui.core.workflows import SaveResult, save_record
from tests.conftest import ROOT, RepoFactory, git
from tests.signing_fixtures import allow, signed_repo, ssh_keygen

CHECKLIST = """\
[checklist]
id = "tiny"
title = "Tiny"
version = "1"
description = "Two items for record tests."
source = ["tests"]

[[sections]]
id = "shutdown"
title = "Shutdown"

[[sections.items]]
id = "shutdown.sigterm"
title = "Handle SIGTERM"
why = "Pods get SIGTERM."
verify = "Send SIGTERM."
remediation = "signal.NotifyContext"
priority = "P0"
source = "tests"
detect = { any = ["go.signal.sigterm"] }

[[sections.items]]
id = "ops.runbook"
title = "Write a runbook"
why = "On-call needs it."
verify = "Read it."
remediation = "Write it."
priority = "P1"
source = "tests"
watch = ["docs/*.md"]

[[profiles]]
id = "launch"
title = "Launch"
items = ["shutdown.sigterm", "ops.runbook"]
"""

MAIN_GO = """\
package main

import (
\t"context"
\t"os/signal"
\t"syscall"
)

func main() {
\tctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
\tdefer stop()
\t<-ctx.Done()
}
"""

PLAIN_GO = "package main\n\nfunc main() {}\n"


def cli(*args: str) -> int:
    return main(list(args))


#: A small service with the tiny checklist and a profile: the repository most record tests sign.
SERVICE_FILES = {
    "go.mod": "module example.com/svc\n\ngo 1.22\n",
    "cmd/api/main.go": MAIN_GO,
    "docs/runbook.md": "# Runbook\n",
    ".golive/checklists/tiny.toml": CHECKLIST,
    ".golive/config.toml": 'checklist = "tiny"\nprofile = "launch"\n',
}


@pytest.fixture
def service(make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = signed_repo(make_repo, tmp_path, {**SERVICE_FILES, "README.md": "svc\n"})
    monkeypatch.chdir(repo)
    return repo


def answer(repo: Path, release: str, *answers: Answer) -> None:
    store = DraftStore(repo)
    draft = Draft.new(
        "tiny", release, profile="launch", participants=("Ada Tester <ada@example.com>",)
    )
    store.save(replace(draft, answers={a.item_id: a for a in answers}))


RUNBOOK_DONE = Answer(
    "ops.runbook", State.DONE, Source.MANUAL, note="wiki", by="Ada", at="2026-01-01"
)


def record_file(repo: Path, release: str = "v1.0.0") -> Path:
    return repo / ".golive" / "records" / f"{release}.toml"


# --------------------------------------------------------------------------- sign


def test_sign_builds_signs_and_gate_passes(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(record_file(service))
    assert "signed and saved" in err
    record = load_record(record_file(service))
    assert record.item("shutdown.sigterm").state == "detected"
    (ev,) = record.item("shutdown.sigterm").evidence
    assert (ev.path, ev.blob) == (
        "cmd/api/main.go",
        git(service, "rev-parse", "HEAD:cmd/api/main.go"),
    )
    assert record.item("ops.runbook").watch == (
        ("docs/runbook.md", git(service, "rev-parse", "HEAD:docs/runbook.md")),
    )
    assert record.gate("launch") == RecordGate("launch", True, ())
    assert record.participants == ("Ada Tester <ada@example.com>",)
    assert cli("verify") == 0
    assert "good: author signature by ada@example.com" in capsys.readouterr().out
    assert cli("gate") == 0
    assert "gate PASS" in capsys.readouterr().out


def test_sign_without_key_saves_unsigned_and_says_how(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(service, "config", "--unset", "user.signingkey")
    assert cli("sign") == 1
    err = capsys.readouterr().err
    assert "saved (unsigned)" in err
    assert "git config --global user.signingkey" in err
    assert load_record(record_file(service)).signatures == ()
    assert cli("verify") == 1
    assert "not signed" in capsys.readouterr().out
    assert cli("gate") == 1
    assert "not signed" in capsys.readouterr().out


def test_sign_commit_lets_git_sign_the_commit(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(service, "config", "commit.gpgsign", "true")
    (service / "unrelated.txt").write_text("left alone\n")
    assert cli("sign", "--commit") == 0
    assert git(service, "log", "-1", "--format=%s") == "readiness: v1.0.0"
    assert git(service, "show", "--name-only", "--format=", "HEAD") == ".golive/records/v1.0.0.toml"
    assert "gpgsig" in git(service, "cat-file", "commit", "HEAD")
    assert git(service, "status", "--porcelain") == "?? unrelated.txt"
    # the record is for the commit before it, whose changes touch no evidence
    assert cli("gate", "--release", "v1.0.0") == 1  # profile fails: runbook not answered
    out = capsys.readouterr().out
    assert "touch no evidence" in out and "profile launch does not pass" in out


def test_two_saves_at_once_leave_one_whole_record(service: Path) -> None:
    answer(service, "v1.0.0", RUNBOOK_DONE)
    results: list[SaveResult] = []
    errors: list[BaseException] = []

    def save() -> None:
        try:
            results.append(save_record(service, None, "v1.0.0"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(r.signed for r in results)
    final = load_record(record_file(service))
    assert final in [r.record for r in results]
    assert verify_record(final, service).ok
    assert not [p for p in record_file(service).parent.iterdir() if p.suffix == ".tmp"]


def test_save_record_for_the_walker(service: Path) -> None:
    result = save_record(service, "tiny", "v1.0.0", sign=False)
    assert result.signed is False and result.path == record_file(service)
    assert "no draft" in result.message


# --------------------------------------------------------------------------- cosign / verify


def test_cosign_then_tamper_invalidates_all(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    reviewer = ssh_keygen(tmp_path, "reviewer")
    git(service, "config", "user.signingkey", str(reviewer))
    allow(service, reviewer, "rev@example.com", commit=True)
    assert cli("cosign", "v1.0.0") == 0
    capsys.readouterr()
    assert cli("verify", ".golive/records/v1.0.0.toml") == 0
    *lines, trust = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[1] for line in lines] == ["good", "good"]
    assert "reviewer signature by rev@example.com" in lines[1]
    assert trust.startswith("trust: .golive/allowed_signers at main (")
    path = record_file(service)
    path.write_text(path.read_text().replace('state = "detected"', 'state = "done"', 1))
    assert cli("verify", "v1.0.0") == 1
    assert capsys.readouterr().out.count(": bad: ") == 2
    assert cli("gate") == 1
    assert cli("cosign", "v1.0.0") == 1  # refuses to add a signature to a tampered record


def test_verify_exit_codes(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("verify") == 1  # no record for the current release
    assert "no record for release v1.0.0" in capsys.readouterr().err
    assert cli("verify", "--all") == 1  # nothing to verify
    assert cli("verify", "nope.toml") == 2
    assert cli("sign") == 0
    assert cli("verify", "--all", "v1.0.0") == 2
    assert cli("verify", "--all") == 0
    # unknown key
    stranger = ssh_keygen(tmp_path, "stranger")
    git(service, "config", "user.signingkey", str(stranger))
    assert cli("sign", "--release", "v1.0.1") == 0
    capsys.readouterr()
    assert cli("verify", "v1.0.1") == 1
    assert "unknown key" in capsys.readouterr().out
    # malformed
    bad = record_file(service, "v1.0.2")
    bad.write_text('schema = "golive-record/v1"\nrelease = \n')
    assert cli("verify", "v1.0.2") == 1
    assert ".golive/records/v1.0.2.toml:2:" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        cli("verify", "--bogus")
    assert usage.value.code == 2


def test_verify_unknown_schema(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("sign") == 0
    path = record_file(service)
    path.write_text(path.read_text().replace("golive-record/v1", "golive-record/v7", 1))
    assert cli("verify") == 1
    assert "unknown schema 'golive-record/v7'" in capsys.readouterr().out


def test_verify_evidence_reports_drift(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (service / "cmd/api/main.go").write_text(PLAIN_GO)
    git(service, "commit", "-qam", "drop signal handling")
    # the record is made from a working tree that differs from its commit
    (service / "cmd/api/main.go").write_text(MAIN_GO)
    assert cli("sign", "--release", "v2.0.0") == 0
    record = load_record(record_file(service, "v2.0.0"))
    assert record.repo.dirty
    capsys.readouterr()
    assert cli("verify", "v2.0.0") == 0
    assert cli("verify", "--evidence", "v2.0.0") == 1
    out = capsys.readouterr().out
    assert "drift: shutdown.sigterm: go.signal.sigterm: recorded positive evidence" in out
    git(service, "commit", "-qam", "restore")
    assert cli("sign", "--release", "v2.0.1") == 0
    capsys.readouterr()
    assert cli("verify", "--evidence", "v2.0.1") == 0
    assert "evidence holds" in capsys.readouterr().out


# --------------------------------------------------------------------------- gate


def test_gate_exit_codes_and_coverage(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("gate") == 1
    assert "no readiness record for release v1.0.0" in capsys.readouterr().out
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    git(service, "add", "-A")
    git(service, "commit", "-qm", "record")
    # an unrelated change keeps the record valid for HEAD
    (service / "README.md").write_text("svc, now documented\n")
    git(service, "commit", "-qam", "readme")
    capsys.readouterr()
    assert cli("gate", "--release", "v1.0.0") == 0
    assert "touch no evidence" in capsys.readouterr().out
    # a watched file changes: the record no longer covers HEAD
    (service / "docs" / "runbook.md").write_text("# Runbook v2\n")
    git(service, "commit", "-qam", "runbook")
    assert cli("gate", "--release", "v1.0.0", "--format", "json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False and data["touched"] == ["docs/runbook.md"]
    with pytest.raises(SystemExit) as usage:
        cli("gate", "--format", "yaml")
    assert usage.value.code == 2


def test_gate_fails_on_profile_and_expired_waiver(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("sign") == 0  # runbook unanswered
    assert cli("gate") == 1
    assert "profile launch does not pass: open ops.runbook" in capsys.readouterr().out
    waiver = Answer(
        "ops.runbook", State.WAIVED, Source.MANUAL, reason="later", until="2000-01-01", by="Ada"
    )
    answer(service, "v1.0.0", waiver)
    assert cli("sign") == 0
    capsys.readouterr()
    assert cli("gate") == 1
    out = capsys.readouterr().out
    assert "waiver of ops.runbook expired on 2000-01-01" in out
    assert cli("verify") == 0  # expired waivers are reported, not an integrity failure
    assert "expired waiver: ops.runbook" in capsys.readouterr().out


def test_gate_refuses_a_record_from_another_repository(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(service, "remote", "add", "origin", "git@example.com:team/svc.git")
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    git(service, "remote", "set-url", "origin", "https://example.com/team/svc")
    assert cli("gate") == 0  # same repository, other URL form
    git(service, "remote", "set-url", "origin", "https://example.com/team/other.git")
    capsys.readouterr()
    assert cli("gate") == 1
    assert "the record is for repository" in capsys.readouterr().out


def test_gate_markdown_and_sarif(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (service / "Dockerfile").write_text('FROM golang:1.22\nCMD ["/svc"]\n')
    git(service, "add", "-A")
    git(service, "commit", "-qm", "docker")
    assert cli("sign", "--release", "v1.1.0") == 0
    capsys.readouterr()
    assert cli("gate", "--release", "v1.1.0", "--format", "markdown") == 1
    md = capsys.readouterr().out
    assert md.startswith("## ❌ Readiness gate failed: v1.1.0")
    assert "### Why it failed" in md and "| author |" in md
    assert cli("gate", "--release", "v1.1.0", "--format", "sarif") == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    gate_results = [r for r in results if r["ruleId"] == "golive.gate"]
    assert gate_results and all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == ".golive/records/v1.1.0.toml"
        for r in gate_results
    )


# --------------------------------------------------------------------------- history, diff, export


def test_history_text_has_a_header_and_json_has_none(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("sign") == 0
    record_file(service, "v0.9.0").write_text("schema = 3\n")  # malformed: still listed
    capsys.readouterr()
    assert cli("history") == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.startswith("release ") and header.rstrip().endswith("signers")
    by_release = {line.split()[0]: line for line in lines}
    assert "malformed:" in by_release["v0.9.0"]
    assert by_release["v1.0.0"].index("Ada Tester") == header.index("signers")
    assert cli("history", "--format", "json") == 0
    rows = {r["release"]: r for r in json.loads(capsys.readouterr().out)}
    assert "error" in rows["v0.9.0"] and set(rows["v1.0.0"]) == {
        "release",
        "date",
        "commit",
        "score",
        "gate",
        "signers",
    }


def test_history_diff_and_export(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("sign") == 0
    (service / "docs" / "runbook.md").write_text("# Runbook v2\n")
    git(service, "add", "-A")
    git(service, "commit", "-qm", "v1.1")
    git(service, "tag", "v1.1.0")
    answer(service, "v1.1.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    capsys.readouterr()
    assert cli("history") == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.split() == ["release", "date", "commit", "score", "gate", "signers"]
    assert [line.split()[0] for line in lines] == ["v1.0.0", "v1.1.0"]
    assert "Ada Tester <ada@example.com> (author)" in lines[0]
    # Columns line up under the header, whatever the widths of the values.
    for column in ("commit", "gate", "signers"):
        start = header.index(column)
        assert all(line[start - 2 : start] == "  " and line[start] != " " for line in lines)
    assert cli("history", "--verify", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[1]["gate"] == "launch pass" and rows[0]["gate"] == "launch fail"
    assert rows[0]["signers"] == ["Ada Tester <ada@example.com> (author, good)"]
    assert cli("diff", "v1.0.0", "v1.1.0") == 0
    out = capsys.readouterr().out
    assert "ops.runbook: state: todo -> done (manual)" in out
    assert "file contents changed under unchanged findings: 1 item(s): ops.runbook" in out
    # meaning first, file-only changes last
    assert out.index("ops.runbook: state") < out.index("file contents changed")
    assert "shutdown.sigterm" not in out
    assert cli("diff", "v1.0.0", "v9") == 2
    capsys.readouterr()
    assert cli("export", "v1.1.0", "--format", "markdown", "--verify") == 0
    md = capsys.readouterr().out
    assert md.startswith("# Readiness record: v1.1.0") and "**good**" in md
    assert cli("export", "v1.1.0", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["release"] == "v1.1.0" and len(data["payload_sha256"]) == 64
    assert cli("export", "v1.1.0", "--format", "sarif") == 0
    assert json.loads(capsys.readouterr().out)["version"] == "2.1.0"
    assert cli("export", "nope") == 2


def test_record_commands_never_load_textual(service: Path) -> None:
    code = (
        "import sys; from golive_tui.cli import main; "
        "[main(a) for a in (['verify','--all'], ['gate'], ['history'])]; "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=service, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert ROOT.exists()


def test_cosign_with_an_unknown_key_fails_and_writes_nothing(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13, point 7: a cosign verifiers could not check is refused (exit 1), with the
    allowed-signers line to add; with a known key, --commit commits the record."""
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    assert "next for" not in capsys.readouterr().err  # Ada signed: no one else to ask
    before = record_file(service).read_text()
    stranger = ssh_keygen(tmp_path, "stranger")
    git(service, "config", "user.signingkey", str(stranger))
    git(service, "config", "user.email", "grace@example.com")
    assert cli("cosign", "v1.0.0", "--role", "pair") == 1
    err = capsys.readouterr().err
    assert "not cosigned: your key is not in .golive/allowed_signers" in err
    assert 'grace@example.com namespaces="golive-record"' in err
    assert record_file(service).read_text() == before  # nothing written
    allow(service, stranger, "grace@example.com", commit=True)
    assert cli("cosign", "v1.0.0", "--role", "pair", "--commit") == 0
    assert "committed " in capsys.readouterr().err
    log = git(service, "log", "-1", "--format=%s", "--", ".golive/records/v1.0.0.toml")
    assert "readiness: v1.0.0" in str(log)
    assert cli("verify", "v1.0.0") == 0


def test_the_gate_checked_is_the_gate_signed(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13, point 1: the record keeps the profile it was signed with and `gate` checks
    that one, whatever the config says later; `--profile none` asks for every item."""
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    assert load_record(record_file(service)).profile == "launch"
    (service / ".golive" / "config.toml").write_text('checklist = "tiny"\n')
    capsys.readouterr()
    assert cli("gate", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["profile"] == "launch"
    assert cli("history", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)[0]["gate"] == "launch pass"
    cli("gate", "--profile", "none", "--format", "json")
    assert json.loads(capsys.readouterr().out)["profile"] == ""
