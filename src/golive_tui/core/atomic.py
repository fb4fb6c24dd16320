"""Atomic file writes: a crash or a full disk never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Write to a temp file in the same directory, fsync, then rename over `path`.

    `durable=False` skips the fsync, for caches whose readers check what they read and rebuild
    what is damaged (the scan cache, the finalize memo, the parsed TOML): a reader never sees a
    half-written file (the rename is atomic), a crash right after may leave an empty one, which
    its reader discards, and the scan does not wait for the disk (8-18 ms a file, busy disk)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
