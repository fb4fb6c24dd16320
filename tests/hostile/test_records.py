"""Hostile records, drafts and trust lists: a record that is always valid, a change that vouches
for itself, signatures lost by a failed sign, and hundreds of records.

Each case asserts golive's clean refusal (message, exit code) or the safe behaviour.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from golive_tui.cli import main
from golive_tui.core.draft import Draft, DraftStore
from golive_tui.core.errors import RecordError
from golive_tui.core.model import Answer, Source, State
from golive_tui.core.record.codec import PARSES
from golive_tui.core.record.store import READS, _parse_cache, load_record, record_path, write_record
from golive_tui.core.record.verify import sign_record
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import allow, sample_record, ssh_keygen, use_ssh_key
from tests.values import replace

CHECKLIST = """\
[checklist]
id = "tiny"
title = "Tiny"
version = "1"
description = "Two items for record tests."
source = ["tests"]

[[sections]]
id = "ops"
title = "Operations"

[[sections.items]]
id = "ops.runbook"
title = "Write a runbook"
why = "On-call needs it."
verify = "Read it."
remediation = "Write it."
priority = "P0"
source = "tests"
watch = ["docs/*.md"]

[[sections.items]]
id = "ops.quality"
title = "Rate the runbook"
why = "A runbook can be thin."
verify = "Read it."
remediation = "Improve it."
priority = "P2"
kind = "score"
source = "tests"
rubric = ["0: missing", "1: thin", "2: complete"]

[[profiles]]
id = "launch"
title = "Launch"
items = ["ops.runbook"]
"""


def cli(*args: str) -> int:
    return main(list(args))


@pytest.fixture
def service(make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository on main whose committed allowed_signers trusts Ada's key; tag v1.0.0."""
    repo = make_repo(
        {
            "docs/runbook.md": "# Runbook\n",
            "README.md": "svc\n",
            ".golive/checklists/tiny.toml": CHECKLIST,
            ".golive/config.toml": 'checklist = "tiny"\nprofile = "launch"\n',
        },
        name="svc",
    )
    use_ssh_key(repo, ssh_keygen(tmp_path), commit=True)
    git(repo, "tag", "v1.0.0")
    monkeypatch.chdir(repo)
    return repo


def answer(repo: Path, release: str, *answers: Answer) -> Path:
    store = DraftStore(repo)
    draft = Draft.new("tiny", release, profile="launch")
    store.save(replace(draft, answers={a.item_id: a for a in answers}))
    return store.path("tiny", release)


RUNBOOK = Answer("ops.runbook", State.DONE, Source.MANUAL, by="Ada", at="2026-01-01T00:00:00Z")


def record_file(repo: Path, release: str = "v1.0.0") -> Path:
    return repo / ".golive" / "records" / f"{release}.toml"


def signed_and_cosigned(service: Path, tmp_path: Path) -> Path:
    """v1.0.0 signed by Ada (author) and Rev (reviewer), both trusted."""
    answer(service, "v1.0.0", RUNBOOK)
    assert cli("sign") == 0
    reviewer = ssh_keygen(tmp_path, "reviewer")
    allow(service, reviewer, "rev@example.com", commit=True)
    author_key = git(service, "config", "user.signingkey")
    git(service, "config", "user.signingkey", str(reviewer))
    assert cli("cosign", "v1.0.0") == 0
    git(service, "config", "user.signingkey", author_key)
    path = record_file(service)
    assert len(load_record(path).signatures) == 2
    return path


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


# --------------------------------------------------------------------------- strict records


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("HEAD", "'HEAD' names no fixed commit"),
        ("main", "'main' names no fixed commit"),
        ("abc1234", "'abc1234' is not a full object id"),
        ("A" * 40, "is not a full object id"),
    ],
)
def test_symbolic_or_short_commit_is_refused_everywhere(
    service: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    answer(service, "v1.0.0", RUNBOOK)
    assert cli("sign") == 0
    path = record_file(service)
    head = git(service, "rev-parse", "HEAD")
    rewrite(path, f'commit = "{head}"', f'commit = "{value}"')
    capsys.readouterr()
    assert cli("verify", "v1.0.0") == 1
    out = capsys.readouterr().out
    assert "repo.commit: expected a full git object id" in out
    assert message in out
    assert cli("gate") == 1
    assert "repo.commit" in capsys.readouterr().out
    before = path.read_bytes()
    assert cli("cosign", "v1.0.0") == 1
    assert path.read_bytes() == before


def test_a_commit_that_is_not_in_the_repository_is_not_cosigned_or_gated(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK)
    assert cli("sign", "--no-sign") == 0
    path = record_file(service)
    head = git(service, "rev-parse", "HEAD")
    rewrite(path, f'commit = "{head}"', f'commit = "{"0" * 40}"')
    before = path.read_bytes()
    capsys.readouterr()
    assert cli("cosign", "v1.0.0") == 1
    err = capsys.readouterr().err
    assert "refusing to cosign a record this repository contradicts" in err
    assert f"repo.commit {'0' * 40} is not a commit of this repository" in err
    assert path.read_bytes() == before


def test_tree_mismatch_is_refused_by_cosign_verify_and_gate(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record made (and signed, here by a stranger) for another tree than its commit's."""
    answer(service, "v1.0.0", RUNBOOK)
    assert cli("sign") == 0
    path = record_file(service)
    tree = git(service, "rev-parse", "HEAD^{tree}")
    rewrite(path, f'tree = "{tree}"', f'tree = "{"1" * 40}"')
    capsys.readouterr()
    assert cli("verify", "v1.0.0") == 1
    assert "repo.tree 111111111111 is not the tree of commit" in capsys.readouterr().out
    assert cli("gate") == 1
    assert "is not commit" in capsys.readouterr().out
    before = path.read_bytes()
    assert cli("cosign", "v1.0.0") == 1
    assert f"repo.tree {'1' * 40} is not the tree of commit" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_cosign_refuses_a_record_whose_checklist_digest_is_not_this_repositorys(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK)
    assert cli("sign", "--no-sign") == 0
    path = record_file(service)
    digest = load_record(path).checklist.sha256
    rewrite(path, f'sha256 = "{digest}"', f'sha256 = "{"e" * 64}"')
    before = path.read_bytes()
    capsys.readouterr()
    assert cli("cosign", "v1.0.0") == 1
    assert "checklist.sha256 of 'tiny' is eeeeeeeeeeee" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_cosign_of_a_tampered_record_adds_nothing(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = signed_and_cosigned(service, tmp_path)
    rewrite(path, 'state = "todo"', 'state = "done"')
    before = path.read_bytes()
    third = ssh_keygen(tmp_path, "third")
    allow(service, third, "third@example.com", commit=True)
    git(service, "config", "user.signingkey", str(third))
    capsys.readouterr()
    assert cli("cosign", "v1.0.0") == 1
    assert "refusing to cosign a record that does not verify" in capsys.readouterr().err
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('created = "', 'created = "yesterday', "created: expected a UTC time"),
        ('priority = "P0"', 'priority = "P9"', r"items\[0\].priority: expected P0, P1 or P2"),
        ('state = "done"', 'state = "finished"', "unknown state 'finished'"),
        ('source = "manual"', 'source = "oracle"', "unknown source 'oracle'"),
        ('role = "author"', 'role = "boss"', ""),  # reported as a bad signature below
    ],
)
def test_fields_are_validated_on_load(
    service: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    answer(service, "v1.0.0", RUNBOOK)
    assert cli("sign") == 0
    rewrite(record_file(service), old, new)
    capsys.readouterr()
    assert cli("verify", "v1.0.0") == 1
    out = capsys.readouterr().out
    if message:
        assert re.search(message, out), out
        assert "malformed" in out
    else:
        assert "unknown role 'boss'" in out


def test_deeply_nested_record_is_a_clean_error(service: Path, capsys: pytest.CaptureFixture[str]):
    path = record_file(service)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert cli("verify", "v1.0.0") == 1
    assert (
        "1:105: malformed: not valid TOML: nested more than 100 levels deep"
        in capsys.readouterr().out
    )


# --------------------------------------------------------------------------- nothing lost


@pytest.mark.parametrize("broken", ["missing", "garbage"])
def test_failed_sign_keeps_both_signatures_byte_for_byte(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], broken: str
) -> None:
    path = signed_and_cosigned(service, tmp_path)  # HEAD moved past the tag: name the release
    before = path.read_bytes()
    key = tmp_path / "broken_key"
    if broken == "garbage":
        key.write_text("this is not a key\n")
        key.chmod(0o600)
    git(service, "config", "user.signingkey", str(key))
    (service / "docs" / "runbook.md").write_text("# Runbook\n\nmore\n")  # a new record would differ
    capsys.readouterr()
    assert cli("sign", "--release", "v1.0.0") == 1
    err = capsys.readouterr().err
    assert "not saved: v1.0.0.toml holds a signed record of v1.0.0 (2 signature(s))" in err
    assert "left as it was" in err
    assert "not signed:" in err
    assert path.read_bytes() == before
    assert cli("verify", "v1.0.0") == 0


def test_no_sign_never_replaces_a_signed_record(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK)
    assert cli("sign") == 0
    path = record_file(service)
    before = path.read_bytes()
    assert cli("sign", "--no-sign") == 1
    assert "an unsigned record never replaces it" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_draft_with_a_float_score_never_becomes_a_record(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`score = 1.0` passes `in (0, 1, 2)`: the draft loader checks the type, so `sign` refuses the
    draft itself (exit 2, naming it and the item) before any record is built."""
    draft = answer(service, "v1.0.0", RUNBOOK)
    text = draft.read_text()
    draft.write_text(
        text + '\n[answers."ops.quality"]\nstate = "done"\nsource = "manual"\nscore = 1.0\n'
    )
    capsys.readouterr()
    assert cli("sign") == 2
    err = capsys.readouterr().err
    assert str(draft) in err
    assert "answers.ops.quality: score must be the integer 0, 1 or 2, not 1.0" in err
    assert "Traceback" not in err
    assert not record_file(service).exists()


def test_a_draft_with_a_float_score_leaves_an_existing_record_alone(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = signed_and_cosigned(service, tmp_path)
    before = path.read_bytes()
    draft = DraftStore(service).path("tiny", "v1.0.0")
    draft.write_text(
        draft.read_text()
        + '\n[answers."ops.quality"]\nstate = "done"\nsource = "manual"\nscore = 1.0\n'
    )
    assert cli("sign", "--release", "v1.0.0") == 2
    assert path.read_bytes() == before


def test_write_record_refuses_what_the_loader_would_refuse(tmp_path: Path) -> None:
    path = tmp_path / "v1.0.0.toml"
    bad = replace(sample_record(), repo=replace(sample_record().repo, commit="HEAD"))
    with pytest.raises(RecordError, match=r"repo\.commit: expected a full git object id"):
        write_record(path, bad)
    assert not path.exists()


# --------------------------------------------------------------------------- trust root


def pr_adds_its_own_key(service: Path, tmp_path: Path) -> Path:
    """On branch `pr`: Mallory adds her key to .golive/allowed_signers and signs a record."""
    git(service, "checkout", "-q", "-b", "pr")
    mallory = ssh_keygen(tmp_path, "mallory")
    allow(service, mallory, "mallory@example.com", commit=True)  # on the PR branch, not main
    git(service, "config", "user.signingkey", str(mallory))
    answer(service, "v2.0.0", RUNBOOK)
    assert cli("sign", "--release", "v2.0.0", "--commit") == 0 or True  # unknown key: exit 0/1
    return record_file(service, "v2.0.0")


def test_a_pr_that_adds_its_own_key_is_not_trusted_and_is_reported(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pr_adds_its_own_key(service, tmp_path)
    capsys.readouterr()
    assert cli("gate", "--release", "v2.0.0") == 1
    out = capsys.readouterr().out
    assert "signature author: unknown key" in out
    assert "trust: .golive/allowed_signers at main (" in out
    assert ".golive/allowed_signers in the working tree differs from the one at main" in out
    assert cli("gate", "--release", "v2.0.0", "--format", "json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["trust"]["ref"] == "main"
    assert data["trust"]["file"] == ".golive/allowed_signers"
    assert data["trust"]["commit"] == git(service, "rev-parse", "main")
    assert "differs from the one at main" in data["trust"]["changed"]
    assert any("differs" in w for w in data["warnings"])
    assert cli("verify", "v2.0.0") == 1
    out = capsys.readouterr().out
    assert ": unknown key: author signature" in out
    assert "warning: .golive/allowed_signers in the working tree differs" in out
    # once the key is on main (reviewed and merged), the same record verifies
    git(service, "checkout", "-q", "main")
    git(service, "merge", "-q", "--ff-only", "pr")
    assert cli("verify", "v2.0.0") == 0


def test_the_repository_config_cannot_name_the_trust_file(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = pr_adds_its_own_key(service, tmp_path)
    mine = tmp_path / "mine_signers"
    mine.write_text((service / ".golive" / "allowed_signers").read_text())
    git(service, "config", "gpg.ssh.allowedSignersFile", str(mine))  # .git/config: ignored
    capsys.readouterr()
    assert cli("verify", str(record)) == 1
    assert "trust: .golive/allowed_signers at main" in capsys.readouterr().out
    git(service, "config", "--global", "gpg.ssh.allowedSignersFile", str(mine))
    assert cli("verify", str(record)) == 0
    out = capsys.readouterr().out
    assert f"trust: {mine} (gpg.ssh.allowedSignersFile, your git config)" in out


def test_trust_ref_names_another_trusted_branch(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pr_adds_its_own_key(service, tmp_path)
    capsys.readouterr()
    assert cli("verify", "v2.0.0", "--trust-ref", "pr") == 0  # the user chose to trust it
    assert "trust: .golive/allowed_signers at pr (" in capsys.readouterr().out
    assert cli("verify", "v2.0.0", "--trust-ref", "no-such-branch") == 2
    assert "--trust-ref no-such-branch: no such commit" in capsys.readouterr().err


def test_every_gate_format_names_the_trust_file_and_ref(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK)
    assert cli("sign") == 0
    capsys.readouterr()
    main_commit = git(service, "rev-parse", "main")[:12]
    assert cli("gate") == 0
    assert f"trust: .golive/allowed_signers at main ({main_commit})" in capsys.readouterr().out
    assert cli("gate", "--format", "markdown") == 0
    out = capsys.readouterr().out
    assert f"Trusted signers: .golive/allowed_signers at main ({main_commit})" in out
    assert cli("gate", "--format", "sarif") == 0
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["runs"][0]["properties"]["golive/trust"]["ref"] == "main"
    assert cli("gate", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["trust"]["changed"] is None


def test_first_record_before_the_signers_file_is_on_main_says_what_to_do(
    make_repo: RepoFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = make_repo(
        {
            "README.md": "svc\n",
            ".golive/checklists/tiny.toml": CHECKLIST,
            ".golive/config.toml": 'checklist = "tiny"\n',
        }
    )
    key = ssh_keygen(tmp_path)
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(key))
    allow(repo, key)
    monkeypatch.chdir(repo)
    assert cli("sign", "--release", "v0.1.0") == 0
    err = capsys.readouterr().err
    assert "your key is not in .golive/allowed_signers on main" in err
    assert cli("verify", "v0.1.0") == 1
    out = capsys.readouterr().out
    assert "Commit .golive/allowed_signers to main first" in out
    git(repo, "add", ".golive/allowed_signers")
    git(repo, "commit", "-q", "-m", "signers")
    assert cli("verify", "v0.1.0") == 0


# --------------------------------------------------------------------------- 301 records


def many_records(repo: Path, count: int) -> str:
    """`count` tagged records; only the two newest are signed. Returns the newest release."""
    head = git(repo, "rev-parse", "HEAD")
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    remote = ""
    names = [f"v0.{i // 100}.{i % 100}" for i in range(count)]
    for name in names:
        git(repo, "tag", name)
        record = sample_record(release=name, commit=head, remote=remote)
        record = replace(record, repo=replace(record.repo, tree=tree))
        if name in names[-2:]:
            record = sign_record(record, repo)
        write_record(record_path(repo, name), record)
    git(repo, "add", ".golive/records")  # a base is a committed record
    git(repo, "-c", "core.hooksPath=/dev/null", "commit", "-qm", "records")
    return names[-1]


def test_301_records_the_base_lookup_reads_one(
    service: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from golive_tui.core.record.carry import find_base

    newest = many_records(service, 301)
    for release in ("unreleased", "v9.0.0"):  # untagged names: the newest tagged record first
        monkeypatch.setitem(PARSES, "count", 0)
        monkeypatch.setitem(READS, "count", 0)
        base, _notes = find_base(service, release)
        assert base is not None and base.release == newest
        assert PARSES["count"] + READS["count"] == 1


def test_301_records_gate_and_history_parse_each_at_most_once(
    service: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    newest = many_records(service, 301)

    def work() -> tuple[int, int]:
        """(TOML parses, records taken from the parse cache) since the last call."""
        done = (PARSES["count"], READS["count"])
        monkeypatch.setitem(PARSES, "count", 0)
        monkeypatch.setitem(READS, "count", 0)
        return done

    work()
    cli("gate", "--release", newest, "--since-record")
    assert work() == (2, 0)  # the gated record, and its base (the next lower tag)
    assert cli("history") == 0
    assert work() == (299, 2)  # each record read once; the two above come from the cache
    assert cli("verify", "--all") == 1  # 299 unsigned
    assert work() == (0, 301)  # nothing parsed twice
    out = capsys.readouterr().out
    assert out.count(": not signed") == 299
    assert f"{newest}.toml: good: author signature" in out


def test_a_damaged_parse_cache_entry_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "v1.0.0.toml"
    write_record(path, sample_record())
    first = load_record(path)
    cache = _parse_cache()
    assert cache is not None and tmp_path not in cache.parents  # the user's, not the repo's
    entries = list(cache.rglob("*.json"))
    assert len(entries) == 1
    for damage in ("{not json", '{"schema": "golive-record/v1"}'):
        entries[0].write_text(damage)
        assert load_record(path) == first


def test_a_relative_configured_file_is_read_at_the_trusted_ref_and_a_symlink_is_not_trusted(
    service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK)
    assert cli("sign") == 0
    signers = (service / ".golive" / "allowed_signers").read_text()
    (service / "team_signers").write_text(signers)
    git(service, "config", "--global", "gpg.ssh.allowedSignersFile", "team_signers")
    capsys.readouterr()
    assert cli("verify", "v1.0.0") == 1  # only in the working tree: not trusted
    assert "team_signers is not on that commit" in capsys.readouterr().out
    git(service, "add", "team_signers")
    git(service, "commit", "-q", "-m", "team signers")
    assert cli("verify", "v1.0.0") == 0
    assert "trust: team_signers at main (" in capsys.readouterr().out
    # a symlink committed in its place (to a file outside the repository) is never followed
    git(service, "rm", "-q", "team_signers")
    (service / "team_signers").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").write_text(signers)
    git(service, "add", "team_signers")
    git(service, "commit", "-q", "-m", "signers elsewhere")
    assert cli("verify", "v1.0.0") == 1
    assert "team_signers there is not a regular file" in capsys.readouterr().out


def test_a_trust_ref_that_looks_like_an_option_is_refused(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(service, "v1.0.0", RUNBOOK)
    assert cli("sign") == 0
    capsys.readouterr()
    assert cli("gate", "--trust-ref=--output=/tmp/x") == 2
    assert "no such commit in this repository" in capsys.readouterr().err
