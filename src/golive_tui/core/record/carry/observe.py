"""The release as carry-forward compares it: blobs, paths and findings, from the worktree or a record.

Every path named by a record is confined to the repository before it is read (core/confine.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from golive_tui.core.confine import (
    DEFAULT_CAP,
    UnsafePathError,
    confine,
    read_capped,
    relative,
)
from golive_tui.core.git.listing import tree_blobs
from golive_tui.core.git.worktree import WorktreeBlobs
from golive_tui.core.model import (
    DetectorResult,
    Evidence,
    Polarity,
    Status,
    status_of_polarities,
)
from golive_tui.core.record.model import Record, RecordEvidence


class ReportLike(Protocol):
    @property
    def results(self) -> Sequence[DetectorResult]: ...

    @property
    def paths(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Observed:
    """The release being assessed, as far as carry-forward compares it with the base record.

    `statuses` holds only detectors that could tell (error / not applicable are left out, so
    "could not tell" never counts as a disagreement).
    """

    blob: Callable[[str], str]  # path -> blob id, "" when the file is gone
    paths: frozenset[str]  # files that exist (watch globs are matched against these)
    evidence: Mapping[str, tuple[RecordEvidence, ...]]  # detector -> findings
    statuses: Mapping[str, Status]
    content: Callable[[str], bytes | None] = field(default=lambda _p: None)
    label: str = "now"
    refusal: Callable[[str], str] = field(default=lambda p: _lexical_refusal(p))


def _lexical_refusal(path: str) -> str:
    """Why a path named by a record is not a repository path ("" when it is one)."""
    try:
        relative(path)
    except UnsafePathError as exc:
        return exc.why
    return ""


def _evidence_by_detector(
    results: Iterable[DetectorResult], blob: Callable[[str], str]
) -> dict[str, tuple[RecordEvidence, ...]]:
    out: dict[str, tuple[RecordEvidence, ...]] = {}
    for res in results:
        out[res.id] = tuple(_as_record_evidence(res.id, ev, blob) for ev in res.evidence)
    return out


def _as_record_evidence(detector: str, ev: Evidence, blob: Callable[[str], str]) -> RecordEvidence:
    polarity = ev.polarity.value if isinstance(ev.polarity, Polarity) else str(ev.polarity)
    return RecordEvidence(detector, ev.path, int(ev.line), polarity, ev.blob or blob(ev.path))


def observe_worktree(repo_root: Path, report: ReportLike, base: Record | None = None) -> Observed:
    """The working tree as scanned by `report` (what the walk and `golive status` see)."""
    blobs = WorktreeBlobs(repo_root)
    paths = frozenset(report.paths)
    if base is not None:
        needed = {e.path for i in base.items for e in i.evidence}
        needed.update(p for i in base.items for p, _b in i.watch)
        blobs.prime(needed)
    results = tuple(report.results)

    def content(path: str) -> bytes | None:
        """The file now, confined and capped (UnsafePathError when refused, None when gone)."""
        try:
            full = confine(repo_root, path, follow=False)
            if full.is_symlink():
                return os.fsencode(full.readlink())
            return read_capped(full, MAX_DIFF_BYTES, shown=path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise UnsafePathError(path, f"cannot read: {exc.strerror or exc}") from None

    return Observed(
        blob=blobs,
        paths=paths,
        evidence=_evidence_by_detector(results, blobs),
        statuses={r.id: r.status for r in results if r.status not in _UNSURE},
        content=content,
        label="working tree",
        refusal=blobs.refusal,
    )


def observe_record(repo_root: Path, record: Record) -> Observed:
    """A later release as its own record saw it (for `golive gate --since-record`).

    Blobs come from the record's evidence and watch tables, then from its commit's tree; a
    detector with no finding in the record is taken as missing.
    """
    pinned: dict[str, str] = {}
    for item in record.items:
        pinned.update((e.path, e.blob) for e in item.evidence if e.blob)
        pinned.update(item.watch)
    tree = tree_blobs(repo_root, record.repo.commit)
    by_detector: dict[str, set[RecordEvidence]] = {}
    for item in record.items:
        for ev in item.evidence:
            by_detector.setdefault(ev.detector, set()).add(ev)
    evidence = {d: tuple(sorted(evs, key=_ev_key)) for d, evs in by_detector.items()}
    statuses: dict[str, Status] = {}
    for det, evs in evidence.items():
        statuses[det] = _status_of(evs)
    watched_paths = {p for item in record.items for p, _b in item.watch}

    def blob(path: str) -> str:
        return pinned.get(path) or tree.get(path, "")

    return Observed(
        blob=blob,
        paths=frozenset(tree) | frozenset(pinned) | frozenset(watched_paths),
        evidence=evidence,
        statuses=_MissingByDefault(statuses),
        label=f"record {record.release}",
    )


#: Largest file (either side) a diff is computed for; larger ones are summarised.
MAX_DIFF_BYTES = DEFAULT_CAP


_UNSURE = frozenset({Status.ERROR, Status.NOT_APPLICABLE})


class _MissingByDefault(dict[str, Status]):
    """A record names only detectors that found something; the rest found nothing."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, Status.MISSING)


def _status_of(evidence: Iterable[RecordEvidence]) -> Status:
    return status_of_polarities({e.polarity for e in evidence})


def _ev_key(e: RecordEvidence) -> tuple[str, str, int, str]:
    return (e.detector, e.path, e.line, e.polarity)
