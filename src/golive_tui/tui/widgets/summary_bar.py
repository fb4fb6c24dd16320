"""The always-visible summary: done/total, P0 open, at risk, gate, score, and scan progress."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from golive_tui.tui.present import score_text


class SummaryBar(Horizontal):
    """Counts on the left, gate and score in the middle, scan progress on the right."""

    def compose(self) -> ComposeResult:
        yield Label("", id="counts")
        yield Label("", id="gate")
        yield Label("", id="score")
        yield Label("scanning…", id="scan-label")
        yield ProgressBar(id="scan-progress", show_eta=False, show_percentage=False)

    def show(self, summary: Any, *, profile: str = "") -> None:
        counts = (
            f"{summary.done}/{summary.total} done · "
            f"P0 open {summary.p0_remaining} · at risk {summary.at_risk}"
        )
        self.query_one("#counts", Label).update(counts)
        gate = self.query_one("#gate", Label)
        gates = list(getattr(summary, "gates", ()))
        chosen = [g for g in gates if g.profile == profile] or gates[:1]
        if chosen:
            g = chosen[0]
            gate.update(f"gate {g.profile}: {'pass' if g.passed else 'fail'}")
            gate.set_class(g.passed, "-pass")
            gate.set_class(not g.passed, "-fail")
            gate.display = True
        else:
            gate.display = False
        score = self.query_one("#score", Label)
        scores = list(getattr(summary, "scores", ()))
        score.update(" · ".join(score_text(s) for s in scores))
        score.display = bool(scores)

    def scanning(self, done: int, total: int, phase: str = "") -> None:
        self.set_class(True, "-scanning")
        bar = self.query_one("#scan-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        label = f"scanning {done}/{total}" if total else "scanning…"
        self.query_one("#scan-label", Label).update(label)

    def scanned(self, message: str) -> None:
        self.set_class(False, "-scanning")
        self.query_one("#scan-label", Label).update(message)
