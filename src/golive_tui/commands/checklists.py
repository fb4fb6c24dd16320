"""`golive checklists`: the checklists available here, shipped and repository-local."""

from __future__ import annotations

import argparse
import json
import sys

from golive_tui.commands import _table
from golive_tui.commands._options import add_repo_option, repo_path
from golive_tui.commands._output import unfiltered
from golive_tui.core.checklist.library import Library
from golive_tui.core.git.listing import repository_at
from golive_tui.core.text import printable


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
        # Drawn without Rich (`_table`): importing it was a third of this command's time.
        out = unfiltered(sys.stdout)
        term = _table.Terminal.of(out)
        columns = (
            _table.Column("id", 2, wrap=False),  # ids are typed back: never folded
            _table.Column("title", 8),
            _table.Column("version", 7),
            _table.Column("origin", 8),
            _table.Column("items", 5, wrap=False, right=True),
            _table.Column("profiles", 8),
        )
        cells: list[list[_table.Cell]] = []
        for e in entries:
            origin = e.origin + (f" (extends {e.extends})" if e.extends else "")
            profiles = ", ".join(e.profiles) or "-"
            texts = (e.id, e.title, e.version, origin, str(e.items), profiles)
            cells.append([[(text, "")] for text in texts])
        lines = [_table.styled("Checklists", "italic", term)]
        lines.extend(_table.render(columns, cells, term, pad_edge=True))
        lines.extend(
            printable(
                f"{e.id}: the repository's definition ({e.path}) replaces the shipped one",
                multiline=False,
            )
            for e in entries
            if e.replaces_shipped
        )
        out.write("\n".join(lines) + "\n")
        out.flush()
    for problem in library.problems:
        print(problem, file=sys.stderr)
    return 1 if library.problems else 0
