"""Which signing programs and keys to use, read where `git commit -S` reads them, and how they run.

Programs come from the user's own git config or PATH only, never from the repository's
`.git/config`; they run detached from the terminal, stdin closed, prompts disabled, with a timeout.
"""

from __future__ import annotations

import contextlib
import enum
import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from golive_tui.core.errors import SigningError
from golive_tui.core.git.config import git_config, identity, user_config

NAMESPACE = "golive-record"


TIMEOUT = 30.0


class Format(enum.StrEnum):
    SSH = "ssh"
    OPENPGP = "openpgp"


@dataclass(frozen=True, slots=True)
class SignerConfig:
    format: Format
    key: str  # user.signingkey as configured ("" = none / gpg default key)
    program: str
    identity: str
    configured: bool  # a key is configured (OpenPGP may use gpg's default key)
    format_set: bool = True  # gpg.format is set (else openpgp, git's default, is assumed)


@dataclass(frozen=True, slots=True)
class Signed:
    format: Format
    key: str  # fingerprint
    signature: str  # armored


def setup_message(fmt: Format | None = Format.SSH) -> str:
    """The exact commands that make signing work, printed when no key is configured.

    `fmt` None means gpg.format is not set: both ways are shown, SSH first.
    """
    ssh = (
        "  git config --global gpg.format ssh\n"
        "  git config --global user.signingkey ~/.ssh/id_ed25519.pub\n"
        "and let verifiers know the key: add a line to .golive/allowed_signers:\n"
        '  you@example.com namespaces="golive-record" ssh-ed25519 AAAA...'
    )
    pgp = (
        "  git config --global gpg.format openpgp\n"
        "  git config --global user.signingkey <KEYID>    # from `gpg --list-secret-keys`"
    )
    if fmt is Format.OPENPGP:
        return f"no signing key configured. To sign with OpenPGP, as for git commits:\n{pgp}"
    if fmt is Format.SSH:
        return f"no signing key configured. To sign with your SSH key, as for git commits:\n{ssh}"
    return (
        "no signing key configured (git config gpg.format and user.signingkey are unset).\n"
        f"To sign with your SSH key, as for git commits:\n{ssh}\n"
        f"or, to sign with OpenPGP:\n{pgp}"
    )


def signer_config(repo_root: Path | None = None) -> SignerConfig:
    fmt_set = git_config("gpg.format", repo_root)
    fmt_raw = (fmt_set or "openpgp").lower()
    if fmt_raw == "x509":
        raise SigningError(
            "gpg.format is x509: golive signs records with ssh or openpgp keys only "
            "(x509/S/MIME is not supported); set gpg.format to ssh or openpgp"
        )
    if fmt_raw not in ("ssh", "openpgp"):
        raise SigningError(f"gpg.format {fmt_raw!r} is not one of ssh, openpgp")
    fmt = Format(fmt_raw)
    key = git_config("user.signingkey", repo_root) or ""
    if fmt is Format.SSH:
        program = ssh_program(repo_root)
        configured = bool(key)
    else:
        program = openpgp_program(repo_root)
        configured = bool(key) or gpg_has_secret_key(program)
    return SignerConfig(
        format=fmt,
        key=key,
        program=program,
        identity=identity(repo_root),
        configured=configured,
        format_set=fmt_set is not None,
    )


def ssh_program(repo_root: Path | None = None) -> str:
    """gpg.ssh.program from the user's config, else `ssh-keygen` from PATH."""
    return user_config("gpg.ssh.program", repo_root) or "ssh-keygen"


def openpgp_program(repo_root: Path | None = None) -> str:
    """gpg.openpgp.program or gpg.program from the user's config, else `gpg` from PATH."""
    return (
        user_config("gpg.openpgp.program", repo_root)
        or user_config("gpg.program", repo_root)
        or "gpg"
    )


def program_overrides(repo_root: Path) -> list[tuple[str, str]]:
    """Config for a `git commit` that may sign: the user's signing programs, not the repository's.

    Command-line settings win over `.git/config`, so each program git could run to sign (or to
    find the default SSH key) is pinned to the user's value or git's default. A default key
    command only the repository sets is replaced by `false`: it fails instead of running.
    """
    pairs = [
        ("gpg.program", openpgp_program(repo_root)),
        ("gpg.openpgp.program", openpgp_program(repo_root)),
        ("gpg.ssh.program", ssh_program(repo_root)),
        ("gpg.x509.program", user_config("gpg.x509.program", repo_root) or "gpgsm"),
    ]
    key_command = "gpg.ssh.defaultKeyCommand"
    mine = user_config(key_command, repo_root)
    if mine or git_config(key_command, repo_root):
        pairs.append((key_command, mine or "false"))
    return pairs


def subprocess_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """No prompt can reach a person: no askpass, no X display, no tty for pinentry."""
    env = dict(os.environ if base is None else base)
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_ASKPASS", "GPG_TTY"):
        env.pop(var, None)
    env["SSH_ASKPASS_REQUIRE"] = "never"
    return env


def run_program(
    argv: Sequence[str], *, input: bytes | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[bytes]:
    tool = argv[0]
    timeout = timeout or TIMEOUT
    try:
        return subprocess.run(
            list(argv),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            env=subprocess_env(),
            timeout=timeout,
            check=False,
            start_new_session=True,  # no controlling terminal: /dev/tty prompts fail fast
        )
    except FileNotFoundError:
        hint = "gpg.ssh.program" if "ssh" in Path(tool).name else "gpg.program"
        raise SigningError(
            f"{tool} not found: install it (OpenSSH 8.2+ for ssh signing, GnuPG for openpgp) "
            f"or point `git config --global {hint}` at it"
        ) from None
    except PermissionError:
        raise SigningError(f"{tool}: permission denied") from None
    except subprocess.TimeoutExpired:
        raise SigningError(
            f"{tool} did not finish within {timeout:.0f}s (waiting for a passphrase or a "
            "hardware key?); unlock the key in your agent and try again"
        ) from None


def decoded(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").strip()


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="golive-sign-") as tmp:
        yield Path(tmp)


def gpg_has_secret_key(program: str) -> bool:
    try:
        proc = run_program([program, "--batch", "--no-tty", "--list-secret-keys", "--with-colons"])
    except SigningError:
        return False
    return proc.returncode == 0 and b"\nsec:" in b"\n" + proc.stdout
