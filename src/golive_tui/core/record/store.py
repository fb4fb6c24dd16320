"""Record files on disk: where they live, a confined and size-capped read, atomic writes under a lock."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from golive_tui.core.atomic import write_atomic
from golive_tui.core.confine import UnsafePathError, confine, read_capped, read_confined
from golive_tui.core.errors import RecordError
from golive_tui.core.record.canonical import canonical_payload
from golive_tui.core.record.codec import dumps, loads, record_from_dict, record_to_dict
from golive_tui.core.record.model import RECORDS_DIR, Record, Signature
from golive_tui.core.services.names import check_service_name, is_service_name
from golive_tui.core.usercache import user_cache_dir

READS = {"count": 0}
#: Cached parses: a record file's bytes (by sha256) -> its data as JSON, in the user's cache.
CACHE_VERSION = "1"


def _parse_cache() -> Path | None:
    """`$XDG_CACHE_HOME/golive/records` (default ~/.cache): the user's, never a repository's.

    Entries are addressed by the sha256 of a record file's bytes, so an entry can only ever
    describe those exact bytes, and a repository cannot plant one. They are validated again
    on every read (`record_from_dict`), so a damaged entry is an error, never a wrong record.
    """
    folder = user_cache_dir()
    return None if folder is None else folder / "records"


#: Largest record file read (a record of a few hundred items is well under 1 MB).
MAX_RECORD_BYTES = 4 * 1024 * 1024


def load_record(path: Path) -> Record:
    """Read and validate one record; a file read before is taken from the parse cache."""
    try:
        raw = _read_record(path)
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise RecordError(f"{path}: no such record") from None
    except UnsafePathError as exc:
        raise RecordError(f"{path}: refused: {exc.why}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(f"{path}: cannot read: {exc}") from None
    folder = _parse_cache()
    key = hashlib.sha256(CACHE_VERSION.encode() + b"\0" + raw).hexdigest()
    entry = folder / key[:2] / f"{key}.json" if folder is not None else None
    if entry is not None:
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict):
            with contextlib.suppress(RecordError):
                READS["count"] += 1
                return record_from_dict(data, str(path))
    record = loads(text, str(path))
    if entry is not None:
        with contextlib.suppress(OSError):
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, json.dumps(record_to_dict(record), ensure_ascii=False))
    return record


def _records_root(path: Path) -> tuple[Path, str] | None:
    """The repository whose `.golive/records` holds `path` (by name), and the file's path
    relative to it: `.golive/records/<release>.toml` or `.golive/records/<service>/<release>.toml`.
    """
    folder = path.parent
    for depth in (0, 1):
        if folder.name == RECORDS_DIR.name and folder.parent.name == RECORDS_DIR.parent.name:
            inner = path.relative_to(folder).as_posix()
            return folder.parent.parent, (RECORDS_DIR / inner).as_posix()
        if depth == 0 and is_service_name(folder.name):
            folder = folder.parent
        else:
            break
    return None


def _read_record(path: Path) -> bytes:
    """A repository's record is read confined to it (a symlink leading outside is refused);
    a file the user names elsewhere is only size-capped. Both never read more than the cap."""
    found = _records_root(path)
    if found is not None:
        return read_confined(found[0], found[1], MAX_RECORD_BYTES)
    try:
        target = path.resolve()
    except RuntimeError:  # a symlink loop (Python < 3.13)
        raise UnsafePathError(str(path), "expected a file, got a symlink loop") from None
    return read_capped(target, MAX_RECORD_BYTES, shown=str(path))


def records_dir(repo_root: Path, service: str = "") -> Path:
    """`.golive/records`, or `.golive/records/<service>` in a repository of several services."""
    if not service:
        return repo_root / RECORDS_DIR
    return repo_root / RECORDS_DIR / check_service_name(service)


def record_path(repo_root: Path, release: str, service: str = "") -> Path:
    return records_dir(repo_root, service) / f"{release}.toml"


def service_of_path(path: Path) -> str | None:
    """The service a record file is filed under ("" at the top of `.golive/records`), None
    when the file is not in a repository's records folder (a file the user named elsewhere)."""
    found = _records_root(path)
    if found is None:
        return None
    parts = found[1].split("/")
    return parts[-2] if len(parts) == len(RECORDS_DIR.parts) + 2 else ""


def list_records(repo_root: Path, service: str = "") -> list[Path]:
    """The record files of one service (or of the repository when it is one service)."""
    folder = records_dir(repo_root, service)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.toml") if not p.name.startswith(".") and not p.is_dir())


@contextlib.contextmanager
def record_lock(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of one record (two cosigns must not drop a signature)."""
    found = _records_root(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if found is not None:  # never write through a symlink leading out of the repository
            confine(found[0], found[1])
    except UnsafePathError as exc:
        raise RecordError(f"{path}: refused: {exc.why}") from None
    except (FileExistsError, NotADirectoryError):
        raise RecordError(
            f"{path.parent}: expected a directory for records, found a file"
        ) from None
    except OSError as exc:
        raise RecordError(f"{path.parent}: cannot create: {exc.strerror or exc}") from None
    lock = _lock_path(path)
    try:  # a link or a FIFO left in its place must not redirect or block the lock
        fd = os.open(lock, _LOCK_FLAGS, 0o644)
        handle = os.fdopen(fd, "a")
    except OSError as exc:
        raise RecordError(f"{path}: cannot lock: {exc}") from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


_LOCK_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def _lock_path(path: Path) -> Path:
    """Lock files live under .git/golive (never in the working tree, where they would be committed)."""
    from golive_tui.core.errors import RepoError
    from golive_tui.core.git.release import state_dir

    try:
        folder = state_dir(path.parent) / "locks"
        folder.mkdir(parents=True, exist_ok=True)
    except (RepoError, OSError):
        return path.parent / f".{path.name}.lock"
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return folder / f"record-{path.stem}-{digest}.lock"


def checked_text(record: Record, origin: str) -> str:
    """The record's TOML, once golive's own loader accepts it and reads back the same payload.

    A value the loader would refuse (a score of 1.0, a symbolic commit...) never reaches a file:
    what is written is always a record golive itself can read and verify.
    """
    text = dumps(record)
    again = loads(text, origin)
    if canonical_payload(again) != canonical_payload(record):
        raise RecordError(f"{origin}: the record does not read back as written; not saved")
    return text


def write_record(path: Path, record: Record) -> None:
    """Atomic, and only a valid record: readers see the old file or the new one, never a bad one."""
    text = checked_text(record, str(path))
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise RecordError(f"{path}: cannot write record: {exc.strerror or exc}") from None


def add_signature(path: Path, signature: Signature, expected_payload: bytes) -> Record:
    """Append a signature under the lock, refusing if the record changed since it was signed."""
    with record_lock(path):
        current = load_record(path)
        if canonical_payload(current) != expected_payload:
            raise RecordError(f"{path}: the record changed while it was being signed; sign again")
        updated = current._replace(signatures=(*current.signatures, signature))
        write_record(path, updated)
        return updated
