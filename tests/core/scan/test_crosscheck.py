"""Verdicts across families (crosscheck.py): Kubernetes probes against the Go routes, and
migrations proved only by a runner that locks."""

from __future__ import annotations

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.model import Polarity, Status
from golive_tui.core.scan.crosscheck import served
from golive_tui.core.scan.engine import scan

GO_MOD = "module example.com/svc\n\ngo 1.25\n"
SERVER = """\
package main

import "net/http"

func main() {
\tmux := http.NewServeMux()
\tmux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
\t_ = http.ListenAndServe(":8080", mux)
}
"""


def deployment(
    path: str, port: str = "8080", ports: str = "", image: str = "ghcr.io/acme/svc:1.2"
) -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc\nspec:\n  template:\n"
        f"    spec:\n      containers:\n        - name: svc\n          image: {image}\n"
        f"{ports}"
        "          livenessProbe:\n            httpGet:\n"
        f"              path: {path}\n              port: {port}\n"
    )


def probes(make_repo: RepoFactory, files: dict[str, str]):  # type: ignore[no-untyped-def]
    root = make_repo(files)
    report = scan(root, only=["k8s.probes"], use_cache=False)
    assert [r.id for r in report.results] == ["k8s.probes"]
    return report.result("k8s.probes")


def test_a_probe_on_a_served_path_is_found(make_repo: RepoFactory) -> None:
    result = probes(
        make_repo,
        {"go.mod": GO_MOD, "main.go": SERVER, "deploy/app.yaml": deployment("/healthz")},
    )
    assert result.status is Status.FOUND
    assert result.evidence[0].facts["probe_paths"] == {"livenessProbe": "served"}


def test_a_probe_on_a_path_nothing_serves_is_contrary(make_repo: RepoFactory) -> None:
    result = probes(
        make_repo,
        {"go.mod": GO_MOD, "main.go": SERVER, "deploy/app.yaml": deployment("/ready")},
    )
    assert result.status is Status.CONTRARY
    bad = [e for e in result.evidence if e.facts.get("why")]
    assert [(e.path, e.line) for e in bad] == [("deploy/app.yaml", 13)]
    assert "GETs /ready, which no route in the Go code serves" in str(bad[0].facts["why"])
    assert "/healthz" in str(bad[0].facts["why"])


@pytest.mark.parametrize("image", ["grafana/grafana:11.0", "docker.io/library/nginx@sha256:ab"])
def test_a_third_party_image_is_not_judged_against_the_go_routes(
    make_repo: RepoFactory, image: str
) -> None:
    result = probes(
        make_repo,
        {
            "go.mod": GO_MOD,
            "main.go": SERVER,
            "deploy/app.yaml": deployment("/api/health", image=image),
        },
    )
    assert result.status is Status.FOUND
    assert result.evidence[0].facts["probe_paths"] == {"livenessProbe": "unknown"}


def test_an_image_named_after_a_command_is_judged(make_repo: RepoFactory) -> None:
    result = probes(
        make_repo,
        {
            "go.mod": "module example.com/mono\n\ngo 1.25\n",
            "cmd/api/main.go": SERVER,
            "deploy/app.yaml": deployment("/ready", image="registry.local/api:7"),
        },
    )
    assert result.status is Status.CONTRARY


def test_a_route_under_a_prefix_set_at_run_time_could_not_be_told(
    make_repo: RepoFactory,
) -> None:
    """`base + "/healthz"` with base from the environment: the probe may or may not reach it."""
    server = SERVER.replace('import "net/http"', 'import (\n\t"net/http"\n\t"os"\n)').replace(
        'mux.HandleFunc("/healthz"', 'mux.HandleFunc(os.Getenv("BASE")+"/healthz"'
    )
    files = {"go.mod": GO_MOD, "main.go": server, "deploy/app.yaml": deployment("/healthz")}
    result = probes(make_repo, files)
    assert result.evidence[0].facts["probe_paths"] == {"livenessProbe": "unknown"}
    assert "could not tell whether 1 probe path(s) are served" in result.summary
    files["deploy/app.yaml"] = deployment("/readyz")
    result = probes(make_repo, files)
    assert result.status is Status.CONTRARY  # no prefix makes /healthz serve /readyz


def test_a_probe_on_a_path_that_is_no_health_path_could_not_be_told(
    make_repo: RepoFactory,
) -> None:
    """The scan knows the health routes only: `/` may be served by any route or a catch-all."""
    result = probes(
        make_repo, {"go.mod": GO_MOD, "main.go": SERVER, "deploy/app.yaml": deployment("/")}
    )
    assert result.evidence[0].facts["probe_paths"] == {"livenessProbe": "unknown"}
    assert result.status is Status.FOUND


def test_without_go_routes_the_probe_path_could_not_be_told(make_repo: RepoFactory) -> None:
    result = probes(make_repo, {"go.mod": GO_MOD, "deploy/app.yaml": deployment("/ready")})
    assert result.status is Status.FOUND  # probes declared; never contrary on an unknown
    assert result.evidence[0].facts["probe_paths"] == {"livenessProbe": "unknown"}
    assert "could not tell whether 1 probe path(s) are served" in result.summary


def test_a_probe_on_a_port_name_the_container_does_not_declare(make_repo: RepoFactory) -> None:
    bad = probes(
        make_repo,
        {"go.mod": GO_MOD, "main.go": SERVER, "deploy/app.yaml": deployment("/healthz", "web")},
    )
    assert bad.status is Status.PARTIAL
    (why,) = [e.facts["why"] for e in bad.evidence if e.polarity is Polarity.CONTRARY]
    assert "uses port 'web', which container svc does not declare" in str(why)
    ports = "          ports:\n            - name: web\n              containerPort: 8080\n"
    good = probes(
        make_repo,
        {
            "go.mod": GO_MOD,
            "main.go": SERVER,
            "deploy/app.yaml": deployment("/healthz", "web", ports),
        },
    )
    assert good.status is Status.FOUND


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/healthz", True),
        ("/internal/healthz", True),  # a router mounted under a prefix
        ("/health/live", True),  # a subtree route
        ("/ready/db", True),  # a route with a parameter
        ("/readyz", False),
        ("/healthzz", False),
    ],
)
def test_served(path: str, expected: bool) -> None:
    assert served(path, ["/healthz", "/health/", "/ready/{kind}"]) is expected


MIGRATE = """\
package main

import (
\t"github.com/golang-migrate/migrate/v4"
)

func up() { _, _ = migrate.New("file://migrations", "postgres://") }
"""
GOOSE = """\
package main

import (
\t"github.com/pressly/goose/v3"
)

func up() { _ = goose.Up(nil, "migrations") }
"""
GOOSE_LOCK = GOOSE.replace(
    '\t"github.com/pressly/goose/v3"\n',
    '\t"github.com/pressly/goose/v3"\n\t"github.com/pressly/goose/v3/lock"\n',
).replace("func up()", "var _ = lock.NewPostgresSessionLocker\n\nfunc up()")
SQL = {"migrations/0001_init.up.sql": "create table t (id int);\n"}
CI_MIGRATE = {
    ".github/workflows/deploy.yml": (
        "on: push\njobs:\n  m:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: migrate -path migrations -database $DB up\n"
    )
}


@pytest.mark.parametrize(
    ("files", "status"),
    [
        (SQL, Status.ERROR),  # a folder alone: could not tell
        ({**SQL, "m.go": GOOSE}, Status.ERROR),  # goose without a session locker
        ({**SQL, "m.go": MIGRATE}, Status.FOUND),
        ({**SQL, "m.go": GOOSE_LOCK}, Status.FOUND),
        ({**SQL, **CI_MIGRATE}, Status.FOUND),
    ],
    ids=["folder-only", "goose-unlocked", "golang-migrate", "goose-locked", "migrate-in-ci"],
)
def test_only_a_locking_runner_proves_migrations(
    make_repo: RepoFactory, files: dict[str, str], status: Status
) -> None:
    root = make_repo({"go.mod": GO_MOD, "main.go": SERVER, **files})
    # asked alone, go.migrations still reads the CI family's files (and reports only itself)
    report = scan(root, only=["go.migrations"], use_cache=False)
    assert [r.id for r in report.results] == ["go.migrations"]
    result = report.result("go.migrations")
    assert result.status is status, result.summary
    if status is Status.ERROR:
        assert result.summary.startswith("could not tell")
        assert "no runner that takes a lock" in result.summary
        assert all(e.facts.get("quality") == "partial" for e in result.evidence)


def test_a_huge_probe_path_is_not_compared(make_repo: RepoFactory) -> None:
    """Bounded work: a path longer than MAX_PATH says could not tell, never contrary."""
    long_path = "/" + "a" * 5000
    result = probes(
        make_repo,
        {"go.mod": GO_MOD, "main.go": SERVER, "deploy/app.yaml": deployment(long_path)},
    )
    assert result.status is Status.FOUND
    assert result.evidence[0].facts["probe_paths"] == {"livenessProbe": "unknown"}


# --------------------------------------------------------------------------- GoReleaser default

GORELEASER = "builds:\n  - binary: whoami\n"


@pytest.mark.parametrize(
    ("main", "goreleaser", "status"),
    [
        ("package main\n\nfunc main() {}\n", GORELEASER, Status.MISSING),
        (
            'package main\n\nvar version = "dev"\n\nfunc main() { println(version) }\n',
            GORELEASER,
            Status.FOUND,
        ),
        (
            'package main\n\nvar (\n\tversion = "dev"\n\tcommit  = ""\n)\n\nfunc main() {}\n',
            GORELEASER,
            Status.FOUND,
        ),
        ("package main\n\nvar version string\n\nfunc main() {}\n", GORELEASER, Status.FOUND),
        # a flag written out is evidence of its own, whatever main declares
        (
            "package main\n\nfunc main() {}\n",
            GORELEASER + "    ldflags:\n      - -X main.version={{.Version}}\n",
            Status.FOUND,
        ),
        # `version` only inside a function, or in a comment: nothing for -X to set
        (
            "package main\n\n// version = 1\nfunc main() { version := 1; _ = version }\n",
            GORELEASER,
            Status.MISSING,
        ),
    ],
    ids=["no-version", "var", "var-block", "var-typed", "explicit-flag", "local-only"],
)
def test_goreleaser_default_ldflags_count_only_where_main_declares_version(
    make_repo: RepoFactory, main: str, goreleaser: str, status: Status
) -> None:
    """GoReleaser's default ldflags set main.version: a version is stamped only if a main
    package declares it (traefik/whoami's does not: it was found)."""
    root = make_repo(
        {"go.mod": "module x\n\ngo 1.24\n", "main.go": main, ".goreleaser.yml": goreleaser}
    )
    result = {r.id: r for r in scan(root).results}["build.version_ldflags"]
    assert result.status is status, result.summary
    if status is Status.MISSING:
        assert "which no main package declares" in result.summary and result.evidence == ()


def test_goreleasers_default_goes_and_a_written_flag_stays(make_repo: RepoFactory) -> None:
    """ory/oathkeeper: its main declares no version, and a Makefile's dev target stamps
    another variable: that flag stays, the default's item goes, the summary says why."""
    files = {
        "go.mod": "module x\n\ngo 1.24\n",
        "main.go": "package main\n\nfunc main() {}\n",
        ".goreleaser.yml": GORELEASER,
        "Makefile": 'dev:\n\tgo install -ldflags "-X example.com/x/cmd.Version=dev" .\n',
    }
    result = {r.id: r for r in scan(make_repo(files)).results}["build.version_ldflags"]
    assert result.status is Status.FOUND, result.summary
    assert [e.path for e in result.evidence] == ["Makefile"]
    assert result.summary.endswith("which no main package declares")
    assert "GoReleaser's default ldflags;" not in result.summary


def test_a_go_fuzz_harness_counts_though_the_target_never_builds_it(
    make_repo: RepoFactory,
) -> None:
    """coredns's harnesses are built with the gofuzz tag only: the target leaves them out of
    the evidence of code, not out of the fuzz tests."""
    files = {
        "go.mod": "module x\n\ngo 1.24\n",
        "main.go": "package main\n\nfunc main() {}\n",
        "plugin/cache/fuzz.go": "//go:build gofuzz\n\npackage cache\n\n"
        "func Fuzz(data []byte) int { return 0 }\n",
    }
    report = scan(make_repo(files), all_code=True)
    fuzz = {r.id: r for r in report.results}["tests.fuzz"]
    assert fuzz.status is Status.FOUND, fuzz.summary
    assert [e.path for e in fuzz.evidence] == ["plugin/cache/fuzz.go"]
    assert "plugin/cache/fuzz.go" in dict(report.stats.excluded_for_target)
