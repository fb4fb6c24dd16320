"""The user's own cache folder for golive: `$XDG_CACHE_HOME/golive` (default ~/.cache/golive).

What lives there (the record parse cache, the scan memo's key, the parsed shipped TOML files)
belongs to the user, never to a repository: a repository cannot plant anything in it.
"""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path | None:
    """`$XDG_CACHE_HOME/golive`, else `~/.cache/golive`; None when neither is set."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not base:
        home = os.environ.get("HOME") or ""
        if not home:
            return None
        base = str(Path(home) / ".cache")
    return Path(base) / "golive"
