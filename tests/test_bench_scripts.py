"""The speed benchmark's moving parts work: arguments, corpora, rivals' commands, the targets
table and one whole run on a tiny repository. No figure is asserted: timing belongs to the
benchmark's output, never to a test."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import RepoFactory

ROOT = Path(__file__).resolve().parents[1]
SERVER = """package main

import (
\t"net/http"
\t"os/signal"
\t"syscall"
\t"os"
\t"time"
)

func main() {
\tsrv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
\tstop := make(chan os.Signal, 1)
\tsignal.Notify(stop, syscall.SIGTERM)
\t_ = srv
}
"""

CITED = ("m0/cmd/api/main.go", "m2/cmd/api/main.go", "m2/cmd/api/main_test.go", "m2/go.mod")


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    names = ("harness", "corpus", "rivals", "speed_bench")
    return {name: importlib.import_module(name) for name in names}


def _source(make_repo: RepoFactory) -> Path:
    return make_repo(
        {
            "cmd/api/main.go": SERVER,
            "cmd/api/main_test.go": "package main\n// http.Server{ in a test\n",
            "vendor/x/x.go": "package x\nvar s = http.Server{}\n",
            "go.mod": "module example.com/api\n\ngo 1.22\n",
        }
    )


def test_arguments_defaults_and_refusals(
    bench: dict[str, ModuleType], capsys: pytest.CaptureFixture[str]
) -> None:
    speed = bench["speed_bench"]
    args = speed.parse_args([])
    assert args.cases == ["repo", "mono", "stale"]
    assert args.copies == 8 and args.runs == 5 and args.baseline is None
    assert speed.parse_args(["--cases", "stale, repo"]).cases == ["stale", "repo"]
    for bad in (["--cases", "repo,walker"], ["--copies", "1"], ["--baseline", "/nonexistent"]):
        with pytest.raises(SystemExit) as exc:
            speed.parse_args(bad)
        assert exc.value.code == 2
    assert "--baseline /nonexistent: not an executable golive" in capsys.readouterr().err


def test_missing_source_is_a_clear_error(
    bench: dict[str, ModuleType], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = bench["speed_bench"].main(["--source", str(tmp_path / "nope"), "--cases", "repo"])
    assert code == 2
    assert "no such repository" in capsys.readouterr().err


def test_corpus_copies_edits_and_parks_state(
    bench: dict[str, ModuleType], make_repo: RepoFactory, tmp_path: Path
) -> None:
    corpus = bench["corpus"]
    built = corpus.build(_source(make_repo), tmp_path / "mono", 3)
    assert sorted(p.name for p in built.root.iterdir()) == [".git", "m0", "m1", "m2"]
    # The edited file is one golive cites as evidence, with an http.Server literal if any.
    cited = {"detectors": [{"evidence": [{"path": p} for p in CITED]}]}
    assert built.choose_edit(json.dumps(cited).encode()) == built.root / "m2/cmd/api/main.go"
    clean = corpus.git(built.root, "status", "--porcelain")
    assert clean == ""
    built.set_edit("round 1")
    assert "bench edit round 1" in built.edit_path.read_text()
    assert corpus.git(built.root, "status", "--porcelain").strip() == "M m2/cmd/api/main.go"
    built.restore()
    assert corpus.git(built.root, "status", "--porcelain") == ""
    # Each install's state directory is parked while the other's runs.
    state = built.root / ".git" / "golive"
    built.activate("a")
    state.mkdir()
    (state / "mine").write_text("a")
    built.activate("b")
    assert not state.exists()
    built.activate("a")
    assert (state / "mine").read_text() == "a"
    # A second build from the same commit reuses the corpus and starts with no state.
    again = corpus.build(_source(make_repo), tmp_path / "mono", 3)
    assert again.root == built.root and not state.exists()
    # A monorepo without the source's vendor/ in each copy.
    lean = corpus.build(_source(make_repo), tmp_path / "lean", 2, keep_vendor=False)
    tracked = corpus.git(lean.root, "ls-files").split()
    assert "m1/cmd/api/main.go" in tracked and not any("vendor/" in p for p in tracked)


def test_touch_all_makes_the_index_stale(
    bench: dict[str, ModuleType], make_repo: RepoFactory, tmp_path: Path
) -> None:
    corpus = bench["corpus"]
    built = corpus.build(_source(make_repo), tmp_path / "one", 1)
    index = built.root / ".git" / "index"

    def stale_entries() -> int:
        # `diff-files` compares stat data only: a touched file shows as a candidate.
        out = corpus.git(built.root, "diff-files", "--name-only")
        return len(out.split())

    assert stale_entries() == 0
    before = index.stat().st_mtime_ns
    built.touch_all(corpus.PAST + 7)
    assert stale_entries() == 4
    built.refresh()
    assert stale_entries() == 0 and index.stat().st_mtime_ns != before


def test_rival_commands_and_counts(bench: dict[str, ModuleType], tmp_path: Path) -> None:
    rivals = bench["rivals"]
    assert (
        set(rivals.AST_GREP_RULES) == set(rivals.GREP_PATTERNS) and len(rivals.GREP_PATTERNS) == 6
    )
    config = rivals.write_ast_grep_config(tmp_path)
    assert len(list((tmp_path / "rules").glob("*.yml"))) == 6
    argv = rivals.ast_grep_argv("ast-grep", config, tmp_path, include_vendor=False)
    assert "!**/vendor/**" in argv and "!**/*_test.go" in argv
    assert "!**/vendor/**" not in rivals.ast_grep_argv("ast-grep", config, tmp_path, True)
    grep = rivals.git_grep_argv(include_vendor=False)
    assert ":(exclude,glob)**/vendor/**" in grep
    out = (
        b'main.go:3:\tsrv := &http.Server{ReadHeaderTimeout: 1}\nx.go:1:import _ "net/http/pprof"\n'
    )
    assert rivals.git_grep_counts(out) == {
        "http-server-literal": 1,
        "read-header-timeout": 1,
        "pprof-import": 1,
    }


def test_a_program_named_sg_that_is_not_ast_grep_is_not_taken(
    bench: dict[str, ModuleType], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "sg"
    fake.write_text("#!/bin/sh\necho 'Usage: sg group [[-c] command]'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    assert bench["rivals"].find_ast_grep() is None


def _task(harness: ModuleType, label: str, walls: list[float]) -> object:
    task = harness.Task(label, ["true"])
    task.samples = [harness.Sample(w, w, 30.0, b"") for w in walls]
    return task


def test_targets_table_pairs_rounds_and_marks_verdicts(bench: dict[str, ModuleType]) -> None:
    harness, speed = bench["harness"], bench["speed_bench"]
    repo = [
        _task(harness, "golive warm", [0.1, 0.2, 0.1]),
        _task(harness, "golive cold", [0.5, 0.5, 0.5]),
        _task(harness, "golive edit", [0.1, 0.3, 0.1]),
        _task(harness, "ast-grep", [1.0, 1.0, 0.5]),
    ]
    rows = {row.measure: row for row in speed.target_rows({"repo": repo}, ["golive"])}
    assert rows["warm / ast-grep"].values["golive"] == pytest.approx(0.2)  # 0.1, 0.2, 0.2
    assert rows["warm / ast-grep"].verdict("golive") == "NOT met"
    assert rows["cold / ast-grep"].verdict("golive") == "NOT met"  # 0.5 > 0.4
    assert rows["edit / warm"].values["golive"] == pytest.approx(1.0)
    assert rows["edit / warm"].verdict("golive") == "met"
    assert rows["warm / git grep"].values["golive"] is None  # no git grep task here
    text = speed.render_targets(list(rows.values()), ["golive"], {"repo": "moby"})
    assert "moby" in text and "<= 0.15x" in text and "NOT met" in text


def test_one_whole_run_on_a_tiny_repository(
    bench: dict[str, ModuleType],
    make_repo: RepoFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The real golive, one round: the command lines it is given are ones it accepts."""
    source = _source(make_repo)
    argv = ["--source", str(source), "--workdir", str(tmp_path / "work"), "--runs", "1"]
    assert bench["speed_bench"].main([*argv, "--cases", "repo"]) == 0
    printed = capsys.readouterr().out
    for label in ("golive cold", "golive warm", "golive edit", "git grep", "edit / warm"):
        assert label in printed
    assert "http-server-literal 1" in printed  # git grep found the literal, not vendor/'s
    # The edit makes golive read exactly the edited file again (counters from its JSON).
    edit_line = next(line for line in printed.splitlines() if line.startswith("golive edit"))
    assert "files_read 1," in edit_line
    assert "edit: a comment appended to cmd/api/main.go" in printed
    # warm is the per-file cache alone; again and back (the edit undone) are memo hits.
    notes = {line.split()[1]: line for line in printed.splitlines() if line.startswith("golive ")}
    assert "memo hit" not in notes["warm"] and "memo hit" not in notes["edit"]
    assert "memo hit" in notes["again"] and "memo hit" in notes["back"]
    # The corpus is left as built: the edited file restored, the index fresh.
    work = tmp_path / "work" / source.name
    status = subprocess.run(
        ["git", "-C", str(work), "status", "--porcelain"], capture_output=True, text=True
    )
    assert status.stdout == ""


def test_a_baseline_runs_interleaved_in_every_case(
    bench: dict[str, ModuleType],
    make_repo: RepoFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Two installs (stand-ins that print a scan's JSON), every case, figures to a JSON file."""
    installs = []
    for name in ("new", "old"):
        fake = tmp_path / name
        scan = {
            "stats": {"go_files": 1},
            "detectors": [
                {"evidence": [{"path": "cmd/api/main.go"}, {"path": "m1/cmd/api/main.go"}]}
            ],
        }
        fake.write_text(f"#!/bin/sh\necho '{json.dumps(scan)}'\n")
        fake.chmod(0o755)
        installs.append(str(fake))
    out_json = tmp_path / "figures.json"
    argv = ["--source", str(_source(make_repo)), "--workdir", str(tmp_path / "work")]
    argv += ["--runs", "2", "--copies", "2", "--golive", installs[0], "--baseline", installs[1]]
    assert bench["speed_bench"].main([*argv, "--json", str(out_json)]) == 0
    printed = capsys.readouterr().out
    for label in ("baseline stale", "golive again", "2x ", "wall golive/baseline", "m1/cmd/api"):
        assert label in printed
    data = json.loads(out_json.read_text())
    assert set(data["cases"]) == {"repo", "mono", "stale"}
    assert len(data["cases"]["mono"]["baseline edit"]) == 2
    assert {row[1] for row in data["baseline"]} >= {"cold", "warm", "edit", "stale", "again"}
