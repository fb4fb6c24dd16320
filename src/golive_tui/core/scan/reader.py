"""Reading the contents of the files a scan sees (the list itself comes from core/git/listing.py).

Contents are read defensively (`FileReader`): size cap, binary and Git LFS pointer detection,
symlinks never followed, unreadable files reported instead of raised. Every skip carries a
reason so the engine can report it rather than silently scanning less. A commit's blobs come
from git's object store (`CatFile`), never from the working tree.
"""

from __future__ import annotations

import errno
import os
import stat

from golive_tui.core.git.listing import RepoFile, Snapshot
from golive_tui.core.git.runner import CatFile, GitError
from golive_tui.core.tuples import NamedTuple

#: Default cap on the size of a file golive reads (bytes); larger files are skipped and reported.
DEFAULT_MAX_FILE_SIZE = 1024 * 1024

_LFS_PREFIX = b"version https://git-lfs.github.com/spec/v1"
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class Skip(NamedTuple):
    """Why a file's content was not scanned (reported in stats, never silent)."""

    reason: str


# --------------------------------------------------------------------------- contents


class FileReader:
    """Reads file contents for a snapshot, returning bytes or a `Skip` with the reason.

    Working tree: opened with O_NOFOLLOW (a symlink is never read as a file, so nothing outside
    the repository is ever reached through one) and O_NONBLOCK (a FIFO cannot hang the scan).
    Commit trees: blobs come from a single long-lived `git cat-file --batch` (`CatFile`).
    """

    def __init__(self, snapshot: Snapshot, *, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> None:
        self.snapshot = snapshot
        self.max_file_size = max_file_size
        self._objects = CatFile(snapshot.root) if snapshot.commit is not None else None
        self._root = str(snapshot.root)
        # Files of the working tree read whose content git named by a blob (a clean tracked
        # file): the scan memo lists the tree again after a scan that read any (memo.py).
        self.clean_reads = 0

    def close(self) -> None:
        if self._objects is not None:
            self._objects.close()  # ends the persistent cat-file process

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
        if file.blob is not None:
            self.clean_reads += 1
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
            want = max(info.st_size, 65536) + 1
            first = os.read(fd, want)
            if len(first) > self.max_file_size:  # grew since fstat
                return self._too_big(len(first))
            if len(first) < want:
                # A regular file's short read is its end: no second read to see it (one
                # system call less per file; moby's cold scan reads 3,073 files).
                return first
            chunks = [first]
            while chunk := os.read(fd, want):
                chunks.append(chunk)
                if sum(len(c) for c in chunks) > self.max_file_size:
                    return self._too_big(sum(len(c) for c in chunks))
            return b"".join(chunks)
        except OSError as exc:
            return Skip(f"unreadable ({exc.strerror or exc})")
        finally:
            os.close(fd)

    def _read_commit(self, file: RepoFile) -> bytes | Skip:
        assert self._objects is not None and file.blob is not None
        try:
            size, data = self._objects.read(file.blob, limit=self.max_file_size)
        except GitError as exc:
            return Skip(f"unreadable blob {file.blob} ({exc})")
        if data is None:
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
