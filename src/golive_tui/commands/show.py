"""`golive show CHECKLIST`: a checklist rendered for reading, optionally narrowed to a profile.

Drawn without Rich (`_table`): its import and table layout were half of this command's time."""

from __future__ import annotations

import argparse
import sys

from golive_tui.commands import _table
from golive_tui.commands._options import add_repo_option, repo_path
from golive_tui.commands._output import unfiltered
from golive_tui.core.checklist.library import Library, require_profile
from golive_tui.core.git.listing import repository_at
from golive_tui.core.model import Checklist, ItemKind, Priority
from golive_tui.core.text import printable

#: Badge styles: P0 must stand out in a long list.
PRIORITY_STYLE = {
    Priority.P0: "bold white on red",
    Priority.P1: "black on yellow",
    Priority.P2: "white on blue",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser)
    parser.add_argument(
        "checklist", metavar="CHECKLIST", help="Checklist id (see `golive checklists`)"
    )
    parser.add_argument(
        "--profile", metavar="P", help="Show only this profile's items (default: all items)"
    )


def run(args: argparse.Namespace) -> int:
    library = Library.discover(repository_at(repo_path(args)))
    checklist = library.get(args.checklist)
    selected: set[str] | None = None
    heading = ""
    if args.profile:
        profile = require_profile(checklist, args.profile)
        selected = set(profile.items)
        heading = f"profile {profile.id}: {profile.title} (rule: {profile.rule.value})"
    out = unfiltered(sys.stdout)
    out.write("\n".join(render(checklist, _table.Terminal.of(out), selected, heading)) + "\n")
    out.flush()
    return 0


def render(
    checklist: Checklist,
    terminal: _table.Terminal,
    selected: set[str] | None = None,
    heading: str = "",
) -> list[str]:
    """The checklist's lines: a header panel, then one table per section."""
    count = sum(1 for i in checklist.items() if selected is None or i.id in selected)
    header: list[tuple[str, str]] = [
        (checklist.title, "bold"),
        (f"{checklist.id} {checklist.version}  ·  {count} items", ""),
        (checklist.description, ""),
    ]
    if heading:
        header.append((heading, "italic"))
    lines = _table.panel(header, terminal)
    columns = (
        _table.Column("prio", 4),
        _table.Column("id", 8),  # its widest id; folded only where the terminal is narrow
        _table.Column("title", 16, 1),
        _table.Column("kind", 4),
    )
    for section in checklist.sections:
        items = [i for i in section.items if selected is None or i.id in selected]
        if not items:
            continue
        rows: list[list[_table.Cell]] = []
        for item in items:
            kind = "score 0-2" if item.kind is ItemKind.SCORE else "check"
            title = [(item.title, "")]
            if item.detect is not None:
                # Detector ids stay whole on their own line: people copy them into searches.
                proves, supports = item.detect.proves, item.detect.supports
                if proves:
                    all_of = len(proves) > 1 and item.detect.mode.value == "all"
                    label = "proves (all of)" if all_of else "proves"
                    title.append((f"{label}: " + " ".join(proves), "dim"))
                if supports:
                    title.append(("supports: " + " ".join(supports), "dim"))
            badge = (f" {item.priority.value} ", PRIORITY_STYLE[item.priority])
            rows.append([[badge], [(item.id, "cyan")], title, [(kind, "")]])
        name = printable(section.title, multiline=False)
        lines.append(name + " " + _table.styled(f"({section.id})", "dim", terminal))
        lines.extend(_table.render(columns, rows, terminal, pad_edge=True))
    if checklist.dropped and selected is None:
        lines.append(_table.styled(f"Dropped from {checklist.extends}:", "dim", terminal))
        lines.extend(
            _table.literal(f"- {d.id}: {d.reason}", "dim", terminal) for d in checklist.dropped
        )
    if checklist.narrowed_to and selected is None:
        # Both are ids checked against their patterns on load: nothing to sanitise.
        note = f"The {checklist.narrowed_to} profile of {checklist.extends}."
        lines.append(_table.styled(note, "dim", terminal))
    return lines
