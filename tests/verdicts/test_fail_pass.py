"""Issue 11, "built to fail" and "built to pass": two Go services scanned with the real engine and
assessed against every shipped checklist, no answers given.

The fail service (`fail_service/`) fakes, halves or inverts every practice; nothing in it is
done, so evidence must tick nothing, its anti-patterns must put their items at risk, and no item
that applies to it may be called not applicable. The pass service (`pass_service/`) does
everything right: every item evidence can prove is ticked, nothing is at risk.

The tables below state the verdicts the engine gives and that are right; a verdict still wrong
is left out of them rather than asserted wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from golive_tui.core.checklist.library import Library
from golive_tui.core.model import Polarity, State, Status
from tests.verdicts.services import (
    FAIL,
    PASS,
    Verdicts,
    assess_all,
    links,
    materialise,
    shipped_checklists,
)

BAD = frozenset({Status.CONTRARY, Status.PARTIAL})
NOT_FOUND = frozenset({Status.MISSING, Status.ERROR})
ANY = frozenset(Status)


@pytest.fixture(scope="module")
def fail(tmp_path_factory: pytest.TempPathFactory) -> Verdicts:
    return assess_all(materialise(FAIL, tmp_path_factory.mktemp("svc") / FAIL))


@pytest.fixture(scope="module")
def passing(tmp_path_factory: pytest.TempPathFactory) -> Verdicts:
    return assess_all(materialise(PASS, tmp_path_factory.mktemp("svc") / PASS))


# --------------------------------------------------------------------------- the fail service

#: What each detector must say about the fail service, and why. ANY: the fact is true (a README
#: exists, a benchmark exists) and only the checklist decides it proves nothing.
FAIL_DETECTORS: Mapping[str, frozenset[Status]] = {
    "gomod.go_version": BAD,  # go 1.16, no toolchain line
    "docker.non_root_user": BAD,  # USER root
    "docker.minimal_base": BAD,  # final stage FROM golang:latest
    "docker.multistage": BAD,  # two stages, but the final one is golang:latest
    "docker.healthcheck": BAD,  # HEALTHCHECK NONE
    "docker.static_binary": NOT_FOUND,  # CGO_ENABLED=1
    "docker.ca_certificates": NOT_FOUND,  # nothing installs or copies them
    "lint.golangci_config": BAD,  # disable-all, misspell only, issues-exit-code 0
    "ci.tests": BAD,  # || true; allow_failure and a manual job
    "ci.race": BAD,  # the same steps
    "ci.govulncheck": BAD,  # its job has if: false
    "ci.golangci_lint": BAD,  # continue-on-error, --issues-exit-code=0
    "deps.update_bot": BAD,  # Dependabot without the gomod ecosystem
    "go.signal.sigterm": BAD,  # the Linux build registers os.Interrupt only
    "go.http.server_timeouts": BAD,  # 5 ns, unset config values, ListenAndServe
    "go.pprof": BAD,  # blank import, DefaultServeMux served on every interface
    "go.http.body_limit": BAD,  # four of five body reads unlimited
    "go.http.client_timeout": BAD,  # http.Get through DefaultClient, an unset timeout
    "go.db.pool_limits": BAD,  # MaxConns only
    "go.logging": BAD,  # slog's text handler
    "go.cors": BAD,  # echoed Origin and * with credentials
    "go.security_headers": BAD,  # HSTS max-age=0 and nothing else
    "go.tls_min_version": BAD,  # the server accepts TLS 1.0
    "go.tls_client_verify": BAD,  # the payments client skips certificate checks
    "go.sql_string_building": BAD,  # fmt.Sprintf and + around request values
    "go.rows_close": BAD,  # rows never closed nor checked
    "k8s.probes": BAD,  # paths and a port the service does not serve
    "k8s.non_root": BAD,  # runAsUser 0, privileged
    "k8s.resources": BAD,  # limits without requests
    "go.ratelimit": NOT_FOUND,  # the only limiter paces an outbound poller
    "go.tracing": NOT_FOUND,  # the otel API without a provider: could not tell
    "build.version_ldflags": ANY,  # stamped, never reported
    "docs.readme": ANY,  # "TODO"
    "docs.runbook": ANY,  # "TODO"
    "go.circuit_breaker": ANY,  # a breaker that never opens
    "go.config_loading": ANY,  # three Getenv calls; credentials in the code
    "go.http.health_endpoints": ANY,  # always 200; /readyz on a mux nothing serves
    "go.metrics": ANY,  # a counter nothing serves
    "go.migrations": ANY,  # a folder, no runner
    "go.retry_backoff": ANY,  # retries a POST with no delay and no end
    "tests.bench": ANY,  # an empty loop
    "tests.fuzz": ANY,  # fuzzes nothing
    "tests.present": ANY,  # a test that asserts nothing
}

#: Detectors whose every contrary finding on the fail service says why (Evidence.facts["why"]).
FAIL_SAYS_WHY = frozenset(
    {
        "gomod.go_version",
        "ci.tests",
        "ci.race",
        "ci.govulncheck",
        "ci.golangci_lint",
        "go.http.server_timeouts",
        "go.pprof",
        "go.http.body_limit",
        "go.db.pool_limits",
        "go.logging",
        "go.cors",
        "go.security_headers",
        "go.tls_min_version",
        "go.tls_client_verify",
    }
)

#: Items truly done in the fail service, which evidence may tick: none, every practice is faked.
FAIL_ALLOWED: Mapping[str, frozenset[str]] = {}

#: The items the fail service's anti-patterns put at risk, per checklist (exactly these), each
#: through a detector FAIL_DETECTORS expects contrary or partial.
FAIL_AT_RISK: Mapping[str, frozenset[str]] = {
    "delivery-lifecycle": frozenset(
        {
            "before-deploy.health-check",
            "cicd.race",
            "cicd.test-stage",
            "dependencies.scan-in-ci",
            "dependencies.update-bot",
            "environments.containerised",
            "environments.db-settings",
            "environments.pinned-toolchain",
            "performance.measure-first",
            "tls.internal",  # the payments client skips certificate checks
            "tls.min-version",
        }
    ),
    "go-deploy-basics": frozenset(
        {
            "container.minimal-base",
            "container.multistage",  # the final stage is golang:latest: stages in name only
            "deploy.go-modules",
            "http.body-limit",
            "http.cors",
            "http.tls",
            "obs.structured-logs",
            "resilience.outbound-timeouts",
            "shutdown.sigterm",
        }
    ),
    "go-engineering": frozenset(
        {
            "ci.pinned-go",
            "ci.tests-in-ci",
            "container.non-root",
            "database.parameterized-queries",
            "database.pool-limits",
            "database.rows-closed",
            "health.cicd",
            "health.concurrency",
            "health.observability",
            "health.testing",
            "p0.container-image",
            "p0.golangci-clean",
            "p0.govulncheck",
            "p0.graceful-shutdown",
            "p0.race-clean",
            "p0.structured-logging",
            "p1.pipeline",
            "p1.security-headers",
            "performance.profile-first",
            "performance.reuse-clients",
            "runtime.server-timeouts",
            "security.cors-allowlist",
            "security.dependency-hygiene",
            "security.tls-versions",
        }
    ),
    "go-production": frozenset(
        {
            "ci.govulncheck",
            "ci.lint",
            "ci.race",
            "ci.tests",
            "container.healthcheck",
            "container.minimal-base",
            "container.multistage",
            "container.non-root",
            "container.patch-policy",
            "db.parameterized-queries",
            "db.pool-limits",
            "db.rows-closed",
            "deploy.go-modules",
            "http.body-limit",
            "http.cors",
            "http.security-headers",
            "http.tls",
            "obs.structured-logs",
            "perf.pprof-protected",
            "perf.resource-limits",
            "resilience.outbound-timeouts",
            "resilience.server-timeouts",
            "shutdown.k8s-probes",
            "shutdown.sigterm",
        }
    ),
}

#: Items the fail service's evidence must leave open: presence that proves nothing, or nothing found.
FAIL_OPEN: Mapping[str, frozenset[str]] = {
    "delivery-lifecycle": frozenset(
        {
            "before-deploy.steps-written",
            "cicd.traceable-artifact",
            "monitoring.live-metrics",
            "while-coding.externalise-config",
            "while-coding.graceful-degradation",
        }
    ),
    "go-deploy-basics": frozenset(
        {
            "http.rate-limit",
            "migrations.execution-strategy",
            "resilience.circuit-breaker",
            "shutdown.health-endpoints",
        }
    ),
    "go-engineering": frozenset(
        {
            "container.ca-certificates",
            "container.static-binary",
            "docs.readme",
            "health.configuration",
            "health.documentation",
            "p0.health-endpoints",
            "p1.metrics",
            "p1.migrations",
            "p1.rate-limiting",
            "p1.tracing",
            "runtime.degrade-gracefully",
            "testing.bench",
            "testing.beside-code",
            "testing.fuzz",
        }
    ),
    "go-production": frozenset(
        {
            "config.externalized",
            "container.ca-certs",
            "container.static-binary",
            "contracts.identity",
            "http.rate-limit",
            "migrations.execution-strategy",
            "obs.metrics-endpoint",
            "obs.tracing",
            "ops.runbook",
            "perf.benchmarks",
            "resilience.circuit-breaker",
            "resilience.retry-backoff",
            "shutdown.health-endpoints",
        }
    ),
}

#: The only items that truly do not apply to either service (neither serves web assets).
NOT_APPLICABLE: Mapping[str, frozenset[str]] = {
    "delivery-lifecycle": frozenset({"performance.web-assets"}),
}


def test_the_tables_name_real_checklists_and_items() -> None:
    """A renamed item must not silently drop out of the assertions below, and every item
    expected at risk links a detector the fail service's anti-patterns are expected to trip."""
    library = Library.discover(None)
    for table in (FAIL_ALLOWED, FAIL_AT_RISK, FAIL_OPEN, NOT_APPLICABLE):
        for checklist_id, ids in table.items():
            assert checklist_id in shipped_checklists()
            known = {i.id for i in library.get(checklist_id).items()}
            assert ids <= known, sorted(ids - known)
    bad = {d for d, allowed in FAIL_DETECTORS.items() if allowed == BAD}
    for checklist_id, ids in FAIL_AT_RISK.items():
        for item in library.get(checklist_id).items():
            if item.id in ids:
                linked = links(item)
                assert bad & {*linked.proves, *linked.supports}, item.id


def test_fail_service_detectors_report_its_anti_patterns(fail: Verdicts) -> None:
    statuses = {r.id: r.status for r in fail.report.results}
    wrong = {
        d: statuses.get(d)
        for d, allowed in FAIL_DETECTORS.items()
        if statuses.get(d) not in allowed
    }
    assert wrong == {}


def test_fail_service_contrary_findings_say_why(fail: Verdicts) -> None:
    silent = [
        f"{r.id} {e.path}:{e.line}"
        for r in fail.report.results
        if r.id in FAIL_SAYS_WHY
        for e in r.evidence
        if e.polarity is Polarity.CONTRARY and not str(e.facts.get("why", "")).strip()
    ]
    assert silent == []


@pytest.mark.parametrize("checklist_id", shipped_checklists())
def test_fail_service_anti_patterns_put_their_items_at_risk(
    fail: Verdicts, checklist_id: str
) -> None:
    assert set(fail.ids(checklist_id, State.AT_RISK)) == FAIL_AT_RISK.get(checklist_id, set())
    for item_id in FAIL_AT_RISK.get(checklist_id, ()):
        assert fail.assessments[checklist_id].view(item_id).risks, item_id  # and says why


@pytest.mark.parametrize("checklist_id", shipped_checklists())
def test_fail_service_ticks_nothing_that_is_not_done(fail: Verdicts, checklist_id: str) -> None:
    ticked = set(fail.ids(checklist_id, State.DETECTED))
    must_not = FAIL_AT_RISK.get(checklist_id, frozenset()) | FAIL_OPEN.get(
        checklist_id, frozenset()
    )
    assert not ticked & must_not
    for item_id in FAIL_OPEN.get(checklist_id, ()):
        assert fail.assessments[checklist_id].view(item_id).state is State.TODO, item_id


@pytest.mark.parametrize("checklist_id", shipped_checklists())
def test_fail_service_items_that_apply_are_not_na(fail: Verdicts, checklist_id: str) -> None:
    na = set(fail.ids(checklist_id, State.NA))
    assert na == NOT_APPLICABLE.get(checklist_id, set())
    for item_id in na:
        assert fail.assessments[checklist_id].view(item_id).na_reason, item_id


# --------------------------------------------------------------------------- the pass service


def test_pass_service_detectors_all_find_their_practice(passing: Verdicts) -> None:
    assert {r.id: r.status for r in passing.report.results if r.status is not Status.FOUND} == {}


@pytest.mark.parametrize("checklist_id", shipped_checklists())
def test_pass_service_ticks_every_provable_item(passing: Verdicts, checklist_id: str) -> None:
    found = {r.id for r in passing.report.results if r.status is Status.FOUND}
    assessment = passing.assessments[checklist_id]
    provable = {
        v.item.id
        for v in assessment.items
        if v.applicable and links(v.item).proves and links(v.item).settled_by(found)
    }
    assert provable  # every shipped checklist has items evidence can prove
    assert provable == set(passing.ids(checklist_id, State.DETECTED))


@pytest.mark.parametrize("checklist_id", shipped_checklists())
def test_pass_service_support_alone_waits_for_a_person(
    passing: Verdicts, checklist_id: str
) -> None:
    """Supporting evidence is shown, never ticks: those items stay open for a person."""
    supported_only = {
        v.item.id
        for v in passing.assessments[checklist_id].items
        if links(v.item).supports and not links(v.item).proves
    }
    assert not supported_only & set(passing.ids(checklist_id, State.DETECTED))
    found = {r.id for r in passing.report.results if r.status is Status.FOUND}
    for view in passing.assessments[checklist_id].items:
        if (
            view.item.id in supported_only
            and view.applicable
            and set(links(view.item).supports) & found
        ):
            assert view.state is State.TODO and view.to_confirm, view.item.id


@pytest.mark.parametrize("checklist_id", shipped_checklists())
def test_pass_service_has_nothing_at_risk(passing: Verdicts, checklist_id: str) -> None:
    assert passing.ids(checklist_id, State.AT_RISK) == []


@pytest.mark.parametrize("checklist_id", shipped_checklists())
def test_pass_service_na_only_where_nothing_applies(passing: Verdicts, checklist_id: str) -> None:
    expected = NOT_APPLICABLE.get(checklist_id, frozenset())
    assert set(passing.ids(checklist_id, State.NA)) == expected


def test_the_services_are_what_the_tests_copy() -> None:
    """Each service is a small Go module with a main package, CI, image and manifests."""
    here = Path(__file__).parent
    for service in (FAIL, PASS):
        root = here / service
        assert (root / "go.mod").is_file()
        assert (root / "cmd" / "orders" / "main.go").is_file()
        assert (root / "Dockerfile").is_file()
        assert (root / ".github" / "workflows" / "ci.yml").is_file()
        lines = sum(len(p.read_text().splitlines()) for p in root.rglob("*.go"))
        assert lines >= 250, (service, lines)
