"""`golive verify`: check every signature of readiness records (and, with --evidence, drift).

One line per signature: good / bad / unknown key / error / not signed, plus expired waivers
(reported, but they do not fail verification: a record of an old release stays authentic).
Exit 0 only if every signature of every record is good; 1 if any is bad, unknown, unsigned,
malformed or (with --evidence) drifted; 2 for usage errors.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive_tui.commands._options import (
    add_repo_option,
    add_service_option,
    add_trust_option,
    repo_path,
    service_record,
    service_scopes,
)

if TYPE_CHECKING:
    from golive_tui.core.record.model import Record
    from golive_tui.core.record.verify import RecordCheck


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_option(parser, aliases=("--repo",))
    add_service_option(parser, every="every service")
    parser.add_argument(
        "records",
        nargs="*",
        metavar="RECORD",
        help="Record files or release names (default: the current release's record)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="Verify every record in .golive/records (of every service, or of --service)",
    )
    parser.add_argument(
        "--evidence",
        action="store_true",
        help="Also re-run the detectors on each record's commit; list evidence that no longer holds",
    )
    add_trust_option(parser)


# Long on purpose: the command's modes (records, --all, --evidence) and their exit codes in one
# readable flow.
def run(args: argparse.Namespace) -> int:
    from golive_tui.core.errors import GoliveError
    from golive_tui.core.git.release import resolve_release
    from golive_tui.core.record.gate import repo_root
    from golive_tui.core.record.signing import resolve_trust
    from golive_tui.core.record.store import list_records, load_record, record_path
    from golive_tui.core.workflows import evidence_drift

    if args.all and args.records:
        print("golive: verify: give RECORD arguments or --all, not both", file=sys.stderr)
        return 2
    root = repo_root(repo_path(args))
    scopes = service_scopes(args, root)
    if args.all:
        # Every service's records; in a repository of several, records filed at the top (made
        # before it had several services) are verified too.
        tops = ("",) if scopes != ("",) and args.service is None else ()
        paths = [p for scope in (*tops, *scopes) for p in list_records(root, scope)]
        if not paths:
            print(f"golive: no records in {root / '.golive' / 'records'}", file=sys.stderr)
            return 1
    elif args.records:
        paths = [service_record(args, root, r, "verify") for r in args.records]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            print(f"golive: no such record: {', '.join(missing)}", file=sys.stderr)
            return 2
    else:
        paths = []
        for scope in scopes:
            release = resolve_release(root, None, scope)
            path = record_path(root, release, scope)
            if not path.is_file():
                whose = f" of service {scope}" if scope else ""
                print(
                    f"golive: no record for release {release}{whose} ({path}); name one, "
                    "or use --all",
                    file=sys.stderr,
                )
                return 1
            paths.append(path)
    trust = resolve_trust(root, args.trust_ref)
    loaded: list[tuple[Path, Path, Record | None, str]] = []
    for path in paths:
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        try:
            loaded.append((path, shown, load_record(path), ""))
        except GoliveError as exc:
            loaded.append((path, shown, None, malformed(exc, path, shown)))
    records = [(path, record) for path, _s, record, _e in loaded if record is not None]
    checks = iter(check_all(root, records, trust))
    trees = commit_trees(root, [record.repo.commit for _p, record in records])
    ok = True
    for _path, shown, record, error in loaded:
        if record is None:
            print(error)
            ok = False
            continue
        check = next(checks)
        tree = trees.get(record.repo.commit, "")
        if tree and tree != record.repo.tree:
            problem = f"repo.tree {record.repo.tree[:12]} is not the tree of commit {record.repo.commit[:12]}"
            check = check._replace(problems=(*check.problems, problem))
        if not check.checks:
            print(f"{shown}: not signed")
        for c in check.checks:
            who = c.principal or c.signature.signer or "?"
            detail = f" — {c.detail}" if c.detail else ""
            print(
                f"{shown}: {c.verdict}: {c.signature.role} signature by {who} "
                f"({c.signature.format} {c.key or c.signature.key}){detail}"
            )
        for problem in check.problems:
            print(f"{shown}: bad: {problem}")
        for item in check.expired:
            print(f"{shown}: expired waiver: {item.id} (until {item.until or '?'}: {item.reason})")
        ok = ok and check.ok
        if args.evidence:
            try:
                drift = evidence_drift(root, record)
            except GoliveError as exc:
                print(f"{shown}: evidence not checked: {exc}")
                ok = False
                continue
            for d in drift:
                print(f"{shown}: drift: {d.item}: {d.reason}")
            if not drift:
                print(f"{shown}: evidence holds at {record.repo.commit[:12]}")
            ok = ok and not drift
    for line in trust.lines():
        print(line)
    return 0 if ok else 1


#: Signature checks run this many at a time: each is an ssh-keygen or gpg process.
WORKERS = 4


def check_all(root: Path, records: list[tuple[Path, Record]], trust: Any) -> list[RecordCheck]:
    """verify_record for every record, in order, a few at a time (processes, not Python, work)."""
    from concurrent.futures import ThreadPoolExecutor

    from golive_tui.core.record.verify import verify_record

    if len(records) < 2:
        return [verify_record(record, root, path, trust=trust) for path, record in records]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda pr: verify_record(pr[1], root, pr[0], trust=trust), records))


def commit_trees(root: Path, commits: list[str]) -> dict[str, str]:
    """commit -> its tree id, for the commits present (one `git cat-file --batch-check`)."""
    from golive_tui.core.git.runner import git_run

    wanted = sorted(set(commits))
    if not wanted:
        return {}
    proc = git_run(
        root,
        "cat-file",
        "--batch-check=%(objectname) %(objecttype)",
        input="".join(f"{c}^{{tree}}\n" for c in wanted),
        timeout=120,
    )
    lines = proc.stdout.splitlines() if proc is not None and proc.returncode == 0 else []
    trees: dict[str, str] = {}
    for commit, line in zip(wanted, lines, strict=False):
        oid, _, kind = line.partition(" ")
        if kind == "tree":
            trees[commit] = oid
    return trees


def malformed(exc: Exception, path: Path, shown: Path) -> str:
    """`shown[:line:col]: malformed: why`, without the full path the loader put in front."""
    message = str(exc)
    rest = message.removeprefix(str(path))
    match = re.match(r"(:\d+:\d+)?: ", rest) if rest != message else None
    if match is None:
        return f"{shown}: malformed: {message}"
    return f"{shown}{match.group(1) or ''}: malformed: {rest[match.end() :]}"
