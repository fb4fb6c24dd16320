"""`golive detectors`: the detector catalog (shipped, plus the repository's own rules)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from golive_tui.commands._options import add_repo_option, repo_path
from golive_tui.core.model import DetectorDef


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, aliases=("--path",))
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help=(
            "Output format (default: text). markdown is the reference page: in golive's own "
            "checkout, `golive detectors --format markdown > docs/detectors.md` regenerates it"
        ),
    )


def _catalog(path: Path) -> tuple[list[DetectorDef], list[str]]:
    from golive_tui.core.git.listing import repository_at
    from golive_tui.core.scan.detectors.catalog import custom_detectors, shipped_catalog

    defs = list(shipped_catalog().values())
    root = repository_at(path)  # a missing PATH is an error; outside a repository, shipped only
    if root is None:
        return defs, []
    custom, _extractors, problems = custom_detectors(root)
    known = {d.id for d in defs}
    return defs + [d for d in custom if d.id not in known], problems


def markdown(defs: list[DetectorDef]) -> str:
    """The catalog as a reference page, grouped by family; every value escaped (a repository's own
    detectors are its data)."""
    from golive_tui.core.text import markdown_code, markdown_text

    lines = [
        "# Detectors",
        "",
        "Generated from the catalog by `golive detectors --format markdown`; do not edit by hand",
        "(a test checks that this page matches the shipped catalog).",
        "",
        "Each detector reports `found`, `partial`, `contrary`, `missing`, `not_applicable` or",
        "`error` (could not tell), with evidence at file:line; see the README's evidence section.",
    ]
    families: dict[str, list[DetectorDef]] = {}
    for d in defs:
        families.setdefault(d.family, []).append(d)
    for family, members in families.items():
        lines += ["", f"## {markdown_text(family)}"]
        for d in members:
            lines += [
                "",
                f"### {markdown_code(d.id)}: {markdown_text(d.title)}",
                "",
                f"- **Looks for:** {markdown_text(d.looks_for)}",
                f"- **Why:** {markdown_text(d.why)}",
                f"- **Remediation:** {markdown_text(d.remediation)}",
            ]
            if d.area:
                lines.append(f"- **Area:** {markdown_text(d.area)}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    defs, problems = _catalog(repo_path(args))
    if args.format == "markdown":
        sys.stdout.write(markdown(defs))
    elif args.format == "json":
        rows = [
            {
                "id": d.id,
                "family": d.family,
                "area": d.area,
                "title": d.title,
                "looks_for": d.looks_for,
                "why": d.why,
                "remediation": d.remediation,
            }
            for d in defs
        ]
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        # Drawn without Rich (`_table`): the catalog's long `looks for` texts made Rich's
        # layout ~3x the whole JSON listing.
        from golive_tui.commands import _table
        from golive_tui.commands._output import unfiltered

        out = unfiltered(sys.stdout)
        term = _table.Terminal.of(out)
        columns = (
            _table.Column("id", 1, 0, wrap=False),  # ids are typed back: never folded
            _table.Column("family", 1, 0, wrap=False),
            _table.Column("title", 12, 1),
            _table.Column("looks for", 16, 1),
        )
        cells: list[list[_table.Cell]] = [
            [[(d.id, "")], [(d.family, "")], [(d.title, "")], [(d.looks_for, "")]] for d in defs
        ]
        lines = [_table.styled("Detectors", "italic", term)]
        lines.extend(_table.render(columns, cells, term, pad_edge=True))
        out.write("\n".join(lines) + "\n")
        out.flush()
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0
