"""One view of a repository's services for the length of one command (`one_view`).

Apart from choice.py so that the command line can open the view without importing discovery's
modules into every command (`golive scan --format json` included).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from golive_tui.core.git.listing import Listing

#: The services found per repository root while a view is open (choice.services_of), or None:
#: found again each time they are asked for.
seen: dict[Path, object] | None = None

#: The listing each root's services were found from while a view is open (found.py), for the
#: command's scan to take (`take_listing`): one `git status` and `ls-files` fewer.
listed: dict[Path, Listing] = {}


def keep_listing(root: Path, listing: Listing) -> None:
    """Remember the listing `root`'s services were found from, while a view is open."""
    if seen is not None:
        listed[Path(root).resolve()] = listing


def take_listing(root: Path) -> Listing | None:
    """The listing `root`'s services were found from in this view, once (None: none)."""
    return listed.pop(Path(root).resolve(), None)


@contextlib.contextmanager
def one_view() -> Iterator[None]:
    """Within: a repository's services are found once and then remembered. For a command that
    reads, prints and exits: `golive status --service NAME` found them twice (to check the
    name, then to scope the scan). Never around the walker, which lives while the tree
    changes."""
    global seen
    seen = {}
    try:
        yield
    finally:
        seen = None
        listed.clear()
