"""`golive lint-checklist FILE...`: validate checklist definitions before a team relies on them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from golive_tui.commands._options import add_repo_option, repo_path
from golive_tui.core.checklist.library import lint_files, lint_warnings
from golive_tui.core.git.listing import repository_at


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser)
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="Checklist definition files (TOML) to validate",
    )


def run(args: argparse.Namespace) -> int:
    """One OK line per clean file on stdout; every problem on stderr and exit 1 otherwise.
    Warnings (the older detect shape) go to stderr and leave the exit status 0."""
    failed = False
    for path, outcome in lint_files(args.files, repository_at(repo_path(args))).items():
        if isinstance(outcome, list):
            failed = True
            for problem in outcome:
                print(problem, file=sys.stderr)
        else:
            for warning in lint_warnings(outcome, str(path)):
                print(warning, file=sys.stderr)
            profiles = len(outcome.profiles)
            print(
                f"{path}: OK ({outcome.id} {outcome.version}: {len(outcome.items())} items, "
                f"{profiles} profile{'s' if profiles != 1 else ''})"
            )
    return 1 if failed else 0
