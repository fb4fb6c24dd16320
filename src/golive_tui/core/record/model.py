"""Readiness records: one signed TOML file per release, and the canonical bytes signatures cover.

A record is plain data (frozen dataclasses) written with tomlkit in a fixed order so that two
records of the same service diff line by line. What a signature covers is *not* the TOML text but
a canonical JSON rendering of the record without its signatures (see `canonical_payload` and
docs/records.md), so reformatting, comments or key order never break a signature, while any
change to a signed value does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import math
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from golive_tui import __version__
from golive_tui.core import tomlsafe
from golive_tui.core.atomic import write_atomic
from golive_tui.core.confine import UnsafePathError, confine, read_capped, read_confined
from golive_tui.core.errors import RecordError
from golive_tui.core.git import worktree
from golive_tui.core.git.listing import tree_blobs
from golive_tui.core.git.runner import git_out, git_run
from golive_tui.core.globs import matching
from golive_tui.core.model import Checklist, DetectorResult, Item, Source, State, waiver_expired

SCHEMA = "golive-record/v1"
#: Prefix of every signed message: binds signatures to this format and version.
DOMAIN = b"golive-record/v1\n"
RECORDS_DIR = Path(".golive") / "records"
ROLES = ("author", "pair", "reviewer")
FORMATS = ("ssh", "openpgp")

# --------------------------------------------------------------------------- model


class NoCommitError(RecordError):
    """The repository has no commit yet: there is nothing a record could be about (a usage error)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class RecordEvidence:
    """One finding an item relied on, pinned to the exact file content (blob) it was seen in."""

    detector: str
    path: str
    line: int
    polarity: str  # "positive" | "contrary"
    blob: str = ""


@dataclass(frozen=True, slots=True)
class RecordItem:
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


@dataclass(frozen=True, slots=True)
class RecordChecklist:
    id: str
    version: str
    sha256: str
    parents: tuple[str, ...] = ()  # sha256 of the definitions it extends, nearest first


@dataclass(frozen=True, slots=True)
class RecordRepo:
    remote: str  # origin's URL without credentials, "" when there is no origin
    commit: str
    tree: str
    dirty: bool


@dataclass(frozen=True, slots=True)
class RecordScore:
    id: str
    title: str
    method: str
    value: float
    maximum: float
    band: str


@dataclass(frozen=True, slots=True)
class RecordGate:
    profile: str
    passed: bool
    failing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordSummary:
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


@dataclass(frozen=True, slots=True)
class Signature:
    """One signer's signature. Not part of the record payload, so adding one never breaks others."""

    signer: str  # "Name <email>" as the signer's git config says (the verifier reports the key's)
    role: str  # author | pair | reviewer
    format: str  # ssh | openpgp
    key: str  # SSH key fingerprint (SHA256:...) or OpenPGP key fingerprint
    signed_at: str
    signature: str  # armored


@dataclass(frozen=True, slots=True)
class Record:
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


# --------------------------------------------------------------------------- plain data


def _item_to_dict(item: RecordItem) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id,
        "title": item.title,
        "priority": item.priority,
        "wording": item.wording,
        "state": item.state,
        "source": item.source,
    }
    if item.score is not None:
        data["score"] = item.score
    for key in ("note", "reason", "until", "by", "at", "carried_from"):
        data[key] = getattr(item, key)
    data["evidence"] = [
        {
            "detector": e.detector,
            "path": e.path,
            "line": e.line,
            "polarity": e.polarity,
            "blob": e.blob,
        }
        for e in item.evidence
    ]
    data["watch"] = dict(item.watch)
    return data


def record_to_dict(record: Record, *, signatures: bool = True) -> dict[str, Any]:
    """The record as JSON-compatible data, in the order the TOML file uses."""
    s = record.summary
    data: dict[str, Any] = {
        "schema": record.schema,
        "tool": record.tool,
        "release": record.release,
        "created": record.created,
        "profile": record.profile,
        "participants": list(record.participants),
        "checklist": {
            "id": record.checklist.id,
            "version": record.checklist.version,
            "sha256": record.checklist.sha256,
            "parents": list(record.checklist.parents),
        },
        "repo": {
            "remote": record.repo.remote,
            "commit": record.repo.commit,
            "tree": record.repo.tree,
            "dirty": record.repo.dirty,
        },
        "summary": {
            "total": s.total,
            "done": s.done,
            "remaining": s.remaining,
            "p0_remaining": s.p0_remaining,
            "at_risk": s.at_risk,
            "detected": s.detected,
            "na": s.na,
            "waived": s.waived,
            "scores": [
                {
                    "id": sc.id,
                    "title": sc.title,
                    "method": sc.method,
                    "value": sc.value,
                    "maximum": sc.maximum,
                    "band": sc.band,
                }
                for sc in s.scores
            ],
            "gates": [
                {"profile": g.profile, "passed": g.passed, "failing": list(g.failing)}
                for g in s.gates
            ],
        },
        "items": [_item_to_dict(item) for item in record.items],
    }
    if signatures:
        data["signatures"] = [
            {
                "signer": sig.signer,
                "role": sig.role,
                "format": sig.format,
                "key": sig.key,
                "signed_at": sig.signed_at,
                "signature": sig.signature,
            }
            for sig in record.signatures
        ]
    return data


class _Reader:
    """Typed access to parsed TOML with messages that say where a field is missing or wrong."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, where: str, msg: str) -> RecordError:
        return RecordError(f"{self.origin}: {where}: {msg}")

    def table(self, data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = data.get(key)
        if not isinstance(value, Mapping):
            raise self.fail(
                f"{where}{key}", "missing table" if value is None else "expected a table"
            )
        return value

    def str_(
        self, data: Mapping[str, Any], key: str, where: str, default: str | None = None
    ) -> str:
        value = data.get(key, default)
        if value is None:
            raise self.fail(f"{where}{key}", "missing field")
        if not isinstance(value, str):
            raise self.fail(f"{where}{key}", "expected a string")
        return value

    def int_(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        default: int | None = None,
        *,
        low: int = 0,
        high: int | None = None,
    ) -> int:
        value = data.get(key, default)
        if value is None:
            raise self.fail(f"{where}{key}", "missing field")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where}{key}", f"expected an integer, not {value!r}")
        if value < low or (high is not None and value > high):
            bound = f"{low}..{high}" if high is not None else f"{low} or more"
            raise self.fail(f"{where}{key}", f"expected an integer {bound}, not {value!r}")
        return value

    def match(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        pattern: re.Pattern[str],
        expected: str,
        default: str | None = None,
        *,
        empty: bool = False,
    ) -> str:
        """A string of a fixed shape (an object id, a date...); `empty` also allows ""."""
        value = self.str_(data, key, where, default)
        if (empty and value == "") or pattern.fullmatch(value):
            return value
        raise self.fail(f"{where}{key}", f"expected {expected}, not {value!r}")

    def choice(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        allowed: Sequence[str],
        default: str | None = None,
    ) -> str:
        value = self.str_(data, key, where, default)
        if value not in allowed:
            shown = ", ".join(repr(a) for a in allowed)
            raise self.fail(f"{where}{key}", f"expected one of {shown}, not {value!r}")
        return value

    def float_(self, data: Mapping[str, Any], key: str, where: str) -> float:
        value = data.get(key)
        if value is None:
            raise self.fail(f"{where}{key}", "missing field")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{where}{key}", "expected a number")
        if not math.isfinite(value):
            raise self.fail(f"{where}{key}", "expected a finite number")
        return float(value)

    def bool_(self, data: Mapping[str, Any], key: str, where: str) -> bool:
        value = data.get(key)
        if not isinstance(value, bool):
            raise self.fail(
                f"{where}{key}", "missing field" if value is None else "expected true/false"
            )
        return value

    def list_(self, data: Mapping[str, Any], key: str, where: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{where}{key}", "expected an array")
        return value

    def strs(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        values = self.list_(data, key, where)
        if not all(isinstance(v, str) for v in values):
            raise self.fail(f"{where}{key}", "expected an array of strings")
        return tuple(values)

    def tables(self, data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
        values = self.list_(data, key, where)
        if not all(isinstance(v, Mapping) for v in values):
            raise self.fail(f"{where}{key}", "expected an array of tables")
        return values

    def known(self, data: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        """Unknown keys are errors: a key the model drops would be an unsigned, unchecked claim."""
        extra = sorted(set(data) - set(allowed))
        if extra:
            raise self.fail(where.rstrip(".") or "record", f"unknown key(s): {', '.join(extra)}")


_TOP = (
    "schema",
    "tool",
    "release",
    "created",
    "profile",
    "participants",
    "checklist",
    "repo",
    "summary",
    "items",
    "signatures",
)
_ITEM_KEYS = (
    "id",
    "title",
    "priority",
    "wording",
    "state",
    "source",
    "score",
    "note",
    "reason",
    "until",
    "by",
    "at",
    "carried_from",
    "evidence",
    "watch",
)


#: A full git object id: SHA-1 (40 hex) or SHA-256 (64 hex), lowercase as git prints them.
OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_RELEASE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")
_PRIORITIES = ("P0", "P1", "P2")
_POLARITIES = ("positive", "contrary")
_METHODS = ("points", "weighted")
_STATES = tuple(s.value for s in State)
_SOURCES = ("", *(s.value for s in Source))
#: An item score: the rubric's three levels.
SCORE_RANGE = (0, 2)


def _stamp(r: _Reader, data: Mapping[str, Any], key: str, where: str, *, date_ok: bool) -> str:
    """An ISO 8601 UTC time (`2026-03-01T10:12:00Z`); `date_ok` also allows a plain date."""
    value = r.str_(data, key, where, "" if date_ok else None)
    if value == "" and date_ok:
        return value
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if "T" not in value and not date_ok:
            raise ValueError(value)
    except ValueError:
        expected = "an ISO date or UTC time" if date_ok else "a UTC time like 2026-03-01T10:12:00Z"
        raise r.fail(f"{where}{key}", f"expected {expected}, not {value!r}") from None
    del parsed
    return value


def _object_id(r: _Reader, data: Mapping[str, Any], key: str, where: str) -> str:
    value = r.str_(data, key, where)
    if OBJECT_ID.fullmatch(value):
        return value
    hint = (
        f"{value!r} names no fixed commit (it moves with the repository)"
        if not re.fullmatch(r"[0-9a-fA-F]{4,}", value)
        else f"{value!r} is not a full object id"
    )
    raise r.fail(
        f"{where}{key}",
        f"expected a full git object id (40 or 64 lowercase hex digits): {hint}; "
        "`golive sign` writes the assessed commit's full id",
    )


def record_from_dict(data: Mapping[str, Any], origin: str = "record") -> Record:
    """Validate parsed data into a Record; every problem names the field it is about.

    Everything is checked here (types, states, enums, ids, dates, ranges), so a record that
    loads is one golive itself could have written, and `save_record` runs the same rules on a
    new record before writing it.
    """
    r = _Reader(origin)
    schema = data.get("schema")
    if schema is None:
        raise r.fail("schema", "missing field: is this a golive readiness record?")
    if schema != SCHEMA:
        raise r.fail(
            "schema",
            f"unknown schema {schema!r}: this golive ({__version__}) reads {SCHEMA!r}; "
            "a newer golive may have written it",
        )
    r.known(data, _TOP, "")
    cl = r.table(data, "checklist", "")
    r.known(cl, ("id", "version", "sha256", "parents"), "checklist.")
    repo = r.table(data, "repo", "")
    r.known(repo, ("remote", "commit", "tree", "dirty"), "repo.")
    summ = r.table(data, "summary", "")
    counts = ("total", "done", "remaining", "p0_remaining", "at_risk", "detected", "na", "waived")
    r.known(summ, (*counts, "scores", "gates"), "summary.")
    scores = []
    for i, sc in enumerate(r.tables(summ, "scores", "summary.")):
        w = f"summary.scores[{i}]."
        r.known(sc, ("id", "title", "method", "value", "maximum", "band"), w)
        scores.append(
            RecordScore(
                id=r.str_(sc, "id", w),
                title=r.str_(sc, "title", w, ""),
                method=r.choice(sc, "method", w, _METHODS),
                value=r.float_(sc, "value", w),
                maximum=r.float_(sc, "maximum", w),
                band=r.str_(sc, "band", w, ""),
            )
        )
    gates = []
    for i, g in enumerate(r.tables(summ, "gates", "summary.")):
        w = f"summary.gates[{i}]."
        r.known(g, ("profile", "passed", "failing"), w)
        gates.append(
            RecordGate(
                profile=r.str_(g, "profile", w),
                passed=r.bool_(g, "passed", w),
                failing=r.strs(g, "failing", w),
            )
        )
    items = []
    seen: set[str] = set()
    for i, it in enumerate(r.tables(data, "items", "")):
        w = f"items[{i}]."
        r.known(it, _ITEM_KEYS, w)
        item_id = r.str_(it, "id", w)
        if item_id in seen:
            raise r.fail(f"{w}id", f"duplicate item {item_id!r}")
        seen.add(item_id)
        state = r.str_(it, "state", w)
        if state not in _STATES:
            raise r.fail(f"{w}state", f"unknown state {state!r} (one of {', '.join(_STATES)})")
        source = r.str_(it, "source", w)
        if source not in _SOURCES:
            raise r.fail(f"{w}source", f"unknown source {source!r}")
        evidence = []
        for j, ev in enumerate(r.tables(it, "evidence", w)):
            we = f"{w}evidence[{j}]."
            r.known(ev, ("detector", "path", "line", "polarity", "blob"), we)
            evidence.append(
                RecordEvidence(
                    detector=r.str_(ev, "detector", we),
                    path=r.str_(ev, "path", we),
                    line=r.int_(ev, "line", we),
                    polarity=r.choice(ev, "polarity", we, _POLARITIES, "positive"),
                    blob=r.match(ev, "blob", we, OBJECT_ID, "a git blob id", "", empty=True),
                )
            )
        watch_raw = it.get("watch", {})
        if not isinstance(watch_raw, Mapping) or not all(
            isinstance(v, str) and (v == "" or OBJECT_ID.fullmatch(v)) for v in watch_raw.values()
        ):
            raise r.fail(f"{w}watch", "expected a table of path = blob id")
        score = None
        if it.get("score") is not None:
            score = r.int_(it, "score", w, low=SCORE_RANGE[0], high=SCORE_RANGE[1])
        priority = r.str_(it, "priority", w, "")
        if priority not in ("", *_PRIORITIES):
            raise r.fail(f"{w}priority", f"expected P0, P1 or P2, not {priority!r}")
        until = r.str_(it, "until", w, "")
        if until:
            try:
                dt.date.fromisoformat(until)
            except ValueError:
                raise r.fail(
                    f"{w}until", f"expected a date like 2026-12-31, not {until!r}"
                ) from None
        items.append(
            RecordItem(
                id=item_id,
                state=state,
                source=source,
                title=r.str_(it, "title", w, ""),
                priority=priority,
                wording=r.match(it, "wording", w, _SHA256, "a sha256 digest", "", empty=True),
                score=score,
                note=r.str_(it, "note", w, ""),
                reason=r.str_(it, "reason", w, ""),
                until=until,
                by=r.str_(it, "by", w, ""),
                at=_stamp(r, it, "at", w, date_ok=True),
                carried_from=r.match(
                    it, "carried_from", w, _RELEASE, "a release name", "", empty=True
                ),
                evidence=tuple(evidence),
                watch=tuple(sorted((str(k), str(v)) for k, v in watch_raw.items())),
            )
        )
    sigs = []
    for i, sg in enumerate(r.tables(data, "signatures", "")):
        w = f"signatures[{i}]."
        r.known(sg, ("signer", "role", "format", "key", "signed_at", "signature"), w)
        fmt = r.str_(sg, "format", w)
        if fmt not in FORMATS:
            raise r.fail(f"{w}format", f"unknown signature format {fmt!r} (ssh or openpgp)")
        sigs.append(
            Signature(
                signer=r.str_(sg, "signer", w, ""),
                role=r.str_(sg, "role", w),
                format=fmt,
                key=r.str_(sg, "key", w, ""),
                signed_at=_stamp(r, sg, "signed_at", w, date_ok=False),
                signature=r.str_(sg, "signature", w),
            )
        )
    return Record(
        schema=SCHEMA,
        tool=r.str_(data, "tool", "", ""),
        release=r.match(data, "release", "", _RELEASE, "a release name (letters, digits, . _ + -)"),
        created=_stamp(r, data, "created", "", date_ok=False),
        profile=r.str_(data, "profile", "", ""),
        participants=r.strs(data, "participants", ""),
        checklist=RecordChecklist(
            id=r.str_(cl, "id", "checklist."),
            version=r.str_(cl, "version", "checklist."),
            sha256=r.match(cl, "sha256", "checklist.", _SHA256, "a sha256 digest (64 hex)"),
            parents=_digests(r, cl),
        ),
        repo=RecordRepo(
            remote=r.str_(repo, "remote", "repo.", ""),
            commit=_object_id(r, repo, "commit", "repo."),
            tree=_object_id(r, repo, "tree", "repo."),
            dirty=r.bool_(repo, "dirty", "repo."),
        ),
        summary=RecordSummary(
            **{k: r.int_(summ, k, "summary.", 0) for k in counts},
            scores=tuple(scores),
            gates=tuple(gates),
        ),
        items=tuple(items),
        signatures=tuple(sigs),
    )


def _digests(r: _Reader, cl: Mapping[str, Any]) -> tuple[str, ...]:
    parents = r.strs(cl, "parents", "checklist.")
    for value in parents:
        if not _SHA256.fullmatch(value):
            raise r.fail("checklist.parents", f"expected sha256 digests (64 hex), not {value!r}")
    return parents


# --------------------------------------------------------------------------- canonical payload


def _canonical_json(value: Any) -> bytes:
    def check(v: Any) -> None:
        if isinstance(v, float) and not math.isfinite(v):
            raise RecordError("record holds a non-finite number; it cannot be signed")
        if isinstance(v, dict):
            for x in v.values():
                check(x)
        elif isinstance(v, list):
            for x in v:
                check(x)

    check(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def canonical_payload(record: Record) -> bytes:
    """The record without signatures as canonical JSON (sorted keys, no whitespace, UTF-8).

    Every field is present (defaults included), so a hand-written TOML that omits an empty
    note and one that spells it out produce the same bytes.
    """
    return _canonical_json(record_to_dict(record, signatures=False))


def record_digest(record: Record) -> str:
    """sha256 of the canonical payload: a stable identity for the record's content."""
    return hashlib.sha256(canonical_payload(record)).hexdigest()


def signing_message(record: Record, role: str, signed_at: str) -> bytes:
    """What one signer signs: domain prefix, then the payload with that signer's role and time.

    Binding role and time stops a reviewer's signature being relabelled as the author's; the
    record payload binds repository, commit and release, so it cannot be moved to another record.
    """
    body = record_to_dict(record, signatures=False)
    return DOMAIN + _canonical_json(
        {"record": body, "signature": {"role": role, "signed_at": signed_at}}
    )


# --------------------------------------------------------------------------- TOML


_HEADER = (
    "golive readiness record. Verify with `golive verify`.",
    "Signatures cover everything in this file except [[signatures]] (see docs/records.md);",
    "editing any other value invalidates them.",
)


def dumps(record: Record) -> str:
    """TOML in a fixed order: scalars, checklist, repo, summary, items, signatures."""
    import tomlkit  # only where a file is written: reading uses tomllib

    data = record_to_dict(record)
    doc = tomlkit.document()
    for line in _HEADER:
        doc.add(tomlkit.comment(line))
    for key in ("schema", "tool", "release", "created", "profile"):
        doc.add(key, data[key])
    participants = tomlkit.array()
    participants.extend(data["participants"])
    if len(participants) > 1:
        participants.multiline(True)
    doc.add("participants", participants)
    doc.add(tomlkit.nl())
    for key in ("checklist", "repo"):
        doc.add(key, data[key])
    summary = tomlkit.table()
    for key, value in data["summary"].items():
        if key in ("scores", "gates"):
            continue
        summary.add(key, value)
    summary.add("scores", _aot(data["summary"]["scores"]))
    summary.add("gates", _aot(data["summary"]["gates"]))
    doc.add("summary", summary)
    doc.add("items", _aot(data["items"]))
    doc.add("signatures", _aot(data["signatures"]))
    return tomlkit.dumps(doc)


def _aot(rows: list[dict[str, Any]]) -> Any:
    import tomlkit

    if not rows:
        return tomlkit.array()
    aot = tomlkit.aot()
    for row in rows:
        table = tomlkit.table()
        for key, value in row.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                table.add(key, _aot(value))
            elif isinstance(value, dict):
                sub = tomlkit.table()
                for k, v in value.items():
                    sub.add(k, v)
                table.add(key, sub)
            elif isinstance(value, list) and len(value) > 1:
                array = tomlkit.array()
                array.extend(value)
                array.multiline(True)
                table.add(key, array)
            elif isinstance(value, str) and "\n" in value:
                table.add(key, tomlkit.string(value, multiline=True))
            else:
                table.add(key, value)
        aot.append(table)
    return aot


#: Every TOML parse of a record, and every record read from the parse cache, counts here:
#: tests assert on the work a command does, not on its time.
PARSES = {"count": 0}
READS = {"count": 0}


def loads(text: str, origin: str = "record") -> Record:
    """Parse and validate a record with tomllib (tomlkit, which keeps layout, is for writing)."""
    PARSES["count"] += 1
    try:
        data = tomlsafe.loads(text)  # tomllib, with nesting bounded first
    except tomllib.TOMLDecodeError as exc:
        reason, where = _parse_reason(str(exc))
        raise RecordError(f"{origin}{where}: not valid TOML: {reason}") from None
    except RecursionError:
        raise RecordError(f"{origin}: not valid TOML: nested too deeply") from None
    return record_from_dict(data, origin)


def _parse_reason(msg: str) -> tuple[str, str]:
    """tomllib's message without its position, and the position as `:line:col`."""
    match = re.fullmatch(r"(?s)(.*?) \(at line (\d+), column (\d+)\)", msg)
    if match is None:
        return msg.removesuffix(" (at end of document)"), ""
    return match.group(1), f":{match.group(2)}:{match.group(3)}"


#: Cached parses: a record file's bytes (by sha256) -> its data as JSON, in the user's cache.
CACHE_VERSION = "1"


def _parse_cache() -> Path | None:
    """`$XDG_CACHE_HOME/golive/records` (default ~/.cache): the user's, never a repository's.

    Entries are addressed by the sha256 of a record file's bytes, so an entry can only ever
    describe those exact bytes, and a repository cannot plant one. They are validated again
    on every read (`record_from_dict`), so a damaged entry is an error, never a wrong record.
    """
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not base:
        home = os.environ.get("HOME") or ""
        if not home:
            return None
        base = str(Path(home) / ".cache")
    return Path(base) / "golive" / "records"


#: Largest record file read (a record of a few hundred items is well under 1 MB).
MAX_RECORD_BYTES = 4 * 1024 * 1024


def load_record(path: Path) -> Record:
    """Read and validate one record; a file read before is taken from the parse cache."""
    try:
        raw = _read_record(path)
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise RecordError(f"{path}: no such record") from None
    except UnsafePathError as exc:
        raise RecordError(f"{path}: refused: {exc.why}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(f"{path}: cannot read: {exc}") from None
    folder = _parse_cache()
    key = hashlib.sha256(CACHE_VERSION.encode() + b"\0" + raw).hexdigest()
    entry = folder / key[:2] / f"{key}.json" if folder is not None else None
    if entry is not None:
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict):
            with contextlib.suppress(RecordError):
                READS["count"] += 1
                return record_from_dict(data, str(path))
    record = loads(text, str(path))
    if entry is not None:
        with contextlib.suppress(OSError):
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, json.dumps(record_to_dict(record), ensure_ascii=False))
    return record


def _records_root(path: Path) -> Path | None:
    """The repository whose `.golive/records` holds `path`, if it is there (by name)."""
    folder = path.parent
    if folder.name == RECORDS_DIR.name and folder.parent.name == RECORDS_DIR.parent.name:
        return folder.parent.parent
    return None


def _read_record(path: Path) -> bytes:
    """A repository's record is read confined to it (a symlink leading outside is refused);
    a file the user names elsewhere is only size-capped. Both never read more than the cap."""
    root = _records_root(path)
    if root is not None:
        return read_confined(root, (RECORDS_DIR / path.name).as_posix(), MAX_RECORD_BYTES)
    try:
        target = path.resolve()
    except RuntimeError:  # a symlink loop (Python < 3.13)
        raise UnsafePathError(str(path), "expected a file, got a symlink loop") from None
    return read_capped(target, MAX_RECORD_BYTES, shown=str(path))


def records_dir(repo_root: Path) -> Path:
    return repo_root / RECORDS_DIR


def record_path(repo_root: Path, release: str) -> Path:
    return records_dir(repo_root) / f"{release}.toml"


def list_records(repo_root: Path) -> list[Path]:
    folder = records_dir(repo_root)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))


@contextlib.contextmanager
def record_lock(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of one record (two cosigns must not drop a signature)."""
    root = _records_root(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if root is not None:  # never write through a symlink leading out of the repository
            confine(root, (RECORDS_DIR / path.name).as_posix())
    except UnsafePathError as exc:
        raise RecordError(f"{path}: refused: {exc.why}") from None
    except (FileExistsError, NotADirectoryError):
        raise RecordError(
            f"{path.parent}: expected a directory for records, found a file"
        ) from None
    except OSError as exc:
        raise RecordError(f"{path.parent}: cannot create: {exc.strerror or exc}") from None
    lock = _lock_path(path)
    try:  # a link or a FIFO left in its place must not redirect or block the lock
        fd = os.open(lock, _LOCK_FLAGS, 0o644)
        handle = os.fdopen(fd, "a")
    except OSError as exc:
        raise RecordError(f"{path}: cannot lock: {exc}") from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


_LOCK_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def _lock_path(path: Path) -> Path:
    """Lock files live under .git/golive (never in the working tree, where they would be committed)."""
    from golive_tui.core.errors import RepoError
    from golive_tui.core.git.release import state_dir

    try:
        folder = state_dir(path.parent) / "locks"
        folder.mkdir(parents=True, exist_ok=True)
    except (RepoError, OSError):
        return path.parent / f".{path.name}.lock"
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return folder / f"record-{path.stem}-{digest}.lock"


def checked_text(record: Record, origin: str) -> str:
    """The record's TOML, once golive's own loader accepts it and reads back the same payload.

    A value the loader would refuse (a score of 1.0, a symbolic commit...) never reaches a file:
    what is written is always a record golive itself can read and verify.
    """
    text = dumps(record)
    again = loads(text, origin)
    if canonical_payload(again) != canonical_payload(record):
        raise RecordError(f"{origin}: the record does not read back as written; not saved")
    return text


def write_record(path: Path, record: Record) -> None:
    """Atomic, and only a valid record: readers see the old file or the new one, never a bad one."""
    text = checked_text(record, str(path))
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise RecordError(f"{path}: cannot write record: {exc.strerror or exc}") from None


def add_signature(path: Path, signature: Signature, expected_payload: bytes) -> Record:
    """Append a signature under the lock, refusing if the record changed since it was signed."""
    with record_lock(path):
        current = load_record(path)
        if canonical_payload(current) != expected_payload:
            raise RecordError(f"{path}: the record changed while it was being signed; sign again")
        updated = replace(current, signatures=(*current.signatures, signature))
        write_record(path, updated)
        return updated


# --------------------------------------------------------------------------- repository facts


_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)$", re.DOTALL)
_SSH_SCHEMES = frozenset({"ssh", "git+ssh", "ssh+git"})


def clean_remote(url: str) -> str:
    """A remote URL fit to store, sign and print: no password, token, query or fragment.

    The one sanitiser for every remote golive writes or shows (record, gate, exports, errors).
    `https://user:token@host/o/r.git?t=x#f` becomes `https://host/o/r.git`; ssh URLs and
    scp-like `git@host:o/r.git` keep their user (not a secret) but lose any password. The URL is
    split as text, never through urllib, so a malformed one (a non-numeric port, a stray
    bracket) is cleaned the same way instead of raising.
    """
    u = url.strip()
    match = _URL.match(u)
    if match:
        scheme = match["scheme"]
        authority, slash, path = match["rest"].partition("/")
        userinfo, at, hostport = authority.rpartition("@")
        hostport = re.split(r"[?#]", hostport, maxsplit=1)[0]
        path = re.split(r"[?#]", path, maxsplit=1)[0]
        user = _keep_user(userinfo) if at and scheme.lower() in _SSH_SCHEMES else ""
        return f"{scheme}://{user}{hostport}{slash}{path}"
    if u.startswith(("/", ".", "~")) or ":" not in u.partition("/")[0]:
        return u  # a local path
    head, slash, tail = u.partition("/")  # scp-like [user[:password]@]host:path
    userinfo, at, host = head.rpartition("@")
    return f"{_keep_user(userinfo) if at else ''}{host}{slash}{tail}"


def _keep_user(userinfo: str) -> str:
    user = userinfo.partition(":")[0]
    return f"{user}@" if user else ""


def normalize_remote(url: str) -> str:
    """host/path, lowercase, no scheme, user, port or .git: a repo's ssh and https URLs match."""
    u = clean_remote(url)
    if not u:
        return ""
    match = _URL.match(u)
    if match:
        authority, _, path = match["rest"].partition("/")
        host = authority.rpartition("@")[2]
        host = host[: host.index("]") + 1] if host.startswith("[") and "]" in host else host
        host = host.partition(":")[0] if not host.startswith("[") else host
    elif ":" in u and not u.startswith("/"):
        host, path = u.split(":", 1)
        host = host.rsplit("@", 1)[-1]
    else:
        host, path = "", u
    path = path.strip("/")
    path = path.removesuffix(".git")
    return f"{host}/{path}".lower().strip("/")


@dataclass(frozen=True, slots=True)
class RepoFacts:
    remote: str
    commit: str
    tree: str
    dirty: bool
    blobs: Mapping[str, str] = field(default_factory=dict)  # path -> blob at commit


def repo_facts(repo_root: Path, commit: str = "HEAD") -> RepoFacts:
    """Remote, commit, tree, dirtiness and every file's blob at `commit` (one ls-tree call)."""
    head = (git_out(repo_root, "rev-parse", "--verify", "-q", f"{commit}^{{commit}}") or "").strip()
    if not head:
        raise NoCommitError(f"{repo_root}: no commit to record (make a first commit)")
    tree = (git_out(repo_root, "rev-parse", f"{head}^{{tree}}") or "").strip()
    remote = clean_remote(
        (git_out(repo_root, "config", "--get", "remote.origin.url") or "").strip()
    )
    status = worktree.status(
        repo_root,
        "--ignore-submodules=dirty",  # never a `git status` inside a submodule
        "--",
        ".",
        f":(exclude){RECORDS_DIR.as_posix()}",
    )
    dirty = bool(status and status.changes)
    blobs = tree_blobs(repo_root, head)
    return RepoFacts(remote=remote, commit=head, tree=tree, dirty=dirty, blobs=blobs)


def watched(paths: Iterable[str], globs: Sequence[str]) -> list[str]:
    """The paths an item's `watch` globs match, sorted."""
    return matching(paths, globs)


# --------------------------------------------------------------------------- building


def item_wording(item: Item) -> str:
    """Digest of what a person was asked; a change means the answer may no longer apply."""
    text = "\0".join((item.title, item.why, item.verify, *item.rubric))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _results_by_id(results: Any) -> dict[str, DetectorResult]:
    if isinstance(results, Mapping):
        return {str(k): v for k, v in results.items()}
    return {r.id: r for r in results}


def _enum_value(value: Any) -> str:
    return str(getattr(value, "value", value))


def build_record(
    repo_root: Path,
    checklist: Checklist,
    draft: Any,
    report: Any,
    assessment: Any,
    *,
    release: str,
    profile: str = "",
    created: str | None = None,
    facts: RepoFacts | None = None,
) -> Record:
    """Assemble a record from the draft's answers, a scan and its assessment.

    `draft` (core.draft.Draft or None), `report` (engine.ScanReport) and `assessment`
    (assess.Assessment) are read by attribute only, so tests may pass light stand-ins.
    """
    facts = facts or repo_facts(repo_root)
    results = _results_by_id(getattr(report, "results", ()))
    dirty_paths = _dirty_blobs(repo_root) if facts.dirty else {}
    views = {view.item.id: view for view in assessment.items}
    items = []
    for item in checklist.items():
        view = views.get(item.id)
        answer = getattr(view, "answer", None) if view else None
        state = _enum_value(view.state) if view else State.TODO.value
        source = _enum_value(view.source) if view and view.source else ""  # nobody settled it
        evidence = []
        if item.detect:
            for det in item.detect.detectors:
                res = results.get(det)
                if res is None:
                    continue
                for ev in res.evidence:
                    evidence.append(
                        RecordEvidence(
                            detector=det,
                            path=ev.path,
                            line=int(ev.line),
                            polarity=_enum_value(ev.polarity),
                            blob=ev.blob
                            or dirty_paths.get(ev.path)
                            or facts.blobs.get(ev.path, ""),
                        )
                    )
        watch: tuple[tuple[str, str], ...] = ()
        if item.watch:
            candidates = set(facts.blobs) | set(dirty_paths)
            watch = tuple(
                (p, dirty_paths.get(p) or facts.blobs.get(p, ""))
                for p in watched(candidates, item.watch)
            )
        items.append(
            RecordItem(
                id=item.id,
                state=state,
                source=source,
                title=item.title,
                priority=_enum_value(item.priority),
                wording=item_wording(item),
                score=getattr(answer, "score", None),
                note=getattr(answer, "note", "") or "",
                reason=getattr(answer, "reason", "") or "",
                until=getattr(answer, "until", "") or "",
                by=getattr(answer, "by", "") or "",
                at=getattr(answer, "at", "") or "",
                carried_from=getattr(answer, "carried_from", "") or "",
                evidence=tuple(
                    sorted(set(evidence), key=lambda e: (e.detector, e.path, e.line, e.polarity))
                ),
                watch=watch,
            )
        )
    _check_names(items)
    s = assessment.summary
    summary = RecordSummary(
        total=s.total,
        done=s.done,
        remaining=s.remaining,
        p0_remaining=s.p0_remaining,
        at_risk=s.at_risk,
        detected=s.detected,
        na=s.na,
        waived=s.waived,
        scores=tuple(
            RecordScore(
                id=sc.id,
                title=sc.title,
                method=_enum_value(sc.method),
                value=round(float(sc.value), 2),
                maximum=round(float(sc.maximum), 2),
                band=sc.band or "",
            )
            for sc in s.scores
        ),
        gates=tuple(
            RecordGate(profile=g.profile, passed=bool(g.passed), failing=tuple(g.failing))
            for g in s.gates
        ),
    )
    participants = tuple(getattr(draft, "participants", ()) or ())
    chosen_profile = profile or (getattr(draft, "profile", "") or "")
    return Record(
        release=release,
        created=created or now_utc(),
        profile=chosen_profile,
        participants=participants,
        checklist=RecordChecklist(
            id=checklist.id,
            version=checklist.version,
            sha256=checklist.sha256,
            parents=tuple(checklist.parent_sha256),
        ),
        repo=RecordRepo(
            remote=facts.remote, commit=facts.commit, tree=facts.tree, dirty=facts.dirty
        ),
        summary=summary,
        items=tuple(items),
    )


def _check_names(items: Iterable[RecordItem]) -> None:
    """A record is UTF-8 TOML: a file whose name is not UTF-8 cannot be named in it."""
    from golive_tui.core.errors import RepoError

    for item in items:
        for path in [e.path for e in item.evidence] + [p for p, _b in item.watch]:
            try:
                path.encode("utf-8")
            except UnicodeEncodeError:
                shown = ascii(path.encode("utf-8", "surrogateescape"))[2:-1]
                raise RepoError(
                    f"{shown}: expected a UTF-8 file name (item {item.id} relies on this file, "
                    "and a record cannot name it); rename the file"
                ) from None


def _dirty_blobs(repo_root: Path) -> dict[str, str]:
    """Blob ids of working-tree files that differ from HEAD (the content actually assessed)."""
    status = worktree.status(repo_root, "--untracked-files=all", "--ignore-submodules=dirty")
    paths = [c.path for c in (status.changes if status else ()) if "D" not in c.xy]
    blobs = worktree.WorktreeBlobs(repo_root)  # links as links; nothing outside is read
    blobs.prime(paths)
    return {path: blob for path in paths if (blob := blobs(path))}


# --------------------------------------------------------------------------- sign, verify, save


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    signature: Signature
    verdict: str  # signing.Verdict value
    principal: str
    key: str
    detail: str = ""

    @property
    def good(self) -> bool:
        return self.verdict == "good"


@dataclass(frozen=True, slots=True)
class RecordCheck:
    """Everything `golive verify` says about one record."""

    path: Path | None
    record: Record
    checks: tuple[SignatureCheck, ...]
    problems: tuple[str, ...] = ()  # record-level: file name vs release, ...
    expired: tuple[RecordItem, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.good for c in self.checks) and not self.problems


def sign_record(
    record: Record,
    repo_root: Path,
    *,
    role: str = "author",
    signed_at: str | None = None,
    config: Any = None,
) -> Record:
    """Return `record` with one more signature; raises SigningError when it cannot sign."""
    from golive_tui.core import signing

    if role not in ROLES:
        raise RecordError(f"role {role!r} is not one of {', '.join(ROLES)}")
    cfg = config or signing.signer_config(repo_root)
    at = signed_at or now_utc()
    signed = signing.sign(signing_message(record, role, at), cfg, repo_root)
    sig = Signature(
        signer=cfg.identity,
        role=role,
        format=signed.format.value,
        key=signed.key,
        signed_at=at,
        signature=signed.signature,
    )
    return replace(record, signatures=(*record.signatures, sig))


def verify_record(
    record: Record, repo_root: Path, path: Path | None = None, *, trust: Any = None
) -> RecordCheck:
    """Every signature checked against `trust` (signing.TrustRoot; resolved when None)."""
    from golive_tui.core import signing

    if trust is None and any(sig.format == signing.Format.SSH for sig in record.signatures):
        trust = signing.resolve_trust(repo_root)
    problems = []
    if path is not None and path.suffix == ".toml" and path.stem != record.release:
        problems.append(
            f"file name {path.name!r} does not match the record's release {record.release!r}"
        )
    checks = []
    for sig in record.signatures:
        if sig.role not in ROLES:
            checks.append(SignatureCheck(sig, "bad", "", sig.key, f"unknown role {sig.role!r}"))
            continue
        result = signing.verify(
            signing_message(record, sig.role, sig.signed_at),
            sig.format,
            sig.signature,
            repo_root,
            trust=trust,
        )
        detail = result.detail
        if result.key and sig.key and result.key != sig.key and result.verdict == "good":
            detail = f"signed by {result.key}, record says {sig.key}"
        checks.append(
            SignatureCheck(sig, result.verdict.value, result.principal, result.key, detail)
        )
    return RecordCheck(
        path=path,
        record=record,
        checks=tuple(checks),
        problems=tuple(problems),
        expired=record.expired_waivers(),
    )


def repository_problems(record: Record, repo_root: Path) -> list[str]:
    """What in `record` this repository contradicts: what a cosigner checks before vouching.

    The commit must be here, the tree must be that commit's, and the checklist digest must be
    the one golive computes for that checklist in this repository now.
    """
    commit = record.repo.commit
    problems = []
    tree = (git_out(repo_root, "rev-parse", "--verify", "-q", f"{commit}^{{tree}}") or "").strip()
    kind = (git_out(repo_root, "cat-file", "-t", commit) or "").strip()
    if kind != "commit" or not tree:
        problems.append(
            f"repo.commit {commit} is not a commit of this repository (fetch it, or check the "
            "record)"
        )
    elif tree != record.repo.tree:
        problems.append(f"repo.tree {record.repo.tree} is not the tree of commit {commit} ({tree})")
    digest = _checklist_digest(repo_root, record.checklist.id)
    if digest is None:
        problems.append(f"checklist {record.checklist.id!r} is not available in this repository")
    elif digest != record.checklist.sha256:
        problems.append(
            f"checklist.sha256 of {record.checklist.id!r} is {record.checklist.sha256[:12]}, "
            f"but that checklist here is {digest[:12]}: the record was made with another definition"
        )
    return problems


def _checklist_digest(repo_root: Path, checklist_id: str) -> str | None:
    from golive_tui.core.checklists import Library
    from golive_tui.core.errors import GoliveError

    try:
        return Library.discover(repo_root).get(checklist_id).sha256
    except (GoliveError, KeyError):
        return None


@dataclass(frozen=True, slots=True)
class SaveResult:
    path: Path
    signed: bool
    message: str
    record: Record | None = None
    committed: str = ""  # commit sha when asked to commit


def save_record(
    repo_root: Path,
    checklist_id: str | None,
    release: str | None,
    *,
    sign: bool = True,
    role: str = "author",
    profile: str | None = None,
    commit: bool = False,
) -> SaveResult:
    """Scan, assess the current draft, build, sign (when a key is configured) and write the record.

    Safe to call from a worker thread: no prompts (signing tools run without a terminal), and a
    signing failure still saves the record, unsigned, with the reason in `message`.
    """
    from golive_tui.core.assess import assess
    from golive_tui.core.checklists import Library, default_checklist_id, default_profile
    from golive_tui.core.draft import DraftStore
    from golive_tui.core.engine import scan
    from golive_tui.core.errors import SigningError
    from golive_tui.core.git.release import DEFAULT_RELEASE, resolve_release

    rel = resolve_release(repo_root, release)
    library = Library.discover(repo_root)
    checklist = library.get(checklist_id or default_checklist_id(repo_root))
    store = DraftStore(repo_root)
    draft = store.load(checklist.id, rel)
    adopted = ""
    if draft is None and rel != DEFAULT_RELEASE:
        # Walked before the release had a name (no tag yet): those answers are this release's.
        draft = store.load(checklist.id, DEFAULT_RELEASE)
        adopted = DEFAULT_RELEASE if draft is not None else ""
    chosen = profile or (getattr(draft, "profile", "") or None) or default_profile(repo_root)
    report = scan(repo_root)
    answers = dict(getattr(draft, "answers", {}) or {})
    assessment = assess(
        checklist,
        answers,
        {r.id: r for r in report.results},
        paths=report.paths,
        go_imports=report.go_imports,
        profile=chosen,
    )
    record = build_record(
        repo_root, checklist, draft, report, assessment, release=rel, profile=chosen or ""
    )
    notes = [] if draft is not None else [_no_draft_note(repo_root, checklist.id, rel)]
    if adopted:
        notes.append(f"used the answers of the `{adopted}` draft (walked before {rel} was named)")
    if record.repo.dirty:
        notes.append(_dirty_note(repo_root))
    path = record_path(repo_root, rel)
    _check_new_record(record, path, store.path(checklist.id, adopted or rel) if draft else None)
    signed = False
    if sign:
        try:
            record = sign_record(record, repo_root, role=role)
            signed = True
        except SigningError as exc:
            notes.append(f"not signed: {exc}")
    if signed:
        notes.extend(_unknown_key_notes(record, repo_root))
    with record_lock(path):
        kept = _keep_signed(path, rel) if not signed else ""
        if kept:
            message = "\n".join([f"not saved: {kept}", *notes])
            return SaveResult(path=path, signed=False, message=message, record=None)
        try:
            previous = load_record(path) if path.is_file() else None
        except RecordError:
            previous = None
        if previous is not None and previous.signatures:
            notes.append(
                f"replaced the previous record of {rel} and its "
                f"{len(previous.signatures)} signature(s); cosigners must sign again"
            )
        write_record(path, record)
    committed = ""
    if commit:
        committed = commit_record(repo_root, path, rel)
    verb = "signed and saved" if signed else "saved (unsigned)"
    message = "\n".join([f"{verb} {path.relative_to(repo_root)}", *notes])
    return SaveResult(path=path, signed=signed, message=message, record=record, committed=committed)


def _check_new_record(record: Record, path: Path, draft_path: Path | None) -> None:
    """Refuse, before signing, a record golive's own loader would reject (naming the draft)."""
    try:
        checked_text(record, str(path))
    except RecordError as exc:
        detail = str(exc).removeprefix(str(path)).lstrip(": ")
        match = re.match(r"items\[(\d+)\]", detail)
        if match and int(match.group(1)) < len(record.items):
            detail = f"item {record.items[int(match.group(1))].id}: {detail}"
        source = f"the draft {draft_path}" if draft_path else "the scan"
        raise RecordError(
            f"{path}: not written: {source} gives a value golive does not accept in a "
            f"record ({detail}); correct it (e.g. `golive mark ITEM score=N`) and sign again"
        ) from None


def _keep_signed(path: Path, release: str) -> str:
    """Why an unsigned record must not replace the one at `path` ("" when it may)."""
    if not path.exists():
        return ""
    try:
        previous = load_record(path)
    except RecordError:
        return (
            f"{path.name} exists and cannot be read as a record; it was left as it was "
            "(move it away to write a new one)"
        )
    if not previous.signatures:
        return ""
    return (
        f"{path.name} holds a signed record of {release} ({len(previous.signatures)} "
        "signature(s)); an unsigned record never replaces it, so it was left as it was. "
        "Fix signing and run `golive sign` again"
    )


def _unknown_key_notes(record: Record, repo_root: Path) -> list[str]:
    """When verifiers would not know the new SSH signature's key: the allowed-signers line to add."""
    from golive_tui.core import signing
    from golive_tui.core.git.config import git_config

    sig = record.signatures[-1]
    if sig.format != signing.Format.SSH:
        return []
    trust = signing.resolve_trust(repo_root)
    check = signing.verify(
        signing_message(record, sig.role, sig.signed_at),
        sig.format,
        sig.signature,
        repo_root,
        trust=trust,
    )
    public = signing.ssh_signature_public_key(sig.signature)
    if check.verdict is not signing.Verdict.UNKNOWN_KEY or not public:
        return []
    where = signing.allowed_signers_file(repo_root) or repo_root / signing.LOCAL_ALLOWED_SIGNERS
    shown = where.relative_to(repo_root) if where.is_relative_to(repo_root) else where
    email = git_config("user.email", repo_root) or "you@example.com"
    branch = (
        f" on {trust.ref}"
        if trust.ref
        else (" on the default branch" if not trust.file.startswith("/") else "")
    )
    return [
        f"your key is not in {shown}{branch} (verifiers trust {trust.source}), so `golive "
        f"verify` reports it as unknown: add this line and commit it{branch}\n"
        f'  {email} namespaces="{signing.NAMESPACE}" {public}'
    ]


def _no_draft_note(repo_root: Path, checklist_id: str, release: str) -> str:
    """Say the record holds evidence only, and name the releases that do have answers."""
    from golive_tui.core.draft import DraftStore

    note = f"no draft for {release}: the record holds detector evidence only"
    prefix = f"{checklist_id}@"
    others = sorted(
        p.stem.removeprefix(prefix)
        for p in DraftStore(repo_root).drafts()
        if p.stem.startswith(prefix) and p.stem != f"{prefix}{release}"
    )
    if others:
        note += (
            f" (answers are in the draft for {', '.join(others)}: "
            f"`golive sign --release {others[-1]}` signs those)"
        )
    return note


def _dirty_note(repo_root: Path) -> str:
    """Which uncommitted files make the record dirty, and how to get a clean one."""
    status = worktree.status(
        repo_root, "--ignore-submodules=dirty", "--", ".", f":(exclude){RECORDS_DIR.as_posix()}"
    )
    paths = sorted({c.path for c in (status.changes if status else ())})
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    return (
        f"the working tree has uncommitted changes ({shown}): the record is marked dirty and "
        "its commit does not hold what was assessed; commit them and sign again"
    )


def commit_record(repo_root: Path, path: Path, release: str) -> str:
    """Commit the record alone through `git commit`, so commit.gpgsign signs it as usual.

    The one git command golive runs with hooks on: the user asked for a commit, so their commit
    hooks run as for `git commit`. Signing programs still come from the user's own config.
    """
    from golive_tui.core import signing
    from golive_tui.core.git.runner import git_env

    rel = path.relative_to(repo_root).as_posix()
    env = signing.subprocess_env(
        git_env(repo_root, hooks=True, config=signing.program_overrides(repo_root))
    )
    for args, timeout in (
        (("add", "--", rel), 60),
        (("commit", "-m", f"readiness: {release}", "--", rel), 120),
    ):
        proc = git_run(repo_root, *args, timeout=timeout, env=env)
        if proc is None or proc.returncode != 0:
            detail = proc.stderr.strip() if proc else "git could not run (or timed out)"
            raise RecordError(f"record saved but not committed: git {args[0]} failed: {detail}")
    return (git_out(repo_root, "rev-parse", "HEAD") or "").strip()
