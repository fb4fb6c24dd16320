"""Detectors decided by imports alone (the import rules in go_rules.toml):
tracing, migrations (and folders of .sql migrations), circuit breakers, retries.
They open no gate: the import scanner finds their evidence without a parse."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from golive_tui.core.evidence import Evidence, Polarity
from golive_tui.core.scan.detectors.go.check import Check, Detector
from golive_tui.core.scan.detectors.go.rules import rules
from golive_tui.core.scan.detectors.go.summaries import generic

TRACING = "go.tracing"
MIGRATIONS = "go.migrations"
BREAKER = "go.circuit_breaker"
RETRY = "go.retry_backoff"


def _migration_dirs(all_paths: tuple[str, ...]) -> list[Evidence]:
    dirs = rules().migration_dirs
    counts: dict[str, int] = defaultdict(int)
    for p in all_paths:
        if not p.endswith(".sql"):
            continue
        folder = p.rpartition("/")[0]
        parent = folder.rpartition("/")[0]  # one folder per database (shiori: migrations/sqlite)
        if any(f == d or f.endswith("/" + d) for f in (folder, parent) if f for d in dirs):
            counts[folder] += 1
    return [
        Evidence(
            folder,
            1,
            1,
            Polarity.POSITIVE,
            f"{n_} .sql migration file{'s' if n_ != 1 else ''}",
            None,
            {"dir": folder, "sql_files": n_},
        )
        for folder, n_ in sorted(counts.items())
    ]


#: OpenTelemetry packages that export spans (an SDK provider or an exporter); the API and
#: instrumentation alone hand spans to the no-op provider.
_OTEL_EXPORTS = (
    "go.opentelemetry.io/otel/sdk/trace",
    "go.opentelemetry.io/otel/exporters/",
)


def _judge_tracing(
    items: list[Evidence],
    facts: Mapping[str, Any],
    all_paths: tuple[str, ...],
    notes: list[str],
) -> list[Evidence]:
    """OpenTelemetry API or instrumentation without an SDK provider or exporter anywhere in
    the repository records nothing: that cannot be called tracing (the provider may be set up
    by a shared library, so it is "could not tell", not contrary)."""
    paths = [str(e.facts.get("import", "")) for e in items]
    otel = [p for p in paths if p.startswith("go.opentelemetry.io/")]
    if not otel or len(otel) < len(paths):
        return items
    if any(p.startswith(_OTEL_EXPORTS) for p in otel):
        return items
    why = "OpenTelemetry API imported but no SDK tracer provider or exporter is set up here"
    return [e._replace(facts={**e.facts, "quality": "unknown", "why": why}) for e in items]


def _sum_tracing(items: list[Evidence], notes: list[str]) -> str:
    text = generic("finding", "no tracing library imported")(items, notes)
    unknown = [e for e in items if e.facts.get("quality") == "unknown"]
    if unknown:
        text += f"; {unknown[0].facts['why']} (spans go to the no-op provider)"
    return text


def _sum_migrations(items: list[Evidence], notes: list[str]) -> str:
    """Support only: a tool or a folder of .sql files does not show one locked runner."""
    text = generic("migration folder", "no migration tool or migrations folder found")(items, notes)
    if items:
        text += "; shows migrations are kept, not how (or by whom, locked) they are applied"
    return text


CHECK = Check(
    detectors=(
        Detector(TRACING, _sum_tracing, judge=_judge_tracing),
        Detector(MIGRATIONS, _sum_migrations, from_paths=_migration_dirs),
        Detector(BREAKER, generic("finding", "no circuit breaker library imported")),
        Detector(RETRY, generic("finding", "no retry/backoff library imported")),
    ),
)
