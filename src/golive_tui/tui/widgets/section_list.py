"""Sections with their progress; choosing one narrows the item list to it."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets.option_list import Option

from golive_tui.core.assess import ItemView
from golive_tui.core.model import Section
from golive_tui.core.text import printable
from golive_tui.tui.present import progress_of
from golive_tui.tui.widgets.rows import RowList

ALL = "__all__"


class SectionList(RowList):
    #: (section id, (title, settled, total)) per row, "All sections" first.
    _counts: list[tuple[str, tuple[str, int, int]]] = []  # noqa: RUF012 (replaced, never mutated)

    def show(self, sections: Sequence[Section], views: Sequence[ItemView]) -> None:
        by_section: dict[str, list[ItemView]] = {}
        for view in views:
            by_section.setdefault(view.item.section, []).append(view)
        keep = self.highlighted
        counts = [(ALL, ("All sections", *progress_of(views)))]
        counts += [
            (section.id, (section.title, *progress_of(by_section.get(section.id, []))))
            for section in sections
        ]
        if counts == self._counts:
            return
        if self.replace_changed(self._counts, counts, lambda index: self._row(*counts[index][1])):
            self._counts = counts
            return
        self._counts = counts
        options = [Option(self._row(*shown), id=key) for key, shown in counts]
        self.clear_options()
        self.add_options(options)
        self.highlighted = keep if keep is not None and keep < len(options) else 0

    @staticmethod
    def _row(title: str, done: int, total: int) -> Content:
        """Progress first, padded to a column, so a long title never hides it."""
        style = "$success" if total and done == total else "$text-muted"
        shown = printable(title, multiline=False)
        return Content.assemble(Content.styled(f"{done:>3}/{total:<3}", style), " ", shown)
