"""Running the git command line for the record, release and carry-forward code.

One place decides how git is started: in the given directory, output captured, stdin closed
(no prompt can wait for a person), a timeout per call. `core/repo.py` keeps its own runner for
the scan's hot path, where it starts several plumbing commands at once and streams their bytes.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_run(
    root: Path | None, *args: str, timeout: float = 60, input: str | None = None
) -> subprocess.CompletedProcess[str] | None:
    """`git ARGS` in `root` as text; None when git cannot run at all (missing, timed out)."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=root,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def git_out(root: Path | None, *args: str, timeout: float = 60) -> str | None:
    """stdout of `git ARGS` when it succeeds, else None."""
    proc = git_run(root, *args, timeout=timeout)
    return proc.stdout if proc is not None and proc.returncode == 0 else None


def git_bytes(root: Path | None, *args: str, timeout: float = 60) -> bytes | None:
    """stdout of `git ARGS` as bytes (blob contents) when it succeeds, else None."""
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


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
