"""The draft lock under a full disk, a read-only or forbidden directory, and hostile lock files.

Taking the lock must fail with a clear DraftError (exit 2 from the command line, no traceback)
and leave no lock file behind: an empty or cut-short lock would block the next golive.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from golive_tui import cli
from golive_tui.core import draft as d
from golive_tui.core.errors import DraftError
from tests.conftest import RepoFactory

FAILURES = {
    errno.ENOSPC: "No space left on device",
    errno.EROFS: "Read-only file system",
    errno.EACCES: "Permission denied",
}


def _oserror(code: int) -> OSError:
    return OSError(code, os.strerror(code))


@pytest.fixture
def store(make_repo: RepoFactory) -> d.DraftStore:
    return d.DraftStore(make_repo({"go.mod": "module x\n"}))


def _leftovers(lock: d.DraftLock) -> list[str]:
    folder = lock.path.parent
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("code", sorted(FAILURES))
def test_write_failure_leaves_no_lock(
    code: int, store: d.DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = store.lock("c", "r1")

    def failing_write(fd: int, data: Any) -> int:
        raise _oserror(code)

    monkeypatch.setattr(d.os, "write", failing_write)
    with pytest.raises(DraftError) as caught:
        lock.acquire()
    assert str(caught.value) == f"cannot lock the draft at {lock.path}: {FAILURES[code]}"
    assert not lock.path.exists() and not lock.held
    assert _leftovers(lock) == []


def test_partial_write_then_full_disk_leaves_no_partial_lock(
    store: d.DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = store.lock("c", "r1")
    real_write = os.write
    calls: list[int] = []

    def short_then_full(fd: int, data: Any) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:5]))  # "pid=1": a holder cut short
        raise _oserror(errno.ENOSPC)

    monkeypatch.setattr(d.os, "write", short_then_full)
    with pytest.raises(DraftError, match="No space left on device"):
        lock.acquire()
    assert len(calls) == 2  # the rest was tried, not silently dropped
    assert not lock.path.exists()


def test_write_of_zero_bytes_counts_as_a_full_disk(
    store: d.DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = store.lock("c", "r1")
    monkeypatch.setattr(d.os, "write", lambda fd, data: 0)
    with pytest.raises(DraftError, match="No space left on device"):
        lock.acquire()
    assert not lock.path.exists()


def test_close_failure_leaves_no_lock(store: d.DraftStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Network file systems report a full disk when the file is closed."""
    lock = store.lock("c", "r1")
    real_close = os.close

    def failing_close(fd: int) -> None:
        real_close(fd)
        raise _oserror(errno.ENOSPC)

    monkeypatch.setattr(d.os, "close", failing_close)
    with pytest.raises(DraftError, match="No space left on device"):
        lock.acquire()
    monkeypatch.undo()
    assert not lock.path.exists()


@pytest.mark.parametrize("code", sorted(FAILURES))
def test_create_failure_is_a_clear_error(
    code: int, store: d.DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = store.lock("c", "r1")
    real_open = os.open

    def failing_open(path: Any, flags: int, *args: Any) -> int:
        if flags & os.O_CREAT:
            raise _oserror(code)
        return real_open(path, flags, *args)

    monkeypatch.setattr(d.os, "open", failing_open)
    with pytest.raises(DraftError, match=FAILURES[code]):
        lock.acquire()
    assert not lock.path.exists()


@pytest.mark.parametrize("code", sorted(FAILURES))
def test_drafts_folder_that_cannot_be_made_is_a_clear_error(
    code: int, store: d.DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        raise _oserror(code)

    monkeypatch.setattr(Path, "mkdir", failing_mkdir)
    lock = store.lock("c", "r1")
    with pytest.raises(DraftError, match=FAILURES[code]):
        lock.acquire()


def test_after_a_full_disk_the_next_golive_takes_the_lock(
    store: d.DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = store.lock("c", "r1")
    with monkeypatch.context() as m:
        m.setattr(d.os, "write", lambda fd, data: 0)
        with pytest.raises(DraftError):
            lock.acquire()
    with store.lock("c", "r1") as again:
        assert again.held
        assert f"pid={os.getpid()}" in again.path.read_text()
    assert not again.path.exists()


def test_stale_lock_that_cannot_be_removed_is_a_clear_error(
    store: d.DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = store.lock("c", "r1")
    lock.path.parent.mkdir(parents=True)
    lock.path.write_text("pid=999999999\nhost=" + socket.gethostname() + "\nsince=x\n")
    monkeypatch.setattr(d, "_pid_alive", lambda pid: False)

    def failing_unlink(self: Path, missing_ok: bool = False) -> None:
        raise _oserror(errno.EROFS)

    monkeypatch.setattr(Path, "unlink", failing_unlink)
    with pytest.raises(DraftError, match="Read-only file system"):
        lock.acquire()


def test_mark_on_a_full_disk_exits_2_without_traceback(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"main.go": "package main\n\nfunc main() {}\n"})
    monkeypatch.setattr(d.os, "write", lambda fd, data: 0)
    code = cli.main(["mark", "ops.runbook", "done", "--no-scan", "-C", str(root)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("golive: cannot lock the draft at ")
    assert err.rstrip().endswith(": No space left on device")
    assert "Traceback" not in err
    drafts = root / ".git" / "golive" / "drafts"
    assert not list(drafts.glob("*.lock"))


# --------------------------------------------------------------------------- hostile lock files


def _old(path: Path) -> None:
    past = path.lstat().st_mtime - 3600
    os.utime(path, (past, past), follow_symlinks=False)


@pytest.mark.parametrize(
    "content",
    [b"pid=12", b"pid=12\nhost=", b"\xff\xfe\x00garbage", b"host=x\nsince=y\n"],
    ids=["cut-after-pid", "cut-in-host", "not-utf8", "no-pid"],
)
def test_old_incomplete_lock_is_taken_over(store: d.DraftStore, content: bytes) -> None:
    lock = store.lock("c", "r1")
    lock.path.parent.mkdir(parents=True)
    lock.path.write_bytes(content)
    _old(lock.path)
    with lock:
        assert lock.path.read_text().startswith(f"pid={os.getpid()}\n")
    assert not lock.path.exists()


def test_fresh_incomplete_lock_is_respected_with_a_clear_message(store: d.DraftStore) -> None:
    lock = store.lock("c", "r1")
    lock.path.parent.mkdir(parents=True)
    lock.path.write_bytes(b"pid=12\n\xff\xfe")  # its holder may be writing it right now
    with pytest.raises(DraftError, match=r"is open in another golive \(pid 12 on \?"):
        lock.acquire()
    assert lock.path.read_bytes() == b"pid=12\n\xff\xfe"


def test_huge_lock_file_is_read_only_as_far_as_needed(
    store: d.DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = store.lock("c", "r1")
    lock.path.parent.mkdir(parents=True)
    lock.path.write_bytes(b"pid=1\nhost=elsewhere\nsince=now\n" + b"x" * 1_000_000)
    asked: list[int] = []
    real_read = os.read

    def counting_read(fd: int, size: int) -> bytes:
        asked.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(d.os, "read", counting_read)
    with pytest.raises(DraftError, match="pid 1 on elsewhere"):
        lock.acquire()
    assert asked and max(asked) <= 4096


def test_release_leaves_a_lock_replaced_by_garbage_alone(store: d.DraftStore) -> None:
    lock = store.lock("c", "r1").acquire()
    lock.path.write_bytes(b"\xff\xfe not ours")
    lock.release()  # no UnicodeDecodeError, and not someone else's lock removed
    assert lock.path.read_bytes() == b"\xff\xfe not ours"
    assert not lock.held


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_in_place_of_the_lock_does_not_hang(store: d.DraftStore) -> None:
    """Reading a FIFO's holder would wait for a writer forever; the lock reads without blocking."""
    lock = store.lock("c", "r1")
    lock.path.parent.mkdir(parents=True)
    os.mkfifo(lock.path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from golive_tui.core.draft import DraftStore\n"
        "from golive_tui.core.errors import DraftError\n"
        "try:\n"
        f"    DraftStore(Path({str(store.repo_root)!r})).lock('c', 'r1').acquire()\n"
        "except DraftError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 0, done.stderr
    assert "is open in another golive" in done.stdout


@pytest.mark.parametrize(
    "pid", ["²", "9" * 40, "-1", " 12"], ids=["unicode-digit", "huge", "neg", "sp"]
)
def test_odd_pid_in_a_lock_on_this_host_is_no_traceback(store: d.DraftStore, pid: str) -> None:
    """Only a plain decimal pid that no process has is taken over; anything else is respected."""
    lock = store.lock("c", "r1")
    lock.path.parent.mkdir(parents=True)
    lock.path.write_text(f"pid={pid}\nhost={socket.gethostname()}\nsince=now\n")
    if pid == "9" * 40:
        with lock:  # no process has that pid: a stale lock, taken over
            assert lock.held
        return
    with pytest.raises(DraftError, match="is open in another golive"):
        lock.acquire()
