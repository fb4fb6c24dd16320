"""The scan cache: per-file extractor output keyed by git blob SHA, so a re-scan parses only
what changed.

One file, `<git common dir>/golive/cache/scan.marshal` (never the working tree; shared by
worktrees, and by commit scans, since a blob is a blob wherever it comes from). It holds plain
data only (dicts, lists, strings, ints) written with `marshal`: the fastest of the formats
measured for this shape and it cannot run code when loaded (unlike pickle). Measured on
moby's cache (2,416 entries, 580 KB; best of 15): marshal 1.7-2.2 ms, pickle 2.1-2.5 ms,
json 7.7 ms.

Keys: (extractor name, extractor version, repository path, blob SHA). The path is part of the
key because `Extractor.extract(path, text)` may read meaning from the name (a `.toml` vs a
`.yml` golangci config); the cost is a re-parse after a rename, which is rare.

Anything wrong with the file (truncated, another Python's marshal format, wrong shape) means
it is discarded and rebuilt: a cache can make a scan slower, never wrong or crash it.
Writes are atomic (`write_atomic`) and only happen when something changed.
"""

from __future__ import annotations

import marshal
import sys
from pathlib import Path
from typing import Any

from golive_tui.core.atomic import write_atomic
from golive_tui.core.confine import UnsafePathError, read_capped
from golive_tui.core.scan.detectors.base import FileScan

#: Largest cache file read (a 13k-file repository's cache is a few MB).
MAX_CACHE_BYTES = 256 * 1024 * 1024

_FORMAT = 1
#: Entries untouched for this many cache writes are dropped (branch switches stay warm a while).
KEEP_GENERATIONS = 8
CACHE_NAME = "scan.marshal"


def cache_path(state_dir: Path) -> Path:
    return state_dir / "cache" / CACHE_NAME


class ScanCache:
    """In-memory view of the cache file; `save()` writes it back when anything was added."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.problem: str | None = None  # set when an unusable cache file was discarded
        self._gen = 0
        # extractor key -> "path\0blob" -> [generation, FileScan.to_json() or None when empty]
        self._scans: dict[str, dict[str, list[Any]]] = {}
        # blob -> [generation, reason] for content-based skips (binary, LFS, not UTF-8)
        self._skips: dict[str, list[Any]] = {}
        self._touched_gen = 0
        self._dirty = False
        # [fingerprint, [[path, [extractor keys]], ...]]: the last scan's file -> extractors
        self._plan: list[Any] = ["", []]

    @classmethod
    def load(cls, path: Path | None) -> ScanCache:
        """The cache at `path` (None: a cache that never persists, e.g. not a git repo)."""
        cache = cls(path)
        if path is None:
            return cache
        try:  # a regular file under a cap: never a link out of .git, a device or a FIFO
            raw = read_capped(path, MAX_CACHE_BYTES)
        except FileNotFoundError:
            return cache
        except UnsafePathError as exc:
            cache.problem = f"scan cache not read ({exc.why}); scanning cold"
            return cache
        except OSError as exc:
            cache.problem = f"scan cache unreadable ({exc.strerror}); scanning cold"
            return cache
        try:
            data = marshal.loads(raw)
            if (
                not isinstance(data, dict)
                or data.get("format") != _FORMAT
                or data.get("python") != _python_tag()
            ):
                raise ValueError("unknown cache format")
            gen, scans, skips = data["gen"], data["scans"], data["skips"]
            if not (isinstance(gen, int) and isinstance(scans, dict) and isinstance(skips, dict)):
                raise ValueError("malformed cache")
        except Exception:  # marshal raises ValueError/EOFError/TypeError on bad bytes
            cache.problem = "scan cache was unusable and has been discarded"
            cache._dirty = True
            return cache
        cache._gen = gen
        cache._touched_gen = gen + 1
        cache._scans = scans
        cache._skips = skips
        plan = data.get("plan")
        if isinstance(plan, list) and len(plan) == 2:
            cache._plan = plan
        return cache

    @staticmethod
    def key(name: str, version: str) -> str:
        return f"{name}@{version}"

    def get(self, ext_key: str, path: str, blob: str) -> FileScan | None:
        """The cached scan, or None on a miss (an empty scan is a hit: `FileScan()`)."""
        bucket = self._scans.get(ext_key)
        if bucket is None:
            return None
        entry = bucket.get(f"{path}\0{blob}")
        if entry is None:
            return None
        try:
            payload = entry[1]
            scan = FileScan() if payload is None else FileScan.from_json(payload)
        except Exception:
            return None
        if entry[0] != self._touched_gen:
            entry[0] = self._touched_gen
        return scan

    def put(self, ext_key: str, path: str, blob: str, scan: FileScan) -> None:
        if self.path is None:  # never saved, and a scan asks about each (path, blob) once
            return
        empty = not (scan.findings or scan.errors or scan.meta)
        payload = None if empty else scan.to_json()
        self._scans.setdefault(ext_key, {})[f"{path}\0{blob}"] = [self._touched_gen, payload]
        self._dirty = True

    def skip_reason(self, blob: str) -> str | None:
        entry = self._skips.get(blob)
        if entry is None:
            return None
        entry[0] = self._touched_gen
        reason = entry[1]
        return reason if isinstance(reason, str) else None

    def put_skip(self, blob: str, reason: str) -> None:
        self._skips[blob] = [self._touched_gen, reason]
        self._dirty = True

    def plan(self, fingerprint: str) -> list[Any] | None:
        """The remembered file -> extractor-keys plan when `fingerprint` is unchanged."""
        stored, entries = self._plan
        return entries if stored == fingerprint and isinstance(entries, list) else None

    def put_plan(self, fingerprint: str, entries: list[tuple[str, list[str]]]) -> None:
        self._plan = [fingerprint, [[p, ks] for p, ks in entries]]
        self._dirty = True

    def save(self) -> None:
        """Write back if anything was added; drop entries unused for KEEP_GENERATIONS writes."""
        if self.path is None or not self._dirty:
            return
        floor = self._touched_gen - KEEP_GENERATIONS
        scans = {
            key: kept
            for key, bucket in self._scans.items()
            if (kept := {k: v for k, v in bucket.items() if v[0] >= floor})
        }
        skips = {k: v for k, v in self._skips.items() if v[0] >= floor}
        data = {
            "format": _FORMAT,
            "python": _python_tag(),
            "gen": self._touched_gen,
            "scans": scans,
            "skips": skips,
            "plan": self._plan,
        }
        try:
            write_atomic(self.path, marshal.dumps(data), mode=0o600)
        except (OSError, ValueError) as exc:
            self.problem = f"scan cache not saved: {exc}"
            return
        self._dirty = False


def _python_tag() -> str:
    # marshal's format is specific to the Python version that wrote it.
    return f"{sys.version_info[0]}.{sys.version_info[1]}/{marshal.version}"
