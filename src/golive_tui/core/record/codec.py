"""Records to and from TOML: every field of a file checked (a record file is untrusted input)."""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from golive_tui import __version__
from golive_tui.core import tomlsafe
from golive_tui.core.errors import RecordError
from golive_tui.core.model import Source, State
from golive_tui.core.record.model import (
    _SHA256,
    FORMATS,
    SCHEMA,
    Record,
    RecordChecklist,
    RecordEvidence,
    RecordGate,
    RecordItem,
    RecordRepo,
    RecordScore,
    RecordSummary,
    Signature,
)
from golive_tui.core.services.names import is_service_name


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
        "summary": summary_to_dict(s),
        "items": [_item_to_dict(item) for item in record.items],
    }
    if record.service:  # only when set: records of a single-service repository keep their bytes
        data["service"] = record.service
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
    "service",
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


# Long on purpose: one straight pass over the file's fields in the order they are written, so
# every check sits next to the field it is about; split, the order of the checks would hide.
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
        service=_service(r, data),
    )


def _service(r: _Reader, data: Mapping[str, Any]) -> str:
    """The optional `service` field: absent or a safe service name, never "" written out."""
    if "service" not in data:
        return ""
    value = r.str_(data, "service", "")
    if not is_service_name(value):
        raise r.fail("service", "a service name (lower-case letters, digits, . _ -)")
    return value


def _digests(r: _Reader, cl: Mapping[str, Any]) -> tuple[str, ...]:
    parents = r.strs(cl, "parents", "checklist.")
    for value in parents:
        if not _SHA256.fullmatch(value):
            raise r.fail("checklist.parents", f"expected sha256 digests (64 hex), not {value!r}")
    return parents


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
    for key in ("schema", "tool", "release", "service", "created", "profile"):
        if key in data:
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


def summary_to_dict(s: RecordSummary) -> dict[str, Any]:
    """A summary as the record, `golive status` and the gate write it: one shape everywhere."""
    return {
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
            {"profile": g.profile, "passed": g.passed, "failing": list(g.failing)} for g in s.gates
        ],
    }
