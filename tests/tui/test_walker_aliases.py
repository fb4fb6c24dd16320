"""The walker resumes a draft written before an item was renamed: the answer counts under the
item's current id (its former id is an alias)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from golive_tui.core.draft import Draft, DraftStore
from golive_tui.core.model import Answer, Checklist, Section, State
from golive_tui.tui.app import GoliveApp
from golive_tui.tui.screens.walker import WalkerScreen
from tests.tui.fakes import ME, checklist, make_deps

SIZE = (120, 40)


def _renamed() -> Checklist:
    """The fake checklist, with shutdown.drain formerly called startup.graceful-shutdown."""
    base = checklist()
    sections = []
    for section in base.sections:
        items = tuple(
            item._replace(aliases=("startup.graceful-shutdown",))
            if item.id == "shutdown.drain"
            else item
            for item in section.items
        )
        sections.append(Section(section.id, section.title, items, section.description))
    return base._replace(sections=tuple(sections))


async def test_an_answer_under_a_former_id_counts_for_the_renamed_item(repo: Path) -> None:
    old = Answer("startup.graceful-shutdown", State.DONE, by=ME)
    draft = replace(Draft.new("test-list", "v1"), answers={old.item_id: old})
    DraftStore(repo).save(draft)
    app = GoliveApp(make_deps(repo, checklist=_renamed()))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        walker = app.screen
        assert isinstance(walker, WalkerScreen)
        assert walker.view_of("shutdown.drain").state is State.DONE
        assert app.draft is not None
        assert set(app.draft.answers) == {"shutdown.drain"}
