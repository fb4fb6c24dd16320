"""The detector catalog: definitions as data, loaded from catalog.toml (and a repo's own rules)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from golive_tui.core import tomlcache
from golive_tui.core.evidence import DetectorDef

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.base import Extractor

_FIELDS = ("id", "title", "family", "looks_for", "why", "remediation")


@cache
def shipped_catalog() -> dict[str, DetectorDef]:
    """Every built-in detector, in catalog order."""
    beside = Path(__file__).with_name("catalog.toml")
    if beside.is_file():  # the usual install; importlib.resources costs ~7 ms more to import
        text = beside.read_text(encoding="utf-8")
    else:
        from importlib import resources

        text = resources.files(__package__).joinpath("catalog.toml").read_text(encoding="utf-8")
    data = tomlcache.loads(text, "catalog")
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
        defs, _extractors, _problems = custom_detectors(repo_root)
        ids.update(d.id for d in defs)
    return frozenset(ids)


def custom_detectors(
    repo_root: Path,
) -> tuple[list[DetectorDef], tuple[Extractor, ...], list[str]]:
    """The repo's team-defined detectors: (definitions, extractors, problems).

    Never raises for a bad rule file: problems come back as messages, so a scan still runs and
    reports them.
    """
    if not (repo_root / ".golive" / "detectors").is_dir():
        return [], (), []  # the common case: spare importing the rule machinery (ast-grep)
    from golive_tui.core.scan.detectors import custom

    try:
        defs, extractors, problems = custom.load_custom(repo_root)
    except Exception as exc:  # a broken rules loader must not stop the scan
        return [], (), [f"team-defined detectors could not be loaded: {exc}"]
    return list(defs), tuple(extractors), list(problems)
