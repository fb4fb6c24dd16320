"""build.pie and build.version_ldflags across Makefiles, scripts, Dockerfiles, CI, GoReleaser."""

from __future__ import annotations

import pytest

from golive_tui.core.model import DetectorResult, Status
from golive_tui.core.scan.detectors import build
from golive_tui.core.scan.detectors.base import FileScan, ScannedFile

EX = build.EXTRACTORS[0]


def run(files: dict[str, str]) -> dict[str, DetectorResult]:
    scanned: dict[str, ScannedFile] = {}
    prefilter = EX.prefilter() or ()
    for path, text in files.items():
        if not EX.matches(path):
            continue
        passes = any(lit in text.encode() for lit in prefilter)
        scanned[path] = ScannedFile(path, None, EX.extract(path, text) if passes else FileScan())
    return {r.id: r for r in EX.finalize(scanned, tuple(files))}


MAKEFILE = """\
VERSION ?= $(shell git describe --tags)
LDFLAGS := -s -w -X 'example.com/svc/internal/build.Version=$(VERSION)' -X main.commit=$(COMMIT)
# go build -buildmode=pie  (commented out, must not count)

build:
\tgo build -ldflags "$(LDFLAGS)" -o bin/svc ./cmd/svc
"""


def test_makefile_ldflags_and_commented_pie() -> None:
    results = run({"Makefile": MAKEFILE})
    ld = results["build.version_ldflags"]
    assert ld.status is Status.FOUND
    assert [(e.path, e.line, e.facts["variable"]) for e in ld.evidence] == [
        ("Makefile", 2, "example.com/svc/internal/build.Version")
    ]
    # Support only: stamping a version does not show logs or health report it.
    assert ld.summary.endswith("shows a version is stamped at build, not where it is reported")
    assert results["build.pie"].status is Status.MISSING


def test_pie_in_dockerfile_script_and_goreleaser_flags() -> None:
    results = run(
        {
            "Dockerfile": "FROM golang\nRUN go build -buildmode=pie -o /a .\n",
            "scripts/release.sh": "#!/bin/sh\nGOFLAGS='-buildmode=pie' go build ./...\n",
            ".goreleaser.yaml": "builds:\n  - flags:\n      - -buildmode=pie\n    ldflags:\n      - -X main.Version={{.Version}}\n",
        }
    )
    pie = results["build.pie"]
    assert sorted((e.path, e.line) for e in pie.evidence) == [
        (".goreleaser.yaml", 3),
        ("Dockerfile", 2),
        ("scripts/release.sh", 2),
    ]
    assert [(e.path, e.line) for e in results["build.version_ldflags"].evidence] == [
        (".goreleaser.yaml", 5)
    ]


def test_goreleaser_default_ldflags_stamp_main_version() -> None:
    results = run(
        {".goreleaser.yml": "version: 2\nbuilds:\n  - main: ./cmd/svc\n    env: [CGO_ENABLED=0]\n"}
    )
    (ev,) = results["build.version_ldflags"].evidence
    assert ev.facts["default"] is True and ev.line == 3


def test_goreleaser_passed_over_by_prefilter_still_gets_defaults() -> None:
    results = run({".goreleaser.yml": "archives:\n  - format: tar.gz\n"})
    assert results["build.version_ldflags"].status is Status.FOUND


def test_curl_dash_x_is_not_an_ldflag() -> None:
    results = run({"scripts/deploy.sh": "curl -X POST https://example.com/v1.version=2\n"})
    assert results["build.version_ldflags"].status is Status.MISSING


def test_malformed_goreleaser_is_an_error() -> None:
    results = run({".goreleaser.yml": "builds: [\n  - x\n"})
    assert results["build.version_ldflags"].status is Status.ERROR
    assert ".goreleaser.yml:" in results["build.version_ldflags"].summary


STATIC_PIE_DOCKERFILE = """\
FROM golang:1.24 AS build
RUN CGO_ENABLED=0 go build -buildmode=pie -o /app ./cmd/svc
FROM {base}
COPY --from=build /app /app
"""


def test_pie_on_a_base_without_a_loader_is_contrary() -> None:
    for base in ("scratch", "gcr.io/distroless/static-debian12:nonroot"):
        pie = run({"Dockerfile": STATIC_PIE_DOCKERFILE.format(base=base)})["build.pie"]
        assert pie.status is Status.CONTRARY, base
        (ev,) = pie.evidence
        assert (ev.line, ev.polarity, ev.facts["final_base"]) == (2, "contrary", base)
        assert "without a dynamic loader" in pie.summary


def test_pie_on_a_base_with_a_loader_or_linked_static_is_found() -> None:
    on_base = STATIC_PIE_DOCKERFILE.format(base="gcr.io/distroless/base-debian12")
    static_pie = STATIC_PIE_DOCKERFILE.format(base="scratch").replace(
        "-buildmode=pie", "-buildmode=pie -ldflags='-linkmode=external -extldflags=-static-pie'"
    )
    for text in (on_base, static_pie):
        assert run({"Dockerfile": text})["build.pie"].status is Status.FOUND


@pytest.mark.parametrize(
    ("variable", "counts"),
    [
        ("main.revision", True),  # remark42
        ("main.tag", True),  # ardanlabs/service
        ("main.gitTag", True),
        ("main.Version", True),
        ("main.commit", False),  # a commit alone is not a version
        ("main.tags", False),
        ("main.date", False),
    ],
)
def test_the_variables_that_hold_a_version(variable: str, counts: bool) -> None:
    makefile = f'build:\n\tgo build -ldflags "-X {variable}=$(VERSION)" ./cmd/svc\n'
    ld = run({"Makefile": makefile})["build.version_ldflags"]
    assert (ld.status is Status.FOUND) is counts, ld.summary
