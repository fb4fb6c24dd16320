"""`golive services`: the services a repository deploys, how each was found, and the main
packages that are not services (with the reason). JSON is stable (docs/services.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from golive_tui.commands._options import add_repo_option, repo_path
from golive_tui.commands._output import unfiltered
from golive_tui.core.services.model import ServiceMap

#: Version of the `golive services --format json` document.
SCHEMA = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, positional=True)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="Output format (default: text; json is stable, see docs/services.md)",
    )


def run(args: argparse.Namespace) -> int:
    """Exit 0 whenever discovery ran (a repository with no service is not an error)."""
    from golive_tui.core.services.found import services_found

    found = services_found(repo_path(args))
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(found), indent=2, ensure_ascii=False) + "\n")
        return 0
    _print_text(found)
    return 0


def to_json(found: ServiceMap) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "single": found.single,
        "services": [
            {
                "name": s.name,
                "main": s.main,
                "module": s.module,
                "declared": s.declared,
                "dockerfiles": list(s.dockerfiles),
                "manifests": list(s.manifests),
                "ci_jobs": list(s.ci_jobs),
                "links": [
                    {"kind": str(link.kind), "path": link.path, "line": link.line, "how": link.how}
                    for link in s.links
                ],
            }
            for s in found.services
        ],
        "not_services": [{"main": n.main, "reason": n.reason} for n in found.not_services],
    }


def _print_text(found: ServiceMap) -> None:
    # Lines in golive's styles around repository text escaped first, without Rich: importing
    # its console was a third of this command's time (`_table`).
    from golive_tui.commands import _table

    out = unfiltered(sys.stdout)
    term = _table.Terminal.of(out)

    def say(text: str, style: str = "") -> None:
        out.write(_table.literal(text, style, term) + "\n")

    if not found.services:
        say("no service found: golive reads the whole repository as one service", "dim")
    for s in found.services:
        say(f"{s.name}  {s.main}" + ("  (declared)" if s.declared else ""), "bold")
        if s.module:
            say(f"  module      {s.module}")
        for label, values in (
            ("dockerfiles", s.dockerfiles),
            ("manifests", s.manifests),
            ("ci jobs", s.ci_jobs),
        ):
            if values:
                say(f"  {label:<11} {', '.join(values)}")
        for link in s.links:
            where = f"{link.path}:{link.line}" if link.line else link.path
            say(f"    {link.kind}: {where}  {link.how}", "dim")
    if found.not_services:
        say("not a service", "bold")
        for n in found.not_services:
            say(f"  {n.main}  {n.reason}")
