"""Options shared by the commands (not a command itself): the repository a command works in.

Every command that reads a repository takes `-C PATH`, like git, with the same help text.
Older spellings stay accepted, hidden from the help: `--repo PATH` (record commands),
`--path PATH` (`mark`, `detectors`) and a positional PATH (`walk`, `status`, `scan`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from golive_tui.core.errors import GoliveError

REPO_HELP = "Repository to work in, or any folder inside it (default: the current directory)"
CHECKLIST_HELP = "Checklist id (default: the repository's .golive/config.toml, else go-production)"
RELEASE_HELP = "Release name (default: the highest version tag at HEAD, else unreleased)"
PAIR_HELP = (
    "Someone walking with you, as 'Name <email>': shown in the header, recorded as a "
    "participant, who then cosigns (repeatable)"
)


class UsageError(GoliveError):
    """Options that contradict each other."""


def add_repo_option(
    parser: argparse.ArgumentParser, *, aliases: tuple[str, ...] = (), positional: bool = False
) -> None:
    """`-C PATH`, plus the command's older spellings as hidden aliases."""
    parser.add_argument("-C", dest="repo", default=None, metavar="PATH", help=REPO_HELP)
    for flag in aliases:
        parser.add_argument(flag, dest="repo", default=None, metavar="PATH", help=argparse.SUPPRESS)
    if positional:
        parser.add_argument(
            "repo_positional", nargs="?", default=None, metavar="PATH", help=argparse.SUPPRESS
        )


def repo_path(args: argparse.Namespace) -> Path:
    """The repository the user named (`-C`, an alias, or the positional PATH), else `.`."""
    option: str | None = getattr(args, "repo", None)
    positional: str | None = getattr(args, "repo_positional", None)
    if option is not None and positional is not None and Path(option) != Path(positional):
        raise UsageError(
            f"two repositories given ({option} and {positional}): name one, with -C PATH"
        )
    return Path(option or positional or ".")


TRUST_REF_HELP = (
    "Ref whose committed .golive/allowed_signers decides who may sign (default: the default "
    "branch: origin/HEAD, origin/main, origin/master, main or master, the first that exists); "
    "gpg.ssh.allowedSignersFile in your own git config takes precedence"
)


def add_trust_option(parser: argparse.ArgumentParser) -> None:
    """`--trust-ref REF`: where the trusted allowed-signers list is read (see signing.TrustRoot)."""
    parser.add_argument("--trust-ref", metavar="REF", default=None, help=TRUST_REF_HELP)
