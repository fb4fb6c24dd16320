"""Records rendered for other tools: Markdown for people, JSON for scripts, SARIF for code scanning.

Every renderer is a pure function of a Record (plus, optionally, what verification said), so
the CLI, the gate and the walker share them and golden tests pin their output.
"""

from __future__ import annotations

import json

from golive_tui.core.record.export.json_format import to_json
from golive_tui.core.record.export.markdown import to_markdown
from golive_tui.core.record.export.sarif import to_sarif
from golive_tui.core.record.model import Record
from golive_tui.core.record.verify import RecordCheck

FORMATS = ("markdown", "json", "sarif")  # "intoto" comes with carry-forward (docs/records.md)


def render(
    record: Record, fmt: str, check: RecordCheck | None = None, record_path: str = ""
) -> str:
    if fmt == "markdown":
        return to_markdown(record, check)
    if fmt == "json":
        return to_json(record, check)
    if fmt == "sarif":
        return json.dumps(to_sarif(record, record_path=record_path), indent=2) + "\n"
    raise ValueError(fmt)


__all__ = ["FORMATS", "render", "to_json", "to_markdown", "to_sarif"]
