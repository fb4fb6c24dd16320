"""A repository's services remembered per tree: what discovery found, kept in a memo slot keyed
like the scan's (report_memo.SlotMemo), so a command asked about one service finds the
services again without running discovery when nothing it reads has changed.

Every command about one release of one service (`status --service NAME`, `walk`, `mark`,
`sign`, the gate) first asks which services the repository has (choice.py). Discovery reads
every Go file's header facts and every build, deploy and CI file, so on moby it cost a warm
`golive status --service dockerd` ~100-150 ms of its ~550 ms, besides its modules' imports.

The key is the scan memo's (memo.py says what it covers and why it cannot be stale): the tree
as git lists it (every tracked blob, which files differ and the bytes of each), everything
under `.golive/`, the vendor setting and golive's own code. Discovery is a function of exactly
those: the listing, the files' bytes and `.golive/config.toml`. The slot is sealed with the
user's secret (seal.py), so a repository that arrives with one cannot plant its services; one
that does not authenticate, decode or match is a miss, and discovery runs as before. A result
is kept only when the tree is still the one it was keyed by once discovery has read it
(listed again, as a scan that read files is), never one whose files changed under it.
"""

from __future__ import annotations

from pathlib import Path

from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan import memo
from golive_tui.core.scan.report_memo import SlotMemo
from golive_tui.core.services import once
from golive_tui.core.services.model import ServiceMap

#: Bumped when what discovery returns changes shape (part of the slot's options, so its key).
FORMAT = 1


class FoundMemo(SlotMemo):
    """The slot of a repository's services (`<options>.services`)."""

    suffix = ".services"


def services_found(root: Path, *, refresh_index: bool = False) -> ServiceMap:
    """`discover.discover(root)`: from the memo when the tree and golive are unchanged.

    `refresh_index`: git writes back the stat data its status refreshed (`golive scan`'s own
    listing does, and `scan --service` scans from this one)."""
    loc = git_listing.locate(Path(root))
    config = memo._config(loc.root)  # None without a config file: its parser not imported
    vendor = bool(config is not None and config.scan.include_vendor)
    listing = git_listing.Listing(loc, include_vendor=vendor, refresh_index=refresh_index)
    once.keep_listing(loc.root, listing)
    options = ("services", FORMAT, str(loc.root), loc.shallow, vendor)
    slot = FoundMemo.for_options(loc, options, vendor=vendor) if loc.is_git else None
    if slot is not None:
        found = slot.answer_value(listing)
        if isinstance(found, ServiceMap):
            return found
    from golive_tui.core.scan.config import load_config
    from golive_tui.core.services.discover import discover_listed

    found = discover_listed(loc, config if config is not None else load_config(loc.root), listing)
    if slot is not None and slot.digest:
        # The tree listed again (without the untracked walk) and the changed files hashed
        # again: a file edited while discovery read it keeps this result out of the memo.
        again = git_listing.Listing(loc, include_vendor=vendor, untracked=False)
        if slot.still(again):
            slot.keep_value(found)
    return found
