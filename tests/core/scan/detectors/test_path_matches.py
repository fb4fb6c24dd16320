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


# Every folder shape the rules look at (foreign, script and documentation folders at any
# depth, CI prefixes, case, non-ASCII) crossed with every name shape they look at.
FOLDERS = [
    *("", "a", "a/b", "a//b", "hack", "a/hack", "hack/a", "scripts/x", "script", "ci", ".ci"),
    *("build", "tools", "tool", "HACK", "vendor", "a/vendor", "vendorx", "xvendor", "testdata"),
    *("a/testdata/b", "node_modules", "third_party", ".git", ".gitx", "docs", "Docs", "doc"),
    *("documentation", "examples/x", "EXAMPLE", "a/example", ".github", ".github/workflows"),
    *(".github/workflows/sub", ".github/actions/x", ".GITHUB/Workflows", ".gitlab/ci"),
    *(".gitlab/ci/x", ".circleci", ".buildkite", ".woodpecker", ".woodpeckerx", "ΑΣ", "x/ΣΑ"),
    *("hack/vendor", "vendor/hack", "docs/hack"),
]
NAMES = [
    *("Makefile", "makefile", "MAKEFILE", "GNUmakefile", "x.mk", "x.MK", "Makefile.common"),
    *("Makefile.md", "GNUmakefile.inc", "makefile.x", "Makefile.", "Makefile.a b"),
    *("run.sh", "run.bash", "run.SH", "run", ".run", "..run", "..", ".", "", "a b", "ſ.sh"),
    *(".yml", "..yaml", "a.yml", "a.YAML", "a.Yml", "ci.yml", "action.yml", "action.yaml"),
    *(".gitlab-ci.yml", "x.gitlab-ci.yml", "config.yml", "config.yaml", ".drone.yml"),
    *(".travis.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml", "cloudbuild.yaml"),
    *("x-cloudbuild.yml", "cloudbuild.test.yaml", "Cloudbuild.yaml", "cloudbuildx.yml"),
    *("Dockerfile", "Dockerfile.go", "dockerfile.prod", "api.Dockerfile", "Containerfile-arm"),
    *("Dockerfile.md", "dockerfile_test.go", "x.go", ".go", "..go", "a.go.go", "go", "x.go "),
    *("Taskfile.yml", "taskfile.dist.yaml", "TASKFILE.YML", ".goreleaser.yml", "goreleaser.yaml"),
    *(".GoReleaser.yaml", ".promu.yml", ".promu.yaml", ".Promu.yml", "docker-bake.hcl"),
    *("docker-bake.override.json", "Docker-bake.hcl", "docker-compose.yml", "compose.yaml"),
    *(".golangci.yml", "README.md", "x.json", "K8S.YML", "İ.yml", "ΑΣ.yml", "deploy.yaml"),
    *("K.yml", "job.yml.tmpl", "x.yaml~"),
]
SHAPES = [f"{d}/{n}" if d else n for d in FOLDERS for n in NAMES]


def _k8s_rule(path: str) -> bool:  # the Kubernetes family's rule before the path classes
    low = path.lower()
    if not low.endswith((".yaml", ".yml")) or common.is_foreign(path):
        return False
    if any(
        part in {"example", "examples", "docs", "doc", "documentation"}
        for part in low.split("/")[:-1]
    ):
        return False
    return not (
        common.ci_system(path)
        or low.startswith(".github/")
        or common.is_taskfile(path)
        or common.is_goreleaser(path)
        or common.basename(low).startswith((".golangci", "docker-compose", "compose."))
    )


def test_the_path_classes_answer_as_the_rules_over_many_shapes() -> None:
    from golive_tui.core.scan.detectors import k8s

    assert len(SHAPES) > 3000
    for path in SHAPES + PATHS:
        test_matches_follow_the_plain_rules(path)
        assert k8s.EXTRACTORS[0].matches(path) is _k8s_rule(path), path
    assert sum(map(ci.EXTRACTORS[0].matches, SHAPES)) > 300  # the shapes reach every rule
    assert sum(map(k8s.EXTRACTORS[0].matches, SHAPES)) > 100


def test_only_an_l_lowers_to_an_l() -> None:
    """The Kubernetes family's first answer: a path whose lowered form ends in `.yml` or
    `.yaml` ends in `l` or `L` (no other character lowers to one ending in `l`)."""
    ends = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    assert sorted(c for c in ends if c.lower().endswith("l")) == ["L", "l"]


def test_a_family_that_skips_go_files_wants_none() -> None:
    """`skips_go_files` (common.GO_FILE_PROMISE): no Go file the plan leaves out is one the
    family would want, on every shape (the plan's own test compares whole plans)."""
    from golive_tui.core.scan.detectors import FAMILIES, load_families

    families = [
        e for e in load_families(FAMILIES).extractors if getattr(e, common.GO_FILE_PROMISE, False)
    ]
    assert {e.name for e in families} >= {"ci", "build", "k8s", "dockerfile", "gomod", "golangci"}
    go_names = [n for n in NAMES if n.endswith(".go")] + ["x_test.go", "a.pb.go", "Dockerfile.go"]
    shapes = [f"{d}/{n}" if d else n for d in FOLDERS for n in go_names]
    for path in shapes + PATHS:
        if path.endswith(".go") and path[-4:-3] not in ("", ".", "/"):
            assert not any(e.matches(path) for e in families), path
