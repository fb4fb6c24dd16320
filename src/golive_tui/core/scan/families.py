"""The shipped families as a scan sees them, imported only when one has to run.

A warm scan whose files all come from the per-file cache, whose plan is remembered and whose
families' results come back from the finalize memo (finalmemo.py) never runs a family's code:
it asks each for its name, version, detector ids, prefilter literals, whether it reads Go tests
(or never a Go file) and whether it wants `a.go` / `a_test.go`. Importing every family for that
(the Go checks, the CI walk, the Dockerfile parser...) was the largest part of such a scan's
`load` phase (~30 ms of moby's warm scan). After a scan that imported them, those answers are kept in the user's cache
folder under the stamp of golive's code (`code_stamp`: any edit or upgrade is another stamp),
and the next scan gets a `Deferred` stand-in per family that imports it on first real use
(matching a new path, extracting, finalizing, preparing to fork).
"""

from __future__ import annotations

import contextlib
import importlib
import marshal
import os
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive_tui.core.scan.detectors import Registry, build_registry, load_families
from golive_tui.core.usercache import user_cache_dir

if TYPE_CHECKING:
    from golive_tui.core.evidence import DetectorResult
    from golive_tui.core.scan.detectors.base import Extractor, FileScan, ScannedFile

from golive_tui.core.hashing import blake2b

#: Bump when what is stored changes shape.
FORMAT = 1
#: Descriptions kept (one per code stamp and family list; a few installs or versions at once).
KEEP = 4
#: The paths the engine asks every family about before any plan (target.HEADERS).
PROBES = ("a.go", "a_test.go")
_CORE = Path(__file__).parents[1]  # golive_tui/core
#: Where the shipped families' classes are defined.
SHIPPED = "golive_tui.core.scan.detectors."


@cache
def code_stamp() -> str:
    """golive's core code and data as installed ("" when it cannot be stamped): every `.py`
    and `.toml` under golive_tui/core, by path, modification time and size (~160 files
    stated, ~0.5 ms)."""
    stamps = [f"{FORMAT}:{sys.version_info[:3]}"]
    todo = [str(_CORE)]
    try:
        while todo:
            with os.scandir(todo.pop()) as found:
                for entry in sorted(found, key=lambda e: e.name):
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__":
                            todo.append(entry.path)
                    elif entry.name.endswith((".py", ".toml")):
                        info = entry.stat()
                        stamps.append(f"{entry.path}:{info.st_mtime_ns}:{info.st_size}")
    except OSError:
        return ""
    text = "\n".join(stamps).encode("utf-8", "surrogateescape")
    return blake2b(text, digest_size=16).hexdigest()


def family_class(extractor: Extractor) -> str:
    """The class that implements a family, `module.qualname` (a stand-in names its family's)."""
    named = getattr(extractor, "family_class", None)
    if isinstance(named, str):
        return named
    kind = type(extractor)
    return f"{kind.__module__}.{kind.__qualname__}"


def source_file(extractor: Extractor) -> str:
    """The file of the module defining a family ("" when unknown)."""
    named = getattr(extractor, "source_file", None)
    if isinstance(named, str):
        return named
    module = sys.modules.get(type(extractor).__module__)
    return str(getattr(module, "__file__", None) or "")


class Deferred:
    """A shipped family's description standing in for it; anything beyond the description
    imports the family and asks it."""

    def __init__(self, desc: Mapping[str, Any]) -> None:
        self.name: str = desc["name"]
        self.version: str = desc["version"]
        self.detectors: tuple[str, ...] = tuple(desc["detectors"])
        self.reads_go_tests: bool = desc["reads_go_tests"]
        self.finalize_sorts: bool = desc.get("finalize_sorts") is True
        self.skips_go_files: bool = desc.get("skips_go_files") is True  # filepass._plan
        self.family_class: str = desc["family_class"]
        self.source_file: str = desc["source_file"]
        self._module: str = desc["module"]
        self._prefilter: tuple[bytes, ...] | None = desc["prefilter"]
        self._probes: dict[str, bool] = dict(desc["probes"])
        self._real: Extractor | None = None

    def real(self) -> Extractor:
        """The family itself, imported on first use."""
        if self._real is None:
            module = importlib.import_module(self._module)
            self._real = next(e for e in module.EXTRACTORS if e.name == self.name)
            # From now on the family answers itself, without this stand-in's call around
            # each answer (its probes are the family's own answers): a cold plan asks every
            # family about every path, 8x moby's 14,560: 64 -> 54 ms.
            vars(self).update(matches=self._real.matches, extract=self._real.extract)
        return self._real

    def matches(self, path: str) -> bool:
        known = self._probes.get(path)
        return known if known is not None else self.real().matches(path)

    def prefilter(self) -> tuple[bytes, ...] | None:
        return self._prefilter

    def extract(self, path: str, text: str) -> FileScan:
        return self.real().extract(path, text)

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        return self.real().finalize(files, all_paths)

    def prepare(self) -> None:
        try:
            real = self.real()
        except Exception:  # e.g. a dependency gone since: each file then reports the failure
            return
        prepare = getattr(real, "prepare", None)
        if prepare is not None:
            prepare()


def load(names: tuple[str, ...]) -> Registry:
    """The named families: stand-ins when this code described them before, else imported
    (and described for the next scan)."""
    stamp = code_stamp()
    folder = user_cache_dir()
    path = None if folder is None or not stamp else folder / "families.marshal"
    slot = f"{stamp}|{','.join(names)}"
    stored = _read(path)
    descs = stored.get(slot)
    if isinstance(descs, list) and descs and all(_valid(d) for d in descs):
        return build_registry([Deferred(d) for d in descs])
    registry = load_families(names)
    if path is not None and not registry.problems:
        described = [_describe(e) for e in registry.extractors]
        if all(d is not None for d in described):
            kept = {k: v for k, v in stored.items() if k != slot}
            entries = {slot: described, **dict(list(kept.items())[: KEEP - 1])}
            _write(path, entries)
    return registry


def _describe(extractor: Extractor) -> dict[str, Any] | None:
    """What a scan asks of a family before running it; None for a family that cannot be
    found again by its module's EXTRACTORS, or whose answers marshal cannot hold."""
    kind = type(extractor)
    module = sys.modules.get(kind.__module__)
    if module is None or not kind.__module__.startswith(SHIPPED):
        return None
    if not any(e is extractor for e in getattr(module, "EXTRACTORS", ())):
        return None
    desc = {
        "name": extractor.name,
        "version": extractor.version,
        "detectors": list(extractor.detectors),
        "reads_go_tests": bool(getattr(extractor, "reads_go_tests", False)),
        "finalize_sorts": bool(getattr(extractor, "finalize_sorts", False)),  # finalmemo.py
        "skips_go_files": bool(getattr(extractor, "skips_go_files", False)),  # filepass.py
        "family_class": family_class(extractor),
        "source_file": source_file(extractor),
        "module": kind.__module__,
        "prefilter": extractor.prefilter(),
        "probes": {p: bool(extractor.matches(p)) for p in PROBES},
    }
    try:
        marshal.dumps(desc)
    except ValueError:
        return None
    return desc


def _valid(desc: object) -> bool:
    """A description of the shape `_describe` writes (anything else: import the families)."""
    if not isinstance(desc, dict):
        return False
    strings = ("name", "version", "family_class", "source_file", "module")
    prefilter, probes, detectors = desc.get("prefilter"), desc.get("probes"), desc.get("detectors")
    return (
        all(isinstance(desc.get(k), str) for k in strings)
        and str(desc["module"]).startswith(SHIPPED)
        and isinstance(desc.get("reads_go_tests"), bool)
        and isinstance(detectors, list)
        and all(isinstance(d, str) for d in detectors)
        and (
            prefilter is None
            or (isinstance(prefilter, tuple) and all(isinstance(b, bytes) for b in prefilter))
        )
        and isinstance(probes, dict)
        and all(isinstance(k, str) and isinstance(v, bool) for k, v in probes.items())
    )


def _read(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    from golive_tui.core.confine import read_capped

    try:
        data = marshal.loads(read_capped(path, 1024 * 1024))
    except Exception:  # missing, unreadable or not marshal: nothing described
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def _write(path: Path, entries: dict[str, Any]) -> None:
    from golive_tui.core.atomic import write_atomic

    with contextlib.suppress(OSError, ValueError):  # unwritable: imported again next time
        payload = marshal.dumps({"format": FORMAT, "entries": entries})
        write_atomic(path, payload, mode=0o600, durable=False)
