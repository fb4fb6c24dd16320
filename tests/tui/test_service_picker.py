"""Pilot tests: the service picker before a walk, and the walker's header naming the service."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label, OptionList

from golive_tui.core.services.model import Service
from golive_tui.tui.app import GoliveApp
from golive_tui.tui.screens.service_picker import ServicePickerApp
from tests.tui.fakes import make_deps

SERVICES = (
    Service(name="orders", main="cmd/orders"),
    Service(name="payments", main="cmd/pay\x1b[31mments"),
)


async def test_enter_walks_the_service_walked_last() -> None:
    app = ServicePickerApp(SERVICES, last="payments")
    async with app.run_test() as pilot:
        options = app.query_one("#services", OptionList)
        assert options.highlighted == 1
        await pilot.press("enter")
    assert app.return_value == "payments"


async def test_arrow_keys_choose_another_service() -> None:
    app = ServicePickerApp(SERVICES, last="payments")
    async with app.run_test() as pilot:
        await pilot.press("up", "enter")
    assert app.return_value == "orders"


async def test_without_a_last_choice_the_first_is_offered_and_q_leaves() -> None:
    app = ServicePickerApp(SERVICES, last="gone")
    async with app.run_test() as pilot:
        assert app.query_one("#services", OptionList).highlighted == 0
        await pilot.press("q")
    assert app.return_value == ""


async def test_repository_text_in_the_list_is_shown_literally() -> None:
    app = ServicePickerApp(SERVICES)
    async with app.run_test():
        option = app.query_one("#services", OptionList).get_option("payments")
        shown = str(option.prompt)
    assert "\x1b" not in shown
    assert "cmd/pay" in shown


async def test_the_walker_header_names_the_service(repo: Path) -> None:
    app = GoliveApp(make_deps(repo, service="orders"))
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sub_title.startswith("service orders · ")
        counts = app.screen.query_one("#counts", Label)
        assert str(counts.render()).startswith("orders · 1/6 done")


async def test_a_single_service_walk_header_is_unchanged(repo: Path) -> None:
    app = GoliveApp(make_deps(repo))
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.sub_title.startswith("service")
        assert "release v1" in app.sub_title
