"""Which release a walk or record is for, and where golive keeps private state in a repository."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from golive_tui.core.errors import RepoError
from golive_tui.core.git.runner import git_out

#: The release name used when none is given and no tag points at HEAD (documented in the README).
DEFAULT_RELEASE = "unreleased"

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")


def _git(root: Path, *args: str) -> str | None:
    """A short query through the runner, stripped; None when git cannot answer."""
    out = git_out(root, *args, timeout=30)
    return out.strip() if out is not None else None


def validate_release(name: str) -> str:
    """Release names become file names: keep them to a safe, portable alphabet."""
    if not _SAFE.match(name):
        raise RepoError(
            f"release name {name!r} is not usable: use letters, digits, '.', '_', '+' or '-' "
            "(at most 128 characters, starting with a letter or digit)"
        )
    return name


def version_key(tag: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders v1.2.10 after v1.2.9 (numbers numerically, the rest as text)."""
    parts = re.split(r"(\d+)", tag.lstrip("vV"))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def release_order(release: str, created: str, tags: Iterable[str]) -> tuple[Any, ...]:
    """Tagged releases by version (v1.2.10 after v1.2.9), then untagged ones by creation time.

    The one order `golive history`, carry-forward and `gate --since-record` share, so "earlier"
    means the same everywhere.
    """
    if release in set(tags):
        return (0, version_key(release), created)
    return (1, (), created)


def resolve_release(root: Path, explicit: str | None = None, service: str = "") -> str:
    """--release if given, else the highest version tag pointing at HEAD, else DEFAULT_RELEASE.

    For one service of several, its own tags (`orders/v1.4.0`, read as `v1.4.0`) come first,
    then the repository's shared tags (`v1.4.0`); `--release orders/v1.4.0` names the same.
    """
    if explicit:
        if service and explicit.startswith(f"{service}/"):
            explicit = explicit[len(service) + 1 :]
        return validate_release(explicit)
    tags = (_git(root, "tag", "--points-at", "HEAD") or "").split()
    own = service_releases(tags, service) if service else []
    usable = own or [t for t in tags if _SAFE.match(t)]
    if usable:
        return max(usable, key=version_key)
    return DEFAULT_RELEASE


def service_releases(tags: Iterable[str], service: str) -> list[str]:
    """The release names a service's own tags give (`orders/v1.4.0` -> `v1.4.0`)."""
    prefix = f"{service}/"
    return [
        t[len(prefix) :] for t in tags if t.startswith(prefix) and _SAFE.match(t[len(prefix) :])
    ]


def release_tags(root: Path, service: str = "") -> frozenset[str]:
    """The tags that name releases: shared tags, plus the service's own tags read without the
    prefix (so `release_order` orders `orders/v1.10.0` after a shared `v1.9.0`)."""
    tags = (_git(root, "tag", "--list") or "").split()
    names = {t for t in tags if "/" not in t}
    if service:
        names.update(service_releases(tags, service))
    return frozenset(names)


def state_dir(root: Path) -> Path:
    """`<git common dir>/golive`: private, never in the working tree, shared by worktrees."""
    from golive_tui.core.git.listing import remembered

    loc = remembered(root)
    if loc is not None and loc.common_dir is not None:  # the same question, answered already
        return loc.common_dir / "golive"
    common = _git(root, "rev-parse", "--path-format=absolute", "--git-common-dir")
    if not common:
        raise RepoError(f"{root}: not inside a git repository (golive keeps drafts under .git/)")
    return Path(common) / "golive"
