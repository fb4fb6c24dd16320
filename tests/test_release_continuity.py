"""Release to release on a real repository: two tags, a signed record on the first, one evidence
file and one unrelated file changed, and only the affected items re-asked; waivers, revalidation,
wording and new items; the in-toto export; `gate --since-record`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from golive_tui.cli import main
from golive_tui.core.checklist.library import Library
from golive_tui.core.draft import Draft, DraftStore
from golive_tui.core.model import Answer, Checklist, Source, State
from golive_tui.core.record.canonical import record_digest
from golive_tui.core.record.carry import (
    CarryPlan,
    ChangeKind,
    plan_carry,
    recorded_answer,
    since_record,
)
from golive_tui.core.record.export.intoto import PREDICATE_TYPE, STATEMENT_TYPE
from golive_tui.core.record.model import Record
from golive_tui.core.record.store import load_record, record_path, write_record
from golive_tui.core.scan.engine import scan
from golive_tui.core.workflows import save_record, seed_draft
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import ssh_keygen, use_ssh_key
from tests.values import replace

TODAY = dt.date.today()
ANSWERED = (TODAY - dt.timedelta(days=30)).isoformat() + "T09:00:00Z"
WAIVER_UNTIL = (TODAY + dt.timedelta(days=60)).isoformat()
LATER = TODAY + dt.timedelta(days=200)  # waiver expired, 180-day revalidation due


def _item(item_id: str, title: str, extra: str = "", why: str = "Because it matters.") -> str:
    return f"""
[[sections.items]]
id = "{item_id}"
title = "{title}"
why = "{why}"
verify = "Look."
remediation = "Fix it."
priority = "P1"
source = "tests"
{extra}
"""


def checklist_toml(*, slo_why: str = "Because it matters.", extra_item: bool = False) -> str:
    text = """\
[checklist]
id = "rel"
title = "Release continuity"
version = "1"
description = "Items bound to evidence, watched files, waivers and revalidation."
source = ["tests"]

[[sections]]
id = "ops"
title = "Operations"
"""
    text += _item("img.health", "Image healthcheck", 'detect = { any = ["docker.healthcheck"] }')
    text += _item("img.user", "Run as non-root", 'detect = { any = ["docker.non_root_user"] }')
    text += _item("ops.image-scan", "Scan the image", 'watch = ["Dockerfile"]')
    text += _item("ops.runbook", "Runbook", 'watch = ["docs/*.md"]')
    text += _item("ops.tls", "TLS everywhere")
    text += _item("ops.pager", "Pager rotation")
    text += _item("ops.restore", "Restore drill", "revalidate_after = 180")
    text += _item("ops.slo", "SLOs defined", why=slo_why)
    if extra_item:
        text += _item("ops.new", "A new practice")
    return text


DOCKERFILE = """\
FROM golang:1.22 AS build
RUN go build -o /app .
FROM gcr.io/distroless/static
COPY --from=build /app /app
USER root
HEALTHCHECK CMD ["/app", "health"]
ENTRYPOINT ["/app"]
"""

FIRST_ANSWERS = {
    "img.user": {
        "state": State.DONE,
        "source": Source.OVERRIDE,
        "note": "port 80 until the sidecar lands",
    },
    "ops.image-scan": {"state": State.DONE},
    "ops.runbook": {"state": State.DONE, "note": "wiki/runbook"},
    "ops.tls": {"state": State.DONE},
    "ops.pager": {
        "state": State.WAIVED,
        "reason": "rotation starts next quarter",
        "until": WAIVER_UNTIL,
    },
    "ops.restore": {"state": State.DONE, "note": "restored staging from backup"},
    "ops.slo": {"state": State.DONE},
}


def _answers(spec: dict[str, dict[str, Any]]) -> dict[str, Answer]:
    return {
        item_id: Answer(item_id=item_id, by="Ada Tester <ada@example.com>", at=ANSWERED, **fields)
        for item_id, fields in spec.items()
    }


def _checklist(root: Path) -> Checklist:
    return Library.discover(root).get("rel")


def sign_release(root: Path, release: str, answers: dict[str, Answer]) -> Record:
    """Save the draft with `answers`, then build, sign and write the record as `golive sign` does."""
    store = DraftStore(root)
    draft = replace(Draft.new("rel", release), answers=answers)
    store.save(draft)
    result = save_record(root, "rel", release)
    assert result.signed, result.message
    assert result.record is not None
    return result.record


@dataclass
class Releases:
    root: Path
    first: Record


@pytest.fixture
def releases(make_repo: RepoFactory, tmp_path: Path) -> Releases:
    """v1.0.0 signed; then the Dockerfile (evidence) and README (unrelated) change; v1.1.0 tagged."""
    root = make_repo(
        {
            "Dockerfile": DOCKERFILE,
            "README.md": "# svc\n",
            "docs/runbook.md": "# Runbook\n",
            ".golive/checklists/rel.toml": checklist_toml(),
        }
    )
    use_ssh_key(root, ssh_keygen(tmp_path))
    git(root, "add", ".golive/allowed_signers")
    git(root, "commit", "-q", "-m", "allowed signers")  # trusted: committed on main
    git(root, "tag", "v1.0.0")
    first = sign_release(root, "v1.0.0", _answers(FIRST_ANSWERS))
    git(root, "add", ".golive/records")
    git(root, "commit", "-q", "-m", "readiness: v1.0.0")
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(DOCKERFILE.replace("USER root\n", "USER root\nEXPOSE 80\n"))
    (root / "README.md").write_text("# svc\n\nNow with a README.\n")
    git(root, "commit", "-q", "-am", "expose port 80; readme")
    git(root, "tag", "v1.1.0")
    return Releases(root, first)


def _plan(root: Path, today: dt.date = TODAY) -> CarryPlan:
    plan = plan_carry(root, _checklist(root), "v1.1.0", scan(root), today=today)
    assert plan is not None
    return plan


def test_first_record_binds_answers_to_blobs(releases: Releases) -> None:
    record = releases.first
    assert record.item("img.user").evidence[0].path == "Dockerfile"
    assert record.item("ops.image-scan").watch[0][0] == "Dockerfile"
    assert [p for p, _ in record.item("ops.runbook").watch] == ["docs/runbook.md"]


def test_only_items_relying_on_the_changed_file_are_reasked(releases: Releases) -> None:
    plan = _plan(releases.root)
    assert plan.base_release == "v1.0.0"
    assert set(plan.reasked) == {"img.user", "ops.image-scan"}
    assert set(plan.carried) == {"ops.runbook", "ops.tls", "ops.pager", "ops.restore", "ops.slo"}
    assert plan.new == ()
    # detected then and now: the detectors settle it, nobody is asked
    assert "img.health" not in plan.carried and "img.health" not in plan.reasked

    (user,) = plan.reasked["img.user"]
    assert user.kind is ChangeKind.FILE_CHANGED and user.path == "Dockerfile"
    assert user.old_blob == releases.first.item("img.user").evidence[0].blob
    assert user.new_blob == git(releases.root, "rev-parse", "HEAD:Dockerfile")
    assert user.old_finding == "docker.non_root_user: contrary at Dockerfile:5"
    assert user.new_finding == "docker.non_root_user: contrary at Dockerfile:5"
    assert "+EXPOSE 80" in user.diff and user.diff.startswith("--- a/Dockerfile")
    (scan_reason,) = plan.reasked["ops.image-scan"]
    assert scan_reason.kind is ChangeKind.FILE_CHANGED and "+EXPOSE 80" in scan_reason.diff

    carried = plan.carried["ops.runbook"]
    assert (carried.source, carried.carried_from, carried.note, carried.at) == (
        Source.CARRIED,
        "v1.0.0",
        "wiki/runbook",
        ANSWERED,
    )
    assert plan.carried["ops.pager"].until == WAIVER_UNTIL


def test_expired_waiver_and_revalidation_are_reasked(releases: Releases) -> None:
    plan = _plan(releases.root, LATER)
    assert set(plan.reasked) == {"img.user", "ops.image-scan", "ops.pager", "ops.restore"}
    assert [r.kind for r in plan.reasked["ops.pager"]] == [ChangeKind.WAIVER_EXPIRED]
    assert [r.kind for r in plan.reasked["ops.restore"]] == [ChangeKind.REVALIDATE]


def test_wording_change_and_new_item(releases: Releases) -> None:
    root = releases.root
    (root / ".golive/checklists/rel.toml").write_text(
        checklist_toml(slo_why="Error budgets decide releases.", extra_item=True)
    )
    plan = _plan(root)
    assert [r.kind for r in plan.reasked["ops.slo"]] == [ChangeKind.WORDING]
    assert plan.new == ("ops.new",)
    assert plan.reasons("ops.new")[0].kind is ChangeKind.NEW


def test_watched_glob_matching_a_new_file_reasks(releases: Releases) -> None:
    (releases.root / "docs/oncall.md").write_text("# On call\n")
    plan = _plan(releases.root)
    (reason,) = plan.reasked["ops.runbook"]
    assert reason.kind is ChangeKind.FILE_ADDED and reason.path == "docs/oncall.md"
    assert "+# On call" in reason.diff


def test_unsigned_first_record_is_no_base(releases: Releases) -> None:
    path = record_path(releases.root, "v1.0.0")
    write_record(path, replace(load_record(path), signatures=()))
    assert (
        plan_carry(releases.root, _checklist(releases.root), "v1.1.0", scan(releases.root)) is None
    )


def test_seeded_draft_keeps_answers_and_marks_them_carried(releases: Releases) -> None:
    plan = _plan(releases.root)
    mine = Answer("ops.tls", State.NA, reason="internal only", by="me", at=ANSWERED)
    draft = replace(Draft.new("rel", "v1.1.0"), answers={"ops.tls": mine})
    seeded = seed_draft(draft, plan)
    assert seeded.answers["ops.tls"] is mine
    assert seeded.answers["ops.slo"].carried_from == "v1.0.0"
    assert "img.user" not in seeded.answers  # re-asked: the engineer answers it again


# --------------------------------------------------------------------------- gate --since-record


def _second_record(root: Path, plan: CarryPlan, *, answer_reasked: bool) -> Record:
    answers = dict(seed_draft(Draft.new("rel", "v1.1.0"), plan).answers)
    if answer_reasked:
        answers.update(
            _answers(
                {
                    "img.user": {
                        "state": State.DONE,
                        "source": Source.OVERRIDE,
                        "note": "still port 80; ticket 42",
                    },
                    "ops.image-scan": {"state": State.DONE, "note": "trivy clean"},
                }
            )
        )
    else:  # the changed items slipped through, carried as they were (an override stays one)
        for item_id in ("img.user", "ops.image-scan"):
            answer = recorded_answer(plan.previous[item_id], "v1.0.0")
            assert answer is not None
            answers[item_id] = answer
    return sign_release(root, "v1.1.0", answers)


def test_gate_since_record_passes_when_reasked_items_were_answered(releases: Releases) -> None:
    root = releases.root
    second = _second_record(root, _plan(root), answer_reasked=True)
    result = since_record(root, second)
    assert result.base == "v1.0.0" and result.failures == ()
    assert set(result.reasked) == {"img.user", "ops.image-scan"}
    assert main(["gate", "--since-record", "-C", str(root), "--release", "v1.1.0"]) == 0


def test_gate_since_record_reports_its_counts_as_information(
    releases: Releases, capsys: pytest.CaptureFixture[str]
) -> None:
    root = releases.root
    _second_record(root, _plan(root), answer_reasked=True)
    capsys.readouterr()
    gate = ["gate", "--since-record", "-C", str(root), "--release"]
    assert main([*gate, "v1.1.0"]) == 0
    text = capsys.readouterr().out
    assert "  info: --since-record: 2 item(s) re-asked since v1.0.0" in text
    assert "warning" not in text
    assert main([*gate, "v1.1.0", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["info"] == ["--since-record: 2 item(s) re-asked since v1.0.0"]
    assert out["warnings"] == []
    assert main([*gate, "v1.1.0", "--format", "markdown"]) == 0
    assert "### Warnings" not in capsys.readouterr().out
    main([*gate, "v1.0.0", "--format", "json"])  # the first release: nothing to compare with
    out = json.loads(capsys.readouterr().out)
    assert out["info"] == ["--since-record: no earlier signed record: nothing to re-ask"]
    assert not any("since-record" in w for w in out["warnings"])


def test_gate_since_record_fails_when_changed_items_were_carried(
    releases: Releases, capsys: pytest.CaptureFixture[str]
) -> None:
    root = releases.root
    second = _second_record(root, _plan(root), answer_reasked=False)
    result = since_record(root, second)
    assert sorted(f.split(":")[0] for f in result.failures) == ["img.user", "ops.image-scan"]
    assert "carried from v1.0.0 although it was re-asked" in result.failures[0]
    capsys.readouterr()
    assert main(["gate", "-C", str(root), "--release", "v1.1.0"]) == 0  # without the flag
    capsys.readouterr()
    code = main(
        ["gate", "--since-record", "-C", str(root), "--release", "v1.1.0", "--format", "json"]
    )
    assert code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["passed"] is False
    assert any("img.user" in f for f in out["failures"])


# --------------------------------------------------------------------------- in-toto


def test_intoto_export_of_the_signed_record(
    releases: Releases, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.core.record.test_intoto import check_statement_v1

    capsys.readouterr()
    assert main(["export", "v1.0.0", "--format", "intoto", "-C", str(releases.root)]) == 0
    statement = json.loads(capsys.readouterr().out)
    check_statement_v1(statement)
    assert statement["_type"] == STATEMENT_TYPE
    assert statement["predicateType"] == PREDICATE_TYPE
    assert statement["subject"][0]["digest"] == {"gitCommit": releases.first.repo.commit}
    predicate = statement["predicate"]
    assert predicate["payloadSha256"] == record_digest(releases.first)
    assert predicate["record"]["summary"]["total"] == releases.first.summary.total
    items = {i["id"]: i for i in predicate["record"]["items"]}
    assert (
        items["img.user"]["evidence"][0]["blob"] == releases.first.item("img.user").evidence[0].blob
    )
    assert [s["role"] for s in predicate["signatures"]] == ["author"]


# --------------------------------------------------------------------------- golive status


def test_status_reports_carried_reasked_and_new(
    releases: Releases, capsys: pytest.CaptureFixture[str]
) -> None:
    root = releases.root
    (root / ".golive/checklists/rel.toml").write_text(checklist_toml(extra_item=True))
    capsys.readouterr()
    assert main(["status", str(root), "--checklist", "rel", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["release"] == "v1.1.0"
    assert (data["carried"], data["reasked"], data["new"]) == (5, 2, 1)
    assert data["carry"]["base"] == "v1.0.0"
    items = {i["id"]: i for i in data["items"]}
    assert items["ops.tls"]["carried_from"] == "v1.0.0"
    assert items["ops.tls"]["state"] == "done"  # what the walk will start from
    assert items["img.user"]["carried_from"] == ""
    (reason,) = items["img.user"]["reask_reasons"]
    assert reason["kind"] == "file_changed" and reason["path"] == "Dockerfile"
    assert "+EXPOSE 80" in reason["diff"]
    assert [r["kind"] for r in items["ops.new"]["reask_reasons"]] == ["new_item"]

    assert main(["status", str(root), "--checklist", "rel"]) == 0
    text = capsys.readouterr().out
    assert "carry-forward from v1.0.0: 5 carried, 2 re-asked, 1 new (v1.0.0.toml)" in text
    assert "↻ re-ask: Dockerfile changed since v1.0.0" in text
    assert "was: docker.non_root_user: contrary at Dockerfile:5" in text


def test_status_after_seeding_shows_carried_answers(
    releases: Releases, capsys: pytest.CaptureFixture[str]
) -> None:
    root = releases.root
    store = DraftStore(root)
    store.save(seed_draft(Draft.new("rel", "v1.1.0"), _plan(root)))
    capsys.readouterr()
    assert main(["status", str(root), "--checklist", "rel"]) == 0
    text = capsys.readouterr().out
    assert "(carried from v1.0.0)" in text
    assert main(["status", str(root), "--checklist", "rel", "--no-scan", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["carry"] is None and data["carried"] == 0  # no scan: no carry-forward judgement
    assert {i["id"]: i["carried_from"] for i in data["items"]}["ops.tls"] == "v1.0.0"


# --------------------------------------------------------------------------- the walker


def test_walker_continues_from_the_earlier_release(releases: Releases) -> None:
    import asyncio

    from textual.widgets import Static

    from golive_tui.commands.walk import build_deps
    from golive_tui.core.workflows import Session
    from golive_tui.tui.app import GoliveApp
    from golive_tui.tui.screens.walker import WalkerScreen
    from golive_tui.tui.widgets.detail import ItemDetail

    root = releases.root
    session = Session.open(str(root), checklist="rel", release="v1.1.0")

    async def walk() -> None:
        app = GoliveApp(build_deps(session))
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            walker = app.screen
            assert isinstance(walker, WalkerScreen)
            plan = walker.carry_plan
            assert plan is not None and plan.base_release == "v1.0.0"
            ids = [v.item.id for v in walker.visible_views()]
            assert ids[:2] == ["img.user", "ops.image-scan"]  # re-asked first
            assert walker.items.border_subtitle == "from v1.0.0: 5 carried, 2 re-asked, 0 new"
            assert walker.view_of("ops.tls").state is State.DONE  # carried
            walker.set_filter("changed")
            await pilot.pause()
            assert [v.item.id for v in walker.visible_views()] == ["img.user", "ops.image-scan"]
            assert "changed since last release" in str(walker.items.border_title)
            assert walker.items.select_id("img.user")
            await pilot.pause()
            text = "\n".join(str(w.render()) for w in walker.query_one(ItemDetail).query(Static))
            assert "Re-asked: changed since v1.0.0" in text
            assert "Dockerfile changed since v1.0.0" in text
            assert "+EXPOSE 80" in text
            assert "v1.0.0 said: done — port 80 until the sidecar lands" in text

    asyncio.run(walk())
    draft = DraftStore(root).load("rel", "v1.1.0")
    assert draft is not None and draft.carried_from == "v1.0.0"
    assert draft.answers["ops.tls"].carried_from == "v1.0.0"
    assert draft.answers["ops.tls"].source is Source.CARRIED
    assert "img.user" not in draft.answers and "ops.image-scan" not in draft.answers


def test_walker_does_not_seed_a_draft_with_answers(releases: Releases) -> None:
    import asyncio

    from golive_tui.commands.walk import build_deps
    from golive_tui.core.workflows import Session
    from golive_tui.tui.app import GoliveApp

    root = releases.root
    mine = Answer("ops.tls", State.NA, reason="internal only", by="me", at=ANSWERED)
    DraftStore(root).save(replace(Draft.new("rel", "v1.1.0"), answers={"ops.tls": mine}))
    session = Session.open(str(root), checklist="rel", release="v1.1.0")

    async def walk() -> None:
        app = GoliveApp(build_deps(session))
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()

    asyncio.run(walk())
    draft = DraftStore(root).load("rel", "v1.1.0")
    assert draft is not None and dict(draft.answers) == {"ops.tls": mine}


def test_first_mark_from_the_shell_starts_from_the_earlier_release(
    releases: Releases, capsys: pytest.CaptureFixture[str]
) -> None:
    root = releases.root
    assert main(["mark", "ops.image-scan", "done", "--path", str(root), "--checklist", "rel"]) == 0
    draft = DraftStore(root).load("rel", "v1.1.0")
    assert draft is not None and draft.carried_from == "v1.0.0"
    assert draft.answers["ops.image-scan"].source is Source.MANUAL
    assert draft.answers["ops.tls"].carried_from == "v1.0.0"
