"""Team-defined detectors: ast-grep rules as data in `.golive/detectors/*.toml`."""

from __future__ import annotations

from pathlib import Path


def custom_detector_ids(repo_root: Path) -> list[str]:
    """Ids defined under the repo's `.golive/detectors/` (placeholder until rules land)."""
    folder = repo_root / ".golive" / "detectors"
    if not folder.is_dir():
        return []
    return []
