"""Loading one checklist file: every validation error with its exact message, and what loads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from golive_tui.core.checklist.library import load_file
from golive_tui.core.errors import ChecklistError
from golive_tui.core.model import Detect, DetectMode, ItemKind, PassRule, Priority, ScoringMethod
from golive_tui.core.tomllines import LineIndex, render_path

HEADER = """\
[checklist]
id = "acme"
title = "ACME services"
version = "1"
description = "What ACME checks before launch."
source = ["standards.md"]
"""

SECTION = """
[[sections]]
id = "shutdown"
title = "Shutdown"
"""


def item(item_id: str = "shutdown.sigterm", extra: str = "", priority: str = "P0") -> str:
    return f"""
[[sections.items]]
id = "{item_id}"
title = "Handle SIGTERM"
why = "Pods receive SIGTERM before they are killed."
verify = "Send SIGTERM under load and watch requests finish."
remediation = "Use signal.NotifyContext and http.Server.Shutdown."
priority = "{priority}"
source = "standards.md"
{extra}"""


VALID = HEADER + SECTION + item() + item("shutdown.health", priority="P1")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def problems(text: str, name: str = "acme.toml") -> list[str]:
    Path(name).write_text(text)
    with pytest.raises(ChecklistError) as exc:
        load_file(Path(name))
    return exc.value.problems


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle` (keeps expectations readable)."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


# --------------------------------------------------------------------------- what loads


def test_valid_file_loads_into_the_model() -> None:
    text = VALID.replace(
        'priority = "P1"', 'priority = "P1"\ntags = ["ops"]\ndetect = { all = ["go.pprof"] }'
    )
    Path("acme.toml").write_text(text)
    checklist = load_file(Path("acme.toml"))
    assert checklist.id == "acme"
    assert checklist.source == ("standards.md",)
    assert [i.id for i in checklist.items()] == ["shutdown.sigterm", "shutdown.health"]
    first, second = checklist.items()
    assert first.priority is Priority.P0
    assert first.kind is ItemKind.CHECK
    assert first.section == "shutdown"
    header_line = line_of(text, 'id = "shutdown.sigterm"') - 1
    assert first.origin == f"acme.toml:{header_line}"
    assert second.tags == ("ops",)
    assert second.detect is not None
    assert second.detect.mode is DetectMode.ALL
    assert second.detect.detectors == ("go.pprof",)
    assert len(checklist.sha256) == 64
    assert checklist.origin == "repo"


def test_source_list_is_kept_as_one_string() -> None:
    Path("acme.toml").write_text(
        VALID.replace('source = "standards.md"', 'source = ["001.txt", "002.txt"]', 1)
    )
    assert load_file(Path("acme.toml")).items()[0].source == "001.txt, 002.txt"


def test_profiles_resolve_explicit_priority_and_tag_selections_in_checklist_order() -> None:
    text = (
        HEADER
        + SECTION
        + item("shutdown.a", priority="P2", extra='tags = ["security"]')
        + item("shutdown.b", priority="P0")
        + item("shutdown.c", priority="P2")
        + item("shutdown.d", priority="P1")
        + """
[[profiles]]
id = "gate"
title = "Gate"
items = ["shutdown.d"]
priorities = ["P0"]
tags = ["security"]
rule = "no_open_p0"
"""
    )
    Path("acme.toml").write_text(text)
    profile = load_file(Path("acme.toml")).profile("gate")
    assert profile.items == ("shutdown.a", "shutdown.b", "shutdown.d")
    assert profile.rule is PassRule.NO_OPEN_P0


def test_scoring_models_load() -> None:
    text = (
        HEADER
        + SECTION
        + item("shutdown.a", extra='kind = "score"\nrubric = ["none", "some", "all"]')
        + item("shutdown.b", extra="weight = 2")
        + """
[[scoring]]
id = "health"
title = "Health"
method = "points"
items = ["shutdown.a", "shutdown.b"]
[[scoring.bands]]
min = 0
max = 2
label = "low"
[[scoring.bands]]
min = 3
max = 4
label = "high"

[[scoring]]
id = "quality"
title = "Quality"
method = "weighted"
scale = 10
[[scoring.dimensions]]
id = "ops"
title = "Ops"
weight = 15
items = ["shutdown.a"]
[[scoring.bands]]
min = 9
label = "A"

[[profiles]]
id = "scored"
title = "Scored"
items = ["shutdown.a"]
rule = "min_score"
scoring = "health"
min_score = 3
"""
    )
    Path("acme.toml").write_text(text)
    checklist = load_file(Path("acme.toml"))
    health, quality = checklist.scoring
    assert health.method is ScoringMethod.POINTS
    assert health.items == ("shutdown.a", "shutdown.b")
    assert [(b.min, b.max, b.label) for b in health.bands] == [(0, 2, "low"), (3, 4, "high")]
    assert quality.method is ScoringMethod.WEIGHTED
    assert quality.scale == 10.0
    assert quality.dimensions[0].weight == 15.0
    assert quality.bands[0].max is None
    assert checklist.item("shutdown.a").rubric == ("none", "some", "all")
    assert checklist.item("shutdown.b").weight == 2.0
    assert checklist.profile("scored").min_score == 3.0


# --------------------------------------------------------------------------- key errors


def test_unknown_key_suggests_the_close_one() -> None:
    text = VALID.replace('priority = "P1"', 'priority = "P1"\nprioroty = "P0"')
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'prioroty')}: sections[0].items[1].prioroty: "
        'unknown key; did you mean "priority"?'
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_ones() -> None:
    text = VALID.replace('id = "acme"', 'id = "acme"\nowner = "sre"')
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'owner')}: checklist.owner: unknown key; expected one of "
        "id, title, version, description, source, extends, default_profile, only_profile"
    ]


def test_unknown_top_level_table() -> None:
    text = VALID + "\n[meta]\nx = 1\n"
    assert problems(text) == [
        f"acme.toml:{line_of(text, '[meta]')}: meta: unknown key; expected one of "
        "checklist, sections, profiles, scoring, drop, override"
    ]


def test_missing_required_field_points_at_its_table() -> None:
    text = VALID.replace('why = "Pods receive SIGTERM before they are killed."\n', "", 1)
    assert problems(text) == [
        f"acme.toml:{line_of(text, '[[sections.items]]')}: sections[0].items[0].why: "
        "required; expected a non-empty string"
    ]


def test_blank_required_string_is_rejected() -> None:
    text = VALID.replace('title = "Handle SIGTERM"', 'title = "  "', 1)
    line = line_of(text, 'title = "  "')
    assert problems(text) == [
        f'acme.toml:{line}: sections[0].items[0].title: expected a non-empty string, got "  "'
    ]


def test_missing_checklist_table() -> None:
    text = SECTION + item()
    assert problems(text) == [
        "acme.toml:1: checklist: required; expected a [checklist] table with id, title, version"
    ]


def test_missing_sections() -> None:
    assert problems(HEADER) == [
        "acme.toml:1: sections: required; expected at least one [[sections]] with items"
    ]


def test_section_without_items() -> None:
    text = HEADER + SECTION
    assert problems(text) == [
        f"acme.toml:{line_of(text, '[[sections]]')}: sections[0].items: "
        "expected at least one [[sections.items]]"
    ]


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        ('version = "1"', "version = 1", "checklist.version", "expected a string, got integer 1"),
        (
            'source = ["standards.md"]',
            'source = "standards.md"',
            "checklist.source",
            'expected an array of strings, got string "standards.md"',
        ),
        (
            'priority = "P1"',
            'priority = "P1"\ntags = "ops"',
            "sections[0].items[1].tags",
            'expected an array of strings, got string "ops"',
        ),
        (
            'priority = "P1"',
            'priority = "P1"\ntags = ["ops", 3]',
            "sections[0].items[1].tags[1]",
            "expected a string, got integer 3",
        ),
        (
            'priority = "P1"',
            'priority = "P1"\nweight = "heavy"',
            "sections[0].items[1].weight",
            'expected a number, got string "heavy"',
        ),
        (
            'priority = "P1"',
            'priority = "P1"\nweight = 0',
            "sections[0].items[1].weight",
            "expected a number greater than 0, got 0",
        ),
        (
            'priority = "P1"',
            'priority = "P1"\nrevalidate_after = 1.5',
            "sections[0].items[1].revalidate_after",
            "expected a whole number of days greater than 0, got float 1.5",
        ),
        (
            'priority = "P1"',
            'priority = "P1"\nrevalidate_after = true',
            "sections[0].items[1].revalidate_after",
            "expected a whole number of days greater than 0, got boolean true",
        ),
        (
            'priority = "P1"',
            "priority = 1",
            "sections[0].items[1].priority",
            "expected one of P0, P1, P2, got integer 1",
        ),
    ],
)
def test_wrong_types(old: str, new: str, key: str, expected: str) -> None:
    text = _last(VALID, old, new)
    needle = new.splitlines()[-1]
    assert problems(text) == [f"acme.toml:{line_of(text, needle)}: {key}: {expected}"]


def _last(text: str, old: str, new: str) -> str:
    head, _, tail = text.rpartition(old)
    return head + new + tail


def test_source_of_wrong_type() -> None:
    text = _last(VALID, 'source = "standards.md"', "source = 7")
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'source = 7')}: sections[0].items[1].source: "
        "expected a string or an array of strings, got integer 7"
    ]


def test_bad_priority_message() -> None:
    text = _last(VALID, 'priority = "P1"', 'priority = "P4"')
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'P4')}: sections[0].items[1].priority: "
        'expected one of P0, P1, P2, got "P4"'
    ]


def test_bad_kind_message() -> None:
    text = _last(VALID, 'priority = "P1"', 'priority = "P1"\nkind = "quiz"')
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'quiz')}: sections[0].items[1].kind: "
        'expected one of check, score, got "quiz"'
    ]


@pytest.mark.parametrize(
    ("old", "new", "key", "pattern"),
    [
        ('id = "acme"', 'id = "Acme_Go"', "checklist.id", "[a-z0-9][a-z0-9-]*"),
        ('id = "shutdown"', 'id = "Shut down"', "sections[0].id", "[a-z0-9][a-z0-9_-]*"),
        (
            'id = "shutdown.sigterm"',
            'id = "sigterm"',
            "sections[0].items[0].id",
            r"[a-z0-9_-]+(\.[a-z0-9_-]+)+",
        ),
    ],
)
def test_id_patterns(old: str, new: str, key: str, pattern: str) -> None:
    text = VALID.replace(old, new, 1)
    got = new.split('"')[1]
    assert problems(text) == [
        f'acme.toml:{line_of(text, new)}: {key}: expected an id matching {pattern}, got "{got}"'
    ]


# --------------------------------------------------------------------------- duplicates


def test_duplicate_item_id_across_sections() -> None:
    text = VALID + '\n[[sections]]\nid = "ops"\ntitle = "Ops"\n' + item("shutdown.health")
    first = line_of(text, 'id = "shutdown.health"')
    second = line_of(text, 'id = "shutdown.health"', 2)
    assert problems(text) == [
        f'acme.toml:{second}: sections[1].items[0].id: duplicate item id "shutdown.health"; '
        f"already defined at line {first}"
    ]


def test_duplicate_section_id() -> None:
    text = VALID + SECTION + item("shutdown.other")
    second = line_of(text, 'id = "shutdown"', 2)
    first = line_of(text, 'id = "shutdown"')
    assert problems(text) == [
        f'acme.toml:{second}: sections[1].id: duplicate section id "shutdown"; '
        f"already defined at line {first}"
    ]


def test_duplicate_profile_and_scoring_ids() -> None:
    profile = '\n[[profiles]]\nid = "gate"\ntitle = "Gate"\nitems = ["shutdown.sigterm"]\n'
    scoring = (
        '\n[[scoring]]\nid = "s"\ntitle = "S"\nmethod = "points"\nitems = ["shutdown.sigterm"]\n'
    )
    text = VALID + profile + profile + scoring + scoring
    gate = [line_of(text, 'id = "gate"', n) for n in (1, 2)]
    s = [line_of(text, 'id = "s"', n) for n in (1, 2)]
    assert problems(text) == [
        f'acme.toml:{gate[1]}: profiles[1].id: duplicate profile id "gate"; '
        f"already defined at line {gate[0]}",
        f'acme.toml:{s[1]}: scoring[1].id: duplicate scoring id "s"; '
        f"already defined at line {s[0]}",
    ]


# --------------------------------------------------------------------------- score items


def test_score_item_without_rubric() -> None:
    text = _last(VALID, 'priority = "P1"', 'priority = "P1"\nkind = "score"')
    assert problems(text) == [
        f"acme.toml:{line_of(text, '[[sections.items]]', 2)}: sections[0].items[1].rubric: "
        'required for kind = "score"; expected 3 sentences (for 0, 1 and 2)'
    ]


def test_score_item_with_two_rubric_sentences() -> None:
    text = _last(
        VALID, 'priority = "P1"', 'priority = "P1"\nkind = "score"\nrubric = [\n  "a",\n  "b",\n]'
    )
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'rubric')}: sections[0].items[1].rubric: "
        "expected exactly 3 sentences (for 0, 1 and 2), got 2"
    ]


def test_rubric_on_a_check() -> None:
    text = _last(VALID, 'priority = "P1"', 'priority = "P1"\nrubric = ["a", "b", "c"]')
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'rubric')}: sections[0].items[1].rubric: "
        'only a kind = "score" item takes a rubric'
    ]


# --------------------------------------------------------------------------- detect and applies


def test_unknown_detector_suggests_a_catalog_id() -> None:
    text = _last(
        VALID, 'priority = "P1"', 'priority = "P1"\ndetect = { any = ["go.pprof", "go.prof"] }'
    )
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'detect')}: sections[0].items[1].detect.any[1]: "
        'unknown detector "go.prof"; did you mean "go.pprof"?'
    ]


def test_unknown_detector_without_suggestion_points_to_the_catalog() -> None:
    text = _last(VALID, 'priority = "P1"', 'priority = "P1"\ndetect = { all = ["zzz"] }')
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'detect')}: sections[0].items[1].detect.all[0]: "
        'unknown detector "zzz"; see `golive detectors`'
    ]


@pytest.mark.parametrize(
    ("detect", "key", "expected"),
    [
        (
            '{ any = ["go.pprof"], all = ["go.pprof"] }',
            "detect",
            'expected exactly one of "any" or "all" (or proves/supports)',
        ),
        ("{ any = [] }", "detect.any", "expected at least one detector id"),
        ("{ proves = [] }", "detect.proves", "expected at least one detector id"),
        (
            '"go.pprof"',
            "detect",
            "expected a table such as "
            '{ proves = ["detector.id"], supports = ["other.id"] }, got string "go.pprof"',
        ),
        (
            '{ some = ["go.pprof"] }',
            "detect.some",
            "unknown key; expected one of proves, supports, mode, any, all",
        ),
        ('{ prove = ["go.pprof"] }', "detect.prove", 'unknown key; did you mean "proves"?'),
        (
            '{ mode = "all" }',
            "detect",
            "expected at least one of proves or supports, each an array of detector ids",
        ),
        (
            '{ proves = ["go.pprof"], any = ["go.pprof"] }',
            "detect",
            'expected either proves/supports (with mode) or "any", not both',
        ),
        (
            '{ proves = ["go.pprof"], mode = "some" }',
            "detect.mode",
            'expected one of all, any, got "some"',
        ),
        (
            '{ supports = ["go.pprof"], mode = "all" }',
            "detect.mode",
            'mode = "all" needs proving detectors in proves',
        ),
        (
            '{ proves = ["go.pprof"], supports = ["go.pprof"] }',
            "detect.supports",
            '"go.pprof" is listed in proves too; name it once',
        ),
        (
            '{ proves = ["go.pprof", "go.pprof"] }',
            "detect.proves[1]",
            '"go.pprof" is listed twice',
        ),
        (
            '{ supports = ["go.prof"] }',
            "detect.supports[0]",
            'unknown detector "go.prof"; did you mean "go.pprof"?',
        ),
        (
            '{ proves = "go.pprof" }',
            "detect.proves",
            'expected an array of strings, got string "go.pprof"',
        ),
    ],
)
def test_detect_shape(detect: str, key: str, expected: str) -> None:
    text = _last(VALID, 'priority = "P1"', f'priority = "P1"\ndetect = {detect}')
    got = problems(text)
    assert f"acme.toml:{line_of(text, 'detect')}: sections[0].items[1].{key}: {expected}" in got


@pytest.mark.parametrize(
    ("detect", "expected"),
    [
        (
            '{ any = ["go.pprof", "go.metrics"] }',
            Detect(DetectMode.ANY, ("go.pprof", "go.metrics")),
        ),
        ('{ all = ["go.pprof"] }', Detect(DetectMode.ALL, ("go.pprof",))),
        ('{ proves = ["go.pprof"] }', Detect(DetectMode.ANY, ("go.pprof",))),
        (
            '{ proves = ["go.pprof", "go.metrics"], mode = "all", supports = ["go.tracing"] }',
            Detect(DetectMode.ALL, ("go.pprof", "go.metrics"), ("go.tracing",)),
        ),
        ('{ supports = ["go.tracing"] }', Detect(DetectMode.ANY, (), ("go.tracing",))),
        ('{ any = ["go.pprof", "go.pprof"] }', Detect(DetectMode.ANY, ("go.pprof",))),
    ],
)
def test_detect_loads(detect: str, expected: Detect) -> None:
    """The older any/all lists mean proves; the new keys say proves and supports apart."""
    text = _last(VALID, 'priority = "P1"', f'priority = "P1"\ndetect = {detect}')
    Path("acme.toml").write_text(text)
    item = load_file(Path("acme.toml")).sections[0].items[1]
    assert item.detect == expected
    assert item.detect is not None
    assert item.detect.legacy is detect.startswith(("{ any", "{ all"))


def test_applies_when_shape() -> None:
    text = _last(VALID, 'priority = "P1"', 'priority = "P1"\napplies_when = { file = ["x"] }')
    line = line_of(text, "applies_when")
    assert problems(text) == [
        f'acme.toml:{line}: sections[0].items[1].applies_when.file: unknown key; did you mean "files"?',
        f"acme.toml:{line}: sections[0].items[1].applies_when: "
        "expected at least one glob in files or import path in go_imports",
    ]


# --------------------------------------------------------------------------- references


def test_unknown_profile_member() -> None:
    text = VALID + (
        '\n[[profiles]]\nid = "gate"\ntitle = "Gate"\n'
        'items = ["shutdown.sigterm", "shutdown.helth"]\n'
    )
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'shutdown.helth')}: profiles[0].items[1]: "
        'unknown item id "shutdown.helth"; did you mean "shutdown.health"?'
    ]


def test_profile_selecting_nothing() -> None:
    text = VALID + '\n[[profiles]]\nid = "gate"\ntitle = "Gate"\n'
    assert problems(text) == [
        f"acme.toml:{line_of(text, '[[profiles]]')}: profiles[0]: "
        "expected items, priorities or tags to select at least one item"
    ]


def test_profile_with_bad_priority_and_rule() -> None:
    text = VALID + (
        '\n[[profiles]]\nid = "gate"\ntitle = "Gate"\npriorities = ["P0", "P9"]\nrule = "most"\n'
    )
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'P9')}: profiles[0].priorities[1]: "
        'expected one of P0, P1, P2, got "P9"',
        f"acme.toml:{line_of(text, 'most')}: profiles[0].rule: "
        'expected one of all_done, no_open_p0, min_score, got "most"',
    ]


def test_min_score_rule_needs_scoring_and_threshold() -> None:
    text = VALID + (
        '\n[[profiles]]\nid = "gate"\ntitle = "Gate"\nitems = ["shutdown.sigterm"]\n'
        'rule = "min_score"\n'
    )
    line = line_of(text, "[[profiles]]")
    assert problems(text) == [
        f'acme.toml:{line}: profiles[0].scoring: required with rule = "min_score"; '
        "expected a scoring id",
        f'acme.toml:{line}: profiles[0].min_score: required with rule = "min_score"; '
        "expected a number",
    ]


def test_min_score_rule_with_unknown_scoring() -> None:
    text = VALID + (
        '\n[[profiles]]\nid = "gate"\ntitle = "Gate"\nitems = ["shutdown.sigterm"]\n'
        'rule = "min_score"\nscoring = "health"\nmin_score = 3\n'
    )
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'scoring = ')}: profiles[0].scoring: "
        'unknown scoring "health"; expected one of none defined'
    ]


def test_scoring_keys_without_min_score_rule() -> None:
    text = VALID + (
        '\n[[profiles]]\nid = "gate"\ntitle = "Gate"\nitems = ["shutdown.sigterm"]\nmin_score = 3\n'
    )
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'min_score')}: profiles[0].min_score: "
        'only used with rule = "min_score"'
    ]


def test_unknown_items_in_scoring() -> None:
    text = VALID + (
        '\n[[scoring]]\nid = "health"\ntitle = "Health"\nmethod = "points"\n'
        'items = ["shutdown.sigterm", "nope.item"]\n'
        '\n[[scoring]]\nid = "quality"\ntitle = "Quality"\nmethod = "weighted"\n'
        '[[scoring.dimensions]]\nid = "ops"\ntitle = "Ops"\nweight = 1\nitems = ["ops.missing"]\n'
    )
    assert problems(text) == [
        f'acme.toml:{line_of(text, "nope.item")}: scoring[0].items[1]: unknown item id "nope.item"',
        f"acme.toml:{line_of(text, 'ops.missing')}: scoring[1].dimensions[0].items[0]: "
        'unknown item id "ops.missing"',
    ]


def test_unknown_references_are_reported_with_other_problems() -> None:
    text = _last(VALID, 'priority = "P1"', 'priority = "P4"') + (
        '\n[[profiles]]\nid = "gate"\ntitle = "Gate"\nitems = ["nope.item"]\n'
    )
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'P4')}: sections[0].items[1].priority: "
        'expected one of P0, P1, P2, got "P4"',
        f"acme.toml:{line_of(text, 'nope.item')}: profiles[0].items[0]: "
        'unknown item id "nope.item"',
    ]


def test_scoring_method_specific_keys() -> None:
    text = VALID + (
        '\n[[scoring]]\nid = "health"\ntitle = "Health"\nmethod = "points"\n'
        'items = ["shutdown.sigterm"]\nscale = 10\n'
        '\n[[scoring]]\nid = "quality"\ntitle = "Quality"\nmethod = "weighted"\n'
        'items = ["shutdown.sigterm"]\n'
    )
    assert problems(text) == [
        f'acme.toml:{line_of(text, "scale")}: scoring[0].scale: only used with method = "weighted"',
        f"acme.toml:{line_of(text, '[[scoring]]', 2)}: scoring[1].dimensions: "
        "required; expected at least one [[scoring.dimensions]]",
        f"acme.toml:{line_of(text, 'items = ', 2)}: scoring[1].items: "
        'only used with method = "points"; list items per dimension',
    ]


def test_overlapping_bands() -> None:
    text = VALID + (
        '\n[[scoring]]\nid = "health"\ntitle = "Health"\nmethod = "points"\n'
        'items = ["shutdown.sigterm"]\n'
        '[[scoring.bands]]\nmin = 0\nmax = 6\nlabel = "low"\n'
        '[[scoring.bands]]\nmin = 5\nlabel = "high"\n'
    )
    assert problems(text) == [
        f"acme.toml:{line_of(text, '[[scoring.bands]]', 2)}: scoring[0].bands[1]: "
        "band 5 and above overlaps band 0-6 (scoring[0].bands[0]); bands must not overlap"
    ]


def test_bands_with_the_same_min_overlap_and_max_below_min_is_rejected() -> None:
    text = VALID + (
        '\n[[scoring]]\nid = "health"\ntitle = "Health"\nmethod = "points"\n'
        'items = ["shutdown.sigterm"]\n'
        '[[scoring.bands]]\nmin = 3\nlabel = "a"\n'
        '[[scoring.bands]]\nmin = 3\nlabel = "b"\n'
        '[[scoring.bands]]\nmin = 9\nmax = 8\nlabel = "c"\n'
    )
    assert problems(text) == [
        f"acme.toml:{line_of(text, '[[scoring.bands]]', 2)}: scoring[0].bands[1]: "
        "band 3 and above overlaps band 3 and above (scoring[0].bands[0]); bands must not overlap",
        f"acme.toml:{line_of(text, 'max = 8')}: scoring[0].bands[2].max: "
        "expected a number not below min (9), got 8",
    ]


def test_unknown_default_profile() -> None:
    text = VALID.replace('source = ["standards.md"]', 'source = ["s"]\ndefault_profile = "gate"')
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'default_profile')}: checklist.default_profile: "
        'unknown profile "gate"; expected one of the ids of [[profiles]] (none defined)'
    ]


def test_drop_and_override_need_extends() -> None:
    text = VALID + '\n[[drop]]\nid = "shutdown.sigterm"\nreason = "no"\n'
    assert problems(text) == [
        f"acme.toml:{line_of(text, '[[drop]]')}: drop: "
        "only a checklist that extends another can use [[drop]]"
    ]


# --------------------------------------------------------------------------- files and syntax


def test_every_problem_is_reported_in_file_order() -> None:
    text = (
        VALID.replace('version = "1"', "version = 1")
        .replace('priority = "P0"', 'priority = "P5"')
        .replace('title = "Shutdown"', 'title = "Shutdown"\ncolour = "red"')
    )
    got = problems(text)
    assert [p.split(": ", 2)[1] for p in got] == [
        "checklist.version",
        "sections[0].colour",
        "sections[0].items[0].priority",
    ]
    lines = [int(p.split(":")[1]) for p in got]
    assert lines == sorted(lines)


def test_toml_syntax_error_has_line_and_column() -> None:
    text = VALID.replace('version = "1"', "version = 1.2.3")
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'version')}:14: invalid TOML: "
        "Expected newline or end of document after a statement"
    ]


def test_toml_error_at_end_of_document() -> None:
    text = HEADER + 'note = """never closed\n'
    assert problems(text) == [
        f"acme.toml:{len(text.splitlines())}:23: invalid TOML: Unterminated string"
    ]


def test_not_utf8() -> None:
    Path("latin.toml").write_bytes(HEADER.encode() + b'title2 = "caf\xe9"\n')
    with pytest.raises(ChecklistError) as exc:
        load_file(Path("latin.toml"))
    assert exc.value.problems == [
        "latin.toml:7: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_byte_order_mark_is_accepted_and_hashed_with_the_file() -> None:
    content = b"\xef\xbb\xbf" + VALID.encode()
    Path("bom.toml").write_bytes(content)
    checklist = load_file(Path("bom.toml"))
    assert checklist.id == "acme"
    assert checklist.sha256 == hashlib.sha256(content).hexdigest()


def test_binary_file() -> None:
    Path("image.toml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ChecklistError) as exc:
        load_file(Path("image.toml"))
    assert exc.value.problems == ["image.toml: looks like a binary file; expected TOML text"]


def test_missing_file_and_directory() -> None:
    with pytest.raises(ChecklistError) as exc:
        load_file(Path("absent.toml"))
    assert exc.value.problems == ["absent.toml: no such file"]
    Path("folder.toml").mkdir()
    with pytest.raises(ChecklistError) as exc:
        load_file(Path("folder.toml"))
    assert exc.value.problems == ["folder.toml: is a directory, expected a .toml file"]


def test_array_where_a_table_array_is_expected() -> None:
    text = 'sections = ["shutdown"]\n' + HEADER
    assert problems(text) == [
        f"acme.toml:{line_of(text, 'sections')}: sections[0]: expected a table, got string "
        '"shutdown"'
    ]


# --------------------------------------------------------------------------- line index


def test_line_index_tracks_arrays_of_tables_and_skips_multiline_values() -> None:
    text = """\
[checklist]
id = "x"
why = \"\"\"
[[sections]]
id = "not a key"
\"\"\"
list = [
  "[[sections]]",
  { a = 1 },
]

[[sections]]
id = "a"
[[sections.items]]
id = "a.one"
[[sections.items]]
"id" = 'a.two'
[[sections]]
id = "b"
[[sections.items]]
detect.any = ["x"]
"""
    index = LineIndex(text)
    assert index.line(("checklist", "id")) == 2
    assert index.line(("checklist", "list")) == 7
    assert index.line(("sections", 0)) == 12
    assert index.line(("sections", 0, "id")) == 13
    assert index.line(("sections", 0, "items", 1, "id")) == 17
    assert index.line(("sections", 1)) == 18
    assert index.line(("sections", 1, "items", 0)) == 20
    assert index.line(("sections", 1, "items", 0, "detect", "any", 0)) == 21
    assert index.line(("sections", 1, "items", 0, "title")) == 20  # missing: its table
    assert index.line(("nothing",)) == 1


def test_render_path_quotes_unusual_keys() -> None:
    assert render_path(("sections", 1, "items", 0, "priority")) == "sections[1].items[0].priority"
    assert render_path(("checklist", "my key")) == 'checklist."my key"'


def test_an_item_counts_in_one_weighted_dimension_only() -> None:
    text = VALID + (
        '\n[[scoring]]\nid = "quality"\ntitle = "Q"\nmethod = "weighted"\n'
        '\n[[scoring.dimensions]]\nid = "a"\ntitle = "A"\nweight = 1\n'
        'items = ["shutdown.sigterm"]\n'
        '\n[[scoring.dimensions]]\nid = "b"\ntitle = "B"\nweight = 1\n'
        'items = ["shutdown.health", "shutdown.sigterm"]\n'
    )
    line = line_of(text, 'items = ["shutdown.health"')
    assert problems(text) == [
        f"acme.toml:{line}: "
        'scoring[0].dimensions[1].items[1]: item "shutdown.sigterm" already counts in '
        'dimension "a"; an item counts in one dimension only'
    ]
