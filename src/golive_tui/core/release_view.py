"""What opening a release shows, the same in the walker and in `golive status`.

A release with a signed record opens as that record: its answers, who signed it and when, its
gate as signed; read-only until someone chooses to amend it (a stored draft newer than the
record is that choice). Every view names the release, the gate it is judged by, the people
taking part and the record it continues from, in one headline built here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from golive_tui.core.assess import gate_name
from golive_tui.core.draft import Draft
from golive_tui.core.errors import RecordError
from golive_tui.core.model import Answer, Source, State
from golive_tui.core.record.carry.plan import answer_from_item, person_state
from golive_tui.core.record.model import Record
from golive_tui.core.record.store import load_record, record_path
from golive_tui.core.tuples import NamedTuple


class Signed(NamedTuple):
    """A release's signed record, as opening the release shows it."""

    path: Path
    record: Record
    verified: bool  # every signature verifies against the trust root
    problem: str = ""  # why not, when it does not

    def signers(self) -> list[str]:
        return [f"{s.signer} ({s.role}, {s.signed_at})" for s in self.record.signatures]

    def gate_text(self) -> str:
        """The gate as signed: the record's profile, else every item (as `golive gate` reads it)."""
        record = self.record
        if record.profile:
            gate = record.gate(record.profile)
            passed = bool(gate and gate.passed)
        else:
            passed = not (record.summary.remaining or record.summary.at_risk)
        return f"gate {gate_name(record.profile)}: {'pass' if passed else 'fail'}"

    def line(self) -> str:
        """One line: signed by whom and when, the counts, score and gate as signed."""
        s = self.record.summary
        scores = " · ".join(
            f"{sc.title} {sc.value:g}/{sc.maximum:g}" + (f" {sc.band}" if sc.band else "")
            for sc in s.scores
        )
        trust = "verified" if self.verified else f"NOT verified: {self.problem}"
        return (
            f"signed record {self.record.release} ({trust}): by {', '.join(self.signers())}"
            f" · {s.done}/{s.total} done · {self.gate_text()}" + (f" · {scores}" if scores else "")
        )


def signed_record(
    root: Path, release: str, trust: object = None, *, service: str = ""
) -> Signed | None:
    """The release's record (of `service`'s records when it is one of several) when it holds
    at least one signature (None otherwise, for the `unreleased` working name, or when it
    cannot be read: the walk then starts as usual and `golive verify` says why)."""
    from golive_tui.core.git.release import DEFAULT_RELEASE
    from golive_tui.core.record.verify import verify_record

    if release == DEFAULT_RELEASE:
        return None  # a working name: its record is a snapshot, the walk goes on
    path = record_path(root, release, service)
    if not path.is_file():
        return None
    try:
        record = load_record(path)
    except RecordError:
        return None
    if not record.signatures:
        return None
    check = verify_record(record, root, path, trust=trust)
    problems = [c.verdict for c in check.checks if not c.good] + list(check.problems)
    return Signed(path, record, check.ok, ", ".join(str(p) for p in problems))


def record_answers(record: Record) -> dict[str, Answer]:
    """The answers people gave in `record`, as they were given (sources kept)."""
    out: dict[str, Answer] = {}
    for rec in record.items:
        state = person_state(rec)
        if state is None or state not in (State.DONE, State.NA, State.WAIVED, State.TODO):
            continue
        out[rec.id] = answer_from_item(
            rec, state, Source(rec.source), carried_from=rec.carried_from
        )
    return out


def record_draft(record: Record, checklist_id: str, checklist_version: str) -> Draft:
    """A draft holding the record's answers, profile and participants (never stored as is)."""
    return Draft(
        checklist_id=checklist_id,
        release=record.release,
        profile=record.profile,
        answers=record_answers(record),
        participants=record.participants,
        created=record.created,
        updated=record.created,
        checklist_version=checklist_version,
    )


def amending(signed: Signed | None, draft: Draft | None) -> bool:
    """A stored draft changed after the record was made: someone chose to amend it."""
    return signed is not None and draft is not None and draft.updated > signed.record.created


def opened(
    signed: Signed | None,
    draft: Draft | None,
    checklist_id: str,
    checklist_version: str,
    *,
    amend: bool = False,
) -> tuple[Draft | None, bool]:
    """(the draft a release opens with, read-only?): the signed record's answers unless the
    user amends it (asked now, or a draft newer than the record)."""
    if signed is None:
        return draft, False
    if amend or amending(signed, draft):
        return draft or record_draft(signed.record, checklist_id, checklist_version), False
    return record_draft(signed.record, checklist_id, checklist_version), True


def headline(
    release: str,
    profile: str,
    participants: Sequence[str],
    *,
    base: str = "",
    signed: Signed | None = None,
    read_only: bool = False,
    service: str = "",
) -> str:
    """[service ·] release · gate · people · where it continues from · signed state: the
    walker's header and the first line `golive status` prints."""
    parts = ([f"service {service}"] if service else []) + [f"release {release}"]
    if signed is not None:  # before the people: what matters most survives a narrow terminal
        who = ", ".join(s.signer for s in signed.record.signatures)
        state = "signed, read-only" if read_only else "amending the signed record"
        parts.append(f"{state}: {who}")
    parts.append(f"gate {gate_name(profile)}")
    parts.append("with " + ", ".join(participants) if participants else "no participants yet")
    if base:
        parts.append(f"continues from {base}")
    return " · ".join(parts)
