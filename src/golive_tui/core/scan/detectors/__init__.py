"""The family registry: which extractor implements which catalog detector.

Each family module (`golive_tui.core.scan.detectors.<family>`, or the module `_MODULES` names)
exposes `EXTRACTORS`, a tuple of `Extractor` singletons. A module that does not exist yet, or fails to import, leaves its
detectors without an implementation: the engine then reports them as `error` ("no
implementation") instead of pretending they found nothing, so partial builds stay honest.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable

from golive_tui.core.scan.detectors.base import Extractor
from golive_tui.core.tuples import NamedTuple

#: Family module names, in the order their results are produced.
FAMILIES: tuple[str, ...] = (
    "go_source",
    "dockerfile",
    "gomod",
    "golangci",
    "ci",
    "k8s",
    "files",
    "build",
)
#: Families (the catalog's `family` names) whose module is named otherwise.
_MODULES = {"go_source": "go"}


class Registry(NamedTuple):
    """Loaded extractors, and which one owns each detector id."""

    extractors: tuple[Extractor, ...]
    owner: dict[str, Extractor]
    problems: tuple[str, ...]  # family modules that exist but failed to load


class DuplicateOwnerError(RuntimeError):
    """Two extractors claim one detector id: a programming error, caught by the tests."""


def load_families(names: Iterable[str] = FAMILIES) -> Registry:
    """Import the named family modules (only those: the scan imports what it runs)."""
    extractors: list[Extractor] = []
    problems: list[str] = []
    for name in names:
        module_name = f"{__name__}.{_MODULES.get(name, name)}"
        if importlib.util.find_spec(module_name) is None:
            continue
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # a broken family must not take the whole scan down
            problems.append(f"detector family {name!r} failed to load: {type(exc).__name__}: {exc}")
            continue
        extractors.extend(getattr(module, "EXTRACTORS", ()))
    return build_registry(extractors, problems)


def build_registry(extractors: Iterable[Extractor], problems: Iterable[str] = ()) -> Registry:
    """Index extractors by the ids they own; an id owned twice raises DuplicateOwnerError."""
    owner: dict[str, Extractor] = {}
    loaded = tuple(extractors)
    for extractor in loaded:
        for detector_id in extractor.detectors:
            if detector_id in owner:
                raise DuplicateOwnerError(
                    f"detector {detector_id!r} is owned by both "
                    f"{owner[detector_id].name!r} and {extractor.name!r}"
                )
            owner[detector_id] = extractor
    return Registry(loaded, owner, tuple(problems))
