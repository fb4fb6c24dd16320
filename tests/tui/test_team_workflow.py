"""The README's team workflow end to end, through the real walker and the real commands: walk
with a pair, sign, cosign by the pair, commit, tag; then the next release with one evidence
file changed. At every step the walker's header, `status`, the record, `history`, `gate` and
the exports agree on release, profile, counts and participants (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from golive_tui.cli import main
from golive_tui.commands.walk import build_deps
from golive_tui.core.model import State
from golive_tui.core.record.model import Record
from golive_tui.core.record.store import load_record
from golive_tui.core.workflows import Session
from golive_tui.tui.app import GoliveApp
from golive_tui.tui.screens.walker import WalkerScreen
from golive_tui.tui.widgets.summary_bar import SummaryBar
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import allow, ssh_keygen, use_ssh_key

ADA = "Ada Tester <ada@example.com>"
GRACE = "Grace Hopper <grace@example.com>"

CHECKLIST = """\
[checklist]
id = "team"
title = "Team"
version = "1"
description = "Three items: one detected, one watched, one outside the profile."
source = ["tests"]
default_profile = "launch"

[[sections]]
id = "ops"
title = "Operations"

[[sections.items]]
id = "shutdown.sigterm"
title = "Handle SIGTERM"
why = "Pods get SIGTERM."
verify = "Send SIGTERM."
remediation = "signal.NotifyContext"
priority = "P0"
source = "tests"
detect = { any = ["go.signal.sigterm"] }

[[sections.items]]
id = "ops.runbook"
title = "Write a runbook"
why = "On-call needs it."
verify = "Read it."
remediation = "Write it."
priority = "P1"
source = "tests"
watch = ["docs/*.md"]

[[sections.items]]
id = "ops.oncall"
title = "Staff an on-call rota"
why = "Someone answers the page."
verify = "Read the rota."
remediation = "Set one up."
priority = "P2"
source = "tests"

[[profiles]]
id = "launch"
title = "Launch"
items = ["shutdown.sigterm", "ops.runbook"]
"""

MAIN_GO = """\
package main

import (
\t"context"
\t"os/signal"
\t"syscall"
)

func main() {
\tctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
\tdefer stop()
\t<-ctx.Done()
}
"""


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def as_person(root: Path, name: str, email: str, key: Path) -> None:
    git(root, "config", "user.name", name)
    git(root, "config", "user.email", email)
    git(root, "config", "user.signingkey", str(key))


async def walk(session: Session, pair: tuple[str, ...] = (), answer: str = "") -> dict[str, Any]:
    """Open the real walker (real scan, real saver), answer `answer` with space, and return
    what it shows: header, counts, gate."""
    app = GoliveApp(build_deps(session, pair))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        walker = app.screen
        assert isinstance(walker, WalkerScreen)
        if answer:
            assert walker.items.select_id(answer)
            await pilot.pause()
            await pilot.press("space")
            await pilot.pause()
        facts = walker.query_one(SummaryBar)._facts
        assert facts is not None and facts.gate is not None
        return {
            "header": walker.headline(),
            "shown": str(walker.query_one("#walk-header").render()),
            "done": facts.done,
            "total": facts.total,
            "gate": facts.gate,
            "read_only": walker.read_only,
            "states": {v.item.id: v.state for v in walker.assessment.items},
            "by": {k: a.by for k, a in walker.draft.answers.items()},
        }


def status(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, _err = cli(capsys, "status", "--format", "json")
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    return data


def agree(walker: dict[str, Any], state: dict[str, Any], record: Record | None = None) -> None:
    """The walker and `status` (and the record, once there is one) say the same thing."""
    assert walker["header"] == state["headline"]
    assert walker["shown"] == walker["header"]  # what is on screen is that line, whole
    assert (walker["done"], walker["total"]) == (
        state["summary"]["done"],
        state["summary"]["total"],
    )
    assert walker["gate"] == (state["gate"]["profile"], state["gate"]["passed"])
    if record is not None:
        assert record.profile == state["profile"] == walker["gate"][0]
        assert (record.summary.done, record.summary.total) == (walker["done"], walker["total"])
        launch = record.gate(record.profile)
        assert launch is not None and launch.passed == walker["gate"][1]


async def test_team_workflow_agrees_at_every_step(
    make_repo: RepoFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_repo(
        {
            "go.mod": "module example.com/svc\n\ngo 1.22\n",
            "cmd/api/main.go": MAIN_GO,
            "docs/runbook.md": "# Runbook\n",
            ".golive/checklists/team.toml": CHECKLIST,
            ".golive/config.toml": 'checklist = "team"\n',  # no profile: the checklist's default
        },
        name="svc",
    )
    ada, grace = ssh_keygen(tmp_path, "ada"), ssh_keygen(tmp_path, "grace")
    use_ssh_key(root, ada)
    allow(root, grace, "grace@example.com", commit=True)
    monkeypatch.chdir(root)

    # 1. Walk with a pair: the gate shown is the checklist's default profile, both names shown.
    session = Session.open(str(root))
    assert (session.release, session.profile) == ("unreleased", "launch")
    first = await walk(session, (GRACE,), answer="ops.runbook")
    assert first["header"] == f"release unreleased · gate launch · with {ADA}, {GRACE}"
    assert first["states"]["ops.runbook"] is State.DONE
    assert first["by"]["ops.runbook"] == ADA  # each answer says who gave it
    assert first["gate"] == ("launch", True)
    now = status(capsys)
    assert now["participants"] == [ADA, GRACE]
    agree(first, now)
    # the shell answers the same draft with the same rules (outside the profile: gate unchanged)
    assert cli(capsys, "mark", "ops.oncall", "done", "--note", "rota in pager")[0] == 0
    now = status(capsys)
    agree(first, now)

    # 2. Sign, naming the release; the pair is told what to run next.
    code, _out, err = cli(capsys, "sign", "--release", "v1.0.0", "--commit")
    assert code == 0, err
    assert f"next for {GRACE}: `golive cosign v1.0.0 --role pair --commit`" in err
    record = load_record(root / ".golive/records/v1.0.0.toml")
    assert record.participants == (ADA, GRACE)
    assert record.item("ops.runbook").by == ADA
    agree(first, now, record)

    # 3. The pair cosigns with their own key and commits; the release is tagged.
    as_person(root, "Grace Hopper", "grace@example.com", grace)
    code, _out, err = cli(capsys, "cosign", "v1.0.0", "--role", "pair", "--commit")
    assert code == 0, err
    as_person(root, "Ada Tester", "ada@example.com", ada)
    git(root, "tag", "v1.0.0")
    # the walker's own save of a later walk leaves a stale, untracked `unreleased` record
    assert cli(capsys, "sign", "--release", "unreleased")[0] == 0

    # 4. The signed, tagged release opens as its record: read-only, signers named, same counts.
    signed = Session.open(str(root))
    assert (signed.release, signed.read_only, signed.profile) == ("v1.0.0", True, "launch")
    shown = await walk(signed, answer="ops.runbook")  # space is refused: read-only
    assert shown["read_only"] and shown["states"]["ops.runbook"] is State.DONE
    assert f"signed, read-only: {ADA}, {GRACE}" in shown["header"]
    code, _out, err = cli(capsys, "mark", "ops.oncall", "todo")
    assert code == 2 and "read-only: `golive mark --amend` changes it" in err
    now = status(capsys)
    assert now["signed"]["read_only"] and [s["role"] for s in now["signed"]["signatures"]] == [
        "author",
        "pair",
    ]
    record = load_record(root / ".golive/records/v1.0.0.toml")
    agree(shown, now, record)
    code, out, _err = cli(capsys, "gate", "--format", "json")
    gate = json.loads(out)
    assert code == 0 and gate["passed"] and gate["profile"] == "launch"
    code, out, _err = cli(capsys, "history", "--format", "json")
    rows = {r["release"]: r for r in json.loads(out)}
    assert rows["v1.0.0"]["gate"] == "launch pass"
    assert [s.split(" (")[0] for s in rows["v1.0.0"]["signers"]] == [ADA, GRACE]
    scope = (
        f"profile launch: {record.summary.done}/{record.summary.total} done · "
        f"{record.summary.remaining} open; whole checklist: "
    )
    for command in (("export", "v1.0.0"), ("gate",)):
        code, out, _err = cli(capsys, *command, "--format", "markdown")
        assert code == 0 and scope in out

    # 5. The next release: one evidence file changes; the walk continues from v1.0.0 (never the
    #    stale `unreleased` record) and re-asks only the runbook.
    (root / "docs/runbook.md").write_text("# Runbook\n\nPaging: see rota.\n")
    git(root, "commit", "-qam", "runbook: paging")
    nxt = Session.open(str(root))
    assert (nxt.release, nxt.read_only) == ("unreleased", False)
    second = await walk(nxt, (GRACE,))
    assert second["header"] == (
        f"release unreleased · gate launch · with {ADA}, {GRACE} · continues from v1.0.0"
    )
    assert second["states"]["ops.runbook"] is State.TODO  # re-asked: its watched file changed
    assert second["gate"] == ("launch", False)
    now = status(capsys)
    assert now["carry"]["base"] == "v1.0.0" and now["carry"]["reasked_items"] == {
        "ops.runbook": now["carry"]["reasked_items"]["ops.runbook"]
    }
    agree(second, now)
    second = await walk(Session.open(str(root)), answer="ops.runbook")
    code, _out, err = cli(capsys, "sign", "--release", "v1.1.0", "--commit")
    assert code == 0, err
    as_person(root, "Grace Hopper", "grace@example.com", grace)
    assert cli(capsys, "cosign", "v1.1.0", "--role", "pair", "--commit")[0] == 0
    as_person(root, "Ada Tester", "ada@example.com", ada)
    git(root, "tag", "v1.1.0")
    after = Session.open(str(root))
    shown = await walk(after)
    record = load_record(root / ".golive/records/v1.1.0.toml")
    agree(shown, status(capsys), record)
    assert "continues from v1.0.0" in shown["header"]
    code, out, _err = cli(capsys, "gate", "--format", "json")
    assert code == 0 and json.loads(out)["profile"] == "launch"
    code, out, _err = cli(capsys, "diff", "v1.0.0", "v1.1.0")
    lines = out.splitlines()
    assert code == 0 and lines, out
    assert all("-> done (carried)" not in line for line in lines)  # summarised, never listed
