"""Records rendered for other tools: Markdown for people, JSON for scripts, SARIF for code scanning.

Every renderer is a pure function of a Record (plus, optionally, what verification said), so
the CLI, the gate and the walker share them and golden tests pin their output.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from golive_tui import __version__
from golive_tui.core.record.build import clean_remote
from golive_tui.core.record.canonical import record_digest
from golive_tui.core.record.codec import record_to_dict
from golive_tui.core.record.model import Record, RecordItem, RecordSummary
from golive_tui.core.record.verify import RecordCheck
from golive_tui.core.text import markdown_code, markdown_text

FORMATS = ("markdown", "json", "sarif")  # "intoto" comes with carry-forward (docs/records.md)
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/golive-tui/golive"

_STATE_LABEL = {
    "detected": "detected",
    "done": "done",
    "na": "n/a",
    "waived": "waived",
    "at_risk": "at risk",
    "todo": "open",
}


def _md(text: object) -> str:
    """A value from the record as literal Markdown (no controls, markup or HTML; one line)."""
    return markdown_text(str(text))


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


def to_markdown(record: Record, check: RecordCheck | None = None) -> str:
    s = record.summary
    lines = [
        f"# Readiness record: {_md(record.release)}",
        "",
        f"- **Checklist:** {_md(record.checklist.id)} {_md(record.checklist.version)}"
        + (f" (profile {_md(record.profile)})" if record.profile else ""),
        f"- **Commit:** {markdown_code(record.repo.commit[:12])}"
        + (" (working tree had uncommitted changes)" if record.repo.dirty else ""),
        f"- **Created:** {_md(record.created)}",
    ]
    if record.repo.remote:
        lines.append(f"- **Repository:** {_md(clean_remote(record.repo.remote))}")
    if record.participants:
        lines.append(f"- **Participants:** {_md(', '.join(record.participants))}")
    lines += ["", *counts_table(s)]
    if s.scores:
        lines += ["", "| Score | Value | Band |", "|---|---:|---|"]
        lines += [
            f"| {_md(sc.title or sc.id)} | {sc.value:g} / {sc.maximum:g} | {_md(sc.band) or '-'} |"
            for sc in s.scores
        ]
    if s.gates:
        lines += ["", "| Profile | Gate | Blocking |", "|---|---|---|"]
        lines += [
            f"| {_md(g.profile)} | {'✅ pass' if g.passed else '❌ fail'} "
            f"| {_md(', '.join(g.failing)) or '-'} |"
            for g in s.gates
        ]
    lines += [
        "",
        "## Items",
        "",
        "| Item | Priority | State | Source | Notes |",
        "|---|---|---|---|---|",
    ]
    for item in record.items:
        lines.append(
            f"| {_md(item.title or item.id)} <br>{markdown_code(item.id)} | {_md(item.priority)} "
            f"| {_md(_STATE_LABEL.get(item.state, item.state))} | {_md(item.source)} "
            f"| {_md(_notes(item))} |"
        )
    lines += ["", "## Signatures", ""]
    if not record.signatures:
        lines.append("_Not signed._")
    verdicts = {id(c.signature): c for c in check.checks} if check else {}
    for sig in record.signatures:
        c = verdicts.get(id(sig))
        status = f" — **{_md(c.verdict)}**" if c else ""
        lines.append(
            f"- {_md(sig.role)}: {_md(sig.signer) or 'unknown signer'} "
            f"({_md(sig.format)} {markdown_code(sig.key)}, {_md(sig.signed_at)}){status}"
        )
    return "\n".join(lines) + "\n"


def counts_table(s: RecordSummary) -> list[str]:
    """The summary counts as a Markdown table (records and the gate's job summary)."""
    return [
        "| Total | Done | Detected | N/A | Waived | At risk | Open | Open P0 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {s.total} | {s.done} | {s.detected} | {s.na} | {s.waived} | {s.at_risk} "
        f"| {s.remaining} | {s.p0_remaining} |",
    ]


def _notes(item: RecordItem) -> str:
    parts = []
    if item.state == "waived":
        parts.append(f"waived until {item.until}: {item.reason}")
    elif item.reason:
        parts.append(item.reason)
    if item.note:
        parts.append(item.note)
    if item.carried_from:
        parts.append(f"carried from {item.carried_from}")
    contrary = [e for e in item.evidence if e.polarity == "contrary"]
    if contrary:
        parts.append("contrary: " + ", ".join(f"{e.path}:{e.line}" for e in contrary))
    if item.by:
        parts.append(f"by {item.by}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- SARIF


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
                        f"contrary evidence from {ev.detector}; item is {item.state}"
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
        },
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


def render(
    record: Record, fmt: str, check: RecordCheck | None = None, record_path: str = ""
) -> str:
    if fmt == "markdown":
        return to_markdown(record, check)
    if fmt == "json":
        return to_json(record, check)
    if fmt == "sarif":
        return json.dumps(to_sarif(record, record_path=record_path), indent=2) + "\n"
    raise ValueError(fmt)
