"""What detectors report: evidence, results and their statuses (part of core/model's vocabulary).

Apart from the checklist and answer types so that a scan, which speaks only these, does not
define the rest: `core.model` re-exports every name here. Importing the rest of it (11 more
dataclasses, 6 enums, datetime) took 8.9 ms of each scan (this module: 2.9 ms).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, TypeAlias

from golive_tui.core.tuples import NamedTuple


class Status(enum.StrEnum):
    """Detector outcome, exactly as the scan JSON contract names them."""

    FOUND = "found"
    PARTIAL = "partial"
    CONTRARY = "contrary"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


#: Detector outcomes as people read them; the JSON keeps the contract's values. The one table of
#: these words (core/verdict.py re-exports it): here, beside `Status`, so `golive scan`'s table
#: names them without importing the model.
STATUS_LABEL: Mapping[Status, str] = MappingProxyType(
    {
        Status.FOUND: "found",
        Status.PARTIAL: "partial",
        Status.CONTRARY: "contrary",
        Status.MISSING: "absent",
        Status.NOT_APPLICABLE: "not applicable",
        Status.ERROR: "could not tell",
    }
)


class Polarity(enum.StrEnum):
    POSITIVE = "positive"
    CONTRARY = "contrary"


# These value types (and the scan's, detectors/base.py) are NamedTuples, not frozen dataclasses:
# as immutable, and a scan no longer imports dataclasses and inspect (~6 ms) nor builds each
# class's methods (~0.4 ms a class), on every scan, the warm ones included. A field that
# defaults to a mapping defaults to `EMPTY`, the read-only empty one.


class _Empty(Mapping[str, Any]):
    """The read-only empty mapping. Not a `MappingProxyType`: forked workers send their results
    back pickled, and a mapping proxy cannot be pickled, so every worker's chunk failed and was
    redone in the scanning process (moby cold: no gain from the second core, 0.84 s wall
    instead of ~0.70). This one pickles as a reference to `EMPTY` itself."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __contains__(self, key: object) -> bool:
        return False

    def get(self, key: str, default: Any = None) -> Any:
        """`default`: Mapping's own `get` calls `__getitem__` and catches its KeyError, and
        most files' scans hold this mapping (8x moby's build-constraint pass: 3.5k calls,
        ~1.5 ms of a warm scan)."""
        return default

    def __reduce__(self) -> str:
        return "EMPTY"

    def __repr__(self) -> str:
        return "{}"


#: The read-only empty mapping, the default of mapping fields.
EMPTY: Mapping[str, Any] = _Empty()


#: What a piece of evidence says beyond its place (JSON values, detector-specific keys).
Facts: TypeAlias = Mapping[str, Any]


class Evidence(NamedTuple):
    path: str  # repository-relative, forward slashes
    line: int  # 1-based
    end_line: int
    polarity: Polarity
    snippet: str
    blob: str | None = None  # git blob sha of the file as scanned
    facts: Facts = EMPTY


class DetectorDef(NamedTuple):
    """What a detector is, as data (the catalog): shown to users and checked by the loader."""

    id: str
    title: str
    family: str  # dockerfile, gomod, golangci, ci, go_source, k8s, files, build, custom
    looks_for: str
    why: str
    remediation: str
    area: str = ""  # grouping in `golive scan` text output


class DetectorResult(NamedTuple):
    id: str
    title: str
    status: Status
    summary: str
    evidence: tuple[Evidence, ...] = ()

    @staticmethod
    def status_for(evidence: tuple[Evidence, ...]) -> Status:
        """found / partial / contrary / missing from the polarities, as the contract defines."""
        return status_of_polarities({e.polarity for e in evidence})


def status_of_polarities(polarities: set[Polarity] | set[str]) -> Status:
    """found / partial / contrary / missing from the polarities seen (enum members or values).

    The one rule, shared by the scan and by carry-forward reading a record's evidence.
    """
    positive = Polarity.POSITIVE in polarities
    contrary = Polarity.CONTRARY in polarities
    if positive and contrary:
        return Status.PARTIAL
    if positive:
        return Status.FOUND
    if contrary:
        return Status.CONTRARY
    return Status.MISSING
