"""How many processors this process may run on: the one count the scan (scan/cores.py) and
git's runner (git/listing.py, a layer below it) both decide from."""

from __future__ import annotations

import os


def cpus() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
