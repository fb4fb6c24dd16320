"""Length-prefixed messages over a pipe: the one framing the scan's forked workers and the team-rule
child share.

Each message is an 8-byte little-endian length, then the bytes. A reader with a deadline gives up
(returns None) once it passes, so a stuck child can be killed instead of waited for.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import time

HEADER = 8  # bytes of message length before each message


def write_message(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(HEADER, "little") + data)
    while view:
        view = view[os.write(fd, view) :]


def read_message(fd: int, deadline: float | None = None) -> bytes | None:
    """One message, or None at end of file, on a truncated message or past `deadline`."""
    header = read_exactly(fd, HEADER, deadline)
    if header is None:
        return None
    return read_exactly(fd, int.from_bytes(header, "little"), deadline)


def read_exactly(fd: int, size: int, deadline: float | None = None) -> bytes | None:
    """`size` bytes, or None at end of file, on a read error or past `deadline` (monotonic)."""
    parts: list[bytes] = []
    while size:
        if deadline is not None:
            left = deadline - time.monotonic()
            poller = select.poll()  # poll, not select: any descriptor number works
            poller.register(fd, select.POLLIN)
            if left <= 0 or not poller.poll(left * 1000):
                return None
        try:
            part = os.read(fd, min(size, 1 << 20))
        except OSError:
            return None
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """A child that is done or no longer wanted: killed if still running, its pipes closed,
    always reaped (the scan process and the team-rule child stop the same way)."""
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            proc.kill()
    for stream in (proc.stdin, proc.stdout):
        with contextlib.suppress(OSError):
            if stream is not None:
                stream.close()
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        proc.wait(timeout=5)
