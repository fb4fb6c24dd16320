"""A finished scan as plain data (`marshal`-able) and back: how a scan travels from the scan
process to the walker and how the report memo (report_memo.py) keeps a report.

Only the classes a report is made of are rebuilt (a fixed list, by name): the data names no
code, so reading it back runs none. Every container carries a tag, so a tuple, a list, a set and
a listed named tuple come back as what they were and `decode(encode(x)) == x`; anything else (an
object not in the list, a `str` subclass) is refused with ValueError, never approximated.
"""

from __future__ import annotations

import enum
import importlib
from pathlib import Path, PurePosixPath
from typing import Any

#: What may be rebuilt: name -> (module, class). Resolved on first use (the service scope's
#: module is imported only when a report has a scope).
_CLASSES: dict[str, tuple[str, str]] = {
    "ScanReport": ("golive_tui.core.scan.report", "ScanReport"),
    "RepoInfo": ("golive_tui.core.scan.report", "RepoInfo"),
    "ScanStats": ("golive_tui.core.scan.report", "ScanStats"),
    "Progress": ("golive_tui.core.scan.report", "Progress"),
    "DetectorResult": ("golive_tui.core.evidence", "DetectorResult"),
    "Evidence": ("golive_tui.core.evidence", "Evidence"),
    "Status": ("golive_tui.core.evidence", "Status"),
    "Polarity": ("golive_tui.core.evidence", "Polarity"),
    "ShippingScope": ("golive_tui.core.services.scope", "ShippingScope"),
    "ScopeMode": ("golive_tui.core.services.scope", "ScopeMode"),
    "Outside": ("golive_tui.core.services.scope", "Outside"),
    "Service": ("golive_tui.core.services.model", "Service"),
    "Link": ("golive_tui.core.services.model", "Link"),
    "ServiceMap": ("golive_tui.core.services.model", "ServiceMap"),
    "NotService": ("golive_tui.core.services.model", "NotService"),
    "LinkKind": ("golive_tui.core.services.model", "LinkKind"),
    "ReviewedScan": ("golive_tui.core.reviewed", "ReviewedScan"),
    "TreeState": ("golive_tui.core.git.worktree", "TreeState"),
    "Change": ("golive_tui.core.git.worktree", "Change"),
}
_PLAIN = (str, int, float, bool, bytes, type(None))
_resolved: dict[str, type] = {}


def _class(name: str) -> type:
    found = _resolved.get(name)
    if found is None:
        if name not in _CLASSES:
            raise ValueError(f"not a class a report is made of: {name!r}")
        module, attr = _CLASSES[name]
        found = _resolved[name] = getattr(importlib.import_module(module), attr)
    return found


#: The listed classes met so far: each a named tuple, its fields its items.
_known: set[type] = set()


def _fields(value: object) -> tuple[Any, ...] | None:
    """The field values of a listed named tuple; None for anything else."""
    kind = type(value)
    if kind not in _known:
        name = kind.__name__
        if name not in _CLASSES or _class(name) is not kind or not issubclass(kind, tuple):
            return None
        _known.add(kind)
    return tuple(value)  # type: ignore[arg-type]


def encode(value: Any) -> Any:
    """`value` as nested lists, dicts and plain values, each container tagged by its kind."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if isinstance(value, enum.Enum):
        name = kind.__name__
        if name not in _CLASSES or _class(name) is not kind:
            raise ValueError(f"cannot keep a {name}")
        return ["e", name, value.value]
    fields = _fields(value)
    if fields is not None:
        return ["@", kind.__name__, *map(encode, fields)]
    if kind is tuple:
        return ["t", *map(encode, value)]
    if kind is list:
        return ["l", *map(encode, value)]
    if kind is frozenset:
        return ["f", *map(encode, value)]
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise ValueError("cannot keep a dict with keys other than str")
        return ["d", {k: encode(v) for k, v in value.items()}]
    if kind is PurePosixPath or isinstance(value, Path):
        return ["p", str(value)]
    raise ValueError(f"cannot keep a {kind.__name__}")


def decode(data: Any) -> Any:
    """What `encode` was given. ValueError on anything `encode` does not write."""
    kind = type(data)
    if kind in _PLAIN:
        return data
    if kind is not list or not data or type(data[0]) is not str:
        raise ValueError("not an encoded value")
    tag = data[0]
    if tag == "t":
        return tuple([v if type(v) is str else decode(v) for v in data[1:]])
    if tag == "@" and len(data) >= 2 and type(data[1]) is str:
        cls = _class(data[1])
        if issubclass(cls, enum.Enum):
            raise ValueError("an enum encoded as a class")
        try:
            return cls(*map(decode, data[2:]))
        except TypeError as exc:  # the wrong number of fields
            raise ValueError(str(exc)) from exc
    if tag == "e" and len(data) == 3:
        cls = _class(data[1])
        if not issubclass(cls, enum.Enum):
            raise ValueError("a class encoded as an enum")
        return cls(data[2])
    if tag == "l":
        return [decode(v) for v in data[1:]]
    if tag == "f":
        return frozenset(v if type(v) is str else decode(v) for v in data[1:])
    if tag == "d" and len(data) == 2 and type(data[1]) is dict:
        if not all(type(k) is str for k in data[1]):
            raise ValueError("a dict with keys other than str")
        return {k: decode(v) for k, v in data[1].items()}
    if tag == "p" and len(data) == 2 and type(data[1]) is str:
        return Path(data[1])
    raise ValueError(f"not an encoded value (tag {tag!r})")
