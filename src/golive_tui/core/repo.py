"""The one place that reads the repository: git state, the file list, and file contents.

The scan's hot path runs three git plumbing commands directly through `subprocess`:
`rev-parse` (one call) to locate the repository, then `ls-files -s` for the tracked files with
their index blob SHAs and `status --porcelain=v2` for HEAD, branch, and which files differ from
the index or are untracked, those two at once. Everything else (a commit's tree through
`ls-tree` + `cat-file --batch`, history, config) goes through GitPython, imported only when
needed: importing GitPython costs ~40 ms of CPU per process (it also runs `git version`), more
than the whole warm scan of a large repository spends in its own work, and the three commands
need nothing from it. Both paths run git in the one hardened environment of core/git/runner.py
(C locale, no repository-configured program, no optional locks).
A plain directory that is not a repository is walked directly (with a warning), so
`golive scan` still works on an unpacked tarball.

Contents are read defensively (`FileReader`): size cap, binary and Git LFS pointer detection,
symlinks never followed, unreadable files reported instead of raised. Every skip carries a
reason so the engine can report it rather than silently scanning less.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from golive_tui.core.errors import RepoError
from golive_tui.core.git.runner import git_env, git_executable

if TYPE_CHECKING:
    from git.cmd import Git

#: Seconds the working tree's `status` / `ls-files` may take (generous: huge monorepos).
GIT_TIMEOUT = 600.0

#: Default cap on the size of a file golive reads (bytes); larger files are skipped and reported.
DEFAULT_MAX_FILE_SIZE = 1024 * 1024

MODE_SYMLINK = 0o120000
MODE_GITLINK = 0o160000
MODE_FILE = 0o100644

_LFS_PREFIX = b"version https://git-lfs.github.com/spec/v1"
_VENDOR = "vendor"
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def is_vendored(path: str) -> bool:
    """Whether a repository-relative path lies under a `vendor/` directory at any depth."""
    return path.startswith("vendor/") or "/vendor/" in path


def blob_sha(data: bytes) -> str:
    """Git's blob id for `data` (what `git hash-object` prints), without running git."""
    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class RepoFile:
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


@dataclass(frozen=True, slots=True)
class Snapshot:
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


@dataclass(frozen=True, slots=True)
class Skip:
    """Why a file's content was not scanned (reported in stats, never silent)."""

    reason: str


# --------------------------------------------------------------------------- locating


@dataclass(frozen=True, slots=True)
class Location:
    root: Path
    is_git: bool
    shallow: bool = False
    git_dir: Path | None = None
    common_dir: Path | None = None


def _git(cwd: Path) -> Git:
    # GitPython costs ~40 ms to import (it runs `git version` at import time too), so it is
    # imported only when a commit's objects are actually read.
    from git.cmd import Git

    git = Git(str(cwd))
    git.update_environment(**git_env(cwd))
    return git


def _start(cwd: Path, args: list[str], *, repo: bool = True) -> subprocess.Popen[bytes]:
    """Start `git <args>` in `cwd` (OSError when git cannot be run at all).

    `repo=False` before the repository is located: no lookup of its filter drivers yet.
    """
    return subprocess.Popen(
        [git_executable(), *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=git_env(cwd if repo else None),
    )


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


def locate(path: Path) -> Location:
    """Find the repository holding `path` (any sub-folder works); a plain directory otherwise."""
    path = Path(path)
    if not path.exists():
        raise RepoError(f"{path}: no such file or directory")
    start = path if path.is_dir() else path.parent
    if "\n" in str(start.resolve()):  # git prints paths one per line: it could not be told apart
        raise RepoError(
            f"{str(start.resolve())!r}: a path containing a newline is not supported "
            "(git's answers about it cannot be read unambiguously); rename the folder"
        )
    if not os.access(start, os.R_OK | os.X_OK):
        raise RepoError(f"{start}: permission denied")
    try:
        proc = _start(start, _REV_PARSE, repo=False)
    except OSError:  # no git executable: nothing here can be a repository to golive
        return Location(root=start.resolve(), is_git=False)
    out, err = _communicate(proc, "rev-parse", timeout=60)
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    # `--show-toplevel` fails in a bare repository or inside .git, after printing the rest.
    if len(lines) >= 5 and all(v in ("true", "false") for v in lines[:3]):
        bare, inside, shallow = (v == "true" for v in lines[:3])
        if bare:
            raise RepoError(
                f"{start}: is a bare repository (no working tree); "
                "run golive in a clone or a worktree of it"
            )
        if not inside:
            raise RepoError(
                f"{start}: is inside the .git directory; run golive from the working tree"
            )
    if proc.returncode != 0 or len(lines) < 6:
        stderr = err.decode("utf-8", "replace")
        if "not a git repository" in stderr:
            return Location(root=start.resolve(), is_git=False)
        detail = stderr.strip() or f"exit status {proc.returncode}"
        raise RepoError(f"{start}: git cannot read this repository: {detail}")
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

    def __init__(self, loc: Location, *, include_vendor: bool = False) -> None:
        self.loc = loc
        # vendor/ is usually most of a Go repository's files: let git drop it, in C.
        spec = [] if include_vendor else ["--", ":(exclude,glob)**/vendor/**"]
        self._procs: tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]] | None = None
        if loc.is_git:
            status = _start(
                loc.root,
                [
                    "--no-optional-locks",
                    "status",
                    "--porcelain=v2",
                    "-z",
                    "--branch",
                    "--untracked-files=all",
                    "--ignore-submodules=all",
                    *spec,
                ],
            )
            ls_files = _start(loc.root, ["ls-files", "-s", "-z", *spec])
            self._procs = (status, ls_files)

    def snapshot(self, *, include_vendor: bool = False) -> Snapshot:
        if self._procs is None:
            return _plain_directory(self.loc.root, include_vendor=include_vendor)
        status, ls_files = self._procs
        ls_raw = _collect(ls_files, "ls-files")
        status_raw = _collect(status, "status")
        return _parse_listing(self.loc, status_raw, ls_raw, include_vendor)


def _communicate(
    proc: subprocess.Popen[bytes], what: str, *, timeout: float
) -> tuple[bytes, bytes]:
    """A started git command's output; a RepoError, not a hang, when it runs past `timeout`."""
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RepoError(f"git {what} did not finish within {timeout:.0f}s") from None


def _collect(proc: subprocess.Popen[bytes], what: str) -> bytes:
    """All of a started git command's output; RepoError with git's message if it failed."""
    out, err = _communicate(proc, what, timeout=GIT_TIMEOUT)
    if proc.returncode != 0:
        message = err.decode("utf-8", "replace").strip() or f"exit status {proc.returncode}"
        raise RepoError(f"git {what} failed: {message}")
    return out


def _parse_listing(
    loc: Location, status_raw: bytes, ls_raw: bytes, include_vendor: bool
) -> Snapshot:
    warnings: list[str] = []
    head: str | None = None
    branch: str | None = None
    changed: set[str] = set()  # working tree differs from the index: hash what is on disk
    deleted: set[str] = set()
    untracked: list[str] = []
    nested: list[str] = []
    fields = _split_z(status_raw)
    i = 0
    while i < len(fields):
        entry = fields[i]
        i += 1
        kind = entry[:1]
        if kind == "#":
            key, _, value = entry[2:].partition(" ")
            if key == "branch.oid" and value != "(initial)":
                head = value
            elif key == "branch.head" and value != "(detached)":
                branch = value
        elif kind == "1":
            parts = entry.split(" ", 8)
            xy, path = parts[1], parts[8]
            _classify(xy, path, changed, deleted)
        elif kind == "2":
            parts = entry.split(" ", 9)
            xy, path = parts[1], parts[9]
            i += 1  # the original path follows as its own field
            _classify(xy, path, changed, deleted)
        elif kind == "u":
            parts = entry.split(" ", 10)
            changed.add(parts[10])
        elif kind == "?":
            path = entry[2:]
            if path.endswith("/"):
                nested.append(path)
            else:
                untracked.append(path)

    files: list[RepoFile] = []
    submodules: list[str] = []
    seen: set[str] = set()
    for record in _split_z(ls_raw):
        meta, _, path = record.partition("\t")
        mode_s, sha, _stage = meta.split(" ")
        mode = int(mode_s, 8)
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
    for path in untracked:
        if path in seen or (not include_vendor and is_vendored(path)):
            continue
        mode = MODE_SYMLINK if (loc.root / path).is_symlink() else MODE_FILE
        files.append(RepoFile(path, None, mode))
    files.sort(key=lambda f: f.path)

    if submodules:
        warnings.append(
            f"{len(submodules)} submodule(s) not entered: {', '.join(submodules[:5])}"
            + (" ..." if len(submodules) > 5 else "")
        )
    if nested:
        warnings.append(f"nested repositories not entered: {', '.join(nested[:5])}")
    if loc.shallow:
        warnings.append("shallow clone: history is truncated (evidence covers the checkout only)")
    if head is None:
        warnings.append("repository has no commits yet")
    dirty = bool(changed or deleted or untracked)
    return Snapshot(
        root=loc.root,
        head=head,
        branch=branch,
        dirty=dirty,
        is_git=True,
        shallow=loc.shallow,
        files=tuple(files),
        warnings=tuple(warnings),
    )


def _classify(xy: str, path: str, changed: set[str], deleted: set[str]) -> None:
    worktree = xy[1]
    if worktree == "D":
        deleted.add(path)
    elif worktree != ".":
        changed.add(path)
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


def resolve_commit(loc: Location, commit: str) -> str:
    """Full SHA of a commit-ish, or RepoError naming what could not be resolved."""
    from git.exc import GitCommandError

    if not loc.is_git:
        raise RepoError(f"{loc.root}: not a git repository, cannot scan commit {commit!r}")
    try:
        out = _git(loc.root).execute(
            ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{commit}^{{commit}}"],
            kill_after_timeout=60,
        )
    except GitCommandError as exc:
        raise RepoError(f"{commit!r}: not a commit in {loc.root}") from exc
    return str(out).strip()


def commit_tree(loc: Location, commit: str, *, include_vendor: bool = False) -> Snapshot:
    """A commit's tree, read from git objects only: the working tree is never looked at."""
    sha = resolve_commit(loc, commit)
    raw = _git(loc.root).execute(
        ["git", "ls-tree", "-r", "-l", "-z", "--full-tree", sha],
        stdout_as_string=False,
        strip_newline_in_stdout=False,
        kill_after_timeout=GIT_TIMEOUT,
    )
    assert isinstance(raw, bytes)
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


# --------------------------------------------------------------------------- contents


class FileReader:
    """Reads file contents for a snapshot, returning bytes or a `Skip` with the reason.

    Working tree: opened with O_NOFOLLOW (a symlink is never read as a file, so nothing outside
    the repository is ever reached through one) and O_NONBLOCK (a FIFO cannot hang the scan).
    Commit trees: blobs come from a single long-lived `git cat-file --batch`.
    """

    def __init__(self, snapshot: Snapshot, *, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> None:
        self.snapshot = snapshot
        self.max_file_size = max_file_size
        self._git: Git | None = None
        self._root = str(snapshot.root)

    def close(self) -> None:
        if self._git is not None:
            self._git.clear_cache()  # ends the persistent cat-file process
            self._git = None

    def __enter__(self) -> FileReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def symlink_reason(self, file: RepoFile) -> str:
        if self.snapshot.commit is not None:
            return "symlink (not followed)"
        root = self.snapshot.root
        try:
            target = (root / file.path).resolve()
        except (OSError, RuntimeError):
            return "symlink (not followed)"
        if target == root or root in target.parents:
            return "symlink (not followed; its target is scanned in its own right)"
        return "symlink pointing outside the repository (not followed)"

    def size_hint(self, file: RepoFile, default: int) -> int:
        """The file's size if cheaply known (commit trees; lstat on disk), else `default`."""
        if file.size is not None:
            return file.size
        if self.snapshot.commit is None:
            try:
                return os.lstat(f"{self._root}/{file.path}").st_size
            except OSError:
                pass
        return default

    def read(self, file: RepoFile) -> bytes | Skip:
        if file.is_symlink:
            return Skip(self.symlink_reason(file))
        if file.size is not None and file.size > self.max_file_size:
            return self._too_big(file.size)
        data = self._read_commit(file) if self.snapshot.commit else self._read_disk(file)
        if isinstance(data, Skip):
            return data
        return check_content(data)

    def _too_big(self, size: int) -> Skip:
        return Skip(f"over the size cap ({size} bytes > {self.max_file_size})")

    def _read_disk(self, file: RepoFile) -> bytes | Skip:
        try:
            fd = os.open(f"{self._root}/{file.path}", _OPEN_FLAGS)
        except OSError as exc:
            return _open_error(exc, self, file)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return Skip("not a regular file")
            if info.st_size > self.max_file_size:
                return self._too_big(info.st_size)
            chunks = []
            while chunk := os.read(fd, max(info.st_size, 65536) + 1):
                chunks.append(chunk)
                if sum(len(c) for c in chunks) > self.max_file_size:
                    return self._too_big(sum(len(c) for c in chunks))
            return b"".join(chunks)
        except OSError as exc:
            return Skip(f"unreadable ({exc.strerror or exc})")
        finally:
            os.close(fd)

    def _read_commit(self, file: RepoFile) -> bytes | Skip:
        if self._git is None:
            self._git = _git(self.snapshot.root)
        assert file.blob is not None
        try:
            _sha, _kind, size, data = self._git.get_object_data(file.blob)
        except (ValueError, OSError) as exc:
            return Skip(f"unreadable blob {file.blob} ({exc})")
        if size > self.max_file_size:
            return self._too_big(size)
        return data


def _open_error(exc: OSError, reader: FileReader, file: RepoFile) -> Skip:
    if exc.errno == errno.ELOOP:
        return Skip(reader.symlink_reason(file))
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Skip("unreadable (permission denied)")
    if exc.errno == errno.ENOENT:
        return Skip("vanished while scanning")
    return Skip(f"unreadable ({exc.strerror or exc})")


def check_content(data: bytes) -> bytes | Skip:
    """Binary (a NUL byte) and Git LFS pointers are reported, not scanned."""
    if data.startswith(_LFS_PREFIX):
        return Skip("Git LFS pointer (content not fetched)")
    if b"\0" in data:
        return Skip("binary (contains NUL bytes)")
    return data
