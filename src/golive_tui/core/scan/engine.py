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
parsed, or could not be read at all (over the size cap, binary, not UTF-8), becomes `error`,
since "nothing found" would not be honest.

Extraction runs serially or in forked workers (workers.py); the report and its JSON are report.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

from golive_tui.core.errors import GoliveError
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
from golive_tui.core.scan.config import Config, ConfigError, Scope, load_config, parse_config
from golive_tui.core.scan.report import (
    PROGRESS_STEPS,
    Progress,
    RepoInfo,
    ScanError,
    ScanReport,
    ScanStats,
)
from golive_tui.core.scan.workers import run_jobs

if TYPE_CHECKING:
    # Imported where used instead (cache, families, catalog, model: ~20 ms of CPU): `scan`
    # starts git first, and git's ~50 ms of `status` runs while they load.
    from golive_tui.core.evidence import DetectorDef, DetectorResult
    from golive_tui.core.scan.cache import ScanCache
    from golive_tui.core.scan.detectors import Registry
    from golive_tui.core.scan.detectors.base import Extractor, ScannedFile
    from golive_tui.core.scan.finalmemo import FinalizeMemo
    from golive_tui.core.scan.workers import Outcome, ReadOutcome, Work
    from golive_tui.core.services.model import Service


def scan(
    root: Path,
    *,
    only: Sequence[str] | None = None,
    use_cache: bool = True,
    include_vendor: bool = False,
    commit: str | None = None,
    progress: Callable[[Progress], None] | None = None,
    registry: Registry | None = None,
    service: Service | None = None,
    all_code: bool = False,
    refresh_index: bool = False,
) -> ScanReport:
    """Detect evidence in the repository holding `root` (any sub-folder works).

    In a repository with services, only code that ships is read: `service`'s when given, else
    every service's; Go code outside is counted in `ScanReport.scope` (docs/services.md).
    `all_code` reads the whole repository, as before services existed.

    `only` restricts the run to those detector ids (only their families are loaded and run);
    `commit` scans that commit's tree from git objects, ignoring the working tree;
    `registry` replaces the built-in families (tests register stub extractors this way);
    `refresh_index` lets `git status` write back the stat data it refreshed (`golive scan`
    only: runner.start).
    Raises RepoError for an unscannable path, ConfigError for a bad `.golive/config.toml`,
    ScanError for an unknown detector id.
    """
    scope = None if all_code else _ServiceScope(service)
    return _scan(
        root,
        only,
        use_cache,
        include_vendor,
        commit,
        progress,
        registry,
        scope,
        refresh_index=refresh_index,
    )


class RunInfo:
    """What the scan memo (memo.py) needs to know about a run besides its report."""

    def __init__(self) -> None:
        # Every (extractor, file) pair the run served: what a fully warm scan counts as hits.
        self.pairs = 0
        # True when the per-file cache could have served the whole run again (no cache warning,
        # no failure, nothing transient, no file skipped for a reason beyond its content).
        self.memoizable = False
        # Called once every file the report depends on has been read (before `finalize`).
        self.after_read: Callable[[], None] | None = None


def prepared_scan(
    loc: git_listing.Location,
    config: Config | None,
    listing: git_listing.Listing,
    info: RunInfo,
    *,
    only: Sequence[str] | None = None,
    include_vendor: bool = False,
    service: Service | None = None,
    all_code: bool = False,
    progress: Callable[[Progress], None] | None = None,
) -> ScanReport:
    """`scan()` of the working tree, with the repository already located, its config read and
    its listing started (the memo's miss: git is not asked twice); `info` is filled in."""
    scope = None if all_code else _ServiceScope(service)
    prepared = (loc, config or Config(), listing)
    return _scan(loc.root, only, True, include_vendor, None, progress, None, scope, prepared, info)


# Long on purpose: the scan's phases in order (listing, config, plan, read+extract, finalize,
# cache save), each timed; one place shows what a scan does and in which order.
def _scan(
    root: Path,
    only: Sequence[str] | None,
    use_cache: bool,
    include_vendor: bool,
    commit: str | None,
    progress: Callable[[Progress], None] | None,
    registry: Registry | None,
    services: _ServiceScope | None = None,
    prepared: tuple[git_listing.Location, Config, git_listing.Listing] | None = None,
    info: RunInfo | None = None,
    *,
    refresh_index: bool = False,
) -> ScanReport:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    clock = _Clock(timings)
    emit = progress or _no_progress
    emit(Progress("listing", 0, 1))
    loc = git_listing.locate(Path(root)) if prepared is None else prepared[0]
    clock.lap("locate")

    listing: git_listing.Listing | None = None
    if prepared is not None:
        _, config, listing = prepared
    elif commit is not None:
        snapshot = git_listing.commit_tree(loc, commit, include_vendor=True)
        reader = reader_mod.FileReader(snapshot)
        config = _config_from_tree(snapshot, reader)
    else:
        config = load_config(loc.root)
        vendor = include_vendor or config.scan.include_vendor
        # git runs while the families and the cache load below
        listing = git_listing.Listing(loc, include_vendor=vendor, refresh_index=refresh_index)
    scan_config = config.scan.with_vendor(include_vendor)

    extra: list[str] = []
    if only and registry is None:  # a cross-family verdict needs its other family too
        from golive_tui.core.scan.crosscheck import needed

        extra = [i for i in needed(only) if i not in only]
    catalog, registry, custom_problems = _plan(
        loc.root, [*only, *extra] if only else only, registry
    )
    computed = [d.id for d in catalog]  # what runs; `catalog` below is what was asked for
    catalog = [d for d in catalog if d.id not in extra]
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
        run = _Run(snapshot, reader, cache, Scope.of(scan_config), emit, scan_config.target)
        files = list(snapshot.files)
        if commit is not None and not scan_config.include_vendor:  # listings drop it already
            files = [f for f in files if not git_listing.is_vendored(f.path)]
        shipping = None
        if services is not None:  # which code ships (core/services/scope.py)
            from golive_tui.core.services.scope import scan_scope

            shipping = scan_scope(snapshot, reader, cache, config, services.service)
            clock.lap("services")
        read = files if shipping is None else [f for f in files if shipping.keeps(f.path)]
        emit(Progress("listing", 1, 1))
        from golive_tui.core.scan import target as target_mod

        extractors = list(registry.extractors)
        if any(e.matches("a.go") or e.matches("a_test.go") for e in extractors):
            extractors.append(target_mod.HEADERS)  # build constraints of the Go files read
        scanned, failures = run.extract(read, extractors, clock)
    if info is not None and info.after_read is not None:
        info.after_read()

    all_paths = tuple(map(git_listing.path_of, files))  # in C (8x moby: 26k paths, ~2 ms)
    from golive_tui.core.scan.detectors import FAMILIES
    from golive_tui.core.scan.finalmemo import FinalizeMemo

    # A family whose files, paths and code did not change is read back (finalmemo.py).
    finals = FinalizeMemo(cache.path.parent if cache.path else None, frozenset(FAMILIES))
    # The working tree's listing is `files` itself (a commit's also lists vendor/).
    go_files, named = run.path_facts(all_paths, finals if commit is None else None)
    run.exclude_for_target(scanned, named)
    results = _finalize(
        registry,
        scanned,
        failures,
        all_paths,
        computed,
        custom_problems,
        run.file_errors,
        emit,
        finals,
    )
    go_imports: set[str] = set()
    for name, per_file in scanned.items():
        if name == "go_source":
            for sf in per_file.values():
                imports = sf.scan.meta.get("imports", ())
                if isinstance(imports, list | tuple):
                    go_imports.update(imports)
    from golive_tui.core.scan import crosscheck  # verdicts that need two families

    results = crosscheck.apply(results, scanned, go_imports, all_paths)
    clock.lap("finalize")
    by_id = {r.id: r for r in results}
    ordered = tuple(_titled(by_id[d.id], d) for d in catalog)

    cache.save()
    finals.save()
    clock.lap("save")
    if info is not None:
        info.pairs = run.served
        info.memoizable = not (
            cache.problem
            or failures
            or run.transient
            or not all(map(_memo_reason, run.skipped.values()))
        )
    if cache.problem and cache.problem not in warnings:
        warnings.append(cache.problem)
    if run.skipped:
        warnings.append(f"{len(run.skipped)} file(s) not scanned (see stats.skipped)")
    stats = ScanStats(
        files=len(all_paths),
        go_files=go_files,
        parsed_go_files=len(run.parsed_go),
        cache_hits=run.cache_hits,
        seconds=time.perf_counter() - started,
        skipped=tuple(sorted(run.skipped.items())),
        files_read=run.files_read,
        excluded_for_target=tuple(sorted(run.excluded.items())),
        target=str(scan_config.target),
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
        scope=shipping,
    )


class _ServiceScope(NamedTuple):
    """Scope the scan to shipping code (None for `service`: every service's)."""

    service: Service | None


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
    from golive_tui.core.scan import families as families_mod
    from golive_tui.core.scan.detectors import FAMILIES, build_registry
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
        registry = families_mod.load(tuple(f for f in FAMILIES if f in families))
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
    return result._replace(title=definition.title)


class _Run:
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
            if f.path.endswith(".go") and not name_matches(f.path, self.target):
                continue  # never read: listed in stats by exclude_for_target
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
        go_files = sum(1 for p in all_paths if self.scope.is_go_source(p))
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

    # Long on purpose: the one loop that reads each file at most once and hands its bytes to every
    # extractor that wants it (cache hits, prefilters, serial or forked work) - split, the bytes
    # and the bookkeeping would have to travel between helpers.
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

        outcomes = run_jobs(items, extractors, self.emit, self.reader, prefilters)
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
            if result.meta.get("transient"):  # e.g. a rule timed out
                self.transient = True
            elif blob is not None:
                self.cache.put(keys[e.name], path, blob, result)

        # A file a family wanted whose content exists but was not read (over the size cap, not
        # UTF-8, unreadable, an LFS pointer) may hold the evidence: that family's "nothing found"
        # becomes "could not tell". A symlink out of the repository or a binary file does not.
        for f, wanted in plan if self.skipped else ():
            reason = self.skipped.get(f.path, "")
            for e in wanted if reason.startswith(_UNSEEN_CONTENT) else ():
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
_UNSEEN_CONTENT = ("over the size cap", "not UTF-8", "unreadable", "Git LFS")


def _memo_reason(reason: str) -> bool:
    """Skips decided by what the key of the scan memo covers (bytes, size, link target)."""
    return _content_reason(reason) or reason.startswith(("over the size cap", "symlink"))


def _content_reason(reason: str) -> bool:
    """Skips that depend only on a blob's bytes, so they can be remembered by blob SHA."""
    return reason.startswith(("binary", "Git LFS", "not UTF-8"))


def _finalize(
    registry: Registry,
    scanned: dict[str, dict[str, ScannedFile]],
    failures: dict[str, str],
    all_paths: tuple[str, ...],
    wanted: list[str],
    custom_problems: list[str],
    file_errors: dict[str, dict[str, list[str]]],
    emit: Callable[[Progress], None],
    finals: FinalizeMemo,
) -> list[DetectorResult]:
    """One result per wanted id, emitted as each family finishes."""
    from golive_tui.core.evidence import DetectorResult, Status
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
            produced = finals.finalize(extractor, scanned.get(extractor.name, {}), all_paths)
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
