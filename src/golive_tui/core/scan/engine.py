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

The per-file pass (plan, reads, cache hits, prefilters, extraction) is filepass.py; extraction
runs serially or in forked workers (workers.py); the report and its JSON are report.py.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from golive_tui.core.errors import GoliveError
from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan import reader as reader_mod
from golive_tui.core.scan.config import Config, ConfigError, Scope, load_config, parse_config
from golive_tui.core.scan.filepass import Clock, FilePass, content_reason
from golive_tui.core.scan.report import (
    Progress,
    RepoInfo,
    ScanError,
    ScanReport,
    ScanStats,
)
from golive_tui.core.tuples import NamedTuple

if TYPE_CHECKING:
    # Imported where used instead (cache, families, catalog, model: ~20 ms of CPU): `scan`
    # starts git first, and git's ~50 ms of `status` runs while they load.
    from golive_tui.core.evidence import DetectorDef, DetectorResult
    from golive_tui.core.scan.cache import ScanCache
    from golive_tui.core.scan.detectors import Registry
    from golive_tui.core.scan.detectors.base import ScannedFile
    from golive_tui.core.scan.finalmemo import FinalizeMemo
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
        # Clean tracked files whose content the run read (by then), workers' included: none
        # means the report follows from git's listing, the cache and the changed files alone.
        self.clean_reads = 0


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
    warmed: Warmed | None = None,
    registry: Registry | None = None,
) -> ScanReport:
    """`scan()` of the working tree, with the repository already located, its config read and
    its listing started (the memo's miss: git is not asked twice); `info` is filled in;
    `warmed`: its plan and cache, made by `warm()` for the same `only` and vendor setting;
    `registry`: as `scan()`'s."""
    scope = None if all_code else _ServiceScope(service)
    prepared = (loc, config or Config(), listing)
    return _scan(
        loc.root,
        only,
        True,
        include_vendor,
        None,
        progress,
        registry,
        scope,
        prepared,
        info,
        warmed,
    )


class Warmed(NamedTuple):
    """A working-tree scan's plan, per-file cache and finalize memo, made before git's
    listing is in."""

    only: tuple[str, ...]
    planned: tuple[list[DetectorDef], Registry, list[str], list[str]]
    cache: ScanCache
    finals: FinalizeMemo | None = None


def warm(
    loc: git_listing.Location,
    only: Sequence[str] | None,
    *,
    vendor: bool,
    until: Callable[[], bool] | None = None,
) -> Warmed | None:
    """Plan a `prepared_scan` and read the per-file cache it will ask, now: the scan memo
    calls this while git lists the tree (cache.preload says what it buys). The scan given
    it plans nothing and loads nothing again. `until`: asked between steps (the plan, the
    cache, each shard), stops when true: None if it was true before the plan was made, else
    the plan and the cache as far as they were read."""
    from golive_tui.core.scan.cache import ScanCache
    from golive_tui.core.scan.target import HEADERS

    if until is not None and until():
        return None
    planned = _planned(loc.root, only, None)
    cache = ScanCache.load(_cache_file(loc) if loc.is_git else None)
    keys = [ScanCache.key(e.name, e.version) for e in (*planned[1].extractors, HEADERS)]
    # The scan's shards only: the scope's entry is read from the one shard holding it when
    # the scope is looked up (service discovery's shards are two thirds of the bytes).
    cache.preload(keys, vendor=vendor, until=until)
    finals = _finals(cache)
    if until is None or not until():
        finals.preload(e.name for e in planned[1].extractors)
    return Warmed(tuple(only or ()), planned, cache, finals)


#: Service discovery's modules, which a scan that reads every file imports once git answers.
_DISCOVERY = (
    "golive_tui.core.services.memo",
    "golive_tui.core.services.discover",
    "golive_tui.core.services.closure",
)


def ready_families(registry: Registry, until: Callable[[], bool], *, discovery: bool) -> None:
    """Import the planned families and ready them (`prepare`: compiled rules, PyYAML) while
    git lists the tree of a scan that reads every file (no cache, or an empty one), then
    service discovery's modules; `until` is asked before each, stops when true. Such a scan
    waited idle for git's listing (moby: ~40 ms), then did all of it after git answered.
    The families it imports are those the plan kept, which that scan extracts anyway. What it
    buys (paired runs on moby): `--no-cache` 859 -> 820 ms, a first scan 900 -> 798 ms."""
    import importlib

    for extractor in registry.extractors:
        if until():
            return
        prepare = getattr(extractor, "prepare", None)
        if prepare is not None:
            with contextlib.suppress(Exception):  # fails again where the scan uses it
                prepare()
    for name in _DISCOVERY if discovery else ():
        if until():
            return
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _finals(cache: ScanCache) -> FinalizeMemo:
    """The finalize memo beside `cache` (finalmemo.py), for the shipped families."""
    from golive_tui.core.scan.detectors import FAMILIES
    from golive_tui.core.scan.finalmemo import FinalizeMemo

    return FinalizeMemo(cache.path.parent if cache.path else None, frozenset(FAMILIES))


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
    warmed: Warmed | None = None,
    *,
    refresh_index: bool = False,
) -> ScanReport:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    clock = Clock(timings)
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

    finals = None
    if warmed is not None and registry is None and warmed.only == tuple(only or ()):
        catalog, registry, custom_problems, extra = warmed.planned
        cache = warmed.cache
        finals = warmed.finals
    else:
        catalog, registry, custom_problems, extra = _planned(loc.root, only, registry)
        from golive_tui.core.scan.cache import ScanCache

        cache = ScanCache.load(_cache_file(loc) if use_cache and loc.is_git else None)
    if listing is not None and (cache.cold or not use_cache):  # nothing will come from it
        ready_families(registry, listing.listed, discovery=services is not None)
    computed = [d.id for d in catalog]  # what runs; `catalog` below is what was asked for
    catalog = [d for d in catalog if d.id not in extra]
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

    with reader, contextlib.ExitStack() as stack:
        run = FilePass(snapshot, reader, cache, Scope.of(scan_config), emit, scan_config.target)
        files = list(snapshot.files)
        if commit is not None and not scan_config.include_vendor:  # listings drop it already
            files = [f for f in files if not git_listing.is_vendored(f.path)]
        shipping = None
        if services is not None:  # which code ships (core/services/scope.py)
            from golive_tui.core.services.scope import scan_scope

            if commit is None and (cache.cold or not use_cache):  # every file is read
                # The non-Go files' families: the Go files' build constraints (HEADERS,
                # added below) are not among them.
                run.start_ahead(files, registry.extractors)
                if run.ahead is not None:
                    stack.callback(run.ahead.close)
            shipping = scan_scope(snapshot, reader, cache, config, services.service)
            clock.lap("services")
        read = files if shipping is None else shipping.kept(files)
        emit(Progress("listing", 1, 1))
        from golive_tui.core.scan import target as target_mod

        extractors = list(registry.extractors)
        if any(e.matches("a.go") or e.matches("a_test.go") for e in extractors):
            extractors.append(target_mod.HEADERS)  # build constraints of the Go files read
        scanned, failures = run.extract(read, extractors, clock)
    if info is not None and info.after_read is not None:
        info.clean_reads = reader.clean_reads + run.deferred
        info.after_read()

    all_paths = tuple(map(git_listing.path_of, files))  # in C (8x moby: 26k paths, ~2 ms)
    # A family whose files, paths and code did not change is read back (finalmemo.py).
    if finals is None:
        finals = _finals(cache)
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


def _planned(
    root: Path, only: Sequence[str] | None, registry: Registry | None
) -> tuple[list[DetectorDef], Registry, list[str], list[str]]:
    """`_plan` of `only` and the detectors a cross-family verdict of theirs needs too (the
    last member: computed, never reported)."""
    extra: list[str] = []
    if only and registry is None:  # a cross-family verdict needs its other family too
        from golive_tui.core.scan.crosscheck import needed

        extra = [i for i in needed(only) if i not in only]
    catalog, registry, problems = _plan(root, [*only, *extra] if only else only, registry)
    return catalog, registry, problems, extra


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


def _memo_reason(reason: str) -> bool:
    """Skips decided by what the key of the scan memo covers (bytes, size, link target)."""
    return content_reason(reason) or reason.startswith(("over the size cap", "symlink"))


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
