"""Naming the repository: `-C PATH` on every command that reads one, older spellings kept, and
one clear line (exit 2) when the path cannot be used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from golive_tui import cli
from golive_tui.commands._options import REPO_HELP
from tests.conftest import RepoFactory, git

#: Commands that need a working tree, with the arguments they need besides the repository.
NEEDS_REPO: dict[str, list[str]] = {
    "walk": [],
    "status": ["--no-scan"],
    "mark": ["ops.runbook", "done", "--no-scan"],
    "sign": [],
    "cosign": ["v1.0.0"],
    "verify": [],
    "gate": [],
    "history": [],
    "diff": ["v1.0.0", "v1.1.0"],
    "export": ["v1.0.0"],
}
#: Commands that read a repository when there is one (repository-local definitions) and work
#: on the shipped ones elsewhere; `scan` also reads a plain folder (with a warning).
OPTIONAL_REPO: dict[str, list[str]] = {
    "checklists": [],
    "show": ["go-production"],
    "detectors": [],
    "lint-checklist": ["x.toml"],
    "scan": [],
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(out: str, err: str) -> str:
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("golive: "), err
    return lines[0]


@pytest.mark.parametrize("command", sorted(NEEDS_REPO))
def test_outside_a_repository(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.chdir(plain)
    code, out, err = _run(capsys, command, *NEEDS_REPO[command])
    assert code == 2
    line = _one_line_error(out, err)
    assert f"{plain}: not inside a git repository" in line and "-C PATH" in line


@pytest.mark.parametrize("command", sorted(NEEDS_REPO))
def test_in_a_bare_repository(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(tmp_path, "init", "-q", "--bare", "b.git")
    code, out, err = _run(capsys, command, *NEEDS_REPO[command], "-C", str(tmp_path / "b.git"))
    assert code == 2
    assert "is a bare repository" in _one_line_error(out, err)


@pytest.mark.parametrize("command", sorted(NEEDS_REPO | OPTIONAL_REPO))
def test_with_a_missing_path(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = {**NEEDS_REPO, **OPTIONAL_REPO}[command]
    code, out, err = _run(capsys, command, *args, "-C", str(tmp_path / "gone"))
    assert code == 2
    line = _one_line_error(out, err)
    assert "gone: no such" in line


@pytest.mark.parametrize("command", ["checklists", "show", "detectors"])
def test_definition_commands_work_outside_a_repository(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, command, *OPTIONAL_REPO[command], "-C", str(tmp_path))
    assert code == 0 and out


@pytest.mark.parametrize("command", sorted(NEEDS_REPO | OPTIONAL_REPO))
def test_every_repository_command_documents_dash_c_the_same_way(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main([command, "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps the help text
    assert f"-C PATH {REPO_HELP}" in text
    assert "--repo" not in text and "--path" not in text  # older spellings: accepted, not shown


def test_older_spellings_still_work(
    make_repo: RepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"main.go": "package main\n\nfunc main() {}\n"})
    expected = None
    for spelling in (["-C", str(root)], [str(root)]):
        code, out, _ = _run(capsys, "status", "--no-scan", "--format", "json", *spelling)
        assert code == 0
        expected = expected or json.loads(out)
        assert json.loads(out) == expected
    assert _run(capsys, "scan", str(root), "--format", "json")[0] == 0
    assert _run(capsys, "scan", "-C", str(root), "--format", "json")[0] == 0
    code, out, _ = _run(capsys, "mark", "ops.runbook", "done", "--no-scan", "--path", str(root))
    assert code == 0 and out.startswith("ops.runbook: done")
    code, out, _ = _run(capsys, "mark", "ops.runbook", "todo", "--no-scan", "-C", str(root))
    assert code == 0 and out.startswith("ops.runbook: todo")
    assert _run(capsys, "history", "--repo", str(root))[0] == 0
    assert _run(capsys, "detectors", "--path", str(root), "--format", "json")[0] == 0


def test_two_different_repositories_is_a_usage_error(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = make_repo({"a": "1\n"}), make_repo({"b": "2\n"})
    code, out, err = _run(capsys, "status", "--no-scan", "-C", str(one), str(two))
    assert code == 2
    assert "two repositories given" in _one_line_error(out, err)


def test_checklists_reads_the_named_repository(
    make_repo: RepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = json.loads(_run(capsys, "checklists", "--format", "json", "-C", str(tmp_path))[1])
    root = make_repo({".golive/config.toml": ""})
    (root / ".golive" / "checklists").mkdir(parents=True)
    source = next(e for e in shipped if e["id"] == "go-production")["path"]
    text = Path(source).read_text().replace('id = "go-production"', 'id = "team-prod"', 1)
    (root / ".golive" / "checklists" / "team-prod.toml").write_text(text)
    code, out, _ = _run(capsys, "checklists", "--format", "json", "-C", str(root))
    assert code == 0
    assert "team-prod" in {e["id"] for e in json.loads(out)}
