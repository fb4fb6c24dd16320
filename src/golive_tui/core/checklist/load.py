"""Checklist definitions: read and validate one TOML file into a RawChecklist (before `extends`).

Teams write these files by hand, so every problem is reported as
`file:line: key.path: what was expected`, and all problems of a file are reported at once: a
person fixing a checklist sees the whole list in one run instead of one typo at a time.
The format is specified in docs/checklist-format.md; this package is its only reader.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from golive_tui.core import tomlcache
from golive_tui.core.checklist.fields import (
    _SECTION_ID,
    _check_keys,
    _dup,
    _File,
    _item_fields,
    _quote,
    _str,
    _str_list,
    _table,
    _tables,
)
from golive_tui.core.checklist.sections import (
    _build_profiles,
    _build_scoring,
    _RawProfile,
    _RawScoring,
)
from golive_tui.core.confine import UnsafePathError, confine, read_capped
from golive_tui.core.errors import ChecklistError
from golive_tui.core.hashing import sha256
from golive_tui.core.model import (
    Item,
    PassRule,
)
from golive_tui.core.tomllines import KeyPath, LineIndex

_CHECKLIST_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_ITEM_ID = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)+")
_TOP_KEYS = ("checklist", "sections", "profiles", "scoring", "drop", "override")
_HEADER_KEYS = (
    "id",
    "title",
    "version",
    "description",
    "source",
    "extends",
    "default_profile",
    "only_profile",
)
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
    "aliases",
    "practice",
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
_DROP_KEYS = ("id", "reason")
_REQUIRED_ITEM_FIELDS = frozenset({"title", "why", "verify", "remediation", "priority", "source"})


# --------------------------------------------------------------------------- raw definitions


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
    only_profile: str
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
    # Imported here: a command that reads only the shipped checklists (from tomlcache) never
    # needs tomllib, whose import compiles its patterns (~3 ms).
    import tomllib

    from golive_tui.core import tomlsafe

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
    if origin == "shipped" and repo_root is None:  # golive's own file, never a repository's
        data, index = tomlcache.loads_indexed(text, f"checklist-{path.stem}")
    else:
        data, index = _parse_toml(text, shown), LineIndex(text)
    f = _File(shown, index, [])
    detectors = frozenset(known_detectors) if known_detectors is not None else None
    raw = _build_raw(f, data, detectors, path, origin, sha256(content).hexdigest())
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
    only_profile = _str(f, header, hp, "only_profile", pattern=_SECTION_ID) or ""
    if only_profile and not extends:
        f.err((*hp, "only_profile"), "only a checklist that extends another can narrow it")

    sections = _build_sections(f, data, detectors, extending=bool(extends))
    if not extends and "sections" not in data:
        f.err(("sections",), "required; expected at least one [[sections]] with items")

    drops, overrides = _build_edits(f, data, detectors, extending=bool(extends))

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
        only_profile=only_profile,
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


def _build_edits(
    f: _File, data: Mapping[str, Any], detectors: frozenset[str] | None, *, extending: bool
) -> tuple[list[_RawDrop], list[_RawOverride]]:
    """The `[[drop]]` and `[[override]]` tables, which only an extending checklist may use."""
    drops: list[_RawDrop] = []
    overrides: list[_RawOverride] = []
    for key in ("drop", "override"):
        if key in data and not extending:
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
    return drops, overrides


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
