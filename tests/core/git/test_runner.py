"""core/git/runner: the one way golive starts git, and its one error type."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.errors import RecordError, RepoError
from golive_tui.core.git import runner
from golive_tui.core.workflows import commit_record


def test_git_checked_raises_the_one_error_type_when_git_cannot_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_PYTHON_GIT_EXECUTABLE", str(tmp_path / "no-such-git"))
    assert runner.git_run(tmp_path, "status") is None
    with pytest.raises(runner.GitError, match="git status: git could not run"):
        runner.git_checked(tmp_path, "status")
    assert issubclass(runner.GitError, RepoError)  # commands report it like any repository error


def test_a_failed_started_command_says_what_git_said(tmp_path: Path) -> None:
    proc = runner.start(tmp_path, ["rev-parse", "--verify", "nope"], repo=False)
    with pytest.raises(runner.GitError, match=r"git rev-parse failed: .*"):
        runner.collect(proc, "rev-parse", timeout=60)


@pytest.mark.parametrize("spool", ["memory file", "pipe"])
def test_a_spooled_command_gives_what_a_piped_one_does(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, spool: str
) -> None:
    """`start(spool=True)` lets git write past a pipe's 64 KB before anyone reads: the same
    bytes, and a pipe where the OS has no in-memory file."""
    root = make_repo(
        {f"some/rather/long/folder/name/file-{i:04}.txt": f"{i}\n" for i in range(3000)}
    )
    if spool == "pipe":
        monkeypatch.setattr(runner, "_spool", lambda: None)
    piped = runner.collect(runner.start(root, ["ls-files", "-s", "-z"]), "ls-files", timeout=60)
    proc = runner.start(root, ["ls-files", "-s", "-z"], spool=True)
    assert isinstance(proc, runner._Spooled) is (spool == "memory file")
    if spool == "memory file":
        proc.wait(timeout=60)  # git ran to its end with nobody reading (a pipe would block)
    assert len(piped) > 200_000
    assert runner.collect(proc, "ls-files", timeout=60) == piped


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_spooled_command_left_unread_closes_its_file(tmp_path: Path) -> None:
    """A scan stopped before it read git's listing (a quit, a rescan) leaks no descriptor."""
    before = len(list(Path("/proc/self/fd").iterdir()))
    for _ in range(5):
        proc = runner.start(tmp_path, ["version"], repo=False, spool=True)
        proc.wait(timeout=60)
        assert proc.stderr is not None
        proc.stderr.close()
        del proc
    gc.collect()
    assert len(list(Path("/proc/self/fd").iterdir())) == before


def test_a_failed_spooled_command_says_what_git_said(tmp_path: Path) -> None:
    proc = runner.start(tmp_path, ["rev-parse", "--verify", "nope"], repo=False, spool=True)
    with pytest.raises(runner.GitError, match=r"git rev-parse failed: .*"):
        runner.collect(proc, "rev-parse", timeout=60)


def test_cat_file_starts_afresh_after_a_bad_answer(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "a\n"})
    blob = git(root, "rev-parse", "HEAD:a.txt")
    objects = runner.CatFile(root)
    try:
        with pytest.raises(runner.GitError):
            objects.read("not an object name", limit=100)
        assert objects.read(blob, limit=100) == (2, b"a\n")
    finally:
        objects.close()
    objects.close()  # closing twice is harmless


def test_sign_commit_reports_a_refused_commit_with_gits_message(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "a\n"})
    hooks = root / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    hook = hooks / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n")
    hook.chmod(0o755)
    target = root / ".golive" / "records" / "v1.toml"
    target.parent.mkdir(parents=True)
    target.write_text("schema = 1\n")
    with pytest.raises(RecordError) as raised:
        commit_record(root, target, "v1")
    message = str(raised.value)
    assert message.startswith("record saved but not committed: git commit failed:")
    assert "refused by policy" in message
    assert target.exists()  # the record itself stays


def test_sign_commit_returns_the_new_commit(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "a\n"})
    target = root / ".golive" / "records" / "v1.toml"
    target.parent.mkdir(parents=True)
    target.write_text("schema = 1\n")
    sha = commit_record(root, target, "v1")
    assert sha == git(root, "rev-parse", "HEAD")
    assert git(root, "log", "-1", "--format=%s") == "readiness: v1"


def test_the_config_asked_alongside_rev_parse_is_the_repositorys(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`locate` asks git config from the folder it was given, before the root is known: the
    answer kept for the root is the one a query at the root gives (filter drivers switched
    off, core.untrackedCache seen)."""
    from golive_tui.core.git.listing import locate

    root = make_repo({"sub/main.go": "package main\n"})
    git(root, "config", "filter.evil.clean", "touch /tmp/pwned")
    git(root, "config", "core.untrackedCache", "false")
    runner._config_overrides.cache_clear()
    monkeypatch.setattr(runner, "_ASKED", {})
    assert locate(root / "sub").root == root
    assert list(runner._ASKED) == [(str(root), runner._config_stamp(root))]
    early = runner._repo_config(root)
    assert not runner._ASKED  # used, not asked again
    runner._config_overrides.cache_clear()
    assert runner._repo_config(root) == early  # the same as asking at the root
    assert ("filter.evil.clean", "") in early[0] and early[1]


def test_a_located_folder_is_not_asked_for_its_config_again(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second `locate` while the first one's config answer still waits (a command's
    opening locates its folder up to three times) starts no second `git config`."""
    from golive_tui.core.git.listing import locate

    root = make_repo({"main.go": "package main\n"})
    runner._config_overrides.cache_clear()
    monkeypatch.setattr(runner, "_ASKED", {})
    started: list[list[str]] = []
    popen = runner._popen_config
    monkeypatch.setattr(
        runner, "_popen_config", lambda cwd: started.append([str(cwd)]) or popen(cwd)
    )
    assert locate(root).root == locate(root).root == root
    assert len(started) == 1
    runner._repo_config(root)
    assert len(started) == 1  # the waiting answer was used, not asked again
    assert not runner._ASKED


@pytest.mark.parametrize(
    ("user", "repo", "expected"),
    [
        ("", {}, ""),
        ("", {"user.name": ["Ada"]}, "Ada"),
        ("", {"user.email": ["ada@example.org"]}, "<ada@example.org>"),
        ("[user]\n\tname = Ada\n\temail = ada@example.org\n", {}, "Ada <ada@example.org>"),
        (
            "[user]\n\tname = Ada\n\temail = ada@example.org\n",
            {"user.name": ["Bo"]},
            "Bo <ada@example.org>",
        ),
        ("", {"user.name": ["Old", "Ada"], "user.email": ["a@x", "b@y"]}, "Ada <b@y>"),
        ("", {"user.name": ["  Ada  "], "user.email": [""]}, "Ada"),
        ("", {"user.name": ["Ada\nLovelace"]}, "Ada\nLovelace"),
        ("", {"user.namex": ["no"], "xuser.name": ["no"]}, ""),
    ],
)
def test_identity_is_what_git_config_get_answers_for_each_key(
    make_repo: RepoFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    user: str,
    repo: dict[str, list[str]],
    expected: str,
) -> None:
    """One `git config` run for both keys answers what `git config --get` does for each: the
    repository's value over the user's, the last one when a key is set more than once."""
    from golive_tui.core.git.config import git_config, identity

    root = make_repo({"a.txt": "a\n"})
    (tmp_path / "user.gitconfig").write_text(user)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "user.gitconfig"))
    for key, values in repo.items():
        for value in values:
            git(root, "config", "--add", key, value)
    assert identity(root) == expected
    name, email = git_config("user.name", root) or "", git_config("user.email", root) or ""
    oracle = f"{name} <{email}>" if name and email else name or (f"<{email}>" if email else "")
    assert identity(root) == oracle


def test_a_linked_worktree_sees_a_filter_driver_added_to_its_shared_config(
    make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A linked worktree's `.git` is a file and its config the main repository's: a driver
    added there while a process runs (the walker) is switched off from then on too."""
    import os

    root = make_repo({"a.txt": "a\n"})
    linked = tmp_path / "linked"
    git(root, "worktree", "add", "-q", str(linked))
    monkeypatch.setattr(runner, "_ASKED", {})
    runner._config_overrides.cache_clear()
    assert runner._repo_filters(linked) == ()
    before = runner._config_stamp(linked)
    git(root, "config", "filter.late.clean", "touch pwned")
    config = root / ".git" / "config"
    later = config.stat().st_mtime_ns + 1_000_000_000
    os.utime(config, ns=(later, later))  # a write in a later clock tick
    assert runner._config_stamp(linked) != before
    assert ("filter.late.clean", "") in runner._repo_filters(linked)


def test_a_driver_added_to_an_included_file_is_switched_off_at_once(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The repository's config includes a tracked file: a checkout that adds a driver there
    leaves the config's own time as it was, so an answer kept by that time would leave the
    new driver on in a running walker."""
    root = make_repo({"team.gitconfig": "[core]\n\tautocrlf = false\n"})
    git(root, "config", "include.path", "../team.gitconfig")
    monkeypatch.setattr(runner, "_ASKED", {})
    runner._config_overrides.cache_clear()
    assert runner._repo_filters(root) == ()
    (root / "team.gitconfig").write_text('[filter "late"]\n\tclean = touch pwned\n')
    assert ("filter.late.clean", "") in runner._repo_filters(root)


def test_a_driver_added_to_the_main_worktrees_worktree_config_is_switched_off(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `extensions.worktreeConfig`, `.git/config.worktree` is read too: its changes
    renew the answer like the config's own."""
    import os

    root = make_repo({"a.txt": "a\n"})
    git(root, "config", "extensions.worktreeConfig", "true")
    monkeypatch.setattr(runner, "_ASKED", {})
    runner._config_overrides.cache_clear()
    assert runner._repo_filters(root) == ()
    config = root / ".git" / "config"
    before = config.stat().st_mtime_ns
    git(root, "config", "--worktree", "filter.late.clean", "touch pwned")
    assert config.stat().st_mtime_ns == before  # the config's own time says nothing new
    later = before + 1_000_000_000
    os.utime(root / ".git" / "config.worktree", ns=(later, later))  # in a later clock tick
    assert ("filter.late.clean", "") in runner._repo_filters(root)


@pytest.mark.parametrize(
    ("text", "includes"),
    [
        ("[core]\n\tbare = false\n", False),
        ("[include]\n\tpath = x\n", True),
        ('[IncludeIf "gitdir:/x/"]\n\tpath = y\n', True),
        ("[core]\n" + "#" * (runner.MAX_CONFIG_READ + 1) + "\n", True),
    ],
)
def test_which_configs_count_as_including_others(tmp_path: Path, text: str, includes: bool) -> None:
    config = tmp_path / "config"
    config.write_text(text)
    st = config.stat()
    assert runner._includes(str(config), st.st_mtime_ns, st.st_size) is includes
