"""The contract between the engine and the detector families.

A family is an `Extractor`: it picks the files it cares about, pulls JSON-serialisable findings
out of one file at a time (cached by git blob SHA, so a re-scan only reads what changed), and
then `finalize` turns every file's findings into one `DetectorResult` per detector it owns.
Per-file work is pure and isolated so the engine can prefilter, parallelise and cache it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from golive_tui.core.evidence import EMPTY as EMPTY  # re-exported: the families default to it
from golive_tui.core.evidence import DetectorResult
from golive_tui.core.tuples import NamedTuple

# The families' value types (these three and their internal ones) are NamedTuples, not frozen
# dataclasses: as immutable, and defining one costs ~45 us instead of ~350 us (a dataclass
# compiles six methods when its module is imported: 22 of them cost ~7 ms of every scan); making
# one is ~2x faster too (a warm scan of moby makes ~3,000 ScannedFiles). A NamedTuple field
# cannot default to a fresh dict: `EMPTY` (core/evidence.py) is the read-only empty mapping.


class Finding(NamedTuple):
    """One piece of evidence in one file, before the engine attaches path and blob."""

    detector: str
    line: int
    end_line: int
    polarity: str  # "positive" | "contrary"
    snippet: str
    facts: Mapping[str, Any] = EMPTY


class FileScan(NamedTuple):
    """Everything one extractor learned from one file; must survive a JSON round-trip."""

    findings: tuple[Finding, ...] = ()
    errors: tuple[
        tuple[str, str], ...
    ] = ()  # (detector id or "*", message) - file unparseable etc.
    meta: Mapping[str, Any] = EMPTY  # cross-file facts: imports, targets...

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [
                [f.detector, f.line, f.end_line, f.polarity, f.snippet, dict(f.facts)]
                for f in self.findings
            ],
            "errors": [list(e) for e in self.errors],
            "meta": dict(self.meta),
        }

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> FileScan:
        meta = data.get("meta", {})
        return FileScan(
            findings=tuple(
                Finding(d, int(line), int(end), pol, snip, facts)
                for d, line, end, pol, snip, facts in data.get("findings", [])
            ),
            errors=tuple((str(a), str(b)) for a, b in data.get("errors", [])),
            # The cache's own dict, not a copy (meta is read-only, like the FileScan): 8x
            # moby's warm scan holds 10k dicts (0.9 MiB) fewer, peak 72.2 -> 71.6 MiB. Any
            # other shape is converted, or raises (a damaged cache entry is a miss).
            meta=meta if type(meta) is dict else dict(meta),
        )


class ScannedFile(NamedTuple):
    """A file as the engine saw it: its findings for one extractor, plus identity."""

    path: str  # repository-relative, forward slashes
    blob: str | None
    scan: FileScan


class Extractor(Protocol):
    """A detector family. Implementations are module-level singletons, stateless."""

    name: str  # cache namespace, e.g. "go_source"
    version: str  # bump when output for the same input changes: invalidates the cache
    detectors: tuple[str, ...]  # detector ids this family reports (each exactly once)
    # Optional: a family with `reads_go_tests = True` is also offered `*_test.go` files that
    # the scan scope excludes only as test files (the engine reads it with getattr).

    def matches(self, path: str) -> bool:
        """Whether this family wants the file at this repository-relative path."""

    def prefilter(self) -> tuple[bytes, ...] | None:
        """Literals of which a file must contain one to be worth parsing; None = always parse.

        A file that fails the prefilter gets an empty FileScan without being parsed (cheap),
        but still counts as present for `finalize` (e.g. "a Dockerfile exists").
        """

    def extract(self, path: str, text: str) -> FileScan:
        """Pure: findings from one file's text. Never raises for bad input: report `errors`."""

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        """Cross-file aggregation into one result per id in `detectors`.

        `files` holds the files this family matched (path -> ScannedFile); `all_paths` is every
        file in scope, for presence checks (README, runbook, *_test.go...).
        """
