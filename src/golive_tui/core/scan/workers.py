"""Extraction jobs: run each extractor over its files, serially or in forked workers.

Parallelism (measured on a 2-core machine, moby's 1,405 in-scope Go files). Parsing every
file with ast-grep-py: serial 0.78 s, 2 threads 1.07 s (ast-grep-py holds the GIL: threads
only add contention). So extraction forks a plain worker per free core (`_free_cpus`: none
when the other core is busy; os.fork, chunk indexes
over pipes: the work list is inherited, only results are pickled) when there is enough work
(PARALLEL_MIN_BYTES of text read here, or PARALLEL_MIN_FILES files to read) and the process
is single-threaded; in a threaded host (the walker) forking risks deadlocks, so it runs
serially there and the cache keeps re-scans cheap. Clean working-tree files (blob known from
the index) are read by whoever extracts them, so a worker reads its own files: their text is
never pickled, and this process never holds all of it (moby with vendor/: peak 148 -> 53 MB).
Whole `golive scan` of moby, cold, load ~0.8: forked 0.43 s, forced serial 0.50 s (extract
phase 0.22 s vs 0.30 s). Whole-process figures: bench/README.md. Discovery reads a large
repository's Go files and links its manifests through the same forks (`parallel_map`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from golive_tui.core.git import listing as git_listing
from golive_tui.core.scan import pipes
from golive_tui.core.scan import reader as reader_mod
from golive_tui.core.scan.cores import cpus as _cpus
from golive_tui.core.scan.cores import free_cpus as _free_cpus
from golive_tui.core.scan.report import PROGRESS_STEPS, Progress

if TYPE_CHECKING:
    # Imported where used instead (cache, families, catalog, model: ~20 ms of CPU): `scan`
    # starts git first, and git's ~50 ms of `status` runs while they load.
    from golive_tui.core.scan.detectors.base import Extractor, FileScan

    Job = tuple[str, str, str]  # extractor name, path, text
    Outcome = tuple[FileScan | None, str | None]
    # A clean working-tree file read by whoever extracts it: (extractor names, file, None).
    ReadTask = tuple[tuple[str, ...], git_listing.RepoFile, None]
    # (read skip reason, not UTF-8, [(extractor name, failed its prefilter, result, error)])
    ReadOutcome = tuple[str | None, bool, list[tuple[str, bool, FileScan | None, str | None]]]
    Work = Job | ReadTask
    Prefilters = Mapping[str, tuple[bytes, ...] | None]


_T = TypeVar("_T")
_R = TypeVar("_R")


#: Below this much text to parse, forking workers costs more than it saves.
PARALLEL_MIN_BYTES = 512 * 1024


#: Below this many files to read and extract, forking workers costs more than it saves.
PARALLEL_MIN_FILES = 256


#: Balancing weight of a file not read yet when its size is unknown (about a typical Go file).
_UNREAD_WEIGHT = 8192


def _extract_one(extractor: Extractor, path: str, text: str) -> Outcome:
    try:
        return extractor.extract(path, text), None
    except Exception as exc:  # a family bug must not kill the scan: its detectors say error
        return None, f"{type(exc).__name__}: {exc}"


def read_extract(
    names: tuple[str, ...],
    file: git_listing.RepoFile,
    by_name: Mapping[str, Extractor],
    reader: reader_mod.FileReader,
    prefilters: Prefilters,
) -> ReadOutcome:
    """Read one file, then prefilter and extract it for each extractor, in order."""
    data = reader.read(file)
    if isinstance(data, reader_mod.Skip):
        return data.reason, False, []
    results: list[tuple[str, bool, FileScan | None, str | None]] = []
    text: str | None = None
    for name in names:
        literals = prefilters.get(name)
        if literals is not None and not any(lit in data for lit in literals):
            results.append((name, True, None, None))
            continue
        if text is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                return None, True, results
        result, error = _extract_one(by_name[name], file.path, text)
        results.append((name, False, result, error))
    return None, False, results


def _work_one(
    item: Work,
    by_name: Mapping[str, Extractor],
    reader: reader_mod.FileReader | None,
    prefilters: Prefilters,
) -> Outcome | ReadOutcome:
    if isinstance(item[1], git_listing.RepoFile):
        names, file, _ = item
        assert reader is not None
        return read_extract(names, file, by_name, reader, prefilters)
    name, path, text = item
    return _extract_one(by_name[name], path, text)


def _weight(item: Work, reader: reader_mod.FileReader | None) -> int:
    text = item[2]
    if isinstance(text, str):
        return len(text)
    file = item[1]
    if reader is None or not isinstance(file, git_listing.RepoFile):
        return _UNREAD_WEIGHT
    return reader.size_hint(file, _UNREAD_WEIGHT)


def _worker_count() -> int:
    """How many processes to extract with (this one included): at most 8, one per free core."""
    cpus = min(_cpus(), 8)
    return max(1, min(cpus, _free_cpus(cpus))) if cpus > 1 else 1


def _prepare(extractors: Sequence[Extractor]) -> None:
    """Build each family's lazy state (compiled rules, the parser) in this process, before
    forking, so the workers inherit it instead of each building its own (a family's optional
    `prepare()`)."""
    for extractor in extractors:
        prepare = getattr(extractor, "prepare", None)
        if prepare is not None:
            prepare()


def can_fork() -> bool:
    return (
        hasattr(os, "fork")
        and threading.active_count() == 1
        and threading.current_thread() is threading.main_thread()
    )


def run_jobs(
    jobs: Sequence[Work],
    extractors: Sequence[Extractor],
    emit: Callable[[Progress], None],
    reader: reader_mod.FileReader | None = None,
    prefilters: Prefilters | None = None,
) -> list[Outcome | ReadOutcome]:
    by_name = {e.name: e for e in extractors}
    prefilters = prefilters or {}
    total = len(jobs)
    emit(Progress("parsing", 0, total))
    size = sum(len(item[2]) for item in jobs if isinstance(item[2], str))
    unread = sum(1 for item in jobs if not isinstance(item[2], str))
    if (size >= PARALLEL_MIN_BYTES or unread >= PARALLEL_MIN_FILES) and can_fork():
        workers = _worker_count()
        if workers > 1:
            wanted = {item[0] for item in jobs if isinstance(item[0], str)}
            wanted.update(n for item in jobs if isinstance(item[0], tuple) for n in item[0])
            _prepare([e for e in extractors if e.name in wanted])
            return _run_parallel(jobs, by_name, workers, emit, reader, prefilters)
    outcomes: list[Outcome | ReadOutcome] = []
    step = max(1, total // PROGRESS_STEPS)
    for index, item in enumerate(jobs):
        outcomes.append(_work_one(item, by_name, reader, prefilters))
        if (index + 1) % step == 0:
            emit(Progress("parsing", index + 1, total))
    emit(Progress("parsing", total, total))
    return outcomes


def _run_parallel(
    jobs: Sequence[Work],
    by_name: Mapping[str, Extractor],
    workers: int,
    emit: Callable[[Progress], None],
    reader: reader_mod.FileReader | None = None,
    prefilters: Prefilters | None = None,
) -> list[Outcome | ReadOutcome]:
    """`run_jobs` over `workers` processes (`parallel_map`). Work is weighed by text size
    (for a file not read yet, its size on disk), so no one is left with a huge generated
    file at the end. Workers read clean files themselves, so their text never passes
    through this process."""
    chosen = prefilters or {}
    total = len(jobs)

    def progress(done: int) -> None:
        emit(Progress("parsing", done, total))

    return parallel_map(
        lambda item: _work_one(item, by_name, reader, chosen),
        jobs,
        workers,
        [_weight(item, reader) for item in jobs],
        progress,
    )


def parallel_map(
    fn: Callable[[_T], _R],
    items: Sequence[_T],
    workers: int,
    weights: Sequence[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[_R]:
    """`[fn(item) for item in items]`, worked on by `workers - 1` forked processes and this one.

    Workers are plain forks: they inherit `fn` and the items, so a chunk is handed over as a
    list of indexes on a pipe and only results come back (pickled: they must pickle). No
    multiprocessing or concurrent.futures (~12 ms to import, a manager thread), nothing of
    the work pickled. Work is dealt into chunks of similar weight (`weights`, else one each),
    biggest first. Each worker has two chunks in flight, and this process takes the next
    chunk whenever it would otherwise wait: the load balances itself. A worker that dies,
    raises or answers garbage loses nothing: its chunks are done here (where `fn` raises as
    it would serially). `progress` is told how many items are done after each chunk. The
    caller decides whether forking pays (`fork_workers`)."""
    import pickle
    import select

    n_chunks = min(len(items), workers * 16)
    chunks: list[list[int]] = [[] for _ in range(n_chunks)]
    if weights is None:
        for i in range(len(items)):
            chunks[i % n_chunks].append(i)
    else:
        order = sorted(range(len(items)), key=lambda i: -weights[i])
        loads = [0] * n_chunks
        for i in order:
            target = loads.index(min(loads))
            chunks[target].append(i)
            loads[target] += weights[i] + 1
    pending = deque(c for c in chunks if c)
    missing = object()
    outcomes: list[Any] = [missing] * len(items)
    done = 0

    def work(chunk: list[int]) -> list[_R]:
        return [fn(items[i]) for i in chunk]

    def store(chunk: list[int], results: list[Any]) -> None:
        nonlocal done
        for i, outcome in zip(chunk, results, strict=True):
            outcomes[i] = outcome
        done += len(chunk)
        if progress is not None:
            progress(done)

    pool: list[Worker] = []
    try:
        for _ in range(workers - 1):
            worker = Worker.start(work, [fd for w in pool for fd in (w.tasks, w.results)])
            if worker is not None:
                pool.append(worker)
        while pending or any(w.inflight for w in pool):
            for worker in pool:
                while pending and worker.alive and len(worker.inflight) < 2:
                    chunk = pending.popleft()
                    if not worker.send(chunk, pickle.dumps):  # gone: its share comes back
                        pending.appendleft(chunk)
                        pending.extend(worker.retire())
            if pending:
                chunk = pending.pop()
                store(chunk, work(chunk))
            busy = [w for w in pool if w.inflight]
            if not busy:
                continue
            ready, _, _ = select.select(busy, [], [], 0 if pending else None)
            for worker in ready:
                chunk, results = worker.receive(pickle.loads)
                if results is None:  # died or garbled: its chunks go back to the queue
                    pending.append(chunk)
                    pending.extend(worker.retire())
                else:
                    store(chunk, results)
    finally:
        for worker in pool:
            worker.stop()
    return [o if o is not missing else fn(items[i]) for i, o in enumerate(outcomes)]


def fork_workers(items: int, min_items: int) -> int:
    """How many processes a `parallel_map` over `items` should use: 1 (stay serial) below
    `min_items`, in a threaded host (forking risks deadlocks) or with no free core."""
    if items < min_items or not can_fork():
        return 1
    return _worker_count()


class Worker:
    """A forked process that runs `work` on the chunks of indexes it is sent, in order."""

    def __init__(self, pid: int, tasks: int, results: int) -> None:
        self.pid = pid
        self.tasks = tasks  # write end: chunks to this worker
        self.results = results  # read end: its answers
        self.inflight: deque[list[int]] = deque()
        self.alive = True

    def fileno(self) -> int:
        return self.results

    @classmethod
    def start(
        cls, work: Callable[[list[int]], list[Any]], others: Sequence[int] = ()
    ) -> Worker | None:
        """Fork a worker. `others`: this process's ends of the pipes of the workers started
        before, closed in the new one: a worker holding another's task pipe open would keep
        it from ever seeing the end of its work, and `stop` from reaping it (with three
        processes or more, the scan hung once it was done)."""
        import pickle

        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (task_r, task_w, result_r, result_w):
                os.close(fd)
            return None
        if pid == 0:  # the worker: never returns
            code = 1
            try:
                for fd in (task_w, result_r, *others):
                    os.close(fd)
                while True:
                    message = pipes.read_message(task_r)
                    if message is None:
                        code = 0
                        break
                    chunk = pickle.loads(message)
                    pipes.write_message(
                        result_w, pickle.dumps(work(chunk), pickle.HIGHEST_PROTOCOL)
                    )
            finally:
                os._exit(code)
        os.close(task_r)
        os.close(result_w)
        return cls(pid, task_w, result_r)

    def send(self, chunk: list[int], dumps: Callable[[Any], bytes]) -> bool:
        """Hand a chunk over; False when the worker is gone (its pipe is closed)."""
        try:
            pipes.write_message(self.tasks, dumps(chunk))
        except OSError:
            return False
        self.inflight.append(chunk)
        return True

    def receive(self, loads: Callable[[bytes], Any]) -> tuple[list[int], list[Any] | None]:
        """The oldest chunk in flight and its results (None: the worker died or its answer
        cannot be read; `retire` it)."""
        chunk = self.inflight.popleft()
        message = pipes.read_message(self.results)
        try:
            results = loads(message) if message is not None else None
        except Exception:
            results = None
        if not isinstance(results, list) or len(results) != len(chunk):
            return chunk, None
        return chunk, results

    def retire(self) -> list[list[int]]:
        """Stop using this worker; the chunks it still held, to be done elsewhere."""
        self.alive = False
        lost = list(self.inflight)
        self.inflight.clear()
        return lost

    def stop(self) -> None:
        for fd in (self.tasks, self.results):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
