"""`golive status`, `mark` and `lint-checklist` speak the verdict model (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from golive_tui import cli
from golive_tui.core.draft import DraftStore
from golive_tui.core.model import Source, State
from tests.conftest import RepoFactory

CHECKLIST = """\
[checklist]
id = "verd"
title = "Verdicts"
version = "1"
description = "Proof, support, risk and n/a."
source = ["test"]

[[sections]]
id = "main"
title = "Main"

[[sections.items]]
id = "v.proven"
title = "Handle SIGTERM"
why = "w"
verify = "Send SIGTERM."
remediation = "r"
priority = "P0"
source = "test"
detect = { proves = ["go.signal.sigterm"] }

[[sections.items]]
id = "v.supported"
title = "Explain how to run it"
why = "w"
verify = "Follow the README on a clean machine."
remediation = "r"
priority = "P1"
source = "test"
detect = { supports = ["docs.readme"] }

[[sections.items]]
id = "v.risk"
title = "Time out outbound calls"
why = "w"
verify = "v"
remediation = "r"
priority = "P0"
source = "test"
detect = { proves = ["go.http.client_timeout"] }

[[sections.items]]
id = "v.na"
title = "Build a small image"
why = "w"
verify = "v"
remediation = "r"
priority = "P2"
source = "test"
detect = { proves = ["docker.multistage"] }
applies_when = { files = ["**/Dockerfile*"] }
"""

MAIN = """\
package main

import (
\t"net/http"
\t"os"
\t"os/signal"
\t"syscall"
)

func main() {
\tc := make(chan os.Signal, 1)
\tsignal.Notify(c, syscall.SIGTERM)
\tresp, err := http.Get("http://example.com")
\tif err == nil {
\t\tresp.Body.Close()
\t}
\t<-c
}
"""


@pytest.fixture
def repo(make_repo: RepoFactory) -> Path:
    return make_repo(
        {
            ".golive/checklists/verd.toml": CHECKLIST,
            "go.mod": "module example.com/svc\n\ngo 1.23\n",
            "main.go": MAIN,
            "README.md": "# svc\n",
        }
    )


def _status(repo: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    assert cli.main(["status", str(repo), "--checklist", "verd", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    return {"summary": doc["summary"], **{i["id"]: i for i in doc["items"]}}


def test_status_json_says_verdicts_roles_and_reasons(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _status(repo, capsys)
    proven, supported, risk, na = (doc[k] for k in ("v.proven", "v.supported", "v.risk", "v.na"))
    assert (proven["state"], proven["verdict"], proven["state_label"]) == (
        "detected",
        "found",
        "detected",
    )
    assert proven["detectors"] == [
        {
            "id": "go.signal.sigterm",
            "role": "proves",
            "status": "found",
            "label": "found",
            "summary": proven["detectors"][0]["summary"],
        }
    ]
    assert (supported["state"], supported["verdict"], supported["state_label"]) == (
        "todo",
        "supported",
        "to do",
    )
    assert supported["verdict_label"] == "supporting evidence"
    assert supported["detectors"][0]["role"] == "supports"
    assert supported["to_confirm"].endswith("Confirm: Follow the README on a clean machine.")
    assert (risk["state"], risk["verdict"]) == ("at_risk", "contrary")
    assert risk["risks"] and risk["risks"][0].startswith("go.http.client_timeout: ")
    assert risk["risks"][0].endswith("(main.go:13)")
    assert (na["state"], na["na_reason"], na["verdict"]) == (
        "na",
        "no file matches **/Dockerfile*",
        "not_applicable",
    )
    assert doc["summary"]["to_confirm"] == 1 and doc["summary"]["unknown"] == 0


def test_status_text_reads_the_same(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["status", str(repo), "--checklist", "verd"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[2]: line for line in out.splitlines() if line.startswith("  ")}
    assert "to do · supporting evidence: a person confirms" in lines["v.supported"]
    assert "n/a — no file matches **/Dockerfile*" in lines["v.na"]
    assert "at risk" in lines["v.risk"]
    assert "⚠ go.http.client_timeout: " in out
    assert "to confirm 1" in out


def test_mark_done_confirms_supporting_evidence(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["mark", "v.supported", "done", "--path", str(repo), "--checklist", "verd"]
    assert cli.main([*args, "--note", "built it from the README"]) == 0
    assert "v.supported: done (confirmed from evidence: docs.readme)" in capsys.readouterr().out
    draft = DraftStore(repo).load("verd", "unreleased")
    assert draft is not None
    answer = draft.answers["v.supported"]
    assert (answer.state, answer.source) == (State.DONE, Source.MANUAL)
    assert answer.note == "confirmed from evidence: docs.readme; built it from the README"
    assert answer.by and answer.at  # who and when
    doc = _status(repo, capsys)
    assert doc["v.supported"]["state"] == "done" and doc["v.supported"]["to_confirm"] == ""
    assert doc["summary"]["to_confirm"] == 0


def test_mark_done_without_supporting_evidence_adds_no_confirmation(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["mark", "v.na", "done", "--path", str(repo), "--checklist", "verd"]) == 0
    draft = DraftStore(repo).load("verd", "unreleased")
    assert draft is not None and draft.answers["v.na"].note == ""


def test_lint_warns_about_the_older_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.toml"
    old = CHECKLIST.replace('id = "verd"', 'id = "old"')
    old = old.replace(
        'detect = { proves = ["go.signal.sigterm"] }', 'detect = { any = ["go.signal.sigterm"] }'
    )
    path.write_text(old)
    assert cli.main(["lint-checklist", str(path)]) == 0
    captured = capsys.readouterr()
    assert "OK (old 1: 4 items" in captured.out
    assert captured.err.strip() == (
        f"{path}:20: sections[0].items[0].detect.any: warning: {{ any = [...] }} is read as "
        "{ proves = [...] }: say whether each detector's found proves the item or only "
        "supports it"
    )
