"""`golive init`: set a repository up for golive (config, allowed signers, a CI gate).

Shows every file it would write, as a diff, and writes nothing without confirmation: y/N on a
terminal, `--yes` in scripts, `--dry-run` to only look. A file that exists with other content is
never overwritten. Exit 0 when everything proposed is in place (written now or already there);
1 when a file differs and was left as it is, or the writes were not confirmed; 2 for usage
errors, a path that is not a repository, or a file that would lead outside it.
"""

from __future__ import annotations

import argparse
import difflib
import sys

from golive_tui.commands._options import add_repo_option, repo_path
from golive_tui.core.onboarding import Change, Plan, Proposal

_MAX_DIFF_LINES = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser)
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--yes", "-y", action="store_true", help="Write the proposed files without asking"
    )
    group.add_argument(
        "--dry-run", action="store_true", help="Show what would be written and write nothing"
    )


def run(args: argparse.Namespace) -> int:
    from golive_tui.core.git.listing import worktree_root
    from golive_tui.core.onboarding import apply, plan

    root = worktree_root(repo_path(args))
    proposed = plan(root)
    sys.stdout.write(preview(proposed))
    pending = proposed.to_write
    code = 1 if proposed.conflicts else 0
    if not pending:
        print("golive init: nothing to write" + ("" if code else ": all set"), file=sys.stderr)
        return code
    if args.dry_run:
        print(f"golive init: dry run, {len(pending)} file(s) not written", file=sys.stderr)
        return code
    if not args.yes and not _confirmed(len(pending)):
        print("golive init: nothing written", file=sys.stderr)
        return 1
    written = apply(root, pending)
    for path in written:
        print(f"wrote {path}")
    print(
        f"golive init: commit them to the default branch (git add {' '.join(written)} && git "
        "commit): .golive/allowed_signers counts once it is there",
        file=sys.stderr,
    )
    return code


def preview(proposed: Plan) -> str:
    """Every file as a diff-like block, then the notes (trust root, CI, what to run)."""
    out: list[str] = []
    if len(proposed.services) > 1:
        names = ", ".join(f"{s.name} ({s.main})" for s in proposed.services)
        out.append(f"services found: {names}\n")
    for p in proposed.proposals:
        out.append(_block(p))
    for note in proposed.notes:
        out.append(f"note: {note}\n")
    return "\n".join(out)


def _block(p: Proposal) -> str:
    if p.change is Change.SAME:
        return f"= {p.path}: already as proposed ({p.why})\n"
    if p.change is Change.CREATE:
        body = "".join(f"+{line}\n" for line in p.content.splitlines())
        return f"--- /dev/null\n+++ {p.path}  (new: {p.why})\n{body}"
    diff = list(
        difflib.unified_diff(
            p.existing.splitlines(),
            p.content.splitlines(),
            f"{p.path}  (yours, left as it is)",
            f"{p.path}  (proposed: {p.why})",
            lineterm="",
        )
    )
    shown = diff[:_MAX_DIFF_LINES]
    if len(diff) > len(shown):
        shown.append(f"... {len(diff) - len(shown)} more lines")
    return (
        f"! {p.path} exists and differs from what init proposes: never overwritten\n"
        + "\n".join(shown)
        + "\n"
    )


def _confirmed(count: int) -> bool:
    """y/N on a terminal; without one, no (scripts pass --yes)."""
    if not sys.stdin.isatty():
        print(
            "golive init: not a terminal: run with --yes to write, --dry-run to only look",
            file=sys.stderr,
        )
        return False
    try:
        answer = input(f"Write {count} file(s)? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")
