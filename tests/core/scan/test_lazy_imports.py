"""Heavy modules a scan answered from the per-file cache never needs stay unimported.

Each check runs in a fresh interpreter: which modules a process has imported is the fact under
test, and this test process has imported everything already.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


def _run(code: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout.strip()


def _committed(repo: Path, tmp_path: Path) -> dict[str, str]:
    """Commit everything in `repo` (a new repository); the environment of a scan of it, with
    a user cache of its own."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "svc"], check=True)
    return {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}


def test_families_load_without_pyyaml_and_parse_with_it() -> None:
    out = _run(
        """
        import sys
        from golive_tui.core.scan.detectors import load_families, yamlutil
        load_families()
        print("yaml" in sys.modules, yamlutil.scalar(None))
        docs = yamlutil.load_all("jobs:\\n  test: {runs-on: x}\\n")
        test = yamlutil.get(yamlutil.get(docs[0], "jobs"), "test")
        print("yaml" in sys.modules, isinstance(test, yamlutil.MappingNode),
              yamlutil.scalar(yamlutil.get(test, "runs-on")), yamlutil.line(test))
        """
    )
    assert out.splitlines() == ["False None", "True True x 2"]


def test_pyyaml_imported_first_binds_the_real_node_classes() -> None:
    out = _run(
        """
        import yaml
        from golive_tui.core.scan.detectors import yamlutil
        node = yaml.compose("a: b")
        print(yamlutil.scalar(yamlutil.get(node, "a")))
        """
    )
    assert out == "b"


def test_a_second_scan_process_parses_no_shipped_toml(tmp_path: Path) -> None:
    code = """
        import sys
        from golive_tui.core.scan.detectors import load_families
        from golive_tui.core.scan.detectors.catalog import shipped_catalog
        from golive_tui.core.scan.detectors.go.rules import rules
        load_families()
        print(len(shipped_catalog()) > 0, len(rules().imports) > 0, "tomllib" in sys.modules)
        """
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    first = _run(code, env)
    again = _run(code, env)
    assert first == "True True True"  # parsed, and remembered
    assert again == "True True False"


def test_a_scan_speaks_evidence_without_the_checklist_vocabulary() -> None:
    out = _run(
        """
        import sys
        from golive_tui.core.scan.detectors import load_families
        import golive_tui.core.scan.engine
        load_families()
        print("golive_tui.core.model" in sys.modules)
        from golive_tui.core import evidence, model
        print(model.Evidence is evidence.Evidence, model.Status.FOUND is evidence.Status.FOUND)
        """
    )
    assert out.splitlines() == ["False", "True True"]


def test_the_go_header_scanner_comes_without_the_go_family_or_openssl() -> None:
    """Service discovery compares an edited Go file's package and imports with the light
    header scanner: that must not import the Go family's checks, ast-grep or hashlib."""
    out = _run(
        """
        import sys
        from golive_tui.core.git.worktree import blob_sha
        from golive_tui.core.scan.detectors.go.imports import import_paths
        print(blob_sha(b"package main\\n"), import_paths('package main\\nimport "net/http"\\n'))
        print(any(m in sys.modules for m in (
            "golive_tui.core.scan.detectors.go.extractor", "ast_grep_py", "hashlib")))
        from golive_tui.core.scan.detectors import go
        print(go.EXTRACTORS[0].name, "golive_tui.core.scan.detectors.go.extractor" in sys.modules)
        """
    )
    assert out.splitlines() == [
        "06ab7d0f9a35a7d1070711496d6ca1cb892a258f ['net/http']",
        "False",
        "go_source True",
    ]


def test_a_cold_scan_imports_no_dataclasses_hashlib_or_tempfile(tmp_path: Path) -> None:
    """The scan's value types are NamedTuples or slotted classes, its hashes come from
    core/hashing.py and its atomic writes make their own temporary file: a whole cold scan
    (Go, go.mod, Dockerfile, CI) never imports these (~15 ms of every scan's start-up)."""
    repo = tmp_path / "svc"
    (repo / "cmd" / "api").mkdir(parents=True)
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / "go.mod").write_text("module example.com/svc\n\ngo 1.22\n")
    (repo / "cmd" / "api" / "main.go").write_text(
        'package main\n\nimport (\n\t"net/http"\n\t"os/signal"\n)\n\n'
        'func main() {\n\tsignal.Notify(nil)\n\t_ = &http.Server{Addr: ":8080"}\n}\n'
    )
    (repo / "Dockerfile").write_text(
        "FROM golang:1.22 AS build\nRUN go build -o /api ./cmd/api\n"
        "FROM gcr.io/distroless/static\nCOPY --from=build /api /api\nUSER nonroot\n"
    )
    (repo / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: go test -race ./...\n"
    )
    env = _committed(repo, tmp_path)
    out = _run(
        f"""
        import io, sys, contextlib
        sys.argv = ["golive", "scan", "--no-cache", "--format", "json"]
        import os; os.chdir({str(repo)!r})
        from golive_tui.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            try:
                main()
            except SystemExit:
                pass
        import json
        found = dict((d['id'], d['status']) for d in json.loads(printed.getvalue())['detectors'])
        print(found['go.signal.sigterm'], found['docker.non_root_user'], found['ci.race'])
        print(sorted(m for m in ("dataclasses", "inspect", "hashlib", "hmac", "tempfile")
                     if m in sys.modules))
        """,
        env,
    )
    assert out.splitlines() == ["found found found", "[]"]


def test_a_scan_after_an_edit_loads_only_what_the_edited_file_needs(tmp_path: Path) -> None:
    """A warm scan after editing one Go file extracts that file alone: ast-grep's extension
    module without its package (whose `__init__` builds typing classes), no compiled trigger
    pattern, and none of the handler-only patterns a file without SQL, headers or
    hand-rolled routing needs; the results are a scan's from scratch. Importing the package
    afterwards binds the same classes."""
    repo = tmp_path / "svc"
    repo.mkdir()
    (repo / "go.mod").write_text("module example.com/svc\n\ngo 1.22\n")
    main = repo / "main.go"
    main.write_text(
        'package main\n\nimport (\n\t"net/http"\n\t"os/signal"\n\t"syscall"\n)\n\n'
        "func main() {\n\tsignal.Notify(nil, syscall.SIGTERM)\n"
        '\t_ = &http.Server{Addr: ":8080"}\n}\n'
    )
    env = _committed(repo, tmp_path)
    scan = f"""
        import io, sys, contextlib, json
        sys.argv = ["golive", "scan", "--format", "json", *sys.argv[1:]]
        import os; os.chdir({str(repo)!r})
        from golive_tui.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            try:
                main()
            except SystemExit:
                pass
        doc = json.loads(printed.getvalue())
        print(json.dumps(doc["detectors"]), doc["stats"]["parsed_go_files"])
        """
    _run(scan, env)  # the per-file cache filled
    with main.open("a") as f:
        f.write("// edited\n")
    out = _run(
        scan
        + """
        from golive_tui.core.scan.detectors.go import extractor, imports, rules
        from golive_tui.core.scan.detectors.go import handrolled, routetable
        from golive_tui.core.scan.detectors.go.checks import bodies, headers, sql
        print("ast_grep_py" in sys.modules, "ast_grep_py.ast_grep_py" in sys.modules)
        lazy = (bodies._SERVES, headers._HSTS_OFF, sql._CTX_ARG, handrolled._PATH_CMP,
                routetable._HOST, imports._CONSTRAINT_TOKEN, rules.rules().sql_keywords)
        print(extractor._triggers.cache_info().currsize,
              sum(p.cache_info().currsize for p in lazy))
        from golive_tui.core.scan.detectors.go import astgrep
        import ast_grep_py
        print(ast_grep_py.SgRoot is astgrep.SgRoot, ast_grep_py.SgNode is astgrep.SgNode)
        """,
        env,
    )
    fresh = _run(scan.replace('"json", *', '"json", "--no-cache", *'), env)
    lines = out.splitlines()
    assert lines[0].rsplit(" ", 1)[1] == "1"  # the edited file alone was parsed
    assert lines[0].rsplit(" ", 1)[0] == fresh.rsplit(" ", 1)[0]
    assert lines[1:] == ["False True", "0 0", "True True"]


def test_the_walkers_scan_process_imports_no_model_dataclasses_or_json(tmp_path: Path) -> None:
    """The walker's scan process (a reviewed scan answered by the report memo) rebuilds its
    report from core/evidence.py's classes and prints no JSON: the checklist model with its
    dataclasses, inspect and json stay unimported (~40 ms of its start-up)."""
    repo = tmp_path / "svc"
    (repo / "cmd" / "api").mkdir(parents=True)
    (repo / "go.mod").write_text("module example.com/svc\n\ngo 1.22\n")
    (repo / "cmd" / "api" / "main.go").write_text(
        'package main\n\nimport "os/signal"\n\nfunc main() { signal.Notify(nil) }\n'
    )
    (repo / "Dockerfile").write_text("FROM scratch\nCOPY api /api\n")
    env = _committed(repo, tmp_path)
    code = f"""
        import sys
        from pathlib import Path
        from golive_tui.core.reviewed import reviewed_scan
        scanned = reviewed_scan(Path({str(repo)!r}))
        found = {{r.id: str(r.status) for r in scanned.results}}
        print(found["go.signal.sigterm"], scanned.state is not None)
        print(sorted(m for m in ("golive_tui.core.model", "dataclasses", "inspect", "json")
                     if m in sys.modules))
        """
    first = _run(code, env)  # fills the report memo
    again = _run(code, env)  # answered by it, as the walker's scan usually is
    assert first.splitlines()[0] == again.splitlines()[0] == "found True"
    assert again.splitlines()[1] == "[]"
