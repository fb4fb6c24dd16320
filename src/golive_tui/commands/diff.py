"""`golive diff A B`: items whose state, evidence or waiver changed between two releases' records."""

from __future__ import annotations

import argparse
import json
import sys

from golive_tui.commands._options import (
    add_repo_option,
    add_service_option,
    repo_path,
    service_record,
)
from golive_tui.core.record.diff import Change, Group
from golive_tui.core.text import printable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, aliases=("--repo",))
    add_service_option(parser)
    parser.add_argument(
        "old", metavar="A", help="Older record (file, release name, or SERVICE/RELEASE)"
    )
    parser.add_argument(
        "new", metavar="B", help="Newer record (file, release name, or SERVICE/RELEASE)"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="Output format (default: text)"
    )


def run(args: argparse.Namespace) -> int:
    from golive_tui.core.record.diff import diff_records
    from golive_tui.core.record.gate import repo_root
    from golive_tui.core.record.store import load_record

    root = repo_root(repo_path(args))
    paths = [service_record(args, root, ref, "diff") for ref in (args.old, args.new)]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"golive: no such record: {', '.join(missing)}", file=sys.stderr)
        return 2
    old, new = (load_record(p) for p in paths)
    changes = diff_records(old, new)
    if args.format == "json":
        data = [
            {"item": c.item, "kind": c.kind, "old": c.old, "new": c.new, "group": c.group.value}
            for c in changes
        ]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    if not changes:
        print(f"no item changed between {old.release} and {new.release}", file=sys.stderr)
    for line in diff_lines(changes, old.release):
        print(line)
    return 0


def diff_lines(changes: list[Change], old_release: str) -> list[str]:
    """Changes in meaning one per line; carried-unchanged items and file-only changes one
    summary line each (the item ids listed), so the real change is never buried."""
    lines: list[str] = []
    for c in (c for c in changes if c.group is Group.MEANING):
        # One line per change: a newline in a reason cannot fake another change.
        before, after = printable(c.old, multiline=False), printable(c.new, multiline=False)
        lines.append(
            f"{c.item}: {c.kind}: {before} -> {after}"
            if before and after
            else (f"{c.item}: {c.kind}: {after or before}")
        )
    carried = [c.item for c in changes if c.group is Group.CARRIED]
    if carried:
        lines.append(
            f"carried unchanged from {old_release}: {len(carried)} item(s): "
            + printable(", ".join(carried), multiline=False)
        )
    files = sorted({c.item for c in changes if c.group is Group.FILES})
    if files:
        lines.append(
            f"file contents changed under unchanged findings: {len(files)} item(s): "
            + printable(", ".join(files), multiline=False)
        )
    return lines
