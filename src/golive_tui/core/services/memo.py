"""A scan's service scope remembered in the scan cache, and kept across edits that cannot move it.

What a scope is a function of (scope.py, discover.py, closure.py):
- the slot: the repository root, the config's scan and services settings, the service asked for
  and the code that computes it (the modules in `_LOGIC`);
- the frame: every Go file's path and mode (tests too: the report counts them per package), and
  the bytes of go.mod, go.work and every build/deploy/CI file (links.py reads them);
- per Go source file (not a test, not vendored), only its header facts: package clause, imports,
  `//go:build ignore` and build constraint (`facts.file_facts`).

One cache entry per slot holds the scope, the frame's digest and the blob of every Go source
file it was computed from, in listing order. A scan with the same frame compares the blobs:
none changed (a warm scan) is the scope; some changed (an edit, a pull) looks up each changed
file's facts, the old blob's in the per-file cache and the new one's in the cache or the file,
and when every one is equal (a body edit: the common case) the scope stands, since the package
index discovery builds, and so everything derived from it, is the same. Anything else (a
header changed, a Go file added or removed, go.mod, a Dockerfile, an old blob's facts no longer
cached, a file that cannot be read) computes the scope afresh and stores it.

What it buys: an edited Go file no longer recomputes the scope (every Go header looked up
again, the links re-matched): moby 0.06 -> 0.01 s, 8x moby 0.30 -> 0.02 s of an edit scan
(stats.timings `services`), now what a scan with nothing changed costs.

Modified and untracked files have no blob from git: theirs is hashed from the bytes read (a
file that cannot be read is never remembered: the scope is computed afresh each time).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from golive_tui.core.git.listing import MODE_FILE, RepoFile, Snapshot, is_vendored
from golive_tui.core.git.worktree import blob_sha
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.config import Config
from golive_tui.core.scan.detectors.base import FileScan
from golive_tui.core.scan.reader import FileReader, Skip
from golive_tui.core.services.kinds import NEVER_LINKS, link_kind
from golive_tui.core.services.model import Link, LinkKind, Service

KEY = ScanCache.key("services.scope", "2")
_MISS: Any = object()
#: Changed Go files tolerated before a standing scope is stored again with the blobs of now:
#: below it, a scan costs two per-file cache lookups per changed file; storing costs a rewrite
#: of the cache shard holding the entry (one edit stays free of it).
REBASE_AFTER = 64

#: The modules whose logic decides a scope: an edited one (a new golive) must not reuse an
#: answer it would not give (their size and mtime join the key, as the engine's plan does).
_LOGIC = (
    "closure.py",
    "discover.py",
    "facts.py",
    "kinds.py",
    "links.py",
    "memo.py",
    "packages.py",
    "scope.py",
)


class Inputs:
    """A snapshot's scope inputs: the slot (which entry), the frame's digest and the Go
    source files with their blobs (hashed from the bytes for modified and untracked ones)."""

    def __init__(self, slot: str, frame: str, sources: list[RepoFile], blobs: list[str]) -> None:
        self.slot = slot
        self.frame = frame
        self.sources = sources
        self.blobs = blobs


def inputs(
    snapshot: Snapshot, reader: FileReader, config: Config, service: Service | None
) -> Inputs | None:
    """The scope's inputs, or None when they cannot be told (not git, a file unreadable)."""
    if not snapshot.is_git:
        return None
    from golive_tui.core.hashing import blake2b

    slot = blake2b(digest_size=20)
    slot.update(repr((str(snapshot.root), config.scan, config.services, service)).encode())
    here = Path(__file__).parent
    for name in _LOGIC:
        try:
            info = (here / name).stat()
            slot.update(f"{name}:{info.st_mtime_ns}:{info.st_size}\n".encode())
        except OSError:
            slot.update(f"{name}:?\n".encode())
    # Comprehensions over the listing, not one loop with a call per path (8x moby's 26k paths:
    # 25 -> 15 ms; this runs on every scan the memo misses). A mode joins the frame only when
    # it is not a plain file's (a symlink is never read). Sections are NUL-joined (no path
    # holds a NUL) after their length, so two listings never share a frame.
    files = snapshot.files
    go = [f for f in files if f.path.endswith(".go")]
    modes = [f"{f.path}\0{f.mode}" for f in go if f.mode != MODE_FILE]
    sources = [  # packages.is_go_source, spelled out: no call per file
        f
        for f in go
        if not f.path.endswith("_test.go") and ("vendor/" not in f.path or not is_vendored(f.path))
    ]
    blobs = [f.blob or _hashed(f, reader) for f in sources]
    deps: list[str] = []
    for f in [
        f
        for f in files
        if not f.path.endswith(NEVER_LINKS)
        and (f.path.endswith(("go.mod", "go.work")) or link_kind(f.path))
    ]:
        blob = f.blob or _hashed(f, reader)
        if blob is None:
            return None
        deps.append(f"{f.path}\0{f.mode}\0{blob}")
    if None in blobs:
        return None
    digest = blake2b(digest_size=20)
    for section in ([f.path for f in go], modes, deps):
        digest.update(f"{len(section)}\n".encode())
        digest.update("\0".join(section).encode("utf-8", "surrogateescape"))
    return Inputs(slot.hexdigest(), digest.hexdigest(), sources, cast("list[str]", blobs))


def _hashed(f: RepoFile, reader: FileReader) -> str | None:
    data = reader.read(f)
    return None if isinstance(data, Skip) else blob_sha(data)


def load(cache: ScanCache, now: Inputs, reader: FileReader) -> Any:
    """The remembered scope (a ShippingScope or None) when it holds for `now`, or `_MISS`."""
    hit = cache.get(KEY, "", now.slot)
    if hit is None or hit.meta.get("frame") != now.frame:
        return _MISS
    stored = hit.meta.get("blobs")
    blobs = "\n".join(now.blobs)
    if not isinstance(stored, str):
        return _MISS
    if stored != blobs:  # one string compare when nothing changed (8x moby: 11k blobs)
        before = stored.split("\n")
        if len(before) != len(now.blobs):
            return _MISS
        changed = [i for i, blob in enumerate(now.blobs) if before[i] != blob]
        if not _same_facts(cache, reader, now, changed, before):
            return _MISS
        if len(changed) > REBASE_AFTER:
            cache.put(KEY, "", now.slot, FileScan(meta={**hit.meta, "blobs": blobs}))
    return _scope(hit.meta.get("scope", _MISS))


def _same_facts(
    cache: ScanCache, reader: FileReader, now: Inputs, changed: list[int], before: list[str]
) -> bool:
    """Whether every changed Go source file has the header facts its stored blob had (as the
    per-file cache holds them: equal entries are equal `packages.GoFile`s)."""
    from golive_tui.core.services import facts

    for i in changed:
        f, blob = now.sources[i], now.blobs[i]
        old = cache.get(facts.CACHE_KEY, f.path, before[i])
        if old is None:
            return False  # not remembered: nothing to compare with
        new = cache.get(facts.CACHE_KEY, f.path, blob)
        if new is None:
            data = reader.read(f)
            if isinstance(data, Skip):
                return False
            try:
                meta = facts.file_facts(data.decode("utf-8"))
            except UnicodeDecodeError:
                return False
            new = FileScan(meta=meta)
            cache.put(facts.CACHE_KEY, f.path, blob, new)  # what build_index would store
        if dict(old.meta) != dict(new.meta):
            return False
    return True


def is_miss(value: Any) -> bool:
    return value is _MISS


def store(cache: ScanCache, now: Inputs, scope: Any) -> None:
    """Remember `scope` (a ShippingScope or None) for `now`'s slot, frame and blobs."""
    meta: dict[str, Any] = {"frame": now.frame, "blobs": "\n".join(now.blobs), "scope": None}
    if scope is not None:
        meta["scope"] = {
            "mode": str(scope.mode),
            "services": [_service_data(s) for s in scope.services],
            "packages": {k: sorted(v) for k, v in scope.packages.items()},
            "shipping": sorted(scope.shipping),
            "dropped": sorted(scope.dropped),
            "reasons": dict(scope.reasons),
            "outside": [[o.package, o.go_files, o.reason] for o in scope.outside],
        }
    cache.put(KEY, "", now.slot, FileScan(meta=meta))


def _scope(data: Any) -> Any:
    if data is None:
        return None
    from golive_tui.core.services.scope import Outside, ScopeMode, ShippingScope

    try:
        return ShippingScope(
            mode=ScopeMode(data["mode"]),
            services=tuple(_service(s) for s in data["services"]),
            packages={k: frozenset(v) for k, v in data["packages"].items()},
            shipping=frozenset(data["shipping"]),
            dropped=frozenset(data["dropped"]),
            reasons=dict(data["reasons"]),
            outside=tuple(Outside(p, int(n), r) for p, n, r in data["outside"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return _MISS


def _service_data(s: Service) -> dict[str, Any]:
    return {
        "name": s.name,
        "main": s.main,
        "module": s.module,
        "dockerfiles": list(s.dockerfiles),
        "manifests": list(s.manifests),
        "ci_jobs": list(s.ci_jobs),
        "links": [[str(k.kind), k.path, k.line, k.how] for k in s.links],
        "declared": s.declared,
    }


def _service(d: dict[str, Any]) -> Service:
    return Service(
        name=d["name"],
        main=d["main"],
        module=d["module"],
        dockerfiles=tuple(d["dockerfiles"]),
        manifests=tuple(d["manifests"]),
        ci_jobs=tuple(d["ci_jobs"]),
        links=tuple(Link(LinkKind(k), p, int(n), h) for k, p, n, h in d["links"]),
        declared=bool(d["declared"]),
    )
