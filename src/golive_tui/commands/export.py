"""`golive export RECORD --format markdown|json|sarif|intoto`: a record for people or other tools."""

from __future__ import annotations

import argparse
import sys

from golive_tui.commands._options import (
    add_repo_option,
    add_service_option,
    add_trust_option,
    repo_path,
    service_record,
)
from golive_tui.core.record.export import FORMATS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, aliases=("--repo",))
    add_service_option(parser)
    parser.add_argument(
        "record", metavar="RECORD", help="Record file, release name, or SERVICE/RELEASE"
    )
    parser.add_argument(
        "--format",
        choices=(*FORMATS, "intoto"),
        default="markdown",
        help="Output format (default: markdown, a PR description); json: the record's data; "
        "sarif: contrary evidence for code scanning; intoto: an in-toto Statement v1",
    )
    parser.add_argument(
        "--verify", action="store_true", help="Include signature verification results"
    )
    add_trust_option(parser)


def run(args: argparse.Namespace) -> int:
    from golive_tui.core.record.export import render
    from golive_tui.core.record.gate import repo_root
    from golive_tui.core.record.store import load_record
    from golive_tui.core.record.verify import verify_record

    root = repo_root(repo_path(args))
    path = service_record(args, root, args.record, "export")
    if not path.is_file():
        print(f"golive: {args.record}: no such record", file=sys.stderr)
        return 2
    record = load_record(path)
    check = None
    if args.verify:
        from golive_tui.core.record.signing import resolve_trust

        trust = resolve_trust(root, args.trust_ref)
        check = verify_record(record, root, path, trust=trust)
        for line in trust.lines():
            print(line, file=sys.stderr)
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    if args.format == "intoto":
        from golive_tui.core.record.export.intoto import render_statement

        sys.stdout.write(render_statement(record, root))
        return 0
    sys.stdout.write(render(record, args.format, check, rel))
    return 0
