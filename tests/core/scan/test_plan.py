"""The per-file plan (filepass.FilePass._plan) asks each family the same questions as the
per-path loop it replaced: same files, same families, same order, for every scope and target."""

from __future__ import annotations

import itertools
import os
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from golive_tui.core.git.listing import RepoFile
from golive_tui.core.scan import filepass, target
from golive_tui.core.scan.buildtags import DEFAULT_TARGET, Target, name_matches
from golive_tui.core.scan.config import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, ScanConfig, Scope
from golive_tui.core.scan.detectors import FAMILIES, load_families

FOLDERS = (
    "",
    "cmd/x/",
    "hack/",
    "scripts/",
    ".github/workflows/",
    ".github/actions/a/",
    ".gitlab/ci/",
    ".circleci/",
    "vendor/v/",
    "testdata/",
    "a/testdata/b/",
    "third_party/t/",
    "node_modules/n/",
    "deploy/k8s/",
    "gen/",
    "build/",
    "ci/",
)
NAMES = (
    "main.go",
    "main_test.go",
    "x_windows.go",
    "x_linux_test.go",
    "x_windows_amd64.go",
    "linux.go",
    "Dockerfile",
    "Dockerfile.prod",
    "app.dockerfile",
    "Containerfile",
    "go.mod",
    "go.sum",
    ".golangci.yml",
    ".golangci.toml",
    "Makefile",
    "rules.mk",
    "Taskfile.yml",
    "build.sh",
    "run",
    ".env",
    "ci.yml",
    "config.yml",
    "action.yml",
    "deploy.yaml",
    "docker-compose.yml",
    ".goreleaser.yaml",
    ".promu.yml",
    "docker-bake.hcl",
    "dependabot.yml",
    "README.md",
    "x.go.go",
    "main.pb.go",
    ".go",
)
CONFIGS = (
    ScanConfig(),
    ScanConfig(target=Target("windows", "arm64")),
    ScanConfig(exclude=("**/testdata/**",)),  # tests kept
    ScanConfig(exclude=(*DEFAULT_EXCLUDE, "gen/**"), include=(*DEFAULT_INCLUDE, "gen/**/*.go")),
)
MOBY = Path("/tmp/golive-bench/moby")  # read when present, never copied


def _per_path(run: filepass.FilePass, files: list[RepoFile], extractors: list[Any]) -> list[Any]:
    """The loop the plan had before: every path asks its readability and every family."""
    plan = []
    for f in files:
        readable = run.scope.readable(f.path)
        if not readable and not run.scope.readable_test(f.path):
            continue
        if f.path.endswith(".go") and not name_matches(f.path, run.target):
            continue
        wanted = [
            e
            for e in extractors
            if (readable or getattr(e, "reads_go_tests", False)) and e.matches(f.path)
        ]
        if wanted:
            plan.append((f, wanted))
    return plan


def _check(paths: list[str]) -> None:
    extractors = [*load_families(FAMILIES).extractors, target.HEADERS]
    keys = {e.name: e.name for e in extractors}
    files = [RepoFile(p, None) for p in paths]
    for config in CONFIGS:
        cache: Any = SimpleNamespace(path=None)
        run = filepass.FilePass(None, None, cache, Scope.of(config), print, config.target)  # type: ignore[arg-type]
        assert run._plan(files, extractors, keys) == _per_path(run, files, extractors)


def test_the_plan_equals_the_per_path_loop_on_a_varied_table() -> None:
    paths = [a + b for a, b in itertools.product(FOLDERS, NAMES)]
    _check(paths)
    assert DEFAULT_TARGET.goos == "linux"


@pytest.mark.skipif(not (MOBY / ".git").exists(), reason="bench corpus absent")
def test_the_plan_equals_the_per_path_loop_on_a_real_listing() -> None:
    listed = subprocess.run(
        ["git", "-C", os.fspath(MOBY), "ls-files", "-z"], capture_output=True, check=True
    ).stdout.decode("utf-8", "surrogateescape")
    _check([p for p in listed.split("\0") if p])
