"""The walker's keys: one Binding per action, with the footer's word and the help sentence.

Data only, kept apart from the screen so the key map reads as one table (the help screen, the
palette and the footer all show it).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

# description: the footer's word; tooltip: the sentence the help screen and palette show.
WALKER_BINDINGS: list[BindingType] = [
    Binding(
        "j,down",
        "cursor_down",
        "Next item",
        id="walk.down",
        show=False,
        tooltip="Move to the next item",
    ),
    Binding(
        "k,up",
        "cursor_up",
        "Previous item",
        id="walk.up",
        show=False,
        tooltip="Move to the previous item",
    ),
    Binding(
        "space",
        "toggle_done",
        "Done",
        id="walk.toggle",
        tooltip="Mark the item done, or back to to-do (overriding evidence asks for a note)",
    ),
    Binding(
        "y",
        "confirm",
        "Confirm",
        id="walk.confirm",
        tooltip="Confirm the item from its supporting evidence (recorded as your answer)",
    ),
    Binding(
        "n",
        "na",
        "N/A",
        id="walk.na",
        tooltip="Mark not applicable, with a reason (again clears it)",
    ),
    Binding(
        "w",
        "waive",
        "Waive",
        id="walk.waive",
        tooltip="Waive for now, with a reason and an expiry date (again clears it)",
    ),
    Binding("e,m", "note", "Note", id="walk.note", tooltip="Add or edit a note on the item"),
    Binding(
        "0",
        "score(0)",
        "Score 0",
        id="walk.score0",
        show=False,
        tooltip="Score item: level 0 of the rubric",
    ),
    Binding(
        "1",
        "score(1)",
        "Score 1",
        id="walk.score1",
        show=False,
        tooltip="Score item: level 1 of the rubric",
    ),
    Binding(
        "2",
        "score(2)",
        "Score 2",
        id="walk.score2",
        show=False,
        tooltip="Score item: level 2 of the rubric (full marks)",
    ),
    Binding(
        "o",
        "open_evidence",
        "Open",
        id="walk.open",
        tooltip="Open the selected evidence in $VISUAL / $EDITOR at its line",
    ),
    Binding(
        "x",
        "next_evidence",
        "Next evidence",
        id="walk.next_evidence",
        show=False,
        tooltip="Select the item's next piece of evidence",
    ),
    Binding(
        "g",
        "next_remaining",
        "Next open",
        id="walk.next_remaining",
        tooltip="Jump to the next item still open",
    ),
    Binding(
        "f",
        "cycle_filter",
        "Filter",
        id="walk.filter",
        tooltip="Cycle the filter: all, remaining, P0, at risk, detected, to confirm",
    ),
    Binding(
        "c",
        "filter_changed",
        "Changed",
        id="walk.changed",
        show=False,
        tooltip="Show only what changed since the last release's record",
    ),
    Binding(
        "slash",
        "search",
        "Search",
        id="walk.search",
        priority=True,
        tooltip="Search items by id, title or tag (enter keeps it, esc clears it)",
    ),
    Binding(
        "r",
        "rescan",
        "Rescan",
        id="walk.rescan",
        show=False,
        tooltip="Scan the repository again for evidence",
    ),
    Binding(
        "p",
        "pair",
        "Pair",
        id="walk.pair",
        show=False,
        tooltip="Add someone walking with you as a participant",
    ),
    Binding(
        "t",
        "toggle_sections",
        "Sections",
        id="walk.sections",
        show=False,
        tooltip="Show or hide the sections pane",
    ),
    Binding(
        "s",
        "summary",
        "Summary",
        id="walk.summary",
        tooltip="Summary of the walk, then save the record",
    ),
    Binding("question_mark", "help", "Help", id="walk.help", tooltip="Show every key"),
    Binding(
        "q",
        "quit",
        "Quit",
        id="walk.quit",
        tooltip="Quit (every answer is already saved in the draft)",
    ),
]
