"""The walker's scan in a process of its own: the same report, progress and errors as the scan
in this process, and a child that never outlives what wanted it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import RepoFactory
from tests.core.scan.test_memo import FILES
from tests.core.scan.test_report_memo import _facts, _hit

from golive_tui.core.reviewed import ReviewedScan, reviewed_scan
from golive_tui.core.scan.apart import ScanApart, ScanProcessError
from golive_tui.core.scan.report import Progress


class Stop(Exception):
    pass


@pytest.fixture
def repo(make_repo: RepoFactory) -> Path:
    return make_repo(FILES)


def test_the_report_is_the_one_status_computes(repo: Path) -> None:
    """Miss then hit: the child scans, then answers from the report memo it stored."""
    (repo / "extra.go").write_text("package main\n")  # a tree state with a change in it
    heard: list[Progress] = []
    first = ScanApart(repo)(heard.append)
    assert isinstance(first, ReviewedScan) and not _hit(first.report)
    here = reviewed_scan(repo)  # status, mark and sign scan this way
    assert _hit(here.report)  # the child's memo serves this process too
    assert _facts(first.report) == _facts(here.report)
    assert first.state == here.state and first.state is not None and first.state.changes
    results = {p.result.id for p in heard if p.result is not None}
    assert results == {r.id for r in first.report.results}  # evidence streamed as found
    again = ScanApart(repo)()
    assert _hit(again.report) and _facts(again.report) == _facts(here.report)


def test_a_scan_error_is_told_with_its_message(tmp_path: Path) -> None:
    with pytest.raises(ScanProcessError, match="does-not-exist"):
        ScanApart(tmp_path / "does-not-exist")()


def test_progress_that_raises_stops_the_child(repo: Path) -> None:
    scan = ScanApart(repo)

    def stop(_report: Progress) -> None:
        raise Stop

    proc = scan._started
    assert proc is not None
    with pytest.raises(Stop):
        scan(stop)
    assert proc.returncode is not None  # killed and reaped, never left running


def test_a_scan_never_taken_is_stopped(repo: Path) -> None:
    scan = ScanApart(repo)
    proc = scan._started
    assert proc is not None
    scan.close()
    assert proc.returncode is not None
    assert isinstance(scan(), ReviewedScan)  # a later call starts a scan of its own


def test_nothing_in_the_repository_is_imported(make_repo: RepoFactory, tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    planted = f"open({str(marker)!r}, 'w').close()\n"
    root = make_repo({**FILES, "yaml.py": planted, "golive_tui/__init__.py": planted})
    ScanApart(root)()
    ScanApart(root / "vendor")()  # started from inside a folder of the repository too
    assert not marker.exists()


#: A scan process that reports once, then never finishes.
HANGING = (
    "import marshal, os\n"
    "from golive_tui.core.scan import compact, pipes\n"
    "from golive_tui.core.scan.report import Progress\n"
    "pipes.write_message(1, marshal.dumps(('progress', compact.encode(Progress('listing', 0, 1)))))\n"
    "os.read(os.pipe()[0], 1)\n"
)


def test_close_stops_a_running_scan_at_once(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Quit or rescan: the call returns now, not at the child's next report (never, here)."""
    from golive_tui.core.scan import apart

    monkeypatch.setattr(apart, "_SERVE", HANGING)
    scan = ScanApart(repo)
    running = scan._started
    assert running is not None
    heard: list[Progress] = []

    def progress(report: Progress) -> None:
        heard.append(report)
        scan.close()  # as the walker's quit does, from another thread

    with pytest.raises(ScanProcessError, match="without a report"):
        scan(progress)
    assert heard == [Progress("listing", 0, 1)]
    assert running.returncode is not None  # killed and reaped


def test_the_records_folder_is_the_record_models() -> None:
    from golive_tui.core import reviewed
    from golive_tui.core.record.model import RECORDS_DIR

    assert RECORDS_DIR.as_posix() == reviewed.RECORDS


def test_without_a_process_the_scan_runs_here(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from golive_tui.core.scan import apart

    def refused(*_args: object) -> None:
        raise ScanProcessError("could not start the scan: no more processes")

    monkeypatch.setattr(apart, "_start", refused)
    scan = ScanApart(repo)
    assert not scan.started
    heard: list[Progress] = []
    report = scan(heard.append)
    assert heard and _facts(report.report) == _facts(reviewed_scan(repo).report)


def test_a_finished_scan_is_ready_without_waiting(repo: Path) -> None:
    """Read as it comes: once the child has reported, `ready` hands the report over (once)."""
    scan = ScanApart(repo)
    drain = scan._drain
    assert drain is not None
    assert drain.reported.wait(timeout=60)  # a state wait, bounded
    ready = scan.ready()
    assert isinstance(ready, ReviewedScan)
    assert _facts(ready.report) == _facts(reviewed_scan(repo).report)
    assert scan.ready() is None  # taken
    assert isinstance(scan(), ReviewedScan)  # a later call scans again


def test_a_running_scan_is_not_ready(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from golive_tui.core.scan import apart

    monkeypatch.setattr(apart, "_SERVE", HANGING)
    scan = ScanApart(repo)
    proc = scan._started
    assert proc is not None
    assert scan.ready() is None
    scan.close()
    assert proc.returncode is not None  # killed and reaped
    assert scan.ready() is None


def test_a_garbled_ready_report_is_scanned_again(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report that cannot be rebuilt is never handed over from `ready` (the walker would
    open on it), nor raised there: the next call scans again."""
    from golive_tui.core.scan import apart

    scan = ScanApart(repo)
    drain = scan._drain
    assert drain is not None and drain.reported.wait(timeout=60)

    def garbled(_value: object, _expected: str) -> None:
        raise ScanProcessError("the scan process sent a garbled report")

    with monkeypatch.context() as patched:
        patched.setattr(apart, "_decoded", garbled)
        assert scan.ready() is None
    assert isinstance(scan(), ReviewedScan)
