"""`golive cosign RECORD`: add your signature (pair or reviewer) without touching the others.

Exit 0 when the signature was added; 1 when the record is malformed, already carries a bad
signature, or changed meanwhile; 2 for usage errors and when no key can sign.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("record", metavar="RECORD", help="record file or release name")
    parser.add_argument("-C", "--repo", default=".", metavar="PATH", help="repository (default: .)")
    parser.add_argument(
        "--role", choices=("reviewer", "pair", "author"), default="reviewer", help="your role"
    )


def run(args: argparse.Namespace) -> int:
    from golive_tui.core.errors import RecordError
    from golive_tui.core.gate import find_record, repo_root
    from golive_tui.core.record import (
        add_signature,
        canonical_payload,
        load_record,
        sign_record,
        verify_record,
    )

    root = repo_root(Path(args.repo))
    path = find_record(root, args.record)
    if not path.is_file():
        print(f"golive: {args.record}: no such record", file=sys.stderr)
        return 2
    current = load_record(path)
    check = verify_record(current, root, path)
    bad = [c for c in check.checks if c.verdict == "bad"] + list(check.problems)
    if bad:
        raise RecordError(
            f"{path}: refusing to cosign a record that does not verify (run `golive verify {path}`)"
        )
    for c in check.checks:
        if not c.good:
            print(f"warning: {c.signature.role} signature: {c.verdict} {c.detail}", file=sys.stderr)
    signed = sign_record(current, root, role=args.role)
    add_signature(path, signed.signatures[-1], canonical_payload(current))
    sig = signed.signatures[-1]
    print(f"{path}: added {sig.role} signature ({sig.format} {sig.key})", file=sys.stderr)
    return 0
