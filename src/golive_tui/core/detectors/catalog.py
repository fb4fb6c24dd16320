"""The detector catalog: definitions as data, loaded from catalog.toml (and a repo's own rules)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from golive_tui.core.model import DetectorDef

_FIELDS = ("id", "title", "family", "looks_for", "why", "remediation")


@cache
def shipped_catalog() -> dict[str, DetectorDef]:
    """Every built-in detector, in catalog order."""
    text = resources.files(__package__).joinpath("catalog.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    catalog: dict[str, DetectorDef] = {}
    for entry in data["detector"]:
        missing = [key for key in _FIELDS if not entry.get(key)]
        if missing:
            raise ValueError(f"catalog.toml: detector {entry.get('id')!r} lacks {missing}")
        catalog[entry["id"]] = DetectorDef(
            id=entry["id"],
            title=entry["title"],
            family=entry["family"],
            looks_for=entry["looks_for"],
            why=entry["why"],
            remediation=entry["remediation"],
            area=entry.get("area", ""),
        )
    return catalog


def detector_ids(repo_root: Path | None = None) -> frozenset[str]:
    """Ids a checklist may name in `detect`: the shipped catalog plus the repo's own detectors."""
    ids = set(shipped_catalog())
    if repo_root is not None:
        from golive_tui.core.detectors import custom

        ids.update(custom.custom_detector_ids(repo_root))
    return frozenset(ids)
