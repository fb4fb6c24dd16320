"""Confinement: the one way golive turns a path taken from repository data into bytes it reads.

A repository is untrusted input. Records, drafts, checklists, config and detectors name files
(`watch` paths, evidence paths) and are themselves files a change can replace with a symlink.
Every such read goes through `confine` and `read_confined`, so the rules live in one place:

- the path is repository-relative and normalised: never empty, never absolute, no `..`, no NUL,
  never inside `.git` (which holds credentials in remote URLs and is not repository content);
- resolved, it stays inside the repository (a symlink, or a symlinked folder on the way, that
  leads outside is refused; so is a symlink loop);
- what is read is a regular file (never a device such as `/dev/zero`, a FIFO or a socket), and
  at most `cap` bytes of it: a larger file is refused after reading `cap + 1` bytes at most.

Refusals raise `UnsafePathError` (or its `TooLargeError`), with a message naming the path and
what was expected; callers that treat "cannot read" as "not there" catch it. Missing files and
other I/O failures stay `OSError`, as with `open`, so callers keep their own wording for them.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

from golive_tui.core.errors import GoliveError

#: Default cap for a file named by repository data (records, checklists, config, diffs).
DEFAULT_CAP = 1024 * 1024

_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 65536
_OUTSIDE = "expected a file inside the repository, got a symlink leading outside it"


class UnsafePathError(GoliveError):
    """A path from repository data is not a file inside the repository golive may read."""

    def __init__(self, path: str, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(f"{path}: {why}")


class TooLargeError(UnsafePathError):
    """A file named by repository data is larger than the cap for what it holds."""


def relative(path: str | PurePosixPath) -> str:
    """`path` as a normalised repository-relative POSIX path, or UnsafePathError saying why.

    Lexical only (no file system access): `./a//b` becomes `a/b`; absolute paths, `..`
    anywhere, NUL bytes and anything under `.git` are refused.
    """
    text = str(path)
    shown = text if text else "''"
    if not text:
        raise UnsafePathError(shown, "expected a repository-relative path, got an empty one")
    if "\0" in text:
        raise UnsafePathError(repr(text), "expected a path, got one containing a NUL byte")
    if text.startswith("/"):
        raise UnsafePathError(text, "expected a repository-relative path, got an absolute one")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafePathError(text, "expected a path inside the repository, got one with '..'")
    if not parts:
        raise UnsafePathError(text, "expected a file in the repository, got the repository itself")
    if any(p.lower() == ".git" for p in parts):
        raise UnsafePathError(text, "expected a repository file, got one inside .git")
    return "/".join(parts)


def confine(root: Path, path: str | PurePosixPath, *, follow: bool = True) -> Path:
    """The absolute path of repository-relative `path` under `root`, checked to stay inside.

    `follow=False` leaves a final symlink unresolved (it is then read as a link, as git does);
    symlinked folders on the way are always resolved and must stay inside `root` too.
    """
    rel = relative(path)
    try:
        base = root.resolve()
        full = base / rel
        target = full.resolve() if follow else full.parent.resolve() / full.name
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        raise UnsafePathError(rel, "expected a file, got a symlink loop") from None
    if target != base and not target.is_relative_to(base):
        raise UnsafePathError(rel, _OUTSIDE)
    return target


def read_capped(
    path: Path, cap: int = DEFAULT_CAP, *, shown: str = "", within: Path | None = None
) -> bytes:
    """At most `cap` bytes of the regular file at `path`, never following a final symlink.

    Reads `cap + 1` bytes at most, whatever the file claims to hold; TooLargeError beyond `cap`.
    UnsafePathError for a symlink, device, FIFO or socket; OSError (e.g. FileNotFoundError) for
    the rest, as `open` would. With `within`, the file actually opened must lie under it (checked
    through /proc where there is one: a folder swapped for a link after `confine` looked at it).
    """
    name = shown or str(path)
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafePathError(name, "expected a file, got a symlink (not followed)") from None
        raise
    try:
        if within is not None and not _opened_within(fd, within):
            raise UnsafePathError(name, _OUTSIDE)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePathError(name, f"expected a regular file, got {_kind(info.st_mode)}")
        chunks: list[bytes] = []
        total = 0
        while total <= cap:
            chunk = os.read(fd, min(_CHUNK, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > cap:
            raise TooLargeError(name, f"expected at most {cap} bytes, the file is larger")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_confined(
    root: Path, path: str | PurePosixPath, cap: int = DEFAULT_CAP, *, follow: bool = True
) -> bytes:
    """`path` (repository-relative, from data) read under `root` with `confine`'s rules and a cap."""
    target = confine(root, path, follow=follow)
    return read_capped(target, cap, shown=relative(path), within=root.resolve())


def _opened_within(fd: int, base: Path) -> bool:
    try:
        real = Path(f"/proc/self/fd/{fd}").readlink()
    except OSError:
        return True  # no /proc: confine's check is all there is
    return real == base or real.is_relative_to(base)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
