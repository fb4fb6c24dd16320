"""Draft store: atomic autosave, resume, the lock, corrupt files and answer validation."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import RepoFactory

from golive_tui.core import draft as d
from golive_tui.core.errors import DraftError
from golive_tui.core.model import Answer, Item, ItemKind, Priority, Source, State

TODAY = dt.date(2030, 1, 15)


def _item(item_id: str = "a.one", kind: ItemKind = ItemKind.CHECK) -> Item:
    rubric = ("none", "some", "all") if kind is ItemKind.SCORE else ()
    return Item(item_id, "Title", "why", "verify", "fix", Priority.P0, kind=kind, rubric=rubric)


@pytest.fixture
def store(make_repo: RepoFactory) -> d.DraftStore:
    return d.DraftStore(make_repo({"go.mod": "module x\n"}))


def test_save_load_roundtrip_is_stable_and_under_git(store: d.DraftStore) -> None:
    draft = d.Draft.new("go-production", "v1.0.0", profile="quick", participants=("Bo <b@x>",))
    draft = d.with_answer(draft, d.make_answer(_item("b.two"), State.DONE, today=TODAY))
    draft = d.with_answer(
        draft,
        d.make_answer(
            _item("a.one"), State.WAIVED, reason="later", until="2030-02-01", today=TODAY
        ),
    )
    store.save(draft)
    path = store.path("go-production", "v1.0.0")
    assert ".git" in path.parts and path.is_file()
    text = path.read_text()
    assert text.index('[answers."a.one"]') < text.index('[answers."b.two"]')
    loaded = store.load("go-production", "v1.0.0")
    assert loaded is not None and loaded.resumed
    assert loaded.answers == draft.answers
    assert loaded.participants == ("Bo <b@x>",)
    assert loaded.answers["b.two"].by == "Ada Tester <ada@example.com>"
    store.save(loaded)
    assert path.read_text().split("updated")[0] == text.split("updated")[0]


def test_load_missing_returns_none(store: d.DraftStore) -> None:
    assert store.load("go-production", "unreleased") is None


def test_save_is_atomic_no_temp_files_left(store: d.DraftStore) -> None:
    store.save(d.Draft.new("c", "r1"))
    store.save(d.Draft.new("c", "r1"))
    assert [p.name for p in store.directory.iterdir()] == ["c@r1.toml"]


def test_corrupt_draft_names_path_and_line(store: d.DraftStore) -> None:
    path = store.path("c", "r1")
    path.parent.mkdir(parents=True)
    path.write_text('schema = 1\nchecklist = "c"\nrelease = = "r1"\n')
    with pytest.raises(DraftError, match=rf"{path}:3: draft is not valid TOML"):
        store.load("c", "r1")


def test_draft_with_bad_state_is_a_clear_error(store: d.DraftStore) -> None:
    path = store.path("c", "r1")
    path.parent.mkdir(parents=True)
    path.write_text(
        'schema = 1\nchecklist = "c"\nrelease = "r1"\n[answers."a.one"]\nstate = "finished"\n'
    )
    with pytest.raises(DraftError, match=r"answers\.a\.one.*finished"):
        store.load("c", "r1")


def test_lock_blocks_second_holder_with_clear_message(store: d.DraftStore) -> None:
    with (
        store.lock("c", "r1"),
        pytest.raises(DraftError, match=rf"open in another golive \(pid {os.getpid()}"),
    ):
        store.lock("c", "r1").acquire()
    with store.lock("c", "r1") as again:
        assert again.held


def test_stale_lock_from_dead_process_is_taken_over(store: d.DraftStore) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead = int(proc.stdout)
    lock = store.lock("c", "r1")
    lock.path.parent.mkdir(parents=True, exist_ok=True)
    lock.path.write_text(f"pid={dead}\nhost={socket.gethostname()}\nsince=2020-01-01T00:00:00Z\n")
    with lock:
        assert f"pid={os.getpid()}" in lock.path.read_text()
    assert not lock.path.exists()


def test_lock_on_other_host_is_respected(store: d.DraftStore) -> None:
    lock = store.lock("c", "r1")
    lock.path.parent.mkdir(parents=True, exist_ok=True)
    lock.path.write_text("pid=1\nhost=elsewhere.example\nsince=2020-01-01T00:00:00Z\n")
    with pytest.raises(DraftError, match=r"elsewhere\.example"):
        lock.acquire()


def test_update_creates_and_applies(store: d.DraftStore) -> None:
    item = _item()
    out = store.update(
        "c", "r1", lambda dr: d.apply_answer(dr, item, State.DONE), create=d.Draft.new("c", "r1")
    )
    assert out.answers["a.one"].state is State.DONE
    out = store.update("c", "r1", lambda dr: d.apply_answer(dr, item, State.TODO))
    assert out.answers == {}
    with pytest.raises(DraftError, match="no draft"):
        store.update("c", "r2", lambda dr: dr)


def test_participants_deduplicated(store: d.DraftStore) -> None:
    draft = d.with_participant(d.Draft.new("c", "r"), "Bo <b@x>")
    assert d.with_participant(draft, "Bo <b@x>").participants == ("Bo <b@x>",)
    with pytest.raises(DraftError):
        d.with_participant(draft, "  ")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"state": State.NA}, "n/a needs a reason"),
        ({"state": State.WAIVED, "until": "2030-02-01"}, "waiver needs a reason"),
        ({"state": State.WAIVED, "reason": "r"}, "expiry date"),
        ({"state": State.WAIVED, "reason": "r", "until": "next week"}, "not a date"),
        ({"state": State.WAIVED, "reason": "r", "until": "2020-01-01"}, "in the past"),
        ({"state": State.DONE, "score": 1}, "not a score item"),
        ({"state": State.DONE, "until": "2030-02-01"}, "only applies to waivers"),
        ({"state": State.DETECTED}, "comes from evidence"),
        ({"state": State.TODO, "evidence_state": State.DETECTED}, "overriding detected"),
        ({"state": State.DONE, "evidence_state": State.AT_RISK}, "evidence at risk"),
    ],
)
def test_validation_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(DraftError, match=message):
        d.make_answer(_item(), today=TODAY, by="x", **kwargs)  # type: ignore[arg-type]


def test_score_items_take_0_1_2() -> None:
    item = _item(kind=ItemKind.SCORE)
    assert d.make_answer(item, State.DONE, score=2, by="x").score == 2
    with pytest.raises(DraftError, match="0, 1 or 2"):
        d.make_answer(item, State.DONE, score=3, by="x")
    with pytest.raises(DraftError, match="score item"):
        d.make_answer(item, State.DONE, by="x")


def test_override_is_recorded_with_note() -> None:
    answer = d.make_answer(
        _item(), State.DONE, note="fixed in #12", evidence_state=State.AT_RISK, by="x"
    )
    assert answer.source is Source.OVERRIDE and answer.note == "fixed in #12"
    waived = d.make_answer(
        _item(),
        State.WAIVED,
        reason="vendor",
        until="2030-03-01",
        evidence_state=State.AT_RISK,
        today=TODAY,
        by="x",
    )
    assert waived.source is Source.OVERRIDE and waived.note == "vendor"
    plain = d.make_answer(_item(), State.DONE, evidence_state=State.DETECTED, by="x")
    assert plain.source is Source.MANUAL


def test_stamps_identity_and_utc_time(make_repo: RepoFactory) -> None:
    answer = d.make_answer(_item(), State.DONE)
    assert answer.by == "Ada Tester <ada@example.com>"
    assert answer.at.endswith("Z") and dt.datetime.fromisoformat(answer.at.replace("Z", "+00:00"))


def test_todo_on_detected_is_an_override_kept_in_draft() -> None:
    draft = d.apply_answer(
        d.Draft.new("c", "r"),
        _item(),
        State.TODO,
        evidence_state=State.DETECTED,
        note="detector fooled by a test helper",
        by="x",
    )
    assert draft.answers["a.one"] == Answer(
        "a.one",
        State.TODO,
        Source.OVERRIDE,
        note="detector fooled by a test helper",
        by="x",
        at=draft.answers["a.one"].at,
    )


def test_release_name_is_validated(store: d.DraftStore) -> None:
    with pytest.raises(Exception, match="not usable"):
        store.path("c", "../etc")


def test_draft_path_not_in_working_tree(store: d.DraftStore) -> None:
    assert Path(store.repo_root) not in store.path("c", "r").parents or ".git" in str(
        store.path("c", "r")
    )


def test_empty_lock_left_by_a_crash_is_taken_over_but_a_fresh_one_is_not(
    store: d.DraftStore,
) -> None:
    lock = store.lock("c", "r1")
    lock.path.parent.mkdir(parents=True, exist_ok=True)
    lock.path.write_text("")
    with pytest.raises(DraftError, match="open in another golive"):
        lock.acquire()  # just created: its holder may be writing its name right now
    old = lock.path.stat().st_mtime - 60
    os.utime(lock.path, (old, old))
    with lock:
        assert f"pid={os.getpid()}" in lock.path.read_text()
    assert not lock.path.exists()
