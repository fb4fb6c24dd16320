"""What a walk shows: each item's state from people's answers and detector evidence, plus scores
and gates.

The rules keep evidence honest (core.verdict): only a proving detector's `found` settles an item
(DETECTED); supporting evidence is shown and leaves it TODO for a person to confirm; partial or
contrary evidence of any linked detector never lets an item pass silently: it is AT_RISK until a
person overrides it with a note. A detector that could not tell (error) leaves the item TODO and
is never read as absent. An item that does not apply here is NA with the reason.

The results are immutable named tuples (core.tuples), not frozen dataclasses: defining the five
cost every walk, status and gate ~8 ms (this machine's slow hours).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

from golive_tui.core.globs import GlobSet, SplitPaths, glob_regex
from golive_tui.core.model import (
    Answer,
    AppliesWhen,
    Band,
    Checklist,
    DetectorResult,
    Evidence,
    Item,
    ItemKind,
    PassRule,
    Priority,
    Profile,
    Scoring,
    ScoringMethod,
    Source,
    State,
    Status,
    waiver_expired,
)
from golive_tui.core.tuples import NamedTuple
from golive_tui.core.verdict import (
    NO_JUDGEMENT,
    Judgement,
    Link,
    Verdict,
    judge,
    to_confirm,
)

#: Verdicts that show the item's subject is there.
_EVIDENCED = frozenset({Verdict.FOUND, Verdict.SUPPORTED, Verdict.PARTIAL, Verdict.CONTRARY})
#: States a person gives; DETECTED and AT_RISK are always derived from evidence.
_ANSWERED = frozenset({State.DONE, State.NA, State.WAIVED})


class ItemView(NamedTuple):
    """One item as the user sees it."""

    item: Item
    state: State
    source: Source | None  # who settled it; None while nobody and nothing has
    answer: Answer | None
    evidence: tuple[Evidence, ...]
    applicable: bool
    waiver_expired: bool
    detector_statuses: Mapping[str, Status] = MappingProxyType({})  # read-only: shared
    judgement: Judgement = NO_JUDGEMENT
    na_reason: str = ""  # why the item was set n/a automatically ("" when it applies)

    @property
    def open(self) -> bool:
        """Still needs attention: neither settled nor validly set aside."""
        return not _gate_done(self)

    @property
    def verdict(self) -> Verdict | None:
        return self.judgement.verdict

    @property
    def links(self) -> tuple[Link, ...]:
        return self.judgement.links

    @property
    def risks(self) -> tuple[str, ...]:
        """Why the evidence puts the item at risk (contrary findings), empty otherwise."""
        return self.judgement.risks

    @property
    def to_confirm(self) -> str:
        """What a person still has to confirm: set while only supporting evidence was found
        and nobody has answered the item."""
        if self.state is not State.TODO or self.source is not None or not self.applicable:
            return ""
        return to_confirm(self.item, self.judgement)


class ScoreResult(NamedTuple):
    id: str
    title: str
    method: ScoringMethod
    value: float
    maximum: float
    band: str  # "" when the value falls in no band


class GateResult(NamedTuple):
    profile: str
    passed: bool
    failing: tuple[str, ...]  # item ids blocking it


class Summary(NamedTuple):
    """Counts over the applicable (or answered) items in scope.

    `done` is progress: every settled item (done, detected, n/a, validly waived; a score item
    once scored) and `remaining` the rest. `detected`, `na` and `waived` break `done` down.
    """

    total: int
    done: int
    remaining: int
    p0_remaining: int
    at_risk: int
    detected: int
    na: int
    waived: int
    scores: tuple[ScoreResult, ...]
    gates: tuple[GateResult, ...]
    to_confirm: int = 0  # open items with supporting evidence a person can confirm
    unknown: int = 0  # open items whose detectors could not tell


class Assessment(NamedTuple):
    checklist: Checklist
    items: tuple[ItemView, ...]
    summary: Summary

    def view(self, item_id: str) -> ItemView:
        for view in self.items:
            if view.item.id == item_id:
                return view
        raise KeyError(item_id)

    def gate(self, profile: str) -> GateResult:
        """The gate `golive gate` checks for `profile`; "" (no profile) means every applicable
        item settled and none at risk, the rule the record's gate applies too."""
        if profile:
            found = next((g for g in self.summary.gates if g.profile == profile), None)
            if found is not None:
                return found
        s = self.summary  # the record's gate reads these two counts: so does this one
        failing = tuple(v.item.id for v in self.items if v.open)
        return GateResult(profile="", passed=not (s.remaining or s.at_risk), failing=failing)


#: How a gate with no profile is named wherever it is shown.
EVERY_ITEM = "every item"


def gate_name(profile: str) -> str:
    return profile or EVERY_ITEM


def assess(
    checklist: Checklist,
    answers: Mapping[str, Answer],
    results: Mapping[str, DetectorResult] | None,
    *,
    paths: Iterable[str] = (),
    go_imports: Iterable[str] = (),
    today: date | None = None,
    profile: str | None = None,
) -> Assessment:
    """Every item's state, the summary of the active `profile` (all items if None), all gates.

    `paths` are the repository's files (relative, forward slashes) and `go_imports` the import
    paths used by its Go code: they decide `applies_when`. Raises KeyError for an unknown profile.
    """
    day = today or date.today()
    applicable = _applicability(tuple(paths), tuple(go_imports))
    views = tuple(
        _view(item, answers.get(item.id), results or {}, applicable, day)
        for item in checklist.items()
    )
    by_id = {view.item.id: view for view in views}
    active = checklist.profile(profile) if profile is not None else None
    scope = [by_id[i] for i in active.items] if active is not None else list(views)
    scores = tuple(_score(s, by_id) for s in checklist.scoring)
    gates = tuple(_gate(p, by_id, scores) for p in checklist.profiles)
    return Assessment(checklist, views, _summary(scope, scores, gates))


# --------------------------------------------------------------------------- one item


def _view(
    item: Item,
    answer: Answer | None,
    results: Mapping[str, DetectorResult],
    applies_here: _Applicability,
    today: date,
) -> ItemView:
    judgement = judge(item.detect, results)
    # Evidence that speaks to the practice (found, partial, contrary) shows the item applies,
    # whatever its preconditions matched: a driver they do not list is no reason for n/a.
    applicable = judgement.verdict in _EVIDENCED or applies_here(item.applies_when)
    statuses = MappingProxyType(
        {link.detector: link.status for link in judgement.links if link.status is not None}
    )
    linked = item.detect.linked if item.detect is not None else ()
    evidence = tuple(e for d in linked if d in results for e in results[d].evidence)
    contrary = judgement.at_risk
    answered = answer is not None and answer.state in _ANSWERED
    expired = False
    state: State
    source: Source | None
    if answer is not None and answered:
        state, source = answer.state, answer.source
        if state is State.DONE and contrary and source is not Source.OVERRIDE:
            state = State.AT_RISK  # a plain "done" does not outweigh contrary evidence
        if state is State.WAIVED:
            expired = waiver_expired(answer.until, today)
    elif answer is not None and answer.state is State.TODO and answer.source is Source.OVERRIDE:
        state, source = State.TODO, Source.OVERRIDE  # a person disputes the evidence (with a note)
    elif not applicable:
        state, source = State.NA, None
    elif contrary:
        state, source = State.AT_RISK, Source.DETECTED
    elif judgement.proven:
        state, source = State.DETECTED, Source.DETECTED
    else:
        state, source = State.TODO, None
    return ItemView(
        item=item,
        state=state,
        source=source,
        answer=answer,
        evidence=evidence,
        applicable=applicable,
        waiver_expired=expired,
        detector_statuses=statuses,
        judgement=judgement,
        na_reason="" if applicable else item.applies_when.reason(),
    )


def applies(when: AppliesWhen, paths: Iterable[str], imports: Iterable[str]) -> bool:
    """True when `when` is unconditional, a file glob matches a path, or a Go import matches.

    Globs use `**` for any number of directories and `*`/`?` within one; an import pattern
    matches the package itself and the packages below it (`database/sql` covers `.../driver`).
    """
    return _Applicability(tuple(paths), tuple(imports))(when)


def _parents(import_path: str) -> list[str]:
    parts = import_path.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts))]


class _Applicability:
    """`applies` for one repository's paths and imports, each distinct condition judged once.

    Same answers as `applies`, at a fraction of the work: items share a handful of conditions
    (the shipped checklist: 117 items, ~10 distinct `applies_when`), an import pattern without
    wildcards is one set lookup among the imports and their parents, and a condition's globs
    are one regex alternation. On moby (3,288 paths, 649 imports) an assessment with the
    scan's paths went from ~330 ms to ~10 ms, and the walker's next ones to ~2 ms (see
    `_applicability`)."""

    def __init__(self, paths: tuple[str, ...], imports: tuple[str, ...]) -> None:
        self.paths = paths
        self.imports = imports
        self._prefixes: frozenset[str] | None = None
        self._split: SplitPaths | None = None  # the paths split once, for every condition
        self._known: dict[AppliesWhen, bool] = {}

    def __call__(self, when: AppliesWhen) -> bool:
        if when.always:
            return True
        known = self._known.get(when)
        if known is None:
            known = self._known[when] = self._judge(when)
        return known

    def _judge(self, when: AppliesWhen) -> bool:
        if when.files:
            if self._split is None:
                self._split = SplitPaths(self.paths)
            if GlobSet(when.files).any_in(self._split):
                return True
        if not when.go_imports:
            return False
        if self._prefixes is None:  # every import and every package above it
            self._prefixes = frozenset(
                prefix for imp in self.imports for prefix in (imp, *_parents(imp))
            )
        prefixes = self._prefixes
        for pattern in when.go_imports:
            if not any(c in pattern for c in "*?["):  # matches itself only
                if pattern in prefixes:
                    return True
            elif any(glob_regex(pattern).fullmatch(p) for p in prefixes):
                return True
        return False


#: The last paths and imports assessed and what was judged on them. The walker assesses again
#: on every answer with the same scan's tuples: kept by identity (the tuples are held here, so
#: an id cannot be reused), its conditions are not matched again (~10 ms per answer on moby,
#: ~47 ms on an 8x monorepo, down to ~1-2 ms).
_last: _Applicability | None = None


def _applicability(paths: tuple[str, ...], imports: tuple[str, ...]) -> _Applicability:
    global _last
    last = _last
    if last is not None and last.paths is paths and last.imports is imports:
        return last
    _last = _Applicability(paths, imports)
    return _last


# --------------------------------------------------------------------------- rules


def _gate_done(view: ItemView) -> bool:
    """Done for a gate: done, detected, n/a or validly waived; a score item only at full marks."""
    if view.state is State.WAIVED:
        return not view.waiver_expired
    if view.item.kind is ItemKind.SCORE:
        # Evidence informs a rating but cannot give one: a detected score item still needs a score.
        if view.state is State.DONE:
            return view.answer is not None and view.answer.score == 2
        return view.state is State.NA
    return view.state in (State.DONE, State.DETECTED, State.NA)


def _progress_done(view: ItemView) -> bool:
    """Settled for progress: like a gate, but any answered score counts."""
    if view.state is State.DONE:
        return True
    return _gate_done(view)


def _in_scope(view: ItemView) -> bool:
    return view.applicable or (view.answer is not None and view.answer.state in _ANSWERED)


def _summary(
    scope: list[ItemView], scores: tuple[ScoreResult, ...], gates: tuple[GateResult, ...]
) -> Summary:
    counted = [v for v in scope if _in_scope(v)]
    done = [v for v in counted if _progress_done(v)]
    return Summary(
        total=len(counted),
        done=len(done),
        remaining=len(counted) - len(done),
        p0_remaining=sum(
            1 for v in counted if v.item.priority is Priority.P0 and not _progress_done(v)
        ),
        at_risk=sum(1 for v in counted if v.state is State.AT_RISK),
        detected=sum(1 for v in counted if v.state is State.DETECTED),
        na=sum(1 for v in counted if v.state is State.NA),
        waived=sum(1 for v in counted if v.state is State.WAIVED and not v.waiver_expired),
        scores=scores,
        gates=gates,
        to_confirm=sum(1 for v in counted if v.to_confirm),
        unknown=sum(
            1 for v in counted if v.verdict is Verdict.ERROR and v.open and v.answer is None
        ),
    )


def _points(view: ItemView) -> int:
    """0-2: a score item's answered score, a check's 2 when done or detected."""
    if view.item.kind is ItemKind.SCORE:
        if view.state is State.DONE and view.answer is not None and view.answer.score is not None:
            return max(0, min(2, view.answer.score))
        return 0
    return 2 if view.state in (State.DONE, State.DETECTED) else 0


def _score(scoring: Scoring, views: Mapping[str, ItemView]) -> ScoreResult:
    if scoring.method is ScoringMethod.POINTS:
        value = float(sum(_points(views[i]) for i in scoring.items if i in views))
        maximum = 2.0 * len(scoring.items)
    else:
        weighted = 0.0
        weights = 0.0
        for dim in scoring.dimensions:
            members = [views[i] for i in dim.items if i in views and _counts_in_dimension(views[i])]
            total_weight = sum(v.item.weight for v in members)
            if not members or total_weight <= 0:
                continue  # nothing applies: the dimension leaves the normalisation
            mean = sum(v.item.weight * _points(v) / 2 for v in members) / total_weight
            weighted += dim.weight * mean
            weights += dim.weight
        value = scoring.scale * weighted / weights if weights else 0.0
        maximum = scoring.scale
    return ScoreResult(
        id=scoring.id,
        title=scoring.title,
        method=scoring.method,
        value=value,
        maximum=maximum,
        band=band_for(scoring.bands, value),
    )


def _counts_in_dimension(view: ItemView) -> bool:
    return view.applicable and view.state is not State.NA


def band_for(bands: Iterable[Band], value: float) -> str:
    """The band with the highest `min` not above `value` (and `max` not below it), or ""."""
    best: Band | None = None
    for band in bands:
        if band.min <= value and (best is None or band.min > best.min):
            best = band
    if best is None or (best.max is not None and value > best.max):
        return ""
    return best.label


def _gate(
    profile: Profile, views: Mapping[str, ItemView], scores: tuple[ScoreResult, ...]
) -> GateResult:
    members = [views[i] for i in profile.items if i in views]
    if profile.rule is PassRule.NO_OPEN_P0:
        members = [v for v in members if v.item.priority is Priority.P0]
    failing = tuple(v.item.id for v in members if not _gate_done(v))
    if profile.rule is PassRule.MIN_SCORE:
        score = next((s for s in scores if s.id == profile.scoring), None)
        passed = score is not None and score.value >= profile.min_score
        return GateResult(profile.id, passed, () if passed else failing)
    return GateResult(profile.id, not failing, failing)
