"""`golive gate`: the CI check. Pass only if a verified record covers HEAD and passes the profile.

Exit 0 pass, 1 fail (no record, unsigned or bad signature, another repository, HEAD changed
evidence files since the record, profile not passed, expired waiver), 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys

from golive_tui.commands._options import (
    RELEASE_HELP,
    add_repo_option,
    add_trust_option,
    repo_path,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, aliases=("--repo",))
    parser.add_argument(
        "--profile", metavar="P", help="Profile that must pass (default: the record's)"
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
    from golive_tui.core.gate import (
        evaluate_gate,
        outcome_json,
        outcome_markdown,
        outcome_sarif,
        outcome_text,
        repo_root,
    )

    root = repo_root(repo_path(args))
    outcome = evaluate_gate(
        root, release=args.release, profile=args.profile, trust_ref=args.trust_ref
    )
    if args.since_record:
        from golive_tui.core.carry import gate_since_record

        outcome = gate_since_record(root, outcome)
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
