"""`golive demo`: the walker on a throwaway copy of the bundled sample Go service.

The copy lives in a temporary folder and is committed there with a fixed identity (passed with
`git -c`, so machines without a git identity work too); nothing of the user's is touched.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from golive_tui.commands._options import PAIR_HELP
from golive_tui.core.errors import RepoError
from golive_tui.core.git.runner import git_checked

DEMO_IDENTITY = ("-c", "user.name=golive demo", "-c", "user.email=demo@golive.invalid")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--print-path",
        action="store_true",
        help="Prepare the copy, print its path and exit (for scripts and tests)",
    )
    parser.add_argument(
        "--dir", metavar="DIR", help="Make the copy in DIR (default: a new temporary folder)"
    )
    parser.add_argument(
        "--pair", action="append", default=[], metavar='"NAME <EMAIL>"', help=PAIR_HELP
    )


def sample_source() -> Path:
    """The installed package's copy of sample/, else the source checkout's."""
    shipped = resources.files("golive_tui") / "_shipped" / "sample"
    if shipped.is_dir():
        return Path(str(shipped))
    here = Path(__file__).resolve().parents[3] / "sample"
    if here.is_dir():
        return here
    raise RepoError("the bundled sample service is missing from this installation")


def _git(root: Path, *args: str) -> None:
    proc = git_checked(root, *DEMO_IDENTITY, "-c", "commit.gpgsign=false", *args)
    if proc.returncode != 0:
        raise RepoError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")


def prepare(target: Path | None = None) -> Path:
    """Copy the sample into `target` (or a new temp dir) and make it a one-commit repository."""
    base = target or Path(tempfile.mkdtemp(prefix="golive-demo-"))
    if base.exists() and not base.is_dir():
        raise RepoError(f"{base}: --dir expected a directory, got a file")
    root = base / "tides"
    if root.exists() or root.is_symlink():
        raise RepoError(f"{root} already exists; choose another --dir")
    try:
        shutil.copytree(sample_source(), root)
    except OSError as exc:
        raise RepoError(
            f"{base}: cannot copy the sample service there: {exc.strerror or exc}"
        ) from None
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "tides: initial import")
    return root


def run(args: argparse.Namespace) -> int:
    root = prepare(Path(args.dir).resolve() if args.dir else None)
    if args.print_path:
        print(root)
        return 0
    from golive_tui.commands.walk import open_walker
    from golive_tui.core.workflows import Session

    print(f"golive demo: a copy of the sample service is at {root}")
    from golive_tui.core.draft import check_participant

    pair = tuple(check_participant(p) for p in args.pair)
    return open_walker(Session.open(str(root)), pair)
