"""The profiles and scoring sections of a checklist definition: their raw forms, built from
the TOML tables with the typed readers of fields.py (apart from it to keep both under the
~600-line guide; resolve.py turns the raw forms into the model's Profile and Scoring).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from golive_tui.core.checklist.fields import (
    _SECTION_ID,
    _check_keys,
    _choice,
    _dup,
    _File,
    _number,
    _quote,
    _str,
    _str_list,
    _tables,
)
from golive_tui.core.model import (
    Band,
    Dimension,
    PassRule,
    Priority,
    Scoring,
    ScoringMethod,
)
from golive_tui.core.tomllines import KeyPath, render_path

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
            counted: dict[str, str] = {}  # item id -> the dimension that already counts it
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
                for k, item_id in enumerate(ditems or ()):
                    if item_id in counted and counted[item_id] != did:
                        f.err(
                            (*dp, "items", k),
                            f"item {_quote(item_id)} already counts in dimension "
                            f"{_quote(counted[item_id])}; an item counts in one dimension only",
                        )
                    counted.setdefault(item_id, did or "")
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
