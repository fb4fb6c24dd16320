"""Reading git config the way git itself does (includes, env overrides), for identity and signing."""

from __future__ import annotations

from pathlib import Path

from golive_tui.core.git.runner import USER_SCOPES, git_out


def git_config(key: str, cwd: Path | None = None) -> str | None:
    """The effective value of `key`, or None when unset (or git is unavailable)."""
    out = git_out(cwd, "config", "--get", key, timeout=10)
    return (out or "").strip() or None


def user_config(key: str, cwd: Path | None = None) -> str | None:
    """The value of `key` from the user's own config (system, global, -c), never the repository's.

    For settings that name a program to run: a repository's `.git/config` (or a file it
    includes) must not choose what golive executes. Conditional includes of the user's global
    config still apply, so a per-directory setting of the user's own keeps working.
    """
    out = git_out(cwd, "config", "--show-scope", "-z", "--get-all", key, timeout=10) or ""
    fields = out.split("\0")
    values = [
        value.strip()
        for scope, value in zip(fields[0::2], fields[1::2], strict=False)
        if scope in USER_SCOPES
    ]
    return values[-1] if values and values[-1] else None


def identity(cwd: Path | None = None) -> str:
    """'Name <email>' from user.name / user.email, as git would stamp a commit; '' if unset.

    Both from one `git config` run (every value of each key, in the order git reads them: the
    last one is what `git config --get` answers), not one run each: ~5 ms of the walker's
    opening on moby."""
    out = git_out(cwd, "config", "-z", "--get-regexp", r"^user\.(name|email)$", timeout=10)
    found: dict[str, str] = {}
    for entry in (out or "").split("\0"):
        key, _, value = entry.partition("\n")
        if key in ("user.name", "user.email"):
            found[key] = value
    name = found.get("user.name", "").strip()
    email = found.get("user.email", "").strip()
    if name and email:
        return f"{name} <{email}>"
    return name or (f"<{email}>" if email else "")
