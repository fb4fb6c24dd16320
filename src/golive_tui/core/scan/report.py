"""What a scan returns: `ScanReport` (results, paths, stats) and its JSON, the scan contract
(`golive scan --format json`, which other tools read: fields are added, never renamed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive_tui.core.errors import GoliveError
from golive_tui.core.tuples import NamedTuple

if TYPE_CHECKING:
    # Imported where used instead (cache, families, catalog, model: ~20 ms of CPU): `scan`
    # starts git first, and git's ~50 ms of `status` runs while they load.
    from golive_tui.core.evidence import DetectorResult, Evidence
    from golive_tui.core.services.scope import ShippingScope


SCHEMA = 1


class ScanError(GoliveError):
    """The scan was asked for something that does not exist (an unknown detector id...)."""


# NamedTuples, like the families' value types (detectors/base.py): as immutable as frozen
# dataclasses and ~8x cheaper to define (these 11 in the scan's own modules: ~3.5 ms of a scan).
class RepoInfo(NamedTuple):
    root: Path
    head: str | None
    branch: str | None
    dirty: bool
    is_git: bool
    shallow: bool


class ScanStats(NamedTuple):
    files: int  # files in scope (ScanReport.paths)
    go_files: int  # Go source files in scope
    # Go source files extracted this run (cache misses past the prefilter), minus those whose
    # FileScan.meta says {"parsed": False} (an extractor that gates its own parse inside).
    parsed_go_files: int
    cache_hits: int  # (extractor, file) pairs served from the cache
    seconds: float
    skipped: tuple[tuple[str, str], ...]  # (path, reason): content not scanned
    files_read: int = 0  # files whose bytes were read this run
    timings: tuple[tuple[str, float], ...] = ()  # (phase, seconds): where the time went
    # (path, why): Go files the deploy target's build leaves out (`*_windows.go`, a
    # `//go:build` line); no detector counts them. `target` is that build, e.g. linux/amd64.
    excluded_for_target: tuple[tuple[str, str], ...] = ()
    target: str = ""


class Progress(NamedTuple):
    """A scan progress update; `result` is set once per detector as soon as it is decided."""

    phase: str  # "listing", "reading", "parsing", "detectors"
    done: int
    total: int
    result: DetectorResult | None = None


class ScanReport(NamedTuple):
    repo: RepoInfo
    results: tuple[DetectorResult, ...]
    stats: ScanStats
    paths: tuple[str, ...]
    go_imports: frozenset[str]
    warnings: tuple[str, ...]
    commit: str | None = None  # set when a commit's tree was scanned
    # Set when only shipping code was read (docs/services.md); None: the whole repository.
    scope: ShippingScope | None = None

    def result(self, detector_id: str) -> DetectorResult:
        for result in self.results:
            if result.id == detector_id:
                return result
        raise KeyError(detector_id)

    def to_json(self) -> dict[str, Any]:
        """The `golive scan --format json` document (contracts/scan-json.md, schema 1)."""
        from golive_tui import __version__

        document = {
            "schema": SCHEMA,
            "tool": {"name": "golive", "version": __version__},
            "repo": {
                "root": str(self.repo.root),
                "head": self.repo.head,
                "branch": self.repo.branch,
                "dirty": self.repo.dirty,
                "is_git": self.repo.is_git,
                "shallow": self.repo.shallow,
                "commit": self.commit,
            },
            "detectors": [_result_json(r) for r in self.results],
            "stats": {
                "files": self.stats.files,
                "go_files": self.stats.go_files,
                "parsed_go_files": self.stats.parsed_go_files,
                "cache_hits": self.stats.cache_hits,
                "seconds": round(self.stats.seconds, 3),
                "files_read": self.stats.files_read,
                "skipped": [{"path": p, "reason": r} for p, r in self.stats.skipped],
                "timings": {phase: round(t, 4) for phase, t in self.stats.timings},
                "target": self.stats.target,
                "excluded_for_target": [
                    {"path": p, "reason": r} for p, r in self.stats.excluded_for_target
                ],
            },
            "warnings": list(self.warnings),
        }
        if self.scope is not None:  # absent when the scan read the whole repository
            document["scope"] = self.scope.to_json()
        return document


def _result_json(result: DetectorResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "title": result.title,
        "status": str(result.status),
        "summary": result.summary,
        "evidence": [_evidence_json(e) for e in result.evidence],
    }


def _evidence_json(ev: Evidence) -> dict[str, Any]:
    return {
        "path": ev.path,
        "line": ev.line,
        "end_line": ev.end_line,
        "polarity": str(ev.polarity),
        "snippet": ev.snippet,
        "blob": ev.blob,
        "facts": dict(ev.facts),
    }


#: Coarse progress: at most this many updates per phase while reading and parsing.
PROGRESS_STEPS = 10
