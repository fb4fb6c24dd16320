"""The engineer's in-progress answers for one checklist and release: validated, autosaved, locked.

The draft is core, not UI: the walker and `golive mark` / `golive status` all go through this
module, so they validate answers the same way and see the same file. Drafts live under the
repository's private state directory (`.git/golive/drafts/`), never in the working tree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Any

from golive_tui.core import tomlsafe
from golive_tui.core.atomic import write_atomic
from golive_tui.core.confine import UnsafePathError, read_confined
from golive_tui.core.errors import DraftError
from golive_tui.core.git.config import identity
from golive_tui.core.git.release import state_dir, validate_release
from golive_tui.core.model import Answer, Checklist, Item, ItemKind, Source, State
from golive_tui.core.services.names import check_service_name

SCHEMA = 1

#: States a person can give (DETECTED and AT_RISK only ever come from evidence).
ANSWERABLE = (State.TODO, State.DONE, State.NA, State.WAIVED)


def utc_now() -> str:
    """ISO-8601 UTC timestamp to the second, the form every draft and record uses."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Draft:
    checklist_id: str
    release: str
    profile: str
    answers: Mapping[str, Answer]
    participants: tuple[str, ...]
    created: str
    updated: str
    checklist_version: str = ""
    carried_from: str = ""
    # Not persisted: True when this draft was read back from disk (the walker says "resumed").
    resumed: bool = field(default=False, compare=False)

    @staticmethod
    def new(
        checklist_id: str,
        release: str,
        *,
        profile: str = "",
        checklist_version: str = "",
        participants: tuple[str, ...] = (),
    ) -> Draft:
        now = utc_now()
        return Draft(
            checklist_id=checklist_id,
            release=release,
            profile=profile,
            answers={},
            participants=tuple(dict.fromkeys(p for p in participants if p)),
            created=now,
            updated=now,
            checklist_version=checklist_version,
        )


# --------------------------------------------------------------------------- pure edits


def with_answer(draft: Draft, answer: Answer) -> Draft:
    answers = dict(draft.answers)
    answers[answer.item_id] = answer
    return replace(draft, answers=answers)


def without_answer(draft: Draft, item_id: str) -> Draft:
    if item_id not in draft.answers:
        return draft
    answers = {k: v for k, v in draft.answers.items() if k != item_id}
    return replace(draft, answers=answers)


def with_current_ids(draft: Draft, checklist: Checklist) -> Draft:
    """`draft` with answers filed under an item's former id (its `aliases`) moved to its id.

    A checklist that renames or merges items keeps the old ids as aliases, so a draft written
    before the change still counts. An answer under the current id wins over one under an alias.
    """
    moved: dict[str, Answer] = {}
    for item_id, answer in draft.answers.items():
        current = checklist.canonical_id(item_id)
        if current == item_id:
            moved[item_id] = answer
        elif current not in draft.answers and current not in moved:
            moved[current] = answer._replace(item_id=current)
    if moved.keys() == draft.answers.keys():
        return draft
    return replace(draft, answers=moved)


def with_participant(draft: Draft, who: str) -> Draft:
    who = who.strip()
    if not who:
        raise DraftError("a participant needs a name, e.g. 'Ada Lovelace <ada@example.com>'")
    if who in draft.participants:
        return draft
    return replace(draft, participants=(*draft.participants, who))


#: A participant as git writes an identity: a name, then an email in angle brackets.
_PARTICIPANT = re.compile(r"^[^<>\x00-\x1f]+ <[^<>\s@]+@[^<>\s]+>$")


def check_participant(who: str) -> str:
    """`who` as `Name <email>` (stripped), or DraftError: a record names people it can reach,
    and a signature's signer is matched against the same form."""
    who = who.strip()
    if not _PARTICIPANT.match(who):
        raise DraftError(
            f"participant {who!r}: expected 'Name <email>', e.g. 'Grace Hopper <grace@example.com>'"
        )
    return who


def with_profile(draft: Draft, profile: str) -> Draft:
    return replace(draft, profile=profile)


# --------------------------------------------------------------------------- validation


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise DraftError(
            f"until: {text!r} is not a date; use YYYY-MM-DD, e.g. 2030-01-31"
        ) from None


def is_override(state: State, evidence_state: State | None) -> bool:
    """Whether answering `state` contradicts what the evidence says (so a note is required).

    Detected evidence is contradicted by anything but done; at-risk evidence by anything that
    closes the item (done, n/a, waived).
    """
    if evidence_state is State.DETECTED:
        return state is not State.DONE
    if evidence_state is State.AT_RISK:
        return state in (State.DONE, State.NA, State.WAIVED)
    return False


def make_answer(
    item: Item,
    state: State,
    *,
    score: int | None = None,
    note: str = "",
    reason: str = "",
    until: str = "",
    evidence_state: State | None = None,
    by: str | None = None,
    at: str | None = None,
    today: dt.date | None = None,
    cwd: Path | None = None,
) -> Answer:
    """A validated, stamped answer to `item`, or DraftError saying what is missing.

    `evidence_state` is the item's state from evidence alone (DETECTED / AT_RISK / anything else);
    overriding evidence needs a note (for n/a and waivers the reason serves when no note is given)
    and is stored with Source.OVERRIDE. `by` defaults to the git identity, `at` to now (UTC).
    """
    note, reason, until = note.strip(), reason.strip(), until.strip()
    if state not in ANSWERABLE:
        raise DraftError(f"{item.id}: {state.value!r} comes from evidence and cannot be answered")
    if item.kind is ItemKind.SCORE:
        if state is State.DONE and score is None:
            raise DraftError(f"{item.id} is a score item: answer it with score=0, 1 or 2")
        if score is not None and (type(score) is not int or score not in (0, 1, 2)):
            raise DraftError(f"{item.id}: score must be 0, 1 or 2, not {score}")
    elif score is not None:
        raise DraftError(f"{item.id} is a check item, not a score item: mark it done or todo")
    if state is State.NA and not reason:
        raise DraftError(f"{item.id}: n/a needs a reason (why the item does not apply)")
    if state is State.WAIVED:
        if not reason:
            raise DraftError(f"{item.id}: a waiver needs a reason")
        if not until:
            raise DraftError(f"{item.id}: a waiver needs an expiry date (until=YYYY-MM-DD)")
        expiry = _parse_date(until)
        if expiry < (today or dt.date.today()):
            raise DraftError(f"{item.id}: waiver date {until} is in the past")
        until = expiry.isoformat()
    elif until:
        raise DraftError(f"{item.id}: an expiry date only applies to waivers")
    source = Source.MANUAL
    if is_override(state, evidence_state):
        assert evidence_state is not None
        if not note and state in (State.NA, State.WAIVED):
            note = reason
        if not note:
            said = "detected evidence" if evidence_state is State.DETECTED else "evidence at risk"
            raise DraftError(f"{item.id}: overriding {said} needs a note saying why")
        source = Source.OVERRIDE
    return Answer(
        item_id=item.id,
        state=state,
        source=source,
        score=score if state is State.DONE else None,
        note=note,
        reason=reason if state in (State.NA, State.WAIVED) else "",
        until=until if state is State.WAIVED else "",
        by=identity(cwd) if by is None else by,
        at=utc_now() if at is None else at,
    )


def apply_answer(
    draft: Draft,
    item: Item,
    state: State,
    *,
    evidence_state: State | None = None,
    **fields: Any,
) -> Draft:
    """Answer `item` in `draft`; TODO without contrary evidence simply clears the answer."""
    if state is State.TODO and not is_override(state, evidence_state):
        return without_answer(draft, item.id)
    return with_answer(draft, make_answer(item, state, evidence_state=evidence_state, **fields))


# --------------------------------------------------------------------------- TOML


def _answer_table(answer: Answer) -> Any:
    import tomlkit

    table = tomlkit.table()
    table["state"] = answer.state.value
    table["source"] = answer.source.value
    if answer.score is not None:
        table["score"] = answer.score
    for key in ("note", "reason", "until", "by", "at", "carried_from"):
        value = getattr(answer, key)
        if value:
            table[key] = value
    return table


def dumps(draft: Draft) -> str:
    """Stable TOML: fixed key order, answers sorted by item id, empty fields omitted.

    tomlkit is imported here and in `loads`, where a draft is written or read: a command that
    finds no draft (`golive status` before the first answer) never loads it (~12 ms)."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment("golive draft: in-progress answers (autosaved; edit with care)"))
    doc["schema"] = SCHEMA
    doc["checklist"] = draft.checklist_id
    doc["checklist_version"] = draft.checklist_version
    doc["release"] = draft.release
    doc["profile"] = draft.profile
    doc["participants"] = list(draft.participants)
    doc["created"] = draft.created
    doc["updated"] = draft.updated
    if draft.carried_from:
        doc["carried_from"] = draft.carried_from
    answers = tomlkit.table(is_super_table=True)
    for item_id in sorted(draft.answers):
        answers[item_id] = _answer_table(draft.answers[item_id])
    doc["answers"] = answers
    return tomlkit.dumps(doc)


def _str(data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise DraftError(f"{where}: {key!r} must be a string")
    return value


def loads(text: str, where: str) -> Draft:
    """Parse a draft; every problem becomes a DraftError naming `where` (path, and line if known)."""
    from tomlkit.exceptions import ParseError

    try:
        data = tomlsafe.parse(text).unwrap()
    except ParseError as exc:
        raise DraftError(
            f"{where}:{exc.line}: draft is not valid TOML ({exc}); fix it or delete the file"
        ) from None
    schema = data.get("schema")
    if schema != SCHEMA:
        raise DraftError(f"{where}: unsupported draft schema {schema!r} (expected {SCHEMA})")
    participants = data.get("participants", [])
    if not isinstance(participants, list) or not all(isinstance(p, str) for p in participants):
        raise DraftError(f"{where}: 'participants' must be a list of strings")
    raw_answers = data.get("answers", {})
    if not isinstance(raw_answers, dict):
        raise DraftError(f"{where}: 'answers' must be a table")
    answers: dict[str, Answer] = {}
    for item_id, raw in raw_answers.items():
        at = f"{where}: answers.{item_id}"
        if not isinstance(raw, dict):
            raise DraftError(f"{at}: must be a table")
        try:
            state = State(str(raw.get("state")))
            source = Source(raw.get("source", "manual"))
        except ValueError as exc:
            raise DraftError(f"{at}: {exc}") from None
        score = raw.get("score")
        # 1.0 == 1 in Python, so the type is checked first: a float score is not golive's own.
        if score is not None and (type(score) is not int or score not in (0, 1, 2)):
            raise DraftError(f"{at}: score must be the integer 0, 1 or 2, not {score!r}")
        answers[item_id] = Answer(
            item_id=item_id,
            state=state,
            source=source,
            score=score,
            **{
                k: _str(raw, k, at, "")
                for k in ("note", "reason", "until", "by", "at", "carried_from")
            },
        )
    return Draft(
        checklist_id=_str(data, "checklist", where),
        release=_str(data, "release", where),
        profile=_str(data, "profile", where, ""),
        answers=answers,
        participants=tuple(participants),
        created=_str(data, "created", where, ""),
        updated=_str(data, "updated", where, ""),
        checklist_version=_str(data, "checklist_version", where, ""),
        carried_from=_str(data, "carried_from", where, ""),
        resumed=True,
    )


# --------------------------------------------------------------------------- lock


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process; no pid that large
        return False
    except PermissionError:
        return True
    return True


#: A lock file without a complete holder (empty, or cut short) older than this was left by a
#: crash between creating and writing it.
_EMPTY_LOCK_GRACE_SECONDS = 10.0
#: Largest draft file read (a draft of every shipped item with long notes is far smaller).
MAX_DRAFT_BYTES = 4 * 1024 * 1024

#: What a lock file holds at most: three short lines. Reading more is never needed.
_LOCK_READ_LIMIT = 4096

_HOLDER_KEYS = ("pid", "host", "since")


def _why(exc: OSError) -> str:
    """`No space left on device`: the reason alone (the path is already in the message)."""
    return exc.strerror or str(exc)


def _read_lock(path: Path) -> str | None:
    """A lock file's text (at most _LOCK_READ_LIMIT bytes), or None when it cannot be read.

    Never blocks (a FIFO in its place) or follows a symlink; bytes that are not UTF-8 are
    replaced rather than raising.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        return os.read(fd, _LOCK_READ_LIMIT).decode("utf-8", errors="replace")
    except OSError:
        return None
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte or raise (os.write may write only part; 0 bytes means the disk is full)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


class DraftLock:
    """An exclusive claim on one draft, held while a walker (or `golive mark`) edits it.

    The lock file is created with O_EXCL and names its holder (pid, host, time). A lock left by
    a process that died on this host is taken over; any other holder gets a clear DraftError.
    A lock that cannot be written whole (disk full, read-only, no permission) is removed again
    and reported as a DraftError: a failure never leaves a lock behind.
    """

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label
        self._token = ""

    @property
    def held(self) -> bool:
        return bool(self._token)

    def _holder(self) -> dict[str, str]:
        text = _read_lock(self.path) or ""
        return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)

    def _abandoned_incomplete(self) -> bool:
        """Gone, or incomplete for longer than a holder takes to write its name (a crash)."""
        try:
            age = dt.datetime.now().timestamp() - self.path.lstat().st_mtime
        except FileNotFoundError:
            return True
        except OSError:
            return False
        return age > _EMPTY_LOCK_GRACE_SECONDS

    def _fail(self, exc: OSError) -> DraftError:
        return DraftError(f"cannot lock the draft at {self.path}: {_why(exc)}")

    def acquire(self) -> DraftLock:
        if self._token:
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._fail(exc) from None
        host = socket.gethostname()
        token = f"pid={os.getpid()}\nhost={host}\nsince={utc_now()}\n"
        for _attempt in range(3):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = self._holder()
                raw_pid = holder.get("pid", "")
                pid = int(raw_pid) if raw_pid.isascii() and raw_pid.isdigit() else 0
                stale = holder.get("host") == host and pid > 0 and not _pid_alive(pid)
                complete = all(holder.get(key) for key in _HOLDER_KEYS)
                if stale or (not complete and self._abandoned_incomplete()):
                    try:
                        self.path.unlink()
                    except FileNotFoundError:
                        pass
                    except OSError as exc:
                        raise self._fail(exc) from None
                    continue
                raise DraftError(
                    f"the draft {self.label} is open in another golive "
                    f"(pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
                    f"since {holder.get('since', '?')}); close it there first "
                    f"(or delete {self.path} if that golive is gone)"
                ) from None
            except OSError as exc:
                raise self._fail(exc) from None
            try:
                try:
                    _write_all(fd, token.encode("utf-8"))
                finally:
                    os.close(fd)
            except OSError as exc:
                # An empty or cut-short lock would block the next golive: take it away again.
                with contextlib.suppress(OSError):
                    self.path.unlink()
                raise self._fail(exc) from None
            self._token = token
            return self
        raise DraftError(f"cannot lock the draft at {self.path}: lock file keeps changing")

    def release(self) -> None:
        if not self._token:
            return
        if _read_lock(self.path) == self._token:
            with contextlib.suppress(OSError):
                self.path.unlink()
        self._token = ""

    def __enter__(self) -> DraftLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


# --------------------------------------------------------------------------- store


class DraftStore:
    """Drafts of one repository (or of one of its services), one file per checklist and release.

    A repository of several services keeps each service's drafts in `drafts/<service>/`; a
    single-service repository keeps today's `drafts/`.
    """

    def __init__(self, repo_root: Path, service: str = "") -> None:
        self.repo_root = repo_root
        self.service = check_service_name(service) if service else ""
        base = state_dir(repo_root) / "drafts"
        self.directory = base / self.service if self.service else base
        self._git_dir = base.parent.parent

    def path(self, checklist_id: str, release: str) -> Path:
        validate_release(release)
        return self.directory / f"{checklist_id}@{release}.toml"

    def load(self, checklist_id: str, release: str) -> Draft | None:
        """The saved draft, or None; lock-free (saves are atomic renames, so reads are whole)."""
        path = self.path(checklist_id, release)
        try:  # confined to the git directory and capped, like every file golive is handed
            rel = path.relative_to(self._git_dir).as_posix()
            text = read_confined(self._git_dir, rel, MAX_DRAFT_BYTES).decode("utf-8")
        except FileNotFoundError:
            return None
        except UnsafePathError as exc:
            raise DraftError(f"{path}: cannot read the draft: {exc.why}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise DraftError(f"{path}: cannot read the draft: {exc}") from None
        draft = loads(text, str(path))
        if draft.checklist_id != checklist_id or draft.release != release:
            raise DraftError(
                f"{path}: holds {draft.checklist_id}@{draft.release}, "
                f"expected {checklist_id}@{release}"
            )
        return draft

    def save(self, draft: Draft) -> Draft:
        """Write atomically, stamping `updated`; returns the draft as saved."""
        saved = replace(draft, updated=utc_now())
        try:
            write_atomic(self.path(draft.checklist_id, draft.release), dumps(saved))
        except OSError as exc:
            raise DraftError(f"cannot save the draft: {exc}") from None
        return saved

    def lock(self, checklist_id: str, release: str) -> DraftLock:
        path = self.path(checklist_id, release)
        return DraftLock(path.with_name(path.name + ".lock"), f"{checklist_id}@{release}")

    def update(
        self,
        checklist_id: str,
        release: str,
        change: Callable[[Draft], Draft],
        *,
        create: Draft | None = None,
    ) -> Draft:
        """Lock, load (or start from `create`), apply `change`, save: one edit from the shell."""
        with self.lock(checklist_id, release):
            draft = self.load(checklist_id, release) or create
            if draft is None:
                raise DraftError(f"no draft for {checklist_id}@{release} yet")
            return self.save(change(draft))

    def drafts(self) -> Iterator[Path]:
        if self.directory.is_dir():
            yield from sorted(self.directory.glob("*.toml"))
