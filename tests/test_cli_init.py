"""`golive init` on small repositories: what it proposes, that it asks first, that a second run
proposes nothing, and that it never overwrites a file or writes outside the repository."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from golive_tui.cli import main
from golive_tui.core import onboarding
from golive_tui.core.onboarding import ACTION, CONFIG, GITHUB_WORKFLOW, SIGNERS
from golive_tui.core.services.model import Service
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import ssh_keygen

GO = {
    "go.mod": "module example.com/svc\n\ngo 1.22\n",
    "main.go": "package main\n\nfunc main() {}\n",
}
CONFIG_TEXT = (
    "# golive settings for this repository (written by `golive init`; see the README).\n"
    'checklist = "go-production"\nprofile = "quick-gate"\n'
)


def init(repo: Path, *args: str) -> int:
    return main(["init", "-C", str(repo), *args])


def files(repo: Path) -> set[str]:
    return {
        p.relative_to(repo).as_posix()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(repo).parts[:1]
    }


def test_one_service_no_ci_proposes_the_config_and_a_second_run_nothing(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(GO)
    assert init(repo, "--yes") == 0
    out, err = capsys.readouterr()
    assert f"+++ {CONFIG}" in out
    assert "no CI system detected" in out
    assert "git config --global gpg.format ssh" in out  # no key: the lines to run
    assert (repo / CONFIG).read_text() == CONFIG_TEXT
    assert files(repo) == {"go.mod", "main.go", CONFIG}
    assert "wrote .golive/config.toml" in out and "default branch" in err
    # Idempotent: nothing proposed, nothing changed, exit 0.
    assert init(repo, "--yes") == 0
    out, err = capsys.readouterr()
    assert "+++" not in out and "nothing to write: all set" in err
    assert (repo / CONFIG).read_text() == CONFIG_TEXT
    assert main(["status", "-C", str(repo), "--no-scan", "--format", "json"]) == 0  # config valid


def test_github_repository_gets_the_workflow_using_the_action(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo({**GO, ".github/workflows/ci.yml": "on: push\n"})
    assert init(repo, "--yes") == 0
    workflow = (repo / GITHUB_WORKFLOW).read_text()
    assert f"uses: {ACTION}" in workflow
    assert "profile: quick-gate" in workflow and "sarif: golive.sarif" in workflow
    assert "fetch-depth: 0" in workflow and "github/codeql-action/upload-sarif" in workflow
    assert (repo / ".github/workflows/ci.yml").read_text() == "on: push\n"
    capsys.readouterr()
    assert init(repo, "--yes") == 0
    assert "= .github/workflows/golive.yml: already as proposed" in capsys.readouterr().out


def test_github_remote_without_workflows_is_github(make_repo: RepoFactory) -> None:
    repo = make_repo(GO)
    git(repo, "remote", "add", "origin", "https://github.com/acme/svc.git")
    assert init(repo, "--yes") == 0
    assert (repo / GITHUB_WORKFLOW).is_file()


def test_gitlab_repository_gets_the_include_printed_never_its_pipeline_edited(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    pipeline = "stages: [test]\n"
    repo = make_repo({**GO, ".gitlab-ci.yml": pipeline})
    assert init(repo, "--yes") == 0
    out = capsys.readouterr().out
    assert f"remote: {onboarding.GITLAB_TEMPLATE}" in out
    assert "GOLIVE_PROFILE: quick-gate" in out
    assert (repo / ".gitlab-ci.yml").read_text() == pipeline
    assert files(repo) == {"go.mod", "main.go", ".gitlab-ci.yml", CONFIG}


def test_ssh_key_becomes_the_first_allowed_signer(
    make_repo: RepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(GO)
    key = ssh_keygen(tmp_path)
    git(repo, "config", "--global", "gpg.format", "ssh")
    git(repo, "config", "--global", "user.signingkey", str(key))  # the private key's path
    assert init(repo, "--yes") == 0
    kind, blob = key.with_name(key.name + ".pub").read_text().split()[:2]
    assert (repo / SIGNERS).read_text() == (
        f'ada@example.com namespaces="golive-record" {kind} {blob}\n'
    )
    assert "gpg.ssh.allowedSignersFile" in capsys.readouterr().out  # the trust root explained
    assert init(repo, "--yes") == 0
    assert f"= {SIGNERS}: already as proposed" in capsys.readouterr().out


def test_a_key_only_the_repository_config_names_is_not_read(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    repo = make_repo(GO)
    key = ssh_keygen(tmp_path)
    git(repo, "config", "gpg.format", "ssh")  # the repository's .git/config: untrusted
    git(repo, "config", "user.signingkey", str(key))
    assert init(repo, "--yes") == 0
    assert not (repo / SIGNERS).exists()


def test_a_file_that_differs_is_never_overwritten(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = "name: ours\n"
    repo = make_repo({**GO, GITHUB_WORKFLOW: mine})
    assert init(repo, "--yes") == 1
    out = capsys.readouterr().out
    assert f"! {GITHUB_WORKFLOW} exists and differs" in out
    assert "-name: ours" in out and f"+      - uses: {ACTION}" in out
    assert (repo / GITHUB_WORKFLOW).read_text() == mine
    assert (repo / CONFIG).read_text() == CONFIG_TEXT  # the rest is still written


def test_an_existing_config_is_kept_and_its_profile_used(make_repo: RepoFactory) -> None:
    config = 'checklist = "go-engineering"\nprofile = "p0"\n'
    repo = make_repo({**GO, CONFIG: config, ".github/workflows/ci.yml": "on: push\n"})
    assert init(repo, "--yes") == 0
    assert (repo / CONFIG).read_text() == config
    assert "profile: p0" in (repo / GITHUB_WORKFLOW).read_text()


def test_nothing_is_written_without_confirmation(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(GO)
    assert init(repo, "--dry-run") == 0
    assert "dry run, 1 file(s) not written" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, no --yes
    assert init(repo) == 1
    assert "run with --yes" in capsys.readouterr().err
    assert files(repo) == {"go.mod", "main.go"}


@pytest.mark.parametrize(("answer", "written"), [("n\n", False), ("y\n", True)])
def test_a_terminal_is_asked(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, answer: str, written: bool
) -> None:
    repo = make_repo(GO)
    stdin = io.StringIO(answer)
    stdin.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", stdin)
    assert init(repo) == (0 if written else 1)
    assert (repo / CONFIG).exists() is written


def test_a_golive_folder_leading_outside_is_refused(
    make_repo: RepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = make_repo(GO)
    (repo / ".golive").symlink_to(outside)
    assert init(repo, "--yes") == 2
    assert "leading outside" in capsys.readouterr().err
    assert list(outside.iterdir()) == []


def test_a_symlinked_workflow_is_left_as_it_is(make_repo: RepoFactory, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.yml"
    target.write_text("x: 1\n")
    repo = make_repo(GO)
    (repo / ".github/workflows").mkdir(parents=True)
    (repo / GITHUB_WORKFLOW).symlink_to(target)
    assert init(repo, "--yes") == 1
    assert target.read_text() == "x: 1\n" and (repo / GITHUB_WORKFLOW).is_symlink()


def test_several_services_are_declared_in_the_config(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(GO)
    found = (Service("orders", "cmd/orders"), Service("billing", "cmd/billing"))
    monkeypatch.setattr(onboarding, "discover_services", lambda root: found)
    assert init(repo, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "services found: orders (cmd/orders), billing (cmd/billing)" in out
    assert '+[services.orders]\n+main = "cmd/orders"' in out
    assert '+[services.billing]\n+main = "cmd/billing"' in out


def test_not_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    assert init(tmp_path, "--yes") == 2


def test_the_readme_shows_the_action_init_proposes() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    assert f"uses: {ACTION}" in readme
    assert "golive init" in readme.split("### A team's workflow", 1)[1].split("```", 1)[0]


def test_an_ssh_key_without_an_email_asks_for_the_email(
    make_repo: RepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(GO)
    key = ssh_keygen(tmp_path)
    git(repo, "config", "--global", "gpg.format", "ssh")
    git(repo, "config", "--global", "user.signingkey", f"{key}.pub")
    git(repo, "config", "--global", "--unset", "user.email")
    assert init(repo, "--yes") == 0
    assert "git config --global user.email" in capsys.readouterr().out
    assert not (repo / SIGNERS).exists()


MONO_MAIN = "package main\n\nfunc main() {}\n"
MONOREPO = {
    "go.mod": "module example.com/shop\n\ngo 1.22\n",
    "cmd/orders/main.go": MONO_MAIN,
    "cmd/billing/main.go": MONO_MAIN,
    "tools/gen/main.go": MONO_MAIN,
    "deploy/orders.Dockerfile": (
        "FROM golang:1.22 AS build\nCOPY . .\nRUN go build -o /orders ./cmd/orders\n"
        'FROM scratch\nCOPY --from=build /orders /orders\nENTRYPOINT ["/orders"]\n'
    ),
    "deploy/billing.Dockerfile": (
        "FROM golang:1.22 AS build\nCOPY . .\nRUN go build -o /billing ./cmd/billing\n"
        'FROM scratch\nCOPY --from=build /billing /billing\nENTRYPOINT ["/billing"]\n'
    ),
}


def test_a_monorepo_gets_its_discovered_services_declared(make_repo: RepoFactory) -> None:
    repo = make_repo(MONOREPO)
    assert init(repo, "--yes") == 0
    config = (repo / CONFIG).read_text()
    assert '[services.orders]\nmain = "cmd/orders"' in config
    assert '[services.billing]\nmain = "cmd/billing"' in config
    assert "tools/gen" not in config
    assert init(repo, "--yes") == 0  # the config it wrote is valid and complete
    assert (repo / CONFIG).read_text() == config
