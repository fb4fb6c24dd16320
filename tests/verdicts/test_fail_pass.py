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

from golive_tui.core.model import State, Status
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
    "docker.non_root_user": BAD,  # USER root
    "docker.minimal_base": BAD,  # final stage FROM golang:latest
    "docker.healthcheck": BAD,  # HEALTHCHECK NONE
    "docker.static_binary": NOT_FOUND,  # CGO_ENABLED=1
    "docker.ca_certificates": NOT_FOUND,  # nothing installs or copies them
    "deps.update_bot": BAD,  # Dependabot without the gomod ecosystem
    "go.signal.sigterm": BAD,  # the Linux build registers os.Interrupt only
    "go.http.client_timeout": BAD,  # http.Get through DefaultClient
    "go.http.server_timeouts": BAD,  # http.ListenAndServe: no timeouts at all
    "go.tls_min_version": BAD,  # TLS 1.0 and InsecureSkipVerify on the server
    "go.sql_string_building": BAD,  # fmt.Sprintf and + around request values
    "go.rows_close": BAD,  # rows never closed nor checked
    "k8s.non_root": BAD,  # runAsUser 0, privileged
    "k8s.resources": BAD,  # limits without requests
    "build.version_ldflags": ANY,  # stamped, never reported
    "docs.readme": ANY,  # "TODO"
    "docs.runbook": ANY,  # "TODO"
    "go.circuit_breaker": ANY,  # a breaker that never opens
    "go.config_loading": ANY,  # one Getenv; credentials in the code
    "go.http.health_endpoints": ANY,  # always 200; /readyz on a mux nothing serves
    "go.metrics": ANY,  # a counter nothing serves
    "go.migrations": ANY,  # a folder, no runner
    "go.ratelimit": ANY,  # paces an outbound poller only
    "go.retry_backoff": ANY,  # retries a POST with no delay and no end
    "go.tracing": ANY,  # no tracer provider: a no-op
    "tests.bench": ANY,  # an empty loop
    "tests.fuzz": ANY,  # fuzzes nothing
    "tests.present": ANY,  # a test that asserts nothing
}

#: Items truly done in the fail service, which evidence may tick: none, every practice is faked.
FAIL_ALLOWED: Mapping[str, frozenset[str]] = {}

#: The items the fail service's anti-patterns put at risk, per checklist.
FAIL_AT_RISK: Mapping[str, frozenset[str]] = {
    "delivery-lifecycle": frozenset(
        {
            "environments.containerised",  # final stage is the toolchain image
            "tls.min-version",  # TLS 1.0, InsecureSkipVerify
            "dependencies.update-bot",  # Go modules never updated
            "before-deploy.health-check",  # HEALTHCHECK NONE
        }
    ),
    "go-deploy-basics": frozenset(
        {
            "startup.graceful-shutdown",  # no SIGTERM on Linux
            "code.client-timeouts",  # DefaultClient
            "deploy.minimal-image",  # golang:latest at run time
            "deploy.tls",  # TLS 1.0
        }
    ),
    "go-engineering": frozenset(
        {
            "p0.graceful-shutdown",
            "p0.container-image",
            "security.tls-versions",
            "security.dependency-hygiene",
            "performance.reuse-clients",  # DefaultClient
            "runtime.server-timeouts",  # ListenAndServe without a Server
            "container.non-root",  # USER root
        }
    ),
    "go-production": frozenset(
        {
            "resilience.outbound-timeouts",
            "resilience.server-timeouts",
            "http.tls",
            "perf.resource-limits",  # no requests
            "shutdown.sigterm",
            "container.minimal-base",
            "container.non-root",  # USER root, runAsUser 0, privileged
            "container.patch-policy",  # Dependabot without gomod
            "container.healthcheck",  # HEALTHCHECK NONE
        }
    ),
}

#: Items evidence cannot settle either way in the fail service: they stay open.
FAIL_OPEN: Mapping[str, frozenset[str]] = {
    "go-engineering": frozenset({"container.static-binary", "container.ca-certificates"}),
    "go-production": frozenset({"container.static-binary", "container.ca-certs"}),
}

#: Items with an `applies_when` that the fail service meets (a Dockerfile, k8s manifests, a
#: migrations folder): they must never be n/a.
FAIL_APPLIES: Mapping[str, frozenset[str]] = {
    "go-deploy-basics": frozenset({"startup.migrate", "deploy.minimal-image"}),
    "go-engineering": frozenset(
        {
            "p0.container-image",
            "container.static-binary",
            "container.non-root",
            "container.ca-certificates",
            "container.cached-modules",
            "container.run-migrations",
        }
    ),
    "go-production": frozenset(
        {
            "migrations.backward-compatible",
            "migrations.no-destructive-during-rollout",
            "migrations.batched-backfills",
            "migrations.execution-strategy",
            "migrations.rollback-plan",
            "perf.resource-limits",
            "shutdown.startup-probe",
            "shutdown.k8s-probes",
            "container.multistage",
            "container.minimal-base",
            "container.ca-certs",
            "container.non-root",
            "container.static-binary",
            "container.dockerignore",
            "container.healthcheck",
        }
    ),
}

#: The only items that truly do not apply to either service (neither serves web assets).
NOT_APPLICABLE: Mapping[str, frozenset[str]] = {
    "delivery-lifecycle": frozenset({"performance.web-assets"}),
}


def test_the_tables_name_real_checklists_and_items() -> None:
    """A renamed item must not silently drop out of the assertions below."""
    from golive_tui.core.checklist.library import Library

    library = Library.discover(None)
    for table in (FAIL_ALLOWED, FAIL_AT_RISK, FAIL_OPEN, FAIL_APPLIES, NOT_APPLICABLE):
        for checklist_id, ids in table.items():
            assert checklist_id in shipped_checklists()
            known = {i.id for i in library.get(checklist_id).items()}
            assert ids <= known, sorted(ids - known)


def test_fail_service_detectors_report_its_anti_patterns(fail: Verdicts) -> None:
    statuses = {r.id: r.status for r in fail.report.results}
    wrong = {
        d: statuses.get(d)
        for d, allowed in FAIL_DETECTORS.items()
        if statuses.get(d) not in allowed
    }
    assert wrong == {}


@pytest.mark.parametrize("checklist_id", shipped_checklists())
def test_fail_service_anti_patterns_put_their_items_at_risk(
    fail: Verdicts, checklist_id: str
) -> None:
    assert set(fail.ids(checklist_id, State.AT_RISK)) == FAIL_AT_RISK.get(checklist_id, set())


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
    assert not na & FAIL_APPLIES.get(checklist_id, frozenset())
    assert NOT_APPLICABLE.get(checklist_id, frozenset()) <= na


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
