"""Credentials in a remote URL never leave golive: not in a record, gate output or an export.

CI checkouts put a token in origin's URL (`https://x-access-token:TOKEN@github.com/...`), and
some hosts take one in the query string. `clean_remote` is the one sanitiser; these tests run
every command that writes or prints a remote and look for the token anywhere in the output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from golive_tui.cli import main
from golive_tui.core.record.build import clean_remote, normalize_remote
from golive_tui.core.record.export import intoto, render
from golive_tui.core.record.store import load_record
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import signed_repo
from tests.test_cli_records import RUNBOOK_DONE, SERVICE_FILES, answer

SECRETS = ("S3CRETPASS", "T0KENQUERY", "FRAGM3NT", "US3RT0KEN")
TOKEN_URL = "https://x-access-token:S3CRETPASS@github.com/acme/svc.git?token=T0KENQUERY#FRAGM3NT"


def cli(*args: str) -> int:
    return main(list(args))


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        (TOKEN_URL, "https://github.com/acme/svc.git"),
        ("https://US3RT0KEN@github.com/acme/svc", "https://github.com/acme/svc"),
        (
            "https://github.com/acme/svc.git?private_token=T0KENQUERY",
            "https://github.com/acme/svc.git",
        ),
        ("https://github.com?T0KENQUERY", "https://github.com"),
        ("https://u:pa?ss#w@host/x.git", "https://host/x.git"),  # '?' and '#' in a password
        ("http://u:S3CRETPASS@host:8080/x", "http://host:8080/x"),
        ("ssh://git:S3CRETPASS@host:2222/acme/svc", "ssh://git@host:2222/acme/svc"),
        ("ssh://git@host/acme/svc.git", "ssh://git@host/acme/svc.git"),
        ("git@github.com:acme/svc.git", "git@github.com:acme/svc.git"),
        ("git:S3CRETPASS@github.com:acme/svc.git", "git@github.com:acme/svc.git"),
        ("github.com:acme/svc.git", "github.com:acme/svc.git"),
        ("/srv/git/svc.git", "/srv/git/svc.git"),
        ("./svc", "./svc"),
        ("file:///srv/git/svc.git", "file:///srv/git/svc.git"),
        ("https://host:abc/acme/svc", "https://host:abc/acme/svc"),  # non-numeric port
        ("https://u:S3CRETPASS@[::1/x", "https://[::1/x"),  # a bracket urllib rejects
        ("  https://u:S3CRETPASS@host/x\n", "https://host/x"),
        ("", ""),
    ],
)
def test_clean_remote(url: str, clean: str) -> None:
    assert clean_remote(url) == clean
    assert clean_remote(clean) == clean  # idempotent
    assert not any(secret in clean_remote(url) for secret in SECRETS)


def test_normalize_remote_never_raises_and_ignores_credentials() -> None:
    assert normalize_remote("https://host:abc/acme/svc") == "host/acme/svc"
    assert normalize_remote("https://u:p@[::1/x") == "[::1/x"
    assert normalize_remote(TOKEN_URL) == normalize_remote("git@github.com:acme/svc.git")
    assert normalize_remote("ssh://git@GitHub.com:22/Acme/svc") == "github.com/acme/svc"


@pytest.fixture
def service(make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = signed_repo(make_repo, tmp_path, SERVICE_FILES)
    monkeypatch.chdir(repo)
    return repo


def _assert_clean(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"leaked {leaked}"


def _every_output(capsys: pytest.CaptureFixture[str], code: int, *args: str) -> str:
    assert cli(*args) == code
    out, err = capsys.readouterr()
    return out + err


def test_a_token_in_origin_appears_nowhere(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(service, "remote", "add", "origin", TOKEN_URL)
    answer(service, "v1.0.0", RUNBOOK_DONE)
    _assert_clean(_every_output(capsys, 0, "sign"))
    text = (service / ".golive" / "records" / "v1.0.0.toml").read_text()
    _assert_clean(text)
    assert 'remote = "https://github.com/acme/svc.git"' in text
    for fmt in ("text", "markdown", "json", "sarif"):
        _assert_clean(_every_output(capsys, 0, "gate", "--format", fmt))
    for fmt in ("markdown", "json", "sarif", "intoto"):
        out = _every_output(capsys, 0, "export", "v1.0.0", "--format", fmt, "--verify")
        _assert_clean(out)
    assert "git+https://github.com/acme/svc.git" in out  # the in-toto subject, clean
    _assert_clean(_every_output(capsys, 0, "history", "--verify", "--format", "json"))
    _assert_clean(_every_output(capsys, 0, "verify"))
    _assert_clean(_every_output(capsys, 0, "scan", "--format", "json"))
    _assert_clean(_every_output(capsys, 0, "status", "--format", "json"))


def test_a_record_carrying_a_token_is_never_repeated(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A record written by hand (or by an older tool) with credentials in repo.remote, for a
    # repository other than this one: the gate names both, without the secrets.
    git(service, "remote", "add", "origin", "git@github.com:acme/svc.git")
    answer(service, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    path = service / ".golive" / "records" / "v1.0.0.toml"
    text = path.read_text().replace(
        'remote = "git@github.com:acme/svc.git"',
        'remote = "https://US3RT0KEN:S3CRETPASS@other.example/x/y.git?t=T0KENQUERY#FRAGM3NT"',
    )
    path.write_text(text)
    git(service, "remote", "set-url", "origin", TOKEN_URL)
    capsys.readouterr()
    for fmt in ("text", "markdown", "json", "sarif"):
        out = _every_output(capsys, 1, "gate", "--format", fmt)
        _assert_clean(out)
        assert "other.example/x/y.git" in out and "github.com/acme/svc.git" in out
    for fmt in ("markdown", "json", "sarif", "intoto"):
        _assert_clean(_every_output(capsys, 0, "export", "v1.0.0", "--format", fmt))
    record = load_record(path)
    for fmt in ("markdown", "json", "sarif"):
        _assert_clean(render(record, fmt))
    statement = intoto.statement(record, service)
    _assert_clean(json.dumps(statement))
    assert statement["subject"][0]["name"] == "git+https://other.example/x/y.git"


def test_an_origin_with_a_non_numeric_port(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(service, "remote", "add", "origin", "https://u:S3CRETPASS@github.com:abc/acme/svc.git")
    answer(service, "v1.0.0", RUNBOOK_DONE)
    _assert_clean(_every_output(capsys, 0, "sign"))
    record = load_record(service / ".golive" / "records" / "v1.0.0.toml")
    assert record.repo.remote == "https://github.com:abc/acme/svc.git"
    for fmt in ("text", "markdown", "json", "sarif"):
        _assert_clean(_every_output(capsys, 0, "gate", "--format", fmt))
    for fmt in ("markdown", "json", "sarif", "intoto"):
        _assert_clean(_every_output(capsys, 0, "export", "v1.0.0", "--format", fmt))
