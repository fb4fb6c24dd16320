"""One scan's pass over its files (engine.py runs it between the listing and finalize).

The plan (which extractors want which file, remembered for an identical path list), then one
loop that reads each file at most once and hands its bytes to every extractor that wants it:
cache hits, prefilters, serial or forked extraction (workers.py), and the files the deploy
target's build leaves out. Apart from engine.py, which keeps the scan's order of phases, so
that neither module outgrows the ~600-line guide.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

from golive_tui.core.git import listing as git_listing
from golive_tui.core.git.worktree import blob_sha
from golive_tui.core.scan import reader as reader_mod
from golive_tui.core.scan.buildtags import (
    DEFAULT_TARGET,
    KNOWN_ARCH,
    KNOWN_OS,
    Target,
    name_matches,
)
from golive_tui.core.scan.config import Scope
from golive_tui.core.scan.detectors.base import FileScan, ScannedFile
from golive_tui.core.scan.report import PROGRESS_STEPS, Progress
from golive_tui.core.scan.workers import run_jobs

if TYPE_CHECKING:
    from golive_tui.core.scan.ahead import Ahead
    from golive_tui.core.scan.cache import ScanCache
    from golive_tui.core.scan.detectors.base import Extractor
    from golive_tui.core.scan.finalmemo import FinalizeMemo
    from golive_tui.core.scan.workers import Outcome, ReadOutcome, Work


class Clock:
    """Accumulates wall time per phase (reported in stats.timings, read by the benchmark)."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - self.last
        self.last = now


class FilePass:
    """One scan's per-file pass: reads, prefilters, cache lookups and extraction."""

    def __init__(
        self,
        snapshot: git_listing.Snapshot,
        reader: reader_mod.FileReader,
        cache: ScanCache,
        scope: Scope,
        emit: Callable[[Progress], None],
        target: Target = DEFAULT_TARGET,
    ) -> None:
        self.snapshot = snapshot
        self.reader = reader
        self.cache = cache
        self.scope = scope
        self.emit = emit
        self.target = target
        # Go files the deploy target does not build: path -> why (stats.excluded_for_target)
        self.excluded: dict[str, str] = {}
        self.skipped: dict[str, str] = {}
        self.cache_hits = 0
        self.transient = False  # a result not cached (e.g. a rule ran out of time)
        self.served = 0  # (extractor, file) pairs served, from the cache or extracted
        self.files_read = 0
        # Clean files handed to a worker to read (engine.RunInfo.clean_reads counts them).
        self.deferred = 0
        self.parsed_go: set[str] = set()
        # Files a forked worker reads and extracts while the scope is worked out (ahead.py).
        self.ahead: Ahead | None = None
        # detector id (or "*" for the family) -> "path: message" for files that could not parse
        self.file_errors: dict[str, dict[str, list[str]]] = {}

    def _plan(
        self,
        files: Sequence[git_listing.RepoFile],
        extractors: Sequence[Extractor],
        keys: Mapping[str, str],
    ) -> list[tuple[git_listing.RepoFile, list[Extractor]]]:
        """Which extractors want which file. `matches()` is a pure function of the path, so
        the answer is remembered in the cache for an identical path list (a warm scan of
        moby asks 8 families about 3,300 paths: ~30 ms saved)."""
        persist = self.cache.path is not None  # nothing is remembered without a cache file
        fingerprint = self._fingerprint(files, extractors, keys) if persist else ""
        remembered = self.cache.plan(fingerprint) if persist else None
        by_key = {keys[e.name]: e for e in extractors}
        if remembered is not None:
            index = {f.path: f for f in files}
            try:
                return [(index[p], [by_key[k] for k in ks]) for p, ks in remembered]
            except KeyError:
                pass  # inconsistent entry: compute afresh
        plan = self._wanted(files, extractors)
        if persist:
            self.cache.put_plan(
                fingerprint, [(f.path, [keys[e.name] for e in ws]) for f, ws in plan]
            )
        return plan

    def _wanted(
        self, files: Sequence[git_listing.RepoFile], extractors: Sequence[Extractor]
    ) -> list[tuple[git_listing.RepoFile, list[Extractor]]]:
        """`_plan` computed: the families (in `extractors` order) that want each file."""
        plan: list[tuple[git_listing.RepoFile, list[Extractor]]] = []
        # What each path costs is the families' answers; around them, a test file excluded
        # as source is asked of the families that read tests only (not of every family with
        # a flag looked up each time), and the file-name rule runs only on names the regex
        # says it could turn down (as in path_facts). 8x moby cold, 13.5k paths: 54 -> 50 ms.
        test_readers = [e for e in extractors if getattr(e, "reads_go_tests", False)]
        # A Go file is asked only of the families that may want one (`skips_go_files`:
        # common.GO_FILE_PROMISE): 8x moby's 11,240 Go files, ~67k calls less, plan 62 -> 51 ms.
        go_readers = [e for e in extractors if not getattr(e, "skips_go_files", False)]
        readable, readable_test = self.scope.readable, self.scope.readable_test
        named, target = _named_suffix().search, self.target
        for f in files:
            path = f.path
            if readable(path):
                go = path.endswith(".go") and path[-4:-3] not in ("", ".", "/")
                asked = go_readers if go else extractors
            elif readable_test(path):
                asked = test_readers
            else:
                continue
            if named(path) is not None and not name_matches(path, target):
                continue  # never read: listed in stats by exclude_for_target
            wanted = [e for e in asked if e.matches(path)]
            if wanted:
                plan.append((f, wanted))
        return plan

    def start_ahead(
        self, files: Sequence[git_listing.RepoFile], extractors: Sequence[Extractor]
    ) -> None:
        """Have a forked worker read and extract the clean non-Go files of `files` while
        this process works out the service scope (ahead.py), when a core is idle for it."""
        from golive_tui.core.scan.ahead import Ahead

        others = [f for f in files if f.blob is not None and not f.path.endswith(".go")]
        jobs = [(tuple(e.name for e in ws), f) for f, ws in self._wanted(others, extractors)]
        prefilters = {e.name: e.prefilter() for e in extractors}
        self.ahead = Ahead.start(jobs, extractors, self.reader, prefilters)

    def _fingerprint(
        self,
        files: Sequence[git_listing.RepoFile],
        extractors: Sequence[Extractor],
        keys: Mapping[str, str],
    ) -> str:
        from golive_tui.core.hashing import blake2b
        from golive_tui.core.scan.families import source_file

        digest = blake2b(digest_size=20)
        for e in extractors:
            source = source_file(e)
            stamp = ""
            try:  # a family edited without a version bump must not reuse a stale plan
                if source:
                    info = Path(source).stat()
                    stamp = f"{info.st_mtime_ns}:{info.st_size}"
            except OSError:
                pass
            reads_tests = getattr(e, "reads_go_tests", False)
            digest.update(f"{keys[e.name]}|{source}|{stamp}|{reads_tests}\n".encode())
        scope = self.scope
        digest.update(f"{self.target}|{sorted(self.target.tags)}|{self.target.cgo}\n".encode())
        for pattern in (scope.exclude, scope.include, scope.tests_exclude):
            digest.update(f"{pattern.pattern if pattern else ''}\n".encode())
        digest.update("\0".join(f.path for f in files).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def path_facts(
        self, all_paths: tuple[str, ...], finals: FinalizeMemo | None
    ) -> tuple[int, list[str]]:
        """How many of `all_paths` are Go source (stats.go_files), and the readable Go files
        whose name the target does not build (exclude_for_target), from the listing.

        Both are functions of the paths, the scope, the target and golive's code alone, so
        they are remembered in the cache under a digest of those (`finals` hashes the paths
        for its own keys anyway; None: not remembered). What it buys: asking the scope's globs
        and the file-name rule about every path (8x moby: 26k paths) cost the warm scan whose
        memo misses ~20 ms of CPU (golive's process, 8 paired runs: 282 -> 261 ms; moby
        104 -> 102 ms); read back, only the digest the finalize memo makes anyway."""
        key = ""
        if finals is not None and self.cache.path is not None:
            from golive_tui.core.scan.families import code_stamp

            stamp = code_stamp()
            digest = finals.paths_digest(all_paths)
            if stamp and digest:
                scope, target = self.scope, self.target
                globs = [g.pattern if g else "" for g in (scope.exclude, scope.include)]
                globs.append(scope.tests_exclude.pattern if scope.tests_exclude else "")
                key = repr((digest, stamp, globs, tuple(target[:3]), sorted(target.tags)))
                stored = self.cache.path_facts(key)
                if stored is not None:
                    return stored
        go_files = self.scope.count_go_sources(all_paths)
        # Only a Go file whose name the target does not build can be excluded by name: the
        # names that could be are picked out in C first (8x moby: 19.8k name_matches -> 300).
        named = [
            path
            for path in filter(_named_suffix().search, (f.path for f in self.snapshot.files))
            if not name_matches(path, self.target)
            and (self.scope.readable(path) or self.scope.readable_test(path))
        ]
        if key:
            self.cache.put_path_facts(key, go_files, named)
        return go_files, named

    def exclude_for_target(
        self, scanned: dict[str, dict[str, ScannedFile]], named: list[str]
    ) -> None:
        """Go files the deploy target does not build, listed with why (target.exclude);
        `named`: the readable Go files whose name it does not build (path_facts)."""
        from golive_tui.core.scan import target as target_mod

        self.excluded = target_mod.exclude(named, scanned, self.file_errors, self.target)

    def _misses(
        self,
        path: str,
        blob: str,
        wanted: list[Extractor],
        keys: Mapping[str, str],
        out: list[tuple[str, ScannedFile]],
    ) -> list[Extractor] | None:
        """The extractors of `wanted` the cache has no result for at `blob` (the others' go to
        `out`); None when the blob is a remembered skip."""
        reason = self.cache.skip_reason(blob)
        if reason is not None:
            self.skipped[path] = reason
            return None
        pending = []
        for e in wanted:
            hit = self.cache.get(keys[e.name], path, blob)
            if hit is None:
                pending.append(e)
            else:
                self.cache_hits += 1
                out.append((e.name, ScannedFile(path, blob, hit)))
        return pending

    def _skip_read(self, path: str, blob: str | None, reason: str) -> None:
        self.skipped[path] = reason
        if blob is not None and content_reason(reason):
            self.cache.put_skip(blob, reason)

    def _skip_text(self, path: str, blob: str | None) -> None:
        reason = "not UTF-8 text"
        self.skipped[path] = reason
        if blob is not None:
            self.cache.put_skip(blob, reason)

    def _empty(
        self,
        out: list[tuple[str, ScannedFile]],
        key: str,
        path: str,
        blob: str | None,
        name: str,
    ) -> None:
        """A file that fails an extractor's prefilter: present, nothing found, never parsed."""
        empty = FileScan()
        out.append((name, ScannedFile(path, blob, empty)))
        if blob is not None:
            self.cache.put(key, path, blob, empty)

    # Long on purpose: the one loop that reads each file at most once and hands its bytes to every
    # extractor that wants it (cache hits, prefilters, serial or forked work) - split, the bytes
    # and the bookkeeping would have to travel between helpers.
    def extract(
        self,
        files: Sequence[git_listing.RepoFile],
        extractors: Sequence[Extractor],
        clock: Clock,
    ) -> tuple[dict[str, dict[str, ScannedFile]], dict[str, str]]:
        """path -> ScannedFile per extractor name, and extractor name -> failure message."""
        from golive_tui.core.scan.cache import ScanCache

        scanned: dict[str, dict[str, ScannedFile]] = {e.name: {} for e in extractors}
        keys = {e.name: ScanCache.key(e.name, e.version) for e in extractors}
        prefilters = {e.name: e.prefilter() for e in extractors}
        is_git = self.snapshot.is_git

        plan = self._plan(files, extractors, keys)
        clock.lap("plan")

        # What goes into `scanned` is replayed in a fixed order (dict order reaches finalize):
        # per plan entry its cache hits and prefilter misses, then every extraction result.
        early: list[list[tuple[str, ScannedFile]]] = [[] for _ in plan]
        items: list[Work] = []  # extraction work, in plan order
        owners: list[tuple[int, Extractor | None, str | None]] = []  # plan index, extractor, blob
        # Clean files of the working tree are read by whoever extracts them (a worker process
        # when forked): this process never holds all their text at once.
        defer = is_git and self.snapshot.commit is None
        step = max(1, len(plan) // PROGRESS_STEPS)
        for index, (f, wanted) in enumerate(plan):
            if index % step == 0:
                self.emit(Progress("reading", index, len(plan)))
            blob = f.blob if is_git else None
            pending = wanted
            if blob is not None:
                misses = self._misses(f.path, blob, wanted, keys, early[index])
                if not misses:  # a remembered skip, or every extractor answered
                    continue
                pending = misses
                if defer:
                    items.append((tuple(e.name for e in pending), f, None))
                    owners.append((index, None, blob))
                    self.deferred += 1
                    continue
            data = self.reader.read(f)
            self.files_read += 1
            if isinstance(data, reader_mod.Skip):
                self._skip_read(f.path, blob, data.reason)
                continue
            if blob is None and is_git:
                blob = blob_sha(data)
                misses = self._misses(f.path, blob, pending, keys, early[index])
                if misses is None:
                    continue
                pending = misses
            text: str | None = None
            for e in pending:
                literals = prefilters[e.name]
                if literals is not None and not any(lit in data for lit in literals):
                    self._empty(early[index], keys[e.name], f.path, blob, e.name)
                    continue
                if text is None:
                    try:
                        text = data.decode("utf-8")
                    except UnicodeDecodeError:
                        self._skip_text(f.path, blob)
                        break
                items.append((e.name, f.path, text))
                owners.append((index, e, blob))
        self.emit(Progress("reading", len(plan), len(plan)))
        clock.lap("read")

        if self.ahead is not None:  # what a worker read and extracted ahead (ahead.py)
            from golive_tui.core.scan import ahead as ahead_mod

            done, self.ahead = self.ahead.results(), None
            todo, found = ahead_mod.take(items, [blob for _, _, blob in owners], done)
            extracted = run_jobs(todo, extractors, self.emit, self.reader, prefilters)
            outcomes = ahead_mod.merge(len(items), found, extracted)
        else:
            outcomes = run_jobs(items, extractors, self.emit, self.reader, prefilters)
        clock.lap("extract")
        late: list[tuple[Extractor, str, str | None, Outcome]] = []
        by_name = {e.name: e for e in extractors}
        # A worker's prefilter misses (8x moby: 5.5k) share one empty FileScan (immutable) and
        # skip the cache's call when nothing is saved: this loop to the return, 8x moby cold,
        # 28 -> 24.5 ms (medians of 6 interleaved runs).
        nothing = FileScan()
        put = self.cache.put if self.cache.path is not None else None
        for (index, owner, blob), outcome in zip(owners, outcomes, strict=True):
            path = plan[index][0].path
            if owner is not None:
                late.append((owner, path, blob, cast("Outcome", outcome)))
                continue
            assert blob is not None
            self.files_read += 1
            skip, decode_failed, results = cast("ReadOutcome", outcome)
            if skip is not None:
                self._skip_read(path, blob, skip)
                continue
            for name, empty, result, error in results:
                if empty:
                    early[index].append((name, ScannedFile(path, blob, nothing)))
                    if put is not None:
                        put(keys[name], path, blob, nothing)
                else:
                    late.append((by_name[name], path, blob, (result, error)))
            if decode_failed:
                self._skip_text(path, blob)

        for entries in early:
            for name, sf in entries:
                scanned[name][sf.path] = sf
        failures: dict[str, str] = {}
        parsed_go, is_go_source = self.parsed_go, self.scope.is_go_source
        for e, path, blob, (result, error) in late:
            if error is not None or result is None:
                failures.setdefault(e.name, f"{path}: {error}")
                continue
            # An extractor that gates its own parse says so with meta["parsed"] (optional).
            # The scope's globs once per parsed Go file, not per result (8x moby: 5.2k -> 1k calls).
            if path not in parsed_go and result.meta.get("parsed", True) and is_go_source(path):
                parsed_go.add(path)
            scanned[e.name][path] = ScannedFile(path, blob, result)
            if result.meta.get("transient"):  # e.g. a rule timed out
                self.transient = True
            elif blob is not None:
                self.cache.put(keys[e.name], path, blob, result)

        # A file a family wanted whose content exists but was not read (over the size cap, not
        # UTF-8, unreadable, an LFS pointer) may hold the evidence: that family's "nothing found"
        # becomes "could not tell". A symlink out of the repository or a binary file does not.
        for f, wanted in plan if self.skipped else ():
            reason = self.skipped.get(f.path, "")
            for e in wanted if reason.startswith(UNSEEN_CONTENT) else ():
                self.file_errors.setdefault(e.name, {}).setdefault("*", []).append(
                    f"{f.path}: not read: {reason}"
                )
        for name, per_file in scanned.items():
            for path, sf in per_file.items():
                for detector_id, message in sf.scan.errors:
                    self.file_errors.setdefault(name, {}).setdefault(detector_id, []).append(
                        f"{path}: {message}"
                    )
        self.served = sum(len(per_file) for per_file in scanned.values())
        if not is_git:  # no blob SHAs outside a repository: evidence says so with null
            scanned = {
                n: {p: ScannedFile(p, None, sf.scan) for p, sf in per_file.items()}
                for n, per_file in scanned.items()
            }
        return scanned, failures


@lru_cache(maxsize=1)
def _named_suffix() -> re.Pattern[str]:
    """What the name of a Go file the target may not build ends with: `_GOOS` or `_GOARCH`,
    `_test` after it or not, then `.go` (buildtags.name_matches decides; this regex only
    leaves out names it would keep)."""
    words = "|".join(sorted(map(re.escape, KNOWN_OS | KNOWN_ARCH)))
    return re.compile(rf"_(?:{words})(?:_test)?\.go\Z")


#: Skip reasons (reader.py) that leave a file's content unseen rather than not the repository's.
UNSEEN_CONTENT = ("over the size cap", "not UTF-8", "unreadable", "Git LFS")


def content_reason(reason: str) -> bool:
    """Skips that depend only on a blob's bytes, so they can be remembered by blob SHA."""
    return reason.startswith(("binary", "Git LFS", "not UTF-8"))
