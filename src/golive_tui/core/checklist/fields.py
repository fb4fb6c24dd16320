"""The typed field readers of a checklist definition, and an item's fields (profiles and scoring:
sections.py).

Each reader records a located problem on the file and returns None instead of raising, so
every problem of a file is reported in one run.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from golive_tui.core.globs import check as check_glob
from golive_tui.core.model import (
    AppliesWhen,
    Detect,
    DetectMode,
    ItemKind,
    Priority,
)
from golive_tui.core.tomllines import KeyPath, LineIndex, render_path

T = TypeVar("T")

_SECTION_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass
class _File:
    """One definition file being validated: where messages point and the problems so far."""

    display: str
    index: LineIndex
    problems: list[str]

    def at(self, path: KeyPath) -> str:
        return f"{self.display}:{self.index.line(path)}"

    def err(self, path: KeyPath, message: str) -> None:
        self.problems.append(f"{self.at(path)}: {render_path(path)}: {message}")


def _describe(value: object) -> str:
    """A value as a message shows what was found instead of what was expected."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"float {value}"
    if isinstance(value, str):
        return f"string {json.dumps(value, ensure_ascii=False)}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _check_keys(f: _File, table: Mapping[str, Any], path: KeyPath, allowed: Sequence[str]) -> None:
    for key in table:
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
        hint = f'did you mean "{close[0]}"?' if close else "expected one of " + ", ".join(allowed)
        f.err((*path, key), f"unknown key; {hint}")


def _table(f: _File, value: object, path: KeyPath, what: str) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    f.err(path, f"expected {what}, got {_describe(value)}")
    return None


def _tables(
    f: _File, parent: Mapping[str, Any], key: str, path: KeyPath
) -> list[tuple[int, dict[str, Any]]]:
    """An array of tables (`[[key]]`) with each table's index; anything else is reported."""
    value = parent.get(key)
    if value is None:
        return []
    full = (*path, key)
    if not isinstance(value, list):
        f.err(
            full, f"expected an array of tables ([[{render_path(full)}]]), got {_describe(value)}"
        )
        return []
    out = []
    for n, entry in enumerate(value):
        table = _table(f, entry, (*full, n), "a table")
        if table is not None:
            out.append((n, table))
    return out


def _str(
    f: _File,
    table: Mapping[str, Any],
    path: KeyPath,
    key: str,
    *,
    required: bool = False,
    nonblank: bool | None = None,
    pattern: re.Pattern[str] | None = None,
) -> str | None:
    """A string value; required ones must be non-blank; ids must match their pattern."""
    nonblank = required if nonblank is None else nonblank
    full = (*path, key)
    if key not in table:
        if required:
            f.err(full, "required; expected a non-empty string")
        return None
    value = table[key]
    if not isinstance(value, str):
        f.err(full, f"expected a string, got {_describe(value)}")
        return None
    if nonblank and not value.strip():
        f.err(full, f"expected a non-empty string, got {_quote(value)}")
        return None
    if pattern is not None and not pattern.fullmatch(value):
        f.err(full, f"expected an id matching {pattern.pattern}, got {_quote(value)}")
        return None
    return value


def _str_list(
    f: _File,
    table: Mapping[str, Any],
    path: KeyPath,
    key: str,
    *,
    required: bool = False,
    globs: bool = False,
) -> tuple[str, ...] | None:
    """An array of non-blank strings (with `globs`, each a glob golive can compile)."""
    full = (*path, key)
    if key not in table:
        if required:
            f.err(full, "required; expected an array of strings")
        return None
    value = table[key]
    if not isinstance(value, list):
        f.err(full, f"expected an array of strings, got {_describe(value)}")
        return None
    out: list[str] = []
    ok = True
    for n, entry in enumerate(value):
        if not isinstance(entry, str):
            f.err((*full, n), f"expected a string, got {_describe(entry)}")
            ok = False
        elif not entry.strip():
            f.err((*full, n), f"expected a non-empty string, got {_quote(entry)}")
            ok = False
        elif globs and (problem := check_glob(entry)) is not None:
            f.err((*full, n), f"expected a valid glob: {problem}")
            ok = False
        else:
            out.append(entry)
    return tuple(out) if ok else None


def _number(
    f: _File,
    table: Mapping[str, Any],
    path: KeyPath,
    key: str,
    *,
    required: bool = False,
    positive: bool = False,
) -> float | None:
    full = (*path, key)
    if key not in table:
        if required:
            f.err(full, "required; expected a number")
        return None
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        f.err(full, f"expected a number, got {_describe(value)}")
        return None
    if positive and not value > 0:
        f.err(full, f"expected a number greater than 0, got {value}")
        return None
    return float(value)


def _choice(
    f: _File,
    table: Mapping[str, Any],
    path: KeyPath,
    key: str,
    kind: Callable[[str], T],
    options: Sequence[str],
    *,
    required: bool = False,
) -> T | None:
    """An enum value, e.g. `expected one of P0, P1, P2, got "P4"`."""
    full = (*path, key)
    if key not in table:
        if required:
            f.err(full, "required; expected one of " + ", ".join(options))
        return None
    value = table[key]
    if not isinstance(value, str) or value not in options:
        f.err(full, f"expected one of {', '.join(options)}, got {_describe_short(value)}")
        return None
    return kind(value)


def _describe_short(value: object) -> str:
    return _quote(value) if isinstance(value, str) else _describe(value)


def _dup(f: _File, seen: dict[str, KeyPath], value: str | None, path: KeyPath, what: str) -> None:
    """Report `value` if an earlier entry of the same kind already used it."""
    if value is None:
        return
    if value in seen:
        line = f.index.line(seen[value])
        f.err(path, f"duplicate {what} id {_quote(value)}; already defined at line {line}")
    else:
        seen[value] = path


def _item_fields(
    f: _File,
    table: Mapping[str, Any],
    path: KeyPath,
    detectors: frozenset[str] | None,
    *,
    partial: bool,
) -> dict[str, Any]:
    """Validated Item fields present in `table` (all required ones unless `partial`)."""
    required = not partial
    out: dict[str, Any] = {}
    for key in ("title", "why", "verify", "remediation"):
        value = _str(f, table, path, key, required=required, nonblank=True)
        if value is not None:
            out[key] = value
    priority = _choice(
        f, table, path, "priority", Priority, [p.value for p in Priority], required=required
    )
    if priority is not None:
        out["priority"] = priority
    kind = _choice(f, table, path, "kind", ItemKind, [k.value for k in ItemKind])
    if kind is not None:
        out["kind"] = kind
    for key in ("tags", "watch"):
        values = _str_list(f, table, path, key, globs=key == "watch")
        if values is not None:
            out[key] = values
    if not partial:
        source = _source(f, table, path)
        if source is not None:
            out["source"] = source
    if "detect" in table:
        detect = _detect(f, table["detect"], (*path, "detect"), detectors)
        if detect is not None:
            out["detect"] = detect
    if "applies_when" in table:
        applies = _applies_when(f, table["applies_when"], (*path, "applies_when"))
        if applies is not None:
            out["applies_when"] = applies
    if "revalidate_after" in table:
        value = table["revalidate_after"]
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            f.err(
                (*path, "revalidate_after"),
                f"expected a whole number of days greater than 0, got {_describe(value)}",
            )
        else:
            out["revalidate_after"] = value
    weight = _number(f, table, path, "weight", positive=True)
    if weight is not None:
        out["weight"] = weight
    note = _str(f, table, path, "note")
    if note is not None:
        out["note"] = note
    if not partial:
        _identity_fields(f, table, path, out)
        rubric = _rubric(f, table, path, out.get("kind", ItemKind.CHECK))
        if rubric:
            out["rubric"] = rubric
    return out


#: An item id, as `aliases` and `practice` must spell one (the loader's own pattern).
_DOTTED_ID = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)+")


def _identity_fields(
    f: _File, table: Mapping[str, Any], path: KeyPath, out: dict[str, Any]
) -> None:
    """`aliases` (former ids, so old drafts and records resolve) and `practice` (the key that
    ties one practice's items across checklists to one priority)."""
    aliases = _str_list(f, table, path, "aliases")
    if aliases is not None:
        bad = [n for n, alias in enumerate(aliases) if not _DOTTED_ID.fullmatch(alias)]
        for n in bad:
            f.err(
                (*path, "aliases", n),
                f"expected an id matching {_DOTTED_ID.pattern}, got {_quote(aliases[n])}",
            )
        if not bad:
            out["aliases"] = aliases
    practice = _str(f, table, path, "practice", pattern=_DOTTED_ID)
    if practice is not None:
        out["practice"] = practice


def _source(f: _File, table: Mapping[str, Any], path: KeyPath) -> str | None:
    """`source` as one string: a list of documents is joined with ", "."""
    value = table.get("source")
    if isinstance(value, list):
        names = _str_list(f, table, path, "source")
        if names is not None and not names:
            f.err((*path, "source"), "expected at least one document name")
            return None
        return ", ".join(names) if names else None
    if value is not None and not isinstance(value, str):
        f.err(
            (*path, "source"), f"expected a string or an array of strings, got {_describe(value)}"
        )
        return None
    return _str(f, table, path, "source", required=True)


_LEGACY_DETECT = ("any", "all")
_DETECT_KEYS = ("proves", "supports", "mode", *_LEGACY_DETECT)
_DETECT_EXAMPLE = 'a table such as { proves = ["detector.id"], supports = ["other.id"] }'


def _detect(
    f: _File, value: object, path: KeyPath, detectors: frozenset[str] | None
) -> Detect | None:
    """`{ proves = [...], supports = [...], mode = "any"|"all" }`, or the older `{ any | all }`
    (whose list means proves): what a found result of each linked detector establishes."""
    table = _table(f, value, path, _DETECT_EXAMPLE)
    if table is None:
        return None
    _check_keys(f, table, path, _DETECT_KEYS)
    legacy = [key for key in _LEGACY_DETECT if key in table]
    new = [key for key in ("proves", "supports", "mode") if key in table]
    if legacy and new:
        f.err(path, f'expected either proves/supports (with mode) or "{legacy[0]}", not both')
        return None
    if len(legacy) > 1:
        f.err(path, 'expected exactly one of "any" or "all" (or proves/supports)')
        return None
    if not legacy and not ("proves" in table or "supports" in table):
        f.err(path, "expected at least one of proves or supports, each an array of detector ids")
        return None
    lists: dict[str, tuple[str, ...]] = {}
    for key in (*legacy, "proves", "supports"):
        ids = _detector_ids(f, table, path, key, detectors) if key in table else ()
        if ids is None:
            return None
        lists[key] = ids
    both = sorted(set(lists["proves"]) & set(lists["supports"]))
    if both:
        f.err((*path, "supports"), f"{_quote(both[0])} is listed in proves too; name it once")
        return None
    if legacy:
        where = (*path, legacy[0])
        origin = f"{f.at(where)}: {render_path(where)}"
        return Detect(DetectMode(legacy[0]), lists[legacy[0]], legacy=True, origin=origin)
    mode = _choice(f, table, path, "mode", DetectMode, [m.value for m in DetectMode])
    if "mode" in table and mode is None:
        return None
    if mode is DetectMode.ALL and not lists["proves"]:
        f.err((*path, "mode"), 'mode = "all" needs proving detectors in proves')
        return None
    return Detect(mode or DetectMode.ANY, lists["proves"], lists["supports"])


def _detector_ids(
    f: _File, table: Mapping[str, Any], path: KeyPath, key: str, detectors: frozenset[str] | None
) -> tuple[str, ...] | None:
    """A non-empty list of distinct detector ids, each known when `detectors` is given."""
    ids = _str_list(f, table, path, key)
    if ids is None:
        return None
    if not ids:
        f.err((*path, key), "expected at least one detector id")
        return None
    ok = True
    for n, did in enumerate(ids):
        if did in ids[:n] and key not in _LEGACY_DETECT:  # the older shape loads as it did
            f.err((*path, key, n), f"{_quote(did)} is listed twice")
            ok = False
        elif detectors is not None and did not in detectors:
            close = difflib.get_close_matches(did, sorted(detectors), n=1)
            hint = f'; did you mean "{close[0]}"?' if close else "; see `golive detectors`"
            f.err((*path, key, n), f"unknown detector {_quote(did)}{hint}")
            ok = False
    return tuple(dict.fromkeys(ids)) if ok else None


def _applies_when(f: _File, value: object, path: KeyPath) -> AppliesWhen | None:
    table = _table(f, value, path, "a table such as { files = [...], go_imports = [...] }")
    if table is None:
        return None
    _check_keys(f, table, path, ("files", "go_imports", "na_reason"))
    files = _str_list(f, table, path, "files", globs=True)
    imports = _str_list(f, table, path, "go_imports", globs=True)
    reason = _str(f, table, path, "na_reason", nonblank=True)
    if ("files" in table and files is None) or ("go_imports" in table and imports is None):
        return None  # a bad entry, already reported
    if "na_reason" in table and reason is None:
        return None
    if not files and not imports:
        f.err(path, "expected at least one glob in files or import path in go_imports")
        return None
    return AppliesWhen(files=files or (), go_imports=imports or (), na_reason=reason or "")


def _rubric(f: _File, table: Mapping[str, Any], path: KeyPath, kind: ItemKind) -> tuple[str, ...]:
    full = (*path, "rubric")
    if kind is not ItemKind.SCORE:
        if "rubric" in table:
            f.err(full, 'only a kind = "score" item takes a rubric')
        return ()
    if "rubric" not in table:
        f.err(full, 'required for kind = "score"; expected 3 sentences (for 0, 1 and 2)')
        return ()
    rubric = _str_list(f, table, path, "rubric")
    if rubric is None:
        return ()
    if len(rubric) != 3:
        f.err(full, f"expected exactly 3 sentences (for 0, 1 and 2), got {len(rubric)}")
        return ()
    return rubric
