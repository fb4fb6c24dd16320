"""Which earlier record a release continues from: the newest verifying, committed record of an
earlier release (never the `unreleased` working name, never a file only on disk)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from golive_tui.core.errors import RecordError
from golive_tui.core.git.release import DEFAULT_RELEASE, release_order, release_tags
from golive_tui.core.git.runner import git_out
from golive_tui.core.record.build import now_utc
from golive_tui.core.record.model import Record
from golive_tui.core.record.store import list_records, load_record, records_dir
from golive_tui.core.record.verify import verify_record
from golive_tui.core.tuples import NamedTuple


class Base(NamedTuple):
    release: str
    path: Path
    record: Record


def _committed(repo_root: Path, service: str = "") -> frozenset[str] | None:
    """Record file names of `service` committed at HEAD (None when git cannot tell: nothing
    is excluded)."""
    folder = records_dir(repo_root, service).relative_to(repo_root).as_posix()
    out = git_out(repo_root, "ls-tree", "--name-only", "-z", "HEAD", "--", f"{folder}/")
    if out is None:
        return None
    return frozenset(Path(p).name for p in out.split("\0") if p)


def _peek_created(path: Path) -> str | None:
    """A record's `created` read from its first lines, None when that is not clear-cut.

    Ordering untagged records needs only this field, so most files are never parsed; the full
    load of a chosen candidate checks the value (see `find_base`).
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    top, table, _ = head.partition("\n[")
    found = _CREATED.findall(top) if table else []
    return found[0] if len(found) == 1 else None


class Candidate(NamedTuple):
    """A record that may be the base, in preference order; `created` as predicted ("" for tags)."""

    path: Path
    created: str
    record: Record | None = None  # already parsed while ordering


def base_candidates(
    repo_root: Path, release: str, *, now: str | None = None, service: str = ""
) -> tuple[list[Candidate], list[str]]:
    """Records of earlier releases, preferred first, and why others were passed over.

    Earlier is `release_order` with the current release placed at `now`: for a tag, the records
    of lower tags (highest first); for an untagged name, untagged records created before now
    (newest first), then every tagged record (highest first). A tag with no lower tagged record
    falls back to untagged records created before now (a first tag after walks under a working
    name such as `unreleased`). The release itself is never its own base.

    Nothing is parsed here but untagged records whose `created` cannot be read from their first
    lines: a tagged record's place comes from its file name (a record whose release differs from
    its file name never verifies), so with hundreds of records only the chosen one is read.

    `service` keeps it to one service's records and tags (its own `orders/v1.4.0` and shared ones).
    """
    tags = release_tags(repo_root, service)
    stamp = now or now_utc()
    here = release_order(release, stamp, tags)
    notes: list[str] = []
    earlier: list[tuple[tuple[Any, ...], Candidate]] = []
    fallback: list[tuple[tuple[Any, ...], Candidate]] = []
    committed = _committed(repo_root, service)
    for path in list_records(repo_root, service):
        if path.stem == release:
            continue
        if path.stem == DEFAULT_RELEASE:
            continue  # a working name, not a release: what it holds was never released
        record = None
        if path.stem in tags:
            created = ""
        else:
            peeked = _peek_created(path)
            if peeked is None:
                try:
                    record = load_record(path)
                except RecordError as exc:
                    notes.append(f"{path.name}: not usable as a base: {str(exc).splitlines()[0]}")
                    continue
                peeked = record.created
            created = peeked
        key = release_order(path.stem, created, tags)
        entry = Candidate(path, created, record)
        later = not (key < here or (here[0] == 0 and key[0] == 1 and created < stamp))
        if not later and committed is not None and path.name not in committed:
            notes.append(f"{path.name}: not a base: not committed (commit it to continue from it)")
            continue
        if key < here:
            earlier.append((key, entry))
        elif here[0] == 0 and key[0] == 1 and created < stamp:
            fallback.append((key, entry))
    ordered = sorted(earlier, key=lambda e: e[0], reverse=True)
    if not any(k[0] == 0 for k, _c in earlier) and here[0] == 0:
        ordered += sorted(fallback, key=lambda e: e[0], reverse=True)
    return [c for _k, c in ordered], notes


def find_base(
    repo_root: Path,
    release: str,
    *,
    now: str | None = None,
    trust: Any = None,
    service: str = "",
) -> tuple[Base | None, tuple[str, ...]]:
    """The newest earlier record whose signatures all verify, and notes on records skipped.

    Unsigned or badly signed records are never a base: carrying answers nobody vouched for
    would launder them into the next release. Candidates are read one at a time, in order,
    and the search stops at the first that verifies.
    """
    candidates, notes = base_candidates(repo_root, release, now=now, service=service)
    if not candidates:  # the usual first release: no signing module to import (~20 ms)
        return None, tuple(notes)
    from golive_tui.core.record.signing import resolve_trust

    for cand in candidates:
        record = cand.record
        if record is None:
            try:
                record = load_record(cand.path)
            except RecordError as exc:
                notes.append(f"{cand.path.name}: not usable as a base: {str(exc).splitlines()[0]}")
                continue
        if record.release == release:
            continue
        if cand.created and record.created != cand.created:
            notes.append(f"{cand.path.name}: skipped as a base: its created field is ambiguous")
            continue
        trust = trust if trust is not None else resolve_trust(repo_root)
        check = verify_record(record, repo_root, cand.path, trust=trust)
        if check.ok:
            return Base(record.release, cand.path, record), tuple(notes)
        if not record.signatures:
            notes.append(f"{record.release}: skipped as a base: not signed")
        else:
            bad = [c.verdict for c in check.checks if not c.good] + list(check.problems)
            notes.append(f"{record.release}: skipped as a base: {', '.join(bad)}")
    return None, tuple(notes)


#: `created = "..."` as golive writes it among a record's first lines.
_CREATED = re.compile(r'^created = "([^"\\\n]*)"$', re.MULTILINE)
