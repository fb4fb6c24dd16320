"""`golive scan`: detect readiness evidence in a Go repository (text table or the JSON contract).

Only the engine is imported on this path (never Textual), and Rich only for the text table,
so `golive scan --format json` in CI starts fast.
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import TYPE_CHECKING

from golive_tui.commands._options import UsageError, add_repo_option, repo_path

if TYPE_CHECKING:
    from rich.console import Console

    from golive_tui.core.scan.report import ScanReport

#: Colours of the one glyph table (golive_tui.glyphs.STATUS_GLYPH), by status value. Plain
#: strings so that `--format json`, which never prints them, does not import the model (~10 ms).
STYLES = {
    "found": "green",
    "partial": "yellow",
    "contrary": "red",
    "missing": "dim",
    "not_applicable": "dim",
    "error": "magenta",
}

AREA_ORDER = (
    "service",
    "http",
    "observability",
    "data",
    "resilience",
    "security",
    "container",
    "build",
    "ci",
    "deploy",
    "docs",
    "tests",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, positional=True)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="Output format (default: text; json is the stable contract)",
    )
    parser.add_argument(
        "--detector",
        dest="detectors",
        metavar="ID",
        nargs="+",
        action="extend",
        help="Run only these detectors (default: all; see `golive detectors`)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="Ignore the scan cache (a cold scan)"
    )
    parser.add_argument(
        "--include-vendor",
        action="store_true",
        help="Also read files under vendor/ directories (default: skipped)",
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
        "--commit",
        metavar="REV",
        help="Scan this commit's tree from git objects (default: the working tree)",
    )


def run(args: argparse.Namespace) -> int:
    """Exit 0 whenever the scan ran; unscannable input raises a GoliveError (exit 2)."""
    # One short process whose objects all live until it prints: the cyclic collector's ~100
    # passes over them freed ~1,000 objects and took ~15% of its CPU (moby warm, the memo
    # missing: 199 -> 170 ms; cold, this process: ~1.0 -> ~0.8 s). Forked workers inherit it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if collecting:  # run in-process (tests, a host program): leave it as it was
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    root = repo_path(args)
    service = None
    if args.service:
        if args.all_code:
            raise UsageError("--service and --all-code cannot be combined")
        from golive_tui.core.services.choice import service_named

        service = service_named(root, args.service)
    options = {
        "only": args.detectors,
        "use_cache": not args.no_cache,
        "include_vendor": args.include_vendor,
        "commit": args.commit,
        "service": service,
        "all_code": args.all_code,
    }
    if args.format == "json":  # answered from the scan memo when nothing changed (memo.py)
        from golive_tui.core.scan.memo import scan_json

        sys.stdout.write(scan_json(root, **options))
        return 0
    from golive_tui.core.scan.engine import scan

    _print_text(scan(root, **options, refresh_index=True))
    return 0


def _print_text(report: ScanReport) -> None:
    from rich.table import Table
    from rich.text import Text

    from golive_tui.commands._output import console
    from golive_tui.core.evidence import Status
    from golive_tui.core.scan.detectors.catalog import shipped_catalog
    from golive_tui.core.verdict import STATUS_LABEL
    from golive_tui.glyphs import STATUS_GLYPH

    glyphs = {str(s): (STATUS_GLYPH[s], STYLES[str(s)]) for s in Status}
    catalog = shipped_catalog()
    out = console(sys.stdout)
    err = console(sys.stderr)
    repo = report.repo
    where = repo.head[:12] if repo.head else "no commit"
    if report.commit:
        where = f"commit {where}"
    elif repo.branch:
        where = f"{repo.branch} @ {where}"
    if repo.dirty:
        where += " (uncommitted changes)"
    out.print(Text.assemble((str(repo.root), "bold"), f"  {where}" if repo.is_git else ""))

    groups: dict[str, list[int]] = {}
    for index, result in enumerate(report.results):
        definition = catalog.get(result.id)
        area = (definition.area if definition else "") or "custom"
        groups.setdefault(area, []).append(index)
    order = sorted(groups, key=lambda a: (AREA_ORDER.index(a) if a in AREA_ORDER else 99, a))

    table = Table(show_header=True, header_style="bold", expand=False, pad_edge=False)
    table.add_column("", min_width=1, no_wrap=True)
    wide = out.width >= 120  # titles only where they fit beside the summary
    table.add_column("detector", min_width=24, ratio=3, overflow="fold", no_wrap=not wide)
    table.add_column("summary", min_width=20, ratio=4, overflow="fold")
    table.add_column("first evidence", min_width=16, ratio=3, overflow="fold")
    for area in order:
        table.add_row("", Text(area, style="bold underline"), "", "")
        for index in groups[area]:
            result = report.results[index]
            glyph, style = glyphs.get(str(result.status), ("?", ""))
            first = result.evidence[0] if result.evidence else None
            where_found = f"{first.path}:{first.line}" if first else ""
            if len(result.evidence) > 1:
                where_found += f" (+{len(result.evidence) - 1})"
            table.add_row(
                Text(glyph, style=style),
                Text(f"{result.id}\n", style="bold").append(result.title, style="dim")
                if wide
                else Text(result.id, style="bold"),
                result.summary,
                where_found,
            )
    out.print(table)
    legend = [
        Text.assemble((glyph, style), f" {STATUS_LABEL[Status(status)]}")
        for status, (glyph, style) in glyphs.items()
    ]
    out.print(Text("  ").join(legend), style="dim")
    stats = report.stats
    out.print(
        f"{stats.files} files, {stats.go_files} Go source files, "
        f"{stats.parsed_go_files} parsed, {stats.cache_hits} cache hits, {stats.seconds:.2f}s"
        + (
            f"; {len(stats.excluded_for_target)} Go files outside the {stats.target} build"
            " (not evidence; JSON stats.excluded_for_target)"
            if stats.excluded_for_target
            else ""
        ),
        style="dim",
    )
    if report.scope is not None:
        _print_scope(report, out)
    for path, reason in stats.skipped:
        err.print(f"skipped {path}: {reason}", highlight=False, markup=False)
    for warning in report.warnings:
        err.print(f"warning: {warning}", highlight=False, markup=False)


def _print_scope(report: ScanReport, out: Console) -> None:
    """Which services the evidence is for, and the Go code left out (so nothing is hidden)."""
    scope = report.scope
    assert scope is not None
    names = ", ".join(f"{s.name} ({s.main})" for s in scope.services)
    out.print(f"evidence from the code these services ship: {names}", highlight=False, markup=False)
    if not scope.outside:
        return
    files = sum(o.go_files for o in scope.outside)
    out.print(
        f"outside every service: {len(scope.outside)} package(s), {files} Go file(s) "
        "(not evidence; `golive scan --all-code` reads them)",
        highlight=False,
        markup=False,
    )
    for o in scope.outside[:_OUTSIDE_SHOWN]:
        out.print(f"  {o.package}  {o.go_files} file(s): {o.reason}", highlight=False, markup=False)
    if len(scope.outside) > _OUTSIDE_SHOWN:
        more = len(scope.outside) - _OUTSIDE_SHOWN
        out.print(f"  ... {more} more (see --format json)", highlight=False, markup=False)


_OUTSIDE_SHOWN = 12
