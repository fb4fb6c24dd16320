"""The always-visible summary: done/total, P0 open, at risk, gate, score and band, scan progress.

Everything stays on one line at any width: the bar picks the most descriptive wording that fits
(`16/93 done · P0 open 16 · at risk 1 · gate quick-gate: fail · Health: 11/16 Solid` when wide,
`16/93 done · P0 16 · risk 1 · gate ✗ · 11/16 Solid` at 80 columns) and never cuts a number off.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, ProgressBar

from golive_tui.core.assess import GateResult, ScoreResult, Summary, gate_name
from golive_tui.core.text import printable
from golive_tui.tui.present import score_text, score_value

GAP = 2  # cells between the bar's parts (the labels' right margin in app.tcss)
PROGRESS = 12  # the scan progress bar's width while scanning (app.tcss)


@dataclass(frozen=True)
class _Facts:
    done: int
    total: int
    p0: int
    at_risk: int
    gate: tuple[str, bool] | None  # (profile, passed)
    scores: tuple[ScoreResult, ...]
    to_confirm: int = 0  # supporting evidence waiting for a person


def _wordings(f: _Facts, *, scanning: bool = False) -> list[tuple[str, str, str]]:
    """(counts, gate, scores) from the most descriptive to the most compact.

    While the scan runs the gate's verdict is not known yet: it shows "…", never a state the
    finished scan may contradict."""
    gate_long = gate_mid = gate_short = ""
    if f.gate is not None:
        name, passed = printable(gate_name(f.gate[0]), multiline=False), f.gate[1]
        word, mark = ("pass", "✓") if passed else ("fail", "✗")
        if scanning:
            word = mark = "…"
        gate_long = f"gate {name}: {word}"
        gate_mid = f"gate {name} {mark}"
        gate_short = f"gate {mark}"
    counts_long = f"{f.done}/{f.total} done · P0 open {f.p0} · at risk {f.at_risk}"
    counts_short = f"{f.done}/{f.total} done · P0 {f.p0} · risk {f.at_risk}"
    counts_tiny = f"{f.done}/{f.total} · P0 {f.p0} · risk {f.at_risk}"
    scores_long = " · ".join(score_text(s) for s in f.scores)
    scores_mid = " · ".join(
        f"{printable(s.id, multiline=False)} {score_value(s)}" for s in f.scores
    )
    scores_short = " · ".join(score_value(s) for s in f.scores)
    confirm = f" · to confirm {f.to_confirm}" if f.to_confirm else ""
    return [
        (counts_long + confirm, gate_long, scores_long),
        (counts_long, gate_long, scores_mid),
        (counts_long, gate_mid, scores_mid),
        (counts_short, gate_mid, scores_mid),
        (counts_short, gate_mid, scores_short),
        (counts_short, gate_short, scores_short),
        (counts_tiny, gate_short, scores_short),
    ]


class SummaryBar(Horizontal):
    """Counts, gate and score on the left (after the service walked, when there are several);
    scan progress on the right."""

    _facts: _Facts | None = None
    _scan_text = "scanning…"
    _scanning = False

    def __init__(self, *, id: str | None = None, service: str = "") -> None:
        super().__init__(id=id)
        self._shown: dict[str, str] = {"#scan-label": self._scan_text}  # label -> its text
        #: Which service this walk is about: always shown first, at every width.
        self.service = printable(service, multiline=False)

    def compose(self) -> ComposeResult:
        yield Label("", id="counts")
        yield Label("", id="gate")
        yield Label("", id="score")
        yield Label("scanning…", id="scan-label")
        yield ProgressBar(id="scan-progress", show_eta=False, show_percentage=False)

    def show(self, summary: Summary, *, gate: GateResult | None = None) -> None:
        """`gate` is the one the record will be gated on (Assessment.gate of the walk's profile)."""
        self._facts = _Facts(
            done=summary.done,
            total=summary.total,
            p0=summary.p0_remaining,
            at_risk=summary.at_risk,
            gate=(gate.profile, gate.passed) if gate is not None else None,
            scores=summary.scores,
            to_confirm=summary.to_confirm,
        )
        self._fit()

    def _colour_gate(self) -> None:
        gate = self.query_one("#gate", Label)
        known = self._facts is not None and self._facts.gate is not None and not self._scanning
        passed = bool(known and self._facts and self._facts.gate and self._facts.gate[1])
        gate.set_class(known and passed, "-pass")
        gate.set_class(known and not passed, "-fail")

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        facts = self._facts
        if facts is None:
            return
        room = self.content_size.width or self.app.size.width - 2
        status = cell_len(self._scan_text) + (PROGRESS + GAP if self._scanning else 0)
        prefix = f"{self.service} · " if self.service else ""
        wordings = [(prefix + c, g, s) for c, g, s in _wordings(facts, scanning=self._scanning)]
        self._colour_gate()

        def width(wording: tuple[str, str, str]) -> int:
            return sum(cell_len(part) + GAP for part in wording if part)

        # While scanning, the progress earns its place; afterwards the summary's wording comes
        # first and "scanned · N detectors" shows only where there is room left for it.
        fits = [w for w in wordings if width(w) + (status if self._scanning else 0) <= room]
        chosen = (fits or wordings[-1:])[0]
        self.set_class(width(chosen) + status > room, "-no-status")
        counts, gate_text, scores = chosen
        self._set("#counts", counts)
        self._set("#gate", gate_text).display = bool(gate_text)
        self._set("#score", scores).display = bool(scores)

    def _set(self, selector: str, text: str) -> Label:
        """Show `text` in a label, laying the bar out again only when its width changed.

        The bar is refitted on every scan report: a label updated with the same text, or with
        text as wide, needs no layout pass. Each pass reflows the whole screen (~10-20 ms on
        the walker's 117 items): on moby this took ~300 ms of the UI thread per scan."""
        label = self.query_one(selector, Label)
        shown = self._shown.get(selector)
        if shown != text:
            # Content, not str: a profile or score title is shown as written, never as markup.
            label.update(Content(text), layout=shown is None or cell_len(shown) != cell_len(text))
            self._shown[selector] = text
        return label

    def scanning(self, done: int, total: int, phase: str = "") -> None:
        self._scanning = True
        self.set_class(True, "-scanning")
        self._fit()
        bar = self.query_one("#scan-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self._set_scan_text(f"scan {done}/{total}" if total else "scanning…")

    def scanned(self, message: str) -> None:
        self._scanning = False
        self.set_class(False, "-scanning")
        self._set_scan_text(message)
        self._fit()

    def _set_scan_text(self, text: str) -> None:
        refit = cell_len(text) != cell_len(self._scan_text)
        self._scan_text = text
        self._set("#scan-label", text)
        if refit:
            self._fit()
