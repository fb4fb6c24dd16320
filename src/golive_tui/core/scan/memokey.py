"""What a scan memo's key covers besides git's listing: the bytes of the working tree's changed
files and of `.golive/`, golive's own code, and the third-party modules the scan loaded.

Apart from memo.py (the memo itself: open, answer, store, prune) to keep both under the
~600-line guide; report_memo.py keys the walker's report memo with the same inputs.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import golive_tui

#: Bounds on `.golive/` (files hashed, bytes read per file; larger files count by size+mtime).
MAX_GOLIVE_FILES = 512
MAX_GOLIVE_FILE_BYTES = 1024 * 1024
#: `.golive/` entries the scan never reads and that grow with every release.
_GOLIVE_SKIP = frozenset({"records"})


def content(path: Path, budget: int) -> tuple[str, bytes]:
    """What a working-tree path holds now: ("file", bytes), ("link", target), ("gone", b"")...

    Never follows a symlink. "over": larger than `budget`.
    """
    try:
        info = os.lstat(path)
    except OSError:
        return "gone", b""
    if stat.S_ISLNK(info.st_mode):
        try:
            return "link", os.fsencode(path.readlink())
        except OSError:
            return "gone", b""
    if not stat.S_ISREG(info.st_mode):
        return "other", b"%o" % info.st_mode
    if info.st_size > budget:
        return "over", b""
    from golive_tui.core.confine import UnsafePathError, read_capped

    try:
        return "file", read_capped(path, budget)
    except (OSError, ValueError, UnsafePathError):  # swapped for a link, grown: not memoized
        return "over", b""


def golive_files(root: Path, add: Any) -> bool:
    """Every file under `.golive/` but records: names, kinds and bytes; False past the bounds."""
    base = root / ".golive"
    if base.is_symlink():
        return False  # what it points to may be outside every listing: not memoized
    count = 0
    stack = [base]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except NotADirectoryError:
            add("not a folder", str(folder))
            continue
        except OSError:
            add("unreadable", str(folder))
            continue
        for entry in entries:
            count += 1
            if count > MAX_GOLIVE_FILES:
                return False
            if entry.is_dir(follow_symlinks=False):
                if not (folder == base and entry.name in _GOLIVE_SKIP):
                    stack.append(Path(entry.path))
                add("dir", entry.path)
                continue
            kind, data = content(Path(entry.path), MAX_GOLIVE_FILE_BYTES)
            if kind == "link":
                return False  # a team file read through a link: not memoized
            if kind == "over":
                info = entry.stat(follow_symlinks=False)
                data = b"%d:%d" % (info.st_size, info.st_mtime_ns)
            add(entry.path, kind, data)
    return True


def code_stamp(add: Any) -> None:
    """Size and mtime of every file of the golive package but the walker's (~0.5 ms)."""
    base = str(Path(golive_tui.__file__).parent)
    add(base)
    stack = [base]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            add("unreadable", folder)
            continue
        for entry in entries:
            if entry.name in ("__pycache__", "tui"):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
                continue
            try:
                info = entry.stat()
            except OSError:
                add(entry.path, "gone")
                continue
            add(entry.path, info.st_size, info.st_mtime_ns)


def deps() -> list[list[object]]:
    """Files of the third-party modules loaded now (the scan that stores the memo)."""
    stdlib = str(Path(os.__file__).parent)
    ours = str(Path(golive_tui.__file__).parent)
    found: list[list[object]] = []
    for module in list(sys.modules.values()):
        where = getattr(module, "__file__", None)
        if not isinstance(where, str) or where.startswith(ours):
            continue
        if where.startswith(stdlib) and "-packages" not in where:
            continue
        try:
            info = Path(where).stat()
        except OSError:
            continue
        found.append([where, info.st_size, info.st_mtime_ns])
    return sorted(found)


def deps_unchanged(deps: list[list[object]]) -> bool:
    """Whether every module file `deps` lists still has its size and mtime."""
    for where, size, mtime in deps:
        try:
            info = Path(str(where)).stat()
        except OSError:
            return False
        if info.st_size != size or info.st_mtime_ns != mtime:
            return False
    return True
