"""Record model: TOML round trip, canonical payload, loading errors, atomic writes."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import sample_record
from tests.values import replace

from golive_tui.core.errors import RecordError
from golive_tui.core.model import Answer, DetectorResult, Evidence, Polarity, State, Status
from golive_tui.core.record.build import (
    _dirty_blobs,
    build_record,
    clean_remote,
    normalize_remote,
    repo_facts,
    watched,
)
from golive_tui.core.record.canonical import canonical_payload, signing_message
from golive_tui.core.record.codec import dumps, loads, record_from_dict, record_to_dict
from golive_tui.core.record.model import Record, RecordEvidence, Signature
from golive_tui.core.record.store import load_record, record_lock, write_record


def test_toml_round_trip_is_lossless_and_stable() -> None:
    record = sample_record()
    text = dumps(record)
    assert loads(text) == record
    assert dumps(loads(text)) == text
    # human-readable order: identity first, items before signatures
    assert text.index("release =") < text.index("[checklist]") < text.index("[[items]]")


def test_payload_ignores_formatting_comments_and_key_order() -> None:
    record = sample_record()
    text = dumps(record)
    edited = "# hand comment\nschema   =   'golive-record/v1'   # trailing\n" + text.replace(
        'schema = "golive-record/v1"\n', ""
    )
    # keys reordered inside a table, other spacing and quoting
    edited = edited.replace(
        'id = "go-production"\nversion = "1.0.0"', "version='1.0.0'\n  id   =   \"go-production\""
    )
    assert "version='1.0.0'" in edited
    assert canonical_payload(loads(edited)) == canonical_payload(record)


def test_payload_is_canonical_json_without_signatures() -> None:
    record = sample_record()
    payload = canonical_payload(record)
    data = json.loads(payload)
    assert "signatures" not in data
    assert (
        payload
        == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    assert data["repo"]["commit"] == record.repo.commit and data["release"] == "v1.0.0"
    message = signing_message(record, "author", "2026-01-01T00:00:00Z")
    assert message.startswith(b"golive-record/v1\n{")
    assert json.loads(message.split(b"\n", 1)[1])["signature"] == {
        "role": "author",
        "signed_at": "2026-01-01T00:00:00Z",
    }


def test_omitted_defaults_give_the_same_payload() -> None:
    record = sample_record()
    data = record_to_dict(record)
    for item in data["items"]:
        for key in ("note", "reason", "until", "by", "at", "carried_from"):
            if not item[key]:
                del item[key]
    assert canonical_payload(record_from_dict(data)) == canonical_payload(record)


def test_toml_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "v1.toml"
    lines = dumps(sample_record()).splitlines()
    lines[6] = 'profile = "quick-gate'  # unterminated string
    path.write_text("\n".join(lines))
    with pytest.raises(RecordError, match=rf"{path}:7:\d+: not valid TOML"):
        load_record(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(schema="golive-record/v9"), "unknown schema 'golive-record/v9'"),
        (lambda d: d.pop("schema"), "schema: missing field"),
        (lambda d: d.pop("repo"), "repo: missing table"),
        (lambda d: d["repo"].pop("commit"), "repo.commit: missing field"),
        (lambda d: d["items"][0].pop("state"), r"items\[0\].state: missing field"),
        (lambda d: d["items"][0].update(state="fine"), "unknown state 'fine'"),
        (lambda d: d["items"][1].update(extra=1), r"items\[1\]: unknown key\(s\): extra"),
        (lambda d: d.update(comment="x"), "unknown key"),
        (lambda d: d["summary"].update(total="3"), "summary.total: expected an integer"),
        (lambda d: d["items"].append(dict(d["items"][0])), "duplicate item"),
        (lambda d: d["repo"].update(commit="HEAD"), "repo.commit: expected a full git object id"),
        (lambda d: d["repo"].update(commit="abc1234"), "'abc1234' is not a full object id"),
        (lambda d: d["repo"].update(tree="b" * 39), "repo.tree: expected a full git object id"),
        (lambda d: d["items"][1].update(score=1.0), r"items\[1\].score: expected an integer"),
        (lambda d: d["items"][1].update(score=3), r"expected an integer 0..2, not 3"),
        (lambda d: d["items"][0]["evidence"][0].update(line=-1), "line: expected an integer 0"),
        (lambda d: d["items"][0]["evidence"][0].update(blob="HEAD:x"), "blob: expected a git"),
        (lambda d: d["items"][0]["evidence"][0].update(polarity="meh"), "polarity: expected one"),
        (lambda d: d["items"][2].update(until="soon"), "until: expected a date"),
        (lambda d: d.update(created="2026-01-02"), "created: expected a UTC time"),
        (lambda d: d.update(release="../x"), "release: expected a release name"),
        (lambda d: d["checklist"].update(sha256="x"), "checklist.sha256: expected a sha256"),
        (lambda d: d["summary"].update(total=-1), "summary.total: expected an integer 0 or more"),
        (lambda d: d["summary"]["scores"][0].update(method="vibes"), "method: expected one of"),
    ],
)
def test_bad_records_are_refused_with_the_field_named(edit: object, message: str) -> None:
    data = record_to_dict(sample_record())
    edit(data)  # type: ignore[operator]
    with pytest.raises(RecordError, match=message):
        record_from_dict(data, "r.toml")


def test_missing_record_file(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="no such record"):
        load_record(tmp_path / "nope.toml")


def test_expired_waivers_and_files() -> None:
    import datetime as dt

    record = sample_record()
    assert record.expired_waivers(dt.date(2026, 1, 1)) == ()
    late = record.expired_waivers(dt.date(3000, 1, 1))
    assert [i.id for i in late] == ["container.user"]
    assert record.files() == {"cmd/api/main.go", "docs/runbook.md", "Dockerfile"}


def test_remote_credentials_are_never_recorded() -> None:
    assert clean_remote("https://user:tok@github.com/a/b.git") == "https://github.com/a/b.git"
    assert clean_remote("https://x-access-token@github.com/a/b") == "https://github.com/a/b"
    assert clean_remote("git@github.com:a/b.git") == "git@github.com:a/b.git"
    assert normalize_remote("git@github.com:A/b.git") == normalize_remote("https://github.com/a/b")


def test_globs() -> None:
    paths = [
        "Dockerfile",
        "cmd/api/main.go",
        "cmd/main.go",
        "internal/x.go",
        ".github/workflows/ci.yml",
    ]
    assert watched(paths, ["cmd/**/main.go"]) == ["cmd/api/main.go", "cmd/main.go"]
    assert watched(paths, ["**/Dockerfile*", ".github/workflows/*"]) == [
        ".github/workflows/ci.yml",
        "Dockerfile",
    ]


# --------------------------------------------------------------------------- writing


def test_concurrent_writers_never_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "records" / "v1.0.0.toml"
    records = [sample_record(commit=f"{i:040x}") for i in range(8)]
    errors: list[BaseException] = []

    def save(r: Record) -> None:
        try:
            for _ in range(5):
                with record_lock(path):
                    write_record(path, r)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(r,)) for r in records]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert load_record(path) in records  # last writer wins, whole
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_permission_denied_leaves_no_partial_file(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    path = folder / "v1.0.0.toml"
    write_record(path, sample_record())
    before = path.read_text()
    folder.chmod(0o500)
    try:
        with pytest.raises(RecordError, match="cannot write record"):
            write_record(path, sample_record(release="v1.0.0", commit="f" * 40))
    finally:
        folder.chmod(0o700)
    assert path.read_text() == before
    assert sorted(p.name for p in folder.iterdir()) == ["v1.0.0.toml"]


def test_disk_full_mid_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v1.0.0.toml"
    write_record(path, sample_record())
    before = path.read_text()

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(RecordError, match="No space left"):
        write_record(path, sample_record(commit="f" * 40))
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["v1.0.0.toml"]


def test_permission_denied_at_rename_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v1.0.0.toml"
    write_record(path, sample_record())
    before = path.read_text()

    def denied(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", denied)
    with pytest.raises(RecordError, match="Permission denied"):
        write_record(path, sample_record(commit="f" * 40))
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["v1.0.0.toml"]


# --------------------------------------------------------------------------- building


def test_build_record_from_a_real_assessment(make_repo: RepoFactory) -> None:
    from golive_tui.core.assess import assess
    from golive_tui.core.checklist.library import Library

    repo = make_repo(
        {"go.mod": "module x\n", "cmd/api/main.go": "package main\n", "Dockerfile": "FROM x\n"}
    )
    git(repo, "remote", "add", "origin", "https://bot:secret@example.com/team/svc.git")
    checklist = Library.discover(repo).get("go-production")
    items = checklist.items()
    detected = next(i for i in items if i.detect and i.detect.proves)
    watched_item = next((i for i in items if i.watch), None)
    manual = next(i for i in items if not i.detect)
    det_id = detected.detect.detectors[0] if detected.detect else ""
    blob = git(repo, "rev-parse", "HEAD:cmd/api/main.go")
    results = {
        det_id: DetectorResult(
            det_id,
            "t",
            Status.FOUND,
            "ok",
            (Evidence("cmd/api/main.go", 1, 1, Polarity.POSITIVE, "package main", blob),),
        )
    }
    answers = {
        manual.id: Answer(
            manual.id, State.WAIVED, reason="later", until="2030-01-01", by="Ada", at="2026-01-01"
        )
    }

    class Draft:
        participants = ("Ada Tester <ada@example.com>",)
        profile = ""

    assessment = assess(checklist, answers, results, paths=["go.mod", "cmd/api/main.go"])
    record = build_record(
        repo,
        checklist,
        Draft(),
        object(),
        assessment,
        release="v1.0.0",
        created="2026-01-01T00:00:00Z",
    )
    assert record.repo.remote == "https://example.com/team/svc.git"
    assert record.repo.commit == git(repo, "rev-parse", "HEAD")
    assert record.repo.tree == git(repo, "rev-parse", "HEAD^{tree}")
    assert record.repo.dirty is False
    assert record.checklist.sha256 == checklist.sha256
    assert len(record.items) == len(items)
    waived = record.item(manual.id)
    assert (waived.state, waived.reason, waived.until) == ("waived", "later", "2030-01-01")
    # evidence comes from the scan report when given; the fake has none, so none recorded
    assert record.item(detected.id).evidence == ()
    if watched_item is not None:
        assert all(blob for _, blob in record.item(watched_item.id).watch)
    assert loads(dumps(record)) == record

    class Report:
        pass

    report = Report()
    report.results = results  # type: ignore[attr-defined]
    with_evidence = build_record(
        repo, checklist, None, report, assessment, release="v1.0.0", created="2026-01-01T00:00:00Z"
    )
    ev = with_evidence.item(detected.id).evidence
    assert ev == (RecordEvidence(det_id, "cmd/api/main.go", 1, "positive", blob),)
    assert with_evidence.participants == ()


def test_watch_blobs_follow_the_working_tree_when_dirty(make_repo: RepoFactory) -> None:
    repo = make_repo({"Dockerfile": "FROM a\n", "cmd/api/main.go": "package main\n"})
    facts = repo_facts(repo)
    assert facts.blobs["Dockerfile"] == git(repo, "rev-parse", "HEAD:Dockerfile")
    (repo / "Dockerfile").write_text("FROM b\n")
    assert repo_facts(repo).dirty is True
    dirty = _dirty_blobs(repo)
    assert dirty["Dockerfile"] == git(repo, "hash-object", "Dockerfile")
    # a record file alone does not make the tree dirty
    git(repo, "checkout", "--", "Dockerfile")
    (repo / ".golive" / "records").mkdir(parents=True)
    (repo / ".golive" / "records" / "v1.toml").write_text("x")
    assert repo_facts(repo).dirty is False


def test_record_of_a_repo_without_commits_is_refused(make_repo: RepoFactory) -> None:
    repo = make_repo({}, commit=False)
    with pytest.raises(RecordError, match="no commit"):
        repo_facts(repo)


def test_replace_keeps_payload_independent_of_signatures() -> None:
    record = sample_record()
    signed = replace(
        record,
        signatures=(Signature("A", "author", "ssh", "k", "2026-01-01T00:00:00Z", "sig"),),
    )
    assert canonical_payload(signed) == canonical_payload(record)
    assert loads(dumps(signed)) == signed


def test_a_score_the_loader_refuses_is_never_written(tmp_path: Path) -> None:
    record = sample_record()
    items = list(record.items)
    items[1] = replace(items[1], score=1.0)  # type: ignore[arg-type]
    path = tmp_path / "v1.0.0.toml"
    with pytest.raises(RecordError, match=r"items\[1\].score: expected an integer, not 1.0"):
        write_record(path, replace(record, items=tuple(items)))
    assert not path.exists()


def test_records_are_read_with_tomllib(tmp_path: Path) -> None:
    """tomlkit is for writing: a read-only command never imports it."""
    import subprocess
    import sys

    path = tmp_path / "v1.0.0.toml"
    write_record(path, sample_record())
    code = (
        "import sys\nfrom pathlib import Path\nfrom golive_tui.core.record.store import load_record\n"
        f"load_record(Path({str(path)!r}))\nprint('tomlkit' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "False"
