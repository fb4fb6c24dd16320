"""`golive sign`: scan once, assess the draft, and sign exactly what was assessed.

Exit 0 when the record was saved and signed; 1 when it was saved unsigned (no key, locked
key...: the message says how to fix it); 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys

from golive_tui.commands._options import (
    CHECKLIST_HELP,
    RELEASE_HELP,
    add_repo_option,
    add_service_option,
    repo_path,
    service_scope,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, aliases=("--repo",))
    add_service_option(parser)
    parser.add_argument("--release", metavar="NAME", help=RELEASE_HELP)
    parser.add_argument("--checklist", metavar="ID", help=CHECKLIST_HELP)
    parser.add_argument(
        "--profile",
        metavar="P",
        help="Profile (gate) the record is signed with (default: the draft's, else the config's, "
        "else the checklist's default_profile, else none; `none` chooses no profile)",
    )
    parser.add_argument(
        "--role",
        choices=("author", "pair", "reviewer"),
        default="author",
        help="Your role (default: author)",
    )
    parser.add_argument("--no-sign", action="store_true", help="Save the record without signing it")
    parser.add_argument(
        "--commit",
        action="store_true",
        help="Commit the record (message `readiness: <release>`); the only golive command that "
        "runs git hooks: your commit hooks run as for `git commit`",
    )


def run(args: argparse.Namespace) -> int:
    from golive_tui.core.record.gate import repo_root
    from golive_tui.core.workflows import save_record

    root = repo_root(repo_path(args))
    scope = service_scope(args, root, "sign")
    result = save_record(
        root,
        args.checklist,
        args.release,
        sign=not args.no_sign,
        role=args.role,
        profile=args.profile,
        commit=args.commit,
        service=scope,
    )
    print(result.path)
    print(result.message, file=sys.stderr)
    if result.committed:
        print(f"committed {result.committed[:12]}", file=sys.stderr)
    if result.record is None:
        return 1  # not saved: an existing signed record was kept as it was
    return 0 if result.signed or args.no_sign else 1
