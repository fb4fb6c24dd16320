"""What a launch review relies on in the shipped checklists: one priority per practice, gates
that can pass, checkable items, and go-deploy-basics' former ids still resolving (issue 15)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from golive_tui import cli
from golive_tui.core.assess import assess
from golive_tui.core.checklist.consistency import practice_keys
from golive_tui.core.checklist.library import Library, lint_files
from golive_tui.core.draft import Draft, DraftStore, with_current_ids
from golive_tui.core.model import Answer, Checklist, ItemKind, PassRule, Priority, State
from tests.conftest import ROOT

FILES = sorted((ROOT / "checklists").glob("*.toml"))

#: go-deploy-basics 1.0.0's item ids, each with the go-production item it became.
BASICS_IDS = {
    "startup.fail-fast": "config.fail-fast",
    "startup.validate-config": "config.validated",
    "startup.ping-dependencies": "config.startup-dependency-check",
    "startup.migrate": "migrations.execution-strategy",
    "startup.graceful-shutdown": "shutdown.drain-in-flight",
    "code.go-modules": "deploy.go-modules",
    "code.structured-logs": "obs.structured-logs",
    "code.client-timeouts": "resilience.outbound-timeouts",
    "code.close-bodies": "resilience.close-bodies",
    "code.health-check": "shutdown.health-endpoints",
    "code.cors": "http.cors",
    "middleware.circuit-breaker": "resilience.circuit-breaker",
    "middleware.rate-limit": "http.rate-limit",
    "middleware.metrics": "obs.red-metrics",
    "middleware.body-limit": "http.body-limit",
    "prep.load-test": "perf.load-test",
    "prep.production-config": "config.production-reviewed",
    "deploy.minimal-image": "container.minimal-base",
    "deploy.pie": "container.pie",
    "deploy.tls": "http.tls",
}

#: Items that can only be done once the release is live carry this tag.
POST_DEPLOY = "post-deploy"


def _library() -> Library:
    return Library.discover(None)


def _checklists() -> list[Checklist]:
    library = _library()
    return [library.get(checklist_id) for checklist_id in library.ids()]


def test_the_shipped_set_lints_clean_together() -> None:
    # lint-checklist checks the files it is given against each other: one priority per practice.
    outcomes = lint_files(FILES, None)
    problems = [p for outcome in outcomes.values() if isinstance(outcome, list) for p in outcome]
    assert problems == []


def test_one_priority_per_id_and_per_practice_across_unrelated_checklists() -> None:
    library = _library()
    seen: dict[str, tuple[str, str, Priority]] = {}
    disagreements = []
    for checklist in _checklists():
        for item in checklist.items():
            for key in practice_keys(item):
                if key not in seen:
                    seen[key] = (checklist.id, item.id, item.priority)
                    continue
                other_list, other_id, priority = seen[key]
                related = other_list in library.lineage(checklist.id)
                if priority is not item.priority and not related:
                    disagreements.append((key, other_id, priority, item.id, item.priority))
    assert disagreements == []


def test_the_lint_fails_when_two_checklists_rate_one_practice_differently(tmp_path: Path) -> None:
    def write(name: str, priority: str) -> Path:
        path = tmp_path / f"{name}.toml"
        path.write_text(
            f'[checklist]\nid = "{name}"\ntitle = "t"\nversion = "1"\ndescription = "d"\n'
            'source = ["s"]\n\n[[sections]]\nid = "s"\ntitle = "S"\n\n[[sections.items]]\n'
            f'id = "{name}.pool"\ntitle = "t"\nwhy = "w"\nverify = "v"\nremediation = "r"\n'
            f'priority = "{priority}"\npractice = "db.pool-limits"\nsource = "s"\n'
        )
        return path

    a, b = write("team-a", "P0"), write("team-b", "P1")
    outcomes = lint_files([a, b], None)
    assert isinstance(outcomes[a], list) and isinstance(outcomes[b], list)
    assert "team-a.pool is P0 but team-b.pool in team-b" in outcomes[a][0]
    assert "same practice db.pool-limits" in outcomes[a][0]
    assert cli.main(["lint-checklist", str(a), str(b)]) == 1


@pytest.mark.parametrize("checklist", _checklists(), ids=lambda c: c.id)
def test_every_item_says_how_to_check_it(checklist: Checklist) -> None:
    for item in checklist.items():
        assert len(item.verify.split()) >= 8, f"{item.id}: verify is too thin to check"


def _all_done(checklist: Checklist, skip_tag: str = "") -> dict[str, Answer]:
    answers = {}
    for item in checklist.items():
        if skip_tag and skip_tag in item.tags:
            continue
        score = 2 if item.kind is ItemKind.SCORE else None
        answers[item.id] = Answer(item.id, State.DONE, score=score)
    return answers


@pytest.mark.parametrize("checklist", _checklists(), ids=lambda c: c.id)
def test_every_profile_can_pass_and_launch_gates_before_the_launch(checklist: Checklist) -> None:
    for profile in checklist.profiles:
        after_launch = any(POST_DEPLOY in checklist.item(i).tags for i in profile.items)
        # Before the launch, nothing tagged post-deploy can be done yet.
        answers = _all_done(checklist, skip_tag="" if after_launch else POST_DEPLOY)
        result = assess(checklist, answers, {}, paths=(), go_imports=(), profile=profile.id)
        gate = next(g for g in result.summary.gates if g.profile == profile.id)
        assert gate.passed, f"{checklist.id}/{profile.id} cannot pass: {gate.failing}"
        if profile.rule is PassRule.NO_OPEN_P0 or profile.id in ("p0", "pre-deploy"):
            assert not after_launch, f"{profile.id} gates a launch but holds post-deploy items"


def test_delivery_gates_split_before_and_after_the_deploy() -> None:
    checklist = _library().get("delivery-lifecycle")
    pre, post = checklist.profile("pre-deploy"), checklist.profile("post-deploy")
    assert "after-deploy.watch-logs" in post.items
    assert not any(POST_DEPLOY in checklist.item(i).tags for i in pre.items)
    blockers = checklist.profile("launch-blockers").items
    p0 = {i.id for i in checklist.items() if i.priority is Priority.P0}
    assert set(blockers) == {i for i in p0 if POST_DEPLOY not in checklist.item(i).tags}


def test_the_go_engineering_p0_gate_holds_every_p0_item() -> None:
    checklist = _library().get("go-engineering")
    p0 = {i.id for i in checklist.items() if i.priority is Priority.P0}
    assert set(checklist.profile("p0").items) == p0
    for item_id in (
        "runtime.server-timeouts",
        "runtime.input-validation",
        "database.parameterized-queries",
        "security.auth-tokens",
        "security.no-hardcoded-secrets",
    ):
        assert item_id in p0


def test_go_production_asks_about_ci() -> None:
    ids = {i.id for i in _library().get("go-production").items()}
    assert {"ci.tests", "ci.race", "ci.lint", "ci.govulncheck"} <= ids


def test_quality_dimensions_are_disjoint_and_take_no_health_ratings() -> None:
    checklist = _library().get("go-engineering")
    quality = next(s for s in checklist.scoring if s.id == "quality")
    members = [i for dim in quality.dimensions for i in dim.items]
    assert len(members) == len(set(members))
    assert all(checklist.item(i).kind is ItemKind.CHECK for i in members)


def test_go_deploy_basics_is_the_deploy_basics_profile_of_go_production() -> None:
    library = _library()
    basics, production = library.get("go-deploy-basics"), library.get("go-production")
    assert basics.extends == "go-production" and basics.narrowed_to == "deploy-basics"
    assert [i.id for i in basics.items()] == list(production.profile("deploy-basics").items)
    assert [p.id for p in basics.profiles] == ["p0"]


@pytest.mark.parametrize("old", sorted(BASICS_IDS))
def test_go_deploy_basics_former_ids_resolve(old: str) -> None:
    library = _library()
    for checklist_id in ("go-deploy-basics", "go-production"):
        assert library.get(checklist_id).item(old).id == BASICS_IDS[old]


def test_a_draft_written_with_former_ids_still_counts(make_repo, capsys) -> None:
    repo = make_repo({"go.mod": "module example.com/x\n\ngo 1.24\n"})
    draft = Draft.new("go-deploy-basics", "unreleased")
    answers = {
        "startup.fail-fast": Answer("startup.fail-fast", State.DONE),
        "code.cors": Answer("code.cors", State.NA, reason="no browser clients"),
        "http.tls": Answer("http.tls", State.DONE),
        "deploy.tls": Answer("deploy.tls", State.NA, reason="older answer"),
    }
    DraftStore(repo).save(replace(draft, answers=answers))
    checklist = _library().get("go-deploy-basics")
    loaded = DraftStore(repo).load("go-deploy-basics", "unreleased")
    assert loaded is not None
    current = with_current_ids(loaded, checklist).answers
    assert current["config.fail-fast"].state is State.DONE
    assert current["http.cors"].item_id == "http.cors"
    assert current["http.tls"].state is State.DONE  # the current id wins over an alias
    assert "deploy.tls" not in current and "startup.fail-fast" not in current

    args = ["status", "-C", str(repo), "--checklist", "go-deploy-basics", "--no-scan"]
    assert cli.main([*args, "--release", "unreleased", "--format", "json"]) == 0
    states = {i["id"]: i["state"] for i in json.loads(capsys.readouterr().out)["items"]}
    assert states["config.fail-fast"] == "done" and states["http.cors"] == "na"


def test_show_says_go_deploy_basics_is_a_profile_of_go_production(make_repo, capsys) -> None:
    repo = make_repo({"go.mod": "module example.com/x\n"})
    assert cli.main(["show", "-C", str(repo), "go-deploy-basics"]) == 0
    out = capsys.readouterr().out
    assert "The deploy-basics profile of go-production." in out
    assert "config.fail-fast" in out and "ops.runbook" not in out
