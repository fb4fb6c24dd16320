"""`golive mark ITEM done|todo|na|waived|score=N`: answer one item of the draft from the shell.

Same rules as the walker (core.draft): n/a needs --reason, a waiver --reason and --until, and
contradicting the scan's evidence needs --note. The scan runs first so overrides are caught.
"""

from __future__ import annotations

import argparse
import difflib
import sys

from golive_tui.commands._options import add_repo_option
from golive_tui.commands.status import add_session_arguments, open_session
from golive_tui.core import workflows
from golive_tui.core.draft import Draft, apply_answer, is_override
from golive_tui.core.errors import DraftError
from golive_tui.core.git.config import identity
from golive_tui.core.model import State
from golive_tui.core.verdict import Verdict, confirmation_note

STATES = {
    "done": State.DONE,
    "todo": State.TODO,
    "na": State.NA,
    "n/a": State.NA,
    "waived": State.WAIVED,
    "waive": State.WAIVED,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, aliases=("--path",))
    parser.add_argument("item", metavar="ITEM", help="Item id, e.g. shutdown.sigterm")
    parser.add_argument(
        "answer", metavar="ANSWER", help="One of done, todo, na, waived, score=0|1|2"
    )
    parser.add_argument(
        "--note", default="", metavar="TEXT", help="Note (required to contradict the evidence)"
    )
    parser.add_argument(
        "--reason", default="", metavar="TEXT", help="Why n/a or waived (required for both)"
    )
    parser.add_argument(
        "--until", default="", metavar="DATE", help="Waiver end date, YYYY-MM-DD (inclusive)"
    )
    parser.add_argument(
        "--no-scan", action="store_true", help="Skip detection (overrides then go unnoticed)"
    )
    add_session_arguments(parser)
    parser.add_argument(
        "--amend",
        action="store_true",
        help="Answer a release that already has a signed record (signing again replaces its "
        "signatures)",
    )


def parse_answer(text: str) -> tuple[State, int | None]:
    value = text.strip().lower()
    if value.startswith("score="):
        raw = value.split("=", 1)[1]
        if raw not in ("0", "1", "2"):
            raise DraftError(f"score must be 0, 1 or 2, not {raw!r}")
        return State.DONE, int(raw)
    if value not in STATES:
        raise DraftError(f"unknown answer {text!r}: use done, todo, na, waived or score=0|1|2")
    return STATES[value], None


def run(args: argparse.Namespace) -> int:
    session = open_session(args, "mark", scans=not args.no_scan)
    if session.read_only:
        raise DraftError(
            f"{session.release} has a signed record ({session.signed.path.name if session.signed else ''}); "
            "it is read-only: `golive mark --amend` changes it (signing again replaces its "
            "signatures)"
        )
    try:
        item = session.checklist.item(args.item)
    except KeyError:
        ids = [i.id for i in session.checklist.items()]
        close = [i for i in ids if args.item in i][:5] or difflib.get_close_matches(
            args.item, ids, n=3
        )
        hint = f"; did you mean {', '.join(close)}" if close else ""
        raise DraftError(
            f"checklist {session.checklist.id} has no item {args.item!r}{hint}"
        ) from None
    state, score = parse_answer(args.answer)
    report = None if args.no_scan else session.scan()
    # The item's state from evidence alone decides whether this answer overrides it.
    evidence_view = session.assess(None, report).view(item.id)
    evidence = (
        evidence_view.state if evidence_view.state in (State.DETECTED, State.AT_RISK) else None
    )
    me = identity(session.root)
    note = args.note
    if state is State.DONE and evidence_view.verdict is Verdict.SUPPORTED:
        note = confirmation_note(evidence_view.judgement, note)  # a person confirms the evidence

    def change(draft: Draft) -> Draft:
        return apply_answer(
            draft,
            item,
            state,
            evidence_state=evidence,
            score=score,
            note=note,
            reason=args.reason,
            until=args.until,
            by=me,
        )

    create = session.opened or session.new_draft()  # amending starts from the record
    if report is not None and session.load_draft() is None:
        # A first answer from the shell starts the release the way the walker would.
        plan = workflows.plan_for_walk(
            session.root, session.checklist, session.release, report, service=session.service
        )
        if plan is not None and workflows.should_seed(
            session.root, None, session.release, session.service
        ):
            create = workflows.seed_draft(create, plan)
    draft = session.store.update(session.checklist.id, session.release, change, create=create)
    view = session.assess(draft, report).view(item.id)
    override = " (overrides the evidence)" if is_override(state, evidence) else ""
    confirmed = ""
    if view.answer is not None and view.answer.note.startswith("confirmed from evidence"):
        confirmed = f" ({view.answer.note.split(';', 1)[0]})"
    print(f"{item.id}: {view.state.value}{override}{confirmed}")
    print(f"draft: {session.store.path(session.checklist.id, session.release)}", file=sys.stderr)
    return 0
