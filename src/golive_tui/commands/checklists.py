"""`golive checklists`: the checklists available here, shipped and repository-local."""

from __future__ import annotations

import argparse
import json
import sys

from rich.table import Table

from golive_tui.commands._options import add_repo_option, repo_path
from golive_tui.commands._output import console
from golive_tui.core.checklist.library import Library
from golive_tui.core.git.listing import repository_at


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser)
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="Output format (default: text)"
    )


def run(args: argparse.Namespace) -> int:
    """List usable checklists on stdout; broken definitions on stderr make the exit code 1."""
    library = Library.discover(repository_at(repo_path(args)))
    entries = library.entries()
    if args.format == "json":
        rows = [
            {
                "id": e.id,
                "title": e.title,
                "version": e.version,
                "origin": e.origin,
                "path": str(e.path),
                "items": e.items,
                "profiles": list(e.profiles),
                "extends": e.extends,
                "replaces_shipped": e.replaces_shipped,
            }
            for e in entries
        ]
        print(json.dumps(rows, indent=2))
    else:
        out = console(sys.stdout)
        table = Table(title="Checklists", title_justify="left")
        for column in ("id", "title", "version", "origin", "items", "profiles"):
            table.add_column(
                column,
                justify="right" if column == "items" else "left",
                no_wrap=column in ("id", "items"),  # ids are typed back: never truncated
                overflow="fold",
            )
        for e in entries:
            origin = e.origin + (f" (extends {e.extends})" if e.extends else "")
            table.add_row(
                e.id, e.title, e.version, origin, str(e.items), ", ".join(e.profiles) or "-"
            )
        out.print(table)
        for e in entries:
            if e.replaces_shipped:
                out.print(
                    f"{e.id}: the repository's definition ({e.path}) replaces the shipped one"
                )
    for problem in library.problems:
        print(problem, file=sys.stderr)
    return 1 if library.problems else 0
