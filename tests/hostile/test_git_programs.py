"""A repository's own config names programs; golive must never run one of them.

The repository below arms every trap its `.git/config` can set: an fsmonitor hook, hooks
(post-index-change fires when `git status` refreshes the index), clean/smudge filter drivers
(one of them required, one defined in an included file), an external diff and a textconv
driver, a pager, `log.showSignature`, and signing programs (`gpg.ssh.program`, `gpg.program`,
`gpg.openpgp.program`, `gpg.ssh.defaultKeyCommand`). Each trap appends a line to a marker
file. A control step proves the traps are live for plain git; then every command runs and the
marker must stay absent. Only `sign --commit` may run hooks (the user's commit hooks).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from golive_tui.cli import main
from golive_tui.core.git import runner
from golive_tui.core.git.listing import locate
from golive_tui.core.record import signing
from tests.conftest import RepoFactory, git
from tests.signing_fixtures import allow, ssh_keygen, use_ssh_key
from tests.test_cli_records import CHECKLIST, MAIN_GO, RUNBOOK_DONE, answer

HOOKS = (
    "post-index-change",
    "reference-transaction",
    "post-checkout",
    "pre-auto-gc",
    "pre-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
)

#: Hooks `git commit` runs: only `sign --commit` may fire these (and post-index-change, as
#: `git add` refreshes the index for the commit).
COMMIT_HOOKS = {
    "post-index-change",
    "reference-transaction",
    "pre-auto-gc",
    "pre-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
}


def cli(*args: str) -> int:
    return main(list(args))


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def arm(root: Path, traps: Path) -> Path:
    """Set every trap in `root`'s config and hooks; returns the marker file they write to."""
    traps.mkdir(exist_ok=True)
    marker = traps / "marker"
    # A program trap: note who ran it, then behave as a filter would (pass stdin through).
    program = _script(traps / "program", f'echo "program $*" >> "{marker}"\ncat\n')
    local = {
        "core.fsmonitor": f"{program} fsmonitor",
        "filter.trap.clean": f"{program} clean",
        "filter.trap.smudge": f"{program} smudge",
        "filter.trap.required": "true",
        "filter.proc.process": f"{program} process",
        "diff.external": f"{program} diff-external",
        "diff.trap.textconv": f"{program} textconv",
        "diff.trap.command": f"{program} diff-command",
        "core.pager": f"{program} pager",
        "pager.status": f"{program} pager-status",
        "log.showSignature": "true",
        "color.ui": "always",  # output golive parses must stay plain
        "column.ui": "always",
        "gpg.program": f"{program}",
        "gpg.openpgp.program": f"{program}",
        "gpg.ssh.program": f"{program}",
        "gpg.ssh.defaultKeyCommand": f"{program} default-key",
        "include.path": str(traps / "included.cfg"),
    }
    (traps / "included.cfg").write_text(f'[filter "inc"]\n\tclean = {program} included-clean\n')
    for key, value in local.items():
        git(root, "config", key, value)
    hooks = root / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    for hook in HOOKS:
        _script(hooks / hook, f'echo "hook {hook}" >> "{marker}"\n')
    return marker


def fired(marker: Path) -> list[str]:
    """What ran since the last look (and reset)."""
    if not marker.exists():
        return []
    lines = marker.read_text().splitlines()
    marker.unlink()
    return lines


def restat(root: Path) -> None:
    """Give every tracked file a new mtime: git must re-read (and filter) them on `status`."""
    for path in git(root, "-c", "core.fsmonitor=false", "ls-files").splitlines():
        os.utime(root / path, (1_000_000_000, 1_000_000_000))


@pytest.fixture
def hostile(
    make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    root = make_repo(
        {
            "go.mod": "module example.com/svc\n\ngo 1.22\n",
            "cmd/api/main.go": MAIN_GO,
            "docs/runbook.md": "# Runbook\n",
            "README.md": "svc\n",
            ".golive/checklists/tiny.toml": CHECKLIST,
            ".golive/config.toml": 'checklist = "tiny"\nprofile = "launch"\n',
            ".gitattributes": "*.md filter=trap diff=trap\n*.go filter=inc\n*.toml filter=proc\n",
        },
        name="svc",
    )
    use_ssh_key(root, ssh_keygen(tmp_path))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "signers")
    git(root, "tag", "v1.0.0")
    marker = arm(root, tmp_path / "traps")
    monkeypatch.chdir(root)
    return root, marker


def test_the_traps_are_live_for_plain_git(hostile: tuple[Path, Path]) -> None:
    root, marker = hostile
    restat(root)
    subprocess.run(["git", "status"], cwd=root, capture_output=True, check=False, timeout=60)
    ran = " ".join(fired(marker))
    assert "program fsmonitor" in ran
    assert "program clean" in ran and "program included-clean" in ran
    assert "hook post-index-change" in ran


def test_no_read_command_runs_a_repository_program(
    hostile: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, marker = hostile
    restat(root)
    staged = git(root, "-c", "core.fsmonitor=false", "ls-files", "-s")
    assert cli("scan") == 0  # may write back refreshed stat data, hooks off (docs/security.md)
    assert fired(marker) == []
    assert git(root, "-c", "core.fsmonitor=false", "ls-files", "-s") == staged  # same entries
    assert cli("scan", "--commit", "HEAD") == 0
    assert fired(marker) == []
    index = (root / ".git" / "index").read_bytes()
    assert cli("status") == 0
    assert cli("status", "--format", "json") == 0
    assert cli("mark", "ops.runbook", "done", "--note", "wiki") == 0
    assert fired(marker) == []
    assert (root / ".git" / "index").read_bytes() == index  # no optional lock: never written
    # A dirty tree makes `sign` hash the changed file (hash-object applies filters).
    (root / "docs" / "runbook.md").write_text("# Runbook, edited\n")
    answer(root, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    assert fired(marker) == []
    git(root, "checkout", "--", "docs/runbook.md")
    fired(marker)  # plain git ran the smudge filter: not golive
    restat(root)
    assert cli("verify") == 0
    assert cli("verify", "--evidence") == 0
    assert fired(marker) == []
    for fmt in ("text", "markdown", "json", "sarif"):
        assert cli("gate", "--format", fmt) == 0
    assert cli("gate", "--since-record") == 0
    assert fired(marker) == []
    assert cli("history", "--verify") == 0
    assert cli("diff", "v1.0.0", "v1.0.0") == 0
    for fmt in ("markdown", "json", "sarif", "intoto"):
        assert cli("export", "v1.0.0", "--format", fmt, "--verify") == 0
    assert fired(marker) == []
    second = ssh_keygen(tmp_path, "reviewer")
    allow(root, second, "rev@example.com", commit=True)  # a cosigner verifiers know
    fired(marker)  # plain git ran the clean filter: not golive
    restat(root)
    git(root, "config", "user.signingkey", str(second))
    assert cli("cosign", "v1.0.0", "--role", "reviewer") == 0
    assert fired(marker) == []
    capsys.readouterr()


def test_a_gate_on_a_later_commit_diffs_without_drivers(
    hostile: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, marker = hostile
    answer(root, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign") == 0
    git(root, "-c", "core.hooksPath=/dev/null", "add", "-A")
    git(root, "-c", "core.hooksPath=/dev/null", "commit", "-qm", "record")
    (root / "README.md").write_text("svc, changed\n")
    git(root, "-c", "core.hooksPath=/dev/null", "commit", "-qam", "later")
    fired(marker)  # plain git's own commits ran the filters: not golive
    assert cli("gate", "--release", "v1.0.0") == 0
    assert "touch no evidence" in capsys.readouterr().out
    assert fired(marker) == []


def test_sign_commit_runs_the_commit_hooks_but_no_repository_program(
    hostile: tuple[Path, Path],
) -> None:
    root, marker = hostile
    git(root, "config", "commit.gpgsign", "true")
    answer(root, "v1.0.0", RUNBOOK_DONE)
    assert cli("sign", "--commit") == 0
    ran = fired(marker)
    assert "hook pre-commit" in ran and "hook commit-msg" in ran  # the documented exception
    assert [line for line in ran if not line.startswith("hook ")] == []
    assert {line.removeprefix("hook ") for line in ran} <= COMMIT_HOOKS
    # git signed the commit with the user's ssh-keygen, not the repository's gpg.ssh.program
    assert "gpgsig" in git(root, "cat-file", "commit", "HEAD")
    assert git(root, "log", "--no-show-signature", "-1", "--format=%s") == "readiness: v1.0.0"


def test_the_hardened_environment_reaches_a_started_git(hostile: tuple[Path, Path]) -> None:
    root, marker = hostile
    restat(root)
    out = runner.collect(runner.start(root, ["status", "--porcelain"]), "status", timeout=60)
    assert fired(marker) == []
    assert "svc" not in out.decode()  # ran in the repository, and said nothing was changed


def test_a_commits_blobs_are_read_without_a_repository_program(
    hostile: tuple[Path, Path],
) -> None:
    root, marker = hostile
    blob = git(root, "rev-parse", "HEAD:docs/runbook.md")
    objects = runner.CatFile(root)
    try:
        size, data = objects.read(blob, limit=1 << 20)
        assert data is not None and size == len(data)
        assert data.decode().rstrip("\n") == git(root, "cat-file", "blob", blob)
        with pytest.raises(runner.GitError, match="missing"):
            objects.read("0" * 40, limit=1 << 20)
        assert objects.read(blob, limit=1) == (size, None)  # over the limit: size only
    finally:
        objects.close()
    assert fired(marker) == []


def test_the_environment_overrides_even_an_included_filter(hostile: tuple[Path, Path]) -> None:
    root, marker = hostile
    restat(root)
    proc = runner.git_run(root, "status", "--porcelain")
    assert proc is not None and proc.returncode == 0, proc and proc.stderr
    proc = runner.git_run(root, "hash-object", "--", "cmd/api/main.go", "docs/runbook.md")
    assert proc is not None and proc.returncode == 0
    # built-in content is hashed as it is: the filters did not run (and `required` did not die)
    assert proc.stdout.split() == [
        git(root, "rev-parse", "HEAD:cmd/api/main.go"),
        git(root, "rev-parse", "HEAD:docs/runbook.md"),
    ]
    assert fired(marker) == []


def test_a_users_own_filter_driver_is_left_alone(make_repo: RepoFactory, tmp_path: Path) -> None:
    # Drivers from the user's global config (Git LFS...) are theirs: only the repository's go.
    root = make_repo({"a.txt": "a\n"})
    git(root, "config", "--global", "filter.mine.clean", "tr a b")
    git(root, "config", "filter.theirs.clean", "tr a c")
    env = runner.git_env(root)
    overridden = {
        env[f"GIT_CONFIG_KEY_{i}"]
        for i in range(int(env["GIT_CONFIG_COUNT"]))
        if env[f"GIT_CONFIG_KEY_{i}"].startswith("filter.")
    }
    assert "filter.theirs.clean" in overridden
    assert not any(key.startswith("filter.mine.") for key in overridden)


def test_user_config_overrides_are_kept(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"a.txt": "a\n"})
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.name")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "From Env")
    assert (runner.git_out(root, "config", "user.name") or "").strip() == "From Env"
    assert (runner.git_out(root, "config", "core.fsmonitor") or "").strip() == "false"


def test_signing_programs_come_from_the_users_config_only(
    hostile: tuple[Path, Path], tmp_path: Path
) -> None:
    root, marker = hostile
    assert signing.ssh_program(root) == "ssh-keygen"
    assert signing.openpgp_program(root) == "gpg"
    git(root, "config", "gpg.format", "openpgp")
    assert signing.signer_config(root).program == "gpg"
    check = signing.verify(b"message", "openpgp", "not a signature", root)
    assert check.verdict is not signing.Verdict.GOOD
    check = signing.verify(b"message", "ssh", "not a signature", root)
    assert check.verdict is signing.Verdict.BAD
    assert fired(marker) == []
    # The user's own choice is honoured.
    mine = _script(tmp_path / "my-ssh-keygen", 'exec ssh-keygen "$@"\n')
    git(root, "config", "--global", "gpg.ssh.program", str(mine))
    assert signing.ssh_program(root) == str(mine)


def test_a_commit_pins_every_signing_program(hostile: tuple[Path, Path]) -> None:
    root, marker = hostile
    pairs = dict(signing.program_overrides(root))
    assert pairs == {
        "gpg.program": "gpg",
        "gpg.openpgp.program": "gpg",
        "gpg.ssh.program": "ssh-keygen",
        "gpg.x509.program": "gpgsm",
        "gpg.ssh.defaultKeyCommand": "false",  # only the repository set one: it may not run
    }
    assert fired(marker) == []


def test_scan_json_of_a_hostile_repository_is_complete(
    hostile: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, marker = hostile
    restat(root)
    capsys.readouterr()
    assert cli("scan", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report  # the scan still sees the repository, with its programs off
    assert locate(root).is_git
    assert fired(marker) == []


def test_a_flood_of_filter_drivers_is_refused_cleanly(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"a.txt": "a\n"})
    drivers = "".join(
        f'[filter "d{i}"]\n\tclean = false\n' for i in range(runner.MAX_FILTER_DRIVERS + 1)
    )
    with (root / ".git" / "config").open("a") as config:
        config.write(drivers)
    monkeypatch.chdir(root)
    assert cli("scan") == 2
    err = capsys.readouterr().err
    assert f"defines {runner.MAX_FILTER_DRIVERS + 1} filter drivers" in err
    assert "Traceback" not in err


def _stale(path: Path) -> None:
    """Give `path` a modification time its index entry does not have (one second before its
    last): git's status then hashes it again, through any clean filter its attributes name."""
    then = path.stat().st_mtime_ns - 1_000_000_000
    os.utime(path, ns=(then, then))


def test_a_nested_repositorys_worktree_setting_never_runs_the_outer_ones_filter(
    make_repo: RepoFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A repository inside another whose own config sets core.worktree to the outer folder:
    git, asked from the inner folder, names the outer folder as the root, where every later
    command runs and finds the outer repository. The filter drivers switched off there must
    be the outer repository's, not the inner one's (which defines none)."""
    outer = make_repo({".gitattributes": "*.txt filter=evil\n", "a.txt": "hi\n"})
    marker = tmp_path / "ran"
    git(outer, "config", "filter.evil.clean", f"touch {marker}; cat")
    inner = outer / "inner"
    inner.mkdir()
    git(inner, "init", "-q")
    git(inner, "config", "core.worktree", "../..")
    _stale(outer / "a.txt")
    subprocess.run(["git", "status"], cwd=outer, capture_output=True, check=False, timeout=60)
    assert marker.exists()  # the trap is live for plain git
    marker.unlink()
    monkeypatch.setattr(runner, "_ASKED", {})
    runner._config_overrides.cache_clear()
    for args in (["status", "-C", str(inner)], ["scan", "-C", str(inner)], ["walk", str(inner)]):
        _stale(outer / "a.txt")
        assert cli(*args) in (0, 1, 2)
        assert not marker.exists(), args
    assert "Traceback" not in capsys.readouterr().err


def test_a_config_query_that_does_not_answer_stops_every_git_command_there(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the repository's filter drivers known, no git command runs there: a driver
    left on would run the repository's program (fails closed, with a clear error)."""
    root = make_repo({"a.txt": "a\n"})

    class Stuck:
        def communicate(self, timeout: float | None = None) -> tuple[bytes, bytes]:
            if timeout is not None:
                raise subprocess.TimeoutExpired("git config", timeout)
            return b"", b""

        def kill(self) -> None:
            return None

    monkeypatch.setattr(runner, "_ASKED", {})
    monkeypatch.setattr(runner, "_popen_config", lambda _cwd: Stuck())
    runner._config_overrides.cache_clear()
    with pytest.raises(runner.GitError, match="did not answer which filter drivers"):
        runner.git_env(root)
    monkeypatch.chdir(root)
    assert cli("scan") == 2
    err = capsys.readouterr().err
    assert "did not answer which filter drivers" in err and "Traceback" not in err
    runner._config_overrides.cache_clear()
