"""CI that runs through indirection (issue 14): Cloud Build, Taskfile, Makefile variables,
scripts given arguments, matrix values. Each idiom next to a negative twin that must not
count, and the chain from the CI step to the tool asserted."""

from __future__ import annotations

import pytest

from golive_tui.core.model import DetectorResult, Polarity, Status
from golive_tui.core.scan.detectors import ci
from golive_tui.core.scan.detectors.base import ScannedFile

EX = ci.EXTRACTORS[0]
WF = ".github/workflows/ci.yml"


def run(files: dict[str, str]) -> dict[str, DetectorResult]:
    scanned = {p: ScannedFile(p, None, EX.extract(p, t)) for p, t in files.items() if EX.matches(p)}
    return {r.id: r for r in EX.finalize(scanned, tuple(files))}


def gha(run_line: str, *, extra: str = "") -> str:
    """A workflow whose one step (line 8) runs `run_line`."""
    return (
        "on: [push, pull_request]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        f"{extra}    steps:\n      - uses: actions/checkout@v4\n      - name: step\n"
        f"        run: {run_line}\n"
    )


PASS_ARGS = '#!/bin/sh\nset -e\necho "go test -race is slow"\ngo test "$@" ./...\n'
ECHO_ARGS = '#!/bin/sh\nset -e\necho go test "$@" ./...\n'

CLOUDBUILD_SH = """\
steps:
- name: golang:1.22
  entrypoint: bash
  args:
  - -c
  - |
    go vet ./...
    ./scripts/test.sh {flags}
"""
CLOUDBUILD_ENTRYPOINT = """\
steps:
- name: golang:1.22
  entrypoint: {entry}
"""
CLOUDBUILD_ARGS = """\
substitutions:
  _RACE: -race
steps:
- name: {image}
  args: [{args}]
"""
TASKFILE = """\
version: '3'
vars:
  FLAGS: -race
tasks:
  ci:
    deps: [lint]
    cmds:
      - task: test
  test:
    cmds:
      - go test {{.FLAGS}} ./...
  lint:
    cmds:
      - golangci-lint run
  nightly:
    cmds:
      - govulncheck ./...
"""
MAKE_VAR = """\
GO_TEST_FLAGS ?= -race

test:
\tgo test $(GO_TEST_FLAGS) ./...
"""
MAKE_TO_SCRIPT = """\
GO_TEST_FLAGS := -race

.PHONY: test
test:
\t./scripts/test.sh $(GO_TEST_FLAGS)
"""
MAKE_CONDITIONAL = """\
RACE ?= 0
GO_TEST_FLAGS = -count=1
ifeq ($(RACE),1)
GO_TEST_FLAGS += -race
endif

test:
\tgo test $(GO_TEST_FLAGS) ./...
"""
MATRIX = "    strategy:\n      matrix:\n        flags: {values}\n"

# (name, files, evidence of ci.race as (path, line), chain of the first one, or None)
FOUND = [
    (
        "cloudbuild-bash-c-script-args",
        {"cloudbuild.yaml": CLOUDBUILD_SH.format(flags="-race"), "scripts/test.sh": PASS_ARGS},
        [("scripts/test.sh", 4)],
        "cloudbuild.yaml:8 → scripts/test.sh:4",
    ),
    (
        "cloudbuild-entrypoint-script",
        {
            "build/cloudbuild.yaml": CLOUDBUILD_ENTRYPOINT.format(entry="./scripts/test.sh"),
            "scripts/test.sh": "#!/bin/sh\ngo test -race ./...\n",
        },
        [("scripts/test.sh", 2)],
        "build/cloudbuild.yaml:3 → scripts/test.sh:2",
    ),
    (
        "cloudbuild-args-with-substitution",
        {"cloudbuild.yaml": CLOUDBUILD_ARGS.format(image="golang", args="go, test, $_RACE, ./...")},
        [("cloudbuild.yaml", 5)],
        None,
    ),
    (
        "cloudbuild-go-builder",
        {
            "deploy/cloudbuild.yml": CLOUDBUILD_ARGS.format(
                image="gcr.io/cloud-builders/go", args="test, -race, ./..."
            )
        },
        [("deploy/cloudbuild.yml", 5)],
        None,
    ),
    (
        "taskfile-task-ref-and-global-var",
        {WF: gha("task ci"), "Taskfile.yml": TASKFILE},
        [("Taskfile.yml", 11)],
        f"{WF}:8 → Taskfile.yml:5 → Taskfile.yml:11",
    ),
    (
        "taskfile-var-passed-by-task-ref",
        {
            WF: gha("task ci"),
            "taskfile.yml": "version: '3'\ntasks:\n  ci:\n    cmds:\n      - task: test\n"
            "        vars: {FLAGS: -race}\n  test:\n    cmds:\n      - go test {{.FLAGS}} ./...\n",
        },
        [("taskfile.yml", 9)],
        f"{WF}:8 → taskfile.yml:5 → taskfile.yml:9",
    ),
    (
        "make-variable-default",
        {WF: gha("make test"), "Makefile": MAKE_VAR},
        [("Makefile", 4)],
        f"{WF}:8 → Makefile:4",
    ),
    (
        "make-override-adds-race",
        {WF: gha("make test GO_TEST_FLAGS=-race"), "Makefile": MAKE_VAR.replace("-race", "")},
        [("Makefile", 4)],
        f"{WF}:8 → Makefile:4",
    ),
    (
        "make-variable-to-script",
        {WF: gha("make test"), "Makefile": MAKE_TO_SCRIPT, "scripts/test.sh": PASS_ARGS},
        [("scripts/test.sh", 4)],
        f"{WF}:8 → Makefile:5 → scripts/test.sh:4",
    ),
    (
        "make-conditional-taken",
        {WF: gha("make test RACE=1"), "Makefile": MAKE_CONDITIONAL},
        [("Makefile", 8)],
        f"{WF}:8 → Makefile:8",
    ),
    (
        "make-target-specific-variable",
        {
            WF: gha("make test"),
            "Makefile": "test: FLAGS += -race\ntest:\n\tgo test $(FLAGS) ./...\n",
        },
        [("Makefile", 3)],
        f"{WF}:8 → Makefile:3",
    ),
    (
        "script-args",
        {WF: gha("./scripts/test.sh -race"), "scripts/test.sh": PASS_ARGS},
        [("scripts/test.sh", 4)],
        f"{WF}:8 → scripts/test.sh:4",
    ),
    (
        "script-default-variable",
        {
            WF: gha("bash hack/test"),
            "hack/test": '#!/bin/bash\nFLAGS="${FLAGS:--race}"\ngo test $FLAGS ./...\n',
        },
        [("hack/test", 3)],
        f"{WF}:8 → hack/test:3",
    ),
    (
        "script-to-script-args",
        {
            WF: gha("./scripts/ci.sh -race"),
            "scripts/ci.sh": '#!/bin/sh\nset -e\n./scripts/test.sh "$@"\n',
            "scripts/test.sh": PASS_ARGS,
        },
        [("scripts/test.sh", 4)],
        f"{WF}:8 → scripts/ci.sh:3 → scripts/test.sh:4",
    ),
    (
        "matrix-leg",
        {WF: gha("go test ${{ matrix.flags }} ./...", extra=MATRIX.format(values="['', -race]"))},
        [(WF, 11)],
        None,
    ),
    (
        "ci-env-into-make",
        {
            WF: gha("make test", extra="    env:\n      GO_TEST_FLAGS: -race -v\n"),
            "Makefile": MAKE_VAR.replace("-race", "-v"),
        },
        [("Makefile", 4)],
        f"{WF}:10 → Makefile:4",
    ),
]


@pytest.mark.parametrize(("name", "files", "places", "chain"), FOUND, ids=[c[0] for c in FOUND])
def test_race_found_through_indirection(
    name: str, files: dict[str, str], places: list[tuple[str, int]], chain: str | None
) -> None:
    race = run(files)["ci.race"]
    assert race.status is Status.FOUND, race.summary
    assert [(e.path, e.line) for e in race.evidence] == places
    if chain is not None:
        assert race.evidence[0].facts["chain"] == chain


# (name, files, status of ci.race): the twin of a case above that must not count.
NOT_FOUND = [
    (
        "cloudbuild-script-without-race",
        {"cloudbuild.yaml": CLOUDBUILD_SH.format(flags="-v"), "scripts/test.sh": PASS_ARGS},
        Status.MISSING,
    ),
    (
        "cloudbuild-commented-out",
        {"cloudbuild.yaml": CLOUDBUILD_SH.format(flags="# -race"), "scripts/test.sh": PASS_ARGS},
        Status.MISSING,
    ),
    (
        "cloudbuild-echo",
        {"cloudbuild.yaml": CLOUDBUILD_ARGS.format(image="golang", args="echo, go test -race")},
        Status.MISSING,
    ),
    (
        "cloudbuild-unknown-substitution",
        {"cloudbuild.yaml": CLOUDBUILD_ARGS.format(image="golang", args="go, test, $_FLAGS")},
        Status.ERROR,
    ),
    (
        "taskfile-cli-override-removes-flag",
        {
            WF: gha("task test FLAGS=-v"),
            "Taskfile.yml": TASKFILE,
        },
        Status.MISSING,
    ),
    (
        "make-override-removes-race",
        {WF: gha("make test GO_TEST_FLAGS="), "Makefile": MAKE_VAR},
        Status.MISSING,
    ),
    (
        "make-override-removes-race-before-script",
        {
            WF: gha("make test GO_TEST_FLAGS=-v"),
            "Makefile": MAKE_TO_SCRIPT,
            "scripts/test.sh": PASS_ARGS,
        },
        Status.MISSING,
    ),
    (
        "make-dead-branch",
        {WF: gha("make test"), "Makefile": MAKE_CONDITIONAL},
        Status.MISSING,
    ),
    (
        "make-commented-out",
        {WF: gha("make test"), "Makefile": "test:\n\tgo test ./... # $(GO_TEST_FLAGS) -race\n"},
        Status.MISSING,
    ),
    (
        "script-echoes",
        {WF: gha("./scripts/test.sh -race"), "scripts/test.sh": ECHO_ARGS},
        Status.MISSING,
    ),
    (
        "script-without-args",
        {WF: gha("./scripts/test.sh"), "scripts/test.sh": PASS_ARGS},
        Status.MISSING,
    ),
    (
        "script-variable-set-by-ci",
        {
            WF: gha("bash hack/test", extra="    env:\n      FLAGS: -v\n"),
            "hack/test": '#!/bin/bash\nFLAGS="${FLAGS:--race}"\ngo test $FLAGS ./...\n',
        },
        Status.MISSING,
    ),
    (
        "matrix-without-race",
        {WF: gha("go test ${{ matrix.flags }} ./...", extra=MATRIX.format(values="[-v, -short]"))},
        Status.MISSING,
    ),
    (
        "matrix-not-resolvable",
        {
            WF: gha(
                "go test ${{ matrix.flags }} ./...",
                extra=MATRIX.format(values="${{ fromJSON(needs.plan.outputs.flags) }}"),
            )
        },
        Status.ERROR,
    ),
    (
        "make-variable-set-nowhere",
        {WF: gha("make test"), "Makefile": "test:\n\tgo test $(EXTRA_FLAGS) ./...\n"},
        Status.ERROR,
    ),
    (
        "script-args-unknown",
        {WF: gha("./scripts/test.sh $TEST_FLAGS"), "scripts/test.sh": PASS_ARGS},
        Status.ERROR,
    ),
    (
        "make-without-makefile",
        {WF: gha("make test")},
        Status.ERROR,
    ),
    (
        "make-target-not-defined",
        {WF: gha("make check"), "Makefile": "test:\n\tgo test -race ./...\n"},
        Status.ERROR,
    ),
    (
        "script-not-in-repository",
        {WF: gha("./scripts/test.sh")},
        Status.ERROR,
    ),
]


@pytest.mark.parametrize(("name", "files", "status"), NOT_FOUND, ids=[c[0] for c in NOT_FOUND])
def test_twins_do_not_count(name: str, files: dict[str, str], status: Status) -> None:
    race = run(files)["ci.race"]
    assert race.status is status, race.summary
    assert race.evidence == ()
    if status is Status.ERROR:
        assert "could not tell" in race.summary and "tests with -race" in race.summary


def test_a_task_never_reached_from_ci_does_not_count() -> None:
    out = run({WF: gha("task ci"), "Taskfile.yml": TASKFILE})
    assert out["ci.golangci_lint"].status is Status.FOUND  # `lint` is a dep of `ci`
    assert out["ci.govulncheck"].status is Status.MISSING  # `nightly` is never called


def test_could_not_tell_names_the_place_and_the_chain() -> None:
    files = {WF: gha("make test"), "Makefile": "test:\n\t./scripts/unit.sh $(FLAGS)\n"}
    files["scripts/unit.sh"] = PASS_ARGS
    race = run(files)["ci.race"]
    assert race.status is Status.ERROR
    assert f"-race: {WF}:8 → Makefile:2 → scripts/unit.sh:4: `go test" in race.summary
    # what was found elsewhere stands: the tests themselves run
    assert run(files)["ci.tests"].status is Status.FOUND


@pytest.mark.parametrize(
    ("files", "words"),
    [
        (
            {WF: gha("./scripts/test.sh -race"), "scripts/test.sh": 'go test "$@" ./... || true\n'},
            "`|| true`",
        ),
        (
            {WF: gha("make test"), "Makefile": MAKE_VAR.replace("\tgo", "\t-go")},
            "leading `-`",
        ),
        (
            {
                "cloudbuild.yaml": CLOUDBUILD_SH.format(flags="-race") + "  allowFailure: true\n",
                "scripts/test.sh": PASS_ARGS,
            },
            "`allowFailure: true`",
        ),
        (
            {
                "cloudbuild.yaml": CLOUDBUILD_ENTRYPOINT.format(entry="./scripts/test.sh")
                + "  args: [-race]\n  allowExitCodes: [1]\n",
                "scripts/test.sh": PASS_ARGS,
            },
            "`allowExitCodes: [1]`",
        ),
    ],
    ids=["or-true-in-script", "make-dash-prefix", "cloudbuild-allow-failure", "allow-exit-codes"],
)
def test_cannot_fail_through_the_chain(files: dict[str, str], words: str) -> None:
    race = run(files)["ci.race"]
    assert race.status is Status.CONTRARY, race.summary
    assert race.evidence[0].polarity is Polarity.CONTRARY
    assert words in race.evidence[0].facts["why"]
    assert " → " in race.evidence[0].facts["chain"]


def test_cycles_end() -> None:
    files = {
        WF: gha("make a"),
        "Makefile": "a: b\n\t./scripts/x.sh\nb: a\n\t$(MAKE) a\n",
        "scripts/x.sh": '#!/bin/sh\n./scripts/x.sh "$@" -v\ngo test "$@" ./...\n',
    }
    out = run(files)
    assert out["ci.tests"].status is Status.FOUND
    assert out["ci.race"].status is Status.MISSING


def test_a_matrix_leg_snippet_says_which_leg() -> None:
    files = {
        WF: gha("go test ${{ matrix.flags }} ./...", extra=MATRIX.format(values="['', -race]"))
    }
    ev = run(files)["ci.race"].evidence[0]
    assert ev.snippet == "go test ${{ matrix.flags }} ./..."  # as written
    assert ev.facts["matrix"] == "flags=-race"


def test_a_case_on_a_matrix_value_does_not_lend_that_value_to_every_arm() -> None:
    script = (
        '|\n          case "${{ matrix.group }}" in\n            store) go test ./store/... ;;\n'
        "            server) go test -race ./server/... ;;\n          esac"
    )
    files = {
        WF: gha(script, extra=MATRIX.replace("flags", "group").format(values="[store, server]"))
    }
    out = run(files)
    race = out["ci.race"]
    assert [(e.path, e.line) for e in race.evidence] == [(WF, 14)]
    assert "matrix" not in race.evidence[0].facts  # the arm names no matrix value itself
    assert [e.facts.get("matrix") for e in out["ci.tests"].evidence] == [None, None]


def test_a_pattern_rule_passes_its_stem_to_the_script() -> None:
    makefile = "validate-%:\n\thack/validate/$*\n"
    lint = "#!/bin/bash\nset -e\ngolangci-lint run ./...\n"
    files = {WF: gha("make validate-lint"), "Makefile": makefile, "hack/validate/lint": lint}
    lint_result = run(files)["ci.golangci_lint"]
    assert lint_result.status is Status.FOUND
    assert lint_result.evidence[0].facts["chain"] == f"{WF}:8 → Makefile:2 → hack/validate/lint:3"
    # twin: the target's name comes from a matrix built at run time: could not tell
    dynamic = gha(
        'make "validate-${SCRIPT}"',
        extra="    strategy:\n      matrix:\n        script: ${{ fromJson(needs.p.outputs.m) }}\n"
        "    env:\n      SCRIPT: ${{ matrix.script }}\n",
    )
    out = run({WF: dynamic, "Makefile": makefile, "hack/validate/lint": lint})
    assert out["ci.golangci_lint"].status is Status.ERROR
    assert "`hack/validate/${SCRIPT}`" in out["ci.golangci_lint"].summary


def test_a_step_in_another_projects_checkout_is_not_this_services_ci() -> None:
    step = "go test -race ./...\n        working-directory: buildkit"
    assert run({WF: gha(step)})["ci.race"].status is Status.MISSING
    # twin: the folder is the repository's own
    files = {WF: gha(step), "buildkit/go.mod": "module x\n"}
    assert run(files)["ci.race"].status is Status.FOUND


def test_a_jobs_default_working_directory_picks_the_makefile() -> None:
    extra = "    defaults:\n      run:\n        working-directory: api\n"
    files = {
        WF: gha("make test", extra=extra),
        "Makefile": "test:\n\tgo test ./...\n",
        "api/Makefile": "test:\n\tgo test -race ./...\n",
    }
    race = run(files)["ci.race"]
    assert [(e.path, e.line) for e in race.evidence] == [("api/Makefile", 2)]


BAKE = """\
variable "FORMAT" {
  default = "text"
}

group "default" {
  targets = ["lint"]
}

target "lint" {
  dockerfile = "build/ci.Dockerfile"
  target = "lint"
}

target "vuln" {
  dockerfile = "build/ci.Dockerfile"
  target = "vuln"
  args = {
    FORMAT = FORMAT
  }
}
"""
CI_DOCKERFILE = """\
FROM golang:1.22 AS base
WORKDIR /src
RUN /go/bin/golangci-lint --version

FROM base AS lint
RUN golangci-lint run ./...

FROM base AS race
RUN go test -race ./...

FROM base AS vuln
ARG FORMAT=text
RUN govulncheck -format ${FORMAT} ./...
"""


def test_bake_follows_a_target_to_the_stage_it_builds() -> None:
    files = {WF: gha("docker buildx bake"), "docker-bake.hcl": BAKE}
    files["build/ci.Dockerfile"] = CI_DOCKERFILE
    out = run(files)
    lint = out["ci.golangci_lint"]
    assert [(e.path, e.line) for e in lint.evidence] == [("build/ci.Dockerfile", 6)]
    assert lint.evidence[0].facts["chain"] == f"{WF}:8 → docker-bake.hcl:9 → build/ci.Dockerfile:6"
    # twins: the `race` stage is built by no target; `--version` runs no linter
    assert out["ci.race"].status is Status.MISSING
    assert out["ci.tests"].status is Status.MISSING


@pytest.mark.parametrize(
    ("env", "polarity"),
    [("", Polarity.POSITIVE), ("        env:\n          FORMAT: sarif\n", Polarity.CONTRARY)],
    ids=["default-format", "sarif-from-ci-env"],
)
def test_bake_action_passes_build_args_from_variables(env: str, polarity: Polarity) -> None:
    step = (
        "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n"
        "      - uses: docker/bake-action@v6\n        with:\n          targets: vuln\n" + env
    )
    files = {WF: step, "docker-bake.hcl": BAKE, "build/ci.Dockerfile": CI_DOCKERFILE}
    vuln = run(files)["ci.govulncheck"]
    assert [(e.path, e.line, e.polarity) for e in vuln.evidence] == [
        ("build/ci.Dockerfile", 13, polarity)
    ]


def test_bake_target_from_a_matrix_built_at_run_time_is_could_not_tell() -> None:
    step = (
        "on: push\njobs:\n  t:\n    runs-on: x\n    strategy:\n      matrix:\n"
        "        target: ${{ fromJson(needs.m.outputs.targets) }}\n    steps:\n"
        "      - uses: docker/bake-action@v6\n        with:\n          targets: ${{ matrix.target }}\n"
    )
    files = {WF: step, "docker-bake.hcl": BAKE, "build/ci.Dockerfile": CI_DOCKERFILE}
    out = run(files)
    assert out["ci.race"].status is Status.ERROR
    assert "the target's name comes from a value not set" in out["ci.race"].summary
    # with a matrix the file lists, each leg's target is followed
    listed = step.replace("${{ fromJson(needs.m.outputs.targets) }}", "[lint, vuln]")
    out = run({**files, WF: listed})
    assert out["ci.golangci_lint"].status is Status.FOUND
    assert out["ci.govulncheck"].status is Status.FOUND
    assert out["ci.race"].status is Status.MISSING


def test_goflags_race_in_the_steps_environment_reaches_the_script() -> None:
    cloudbuild = (
        "steps:\n- name: golang\n  entrypoint: ./scripts/it.sh\n"
        "  env:\n  - GOFLAGS=-race\n- name: golang\n  entrypoint: ./scripts/unit.sh\n"
    )
    files = {
        "cloudbuild.yaml": cloudbuild,
        "scripts/it.sh": "#!/bin/sh\ngo test ./it/...\n",
        "scripts/unit.sh": "#!/bin/sh\ngo test ./unit/...\n",
    }
    race = run(files)["ci.race"]
    assert [(e.path, e.line) for e in race.evidence] == [("scripts/it.sh", 2)]
    assert race.evidence[0].snippet == "go test ./it/..."
    assert race.evidence[0].facts["goflags"] == "-race"
    # twin: the same step without it
    files["cloudbuild.yaml"] = cloudbuild.replace("  env:\n  - GOFLAGS=-race\n", "")
    assert run(files)["ci.race"].status is Status.MISSING


PRESUBMIT = """\
#!/bin/bash
set -e
run_lint=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-linters) run_lint=0 ;;
  esac
  shift
done
go test -race ./...
if [[ "$run_lint" -eq 1 ]]; then
  golangci-lint run
fi
"""


def test_a_run_that_depends_on_the_scripts_options_is_could_not_tell() -> None:
    files = {WF: gha("./scripts/presubmit.sh --no-linters"), "scripts/presubmit.sh": PRESUBMIT}
    out = run(files)
    assert out["ci.race"].status is Status.FOUND  # not under any option
    lint = out["ci.golangci_lint"]
    assert lint.status is Status.ERROR
    assert "runs only on some of the script's options" in lint.summary
    # called without options, the default path runs it
    files[WF] = gha("./scripts/presubmit.sh")
    assert run(files)["ci.golangci_lint"].status is Status.FOUND


def test_task_flags_with_values_and_included_taskfiles() -> None:
    root = "version: '3'\nincludes:\n  qa:\n    taskfile: ./qa\ntasks:\n  test:\n    cmds:\n      - go test ./...\n"
    qa = "version: '3'\ntasks:\n  race:\n    cmds:\n      - go test -race ./...\n"
    files = {
        WF: gha("task --output group --output-group-begin '::group::x' qa:race"),
        "Taskfile.yml": root,
        "qa/Taskfile.yml": qa,
    }
    race = run(files)["ci.race"]
    assert [(e.path, e.line) for e in race.evidence] == [("qa/Taskfile.yml", 5)]
    # twin: the included task is never called
    files[WF] = gha("task --output group test")
    assert run(files)["ci.race"].status is Status.MISSING


COMMON_MK = """\
test-flags :=
ifeq ($(GOHOSTARCH),amd64)
\ttest-flags := -race
endif
GOHOSTARCH ?= $(shell go env GOHOSTARCH)

common-test:
\tgo test $(test-flags) ./...
"""


@pytest.mark.parametrize(
    ("step", "status"),
    [("make test", Status.FOUND), ('make test GO_ONLY=1 test-flags=""', Status.MISSING)],
    ids=["default-flags", "override-removes-race"],
)
def test_an_included_makefile_part_and_a_dashed_override(step: str, status: Status) -> None:
    files = {
        WF: gha(step),
        "Makefile": "include Makefile.common\n\ntest: common-test\n",
        "Makefile.common": COMMON_MK,
    }
    race = run(files)["ci.race"]
    assert race.status is status, race.summary
    if status is Status.FOUND:
        assert race.evidence[0].facts["chain"] == f"{WF}:8 → Makefile:3 → Makefile.common:8"


def test_hostile_bake_and_taskfile_inputs_end_with_an_answer() -> None:
    nested = 'target "x" {\n  args = ' + "[" * 5000 + "]" * 5000 + "\n}\n"
    cyclic = (
        'group "default" {\n  targets = ["a"]\n}\ngroup "a" {\n  targets = ["default"]\n}\n'
        'target "b" {\n  inherits = ["c"]\n}\ntarget "c" {\n  inherits = ["b"]\n}\n'
    )
    for bake_file in (nested, cyclic):
        out = run({WF: gha("docker buildx bake b"), "docker-bake.hcl": bake_file})
        assert out["ci.race"].status in (Status.MISSING, Status.ERROR)
    tasks = "version: '3'\ntasks:\n  a:\n    cmds:\n      - task: b\n  b:\n    deps: [a]\n"
    assert run({WF: gha("task a"), "Taskfile.yml": tasks})["ci.tests"].status is Status.MISSING


def test_a_program_path_with_a_variable_is_not_a_script_to_follow() -> None:
    out = run({WF: gha("./bin/$BINARY --selftest")})
    assert out["ci.race"].status is Status.MISSING
    out = run({WF: gha("hack/validate/$CHECK")})
    assert out["ci.race"].status is Status.ERROR


def test_a_containers_command_missing_from_the_repository_is_not_could_not_tell() -> None:
    step = 'docker run -d --name web "$IMAGE" sh ./entrypoint.sh --config x'
    assert run({WF: gha(step)})["ci.govulncheck"].status is Status.MISSING
    # twin: the repository's own script run in a container (bind-mounted) is followed
    files = {WF: gha("docker run -v $PWD:/src -w /src golang hack/test/unit")}
    files["hack/test/unit"] = "#!/bin/sh\ngo test -race ./...\n"
    assert run(files)["ci.race"].status is Status.FOUND


def test_env_with_a_substitution_and_a_versioned_linter_binary() -> None:
    script = (
        "#!/bin/sh\nenv $(cat .env | xargs) go test -race ./...\n# env $(cat .env) go test -race\n"
    )
    files = {"cloudbuild.yaml": CLOUDBUILD_ENTRYPOINT.format(entry="./scripts/test.sh")}
    files["scripts/test.sh"] = script
    race = run(files)["ci.race"]
    assert [(e.path, e.line) for e in race.evidence] == [("scripts/test.sh", 2)]  # not the comment
    makefile = "GOLANGCI = $(TOOLS_BIN)/golangci-lint-$(VERSION)\nVERSION = v1.61.0\n\nlint:\n\t$(GOLANGCI) run\n"
    lint = run({WF: gha("make lint"), "Makefile": makefile})["ci.golangci_lint"]
    assert [(e.path, e.line) for e in lint.evidence] == [("Makefile", 5)]
    # twin: the versioned binary asked only for its version
    twin = makefile.replace("$(GOLANGCI) run", "$(GOLANGCI) --version")
    assert (
        run({WF: gha("make lint"), "Makefile": twin})["ci.golangci_lint"].status is Status.MISSING
    )


FOREACH = """\
PACKAGES := {packages}

.PHONY: test
test:
\t@echo "mode: count" > coverage-all.out
\t@$(foreach pkg,$(PACKAGES), \\
\t\t{command} ${{pkg}}; \\
\t\ttail -n +2 coverage.out >> coverage-all.out;)

test-cover: test
\tgo tool cover -html=coverage-all.out
"""


@pytest.mark.parametrize(
    ("packages", "command", "tests", "race"),
    [
        # the list is the shell's answer: the text runs, as a command's unresolved words do
        ("$(shell go list ./... | grep -v /vendor/)", "go test -p=1 -cover", "found", "missing"),
        ("./api ./store", "go test -race", "found", "found"),  # known: its first word stands in
        ("", "go test -race", "missing", "missing"),  # known to be empty: make runs nothing
        ("$(shell go list ./...)", "echo go test -race", "missing", "missing"),
    ],
    ids=["unknown-list", "known-list", "empty-list", "echo-twin"],
)
def test_a_foreach_in_a_recipe_runs_its_text_per_package(
    packages: str, command: str, tests: str, race: str
) -> None:
    """`make test-cover` reaches `test` as a prerequisite, whose recipe runs the tests package
    by package in a `$(foreach)`: make expands it before the shell, so its text is what runs
    (it read as one command substitution, and the tests as "missing")."""
    makefile = FOREACH.format(packages=packages, command=command)
    out = run({WF: gha("make test-cover"), "Makefile": makefile})
    assert out["ci.tests"].status.value == tests, out["ci.tests"].summary
    assert out["ci.race"].status.value == race, out["ci.race"].summary
    if tests == "found":
        (evidence,) = out["ci.tests"].evidence
        assert (evidence.path, evidence.line) == ("Makefile", 7)  # where `go test` is
        assert evidence.facts["chain"] == f"{WF}:8 → Makefile:10 → Makefile:7"


def test_foreach_is_bounded_and_unbalanced_calls_are_left_as_written() -> None:
    """A list of any length costs one copy of the text, nested calls too; a call that never
    closes, or a closing brace for an opening parenthesis, is text as before."""
    from golive_tui.core.scan.detectors.ci_targets import expand

    words = " ".join(f"p{n}" for n in range(100_000))
    nested = "$(foreach a,$(L),$(foreach b,$(L),$(foreach c,$(L),go test -race $(a)/$(b)/$(c);)))"
    assert expand(nested, {"L": words}) == "go test -race p0/p0/p0;"
    assert expand("$(foreach p,x,go test $(p)", {}) == "$(foreach p,x,go test $(p)"
    assert expand("$(foreach p,x,go test}", {}) == "$(foreach p,x,go test}"
    assert expand("${foreach p,a b,go vet ${p},x}", {}) == "go vet a,x"  # commas of TEXT kept
    assert expand("echo $$(foreach) $(X)", {"X": "1"}) == "echo $(foreach) 1"


@pytest.mark.parametrize(
    ("recipe", "tests", "race"),
    [
        ("@ gotestsum $(TESTS_ARGS) -short", "found", "found"),
        ("@  go test -race ./...", "found", "found"),
        ("-@ go test ./...", "contrary", "missing"),  # make ignores the line's failure
        ("@ echo go test -race", "missing", "missing"),
    ],
    ids=["at-blank-gotestsum", "at-blanks-go-test", "dash-at-blank", "at-blank-echo"],
)
def test_make_line_prefixes_and_blanks_are_not_the_program(
    recipe: str, tests: str, race: str
) -> None:
    """make takes `@`, `-`, `+` and the blanks after them off a recipe line: `@ gotestsum`
    runs gotestsum (it read as a program named `@`, and the tests as "missing")."""
    makefile = f"TESTS_ARGS += -race\n\ntests:\n\t{recipe}\n"
    out = run({WF: gha("make tests"), "Makefile": makefile})
    assert out["ci.tests"].status.value == tests, out["ci.tests"].summary
    assert out["ci.race"].status.value == race, out["ci.race"].summary


@pytest.mark.parametrize(
    ("with_", "lint"),
    [
        ("        with:\n          install-only: true\n", "missing"),  # installs, runs nothing
        ("        with:\n          install-only: 'true'\n", "missing"),
        ("        with:\n          version: v2.1\n", "found"),
        ("", "found"),
    ],
    ids=["install-only", "install-only-quoted", "runs-with-version", "runs"],
)
def test_the_lint_action_installing_only_runs_no_lint(with_: str, lint: str) -> None:
    workflow = (
        "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: golangci/golangci-lint-action@v9\n" + with_
    )
    out = run({WF: workflow})
    assert out["ci.golangci_lint"].status.value == lint, out["ci.golangci_lint"].summary


@pytest.mark.parametrize(
    ("assign", "race"),
    [
        ("BASH ?= $(shell command -v bash 2> /dev/null)", "found"),
        ("BASH := $(shell which bash)", "found"),
        ("BASH ?= $(shell command -v echo)", "missing"),  # echo prints the script's name
    ],
    ids=["command-v", "which", "echo-twin"],
)
def test_a_program_found_by_make_runs_the_script(assign: str, race: str) -> None:
    """shiori's `$(BASH) -xe ./scripts/test.sh`, with BASH the path `command -v bash` gives:
    the script's `go test -race` runs (it was "could not tell")."""
    makefile = f"{assign}\n\nunittest:\n\t$(BASH) -xe ./scripts/test.sh\n"
    files = {
        WF: gha("make unittest"),
        "Makefile": makefile,
        "scripts/test.sh": "#!/bin/sh\nset -e\ngo test -race ./...\n",
    }
    assert run(files)["ci.race"].status.value == race


@pytest.mark.parametrize(
    "ref",
    ["${{matrix['flags']}}", '${{ matrix["flags"] }}', "${{ matrix.flags }}"],
    ids=["index-single", "index-double", "dotted"],
)
def test_a_matrix_value_in_index_form_is_expanded(ref: str) -> None:
    """mattermost/focalboard runs `make server-test-${{matrix['db']}}`: the index form was not
    expanded, and the target was "not found" (could not tell)."""
    workflow = gha(f"make test-{ref}", extra=MATRIX.format(values="[sqlite, postgres]"))
    makefile = "test-sqlite:\n\tgo test -race ./...\n\ntest-postgres:\n\tgo test -race ./...\n"
    out = run({WF: workflow, "Makefile": makefile})
    assert out["ci.race"].status is Status.FOUND, out["ci.race"].summary
