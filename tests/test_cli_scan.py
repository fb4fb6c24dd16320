"""`golive scan` and `golive detectors` from the command line: output streams and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from golive_tui import cli
from golive_tui.core.scan.detectors.catalog import shipped_catalog
from tests.conftest import RepoFactory, git

MAIN = """package main

import (
\t"os"
\t"os/signal"
\t"syscall"
)

func main() {
\tc := make(chan os.Signal, 1)
\tsignal.Notify(c, syscall.SIGTERM)
}
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_goes_to_stdout_only(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"main.go": MAIN, "go.mod": "module example.com/x\n\ngo 1.22\n"})
    code, out, _err = _run(capsys, "scan", str(root), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == 1
    assert doc["repo"]["root"] == str(root.resolve())
    assert len(doc["detectors"]) == len(shipped_catalog())


def test_text_output_groups_by_area(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"main.go": MAIN, "bin.go": b"\x00\x01"})
    code, out, err = _run(capsys, "scan", str(root))
    assert code == 0
    assert "container" in out and "go.signal.sigterm" in out
    assert "files" in out  # the stats line
    assert "skipped bin.go: binary" in err  # diagnostics on stderr, not in the table


def test_the_table_is_the_json_document_and_comes_from_the_memo(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table is drawn from the document `--format json` prints, answered by the scan memo
    when nothing changed: each row's status, summary and first evidence are the document's."""
    root = make_repo({"main.go": MAIN, "go.mod": "module example.com/x\n\ngo 1.22\n"})
    code, first, _err = _run(capsys, "scan", str(root))
    assert code == 0
    memos = list((root / ".git" / "golive" / "cache" / "reports").glob("*.memo"))
    assert len(memos) == 1  # kept by the table's scan, as by the JSON's
    code, out, _err = _run(capsys, "scan", str(root), "--format", "json")
    document = json.loads(out)
    assert document["stats"]["timings"].keys() == {"locate", "list", "memo"}  # a memo hit
    _, again, _err = _run(capsys, "scan", str(root))
    stats = document["stats"]
    without_seconds = [line for line in again.splitlines() if "cache hits" not in line]
    assert without_seconds == [line for line in first.splitlines() if "cache hits" not in line]
    assert f"{stats['files']} files, {stats['go_files']} Go source files" in again
    sigterm = next(d for d in document["detectors"] if d["id"] == "go.signal.sigterm")
    evidence = sigterm["evidence"][0]
    row = next(line for line in again.splitlines() if "go.signal.sigterm" in line)
    assert f"{evidence['path']}:{evidence['line']}" in row


def test_detector_filter(make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({"main.go": MAIN})
    code, out, _ = _run(
        capsys, "scan", str(root), "--format", "json", "--detector", "go.pprof", "docs.readme"
    )
    assert code == 0
    assert [d["id"] for d in json.loads(out)["detectors"]] == ["go.pprof", "docs.readme"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--detector", "no.such.detector"], "unknown detector"),
        (["--commit", "no-such-rev"], "not a commit"),
    ],
)
def test_usage_errors_exit_2(
    make_repo: RepoFactory,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    root = make_repo({"main.go": MAIN})
    code, out, err = _run(capsys, "scan", str(root), *argv)
    assert code == 2
    assert out == ""
    assert message in err and "Traceback" not in err


def test_missing_path_exits_2_with_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "golive_tui", "scan", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0
    assert "no such file or directory" in proc.stderr


def test_bare_repository_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(tmp_path, "init", "-q", "--bare", "b.git")
    code, _, err = _run(capsys, "scan", str(tmp_path / "b.git"))
    assert code == 2 and "bare repository" in err


def test_bad_config_exits_2(make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({"main.go": MAIN, ".golive/config.toml": "[scan]\ninclude = 3\n"})
    code, out, err = _run(capsys, "scan", str(root), "--format", "json")
    assert code == 2 and out == ""
    assert ".golive/config.toml:2: scan.include: expected a list" in err


def test_bad_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["scan", "--format", "yaml"])
    assert exc.value.code == 2


def test_scan_of_a_plain_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.go").write_text(MAIN)
    code, out, _ = _run(capsys, "scan", str(tmp_path), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["repo"]["head"] is None
    assert all(e["blob"] is None for d in doc["detectors"] for e in d["evidence"])
    assert doc["warnings"]


def test_no_cache_and_commit_flags(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"main.go": MAIN})
    _run(capsys, "scan", str(root), "--format", "json")
    code, out, _ = _run(capsys, "scan", str(root), "--format", "json", "--no-cache")
    assert code == 0 and json.loads(out)["stats"]["cache_hits"] == 0
    code, out, _ = _run(capsys, "scan", str(root), "--format", "json", "--commit", "HEAD")
    assert code == 0 and json.loads(out)["repo"]["head"] == git(root, "rev-parse", "HEAD")


def test_detectors_lists_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "detectors", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows][: len(shipped_catalog())] == list(shipped_catalog())
    assert set(rows[0]) >= {"id", "family", "title", "looks_for"}
    code, out, _ = _run(capsys, "detectors")
    assert code == 0 and "go.signal.sigterm" in out
