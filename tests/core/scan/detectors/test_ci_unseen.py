"""CI that hands over to something the scan does not read: "could not tell" with where, never
"missing"; plain absence stays missing, and evidence found elsewhere stands."""

from __future__ import annotations

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.model import Status
from golive_tui.core.scan.engine import scan

BASE = {
    "go.mod": "module example.com/x\n\ngo 1.22\n",
    "main.go": "package main\n\nfunc main() {}\n",
}
GH = ".github/workflows/ci.yml"


def steps(*runs: str) -> str:
    body = "".join(f"      - run: {r}\n" for r in runs)
    return f"on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n{body}"


CASES = [
    (
        "reusable workflow from another repository",
        {GH: "on: push\njobs:\n  test:\n    uses: org/shared/.github/workflows/go.yml@v1\n"},
        Status.ERROR,
        ".github/workflows/ci.yml:4: uses: org/shared/.github/workflows/go.yml@v1",
    ),
    (
        "local reusable workflow that is not there",
        {GH: "on: push\njobs:\n  test:\n    uses: ./.github/workflows/go.yml\n"},
        Status.ERROR,
        "uses: ./.github/workflows/go.yml",
    ),
    (
        "local reusable workflow that is there",
        {
            GH: "on: push\njobs:\n  test:\n    uses: ./.github/workflows/go.yml\n",
            ".github/workflows/go.yml": steps("go test -race ./...").replace(
                "on: push", "on: workflow_call"
            ),
        },
        Status.FOUND,
        "",
    ),
    (
        "GitLab include of another project",
        {".gitlab-ci.yml": "include:\n  - project: org/templates\n    file: go.yml\n"},
        Status.ERROR,
        ".gitlab-ci.yml:2: include: project org/templates",
    ),
    (
        "GitLab include of a template",
        {".gitlab-ci.yml": "include:\n  template: Go.gitlab-ci.yml\n"},
        Status.ERROR,
        "include: template Go.gitlab-ci.yml",
    ),
    (
        "a script that is not in the repository",
        {GH: steps("./ci/run-tests")},
        Status.ERROR,
        ".github/workflows/ci.yml:7: ./ci/run-tests",
    ),
    (
        "a make target behind an include that is not read",
        {GH: steps("make test"), "Makefile": "include $(SHARED)/common.mk\n"},
        Status.ERROR,
        "make test (in Makefile: include $(SHARED)/common.mk)",
    ),
    # negative twins: nothing is handed over, so nothing found is "missing"
    ("actions only", {GH: steps("echo hello")}, Status.MISSING, ""),
    (
        "a hand-over in a comment",
        {GH: "# uses: org/shared/.github/workflows/go.yml@v1\n" + steps("echo hi")},
        Status.MISSING,
        "",
    ),
    (
        "a make target the Makefile defines",
        {GH: steps("make lint"), "Makefile": "-include .env\nlint:\n\tgo vet ./...\n"},
        Status.MISSING,
        "",
    ),
    (
        "found elsewhere: the hand-over does not make it unsure",
        {
            GH: steps("go test -race ./...")
            + "  shared:\n    uses: org/shared/.github/workflows/go.yml@v1\n"
        },
        Status.FOUND,
        "",
    ),
]


@pytest.mark.parametrize(("case", "files", "status", "where"), CASES, ids=[c[0] for c in CASES])
def test_ci_race_hand_overs(
    make_repo: RepoFactory, case: str, files: dict[str, str], status: Status, where: str
) -> None:
    result = scan(make_repo({**BASE, **files}), use_cache=False, only=["ci.race"]).results[0]
    assert result.status is status, result.summary
    if status is Status.ERROR:
        assert result.summary.startswith("no CI step here runs tests with -race; could not tell")
        assert where in result.summary
