"""Files read and extracted ahead, in a forked process, while this one works out the scan's
service scope.

A scan that reads many files (no cache yet, `--no-cache`) first works out which code ships
(core/services/scope.py), on one core, and only then extracts. Which non-Go files it reads
barely depends on that scope (a file is left out only when it belongs to other services
alone), and their families (CI pipelines, Dockerfiles, manifests) are a good part of the
extraction. So when a core is idle, a forked worker reads and extracts the clean non-Go files
the plan would give it while this process works out the scope. The scan then takes the
worker's answer for a file the plan gives the same families at the same blob (the worker ran
`workers.read_extract`, as the scan's own workers would, on the bytes git names by that blob)
and extracts everything else as before. A worker that died or answered garbage costs only the
work it would have saved; a file the scope then leaves out was read for nothing.

What it buys (paired runs in bench/README.md): the CI family's ~100 ms and the other non-Go
families move to the second core while the scope is worked out (the scope's own forked reads
then stay in this process, the core being busy): `--no-cache` on moby 0.91-0.96x wall at
about the same CPU and a lower peak, 8x moby 0.94x. The non-Go families, not the Go files: a
worker that went on to the Go files (taken as far as it got when the scope was ready)
measured 0.96x, extracting files the scope then left out.
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from golive_tui.core.scan import cores, workers
from golive_tui.core.scan import reader as reader_mod

if TYPE_CHECKING:
    from golive_tui.core.git.listing import RepoFile
    from golive_tui.core.scan.detectors.base import Extractor
    from golive_tui.core.scan.workers import Prefilters, ReadOutcome, Work

    #: (the families, in plan order; path; blob)
    Key = tuple[tuple[str, ...], str, str]

_T = TypeVar("_T")

#: Fewer files than this are not worth a fork (~2-5 ms with its copy-on-write faults).
AHEAD_MIN = 16


class Ahead:
    """A forked worker reading and extracting files; `results` waits for its answer once."""

    def __init__(self, worker: workers.Worker) -> None:
        self._worker: workers.Worker | None = worker

    @classmethod
    def start(
        cls,
        jobs: Sequence[tuple[tuple[str, ...], RepoFile]],
        extractors: Sequence[Extractor],
        reader: reader_mod.FileReader,
        prefilters: Prefilters,
    ) -> Ahead | None:
        """A worker started on `jobs` (the families a clean file is planned for, and the
        file), or None when they are too few, no core is idle (forking pays on an idle core
        only: `cores.free_cpus`) or the process is threaded (forking risks deadlocks)."""
        if len(jobs) < AHEAD_MIN or not workers.can_fork() or not cores.idle_core():
            return None
        by_name = {e.name: e for e in extractors}

        def work(chunk: list[int]) -> list[tuple[Key, ReadOutcome] | None]:
            return [_one(jobs[i], by_name, reader, prefilters) for i in chunk]

        worker = workers.Worker.start(work)
        if worker is None:
            return None
        if not worker.send(list(range(len(jobs))), pickle.dumps):
            worker.stop()
            return None
        return cls(worker)

    def results(self) -> dict[Key, ReadOutcome]:
        """What the worker read and extracted, by (families, path, blob); {} when it died or
        answered garbage. Waits for it (it runs the code this process would); asked once."""
        worker, self._worker = self._worker, None
        if worker is None:
            return {}
        try:
            _, answers = worker.receive(pickle.loads)
        finally:
            worker.stop()
        done: dict[Key, ReadOutcome] = {}
        for answer in answers or ():
            if isinstance(answer, tuple) and len(answer) == 2:
                key, outcome = answer
                done[key] = outcome
        return done

    def close(self) -> None:
        """Stop the worker if its answer was never asked for (a scan that failed first)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            with contextlib.suppress(OSError):
                worker.stop()


def _one(
    job: tuple[tuple[str, ...], RepoFile],
    by_name: Mapping[str, Extractor],
    reader: reader_mod.FileReader,
    prefilters: Prefilters,
) -> tuple[Key, ReadOutcome] | None:
    names, file = job
    if file.blob is None:  # only bytes git names by a blob are read ahead
        return None
    outcome = workers.read_extract(names, file, by_name, reader, prefilters)
    return (names, file.path, file.blob), outcome


def take(
    items: list[Work], blobs: Sequence[str | None], done: Mapping[Key, ReadOutcome]
) -> tuple[list[Work], dict[int, ReadOutcome]]:
    """`items` less those `done` answers (a clean file to read for the same families, at the
    same blob, in `blobs`), and the answers by their index in `items`."""
    if not done:
        return items, {}
    rest: list[Work] = []
    found: dict[int, ReadOutcome] = {}
    for index, (item, blob) in enumerate(zip(items, blobs, strict=True)):
        names, file, _ = item
        outcome = None
        if isinstance(names, tuple) and not isinstance(file, str) and blob is not None:
            outcome = done.get((names, file.path, blob))
        if outcome is None:
            rest.append(item)
        else:
            found[index] = outcome
    return rest, found


def merge(total: int, found: Mapping[int, _T], outcomes: Sequence[_T]) -> list[_T]:
    """The outcomes of all `total` items in order: `found` at their indexes, the extracted
    `outcomes` (in order) everywhere else."""
    if not found:
        return list(outcomes)
    if len(found) + len(outcomes) != total:
        raise ValueError(f"{len(found)} + {len(outcomes)} outcomes for {total} items")
    rest = iter(outcomes)
    return [found[i] if i in found else next(rest) for i in range(total)]
