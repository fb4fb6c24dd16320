"""`golive lint-checklist FILE...`: validate checklist definitions before a team relies on them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from golive_tui.core.checklists import find_repo_root, lint_files


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="checklist TOML files")


def run(args: argparse.Namespace) -> int:
    """One OK line per clean file on stdout; every problem on stderr and exit 1 otherwise."""
    failed = False
    for path, outcome in lint_files(args.files, find_repo_root()).items():
        if isinstance(outcome, list):
            failed = True
            for problem in outcome:
                print(problem, file=sys.stderr)
        else:
            profiles = len(outcome.profiles)
            print(
                f"{path}: OK ({outcome.id} {outcome.version}: {len(outcome.items())} items, "
                f"{profiles} profile{'s' if profiles != 1 else ''})"
            )
    return 1 if failed else 0
