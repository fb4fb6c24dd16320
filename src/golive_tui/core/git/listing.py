"""The repository's file list: where the repository is, and which files a scan sees.

The scan's hot path runs three git plumbing commands: `rev-parse` (one call) to locate the
repository, then `ls-files -s` for the tracked files with their index blob SHAs and `status
--porcelain=v2` for HEAD, branch, and which files differ from the index or are untracked, those
two at once (`Listing`). A commit's tree comes from `ls-tree`. Every command goes through the
runner (hardened environment, C locale, no repository-configured program, no optional locks).
A plain directory that is not a repository is walked directly (with a warning), so `golive
scan` still works on an unpacked tarball.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from functools import partial
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import cast

from golive_tui.core.errors import RepoError
from golive_tui.core.git.runner import (
    ConfigQuery,
    collect,
    communicate,
    git_out,
    git_run,
    named_gitdir,
    start,
    untracked_cache_configured,
)
from golive_tui.core.git.worktree import BRANCH, STATUS, UNTRACKED_CACHE, Change, parse_status
from golive_tui.core.tuples import NamedTuple

#: Seconds the working tree's `status` / `ls-files` may take (generous: huge monorepos).
GIT_TIMEOUT = 600.0

MODE_SYMLINK = 0o120000
MODE_GITLINK = 0o160000
MODE_FILE = 0o100644
#: The modes an index holds, parsed once: each file's RepoFile shares the int (an int this
#: large is an object of its own: 26k of them, 0.7 MiB, for 8x moby's listing).
_MODES = {f"{mode:o}": mode for mode in (MODE_FILE, 0o100755, MODE_SYMLINK, MODE_GITLINK)}

_VENDOR = "vendor"
#: The modes `_index_fast` makes files of (a submodule's is left to the loop).
_FILE_MODES = frozenset(m for m, v in _MODES.items() if v != MODE_GITLINK)


def is_vendored(path: str) -> bool:
    """Whether a repository-relative path lies under a `vendor/` directory at any depth."""
    return path.startswith("vendor/") or "/vendor/" in path


# The value types of this module and worktree.py are NamedTuples, not frozen slots dataclasses:
# a warm `golive scan` answered from the memo imports only these two modules of the scan, and
# `dataclasses` (inspect, ast, dis, tokenize) plus five class creations cost ~6 ms of its ~90.
class RepoFile(NamedTuple):
    """One file in the snapshot being scanned.

    `blob` is the git blob SHA when git already knows the content as scanned (a clean tracked
    file, or any file of a commit's tree); None when it must be hashed from the bytes read
    (untracked or modified files) or when the directory is not a repository at all.
    """

    path: str  # repository-relative, forward slashes
    blob: str | None
    mode: int = MODE_FILE
    size: int | None = None  # known up front only for commit trees

    @property
    def is_symlink(self) -> bool:
        return self.mode == MODE_SYMLINK


class Snapshot(NamedTuple):
    """What a scan sees: repository identity plus every file in it (submodules excluded)."""

    root: Path
    head: str | None
    branch: str | None
    dirty: bool
    is_git: bool
    shallow: bool
    files: tuple[RepoFile, ...]
    warnings: tuple[str, ...]
    commit: str | None = None  # set when the snapshot is a commit's tree, not the working tree


# --------------------------------------------------------------------------- locating


class Location(NamedTuple):
    root: Path
    is_git: bool
    shallow: bool = False
    git_dir: Path | None = None
    common_dir: Path | None = None


_REV_PARSE = [
    "rev-parse",
    "--is-bare-repository",
    "--is-inside-work-tree",
    "--is-shallow-repository",
    "--path-format=absolute",
    "--git-dir",
    "--git-common-dir",
    "--show-toplevel",
]


#: Working trees located while a command opens (`remembering_roots`): folder -> Location.
_REMEMBERED: dict[Path, Location] | None = None


@contextlib.contextmanager
def remembering_roots() -> Iterator[None]:
    """Within, `locate` (and `worktree_root`) answers a folder located already without asking
    git again, and `release.state_dir` takes the common dir from that answer.

    What it buys: opening the walker asked git where the repository is four times (the
    command, its service map, the session, the draft store: a `git rev-parse` and a `git
    config` each, and `git rev-parse --git-common-dir` twice more), ~5 ms of process start
    and wait each. Only for a command's opening (the walk's service picker included): a
    long-lived walker asks afresh afterwards, so nothing it learned goes stale. A folder's
    answer stands for its root too only when git run in the root finds the same repository
    (`_root_alike`). One thread opens a command: this memory is the process's, not a
    thread's."""
    global _REMEMBERED
    outer = _REMEMBERED
    if outer is None:
        _REMEMBERED = {}
    try:
        yield
    finally:
        _REMEMBERED = outer


def remembered(root: Path) -> Location | None:
    """The Location found for `root` within `remembering_roots`, else None."""
    return None if _REMEMBERED is None else _REMEMBERED.get(root)


def locate(path: Path) -> Location:
    """Find the repository holding `path` (any sub-folder works); a plain directory otherwise.

    Within `remembering_roots` a folder located already (or the root it was found in) is
    answered from memory."""
    path = Path(path)
    if not path.exists():
        raise RepoError(f"{path}: no such file or directory")
    where = path if path.is_dir() else path.parent
    memo = _REMEMBERED
    if memo is None:
        return _locate(where)
    key = where.resolve()
    loc = memo.get(key)
    if loc is None:
        loc = _locate(where)
        if loc.is_git:  # a refusal or a plain folder is asked again (it may be one by then)
            memo[key] = loc
            if _root_alike(key, loc):
                memo[loc.root] = loc
    return loc


def _locate(where: Path) -> Location:
    if "\n" in str(where.resolve()):  # git prints paths one per line: it could not be told apart
        raise RepoError(
            f"{str(where.resolve())!r}: a path containing a newline is not supported "
            "(git's answers about it cannot be read unambiguously); rename the folder"
        )
    if not os.access(where, os.R_OK | os.X_OK):
        raise RepoError(f"{where}: permission denied")
    try:
        proc = start(where, _REV_PARSE, repo=False)
    except OSError:  # no git executable: nothing here can be a repository to golive
        return Location(root=where.resolve(), is_git=False)
    query = ConfigQuery(where)  # at the same time: the first git command there needs it
    loc: Location | None = None
    try:
        loc = _located(where, proc)
    finally:
        # Kept as the root's only when git, run in the root, reads the same repository's
        # config: every later command runs there, and switches off the filter drivers this
        # answer names. A repository whose config sets core.worktree to a folder holding
        # another repository would otherwise have that one's drivers run.
        alike = loc is not None and loc.is_git and _root_alike(where.resolve(), loc)
        query.keep(loc.root if loc is not None and alike else None)
    return loc


def _root_alike(where: Path, loc: Location) -> bool:
    """Whether git run in `loc.root` finds the repository it found from `where` (resolved):
    the same folder, or a root whose `.git` (a folder, or a file naming one) is the git dir
    found. Not when GIT_DIR or GIT_WORK_TREE is set (a relative one depends on the folder)."""
    if where == loc.root:
        return True
    if loc.git_dir is None or "GIT_DIR" in os.environ or "GIT_WORK_TREE" in os.environ:
        return False
    dotgit = loc.root / ".git"
    try:
        if dotgit.is_file():
            named = named_gitdir(loc.root)
            if named is None:
                return False
            found = named.resolve()
        else:
            found = dotgit.resolve()
        return found == loc.git_dir.resolve()
    except (OSError, RuntimeError):
        return False


def _located(where: Path, proc: subprocess.Popen[bytes]) -> Location:
    out, err = communicate(proc, "rev-parse", timeout=60)
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    # `--show-toplevel` fails in a bare repository or inside .git, after printing the rest.
    if len(lines) >= 5 and all(v in ("true", "false") for v in lines[:3]):
        bare, inside, shallow = (v == "true" for v in lines[:3])
        if bare:
            raise RepoError(
                f"{where}: is a bare repository (no working tree); "
                "run golive in a clone or a worktree of it"
            )
        if not inside:
            raise RepoError(
                f"{where}: is inside the .git directory; run golive from the working tree"
            )
    if proc.returncode != 0 or len(lines) < 6:
        stderr = err.decode("utf-8", "replace")
        if "not a git repository" in stderr:
            return Location(root=where.resolve(), is_git=False)
        detail = stderr.strip() or f"exit status {proc.returncode}"
        raise RepoError(f"{where}: git cannot read this repository: {detail}")
    return Location(
        root=Path(lines[5]),
        is_git=True,
        shallow=shallow,
        git_dir=Path(lines[3]),
        common_dir=Path(lines[4]),
    )


def worktree_root(path: Path) -> Path:
    """The top of the git working tree holding `path`, for commands that need a repository.

    Every refusal is one line naming the folder: missing, not a folder, a bare repository,
    inside `.git`, or not in a repository at all.
    """
    where = Path(path).resolve()
    if not where.exists():
        raise RepoError(f"{where}: no such directory")
    if not where.is_dir():
        raise RepoError(f"{where}: not a directory")
    loc = locate(where)
    if not loc.is_git:
        raise RepoError(
            f"{where}: not inside a git repository (golive keeps drafts and records in one); "
            "name one with -C PATH, run `git init`, or try `golive demo`"
        )
    return loc.root


def repository_at(path: Path) -> Path | None:
    """The working tree holding `path`, or None (shipped definitions only); a missing path is an error."""
    where = Path(path).resolve()
    if not where.exists():
        raise RepoError(f"{where}: no such directory")
    if not where.is_dir():
        raise RepoError(f"{where}: not a directory")
    try:
        loc = locate(where)
    except RepoError:
        return None  # a bare repository or .git itself: nothing repository-local to read
    return loc.root if loc.is_git else None


# --------------------------------------------------------------------------- working tree


def _split_z(raw: bytes) -> list[str]:
    # One decode for the whole output (same result as os.fsdecode per path, 10x cheaper).
    return [part for part in raw.decode("utf-8", "surrogateescape").split("\0") if part]


def working_tree(loc: Location, *, include_vendor: bool = False) -> Snapshot:
    """The working tree as it is now: tracked files (index blobs), untracked-not-ignored files."""
    return Listing(loc, include_vendor=include_vendor).snapshot(include_vendor=include_vendor)


class Listing:
    """The working tree's file list, started in the background.

    Creating one starts `git status` and `git ls-files` at once; `snapshot()` collects them.
    The engine does its own start-up work (loading detector families, the cache) in between,
    so the ~50 ms `git status` takes on a 13k-file repository overlaps with it.
    """

    def __init__(
        self,
        loc: Location,
        *,
        include_vendor: bool = False,
        refresh_index: bool = False,
        untracked: bool = True,
    ) -> None:
        self.loc = loc
        #: When git was started (time.monotonic): a tree state whose git had exited before
        #: this is no newer than what this listing saw (worktree.PendingState.exited_at).
        self.started_at = time.monotonic()
        self.include_vendor = include_vendor  # whether git's listing keeps vendor/
        # vendor/ is usually most of a Go repository's files: let git drop it, in C.
        spec = [] if include_vendor else ["--", ":(exclude,glob)**/vendor/**"]
        self._procs: tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]] | None = None
        #: Whether `status` ran without the vendor/ pathspec (its vendored changes are dropped
        #: when the listing is read).
        self.whole_status = False
        if loc.is_git:
            # `refresh_index`: status writes back the stat data it refreshed (runner.start).
            # What it buys: after a copy, a CI cache restore or touched mtimes, every later
            # scan's status re-hashed every file (moby warm: status 0.31-0.41 s, 0.09 s once
            # written back); now the first scan pays that once.
            locks = [] if refresh_index else ["--no-optional-locks"]
            config: list[tuple[str, str]] = []
            status_spec = spec
            if untracked and refresh_index and _untracked_cache(loc.root):
                # git's untracked cache (the index's UNTR extension, written back with the
                # refreshed stat data): the walk for untracked files re-reads only folders
                # whose mtime changed. moby: status 52 -> 35 ms wall on the runs after the
                # first (its walk was ~40 ms of it). git keeps it only for whole-tree runs in
                # the mode it was made for: no pathspec (vendor/ is dropped here instead; its
                # tracked files cost ~10 ms of the 35) and -uall as the configured mode (git
                # from 2022 on; an older one bypasses the cache for -uall and pays that 10 ms).
                config = list(UNTRACKED_CACHE)
                if _few_cores():
                    # git's index preload stats every tracked file from threads, one per core:
                    # on two cores it took the one golive's own start-up ran on. One thread
                    # leaves it: moby's warm scan whose memo misses 0.94x (105.9 -> 99.6 ms,
                    # 21 paired runs), 8x moby 0.94x, after an edit 0.97x, a memo hit and a
                    # cold scan unchanged.
                    config.append(("core.preloadIndex", "false"))
                status_spec = []
                self.whole_status = not include_vendor
            status = start(
                loc.root,
                [
                    *locks,
                    *STATUS,
                    *BRANCH,
                    "--untracked-files=all" if untracked else "--untracked-files=no",
                    "--ignore-submodules=all",
                    *status_spec,
                ],
                refresh=refresh_index,
                config=config,
                spool=True,
            )
            ls_files = start(loc.root, ["ls-files", "-s", "-z", *spec], spool=True)
            self._procs = (status, ls_files)
        self._raw: tuple[bytes, bytes] | None = None
        self._ls_raw: bytes | None = None  # git's ls-files output, once read ahead
        self._index: IndexParts | None = None  # and its records (`read_index`)

    def listed(self) -> bool:
        """Whether git has answered (both commands exited, or the output was read)."""
        procs = self._procs
        return procs is None or all(proc.poll() is not None for proc in procs)

    def read_index(self) -> None:
        """Read git's ls-files output and its records now, ahead of `status` (which walks the
        working tree: ~4x longer). What it buys: the scan memo calls it while git's status
        runs, and a scan that misses the memo then only applies the changed files to the
        records (moby: ~2 ms of every such scan, 8x moby ~15)."""
        if self._procs is None or self._ls_raw is not None:
            return
        self._ls_raw = collect(self._procs[1], "ls-files", timeout=GIT_TIMEOUT)
        self._index = _index_parts(self._ls_raw, self.include_vendor)

    def serves(self, loc: Location, include_vendor: bool) -> bool:
        """Whether this listing lists what one of `loc` with `include_vendor` would: a scan
        handed a listing made for something else (another repository, the other vendor
        setting) lists the tree itself."""
        return self.loc.root == loc.root and self.include_vendor == include_vendor

    def raw(self) -> tuple[bytes, bytes]:
        """`git status` and `git ls-files` output as git printed it (the scan memo's key)."""
        if self._raw is None:
            if self._procs is None:
                raise RepoError(f"{self.loc.root}: not a git repository")
            status, ls_files = self._procs
            ls_raw = self._ls_raw
            if ls_raw is None:
                ls_raw = collect(ls_files, "ls-files", timeout=GIT_TIMEOUT)
            status_raw = collect(status, "status", timeout=GIT_TIMEOUT)
            self._raw = (status_raw, ls_raw)
            # communicate() leaves the output's 32 KB chunks on the Popen objects: without them
            # the listing holds git's output once (8x moby: 2.9 MiB less per listing, and a
            # scan that misses the memo holds two).
            self._procs = None
        return self._raw

    def snapshot(self, *, include_vendor: bool = False) -> Snapshot:
        if not self.loc.is_git:
            return _plain_directory(self.loc.root, include_vendor=include_vendor)
        status_raw, ls_raw = self.raw()
        index = self._index if include_vendor == self.include_vendor else None
        return _parse_listing(self.loc, status_raw, ls_raw, include_vendor, index)


def _few_cores() -> bool:
    """Whether this process may run on two processors or fewer (git and golive share them)."""
    from golive_tui.core.processors import cpus

    return cpus() <= 2


def _untracked_cache(root: Path) -> bool:
    """Whether the foreground scan's `git status` keeps git's untracked cache: only when it
    may write the index (GIT_OPTIONAL_LOCKS=0 says no) and no git config sets
    core.untrackedCache (an explicit false, or the user's own choice, is left as it is)."""
    return os.environ.get("GIT_OPTIONAL_LOCKS") != "0" and not untracked_cache_configured(root)


def _parse_listing(
    loc: Location,
    status_raw: bytes,
    ls_raw: bytes,
    include_vendor: bool,
    index: IndexParts | None = None,
) -> Snapshot:
    warnings: list[str] = []
    changed: set[str] = set()  # working tree differs from the index: hash what is on disk
    deleted: set[str] = set()
    untracked: list[str] = []
    nested: list[str] = []
    status = parse_status(status_raw)
    for change in status.changes:
        if include_vendor or not is_vendored(change.path):  # see Listing.whole_status
            _classify(change, changed, deleted, untracked, nested)

    if index is not None and not deleted:  # read ahead (Listing.read_index)
        files: list[RepoFile] | None = _index_files(index, changed)
    else:
        files = _index_fast(ls_raw, changed, deleted, include_vendor)
    submodules: list[str] = []
    if files is None:
        files, submodules, seen = _index_loop(ls_raw, changed, deleted, include_vendor)
    else:  # no path listed twice, none dropped: every path listed is seen
        seen = set(map(path_of, files)) if untracked else set()
    for path in untracked:
        if path in seen or (not include_vendor and is_vendored(path)):
            continue
        mode = MODE_SYMLINK if (loc.root / path).is_symlink() else MODE_FILE
        files.append(RepoFile(path, None, mode))
    files.sort(key=path_of)

    if submodules:
        warnings.append(
            f"{len(submodules)} submodule(s) not entered: {', '.join(submodules[:5])}"
            + (" ..." if len(submodules) > 5 else "")
        )
    if nested:
        warnings.append(f"nested repositories not entered: {', '.join(nested[:5])}")
    if loc.shallow:
        warnings.append("shallow clone: history is truncated (evidence covers the checkout only)")
    if status.head is None:
        warnings.append("repository has no commits yet")
    dirty = bool(changed or deleted or untracked)
    return Snapshot(
        root=loc.root,
        head=status.head,
        branch=status.branch,
        dirty=dirty,
        is_git=True,
        shallow=loc.shallow,
        files=tuple(files),
        warnings=tuple(warnings),
    )


def _index_loop(
    ls_raw: bytes, changed: set[str], deleted: set[str], include_vendor: bool
) -> tuple[list[RepoFile], list[str], set[str]]:
    """The index's files (with their paths), and its submodules, one record at a time."""
    files: list[RepoFile] = []
    submodules: list[str] = []
    seen: set[str] = set()
    for record in _split_z(ls_raw):
        meta, _, path = record.partition("\t")
        mode_s, sha, _stage = meta.split(" ")
        mode = _MODES.get(mode_s) or int(mode_s, 8)
        if mode == MODE_GITLINK:
            submodules.append(path)
            continue
        if path in seen or path in deleted:  # unmerged paths appear once per stage
            continue
        if not include_vendor and is_vendored(path):
            continue
        seen.add(path)
        clean = path not in changed
        files.append(RepoFile(path, sha if clean else None, mode))
    return files, submodules, seen


path_of = itemgetter(0)  # RepoFile.path, in C (`map(path_of, files)`)
_new_file = partial(tuple.__new__, RepoFile)  # RepoFile(path, blob, mode, size), in C


#: The index's records read ahead of git's status (`Listing.read_index`): paths, blobs and
#: modes, in the listing's order.
IndexParts = tuple[list[str], list[str | None], list[int]]


def _index_fast(
    ls_raw: bytes, changed: set[str], deleted: set[str], include_vendor: bool
) -> list[RepoFile] | None:
    """The index's files in the usual case (every entry at stage 0, no submodule, nothing
    deleted or vendored to drop, no tab in a path), read with splits and joins in C, the
    files made without a Python call each; None otherwise (`_index_loop` reads everything).

    What it buys: reading 8x moby's listing (26.5k entries, 3 MB) 25 -> 18 ms of CPU for
    every scan that misses the memo (best of 5, interleaved; most of the rest is splitting
    and freeing the strings), its peak of memory 14.2 -> 9.9 MB (each big intermediate let
    go as soon as it is read); the files are the same tuples
    (tests/core/git/test_listing_fast.py)."""
    if deleted:
        return None
    parts = _index_parts(ls_raw, include_vendor)
    return None if parts is None else _index_files(parts, changed)


def _index_parts(ls_raw: bytes, include_vendor: bool) -> IndexParts | None:
    """`_index_fast`'s reading of `git ls-files -s` alone, which needs nothing of git's
    status (None: the loop decides)."""
    text = ls_raw.decode("utf-8", "surrogateescape")
    count = text.count("\0")  # records: "<mode> <blob> <stage>\t<path>\0"
    if not count or text.count("\t") != count:
        return None
    text = text.replace("\t", "\0")
    if not include_vendor and "vendor/" in text:
        return None  # a path to drop, or only one like it: the loop decides
    parts = text.split("\0")
    del text
    if len(parts) != 2 * count + 1:
        return None
    metas, paths = parts[0:-1:2], parts[1::2]
    del parts
    joined = " ".join(metas)
    del metas
    fields = joined.split(" ")
    del joined
    if len(fields) != 3 * count:
        return None
    modes, stages = fields[0::3], fields[2::3]
    blobs = cast("list[str | None]", fields[1::3])
    del fields
    if set(stages) != {"0"} or not set(modes) <= _FILE_MODES:
        return None  # a merge in progress, a submodule or a mode of another git
    return paths, blobs, list(map(_MODES.__getitem__, modes))


def _index_files(parts: IndexParts, changed: set[str]) -> list[RepoFile]:
    """The files of `_index_parts`, with no blob where the working tree differs (a modified
    file is hashed from the bytes read)."""
    paths, blobs, modes = parts
    if len(changed) > 16:
        blobs = [None if p in changed else b for p, b in zip(paths, blobs, strict=True)]
    elif changed:  # usually none or a few: each found by a scan in C
        blobs = list(blobs)  # the parts stay as read (a second snapshot asks them again)
        for path in changed:
            with contextlib.suppress(ValueError):  # changed but not in the index
                blobs[paths.index(path)] = None
    return list(map(_new_file, zip(paths, blobs, modes, repeat(None))))


def _classify(
    change: Change, changed: set[str], deleted: set[str], untracked: list[str], nested: list[str]
) -> None:
    if change.untracked:
        (nested if change.path.endswith("/") else untracked).append(change.path)
    elif change.unmerged:
        changed.add(change.path)
    elif change.xy[1] == "D":
        deleted.add(change.path)
    elif change.xy[1] != ".":
        changed.add(change.path)
    # A staged-only change leaves the working tree equal to the index: its index blob holds.


def _plain_directory(root: Path, *, include_vendor: bool) -> Snapshot:
    files = [RepoFile(path, None, mode) for path, mode in _walk(root, "", include_vendor)]
    files.sort(key=lambda f: f.path)
    return Snapshot(
        root=root,
        head=None,
        branch=None,
        dirty=False,
        is_git=False,
        shallow=False,
        files=tuple(files),
        warnings=(
            f"{root} is not a git repository: scanning the directory as is "
            "(no blob SHAs, no cache, nothing ignored except vendor/)",
        ),
    )


def _walk(base: Path, prefix: str, include_vendor: bool) -> Iterator[tuple[str, int]]:
    try:
        entries = list(os.scandir(base / prefix if prefix else base))
    except OSError:
        return
    for entry in entries:
        if entry.name == ".git":
            continue
        rel = f"{prefix}{entry.name}"
        if entry.is_symlink():
            yield rel, MODE_SYMLINK
        elif entry.is_dir(follow_symlinks=False):
            if entry.name == _VENDOR and not include_vendor:
                continue
            yield from _walk(base, rel + "/", include_vendor)
        elif entry.is_file(follow_symlinks=False):
            yield rel, MODE_FILE


# --------------------------------------------------------------------------- commit trees


def tree_blobs(root: Path, commit: str) -> dict[str, str]:
    """path -> blob id of every file in `commit`'s tree (one `ls-tree` call); {} if unreadable."""
    listing = git_out(root, "ls-tree", "-r", "-z", "--full-tree", commit) or ""
    blobs: dict[str, str] = {}
    for entry in listing.split("\0"):
        meta, _, path = entry.partition("\t")
        kind_sha = meta.split()
        if len(kind_sha) == 3 and kind_sha[1] == "blob":
            blobs[path] = kind_sha[2]
    return blobs


def resolve_commit(loc: Location, commit: str) -> str:
    """Full SHA of a commit-ish, or RepoError naming what could not be resolved."""
    if not loc.is_git:
        raise RepoError(f"{loc.root}: not a git repository, cannot scan commit {commit!r}")
    proc = git_run(
        loc.root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{commit}^{{commit}}"
    )
    if proc is None or proc.returncode != 0:
        raise RepoError(f"{commit!r}: not a commit in {loc.root}")
    return proc.stdout.strip()


def commit_tree(loc: Location, commit: str, *, include_vendor: bool = False) -> Snapshot:
    """A commit's tree, read from git objects only: the working tree is never looked at."""
    sha = resolve_commit(loc, commit)
    try:
        proc = start(loc.root, ["ls-tree", "-r", "-l", "-z", "--full-tree", sha])
    except OSError as exc:
        raise RepoError(f"git ls-tree: git could not run ({exc})") from None
    raw = collect(proc, "ls-tree", timeout=GIT_TIMEOUT)
    files: list[RepoFile] = []
    submodules: list[str] = []
    for record in _split_z(raw):
        meta, _, path = record.partition("\t")
        mode_s, _type, blob, size_s = meta.split(maxsplit=3)
        mode = int(mode_s, 8)
        if mode == MODE_GITLINK:
            submodules.append(path)
            continue
        if not include_vendor and is_vendored(path):
            continue
        size = int(size_s) if size_s.strip().isdigit() else None
        files.append(RepoFile(path, blob, mode, size))
    warnings = []
    if submodules:
        warnings.append(f"{len(submodules)} submodule(s) not entered: {', '.join(submodules[:5])}")
    if loc.shallow:
        warnings.append("shallow clone: history is truncated (evidence covers the checkout only)")
    return Snapshot(
        root=loc.root,
        head=sha,
        branch=None,
        dirty=False,
        is_git=True,
        shallow=loc.shallow,
        files=tuple(files),
        warnings=tuple(warnings),
        commit=sha,
    )
