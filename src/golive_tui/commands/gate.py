"""`golive gate`: the CI check. Pass only if a verified record covers HEAD and passes the profile.

Exit 0 pass, 1 fail (no record, unsigned or bad signature, another repository, HEAD changed
evidence files since the record, profile not passed, expired waiver), 2 usage errors.
In a repository of several services, without --service every service is gated and the gate
fails when one of them fails, naming it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from golive_tui.commands._options import (
    RELEASE_HELP,
    add_repo_option,
    add_service_option,
    add_trust_option,
    repo_path,
    service_scopes,
)
from golive_tui.core.record.gate import GateOutcome


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, aliases=("--repo",))
    add_service_option(parser, every="every service, each with its own record")
    parser.add_argument(
        "--profile",
        metavar="P",
        help="Profile that must pass (default: the one the record was signed with; "
        "`none`: every item must be settled)",
    )
    parser.add_argument("--release", metavar="NAME", help=RELEASE_HELP)
    add_trust_option(parser)
    parser.add_argument(
        "--format",
        choices=("text", "markdown", "json", "sarif"),
        default="text",
        help="Output format (default: text); markdown suits $GITHUB_STEP_SUMMARY, sarif code "
        "scanning",
    )
    parser.add_argument(
        "--since-record",
        action="store_true",
        help="Also fail unless every item re-asked since the last signed record was answered "
        "anew and signed in this release's record",
    )


def run(args: argparse.Namespace) -> int:
    from golive_tui.core.record.export.json_format import outcome_json
    from golive_tui.core.record.export.markdown import outcome_markdown
    from golive_tui.core.record.export.sarif import outcome_sarif
    from golive_tui.core.record.gate import evaluate_gate, repo_root
    from golive_tui.core.record.signing import resolve_trust

    root = repo_root(repo_path(args))
    scopes = service_scopes(args, root)
    # Who may sign is the repository's, not a service's: resolved once for every service's
    # gate (~8 git processes each: moby's three services, ~60 ms).
    trust = resolve_trust(root, args.trust_ref)
    outcomes = []
    for scope in scopes:
        outcome = evaluate_gate(
            root,
            release=args.release,
            profile=args.profile,
            trust_ref=args.trust_ref,
            service=scope,
            trust=trust,
        )
        if args.since_record:
            from golive_tui.core.workflows import gate_since_record

            outcome = gate_since_record(root, outcome)
        outcomes.append(outcome)
    if len(outcomes) > 1:
        return _report_all(outcomes, args.format, root)
    outcome = outcomes[0]
    if args.format == "json":
        sys.stdout.write(json.dumps(outcome_json(outcome), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "sarif":
        sys.stdout.write(json.dumps(outcome_sarif(outcome, root), indent=2) + "\n")
    elif args.format == "markdown":
        sys.stdout.write(outcome_markdown(outcome))
    else:
        sys.stdout.write(outcome_text(outcome))
    if args.format != "text" and not outcome.passed:
        print(f"golive: gate failed: {'; '.join(outcome.failures)}", file=sys.stderr)
    return 0 if outcome.passed else 1


def _report_all(outcomes: list[GateOutcome], fmt: str, root: Path) -> int:
    """Every service's gate in one report; exit 1 when any service fails, naming them."""
    from golive_tui.core.record.export.json_format import outcomes_json
    from golive_tui.core.record.export.markdown import outcomes_markdown
    from golive_tui.core.record.export.sarif import outcome_sarif

    failed = [o.service for o in outcomes if not o.passed]
    if fmt == "json":
        sys.stdout.write(json.dumps(outcomes_json(outcomes), indent=2, ensure_ascii=False) + "\n")
    elif fmt == "sarif":
        logs = [outcome_sarif(o, root) for o in outcomes]
        merged = {**logs[0], "runs": [run for log in logs for run in log["runs"]]}
        sys.stdout.write(json.dumps(merged, indent=2) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(outcomes_markdown(outcomes))
    else:
        sys.stdout.write("".join(outcome_text(o) for o in outcomes))
        if failed:
            print(
                f"gate FAIL: {len(failed)} of {len(outcomes)} services failed: {', '.join(failed)}"
            )
        else:
            print(f"gate PASS: all {len(outcomes)} services")
    if fmt != "text" and failed:
        print(f"golive: gate failed for service(s): {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def outcome_text(outcome: GateOutcome) -> str:
    verdict = "PASS" if outcome.passed else "FAIL"
    lines = [
        f"gate {verdict}: "
        + (f"service {outcome.service}, " if outcome.service else "")
        + f"release {outcome.release}"
        + (f", profile {outcome.profile}" if outcome.profile else "")
    ]
    if outcome.check:
        for c in outcome.check.checks:
            who = c.principal or c.signature.signer or c.key
            lines.append(f"  signature {c.signature.role}: {c.verdict} ({who})")
    if outcome.trust is not None:
        lines.append(f"  trust: {outcome.trust.source}")
        if outcome.trust.problem:
            lines.append(f"  trust: {outcome.trust.problem}")
    if outcome.coverage:
        lines.append(f"  covers HEAD: {outcome.coverage}")
    lines += [f"  FAIL: {f}" for f in outcome.failures]
    lines += [f"  warning: {w}" for w in outcome.warnings]
    lines += [f"  info: {i}" for i in outcome.info]
    return "\n".join(lines) + "\n"
