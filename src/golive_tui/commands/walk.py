"""`golive walk [PATH]`: open the walker on a repository (the default command).

Builds the walker's dependencies from the real core (checklist library, engine scan, assess,
draft store, record saving) and only then imports Textual.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from golive_tui.commands._options import PAIR_HELP, add_repo_option, named_service, repo_path
from golive_tui.commands.status import add_session_arguments, open_session
from golive_tui.core.draft import check_participant
from golive_tui.core.git.config import identity
from golive_tui.core.record.carry import CarryPlan
from golive_tui.core.workflows import Session, plan_for_walk

if TYPE_CHECKING:  # the Textual side is imported only when the walker opens
    from golive_tui.core.assess import Assessment
    from golive_tui.core.draft import Draft
    from golive_tui.core.scan.apart import ScanApart
    from golive_tui.core.services.model import ServiceMap
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
            service=session.service,
        )
        return result.message

    return save


def build_deps(
    session: Session, pair: tuple[str, ...] = (), scan: ScanApart | None = None
) -> WalkerDeps:
    """The real walker's dependencies. The scan runs in a process of its own (core.scan.apart),
    `scan` when it was started already for this session's repository and service, else it
    starts here: it runs while Textual loads and lays out the first screen."""
    from golive_tui.core.assess import assess
    from golive_tui.core.scan.apart import ScanApart
    from golive_tui.core.scan.cores import idle_core
    from golive_tui.tui.deps import WalkerDeps

    if scan is None or (scan.repo_root, scan.service) != (session.root, session.service):
        scan = ScanApart(session.root, session.service, start=idle_core())

    def carry(report: WalkReport) -> CarryPlan | None:
        return plan_for_walk(
            session.root, session.checklist, session.release, report, service=session.service
        )

    return WalkerDeps(
        repo_root=session.root,
        checklist=session.checklist,
        release=session.release,
        store=session.store,
        scan=scan,  # Session.scan, in a child process
        stop_scan=scan.close,
        # Only a scan that started before the walk can be done before it (on a busy machine
        # it starts after the first paint, and the walk then waits for that paint to scan).
        scan_ready=scan.ready if scan.started else None,
        assess=assess,
        profile=session.profile,
        pair=pair,
        identity=identity(session.root),
        save_record=record_saver(session),
        carry=carry if session.signed is None else None,  # a signed release carries nothing in
        signed=session.signed,
        read_only=session.read_only,
        opened=session.opened,
        service=session.service,
    )


def run(args: argparse.Namespace) -> int:
    from golive_tui.core.git.listing import remembering_roots, worktree_root
    from golive_tui.core.services.choice import remember_service, scope_of, services_of

    pair = tuple(check_participant(p) for p in args.pair)

    scan = None
    try:
        with remembering_roots():  # the folder is located once, here (the session asks too)
            root = worktree_root(repo_path(args))
            smap = services_of(root)
            scope = scope_of(root, named_service(args, root), smap=smap)
            if scope is None:  # several services, none named: ask which (the last one first)
                if not _on_terminal():
                    return 2
                scope = pick_service(root, smap)
                if scope is None:
                    return 0
            if scope:
                remember_service(root, scope)
            # The scan starts before the session opens (checklists parsed, drafts and records
            # read) and before Textual loads, when a core is idle: on moby a warm scan is done
            # by the time the walk is drawn. On a busy machine it starts after the first paint.
            from golive_tui.core.scan.apart import ScanApart
            from golive_tui.core.scan.cores import idle_core

            scan = ScanApart(root, scope) if _tty() and idle_core() else None
            session = open_session(args, "walk", scope)
        return open_walker(session, pair, scan)
    finally:
        if scan is not None:
            scan.close()


def pick_service(root: Path, smap: ServiceMap) -> str | None:
    """The picker screen: which service to walk (None when the user quits)."""
    from golive_tui.commands._output import unfiltered_streams
    from golive_tui.core.services.choice import last_service
    from golive_tui.tui.screens.service_picker import ServicePickerApp

    app = ServicePickerApp(smap.services, last_service(root))
    with unfiltered_streams():
        chosen = app.run()
    return chosen if isinstance(chosen, str) and chosen else None


def _tty() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _on_terminal() -> bool:
    if _tty():
        return True
    print(
        "golive: the walker needs a terminal; use `golive status` or `golive mark` in scripts",
        file=sys.stderr,
    )
    return False


def open_walker(session: Session, pair: tuple[str, ...] = (), scan: ScanApart | None = None) -> int:
    if not _on_terminal():
        return 2
    deps = build_deps(session, pair, scan)  # first: the scan runs while Textual is imported
    from golive_tui.commands._output import unfiltered_streams
    from golive_tui.tui.app import GoliveApp

    app = GoliveApp(deps)
    try:
        with unfiltered_streams():
            code = app.run()
    finally:
        if deps.stop_scan is not None:
            deps.stop_scan()  # a scan the walker never took (it refused to open) is stopped
    return code if isinstance(code, int) else (app.return_code or 0)
