"""Reading git config the way git itself does (includes, env overrides), for identity and signing."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_config(key: str, cwd: Path | None = None) -> str | None:
    """The effective value of `key`, or None when unset (or git is unavailable)."""
    try:
        proc = subprocess.run(
            ["git", "config", "--get", key],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    value = proc.stdout.strip()
    return value or None


def identity(cwd: Path | None = None) -> str:
    """'Name <email>' from user.name / user.email, as git would stamp a commit; '' if unset."""
    name = git_config("user.name", cwd) or ""
    email = git_config("user.email", cwd) or ""
    if name and email:
        return f"{name} <{email}>"
    return name or (f"<{email}>" if email else "")
