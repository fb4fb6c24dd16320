"""What the evidence says about one item, and the one table of words people read for states.

Proof, not presence (issue 11): only the detectors an item lists under `proves` can tick it, and
only when they report `found`. A found `supports` detector is shown and waits for a person. A
partial or contrary result of any linked detector puts the item at risk, and the contrary
findings say why. A detector that could not tell (`error`) never ticks and never reads as absent.

The labels live here, in core, because the walker, `golive status` (text and JSON) and the
record's exports all name states with them: one table, never two.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

from golive_tui.core.evidence import STATUS_LABEL as STATUS_LABEL
from golive_tui.core.model import (
    Detect,
    DetectMode,
    DetectorResult,
    Item,
    Polarity,
    Role,
    State,
    Status,
)
from golive_tui.core.tuples import NamedTuple


class Verdict(enum.StrEnum):
    """One item's evidence before any person's answer. Values shared with `Status` mean the same."""

    FOUND = "found"  # proof: the proving detectors found the practice; the item is ticked
    SUPPORTED = "supported"  # found evidence that does not prove the item; a person confirms
    PARTIAL = "partial"  # a linked detector found part of the practice and what is missing
    CONTRARY = "contrary"  # a linked detector found only the anti-pattern
    MISSING = "missing"  # nothing found: absent
    ERROR = "error"  # a detector could not tell, and nothing else decides
    NOT_APPLICABLE = "not_applicable"  # every linked detector's precondition is absent


#: Item verdicts: the detector words, plus the one only an item has.
VERDICT_LABEL: Mapping[Verdict, str] = MappingProxyType(
    {
        **{Verdict(status.value): label for status, label in STATUS_LABEL.items()},
        Verdict.SUPPORTED: "supporting evidence",
    }
)

#: Item states as people read them (walker, `status`, Markdown and SARIF exports).
STATE_LABEL: Mapping[State, str] = MappingProxyType(
    {
        State.DONE: "done",
        State.DETECTED: "detected",
        State.TODO: "to do",
        State.NA: "n/a",
        State.WAIVED: "waived",
        State.AT_RISK: "at risk",
    }
)

NOT_SCANNED = "not scanned"

_RISKY = frozenset({Status.CONTRARY, Status.PARTIAL})


class Link(NamedTuple):
    """One linked detector as the item sees it: its role and what it reported."""

    detector: str
    role: Role
    status: Status | None  # None: no scan, or the detector did not run
    summary: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABEL[self.status] if self.status is not None else NOT_SCANNED


class Judgement(NamedTuple):
    """What the linked detectors establish for one item."""

    verdict: Verdict | None  # None: no detector linked, or nothing scanned
    links: tuple[Link, ...] = ()
    risks: tuple[str, ...] = ()  # why it is at risk: one line per contrary finding

    @property
    def proven(self) -> bool:
        return self.verdict is Verdict.FOUND

    @property
    def at_risk(self) -> bool:
        return self.verdict in (Verdict.PARTIAL, Verdict.CONTRARY)


NO_JUDGEMENT = Judgement(None)


def judge(detect: Detect | None, results: Mapping[str, DetectorResult] | None) -> Judgement:
    """The verdict of `detect`'s detectors over `results` (None: no scan ran)."""
    if detect is None or not detect.linked:
        return NO_JUDGEMENT
    got = results or {}
    links = tuple(
        Link(
            det,
            detect.role(det),
            got[det].status if det in got else None,
            got[det].summary if det in got else "",
        )
        for det in detect.linked
    )
    ran = [link.status for link in links if link.status is not None]
    risks = tuple(_risks(detect, got))
    if not ran:
        return Judgement(None, links)
    return Judgement(_verdict(detect, links, ran), links, risks)


def _verdict(detect: Detect, links: tuple[Link, ...], ran: list[Status]) -> Verdict:
    if Status.CONTRARY in ran:
        return Verdict.CONTRARY
    if Status.PARTIAL in ran:
        return Verdict.PARTIAL
    proving = [link.status is Status.FOUND for link in links if link.role is Role.PROVES]
    if proving and (all(proving) if detect.mode is DetectMode.ALL else any(proving)):
        return Verdict.FOUND
    if Status.FOUND in ran:
        return Verdict.SUPPORTED
    if Status.ERROR in ran:
        return Verdict.ERROR  # "could not tell" outweighs "absent": unsure is not no
    if all(status is Status.NOT_APPLICABLE for status in ran) and len(ran) == len(links):
        return Verdict.NOT_APPLICABLE
    return Verdict.MISSING


def _risks(detect: Detect, results: Mapping[str, DetectorResult]) -> list[str]:
    """`go.cors: origin * with credentials (api/cors.go:12)`: the contrary findings' reasons."""
    out: list[str] = []
    for det in detect.linked:
        result = results.get(det)
        if result is None or result.status not in _RISKY:
            continue
        contrary = [e for e in result.evidence if e.polarity is Polarity.CONTRARY]
        for ev in contrary:
            why = ev.facts.get("why") if isinstance(ev.facts, Mapping) else None
            text = why if isinstance(why, str) and why.strip() else result.summary
            out.append(f"{det}: {text} ({ev.path}:{ev.line})")
        if not contrary:
            out.append(f"{det}: {result.summary}")
    return out


def to_confirm(item: Item, judgement: Judgement) -> str:
    """What a person still has to confirm when only supporting evidence was found, else ""."""
    if judgement.verdict is not Verdict.SUPPORTED:
        return ""
    found = [link.detector for link in judgement.links if link.status is Status.FOUND]
    unproven = [
        f"{link.detector} ({link.label})"
        for link in judgement.links
        if link.role is Role.PROVES and link.status is not Status.FOUND
    ]
    text = f"Found by {', '.join(found)}: this supports the item but does not prove it."
    if unproven:
        text += f" Not proven: {', '.join(unproven)}."
    return f"{text} Confirm: {item.verify}"


def confirmation_note(judgement: Judgement, note: str = "") -> str:
    """The note a person's confirmation carries: which evidence they confirmed, and their words."""
    found = [link.detector for link in judgement.links if link.status is Status.FOUND]
    said = f"confirmed from evidence: {', '.join(found)}" if found else ""
    return "; ".join(part for part in (said, note.strip()) if part)
