"""dump() writes definitions the loader reads back unchanged: generated checklists round-trip."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from golive_tui.core.checklist.dump import dump
from golive_tui.core.checklist.library import load_file
from golive_tui.core.model import (
    AppliesWhen,
    Band,
    Checklist,
    Detect,
    DetectMode,
    Dimension,
    Item,
    ItemKind,
    PassRule,
    Priority,
    Profile,
    Scoring,
    ScoringMethod,
    Section,
)
from golive_tui.core.scan.detectors.catalog import detector_ids

DETECTORS = sorted(detector_ids())

# Any text a person might type, control characters and non-ASCII included (TOML escapes them).
text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda s: bool(s.strip())
)
maybe_text = st.one_of(st.just(""), text)
slug = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,8}", fullmatch=True)
positive = st.floats(min_value=0.01, max_value=1000, allow_nan=False, allow_infinity=False)
texts = st.lists(text, max_size=3).map(tuple)


@st.composite
def detects(draw: st.DrawFn) -> Detect:
    """The new shape (proves, supports, mode) or the older one (any/all, meaning proves)."""
    linked = draw(st.lists(st.sampled_from(DETECTORS), min_size=1, max_size=4, unique=True))
    mode = draw(st.sampled_from(DetectMode))
    if draw(st.booleans()):
        return Detect(mode, tuple(linked), legacy=True)
    cut = draw(st.integers(1 if mode is DetectMode.ALL else 0, len(linked)))
    return Detect(mode, tuple(linked[:cut]), tuple(linked[cut:]))


@st.composite
def items(draw: st.DrawFn, section: str, item_id: str) -> Item:
    kind = draw(st.sampled_from(ItemKind))
    detect = draw(st.one_of(st.none(), detects()))
    files = draw(texts)
    imports = draw(texts) if files else draw(st.lists(text, min_size=1, max_size=2).map(tuple))
    applies = draw(st.sampled_from([AppliesWhen(), AppliesWhen(files, imports)]))
    return Item(
        id=item_id,
        title=draw(text),
        why=draw(text),
        verify=draw(text),
        remediation=draw(text),
        priority=draw(st.sampled_from(Priority)),
        kind=kind,
        tags=draw(texts),
        detect=detect,
        applies_when=applies,
        rubric=tuple(draw(st.lists(text, min_size=3, max_size=3))) if kind == "score" else (),
        weight=draw(st.one_of(st.just(1.0), positive)),
        source=draw(text),
        watch=draw(texts),
        revalidate_after=draw(st.one_of(st.none(), st.integers(1, 10_000))),
        note=draw(maybe_text),
        aliases=draw(st.sampled_from([(), (f"{item_id}.former",)])),
        practice=draw(st.sampled_from(["", "shared.practice", f"{item_id}.practice"])),
        section=section,
    )


@st.composite
def bands(draw: st.DrawFn) -> tuple[Band, ...]:
    """Non-overlapping bands: distinct ascending minimums, each max below the next minimum."""
    mins = sorted(draw(st.sets(st.integers(0, 100), max_size=4)))
    out = []
    for n, low in enumerate(mins):
        ceiling = mins[n + 1] - 1 if n + 1 < len(mins) else 200
        high = draw(st.one_of(st.none(), st.integers(low, ceiling).map(float)))
        out.append(Band(float(low), draw(text), high, draw(maybe_text)))
    return tuple(draw(st.permutations(out)))


@st.composite
def checklists(draw: st.DrawFn) -> Checklist:
    section_ids = draw(st.lists(slug, min_size=1, max_size=3, unique=True))
    sections = []
    for sid in section_ids:
        leaves = draw(st.lists(slug, min_size=1, max_size=4, unique=True))
        sections.append(
            Section(
                id=sid,
                title=draw(text),
                items=tuple(draw(items(sid, f"{sid}.{leaf}")) for leaf in leaves),
                description=draw(maybe_text),
            )
        )
    all_ids = [i.id for s in sections for i in s.items]
    some_ids = st.lists(st.sampled_from(all_ids), min_size=1, unique=True).map(tuple)

    scoring_ids = draw(st.lists(slug, max_size=2, unique=True))
    scorings = []
    for sid in scoring_ids:
        method = draw(st.sampled_from(ScoringMethod))
        dims: tuple[Dimension, ...] = ()
        if method is ScoringMethod.WEIGHTED:
            dim_ids = draw(st.lists(slug, min_size=1, max_size=3, unique=True))
            free = list(all_ids)  # an item counts in one dimension only
            chosen: list[Dimension] = []
            for d in dim_ids:
                if not free:
                    break
                members = draw(st.lists(st.sampled_from(free), min_size=1, unique=True))
                free = [i for i in free if i not in members]
                chosen.append(Dimension(d, draw(text), draw(positive), tuple(members)))
            dims = tuple(chosen)
        scorings.append(
            Scoring(
                id=sid,
                title=draw(text),
                method=method,
                bands=draw(bands()),
                items=draw(some_ids) if method is ScoringMethod.POINTS else (),
                dimensions=dims,
                scale=draw(positive) if method is ScoringMethod.WEIGHTED else 100.0,
                description=draw(maybe_text),
            )
        )

    profiles = []
    for pid in draw(st.lists(slug, max_size=3, unique=True)):
        chosen = set(draw(some_ids))
        rule = draw(st.sampled_from([r for r in PassRule if scoring_ids or r != "min_score"]))
        min_rule = rule is PassRule.MIN_SCORE
        profiles.append(
            Profile(
                id=pid,
                title=draw(text),
                items=tuple(i for i in all_ids if i in chosen),  # the loader keeps file order
                rule=rule,
                description=draw(maybe_text),
                scoring=draw(st.sampled_from(scoring_ids)) if min_rule else "",
                min_score=draw(st.floats(0, 100)) if min_rule else 0.0,
            )
        )
    return Checklist(
        id=draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)),
        title=draw(text),
        version=draw(text),
        description=draw(text),
        source=tuple(draw(st.lists(text, min_size=1, max_size=3))),
        sections=tuple(sections),
        profiles=tuple(profiles),
        scoring=tuple(scorings),
    )


def _without_provenance(checklist: Checklist) -> Checklist:
    """Where a checklist was loaded from is not part of what it says."""
    sections = tuple(
        s._replace(items=tuple(i._replace(origin="") for i in s.items)) for s in checklist.sections
    )
    return checklist._replace(
        sections=sections, path="", sha256="", parent_sha256=(), origin="shipped"
    )


def _load_text(body: str) -> Checklist:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.toml"
        path.write_text(body, encoding="utf-8")
        return load_file(path)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(checklists())
def test_dump_then_load_gives_the_same_checklist(checklist: Checklist) -> None:
    loaded = _load_text(dump(checklist))
    assert _without_provenance(loaded) == checklist


@settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(checklists())
def test_dump_is_stable(checklist: Checklist) -> None:
    body = dump(checklist)
    assert dump(_load_text(body)) == body


def test_dump_flattens_an_extension_into_a_standalone_definition() -> None:
    base = Checklist(
        id="acme",
        title="ACME",
        version="2",
        description="d",
        source=("s",),
        sections=(
            Section(
                "ops",
                "Ops",
                (Item("ops.one", "t", "w", "v", "r", Priority.P0, source="s", section="ops"),),
            ),
        ),
        extends="go-production",
        path="/x/acme.toml",
        sha256="0" * 64,
        origin="repo",
    )
    body = dump(base)
    assert "extends" not in body
    assert _without_provenance(_load_text(body)) == base._replace(
        extends="", path="", sha256="", origin="shipped"
    )
