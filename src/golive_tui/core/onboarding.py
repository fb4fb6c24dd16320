"""`golive init` as data: the files a repository needs to use golive, proposed, never imposed.

`plan(root)` looks at the repository (services, config, CI system) and the user's own git config
(signing key, e-mail) and returns what it would write, each file marked new, already as proposed,
or present and different (never overwritten). `apply` writes the new ones, atomically and
confined to the repository: a `.golive` symlinked out of it is refused, not followed.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path

from golive_tui import __version__
from golive_tui.core.atomic import write_atomic
from golive_tui.core.confine import UnsafePathError, confine, read_capped
from golive_tui.core.errors import GoliveError
from golive_tui.core.services.model import Service

CONFIG = ".golive/config.toml"
SIGNERS = ".golive/allowed_signers"
GITHUB_WORKFLOW = ".github/workflows/golive.yml"
DEFAULT_CHECKLIST = "go-production"
DEFAULT_PROFILE = "quick-gate"
#: The action and template as published; pinned to the version of golive proposing them.
ACTION = f"golive-tui/golive@v{__version__}"
GITLAB_TEMPLATE = (
    f"https://raw.githubusercontent.com/golive-tui/golive/v{__version__}/ci/gitlab/golive.yml"
)
NAMESPACE = "golive-record"
_MAX_EXISTING = 1024 * 1024  # a file init compares against is small (config, signers, workflow)
_MAX_PUBKEY = 16 * 1024
_PUBKEY = re.compile(r"^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+) [A-Za-z0-9+/=]+$")


class InitError(GoliveError):
    """A file init would write cannot be written safely (it leads outside the repository)."""


class Change(enum.Enum):
    """What init would do with one file."""

    CREATE = "create"  # does not exist: written on confirmation
    SAME = "same"  # exists with exactly the proposed content: nothing to do
    DIFFERS = "differs"  # exists with other content: left as it is, never overwritten


class CI(enum.Enum):
    """The CI system the repository uses (or whose forge its remote names)."""

    NONE = "none"
    GITHUB = "github"
    GITLAB = "gitlab"


@dataclass(frozen=True, slots=True)
class Proposal:
    path: str  # repository-relative
    content: str
    change: Change
    why: str
    existing: str = ""  # the current content when it differs (for the diff)


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything init would write, and what it explains instead of writing."""

    proposals: tuple[Proposal, ...]
    notes: tuple[str, ...]
    services: tuple[Service, ...] = ()
    ci: CI = CI.NONE
    profile: str = DEFAULT_PROFILE

    @property
    def to_write(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if p.change is Change.CREATE)

    @property
    def conflicts(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if p.change is Change.DIFFERS)


@dataclass(slots=True)
class _Builder:
    root: Path
    proposals: list[Proposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def propose(self, path: str, content: str, why: str) -> None:
        existing = _existing(self.root, path)
        if existing is None:
            self.proposals.append(Proposal(path, content, Change.CREATE, why))
        elif existing == content:
            self.proposals.append(Proposal(path, content, Change.SAME, why))
        else:
            self.proposals.append(Proposal(path, content, Change.DIFFERS, why, existing))


def plan(root: Path) -> Plan:
    """What `golive init` proposes for the repository at `root` (its top level)."""
    from golive_tui.core.scan.config import load_config

    b = _Builder(root)
    services = discover_services(root)
    current = load_config(root) if _existing(root, CONFIG) is not None else None
    if current is None:
        b.propose(CONFIG, config_text(services), "the checklist and profile this repository uses")
        profile = DEFAULT_PROFILE
    else:
        profile = current.profile
        b.notes.append(f"{CONFIG} exists: kept as it is (checklist and profile read from it)")
    _trust(b)
    ci = detect_ci(root)
    if ci is CI.GITHUB:
        b.propose(GITHUB_WORKFLOW, github_workflow(profile), "the gate on every release tag")
    elif ci is CI.GITLAB:
        b.notes.append(
            "GitLab CI: add this to .gitlab-ci.yml (golive never edits your pipeline):\n"
            + _indent(gitlab_include(profile))
        )
    else:
        b.notes.append(
            "no CI system detected (.github/workflows, .gitlab-ci.yml or a GitHub/GitLab "
            "remote): see the README's team workflow to gate in CI"
        )
    return Plan(tuple(b.proposals), tuple(b.notes), services, ci, profile)


def apply(root: Path, proposals: tuple[Proposal, ...]) -> list[str]:
    """Write the proposals that create a file; never one that exists (it is checked again)."""
    written: list[str] = []
    for p in proposals:
        if p.change is not Change.CREATE:
            continue
        target = _target(root, p.path)
        if target.exists() or target.is_symlink():
            raise InitError(f"{p.path}: appeared while init ran; left as it is")
        write_atomic(target, p.content)
        written.append(p.path)
    return written


def discover_services(root: Path) -> tuple[Service, ...]:
    """The repository's services, as discovery finds them (`golive services` shows why)."""
    from golive_tui.core.services.found import services_found

    return services_found(root).services


def config_text(services: tuple[Service, ...]) -> str:
    lines = [
        "# golive settings for this repository (written by `golive init`; see the README).",
        f'checklist = "{DEFAULT_CHECKLIST}"',
        f'profile = "{DEFAULT_PROFILE}"',
    ]
    if len(services) > 1:
        for s in services:
            lines += ["", f"[services.{s.name}]", f'main = "{s.main}"']
    return "\n".join(lines) + "\n"


def detect_ci(root: Path) -> CI:
    """The CI system in use: its files first, else the forge the `origin` remote names."""
    from golive_tui.core.git.config import git_config

    if _is_dir(root, ".github/workflows"):
        return CI.GITHUB
    if _existing(root, ".gitlab-ci.yml") is not None:
        return CI.GITLAB
    remote = (git_config("remote.origin.url", root) or "").lower()
    if "github.com" in remote:
        return CI.GITHUB
    if "gitlab" in remote:
        return CI.GITLAB
    return CI.NONE


def github_workflow(profile: str) -> str:
    with_profile = f"          profile: {profile}\n" if profile else ""
    return (
        "# golive: fail unless a verified, signed readiness record covers the release's commit.\n"
        "# Gate every pull request as well by adding `pull_request:` once records cover them.\n"
        "name: golive\n"
        "on:\n"
        "  push:\n"
        '    tags: ["v*"]\n'
        "  workflow_dispatch:\n"
        "permissions:\n"
        "  contents: read\n"
        "  security-events: write  # SARIF upload\n"
        "jobs:\n"
        "  gate:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with:\n"
        "          fetch-depth: 0  # the record's commit and the default branch's signers\n"
        f"      - uses: {ACTION}\n"
        "        with:\n"
        f"{with_profile}"
        "          sarif: golive.sarif\n"
        "      - if: always() && hashFiles('golive.sarif') != ''\n"
        "        uses: github/codeql-action/upload-sarif@v3\n"
        "        with:\n"
        "          sarif_file: golive.sarif\n"
        "          category: golive\n"
    )


def gitlab_include(profile: str) -> str:
    text = f"include:\n  - remote: {GITLAB_TEMPLATE}\n"
    if profile:
        text += f"golive-gate:\n  variables:\n    GOLIVE_PROFILE: {profile}\n"
    return text


def _trust(b: _Builder) -> None:
    """Explain the trust root; propose the user's key as the first allowed signer when it is SSH."""
    from golive_tui.core.git.config import git_config, user_config

    b.notes.append(
        "trust root: `golive verify` and `golive gate` trust the keys in "
        f"{SIGNERS} as committed on the default branch (never the working tree or the change "
        "under test), unless your own git config names gpg.ssh.allowedSignersFile. Commit it to "
        "the default branch and protect it (e.g. CODEOWNERS); see docs/security.md"
    )
    mine = user_config("gpg.ssh.allowedSignersFile", b.root)
    if mine:
        b.notes.append(f"your git config names gpg.ssh.allowedSignersFile = {mine}: you trust it")
    fmt = (user_config("gpg.format", b.root) or "openpgp").lower()
    key = user_config("user.signingkey", b.root) or ""
    email = git_config("user.email", b.root) or ""
    if fmt == "ssh" and key and not email:
        b.notes.append(
            "your SSH signing key is set but user.email is not: run\n"
            "  git config --global user.email you@example.com\n"
            "then run `golive init` again to add your key to .golive/allowed_signers"
        )
        return
    if fmt == "ssh" and key:
        public = _public_key(key)
        if public:
            line = f'{email} namespaces="{NAMESPACE}" {public}\n'
            existing = _existing(b.root, SIGNERS)
            if existing is not None and line in existing.splitlines(keepends=True):
                b.proposals.append(Proposal(SIGNERS, existing, Change.SAME, "your key"))
            else:
                b.propose(SIGNERS, line, "your SSH signing key as the first allowed signer")
            return
        b.notes.append(f"user.signingkey {key!r} is not a readable SSH public key")
    if fmt == "openpgp" and key:
        b.notes.append(
            "you sign with OpenPGP: verifiers need your public key in their keyring "
            "(gpg --import); .golive/allowed_signers lists SSH keys only"
        )
        return
    b.notes.append(
        "no SSH signing key in your git config; to sign records as you sign commits, run:\n"
        "  git config --global gpg.format ssh\n"
        "  git config --global user.signingkey ~/.ssh/id_ed25519.pub\n"
        + ("" if email else "  git config --global user.email you@example.com\n")
        + "then run `golive init` again to add your key to .golive/allowed_signers"
    )


def _public_key(key: str) -> str:
    """`type base64` of the user's SSH key: a literal key, or the .pub file it names."""
    text = key.removeprefix("key::").strip()
    if not _PUBKEY.match(" ".join(text.split()[:2])):
        path = Path(text).expanduser()
        if path.suffix != ".pub" and path.with_name(path.name + ".pub").is_file():
            path = path.with_name(path.name + ".pub")
        try:
            text = read_capped(path, _MAX_PUBKEY).decode("utf-8").strip()
        except (OSError, UnicodeDecodeError, GoliveError):
            return ""
    words = text.split()
    candidate = " ".join(words[:2])
    return candidate if len(words) >= 2 and _PUBKEY.match(candidate) else ""


def _target(root: Path, rel: str) -> Path:
    """Where `rel` is written: inside the repository, never through a symlink."""
    try:
        return confine(root, rel, follow=False)
    except UnsafePathError as exc:
        raise InitError(f"{rel}: refused: {exc.why}") from None


def _existing(root: Path, rel: str) -> str | None:
    """The current content of `rel`, None when it does not exist; a symlink or oddity differs."""
    target = _target(root, rel)
    if target.is_symlink():
        return f"(a symlink to {target.readlink()})"
    try:
        return read_capped(target, _MAX_EXISTING, shown=rel).decode("utf-8", "replace")
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return "(a file where a folder is expected)"
    except UnsafePathError as exc:
        return f"({exc.why})"
    except OSError as exc:
        return f"(cannot be read: {exc.strerror or exc})"


def _is_dir(root: Path, rel: str) -> bool:
    try:
        return confine(root, rel).is_dir()
    except UnsafePathError:
        return False


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())
