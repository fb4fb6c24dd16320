"""Reading git config the way git itself does (includes, env overrides), for identity and signing."""

from __future__ import annotations

from pathlib import Path

from golive_tui.core.gitcmd import git_out


def git_config(key: str, cwd: Path | None = None) -> str | None:
    """The effective value of `key`, or None when unset (or git is unavailable)."""
    out = git_out(cwd, "config", "--get", key, timeout=10)
    return (out or "").strip() or None


def identity(cwd: Path | None = None) -> str:
    """'Name <email>' from user.name / user.email, as git would stamp a commit; '' if unset."""
    name = git_config("user.name", cwd) or ""
    email = git_config("user.email", cwd) or ""
    if name and email:
        return f"{name} <{email}>"
    return name or (f"<{email}>" if email else "")
