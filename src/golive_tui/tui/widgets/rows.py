"""A list of one-row options (the walker's sections and items) that repaints only what changed.

OptionList repaints every visible row whenever anything about it changes: its highlight, one
option's prompt (which also drops every row it had drawn), its border's titles. In the walker
that made each key a repaint of both lists: a cursor move redrew the item list's ~37 rows
(~11 ms of moby's ~80 ms from key to paint); an answer redrew the item list three times and
rebuilt the section list (~35 ms of list drawing a key).

Every option here is one row: prompts are single-line Content and app.tcss sets `text-wrap:
nowrap` on both lists, so a new prompt never changes where the other rows are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

from textual.content import Content
from textual.geometry import Region
from textual.reactive import reactive
from textual.visual import VisualType
from textual.widgets import OptionList


@runtime_checkable
class _DrawnRows(Protocol):
    """What RowList uses of OptionList's render cache (textual.cache.LRUCache)."""

    def keys(self) -> Iterable[object]: ...
    def discard(self, key: object) -> None: ...


class RowList(OptionList):
    """An OptionList of one-row options that repaints the rows a change touches."""

    # Not a repaint of every row: `watch_highlighted` repaints the row left and the row reached.
    highlighted: reactive[int | None] = reactive(None, repaint=False)
    _left: int | None = None  # the row the highlight is on (to repaint when it leaves)
    _titles: tuple[object, object] = (None, None)

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        self._repaint_rows(self._left, highlighted)
        self._left = highlighted

    def _repaint_rows(self, *indexes: int | None) -> None:
        """Mark the rows of these options dirty (in content coordinates, as shown now)."""
        # OptionList's line map is its own (`_index_to_line`, `_heights`): without it, the
        # whole list is repainted, as OptionList itself does.
        lines = getattr(self, "_index_to_line", None)
        heights = getattr(self, "_heights", None)
        if not isinstance(lines, Mapping) or not isinstance(heights, Mapping):
            self.refresh()
            return
        top, width = self.scroll_offset.y, self.scrollable_content_region.width
        for index in indexes:
            if index is not None and index in lines:
                self.refresh(Region(0, lines[index] - top, width, heights[index]))

    def _replace_option_prompt(self, index: int, prompt: VisualType) -> None:
        """The option's new prompt, drawn in its own row: the rows drawn for that option are
        dropped from OptionList's render cache (keyed by the option first), the others kept.
        Without those internals, OptionList's own way (every row drawn again)."""
        option = self.get_option_at_index(index)
        cache = getattr(self, "_option_render_cache", None)
        set_prompt = getattr(option, "_set_prompt", None)
        if set_prompt is None or not isinstance(cache, _DrawnRows):
            super()._replace_option_prompt(index, prompt)
            return
        set_prompt(prompt)
        drawn = list(cache.keys())  # LRUCache: keys(), no iteration of its own
        for key in drawn:
            if isinstance(key, tuple) and key and key[0] is option:
                cache.discard(key)
        self._repaint_rows(index)

    def replace_changed(
        self,
        shown: Sequence[tuple[str, object]],
        rows: Sequence[tuple[str, object]],
        prompt: Callable[[int], VisualType],
    ) -> bool:
        """When `rows` ((option id, what its row shows), in order) are the options `shown`,
        each row whose part changed gets its new prompt (`prompt(index)`) in place: True (an
        answer changes one item row and one or two section counts). False when the options
        differ, for the caller to build the list again."""
        if [key for key, _ in rows] != [key for key, _ in shown]:
            return False
        for index, (row, was) in enumerate(zip(rows, shown, strict=True)):
            if row != was:
                self.replace_option_prompt_at_index(index, prompt(index))
        return True

    def set_titles(self, title: Content | str, subtitle: Content | str = "") -> None:
        """The border's title and subtitle, set only when they say something new (setting
        either repaints every row)."""
        if (title, subtitle) != self._titles:
            self._titles = (title, subtitle)
            self.border_title = title
            self.border_subtitle = subtitle
