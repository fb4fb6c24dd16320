"""The walker and `golive status` show an item's state with the same glyph (one table)."""

from __future__ import annotations

import pytest

from golive_tui.core.assess import ItemView
from golive_tui.core.model import State
from golive_tui.glyphs import STATE_GLYPH
from golive_tui.tui.present import STATE_LOOK, state_glyph
from tests.tui.fakes import checklist


def _view(state: State, *, expired: bool = False) -> ItemView:
    item = next(iter(checklist().items()))
    return ItemView(item, state, None, None, (), True, expired)


@pytest.mark.parametrize("state", list(State))
def test_every_state_has_one_glyph_shown_by_the_walker(state: State) -> None:
    assert state in STATE_LOOK
    assert state_glyph(_view(state)).plain == STATE_GLYPH[state]


def test_an_expired_waiver_is_flagged_instead() -> None:
    assert state_glyph(_view(State.WAIVED, expired=True)).plain == "!"


def test_the_glyph_table_loads_neither_textual_nor_rich() -> None:
    import subprocess
    import sys

    code = (
        "import sys, golive_tui.glyphs;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
