"""`golive status`: the current draft as the walker sees it — items, states, sources, summary, gate.

Also home of `Session`, the headless view of one walk (repository, checklist, release, draft,
scan, assessment) that `golive walk`, `mark` and `status` all build the same way, so the walker
and the shell agree at every step. Never imports Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from golive_tui.commands import _carry as carry_view
from golive_tui.commands._options import (
    CHECKLIST_HELP,
    RELEASE_HELP,
    add_repo_option,
    add_service_option,
    repo_path,
    service_scope,
)
from golive_tui.core import workflows
from golive_tui.core.assess import Assessment, ItemView, gate_name
from golive_tui.core.draft import Draft
from golive_tui.core.git.worktree import PendingState
from golive_tui.core.model import State
from golive_tui.core.record.build import summary_of
from golive_tui.core.record.carry import CarryPlan
from golive_tui.core.record.codec import summary_to_dict
from golive_tui.core.text import printable
from golive_tui.core.verdict import STATE_LABEL, VERDICT_LABEL, Verdict
from golive_tui.core.workflows import Session
from golive_tui.glyphs import CONFIRM_GLYPH, STATE_GLYPH

if TYPE_CHECKING:  # the engine is imported only when a scan runs
    pass


def add_session_arguments(parser: argparse.ArgumentParser) -> None:
    add_service_option(parser)
    parser.add_argument("--checklist", metavar="ID", help=CHECKLIST_HELP)
    parser.add_argument("--release", metavar="NAME", help=RELEASE_HELP)
    parser.add_argument(
        "--profile",
        metavar="P",
        help="Profile (gate) the release is judged by: the one shown, signed and gated "
        "(default: the draft's, else `profile` in .golive/config.toml, else the checklist's "
        "default_profile, else none: every item must be settled; `none` chooses that)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, positional=True)
    add_session_arguments(parser)
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="Output format (default: text)"
    )
    parser.add_argument(
        "--no-scan",
        action="store_true",
        help="Skip detection (faster; detected and at-risk states are then unknown)",
    )


def open_session(
    args: argparse.Namespace, command: str, scope: str | None = None, *, scans: bool = False
) -> Session:
    """The Session of a command's arguments; `scope` when already chosen (the walker's picker),
    else from --service (an error when several services exist and none is named). `scans`: the
    command scans in this process as soon as the session is open, so the working tree's state
    that scan takes first is started now (`worktree.PendingState`, `Session.early_state`)."""
    from golive_tui.core.checklist.library import Library
    from golive_tui.core.git.listing import remembering_roots, worktree_root

    with remembering_roots():  # the folder is located once (the session and drafts ask too)
        root = worktree_root(repo_path(args))
        # git's status for the scan's state runs while the checklists load, instead of after
        # the services are found (moby, `golive status --service dockerd`: ~60 ms of ~300 in
        # process). Once it has exited, the services are found from a listing that the scan
        # then takes (services/once.py): the tree listed once, after the state (reviewed_scan
        # checks the order).
        early = PendingState.start(root) if scans else None
        try:
            library = Library.discover(root) if early is not None else None
            if early is not None:
                early.wait()
            if scope is None:
                scope = service_scope(args, root, command)
            session = Session.open(
                str(root),
                checklist=args.checklist,
                release=args.release,
                profile=args.profile,
                amend=bool(getattr(args, "amend", False)),
                service=scope,
                library=library,
            )
        except BaseException:
            if early is not None:
                early.close()
            raise
        session.early_state = early
        return session


def status_json(
    session: Session, draft: Draft | None, assessment: Assessment, plan: CarryPlan | None = None
) -> dict[str, Any]:
    s = assessment.summary
    stored = session.store.path(session.checklist.id, session.release)
    gate = assessment.gate(session.profile)
    signed = session.signed
    return {
        "checklist": {"id": session.checklist.id, "version": session.checklist.version},
        "release": session.release,
        "profile": session.profile,
        "gate": {
            "profile": gate.profile,
            "name": gate_name(gate.profile),
            "passed": gate.passed,
            "failing": list(gate.failing),
        },
        "headline": session.headline(
            draft.participants if draft is not None else (), plan.base_release if plan else ""
        ),
        "signed": None
        if signed is None
        else {
            "record": str(signed.path.relative_to(session.root)),
            "verified": signed.verified,
            "read_only": session.read_only,
            "signatures": [
                {"signer": x.signer, "role": x.role, "signed_at": x.signed_at}
                for x in signed.record.signatures
            ],
            "gate": signed.gate_text(),
        },
        "draft": str(stored) if draft is not None and not session.read_only else None,
        **({"service": session.service} if session.service else {}),
        "participants": list(draft.participants) if draft is not None else [],
        "items": [
            {
                "id": v.item.id,
                "title": v.item.title,
                "section": v.item.section,
                "priority": v.item.priority.value,
                "state": v.state.value,
                "source": v.source.value if v.source is not None else None,
                "applicable": v.applicable,
                "waiver_expired": v.waiver_expired,
                "score": v.answer.score if v.answer is not None else None,
                "note": v.answer.note if v.answer is not None else "",
                "reason": v.answer.reason if v.answer is not None else "",
                "until": v.answer.until if v.answer is not None else "",
                "by": v.answer.by if v.answer is not None else "",
                "evidence": [f"{e.path}:{e.line}" for e in v.evidence],
                **verdict_json(v),
                **carry_view.item_json(plan, v.item.id, v.answer),
            }
            for v in assessment.items
        ],
        # The record's summary shape, plus what only a walk shows: items waiting for a person's
        # confirmation and items whose detectors could not tell.
        "summary": {
            **summary_to_dict(summary_of(s)),
            "to_confirm": s.to_confirm,
            "unknown": s.unknown,
        },
        **carry_view.summary_json(plan),
    }


def verdict_json(v: ItemView) -> dict[str, Any]:
    """The evidence's side of an item (issue 11): the contract's values plus the words people read.

    `verdict` is null when no detector is linked or nothing was scanned; `na_reason` says why an
    item was set n/a automatically; `to_confirm` what a person still has to confirm.
    """
    return {
        "state_label": "waiver expired" if v.waiver_expired else STATE_LABEL[v.state],
        "verdict": v.verdict.value if v.verdict is not None else None,
        "verdict_label": VERDICT_LABEL[v.verdict] if v.verdict is not None else "",
        "detectors": [
            {
                "id": link.detector,
                "role": link.role.value,
                "status": link.status.value if link.status is not None else None,
                "label": link.label,
                "summary": link.summary,
            }
            for link in v.links
        ],
        "risks": list(v.risks),
        "na_reason": v.na_reason,
        "to_confirm": v.to_confirm,
    }


def status_text(
    session: Session, draft: Draft | None, assessment: Assessment, plan: CarryPlan | None = None
) -> str:
    s = assessment.summary
    participants = draft.participants if draft is not None else ()
    lines = [
        (f"service {session.service} · " if session.service else "")
        + f"{session.checklist.title} ({session.checklist.id} {session.checklist.version})",
        printable(
            session.headline(participants, plan.base_release if plan else ""), multiline=False
        ),
    ]
    if session.signed is not None:
        lines.append(printable(session.signed.line(), multiline=False))
        lines.append(
            f"record: {session.signed.path.relative_to(session.root)}"
            + (
                " (read-only: `golive walk --amend` changes it; signing again replaces "
                "its signatures)"
                if session.read_only
                else " (amending: a draft newer than the record holds the changes)"
            )
        )
    if not session.read_only:
        lines.append(
            "draft: "
            + (
                str(session.store.path(session.checklist.id, session.release))
                if session.store.path(session.checklist.id, session.release).is_file()
                else _no_draft_yet(session.service)
            )
        )
    lines.extend(carry_view.summary_lines(plan))
    section = ""
    for v in assessment.items:
        if v.item.section != section:
            section = v.item.section
            title = next((x.title for x in session.checklist.sections if x.id == section), section)
            lines.append(f"\n{printable(title, multiline=False)}")
        state = "waiver expired" if v.waiver_expired else STATE_LABEL[v.state]
        same = v.source is not None and v.source.value == v.state.value  # "detected (detected)"
        source = f" ({v.source.value})" if v.source is not None and not same else ""
        extra = _evidence_words(v)
        if v.answer is not None:
            if v.answer.score is not None:
                extra += f" score={v.answer.score}"
            if v.answer.until:
                extra += f" until {v.answer.until}"
            if v.answer.reason:
                extra += f" — {v.answer.reason}"
            elif v.answer.note:
                extra += f" — {v.answer.note}"
            if v.answer.carried_from:
                extra += f" (carried from {v.answer.carried_from})"
        # One line per item, whatever a note holds: a newline in it cannot fake another item.
        extra = printable(extra, multiline=False)
        glyph = CONFIRM_GLYPH if v.to_confirm else STATE_GLYPH[v.state]
        lines.append(f"  {glyph} {v.item.priority.value} {v.item.id:<32} {state}{source}{extra}")
        lines.extend(carry_view.item_lines(plan, v.item.id))
        lines.extend(f"      ⚠ {printable(risk, multiline=False)}" for risk in v.risks)
    lines.append(
        f"\n{s.done}/{s.total} done · {s.remaining} remaining · P0 open {s.p0_remaining} · "
        f"at risk {s.at_risk} · detected {s.detected} · n/a {s.na} · waived {s.waived}"
        + (f" · to confirm {s.to_confirm}" if s.to_confirm else "")
        + (f" · could not tell {s.unknown}" if s.unknown else "")
    )
    for sc in s.scores:
        value = f"{sc.value:.0f}" if sc.method.value == "weighted" else f"{sc.value:g}"
        lines.append(
            f"score {sc.title}: {value}/{sc.maximum:g}" + (f" {sc.band}" if sc.band else "")
        )
    active = assessment.gate(session.profile)
    others = [g for g in s.gates if g.profile != session.profile]
    for g in [active, *others]:
        verdict = "pass" if g.passed else f"fail ({len(g.failing)} open: {', '.join(g.failing)})"
        mark = " (this release's gate: what `golive gate` checks)" if g is active else ""
        lines.append(f"gate {gate_name(g.profile)}{mark}: {verdict}")
    return "\n".join(lines)


def _evidence_words(v: ItemView) -> str:
    """` · supporting evidence: confirm`, ` · could not tell`, ` — no file matches …`: what the
    evidence says when the state alone does not (an answered item speaks for itself)."""
    if v.answer is not None:
        return ""
    if v.state is State.NA and v.na_reason:
        return f" — {v.na_reason}"
    if v.verdict is None or v.state is not State.TODO:
        return ""
    if v.verdict is Verdict.SUPPORTED:
        return " · supporting evidence: a person confirms (golive mark ID done)"
    return f" · {VERDICT_LABEL[v.verdict]}"


def _no_draft_yet(service: str) -> str:
    if not service:
        return "none yet (golive walk or golive mark starts one)"
    return (
        f"none yet (golive walk --service {service} or golive mark --service {service} starts one)"
    )


def run(args: argparse.Namespace) -> int:
    session = open_session(args, "status", scans=not args.no_scan)
    draft = session.opened  # a signed release shows its record's answers
    report = None if args.no_scan else session.scan()
    # Carry-forward needs the scan (detectors decide what changed); without one, none is shown.
    # A signed release shows its record as signed: nothing is carried into it.
    plan = (
        None
        if report is None or session.read_only
        else workflows.plan_for_walk(
            session.root, session.checklist, session.release, report, service=session.service
        )
    )
    shown = draft
    if plan is not None and workflows.should_seed(
        session.root, draft, session.release, session.service
    ):
        shown = workflows.seed_draft(
            draft or session.new_draft(), plan
        )  # what the walk starts from
    assessment = session.assess(shown, report)
    if args.format == "json":
        json.dump(status_json(session, draft, assessment, plan), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        if report is None:
            print("(no scan: detected and at-risk states not shown)", file=sys.stderr)
        print(status_text(session, draft, assessment, plan))
    return 0
