"""The whole-report memo: a warm `golive scan --format json` whose inputs are all unchanged
prints the document the last identical scan printed, without loading a detector.

What it buys: a warm scan of moby (1,400 Go files) is interpreter start, `git status` and one
small file read: 0.14 s of CPU instead of 0.34 s (paired runs, bench/README.md; 8x moby 0.27
instead of 0.99), because the per-file cache alone still costs the imports of every family, the
plan, 3,000 cache lookups, the service scope and every family's `finalize`.

Keyed so that it cannot be stale: everything the document is a function of goes into the key.
- the repository: its root, `git ls-files -s` (every tracked path with its index blob id),
  `git status --porcelain=v2 --branch` (HEAD, branch, which files differ from the index and
  which are untracked) and the bytes of every such modified or untracked file (hashed here:
  `git status` says a file changed, not what it holds);
- the repository's golive files: every file under `.golive/` except records (the config, team
  detectors and checklists), read as they are on disk, tracked or not;
- the options: detectors asked for, vendor, service, `--all-code`;
- golive itself: its version, the Python version, the size and mtime of every file of the
  package (an edited detector is a new key) and of every third-party module the scan that
  stored the memo had loaded (ast-grep-py, PyYAML: a new grammar parses differently).

Only a scan that the per-file cache would have served whole is stored: no cache warning, no
extractor failure, no result marked transient (a team rule that ran out of time), no file
skipped for a reason that is not its content. Nor one whose tree changed under it: the modified
and untracked files are hashed again after the scan, and a scan that read a clean file (a cache
miss: read from the working tree under the blob git listed) asks git to list the tree again; one
that read none (every clean file served from the cache by its blob) has nothing else that could
have changed under it. A memo is ignored, never trusted blindly: each
file carries a keyed BLAKE2b MAC under a secret in the user's own cache directory
(`$XDG_CACHE_HOME/golive/memo.key`, 0600), checked before its bytes are parsed, so a
repository (or its `.git/`) that arrives with a memo cannot plant a report; a corrupt,
foreign, oversized or malformed memo is a miss. Memos live beside the per-file cache, in
`<git common dir>/golive/cache/reports/`, written atomically: one file per scan options and
tree (named after both), so an edit undone or a branch switched back is answered too; at most
MAX_SLOTS files (the least recently written or used go first), each at most MAX_MEMO_BYTES and
MAX_TOTAL_BYTES in all.

The document is stored as its printed text around the `stats` member; a hit renders only
`stats` again (`seconds`, `timings` and the counters of this run: `cache_hits` is every
(extractor, file) pair the memo served, `files_read` the files hashed for the key,
`parsed_go_files` 0; `timings` has a `memo` phase). Re-rendering the whole document with
`json.dumps(indent=2)` (pure Python when indenting) would cost ~5 ms on moby.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import golive_tui
from golive_tui.core.git import listing as git_listing
from golive_tui.core.hashing import blake2b
from golive_tui.core.scan import seal
from golive_tui.core.scan.cores import spare_core
from golive_tui.core.scan.memokey import code_stamp as _code_stamp
from golive_tui.core.scan.memokey import content as _content
from golive_tui.core.scan.memokey import deps as _deps
from golive_tui.core.scan.memokey import deps_unchanged as _deps_unchanged
from golive_tui.core.scan.memokey import golive_files as _golive_files

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from golive_tui.core.git.worktree import Change
    from golive_tui.core.scan.config import Config
    from golive_tui.core.scan.engine import RunInfo
    from golive_tui.core.services.model import Service

FORMAT = 2
#: Memo files kept per repository (one per tree and scan options: the last trees scanned with
#: the default options, vendor, a service...); the least recently used go first.
MAX_SLOTS = 16
#: Largest memo file written or read (moby's is ~0.2 MB, 8x moby's ~1.5 MB).
MAX_MEMO_BYTES = 64 * 1024 * 1024
#: All memo files of a repository together: older ones go first past it.
MAX_TOTAL_BYTES = 128 * 1024 * 1024
#: A working tree with more modified/untracked files, or bytes in them, is not memoized: the
#: key would cost as much as the scan's own reading.
MAX_DIRTY_FILES = 4096
MAX_DIRTY_BYTES = 64 * 1024 * 1024
#: config.CONFIG_PATH, spelled here so that a repository without one never imports the parser.
_CONFIG = ".golive/config.toml"
#: Run-dependent stats members, rendered again on a hit.
_VOLATILE = ("seconds", "timings", "cache_hits", "files_read", "parsed_go_files")


def render(document: dict[str, Any]) -> str:
    """The printed form of a scan document (`golive scan --format json`)."""
    from golive_tui.core.scan import jsontext  # json.dumps(indent=2)'s text, mostly in C

    # The chunks joined with the newline, not the text copied to add it: a 3 MB copy fewer
    # on 8x moby (one non-ASCII character makes the whole text two bytes a character).
    chunks = jsontext.chunks(document)
    chunks.append("\n")
    return "".join(chunks)


def scan_json(
    root: Path,
    *,
    only: list[str] | None = None,
    use_cache: bool = True,
    include_vendor: bool = False,
    commit: str | None = None,
    service: Service | None = None,
    all_code: bool = False,
    listing: git_listing.Listing | None = None,
) -> str:
    """`golive scan --format json`'s text: from the memo when every input is unchanged.

    `listing`: the tree as git listed it a moment ago to find the services (`scan --service`,
    listed with `refresh_index` as here), used when it lists what this scan would (the same
    repository and vendor setting); else the tree is listed now."""
    started = time.perf_counter()
    if commit is not None or not use_cache:
        from golive_tui.core.scan.engine import scan

        report = scan(
            root,
            only=only,
            use_cache=use_cache,
            include_vendor=include_vendor,
            commit=commit,
            service=service,
            all_code=all_code,
            refresh_index=True,
        )
        return render(report.to_json())
    loc = git_listing.locate(Path(root))
    located = time.perf_counter()
    config = _config(loc.root)
    vendor = include_vendor or bool(config is not None and config.scan.include_vendor)
    spare = spare_core()  # before git starts: is there a core for git and one for this?
    if listing is None or not listing.serves(loc, vendor):
        listing = git_listing.Listing(loc, include_vendor=vendor, refresh_index=True)
    options = (str(loc.root), loc.shallow, tuple(only or ()), include_vendor, vendor, repr(service))
    memo = Memo.open(loc, (*options, all_code), vendor=vendor) if loc.is_git else None
    warmed = None
    if memo is None or memo.likely_miss(loc):
        _load_scan()
        from golive_tui.core.scan.engine import warm

        warmed = warm(loc, only, vendor=vendor)  # while git lists the tree
        listing.read_index()  # git's ls-files is done long before its status
        if warmed is not None and warmed.cache.cold:  # a first scan: every file is read
            from golive_tui.core.scan.engine import ready_families

            ready_families(warmed.planned[1], listing.listed, discovery=not all_code)
    elif spare:  # a hit or an edit: only while git has not answered, on an otherwise idle core
        _load_scan(until=listing.listed)
        if not listing.listed():
            from golive_tui.core.scan.engine import warm

            # Before the Go family: 8x moby's edit scan 313 -> 307 ms (its shards cost more
            # than the family's import), moby's the same.
            warmed = warm(loc, only, vendor=vendor, until=listing.listed)
        if not listing.listed():
            # What a hit prints, before the Go family (else `answer` reads it): 8x moby's
            # 1.6 MB memo read first held back the plan and the cache (an edit 303 -> 285 ms
            # once after them), read last it came after git's answer (a hit 101 -> 111 ms).
            memo.read_newest()
        _load_go(until=listing.listed)
    else:
        memo.read_newest()  # a likely hit, no core spare: what it prints, while git lists
    if memo is not None:
        text = memo.answer(listing, started, located)
        if text is not None:
            return text
    from golive_tui.core.scan.engine import RunInfo, prepared_scan

    info = RunInfo()
    after = relisted(info, loc, vendor) if memo is not None else []
    report = prepared_scan(
        loc,
        config,
        listing,
        info,
        only=only,
        include_vendor=include_vendor,
        service=service,
        all_code=all_code,
        warmed=warmed,
    )
    # Checked before the document is rendered: git's second listing (2.9 MB on 8x moby, twice
    # that while it is read) is let go before the 3 MB text exists (warm peak 71.7 -> 69.2 MiB).
    keep = memo is not None and bool(after) and memo.still(after.pop()) and info.memoizable
    document = report.to_json()
    text = render(document)
    if memo is not None and keep:
        memo.store(text, document, info.pairs)
    return text


def relisted(
    info: RunInfo, loc: git_listing.Location, vendor: bool
) -> list[git_listing.Listing | None]:
    """What `Memo.still` is given once the run's files are read (`info.after_read`): the tree
    listed again while the families finalize, or None.

    Listed again when the scan read a clean file: one edited after git listed it would
    otherwise store this report under the key of the tree before it. Without the untracked walk
    (~10 ms of git CPU on moby instead of ~50): a file created meanwhile was not read, and is
    in the next key. None when it read no clean file (`RunInfo.clean_reads`): every file's part
    came from the cache by the blob git listed, or from the bytes of a changed file, which
    `still` hashes again. What skipping it buys: git's status and ls-files took the second
    core, and with its threads the first, while the families finalized (8x moby, a warm scan
    whose memo misses: ~220 -> ~180 ms in-process; an edit likewise)."""
    after: list[git_listing.Listing | None] = []
    info.after_read = lambda: after.append(
        git_listing.Listing(loc, include_vendor=vendor, untracked=False)
        if info.clean_reads
        else None
    )
    return after


#: The modules a scan the memo does not answer imports (engine.py imports them as it goes).
_SCAN_MODULES = (
    "golive_tui.core.scan.engine",
    "golive_tui.core.scan.cache",
    "golive_tui.core.scan.families",
    "golive_tui.core.scan.detectors.catalog",
    "golive_tui.core.scan.finalmemo",
    "golive_tui.core.scan.crosscheck",
    "golive_tui.core.scan.target",
    "golive_tui.core.services.scope",
)


def _load_scan(until: Callable[[], bool] | None = None) -> None:
    """Import what the scan needs while git lists the tree: the wait for git's `status` is
    otherwise idle. When the memo will likely miss, all of it. What it buys: moby's warm scan
    whose memo misses 0.90x the wall time (14 alternating pairs, ~10 ms: its ~20 ms of
    imports ran after git answered).

    Otherwise (`until`: whether git has answered) one module at a time, until git answers,
    then the plan and cache (`engine.warm`) and the Go family (`_load_go`), and only when a
    core was spare for git besides this process's (`cores.spare_core`): a scan after an edit
    (a miss no cheap sign announces: HEAD did not move) finds them imported. A trade, measured on moby (quiet machine, 16
    and 12 interleaved runs, with `engine.warm` after it): a scan after editing a Go file
    156 -> 139 ms, a memo hit 70 -> 76 ms (it waits for the step under way when git answers,
    and git shares the machine with it). On a busy machine this work took git's core (hits
    1.08-1.11x at load ~6), hence the spare core. No thread: one that imported meanwhile held
    the interpreter when git answered, and hits waited 3-9 ms."""
    _import(_SCAN_MODULES, until)


def _load_go(until: Callable[[], bool]) -> None:
    """The Go family's modules, leaves first (`go.PARTS`), while `until` is false: what a
    scan after an edit of Go code needs (see `_load_scan`)."""
    if until():
        return
    from golive_tui.core.scan.detectors import go

    _import([f"{go.__name__}.{part}" for part in go.PARTS], until)


def _import(names: Iterable[str], until: Callable[[], bool] | None) -> None:
    """Import `names` in order, asking `until` (if any) before each and stopping when true."""
    import importlib

    for name in names:
        if until is not None and until():
            return
        with contextlib.suppress(ImportError):  # imported again where used, failing there
            importlib.import_module(name)


def _config(root: Path) -> Config | None:
    """The repository's config, parsed only when there is one (importing the parser: ~5 ms)."""
    path = root / _CONFIG
    if not (path.is_symlink() or path.exists()):
        return None
    from golive_tui.core.scan.config import load_config

    return load_config(root)


class Memo:
    """The memos of one repository for one set of scan options: one file per tree seen.

    Each memo file is named after the options and the key (`<options>-<key>.memo`), so the last
    MAX_SLOTS trees scanned stay answerable: undoing an edit or switching back to a branch finds
    the memo its tree left (a miss there cost a warm scan: moby 0.43 s instead of 0.15 s).
    """

    #: Whether a hit prints the scan document (`answer`): `jsontext`, and json with it, are
    #: imported while git lists the tree. The report memo's slots print nothing.
    renders = True

    def __init__(
        self, folder: Path, secret: bytes, options: tuple[object, ...], root: Path
    ) -> None:
        self.folder = folder
        self.secret = secret
        self.root = root
        self.options = options
        slot = blake2b(repr(options).encode("utf-8", "surrogateescape"), digest_size=12)
        self.slot = slot.hexdigest()
        self.digest = b""
        self.files_read = 0
        self.stored: dict[str, Any] | None = None
        self.vendor = False  # whether the scan reads vendor/ (else its changes are not inputs)
        self._stamp: blake2b | None = None  # _golive_stamp(), made while git lists the tree
        self._deps_checked = b""  # the key of a memo whose modules were found unchanged
        self._listed: tuple[bytes, bytes] | None = None  # git's output the key was made of
        # The key's digest once golive's part and git's output are in (`still` goes on from
        # there instead of hashing git's output again: 3 MB on 8x moby, ~3 ms).
        self._listed_digest: blake2b | None = None
        self.newest_mtime = 0  # when the newest memo of these options was written or used
        self.newest: Path | None = None  # its file (read by `read_newest`, or by its key)

    @classmethod
    def open(
        cls, loc: git_listing.Location, options: tuple[object, ...], *, vendor: bool = False
    ) -> Memo | None:
        """The memos for these options, the newest one found (not read: `read_newest`);
        None when memos cannot be used. Another tree's is read by its key."""
        folder = _folder(loc)
        secret = seal.user_key()
        if folder is None or secret is None:
            return None
        memo = cls(folder, secret, options, loc.root)
        memo.vendor = vendor
        # Everything below runs while git lists the tree, so costs no wall time on a hit
        # (moby: ~4 ms it used to add after git answered): golive's part of the key, the
        # newest memo found, and `jsontext` (renders a hit's stats).
        memo._stamp = memo._golive_stamp()
        newest = memo._newest()
        if newest is not None:
            with contextlib.suppress(OSError):
                memo.newest_mtime = newest.stat().st_mtime_ns
            memo.newest = newest
        if cls.renders:
            from golive_tui.core.scan import jsontext  # noqa: F401

        return memo

    def read_newest(self) -> None:
        """Read the newest memo and check its modules, for `answer` (a hit: nothing changed
        since the last scan). The scan memo calls it while git lists the tree, after the plan
        and the cache when a core is spare: a scan after an edit never uses it, and reading it
        first held back that work (8x moby's memo: 1.6 MB read and authenticated, 5-13 ms of
        the wait for git)."""
        if self.newest is None or self.stored is not None:
            return
        self.stored = self._load(self.newest)
        if self.stored is not None and _deps_unchanged(self.stored["deps"]):
            self._deps_checked = self.stored["key"]

    def likely_miss(self, loc: git_listing.Location) -> bool:
        """Whether `answer` will likely find no memo: there is none for these options, or
        HEAD moved since the newest was written or used (its reflog: a pull, a commit, a
        checkout). Only a guess, for `_load_scan`; the key alone decides what is answered.
        Not the index's mtime: any `git status` that refreshes it (the user's, an editor's)
        would make a hit pay the imports (moby: an edit undone, 0.08 -> 0.11 s of CPU)."""
        if self.newest is None:
            return True
        reflog = (loc.git_dir or loc.root / ".git") / "logs" / "HEAD"
        try:
            return reflog.stat().st_mtime_ns > self.newest_mtime
        except OSError:
            return False

    def path(self, key: bytes) -> Path:
        """The memo file of the tree whose key is `key` (the name carries its first 96 bits;
        the whole key is stored inside and compared)."""
        return self.folder / f"{self.slot}-{key[:12].hex()}.memo"

    def _newest(self) -> Path | None:
        """The most recently written or used memo of these options."""
        found = []
        with contextlib.suppress(OSError):  # no folder yet, an entry gone meanwhile
            for entry in os.scandir(self.folder):
                if entry.name.startswith(f"{self.slot}-") and entry.name.endswith(".memo"):
                    found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
        return Path(max(found)[1]) if found else None

    def answer(self, listing: git_listing.Listing, started: float, located: float) -> str | None:
        """The document's text on a hit; None on a miss (the key is kept for `store`)."""
        status_raw, ls_raw = listing.raw()
        listed = time.perf_counter()
        key = self._key(status_raw, ls_raw, self._stamp)
        if key is None:
            return None
        self.digest = key
        self._listed = (status_raw, ls_raw)
        stored, self.stored = self.stored, None  # a miss frees the old document (8x moby: 3 MiB)
        path = self.path(key)
        if stored is None or stored["key"] != key:
            stored = None  # the newest memo let go before another tree's is read
            stored = self._load(path)
        if stored is None or stored["key"] != key:
            return None
        if key != self._deps_checked and not _deps_unchanged(stored["deps"]):
            return None
        with contextlib.suppress(OSError):
            os.utime(path, follow_symlinks=False)  # the tree used last is pruned last
        now = time.perf_counter()
        timings = {"locate": located - started, "list": listed - located, "memo": now - listed}
        run = {
            "cache_hits": stored["pairs"],
            "files_read": self.files_read,
            "parsed_go_files": 0,
            "seconds": round(now - started, 3),
            "timings": {phase: round(t, 4) for phase, t in timings.items()},
        }
        rendered = stored["stats"]  # the members that do not change, as printed
        members = [rendered.get(k) or _member(k, run[k]) for k in stored["order"]]
        return f"{stored['prefix']}{_join(members)}{stored['suffix']}"

    def still(self, listing: git_listing.Listing | None) -> bool:
        """Whether the report can be stored under the key `answer` made: the tree is still the
        one it keyed (the same index, the same tracked changes: `listing` runs without the
        untracked walk), the same bytes in every file that was modified or untracked then, and
        the same golive. `listing` None: the scan read no clean file (RunInfo.clean_reads), so
        the report follows from git's first listing and those bytes alone."""
        if not self.digest or self._listed is None:
            return False
        if listing is not None and not self._same_listing(listing):
            return False
        counted = self.files_read
        try:
            if self._stamp is None or self._golive_stamp().digest() != self._stamp.digest():
                return False  # golive's code changed meanwhile
            return self._key(*self._listed, listed=self._listed_digest) == self.digest
        finally:
            self.files_read = counted

    def _same_listing(self, listing: git_listing.Listing) -> bool:
        from golive_tui.core.errors import GoliveError
        from golive_tui.core.git.worktree import parse_status

        assert self._listed is not None
        try:
            status_raw, ls_raw = listing.raw()  # collected in any case: git is reaped
        except GoliveError:
            return False
        if ls_raw != self._listed[1]:
            return False
        before, now = parse_status(self._listed[0]), parse_status(status_raw)
        tracked = [c for c in self._changes(before.changes) if not c.untracked]
        return (before.head, before.branch, tracked) == (now.head, now.branch, list(now.changes))

    def store(self, text: str, document: dict[str, Any], pairs: int) -> None:
        """Remember `text` under the key `answer` computed (nothing when it could not)."""
        if not self.digest:
            return
        stats = document["stats"]
        # Each member rendered once: found in the text, their join is `stats` as printed (a
        # line that opens with `  "stats": {` is only ever the top-level member: a string
        # holds no line break), so a hit prints it back unchanged.
        members = {k: _member(k, v) for k, v in stats.items()}
        member = _join(list(members.values()))
        at = text.find(f"\n{member},\n")
        if at < 0 or set(_VOLATILE) - set(stats):
            return  # not the shape expected: never store what could not be answered back
        rendered = {k: m for k, m in members.items() if k not in _VOLATILE}
        prefix, suffix = text[: at + 1], text[at + 1 + len(member) :]
        payload = {
            "format": FORMAT,
            "key": self.digest,
            "deps": _deps(),
            "prefix": prefix,
            "suffix": suffix,
            "order": list(stats),
            "stats": rendered,
            "pairs": pairs,
        }
        import marshal

        from golive_tui.core.atomic import write_atomic

        body = marshal.dumps(payload)
        if len(body) + seal.MAC_BYTES > MAX_MEMO_BYTES:
            return
        try:
            # Not fsynced: a memo a crash leaves empty or short fails its MAC and is a miss,
            # and the scan no longer waits for the disk (8x moby's 1.6 MB memo: 3-18 ms).
            sealed = seal.sealed(self.secret, body)
            write_atomic(self.path(self.digest), sealed, mode=0o600, durable=False)
            _prune(self.folder)
        except (OSError, ValueError):
            return  # a memo is only ever a shortcut

    def _load(self, path: Path) -> dict[str, Any] | None:
        data = seal.read_sealed(path, self.secret, MAX_MEMO_BYTES)
        return data if _well_formed(data) else None

    def _golive_stamp(self) -> blake2b:
        """The part of the key that git's answer has no say in: golive and the options."""
        digest = blake2b(digest_size=32)

        def add(*parts: object) -> None:
            digest.update(repr(parts).encode("utf-8", "surrogateescape"))

        add(FORMAT, golive_tui.__version__, sys.version, self.options)
        _code_stamp(add)
        return digest

    def _key(
        self,
        status_raw: bytes,
        ls_raw: bytes,
        stamp: blake2b | None = None,
        *,
        listed: blake2b | None = None,
    ) -> bytes | None:
        """The key of the tree git listed; `stamp`: golive's part, made earlier (else now);
        `listed`: the digest of an earlier call with these `status_raw` and `ls_raw`, after
        them (the files they name as changed are read and hashed again)."""
        if listed is not None:
            digest = listed.copy()
        else:
            digest = (stamp if stamp is not None else self._golive_stamp()).copy()
            digest.update(b"status\0%d\0" % len(status_raw) + status_raw)
            digest.update(b"ls-files\0%d\0" % len(ls_raw) + ls_raw)
            self._listed_digest = digest.copy()

        def add(*parts: object) -> None:
            digest.update(repr(parts).encode("utf-8", "surrogateescape"))

        if not self._dirty(status_raw, digest):
            return None
        if not _golive_files(self.root, add):
            return None
        return digest.digest()

    def _dirty(self, status_raw: bytes, digest: Any) -> bool:
        """Hash the bytes of every modified or untracked file; False when too many."""
        from golive_tui.core.git.worktree import parse_status

        changes = self._changes(parse_status(status_raw).changes)
        if len(changes) > MAX_DIRTY_FILES:
            return False
        total = 0
        for change in changes:
            kind, data = _content(self.root / change.path, MAX_DIRTY_BYTES - total)
            if kind == "over":
                return False
            if kind == "file":
                total += len(data)
                self.files_read += 1
            digest.update(b"%s\0%s\0%d\0" % (os.fsencode(change.path), kind.encode(), len(data)))
            digest.update(data)
        return True

    def _changes(self, changes: Iterable[Change]) -> list[Change]:
        """The changes the scan reads: not vendor/'s when it skips vendor/ (the foreground
        scan's `git status` lists them when it keeps git's untracked cache, see Listing)."""
        if self.vendor:
            return list(changes)
        return [c for c in changes if not git_listing.is_vendored(c.path)]


def _member(key: str, value: object) -> str:
    """One member of `stats` as it prints inside the document (four-space indent).

    Rendered one by one so that a hit renders only what changes (8x moby's
    `excluded_for_target` alone: ~10 ms of pure-Python JSON)."""
    from golive_tui.core.scan import jsontext

    text = jsontext.dumps({"stats": {key: value}})
    return text[len('{\n  "stats": {\n') : -len("\n  }\n}")]


def _join(members: list[str]) -> str:
    return '  "stats": {\n' + ",\n".join(members) + "\n  }"


def _well_formed(data: object) -> bool:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return False
    types = {
        "key": bytes,
        "deps": list,
        "prefix": str,
        "suffix": str,
        "order": list,
        "stats": dict,
        "pairs": int,
    }
    if not all(isinstance(data.get(k), t) for k, t in types.items()):
        return False
    deps_ok = all(
        isinstance(d, list)
        and len(d) == 3
        and isinstance(d[0], str)
        and all(isinstance(x, int) for x in d[1:])
        for d in data["deps"]
    )
    stats, order = data["stats"], data["order"]
    known = set(stats) | set(_VOLATILE)
    members_ok = all(isinstance(k, str) and isinstance(v, str) for k, v in stats.items())
    return deps_ok and members_ok and all(isinstance(k, str) and k in known for k in order)


def _folder(loc: git_listing.Location) -> Path | None:
    if loc.common_dir is None:
        return None
    return loc.common_dir / "golive" / "cache" / "reports"


def _prune(folder: Path) -> None:
    """Keep the MAX_SLOTS most recently written or used memos, MAX_TOTAL_BYTES in all."""
    memos = []
    for entry in os.scandir(folder):
        if entry.name.endswith(".memo") and entry.is_file(follow_symlinks=False):
            info = entry.stat(follow_symlinks=False)
            memos.append((info.st_mtime_ns, info.st_size, entry.path))
    total = 0
    for rank, (_, size, path) in enumerate(sorted(memos, reverse=True)):
        total += size
        if rank >= MAX_SLOTS or (rank > 0 and total > MAX_TOTAL_BYTES):
            with contextlib.suppress(OSError):
                Path(path).unlink()
