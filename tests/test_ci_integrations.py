"""What teams wire into their CI and hooks, run as they run it: the gate script shared by the
GitHub Action and the GitLab template (pass and fail, summary and SARIF files), and the entries
of .pre-commit-hooks.yaml on good and broken repositories."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from golive_tui.cli import main
from golive_tui.core.model import Answer
from tests.conftest import ROOT, RepoFactory, git
from tests.signing_fixtures import signed_repo
from tests.test_cli_records import CHECKLIST, RUNBOOK_DONE, SERVICE_FILES, answer

SCRIPT = ROOT / "ci" / "golive-gate.sh"


@pytest.fixture
def golive_bin(tmp_path: Path) -> Path:
    """`golive` as the CI job runs it: a command on PATH (this interpreter's package)."""
    path = tmp_path / "bin" / "golive"
    path.parent.mkdir()
    path.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m golive_tui "$@"\n')
    path.chmod(0o755)
    return path


@pytest.fixture
def signed(make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A service whose v1.0.0 record is signed by a trusted key, for the release's tag."""
    repo = signed_repo(make_repo, tmp_path, SERVICE_FILES)
    monkeypatch.chdir(repo)
    return repo


def sign(repo: Path, *answers: Answer) -> None:
    answer(repo, "v1.0.0", *answers)
    assert main(["sign", "-C", str(repo)]) == 0


def gate_script(
    repo: Path, golive_bin: Path, out: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "GOLIVE_BIN": str(golive_bin),
        "GOLIVE_WORKDIR": str(repo),
        "GOLIVE_SUMMARY": str(out / "summary.md"),
        "GOLIVE_SARIF": str(out / "sarif" / "golive.sarif"),
        "GITHUB_OUTPUT": str(out / "github_output"),
        **env,
    }
    out.mkdir(exist_ok=True)
    return subprocess.run(
        ["bash", str(SCRIPT)], env=environ, capture_output=True, text=True, timeout=300
    )


def test_gate_script_passes_and_writes_summary_and_sarif(
    signed: Path, golive_bin: Path, tmp_path: Path
) -> None:
    sign(signed, RUNBOOK_DONE)
    out = tmp_path / "out"
    proc = gate_script(signed, golive_bin, out, GOLIVE_PROFILE="launch")
    assert proc.returncode == 0, proc.stderr
    assert "gate PASS: release v1.0.0, profile launch" in proc.stdout
    assert "golive: gate passed" in proc.stdout
    summary = (out / "summary.md").read_text()
    assert summary.startswith("## ✅ Readiness gate passed: v1.0.0")
    assert "Profile: **launch**" in summary
    sarif = json.loads((out / "sarif" / "golive.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert (out / "github_output").read_text() == "result=pass\n"


def test_gate_script_fails_exactly_when_the_gate_fails(
    signed: Path, golive_bin: Path, tmp_path: Path
) -> None:
    sign(signed)  # the runbook unanswered: the profile does not pass
    out = tmp_path / "out"
    proc = gate_script(signed, golive_bin, out, GOLIVE_PROFILE="launch")
    assert proc.returncode == 1
    assert "gate FAIL" in proc.stdout and "golive: gate failed (exit 1)" in proc.stderr
    summary = (out / "summary.md").read_text()
    assert summary.startswith("## ❌ Readiness gate failed: v1.0.0")
    assert "### Why it failed" in summary
    assert json.loads((out / "sarif" / "golive.sarif").read_text())["runs"]
    assert (out / "github_output").read_text() == "result=fail\n"
    # A usage error is not a pass either: the gate's own exit code comes through.
    proc = gate_script(signed, golive_bin, tmp_path / "out2", GOLIVE_PROFILE="nope")
    assert proc.returncode != 0


def test_gate_script_without_sarif_or_summary_writes_neither(
    signed: Path, golive_bin: Path, tmp_path: Path
) -> None:
    sign(signed, RUNBOOK_DONE)
    out = tmp_path / "out"
    proc = gate_script(signed, golive_bin, out, GOLIVE_SUMMARY="", GOLIVE_SARIF="")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["github_output"]


def test_action_and_template_call_the_shared_script() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {
        "profile",
        "services",
        "python-version",
        "golive-version",
        "sarif",
        "working-directory",
        "trust-ref",
    }
    install = next(s for s in steps if s.get("name") == "Install golive")
    assert install["env"]["GOLIVE_ACTION_PATH"] == "${{ github.action_path }}"
    gate = next(s for s in steps if s.get("id") == "gate")
    assert gate["run"] == 'bash "$GITHUB_ACTION_PATH/ci/golive-gate.sh"'
    for step in steps:  # inputs reach shell only through env, never pasted into the script
        assert "inputs." not in step.get("run", "")
    gitlab = yaml.safe_load((ROOT / "ci" / "gitlab" / "golive.yml").read_text())
    job = gitlab["golive-gate"]
    assert any("golive_tui.ci" in line for line in job["script"])
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert "golive-gate.md" in job["artifacts"]["paths"]


def test_the_installed_package_knows_where_the_script_is() -> None:
    from golive_tui.ci import GATE_SCRIPT

    assert GATE_SCRIPT.read_text() == SCRIPT.read_text()


# --------------------------------------------------------------------------- pre-commit hooks

BROKEN_CHECKLIST = CHECKLIST.replace('priority = "P0"', 'priority = "P9"')
BROKEN_DETECTOR = '[[detector]]\nid = "acme.x"\ntitle = "X"\n'
GOOD_DETECTOR = """\
[[detector]]
id = "acme.audit_log"
title = "Audit log written"
looks_for = "calls to audit.Log"
why = "Reviews need a trail."
remediation = "Call audit.Log."
rule = { pattern = "audit.Log($$$)" }
"""


def run_hook(hook_id: str, repo: Path) -> subprocess.CompletedProcess[str]:
    """Run a hook as pre-commit does: its entry, plus the repository's files it matches."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == hook_id)
    assert hook["language"] == "python"
    names = git(repo, "ls-files").splitlines()
    matched = [n for n in names if re.search(hook["files"], n)]
    assert matched, f"{hook_id} matches no file of the test repository"
    argv = shlex.split(hook["entry"])
    assert argv[0] == "golive"
    extra = matched if hook.get("pass_filenames", True) else []
    return subprocess.run(
        [sys.executable, "-m", "golive_tui", *argv[1:], *extra],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_lint_hook_passes_good_definitions(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            ".golive/checklists/tiny.toml": CHECKLIST,
            ".golive/detectors/acme.toml": GOOD_DETECTOR,
        }
    )
    proc = run_hook("golive-lint-checklist", repo)
    assert proc.returncode == 0, proc.stderr
    assert ".golive/checklists/tiny.toml: OK" in proc.stdout
    assert ".golive/detectors/acme.toml: OK" in proc.stdout


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".golive/checklists/tiny.toml": BROKEN_CHECKLIST}, ".golive/checklists/tiny.toml:"),
        ({".golive/detectors/acme.toml": BROKEN_DETECTOR}, ".golive/detectors/acme.toml:"),
    ],
)
def test_lint_hook_fails_broken_definitions(
    make_repo: RepoFactory, files: dict[str, str], expected: str
) -> None:
    proc = run_hook("golive-lint-checklist", make_repo(files))
    assert proc.returncode == 1
    assert expected in proc.stderr and "Traceback" not in proc.stderr


def test_verify_hook_passes_a_good_record_and_fails_a_tampered_one(signed: Path) -> None:
    sign(signed, RUNBOOK_DONE)
    git(signed, "add", "-A")
    git(signed, "commit", "-qm", "record")
    assert run_hook("golive-verify", signed).returncode == 0
    record = signed / ".golive/records/v1.0.0.toml"
    record.write_text(record.read_text().replace("wiki", "wikipedia"))
    proc = run_hook("golive-verify", signed)
    assert proc.returncode == 1
    assert "bad" in proc.stdout + proc.stderr


def test_gate_script_gates_each_service_and_fails_if_one_fails(tmp_path: Path) -> None:
    """Several services: one gate each (--service), one SARIF file each, any failure fails."""
    stub = tmp_path / "golive"
    stub.write_text(
        "#!/bin/sh\n"
        'echo "$*" >> "$CALLS"\n'
        'case "$*" in *"--service billing"*) code=1 ;; *) code=0 ;; esac\n'
        'case "$*" in *sarif*) echo "{}" ;; *markdown*) echo "## $*" ;; esac\n'
        'exit "$code"\n'
    )
    stub.chmod(0o755)
    out = tmp_path / "out"
    proc = gate_script(
        tmp_path,
        stub,
        out,
        CALLS=str(tmp_path / "calls"),
        GOLIVE_SERVICES="orders, billing",
        GOLIVE_PROFILE="p0",
        GOLIVE_TRUST_REF="main",
    )
    assert proc.returncode == 1
    calls = (tmp_path / "calls").read_text().splitlines()
    gates = [c for c in calls if "--format" not in c]
    assert gates == [
        f"gate -C {tmp_path} --profile p0 --trust-ref main --service orders",
        f"gate -C {tmp_path} --profile p0 --trust-ref main --service billing",
    ]
    assert sorted(p.name for p in (out / "sarif").iterdir()) == [
        "golive-billing.sarif",
        "golive-orders.sarif",
    ]
    summary = (out / "summary.md").read_text()
    assert "--service orders --format markdown" in summary
    assert "--service billing --format markdown" in summary
    assert (out / "github_output").read_text() == "result=fail\n"
