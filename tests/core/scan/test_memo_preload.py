"""The scan's modules are imported while git lists the tree when the memo will likely miss:
a guess that changes when the imports happen, never what is printed."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory, git
from tests.core.scan.test_memo import FILES, _facts, _hit

from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan import engine, memo
from golive_tui.core.scan.memo import scan_json


def _commit(root: Path) -> None:
    git(root, "commit", "--allow-empty", "-qm", "another")


def _add(root: Path) -> None:
    (root / "new.txt").write_text("x\n")
    git(root, "add", "new.txt")


def _edit(root: Path) -> None:
    (root / "main.go").write_text(FILES["main.go"] + "\n// edited\n")


def _forget(root: Path) -> None:
    for path in (root / ".git" / "golive" / "cache" / "reports").glob("*.memo"):
        path.unlink()


# what is done after a first scan, whether the imports are made early, whether the memo answers
CASES: dict[str, tuple[Callable[[Path], None], bool, bool]] = {
    "nothing changed": (lambda root: None, False, True),
    "memos removed": (_forget, True, False),
    "a commit": (_commit, True, False),
    "a file staged": (_add, False, False),  # guessed a hit: only HEAD's moves count
    "a file edited": (_edit, False, False),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_early_imports_follow_the_guess_and_change_nothing(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    root = make_repo(FILES)
    loads: list[bool] = []
    warmed: list[engine.Warmed] = []  # made in full (a likely miss)
    partly: list[engine.Warmed | None] = []  # made while git lists the tree (timing decides)
    real, real_warm = memo._load_scan, engine.warm

    def warm(*args: Any, **kwargs: Any) -> engine.Warmed | None:
        made = real_warm(*args, **kwargs)
        if kwargs.get("until") is None:
            assert made is not None
            warmed.append(made)
        else:
            partly.append(made)
        return made

    def load(until: Any = None) -> None:
        loads.append(until is None)  # True: everything; False: while git lists the tree
        real(until)

    monkeypatch.setattr(memo, "_load_scan", load)
    monkeypatch.setattr(engine, "warm", warm)
    monkeypatch.setattr(memo, "spare_core", lambda: True)  # not the test machine's load
    first = scan_json(root)
    assert loads == [True] and len(warmed) == 1 and not _hit(first)  # no memo: a sure miss
    change, early, answered = CASES[case]
    change(root)
    loads.clear()
    warmed.clear()
    text = scan_json(root)
    assert loads == [early] and bool(warmed) is early
    assert not (early and partly)  # a likely miss warms in full, never partly
    assert _hit(text) is answered
    if early and case != "memos removed":  # the cache read early holds the scan's entries
        assert warmed[0].cache._shards
    # The same report without early imports, and without the plan and cache made early.
    monkeypatch.setattr(memo, "_load_scan", lambda until=None: None)
    monkeypatch.setattr(engine, "warm", lambda *args, **kwargs: None)
    _forget(root)
    assert _facts(text) == _facts(scan_json(root))


@pytest.mark.parametrize("only", [None, ["docker.non_root_user"], ["go.signal.sigterm"]])
def test_a_scan_warmed_for_other_detectors_plans_and_loads_its_own(
    make_repo: RepoFactory, only: list[str] | None
) -> None:
    """A `Warmed` is used only by the scan it was made for (the same detectors)."""
    root = make_repo(FILES)
    scan_json(root)
    loc = git_listing.locate(root)
    stale = engine.warm(loc, ["gomod.go_version"], vendor=False)
    for warmed in (stale, engine.warm(loc, only, vendor=False), None):
        listing = git_listing.Listing(loc)
        report = engine.prepared_scan(
            loc, None, listing, engine.RunInfo(), only=only, warmed=warmed
        )
        plain = engine.prepared_scan(
            loc, None, git_listing.Listing(loc), engine.RunInfo(), only=only
        )
        assert [r.id for r in report.results] == [r.id for r in plain.results]
        assert report.results == plain.results


def test_the_guess_compares_the_reflog_with_the_newest_memo(
    make_repo: RepoFactory,
) -> None:
    root = make_repo(FILES)
    scan_json(root)
    loc = git_listing.locate(root)
    opened = memo.Memo.open(loc, ("any options",))
    assert opened is not None and opened.likely_miss(loc)  # no memo of these options
    options = (str(loc.root), loc.shallow, (), False, False, repr(None), False)
    opened = memo.Memo.open(loc, options)
    assert opened is not None and opened.newest is not None
    past = opened.newest_mtime / 1e9 - 10
    index, reflog = root / ".git" / "index", root / ".git" / "logs" / "HEAD"
    os.utime(reflog, (past, past))
    os.utime(index, (past + 20, past + 20))  # refreshed after the memo: not a sign
    assert not opened.likely_miss(loc)
    os.utime(reflog, (past + 20, past + 20))  # HEAD moved after the memo
    assert opened.likely_miss(loc)


def test_imports_made_while_git_lists_stop_when_git_has_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a likely miss, the scan's modules are imported one at a time while git has not
    answered (asked before each): a memo hit waits for at most one module's import."""
    imported: list[str] = []
    monkeypatch.setattr(importlib, "import_module", imported.append)
    answers = iter([False, False, True])
    memo._load_scan(until=lambda: next(answers))
    assert imported == list(memo._SCAN_MODULES[:2])
    imported.clear()
    memo._load_scan(until=lambda: False)
    assert imported == list(memo._SCAN_MODULES)
    imported.clear()
    memo._load_go(until=lambda: False)  # the Go family, leaves first
    go = [f"golive_tui.core.scan.detectors.go.{part}" for part in ("rules", "tree")]
    assert imported[:2] == go
    # What the first parse loads comes last, after the family's own modules.
    assert imported[-3:] == [
        f"golive_tui.core.scan.detectors.go.{part}"
        for part in ("extractor", "fragments", "astgrep")
    ]
    imported.clear()
    answers = iter([False, False, True])  # asked once before the family, then per part
    memo._load_go(until=lambda: next(answers))
    assert imported == go[:1]


def test_the_go_family_parts_load_it_leaves_first() -> None:
    """Each part imported in order loads no later part with it (each step stays short), and
    together they are what importing the extractor loads."""
    code = """
        import importlib, sys
        from golive_tui.core.scan.detectors import go
        names = [f"{go.__name__}.{part}" for part in go.PARTS]
        for at, name in enumerate(names):
            importlib.import_module(name)
            early = [n for n in names[at + 1 :] if n in sys.modules]
            assert not early, (name, early)
        family = {n for n in sys.modules if n.startswith(go.__name__ + ".")}
        print(sorted(family - set(names)) == sorted(
            n for n in family if n.startswith(go.__name__ + ".checks.")))
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"]


def test_a_listing_says_when_git_has_answered(make_repo: RepoFactory) -> None:
    root = make_repo(FILES)
    listing = git_listing.Listing(git_listing.locate(root))
    for proc in listing._procs or ():
        proc.wait(timeout=60)
    assert listing.listed()
    listing.raw()
    assert listing.listed()


def test_a_scan_warmed_in_part_reports_what_a_scan_without_it_does(
    make_repo: RepoFactory,
) -> None:
    """Warmed while git lists the tree, the plan and cache stop where git answered: nothing
    when it had answered already, some shards read, the rest read when first asked."""
    root = make_repo(FILES)
    scan_json(root)
    loc = git_listing.locate(root)
    assert engine.warm(loc, None, vendor=False, until=lambda: True) is None
    answers = iter([False, False, False])  # the plan, then two shards read

    part = engine.warm(loc, None, vendor=False, until=lambda: next(answers, True))
    assert part is not None and len(part.cache._shards) == 2
    assert part.finals is not None and part.finals._stored == {}  # git answered first
    report = engine.prepared_scan(
        loc, None, git_listing.Listing(loc), engine.RunInfo(), warmed=part
    )
    plain = engine.prepared_scan(loc, None, git_listing.Listing(loc), engine.RunInfo())
    assert report.results == plain.results and report.stats.cache_hits == plain.stats.cache_hits
    full = engine.warm(loc, None, vendor=False)
    assert full is not None and full.finals is not None
    families = {e.name for e in full.planned[1].extractors} & set(full.finals.families)
    assert families and set(full.finals._stored) == families  # each family's memo read
    report = engine.prepared_scan(
        loc, None, git_listing.Listing(loc), engine.RunInfo(), warmed=full
    )
    assert report.results == plain.results


def test_without_a_spare_core_a_likely_hit_does_nothing_while_git_lists(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a busy machine the work done while git lists the tree would take git's core: a
    scan that expects a hit waits for git instead (a likely miss still imports in full)."""
    root = make_repo(FILES)
    scan_json(root)
    loads: list[object] = []
    real = memo._load_scan
    monkeypatch.setattr(memo, "_load_scan", lambda until=None: (loads.append(until), real(until)))
    monkeypatch.setattr(memo, "spare_core", lambda: False)
    _edit(root)
    edited = scan_json(root)
    assert loads == [] and not _hit(edited)
    _commit(root)
    scan_json(root)
    assert loads == [None]  # HEAD moved: a likely miss


@pytest.mark.parametrize(
    ("runnable", "average", "spare"),
    [
        (1, 3.0, True),  # nothing else runs now
        (2, 0.4, True),  # something starts with it (a pipeline's other program): idle on average
        (2, 1.5, False),  # busy now and on average
        (5, 4.0, False),
    ],
)
def test_a_core_is_spare_when_nothing_else_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runnable: int, average: float, spare: bool
) -> None:
    from golive_tui.core.scan import cores

    loadavg = tmp_path / "loadavg"
    loadavg.write_text(f"0.00 0.00 0.00 {runnable}/300 12345\n")
    real = cores.free_cpus
    monkeypatch.setattr(cores, "cpus", lambda: 2)
    monkeypatch.setattr(cores, "free_cpus", lambda n, *_: real(n, str(loadavg), 2))
    monkeypatch.setattr(cores.os, "getloadavg", lambda: (average, average, average))
    assert cores.spare_core() is spare


class _Family:
    """A family stand-in that records when it was readied."""

    def __init__(self, name: str, readied: list[str], fails: bool = False) -> None:
        self.name, self._readied, self._fails = name, readied, fails

    def prepare(self) -> None:
        self._readied.append(self.name)
        if self._fails:
            raise RuntimeError("a family that cannot load")


def test_families_are_readied_while_git_lists_and_stop_when_it_has_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A scan that reads every file readies its families (then discovery's modules) one at
    a time while git has not answered: asked before each, a failure left for the scan."""
    readied: list[str] = []
    imported: list[str] = []
    monkeypatch.setattr(importlib, "import_module", imported.append)
    families = [_Family("a", readied, fails=True), _Family("b", readied), _Family("c", readied)]
    registry: Any = type("Registry", (), {"extractors": families})()
    answers = iter([False, False, True])
    engine.ready_families(registry, lambda: next(answers), discovery=True)
    assert readied == ["a", "b"] and imported == []
    readied.clear()
    engine.ready_families(registry, lambda: False, discovery=True)
    assert readied == ["a", "b", "c"] and imported == list(engine._DISCOVERY)
    readied.clear()
    imported.clear()
    engine.ready_families(registry, lambda: False, discovery=False)  # --all-code
    assert readied == ["a", "b", "c"] and imported == []


@pytest.mark.parametrize("kind", ["no cache", "first scan", "warm"])
def test_only_a_scan_that_reads_every_file_readies_its_families(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Without the cache, or with none yet, the scan readies what it will extract anyway; a
    scan with a cache does not (its files may all be served from it), and nothing printed
    changes either way."""
    root = make_repo(FILES)
    if kind == "warm":
        scan_json(root)
        _forget(root)
    calls: list[bool] = []
    real = engine.ready_families

    def ready(registry: Any, until: Callable[[], bool], *, discovery: bool) -> None:
        calls.append(discovery)
        real(registry, until, discovery=discovery)

    monkeypatch.setattr(engine, "ready_families", ready)
    text = scan_json(root, use_cache=kind != "no cache")
    # (the scan asks again once git has answered, when the memo readied them first: a no-op)
    assert calls == [] if kind == "warm" else calls and all(calls)
    monkeypatch.setattr(engine, "ready_families", lambda *args, **kwargs: None)
    _forget(root)
    assert _facts(text) == _facts(scan_json(root, use_cache=kind != "no cache"))
