"""`golive show CHECKLIST`: a checklist rendered for reading, optionally narrowed to a profile."""

from __future__ import annotations

import argparse
import sys

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from golive_tui.commands._options import add_repo_option, repo_path
from golive_tui.commands._output import console
from golive_tui.core.checklist.library import Library, require_profile
from golive_tui.core.git.listing import repository_at
from golive_tui.core.model import Checklist, ItemKind, Priority

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
    console(sys.stdout).print(render(checklist, selected, heading))
    return 0


def render(checklist: Checklist, selected: set[str] | None = None, heading: str = "") -> Group:
    """The checklist as rich renderables: a header, then one table per section."""
    count = sum(1 for i in checklist.items() if selected is None or i.id in selected)
    header = Text.assemble(
        (checklist.title, "bold"),
        f"  {checklist.id} {checklist.version}  ·  {count} items\n",
        checklist.description,
    )
    if heading:
        header.append(f"\n{heading}", style="italic")
    parts: list[Panel | Table | Text] = [Panel(header, expand=False)]
    for section in checklist.sections:
        items = [i for i in section.items if selected is None or i.id in selected]
        if not items:
            continue
        table = Table(
            title=Text.assemble(section.title, " ", (f"({section.id})", "dim")),
            title_justify="left",
            show_lines=False,
            expand=True,
        )
        table.add_column("prio", no_wrap=True)
        table.add_column("id", style="cyan", overflow="fold")
        table.add_column("title", ratio=1)
        table.add_column("kind", no_wrap=True)
        for item in items:
            kind = "score 0-2" if item.kind is ItemKind.SCORE else "check"
            title = Text(item.title)
            if item.detect is not None:
                # Detector ids stay whole on their own line: people copy them into searches.
                proves, supports = item.detect.proves, item.detect.supports
                if proves:
                    all_of = len(proves) > 1 and item.detect.mode.value == "all"
                    label = "proves (all of)" if all_of else "proves"
                    title.append(f"\n{label}: " + " ".join(proves), style="dim")
                if supports:
                    title.append("\nsupports: " + " ".join(supports), style="dim")
            table.add_row(
                Text(f" {item.priority.value} ", style=PRIORITY_STYLE[item.priority]),
                item.id,
                title,
                kind,
            )
        parts.append(table)
    if checklist.dropped and selected is None:
        dropped = "\n".join(f"- {d.id}: {d.reason}" for d in checklist.dropped)
        parts.append(Text(f"Dropped from {checklist.extends}:\n{dropped}", style="dim"))
    if checklist.narrowed_to and selected is None:
        # Both are ids checked against their patterns on load: nothing to sanitise.
        note = f"The {checklist.narrowed_to} profile of {checklist.extends}."
        parts.append(Text(note, style="dim"))
    return Group(*parts)
