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


SERVICE_HELP = (
    "Service to work on, in a repository of several services (`golive services` lists them); "
    "not needed when the repository is one service"
)


def add_service_option(parser: argparse.ArgumentParser, *, every: str = "") -> None:
    """`--service NAME`: which service's drafts, records and tags a command works on.

    `every` says what the command does without it in a repository of several services.
    """
    help_text = SERVICE_HELP + (f" (default: {every})" if every else "")
    parser.add_argument("--service", metavar="NAME", default=None, help=help_text)


def named_service(args: argparse.Namespace, root: Path) -> str | None:
    """`--service`, else the service a `--release SERVICE/RELEASE` names (when it is one of the
    repository's services), else None."""
    name: str | None = getattr(args, "service", None)
    release: str = getattr(args, "release", None) or ""
    if name is not None or "/" not in release:
        return name
    from golive_tui.core.services.choice import services_of

    head = release.partition("/")[0]
    return head if head in {s.name for s in services_of(root).services} else None


def service_scope(args: argparse.Namespace, root: Path, command: str) -> str:
    """The scope of `--service` for a command about one service: "" for a single-service
    repository, the service's name for one of several; an error when none or an unknown one is named."""
    from golive_tui.core.services.choice import require_scope

    return require_scope(root, named_service(args, root), command=command)


def service_scopes(args: argparse.Namespace, root: Path) -> tuple[str, ...]:
    """The named service's scope, else every service's (`("",)` for a single-service repository)."""
    from golive_tui.core.services.choice import all_scopes

    return all_scopes(root, named_service(args, root))


def service_record(args: argparse.Namespace, root: Path, ref: str, command: str) -> Path:
    """The record RECORD names: a file, a release of `--service`, or `SERVICE/RELEASE`.

    In a repository of several services a bare release name needs `--service` (which
    service's?); a file path or `orders/v1.4.0` says it by itself.
    """
    from golive_tui.core.record.gate import find_record
    from golive_tui.core.services.choice import require_scope, scope_of, services_of

    smap = services_of(root)
    scope = scope_of(root, getattr(args, "service", None), smap=smap)
    if scope is None:
        head, sep, rest = ref.partition("/")
        if sep and not ref.endswith(".toml") and head in {s.name for s in smap.services}:
            return find_record(root, rest, head)
        if ref.endswith(".toml") or "/" in ref:
            return find_record(root, ref)
        scope = require_scope(root, None, command=command)
    return find_record(root, ref, scope)
