"""Readiness records: one signed TOML file per release, as plain frozen data.

A record is plain data (immutable named tuples, core.tuples: the nine types cost every command
that reads a record ~16 ms to define as frozen dataclasses, at this machine's slow hours; copies
with `._replace`) written with tomlkit in a fixed order so that two
records of the same service diff line by line. What a signature covers is *not* the TOML text but
a canonical JSON rendering of the record without its signatures (see `canonical.canonical_payload`
and docs/records.md), so reformatting, comments or key order never break a signature, while any
change to a signed value does.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from golive_tui import __version__
from golive_tui.core.errors import RecordError
from golive_tui.core.model import State, waiver_expired
from golive_tui.core.tuples import NamedTuple

SCHEMA = "golive-record/v1"
#: Prefix of every signed message: binds signatures to this format and version.
DOMAIN = b"golive-record/v1\n"
RECORDS_DIR = Path(".golive") / "records"
ROLES = ("author", "pair", "reviewer")
FORMATS = ("ssh", "openpgp")


class NoCommitError(RecordError):
    """The repository has no commit yet: there is nothing a record could be about (a usage error)."""

    exit_code = 2


class RecordEvidence(NamedTuple):
    """One finding an item relied on, pinned to the exact file content (blob) it was seen in."""

    detector: str
    path: str
    line: int
    polarity: str  # "positive" | "contrary"
    blob: str = ""


class RecordItem(NamedTuple):
    id: str
    state: str  # model.State value
    source: str  # model.Source value; "" while nobody and nothing has settled the item
    title: str = ""
    priority: str = ""
    wording: str = ""  # sha256 of the item's title/why/verify/rubric: re-ask when it changes
    score: int | None = None
    note: str = ""
    reason: str = ""
    until: str = ""
    by: str = ""
    at: str = ""
    carried_from: str = ""
    evidence: tuple[RecordEvidence, ...] = ()
    watch: tuple[tuple[str, str], ...] = ()  # (path, blob) of files matching the item's watch globs


class RecordChecklist(NamedTuple):
    id: str
    version: str
    sha256: str
    parents: tuple[str, ...] = ()  # sha256 of the definitions it extends, nearest first


class RecordRepo(NamedTuple):
    remote: str  # origin's URL without credentials, "" when there is no origin
    commit: str
    tree: str
    dirty: bool


class RecordScore(NamedTuple):
    id: str
    title: str
    method: str
    value: float
    maximum: float
    band: str


class RecordGate(NamedTuple):
    profile: str
    passed: bool
    failing: tuple[str, ...] = ()


class RecordSummary(NamedTuple):
    total: int = 0
    done: int = 0
    remaining: int = 0
    p0_remaining: int = 0
    at_risk: int = 0
    detected: int = 0
    na: int = 0
    waived: int = 0
    scores: tuple[RecordScore, ...] = ()
    gates: tuple[RecordGate, ...] = ()


class Signature(NamedTuple):
    """One signer's signature. Not part of the record payload, so adding one never breaks others."""

    signer: str  # "Name <email>" as the signer's git config says (the verifier reports the key's)
    role: str  # author | pair | reviewer
    format: str  # ssh | openpgp
    key: str  # SSH key fingerprint (SHA256:...) or OpenPGP key fingerprint
    signed_at: str
    signature: str  # armored


class Record(NamedTuple):
    release: str
    created: str
    checklist: RecordChecklist
    repo: RecordRepo
    summary: RecordSummary
    items: tuple[RecordItem, ...]
    profile: str = ""
    participants: tuple[str, ...] = ()
    tool: str = f"golive {__version__}"
    schema: str = SCHEMA
    signatures: tuple[Signature, ...] = ()
    #: The service this record is about, in a repository of several ("" = the whole repository,
    #: the single service). Signed: a record cannot be refiled under another service.
    service: str = ""

    def item(self, item_id: str) -> RecordItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def gate(self, profile: str) -> RecordGate | None:
        return next((g for g in self.summary.gates if g.profile == profile), None)

    def expired_waivers(self, today: dt.date | None = None) -> tuple[RecordItem, ...]:
        """Waived items whose `until` date has passed (a waiver is valid through its last day)."""
        day = today or dt.datetime.now(dt.UTC).date()
        return tuple(
            item
            for item in self.items
            if item.state == State.WAIVED and waiver_expired(item.until, day)
        )

    def files(self) -> frozenset[str]:
        """Every path the record relied on: evidence and watched files."""
        paths = {e.path for item in self.items for e in item.evidence}
        paths.update(p for item in self.items for p, _ in item.watch)
        return frozenset(paths)


_SHA256 = re.compile(r"[0-9a-f]{64}")
