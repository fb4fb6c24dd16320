"""`golive walk [PATH]`: open the walker on a repository (the default command).

Builds the walker's dependencies from the real core (checklist library, engine scan, assess,
draft store, record saving) and only then imports Textual.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any

from golive_tui.commands.status import Session, add_session_arguments
from golive_tui.core.gitconfig import identity
from golive_tui.core.release import validate_release


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="repository (default: here)")
    add_session_arguments(parser)
    parser.add_argument(
        "--pair",
        action="append",
        default=[],
        metavar='"NAME <EMAIL>"',
        help="someone walking with you (repeatable); recorded as a participant",
    )


def record_saver(session: Session) -> Any:
    """save(draft, report, assessment) -> message: build the record, sign it if a key is set.

    Signing follows git's own config (gpg.format, user.signingkey); without a key the record is
    still written, marked unsigned, and the message says how to set signing up.
    """

    def save(draft: Any, report: Any, assessment: Any) -> str:
        from golive_tui.core import record as rec
        from golive_tui.core.errors import SigningError

        record = rec.build_record(
            session.root,
            session.checklist,
            draft,
            report,
            assessment,
            release=validate_release(session.release),
            profile=session.profile,
        )
        path = rec.record_path(session.root, session.release)
        shown = path.relative_to(session.root)
        try:
            from golive_tui.core import signing
        except ImportError:
            rec.write_record(path, record)
            return f"Saved {shown} UNSIGNED (signing not available yet)."
        try:
            config = signing.signer_config(session.root)
            signed_at = rec.now_utc()
            signed = signing.sign(
                rec.signing_message(record, "author", signed_at), config, session.root
            )
        except SigningError as exc:
            with rec.record_lock(path):
                rec.write_record(path, record)
            first = str(exc).splitlines()[0]
            return f"Saved {shown} UNSIGNED: {first} (then run `golive sign`)."
        signature = rec.Signature(
            signer=config.identity,
            role="author",
            format=signed.format.value,
            key=signed.key,
            signed_at=signed_at,
            signature=signed.signature,
        )
        with rec.record_lock(path):
            rec.write_record(path, replace(record, signatures=(signature,)))
        return f"Saved and signed {shown} ({signed.format.value} key {signed.key})."

    return save


def build_deps(session: Session, pair: tuple[str, ...] = ()) -> Any:
    from golive_tui.tui.deps import WalkerDeps

    return WalkerDeps(
        repo_root=session.root,
        checklist=session.checklist,
        release=session.release,
        store=session.store,
        scan=lambda progress: session.scan(progress),
        assess=__import__("golive_tui.core.assess", fromlist=["assess"]).assess,
        profile=session.profile,
        pair=pair,
        identity=identity(session.root),
        save_record=record_saver(session),
    )


def run(args: argparse.Namespace) -> int:
    session = Session.open(
        args.path, checklist=args.checklist, release=args.release, profile=args.profile
    )
    return open_walker(session, tuple(args.pair))


def open_walker(session: Session, pair: tuple[str, ...] = ()) -> int:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        print(
            "golive: the walker needs a terminal; use `golive status` or `golive mark` in scripts",
            file=sys.stderr,
        )
        return 2
    from golive_tui.tui.app import GoliveApp

    app = GoliveApp(build_deps(session, pair))
    code = app.run()
    return code if isinstance(code, int) else (app.return_code or 0)
