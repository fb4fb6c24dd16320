"""Every detector link of the shipped checklists says what a found result establishes (issue 11).

The counts printed here (pytest -s) are how many items evidence can tick by proof and how many
only a person can tick, with supporting evidence shown.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from golive_tui.core.checklist.library import load_file
from golive_tui.core.model import Checklist
from tests.conftest import ROOT

FILES = sorted((ROOT / "checklists").glob("*.toml"))

#: Evidence of presence (an import, a file, a folder) never proves a practice: these detectors
#: only support the items they are linked to, whatever the checklist.
PRESENCE_ONLY = frozenset(
    {
        "go.config_loading",
        "go.migrations",
        "go.circuit_breaker",
        "go.retry_backoff",
        "go.tracing",
        "go.metrics",
        "go.ratelimit",
        "go.pprof",
        "tests.bench",
        "tests.present",
        "tests.fuzz",
        "docs.runbook",
        "docs.readme",
    }
)


def counts(checklist: Checklist) -> tuple[int, int, int]:
    """(linked items, items proof can tick, items only a person can tick from support)."""
    linked = [i for i in checklist.items() if i.detect is not None]
    proof = [i for i in linked if i.detect is not None and i.detect.proves]
    support = [i for i in linked if i.detect is not None and not i.detect.proves]
    return len(linked), len(proof), len(support)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_shipped_links_use_the_new_keys_only(path: Path) -> None:
    for item in load_file(path).items():
        if item.detect is not None:
            assert not item.detect.legacy, f"{item.id}: say proves or supports"
            assert item.detect.linked, item.id


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_presence_never_proves(path: Path) -> None:
    for item in load_file(path).items():
        if item.detect is not None:
            assert not PRESENCE_ONLY & set(item.detect.proves), item.id


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_score_items_are_never_proven(path: Path) -> None:
    """Evidence informs a rating but cannot give one."""
    for item in load_file(path).items():
        if item.detect is not None and item.kind.value == "score":
            assert not item.detect.proves, item.id


def test_the_inverted_and_partial_cases_of_issue_11_are_not_proof() -> None:
    prod = load_file(ROOT / "checklists" / "go-production.toml")
    for item_id in (
        "perf.pprof-protected",  # a pprof import is the exposure, not the protection
        "config.externalized",  # one os.Getenv is not all configuration
        "migrations.execution-strategy",  # a folder is not one locked runner
        "perf.benchmarks",  # a Benchmark is not load-tested hot paths
        "contracts.identity",  # -ldflags -X is not the version in logs and health
        "http.rate-limit",  # a limiter is not every public endpoint limited
    ):
        detect = prod.item(item_id).detect
        assert detect is not None and not detect.proves and detect.supports, item_id
    for item_id in ("resilience.server-timeouts", "http.body-limit", "http.security-headers"):
        detect = prod.item(item_id).detect
        assert detect is not None and detect.proves, item_id  # found means complete


def test_counts_per_checklist(capsys: pytest.CaptureFixture[str]) -> None:
    rows = []
    for path in FILES:
        checklist = load_file(path)
        linked, proof, support = counts(checklist)
        assert linked == proof + support
        assert proof and support, checklist.id
        rows.append(
            f"{checklist.id}: {len(checklist.items())} items, {linked} linked to detectors: "
            f"{proof} can be ticked by proof, {support} only by a person from supporting evidence"
        )
    with capsys.disabled():
        print("\n" + "\n".join(rows))
