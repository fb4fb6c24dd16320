"""Where the walk was: the selected item and the filter, kept next to the draft so reopening
resumes there. A hint, never data: anything unreadable, oversized or unknown is ignored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from golive_tui.core.atomic import write_atomic
from golive_tui.core.confine import UnsafePathError, read_capped
from golive_tui.core.draft import DraftStore

MAX_BYTES = 4096


@dataclass(frozen=True, slots=True)
class ViewState:
    item: str = ""
    filter: str = "all"


def _path(store: DraftStore, checklist_id: str, release: str) -> Path:
    draft = store.path(checklist_id, release)
    return draft.with_name(draft.name.removesuffix(".toml") + ".view.json")


def load_view(store: DraftStore, checklist_id: str, release: str) -> ViewState:
    try:
        raw = read_capped(_path(store, checklist_id, release), MAX_BYTES)
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnsafePathError, ValueError):
        return ViewState()
    if not isinstance(data, dict):
        return ViewState()
    item, name = data.get("item"), data.get("filter")
    return ViewState(
        item=item if isinstance(item, str) else "",
        filter=name if isinstance(name, str) else "all",
    )


def save_view(store: DraftStore, checklist_id: str, release: str, view: ViewState) -> None:
    try:
        text = json.dumps({"item": view.item, "filter": view.filter})
        write_atomic(_path(store, checklist_id, release), text)
    except OSError:
        pass  # a hint: losing it costs a keypress, never an answer
