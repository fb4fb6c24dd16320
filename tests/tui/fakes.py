"""Fakes the walker is tested with: a small checklist, a scripted scan, a recording record saver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from golive_tui.core.assess import assess
from golive_tui.core.draft import Draft, DraftStore
from golive_tui.core.model import (
    Band,
    Checklist,
    Detect,
    DetectMode,
    DetectorResult,
    Evidence,
    Item,
    ItemKind,
    Polarity,
    Priority,
    Profile,
    Scoring,
    ScoringMethod,
    Section,
    Status,
)
from golive_tui.tui.deps import ProgressLike, WalkerDeps

TODAY = dt.date(2030, 1, 15)
ME = "Ada Tester <ada@example.com>"

MAIN_GO = """package main

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

CLIENT_GO = """package weather

import "net/http"

func Fetch(url string) error {
\tresp, err := http.Get(url)
\tif err != nil {
\t\treturn err
\t}
\treturn resp.Body.Close()
}
"""

FILES = {
    "cmd/api/main.go": MAIN_GO,
    "internal/weather/client.go": CLIENT_GO,
    "go.mod": "module x\n",
}


def _item(item_id: str, title: str, priority: Priority, **kw: Any) -> Item:
    return Item(
        id=item_id,
        title=title,
        why=f"Why {title.lower()} matters.",
        verify=f"Check {title.lower()} by hand.",
        remediation=f"Fix {title.lower()}.",
        priority=priority,
        section=item_id.split(".")[0],
        **kw,
    )


def checklist() -> Checklist:
    shutdown = Section(
        "shutdown",
        "Shutdown",
        (
            _item(
                "shutdown.sigterm",
                "Handle SIGTERM",
                Priority.P0,
                detect=Detect(DetectMode.ANY, ("go.signal.sigterm",)),
            ),
            _item("shutdown.drain", "Drain in-flight requests", Priority.P1),
        ),
    )
    http = Section(
        "http",
        "HTTP",
        (
            _item(
                "http.client-timeout",
                "Outbound clients have timeouts",
                Priority.P0,
                detect=Detect(DetectMode.ANY, ("go.http.client_timeout",)),
            ),
            _item("http.rate-limit", "Rate limit public endpoints", Priority.P2),
        ),
    )
    ops = Section(
        "ops",
        "Operations",
        (
            _item("ops.runbook", "Runbook exists", Priority.P1),
            _item(
                "ops.observability",
                "Observability maturity",
                Priority.P2,
                kind=ItemKind.SCORE,
                rubric=("No metrics at all.", "Metrics but no alerts.", "Metrics with alerts."),
            ),
        ),
    )
    return Checklist(
        id="test-list",
        title="Test list",
        version="1.0",
        description="A checklist for tests.",
        source=("tests",),
        sections=(shutdown, http, ops),
        profiles=(
            Profile(
                "quick-gate",
                "Quick gate",
                ("shutdown.sigterm", "http.client-timeout", "ops.runbook"),
            ),
        ),
        scoring=(
            Scoring(
                "health",
                "Health",
                ScoringMethod.POINTS,
                bands=(Band(0, "Needs work", 7), Band(8, "Ready", 12)),
                items=tuple(i.id for s in (shutdown, http, ops) for i in s.items),
            ),
        ),
    )


def results() -> tuple[DetectorResult, ...]:
    sigterm = Evidence("cmd/api/main.go", 10, 10, Polarity.POSITIVE, "signal.NotifyContext(...)")
    client = Evidence("internal/weather/client.go", 6, 6, Polarity.CONTRARY, "http.Get(url)")
    return (
        DetectorResult("go.signal.sigterm", "SIGTERM handled", Status.FOUND, "1 call", (sigterm,)),
        DetectorResult(
            "go.http.client_timeout", "Client timeouts", Status.CONTRARY, "1 http.Get", (client,)
        ),
    )


@dataclass
class FakeProgress:
    phase: str
    done: int
    total: int
    result: DetectorResult | None = None


@dataclass
class FakeReport:
    results: tuple[DetectorResult, ...]
    paths: tuple[str, ...] = tuple(FILES)
    go_imports: frozenset[str] = frozenset({"net/http"})
    warnings: tuple[str, ...] = ()


@dataclass
class FakeScan:
    """Emits one progress message per result, then returns the report; counts its runs."""

    results: tuple[DetectorResult, ...] = field(default_factory=results)
    runs: int = 0
    fail: str = ""

    def __call__(self, progress: Callable[[ProgressLike], None]) -> FakeReport:
        self.runs += 1
        if self.fail:
            raise RuntimeError(self.fail)
        total = len(self.results)
        for done, result in enumerate(self.results, 1):
            progress(FakeProgress("detectors", done, total, result))
        return FakeReport(self.results)


@dataclass
class RecordingSaver:
    """Records what the walker hands over at each save: the draft, scan and assessment shown."""

    store: DraftStore | None = None
    calls: list[Draft | None] = field(default_factory=list)
    shown: list[tuple[Draft, Any, Any]] = field(default_factory=list)

    def __call__(self, draft: Draft, report: Any, assessment: Any) -> str:
        self.calls.append(draft)
        self.shown.append((draft, report, assessment))
        return "Saved unsigned record .golive/records/v1.toml"


def make_deps(repo: Path, **overrides: Any) -> WalkerDeps:
    values: dict[str, Any] = {
        "repo_root": repo,
        "checklist": checklist(),
        "release": "v1",
        "store": DraftStore(repo),
        "scan": FakeScan(),
        "assess": assess,
        "identity": ME,
        "today": TODAY,
        "save_record": RecordingSaver(),
    }
    values.update(overrides)
    return WalkerDeps(**values)
