"""The walker's footer keeps the most important keys that fit, help and the palette always."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from golive_tui.tui.app import GoliveApp
from golive_tui.tui.widgets.walker_footer import RANK, WalkerFooter, fitting
from tests.tui.fakes import make_deps
from tests.tui.test_walker import started


async def settled(app: GoliveApp, pilot: Any, width: int) -> None:
    """Wait, by state and never by time, until the footer has recomposed and laid out at `width`.

    A resize recomposes the footer and the new keys get their regions on a later refresh; on a busy
    machine that takes more than one pause, so a fixed number of pauses made the test flaky.
    """
    for _ in range(500):  # a bound, not a delay: each pass processes pending messages once
        footer = app.screen.query_one(WalkerFooter)
        keys = [w for w in footer.children if getattr(w, "action", None)]
        laid_out = all(w.region.width > 0 for w in keys)
        if footer.size.width == footer._composed_width == width and keys and laid_out:
            return
        await pilot.pause()
    raise AssertionError("the footer never settled")


def footer_keys(app: GoliveApp) -> tuple[list[Any], Any]:
    footer = app.screen.query_one(WalkerFooter)
    keys = [w for w in footer.children if getattr(w, "action", None)]
    palette = next(w for w in keys if w.has_class("-command-palette"))
    return [w for w in keys if w is not palette], palette


@pytest.mark.parametrize("width", [80, 90, 100, 120, 160])
async def test_every_shown_key_is_whole_and_help_and_palette_always_show(
    repo: Path, width: int
) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=(width, 24)) as pilot:
        await started(app, pilot)
        await settled(app, pilot, width)
        keys, palette = footer_keys(app)
        actions = [k.action for k in keys]
        assert "help" in actions
        assert palette.region.right <= width
        for key in keys:
            text = f"{key.key_display} {key.description}"
            assert key.region.width >= cell_len(text), f"{text!r} is cut"
            assert key.region.right <= palette.region.x, f"{text!r} runs under the palette"
        shown = [a for a in RANK if a in actions]
        assert shown == list(RANK[: len(shown)])  # the most important ones, none skipped
        if width >= 120:
            assert len(keys) == len(RANK)


async def test_footer_follows_a_resize(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=(120, 24)) as pilot:
        await started(app, pilot)
        await settled(app, pilot, 120)
        assert "quit" in [k.action for k in footer_keys(app)[0]]
        await pilot.resize_terminal(80, 24)
        await settled(app, pilot, 80)
        actions = [k.action for k in footer_keys(app)[0]]
        assert "quit" not in actions
        assert {"help", "search", "toggle_done"} <= set(actions)


def test_fitting_keeps_help_even_without_room() -> None:
    assert fitting([("help", 7), ("toggle_done", 11)], 0) == {"help"}
    assert fitting([("quit", 7), ("help", 7), ("toggle_done", 11)], 18) == {"help", "toggle_done"}


async def test_the_footer_recomposes_only_when_its_keys_change(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walker's bindings are "updated" several times while it opens, with the same keys:
    the footer composes its keys once, and again only when what it shows changes."""
    composed: list[int] = []
    compose = WalkerFooter.compose

    def counting(self: WalkerFooter) -> Any:
        widgets = list(compose(self))
        if widgets:
            composed.append(len(widgets))
        return iter(widgets)

    monkeypatch.setattr(WalkerFooter, "compose", counting)
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=(120, 24)) as pilot:
        await started(app, pilot)
        await settled(app, pilot, 120)
        before = len(composed)
        for _ in range(3):
            app.screen.refresh_bindings()
            await pilot.pause()
        await settled(app, pilot, 120)
        assert len(composed) == before  # the same keys: nothing mounted again
        screen = app.screen
        # False: the binding is hidden, so the keys the footer shows change
        monkeypatch.setattr(screen, "check_action", lambda action, _parameters: action != "quit")
        screen.refresh_bindings()
        for _ in range(500):  # a bound, not a delay: until the footer shows the change
            await pilot.pause()
            if "quit" not in [k.action for k in footer_keys(app)[0]]:
                break
        assert "quit" not in [k.action for k in footer_keys(app)[0]]
        assert len(composed) > before


async def test_keys_hidden_then_shown_again_come_back(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every shown binding hidden (and no palette key), then shown again: the footer shows
    them again. It compares with what it shows now, nothing, not with the last keys it drew."""
    app = GoliveApp(make_deps(repo))
    async with app.run_test(size=(120, 24)) as pilot:
        await started(app, pilot)
        await settled(app, pilot, 120)
        footer = app.screen.query_one(WalkerFooter)

        def actions() -> list[str]:
            return [w.action for w in footer.children if getattr(w, "action", None)]

        def palette_shown() -> bool:
            return any(w.has_class("-command-palette") for w in footer.children)

        async def until(done: Any) -> None:
            for _ in range(500):  # a bound, not a delay
                await pilot.pause()
                if done():
                    return

        footer.show_command_palette = False
        footer.refresh(recompose=True)
        await until(lambda: not palette_shown())
        shown = actions()
        assert shown and not palette_shown()
        screen = app.screen
        monkeypatch.setattr(screen, "check_action", lambda _action, _parameters: False)
        screen.refresh_bindings()
        await until(lambda: not actions())
        assert not actions()  # nothing composed
        monkeypatch.setattr(screen, "check_action", lambda _action, _parameters: True)
        screen.refresh_bindings()
        await until(lambda: actions() == shown)
        assert actions() == shown
