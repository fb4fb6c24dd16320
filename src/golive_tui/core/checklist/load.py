"""Checklist definitions: load and validate TOML, resolve `extends`, list the library, dump back.

Teams write these files by hand, so every problem is reported as
`file:line: key.path: what was expected`, and all problems of a file are reported at once: a
person fixing a checklist sees the whole list in one run instead of one typo at a time.
The format is specified in docs/checklist-format.md; this module is its only reader.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from golive_tui.core import tomlsafe
from golive_tui.core.confine import UnsafePathError, confine, read_capped
from golive_tui.core.errors import ChecklistError
from golive_tui.core.globs import check as check_glob
from golive_tui.core.model import (
    AppliesWhen,
    Band,
    Detect,
    DetectMode,
    Dimension,
    Item,
    ItemKind,
    PassRule,
    Priority,
    Scoring,
    ScoringMethod,
)

KeyPath = tuple[str | int, ...]
T = TypeVar("T")

_CHECKLIST_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_SECTION_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_ITEM_ID = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)+")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

_TOP_KEYS = ("checklist", "sections", "profiles", "scoring", "drop", "override")
_HEADER_KEYS = ("id", "title", "version", "description", "source", "extends", "default_profile")
_SECTION_KEYS = ("id", "title", "description", "items")
_ITEM_KEYS = (
    "id",
    "title",
    "why",
    "verify",
    "remediation",
    "priority",
    "kind",
    "tags",
    "source",
    "detect",
    "applies_when",
    "watch",
    "revalidate_after",
    "weight",
    "note",
    "rubric",
)
_OVERRIDE_KEYS = (
    "id",
    "title",
    "why",
    "verify",
    "remediation",
    "priority",
    "tags",
    "detect",
    "applies_when",
    "watch",
    "revalidate_after",
    "weight",
    "note",
)
_PROFILE_KEYS = (
    "id",
    "title",
    "description",
    "items",
    "priorities",
    "tags",
    "rule",
    "scoring",
    "min_score",
)
_SCORING_KEYS = ("id", "title", "description", "method", "items", "dimensions", "scale", "bands")
_DIMENSION_KEYS = ("id", "title", "weight", "items")
_BAND_KEYS = ("min", "max", "label", "description")
_DROP_KEYS = ("id", "reason")
_REQUIRED_ITEM_FIELDS = frozenset({"title", "why", "verify", "remediation", "priority", "source"})


# --------------------------------------------------------------------------- line index


def render_path(path: KeyPath) -> str:
    """`sections[1].items[0].priority`: the key path as people read it in messages."""
    out = ""
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        else:
            name = seg if _BARE_KEY.fullmatch(seg) else json.dumps(seg)
            out += f".{name}" if out else name
    return out


class LineIndex:
    """Maps key paths to the line that defines them, by scanning the TOML text.

    tomllib reports no positions for valid documents, yet every message must name a line. The
    scan only needs statement starts: table headers, arrays of tables (with their running
    indices) and `key = value` lines, skipping the insides of strings and multi-line values.
    It runs only on text tomllib accepted, so it may assume the syntax is valid.
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        self._aot: dict[KeyPath, int] = {}
        self._ml: str | None = None  # open multi-line string delimiter
        self._depth = 0  # open brackets/braces of a multi-line value
        current: KeyPath = ()
        for lineno, line in enumerate(text.splitlines(), 1):
            if self._ml is None and self._depth == 0:
                stripped = line.lstrip()
                if stripped.startswith("[["):
                    keys = _parse_key(stripped, 2)
                    if keys is not None:
                        path = self._resolve(keys[0])
                        count = self._aot.get(path, 0)
                        self._aot[path] = count + 1
                        current = (*path, count)
                        self._lines.setdefault(path, lineno)
                        self._lines[current] = lineno
                    continue
                if stripped.startswith("["):
                    keys = _parse_key(stripped, 1)
                    if keys is not None:
                        current = self._resolve(keys[0])
                        self._lines.setdefault(current, lineno)
                    continue
                keys = _parse_key(stripped, 0)
                if keys is not None and stripped[keys[1] :].lstrip().startswith("="):
                    for n in range(1, len(keys[0]) + 1):
                        self._lines.setdefault((*current, *keys[0][:n]), lineno)
                    rest = stripped[keys[1] :].lstrip()[1:]
                    self._feed(rest)
                    continue
            self._feed(line)

    def line(self, path: KeyPath) -> int:
        """The line of `path`, else of its nearest defined ancestor (a missing key: its table)."""
        probe = tuple(path)
        while probe:
            if probe in self._lines:
                return self._lines[probe]
            probe = probe[:-1]
        return 1

    def _resolve(self, keys: list[str]) -> KeyPath:
        """A header's dotted keys as a path, stepping into the latest element of each array."""
        path: KeyPath = ()
        for n, key in enumerate(keys):
            path = (*path, key)
            if n < len(keys) - 1 and path in self._aot:
                path = (*path, self._aot[path] - 1)
        return path

    def _feed(self, text: str) -> None:
        """Track strings and brackets so lines inside a value are never read as statements."""
        i = 0
        while i < len(text):
            if self._ml is not None:
                i = self._close_multiline(text, i)
                if i < 0:
                    return
                continue
            char = text[i]
            if char == "#":
                return
            if text.startswith('"""', i) or text.startswith("'''", i):
                self._ml = text[i : i + 3]
                i += 3
            elif char == '"':
                i += 1
                while i < len(text) and text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
                i += 1
            elif char == "'":
                end = text.find("'", i + 1)
                i = len(text) if end < 0 else end + 1
            else:
                if char in "[{":
                    self._depth += 1
                elif char in "]}":
                    self._depth -= 1
                i += 1

    def _close_multiline(self, text: str, i: int) -> int:
        """Index just past the closing delimiter of the open string, or -1 if it goes on."""
        delim = self._ml or ""
        while i < len(text):
            if delim == '"""' and text[i] == "\\":
                i += 2
                continue
            if text.startswith(delim, i):
                i += 3
                # Up to two quotes right before the delimiter belong to the string.
                extra = 0
                while i < len(text) and text[i] == delim[0] and extra < 2:
                    i += 1
                    extra += 1
                self._ml = None
                return i
            i += 1
        return -1


def _parse_key(text: str, pos: int) -> tuple[list[str], int] | None:
    """A (dotted) TOML key starting at `pos`: its parts and the index after it."""
    keys: list[str] = []
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return None
        if text[pos] == '"':
            end = pos + 1
            chars: list[str] = []
            while end < len(text) and text[end] != '"':
                if text[end] == "\\" and end + 1 < len(text):
                    end += 1
                chars.append(text[end])
                end += 1
            keys.append("".join(chars))
            pos = end + 1
        elif text[pos] == "'":
            end = text.find("'", pos + 1)
            if end < 0:
                return None
            keys.append(text[pos + 1 : end])
            pos = end + 1
        else:
            match = _BARE_KEY.match(text, pos)
            if match is None:
                return None
            keys.append(match.group())
            pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return keys, pos


# --------------------------------------------------------------------------- reading a file


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


# --------------------------------------------------------------------------- raw definitions


@dataclass
class _RawProfile:
    id: str
    title: str
    description: str
    items: tuple[str, ...]
    priorities: tuple[Priority, ...]
    tags: tuple[str, ...]
    rule: PassRule
    scoring: str
    min_score: float
    path: KeyPath
    file: _File


@dataclass
class _RawScoring:
    scoring: Scoring
    path: KeyPath
    file: _File


@dataclass
class _RawSection:
    id: str
    title: str | None
    description: str | None
    items: list[Item]
    path: KeyPath


@dataclass
class _RawDrop:
    id: str
    reason: str
    path: KeyPath


@dataclass
class _RawOverride:
    id: str
    fields: dict[str, Any]
    path: KeyPath


@dataclass
class RawChecklist:
    """One definition file, validated on its own; `extends` and cross-references resolve later."""

    id: str
    title: str
    version: str
    description: str
    source: tuple[str, ...]
    extends: str
    default_profile: str
    sections: list[_RawSection]
    profiles: list[_RawProfile]
    scoring: list[_RawScoring]
    drops: list[_RawDrop]
    overrides: list[_RawOverride]
    path: Path
    sha256: str
    origin: str
    file: _File = field(repr=False)


#: Largest definition or config file read (the shipped checklists are under 100 KB).
MAX_DEFINITION_BYTES = 1024 * 1024


def _read_text(path: Path, display: str, repo_root: Path | None = None) -> str:
    """The file as UTF-8 text, or a ChecklistError a person can act on."""
    return _decode(_read_bytes(path, display, repo_root), display)


def _lexical(path: Path) -> Path:
    """`path` made absolute without following any link (`..` folded as written)."""
    return Path(os.path.abspath(path))  # noqa: PTH100 - resolve() would follow the links


def _resolved(path: Path) -> Path:
    """`path` resolved, or as given when it cannot be (a symlink loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _read_bytes(path: Path, display: str, repo_root: Path | None = None) -> bytes:
    """At most MAX_DEFINITION_BYTES of a regular file; with `repo_root`, the file is the
    repository's own and is confined to it (a symlink leading outside is refused)."""
    try:
        if repo_root is not None:
            target = confine(repo_root, _lexical(path).relative_to(_lexical(repo_root)).as_posix())
        else:
            target = _resolved(path)
        return read_capped(target, MAX_DEFINITION_BYTES, shown=display)
    except UnsafePathError as exc:
        if exc.why.endswith("got a directory"):
            raise ChecklistError([f"{display}: is a directory, expected a .toml file"]) from None
        raise ChecklistError([f"{display}: {exc.why}"]) from None
    except FileNotFoundError:
        raise ChecklistError([f"{display}: no such file"]) from None
    except ValueError:  # not below the repository at all
        raise ChecklistError([f"{display}: expected a file inside the repository"]) from None
    except OSError as exc:
        raise ChecklistError([f"{display}: cannot read: {exc.strerror or exc}"]) from None


def _decode(data: bytes, display: str) -> str:
    """UTF-8 text (a leading byte-order mark, as some editors write, is accepted)."""
    if b"\x00" in data:
        raise ChecklistError([f"{display}: looks like a binary file; expected TOML text"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise ChecklistError(
            [f"{display}:{line}: not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8"]
        ) from None


_TOML_POS = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$")


def _parse_toml(text: str, display: str) -> dict[str, Any]:
    try:
        return tomlsafe.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POS.match(message)
        if match:
            what, line, col = match.group(1), match.group(2), match.group(3)
        else:
            what = message.removesuffix(" (at end of document)")
            lines = text.splitlines() or [""]
            line, col = str(len(lines)), str(len(lines[-1]) + 1)
        raise ChecklistError([f"{display}:{line}:{col}: invalid TOML: {what}"]) from None


def _by_line(problems: list[str]) -> list[str]:
    """Problems in file order (they are found table by table, not line by line)."""

    def line(problem: str) -> int:
        match = re.match(r"^.*?:(\d+): ", problem)
        return int(match.group(1)) if match else 0

    return sorted(problems, key=line)


def display_name(path: Path) -> str:
    """How messages name a file: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop
        return str(path)


def parse_file(
    path: Path,
    *,
    known_detectors: Iterable[str] | None = None,
    origin: str = "repo",
    display: str | None = None,
    repo_root: Path | None = None,
) -> RawChecklist:
    """Read and validate one definition file on its own (no `extends` resolution).

    With `repo_root`, the file is one of the repository's own and is read confined to it.
    Raises ChecklistError listing every problem found in the file.
    """
    shown = display if display is not None else str(path)
    content = _read_bytes(path, shown, repo_root)
    text = _decode(content, shown)
    data = _parse_toml(text, shown)
    f = _File(shown, LineIndex(text), [])
    detectors = frozenset(known_detectors) if known_detectors is not None else None
    raw = _build_raw(f, data, detectors, path, origin, hashlib.sha256(content).hexdigest())
    if f.problems and not raw.extends:
        _check_local_refs(raw, _declared_item_ids(data))
    if f.problems:
        raise ChecklistError(_by_line(f.problems))
    return raw


def _declared_item_ids(data: Mapping[str, Any]) -> set[str]:
    """Every item id written in the file, valid or not (so references to it are not reported)."""
    ids: set[str] = set()
    sections = data.get("sections")
    for section in sections if isinstance(sections, list) else []:
        items = section.get("items") if isinstance(section, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.add(item["id"])
    return ids


def _check_local_refs(raw: RawChecklist, item_ids: set[str]) -> None:
    """Reference checks for a file that already has problems, so one run reports everything.

    A valid file gets the same checks during resolution, against the final items.
    """
    f = raw.file
    for profile in raw.profiles:
        for n, item_id in enumerate(profile.items):
            if item_id not in item_ids:
                f.err((*profile.path, "items", n), f"unknown item id {_quote(item_id)}")
        scorings = {s.scoring.id for s in raw.scoring}
        if (
            profile.rule is PassRule.MIN_SCORE
            and profile.scoring
            and profile.scoring not in scorings
        ):
            f.err((*profile.path, "scoring"), f"unknown scoring {_quote(profile.scoring)}")
    for raw_scoring in raw.scoring:
        s, p = raw_scoring.scoring, raw_scoring.path
        refs = [((*p, "items", n), i) for n, i in enumerate(s.items)]
        for m, dim in enumerate(s.dimensions):
            refs += [((*p, "dimensions", m, "items", n), i) for n, i in enumerate(dim.items)]
        for path, item_id in refs:
            if item_id not in item_ids:
                f.err(path, f"unknown item id {_quote(item_id)}")


def _build_raw(
    f: _File,
    data: Mapping[str, Any],
    detectors: frozenset[str] | None,
    path: Path,
    origin: str,
    sha256: str,
) -> RawChecklist:
    _check_keys(f, data, (), _TOP_KEYS)
    header: dict[str, Any] | None = None
    if "checklist" not in data:
        f.err(("checklist",), "required; expected a [checklist] table with id, title, version")
    else:
        header = _table(f, data["checklist"], ("checklist",), "a table ([checklist])")
    hp: KeyPath = ("checklist",)
    if header is None:
        header = dict.fromkeys(("id", "title", "version", "description"), "x")  # reported
        header["source"] = ["x"]
    _check_keys(f, header, hp, _HEADER_KEYS)
    cid = _str(f, header, hp, "id", required=True, pattern=_CHECKLIST_ID) or ""
    title = _str(f, header, hp, "title", required=True) or ""
    version = _str(f, header, hp, "version", required=True) or ""
    description = _str(f, header, hp, "description", required=True) or ""
    source = _str_list(f, header, hp, "source", required=True) or ()
    if "source" in header and isinstance(header["source"], list) and not header["source"]:
        f.err((*hp, "source"), "expected at least one document name")
    extends = _str(f, header, hp, "extends") or ""
    if extends and not _CHECKLIST_ID.fullmatch(extends):
        f.err(
            (*hp, "extends"),
            f"expected a checklist id matching {_CHECKLIST_ID.pattern}, got {_quote(extends)}",
        )
    default_profile = _str(f, header, hp, "default_profile") or ""

    sections = _build_sections(f, data, detectors, extending=bool(extends))
    if not extends and "sections" not in data:
        f.err(("sections",), "required; expected at least one [[sections]] with items")

    drops: list[_RawDrop] = []
    overrides: list[_RawOverride] = []
    for key in ("drop", "override"):
        if key in data and not extends:
            f.err((key,), f"only a checklist that extends another can use [[{key}]]")
    seen: dict[str, KeyPath] = {}
    for n, table in _tables(f, data, "drop", ()):
        p: KeyPath = ("drop", n)
        _check_keys(f, table, p, _DROP_KEYS)
        did = _str(f, table, p, "id", required=True, pattern=_ITEM_ID)
        reason = _str(f, table, p, "reason", required=True)
        _dup(f, seen, did, (*p, "id"), "dropped item")
        if did and reason:
            drops.append(_RawDrop(did, reason, p))
    seen_over: dict[str, KeyPath] = {}
    for n, table in _tables(f, data, "override", ()):
        p = ("override", n)
        fixed = ("kind", "rubric", "source")
        _check_keys(f, table, p, (*_OVERRIDE_KEYS, *fixed))
        for key in fixed:
            if key in table:
                f.err((*p, key), "cannot be overridden; drop the item and add one of your own")
        oid = _str(f, table, p, "id", required=True, pattern=_ITEM_ID)
        _dup(f, seen_over, oid, (*p, "id"), "overridden item")
        if oid in seen:
            f.err((*p, "id"), f"item {_quote(oid or '')} is both dropped and overridden")
        fields = _item_fields(f, table, p, detectors, partial=True)
        if len(table) == 1 and oid:
            f.err(p, "expected at least one field to override besides id")
        if oid:
            overrides.append(_RawOverride(oid, fields, p))

    profiles = _build_profiles(f, data)
    scoring = _build_scoring(f, data)
    return RawChecklist(
        id=cid,
        title=title,
        version=version,
        description=description,
        source=source,
        extends=extends,
        default_profile=default_profile,
        sections=sections,
        profiles=profiles,
        scoring=scoring,
        drops=drops,
        overrides=overrides,
        path=path,
        sha256=sha256,
        origin=origin,
        file=f,
    )


def _build_sections(
    f: _File, data: Mapping[str, Any], detectors: frozenset[str] | None, *, extending: bool
) -> list[_RawSection]:
    sections: list[_RawSection] = []
    seen_sections: dict[str, KeyPath] = {}
    seen_items: dict[str, KeyPath] = {}
    for n, table in _tables(f, data, "sections", ()):
        p: KeyPath = ("sections", n)
        _check_keys(f, table, p, _SECTION_KEYS)
        sid = _str(f, table, p, "id", required=True, pattern=_SECTION_ID)
        _dup(f, seen_sections, sid, (*p, "id"), "section")
        # An extension may name a parent's section by id alone to append items to it.
        title = _str(f, table, p, "title", required=not extending)
        description = _str(f, table, p, "description")
        items: list[Item] = []
        entries = _tables(f, table, "items", p)
        if not entries and not extending:
            f.err((*p, "items"), "expected at least one [[sections.items]]")
        for m, entry in entries:
            ip: KeyPath = (*p, "items", m)
            _check_keys(f, entry, ip, _ITEM_KEYS)
            iid = _str(f, entry, ip, "id", required=True, pattern=_ITEM_ID)
            _dup(f, seen_items, iid, (*ip, "id"), "item")
            fields = _item_fields(f, entry, ip, detectors, partial=False)
            if iid is None or not fields.keys() >= _REQUIRED_ITEM_FIELDS:
                continue  # required fields missing: already reported
            items.append(
                Item(id=iid, section=sid or "", origin=f.at(ip), **fields),
            )
        if sid is not None:
            sections.append(_RawSection(sid, title, description, items, p))
    return sections


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
        rubric = _rubric(f, table, path, out.get("kind", ItemKind.CHECK))
        if rubric:
            out["rubric"] = rubric
    return out


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


def _detect(
    f: _File, value: object, path: KeyPath, detectors: frozenset[str] | None
) -> Detect | None:
    table = _table(f, value, path, 'a table such as { any = ["detector.id"] }')
    if table is None:
        return None
    _check_keys(f, table, path, ("any", "all"))
    modes = [key for key in ("any", "all") if key in table]
    if len(modes) != 1:
        f.err(path, 'expected exactly one of "any" or "all"')
        return None
    mode = modes[0]
    ids = _str_list(f, table, path, mode)
    if ids is None:
        return None
    if not ids:
        f.err((*path, mode), "expected at least one detector id")
        return None
    ok = True
    if detectors is not None:
        for n, did in enumerate(ids):
            if did not in detectors:
                close = difflib.get_close_matches(did, sorted(detectors), n=1)
                hint = f'; did you mean "{close[0]}"?' if close else "; see `golive detectors`"
                f.err((*path, mode, n), f"unknown detector {_quote(did)}{hint}")
                ok = False
    return Detect(DetectMode(mode), ids) if ok else None


def _applies_when(f: _File, value: object, path: KeyPath) -> AppliesWhen | None:
    table = _table(f, value, path, "a table such as { files = [...], go_imports = [...] }")
    if table is None:
        return None
    _check_keys(f, table, path, ("files", "go_imports"))
    files = _str_list(f, table, path, "files", globs=True)
    imports = _str_list(f, table, path, "go_imports", globs=True)
    if ("files" in table and files is None) or ("go_imports" in table and imports is None):
        return None  # a bad entry, already reported
    if not files and not imports:
        f.err(path, "expected at least one glob in files or import path in go_imports")
        return None
    return AppliesWhen(files=files or (), go_imports=imports or ())


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


def _build_profiles(f: _File, data: Mapping[str, Any]) -> list[_RawProfile]:
    out: list[_RawProfile] = []
    seen: dict[str, KeyPath] = {}
    for n, table in _tables(f, data, "profiles", ()):
        p: KeyPath = ("profiles", n)
        _check_keys(f, table, p, _PROFILE_KEYS)
        pid = _str(f, table, p, "id", required=True, pattern=_SECTION_ID)
        _dup(f, seen, pid, (*p, "id"), "profile")
        title = _str(f, table, p, "title", required=True)
        description = _str(f, table, p, "description") or ""
        items = _str_list(f, table, p, "items") or ()
        tags = _str_list(f, table, p, "tags") or ()
        priorities: list[Priority] = []
        for m, value in enumerate(_str_list(f, table, p, "priorities") or ()):
            if value in Priority.__members__:
                priorities.append(Priority(value))
            else:
                f.err((*p, "priorities", m), f"expected one of P0, P1, P2, got {_quote(value)}")
        rule = _choice(f, table, p, "rule", PassRule, [r.value for r in PassRule])
        rule = rule or PassRule.ALL_DONE
        scoring = _str(f, table, p, "scoring") or ""
        min_score = _number(f, table, p, "min_score")
        if rule is PassRule.MIN_SCORE:
            if not scoring:
                f.err((*p, "scoring"), 'required with rule = "min_score"; expected a scoring id')
            if min_score is None and "min_score" not in table:
                f.err((*p, "min_score"), 'required with rule = "min_score"; expected a number')
        else:
            for key in ("scoring", "min_score"):
                if key in table:
                    f.err((*p, key), 'only used with rule = "min_score"')
        if "items" not in table and "priorities" not in table and "tags" not in table:
            f.err(p, "expected items, priorities or tags to select at least one item")
        if pid is not None and title is not None:
            out.append(
                _RawProfile(
                    id=pid,
                    title=title,
                    description=description,
                    items=items,
                    priorities=tuple(priorities),
                    tags=tags,
                    rule=rule,
                    scoring=scoring,
                    min_score=min_score or 0.0,
                    path=p,
                    file=f,
                )
            )
    return out


def _build_scoring(f: _File, data: Mapping[str, Any]) -> list[_RawScoring]:
    out: list[_RawScoring] = []
    seen: dict[str, KeyPath] = {}
    for n, table in _tables(f, data, "scoring", ()):
        p: KeyPath = ("scoring", n)
        _check_keys(f, table, p, _SCORING_KEYS)
        sid = _str(f, table, p, "id", required=True, pattern=_SECTION_ID)
        _dup(f, seen, sid, (*p, "id"), "scoring")
        title = _str(f, table, p, "title", required=True)
        description = _str(f, table, p, "description") or ""
        method = _choice(
            f, table, p, "method", ScoringMethod, [m.value for m in ScoringMethod], required=True
        )
        items: tuple[str, ...] = ()
        dimensions: list[Dimension] = []
        scale = 100.0
        if method is ScoringMethod.POINTS:
            for key in ("dimensions", "scale"):
                if key in table:
                    f.err((*p, key), 'only used with method = "weighted"')
            items = _str_list(f, table, p, "items", required=True) or ()
            if "items" in table and isinstance(table["items"], list) and not table["items"]:
                f.err((*p, "items"), "expected at least one item id")
        elif method is ScoringMethod.WEIGHTED:
            if "items" in table:
                f.err((*p, "items"), 'only used with method = "points"; list items per dimension')
            scale = _number(f, table, p, "scale", positive=True) or 100.0
            dims = _tables(f, table, "dimensions", p)
            if not dims and "dimensions" not in table:
                f.err((*p, "dimensions"), "required; expected at least one [[scoring.dimensions]]")
            seen_dims: dict[str, KeyPath] = {}
            for m, dim in dims:
                dp: KeyPath = (*p, "dimensions", m)
                _check_keys(f, dim, dp, _DIMENSION_KEYS)
                did = _str(f, dim, dp, "id", required=True, pattern=_SECTION_ID)
                _dup(f, seen_dims, did, (*dp, "id"), "dimension")
                dtitle = _str(f, dim, dp, "title", required=True)
                weight = _number(f, dim, dp, "weight", required=True, positive=True)
                ditems = _str_list(f, dim, dp, "items", required=True)
                if ditems is not None and not ditems:
                    f.err((*dp, "items"), "expected at least one item id")
                if did and dtitle and weight and ditems:
                    dimensions.append(Dimension(did, dtitle, weight, ditems))
        bands = _build_bands(f, table, p)
        if sid and title and method is not None:
            scoring = Scoring(
                id=sid,
                title=title,
                method=method,
                bands=bands,
                items=items,
                dimensions=tuple(dimensions),
                scale=scale,
                description=description,
            )
            out.append(_RawScoring(scoring, p, f))
    return out


def _build_bands(f: _File, table: Mapping[str, Any], path: KeyPath) -> tuple[Band, ...]:
    bands: list[tuple[Band, KeyPath]] = []
    for n, entry in _tables(f, table, "bands", path):
        bp: KeyPath = (*path, "bands", n)
        _check_keys(f, entry, bp, _BAND_KEYS)
        low = _number(f, entry, bp, "min", required=True)
        high = _number(f, entry, bp, "max")
        label = _str(f, entry, bp, "label", required=True)
        description = _str(f, entry, bp, "description") or ""
        if low is not None and high is not None and high < low:
            f.err((*bp, "max"), f"expected a number not below min ({_num(low)}), got {_num(high)}")
            continue
        if low is not None and label is not None:
            bands.append((Band(min=low, label=label, max=high, description=description), bp))
    ordered = sorted(bands, key=lambda b: b[0].min)
    for (lower, lower_path), (upper, upper_path) in itertools.pairwise(ordered):
        if lower.min == upper.min or (lower.max is not None and lower.max >= upper.min):
            f.err(
                upper_path,
                f"band {_range(upper)} overlaps band {_range(lower)} "
                f"({render_path(lower_path)}); bands must not overlap",
            )
    return tuple(band for band, _ in bands)


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _range(band: Band) -> str:
    if band.max is None:
        return f"{_num(band.min)} and above"
    return f"{_num(band.min)}-{_num(band.max)}"
