"""CI that cannot fail is contrary evidence, never `found` (issue 11): each case next to its
twin done right, which must be found."""

from __future__ import annotations

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.model import DetectorResult, Polarity, Status
from golive_tui.core.scan.detectors import ci
from golive_tui.core.scan.engine import scan

EX = ci.EXTRACTORS[0]


def run(files: dict[str, str]) -> dict[str, DetectorResult]:
    from golive_tui.core.scan.detectors.base import ScannedFile

    scanned = {p: ScannedFile(p, None, EX.extract(p, t)) for p, t in files.items() if EX.matches(p)}
    return {r.id: r for r in EX.finalize(scanned, tuple(files))}


def gha(step: str, *, on: str = "[push, pull_request]", job: str = "") -> str:
    """A GitHub workflow with one job whose steps are `step` (indented as a step list)."""
    return (
        f"on: {on}\njobs:\n  t:\n    runs-on: ubuntu-latest\n{job}    steps:\n"
        "      - uses: actions/checkout@v4\n" + step
    )


WF = ".github/workflows/ci.yml"

CASES = [
    # (name, files, detector, line of the evidence, words of the reason)
    (
        "or-true",
        {WF: gha("      - run: go test -race ./... || true\n")},
        "ci.race",
        7,
        "`|| true`",
    ),
    (
        "or-echo",
        {WF: gha("      - run: go test ./... || echo tests failed\n")},
        "ci.tests",
        7,
        "`|| echo tests failed`",
    ),
    (
        "and-chain-or-true",
        {WF: gha("      - run: go test ./... && echo ok || true\n")},
        "ci.tests",
        7,
        "`|| true`",
    ),
    (
        "set-plus-e",
        {
            WF: gha(
                "      - run: |\n          set +e\n          go test -race ./...\n          echo done\n"
            )
        },
        "ci.race",
        9,
        "`set +e`",
    ),
    (
        "continue-on-error-step",
        {WF: gha("      - run: golangci-lint run\n        continue-on-error: true\n")},
        "ci.golangci_lint",
        7,
        "continue-on-error: true",
    ),
    (
        "continue-on-error-job",
        {WF: gha("      - run: govulncheck ./...\n", job="    continue-on-error: true\n")},
        "ci.govulncheck",
        8,
        "continue-on-error: true",
    ),
    (
        "gitlab-allow-failure",
        {".gitlab-ci.yml": "race:\n  allow_failure: true\n  script:\n    - go test -race ./...\n"},
        "ci.race",
        4,
        "allow_failure: true",
    ),
    (
        "issues-exit-code",
        {WF: gha("      - run: golangci-lint run --issues-exit-code=0 ./...\n")},
        "ci.golangci_lint",
        7,
        "--issues-exit-code=0",
    ),
    (
        "issues-exit-code-action",
        {
            WF: gha(
                "      - uses: golangci/golangci-lint-action@v6\n"
                "        with:\n          args: --issues-exit-code 0\n"
            )
        },
        "ci.golangci_lint",
        7,
        "--issues-exit-code=0",
    ),
    (
        "govulncheck-json",
        {WF: gha("      - run: govulncheck -format sarif ./... > vuln.sarif\n")},
        "ci.govulncheck",
        7,
        "exits 0 whatever it finds",
    ),
    (
        "if-false",
        {WF: gha("      - if: ${{ false }}\n        run: go test -race ./...\n")},
        "ci.race",
        8,
        "never runs",
    ),
    (
        "schedule-only",
        {
            WF: gha(
                "      - run: go test -race ./...\n", on="\n  schedule:\n    - cron: '0 3 * * *'"
            )
        },
        "ci.race",
        9,
        "runs only on schedule",
    ),
    (
        "dispatch-only",
        {WF: gha("      - run: govulncheck ./...\n", on="workflow_dispatch")},
        "ci.govulncheck",
        7,
        "runs only on workflow_dispatch",
    ),
    (
        "make-or-true",
        {
            WF: gha("      - run: make test || true\n"),
            "Makefile": "test:\n\tgo test -race ./...\n",
        },
        "ci.race",
        2,
        "`|| true`",
    ),
    (
        "custom-shell-without-e",
        {WF: gha("      - shell: bash {0}\n        run: go test ./...; true\n")},
        "ci.tests",
        8,
        "`; true`",
    ),
    (
        "makefile-dash",
        {WF: gha("      - run: make test\n"), "Makefile": "test:\n\t-go test -race ./...\n"},
        "ci.race",
        2,
        "leading `-`",
    ),
    (
        "makefile-semicolon-true",
        {WF: gha("      - run: make lint\n"), "Makefile": "lint:\n\tgolangci-lint run; true\n"},
        "ci.golangci_lint",
        2,
        "`; true`",
    ),
    (
        "makefile-from-scheduled-workflow",
        {
            WF: gha("      - run: make test\n", on="schedule"),
            "Makefile": "test:\n\tgo test -race ./...\n",
        },
        "ci.race",
        2,
        "runs only on schedule",
    ),
]


@pytest.mark.parametrize(
    ("files", "detector", "line", "words"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_ci_that_cannot_fail_is_contrary(
    files: dict[str, str], detector: str, line: int, words: str
) -> None:
    result = run(files)[detector]
    assert result.status is Status.CONTRARY, result.summary
    ev = [e for e in result.evidence if e.line == line]
    assert ev, [(e.path, e.line) for e in result.evidence]
    assert ev[0].polarity is Polarity.CONTRARY
    assert ev[0].facts["quality"] == "contrary"
    assert words in ev[0].facts["why"]
    assert "cannot fail the build" in result.summary


TWINS = [
    ("plain", {WF: gha("      - run: go test -race ./...\n")}, "ci.race"),
    (
        "or-fail-after-all",
        {WF: gha("      - run: go test -race ./... || { echo failed; exit 1; }\n")},
        "ci.race",
    ),
    (
        "semicolon-true-under-errexit",  # CI steps stop at the first failure
        {WF: gha("      - run: go test ./...; true\n")},
        "ci.tests",
    ),
    (
        "set-plus-e-checked",
        {
            WF: gha(
                "      - run: |\n          set +e\n          go test -race ./...\n"
                "          rc=$?\n          exit $rc\n"
            )
        },
        "ci.race",
    ),
    (
        "set-plus-e-last",
        {WF: gha("      - run: |\n          set +e\n          go test ./...\n")},
        "ci.tests",
    ),
    (
        "continue-on-error-expression",
        {WF: gha("      - run: go test ./...\n        continue-on-error: ${{ matrix.x }}\n")},
        "ci.tests",
    ),
    (
        "gitlab-must-pass",
        {".gitlab-ci.yml": "race:\n  script:\n    - go test -race ./...\n"},
        "ci.race",
    ),
    (
        "issues-exit-code-1",
        {WF: gha("      - run: golangci-lint run --issues-exit-code=1\n")},
        "ci.golangci_lint",
    ),
    ("govulncheck-text", {WF: gha("      - run: govulncheck ./...\n")}, "ci.govulncheck"),
    (
        "scheduled-next-to-pull-requests",  # a nightly race run is extra, not a substitute
        {
            WF: gha("      - run: go test -race ./...\n"),
            ".github/workflows/nightly.yml": gha(
                "      - run: go test -race ./...\n", on="schedule"
            ),
        },
        "ci.race",
    ),
    (
        "makefile-if-else-exit",  # `then echo ok` is the branch, not a command after the test
        {
            WF: gha("      - run: make test\n"),
            "Makefile": "test:\n\tif go test -race ./...; then echo ok; else exit 1; fi\n",
        },
        "ci.race",
    ),
    (
        "makefile-checked",
        {WF: gha("      - run: make test\n"), "Makefile": "test:\n\tgo test -race ./...\n"},
        "ci.race",
    ),
]


@pytest.mark.parametrize(("files", "detector"), [t[1:] for t in TWINS], ids=[t[0] for t in TWINS])
def test_ci_that_fails_the_build_is_found(files: dict[str, str], detector: str) -> None:
    result = run(files)[detector]
    assert result.status is Status.FOUND, result.summary
    assert all(e.polarity is Polarity.POSITIVE for e in result.evidence)


def test_a_nightly_run_next_to_a_pull_request_run_says_so() -> None:
    files = {
        WF: gha("      - run: go test -race ./...\n"),
        ".github/workflows/nightly.yml": gha("      - run: go test -race ./...\n", on="schedule"),
    }
    ev = run(files)["ci.race"].evidence
    assert [e.facts.get("only_on") for e in ev] == [None, "schedule"]


def test_a_repository_whose_race_step_cannot_fail(make_repo: RepoFactory) -> None:
    """The whole scan, on a repository: the contrary step is reported with file:line and
    why; its twin, the step that fails the build, is found."""
    bad = make_repo({WF: gha("      - run: go test -race ./... || true\n"), "go.mod": "module x\n"})
    result = scan(bad, only=["ci.race"], use_cache=False).result("ci.race")
    assert result.status is Status.CONTRARY
    assert [(e.path, e.line) for e in result.evidence] == [(WF, 7)]
    assert f"{WF}:7: `|| true` after it" in result.summary
    good = make_repo({WF: gha("      - run: go test -race ./...\n"), "go.mod": "module x\n"})
    assert scan(good, only=["ci.race"], use_cache=False).result("ci.race").status is Status.FOUND
