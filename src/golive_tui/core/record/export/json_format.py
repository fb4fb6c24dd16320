"""JSON for scripts: a record with its payload digest, and the gate's outcome."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from golive_tui.core.record.build import clean_remote
from golive_tui.core.record.canonical import record_digest
from golive_tui.core.record.codec import record_to_dict, summary_to_dict
from golive_tui.core.record.gate import GateOutcome
from golive_tui.core.record.model import Record
from golive_tui.core.record.verify import RecordCheck


def outcome_json(outcome: GateOutcome) -> dict[str, Any]:
    return {
        "passed": outcome.passed,
        "release": outcome.release,
        "record": str(outcome.path),
        "profile": outcome.profile,
        "head": outcome.head,
        "commit": outcome.record.repo.commit if outcome.record else None,
        "coverage": outcome.coverage,
        "failures": list(outcome.failures),
        "warnings": list(outcome.warnings),
        "info": list(outcome.info),
        "touched": list(outcome.touched),
        "trust": outcome.trust.to_json() if outcome.trust is not None else None,
        "signatures": [
            {"role": c.signature.role, "verdict": c.verdict, "principal": c.principal, "key": c.key}
            for c in (outcome.check.checks if outcome.check else ())
        ],
        "summary": _summary_json(outcome.record) if outcome.record else None,
    } | ({"service": outcome.service} if outcome.service else {})


def outcomes_json(outcomes: Sequence[GateOutcome]) -> dict[str, Any]:
    """Every service's gate (`golive gate` in a repository of several services)."""
    return {
        "passed": all(o.passed for o in outcomes),
        "failed": [o.service for o in outcomes if not o.passed],
        "services": [outcome_json(o) for o in outcomes],
    }


def _summary_json(record: Record) -> dict[str, Any]:
    return summary_to_dict(record.summary)


def to_json(record: Record, check: RecordCheck | None = None) -> str:
    data: dict[str, Any] = record_to_dict(record)
    data["repo"]["remote"] = clean_remote(record.repo.remote)  # a record may carry a token
    data["payload_sha256"] = record_digest(record)
    if check is not None:
        data["verification"] = {
            "ok": check.ok,
            "problems": list(check.problems),
            "signatures": [
                {
                    "role": c.signature.role,
                    "verdict": c.verdict,
                    "principal": c.principal,
                    "key": c.key,
                    "detail": c.detail,
                }
                for c in check.checks
            ],
            "expired_waivers": [i.id for i in check.expired],
        }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
