"""`golive history`: every release's record, oldest first: date, score, gate, signers."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from golive_tui.commands._options import (
    add_repo_option,
    add_service_option,
    add_trust_option,
    repo_path,
    service_scopes,
)
from golive_tui.core.assess import gate_name
from golive_tui.core.text import printable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, aliases=("--repo",))
    add_service_option(parser, every="every service")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="Output format (default: text)"
    )
    parser.add_argument("--verify", action="store_true", help="Also verify each signature")
    add_trust_option(parser)


def run(args: argparse.Namespace) -> int:
    from golive_tui.commands.verify import check_all
    from golive_tui.core.record.gate import load_all, repo_root
    from golive_tui.core.record.signing import resolve_trust

    root = repo_root(repo_path(args))
    trust = resolve_trust(root, args.trust_ref) if args.verify else None
    rows: list[dict[str, Any]] = []
    # Several services: each service's history in turn, every row naming its service.
    scopes = service_scopes(args, root)
    if scopes != ("",) and args.service is None:
        scopes = ("", *scopes)  # records filed before the repository had several services
    entries = [(scope, *entry) for scope in scopes for entry in load_all(root, scope)]
    loaded = [(path, record) for _s, path, record, _e in entries if record is not None]
    checks = iter(check_all(root, loaded, trust) if args.verify else ())
    for scope, path, record, error in entries:
        named = {"service": scope} if scope else {}
        if record is None:
            rows.append({"release": path.stem, "error": error, **named})
            continue
        verdicts = (
            [c.verdict for c in next(checks).checks]
            if args.verify
            else [""] * len(record.signatures)
        )
        if record.profile:
            found = record.gate(record.profile)
            passed = found.passed if found is not None else None
        else:  # no profile: every item must be settled, as `golive gate` reads it
            passed = not (record.summary.remaining or record.summary.at_risk)
        gate = f"{gate_name(record.profile)} {'pass' if passed else 'fail'}"
        score = record.summary.scores[0] if record.summary.scores else None
        rows.append(
            {
                "release": record.release,
                "date": record.created[:10],
                "commit": record.repo.commit[:12],
                "score": f"{score.value:g}/{score.maximum:g}"
                + (f" {score.band}" if score.band else "")
                if score
                else "",
                "gate": gate if passed is not None else "",
                "signers": [
                    f"{s.signer or s.key} ({s.role}{', ' + v if v else ''})"
                    for s, v in zip(record.signatures, verdicts, strict=True)
                ],
                **named,
            }
        )
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return 0
    if not rows:
        print("no records yet: `golive sign` writes one per release", file=sys.stderr)
        return 0
    print(history_table(rows))
    if trust is not None:
        for line in trust.lines():
            print(line, file=sys.stderr)
    return 0


HEADER = ("release", "date", "commit", "score", "gate", "signers")


def history_table(rows: list[dict[str, Any]]) -> str:
    """Aligned columns under a header row; a malformed record's error runs across the row."""
    table = [list(HEADER)]
    # Cells escaped before they are measured: columns stay aligned, one line per record.
    rows = [
        {k: printable(v, multiline=False) if isinstance(v, str) else v for k, v in row.items()}
        | {"signers": [printable(s, multiline=False) for s in row.get("signers", [])]}
        | ({"release": f"{row['service']}/{row['release']}"} if row.get("service") else {})
        for row in rows
    ]
    for row in rows:
        if "error" in row:
            table.append([row["release"], f"malformed: {row['error']}"])
            continue
        table.append(
            [
                row["release"],
                row["date"],
                row["commit"],
                row["score"] or "-",
                row["gate"] or "-",
                ", ".join(row["signers"]) or "not signed",
            ]
        )
    widths = [
        max(len(cells[i]) for cells in table if len(cells) == len(HEADER) or i == 0)
        for i in range(len(HEADER) - 1)
    ]
    lines = []
    for cells in table:
        if len(cells) == len(HEADER):
            padded = [c.ljust(w) for c, w in zip(cells, widths, strict=False)]
            lines.append("  ".join([*padded, cells[-1]]))
        else:
            lines.append(f"{cells[0].ljust(widths[0])}  {cells[1]}")
    return "\n".join(lines)
