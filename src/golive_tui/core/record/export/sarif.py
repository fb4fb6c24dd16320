"""SARIF 2.1.0 for code scanning: contrary evidence and gate failures as results with locations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from golive_tui import __version__
from golive_tui.core.record.build import clean_remote
from golive_tui.core.record.export.common import INFORMATION_URI, SARIF_SCHEMA, STATE_LABEL
from golive_tui.core.record.gate import GateOutcome
from golive_tui.core.record.model import Record


def outcome_sarif(outcome: GateOutcome, root: Path) -> dict[str, Any]:

    rel = (
        outcome.path.relative_to(root).as_posix()
        if outcome.path.is_relative_to(root)
        else str(outcome.path)
    )
    extra = [ExtraResult("golive.gate", f, rel) for f in outcome.failures]
    extra += [
        ExtraResult("golive.gate.touched", f"changed since the record: {p}", p, level="warning")
        for p in outcome.touched
    ]
    if outcome.record is None:
        gate_rule = {
            "id": "golive.gate",
            "name": "golive.gate",
            "shortDescription": {"text": "golive readiness gate"},
        }
        log = sarif_log([gate_rule], [extra_result(e, rel) for e in extra])
    else:
        log = to_sarif(outcome.record, record_path=rel, extra=extra)
    if outcome.trust is not None:
        run = log["runs"][0]
        run.setdefault("properties", {})["golive/trust"] = outcome.trust.to_json()
    return log


@dataclass(frozen=True, slots=True)
class ExtraResult:
    """A finding that is not evidence (e.g. why a gate failed), reported at `path`."""

    rule: str
    message: str
    path: str
    line: int = 1
    level: str = "error"


def to_sarif(
    record: Record, *, record_path: str = "", extra: Sequence[ExtraResult] = ()
) -> dict[str, Any]:
    """SARIF 2.1.0: one result per contrary evidence (detector = rule), at its file:line."""
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for item in record.items:
        for ev in item.evidence:
            if ev.polarity != "contrary":
                continue
            rules.setdefault(
                ev.detector,
                {
                    "id": ev.detector,
                    "name": ev.detector,
                    "shortDescription": {"text": f"golive detector {ev.detector}"},
                    "helpUri": INFORMATION_URI,
                },
            )
            results.append(
                {
                    "ruleId": ev.detector,
                    "level": "error" if item.priority == "P0" else "warning",
                    "message": {
                        "text": f"{item.title or item.id} ({item.id}, {item.priority}): "
                        f"contrary evidence from {ev.detector}; item is "
                        f"{STATE_LABEL.get(item.state, item.state)}"
                    },
                    "locations": [_location(ev.path, ev.line)],
                    "partialFingerprints": {"golive/v1": f"{item.id}:{ev.detector}:{ev.path}"},
                    "properties": {"item": item.id, "state": item.state, "blob": ev.blob},
                }
            )
    for res in extra:
        rules.setdefault(
            res.rule,
            {
                "id": res.rule,
                "name": res.rule,
                "shortDescription": {"text": "golive readiness gate"},
                "helpUri": INFORMATION_URI,
            },
        )
        results.append(extra_result(res, record_path))
    return sarif_log(
        list(rules.values()),
        results,
        provenance=[
            {
                "repositoryUri": clean_remote(record.repo.remote),
                "revisionId": record.repo.commit,
            }
        ]
        if "://" in record.repo.remote  # SARIF wants a URI, not scp-style git@host:path
        else [],
        properties={
            "release": record.release,
            "checklist": f"{record.checklist.id}@{record.checklist.version}",
        }
        | ({"service": record.service} if record.service else {}),
    )


def extra_result(res: ExtraResult, record_path: str = "") -> dict[str, Any]:
    """A SARIF result for a finding that is not evidence, at its path (else the record's)."""
    return {
        "ruleId": res.rule,
        "level": res.level,
        "message": {"text": res.message},
        "locations": [_location(res.path or record_path, res.line)],
    }


def sarif_log(
    rules: list[dict[str, Any]],
    results: list[dict[str, Any]],
    *,
    provenance: list[dict[str, Any]] | None = None,
    properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one golive run."""
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "golive",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        }
    }
    if provenance is not None:
        run["versionControlProvenance"] = provenance
    run["results"] = results
    if properties is not None:
        run["properties"] = properties
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _location(path: str, line: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": path},
            "region": {"startLine": max(1, line)},
        }
    }
