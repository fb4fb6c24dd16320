"""Carry-forward rules, table by table: which answers carry, which items are re-asked and why,
which earlier record is the base, and how a seeded draft keeps the engineer's own answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import sample_record, ssh_keygen, use_ssh_key
from tests.values import replace

from golive_tui.core import workflows
from golive_tui.core.draft import Draft
from golive_tui.core.model import (
    Answer,
    Checklist,
    Detect,
    DetectMode,
    Item,
    Priority,
    Section,
    Source,
    State,
    Status,
)
from golive_tui.core.record import carry
from golive_tui.core.record.build import item_wording
from golive_tui.core.record.carry import Base, ChangeKind, Observed
from golive_tui.core.record.model import RecordEvidence, RecordItem
from golive_tui.core.record.store import record_path, write_record
from golive_tui.core.record.verify import sign_record

TODAY = dt.date(2026, 3, 1)
OLD, NEW = "1" * 40, "2" * 40


def _item(item_id: str, **kw: object) -> Item:
    base: dict[str, object] = {
        "id": item_id,
        "title": f"Title of {item_id}",
        "why": "why",
        "verify": "verify",
        "remediation": "fix",
        "priority": Priority.P1,
        "section": "s",
    }
    base.update(kw)
    return Item(**base)  # type: ignore[arg-type]


def _checklist(*items: Item) -> Checklist:
    return Checklist(
        id="t",
        title="T",
        version="1",
        description="",
        source=(),
        sections=(Section("s", "S", tuple(items)),),
    )


def _rec_item(item: Item, **kw: object) -> RecordItem:
    base: dict[str, object] = {
        "id": item.id,
        "state": "done",
        "source": "manual",
        "wording": item_wording(item),
        "by": "Ada <ada@example.com>",
        "at": "2026-01-10T09:00:00Z",
    }
    base.update(kw)
    return RecordItem(**base)  # type: ignore[arg-type]


def _base(*items: RecordItem, release: str = "v1.0.0") -> Base:
    record = replace(sample_record(release=release), items=tuple(items))
    return Base(release, Path(f"/repo/.golive/records/{release}.toml"), record)


def _observed(
    blobs: dict[str, str] | None = None,
    statuses: dict[str, Status] | None = None,
    evidence: dict[str, tuple[RecordEvidence, ...]] | None = None,
) -> Observed:
    known = blobs or {}
    return Observed(
        blob=lambda p: known.get(p, ""),
        paths=frozenset(known),
        evidence=evidence or {},
        statuses=statuses or {},
    )


def _plan(checklist: Checklist, base: Base, observed: Observed) -> carry.CarryPlan:
    return carry.compare(
        checklist, base, observed, release="v1.1.0", today=TODAY, diffs=False, repo_root=Path()
    )


# --------------------------------------------------------------------------- manual items

RUNBOOK = _item("ops.runbook", watch=("docs/*.md",))


@pytest.mark.parametrize(
    ("now", "kinds"),
    [
        ({"docs/runbook.md": OLD}, ()),
        ({"docs/runbook.md": NEW}, (ChangeKind.FILE_CHANGED,)),
        ({}, (ChangeKind.FILE_CHANGED,)),  # removed
        ({"docs/runbook.md": OLD, "docs/oncall.md": NEW}, (ChangeKind.FILE_ADDED,)),
        ({"docs/runbook.md": OLD, "src/other.md": NEW}, ()),  # outside the glob
    ],
    ids=["unchanged", "changed", "removed", "new-watched-file", "unrelated-file"],
)
def test_watched_files_decide_carry(now: dict[str, str], kinds: tuple[ChangeKind, ...]) -> None:
    base = _base(_rec_item(RUNBOOK, watch=(("docs/runbook.md", OLD),), note="on the wiki"))
    plan = _plan(_checklist(RUNBOOK), base, _observed(now))
    if kinds:
        assert [r.kind for r in plan.reasked["ops.runbook"]] == list(kinds)
        assert "ops.runbook" not in plan.carried
    else:
        answer = plan.carried["ops.runbook"]
        assert answer.source is Source.CARRIED and answer.carried_from == "v1.0.0"
        assert (answer.state, answer.note, answer.by, answer.at) == (
            State.DONE,
            "on the wiki",
            "Ada <ada@example.com>",
            "2026-01-10T09:00:00Z",
        )
        assert plan.reasked == {}


def test_file_reason_names_blobs() -> None:
    base = _base(_rec_item(RUNBOOK, watch=(("docs/runbook.md", OLD),)))
    (reason,) = _plan(_checklist(RUNBOOK), base, _observed({"docs/runbook.md": NEW})).reasked[
        "ops.runbook"
    ]
    assert (reason.path, reason.old_blob, reason.new_blob) == ("docs/runbook.md", OLD, NEW)
    assert reason.message == "docs/runbook.md changed since v1.0.0 (1111111 → 2222222)"


def test_waiver_expiry_revalidation_and_wording() -> None:
    waived = _item("ops.pager")
    drill = _item("ops.restore", revalidate_after=30)
    fresh = _item("ops.alerts", revalidate_after=365)
    reworded = _item("ops.slo", why="a different question now")
    base = _base(
        _rec_item(waived, state="waived", reason="pager next quarter", until="2026-02-28"),
        _rec_item(drill),  # answered 2026-01-10, due 2026-02-09
        _rec_item(fresh),
        _rec_item(reworded, wording=item_wording(_item("ops.slo"))),
        _rec_item(
            _item("ops.ok"), state="waived", reason="r", until="2026-03-01"
        ),  # last valid day
    )
    checklist = _checklist(waived, drill, fresh, reworded, _item("ops.ok"))
    plan = _plan(checklist, base, _observed())
    kinds = {k: [r.kind for r in v] for k, v in plan.reasked.items()}
    assert kinds == {
        "ops.pager": [ChangeKind.WAIVER_EXPIRED],
        "ops.restore": [ChangeKind.REVALIDATE],
        "ops.slo": [ChangeKind.WORDING],
    }
    assert "due 2026-02-09" in plan.reasked["ops.restore"][0].message
    assert set(plan.carried) == {"ops.alerts", "ops.ok"}
    assert plan.carried["ops.ok"].until == "2026-03-01"


def test_new_items_and_records_without_answers() -> None:
    old = _item("ops.old")
    added = _item("ops.added")
    open_item = _item("ops.open")
    base = _base(_rec_item(old), _rec_item(open_item, state="todo", source=""))
    plan = _plan(_checklist(old, added, open_item), base, _observed())
    assert plan.new == ("ops.added",)
    assert [r.kind for r in plan.reasons("ops.added")] == [ChangeKind.NEW]
    assert set(plan.carried) == {"ops.old"}  # an open item has nothing to carry
    assert plan.changed("ops.added") and not plan.changed("ops.old")
    assert plan.headline() == "from v1.0.0: 1 carried, 0 re-asked, 1 new"


def test_answers_recorded_under_a_former_id_carry_to_the_renamed_item() -> None:
    renamed = _item("config.fail-fast", aliases=("startup.fail-fast",))
    kept = _item("http.tls", aliases=("deploy.tls",))
    old_wording = _rec_item(renamed, id="startup.fail-fast")  # same question, former id
    base = _base(
        old_wording,
        _rec_item(kept, state="na", reason="TLS ends at the load balancer"),
        _rec_item(kept, id="deploy.tls", state="waived", reason="older", until="2030-01-01"),
    )
    plan = _plan(_checklist(renamed, kept), base, _observed())
    assert plan.new == ()
    assert plan.carried["config.fail-fast"].item_id == "config.fail-fast"
    assert plan.carried["config.fail-fast"].state is State.DONE
    assert plan.carried["http.tls"].state is State.NA  # the current id wins over an alias


# --------------------------------------------------------------------------- detector items

USER = _item("img.user", detect=Detect(DetectMode.ANY, ("docker.non_root_user",)))


def _ev(polarity: str, blob: str = OLD, line: int = 5) -> RecordEvidence:
    return RecordEvidence("docker.non_root_user", "Dockerfile", line, polarity, blob)


@pytest.mark.parametrize(
    ("recorded", "now", "now_ev", "expect"),
    [
        # nobody answered: detection settled it then; only losing it needs a person
        (
            {"state": "detected", "source": "detected", "evidence": (_ev("positive"),)},
            Status.FOUND,
            (_ev("positive"),),
            "none",
        ),
        (
            {"state": "detected", "source": "detected", "evidence": (_ev("positive"),)},
            Status.MISSING,
            (),
            "reask",
        ),
        (
            {"state": "detected", "source": "detected", "evidence": (_ev("positive"),)},
            Status.ERROR,
            (),
            "none",
        ),
        # a person overrode contrary evidence: holds while the evidence is the same
        (
            {
                "state": "done",
                "source": "override",
                "note": "port 80",
                "evidence": (_ev("contrary"),),
            },
            Status.CONTRARY,
            (_ev("contrary"),),
            "carry",
        ),
        (
            {
                "state": "done",
                "source": "override",
                "note": "port 80",
                "evidence": (_ev("contrary"),),
            },
            Status.MISSING,
            (),
            "reask-file",
        ),
        # a manual done, evidence now found: the detectors settle it, nothing to carry
        (
            {"state": "done", "source": "manual", "evidence": ()},
            Status.FOUND,
            (_ev("positive", OLD),),
            "none",
        ),
        # missing then, contrary now: the detector disagrees with "done"
        (
            {"state": "done", "source": "manual", "evidence": ()},
            Status.CONTRARY,
            (_ev("contrary"),),
            "reask",
        ),
        # n/a then, found now: the answer no longer matches the code
        (
            {"state": "na", "source": "manual", "reason": "no container", "evidence": ()},
            Status.FOUND,
            (_ev("positive"),),
            "reask",
        ),
    ],
    ids=[
        "detected-still",
        "detected-lost",
        "detector-error",
        "override-same",
        "override-file-changed",
        "done-now-detected",
        "done-now-contrary",
        "na-now-found",
    ],
)
def test_detector_items(
    recorded: dict[str, object],
    now: Status,
    now_ev: tuple[RecordEvidence, ...],
    expect: str,
) -> None:
    blobs = {"Dockerfile": OLD if expect != "reask-file" else NEW}
    observed = _observed(
        blobs, statuses={"docker.non_root_user": now}, evidence={"docker.non_root_user": now_ev}
    )
    plan = _plan(_checklist(USER), _base(_rec_item(USER, **recorded)), observed)
    if expect == "none":
        assert plan.carried == {} and plan.reasked == {}
    elif expect == "carry":
        answer = plan.carried["img.user"]
        assert answer.source is Source.OVERRIDE and answer.carried_from == "v1.0.0"
        assert answer.note == "port 80"
    elif expect == "reask":
        kinds = [r.kind for r in plan.reasked["img.user"]]
        assert ChangeKind.DETECTOR in kinds
        reason = next(r for r in plan.reasked["img.user"] if r.kind is ChangeKind.DETECTOR)
        assert reason.old_finding and reason.new_finding
    else:
        (reason,) = plan.reasked["img.user"]
        assert reason.kind is ChangeKind.FILE_CHANGED
        assert reason.old_finding == "docker.non_root_user: contrary at Dockerfile:5"
        assert reason.new_finding == "no finding"


def test_detector_reason_shows_old_and_new_findings() -> None:
    recorded = _rec_item(USER, state="detected", source="detected", evidence=(_ev("positive"),))
    observed = _observed(
        {"Dockerfile": NEW},
        statuses={"docker.non_root_user": Status.CONTRARY},
        evidence={"docker.non_root_user": (_ev("contrary", NEW, line=7),)},
    )
    reasons = _plan(_checklist(USER), _base(recorded), observed).reasked["img.user"]
    detector, changed = reasons
    assert detector.message == "detectors now disagree: recorded found, now contrary"
    assert detector.old_finding == "docker.non_root_user: positive at Dockerfile:5"
    assert detector.new_finding == "docker.non_root_user: contrary at Dockerfile:7"
    assert changed.kind is ChangeKind.FILE_CHANGED and changed.path == "Dockerfile"


def test_at_risk_done_is_read_back_as_done() -> None:
    item = _rec_item(USER, state="at_risk", source="manual", evidence=(_ev("contrary"),))
    answer = carry.recorded_answer(item, "v1")
    assert answer is not None and answer.state is State.DONE and answer.source is Source.CARRIED
    assert carry.recorded_answer(_rec_item(USER, state="todo", source=""), "v1") is None


# --------------------------------------------------------------------------- drafts


def test_seed_draft_never_overwrites_answers() -> None:
    mine = Answer("ops.a", State.NA, reason="mine", by="me")
    draft = replace(Draft.new("t", "v1.1.0"), answers={"ops.a": mine})
    plan = carry.CarryPlan(
        release="v1.1.0",
        base_release="v1.0.0",
        base_path=Path("x"),
        carried={
            "ops.a": Answer("ops.a", State.DONE, Source.CARRIED, carried_from="v1.0.0"),
            "ops.b": Answer("ops.b", State.DONE, Source.CARRIED, carried_from="v1.0.0"),
        },
        reasked={},
        new=(),
    )
    seeded = workflows.seed_draft(draft, plan)
    assert seeded.answers["ops.a"] is mine
    assert seeded.answers["ops.b"].carried_from == "v1.0.0"
    assert seeded.carried_from == "v1.0.0"


def test_should_seed_only_fresh_drafts_without_record(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "a"})
    fresh = Draft.new("t", "v2")
    assert workflows.should_seed(root, None, "v2") and workflows.should_seed(root, fresh, "v2")
    answered = replace(fresh, answers={"x": Answer("x", State.DONE)})
    assert not workflows.should_seed(root, answered, "v2")
    write_record(record_path(root, "v2"), sample_record(release="v2"))
    assert not workflows.should_seed(root, fresh, "v2")


# --------------------------------------------------------------------------- which record is the base


def _signed(
    root: Path, release: str, created: str, *, sign: bool = True, commit: bool = True
) -> None:
    record = replace(sample_record(release=release), created=created)
    if sign:
        record = sign_record(record, root, signed_at=created)
    path = record_path(root, release)
    write_record(path, record)
    if commit:  # a base must be committed: a record only on disk is never one
        git(root, "add", "--", str(path.relative_to(root)))
        git(root, "commit", "-q", "-m", f"readiness: {release}")


@pytest.fixture
def signing_repo(make_repo: RepoFactory, tmp_path: Path) -> Path:
    root = make_repo({"a.txt": "a"})
    use_ssh_key(root, ssh_keygen(tmp_path), commit=True)
    return root


def test_base_is_highest_lower_tag(signing_repo: Path) -> None:
    root = signing_repo
    for tag in ("v1.2.9", "v1.2.10", "v1.3.0", "v1.10.0"):
        git(root, "tag", tag)
    _signed(root, "v1.2.9", "2026-01-01T00:00:00Z")
    _signed(root, "v1.2.10", "2026-01-02T00:00:00Z")
    _signed(root, "v1.10.0", "2026-01-03T00:00:00Z")  # later tag: never a base of v1.3.0
    _signed(root, "hotfix", "2026-01-04T00:00:00Z")  # untagged: after every tag
    base, _notes = carry.find_base(root, "v1.3.0")
    assert base is not None and base.release == "v1.2.10"
    # an untagged release starts from the newest untagged record, else the highest tag
    base, _ = carry.find_base(root, "unreleased", now="2026-02-01T00:00:00Z")
    assert base is not None and base.release == "hotfix"
    base, _ = carry.find_base(root, "v1.10.0")  # never itself
    assert base is not None and base.release == "v1.2.10"


def test_unsigned_and_bad_records_are_skipped(signing_repo: Path) -> None:
    root = signing_repo
    for tag in ("v1.0.0", "v1.1.0", "v1.2.0"):
        git(root, "tag", tag)
    _signed(root, "v1.0.0", "2026-01-01T00:00:00Z")
    _signed(root, "v1.1.0", "2026-01-02T00:00:00Z", sign=False)
    base, notes = carry.find_base(root, "v1.2.0")
    assert base is not None and base.release == "v1.0.0"
    assert notes == ("v1.1.0: skipped as a base: not signed",)
    # tampering after signing: the record no longer verifies
    path = record_path(root, "v1.0.0")
    path.write_text(path.read_text().replace('note = "see wiki"', 'note = "edited"'))
    base, notes = carry.find_base(root, "v1.2.0")
    assert base is None and any("v1.0.0: skipped as a base: bad" in n for n in notes)


def test_first_tag_falls_back_to_untagged_record(signing_repo: Path) -> None:
    root = signing_repo
    git(root, "tag", "v1.0.0")
    _signed(root, "unreleased", "2026-01-01T00:00:00Z")
    base, _ = carry.find_base(root, "v1.0.0", now="2026-02-01T00:00:00Z")
    assert base is None  # `unreleased` is a working name, never a base
    _signed(root, "rc1", "2026-01-02T00:00:00Z")
    base, _ = carry.find_base(root, "v1.0.0", now="2026-02-01T00:00:00Z")
    assert base is not None and base.release == "rc1"
    git(root, "tag", "v0.9.0")
    _signed(root, "v0.9.0", "2026-01-05T00:00:00Z")
    base, _ = carry.find_base(root, "v1.0.0", now="2026-02-01T00:00:00Z")
    assert base is not None and base.release == "v0.9.0"  # a lower tag wins over the fallback


def test_base_is_committed_never_unreleased_and_never_loops(signing_repo: Path) -> None:
    """Issue 13: a stale, untracked `unreleased.toml` never wins over the signed, tagged v1.0.0,
    and releases never continue from each other in a circle."""
    root = signing_repo
    git(root, "tag", "v1.0.0")
    _signed(root, "v1.0.0", "2026-01-01T00:00:00Z")
    _signed(root, "unreleased", "2026-01-05T00:00:00Z", commit=False)  # the walker's ctrl+s
    _signed(root, "v1.1.0-wip", "2026-01-06T00:00:00Z", commit=False)
    base, notes = carry.find_base(root, "v1.1.0", now="2026-02-01T00:00:00Z")
    assert base is not None and base.release == "v1.0.0"
    assert "v1.1.0-wip.toml: not a base: not committed (commit it to continue from it)" in notes
    assert not any("unreleased" in n for n in notes)
    git(root, "tag", "v1.1.0")
    _signed(root, "v1.1.0", "2026-02-01T00:00:00Z")
    base, _ = carry.find_base(root, "unreleased", now="2026-03-01T00:00:00Z")
    assert base is not None and base.release == "v1.1.0"
    base, _ = carry.find_base(root, "v1.1.0", now="2026-03-01T00:00:00Z")
    assert base is not None and base.release == "v1.0.0"  # never unreleased: no loop
