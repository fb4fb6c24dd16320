"""`golive lint-checklist FILE...`: validate checklist definitions before a team relies on them.

Files under `.golive/detectors/` are the team's detector definitions and are validated as such, so
one command (and one pre-commit hook) checks everything a team's checklists rely on.
"""

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
        help="Checklist definition files (TOML) to validate; files under .golive/detectors/ are "
        "validated as detector definitions",
    )


def run(args: argparse.Namespace) -> int:
    """One OK line per clean file on stdout; every problem on stderr and exit 1 otherwise.
    Warnings (the older detect shape) go to stderr and leave the exit status 0."""
    root = repository_at(repo_path(args))
    detector_files = [p for p in args.files if _detector_file(p, root) is not None]
    failed = _lint_detectors(detector_files, root)
    checklists = [p for p in args.files if p not in detector_files]
    if not checklists:
        return 1 if failed else 0
    for path, outcome in lint_files(checklists, root).items():
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


def _detector_file(path: Path, root: Path | None) -> str | None:
    """`path` as `.golive/detectors/NAME.toml` when it is one of the repository's detector files."""
    if root is None:
        return None
    try:
        full = path.absolute().parent.resolve() / path.name  # the file itself may be a link
        rel = full.relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return None
    folder, _, name = rel.rpartition("/")
    return rel if folder == ".golive/detectors" and name.endswith(".toml") else None


def _lint_detectors(paths: list[Path], root: Path | None) -> bool:
    """Every problem of the given detector files on stderr; True when there is one."""
    if not paths or root is None:
        return False
    from golive_tui.core.scan.detectors.catalog import custom_detectors

    _defs, _extractors, problems = custom_detectors(root)
    failed = False
    for path in paths:
        rel = _detector_file(path, root) or ""
        mine = [p for p in problems if p.startswith(f"{rel}:")]
        if not path.is_file() and not mine:
            mine = [f"{path}: expected a detector file, found none"]
        for problem in mine:
            print(problem, file=sys.stderr)
        failed = failed or bool(mine)
        if not mine:
            print(f"{path}: OK (detector definitions)")
    return failed
