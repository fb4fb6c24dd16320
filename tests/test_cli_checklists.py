"""`golive checklists`, `golive show` and `golive lint-checklist` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from golive_tui.cli import main
from golive_tui.core.checklist import library as checklists
from tests.conftest import RepoFactory

SHIPPED = """\
[checklist]
id = "base"
title = "Base readiness"
version = "2.1"
description = "The shipped basics."
source = ["doc"]

[[sections]]
id = "shutdown"
title = "Shutdown and health"

[[sections.items]]
id = "shutdown.sigterm"
title = "Handle SIGTERM"
why = "w"
verify = "v"
remediation = "r"
priority = "P0"
source = "doc"
detect = { any = ["go.signal.sigterm"] }

[[sections.items]]
id = "shutdown.health"
title = "Score health endpoints"
why = "w"
verify = "v"
remediation = "r"
priority = "P2"
kind = "score"
rubric = ["none", "liveness only", "liveness and readiness"]
source = "doc"

[[profiles]]
id = "quick-gate"
title = "Quick gate"
items = ["shutdown.sigterm"]
"""

REPO = """\
[checklist]
id = "acme"
title = "ACME services"
version = "1"
description = "Base, the ACME way."
source = ["ACME standards"]
extends = "base"

[[drop]]
id = "shutdown.health"
reason = "Platform team checks it."
"""


@pytest.fixture
def repo(tmp_path: Path, make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "shipped"
    folder.mkdir()
    (folder / "base.toml").write_text(SHIPPED)
    monkeypatch.setattr(checklists, "shipped_dir", lambda: folder)
    root = make_repo({".golive/checklists/acme.toml": REPO, "cmd/api/main.go": "package main\n"})
    monkeypatch.chdir(root / "cmd")  # the repository is found by walking up
    return root


def test_checklists_table(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklists"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = [line for line in out.splitlines() if "│" in line]
    acme = next(line for line in lines if "acme" in line)
    base = next(line for line in lines if "base" in line and "acme" not in line)
    assert "repo" in acme and " 1 " in acme
    assert "shipped" in base and " 2 " in base and "quick-gate" in base and "2.1" in base


def test_checklists_json(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklists", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["origin"], r["items"], r["profiles"], r["extends"]) for r in rows] == [
        ("acme", "repo", 1, ["quick-gate"], "base"),
        ("base", "shipped", 2, ["quick-gate"], ""),
    ]
    assert rows[0]["path"] == str(repo / ".golive/checklists/acme.toml")


def test_checklists_says_when_a_repo_checklist_replaces_a_shipped_one(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".golive/checklists/base.toml").write_text(SHIPPED.replace('"2.1"', '"9"'))
    assert main(["checklists"]) == 0
    out = capsys.readouterr().out
    assert "base: the repository's definition" in out
    assert "replaces the shipped one" in out
    assert main(["checklists", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["version"], r["replaces_shipped"]) for r in rows] == [
        ("acme", "1", False),
        ("base", "9", True),
    ]


def test_checklists_reports_broken_files_and_lists_the_rest(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".golive/checklists/bad.toml").write_text('[checklist]\nid = "bad"\n')
    assert main(["checklists", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert [r["id"] for r in json.loads(out)] == ["acme", "base"]
    assert "../.golive/checklists/bad.toml:1: checklist.title: required" not in err
    assert (
        ".golive/checklists/bad.toml:1: checklist.title: required; expected a non-empty string"
        in err
    )


def test_outside_a_repository_only_shipped_checklists(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    assert main(["checklists", "--format", "json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["base"]


def test_show_renders_sections_priorities_kinds_and_detectors(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "base"]) == 0
    out = capsys.readouterr().out
    assert "Base readiness" in out
    assert "Shutdown and health" in out
    for text in ("P0", "P2", "shutdown.sigterm", "shutdown.health", "check", "score 0-2"):
        assert text in out
    assert "go.signal.sigterm" in out


def test_show_a_profile_only_shows_its_items(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "base", "--profile", "quick-gate"]) == 0
    out = capsys.readouterr().out
    assert "shutdown.sigterm" in out
    assert "shutdown.health" not in out
    assert "quick-gate" in out


def test_show_an_extension_lists_what_it_dropped(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "acme"]) == 0
    out = capsys.readouterr().out
    assert "Dropped from base" in out
    assert "shutdown.health: Platform team checks it." in out


def test_show_unknown_checklist_lists_known_ones(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "nope"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == 'golive: unknown checklist "nope"; known: acme, base\n'


def test_show_unknown_profile(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "base", "--profile", "p9"]) == 2
    assert capsys.readouterr().err == (
        "golive: checklist base has no profile 'p9'; known: quick-gate\n"
    )


def test_show_a_broken_checklist_prints_its_problems(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".golive/checklists/acme.toml").write_text(REPO.replace('"base"', '"gone"'))
    assert main(["show", "acme"]) == 1
    assert capsys.readouterr().err == (
        f"golive: {repo.resolve()}/.golive/checklists/acme.toml:7: checklist.extends: "
        'unknown checklist "gone"; expected one of acme, base\n'
    )


def test_lint_ok(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint-checklist", "../.golive/checklists/acme.toml"]) == 0
    out, err = capsys.readouterr()
    assert out == "../.golive/checklists/acme.toml: OK (acme 1: 1 items, 1 profile)\n"
    assert err == ""


def test_lint_reports_every_error_on_stderr(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = repo / "bad.toml"
    bad.write_text(
        SHIPPED.replace('priority = "P0"', 'priority = "P4"').replace('version = "2.1"', "")
    )
    good = repo / ".golive/checklists/acme.toml"
    assert main(["lint-checklist", "../bad.toml", str(good)]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "../bad.toml:1: checklist.version: required; expected a non-empty string",
        '../bad.toml:18: sections[0].items[0].priority: expected one of P0, P1, P2, got "P4"',
    ]
    assert out == f"{good}: OK (acme 1: 1 items, 1 profile)\n"


def test_lint_missing_and_invalid_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("broken.toml").write_text("[checklist\n")
    assert main(["lint-checklist", "missing.toml", "broken.toml"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "missing.toml: no such file",
        "broken.toml:1:11: invalid TOML: Expected ']' at the end of a table declaration",
    ]
