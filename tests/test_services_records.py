"""One walk, one record, one gate per service: a two-service repository declared in
.golive/config.toml, per-service drafts, records, tags, carry-forward and gate; a single-service
repository keeping today's paths; hostile service names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from golive_tui.cli import main
from golive_tui.core.draft import Draft, DraftStore
from golive_tui.core.errors import GoliveError
from golive_tui.core.git.release import release_order, release_tags, resolve_release
from golive_tui.core.model import Answer, Source, State
from golive_tui.core.record.canonical import canonical_payload
from golive_tui.core.record.carry import find_base
from golive_tui.core.record.codec import dumps, loads
from golive_tui.core.record.store import list_records, load_record, record_path
from golive_tui.core.record.verify import verify_record
from golive_tui.core.services.choice import (
    ServiceChoiceError,
    all_scopes,
    last_service,
    remember_service,
    require_scope,
)
from golive_tui.core.services.names import ServiceNameError, check_service_name, is_service_name
from golive_tui.core.workflows import Session
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import allow, signed_repo, ssh_keygen
from tests.test_cli_records import CHECKLIST, MAIN_GO, PLAIN_GO
from tests.values import replace

TWO_SERVICES = """\
checklist = "tiny"
profile = "launch"

[services.orders]
main = "cmd/orders"

[services.payments]
main = "cmd/payments"
"""

RUNBOOK_DONE = Answer(
    "ops.runbook", State.DONE, Source.MANUAL, note="wiki", by="Ada", at="2026-01-01"
)


def cli(*args: str) -> int:
    return main(list(args))


@pytest.fixture
def mono(make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two services sharing a package; only orders' runbook is answered."""
    repo = signed_repo(
        make_repo,
        tmp_path,
        {
            "go.mod": "module example.com/shop\n\ngo 1.22\n",
            "cmd/orders/main.go": MAIN_GO,
            "cmd/payments/main.go": PLAIN_GO,
            "internal/money/money.go": "package money\n",
            "docs/runbook.md": "# Runbook\n",
            ".golive/checklists/tiny.toml": CHECKLIST,
            ".golive/config.toml": TWO_SERVICES,
        },
        "shop",
    )
    monkeypatch.chdir(repo)
    return repo


def answer(repo: Path, service: str, release: str, *answers: Answer) -> None:
    draft = Draft.new("tiny", release, profile="launch", participants=("Ada <ada@example.com>",))
    DraftStore(repo, service).save(replace(draft, answers={a.item_id: a for a in answers}))


def test_each_service_has_its_own_draft_record_and_gate(
    mono: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(mono, "orders", "v1.0.0", RUNBOOK_DONE)
    assert cli("sign", "--service", "orders") == 0
    assert cli("sign", "--service", "payments") == 0
    capsys.readouterr()
    orders = mono / ".golive/records/orders/v1.0.0.toml"
    payments = mono / ".golive/records/payments/v1.0.0.toml"
    assert list_records(mono, "orders") == [orders]
    assert list_records(mono, "payments") == [payments]
    assert not (mono / ".golive/records/v1.0.0.toml").exists()
    assert load_record(orders).service == "orders"
    assert load_record(orders).item("ops.runbook").state == "done"
    # payments' draft is its own: orders' answer did not leak into it
    assert load_record(payments).item("ops.runbook").state == "todo"
    assert DraftStore(mono, "orders").load("tiny", "v1.0.0") is not None
    assert DraftStore(mono, "payments").load("tiny", "v1.0.0") is None

    # Without --service the gate gates every service and names the one that failed.
    assert cli("gate") == 1
    out = capsys.readouterr().out
    assert "gate PASS: service orders, release v1.0.0" in out
    assert "gate FAIL: service payments, release v1.0.0" in out
    assert "1 of 2 services failed: payments" in out
    assert cli("gate", "--service", "orders") == 0
    assert cli("gate", "--service", "payments") == 1
    capsys.readouterr()
    assert cli("gate", "--format", "json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False and data["failed"] == ["payments"]
    assert [s["service"] for s in data["services"]] == ["orders", "payments"]
    assert cli("gate", "--format", "markdown") == 1
    captured = capsys.readouterr()
    assert "Readiness gate failed: 1 of 2 services (payments)" in captured.out
    assert "payments" in captured.err

    # verify (each service's current release), verify --all and history cover every service.
    assert cli("verify") == 0
    assert capsys.readouterr().out.count(": good: author signature") == 2
    assert cli("verify", "--service", "payments") == 0
    assert "orders" not in capsys.readouterr().out
    assert cli("verify", "--all") == 0
    out = capsys.readouterr().out
    assert ".golive/records/orders/v1.0.0.toml: good" in out
    assert ".golive/records/payments/v1.0.0.toml: good" in out
    assert cli("history", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["service"], r["release"]) for r in rows] == [
        ("orders", "v1.0.0"),
        ("payments", "v1.0.0"),
    ]
    assert cli("history") == 0
    assert "orders/v1.0.0" in capsys.readouterr().out
    # SERVICE/RELEASE names a record without --service.
    assert cli("export", "orders/v1.0.0", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["service"] == "orders"
    assert cli("export", "--service", "payments", "v1.0.0") == 0
    assert capsys.readouterr().out.startswith("# Readiness record: v1.0.0 of service payments")
    assert cli("export", "orders/v1.0.0", "--format", "sarif") == 0
    assert json.loads(capsys.readouterr().out)["runs"][0]["properties"]["service"] == "orders"
    assert cli("diff", "orders/v1.0.0", "payments/v1.0.0") == 0
    assert "ops.runbook" in capsys.readouterr().out


def test_the_gate_of_every_service_resolves_who_may_sign_once(
    mono: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Who may sign is the repository's: one trust root for every service's gate, the same
    verdicts as gating each service alone."""
    from golive_tui.core.record import signing

    answer(mono, "orders", "v1.0.0", RUNBOOK_DONE)
    assert cli("sign", "--service", "orders") == 0
    assert cli("sign", "--service", "payments") == 0
    alone = [cli("gate", "--service", s, "--format", "json") for s in ("orders", "payments")]
    capsys.readouterr()
    resolved: list[object] = []
    real = signing.resolve_trust

    def counting(*args: Any, **kwargs: Any) -> Any:
        resolved.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(signing, "resolve_trust", counting)
    assert cli("gate", "--format", "json") == 1
    data = json.loads(capsys.readouterr().out)
    assert len(resolved) == 1
    assert [s["passed"] for s in data["services"]] == [code == 0 for code in alone] == [True, False]
    assert data["services"][0]["trust"] == data["services"][1]["trust"]


def test_one_service_of_several_must_be_named(
    mono: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["sign"], ["status", "--no-scan"], ["mark", "ops.runbook", "done"]):
        assert cli(*command) == 2
        err = capsys.readouterr().err
        assert "2 services (orders, payments)" in err
        assert "--service orders" in err
    assert cli("status", "--no-scan", "--service", "nope") == 2
    assert "no such service (known: orders, payments)" in capsys.readouterr().err
    assert cli("export", "v1.0.0") == 2  # which service's v1.0.0?
    assert "--service" in capsys.readouterr().err


def test_mark_and_status_per_service(mono: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("mark", "--service", "payments", "--no-scan", "ops.runbook", "done") == 0
    capsys.readouterr()
    assert DraftStore(mono, "payments").load("tiny", "v1.0.0") is not None
    assert DraftStore(mono, "orders").load("tiny", "v1.0.0") is None
    assert DraftStore(mono).load("tiny", "v1.0.0") is None
    assert cli("status", "--service", "payments", "--no-scan", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["service"] == "payments"
    assert "/drafts/payments/" in data["draft"]
    assert cli("status", "--service", "orders", "--no-scan") == 0
    assert capsys.readouterr().out.startswith("service orders · Tiny")


def test_service_tags_release_order_and_carry_forward(
    mono: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(mono, "orders", "v1.0.0", RUNBOOK_DONE)
    assert cli("sign", "--service", "orders") == 0  # payments has no record yet
    git(mono, "add", "-A")
    git(mono, "commit", "-qm", "records")
    git(mono, "tag", "orders/v1.10.0")
    git(mono, "tag", "payments/v2.0.0-rc1")
    git(mono, "tag", "v1.9.0")  # shared: below orders' own v1.10.0
    assert resolve_release(mono, None, "orders") == "v1.10.0"  # its own tag first
    assert resolve_release(mono, None, "payments") == "v2.0.0-rc1"
    assert resolve_release(mono, "orders/v1.10.0", "orders") == "v1.10.0"
    assert resolve_release(mono) == "v1.9.0"  # the repository as a whole: shared tags only
    tags = release_tags(mono, "orders")
    assert {"v1.0.0", "v1.9.0", "v1.10.0"} <= tags and "v2.0.0-rc1" not in tags
    assert release_order("v1.10.0", "", tags) > release_order("v1.9.0", "", tags)
    # Carry-forward continues from the same service's record, never another's.
    base, _notes = find_base(mono, "v1.10.0", service="orders")
    assert base is not None
    assert base.path == mono / ".golive/records/orders/v1.0.0.toml"
    assert base.record.service == "orders"
    assert find_base(mono, "v2.0.0-rc1", service="payments")[0] is None  # not orders' record
    capsys.readouterr()
    assert cli("status", "--service", "orders", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["release"] == "v1.10.0"
    assert data["carry"]["base"] == "v1.0.0"  # continued from orders' v1.0.0
    assert data["carry"]["base_record"].endswith(".golive/records/orders/v1.0.0.toml")
    assert "ops.runbook" in data["carry"]["carried_items"]
    assert cli("status", "--service", "payments", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out).get("carry") is None
    # The walk's answers carry into orders' next record, and --since-record compares the two.
    assert cli("mark", "--service", "orders", "shutdown.sigterm", "done") == 0
    assert cli("sign", "--service", "orders") == 0
    assert load_record(record_path(mono, "v1.10.0", "orders")).item("ops.runbook").state == "done"
    capsys.readouterr()
    assert cli("gate", "--service", "orders", "--since-record", "--format", "json") == 0
    info = json.loads(capsys.readouterr().out)["info"]
    assert any("re-asked since v1.0.0" in line for line in info)


def test_a_service_signed_release_is_read_only_and_a_base_only_once_committed(
    mono: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(mono, "orders", "v1.0.0", RUNBOOK_DONE)
    assert cli("sign", "--service", "orders") == 0
    # The signed record is orders' alone: its release opens read-only, payments' does not.
    orders = Session.open(str(mono), service="orders")
    assert orders.signed is not None and orders.read_only
    assert orders.signed.path == record_path(mono, "v1.0.0", "orders")
    assert orders.headline().startswith("service orders · release v1.0.0 · signed, read-only")
    payments = Session.open(str(mono), service="payments")
    assert payments.signed is None and not payments.read_only
    assert Session.open(str(mono), service="orders", amend=True).read_only is False
    capsys.readouterr()
    assert cli("mark", "--service", "orders", "ops.runbook", "todo") != 0
    assert "read-only" in capsys.readouterr().err
    assert cli("status", "--service", "orders", "--no-scan", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["service"] == "orders" and data["signed"]["read_only"] is True
    assert data["signed"]["record"] == ".golive/records/orders/v1.0.0.toml"
    # A record only on disk is never a base: the next release of orders starts afresh...
    git(mono, "tag", "orders/v1.1.0")
    base, notes = find_base(mono, "v1.1.0", service="orders")
    assert base is None
    assert any("v1.0.0.toml: not a base: not committed" in n for n in notes)
    # ...until it is committed under orders' own folder.
    git(mono, "add", "-A")
    git(mono, "commit", "-qm", "orders record")
    base, _notes = find_base(mono, "v1.1.0", service="orders")
    assert base is not None and base.path == record_path(mono, "v1.0.0", "orders")
    assert find_base(mono, "v1.1.0", service="payments")[0] is None


def test_the_walker_saver_signs_the_reviewed_draft_into_its_service(mono: Path) -> None:
    from golive_tui.commands.walk import record_saver
    from golive_tui.core.reviewed import TreeChangedError

    answer(mono, "orders", "v1.0.0", RUNBOOK_DONE)
    session = Session.open(str(mono), service="orders")
    draft = session.load_draft()
    assert draft is not None
    report = session.scan()
    save = record_saver(session)
    (mono / "internal/money/money.go").write_text("package money\n\nvar Rate = 1\n")
    with pytest.raises(TreeChangedError, match=r"internal/money/money\.go"):
        save(draft, report, session.assess(draft, report))
    assert list_records(mono, "orders") == []
    report = session.scan()  # rescanned: what is signed is what was reviewed again
    message = save(draft, report, session.assess(draft, report))
    assert ".golive/records/orders/v1.0.0.toml" in message
    record = load_record(record_path(mono, "v1.0.0", "orders"))
    assert record.service == "orders" and record.item("ops.runbook").state == "done"
    assert list_records(mono, "payments") == [] and list_records(mono) == []


def test_a_service_release_names_its_service(
    mono: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(mono, "orders", "v1.2.0", RUNBOOK_DONE)
    assert cli("sign", "--release", "orders/v1.2.0") == 0
    assert load_record(record_path(mono, "v1.2.0", "orders")).item("ops.runbook").state == "done"
    capsys.readouterr()
    assert cli("gate", "--release", "orders/v1.2.0") == 0  # orders only: payments not gated
    assert "payments" not in capsys.readouterr().out
    assert cli("sign", "--release", "shipping/v1.2.0") == 2  # not a service: which one, then?
    assert "2 services (orders, payments)" in capsys.readouterr().err


def test_cosign_a_service_record(
    mono: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("sign", "--service", "orders") == 0
    reviewer = ssh_keygen(tmp_path, "reviewer")
    git(mono, "config", "user.signingkey", str(reviewer))
    allow(mono, reviewer, "rev@example.com", commit=True)
    assert cli("cosign", "v1.0.0") == 2  # which service's v1.0.0?
    assert cli("cosign", "--service", "orders", "v1.0.0") == 0
    capsys.readouterr()
    assert cli("verify", "orders/v1.0.0") == 0
    out = capsys.readouterr().out
    assert "reviewer signature by rev@example.com" in out
    assert len(load_record(record_path(mono, "v1.0.0", "orders")).signatures) == 2


def test_a_record_refiled_under_another_service_does_not_verify(mono: Path) -> None:
    assert cli("sign", "--service", "orders") == 0
    orders = record_path(mono, "v1.0.0", "orders")
    moved = record_path(mono, "v1.0.0", "payments")
    moved.parent.mkdir(parents=True)
    orders.rename(moved)
    check = verify_record(load_record(moved), mono, moved)
    assert not check.ok
    assert "about service 'orders' but is filed under service 'payments'" in check.problems[0]
    # The service is signed: rewriting it breaks the signature.
    forged = replace(load_record(moved), service="payments")
    moved.write_text(dumps(forged))
    check = verify_record(load_record(moved), mono, moved)
    assert not check.problems and not check.ok


def test_single_service_repository_keeps_todays_paths(
    make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = signed_repo(
        make_repo,
        tmp_path,
        {
            "go.mod": "module example.com/svc\n\ngo 1.22\n",
            "cmd/api/main.go": MAIN_GO,
            "docs/runbook.md": "# Runbook\n",
            ".golive/checklists/tiny.toml": CHECKLIST,
            ".golive/config.toml": 'checklist = "tiny"\nprofile = "launch"\n',
        },
        "svc",
    )
    monkeypatch.chdir(repo)
    answer(repo, "", "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    path = repo / ".golive/records/v1.0.0.toml"
    record = load_record(path)
    assert record.service == ""
    assert "service" not in path.read_text()
    assert b'"service"' not in canonical_payload(record)
    assert all_scopes(repo) == ("",)
    # Declaring its one service changes nothing: same paths, the old record still verifies.
    (repo / ".golive/config.toml").write_text(
        'checklist = "tiny"\nprofile = "launch"\n[services.api]\nmain = "cmd/api"\n'
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "declare the service")
    assert require_scope(repo, "api", command="gate") == ""
    assert cli("gate", "--release", "v1.0.0") == 0
    assert cli("gate", "--service", "api", "--release", "v1.0.0") == 0
    assert cli("verify", "--all") == 0
    assert cli("gate", "--service", "web") == 2


def test_record_service_field_round_trips_and_old_records_keep_their_bytes(
    mono: Path,
) -> None:
    assert cli("sign", "--service", "orders", "--no-sign") == 0
    record = load_record(record_path(mono, "v1.0.0", "orders"))
    text = dumps(record)
    assert 'service = "orders"' in text
    assert loads(text).service == "orders"
    whole = replace(record, service="")
    assert "service" not in dumps(whole)
    assert b'"service"' not in canonical_payload(whole)
    with pytest.raises(GoliveError, match="service"):
        loads(text.replace('service = "orders"', 'service = "../orders"'))


@pytest.mark.parametrize(
    "name",
    ["..", "../x", "a/b", "", ".hidden", "A", "x\x1b[31m", "tab\there", "x" * 65, "a.toml", "é"],
)
def test_hostile_service_names_are_refused(name: str) -> None:
    assert not is_service_name(name)
    with pytest.raises(ServiceNameError) as info:
        check_service_name(name, "--service")
    assert "\x1b" not in str(info.value)


def test_hostile_service_names_in_config_and_on_the_command_line(
    make_repo: RepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        {
            "cmd/a/main.go": PLAIN_GO,
            ".golive/config.toml": '[services."../../evil"]\nmain = "cmd/a"\n',
        }
    )
    assert cli("gate", "-C", str(repo)) == 2
    err = capsys.readouterr().err
    assert "services.../../evil" in err and "service name" in err
    (repo / ".golive/config.toml").write_text(
        '[services.a]\nmain = "cmd/a"\n[services.b]\nmain = "cmd/b"\n'
    )
    assert cli("status", "-C", str(repo), "--no-scan", "--service", "../a") == 2
    assert cli("status", "-C", str(repo), "--no-scan", "--service", "a\x1b]0;x\x07") == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    with pytest.raises(ServiceNameError):
        DraftStore(repo, "../a")
    with pytest.raises(ServiceNameError):
        record_path(repo, "v1", "a/../../b")
    assert not (tmp_path / "evil").exists()


def test_the_last_service_walked_is_kept_out_of_the_tree(mono: Path) -> None:
    assert last_service(mono) == ""
    remember_service(mono, "payments")
    assert last_service(mono) == "payments"
    assert git(mono, "status", "--porcelain") == ""
    state = Path(git(mono, "rev-parse", "--path-format=absolute", "--git-common-dir"))
    (state / "golive" / "service").write_text("../../etc\n")
    assert last_service(mono) == ""  # a tampered choice is ignored, never a path
    with pytest.raises(ServiceChoiceError):
        require_scope(mono, None, command="walk")


def test_walk_asks_which_service_and_remembers_it(
    mono: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from golive_tui.commands import walk

    assert cli("walk") == 2  # no terminal: it cannot ask
    assert "needs a terminal" in capsys.readouterr().err
    asked: list[tuple[str, ...]] = []
    opened: list[str] = []

    def pick(root: Path, smap: object) -> str:
        asked.append(tuple(s.name for s in smap.services))  # type: ignore[attr-defined]
        return "payments"

    def open_walker(session: Session, pair: tuple[str, ...] = (), scan: object = None) -> int:
        opened.append(session.service)
        return 0

    monkeypatch.setattr(walk, "_on_terminal", lambda: True)
    monkeypatch.setattr(walk, "pick_service", pick)
    monkeypatch.setattr(walk, "open_walker", open_walker)
    assert cli("walk") == 0
    assert asked == [("orders", "payments")] and opened == ["payments"]
    assert last_service(mono) == "payments"
    assert cli("walk", "--service", "orders") == 0  # named: not asked
    assert asked == [("orders", "payments")] and opened == ["payments", "orders"]
    assert last_service(mono) == "orders"


def test_a_service_records_folder_leading_outside_is_refused(
    mono: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    assert cli("sign", "--service", "payments") == 0
    (mono / ".golive/records/payments/v1.0.0.toml").rename(outside / "v1.0.0.toml")
    (mono / ".golive/records/payments").rmdir()
    (mono / ".golive/records/payments").symlink_to(outside)
    capsys.readouterr()
    assert cli("verify", "--all") == 1
    assert "symlink leading outside" in capsys.readouterr().out
    before = (outside / "v1.0.0.toml").read_bytes()
    assert cli("sign", "--service", "payments", "--no-sign") == 1
    assert "refused" in capsys.readouterr().err
    assert (outside / "v1.0.0.toml").read_bytes() == before
    assert sorted(p.name for p in outside.iterdir()) == ["v1.0.0.toml"]


def test_each_service_is_judged_on_the_code_it_ships(
    mono: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """orders handles SIGTERM in its main package; payments does not: the evidence of one
    service's code never ticks the other's item (status and the signed record alike)."""

    def sigterm(service: str) -> dict[str, object]:
        assert cli("status", "-C", str(mono), "--service", service, "--format", "json") == 0
        data = json.loads(capsys.readouterr().out)
        (item,) = [i for i in data["items"] if i["id"] == "shutdown.sigterm"]
        return dict(item)

    assert sigterm("orders")["state"] == "detected"
    assert sigterm("payments")["state"] != "detected"
    from golive_tui.core.workflows import save_record

    saved = save_record(mono, "tiny", "v1.0.0", sign=False, service="payments")
    record = load_record(saved.path)
    assert record.service == "payments"
    assert record.item("shutdown.sigterm").state != "detected"
    assert not record.item("shutdown.sigterm").evidence  # orders' main.go is not payments' code


def test_a_command_finds_the_services_once_and_the_next_command_afresh(
    mono: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`status --service NAME` checks the name and scopes the scan from one discovery; the next
    command discovers again, so a service added between the two is seen."""
    from golive_tui.core.services import choice, once
    from golive_tui.core.services import found as found_mod

    found: list[Path] = []
    real = found_mod.services_found

    def counting(root: Path, **kwargs: Any) -> Any:
        found.append(Path(root))
        return real(root, **kwargs)

    monkeypatch.setattr(found_mod, "services_found", counting)
    assert cli("status", "--service", "orders") == 0
    assert len(found) == 1 and once.seen is None  # the view closes with the command
    config = mono / ".golive" / "config.toml"
    config.write_text(TWO_SERVICES + '\n[services.billing]\nmain = "cmd/orders"\n')
    assert cli("status", "--service", "billing") == 0
    assert len(found) == 2
    assert "service billing" in capsys.readouterr().out
    assert "billing" in [s.name for s in choice.services_of(mono).services]
    assert len(found) == 3  # outside a command: found again each time
