"""Item states from answers and evidence, summary counts, scores and gates."""

from __future__ import annotations

from datetime import date

import pytest

from golive_tui.core.assess import applies, assess, band_for
from golive_tui.core.model import (
    Answer,
    AppliesWhen,
    Band,
    Checklist,
    Detect,
    DetectMode,
    DetectorResult,
    Dimension,
    Evidence,
    Item,
    ItemKind,
    PassRule,
    Polarity,
    Priority,
    Profile,
    Scoring,
    ScoringMethod,
    Section,
    Source,
    State,
    Status,
)

TODAY = date(2025, 6, 1)
ALWAYS = AppliesWhen()


def make_item(
    item_id: str,
    *,
    priority: Priority = Priority.P1,
    detect: Detect | None = None,
    applies_when: AppliesWhen = ALWAYS,
    kind: ItemKind = ItemKind.CHECK,
    weight: float = 1.0,
) -> Item:
    return Item(
        id=item_id,
        title=item_id,
        why="w",
        verify="v",
        remediation="r",
        priority=priority,
        kind=kind,
        detect=detect,
        applies_when=applies_when,
        rubric=("0", "1", "2") if kind is ItemKind.SCORE else (),
        weight=weight,
        source="s",
        section="main",
    )


def checklist(
    *items: Item, profiles: tuple[Profile, ...] = (), scoring: tuple[Scoring, ...] = ()
) -> Checklist:
    return Checklist(
        id="c",
        title="C",
        version="1",
        description="d",
        source=("s",),
        sections=(Section("main", "Main", items),),
        profiles=profiles,
        scoring=scoring,
    )


def result(detector: str, status: Status) -> DetectorResult:
    polarity = Polarity.CONTRARY if status is Status.CONTRARY else Polarity.POSITIVE
    evidence = (
        (Evidence("main.go", 3, 3, polarity, "signal.NotifyContext"),)
        if status in (Status.FOUND, Status.CONTRARY, Status.PARTIAL)
        else ()
    )
    return DetectorResult(detector, detector, status, "summary", evidence)


ANY2 = Detect(DetectMode.ANY, ("d.one", "d.two"))
ALL2 = Detect(DetectMode.ALL, ("d.one", "d.two"))


def done(
    item_id: str, source: Source = Source.MANUAL, *, score: int | None = None, note: str = ""
) -> Answer:
    return Answer(item_id, State.DONE, source, score=score, note=note)


# --------------------------------------------------------------------------- item states


@pytest.mark.parametrize(
    ("detect", "statuses", "answer", "state", "source"),
    [
        (None, {}, None, State.TODO, None),
        (ANY2, {}, None, State.TODO, None),  # detectors did not run
        (
            ANY2,
            {"d.one": Status.FOUND, "d.two": Status.MISSING},
            None,
            State.DETECTED,
            Source.DETECTED,
        ),
        (ALL2, {"d.one": Status.FOUND, "d.two": Status.MISSING}, None, State.TODO, None),
        (ALL2, {"d.one": Status.FOUND}, None, State.TODO, None),
        (
            ALL2,
            {"d.one": Status.FOUND, "d.two": Status.FOUND},
            None,
            State.DETECTED,
            Source.DETECTED,
        ),
        (
            ANY2,
            {"d.one": Status.FOUND, "d.two": Status.CONTRARY},
            None,
            State.AT_RISK,
            Source.DETECTED,
        ),
        (ANY2, {"d.one": Status.PARTIAL}, None, State.AT_RISK, Source.DETECTED),
        (ANY2, {"d.one": Status.ERROR}, None, State.TODO, None),
        (ANY2, {"d.one": Status.MISSING}, None, State.TODO, None),
        (ANY2, {"d.one": Status.NOT_APPLICABLE}, None, State.TODO, None),
        # An explicit answer wins, except a plain "done" over contrary evidence.
        (ANY2, {"d.one": Status.MISSING}, done("x"), State.DONE, Source.MANUAL),
        (ANY2, {"d.one": Status.CONTRARY}, done("x"), State.AT_RISK, Source.MANUAL),
        (ANY2, {"d.one": Status.PARTIAL}, done("x"), State.AT_RISK, Source.MANUAL),
        (ANY2, {"d.one": Status.CONTRARY}, done("x", Source.OVERRIDE), State.DONE, Source.OVERRIDE),
        (
            ANY2,
            {"d.one": Status.CONTRARY},
            done("x", Source.CARRIED),
            State.AT_RISK,
            Source.CARRIED,
        ),
        (None, {}, done("x", Source.CARRIED), State.DONE, Source.CARRIED),
        (
            ANY2,
            {"d.one": Status.CONTRARY},
            Answer("x", State.NA, reason="r"),
            State.NA,
            Source.MANUAL,
        ),
        # A TODO answer (an undone tick) leaves the evidence in charge.
        (ANY2, {"d.one": Status.FOUND}, Answer("x", State.TODO), State.DETECTED, Source.DETECTED),
        # Evidence-only states stored in an answer are derived afresh.
        (ANY2, {"d.one": Status.MISSING}, Answer("x", State.DETECTED), State.TODO, None),
    ],
)
def test_item_state(
    detect: Detect | None,
    statuses: dict[str, Status],
    answer: Answer | None,
    state: State,
    source: Source | None,
) -> None:
    results = {d: result(d, s) for d, s in statuses.items()}
    answers = {"x": answer} if answer else {}
    view = assess(checklist(make_item("x", detect=detect)), answers, results, today=TODAY).view("x")
    assert (view.state, view.source) == (state, source)
    assert dict(view.detector_statuses) == statuses
    assert view.answer == answer


def test_evidence_of_the_items_detectors_is_attached() -> None:
    results = {
        "d.one": result("d.one", Status.FOUND),
        "d.two": result("d.two", Status.CONTRARY),
        "d.other": result("d.other", Status.FOUND),
    }
    view = assess(checklist(make_item("x", detect=ANY2)), {}, results).view("x")
    assert [e.polarity for e in view.evidence] == [Polarity.POSITIVE, Polarity.CONTRARY]


def test_results_may_be_absent() -> None:
    assessment = assess(checklist(make_item("x", detect=ANY2)), {}, None)
    assert assessment.view("x").state is State.TODO


def test_not_applicable_unless_answered() -> None:
    docker = AppliesWhen(files=("**/Dockerfile*",))
    items = (make_item("x", applies_when=docker), make_item("y", applies_when=docker))
    assessment = assess(
        checklist(*items), {"y": done("y")}, {}, paths=["main.go", "go.mod"], today=TODAY
    )
    x, y = assessment.items
    assert (x.state, x.applicable, x.source) == (State.NA, False, None)
    assert (y.state, y.applicable) == (State.DONE, False)
    applicable = assess(checklist(*items), {}, {}, paths=["deploy/Dockerfile.prod"]).view("x")
    assert (applicable.state, applicable.applicable) == (State.TODO, True)


@pytest.mark.parametrize(
    ("when", "paths", "imports", "expected"),
    [
        (AppliesWhen(), [], [], True),
        (AppliesWhen(files=("**/Dockerfile*",)), ["Dockerfile"], [], True),
        (AppliesWhen(files=("**/Dockerfile*",)), ["build/docker/Dockerfile.prod"], [], True),
        (AppliesWhen(files=("**/Dockerfile*",)), ["docs/dockerfile.md"], [], False),
        (AppliesWhen(files=("Dockerfile",)), ["build/Dockerfile"], [], False),
        (AppliesWhen(files=("cmd/*/main.go",)), ["cmd/api/main.go"], [], True),
        (AppliesWhen(files=("cmd/*/main.go",)), ["cmd/api/v2/main.go"], [], False),
        (AppliesWhen(files=("cmd/**",)), ["cmd/api/v2/main.go"], [], True),
        (AppliesWhen(files=("migrations/*.sql",)), ["migrations/001.sql"], [], True),
        (AppliesWhen(files=("file?.go",)), ["file1.go"], [], True),
        (AppliesWhen(files=("[ab].go",)), ["b.go"], [], True),
        (AppliesWhen(files=("x.go",)), ["xxgo"], [], False),  # dots are literal
        (AppliesWhen(go_imports=("database/sql",)), [], ["database/sql"], True),
        (AppliesWhen(go_imports=("database/sql",)), [], ["database/sql/driver"], True),
        (AppliesWhen(go_imports=("database/sql",)), [], ["database/sqlx"], False),
        (AppliesWhen(go_imports=("github.com/jackc/*",)), [], ["github.com/jackc/pgx/v5"], True),
        (AppliesWhen(files=("*.proto",), go_imports=("net/http",)), ["a.go"], ["net/http"], True),
    ],
)
def test_applies_when(
    when: AppliesWhen, paths: list[str], imports: list[str], expected: bool
) -> None:
    assert applies(when, paths, imports) is expected


@pytest.mark.parametrize(
    ("until", "expired"),
    [("2025-05-31", True), ("2025-06-01", False), ("2026-01-01", False), ("soon", True)],
)
def test_waiver_expiry(until: str, expired: bool) -> None:
    waived = Answer("x", State.WAIVED, reason="accepted", until=until)
    gate = Profile("gate", "Gate", ("x",))
    assessment = assess(checklist(make_item("x"), profiles=(gate,)), {"x": waived}, {}, today=TODAY)
    view = assessment.view("x")
    assert view.state is State.WAIVED
    assert view.waiver_expired is expired
    assert view.open is expired
    assert assessment.summary.gates[0].passed is not expired
    assert assessment.summary.waived == (0 if expired else 1)
    assert assessment.summary.remaining == (1 if expired else 0)


# --------------------------------------------------------------------------- summary


def test_summary_counts_applicable_items() -> None:
    items = (
        make_item("a", priority=Priority.P0),  # todo, P0
        make_item("b", priority=Priority.P0, detect=ANY2),  # detected
        make_item("c", detect=Detect(DetectMode.ANY, ("d.bad",))),  # at risk
        make_item("d"),  # answered n/a
        make_item("e", applies_when=AppliesWhen(files=("*.proto",))),  # not applicable
        make_item("f"),  # done
        make_item("g", kind=ItemKind.SCORE),  # scored 1: progress counts it
        make_item("h", priority=Priority.P0, detect=Detect(DetectMode.ANY, ("d.bad",))),
    )
    results = {"d.one": result("d.one", Status.FOUND), "d.bad": result("d.bad", Status.CONTRARY)}
    answers = {
        "d": Answer("d", State.NA, reason="no db"),
        "f": done("f"),
        "g": done("g", score=1),
    }
    summary = assess(checklist(*items), answers, results, today=TODAY).summary
    assert summary.total == 7
    assert summary.done == 4  # b, d, f, g
    assert summary.remaining == 3  # a, c, h
    assert summary.p0_remaining == 2  # a, h
    assert summary.at_risk == 2
    assert summary.detected == 1
    assert summary.na == 1
    assert summary.waived == 0


def test_summary_of_a_profile_covers_only_its_items() -> None:
    items = (make_item("a"), make_item("b"), make_item("c"))
    gate = Profile("gate", "Gate", ("a", "c"))
    assessment = assess(checklist(*items, profiles=(gate,)), {"a": done("a")}, {}, profile="gate")
    assert (assessment.summary.total, assessment.summary.done) == (2, 1)
    assert len(assessment.items) == 3  # every item is still shown


def test_unknown_profile_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        assess(checklist(make_item("a")), {}, {}, profile="nope")


# --------------------------------------------------------------------------- scoring


HEALTH_BANDS = (
    Band(0, "critical", 6),
    Band(7, "needs work", 10),
    Band(11, "solid", 14),
    Band(15, "exemplary", 16),
)


def test_points_scoring_sums_scores_and_checks() -> None:
    items = (
        make_item("s1", kind=ItemKind.SCORE),
        make_item("s2", kind=ItemKind.SCORE),
        make_item("s3", kind=ItemKind.SCORE),
        make_item("c1", detect=ANY2),
        make_item("c2"),
    )
    scoring = Scoring(
        "health",
        "Health",
        ScoringMethod.POINTS,
        HEALTH_BANDS,
        items=("s1", "s2", "s3", "c1", "c2"),
    )
    answers = {"s1": done("s1", score=2), "s2": done("s2", score=1), "s3": done("s3", score=0)}
    results = {"d.one": result("d.one", Status.FOUND)}
    (score,) = assess(checklist(*items, scoring=(scoring,)), answers, results).summary.scores
    assert (score.value, score.maximum, score.band) == (5.0, 10.0, "critical")
    answers["c2"] = done("c2")
    (score,) = assess(checklist(*items, scoring=(scoring,)), answers, results).summary.scores
    assert (score.value, score.band) == (7.0, "needs work")


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "critical"),
        (6, "critical"),
        (6.5, ""),
        (7, "needs work"),
        (14, "solid"),
        (16, "exemplary"),
        (17, ""),
    ],
)
def test_bands(value: float, band: str) -> None:
    assert band_for(HEALTH_BANDS, value) == band


def test_open_ended_bands_extend_to_the_next_minimum() -> None:
    grades = (Band(81, "A"), Band(0, "D"), Band(61, "B"), Band(41, "C"))
    assert [band_for(grades, v) for v in (0, 40.9, 41, 80.99, 81, 100)] == [
        "D",
        "D",
        "C",
        "B",
        "A",
        "A",
    ]


def test_weighted_scoring_normalises_over_dimensions_that_apply() -> None:
    items = (
        make_item("a1"),
        make_item("a2", weight=3),
        make_item("b1", kind=ItemKind.SCORE),
        make_item("c1", applies_when=AppliesWhen(files=("*.proto",))),  # not applicable
        make_item("c2"),  # answered n/a
    )
    scoring = Scoring(
        "quality",
        "Quality",
        ScoringMethod.WEIGHTED,
        (Band(0, "low"), Band(50, "high")),
        dimensions=(
            Dimension("arch", "Architecture", 15, ("a1", "a2")),
            Dimension("tests", "Tests", 5, ("b1",)),
            Dimension("api", "API", 80, ("c1", "c2")),  # nothing applies: left out
        ),
        scale=100,
    )
    answers = {
        "a2": done("a2"),
        "b1": done("b1", score=1),
        "c2": Answer("c2", State.NA, reason="none"),
    }
    (score,) = assess(checklist(*items, scoring=(scoring,)), answers, {}).summary.scores
    # arch: (1*0 + 3*1) / 4 = 0.75; tests: 1/2 = 0.5; total = 100 * (15*0.75 + 5*0.5) / 20
    assert score.value == pytest.approx(68.75)
    assert (score.maximum, score.band) == (100, "high")


def test_weighted_scoring_with_nothing_applicable_is_zero() -> None:
    items = (make_item("a", applies_when=AppliesWhen(files=("*.proto",))),)
    scoring = Scoring(
        "q", "Q", ScoringMethod.WEIGHTED, (), dimensions=(Dimension("d", "D", 1, ("a",)),)
    )
    (score,) = assess(checklist(*items, scoring=(scoring,)), {}, {}).summary.scores
    assert (score.value, score.band) == (0.0, "")


def test_at_risk_and_waived_items_score_nothing() -> None:
    items = (make_item("a", detect=ANY2), make_item("b"))
    scoring = Scoring("p", "P", ScoringMethod.POINTS, (), items=("a", "b"))
    answers = {"a": done("a"), "b": Answer("b", State.WAIVED, reason="r", until="2030-01-01")}
    results = {"d.one": result("d.one", Status.CONTRARY)}
    (score,) = assess(checklist(*items, scoring=(scoring,)), answers, results).summary.scores
    assert score.value == 0


# --------------------------------------------------------------------------- gates


def test_all_done_gate_lists_blocking_items() -> None:
    items = (
        make_item("a"),
        make_item("b", detect=ANY2),
        make_item("c", applies_when=AppliesWhen(files=("*.proto",))),
        make_item("d", kind=ItemKind.SCORE),
        make_item("e", kind=ItemKind.SCORE),
    )
    gate = Profile("gate", "Gate", ("a", "b", "c", "d", "e"))
    answers = {"d": done("d", score=1), "e": done("e", score=2)}
    results = {"d.one": result("d.one", Status.FOUND)}
    (verdict,) = assess(checklist(*items, profiles=(gate,)), answers, results).summary.gates
    # a is open; d is scored but below full marks; b detected, c n/a, e full marks
    assert (verdict.profile, verdict.passed, verdict.failing) == ("gate", False, ("a", "d"))
    answers.update(a=done("a"), d=done("d", score=2))
    (verdict,) = assess(checklist(*items, profiles=(gate,)), answers, results).summary.gates
    assert (verdict.passed, verdict.failing) == (True, ())


def test_no_open_p0_gate_ignores_other_priorities() -> None:
    items = (
        make_item("a", priority=Priority.P0),
        make_item("b", priority=Priority.P1),
        make_item("c", priority=Priority.P0, detect=ANY2),
    )
    gate = Profile("p0", "P0", ("a", "b", "c"), rule=PassRule.NO_OPEN_P0)
    results = {"d.one": result("d.one", Status.PARTIAL)}
    (verdict,) = assess(
        checklist(*items, profiles=(gate,)), {"a": done("a")}, results
    ).summary.gates
    assert (verdict.passed, verdict.failing) == (False, ("c",))  # at risk counts as open
    (verdict,) = assess(checklist(*items, profiles=(gate,)), {"a": done("a")}, {}).summary.gates
    assert (verdict.passed, verdict.failing) == (False, ("c",))
    answers = {"a": done("a"), "c": done("c", Source.OVERRIDE, note="checked by hand")}
    (verdict,) = assess(checklist(*items, profiles=(gate,)), answers, results).summary.gates
    assert (verdict.passed, verdict.failing) == (True, ())


def test_min_score_gate() -> None:
    items = tuple(make_item(f"s{n}", kind=ItemKind.SCORE) for n in range(3))
    scoring = Scoring("h", "H", ScoringMethod.POINTS, (), items=("s0", "s1", "s2"))
    gate = Profile("g", "G", ("s0", "s1", "s2"), rule=PassRule.MIN_SCORE, scoring="h", min_score=4)
    c = checklist(*items, profiles=(gate,), scoring=(scoring,))
    answers = {"s0": done("s0", score=2), "s1": done("s1", score=1)}
    (verdict,) = assess(c, answers, {}).summary.gates
    assert (verdict.passed, verdict.failing) == (False, ("s1", "s2"))
    answers["s2"] = done("s2", score=1)
    (verdict,) = assess(c, answers, {}).summary.gates
    assert (verdict.passed, verdict.failing) == (True, ())


def test_every_profile_gets_a_gate_whatever_the_active_profile() -> None:
    items = (make_item("a"), make_item("b"))
    profiles = (Profile("one", "One", ("a",)), Profile("two", "Two", ("b",)))
    summary = assess(
        checklist(*items, profiles=profiles), {"a": done("a")}, {}, profile="one"
    ).summary
    assert [(g.profile, g.passed) for g in summary.gates] == [("one", True), ("two", False)]


def test_detected_score_item_shows_evidence_but_still_needs_a_rating() -> None:
    item = make_item(
        "s", kind=ItemKind.SCORE, detect=Detect(DetectMode.ANY, ("go.signal.sigterm",))
    )
    gate = Profile("g", "G", ("s",))
    found = {"go.signal.sigterm": result("go.signal.sigterm", Status.FOUND)}
    view_only = assess(checklist(item, profiles=(gate,)), {}, found, today=TODAY)
    view = view_only.view("s")
    assert view.state is State.DETECTED
    assert view.evidence
    assert view.open
    assert view_only.summary.done == 0
    assert not view_only.summary.gates[0].passed
    rated = assess(
        checklist(item, profiles=(gate,)),
        {"s": Answer("s", State.DONE, score=2)},
        found,
        today=TODAY,
    )
    assert not rated.view("s").open
    assert rated.summary.gates[0].passed
