"""What you see is what you sign: the real walker (its scan in a process of its own) shows the
report and the assessment `golive status` computes from the same state, whether the scan ran or
was answered from the report memo (issue 16)."""

from __future__ import annotations

from pathlib import Path

from golive_tui.commands.walk import build_deps
from golive_tui.core.record.store import load_record
from golive_tui.core.reviewed import ReviewedScan
from golive_tui.core.workflows import Session
from golive_tui.tui.app import GoliveApp
from golive_tui.tui.screens.walker import WalkerScreen
from tests.core.scan.test_report_memo import _facts, _hit


async def _walk(session: Session, save: bool = False) -> tuple[ReviewedScan, dict[str, object]]:
    """The scan the walker shows once it finished, and every item's state on screen; `save`:
    saved as the walker's summary saves it (that scan, no other)."""
    deps = build_deps(session)
    app = GoliveApp(deps)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        walker = app.screen
        assert isinstance(walker, WalkerScreen)
        assert not walker.scanning
        report = walker.report
        assert isinstance(report, ReviewedScan)
        assert walker.results == {r.id: r for r in report.results}  # all of it on screen
        states = {v.item.id: v.state for v in walker.assessment.items}
        if save:
            assert deps.save_record is not None
            message = deps.save_record(walker.draft, report, walker.assessment)
            assert f"{session.release}.toml" in message
        await pilot.press("q")
    return report, states


async def test_the_walker_shows_what_status_computes(repo: Path) -> None:
    session = Session.open(str(repo))
    shown, states = await _walk(session)  # the first scan: detectors run, the memo is stored
    assert not _hit(shown.report)
    status = session.scan()  # `golive status` / `golive sign`, in this process
    assert _hit(status.report)  # the walker's scan stored what status reads
    assert _facts(shown.report) == _facts(status.report) and shown.state == status.state
    draft = session.load_draft()
    assessed = session.assess(draft, status)
    assert states == {v.item.id: v.state for v in assessed.items}
    assert any(r.evidence for r in status.report.results)  # evidence to compare, not none

    (repo / "extra.go").write_text('package main\n\nimport "net/http"\n\nvar _ = http.Get\n')
    changed, changed_states = await _walk(session)  # a changed tree: scanned again
    assert not _hit(changed.report)
    again, again_states = await _walk(session)  # unchanged since: from the memo
    assert _hit(again.report)
    status = session.scan()
    assert _facts(again.report) == _facts(changed.report) == _facts(status.report)
    assert again.state == changed.state == status.state
    assessed = session.assess(session.load_draft(), status)
    assert again_states == changed_states == {v.item.id: v.state for v in assessed.items}
    saved, _states = await _walk(session, save=True)  # the walker's summary saves what it shows
    assert _hit(saved.report)
    record = load_record(repo / ".golive" / "records" / f"{session.release}.toml")
    shown = {i.id: i.state for i in record.items}
    assert shown == {k: str(v) for k, v in again_states.items()}  # what was shown was saved
