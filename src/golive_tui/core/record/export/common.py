"""What the record renderers share: the SARIF schema, the tool's address, state labels."""

from __future__ import annotations

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


INFORMATION_URI = "https://github.com/golive-tui/golive"


STATE_LABEL = {
    "detected": "detected",
    "done": "done",
    "na": "n/a",
    "waived": "waived",
    "at_risk": "at risk",
    "todo": "open",
}
