"""`link_kind` answers from name and folder facts worked out once each: the same kind as the
rule spelled out per path, on every shape of path, asked in any order and again."""

from __future__ import annotations

import itertools

import pytest

from golive_tui.core.filenames import is_dockerfile
from golive_tui.core.services import kinds
from golive_tui.core.services.kinds import NEVER_LINKS, link_kind

_FOREIGN = {"vendor", "third_party", "testdata", "node_modules"}


def _rule(path: str) -> str:
    """The rule as written before the facts were remembered."""
    if path.endswith(NEVER_LINKS):
        return ""
    base = path.rpartition("/")[2]
    lower = base.lower()
    segments = path.split("/")
    if "erfile" in lower and is_dockerfile(lower):
        return "" if any(s in _FOREIGN for s in segments[:-1]) else "dockerfile"
    if path.startswith(".github/workflows/") or path in (".gitlab-ci.yml", ".circleci/config.yml"):
        return "ci"
    if any(s in ("node_modules", "testdata") for s in segments[:-1]):
        return ""
    if (
        lower
        in ("makefile", "gnumakefile", "justfile", ".ko.yaml", "taskfile.yml", "taskfile.yaml")
        or "goreleaser" in lower
        or lower in (".promu.yml", ".promu.yaml")
        or lower.endswith((".mk", ".sh"))
        or ("." not in base and any(s in ("hack", "scripts", "script", "build") for s in segments))
    ):
        return "build"
    if lower.endswith((".yaml", ".yml")) and not path.startswith(".github/"):
        return "manifest"
    return ""


FOLDERS = [
    *("", "a", "a/b", "a//b", ".github", ".github/workflows", ".github/x", ".circleci"),
    *("vendor", "a/vendor", "third_party/x", "testdata", "a/node_modules/b", "vendorx"),
    *("hack", "a/scripts", "script/x", "build", "a/build/b", "builds", "Hack", "deploy/k8s"),
]
NAMES = [
    *("Dockerfile", "dockerfile", "Dockerfile.prod", "api.Dockerfile", "Containerfile"),
    *("Makefile", "GNUmakefile", "makefile", "Justfile", ".ko.yaml", "Taskfile.yml"),
    *(".goreleaser.yml", "goreleaser.yaml", ".promu.yml", "x.mk", "run.sh", "RUN.SH"),
    *("build", "hack", "script", "scripts", "tool", "x.yaml", "x.YML", "x.yml.bak"),
    *("ci.yml", "config.yml", ".gitlab-ci.yml", "main.go", "README.md", "x.json", ""),
    *("a.b", ".hidden", "Σ.yaml", "erfile", "buildfile"),
]
PATHS = [f"{d}/{n}" if d else n for d in FOLDERS for n in NAMES]
PATHS += [".gitlab-ci.yml", ".circleci/config.yml", "a/.gitlab-ci.yml"]


def test_every_path_shape_gets_the_kind_the_rule_gives() -> None:
    for path in PATHS + PATHS[::-1]:  # twice, in two orders: remembered facts change nothing
        assert link_kind(path) == _rule(path), path


def test_the_tables_start_afresh_past_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kinds, "_MAX_ENTRIES", 4)
    monkeypatch.setattr(kinds, "_names", {})
    monkeypatch.setattr(kinds, "_folders", {})
    for path in itertools.islice(itertools.cycle(PATHS), 3 * len(PATHS)):
        assert link_kind(path) == _rule(path), path
        assert len(kinds._names) <= 4 and len(kinds._folders) <= 4
