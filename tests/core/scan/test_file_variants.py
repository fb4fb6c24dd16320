"""Dockerfiles and golangci configs under every name they go by, on small repositories: the
variants count, their negative twins (documents, Go tests, examples, someone else's copy and
another service's file) never do."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.model import Status
from golive_tui.core.scan.engine import scan
from golive_tui.core.services.discover import discover

GO_MOD = "module example.com/shop\n\ngo 1.22\n"
MAIN = "package main\n\nfunc main() {}\n"


def image(pkg: str, base: str = "gcr.io/distroless/static:nonroot") -> str:
    return (
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n"
        f"RUN CGO_ENABLED=0 go build -o /out/app ./{pkg}\n"
        f'FROM {base}\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n'
    )


DOCKERFILES = {
    "Dockerfile-arm": image("cmd/api", "arm64v8/alpine:3.20"),
    "Dockerfile-build": image("cmd/api"),
    "dockerfile.auth": image("cmd/auth"),
    "build/docker/Dockerfile.prod": image("cmd/api"),
    "deploy/api.Dockerfile": image("cmd/api"),
    "Containerfile": image("cmd/api"),
}
TWINS = {
    # documents and code that merely talk about Dockerfiles: each holds a FROM line
    "Dockerfile.md": "# Our images\n\n    FROM scratch\n",
    "dockerfile_test.go": "package main\n\nconst df = `\nFROM scratch\n`\n",
    "docs/Dockerfile-guide.txt": "FROM alpine is what we use.\n",
    # a Dockerfile-like name without a FROM line is a note, not a Dockerfile (nor an error)
    "docs/Dockerfile-notes": "Build with docker buildx; see the Makefile.\n",
    # someone else's
    "vendor/github.com/x/tool/Dockerfile": "FROM ubuntu:22.04\nUSER root\n",
    "testdata/Dockerfile-arm": "FROM ubuntu:22.04\nUSER root\n",
}


def _result(report: Any, detector: str) -> Any:
    return next(r for r in report.results if r.id == detector)


def test_every_dockerfile_name_counts_and_no_twin_does(make_repo: RepoFactory) -> None:
    files = {"go.mod": GO_MOD, "cmd/api/main.go": MAIN, **DOCKERFILES, **TWINS}
    report = scan(make_repo(files), use_cache=False, all_code=True)
    multistage = _result(report, "docker.multistage")
    assert multistage.status is Status.FOUND
    assert sorted(e.path for e in multistage.evidence) == sorted(DOCKERFILES)
    non_root = _result(report, "docker.non_root_user")
    assert {e.path for e in non_root.evidence} <= set(DOCKERFILES)  # no vendored USER root
    ignore = _result(report, "docker.dockerignore")
    assert {e.facts["dockerfile"] for e in ignore.evidence} == set(DOCKERFILES)


def test_only_twins_is_not_applicable(make_repo: RepoFactory) -> None:
    files = {"go.mod": GO_MOD, "cmd/api/main.go": MAIN, **TWINS}
    report = scan(make_repo(files), use_cache=False, all_code=True)
    assert _result(report, "docker.multistage").status is Status.NOT_APPLICABLE


def test_variant_names_link_services_and_stay_in_their_own_scope(
    make_repo: RepoFactory,
) -> None:
    """`dockerfile.auth` builds the auth service: discovery links it there, and the api
    service's scan never reads it (its scratch image would be contrary evidence)."""
    files = {
        "go.mod": GO_MOD,
        "cmd/api/main.go": MAIN,
        "cmd/auth/main.go": MAIN,
        "build/docker/Dockerfile-api": image("cmd/api"),
        "dockerfile.auth": image("cmd/auth", "scratch"),
        "vendor/github.com/x/tool/Dockerfile": "FROM golang:1.22\nRUN go build ./cmd/auth\n",
    }
    root = make_repo(files)
    found = discover(root)
    api, auth = found.get("api"), found.get("auth")
    assert api is not None and auth is not None
    assert api.dockerfiles == ("build/docker/Dockerfile-api",)
    assert auth.dockerfiles == ("dockerfile.auth",)
    api_report = scan(root, use_cache=False, service=api)
    assert [e.path for e in _result(api_report, "docker.multistage").evidence] == [
        "build/docker/Dockerfile-api"
    ]
    auth_certs = _result(scan(root, use_cache=False, service=auth), "docker.ca_certificates")
    assert auth_certs.status is Status.CONTRARY  # scratch, runnable, no certificates


V2_YAML = 'version: "2"\nlinters:\n  default: standard\n  enable:\n    - gosec\n'
V1_TOML = '[linters]\ndisable-all = true\nenable = ["errcheck", "govet"]\n'
V1_JSON = '{\n  "linters": {\n    "enable": ["bodyclose"],\n    "disable": ["errcheck"]\n  }\n}\n'
NONE_YAML = "linters:\n  disable-all: true\n"


@pytest.mark.parametrize(
    ("path", "text", "status", "facts"),
    [
        ("golangci.yml", V2_YAML, Status.FOUND, {"schema_version": "2", "linters": ["gosec"]}),
        (".golangci.toml", V1_TOML, Status.PARTIAL, {"format": "toml", "default": "none"}),
        ("golangci.toml", V1_TOML, Status.PARTIAL, {"format": "toml"}),
        (".golangci.json", V1_JSON, Status.PARTIAL, {"format": "json", "disabled": ["errcheck"]}),
        ("build/golangci.json", V1_JSON, Status.PARTIAL, {"linters": ["bodyclose"]}),
    ],
)
def test_golangci_config_under_each_name(
    make_repo: RepoFactory, path: str, text: str, status: Status, facts: dict[str, object]
) -> None:
    twins = {
        "golangci.yml.example": NONE_YAML,
        "vendor/github.com/x/tool/.golangci.yml": NONE_YAML,
        "testdata/golangci.toml": "[linters]\ndisable-all = true\n",
    }
    files = {"go.mod": GO_MOD, "main.go": MAIN, path: text, **twins}
    result = _result(
        scan(make_repo(files), use_cache=False, only=["lint.golangci_config"]),
        "lint.golangci_config",
    )
    assert result.status is status
    assert {e.path for e in result.evidence} == {path}
    config = next(e for e in result.evidence if "schema_version" in e.facts)
    assert facts.items() <= config.facts.items()


def test_only_golangci_twins_is_missing(make_repo: RepoFactory) -> None:
    files = {"go.mod": GO_MOD, "main.go": MAIN, "golangci.yml.example": NONE_YAML}
    result = scan(make_repo(files), use_cache=False, only=["lint.golangci_config"]).results[0]
    assert result.status is Status.MISSING


def test_a_file_over_the_size_cap_is_could_not_tell_not_absent(make_repo: RepoFactory) -> None:
    """The only Dockerfile or golangci config over `max_file_size`: its detectors say they
    could not tell (naming the file), not "no Dockerfile" / "missing"; a binary or a symlink
    out of the repository is not content that was missed."""
    padding = "# padding\n" * 200
    files = {
        "go.mod": GO_MOD,
        "main.go": MAIN,
        "Dockerfile-arm": image(".") + padding,
        ".golangci.yml": "linters:\n  enable: [gosec]\n" + padding,
        ".golive/config.toml": "[scan]\nmax_file_size = 1000\n",
    }
    report = scan(make_repo(files), use_cache=False, all_code=True)
    for detector, path in (
        ("docker.multistage", "Dockerfile-arm"),
        ("lint.golangci_config", ".golangci.yml"),
    ):
        result = _result(report, detector)
        assert result.status is Status.ERROR, result.summary
        assert path in result.summary and "size cap" in result.summary
    files["Dockerfile-arm"] = image(".")  # under the cap again
    report = scan(make_repo(files), use_cache=False, all_code=True)
    assert _result(report, "docker.multistage").status is Status.FOUND


def test_a_binary_dockerfile_name_is_not_could_not_tell(make_repo: RepoFactory) -> None:
    files = {"go.mod": GO_MOD, "main.go": MAIN}
    root = make_repo(files, commit=False)
    (root / "Dockerfile.bin").write_bytes(b"\x00\x01FROM")
    report = scan(root, use_cache=False, all_code=True)
    assert _result(report, "docker.multistage").status is Status.NOT_APPLICABLE
