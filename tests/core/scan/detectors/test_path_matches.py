"""The families' `matches` answer as their plain rules do: the cheap early answers (a name
that cannot be theirs, the folder test last) change no path's answer."""

from __future__ import annotations

import pytest

from golive_tui.core import filenames
from golive_tui.core.scan.detectors import bake, build, ci, common, dockerfile, golangci, gomod

PATHS = [
    "main.go",
    "a/b.go",
    ".go",
    "..go",
    "a/.go",
    "a/..go",
    "hack/.go",
    "scripts/..go",
    "x.go/y",
    "go",
    "a/go",
    "Dockerfile",
    "x/Dockerfile.go",
    "dockerfile.prod",
    "api.Dockerfile",
    "a/CONTAINERFILE-arm",
    "docs/Dockerfile.md",
    "testdata/Dockerfile",
    "sub/.golangci.yml",
    "golangci.toml",
    ".golangci.yml.example",
    "x/golangci.json",
    "vendor/.golangci.yaml",
    "go.mod",
    "a/go.mod",
    "xgo.mod",
    "a/xgo.mod",
    "vendor/go.mod",
    "third_party/x/go.mod",
    "Makefile",
    "GNUmakefile",
    "Makefile.common",
    "build.mk",
    "vendor/Makefile",
    "hack/make.sh",
    "scripts/run",
    "scripts/.hidden",
    "ci/.x",
    "node_modules/x/run.sh",
    ".github/workflows/ci.yml",
    ".github/workflows/sub/ci.yml",
    ".gitlab-ci.yml",
    "cloudbuild.yaml",
    "deploy/cloudbuild-prod.yml",
    "docker-bake.hcl",
    "node_modules/docker-bake.hcl",
    "Taskfile.yml",
    ".goreleaser.yaml",
    ".promu.yml",
    "README.md",
    "",
]


def _is_go_file(path: str) -> bool:  # the rule before its shortcut
    return path.endswith(".go") and "." in common.basename(path).lstrip(".")


@pytest.mark.parametrize("path", PATHS)
def test_matches_follow_the_plain_rules(path: str) -> None:
    foreign = common.is_foreign(path)
    assert common.is_go_file(path) is _is_go_file(path)
    assert dockerfile.EXTRACTORS[0].matches(path) is (common.is_dockerfile(path) and not foreign)
    assert golangci.EXTRACTORS[0].matches(path) is (
        bool(filenames.golangci_format(path)) and not foreign
    )
    assert gomod.EXTRACTORS[0].matches(path) is (common.basename(path) == "go.mod" and not foreign)
    ci_rule = not (_is_go_file(path) or foreign) and bool(
        common.ci_system(path)
        or ci.is_included_makefile(path)
        or common.is_taskfile(path)
        or common.is_script(path)
        or common.is_dockerfile(path)
        or bake.is_bake_file(path)
    )
    assert ci.EXTRACTORS[0].matches(path) is ci_rule
    build_rule = not (_is_go_file(path) or foreign) and bool(
        common.is_makefile(path)
        or common.is_dockerfile(path)
        or common.is_goreleaser(path)
        or common.is_promu(path)
        or common.is_taskfile(path)
        or common.ci_system(path)
        or common.is_script(path)
    )
    assert build.EXTRACTORS[0].matches(path) is build_rule
