"""The default trusted ref: the first of DEFAULT_TRUST_REFS naming a commit, found with one git
call, exactly as asking `git rev-parse --verify REF^{commit}` for each in turn finds it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.record.signing.trust import DEFAULT_TRUST_REFS, _default_ref


def _one_by_one(root: Path) -> tuple[str, str]:
    """What each candidate resolves to asked alone (the lookup `_default_ref` must agree with)."""
    for ref in DEFAULT_TRUST_REFS:
        proc = git_proc(
            root, "rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{commit}}"
        )
        if proc:
            if ref == "origin/HEAD":
                target = git(root, "symbolic-ref", "-q", "refs/remotes/origin/HEAD")
                ref = target.removeprefix("refs/remotes/") or ref
            return ref, proc
    return "", ""


def git_proc(root: Path, *args: str) -> str:
    import subprocess

    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def _only_dev(root: Path) -> None:
    git(root, "branch", "-m", "dev")


def _main(root: Path) -> None:
    git(root, "branch", "-m", "main")


def _master(root: Path) -> None:
    git(root, "branch", "-m", "master")


def _origin_main_and_master(root: Path) -> None:
    git(root, "branch", "-m", "master")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")


def _origin_head(root: Path) -> None:
    git(root, "branch", "-m", "main")
    git(root, "commit", "-q", "--allow-empty", "-m", "later")
    git(root, "update-ref", "refs/remotes/origin/trunk", "HEAD~1")
    git(root, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")


def _dangling_origin_head(root: Path) -> None:
    git(root, "branch", "-m", "master")
    git(root, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/gone")


def _tag_named_main(root: Path) -> None:
    """An annotated tag `main` on another commit than the branch: git's lookup takes the tag
    first, peeled to its commit."""
    git(root, "branch", "-m", "main")
    git(root, "commit", "-q", "--allow-empty", "-m", "later")
    git(root, "tag", "-a", "-m", "older", "main", "HEAD~1")


def _tag_main_on_a_blob(root: Path) -> None:
    """A tag `main` naming a blob: `main` is no commit (and `master` then is)."""
    git(root, "branch", "-m", "main")
    git(root, "branch", "master")
    blob = git(root, "hash-object", "-w", "README")
    git(root, "tag", "main", blob)


CASES: dict[str, Callable[[Path], None]] = {
    "none": _only_dev,
    "main": _main,
    "master": _master,
    "origin/main before master": _origin_main_and_master,
    "origin/HEAD names origin/trunk": _origin_head,
    "origin/HEAD dangling": _dangling_origin_head,
    "a tag named main": _tag_named_main,
    "a tag main on a blob": _tag_main_on_a_blob,
}


@pytest.mark.parametrize("case", list(CASES))
def test_default_ref_is_the_first_candidate_naming_a_commit(
    make_repo: RepoFactory, case: str
) -> None:
    root = make_repo({"README": "hello\n"})
    CASES[case](root)
    expected = _one_by_one(root)
    assert _default_ref(root) == expected
    if case == "none":
        assert expected == ("", "")
    elif case == "origin/HEAD names origin/trunk":
        assert expected == ("origin/trunk", git(root, "rev-parse", "HEAD~1"))
    elif case == "a tag named main":
        assert expected == ("main", git(root, "rev-parse", "HEAD~1"))
    elif case == "a tag main on a blob":
        assert expected[0] == "master"
