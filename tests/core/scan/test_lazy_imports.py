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
