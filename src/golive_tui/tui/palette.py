"""Command palette provider: every walker binding (and each filter) as a searchable command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from golive_tui.tui.present import FILTERS, key_label
from golive_tui.tui.screens.walker import WalkerScreen


class WalkerCommands(Provider):
    def _walker(self) -> WalkerScreen | None:
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, WalkerScreen):
                return screen
        return None

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        walker = self._walker()
        if walker is None:
            return
        for binding in walker.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                run = partial(walker.run_action, binding.action)
                title = binding.tooltip or binding.description
                yield title, f"key: {key_label(binding)}", run
        for name, label in FILTERS:
            yield f"Filter: {label}", "show only these items", partial(walker.set_filter, name)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
