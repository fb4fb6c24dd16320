"""Sections with their progress; choosing one narrows the item list to it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from golive_tui.tui.present import progress_of

ALL = "__all__"


class SectionList(OptionList):
    def show(self, sections: Sequence[Any], views: Sequence[Any]) -> None:
        by_section: dict[str, list[Any]] = {}
        for view in views:
            by_section.setdefault(view.item.section, []).append(view)
        keep = self.highlighted
        done, total = progress_of(views)
        options = [Option(self._row("All sections", done, total), id=ALL)]
        for section in sections:
            done, total = progress_of(by_section.get(section.id, []))
            options.append(Option(self._row(section.title, done, total), id=section.id))
        self.clear_options()
        self.add_options(options)
        self.highlighted = keep if keep is not None and keep < len(options) else 0

    @staticmethod
    def _row(title: str, done: int, total: int) -> Content:
        style = "$success" if total and done == total else "$text-muted"
        return Content.assemble(title, " ", Content.styled(f"{done}/{total}", style))
