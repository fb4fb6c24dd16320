"""The walker's scan in a process of its own: `reviewed_scan` exactly as `golive status` and
`golive sign` run it, in a child Python, its progress and its report sent back as plain data
(compact.py) over a pipe.

What it buys: the scan no longer shares the walker's interpreter lock. In a thread of the
walker, a warm scan of moby answered from the report memo (~0.1 s alone, mostly waiting on
git) took 0.45-0.85 s, because every system call it makes hands the lock to the UI thread and
waits up to a switch interval (5 ms) to get it back while Textual lays out and paints; apart,
it runs on the other core while the walker starts, and the walker only decodes the result
(~7 ms of CPU on moby). Paired runs of bench/walker_bench.py on moby at load 9 (2 cores), the
scan started early: evidence and done 869 ms from the app's creation instead of 1530 and
1924 ms, the walker process's CPU when done 1.00 s instead of 1.51 s.

The child is golive's own code started with `-P` from golive's own folder (nothing of the
scanned repository lands on `sys.path`); it is told the repository and the service, nothing
else, and its answer is only ever rebuilt into the classes a report is made of.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive_tui.core.errors import GoliveError
from golive_tui.core.scan import compact, pipes

if TYPE_CHECKING:
    from golive_tui.core.reviewed import ReviewedScan
    from golive_tui.core.scan.report import Progress

#: Largest message accepted from the child (a report of 8x moby is ~3 MB).
MAX_MESSAGE = 256 * 1024 * 1024
_SERVE = "from golive_tui.core.scan import apart; apart.serve()"


class ScanProcessError(GoliveError):
    """The scan process failed, or ended without a report."""


class ScanApart:
    """`reviewed_scan` of one repository and service in a child process, started at once
    unless `start` is false.

    Created before the walker's screen exists, the scan runs while Textual is imported and
    lays out the first screen; the first call takes that scan, a later one (a rescan), or the
    first when it was not started, starts another. Call it as `ScanFn`:
    `scan(progress) -> ReviewedScan`."""

    def __init__(self, repo_root: Path, service: str = "", *, start: bool = True) -> None:
        self.repo_root = repo_root
        self.service = service
        self._lock = threading.Lock()
        self._started: subprocess.Popen[bytes] | None = None
        self._drain: _Drain | None = None  # the started child's messages, read as they come
        self._running: set[subprocess.Popen[bytes]] = set()
        if start:
            with contextlib.suppress(ScanProcessError):
                self._started = _start(repo_root, service)
                self._drain = _Drain(self._started)
        self.started = self._started is not None  # running since it was created

    def ready(self) -> ReviewedScan | None:
        """The started scan's report if the child has sent it already, taken without waiting;
        None while it runs, once taken, or when it failed or sent a garbled report (the
        next call then scans again, and says why if it fails again).

        The walker asks before its first paint: a warm scan that began before the session
        opened is usually done by then, and the first screen shows its evidence instead of
        waiting for the paint, a worker thread and a second layout. Moby, paired runs of
        bench/walker_bench.py (9 each, from the app's start): evidence and done on screen
        743 -> 346 ms, the first screen 317 -> 346 ms (it now holds the evidence)."""
        with self._lock:  # taken in one hold: a close() or a call between would start a scan
            drain, proc = self._drain, self._started
            if drain is None or proc is None or not drain.reported.is_set():
                return None
            self._drain = self._started = None
            self._running.add(proc)
        try:  # every message up to the report is queued: this does not block
            return _collect(proc, drain.messages(), None)
        except ScanProcessError:
            return None
        finally:
            with self._lock:
                self._running.discard(proc)
            pipes.stop(proc)

    def __call__(self, progress: Callable[[Progress], None] | None = None) -> ReviewedScan:
        """The report, calling `progress` on this thread as reports arrive; `progress` may
        raise to stop the scan (the child is then killed). A GoliveError of the child is
        raised again as ScanProcessError with its message."""
        with self._lock:
            proc, self._started = self._started, None
            drain, self._drain = self._drain, None
        if proc is None:
            try:
                proc = _start(self.repo_root, self.service)
            except ScanProcessError:  # no process to be had: the same scan, in this one
                from golive_tui.core.reviewed import reviewed_scan

                return reviewed_scan(self.repo_root, progress, self.service)
        with self._lock:
            self._running.add(proc)
        try:
            assert proc.stdout is not None
            messages = drain.messages() if drain is not None else _messages(proc.stdout.fileno())
            return _collect(proc, messages, progress)
        finally:
            with self._lock:
                self._running.discard(proc)
            pipes.stop(proc)

    def close(self) -> None:
        """Stop every scan of this object: one started and never taken (the walker closed
        before it scanned), one running (quit, rescan: its call then raises at once instead
        of waiting for the child's next report)."""
        with self._lock:
            running, started = list(self._running), self._started
            self._started = self._drain = None
        for proc in running:  # killed only: its call's thread reads its pipe, then reaps it
            with contextlib.suppress(OSError):
                proc.kill()
        if started is not None:
            pipes.stop(started)

    def __del__(self) -> None:
        if self._started is not None or self._running:  # nothing to do once closed or taken
            self.close()


def _start(repo_root: Path, service: str) -> subprocess.Popen[bytes]:
    if not sys.executable:  # an embedded Python: no interpreter to start
        raise ScanProcessError("could not start the scan: no Python to run it")
    try:
        # -P and golive's own folder as cwd: nothing in the scanned repository is importable.
        proc = subprocess.Popen(
            [sys.executable, "-P", "-c", _SERVE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parent,
        )
    except OSError as exc:
        raise ScanProcessError(f"could not start the scan: {exc}") from exc
    assert proc.stdin is not None
    with contextlib.suppress(BrokenPipeError):
        pipes.write_message(proc.stdin.fileno(), marshal.dumps((str(repo_root), service)))
    with contextlib.suppress(OSError):
        proc.stdin.close()
    return proc


class _Drain:
    """The started child's messages, read on a thread of their own from its start: a child
    whose report outgrows the pipe's buffer (moby's is ~310 KB, the buffer 64 KB) would
    otherwise wait, its scan done, until the walker asks for it after the first paint.
    `reported` is set once the report (the last message) is in the queue.

    The thread reads a duplicate of the pipe's descriptor and closes it itself, so closing
    the child's pipes (`pipes.stop`) never leaves it reading a number reused by another file."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        self.queue: queue.SimpleQueue[tuple[Any, Any] | ScanProcessError | None] = (
            queue.SimpleQueue()
        )
        self.reported = threading.Event()
        try:
            fd = os.dup(proc.stdout.fileno())
        except OSError as exc:  # out of descriptors: the call reads the pipe itself
            raise ScanProcessError(f"could not read the scan: {exc}") from exc
        reader = threading.Thread(target=self._read, args=(fd,), name="golive-scan", daemon=True)
        try:
            reader.start()
        except RuntimeError as exc:  # no thread to be had: likewise
            os.close(fd)
            raise ScanProcessError(f"could not read the scan: {exc}") from exc

    def _read(self, fd: int) -> None:
        try:
            for message in _messages(fd):
                self.queue.put(message)
                if message[0] == "done":
                    self.reported.set()
        except ScanProcessError as exc:
            self.queue.put(exc)
        except Exception as exc:  # e.g. no memory for a huge message: the call says so
            self.queue.put(ScanProcessError(f"could not read the scan: {exc}"))
        finally:
            os.close(fd)
            self.queue.put(None)  # the end: the child closed its side or was killed

    def messages(self) -> Iterator[tuple[Any, Any]]:
        while (item := self.queue.get()) is not None:
            if isinstance(item, ScanProcessError):
                raise item
            yield item


def _collect(
    proc: subprocess.Popen[bytes],
    messages: Iterable[tuple[Any, Any]],
    progress: Callable[[Progress], None] | None,
) -> ReviewedScan:
    for kind, value in messages:
        if kind == "progress":
            if progress is not None:
                progress(_decoded(value, "Progress"))
        elif kind == "done":
            return _decoded(value, "ReviewedScan")  # type: ignore[no-any-return]
        elif kind == "error" and isinstance(value, str):
            raise ScanProcessError(value)
    code = proc.wait()
    raise ScanProcessError(f"the scan process ended without a report (exit code {code})")


def _messages(fd: int) -> Any:
    """(kind, value) per message of the child, read in large chunks: every read is one system
    call, which costs this thread a turn of the interpreter lock while the UI is busy."""
    buffer = bytearray()
    while True:
        while len(buffer) >= pipes.HEADER:
            size = int.from_bytes(buffer[: pipes.HEADER], "little")
            if size > MAX_MESSAGE:
                raise ScanProcessError("the scan process sent an oversized message")
            end = pipes.HEADER + size
            if len(buffer) < end:
                break
            body = bytes(buffer[pipes.HEADER : end])
            del buffer[:end]
            try:
                message = marshal.loads(body)
            except (ValueError, EOFError, TypeError) as exc:
                raise ScanProcessError("the scan process sent a garbled message") from exc
            if not (isinstance(message, tuple) and len(message) == 2):
                raise ScanProcessError("the scan process sent a garbled message")
            yield message
        try:
            chunk = os.read(fd, 1 << 20)
        except OSError:
            return
        if not chunk:
            return
        buffer += chunk


def _decoded(value: object, expected: str) -> Any:
    try:
        decoded = compact.decode(value)
    except (ValueError, TypeError) as exc:
        raise ScanProcessError("the scan process sent a garbled report") from exc
    if type(decoded).__name__ != expected:
        raise ScanProcessError("the scan process sent a garbled report")
    return decoded


def serve() -> None:
    """The child: one request (repository, service), progress reports, then the report."""
    out = sys.stdout.fileno()
    request = pipes.read_message(sys.stdin.fileno())
    try:
        root, service = marshal.loads(request or b"")
        if not (isinstance(root, str) and isinstance(service, str)):
            raise ValueError
    except (ValueError, EOFError, TypeError):
        return

    def send(kind: str, value: Any) -> None:
        pipes.write_message(out, marshal.dumps((kind, value)))

    def progress(report: Progress) -> None:
        send("progress", compact.encode(report))

    from golive_tui.core.reviewed import reviewed_scan

    try:
        scanned = reviewed_scan(Path(root), progress, service)
        body = compact.encode(scanned)
    except GoliveError as exc:
        send("error", str(exc))
        return
    except BrokenPipeError:
        return  # the walker no longer wants it
    except Exception as exc:  # told to the walker, which shows it and walks on without evidence
        send("error", f"the scan failed: {type(exc).__name__}: {exc}")
        return
    send("done", body)
