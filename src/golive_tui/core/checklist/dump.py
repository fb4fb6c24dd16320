"""A resolved checklist written back as one standalone TOML definition the loader reads unchanged.

Extensions are flattened and profiles listed by explicit ids, so the text loads on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tomlkit

from golive_tui.core.model import (
    Checklist,
    Detect,
    DetectMode,
    Item,
    ItemKind,
    PassRule,
    Scoring,
    ScoringMethod,
)


def dump(checklist: Checklist) -> str:
    """A standalone definition of `checklist` (extensions flattened, profiles as explicit ids).

    Loading the text gives an equal checklist apart from where it came from (path, hashes,
    origin, item origins) and what it extended.
    """
    doc = tomlkit.document()
    header = tomlkit.table()
    header["id"] = checklist.id
    header["title"] = checklist.title
    header["version"] = checklist.version
    header["description"] = checklist.description
    header["source"] = list(checklist.source)
    doc["checklist"] = header
    sections = tomlkit.aot()
    for section in checklist.sections:
        st = tomlkit.table()
        st["id"] = section.id
        st["title"] = section.title
        if section.description:
            st["description"] = section.description
        items = tomlkit.aot()
        for item in section.items:
            items.append(_dump_item(item))
        st["items"] = items
        sections.append(st)
    doc["sections"] = sections
    if checklist.profiles:
        profiles = tomlkit.aot()
        for profile in checklist.profiles:
            pt = tomlkit.table()
            pt["id"] = profile.id
            pt["title"] = profile.title
            if profile.description:
                pt["description"] = profile.description
            pt["items"] = list(profile.items)
            pt["rule"] = profile.rule.value
            if profile.rule is PassRule.MIN_SCORE:
                pt["scoring"] = profile.scoring
                pt["min_score"] = _n(profile.min_score)
            profiles.append(pt)
        doc["profiles"] = profiles
    if checklist.scoring:
        scorings = tomlkit.aot()
        for scoring in checklist.scoring:
            scorings.append(_dump_scoring(scoring))
        doc["scoring"] = scorings
    return tomlkit.dumps(doc)


def _n(value: float) -> int | float:
    """Whole numbers written as integers: `min = 15`, not `min = 15.0`."""
    return int(value) if value == int(value) else value


def _inline(values: Mapping[str, Any]) -> Any:
    table = tomlkit.inline_table()
    table.update(values)
    return table


def _dump_item(item: Item) -> Any:
    t = tomlkit.table()
    t["id"] = item.id
    t["title"] = item.title
    t["why"] = item.why
    t["verify"] = item.verify
    t["remediation"] = item.remediation
    t["priority"] = item.priority.value
    if item.kind is not ItemKind.CHECK:
        t["kind"] = item.kind.value
    if item.tags:
        t["tags"] = list(item.tags)
    t["source"] = item.source
    if item.detect is not None:
        t["detect"] = _inline(_detect(item.detect))
    if not item.applies_when.always:
        when: dict[str, list[str] | str] = {}
        if item.applies_when.files:
            when["files"] = list(item.applies_when.files)
        if item.applies_when.go_imports:
            when["go_imports"] = list(item.applies_when.go_imports)
        if item.applies_when.na_reason:
            when["na_reason"] = item.applies_when.na_reason
        t["applies_when"] = _inline(when)
    if item.watch:
        t["watch"] = list(item.watch)
    if item.revalidate_after is not None:
        t["revalidate_after"] = item.revalidate_after
    if item.weight != 1.0:
        t["weight"] = _n(item.weight)
    if item.note:
        t["note"] = item.note
    if item.aliases:
        t["aliases"] = list(item.aliases)
    if item.practice:
        t["practice"] = item.practice
    if item.rubric:
        t["rubric"] = list(item.rubric)
    return t


def _dump_scoring(scoring: Scoring) -> Any:
    t = tomlkit.table()
    t["id"] = scoring.id
    t["title"] = scoring.title
    if scoring.description:
        t["description"] = scoring.description
    t["method"] = scoring.method.value
    if scoring.method is ScoringMethod.POINTS:
        t["items"] = list(scoring.items)
    else:
        t["scale"] = _n(scoring.scale)
        dims = tomlkit.aot()
        for dim in scoring.dimensions:
            dt = tomlkit.table()
            dt["id"] = dim.id
            dt["title"] = dim.title
            dt["weight"] = _n(dim.weight)
            dt["items"] = list(dim.items)
            dims.append(dt)
        t["dimensions"] = dims
    if scoring.bands:
        bands = tomlkit.aot()
        for band in scoring.bands:
            bt = tomlkit.table()
            bt["min"] = _n(band.min)
            if band.max is not None:
                bt["max"] = _n(band.max)
            bt["label"] = band.label
            if band.description:
                bt["description"] = band.description
            bands.append(bt)
        t["bands"] = bands
    return t


def _detect(detect: Detect) -> dict[str, Any]:
    """The shape it was written in: the older `{ any | all }`, else proves/supports/mode."""
    if detect.legacy:
        return {detect.mode.value: list(detect.detectors)}
    out: dict[str, Any] = {}
    if detect.detectors:
        out["proves"] = list(detect.detectors)
    if detect.supports:
        out["supports"] = list(detect.supports)
    if detect.mode is not DetectMode.ANY:
        out["mode"] = detect.mode.value
    return out
