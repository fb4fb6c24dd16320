"""Run the detector catalog over a repository: `scan()` -> `ScanReport`.

Which files each extractor sees (decided once, here):
1. The snapshot lists every file: tracked, plus untracked-not-ignored (or a commit's tree).
   Files under `vendor/` are dropped unless vendor is included. What is left is
   `ScanReport.paths`, handed to every family's `finalize` as `all_paths`.
2. A file is *readable* when no `[scan] exclude` glob matches it, and, for a `.go` file, an
   `include` glob does (see `core.config`): by default `*_test.go`, `vendor/`, `testdata/` and
   `third_party/` are never read, by any family.
3. An extractor gets the readable files for which `extractor.matches(path)` is true.

Per file: the bytes are read at most once and shared by every extractor that wants the file;
nothing is read when every extractor has a cache hit for the file's blob. Each extractor's
literal prefilter runs on the bytes; only files that pass it are decoded and extracted. Results
are cached by (extractor, version, path, blob); a modified or untracked file's blob is the git
hash of its working-tree bytes, so it caches too and evidence names exactly what was scanned.

Failures stay local: an extractor that raises turns its family's detectors into `error` (the
file named), and a detector left `missing`/`not_applicable` while one of its files could not be
parsed becomes `error`, since "nothing found" would not be honest.

Parallelism (measured on a 2-core machine, moby's 1,405 in-scope Go files). Parsing every
file with ast-grep-py: serial 0.78 s, 2 threads 1.07 s (ast-grep-py holds the GIL: threads
only add contention). So extraction forks `cpus - 1` plain workers (os.fork, chunk indexes
over pipes: the work list is inherited, only results are pickled) when there is enough work
(PARALLEL_MIN_BYTES of text read here, or PARALLEL_MIN_FILES files to read) and the process
is single-threaded; in a threaded host (the walker) forking risks deadlocks, so it runs
serially there and the cache keeps re-scans cheap. Clean working-tree files (blob known from
the index) are read by whoever extracts them, so a worker reads its own files: their text is
never pickled, and this process never holds all of it (moby with vendor/: peak 148 -> 53 MB).
Whole `golive scan` of moby, cold, load ~0.8: forked 0.43 s, forced serial 0.50 s (extract
phase 0.22 s vs 0.30 s). Whole-process figures: bench/README.md.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from golive_tui.core.errors import GoliveError
from golive_tui.core.git import listing as git_listing
from golive_tui.core.git.worktree import blob_sha
from golive_tui.core.scan import pipes
from golive_tui.core.scan import reader as reader_mod
from golive_tui.core.scan.config import Config, ConfigError, Scope, load_config, parse_config

if TYPE_CHECKING:
    # Imported where used instead (cache, families, catalog, model: ~20 ms of CPU): `scan`
    # starts git first, and git's ~50 ms of `status` runs while they load.
    from golive_tui.core.model import DetectorDef, DetectorResult, Evidence
    from golive_tui.core.scan.cache import ScanCache
    from golive_tui.core.scan.detectors import Registry
    from golive_tui.core.scan.detectors.base import Extractor, FileScan, ScannedFile

    Job = tuple[str, str, str]  # extractor name, path, text
    Outcome = tuple[FileScan | None, str | None]
    # A clean working-tree file read by whoever extracts it: (extractor names, file, None).
    ReadTask = tuple[tuple[str, ...], git_listing.RepoFile, None]
    # (read skip reason, not UTF-8, [(extractor name, failed its prefilter, result, error)])
    ReadOutcome = tuple[str | None, bool, list[tuple[str, bool, FileScan | None, str | None]]]
    Work = Job | ReadTask
    Prefilters = Mapping[str, tuple[bytes, ...] | None]

SCHEMA = 1

#: Below this much text to parse, forking workers costs more than it saves.
PARALLEL_MIN_BYTES = 512 * 1024
#: Coarse progress: at most this many updates per phase while reading and parsing.
PROGRESS_STEPS = 10


class ScanError(GoliveError):
    """The scan was asked for something that does not exist (an unknown detector id...)."""


@dataclass(frozen=True, slots=True)
class RepoInfo:
    root: Path
    head: str | None
    branch: str | None
    dirty: bool
    is_git: bool
    shallow: bool


@dataclass(frozen=True, slots=True)
class ScanStats:
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


@dataclass(frozen=True, slots=True)
class Progress:
    """A scan progress update; `result` is set once per detector as soon as it is decided."""

    phase: str  # "listing", "reading", "parsing", "detectors"
    done: int
    total: int
    result: DetectorResult | None = None


@dataclass(frozen=True, slots=True)
class ScanReport:
    repo: RepoInfo
    results: tuple[DetectorResult, ...]
    stats: ScanStats
    paths: tuple[str, ...]
    go_imports: frozenset[str]
    warnings: tuple[str, ...]
    commit: str | None = None  # set when a commit's tree was scanned

    def result(self, detector_id: str) -> DetectorResult:
        for result in self.results:
            if result.id == detector_id:
                return result
        raise KeyError(detector_id)

    def to_json(self) -> dict[str, Any]:
        """The `golive scan --format json` document (contracts/scan-json.md, schema 1)."""
        from golive_tui import __version__

        return {
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
            },
            "warnings": list(self.warnings),
        }


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


# --------------------------------------------------------------------------- scan


def scan(
    root: Path,
    *,
    only: Sequence[str] | None = None,
    use_cache: bool = True,
    include_vendor: bool = False,
    commit: str | None = None,
    progress: Callable[[Progress], None] | None = None,
    registry: Registry | None = None,
) -> ScanReport:
    """Detect evidence in the repository holding `root` (any sub-folder works).

    `only` restricts the run to those detector ids (only their families are loaded and run);
    `commit` scans that commit's tree from git objects, ignoring the working tree;
    `registry` replaces the built-in families (tests register stub extractors this way).
    Raises RepoError for an unscannable path, ConfigError for a bad `.golive/config.toml`,
    ScanError for an unknown detector id.
    """
    return _scan(root, only, use_cache, include_vendor, commit, progress, registry)


def _scan(
    root: Path,
    only: Sequence[str] | None,
    use_cache: bool,
    include_vendor: bool,
    commit: str | None,
    progress: Callable[[Progress], None] | None,
    registry: Registry | None,
) -> ScanReport:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    clock = _Clock(timings)
    emit = progress or _no_progress
    emit(Progress("listing", 0, 1))
    loc = git_listing.locate(Path(root))
    clock.lap("locate")

    listing: git_listing.Listing | None = None
    if commit is not None:
        snapshot = git_listing.commit_tree(loc, commit, include_vendor=True)
        reader = reader_mod.FileReader(snapshot)
        config = _config_from_tree(snapshot, reader)
    else:
        config = load_config(loc.root)
        vendor = include_vendor or config.scan.include_vendor
        # git runs while the families and the cache load below
        listing = git_listing.Listing(loc, include_vendor=vendor)
    scan_config = config.scan.with_vendor(include_vendor)

    catalog, registry, custom_problems = _plan(loc.root, only, registry)
    from golive_tui.core.scan.cache import ScanCache

    cache = ScanCache.load(_cache_file(loc) if use_cache and loc.is_git else None)
    clock.lap("load")
    if listing is not None:
        snapshot = listing.snapshot(include_vendor=scan_config.include_vendor)
        reader = reader_mod.FileReader(snapshot)
    clock.lap("list")
    reader.max_file_size = scan_config.max_file_size
    warnings = list(snapshot.warnings)
    warnings.extend(registry.problems)
    warnings.extend(custom_problems)
    if cache.problem:
        warnings.append(cache.problem)

    with reader:
        run = _Run(snapshot, reader, cache, Scope.of(scan_config), emit)
        files = list(snapshot.files)
        if commit is not None and not scan_config.include_vendor:  # listings drop it already
            files = [f for f in files if not git_listing.is_vendored(f.path)]
        emit(Progress("listing", 1, 1))
        scanned, failures = run.extract(files, registry.extractors, clock)

    all_paths = tuple(f.path for f in files)
    wanted = [d.id for d in catalog]
    results = _finalize(
        registry, scanned, failures, all_paths, wanted, custom_problems, run.file_errors, emit
    )
    clock.lap("finalize")
    by_id = {r.id: r for r in results}
    ordered = tuple(_titled(by_id[d.id], d) for d in catalog)

    go_imports: set[str] = set()
    for name, per_file in scanned.items():
        if name == "go_source":
            for sf in per_file.values():
                imports = sf.scan.meta.get("imports", ())
                if isinstance(imports, list | tuple):
                    go_imports.update(imports)

    cache.save()
    clock.lap("save")
    if cache.problem and cache.problem not in warnings:
        warnings.append(cache.problem)
    if run.skipped:
        warnings.append(f"{len(run.skipped)} file(s) not scanned (see stats.skipped)")
    scope = Scope.of(scan_config)
    stats = ScanStats(
        files=len(all_paths),
        go_files=sum(1 for p in all_paths if scope.is_go_source(p)),
        parsed_go_files=len(run.parsed_go),
        cache_hits=run.cache_hits,
        seconds=time.perf_counter() - started,
        skipped=tuple(sorted(run.skipped.items())),
        files_read=run.files_read,
        timings=tuple(timings.items()),
    )
    return ScanReport(
        repo=RepoInfo(
            root=snapshot.root,
            head=snapshot.head,
            branch=snapshot.branch,
            dirty=snapshot.dirty,
            is_git=snapshot.is_git,
            shallow=snapshot.shallow,
        ),
        results=ordered,
        stats=stats,
        paths=all_paths,
        go_imports=frozenset(go_imports),
        warnings=tuple(warnings),
        commit=snapshot.commit,
    )


def _no_progress(_: Progress) -> None:
    return None


class _Clock:
    """Accumulates wall time per phase (reported in stats.timings, read by the benchmark)."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - self.last
        self.last = now


def _cache_file(loc: git_listing.Location) -> Path | None:
    # Same place as release.state_dir() (`<git common dir>/golive`), whose git call is spared
    # because locate() already asked git for the common dir.
    from golive_tui.core.scan.cache import cache_path

    if loc.common_dir is not None:
        return cache_path(loc.common_dir / "golive")
    from golive_tui.core.git.release import state_dir

    try:
        return cache_path(state_dir(loc.root))
    except GoliveError:
        return None


def _config_from_tree(snapshot: git_listing.Snapshot, reader: reader_mod.FileReader) -> Config:
    from golive_tui.core.scan.config import CONFIG_PATH

    for f in snapshot.files:
        if f.path == CONFIG_PATH:
            data = reader.read(f)
            if isinstance(data, reader_mod.Skip):
                raise ConfigError(
                    f"{CONFIG_PATH}: cannot be read at {snapshot.commit}: {data.reason}"
                )
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ConfigError(f"{CONFIG_PATH}: not UTF-8 ({exc})") from exc
            return parse_config(text, f"{CONFIG_PATH} (at {str(snapshot.commit)[:12]})")
    return Config()


def _plan(
    root: Path, only: Sequence[str] | None, registry: Registry | None
) -> tuple[list[DetectorDef], Registry, list[str]]:
    """Which detectors run, and the extractors needed for them (nothing else is imported)."""
    from golive_tui.core.scan.detectors import FAMILIES, build_registry, load_families
    from golive_tui.core.scan.detectors.catalog import custom_detectors, shipped_catalog

    shipped = shipped_catalog()
    custom_defs, custom_extractors, problems = custom_detectors(root)
    custom_defs = [d for d in custom_defs if d.id not in shipped]
    catalog = [*shipped.values(), *custom_defs]
    if only:
        known = {d.id for d in catalog}
        unknown = [i for i in only if i not in known]
        if unknown:
            raise ScanError(
                f"unknown detector id(s): {', '.join(unknown)} (see `golive detectors`)"
            )
        keep = set(only)
        catalog = [d for d in catalog if d.id in keep]
    if registry is None:
        families = {d.family for d in catalog}
        registry = load_families(f for f in FAMILIES if f in families)
    wanted = {d.id for d in catalog}
    extractors = [e for e in registry.extractors if wanted & set(e.detectors)]
    customs = [e for e in custom_extractors if wanted & set(e.detectors)]
    try:
        registry = build_registry([*extractors, *customs], registry.problems)
    except RuntimeError as exc:  # a team rule claiming a built-in id: report, run the rest
        problems.append(str(exc))
        registry = build_registry(extractors, registry.problems)
    return catalog, registry, problems


def _titled(result: DetectorResult, definition: DetectorDef) -> DetectorResult:
    if result.title == definition.title:
        return result
    return replace(result, title=definition.title)


# --------------------------------------------------------------------------- per-file work


class _Run:
    """One scan's per-file pass: reads, prefilters, cache lookups and extraction."""

    def __init__(
        self,
        snapshot: git_listing.Snapshot,
        reader: reader_mod.FileReader,
        cache: ScanCache,
        scope: Scope,
        emit: Callable[[Progress], None],
    ) -> None:
        self.snapshot = snapshot
        self.reader = reader
        self.cache = cache
        self.scope = scope
        self.emit = emit
        self.skipped: dict[str, str] = {}
        self.cache_hits = 0
        self.files_read = 0
        self.parsed_go: set[str] = set()
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
        plan: list[tuple[git_listing.RepoFile, list[Extractor]]] = []
        for f in files:
            readable = self.scope.readable(f.path)
            if not readable and not self.scope.readable_test(f.path):
                continue
            wanted = [
                e
                for e in extractors
                if (readable or getattr(e, "reads_go_tests", False)) and e.matches(f.path)
            ]
            if wanted:
                plan.append((f, wanted))
        if persist:
            self.cache.put_plan(
                fingerprint, [(f.path, [keys[e.name] for e in ws]) for f, ws in plan]
            )
        return plan

    def _fingerprint(
        self,
        files: Sequence[git_listing.RepoFile],
        extractors: Sequence[Extractor],
        keys: Mapping[str, str],
    ) -> str:
        import hashlib
        import sys

        digest = hashlib.sha1(usedforsecurity=False)
        for e in extractors:
            module = sys.modules.get(type(e).__module__)
            source = getattr(module, "__file__", None) or ""
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
        for pattern in (scope.exclude, scope.include, scope.tests_exclude):
            digest.update(f"{pattern.pattern if pattern else ''}\n".encode())
        digest.update("\0".join(f.path for f in files).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def _skip_read(self, path: str, blob: str | None, reason: str) -> None:
        self.skipped[path] = reason
        if blob is not None and _content_reason(reason):
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
        from golive_tui.core.scan.detectors.base import FileScan, ScannedFile

        empty = FileScan()
        out.append((name, ScannedFile(path, blob, empty)))
        if blob is not None:
            self.cache.put(key, path, blob, empty)

    def extract(
        self,
        files: Sequence[git_listing.RepoFile],
        extractors: Sequence[Extractor],
        clock: _Clock,
    ) -> tuple[dict[str, dict[str, ScannedFile]], dict[str, str]]:
        """path -> ScannedFile per extractor name, and extractor name -> failure message."""
        from golive_tui.core.scan.cache import ScanCache
        from golive_tui.core.scan.detectors.base import ScannedFile

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
                reason = self.cache.skip_reason(blob)
                if reason is not None:
                    self.skipped[f.path] = reason
                    continue
                pending = []
                for e in wanted:
                    hit = self.cache.get(keys[e.name], f.path, blob)
                    if hit is None:
                        pending.append(e)
                    else:
                        self.cache_hits += 1
                        early[index].append((e.name, ScannedFile(f.path, blob, hit)))
                if not pending:
                    continue
                if defer:
                    items.append((tuple(e.name for e in pending), f, None))
                    owners.append((index, None, blob))
                    continue
            data = self.reader.read(f)
            self.files_read += 1
            if isinstance(data, reader_mod.Skip):
                self._skip_read(f.path, blob, data.reason)
                continue
            if blob is None and is_git:
                blob = blob_sha(data)
                reason = self.cache.skip_reason(blob)
                if reason is not None:
                    self.skipped[f.path] = reason
                    continue
                still = []
                for e in pending:
                    hit = self.cache.get(keys[e.name], f.path, blob)
                    if hit is None:
                        still.append(e)
                    else:
                        self.cache_hits += 1
                        early[index].append((e.name, ScannedFile(f.path, blob, hit)))
                pending = still
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

        outcomes = _run_jobs(items, extractors, self.emit, self.reader, prefilters)
        clock.lap("extract")
        late: list[tuple[Extractor, str, str | None, Outcome]] = []
        by_name = {e.name: e for e in extractors}
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
                    self._empty(early[index], keys[name], path, blob, name)
                else:
                    late.append((by_name[name], path, blob, (result, error)))
            if decode_failed:
                self._skip_text(path, blob)

        for entries in early:
            for name, sf in entries:
                scanned[name][sf.path] = sf
        failures: dict[str, str] = {}
        for e, path, blob, (result, error) in late:
            if error is not None or result is None:
                failures.setdefault(e.name, f"{path}: {error}")
                continue
            # An extractor that gates its own parse says so with meta["parsed"] (optional).
            if self.scope.is_go_source(path) and result.meta.get("parsed", True):
                self.parsed_go.add(path)
            scanned[e.name][path] = ScannedFile(path, blob, result)
            if blob is not None and not result.meta.get("transient"):  # e.g. a rule timed out
                self.cache.put(keys[e.name], path, blob, result)

        for name, per_file in scanned.items():
            for path, sf in per_file.items():
                for detector_id, message in sf.scan.errors:
                    self.file_errors.setdefault(name, {}).setdefault(detector_id, []).append(
                        f"{path}: {message}"
                    )
        if not is_git:  # no blob SHAs outside a repository: evidence says so with null
            scanned = {
                n: {p: ScannedFile(p, None, sf.scan) for p, sf in per_file.items()}
                for n, per_file in scanned.items()
            }
        return scanned, failures


def _content_reason(reason: str) -> bool:
    """Skips that depend only on a blob's bytes, so they can be remembered by blob SHA."""
    return reason.startswith(("binary", "Git LFS", "not UTF-8"))


# --------------------------------------------------------------------------- extraction jobs

#: Below this many files to read and extract, forking workers costs more than it saves.
PARALLEL_MIN_FILES = 256
#: Balancing weight of a file not read yet when its size is unknown (about a typical Go file).
_UNREAD_WEIGHT = 8192


def _extract_one(extractor: Extractor, path: str, text: str) -> Outcome:
    try:
        return extractor.extract(path, text), None
    except Exception as exc:  # a family bug must not kill the scan: its detectors say error
        return None, f"{type(exc).__name__}: {exc}"


def _read_extract(
    names: tuple[str, ...],
    file: git_listing.RepoFile,
    by_name: Mapping[str, Extractor],
    reader: reader_mod.FileReader,
    prefilters: Prefilters,
) -> ReadOutcome:
    """Read one file, then prefilter and extract it for each extractor, in order."""
    data = reader.read(file)
    if isinstance(data, reader_mod.Skip):
        return data.reason, False, []
    results: list[tuple[str, bool, FileScan | None, str | None]] = []
    text: str | None = None
    for name in names:
        literals = prefilters.get(name)
        if literals is not None and not any(lit in data for lit in literals):
            results.append((name, True, None, None))
            continue
        if text is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                return None, True, results
        result, error = _extract_one(by_name[name], file.path, text)
        results.append((name, False, result, error))
    return None, False, results


def _work_one(
    item: Work,
    by_name: Mapping[str, Extractor],
    reader: reader_mod.FileReader | None,
    prefilters: Prefilters,
) -> Outcome | ReadOutcome:
    if isinstance(item[1], git_listing.RepoFile):
        names, file, _ = item
        assert reader is not None
        return _read_extract(names, file, by_name, reader, prefilters)
    name, path, text = item
    return _extract_one(by_name[name], path, text)


def _weight(item: Work, reader: reader_mod.FileReader | None) -> int:
    text = item[2]
    if isinstance(text, str):
        return len(text)
    file = item[1]
    if reader is None or not isinstance(file, git_listing.RepoFile):
        return _UNREAD_WEIGHT
    return reader.size_hint(file, _UNREAD_WEIGHT)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    return (
        hasattr(os, "fork")
        and threading.active_count() == 1
        and threading.current_thread() is threading.main_thread()
    )


def _run_jobs(
    jobs: Sequence[Work],
    extractors: Sequence[Extractor],
    emit: Callable[[Progress], None],
    reader: reader_mod.FileReader | None = None,
    prefilters: Prefilters | None = None,
) -> list[Outcome | ReadOutcome]:
    by_name = {e.name: e for e in extractors}
    prefilters = prefilters or {}
    total = len(jobs)
    emit(Progress("parsing", 0, total))
    size = sum(len(item[2]) for item in jobs if isinstance(item[2], str))
    unread = sum(1 for item in jobs if not isinstance(item[2], str))
    workers = min(_cpus(), 8)
    if workers > 1 and (size >= PARALLEL_MIN_BYTES or unread >= PARALLEL_MIN_FILES) and _can_fork():
        return _run_parallel(jobs, by_name, workers, emit, reader, prefilters)
    outcomes: list[Outcome | ReadOutcome] = []
    step = max(1, total // PROGRESS_STEPS)
    for index, item in enumerate(jobs):
        outcomes.append(_work_one(item, by_name, reader, prefilters))
        if (index + 1) % step == 0:
            emit(Progress("parsing", index + 1, total))
    emit(Progress("parsing", total, total))
    return outcomes


def _run_parallel(
    jobs: Sequence[Work],
    by_name: Mapping[str, Extractor],
    workers: int,
    emit: Callable[[Progress], None],
    reader: reader_mod.FileReader | None = None,
    prefilters: Prefilters | None = None,
) -> list[Outcome | ReadOutcome]:
    """Fork `workers - 1` processes and work alongside them in this one.

    Workers are plain forks: they inherit the work list, so a chunk is handed over as a list
    of indexes on a pipe and only results come back (pickled). No multiprocessing or
    concurrent.futures (~12 ms to import, a manager thread), nothing of the work pickled.
    Work is dealt into chunks of similar size (text size; for a file not read yet, its size on
    disk), biggest first so no one is left with a huge generated file at the end. Each worker
    has two chunks in flight, and this process takes the next chunk whenever it would
    otherwise wait: the load balances itself. Workers read clean files themselves, so their
    text never passes through this process. A worker that dies or answers garbage loses
    nothing: its chunks are done here.
    """
    import pickle
    import select

    prefilters = prefilters or {}
    n_chunks = min(len(jobs), workers * 16)
    weights = [_weight(item, reader) for item in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -weights[i])
    chunks: list[list[int]] = [[] for _ in range(n_chunks)]
    loads = [0] * n_chunks
    for i in order:
        target = loads.index(min(loads))
        chunks[target].append(i)
        loads[target] += weights[i] + 1
    pending = deque(c for c in chunks if c)
    outcomes: list[Outcome | ReadOutcome | None] = [None] * len(jobs)
    done = 0

    def work(chunk: list[int]) -> list[Outcome | ReadOutcome]:
        return [_work_one(jobs[i], by_name, reader, prefilters) for i in chunk]

    def store(chunk: list[int], results: list[Outcome | ReadOutcome]) -> None:
        nonlocal done
        for i, outcome in zip(chunk, results, strict=True):
            outcomes[i] = outcome
        done += len(chunk)
        emit(Progress("parsing", done, len(jobs)))

    pool: list[_Worker] = []
    try:
        for _ in range(workers - 1):
            worker = _Worker.start(work)
            if worker is not None:
                pool.append(worker)
        while pending or any(w.inflight for w in pool):
            for worker in pool:
                while pending and worker.alive and len(worker.inflight) < 2:
                    chunk = pending.popleft()
                    if not worker.send(chunk, pickle.dumps):  # gone: its share comes back
                        pending.appendleft(chunk)
                        pending.extend(worker.retire())
            if pending:
                chunk = pending.pop()
                store(chunk, work(chunk))
            busy = [w for w in pool if w.inflight]
            if not busy:
                continue
            ready, _, _ = select.select(busy, [], [], 0 if pending else None)
            for worker in ready:
                chunk, results = worker.receive(pickle.loads)
                if results is None:  # died or garbled: its chunks go back to the queue
                    pending.append(chunk)
                    pending.extend(worker.retire())
                else:
                    store(chunk, results)
    finally:
        for worker in pool:
            worker.stop()
    return [o if o is not None else work([i])[0] for i, o in enumerate(outcomes)]


class _Worker:
    """A forked process that runs `work` on the chunks of indexes it is sent, in order."""

    def __init__(self, pid: int, tasks: int, results: int) -> None:
        self.pid = pid
        self.tasks = tasks  # write end: chunks to this worker
        self.results = results  # read end: its answers
        self.inflight: deque[list[int]] = deque()
        self.alive = True

    def fileno(self) -> int:
        return self.results

    @classmethod
    def start(cls, work: Callable[[list[int]], list[Any]]) -> _Worker | None:
        import pickle

        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (task_r, task_w, result_r, result_w):
                os.close(fd)
            return None
        if pid == 0:  # the worker: never returns
            code = 1
            try:
                os.close(task_w)
                os.close(result_r)
                while True:
                    message = pipes.read_message(task_r)
                    if message is None:
                        code = 0
                        break
                    chunk = pickle.loads(message)
                    pipes.write_message(
                        result_w, pickle.dumps(work(chunk), pickle.HIGHEST_PROTOCOL)
                    )
            finally:
                os._exit(code)
        os.close(task_r)
        os.close(result_w)
        return cls(pid, task_w, result_r)

    def send(self, chunk: list[int], dumps: Callable[[Any], bytes]) -> bool:
        """Hand a chunk over; False when the worker is gone (its pipe is closed)."""
        try:
            pipes.write_message(self.tasks, dumps(chunk))
        except OSError:
            return False
        self.inflight.append(chunk)
        return True

    def receive(self, loads: Callable[[bytes], Any]) -> tuple[list[int], list[Any] | None]:
        """The oldest chunk in flight and its results (None: the worker died or its answer
        cannot be read; `retire` it)."""
        chunk = self.inflight.popleft()
        message = pipes.read_message(self.results)
        try:
            results = loads(message) if message is not None else None
        except Exception:
            results = None
        if not isinstance(results, list) or len(results) != len(chunk):
            return chunk, None
        return chunk, results

    def retire(self) -> list[list[int]]:
        """Stop using this worker; the chunks it still held, to be done elsewhere."""
        self.alive = False
        lost = list(self.inflight)
        self.inflight.clear()
        return lost

    def stop(self) -> None:
        for fd in (self.tasks, self.results):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


# --------------------------------------------------------------------------- finalize


def _finalize(
    registry: Registry,
    scanned: dict[str, dict[str, ScannedFile]],
    failures: dict[str, str],
    all_paths: tuple[str, ...],
    wanted: list[str],
    custom_problems: list[str],
    file_errors: dict[str, dict[str, list[str]]],
    emit: Callable[[Progress], None],
) -> list[DetectorResult]:
    """One result per wanted id, emitted as each family finishes."""
    from golive_tui.core.model import DetectorResult, Status
    from golive_tui.core.scan.detectors import common

    wanted_set = set(wanted)
    total = len(wanted)
    results: list[DetectorResult] = []

    def publish(result: DetectorResult) -> None:
        results.append(result)
        emit(Progress("detectors", len(results), total, result))

    for extractor in registry.extractors:
        ids = [i for i in extractor.detectors if i in wanted_set]
        if not ids:
            continue
        if extractor.name in failures:
            message = f"{extractor.name} failed on {failures[extractor.name]}"
            for detector_id in ids:
                publish(DetectorResult(detector_id, detector_id, Status.ERROR, message))
            continue
        try:
            produced = extractor.finalize(scanned.get(extractor.name, {}), all_paths)
        except Exception as exc:
            message = f"{extractor.name} failed while aggregating: {type(exc).__name__}: {exc}"
            for detector_id in ids:
                publish(DetectorResult(detector_id, detector_id, Status.ERROR, message))
            continue
        by_id = {r.id: r for r in produced}
        errors = file_errors.get(extractor.name, {})
        for detector_id in ids:
            result = by_id.get(detector_id)
            if result is None:
                result = DetectorResult(
                    detector_id,
                    detector_id,
                    Status.ERROR,
                    f"{extractor.name} reported no result for this detector",
                )
            # Files only the engine knows it could not read: the detectors' own rule decides.
            problems = errors.get(detector_id, []) + errors.get("*", [])
            publish(common.with_errors(result, problems, common.UNREAD))

    decided = {r.id for r in results}
    for detector_id in wanted:
        if detector_id not in decided:
            related = [p for p in custom_problems if detector_id in p]
            summary = f"could not be loaded: {related[0]}" if related else "no implementation"
            publish(DetectorResult(detector_id, detector_id, Status.ERROR, summary))
    return results
