"""The report memo (status, sign, the walker): a hit gives back exactly the report a scan gives,
and a finished scan travels as plain data (compact.py) without losing or changing anything."""

from __future__ import annotations

import marshal
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git
from tests.core.scan.test_memo import FILES, MAIN
from tests.core.services.test_services import MONOREPO

from golive_tui.core.model import Polarity, State, Status
from golive_tui.core.reviewed import reviewed_scan
from golive_tui.core.scan import compact, report_memo
from golive_tui.core.scan.engine import scan
from golive_tui.core.scan.report import Progress, ScanReport
from golive_tui.core.services.choice import service_for


def _hit(report: ScanReport) -> bool:
    return "memo" in dict(report.stats.timings)


def _facts(report: ScanReport) -> ScanReport:
    """The report without what differs run to run (and between a hit and a scan)."""
    stats = report.stats._replace(
        seconds=0.0, timings=(), cache_hits=0, files_read=0, parsed_go_files=0
    )
    return report._replace(stats=stats)


def _memos(root: Path, kind: str = "report") -> list[Path]:
    return sorted((root / ".git" / "golive" / "cache" / "reports").glob(f"*.{kind}"))


@pytest.fixture
def repo(make_repo: RepoFactory) -> Path:
    root = make_repo(FILES)
    assert not _hit(report_memo.memo_scan(root))  # stores the memo
    return root


def test_a_hit_is_the_report_a_scan_gives(repo: Path) -> None:
    hit = report_memo.memo_scan(repo)
    assert _hit(hit)
    assert _facts(hit) == _facts(scan(repo, use_cache=False))
    assert hit.stats.parsed_go_files == 0 and hit.stats.cache_hits > 0
    assert any(r.status is Status.FOUND for r in hit.results)  # enums, not their strings


def test_a_changed_file_is_a_miss_with_the_right_answer(repo: Path) -> None:
    (repo / "main.go").write_text(MAIN.replace("signal.Notify(c, syscall.SIGTERM)", ""))
    after = report_memo.memo_scan(repo)
    assert not _hit(after)
    assert _facts(after) == _facts(scan(repo, use_cache=False))
    again = report_memo.memo_scan(repo)
    assert _hit(again) and _facts(again) == _facts(after)  # the new answer is remembered
    git(repo, "commit", "-qam", "no signals")
    assert not _hit(report_memo.memo_scan(repo))
    assert _hit(report_memo.memo_scan(repo))


@pytest.mark.parametrize("changed_first", [False, True], ids=["clean", "changed"])
def test_a_file_edited_during_a_warm_scan(
    repo: Path, monkeypatch: pytest.MonkeyPatch, changed_first: bool
) -> None:
    """As the document memo (test_memo.py): a scan that read no clean file keeps its report
    without listing the tree again, unless a changed file's bytes moved under it; either way
    the next scan sees the tree as it is."""
    from golive_tui.core.scan import engine

    if changed_first:
        (repo / "main.go").write_text(MAIN.replace("SIGTERM", "SIGINT"))
        report_memo.memo_scan(repo)
    for found in _memos(repo):
        found.unlink()
    real = engine.prepared_scan
    listed: list[bool] = []

    def edited_meanwhile(*args: object, **kwargs: object) -> ScanReport:
        info = args[3]
        after_read = info.after_read  # type: ignore[attr-defined]

        def edit_then_list() -> None:
            (repo / "main.go").write_text(MAIN.replace("SIGTERM", "SIGHUP"))
            after_read()
            listed.append(bool(info.clean_reads))  # type: ignore[attr-defined]

        info.after_read = edit_then_list  # type: ignore[attr-defined]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "prepared_scan", edited_meanwhile)
    report_memo.memo_scan(repo)
    monkeypatch.setattr(engine, "prepared_scan", real)
    assert listed == [False]
    assert len(_memos(repo)) == (0 if changed_first else 1)
    after = report_memo.memo_scan(repo)
    assert not _hit(after)
    assert _facts(after) == _facts(scan(repo, use_cache=False))


def test_progress_is_heard_on_a_miss_only(repo: Path) -> None:
    heard: list[object] = []
    assert _hit(report_memo.memo_scan(repo, progress=heard.append))
    assert heard == []  # the report is complete at once
    (repo / "extra.go").write_text("package main\n")
    report = report_memo.memo_scan(repo, progress=heard.append)
    assert not _hit(report)
    results = [p.result for p in heard if isinstance(p, Progress) and p.result is not None]
    assert {r.id for r in results} == {r.id for r in report.results}


def test_the_document_memo_and_the_report_memo_are_apart(repo: Path) -> None:
    from golive_tui.core.scan.memo import scan_json

    scan_json(repo)
    assert len(_memos(repo)) == 1 and len(_memos(repo, "memo")) == 1
    assert _hit(report_memo.memo_scan(repo))
    assert _hit(report_memo.memo_scan(repo, service=None))


def test_report_slots_are_bounded(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from golive_tui.core.scan import memo

    monkeypatch.setattr(memo, "MAX_SLOTS", 1)
    (repo / ".golive" / "config.toml").write_text("[scan]\ninclude_vendor = true\n")
    report_memo.memo_scan(repo)  # another slot: vendor/ is read
    assert len(_memos(repo)) == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"garbage"),
        lambda p: p.write_bytes(p.read_bytes()[:-10]),
        lambda p: p.write_bytes(
            p.read_bytes()[:32] + p.read_bytes()[32:].replace(b"found", b"fouNd")
        ),
    ],
    ids=["garbage", "truncated", "report altered"],
)
def test_a_damaged_memo_is_ignored(repo: Path, damage: Callable[[Path], None]) -> None:
    (path,) = _memos(repo)
    damage(path)
    after = report_memo.memo_scan(repo)
    assert not _hit(after)
    assert _facts(after) == _facts(scan(repo, use_cache=False))


def test_a_memo_of_another_user_is_never_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    assert not _hit(report_memo.memo_scan(repo))


def test_a_service_is_another_slot(make_repo: RepoFactory) -> None:
    root = make_repo(MONOREPO)
    orders = service_for(root, "orders")
    assert orders is not None
    whole = report_memo.memo_scan(root)
    first = report_memo.memo_scan(root, service=orders)
    assert not _hit(first) and first.scope is not None
    hit = report_memo.memo_scan(root, service=orders)
    assert _hit(hit) and _hit(report_memo.memo_scan(root))
    assert _facts(hit) == _facts(scan(root, service=orders, use_cache=False))
    assert _facts(hit) != _facts(whole)


def test_status_and_sign_scan_through_the_memo(repo: Path) -> None:
    first = reviewed_scan(repo)
    again = reviewed_scan(repo)
    assert _hit(again.report)
    assert _facts(again.report) == _facts(first.report)
    assert again.state == first.state


# ---------------------------------------------------------------------- compact


def test_a_report_comes_back_exactly(make_repo: RepoFactory) -> None:
    """A report with a service scope, evidence facts and a tree state: nothing lost or changed."""
    root = make_repo(MONOREPO)
    (root / "cmd" / "orders" / "extra.go").write_text("package main\n")
    scanned = reviewed_scan(root, service="orders")
    assert scanned.report.scope is not None and scanned.state is not None
    assert scanned.state.changes
    back = compact.decode(marshal.loads(marshal.dumps(compact.encode(scanned))))
    assert back == scanned
    assert type(back.report.paths) is tuple and type(back.report.go_imports) is frozenset
    evidence = [e for r in back.report.results for e in r.evidence]
    assert evidence and all(type(e.polarity) is Polarity for e in evidence)


@pytest.mark.parametrize(
    "value",
    [(1, "a", None), [1, (2, 3)], frozenset({"a", "b"}), {"k": [True, 1.5, b"x"]}, Path("/x")],
)
def test_plain_values_keep_their_kind(value: object) -> None:
    back = compact.decode(compact.encode(value))
    assert back == value and type(back) is type(value)


class _Stranger:
    pass


@pytest.mark.parametrize(
    "value", [_Stranger(), {1: "key not a str"}, {"a", "set"}, State.DONE, (1, [_Stranger()])]
)
def test_what_a_report_is_not_made_of_is_refused(value: object) -> None:
    with pytest.raises(ValueError):
        compact.encode(value)


@pytest.mark.parametrize(
    "data",
    [
        ["@", "Popen", "ls"],  # not a class a report is made of
        ["@", "Status", "found"],  # an enum built as a class
        ["e", "Evidence", "x"],  # a class built as an enum
        ["@", "Evidence", "too", "few"],
        ["d", {1: 2}],
        ["?", 1],
        [],
        {"a": 1},
    ],
)
def test_data_that_encode_never_writes_is_refused(data: object) -> None:
    with pytest.raises(ValueError):
        compact.decode(data)
