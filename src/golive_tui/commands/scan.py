"""`golive scan`: detect readiness evidence in a Go repository (text table or the JSON contract).

Only the engine is imported on this path (never Textual, nor Rich: the text table is drawn
by `_table`), so `golive scan` starts fast in either format.
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any

from golive_tui.commands._options import UsageError, add_repo_option, repo_path

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
    from golive_tui.core.git.listing import locate, remembering_roots
    from golive_tui.core.scan.memo import scan_json

    root = repo_path(args)
    with remembering_roots():  # the repository located once (its services, the scan)
        service = None
        listed = None
        if args.service:
            if args.all_code:
                raise UsageError("--service and --all-code cannot be combined")
            from golive_tui.core.services import once
            from golive_tui.core.services.choice import service_named

            # Listed as the scan lists (git writes back the stat data it refreshed), and the
            # scan takes that listing (a scan report is of the tree as it is: nothing is
            # signed with it). moby's `scan --service dockerd` listed the tree twice: with its
            # memo answering, 0.237 -> 0.183 s (20 pairs).
            service = service_named(root, args.service, refresh_index=True)
            listed = once.take_listing(locate(root).root)
        # Both formats come from the scan memo when nothing changed (memo.py), and the table
        # is drawn from the very document `--format json` prints. What it buys: `golive scan`
        # on moby, nothing changed, 0.34 -> 0.2 s (it scanned the tree again each time).
        text = scan_json(
            root,
            only=args.detectors,
            use_cache=not args.no_cache,
            include_vendor=args.include_vendor,
            commit=args.commit,
            service=service,
            all_code=args.all_code,
            listing=listed,
        )
    if args.format == "json":
        sys.stdout.write(text)
        return 0
    import json

    _print_text(json.loads(text))
    return 0


def _print_text(document: dict[str, Any]) -> None:
    """The table of a scan document (`ScanReport.to_json`, contracts/scan-json.md), drawn
    without Rich (`_table`: its import and layout were half of this command's time)."""
    from golive_tui.commands import _table
    from golive_tui.commands._output import unfiltered
    from golive_tui.core.evidence import STATUS_LABEL, Status
    from golive_tui.core.scan.detectors.catalog import shipped_catalog
    from golive_tui.core.text import printable
    from golive_tui.glyphs import STATUS_GLYPH

    glyphs = {str(s): (STATUS_GLYPH[s], STYLES[str(s)]) for s in Status}
    catalog = shipped_catalog()
    # golive's own styles around repository text that `printable` escaped first
    out = unfiltered(sys.stdout)
    term = _table.Terminal.of(out)
    lines: list[str] = []
    repo = document["repo"]
    where = repo["head"][:12] if repo["head"] else "no commit"
    if repo["commit"]:
        where = f"commit {where}"
    elif repo["branch"]:
        where = f"{repo['branch']} @ {where}"
    if repo["dirty"]:
        where += " (uncommitted changes)"
    root = _table.literal(repo["root"], "bold", term)
    lines.append(root + (f"  {printable(where, multiline=False)}" if repo["is_git"] else ""))

    results = document["detectors"]
    groups: dict[str, list[int]] = {}
    for index, result in enumerate(results):
        definition = catalog.get(result["id"])
        area = (definition.area if definition else "") or "custom"
        groups.setdefault(area, []).append(index)
    order = sorted(groups, key=lambda a: (AREA_ORDER.index(a) if a in AREA_ORDER else 99, a))

    wide = term.width >= 120  # titles only where they fit beside the summary
    columns = (
        _table.Column("", 1),
        _table.Column("detector", 24, 3, wrap=wide),
        _table.Column("summary", 20, 4),
        _table.Column("first evidence", 16, 3),
    )
    rows: list[list[_table.Cell]] = []
    for area in order:
        rows.append([(), [(area, "bold underline")], (), ()])
        for index in groups[area]:
            result = results[index]
            glyph, style = glyphs.get(result["status"], ("?", ""))
            evidence = result["evidence"]
            where_found = f"{evidence[0]['path']}:{evidence[0]['line']}" if evidence else ""
            if len(evidence) > 1:
                where_found += f" (+{len(evidence) - 1})"
            detector = [(result["id"], "bold")]
            if wide:
                detector.append((result["title"], "dim"))
            rows.append(
                [[(glyph, style)], detector, [(result["summary"], "")], [(where_found, "")]]
            )
    lines.extend(_table.render(columns, rows, term))
    legend = "  ".join(
        _table.styled(glyph, f"{style} dim", term)
        + _table.styled(f" {STATUS_LABEL[Status(status)]}", "dim", term)
        for status, (glyph, style) in glyphs.items()
    )
    lines.append(legend)
    stats = document["stats"]
    excluded = stats["excluded_for_target"]
    summary = (
        f"{stats['files']} files, {stats['go_files']} Go source files, "
        f"{stats['parsed_go_files']} parsed, {stats['cache_hits']} cache hits, "
        f"{stats['seconds']:.2f}s"
        + (
            f"; {len(excluded)} Go files outside the {stats['target']} build"
            " (not evidence; JSON stats.excluded_for_target)"
            if excluded
            else ""
        )
    )
    lines.append(_table.literal(summary, "dim", term))
    if "scope" in document:
        lines.extend(printable(line, multiline=False) for line in _scope_lines(document["scope"]))
    out.write("\n".join(lines) + "\n")
    out.flush()
    for skipped in stats["skipped"]:
        print(f"skipped {skipped['path']}: {skipped['reason']}", file=sys.stderr)
    for warning in document["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)


def _scope_lines(scope: dict[str, Any]) -> list[str]:
    """Which services the evidence is for, and the Go code left out (so nothing is hidden)."""
    names = ", ".join(f"{s['name']} ({s['main']})" for s in scope["services"])
    lines = [f"evidence from the code these services ship: {names}"]
    outside = scope["outside"]["list"]
    if not outside:
        return lines
    files = sum(o["go_files"] for o in outside)
    lines.append(
        f"outside every service: {len(outside)} package(s), {files} Go file(s) "
        "(not evidence; `golive scan --all-code` reads them)"
    )
    lines.extend(
        f"  {o['package']}  {o['go_files']} file(s): {o['reason']}"
        for o in outside[:_OUTSIDE_SHOWN]
    )
    if len(outside) > _OUTSIDE_SHOWN:
        more = len(outside) - _OUTSIDE_SHOWN
        lines.append(f"  ... {more} more (see --format json)")
    return lines


_OUTSIDE_SHOWN = 12
