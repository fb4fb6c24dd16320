"""An item's state in a walk (part of core/model's vocabulary, which re-exports it).

Apart from the model so that the one glyph table (golive_tui.glyphs) names states without
defining the model's dataclasses: `golive scan`'s table imported them for its glyphs and
labels (~15 ms of each run) and uses none.
"""

from __future__ import annotations

import enum


class State(enum.StrEnum):
    """An item's state in a walk. DETECTED and AT_RISK come from evidence, the rest from people."""

    TODO = "todo"
    DONE = "done"
    NA = "na"
    WAIVED = "waived"
    DETECTED = "detected"
    AT_RISK = "at_risk"
