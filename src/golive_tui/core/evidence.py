"""What detectors report: evidence, results and their statuses (part of core/model's vocabulary).

Apart from the checklist and answer types so that a scan, which speaks only these, does not
define the rest: `core.model` re-exports every name here. Importing the rest of it (11 more
dataclasses, 6 enums, datetime) took 8.9 ms of each scan (this module: 2.9 ms).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Status(enum.StrEnum):
    """Detector outcome, exactly as the scan JSON contract names them."""

    FOUND = "found"
    PARTIAL = "partial"
    CONTRARY = "contrary"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


class Polarity(enum.StrEnum):
    POSITIVE = "positive"
    CONTRARY = "contrary"


@dataclass(frozen=True, slots=True)
class Evidence:
    path: str  # repository-relative, forward slashes
    line: int  # 1-based
    end_line: int
    polarity: Polarity
    snippet: str
    blob: str | None = None  # git blob sha of the file as scanned
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DetectorDef:
    """What a detector is, as data (the catalog): shown to users and checked by the loader."""

    id: str
    title: str
    family: str  # dockerfile, gomod, golangci, ci, go_source, k8s, files, build, custom
    looks_for: str
    why: str
    remediation: str
    area: str = ""  # grouping in `golive scan` text output


@dataclass(frozen=True, slots=True)
class DetectorResult:
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
