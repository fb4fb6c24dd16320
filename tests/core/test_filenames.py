"""The one naming rule: every place that asks "is this a Dockerfile / a golangci config" agrees."""

from __future__ import annotations

import pytest

from golive_tui.core import filenames
from golive_tui.core.scan.detectors import common
from golive_tui.core.scan.detectors.dockerfile import EXTRACTORS as DOCKER
from golive_tui.core.scan.detectors.golangci import EXTRACTORS as GOLANGCI
from golive_tui.core.services.kinds import link_kind
from golive_tui.tui.widgets.detail import lexer_for

DOCKERFILE_NAMES = [
    ("Dockerfile", "canonical"),
    ("Containerfile", "canonical"),
    ("dockerfile", "canonical"),
    ("Dockerfile-arm", "variant"),
    ("Dockerfile-build", "variant"),
    ("Dockerfile_alpine", "variant"),
    ("dockerfile.auth", "variant"),
    ("build/docker/Dockerfile.prod", "variant"),
    ("deploy/api.Dockerfile", "variant"),
    ("Containerfile.ubi", "variant"),
    ("images/worker.containerfile", "variant"),
    # negative twins: documents, code, templates and look-alikes
    ("Dockerfile.md", ""),
    ("dockerfile_test.go", ""),
    ("docs/Dockerfile-guide.txt", ""),
    ("pkg/detectors/dockerfile.py", ""),
    ("deploy/Dockerfile.tmpl", ""),
    ("Dockerfile.template", ""),
    ("Dockerfile.example", ""),
    ("Dockerfile.dockerignore", ""),
    ("testdata/parser/Dockerfile.golden", ""),
    ("Dockerfiles", ""),
    ("Dockerfile.", ""),
    ("Dockerfile-", ""),
    ("mydockerfile", ""),
    (".dockerfile", ""),
    ("dockerfiles/README", ""),
]


@pytest.mark.parametrize(("path", "kind"), DOCKERFILE_NAMES)
def test_dockerfile_names(path: str, kind: str) -> None:
    assert filenames.dockerfile_kind(path) == kind
    assert common.is_dockerfile(path) is bool(kind)


@pytest.mark.parametrize(("path", "kind"), DOCKERFILE_NAMES)
def test_discovery_detectors_and_source_view_agree(path: str, kind: str) -> None:
    """Discovery links, the Dockerfile family reads, and the walker highlights the same files."""
    assert (link_kind(path) == "dockerfile") is bool(kind)
    assert DOCKER[0].matches(path) is bool(kind)
    if kind:
        assert lexer_for(path) == "docker"


@pytest.mark.parametrize(
    "path",
    ["vendor/github.com/x/y/Dockerfile", "third_party/z/Dockerfile-arm", "a/testdata/Dockerfile"],
)
def test_someone_elses_dockerfile_is_neither_linked_nor_read(path: str) -> None:
    assert link_kind(path) == ""
    assert DOCKER[0].matches(path) is False


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (".golangci.yml", "yaml"),
        (".golangci.yaml", "yaml"),
        ("golangci.yml", "yaml"),
        ("build/golangci.yaml", "yaml"),
        (".golangci.toml", "toml"),
        ("golangci.toml", "toml"),
        (".golangci.json", "json"),
        ("tools/.golangci.json", "json"),
        # negative twins
        ("golangci.yml.example", ""),
        (".golangci.yml.bak", ""),
        ("golangci-lint.yml", ""),
        (".golangci", ""),
        ("my.golangci.yml", ""),
        (".golangci.ini", ""),
        ("docs/golangci.md", ""),
    ],
)
def test_golangci_names(path: str, fmt: str) -> None:
    assert filenames.golangci_format(path) == fmt
    assert GOLANGCI[0].matches(path) is bool(fmt)


@pytest.mark.parametrize("path", ["vendor/x/.golangci.yml", "testdata/golangci.toml"])
def test_someone_elses_golangci_config_is_not_read(path: str) -> None:
    assert filenames.golangci_format(path)
    assert GOLANGCI[0].matches(path) is False
