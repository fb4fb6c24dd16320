"""Working-tree changes: what `git status` says differs, and the blob ids of files as they are now.

One parser for `git status --porcelain=v2 -z` (the scan's listing, a record's dirtiness and the
files that make it dirty all read it) and one way to hash working-tree files (`WorktreeBlobs`:
`git hash-object`, so eol and ident conversions apply as git would; the repository's filter
drivers are switched off by the runner).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from golive_tui.core.confine import DEFAULT_CAP, UnsafePathError, confine, read_capped
from golive_tui.core.git.runner import git_bytes, untracked_cache_configured
from golive_tui.core.tuples import NamedTuple

#: `git status` as every caller runs it; callers add their own options and pathspecs.
STATUS = ("status", "--porcelain=v2", "-z")
#: HEAD and the branch, without counting the commits ahead of and behind the upstream, which
#: golive never reads: git walks the history between them for that (a branch 9,094 commits
#: behind its upstream, prometheus: `git status` 112 -> 6 ms, on every scan and memo hit).
BRANCH = ("--branch", "--no-ahead-behind")
#: git's untracked cache, as the scan's listing keeps it (listing.py): on, and made for
#: `--untracked-files=all` as the configured mode, or git ignores it.
UNTRACKED_CACHE = (("core.untrackedCache", "true"), ("status.showUntrackedFiles", "all"))

UNTRACKED = "??"


class Change(NamedTuple):
    """One path `git status` reports.

    `xy` is git's two-letter state, index then working tree ('.' for unchanged, '??' for an
    untracked file); `unmerged` marks a conflict.
    """

    path: str
    xy: str
    unmerged: bool = False

    @property
    def untracked(self) -> bool:
        return self.xy == UNTRACKED


class Status(NamedTuple):
    """`git status`: HEAD and branch (with `--branch`) and every changed path, in git's order."""

    head: str | None
    branch: str | None
    changes: tuple[Change, ...]


def parse_status(raw: bytes) -> Status:
    """Parse `git status --porcelain=v2 -z` output (paths decoded as os.fsdecode would)."""
    # One decode for the whole output (same result as os.fsdecode per path, 10x cheaper).
    fields = raw.decode("utf-8", "surrogateescape").split("\0")
    head: str | None = None
    branch: str | None = None
    changes: list[Change] = []
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
            changes.append(Change(parts[8], parts[1]))
        elif kind == "2":
            parts = entry.split(" ", 9)
            changes.append(Change(parts[9], parts[1]))
            i += 1  # the original path follows as its own field
        elif kind == "u":
            parts = entry.split(" ", 10)
            changes.append(Change(parts[10], parts[1], unmerged=True))
        elif kind == "?":
            changes.append(Change(entry[2:], UNTRACKED))
    return Status(head=head, branch=branch, changes=tuple(changes))


def status(
    root: Path, *args: str, timeout: float = 60, config: Iterable[tuple[str, str]] = ()
) -> Status | None:
    """`git status` with `args` (options, then pathspecs) in `root`; None if git cannot answer."""
    raw = git_bytes(root, *STATUS, *args, timeout=timeout, config=config)
    return parse_status(raw) if raw is not None else None


def blob_sha(data: bytes) -> str:
    """Git's blob id for `data` (what `git hash-object` prints), without running git."""
    from golive_tui.core.hashing import sha1  # OpenSSL's load (~2 ms) is not needed for this

    digest = sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


class WorktreeBlobs:
    """Blob ids of working-tree files, as `git hash-object` gives them; "" for a missing file.

    Hashed in batches (`prime`, one git call) and remembered; a symlink is the blob of its
    target's name, as git stores it (never followed). Paths may come from a record, so each is
    confined first: one that is not a repository file (absolute, `..`, through a symlink leading
    outside, a device) is never read; `refusal` says why, and its blob is "". When git cannot
    hash a batch (no git, a path it refuses, a name with a newline), the bytes are hashed here,
    without conversions.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.known: dict[str, str] = {}
        self.refused: dict[str, str] = {}

    def prime(self, paths: Iterable[str]) -> None:
        todo: list[str] = []
        for path in sorted(set(paths) - set(self.known)):
            self.known[path] = ""
            try:
                full = confine(self.root, path, follow=False)
                if full.is_symlink():  # git's blob of a link is its target, never followed
                    self.known[path] = blob_sha(os.fsencode(full.readlink()))
                elif full.is_file():
                    todo.append(path)
                elif full.exists():
                    self.refused[path] = "expected a regular file"
            except UnsafePathError as exc:
                self.refused[path] = exc.why
            except OSError:
                pass  # unreadable: as good as gone
        lines = [p for p in todo if "\n" not in p]  # --stdin-paths is one path per line
        self.known.update((p, self._hash(p)) for p in todo if "\n" in p)
        if not lines:
            return
        listing = b"".join(os.fsencode(p) + b"\n" for p in lines)
        out = git_bytes(self.root, "hash-object", "--stdin-paths", input=listing, timeout=120)
        ids = out.decode("ascii", "replace").split() if out is not None else []
        if len(ids) != len(lines):  # no git, or a path git refuses: hash the bytes ourselves
            ids = [self._hash(p) for p in lines]
        self.known.update(zip(lines, ids, strict=True))

    def _hash(self, path: str) -> str:
        try:
            return blob_sha(read_capped(confine(self.root, path), 64 * DEFAULT_CAP))
        except (UnsafePathError, OSError):
            return ""

    def refusal(self, path: str) -> str:
        """Why `path` is not read as a repository file ("" when it is one)."""
        if path not in self.known:
            self.prime([path])
        return self.refused.get(path, "")

    def __call__(self, path: str) -> str:
        if path not in self.known:
            self.prime([path])
        return self.known[path]


class TreeState(NamedTuple):
    """HEAD and every change `git status` reports, with the blob of each changed file as it is
    on disk: what a scan saw, and what signing compares against (nothing may move in between)."""

    head: str | None
    changes: tuple[Change, ...]
    blobs: dict[str, str]  # changed or untracked path -> blob id on disk ("" when deleted)

    @property
    def dirty(self) -> bool:
        return bool(self.changes)

    @property
    def fingerprint(self) -> str:
        from golive_tui.core.hashing import sha256

        digest = sha256((self.head or "").encode())
        for change in sorted(self.changes, key=lambda c: c.path):
            line = f"\0{change.path}\0{change.xy}\0{self.blobs.get(change.path, '')}"
            digest.update(line.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def differs(self, later: TreeState) -> list[str]:
        """The paths (or HEAD) that moved between this state and `later`, for the message."""
        if self.head != later.head:
            return [f"HEAD ({(self.head or 'none')[:12]} -> {(later.head or 'none')[:12]})"]
        mine = {c.path: (c.xy, self.blobs.get(c.path, "")) for c in self.changes}
        theirs = {c.path: (c.xy, later.blobs.get(c.path, "")) for c in later.changes}
        return sorted(p for p in mine.keys() | theirs.keys() if mine.get(p) != theirs.get(p))


def tree_state(root: Path, *exclude: str) -> TreeState | None:
    """One `git status` (untracked files listed one by one) and the blobs of the files it
    names, changes under the folders `exclude` left out; None when git cannot answer.

    The whole tree is asked and the folders left out here, not by a pathspec: git uses its
    untracked cache (the one the scan's listing keeps, under the same settings) only for a
    status without one. What it buys: the state every reviewed scan takes first (the walker's,
    `golive status`, `golive sign`), moby 90 -> 40 ms of git (medians of 15)."""
    pending = PendingState.start(root)
    return pending.finish(*exclude) if pending is not None else None


class PendingState:
    """A `tree_state` whose `git status` runs while the caller does other work: `finish`
    reads it. The state is the tree's when git looked, so taken earlier it only ever is
    older than what a later scan sees (signing then refuses a tree that moved: never the
    other way)."""

    def __init__(self, root: Path, proc: subprocess.Popen[bytes]) -> None:
        self.root = root
        self._proc = proc
        #: When git was seen to have exited (time.monotonic; `wait`), else None: git looked
        #: at the tree before then, so a listing started after it sees a tree no older.
        self.exited_at: float | None = None
        self._answer: bytes | None = None  # git's output, once `wait` collected it
        self._reaped = False  # whether `wait` reaped git (then only `_answer` remains)

    def wait(self, timeout: float = 60) -> None:
        """Collect git's answer now (read by `finish`), and note when it had exited; once."""
        import time

        from golive_tui.core.git.runner import GitError, communicate

        if self._reaped:
            return
        self._reaped = True
        try:
            raw, _ = communicate(self._proc, "status", timeout=timeout)
        except GitError:
            return
        if self._proc.returncode == 0:
            self._answer = raw
            self.exited_at = time.monotonic()

    @classmethod
    def start(cls, root: Path) -> PendingState | None:
        """git's status started in `root`; None when git cannot be run at all."""
        from golive_tui.core.git.runner import start

        config = [] if untracked_cache_configured(root) else list(UNTRACKED_CACHE)
        args = [*STATUS, *BRANCH, "--untracked-files=all", "--ignore-submodules=dirty"]
        try:  # spooled: a long status (many untracked files) never waits on a full pipe
            return cls(root, start(root, args, config=config, spool=True))
        except OSError:
            return None

    def finish(self, *exclude: str, timeout: float = 60) -> TreeState | None:
        """The state (`tree_state`), once git has answered; None when it could not."""
        self.wait(timeout)
        raw = self._answer
        if raw is None:
            return None  # git failed or ran out of time
        found = parse_status(raw)
        if exclude:  # a path is left out when it is the folder itself or lies below it
            prefixes = tuple(f"{e.rstrip('/')}/" for e in exclude)
            kept = [c for c in found.changes if not f"{c.path.rstrip('/')}/".startswith(prefixes)]
            found = found._replace(changes=tuple(kept))
        present = [c.path for c in found.changes if "D" not in c.xy and not c.path.endswith("/")]
        hashed = WorktreeBlobs(self.root)
        hashed.prime(present)
        blobs = {path: hashed(path) for path in present}
        return TreeState(head=found.head, changes=found.changes, blobs=blobs)

    def close(self) -> None:
        """Stop and reap git when the state is no longer wanted (the command failed first);
        its spooled output is let go."""
        from golive_tui.core.git.runner import GitError, communicate

        if self._reaped:  # `wait` reaped git and read its output already
            self._answer = None
            return
        with contextlib.suppress(OSError):
            self._proc.kill()
        with contextlib.suppress(GitError, OSError):
            communicate(self._proc, "status", timeout=5)
