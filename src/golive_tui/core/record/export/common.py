"""What the record renderers share: the SARIF schema, the tool's address, state labels."""

from __future__ import annotations

from golive_tui.core.verdict import STATE_LABEL as STATE_LABELS

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


INFORMATION_URI = "https://github.com/golive-tui/golive"


#: The record's state values as people read them: core.verdict.STATE_LABEL, keyed by value.
STATE_LABEL = {state.value: label for state, label in STATE_LABELS.items()}
