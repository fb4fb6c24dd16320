"""The one glyph table: item states (walker, `golive status`) and detector outcomes (`golive
scan`, the walker's detail), drawn from the same marks so ◆ and ▲ mean the same everywhere.

Outside core (presentation is not the core's business) and free of Textual and Rich, so a
headless command can import it without loading the UI; the import-linter contracts in
pyproject.toml keep it that way.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from golive_tui.core.evidence import Status
from golive_tui.core.states import State

STATE_GLYPH: Mapping[State, str] = MappingProxyType(
    {
        State.DONE: "✔",
        State.DETECTED: "◆",
        State.TODO: "○",
        State.NA: "–",
        State.WAIVED: "≈",
        State.AT_RISK: "▲",
    }
)

#: An open item whose supporting evidence waits for a person's confirmation (hollow: not proven).
CONFIRM_GLYPH = "◇"

#: A detector's outcome, in the marks of the item state it leads to.
STATUS_GLYPH: Mapping[Status, str] = MappingProxyType(
    {
        Status.FOUND: "◆",  # evidence found: the item reads as detected
        Status.PARTIAL: "◐",
        Status.CONTRARY: "▲",  # contrary evidence: the item is at risk
        Status.MISSING: "○",  # nothing found: the item stays to do
        Status.NOT_APPLICABLE: "–",
        Status.ERROR: "!",
    }
)

#: What each glyph means, for the help screen and `golive scan`'s legend.
STATE_LEGEND: tuple[tuple[str, str], ...] = (
    (STATE_GLYPH[State.DONE], "done: a person said so (with a note when the scan disagreed)"),
    (STATE_GLYPH[State.DETECTED], "detected: evidence in the code proves it (no answer needed)"),
    (CONFIRM_GLYPH, "to confirm: supporting evidence found; a person confirms it"),
    (STATE_GLYPH[State.TODO], "to do: nobody answered and nothing proves it"),
    (
        STATE_GLYPH[State.NA],
        "n/a: does not apply (a reason given, or the service has no such part)",
    ),
    (STATE_GLYPH[State.WAIVED], "waived: accepted for now, with a reason and an expiry date"),
    (STATE_GLYPH[State.AT_RISK], "at risk: contrary evidence; open until fixed or overridden"),
)
STATUS_LEGEND: tuple[tuple[str, str], ...] = (
    (STATUS_GLYPH[Status.FOUND], "found"),
    (STATUS_GLYPH[Status.PARTIAL], "partial"),
    (STATUS_GLYPH[Status.CONTRARY], "contrary"),
    (STATUS_GLYPH[Status.MISSING], "missing"),
    (STATUS_GLYPH[Status.NOT_APPLICABLE], "not applicable"),
    (STATUS_GLYPH[Status.ERROR], "error: could not tell"),
)
