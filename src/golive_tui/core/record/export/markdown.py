"""Markdown for people: a record for a pull request or wiki, and the gate's job summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from golive_tui.core.record.build import clean_remote
from golive_tui.core.record.export.common import STATE_LABEL
from golive_tui.core.record.gate import GateOutcome
from golive_tui.core.record.model import Record, RecordItem, RecordSummary
from golive_tui.core.record.verify import RecordCheck
from golive_tui.core.text import markdown_code, markdown_text


def outcomes_markdown(outcomes: Sequence[GateOutcome]) -> str:
    """Every service's gate: which failed first, then each service's own summary."""
    failed = [o.service for o in outcomes if not o.passed]
    if failed:
        head = f"## ❌ Readiness gate failed: {len(failed)} of {len(outcomes)} services"
        head += f" ({', '.join(_md_line(f) for f in failed)})"
    else:
        head = f"## ✅ Readiness gate passed: all {len(outcomes)} services"
    return "\n".join([head, "", *(outcome_markdown(o, level=3) for o in outcomes)])


def outcome_markdown(outcome: GateOutcome, *, level: int = 2) -> str:
    """A GitHub job summary: verdict first, then why, then the record's numbers."""
    icon = "✅" if outcome.passed else "❌"
    verdict = "passed" if outcome.passed else "failed"
    what = f"{outcome.service} {outcome.release}" if outcome.service else outcome.release
    sub = "#" * (level + 1)
    lines = [f"{'#' * level} {icon} Readiness gate {verdict}: {_md_line(what)}"]
    if outcome.record:
        lines += ["", f"**{_md_line(scope_headline(outcome.record))}**"]
    if outcome.profile or outcome.record or outcome.coverage or outcome.trust is not None:
        lines.append("")
    if outcome.profile:
        lines.append(f"Profile: **{_md_line(outcome.profile)}**  ")
    filed = f"{outcome.service}/{outcome.path.name}" if outcome.service else outcome.path.name
    if outcome.record:
        lines.append(
            f"Record: {markdown_code(filed)} for commit "
            f"{markdown_code(outcome.record.repo.commit[:12])}  "
        )
    if outcome.coverage:
        lines.append(f"HEAD {markdown_code(outcome.head[:12])}: {_md_line(outcome.coverage)}  ")
    if outcome.trust is not None:
        lines.append(f"Trusted signers: {_md_line(outcome.trust.source)}")
    if outcome.failures:
        lines += ["", f"{sub} Why it failed", ""] + [f"- {_md_line(f)}" for f in outcome.failures]
    if outcome.warnings:
        lines += ["", f"{sub} Warnings", ""] + [f"- {_md_line(w)}" for w in outcome.warnings]
    if outcome.info:
        lines += [""] + [f"{_md_line(i)}  " for i in outcome.info]
    if outcome.check and outcome.check.checks:
        lines += ["", "| Signature | Signer | Result |", "|---|---|---|"]
        for c in outcome.check.checks:
            who = c.principal or c.signature.signer or c.key
            lines.append(
                f"| {_md_line(c.signature.role)} | {_md_line(who)} | {_md_line(c.verdict)} |"
            )
    if outcome.record:
        s = outcome.record.summary
        lines += ["", *counts_table(outcome.record)]
        for sc in s.scores:
            lines.append(
                f"\n**{_md_line(sc.title or sc.id)}:** {sc.value:g} / {sc.maximum:g} "
                f"{_md_line(sc.band)}"
            )
    return "\n".join(lines) + "\n"


def _md_line(text: str) -> str:
    """Repository data as literal Markdown on one line (core.text.markdown_text)."""
    return markdown_text(text)


def _md(text: object) -> str:
    """A value from the record as literal Markdown (no controls, markup or HTML; one line)."""
    return markdown_text(str(text))


def to_markdown(record: Record, check: RecordCheck | None = None) -> str:
    s = record.summary
    lines = [
        f"# Readiness record: {_md(record.release)}"
        + (f" of service {_md(record.service)}" if record.service else ""),
        "",
        f"- **Checklist:** {_md(record.checklist.id)} {_md(record.checklist.version)}"
        + (f" (profile {_md(record.profile)})" if record.profile else ""),
        f"- **Commit:** {markdown_code(record.repo.commit[:12])}"
        + (" (working tree had uncommitted changes)" if record.repo.dirty else ""),
        f"- **Created:** {_md(record.created)}",
        f"- **Counts:** {_md(scope_headline(record))}",
    ]
    if record.repo.remote:
        lines.append(f"- **Repository:** {_md(clean_remote(record.repo.remote))}")
    if record.participants:
        lines.append(f"- **Participants:** {_md(', '.join(record.participants))}")
    lines += ["", *counts_table(record)]
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
            f"| {_md(STATE_LABEL.get(item.state, item.state))} | {_md(item.source)} "
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


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    done: int
    detected: int
    na: int
    waived: int
    at_risk: int
    remaining: int
    p0_remaining: int


def whole_counts(record: Record) -> Counts:
    """Counts over every item of the record, whatever profile its summary is scoped to."""
    expired = {i.id for i in record.expired_waivers()}
    states = [(i.state, i.priority, i.id in expired) for i in record.items]
    done = [st in ("done", "detected", "na") or (st == "waived" and not x) for st, _p, x in states]
    return Counts(
        total=len(states),
        done=sum(done),
        detected=sum(st == "detected" for st, _p, _x in states),
        na=sum(st == "na" for st, _p, _x in states),
        waived=sum(st == "waived" for st, _p, _x in states),
        at_risk=sum(st == "at_risk" for st, _p, _x in states),
        remaining=sum(not d for d in done),
        p0_remaining=sum(not d and p == "P0" for d, (_s, p, _x) in zip(done, states, strict=True)),
    )


def scope_headline(record: Record) -> str:
    """Both scopes in one line: the profile's counts (what the gate judges), then the whole
    checklist's (what the items table lists), so neither is read for the other."""
    s, w = record.summary, whole_counts(record)
    whole = f"whole checklist: {w.done}/{w.total} done · {w.remaining} open"
    if not record.profile:
        return f"{whole} (no profile: the gate judges every item)"
    return f"profile {record.profile}: {s.done}/{s.total} done · {s.remaining} open; {whole}"


def counts_table(record: Record) -> list[str]:
    """The counts as a Markdown table, one row per scope: the profile's, then every item's."""
    s, w = record.summary, whole_counts(record)
    rows = [("every item", w)]
    if record.profile:
        rows.insert(0, (f"profile {_md(record.profile)}", _counts(s)))
    return [
        "| Scope | Total | Done | Detected | N/A | Waived | At risk | Open | Open P0 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {name} | {c.total} | {c.done} | {c.detected} | {c.na} | {c.waived} "
            f"| {c.at_risk} | {c.remaining} | {c.p0_remaining} |"
            for name, c in rows
        ),
    ]


def _counts(s: RecordSummary) -> Counts:
    return Counts(
        s.total, s.done, s.detected, s.na, s.waived, s.at_risk, s.remaining, s.p0_remaining
    )


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
