"""The walker's footer: the most important keys that fit the width, in their usual order.

Textual's Footer shows every binding marked `show`; at 80 columns the walker's do not all fit
and the last ones were cut off. This footer drops the least important first (RANK, least
important last), keeps `?` help and the command palette (`^p`) always, and recomputes on resize.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

#: Actions from the most to the least important; a shown binding not listed ranks last.
RANK: tuple[str, ...] = (
    "help",
    "toggle_done",
    "confirm",
    "na",
    "waive",
    "search",
    "next_remaining",
    "summary",
    "cycle_filter",
    "note",
    "open_evidence",
    "quit",
)
ALWAYS = frozenset({"help"})
PALETTE_ROOM = len("▏^p Commands ")  # docked right by Footer itself


def key_width(key_display: str, description: str) -> int:
    """Cells a compact footer key takes: `space Done ` (key, space, description, gap)."""
    return cell_len(key_display) + 1 + cell_len(description) + 1


def fitting(keys: Iterable[tuple[str, int]], room: int) -> set[str]:
    """The actions to show: by RANK while they fit in `room` cells (ALWAYS ones regardless)."""
    listed = list(keys)
    order = {action: n for n, action in enumerate(RANK)}
    chosen: set[str] = set()
    used = 0
    for action, width in sorted(listed, key=lambda kw: order.get(kw[0], len(RANK))):
        if action in ALWAYS or used + width <= room:
            chosen.add(action)
            used += width
    return chosen


class WalkerFooter(Footer):
    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        # What the footer now shows, even when that is nothing: a recompose is spared only for
        # the very keys on screen (before its bindings are ready it shows none yet).
        self._composed_keys = _keys(self.screen) if self._bindings_ready else None
        width = self._composed_width = self.size.width
        keys = [w for w in widgets if _action(w) and not w.has_class("-command-palette")]
        if width <= 0:
            yield from widgets  # not laid out yet: the resize that follows recomposes
            return
        shown = fitting(
            ((_action(w), key_width(getattr(w, "key_display", ""), _description(w))) for w in keys),
            width - PALETTE_ROOM,
        )
        kept = [w for w in widgets if w not in keys or _action(w) in shown]
        self.styles.grid_size_columns = len(kept)
        yield from kept

    _composed_width = -1
    #: The shown bindings the keys were last composed from (None: not composed yet).
    _composed_keys: tuple[tuple[object, ...], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Recompose only when the keys shown would change. The walker's bindings are
        "updated" several times as it opens (focus, the scan's states) with the same keys:
        each recompose removed and mounted a dozen keys, styling included (moby: 4 of the 5
        after the first paint changed nothing, ~160 ms of the UI's time at this machine's
        slow hours)."""
        if self._composed_keys is not None and _keys(screen) == self._composed_keys:
            self._bindings_ready = True
            return
        super().bindings_changed(screen)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._composed_width:
            self.refresh(recompose=True)


def _keys(screen: Screen[object]) -> tuple[tuple[object, ...], ...]:
    """What the footer shows of `screen`'s bindings: key, action, words, enabled state."""
    return tuple(
        (key, binding.action, binding.description, binding.tooltip, enabled, tooltip)
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show
    )


def _action(widget: Widget) -> str:
    action = getattr(widget, "action", "")
    return action.split("(", 1)[0] if isinstance(action, str) else ""


def _description(widget: Widget) -> str:
    description = getattr(widget, "description", "")
    return description if isinstance(description, str) else ""
