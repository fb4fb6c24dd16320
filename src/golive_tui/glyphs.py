"""The one glyph per item state, shared by the walker and the text commands (`golive status`).

Outside core (presentation is not the core's business) and free of Textual and Rich, so a
headless command can import it without loading the UI; the import-linter contracts in
pyproject.toml keep it that way.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from golive_tui.core.model import State

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
