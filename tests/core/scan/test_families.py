"""Families described once, then stood in for: a warm scan imports none of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.scan import families
from golive_tui.core.scan.detectors import FAMILIES, load_families
from golive_tui.core.scan.families import Deferred

FILES = {
    "go.mod": "module example.com/svc\n\ngo 1.22\n",
    "main.go": 'package main\n\nimport "os/signal"\n\nfunc main() { signal.Notify(nil) }\n',
    "Dockerfile": "FROM golang:1.22\nRUN go build -o /app .\n",
    "Makefile": "test:\n\tgo test -race ./...\n",
}


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "golive" / "families.marshal"


def test_stand_ins_answer_as_the_families_do(user_cache: Path) -> None:
    first = families.load(FAMILIES)
    assert user_cache.is_file()
    again = families.load(FAMILIES)
    real = load_families(FAMILIES).extractors
    assert all(isinstance(e, Deferred) for e in again.extractors)
    for stand_in, family in zip(again.extractors, real, strict=True):
        assert (stand_in.name, stand_in.version, stand_in.detectors) == (
            family.name,
            family.version,
            family.detectors,
        )
        assert stand_in.prefilter() == family.prefilter()
        assert families.family_class(stand_in) == families.family_class(family)
        assert families.source_file(stand_in) == families.source_file(family)
        for flag in ("reads_go_tests", "finalize_sorts", "skips_go_files"):  # the plan's asks
            assert getattr(stand_in, flag) is getattr(family, flag, False), flag
        for path in ("a.go", "a_test.go", "Dockerfile", ".github/workflows/ci.yml", "go.mod"):
            assert stand_in.matches(path) == family.matches(path)
    assert first.owner.keys() == again.owner.keys()


def test_a_stand_in_once_imported_is_the_family(user_cache: Path) -> None:
    """After the import, the stand-in hands matching and extraction to the family itself
    (no call of its own around each), with the same answers, probes included."""
    families.load(FAMILIES)
    again = families.load(FAMILIES)
    paths = ("a.go", "a_test.go", "Dockerfile", "Makefile", "go.mod", "deploy/app.yaml", "x")
    for stand_in in again.extractors:
        assert isinstance(stand_in, Deferred)
        before = [stand_in.matches(p) for p in paths]  # the first path not a probe imports
        family = stand_in.real()
        assert stand_in.matches == family.matches
        assert stand_in.extract == family.extract
        assert before == [family.matches(p) for p in paths]
        assert [stand_in.matches(p) for p in paths] == before


def test_another_code_stamp_or_a_damaged_file_imports_them(
    user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    families.load(FAMILIES)
    monkeypatch.setattr(families, "code_stamp", lambda: "other code")
    assert not any(isinstance(e, Deferred) for e in families.load(FAMILIES).extractors)
    user_cache.write_bytes(b"\x00damaged")
    assert not any(isinstance(e, Deferred) for e in families.load(FAMILIES).extractors)


def test_a_second_scan_process_imports_no_family(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = make_repo(FILES)
    code = f"""
        import json, sys
        from golive_tui.core.scan.engine import scan
        report = scan({str(root)!r})
        loaded = sorted(m for m in sys.modules if m.startswith("golive_tui.core.scan.detectors."))
        print(json.dumps([[r.id, r.status.value, r.summary] for r in report.results]))
        print(json.dumps(loaded))
        """
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        return done.stdout.splitlines()

    cold_results, cold_loaded = run()
    warm_results, warm_loaded = run()
    assert warm_results == cold_results
    assert "golive_tui.core.scan.detectors.go.extractor" in json.loads(cold_loaded)
    family_modules = {
        f"golive_tui.core.scan.detectors.{m}" for m in ("go", "ci", "dockerfile", "k8s")
    }
    assert family_modules <= set(json.loads(cold_loaded))
    assert not family_modules & set(json.loads(warm_loaded))
