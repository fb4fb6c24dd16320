"""The item list: one row per item (state glyph, priority badge, title), keyed by item id."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets.option_list import Option

from golive_tui.core.assess import ItemView
from golive_tui.core.model import Priority, State
from golive_tui.tui.present import item_row
from golive_tui.tui.widgets.rows import RowList

#: What an item's row shows: its state, expired waiver, applicability, score, title, priority.
RowKey = tuple[State, bool, bool, int | None, str, Priority]


class ItemList(RowList):
    """Rebuilt from item views on every change, keeping the highlighted item where it was."""

    _rows: tuple[tuple[str, RowKey], ...] = ()

    def show(self, views: Sequence[ItemView], keep: str | None = None) -> None:
        rows = tuple((v.item.id, _row_key(v)) for v in views)
        if rows == self._rows:
            return  # nothing visible changed: no rebuild while the scan streams results in
        if self.replace_changed(self._rows, rows, lambda index: item_row(views[index])):
            self._rows = rows
            return
        keep = keep if keep is not None else self.current_id
        index = self.highlighted or 0
        self.clear_options()
        self.add_options([Option(item_row(v), id=v.item.id) for v in views])
        self._rows = rows
        if not views:
            return
        ids = [v.item.id for v in views]
        self.highlighted = ids.index(keep) if keep in ids else min(index, len(ids) - 1)

    @property
    def current_id(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id

    def select_id(self, item_id: str) -> bool:
        for index in range(self.option_count):
            if self.get_option_at_index(index).id == item_id:
                self.highlighted = index
                return True
        return False


def _row_key(view: ItemView) -> RowKey:
    answer = view.answer
    return (
        view.state,
        view.waiver_expired,
        view.applicable,
        answer.score if answer is not None else None,
        view.item.title,
        view.item.priority,
    )
