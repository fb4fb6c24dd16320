"""Proof, not presence (issue 11): what each combination of linked results does to an item."""

from __future__ import annotations

from datetime import date

import pytest

from golive_tui.core.assess import ItemView, assess
from golive_tui.core.model import (
    Answer,
    AppliesWhen,
    Checklist,
    Detect,
    DetectMode,
    DetectorResult,
    Evidence,
    Item,
    Polarity,
    Priority,
    Role,
    Section,
    Source,
    State,
    Status,
)
from golive_tui.core.verdict import (
    STATE_LABEL,
    STATUS_LABEL,
    VERDICT_LABEL,
    Verdict,
    confirmation_note,
    judge,
)

TODAY = date(2025, 6, 1)
ALWAYS = AppliesWhen()
F, P, C, M, E, NA = (
    Status.FOUND,
    Status.PARTIAL,
    Status.CONTRARY,
    Status.MISSING,
    Status.ERROR,
    Status.NOT_APPLICABLE,
)


def _item(detect: Detect | None, applies_when: AppliesWhen = ALWAYS) -> Item:
    return Item(
        id="x.item",
        title="Set timeouts",
        why="w",
        verify="Read the server's construction.",
        remediation="r",
        priority=Priority.P0,
        detect=detect,
        applies_when=applies_when,
        source="s",
        section="main",
    )


def _result(det: str, status: Status, why: str = "") -> DetectorResult:
    evidence: list[Evidence] = []
    if status in (F, P):
        evidence.append(Evidence("a.go", 3, 3, Polarity.POSITIVE, "ok"))
    if status in (P, C):
        facts = {"quality": "contrary", "why": why} if why else {}
        evidence.append(Evidence("b.go", 7, 7, Polarity.CONTRARY, "bad", facts=facts))
    return DetectorResult(det, det, status, f"{det} summary", tuple(evidence))


def _view(
    detect: Detect | None,
    statuses: dict[str, Status] | None,
    answer: Answer | None = None,
    applies_when: AppliesWhen = ALWAYS,
    paths: tuple[str, ...] = ("main.go",),
) -> ItemView:
    item = _item(detect, applies_when)
    checklist = Checklist("c", "C", "1", "d", ("s",), (Section("main", "Main", (item,)),))
    results = None if statuses is None else {d: _result(d, s) for d, s in statuses.items()}
    answers = {item.id: answer} if answer is not None else {}
    return assess(checklist, answers, results, paths=paths, today=TODAY).view(item.id)


PROVES_A = Detect(DetectMode.ANY, ("a",))
PROVES_A_SUPPORTS_S = Detect(DetectMode.ANY, ("a",), ("s",))
ALL_AB = Detect(DetectMode.ALL, ("a", "b"), ("s",))
ANY_AB = Detect(DetectMode.ANY, ("a", "b"))
SUPPORTS_ONLY = Detect(DetectMode.ANY, (), ("s",))


@pytest.mark.parametrize(
    ("detect", "statuses", "state", "verdict"),
    [
        # only proof ticks
        (PROVES_A, {"a": F}, State.DETECTED, Verdict.FOUND),
        (PROVES_A, {"a": P}, State.AT_RISK, Verdict.PARTIAL),
        (PROVES_A, {"a": C}, State.AT_RISK, Verdict.CONTRARY),
        (PROVES_A, {"a": M}, State.TODO, Verdict.MISSING),
        (PROVES_A, {"a": E}, State.TODO, Verdict.ERROR),  # could not tell: never done, not absent
        (PROVES_A, {"a": NA}, State.TODO, Verdict.NOT_APPLICABLE),
        (PROVES_A, {}, State.TODO, None),  # the detector did not run
        (PROVES_A, None, State.TODO, None),  # no scan at all
        # supporting evidence is shown, a person confirms
        (PROVES_A_SUPPORTS_S, {"a": M, "s": F}, State.TODO, Verdict.SUPPORTED),
        (PROVES_A_SUPPORTS_S, {"a": E, "s": F}, State.TODO, Verdict.SUPPORTED),
        (PROVES_A_SUPPORTS_S, {"a": F, "s": F}, State.DETECTED, Verdict.FOUND),
        (PROVES_A_SUPPORTS_S, {"a": F, "s": M}, State.DETECTED, Verdict.FOUND),
        (SUPPORTS_ONLY, {"s": F}, State.TODO, Verdict.SUPPORTED),
        (SUPPORTS_ONLY, {"s": M}, State.TODO, Verdict.MISSING),
        # any linked detector, supporting ones too, can put the item at risk
        (PROVES_A_SUPPORTS_S, {"a": F, "s": C}, State.AT_RISK, Verdict.CONTRARY),
        (PROVES_A_SUPPORTS_S, {"a": F, "s": P}, State.AT_RISK, Verdict.PARTIAL),
        (SUPPORTS_ONLY, {"s": P}, State.AT_RISK, Verdict.PARTIAL),
        (ANY_AB, {"a": P, "b": C}, State.AT_RISK, Verdict.CONTRARY),
        # mode all: every proving detector; part of the proof is supporting evidence
        (ALL_AB, {"a": F, "b": F, "s": M}, State.DETECTED, Verdict.FOUND),
        (ALL_AB, {"a": F, "b": M, "s": M}, State.TODO, Verdict.SUPPORTED),
        (ALL_AB, {"a": F, "b": E, "s": M}, State.TODO, Verdict.SUPPORTED),
        (ALL_AB, {"a": M, "b": E, "s": M}, State.TODO, Verdict.ERROR),
        (ALL_AB, {"a": F, "s": M}, State.TODO, Verdict.SUPPORTED),  # b did not run
        # mode any: one proving detector is enough; an error elsewhere does not stop it
        (ANY_AB, {"a": M, "b": F}, State.DETECTED, Verdict.FOUND),
        (ANY_AB, {"a": E, "b": F}, State.DETECTED, Verdict.FOUND),
        (ANY_AB, {"a": E, "b": M}, State.TODO, Verdict.ERROR),
        (ANY_AB, {"a": NA, "b": M}, State.TODO, Verdict.MISSING),
        (ANY_AB, {"a": NA, "b": NA}, State.TODO, Verdict.NOT_APPLICABLE),
    ],
)
def test_state_and_verdict(
    detect: Detect, statuses: dict[str, Status] | None, state: State, verdict: Verdict | None
) -> None:
    view = _view(detect, statuses)
    assert (view.state, view.verdict) == (state, verdict)
    assert (view.state is State.DETECTED) is (verdict is Verdict.FOUND)
    assert bool(view.to_confirm) is (verdict is Verdict.SUPPORTED)


def test_no_detect_has_no_verdict() -> None:
    view = _view(None, {"a": F})
    assert (view.state, view.verdict, view.links) == (State.TODO, None, ())


def test_supporting_evidence_says_what_a_person_confirms() -> None:
    view = _view(PROVES_A_SUPPORTS_S, {"a": E, "s": F})
    assert view.to_confirm == (
        "Found by s: this supports the item but does not prove it. "
        "Not proven: a (could not tell). Confirm: Read the server's construction."
    )
    assert [(link.detector, link.role, link.label) for link in view.links] == [
        ("a", Role.PROVES, "could not tell"),
        ("s", Role.SUPPORTS, "found"),
    ]
    assert [e.path for e in view.evidence] == ["a.go"]  # s's finding is shown with the item


def test_a_person_confirming_supporting_evidence_settles_it() -> None:
    judgement = judge(SUPPORTS_ONLY, {"s": _result("s", F)})
    note = confirmation_note(judgement, "read main.go")
    assert note == "confirmed from evidence: s; read main.go"
    answer = Answer("x.item", State.DONE, Source.MANUAL, note=note, by="Ada <a@x>", at="t")
    view = _view(SUPPORTS_ONLY, {"s": F}, answer)
    assert (view.state, view.source, view.to_confirm) == (State.DONE, Source.MANUAL, "")
    assert not view.open


def test_contrary_evidence_says_why() -> None:
    item = _item(PROVES_A_SUPPORTS_S)
    results = {
        "a": _result("a", F),
        "s": _result("s", P, why="WriteTimeout is not set (no limit on slow readers)"),
    }
    checklist = Checklist("c", "C", "1", "d", ("s",), (Section("main", "Main", (item,)),))
    view = assess(checklist, {}, results, today=TODAY).view(item.id)
    assert view.state is State.AT_RISK
    assert view.risks == ("s: WriteTimeout is not set (no limit on slow readers) (b.go:7)",)


def test_contrary_without_a_why_falls_back_to_the_summary() -> None:
    view = _view(PROVES_A, {"a": C})
    assert view.risks == ("a: a summary (b.go:7)",)


def test_a_plain_done_does_not_outweigh_contrary_evidence() -> None:
    answer = Answer("x.item", State.DONE, Source.MANUAL, by="Ada <a@x>", at="t")
    assert _view(SUPPORTS_ONLY, {"s": C}, answer).state is State.AT_RISK


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        (AppliesWhen(files=("**/Dockerfile*",)), "no file matches **/Dockerfile*"),
        (AppliesWhen(go_imports=("database/sql",)), "no Go code imports database/sql"),
        (
            AppliesWhen(files=("*.sql",), go_imports=("database/sql", "github.com/jackc/pgx/**")),
            "no file matches *.sql and no Go code imports database/sql, github.com/jackc/pgx/**",
        ),
    ],
)
def test_automatic_na_carries_its_reason(when: AppliesWhen, reason: str) -> None:
    view = _view(PROVES_A, {"a": M}, applies_when=when)
    assert (view.state, view.na_reason, view.to_confirm) == (State.NA, reason, "")


@pytest.mark.parametrize(
    ("status", "state"),
    [(F, State.DETECTED), (P, State.AT_RISK), (C, State.AT_RISK), (E, State.NA), (NA, State.NA)],
)
def test_evidence_of_the_practice_makes_an_item_apply(status: Status, state: State) -> None:
    """Preconditions that miss a driver (pgx, not database/sql) never hide what was found."""
    when = AppliesWhen(go_imports=("database/sql",))
    view = _view(PROVES_A, {"a": status}, applies_when=when)
    assert view.state is state
    assert view.applicable is (state is not State.NA)
    assert (view.na_reason == "") is view.applicable


def test_an_item_that_applies_has_no_na_reason() -> None:
    when = AppliesWhen(files=("**/Dockerfile*",))
    view = _view(PROVES_A, {"a": F}, applies_when=when, paths=("x/Dockerfile",))
    assert (view.state, view.na_reason) == (State.DETECTED, "")


def test_summary_counts_what_waits_for_a_person_and_what_could_not_be_told() -> None:
    items = (
        _item(SUPPORTS_ONLY),
        Item(**{**_fields(_item(PROVES_A)), "id": "x.two"}),
        Item(**{**_fields(_item(PROVES_A)), "id": "x.three"}),
    )
    checklist = Checklist("c", "C", "1", "d", ("s",), (Section("main", "Main", items),))
    results = {"s": _result("s", F), "a": _result("a", E)}
    summary = assess(checklist, {}, results, today=TODAY).summary
    assert (summary.to_confirm, summary.unknown, summary.detected) == (1, 2, 0)


def _fields(item: Item) -> dict[str, object]:
    return item._asdict()


def test_one_label_table() -> None:
    assert [STATUS_LABEL[s] for s in (F, P, C, M, E, NA)] == [
        "found",
        "partial",
        "contrary",
        "absent",
        "could not tell",
        "not applicable",
    ]
    assert set(VERDICT_LABEL) == set(Verdict)
    assert set(STATE_LABEL) == set(State)
