"""The detail pane with many findings: one excerpt at a time, a capped list, `x` cycling."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from golive_tui.core.model import DetectorResult, Evidence, Polarity, Status
from golive_tui.tui.app import GoliveApp
from golive_tui.tui.widgets.detail import (
    MAX_LISTED,
    Excerpt,
    ItemDetail,
    fit_path,
    listed_window,
    rubric_sentence,
)
from tests.tui.fakes import FakeScan, make_deps, results
from tests.tui.test_walker import SIZE, goto, started

FINDINGS = 20


def many_findings() -> tuple[DetectorResult, ...]:
    """go.http.client_timeout with 20 findings: lines 1..10 of both files, supports first."""
    evidence = tuple(
        Evidence(path, line, line, polarity, f"line {line}")
        for path, polarity in (
            ("cmd/api/main.go", Polarity.POSITIVE),
            ("internal/weather/client.go", Polarity.CONTRARY),
        )
        for line in range(1, FINDINGS // 2 + 1)
    )
    many = DetectorResult(
        "go.http.client_timeout", "Client timeouts", Status.PARTIAL, "20 calls", evidence
    )
    return (results()[0], many)


def text(widget: Any) -> str:
    return str(widget.render())


async def test_many_findings_show_one_excerpt_and_a_capped_list(repo: Path) -> None:
    app = GoliveApp(make_deps(repo, scan=FakeScan(many_findings())))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "http.client-timeout")
        detail = walker.query_one(ItemDetail)
        assert len(detail.query(Excerpt)) == 1  # only the selected finding is highlighted
        heading = text(detail.query_one("#d-evidence-heading", Static))
        assert "20 findings, x next" in heading
        head = text(detail.query_one("#d-selected-head", Static))
        assert head == "▶ internal/weather/client.go:1  contrary"  # contrary findings first
        after = text(detail.query_one("#d-after", Static)).splitlines()
        assert len(after) == MAX_LISTED  # the other listed findings, then how many are left
        assert after[-1].strip() == f"+{FINDINGS - MAX_LISTED} more · x shows the next"
        assert not detail.query_one("#d-before", Static).display


async def test_x_cycles_through_every_finding_in_place(repo: Path) -> None:
    app = GoliveApp(make_deps(repo, scan=FakeScan(many_findings())))
    async with app.run_test(size=(80, 24)) as pilot:  # a short detail pane: x has to scroll
        walker = await started(app, pilot)
        await goto(walker, pilot, "http.client-timeout")
        detail = walker.query_one(ItemDetail)
        excerpt = detail.query_one(Excerpt)
        seen = []
        for _ in range(FINDINGS):
            seen.append(text(detail.query_one("#d-selected-head", Static)).split()[1])
            await pilot.press("x")
        assert len(set(seen)) == FINDINGS  # every finding once
        assert seen[0] == "internal/weather/client.go:1"
        assert seen[-1] == "cmd/api/main.go:10"
        assert walker.evidence_index == 0  # wrapped around
        assert detail.query_one(Excerpt) is excerpt  # updated, never remounted
        await pilot.press(*"x" * 15)
        assert excerpt.syntax is not None and 6 in excerpt.syntax.highlight_lines
        assert text(detail.query_one("#d-selected-head", Static)).startswith("▶ cmd/api/main.go:6")
        before = text(detail.query_one("#d-before", Static)).splitlines()
        assert before[0].strip().startswith("↑") and before[0].strip().endswith("earlier")
        await pilot.pause()
        selected = detail.query_one("#d-selected")
        assert detail.scroll_y > 0
        assert detail.content_region.contains_region(selected.region)  # scrolled into view


async def test_x_then_o_opens_the_selected_finding(repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "argv"
    editor = tmp_path / "vi"
    editor.write_text(f'#!/bin/sh\necho "$@" > {log}\n')
    editor.chmod(0o755)
    deps = make_deps(repo, scan=FakeScan(many_findings()), editor_env={"VISUAL": str(editor)})
    app = GoliveApp(deps)
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "http.client-timeout")
        await pilot.press("x", "x", "o")
        assert log.read_text().split() == ["+3", str(repo / "internal/weather/client.go")]
        head = text(walker.query_one("#d-selected-head", Static))
        assert head == "▶ internal/weather/client.go:3  contrary"


async def test_detail_says_waiting_while_the_scan_runs(repo: Path) -> None:
    release = threading.Event()
    inner = FakeScan()

    def slow_scan(progress: Any) -> Any:
        release.wait(timeout=30)
        return inner(progress)

    app = GoliveApp(make_deps(repo, scan=slow_scan))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = app.screen.query_one(ItemDetail)
        assert "waiting for the scan…" in text(detail.query_one("#d-detectors", Static))
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "found" in text(detail.query_one("#d-detectors", Static))


async def test_rubric_names_each_level_once(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=SIZE) as pilot:
        walker = await started(app, pilot)
        await goto(walker, pilot, "ops.observability")
        lines = [text(walker.query_one(f"#d-rubric-{n}", Static)) for n in range(3)]
        assert lines[0] == "0  No metrics at all."
    assert rubric_sentence(1, "1: Metrics but no alerts.") == "1  Metrics but no alerts."


def test_listed_window_keeps_the_selected_finding_in_view() -> None:
    assert listed_window(3, 2) == range(3)
    assert listed_window(20, 0) == range(MAX_LISTED)
    assert listed_window(20, 10) == range(10 - MAX_LISTED // 2, 10 - MAX_LISTED // 2 + MAX_LISTED)
    assert listed_window(20, 19) == range(20 - MAX_LISTED, 20)
    for selected in range(20):
        assert selected in listed_window(20, selected)


def test_fit_path_gives_up_the_front_of_the_path() -> None:
    assert fit_path("a/b.go", 3, 40) == "a/b.go:3"
    assert fit_path("internal/storage/entry_query_builder.go", 358, 30) == (
        "…/entry_query_builder.go:358"
    )


def test_a_file_of_no_known_kind_is_shown_as_text_without_a_plugin_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pygments searches every installed package for plugin lexers when asked for an alias it
    lacks (~55 ms a time): the excerpt never asks it for one."""
    import pygments.plugin
    from rich.console import Console
    from rich.syntax import Syntax

    from golive_tui.tui.widgets.detail import lexer_for

    def searched(*_args: object) -> None:
        raise AssertionError("searched the installed packages for plugin lexers")

    monkeypatch.setattr(pygments.plugin, "iter_entry_points", searched)
    assert lexer_for("hack/dind") == "text"
    assert lexer_for("docs/runbook.rst.unknownext") == "text"
    assert lexer_for("scripts/build.sh") == "sh"
    assert lexer_for("cmd/api/main.go") == "go"
    for path in ("hack/dind", "scripts/build.sh", "docs/runbook.md"):
        console = Console(width=60, record=True)
        console.print(Syntax("echo hi\n", lexer_for(path)))
        assert "echo hi" in console.export_text()
