"""`golive walk [PATH]`: open the walker on a repository (the default command).

Builds the walker's dependencies from the real core (checklist library, engine scan, assess,
draft store, record saving) and only then imports Textual.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from golive_tui.commands._options import PAIR_HELP, add_repo_option, repo_path
from golive_tui.commands.status import add_session_arguments
from golive_tui.core.draft import check_participant
from golive_tui.core.git.config import identity
from golive_tui.core.record.carry import CarryPlan
from golive_tui.core.workflows import Session, plan_for_walk

if TYPE_CHECKING:  # the Textual side is imported only when the walker opens
    from golive_tui.core.assess import Assessment
    from golive_tui.core.draft import Draft
    from golive_tui.tui.deps import SaveRecordFn, WalkerDeps, WalkReport


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, positional=True)
    add_session_arguments(parser)
    parser.add_argument(
        "--pair",
        action="append",
        default=[],
        metavar='"NAME <EMAIL>"',
        help=PAIR_HELP,
    )
    parser.add_argument(
        "--amend",
        action="store_true",
        help="Change a release that already has a signed record (it opens read-only otherwise; "
        "signing again replaces its signatures)",
    )


def record_saver(session: Session) -> SaveRecordFn:
    """save(draft, report, assessment) -> message, through the one save function of `golive sign`.

    Signs what the walker shows: its draft, its scan and its assessment, with the profile the
    draft was walked with; refused (with the changed paths) when the tree moved since the scan.
    """

    def save(draft: Draft, report: WalkReport, assessment: Assessment) -> str:
        from golive_tui.core.reviewed import ReviewedScan
        from golive_tui.core.workflows import save_reviewed

        if not isinstance(report, ReviewedScan):
            raise TypeError("the walker's scan did not come from Session.scan")
        result = save_reviewed(
            session.root,
            session.checklist,
            session.release,
            draft,
            report,
            assessment,
            profile=draft.profile,
        )
        return result.message

    return save


def build_deps(session: Session, pair: tuple[str, ...] = ()) -> WalkerDeps:
    from golive_tui.core.assess import assess
    from golive_tui.tui.deps import WalkerDeps

    def carry(report: WalkReport) -> CarryPlan | None:
        return plan_for_walk(session.root, session.checklist, session.release, report)

    return WalkerDeps(
        repo_root=session.root,
        checklist=session.checklist,
        release=session.release,
        store=session.store,
        scan=session.scan,
        assess=assess,
        profile=session.profile,
        pair=pair,
        identity=identity(session.root),
        save_record=record_saver(session),
        carry=carry if session.signed is None else None,  # a signed release carries nothing in
        signed=session.signed,
        read_only=session.read_only,
        opened=session.opened,
    )


def run(args: argparse.Namespace) -> int:
    pair = tuple(check_participant(p) for p in args.pair)
    session = Session.open(
        str(repo_path(args)),
        checklist=args.checklist,
        release=args.release,
        profile=args.profile,
        amend=args.amend,
    )
    return open_walker(session, pair)


def open_walker(session: Session, pair: tuple[str, ...] = ()) -> int:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        print(
            "golive: the walker needs a terminal; use `golive status` or `golive mark` in scripts",
            file=sys.stderr,
        )
        return 2
    from golive_tui.commands._output import unfiltered_streams
    from golive_tui.tui.app import GoliveApp

    app = GoliveApp(build_deps(session, pair))
    with unfiltered_streams():
        code = app.run()
    return code if isinstance(code, int) else (app.return_code or 0)
