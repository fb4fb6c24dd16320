"""Confinement: a path that comes from repository data never leads golive outside the repository.

A record (or draft, checklist, config) names files; a hostile one names `/home/me/.ssh/id_ed25519`,
`../outside`, `/dev/zero`, a symlink leading out, a FIFO. golive must never show their content,
never read a device, never read a file without a cap, and say what it refused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from golive_tui.core.checklist.library import Library
from golive_tui.core.confine import (
    TooLargeError,
    UnsafePathError,
    confine,
    read_capped,
    read_confined,
    relative,
)
from golive_tui.core.errors import RecordError
from golive_tui.core.model import Checklist, Item, Priority, Section
from golive_tui.core.record import carry
from golive_tui.core.record.build import _dirty_blobs, item_wording
from golive_tui.core.record.carry import Base, ChangeKind
from golive_tui.core.record.model import RecordEvidence, RecordItem, RecordRepo
from golive_tui.core.record.store import (
    MAX_RECORD_BYTES,
    _lock_path,
    load_record,
    record_path,
    write_record,
)
from golive_tui.core.record.verify import sign_record
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import sample_record, ssh_keygen, use_ssh_key
from tests.values import replace

SECRET = "SECRET-CONTENT-do-not-show"
OLD = "1" * 40


def run_golive(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """golive in a child process: a hang or an unbounded read fails on the timeout, not the suite."""
    return subprocess.run(
        [sys.executable, "-m", "golive_tui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",  # file names that are not UTF-8 may be printed as they are
        timeout=120,
        check=False,
    )


@dataclass
class Hostile:
    root: Path
    outside: Path  # a folder next to the repository holding the secret


@pytest.fixture
def hostile(make_repo: RepoFactory, tmp_path: Path) -> Hostile:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n")
    root = make_repo({"go.mod": "module example.com/svc\n", "docs/runbook.md": "# runbook\n"})
    (root / "link").symlink_to(outside / "secret.txt")
    (root / "linkdir").symlink_to(outside)
    (root / "zero").symlink_to("/dev/zero")
    os.mkfifo(root / "fifo")
    (root / "big.txt").write_bytes(b"x\n" * (carry.MAX_DIFF_BYTES // 2 + 1))
    return Hostile(root, outside)


# --------------------------------------------------------------------------- the one function

LEXICAL = [
    ("", "empty"),
    ("/etc/passwd", "absolute"),
    ("/dev/zero", "absolute"),
    ("../outside/secret.txt", "'..'"),
    ("docs/../../outside", "'..'"),
    ("a\0b", "NUL"),
    (".git/config", ".git"),
    ("sub/.GIT/config", ".git"),
    ("./.", "repository itself"),
]


@pytest.mark.parametrize(("path", "why"), LEXICAL, ids=[p or "empty" for p, _ in LEXICAL])
def test_relative_refuses_paths_that_are_not_repository_files(path: str, why: str) -> None:
    with pytest.raises(UnsafePathError, match="expected") as info:
        relative(path)
    assert why in str(info.value)


@pytest.mark.parametrize(
    ("path", "normal"),
    [("a.go", "a.go"), ("./docs//runbook.md", "docs/runbook.md"), ("a/./b/", "a/b")],
)
def test_relative_normalises(path: str, normal: str) -> None:
    assert relative(path) == normal


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("link", "symlink leading outside"),
        ("linkdir/secret.txt", "symlink leading outside"),
        ("zero", "symlink leading outside"),
        ("/dev/zero", "absolute"),
        ("../outside/secret.txt", "'..'"),
    ],
)
def test_confine_refuses_what_leads_outside(hostile: Hostile, path: str, why: str) -> None:
    with pytest.raises(UnsafePathError, match=why):
        read_confined(hostile.root, path)


def test_confine_keeps_paths_inside(hostile: Hostile) -> None:
    assert confine(hostile.root, "docs/runbook.md") == hostile.root.resolve() / "docs/runbook.md"
    assert read_confined(hostile.root, "./docs/runbook.md") == b"# runbook\n"
    # a final symlink is left alone on request (read as a link, as git does)
    assert confine(hostile.root, "link", follow=False) == hostile.root.resolve() / "link"


def test_symlink_loop_is_refused(hostile: Hostile) -> None:
    (hostile.root / "loop-a").symlink_to("loop-b")
    (hostile.root / "loop-b").symlink_to("loop-a")
    with pytest.raises(UnsafePathError, match="symlink loop"):
        read_confined(hostile.root, "loop-a")


@pytest.mark.parametrize(
    ("name", "why"), [("fifo", "a FIFO"), ("docs", "a directory"), ("link", "symlink")]
)
def test_only_regular_files_are_read(hostile: Hostile, name: str, why: str) -> None:
    with pytest.raises(UnsafePathError, match=why):
        read_capped(hostile.root / name)


def test_device_is_never_read() -> None:
    with pytest.raises(UnsafePathError, match="a device"):
        read_capped(Path("/dev/zero"))


def test_cap_is_enforced_reading_at_most_cap_plus_one(hostile: Hostile) -> None:
    assert read_capped(hostile.root / "docs/runbook.md", cap=10) == b"# runbook\n"
    with pytest.raises(TooLargeError, match="at most 9 bytes"):
        read_capped(hostile.root / "docs/runbook.md", cap=9)


# --------------------------------------------------------------------------- carry-forward

MANUAL = Item(
    id="ops.runbook",
    title="Runbook",
    why="why",
    verify="verify",
    remediation="fix",
    priority=Priority.P1,
    section="s",
)
CHECKLIST = Checklist(
    id="t",
    title="T",
    version="1",
    description="",
    source=(),
    sections=(Section("s", "S", (MANUAL,)),),
)

#: watch path -> what the re-ask reason says (the file is never read)
REFUSED = {
    "/dev/zero": "absolute",
    "../outside/secret.txt": "'..'",
    "linkdir/secret.txt": "symlink leading outside",
    ".git/config": ".git",
    "fifo": "regular file",
}


class _NoReport:
    results: tuple[()] = ()
    paths: tuple[str, ...] = ()


@pytest.mark.parametrize("path", sorted(REFUSED))
def test_carry_refuses_watch_paths_outside_the_repository(hostile: Hostile, path: str) -> None:
    item = RecordItem(
        id=MANUAL.id,
        state="done",
        source="manual",
        wording=item_wording(MANUAL),
        by="Ada <ada@example.com>",
        at="2999-01-01T00:00:00Z",
        watch=((path, OLD),),
    )
    base = Base(
        "v1", hostile.root / ".golive/records/v1.toml", replace(sample_record(), items=(item,))
    )
    observed = carry.observe_worktree(hostile.root, _NoReport(), base.record)
    plan = carry.compare(CHECKLIST, base, observed, release="v2", repo_root=hostile.root)
    (reason,) = plan.reasked[MANUAL.id]
    assert reason.kind is ChangeKind.FILE_CHANGED
    assert f"{path} (named by the v1 record) is not read" in reason.message
    assert REFUSED[path] in reason.message
    assert reason.diff == "" and SECRET not in json.dumps(plan.to_json())


def test_carry_absolute_secret_path_is_refused(hostile: Hostile) -> None:
    secret = str(hostile.outside / "secret.txt")
    item = RecordItem(
        id=MANUAL.id, state="done", source="manual", wording=item_wording(MANUAL),
        evidence=(RecordEvidence("d", secret, 1, "positive", OLD),),
    )  # fmt: skip
    base = Base(
        "v1", hostile.root / ".golive/records/v1.toml", replace(sample_record(), items=(item,))
    )
    observed = carry.observe_worktree(hostile.root, _NoReport(), base.record)
    plan = carry.compare(CHECKLIST, base, observed, release="v2", repo_root=hostile.root)
    assert "absolute" in plan.reasked[MANUAL.id][0].message
    assert SECRET not in json.dumps(plan.to_json())


@pytest.mark.parametrize(
    ("path", "diff_says"),
    [
        ("link", str(Path("outside") / "secret.txt")),  # a link is its target's name, never content
        ("zero", "/dev/zero"),
        ("big.txt", "not shown"),
    ],
)
def test_carry_diffs_show_links_as_links_and_cap_big_files(
    hostile: Hostile, path: str, diff_says: str
) -> None:
    recorded = git(hostile.root, "rev-parse", "HEAD:go.mod")  # a blob the repository has
    item = RecordItem(
        id=MANUAL.id, state="done", source="manual", wording=item_wording(MANUAL),
        at="2999-01-01T00:00:00Z", watch=((path, recorded),),
    )  # fmt: skip
    base = Base(
        "v1", hostile.root / ".golive/records/v1.toml", replace(sample_record(), items=(item,))
    )
    observed = carry.observe_worktree(hostile.root, _NoReport(), base.record)
    plan = carry.compare(CHECKLIST, base, observed, release="v2", repo_root=hostile.root)
    (reason,) = plan.reasked[MANUAL.id]
    assert diff_says in reason.diff
    assert SECRET not in reason.diff and len(reason.diff) < 10_000


def test_record_paths_are_refused_by_gate_since_record(hostile: Hostile) -> None:
    """observe_record never reads files, but a later record's hostile path is still refused."""
    later = replace(
        sample_record(release="v2"),
        items=(
            RecordItem(id=MANUAL.id, state="done", source="manual", watch=(("/dev/zero", OLD),)),
        ),
    )
    observed = carry.observe_record(hostile.root, later)
    assert "absolute" in observed.refusal("/dev/zero") and observed.refusal("a.go") == ""


# --------------------------------------------------------------------------- end to end


def _first_manual_item(root: Path) -> Item:
    checklist = Library.discover(root).get("go-production")
    return next(i for i in checklist.items() if i.detect is None)


@pytest.fixture
def signed_hostile_base(hostile: Hostile, tmp_path: Path) -> tuple[Hostile, Item]:
    """A signed, verifying record of v1.0.0 whose answer watches files outside the repository."""
    root = hostile.root
    key = ssh_keygen(tmp_path)
    use_ssh_key(root, key)
    # trusted by the user too, whatever the trust root's default is
    git(
        root,
        "config",
        "--global",
        "gpg.ssh.allowedSignersFile",
        str(root / ".golive/allowed_signers"),
    )
    git(root, "add", ".golive")
    git(root, "commit", "-q", "-m", "signers")
    git(root, "tag", "v1.0.0")
    item = _first_manual_item(root)
    # Recorded blobs an attacker would pick: "" (any content now differs, so it is diffed
    # against nothing) or a blob the repository has (so the old side of the diff exists).
    known = git(root, "rev-parse", "HEAD:go.mod")
    watch = (
        (str(hostile.outside / "secret.txt"), ""),
        ("../outside/secret.txt", known),
        ("/dev/zero", known),
        ("linkdir/secret.txt", ""),
        ("link", known),
        ("zero", known),
        (".git/config", ""),
    )
    head = git(root, "rev-parse", "HEAD")
    record = replace(
        sample_record(release="v1.0.0"),
        created="2026-01-02T03:04:05Z",
        repo=RecordRepo(
            remote="", commit=head, tree=git(root, "rev-parse", "HEAD^{tree}"), dirty=False
        ),
        items=(
            RecordItem(
                id=item.id,
                state="done",
                source="manual",
                title=item.title,
                priority=item.priority.value,
                wording=item_wording(item),
                by="Ada Tester <ada@example.com>",
                at="2999-01-01T00:00:00Z",
                watch=watch,
            ),
        ),
    )
    record = sign_record(record, root, signed_at="2026-01-02T03:04:05Z")
    write_record(record_path(root, "v1.0.0"), record)
    git(root, "add", ".golive/records")  # a base is a committed record
    git(root, "commit", "-q", "-m", "after")
    return hostile, item


def test_status_json_never_shows_outside_content(signed_hostile_base: tuple[Hostile, Item]) -> None:
    hostile, item = signed_hostile_base
    proc = run_golive("status", "-C", str(hostile.root), "--release", "v1.1.0", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert SECRET not in proc.stdout and SECRET not in proc.stderr
    data = json.loads(proc.stdout)
    carry_plan = data["carry"]
    if carry_plan is None:  # the record was rejected as a base outright: also safe
        pytest.fail(f"expected the signed record as the base; status said {data}")
    reasons = carry_plan["reasked_items"][item.id]
    said = "\n".join(r["message"] + r.get("diff", "") for r in reasons)
    for refused in ("/dev/zero", "../outside/secret.txt", "linkdir/secret.txt", ".git/config"):
        assert f"{refused} (named by the v1.0.0 record) is not read" in said
    assert "is not read: expected a repository-relative path, got an absolute one" in said
    assert "[url" not in said and "[core]" not in said  # .git/config content never shown


# --------------------------------------------------------------------------- records


def test_record_symlinked_outside_is_not_read_or_verified(
    signed_hostile_base: tuple[Hostile, Item],
) -> None:
    hostile, _item = signed_hostile_base
    records = hostile.root / ".golive/records"
    real = records / "v1.0.0.toml"
    moved = hostile.outside / "v1.0.0.toml"
    real.rename(moved)
    real.symlink_to(moved)
    proc = run_golive("verify", "-C", str(hostile.root), "--all")
    assert proc.returncode == 1
    assert "good" not in proc.stdout
    assert "symlink leading outside" in proc.stdout + proc.stderr
    proc = run_golive("gate", "-C", str(hostile.root), "--release", "v1.0.0")
    assert proc.returncode == 1 and "symlink leading outside" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_records_folder_symlinked_outside_is_refused(hostile: Hostile) -> None:
    (hostile.root / ".golive").mkdir()
    (hostile.outside / "records").mkdir()
    (hostile.root / ".golive/records").symlink_to(hostile.outside / "records")
    write_record(hostile.outside / "records/v1.toml", sample_record(release="v1"))
    proc = run_golive("verify", "-C", str(hostile.root), "v1")
    assert proc.returncode == 1 and "symlink leading outside" in proc.stdout
    # and sign never writes through it
    proc = run_golive("sign", "-C", str(hostile.root), "--release", "v2", "--no-sign")
    assert proc.returncode == 1, proc.stderr
    assert "symlink leading outside" in proc.stderr and "Traceback" not in proc.stderr
    assert not (hostile.outside / "records/v2.toml").exists()


def test_record_that_is_a_device_or_fifo_is_refused(hostile: Hostile) -> None:
    records = hostile.root / ".golive/records"
    records.mkdir(parents=True)
    os.mkfifo(records / "v1.toml")
    with pytest.raises(RecordError, match="expected a regular file, got a FIFO"):
        load_record(records / "v1.toml")


def test_huge_record_is_refused_without_reading_it_all(hostile: Hostile) -> None:
    records = hostile.root / ".golive/records"
    records.mkdir(parents=True)
    with (records / "v1.toml").open("wb") as handle:
        handle.truncate(MAX_RECORD_BYTES * 4)  # sparse: cheap to make, costly to read
    with pytest.raises(RecordError, match="expected at most"):
        load_record(records / "v1.toml")


# --------------------------------------------------------------------------- .golive files


def _golive(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_golive(*args[:1], "-C", str(root), *args[1:])


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("outside", "expected a file inside the repository, got a symlink leading outside it"),
        ("/dev/zero", "expected a file inside the repository, got a symlink leading outside it"),
        ("fifo", "expected a regular file, got a FIFO"),
        ("loop", "symlink loop"),
    ],
)
@pytest.mark.parametrize(("command", "code"), [("scan", 2), ("status", 2)])  # one config reader
def test_config_toml_outside_or_special_is_refused(
    hostile: Hostile, target: str, why: str, command: str, code: int
) -> None:
    (hostile.outside / "config.toml").write_text(f'checklist = "{SECRET}"\n')
    config = hostile.root / ".golive/config.toml"
    config.parent.mkdir()
    if target == "outside":
        config.symlink_to(hostile.outside / "config.toml")
    elif target == "fifo":
        os.mkfifo(config)
    elif target == "loop":
        config.symlink_to("config.toml")
    else:
        config.symlink_to(target)
    proc = _golive(hostile.root, command)
    assert proc.returncode == code, proc.stderr
    assert why in proc.stderr and "config.toml" in proc.stderr
    assert SECRET not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr


EVIL_CHECKLIST = f"""
[checklist]
id = "evil"
title = "{SECRET}"
version = "1"
description = "d"
source = []
"""


def test_checklist_symlinked_outside_is_refused(hostile: Hostile) -> None:
    (hostile.outside / "evil.toml").write_text(EVIL_CHECKLIST)
    folder = hostile.root / ".golive/checklists"
    folder.mkdir(parents=True)
    (folder / "evil.toml").symlink_to(hostile.outside / "evil.toml")
    proc = _golive(hostile.root, "checklists")
    assert proc.returncode == 1
    assert "evil.toml: expected a file inside the repository, got a symlink leading outside it" in (
        proc.stdout + proc.stderr
    )
    assert SECRET not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    assert _golive(hostile.root, "status", "--no-scan").returncode == 0  # the rest still works


@pytest.mark.parametrize("layout", ["file-loop", "folder-loop", "folder-outside"])
def test_checklists_folder_loops_and_escapes_are_problems(hostile: Hostile, layout: str) -> None:
    folder = hostile.root / ".golive/checklists"
    folder.parent.mkdir()
    if layout == "file-loop":
        folder.mkdir()
        (folder / "a.toml").symlink_to("b.toml")
        (folder / "b.toml").symlink_to("a.toml")
        expected = "a.toml: expected a file, got a symlink loop"
    elif layout == "folder-loop":
        folder.symlink_to("checklists")
        expected = ".golive/checklists: expected a file, got a symlink loop (not read)"
    else:
        (hostile.outside / "evil.toml").write_text(EVIL_CHECKLIST)
        folder.symlink_to(hostile.outside)
        expected = "got a symlink leading outside it (not read)"
    proc = _golive(hostile.root, "checklists")
    assert proc.returncode == 1, proc.stderr
    assert expected in proc.stdout + proc.stderr
    assert SECRET not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    status = _golive(hostile.root, "status", "--no-scan")
    assert status.returncode == 0 and "Traceback" not in status.stderr


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: os.mkfifo(p), "expected a regular file, got a FIFO (skipped)"),
        (lambda p: p.symlink_to(p.name), "expected a file inside the repository (symlink skipped)"),
        (lambda p: p.symlink_to("/dev/zero"), "expected a file inside the repository"),
    ],
    ids=["fifo", "loop", "dev-zero"],
)
def test_detector_files_align_with_the_same_rules(
    hostile: Hostile, make: object, problem: str
) -> None:
    folder = hostile.root / ".golive/detectors"
    folder.mkdir(parents=True)
    make(folder / "x.toml")  # type: ignore[operator]
    proc = _golive(hostile.root, "detectors")
    assert f".golive/detectors/x.toml:1: file: {problem}" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_draft_symlinked_outside_is_refused(hostile: Hostile) -> None:
    (hostile.outside / "draft.toml").write_text(f'checklist = "go-production"\nnote = "{SECRET}"\n')
    drafts = hostile.root / ".git/golive/drafts"
    drafts.mkdir(parents=True)
    (drafts / "go-production@unreleased.toml").symlink_to(hostile.outside / "draft.toml")
    proc = _golive(hostile.root, "status", "--no-scan")
    assert proc.returncode == 2
    assert "cannot read the draft: expected a file inside the repository" in proc.stderr
    assert SECRET not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- clean errors


def test_records_committed_as_a_file(make_repo: RepoFactory) -> None:
    root = make_repo({"go.mod": "module x\n", ".golive/records": "not a folder\n"})
    proc = _golive(root, "sign", "--release", "v1", "--no-sign")
    assert proc.returncode == 1
    assert "expected a directory for records, found a file" in proc.stderr
    for command, code in (("verify", 1), ("gate", 1), ("history", 0)):
        proc = _golive(root, command, *(("--all",) if command == "verify" else ()))
        assert proc.returncode == code, (command, proc.stderr)
        assert "Traceback" not in proc.stderr
    proc = _golive(root, "cosign", "v1")
    assert proc.returncode == 2 and "no such record" in proc.stderr


def test_demo_dir_given_a_file(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    proc = run_golive("demo", "--dir", str(tmp_path / "a-file"), "--print-path")
    assert proc.returncode == 2
    assert proc.stderr == f"golive: {tmp_path / 'a-file'}: --dir expected a directory, got a file\n"


@pytest.mark.parametrize("command", ["scan", "status", "sign", "verify", "gate", "history"])
def test_repository_path_with_a_newline(tmp_path: Path, command: str) -> None:
    root = tmp_path / "svc\nevil"
    root.mkdir()
    git(root, "init", "-q")
    proc = _golive(root, command)
    assert proc.returncode == 2, proc.stderr
    assert "a path containing a newline is not supported" in proc.stderr
    assert "Traceback" not in proc.stderr


SIGTERM_GO = (
    'package main\n\nimport (\n\t"os"\n\t"os/signal"\n\t"syscall"\n)\n\n'
    "func main() {\n\tc := make(chan os.Signal, 1)\n\tsignal.Notify(c, syscall.SIGTERM)\n\t<-c\n}\n"
)


def test_tracked_file_name_not_utf8(make_repo: RepoFactory) -> None:
    root = make_repo({"go.mod": "module x\n"})
    (root / os.fsdecode(b"main\xff.go")).write_text(SIGTERM_GO)
    (root / os.fsdecode(b"notes\xfe.txt")).write_text("x")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "odd names")
    for command, code in (("scan", 0), ("status", 0), ("gate", 1), ("history", 0)):
        proc = _golive(root, command)
        assert proc.returncode == code, (command, proc.stderr)
        assert "Traceback" not in proc.stderr
    proc = _golive(root, "status", "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)
    proc = _golive(root, "sign", "--no-sign")
    assert proc.returncode == 2
    assert "main\\xff.go: expected a UTF-8 file name" in proc.stderr
    assert not (root / ".golive/records/unreleased.toml").exists()


def test_dirty_blobs_never_follow_links_out_of_the_repository(hostile: Hostile) -> None:
    """`sign` on a dirty tree hashes changed files: links are hashed as links, FIFOs skipped."""
    from golive_tui.core.git.worktree import blob_sha

    blobs = _dirty_blobs(hostile.root)
    assert blobs["link"] == blob_sha(os.fsencode(hostile.outside / "secret.txt"))
    assert blobs["zero"] == blob_sha(b"/dev/zero")
    assert "fifo" not in blobs and "big.txt" in blobs


def test_scan_cache_linked_to_a_device_is_not_read(hostile: Hostile) -> None:
    from golive_tui.core.scan.cache import CACHE_NAME

    cache = hostile.root / ".git/golive/cache" / CACHE_NAME
    cache.parent.mkdir(parents=True)
    cache.symlink_to("/dev/zero")
    proc = _golive(hostile.root, "scan")
    assert proc.returncode == 0, proc.stderr
    assert "scan cache not read (expected a file, got a symlink (not followed))" in (
        proc.stdout + proc.stderr
    )


def test_record_lock_replaced_by_a_fifo_does_not_block(hostile: Hostile) -> None:
    (hostile.root / ".golive/records").mkdir(parents=True)
    lock = _lock_path(record_path(hostile.root, "v1"))
    assert ".git/golive/locks" in lock.as_posix()
    os.mkfifo(lock)
    proc = _golive(hostile.root, "sign", "--release", "v1", "--no-sign")
    assert proc.returncode == 1, proc.stderr
    assert "cannot lock" in proc.stderr and "Traceback" not in proc.stderr


def test_walker_detail_pane_shows_the_refusal_not_the_file(hostile: Hostile) -> None:
    """The walker's detail pane renders the same plan: the reason, never the outside content."""
    from golive_tui.tui.carry_view import reason_widgets

    known = git(hostile.root, "rev-parse", "HEAD:go.mod")
    item = RecordItem(
        id=MANUAL.id, state="done", source="manual", wording=item_wording(MANUAL),
        at="2999-01-01T00:00:00Z",
        watch=((str(hostile.outside / "secret.txt"), ""), ("linkdir/secret.txt", known)),
    )  # fmt: skip
    base = Base(
        "v1", hostile.root / ".golive/records/v1.toml", replace(sample_record(), items=(item,))
    )
    observed = carry.observe_worktree(hostile.root, _NoReport(), base.record)
    plan = carry.compare(CHECKLIST, base, observed, release="v2", repo_root=hostile.root)
    shown = "\n".join(str(w.content) for w in reason_widgets(plan, MANUAL.id))
    assert "is not read: expected a repository-relative path" in shown
    assert "linkdir/secret.txt (named by the v1 record) is not read" in shown
    assert SECRET not in shown


def test_golive_folder_symlinked_outside(hostile: Hostile) -> None:
    """`.golive` itself leading outside: its config, checklists and records are all refused."""
    away = hostile.outside / "golive"
    (away / "checklists").mkdir(parents=True)
    (away / "records").mkdir()
    (away / "config.toml").write_text('profile = "p0"\n')
    (away / "checklists/evil.toml").write_text(EVIL_CHECKLIST)
    write_record(away / "records/v1.toml", sample_record(release="v1"))
    (hostile.root / ".golive").symlink_to(away)
    scan = _golive(hostile.root, "scan")
    assert scan.returncode == 2 and "symlink leading outside" in scan.stderr
    # Record commands read the config first (which services the repository has): refused there.
    verify = _golive(hostile.root, "verify", "--all")
    assert verify.returncode == 2 and "symlink leading outside" in verify.stderr
    with pytest.raises(RecordError, match="symlink leading outside"):
        load_record(hostile.root / ".golive/records/v1.toml")
    for proc in (scan, verify):
        assert SECRET not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr


def test_a_folder_swapped_for_a_link_after_the_check_is_caught(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """confine resolves, then opens: what is opened is checked again (the swap is simulated)."""
    import golive_tui.core.confine as confinement

    (hostile.root / "docs2").mkdir()
    (hostile.root / "docs2/secret.txt").write_text("inside\n")
    real_confine = confinement.confine

    def swap_after_check(root: Path, path: str, *, follow: bool = True) -> Path:
        target = real_confine(root, path, follow=follow)
        (hostile.root / "docs2/secret.txt").unlink()
        (hostile.root / "docs2").rmdir()
        (hostile.root / "docs2").symlink_to(hostile.outside)
        return target

    monkeypatch.setattr(confinement, "confine", swap_after_check)
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("no /proc: the re-check needs it")
    with pytest.raises(UnsafePathError, match="symlink leading outside"):
        confinement.read_confined(hostile.root, "docs2/secret.txt")


def test_lint_checklist_on_a_repository_file_linked_outside(hostile: Hostile) -> None:
    """CI runs `golive lint-checklist .golive/checklists/*.toml`: a link out is not read."""
    (hostile.outside / "evil.toml").write_text(EVIL_CHECKLIST)
    folder = hostile.root / ".golive/checklists"
    folder.mkdir(parents=True)
    (folder / "evil.toml").symlink_to(hostile.outside / "evil.toml")
    proc = run_golive("lint-checklist", ".golive/checklists/evil.toml", cwd=hostile.root)
    assert proc.returncode == 1
    assert (
        ".golive/checklists/evil.toml: expected a file inside the repository, "
        "got a symlink leading outside it"
    ) in proc.stdout + proc.stderr
    assert SECRET not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("blob", ["--help", "HEAD:go.mod", "HEAD"])
def test_recorded_blob_that_is_not_an_object_id_is_not_passed_to_git(
    hostile: Hostile, blob: str
) -> None:
    item = RecordItem(
        id=MANUAL.id, state="done", source="manual", wording=item_wording(MANUAL),
        at="2999-01-01T00:00:00Z", watch=(("docs/runbook.md", blob),),
    )  # fmt: skip
    base = Base(
        "v1", hostile.root / ".golive/records/v1.toml", replace(sample_record(), items=(item,))
    )
    observed = carry.observe_worktree(hostile.root, _NoReport(), base.record)
    plan = carry.compare(CHECKLIST, base, observed, release="v2", repo_root=hostile.root)
    (reason,) = plan.reasked[MANUAL.id]
    assert reason.diff == "(the recorded blob of docs/runbook.md is not an object id)"


def test_record_named_by_the_user_that_loops(tmp_path: Path) -> None:
    (tmp_path / "a.toml").symlink_to("b.toml")
    (tmp_path / "b.toml").symlink_to("a.toml")
    with pytest.raises(RecordError, match=r"symlink loop|symlink \(not followed\)"):
        load_record(tmp_path / "a.toml")
