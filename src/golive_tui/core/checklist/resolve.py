"""Resolving `extends`: a checklist's items, drops, overrides, profiles and scoring over its parents.

Item references in profiles and scoring are checked against the final items, with every
problem reported at once as `file:line: key.path: what was expected`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from golive_tui.core.checklist.fields import _File, _quote
from golive_tui.core.checklist.load import RawChecklist
from golive_tui.core.checklist.sections import _RawProfile, _RawScoring
from golive_tui.core.errors import ChecklistError
from golive_tui.core.model import Checklist, Dropped, Item, PassRule, Profile, Scoring, Section
from golive_tui.core.tomllines import KeyPath, render_path


def resolve(raw: RawChecklist, chain: Sequence[RawChecklist]) -> Checklist:
    """The full checklist of `raw`, whose ancestors are `chain` (nearest first).

    Profiles and scoring are resolved last against the final items, so an inherited
    `priorities = ["P0"]` profile also picks up items the extension raised to P0.
    """
    problems: list[str] = []
    lineage = [*reversed(chain), raw]  # root first
    root = lineage[0]
    sections: list[Section] = []
    for rs in root.sections:
        sections.append(Section(rs.id, rs.title or "", tuple(rs.items), rs.description or ""))
    profiles: dict[str, _RawProfile] = {p.id: p for p in root.profiles}
    scorings: dict[str, _RawScoring] = {s.scoring.id: s for s in root.scoring}
    dropped: list[Dropped] = []
    default_profile = root.default_profile
    for child in lineage[1:]:
        f = child.file
        before = len(f.problems)
        sections = _extend(child, sections, dropped)
        if child.only_profile:
            sections = _narrow(child, sections, profiles, problems)
            profiles, scorings = {}, {}  # the parent's profiles and scores no longer apply
        profiles.update({p.id: p for p in child.profiles})
        scorings.update({s.scoring.id: s for s in child.scoring})
        default_profile = child.default_profile or default_profile
        problems.extend(f.problems[before:])
        del f.problems[before:]

    items = {item.id: item for section in sections for item in section.items}
    problems.extend(_alias_problems(items))
    gone = {d.id for d in dropped}
    resolved_scoring = [
        _resolve_scoring(s, items, gone, problems, inherited=s.file is not raw.file)
        for s in scorings.values()
    ]
    resolved_profiles = [
        _resolve_profile(p, items, gone, scorings, problems, inherited=p.file is not raw.file)
        for p in profiles.values()
    ]
    # Drops can empty what a parent defined: say so where the team can act (its own file).
    emptied = [
        f"profile {_quote(p.id)}"
        for p in resolved_profiles
        if not p.items and profiles[p.id].file is not raw.file
    ] + [
        f"scoring {_quote(s.id)}"
        for s in resolved_scoring
        if not (s.items or s.dimensions) and scorings[s.id].file is not raw.file
    ]
    for what in emptied:
        raw.file.err(
            ("checklist", "extends"),
            f"{what} inherited from {_quote(raw.extends)} has no items left after [[drop]]; "
            "define one with the same id to replace it",
        )
    if default_profile and default_profile not in profiles:
        raw.file.err(
            ("checklist", "default_profile"),
            f"unknown profile {_quote(default_profile)}; expected one of "
            + (", ".join(profiles) or "the ids of [[profiles]] (none defined)"),
        )
    problems.extend(raw.file.problems)
    raw.file.problems.clear()
    if problems:
        raise ChecklistError(problems)
    return Checklist(
        id=raw.id,
        title=raw.title,
        version=raw.version,
        description=raw.description,
        source=raw.source,
        sections=tuple(sections),
        profiles=tuple(resolved_profiles),
        scoring=tuple(resolved_scoring),
        extends=raw.extends,
        dropped=tuple(dropped),
        path=str(raw.path),
        sha256=raw.sha256,
        parent_sha256=tuple(parent.sha256 for parent in chain),
        origin=raw.origin,
        narrowed_to=next((c.only_profile for c in reversed(lineage) if c.only_profile), ""),
        default_profile=default_profile,
    )


def _narrow(
    child: RawChecklist,
    sections: Sequence[Section],
    profiles: Mapping[str, _RawProfile],
    problems: list[str],
) -> list[Section]:
    """`sections` cut down to the items of the parent's profile `child.only_profile`, plus the
    items `child` adds itself: a short checklist that is one profile of a longer one keeps its
    own id (drafts and records name it) while its items stay the longer one's."""
    f = child.file
    wanted = profiles.get(child.only_profile)
    if wanted is None:
        path: KeyPath = ("checklist", "only_profile")
        known = ", ".join(profiles) or "none defined"
        problems.append(
            f"{f.at(path)}: {render_path(path)}: no profile {_quote(child.only_profile)} in "
            f"{_quote(child.extends)}; expected one of {known}"
        )
        return list(sections)
    own = {item.id for rs in child.sections for item in rs.items}
    chosen = set(wanted.items)
    for section in sections:
        for item in section.items:
            if item.priority in wanted.priorities or set(item.tags) & set(wanted.tags):
                chosen.add(item.id)
    kept = [
        section._replace(items=tuple(i for i in section.items if i.id in chosen or i.id in own))
        for section in sections
    ]
    return [section for section in kept if section.items]


def _alias_problems(items: Mapping[str, Item]) -> list[str]:
    """An alias may name one item only, and never an id in use: else an old answer would land
    on the wrong item."""
    problems: list[str] = []
    owner: dict[str, str] = {}
    for item in items.values():
        for alias in item.aliases:
            if alias in items:
                problems.append(
                    f"{item.origin}: aliases: {_quote(alias)} is the id of another item; "
                    "an alias must be a former id no item uses"
                )
            elif alias in owner and owner[alias] != item.id:
                problems.append(
                    f"{item.origin}: aliases: {_quote(alias)} is already an alias of "
                    f"{_quote(owner[alias])}"
                )
            owner.setdefault(alias, item.id)
    return problems


def _extend(
    child: RawChecklist, sections: Sequence[Section], dropped: list[Dropped]
) -> list[Section]:
    """`sections` with `child`'s drops (added to `dropped`), overrides and items applied.

    Problems are recorded on the child's file.
    """
    f = child.file
    known = {item.id for section in sections for item in section.items}
    parent_id = child.extends
    drop_ids = set()
    for drop in child.drops:
        if drop.id not in known:
            f.err((*drop.path, "id"), f"no item {_quote(drop.id)} in {_quote(parent_id)}")
        else:
            drop_ids.add(drop.id)
            dropped.append(Dropped(drop.id, drop.reason))
    overrides: dict[str, dict[str, Any]] = {}
    for over in child.overrides:
        if over.id not in known:
            f.err((*over.path, "id"), f"no item {_quote(over.id)} in {_quote(parent_id)}")
        else:
            overrides[over.id] = over.fields
    merged: list[Section] = []
    for section in sections:
        kept = tuple(
            item._replace(**overrides.get(item.id, {}))
            for item in section.items
            if item.id not in drop_ids
        )
        merged.append(section._replace(items=kept))
    by_id = {section.id: n for n, section in enumerate(merged)}
    for rs in child.sections:
        for n, item in enumerate(rs.items):
            if item.id in known:
                where = "" if item.id in drop_ids else "; use [[override]] to change it"
                f.err(
                    (*rs.path, "items", n, "id"),
                    f"item {_quote(item.id)} already exists in {_quote(parent_id)}{where}",
                )
        if rs.id in by_id:
            old = merged[by_id[rs.id]]
            merged[by_id[rs.id]] = Section(
                rs.id,
                rs.title if rs.title is not None else old.title,
                old.items + tuple(rs.items),
                rs.description if rs.description is not None else old.description,
            )
        else:
            if rs.title is None:
                f.err((*rs.path, "title"), "required for a new section; expected a string")
            if not rs.items:
                f.err((*rs.path, "items"), "expected at least one [[sections.items]]")
            by_id[rs.id] = len(merged)
            merged.append(Section(rs.id, rs.title or "", tuple(rs.items), rs.description or ""))
    # A section whose items were all dropped is no longer shown.
    return [section for section in merged if section.items]


def _check_refs(
    f: _File,
    ids: Sequence[str],
    path: KeyPath,
    items: Mapping[str, Item],
    gone: set[str],
    problems: list[str],
    *,
    inherited: bool,
) -> tuple[str, ...]:
    """Known ids in order; unknown ones are problems, except inherited ids a child dropped."""
    out: list[str] = []
    for n, item_id in enumerate(ids):
        if item_id in items:
            out.append(item_id)
        elif not (inherited and item_id in gone):
            close = difflib.get_close_matches(item_id, list(items), n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            problems.append(
                f"{f.at((*path, n))}: {render_path((*path, n))}: "
                f"unknown item id {_quote(item_id)}{hint}"
            )
    return tuple(out)


def _resolve_scoring(
    raw: _RawScoring,
    items: Mapping[str, Item],
    gone: set[str],
    problems: list[str],
    *,
    inherited: bool,
) -> Scoring:
    s = raw.scoring
    refs = _check_refs(
        raw.file, s.items, (*raw.path, "items"), items, gone, problems, inherited=inherited
    )
    dims = tuple(
        dim._replace(
            items=_check_refs(
                raw.file,
                dim.items,
                (*raw.path, "dimensions", n, "items"),
                items,
                gone,
                problems,
                inherited=inherited,
            ),
        )
        for n, dim in enumerate(s.dimensions)
    )
    if inherited:
        dims = tuple(dim for dim in dims if dim.items)  # every item of it was dropped
    return s._replace(items=refs, dimensions=dims)


def _resolve_profile(
    raw: _RawProfile,
    items: Mapping[str, Item],
    gone: set[str],
    scorings: Mapping[str, _RawScoring],
    problems: list[str],
    *,
    inherited: bool,
) -> Profile:
    f = raw.file
    explicit = _check_refs(
        f, raw.items, (*raw.path, "items"), items, gone, problems, inherited=inherited
    )
    chosen = set(explicit)
    for item in items.values():
        if item.priority in raw.priorities or set(item.tags) & set(raw.tags):
            chosen.add(item.id)
    ordered = tuple(item_id for item_id in items if item_id in chosen)
    if not ordered and not inherited:
        problems.append(f"{f.at(raw.path)}: {render_path(raw.path)}: selects no item")
    if raw.rule is PassRule.MIN_SCORE and raw.scoring and raw.scoring not in scorings:
        path = (*raw.path, "scoring")
        known = ", ".join(scorings) or "none defined"
        problems.append(
            f"{f.at(path)}: {render_path(path)}: "
            f"unknown scoring {_quote(raw.scoring)}; expected one of {known}"
        )
    return Profile(
        id=raw.id,
        title=raw.title,
        items=ordered,
        rule=raw.rule,
        description=raw.description,
        scoring=raw.scoring,
        min_score=raw.min_score,
    )
