"""CI detection across systems, following make targets, tasks and scripts the CI calls."""

from __future__ import annotations

import pytest

from golive_tui.core.model import DetectorResult, Status
from golive_tui.core.scan.detectors import ci, shell
from golive_tui.core.scan.detectors.base import ScannedFile

EX = ci.EXTRACTORS[0]


def run(files: dict[str, str]) -> dict[str, DetectorResult]:
    scanned = {p: ScannedFile(p, None, EX.extract(p, t)) for p, t in files.items() if EX.matches(p)}
    return {r.id: r for r in EX.finalize(scanned, tuple(files))}


def where(result: DetectorResult) -> list[tuple[str, int]]:
    return [(e.path, e.line) for e in result.evidence]


WORKFLOW = """\
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: unit
        run: make test
      - name: notes
        run: |
          echo "go test -race is what we want"   # not a command
          # go test -race ./...
      - uses: golangci/golangci-lint-action@v6
        with:
          version: v1.60
"""

MAKEFILE = """\
GO ?= go
RACE_FLAGS := -race -count=1

.PHONY: test unit
test: unit

unit:
\t@$(GO) test $(RACE_FLAGS) ./...

vuln:
\tgo run golang.org/x/vuln/cmd/govulncheck@latest ./...
"""


def test_workflow_make_test_follows_prerequisites_to_the_race_flag() -> None:
    results = run({".github/workflows/ci.yml": WORKFLOW, "Makefile": MAKEFILE})
    race = results["ci.race"]
    assert race.status is Status.FOUND
    assert where(race) == [("Makefile", 8)]
    assert race.evidence[0].facts["via"] == ".github/workflows/ci.yml:9: make test"
    assert race.evidence[0].facts["target"] == "unit"
    assert where(results["ci.tests"]) == [("Makefile", 8)]
    assert where(results["ci.golangci_lint"]) == [(".github/workflows/ci.yml", 14)]
    # the vuln target exists but CI never calls it
    assert results["ci.govulncheck"].status is Status.MISSING
    assert results["ci.present"].evidence[0].facts["system"] == "github"


def test_make_target_without_race_does_not_count() -> None:
    files = {
        ".github/workflows/ci.yml": WORKFLOW,
        "Makefile": "test:\n\tgo test ./... # -race later\n",
    }
    results = run(files)
    assert results["ci.tests"].status is Status.FOUND
    assert results["ci.race"].status is Status.MISSING


GITLAB = """\
.go: &go
  image: golang:1.22
  before_script:
    - go mod download
test:
  <<: *go
  script:
    - go test -race ./...
lint:
  script: golangci-lint run ./...
"""

CIRCLE = """\
version: 2.1
jobs:
  build:
    docker: [{image: cimg/go:1.22}]
    steps:
      - checkout
      - run: gotestsum -- -race ./...
      - run:
          name: vuln
          command: |
            go install golang.org/x/vuln/cmd/govulncheck@latest
            govulncheck ./...
"""

DRONE = """\
kind: pipeline
type: docker
name: default
steps:
  - name: test
    image: golang:1.22
    commands:
      - task test
"""

TASKFILE = """\
version: '3'
tasks:
  test:
    deps: [lint]
    cmds:
      - go test -race ./...
  lint:
    cmds:
      - cmd: golangci-lint run
"""


@pytest.mark.parametrize(
    ("files", "system", "expected"),
    [
        (
            {".gitlab-ci.yml": GITLAB},
            "gitlab",
            {
                "ci.tests": [(".gitlab-ci.yml", 8)],
                "ci.race": [(".gitlab-ci.yml", 8)],
                "ci.golangci_lint": [(".gitlab-ci.yml", 10)],
                "ci.govulncheck": [],
            },
        ),
        (
            {".circleci/config.yml": CIRCLE},
            "circleci",
            {
                "ci.race": [(".circleci/config.yml", 7)],
                "ci.govulncheck": [(".circleci/config.yml", 12)],
            },
        ),
        (
            {".drone.yml": DRONE, "Taskfile.yml": TASKFILE},
            "drone",
            {"ci.race": [("Taskfile.yml", 6)], "ci.golangci_lint": [("Taskfile.yml", 9)]},
        ),
    ],
)
def test_systems(
    files: dict[str, str], system: str, expected: dict[str, list[tuple[str, int]]]
) -> None:
    results = run(files)
    assert results["ci.present"].status is Status.FOUND
    assert results["ci.present"].evidence[0].facts["system"] == system
    for det, places in expected.items():
        assert where(results[det]) == places, det


def test_script_called_from_ci_and_sh_c() -> None:
    files = {
        ".github/workflows/t.yml": "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: ./scripts/test.sh\n      - run: bash -c 'govulncheck ./...'\n",
        "scripts/test.sh": "#!/bin/sh\nset -e\ncat <<EOF\ngo test -race\nEOF\ngo test -race ./...\n",
    }
    results = run(files)
    assert where(results["ci.race"]) == [("scripts/test.sh", 6)]
    assert where(results["ci.govulncheck"]) == [(".github/workflows/t.yml", 7)]


def test_make_dash_c_and_included_makefile_and_pattern_rule() -> None:
    files = {
        ".github/workflows/t.yml": "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: make -C svc test\n",
        "svc/Makefile": "include ../common.mk\n%: common-%\n\t@true\n",
        "common.mk": "common-test:\n\tgo test -race ./...\n",
    }
    assert where(run(files)["ci.race"]) == [("common.mk", 2)]


def test_malformed_workflow_is_an_error_but_still_present_and_others_run() -> None:
    bad = "on: push\njobs:\n  t:\n    steps: [\n"
    results = run({".github/workflows/bad.yml": bad})
    assert results["ci.present"].status is Status.FOUND
    assert results["ci.tests"].status is Status.ERROR
    assert ".github/workflows/bad.yml:" in results["ci.tests"].summary
    results = run({".github/workflows/bad.yml": bad, ".gitlab-ci.yml": GITLAB})
    assert results["ci.race"].status is Status.FOUND


def test_no_ci_is_missing() -> None:
    results = run({"Makefile": MAKEFILE})
    assert {r.status for r in results.values()} == {Status.MISSING}


@pytest.mark.parametrize(
    ("line", "race"),
    [
        ("go test -race ./...", True),
        ("GOFLAGS=-race go test ./...", True),
        ("go test ./... # -race", False),
        ('echo "go test -race"', False),
        ("go vet -race ./...", False),
        ("gotestsum --format dots -- -race ./...", True),
        ("env CGO_ENABLED=1 go test --race ./...", True),
    ],
)
def test_shell_race_detection(line: str, race: bool) -> None:
    assert any(shell.has_race(c) for c in shell.commands(line)) is race


@pytest.mark.parametrize("cond", ["false", "'false'", "${{ false }}", "False"])
def test_a_github_job_or_step_switched_off_is_contrary(cond: str) -> None:
    job_off = (
        "on: push\njobs:\n  t:\n"
        f"    if: {cond}\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - run: go test -race ./...\n"
    )
    step_off = (
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - if: {cond}\n        run: govulncheck ./...\n      - run: go test ./...\n"
    )
    out = run({".github/workflows/a.yml": job_off})
    assert out["ci.tests"].status is Status.CONTRARY and out["ci.race"].status is Status.CONTRARY
    assert where(out["ci.race"]) == [(".github/workflows/a.yml", 7)]
    assert "never runs (line 4)" in out["ci.race"].evidence[0].facts["why"]
    out = run({".github/workflows/a.yml": step_off})
    assert out["ci.govulncheck"].status is Status.CONTRARY
    assert out["ci.tests"].status is Status.FOUND


def test_a_gitlab_job_that_never_runs_is_contrary() -> None:
    text = (
        "race:\n  when: never\n  script:\n    - go test -race ./...\n"
        "unit:\n  when: on_success\n  rules:\n    - if: $CI\n      when: never\n    - when: always\n"
        "  script:\n    - go test ./...\n"
    )
    out = run({".gitlab-ci.yml": text})
    assert out["ci.race"].status is Status.CONTRARY
    assert out["ci.race"].evidence[0].facts["why"] == "`when: never`: this job never runs (line 2)"
    assert out["ci.tests"].status is Status.PARTIAL  # the unit job runs; the race job does not


def test_a_condition_that_may_hold_still_counts() -> None:
    text = (
        "on: push\njobs:\n  t:\n    if: github.ref == 'refs/heads/main'\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - if: ${{ !cancelled() }}\n"
        "        run: go test -race ./...\n"
    )
    out = run({".github/workflows/a.yml": text})
    assert out["ci.race"].status is Status.FOUND
