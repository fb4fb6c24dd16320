"""How many processors golive may use now: forked extraction takes a core only when it is
idle, and a scan does speculative work while git lists the tree only when a core is spare."""

from __future__ import annotations

import os

from golive_tui.core.processors import cpus as cpus  # the count this module decides from


def free_cpus(
    cpus: int, loadavg: str | os.PathLike[str] = "/proc/loadavg", total: int | None = None
) -> int:
    """How many of this process's `cpus` are not busy with other work right now: the system's
    processors (`total`) less the other runnable tasks (the fourth field of /proc/loadavg
    counts them at this instant, this process included), at most `cpus`.

    Forking pays only on an idle core: the whole cold scan of moby was 1.37x faster forked
    with the second core idle, and 0.9x (slower) with it busy. The count is the whole
    system's (a container sees its host's tasks), so it is compared with the whole system's
    processors. The 1-minute load average lags by a minute (a test run that just ended still
    counts), so it is only the fallback where /proc is missing; without either, every
    processor counts as free.
    """
    total = total or os.cpu_count() or cpus
    try:
        fd = os.open(loadavg, os.O_RDONLY)
        try:
            data = os.read(fd, 256)
        finally:
            os.close(fd)
        others = max(int(data.split()[3].split(b"/")[0]) - 1, 0)
    except (OSError, ValueError, IndexError):
        try:
            others = round(os.getloadavg()[0])
        except (OSError, AttributeError):
            others = 0
    return min(cpus, total - others)


def idle_core(loadavg: str | os.PathLike[str] = "/proc/loadavg") -> bool:
    """Whether a second core is idle now, besides this process's (`free_cpus`): for work
    started beside this process's own (the walker's scan process, git's listing).

    On a busy machine the walker's scan (Python and git's threads) takes CPU from the first
    paint instead (moby at load 9 on 2 cores, paired runs: the first screen 1.43x later from
    the process's start, the evidence 2.6x sooner), so it then starts after it."""
    return free_cpus(cpus(), loadavg) >= 2


def spare_core() -> bool:
    """Whether a second core is idle, besides this process's: git's listing can run on one
    while this process works on the other (asked before git starts).

    The moment's count of runnable tasks says so, or, when it says busy, a 1-minute load
    average that leaves a core free: the other programs of a pipeline (`golive scan | jq`)
    start in the same instant and are counted for that instant only, while a machine that
    is busy (a build, a test run) is busy on average too."""
    if idle_core():
        return True
    try:
        return os.getloadavg()[0] <= cpus() - 1
    except (OSError, AttributeError):  # no load average to tell
        return False
