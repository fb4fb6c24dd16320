"""`golive routes`: the routes the shipping code registers (text, or stable JSON: docs/routes.md).

Every row is method, effective path, handler and file:line; a path the code builds at run
time is shown as written with `{name}` for the unknown part and a `partial` note.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from golive_tui.commands._options import UsageError, add_repo_option, repo_path
from golive_tui.commands._output import console, unfiltered

if TYPE_CHECKING:
    from golive_tui.core.scan.routes import RouteTable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, positional=True)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="Output format (default: text; json is stable, see docs/routes.md)",
    )
    parser.add_argument(
        "--service",
        metavar="NAME",
        help="Only the code this service ships (see `golive services`)",
    )
    parser.add_argument(
        "--all-code",
        action="store_true",
        help="Read every Go file, shipping or not (default: only code a service ships)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="Ignore the scan cache (read every file)"
    )


def run(args: argparse.Namespace) -> int:
    """Exit 0 whenever the table was built (no route is not an error); a bad path or an
    unknown service is a GoliveError (exit 2)."""
    from golive_tui.core.git.listing import remembering_roots
    from golive_tui.core.scan.routes import route_table

    root = repo_path(args)
    service = None
    with remembering_roots():  # the repository located once (its services, the table)
        if args.service:
            if args.all_code:
                raise UsageError("--service and --all-code cannot be combined")
            from golive_tui.core.services.choice import service_named

            service = service_named(root, args.service)
        table = route_table(
            root, service=service, use_cache=not args.no_cache, all_code=args.all_code
        )
    if args.format == "json":
        sys.stdout.write(json.dumps(table.to_json(), indent=2, ensure_ascii=False) + "\n")
        return 0
    _print_text(table)
    return 0


def _print_text(table: RouteTable) -> None:
    """One line per route: method, path, kind, file:line, handler (cut to fit a line).

    Lines in golive's styles around repository text escaped first, without Rich (as `golive
    services`): importing its console was most of a table the scan memo answers."""
    from golive_tui.commands import _table

    out = unfiltered(sys.stdout)
    term = _table.Terminal.of(out)

    def say(text: str, style: str = "") -> None:
        out.write(_table.literal(text, style, term) + "\n")

    if table.scope is not None:
        say(
            "routes of the code these services ship: "
            + ", ".join(s.name for s in table.scope.services),
            "dim",
        )
    if not table.routes:
        say("no route registration found", "dim")
    width = max((len(r.method) for r in table.routes), default=0)
    path_width = min(max((len(r.path) for r in table.routes), default=0), _PATH_COLUMN)
    for r in table.routes:
        kind = f"[{r.kind}]" if r.kind else ""
        handler = r.handler if len(r.handler) <= _HANDLER else r.handler[: _HANDLER - 1] + "…"
        say(f"{r.method:<{width}}  {r.path:<{path_width}}  {kind:<11} {r.file}:{r.line}  {handler}")
        if r.partial:
            say(f"{'':<{width}}  partial: {r.partial}", "yellow")
    if table.routes:
        kinds = sorted({r.kind for r in table.routes if r.kind})
        counts = ", ".join(f"{sum(1 for r in table.routes if r.kind == k)} {k}" for k in kinds)
        say(f"{len(table.routes)} routes" + (f" ({counts})" if counts else ""), "dim")
    if table.errors:  # Rich, as every command's warnings (wrapped to the terminal's width)
        err = console(sys.stderr)
        for error in table.errors:
            err.print(f"warning: routes may be missing: {error}", markup=False, highlight=False)


_PATH_COLUMN = 48
_HANDLER = 60
