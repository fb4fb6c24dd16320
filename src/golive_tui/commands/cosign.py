"""`golive cosign RECORD`: add your signature (pair or reviewer) without touching the others.

Exit 0 when the signature was added; 1 when the record is malformed, already carries a bad
signature or one by the same key, changed meanwhile, or when verifiers would not know your key
(not in the allowed signers: nothing is written, the line to add is printed); 2 for usage
errors and when no key can sign.
"""

from __future__ import annotations

import argparse
import sys

from golive_tui.commands._options import (
    add_repo_option,
    add_service_option,
    add_trust_option,
    repo_path,
    service_record,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, aliases=("--repo",))
    add_service_option(parser)
    parser.add_argument(
        "record", metavar="RECORD", help="Record file, release name, or SERVICE/RELEASE"
    )
    parser.add_argument(
        "--role",
        choices=("reviewer", "pair", "author"),
        default="reviewer",
        help="Your role (default: reviewer)",
    )
    add_trust_option(parser)
    parser.add_argument(
        "--commit",
        action="store_true",
        help="Commit the record after signing (message `readiness: <release>`); your commit "
        "hooks run as for `git commit`",
    )


def run(args: argparse.Namespace) -> int:
    from golive_tui.core.errors import RecordError
    from golive_tui.core.record.canonical import canonical_payload
    from golive_tui.core.record.gate import repo_root
    from golive_tui.core.record.signing import resolve_trust
    from golive_tui.core.record.store import add_signature, load_record
    from golive_tui.core.record.verify import repository_problems, sign_record, verify_record
    from golive_tui.core.workflows import commit_record, unknown_key_notes

    root = repo_root(repo_path(args))
    path = service_record(args, root, args.record, "cosign")
    if not path.is_file():
        print(f"golive: {args.record}: no such record", file=sys.stderr)
        return 2
    current = load_record(path)
    contradicted = repository_problems(current, root)
    if contradicted:
        raise RecordError(
            f"{path}: refusing to cosign a record this repository contradicts: "
            + "; ".join(contradicted)
        )
    trust = resolve_trust(root, args.trust_ref)
    check = verify_record(current, root, path, trust=trust)
    bad = [c for c in check.checks if c.verdict == "bad"] + list(check.problems)
    if bad:
        raise RecordError(
            f"{path}: refusing to cosign a record that does not verify (run `golive verify {path}`)"
        )
    for c in check.checks:
        if not c.good:
            print(f"warning: {c.signature.role} signature: {c.verdict} {c.detail}", file=sys.stderr)
    if trust.changed:
        print(f"warning: {trust.changed}", file=sys.stderr)
    signed = sign_record(current, root, role=args.role)
    sig = signed.signatures[-1]
    again = next((s for s in current.signatures if sig.key and s.key == sig.key), None)
    if again is not None:
        raise RecordError(
            f"{path}: your key {sig.key} already signed this record (as {again.role}); "
            "a second signature by the same key vouches for nothing new: another person "
            "cosigns with their own key"
        )
    unknown = unknown_key_notes(signed, root)
    if unknown:
        raise RecordError(f"{path}: not cosigned: {unknown[0]}\nthen run `golive cosign` again")
    add_signature(path, sig, canonical_payload(current))
    print(f"{path}: added {sig.role} signature ({sig.format} {sig.key})", file=sys.stderr)
    if args.commit:
        committed = commit_record(root, path, current.release)
        print(f"committed {committed[:12]}", file=sys.stderr)
    else:
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        print(
            f"next: commit it (`git add {shown} && git commit`, or cosign with --commit), "
            "then tag the release",
            file=sys.stderr,
        )
    return 0
