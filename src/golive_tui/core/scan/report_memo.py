"""The report memo: a scan of the working tree whose inputs are all unchanged returns the report
the last identical scan returned, without loading a detector. `golive walk`, `status`, `mark`
and `sign` scan through here (core/reviewed.py), so they show and sign the same report.

The twin of memo.py's whole-document memo (`scan --format json`), with the same key, the same
MAC under the user's secret and the same bounds (memo.py says what the key covers and why it
cannot be stale); what it keeps is the report itself, as plain data (compact.py), in a slot of
its own. What it buys: a warm scan of moby answered from it takes 96 ms instead of 256 ms (one
process, same run; mostly `git status` now): the families' imports, the plan, 3,000 cache
lookups, the service scope and every family's `finalize` are skipped.
"""

from __future__ import annotations

import marshal
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, cast

from golive_tui.core.git import listing as git_listing
from golive_tui.core.hashing import blake2b
from golive_tui.core.scan import compact, memo, memokey, seal

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors import Registry
    from golive_tui.core.scan.report import Progress, ScanReport
    from golive_tui.core.services.model import Service

#: Bumped when what is kept changes shape (part of the slot and of the key).
FORMAT = 1


def memo_scan(
    root: Path,
    *,
    progress: Callable[[Progress], None] | None = None,
    service: Service | None = None,
    listing: git_listing.Listing | None = None,
    only: Sequence[str] | None = None,
    registry: tuple[str, Callable[[], Registry]] | None = None,
    all_code: bool = False,
) -> ScanReport:
    """`engine.scan(root, progress=progress, service=service, ...)`: from the memo when every
    input is unchanged (then `progress` hears nothing: the report is complete at once).
    `listing`: the tree as git listed it a moment ago for this scan (else listed now), used
    when it lists this repository with the same vendor setting. `only` and `all_code` as
    `scan()` takes them; `registry`: a name for the families `scan()` is to run instead of
    golive's (part of the memo's slot: golive's own code is in its key), and what builds them,
    asked on a miss only (`golive routes` runs its table's family alone, never imported on a
    hit)."""
    started = time.perf_counter()
    if listing is not None and listing.loc.root == Path(root).resolve():
        loc = listing.loc  # where the listing found the repository: no git asked again (~5 ms)
    else:
        loc = git_listing.locate(Path(root))
    located = time.perf_counter()
    config = memo._config(loc.root)
    vendor = bool(config is not None and config.scan.include_vendor)
    if listing is None or not listing.serves(loc, vendor):
        listing = git_listing.Listing(loc, include_vendor=vendor)
    options: tuple[object, ...] = ("report", FORMAT, str(loc.root), loc.shallow, vendor)
    options += (repr(service),)
    if only is not None or registry is not None or all_code:
        options += (tuple(only or ()), registry[0] if registry else "", all_code)
    slot = ReportMemo.for_options(loc, options, vendor=vendor) if loc.is_git else None
    if slot is not None:
        report = slot.report(listing, started, located)
        if report is not None:
            return report
    from golive_tui.core.scan.engine import RunInfo, prepared_scan

    info = RunInfo()
    after = memo.relisted(info, loc, vendor) if slot is not None else []
    report = prepared_scan(
        loc,
        config,
        listing,
        info,
        service=service,
        progress=progress,
        only=only,
        registry=registry[1]() if registry is not None else None,
        all_code=all_code,
    )
    # The tree checked first: git's second listing is let go before the report is encoded.
    if slot is not None and after and slot.still(after.pop()) and info.memoizable:
        slot.keep_value(report, info.pairs)
    return report


class SlotMemo(memo.Memo):
    """A memo slot that keeps one value of plain data (compact.py) for the newest tree seen
    with its options (memo.Memo keeps the printed document, one file per tree).

    Of memo.Memo it takes the key (`_key`, `still`) and nothing of its files: its own file
    (`<options><suffix>`) holds the value, read and pruned here."""

    suffix = ".slot"  # the file name's ending: each kind of value is pruned apart
    vendor: bool = False  # whether the scan reads vendor/ (part of the key)
    report_path: Path
    renders = False  # a hit is an object: no JSON (the walker's scan process: ~5 ms)

    @classmethod
    def for_options(
        cls, loc: git_listing.Location, options: tuple[object, ...], *, vendor: bool
    ) -> Self | None:
        """The slot for these options, its stored value read; None when memos cannot be used."""
        folder = memo._folder(loc)
        slot = cast("Self | None", cls.open(loc, options))
        if slot is None or folder is None:
            return None
        slot.vendor = vendor
        name = blake2b(repr(options).encode("utf-8", "surrogateescape"), digest_size=12)
        slot.report_path = folder / f"{name.hexdigest()}{cls.suffix}"
        slot.stored = slot._read()
        return slot

    def _load(self, *_args: object) -> None:
        """memo.Memo's files are never this slot's (its own are read by `_read`)."""

    def answer_value(self, listing: git_listing.Listing) -> object | None:
        """The stored value when the tree `listing` lists is the one it was kept for (the
        key is kept for `keep_value` either way); None on a miss or a value that does not
        decode."""
        status_raw, ls_raw = listing.raw()
        key = self._key(status_raw, ls_raw, self._stamp)  # golive's part made while git ran
        if key is None:
            return None
        self.digest = key
        self._listed = (status_raw, ls_raw)
        stored = self.stored
        if stored is None or stored["key"] != key or not memokey.deps_unchanged(stored["deps"]):
            return None
        try:
            value: object = compact.decode(stored["report"])
        except (ValueError, TypeError):
            return None
        return value

    def keep_value(self, value: object, pairs: int = 0) -> None:
        """Remember `value` under the key `answer_value` computed (nothing when it could not,
        or when the value would not come back exactly as it is)."""
        if not self.digest:
            return
        try:
            encoded = compact.encode(value)
            body = marshal.dumps(
                {
                    "format": FORMAT,
                    "key": self.digest,
                    "deps": memokey.deps(),
                    "report": encoded,
                    "pairs": pairs,
                }
            )
            if compact.decode(marshal.loads(body)["report"]) != value:
                return
        except ValueError:
            return  # a value the plain form cannot hold: computed again next time
        if len(body) + seal.MAC_BYTES > memo.MAX_MEMO_BYTES:
            return
        from golive_tui.core.atomic import write_atomic

        try:
            write_atomic(self.report_path, seal.sealed(self.secret, body), mode=0o600)
            _prune(self.report_path.parent, self.suffix)
        except (OSError, ValueError):
            return  # a memo is only ever a shortcut

    def _read(self) -> dict[str, Any] | None:
        data = seal.read_sealed(self.report_path, self.secret, memo.MAX_MEMO_BYTES)
        return data if _well_formed(data) else None


class ReportMemo(SlotMemo):
    """The slot of a scan's report (with the counters of the run that answers it)."""

    suffix = ".report"

    def report(
        self, listing: git_listing.Listing, started: float, located: float
    ) -> ScanReport | None:
        """The stored report on a hit, with this run's counters; None on a miss (the key is
        kept for `keep_value`)."""
        listing.raw()
        listed = time.perf_counter()
        report = self.answer_value(listing)
        if report is None:
            return None
        from golive_tui.core.scan.report import ScanReport

        if not isinstance(report, ScanReport):
            return None
        assert self.stored is not None
        now = time.perf_counter()
        timings = (
            ("locate", located - started),
            ("list", listed - located),
            ("memo", now - listed),
        )
        stats = report.stats._replace(
            seconds=now - started,
            timings=timings,
            cache_hits=self.stored["pairs"],
            files_read=self.files_read,
            parsed_go_files=0,
        )
        return report._replace(stats=stats)


def _prune(folder: Path, suffix: str) -> None:
    """Keep the memo.MAX_SLOTS most recently written slots of one kind (`suffix`)."""
    import contextlib
    import os

    reports = []
    for entry in os.scandir(folder):
        if entry.name.endswith(suffix) and entry.is_file(follow_symlinks=False):
            reports.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
    for _, path in sorted(reports, reverse=True)[memo.MAX_SLOTS :]:
        with contextlib.suppress(OSError):
            Path(path).unlink()


def _well_formed(data: object) -> bool:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return False
    types = {"key": bytes, "deps": list, "report": list, "pairs": int}
    if not all(isinstance(data.get(k), t) for k, t in types.items()):
        return False
    return all(
        isinstance(d, list)
        and len(d) == 3
        and isinstance(d[0], str)
        and all(isinstance(x, int) for x in d[1:])
        for d in data["deps"]
    )
