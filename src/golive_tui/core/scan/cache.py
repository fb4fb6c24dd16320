"""The scan cache: per-file extractor output keyed by git blob SHA, so a re-scan parses only
what changed.

Files under `<git common dir>/golive/cache/` (never the working tree; shared by worktrees, and by
commit scans, since a blob is a blob wherever it comes from): `scan-main.marshal` holds the skips
(binary, LFS...) and the last plan, `shard-<x>.marshal` the extractor output, one shard per
first hex digit of the blob, separate shards for files under `vendor/`, and service discovery's
entries in shards of their own (`shard-s<x>.marshal`, see `_shard`). They hold plain data
only (dicts, lists, strings, ints) written with `marshal`: the fastest of the formats measured
for this shape and it cannot run code when loaded (unlike pickle). Measured on moby's cache
(2,416 entries, 580 KB; best of 15): marshal 1.7-2.2 ms, pickle 2.1-2.5 ms, json 7.7 ms.

Shards, what they buy: a save rewrites only the shards that gained entries (one edited file:
one shard, ~1/16 of the bytes; the whole file was ~35-40 ms on an 8x moby monorepo), and a shard
is read only when a lookup needs it, so the vendor/ entries a `--include-vendor` scan left (3.5
MB on moby) no longer cost a default scan ~20 ms of decoding. Within a shard, each extractor's
entries are marshalled apart and decoded when that extractor first asks (`_Shard.bucket`). Each shard carries the epoch of
`scan-main.marshal`: a shard from another epoch (the main file was discarded and started afresh) is
ignored.

Keys: (extractor name, extractor version, repository path, blob SHA). The path is part of the
key because `Extractor.extract(path, text)` may read meaning from the name (a `.toml` vs a
`.yml` golangci config); the cost is a re-parse after a rename, which is rare.

Every file is sealed: a marker and a keyed BLAKE2b MAC under this user's memo key (seal.py
`user_key`, in the user's own cache directory) precede its bytes, and a file whose MAC does not
verify is never unmarshalled. A repository (or a copied `.git/`) that arrives with cache files cannot plant
findings: they read as an empty cache. Without a key (no cache directory) nothing persists.

Anything wrong with a file (truncated, another Python's marshal format, wrong shape, unsealed)
means it is discarded and rebuilt: a cache can make a scan slower, never wrong or crash it. Writes are
atomic (`write_atomic`, without the fsync: an empty file a crash may leave is discarded like any
other) and only happen when something changed.
"""

from __future__ import annotations

import marshal
import sys
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from golive_tui.core.atomic import write_atomic
from golive_tui.core.confine import UnsafePathError, read_capped
from golive_tui.core.scan import seal
from golive_tui.core.scan.detectors.base import FileScan

#: Largest cache file read (a 13k-file repository's cache is a few MB).
MAX_CACHE_BYTES = 256 * 1024 * 1024

# 3: sealed (a MAC before the bytes); 4: a shard's buckets marshalled apart; 5: service
# discovery's entries in shards of their own (`_shard`)
_FORMAT = 5
#: Entries untouched for this many writes (of their shard) are dropped (branch switches stay
#: warm a while).
KEEP_GENERATIONS = 8
CACHE_NAME = "scan-main.marshal"
#: The single file of format 1; removed when this format starts afresh (an older golive that
#: still runs here rebuilds its own, and neither discards the other's files).
_LEGACY_NAME = "scan.marshal"
_HEX = frozenset("0123456789abcdef")


#: The scan of a file in which an extractor found nothing (immutable: one for all of them).
_NOTHING = FileScan()
_new_scan = partial(tuple.__new__, FileScan)  # FileScan(findings, errors, meta), in C


def cache_path(state_dir: Path) -> Path:
    return state_dir / "cache" / CACHE_NAME


#: Extractor keys whose entries live in shards of their own (`s<x>`): service discovery's.
_SERVICES = "services."


def _shard(path: str, blob: str, key: str) -> str:
    """The shard holding `key`'s entry for (path, blob): by the blob's first hex digit, under
    vendor/ or not, and service discovery's apart from the scan's extractors'.

    Service discovery's entries apart, what it buys: they are two thirds of the bytes (moby:
    1.1 of 1.7 MB; the scope kept per slot holds every Go file's blob), and a scan that
    misses its memo without moving the scope reads none of them but the one shard holding its
    scope, where it read, and authenticated, every byte of every shard (moby's warm scan
    ~1.5 ms, 8x moby's ~4 ms)."""
    head = blob[:1]
    digit = head if head in _HEX else "_"
    vendored = path.startswith("vendor/") or "/vendor/" in path
    name = f"v{digit}" if vendored else digit
    return f"s{name}" if key.startswith(_SERVICES) else name


class _Shard:
    """One shard file's entries: extractor key -> "path\0blob" -> [generation, payload].

    Each extractor's bucket is stored marshalled apart and decoded on first use: a warm
    scan whose service scope comes from its memo never decodes the services' buckets,
    about half of every shard (8x moby: decoding the shards 9.0 -> 4.1 ms of CPU, and
    their objects are never made)."""

    def __init__(self, scans: dict[str, Any], gen: int) -> None:
        self.scans = scans  # extractor key -> its bucket, or the bucket's marshalled bytes
        self.gen = gen  # this shard's writes so far
        self.dirty = False

    def bucket(self, key: str) -> dict[str, list[Any]] | None:
        """The entries of extractor `key` (decoded now if they were not), None if none."""
        found = self.scans.get(key)
        if type(found) is bytes:
            found = self.scans[key] = _decoded(found)
        return found

    def buckets(self) -> dict[str, dict[str, list[Any]]]:
        """Every bucket, decoded."""
        for key in list(self.scans):
            self.bucket(key)
        return self.scans


def _decoded(raw: bytes) -> dict[str, list[Any]]:
    """A bucket from its bytes (the shard's MAC covered them); empty when malformed."""
    try:
        bucket = marshal.loads(raw)
    except Exception:  # marshal raises ValueError/EOFError/TypeError on bad bytes
        return {}
    return bucket if isinstance(bucket, dict) else {}


class ScanCache:
    """In-memory view of the cache files; `save()` writes back what gained entries."""

    def __init__(self, path: Path | None) -> None:
        self._secret = _cache_secret() if path is not None else None
        self.path = path if self._secret is not None else None
        self.problem: str | None = None  # set when an unusable cache file was discarded
        self._gen = 0
        self._epoch = ""
        self._shards: dict[str, _Shard] = {}
        # blob -> [generation, reason] for content-based skips (binary, LFS, not UTF-8)
        self._skips: dict[str, list[Any]] = {}
        self._touched_gen = 0
        self._dirty = False
        # [fingerprint, [[path, [extractor keys]], ...]]: the last scan's file -> extractors
        self._plan: list[Any] = ["", []]
        # [key, go_files, [paths]]: the last listing's path facts (filepass.FilePass.path_facts)
        self._path_facts: list[Any] = ["", 0, []]
        self._legacy: Path | None = None  # a format-1 file to remove at the first save
        self._strings: dict[str, str] = {}  # one object per distinct text put (`_compact`)
        # Whether nothing of an earlier scan can be served: no cache file (a first scan, a
        # scan without the cache) or one discarded. A scan with such a cache reads every file.
        self.cold = True

    @classmethod
    def load(cls, path: Path | None) -> ScanCache:
        """The cache at `path` (None: a cache that never persists, e.g. not a git repo)."""
        cache = cls(path)
        path = cache.path
        if path is None:
            return cache
        data = cache._read(path)
        if data is None:
            cache._fresh()
            if path.name != _LEGACY_NAME:
                cache._legacy = path.with_name(_LEGACY_NAME)
            return cache
        try:
            if (
                not isinstance(data, dict)
                or data.get("format") != _FORMAT
                or data.get("python") != _python_tag()
            ):
                raise ValueError("unknown cache format")
            gen, epoch, skips = data["gen"], data["epoch"], data["skips"]
            if not (isinstance(gen, int) and isinstance(epoch, str) and isinstance(skips, dict)):
                raise ValueError("malformed cache")
        except Exception:
            if not cache.problem and not _older_format(data):
                cache.problem = "scan cache was unusable and has been discarded"
            cache._fresh()
            return cache
        cache._gen = gen
        cache._epoch = epoch
        cache.cold = False
        cache._touched_gen = gen + 1
        cache._skips = skips
        plan = data.get("plan")
        if isinstance(plan, list) and len(plan) == 2:
            cache._plan = plan
        facts = data.get("paths")
        if isinstance(facts, list) and len(facts) == 3:
            cache._path_facts = facts
        return cache

    def _fresh(self) -> None:
        """Start afresh: a new epoch, so shards of the old one are never read."""
        import os

        self._epoch = os.urandom(8).hex()
        self._touched_gen = self._gen + 1
        self._dirty = True

    def _read(self, path: Path) -> Any:
        """The unmarshalled file at `path`; None (with `problem` set when it matters) if unusable."""
        try:  # a regular file under a cap: never a link out of .git, a device or a FIFO
            raw = read_capped(path, MAX_CACHE_BYTES)
        except FileNotFoundError:
            return None
        except UnsafePathError as exc:
            self.problem = f"scan cache not read ({exc.why}); scanning cold"
            return None
        except OSError as exc:
            self.problem = f"scan cache unreadable ({exc.strerror}); scanning cold"
            return None
        body = self._unseal(raw)
        if body is None:  # not sealed with this user's key: an older golive's, planted or damaged
            if not _unsealed_golive(raw):
                self.problem = "scan cache was unusable and has been discarded"
            return None
        try:
            return marshal.loads(body)
        except Exception:  # marshal raises ValueError/EOFError/TypeError on bad bytes
            self.problem = "scan cache was unusable and has been discarded"
            return None

    def _seal(self, body: bytes) -> bytes:
        assert self._secret is not None
        return _SEALED + seal.sealed(self._secret, body)

    def _unseal(self, raw: bytes) -> bytes | None:
        """The body of a file this user's golive wrote; None for any other."""
        assert self._secret is not None
        # Sealed without the marker (format 3, the release before): still this user's, and
        # replaced silently as an older format.
        start = len(_SEALED) if raw.startswith(_SEALED) else 0
        return seal.unsealed(self._secret, raw[start:])

    def _shard_path(self, name: str) -> Path:
        assert self.path is not None
        return self.path.with_name(f"shard-{name}.marshal")

    def _bucket(self, name: str) -> _Shard:
        """The shard `name`, read on first use (an unusable or other-epoch file: empty)."""
        shard = self._shards.get(name)
        if shard is not None:
            return shard
        shard = _Shard({}, 0)
        if self.path is not None:
            data = self._read(self._shard_path(name))
            if (
                isinstance(data, dict)
                and data.get("epoch") == self._epoch
                and isinstance(data.get("gen"), int)
                and isinstance(data.get("scans"), dict)
            ):
                shard = _Shard(data["scans"], data["gen"])
        self._shards[name] = shard
        return shard

    def preload(
        self, keys: Iterable[str], *, vendor: bool, until: Callable[[], bool] | None = None
    ) -> None:
        """Read every shard of the kinds `keys` name now (service discovery's only when one of
        theirs is asked) and decode the buckets of `keys` (the extractors a scan will ask), so
        a scan started later finds them in memory; `until`: asked before each shard, stops
        when true (the rest is read when first asked, as without a preload). What it
        buys: the scan memo calls it while git lists the tree; git's `status` on 8x moby
        leaves this process ~30 ms idle, and reading and decoding 8x moby's shards costs
        ~35 ms that the read phase otherwise spends after git answered."""
        if self.path is None:
            return
        names = [*sorted(_HEX), "_"]
        if vendor:
            names += [f"v{name}" for name in names]
        wanted = list(keys)
        if any(key.startswith(_SERVICES) for key in wanted):
            names += [f"s{name}" for name in names]
        for name in names:
            if until is not None and until():
                return
            shard = self._bucket(name)  # a shard never written: empty, as when first asked
            for key in wanted:
                shard.bucket(key)

    @staticmethod
    def key(name: str, version: str) -> str:
        return f"{name}@{version}"

    def get(self, ext_key: str, path: str, blob: str) -> FileScan | None:
        """The cached scan, or None on a miss (an empty scan is a hit: `FileScan()`)."""
        if self.path is None:
            return None
        name = _shard(path, blob, ext_key)
        shard = self._shards.get(name) or self._bucket(name)
        bucket = shard.scans.get(ext_key)
        if type(bucket) is bytes:
            bucket = shard.bucket(ext_key)
        if bucket is None:
            return None
        entry = bucket.get(f"{path}\0{blob}")
        if entry is None:
            return None
        try:
            payload = entry[1]
            if payload is None:
                scan = _NOTHING
            elif len(payload) == 1 and type(meta := payload.get("meta")) is dict:
                # What most Go files hold (their imports): from_json's result without its
                # generators, made in C (8x moby's 5.2k such hits: ~8 ms less of a warm
                # scan's read).
                scan = _new_scan(((), (), meta))
            else:
                scan = FileScan.from_json(payload)
        except Exception:
            return None
        if entry[0] != shard.gen + 1:
            entry[0] = shard.gen + 1
        return scan

    def put(self, ext_key: str, path: str, blob: str, scan: FileScan) -> None:
        if self.path is None:  # never saved, and a scan asks about each (path, blob) once
            return
        empty = not (scan.findings or scan.errors or scan.meta)
        payload = None if empty else _compact(scan.to_json(), self._strings)
        shard = self._bucket(_shard(path, blob, ext_key))
        name = f"{path}\0{blob}"
        name = self._strings.setdefault(name, name)  # one key object for all its extractors
        bucket = shard.bucket(ext_key)
        if bucket is None:
            bucket = shard.scans[ext_key] = {}
        bucket[name] = [shard.gen + 1, payload]
        shard.dirty = True

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

    def path_facts(self, key: str) -> tuple[int, list[str]] | None:
        """(go_files, paths) stored under `key` by `put_path_facts`, None for another key."""
        stored, go_files, paths = self._path_facts
        if stored != key or type(go_files) is not int or type(paths) is not list:
            return None
        if not all(type(p) is str for p in paths):
            return None
        return go_files, paths

    def put_path_facts(self, key: str, go_files: int, paths: list[str]) -> None:
        self._path_facts = [key, go_files, list(paths)]
        self._dirty = True

    def save(self) -> None:
        """Write back what gained entries; drop entries unused for KEEP_GENERATIONS writes."""
        if self.path is None:
            return
        try:
            for name, shard in self._shards.items():
                if shard.dirty:
                    self._save_shard(name, shard)
            if self._dirty:
                self._save_main()
        except (OSError, ValueError) as exc:
            self.problem = f"scan cache not saved: {exc}"

    def _save_shard(self, name: str, shard: _Shard) -> None:
        gen = shard.gen + 1
        floor = gen - KEEP_GENERATIONS
        # A bucket this scan never decoded goes back as the bytes it was read as: nothing in
        # it was used or added, and decoding it only to drop its old entries and marshal it
        # again was most of a save after one edit (8x moby, the edited blob's shard: save
        # 4.7-13.8 -> 2.8-3.3 ms, 4 edits each). Its entries age out when a scan next uses it
        # (until then a discovery after many edits still finds them).
        scans: dict[str, Any] = {}
        packed: dict[str, bytes] = {}
        for key, bucket in shard.scans.items():
            if type(bucket) is bytes:
                scans[key] = packed[key] = bucket
            elif kept := {k: v for k, v in bucket.items() if v[0] >= floor}:
                scans[key] = kept
                packed[key] = marshal.dumps(kept)
        data = {"epoch": self._epoch, "gen": gen, "scans": packed}
        # Not fsynced (`durable=False`): a lost or empty shard is rebuilt, and waiting for the
        # disk was most of a save after one edit (8x moby: a ~400 KB shard 8.1 -> 3.3 ms wall).
        body = self._seal(marshal.dumps(data))
        write_atomic(self._shard_path(name), body, mode=0o600, durable=False)
        shard.scans, shard.gen, shard.dirty = scans, gen, False

    def _save_main(self) -> None:
        assert self.path is not None
        floor = self._touched_gen - KEEP_GENERATIONS
        skips = {k: v for k, v in self._skips.items() if v[0] >= floor}
        data = {
            "format": _FORMAT,
            "python": _python_tag(),
            "gen": self._touched_gen,
            "epoch": self._epoch,
            "skips": skips,
            "plan": self._plan,
            "paths": self._path_facts,
        }
        write_atomic(self.path, self._seal(marshal.dumps(data)), mode=0o600, durable=False)
        self._dirty = False
        if self._legacy is not None:
            self._legacy.unlink(missing_ok=True)
            self._legacy = None


def _compact(payload: dict[str, Any], strings: dict[str, str]) -> dict[str, Any]:
    """The cached form of a FileScan's JSON: empty members left out (`from_json` reads them as
    empty) and meta's strings, and those of its lists (import paths, package names), one
    object per distinct text, which marshal writes once and a load shares.

    What it buys: 8x moby's shards, loaded whole by a warm scan, 6.0 -> 3.2 MB on disk and
    24 -> 15 MiB of objects (most of it "fmt", "context"... once per importing file), and
    decoded in 55-60 % of the time (12-40 ms less per warm scan, with the collector's passes
    it spares); filling the cache costs ~40 ms more once (23k entries)."""
    compact = {key: value for key, value in payload.items() if value}
    meta = compact.get("meta")
    if meta:
        for key, value in meta.items():
            kind = type(value)
            if kind is str:
                meta[key] = strings.setdefault(value, value)
            elif kind is list:
                meta[key] = [strings.setdefault(v, v) if type(v) is str else v for v in value]
    return compact


def _older_format(data: Any) -> bool:
    """A cache an earlier golive wrote: replaced without a warning (it is not damage)."""
    return (
        isinstance(data, dict) and isinstance(data.get("format"), int) and data["format"] < _FORMAT
    )


#: What a sealed file starts with, before its MAC: a damaged sealed file (a truncated write)
#: is told from an unsealed older golive's, which is replaced without a warning. Without it,
#: the MAC's first byte decided, and 1 file in 128 looked like an older golive's.
_SEALED = b"golive-sealed\0"


def _cache_secret() -> bytes | None:
    """This user's key (the scan memo's), or None when there is nowhere to keep one."""
    return seal.user_key()


def _unsealed_golive(raw: bytes) -> bool:
    """Whether `raw` looks like a file golive wrote before caches were sealed (a marshalled
    dict): replaced without a warning, as an older format is. Only its first byte is looked
    at: bytes that are not sealed are never unmarshalled."""
    if raw.startswith(_SEALED):
        return False
    return raw[:1] in (b"{", b"\xfb")  # marshal's dict type code, without and with FLAG_REF


def _python_tag() -> str:
    # marshal's format is specific to the Python version that wrote it.
    return f"{sys.version_info[0]}.{sys.version_info[1]}/{marshal.version}"
