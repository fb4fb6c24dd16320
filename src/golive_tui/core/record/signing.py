"""Signing and verifying records with the keys git already uses for commits.

Configuration is read exactly where `git commit -S` reads it (gpg.format, user.signingkey,
gpg.ssh.program, gpg.program, gpg.ssh.allowedSignersFile), so a developer who signs commits
signs records with no extra setup. The programs themselves (gpg.program, gpg.openpgp.program,
gpg.ssh.program) come from the user's own config or PATH only, never from the repository's
`.git/config`: verifying a colleague's record must not run a program their repository names.
ssh-keygen and gpg run detached from the terminal, with stdin closed, askpass and pinentry
prompts disabled and a timeout: a locked key fails with a message instead of blocking the TUI.
"""

from __future__ import annotations

import base64
import contextlib
import enum
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from golive_tui.core.errors import SigningError
from golive_tui.core.git.config import git_config, identity, user_config
from golive_tui.core.git.runner import git_bytes, git_out

NAMESPACE = "golive-record"
TIMEOUT = 30.0
LOCAL_ALLOWED_SIGNERS = Path(".golive") / "allowed_signers"
_TRUST_LEVELS = ("undefined", "never", "marginal", "fully", "ultimate")


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


class Verdict(enum.StrEnum):
    GOOD = "good"
    BAD = "bad"
    UNKNOWN_KEY = "unknown key"
    ERROR = "error"  # could not be checked (tool missing...)


@dataclass(frozen=True, slots=True)
class Verification:
    verdict: Verdict
    principal: str  # who the key belongs to, per allowed signers / keyring ("" when unknown)
    key: str
    detail: str = ""


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
        configured = bool(key) or _gpg_has_secret_key(program)
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


# --------------------------------------------------------------------------- subprocess


def subprocess_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """No prompt can reach a person: no askpass, no X display, no tty for pinentry."""
    env = dict(os.environ if base is None else base)
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_ASKPASS", "GPG_TTY"):
        env.pop(var, None)
    env["SSH_ASKPASS_REQUIRE"] = "never"
    return env


def _run(
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


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").strip()


@contextlib.contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="golive-sign-") as tmp:
        yield Path(tmp)


def _gpg_has_secret_key(program: str) -> bool:
    try:
        proc = _run([program, "--batch", "--no-tty", "--list-secret-keys", "--with-colons"])
    except SigningError:
        return False
    return proc.returncode == 0 and b"\nsec:" in b"\n" + proc.stdout


# --------------------------------------------------------------------------- signing


def sign(message: bytes, config: SignerConfig, repo_root: Path | None = None) -> Signed:
    if not config.configured:
        raise SigningError(setup_message(config.format if config.format_set else None))
    if config.format is Format.SSH:
        return _sign_ssh(message, config, repo_root)
    return _sign_gpg(message, config)


def _ssh_key_file(key: str, tmp: Path, repo_root: Path | None) -> tuple[Path, bool]:
    """The -f argument for ssh-keygen, and whether the private key must come from the agent."""
    literal = key[len("key::") :] if key.startswith("key::") else ""
    if not literal and key.startswith(("ssh-", "ecdsa-", "sk-")):
        literal = key  # older git accepted a bare public key literal
    if literal:
        pub = tmp / "signingkey.pub"
        pub.write_text(literal.strip() + "\n")
        pub.chmod(0o600)
        return pub, True
    path = Path(key).expanduser()
    if not path.is_absolute() and repo_root is not None:
        path = repo_root / path
    if not path.is_file():
        raise SigningError(f"user.signingkey {key!r}: no such key file")
    try:
        head = path.read_bytes()[:64]
    except OSError as exc:
        raise SigningError(f"user.signingkey {key!r}: cannot read: {exc.strerror}") from None
    public = head.startswith((b"ssh-", b"ecdsa-", b"sk-"))
    private_beside = public and path.suffix == ".pub" and path.with_suffix("").is_file()
    return path, public and not private_beside


def _sign_ssh(message: bytes, config: SignerConfig, repo_root: Path | None) -> Signed:
    with _workdir() as tmp:
        keyfile, needs_agent = _ssh_key_file(config.key, tmp, repo_root)
        if needs_agent and not os.environ.get("SSH_AUTH_SOCK"):
            raise SigningError(
                f"user.signingkey {config.key!r} is a public key, so its private key must be in "
                "ssh-agent, but no agent is running (SSH_AUTH_SOCK is unset): start one with "
                "`eval $(ssh-agent)` and `ssh-add`"
            )
        msg = tmp / "record"
        msg.write_bytes(message)
        proc = _run([config.program, "-Y", "sign", "-n", NAMESPACE, "-f", str(keyfile), str(msg)])
        sig_path = tmp / "record.sig"
        if proc.returncode != 0 or not sig_path.is_file():
            raise SigningError(_ssh_sign_failure(_text(proc.stderr), config.key, keyfile))
        armored = sig_path.read_text()
    return Signed(
        format=Format.SSH, key=ssh_signature_fingerprint(armored), signature=armored.strip()
    )


def _ssh_sign_failure(err: str, key: str, keyfile: Path | None = None) -> str:
    low = err.lower()
    private = "<key>"
    if keyfile is not None:  # the private key file, when there is one to name
        plain = keyfile.with_suffix("") if keyfile.suffix == ".pub" else keyfile
        private = str(plain) if plain.is_file() else private
    if "passphrase" in low:
        return (
            f"the SSH key {key!r} is passphrase-protected and golive cannot ask for the "
            f"passphrase here: add it to ssh-agent (`ssh-add {private}`) and sign again"
        )
    if "no private key found" in low or "agent" in low or "communication with agent" in low:
        return (
            f"the private key for {key!r} is not in ssh-agent (or the agent is not reachable): "
            "run `ssh-add <private key>` and sign again"
        )
    if "unknown option" in low or "usage:" in low:
        return "this ssh-keygen cannot sign data (-Y sign needs OpenSSH 8.2 or newer)"
    return f"ssh-keygen could not sign: {err or 'no output'}"


def _sign_gpg(message: bytes, config: SignerConfig) -> Signed:
    with _workdir() as tmp:
        msg = tmp / "record"
        msg.write_bytes(message)
        out = tmp / "record.asc"
        argv = [
            config.program,
            "--batch",
            "--no-tty",
            "--pinentry-mode",
            "error",
            "--status-fd",
            "1",
        ]
        if config.key:
            argv += ["--local-user", config.key]
        argv += ["--detach-sign", "--armor", "--output", str(out), str(msg)]
        proc = _run(argv)
        status = _text(proc.stdout)
        if proc.returncode != 0 or not out.is_file():
            raise SigningError(_gpg_sign_failure(_text(proc.stderr), status, config.key))
        fingerprint = ""
        for line in status.splitlines():
            parts = line.split()
            if len(parts) >= 8 and parts[:2] == ["[GNUPG:]", "SIG_CREATED"]:
                fingerprint = parts[7]
        return Signed(format=Format.OPENPGP, key=fingerprint, signature=out.read_text().strip())


def _gpg_sign_failure(err: str, status: str, key: str) -> str:
    low = (err + "\n" + status).lower()
    who = f"key {key!r}" if key else "the default key"
    if "no pinentry" in low or "bad passphrase" in low or "inappropriate ioctl" in low:
        return (
            f"OpenPGP {who} is passphrase-protected and golive cannot ask for the passphrase "
            "here: unlock it in gpg-agent first (e.g. sign something with gpg) and sign again"
        )
    if "no secret key" in low or "inv_sgnr" in low or "unusable secret key" in low:
        return f"gpg has no usable secret key for {who}: check user.signingkey (`gpg -K`)"
    return f"gpg could not sign: {err or 'no output'}"


# --------------------------------------------------------------------------- verifying


def _read_ssh_string(data: bytes, offset: int) -> tuple[bytes, int]:
    if offset + 4 > len(data):
        raise ValueError("truncated")
    size = int.from_bytes(data[offset : offset + 4], "big")
    end = offset + 4 + size
    if end > len(data):
        raise ValueError("truncated")
    return data[offset + 4 : end], end


def ssh_signature_fingerprint(armored: str) -> str:
    """SHA256 fingerprint of the public key inside an SSHSIG (as `ssh-keygen -l` prints it)."""
    lines = [ln.strip() for ln in armored.strip().splitlines()]
    body = "".join(ln for ln in lines if ln and not ln.startswith("-----"))
    try:
        raw = base64.b64decode(body, validate=True)
        if not raw.startswith(b"SSHSIG"):
            return ""
        pubkey, _ = _read_ssh_string(raw, 10)  # magic (6) + version (4)
    except (ValueError, TypeError):
        return ""
    digest = base64.b64encode(hashlib.sha256(pubkey).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def ssh_signature_public_key(armored: str) -> str:
    """The signer's public key inside an SSHSIG, as an allowed-signers line wants it ("" if none)."""
    lines = [ln.strip() for ln in armored.strip().splitlines()]
    body = "".join(ln for ln in lines if ln and not ln.startswith("-----"))
    try:
        raw = base64.b64decode(body, validate=True)
        if not raw.startswith(b"SSHSIG"):
            return ""
        pubkey, _ = _read_ssh_string(raw, 10)
        kind, _ = _read_ssh_string(pubkey, 0)
    except (ValueError, TypeError):
        return ""
    return f"{kind.decode('ascii', 'replace')} {base64.b64encode(pubkey).decode()}"


#: Where the trusted allowed-signers file comes from when no user setting names one: the first of
#: these refs that exists (the default branch, as the remote or this clone knows it).
DEFAULT_TRUST_REFS = ("origin/HEAD", "origin/main", "origin/master", "main", "master")
#: An allowed-signers file larger than this is refused (it is a list of keys).
MAX_ALLOWED_SIGNERS = 1 << 20


@dataclass(frozen=True, slots=True)
class TrustRoot:
    """Who may sign: the allowed-signers list golive trusts, and where it came from.

    Never the working tree or the commit under test: either a file the user's (or CI's) own git
    config names, or `.golive/allowed_signers` as committed on a trusted ref (the default
    branch, or `--trust-ref`). `changed` reports a different list in the working tree, which is
    shown but never used.
    """

    source: str  # one line for people: which file, from which config or ref
    content: bytes | None  # the allowed-signers lines; None when there is none to trust
    file: str = ""  # the path: absolute (user config) or repository path (at `ref`)
    ref: str = ""  # the ref it was read at ("" for a user-config file)
    commit: str = ""  # that ref's commit
    problem: str = ""  # why nothing is trusted (with what to do)
    changed: str = ""  # the working tree's .golive/allowed_signers differs, and is not used
    program: str = ""  # ssh_program() as resolved once for every signature checked

    def to_json(self) -> dict[str, str | None]:
        return {
            "source": self.source,
            "file": self.file,
            "ref": self.ref or None,
            "commit": self.commit or None,
            "problem": self.problem or None,
            "changed": self.changed or None,
        }

    def lines(self) -> list[str]:
        """`trust: ...` and, when they apply, the problem and the changed-file warning."""
        out = [f"trust: {self.source}"]
        if self.problem:
            out.append(f"trust: {self.problem}")
        if self.changed:
            out.append(f"warning: {self.changed}")
        return out


def resolve_trust(repo_root: Path, trust_ref: str | None = None) -> TrustRoot:
    """The trust root for verifying records in `repo_root` (see `TrustRoot`).

    `gpg.ssh.allowedSignersFile` from the user's git config wins (a relative path there means
    that file in the repository, read at the trusted ref); else `.golive/allowed_signers` at
    `trust_ref`, by default the first of DEFAULT_TRUST_REFS that exists.
    """
    from dataclasses import replace

    return replace(_resolve_trust(repo_root, trust_ref), program=ssh_program(repo_root))


def _resolve_trust(repo_root: Path, trust_ref: str | None) -> TrustRoot:
    configured = user_config("gpg.ssh.allowedSignersFile", repo_root)
    rel = LOCAL_ALLOWED_SIGNERS.as_posix()
    if configured:
        path = Path(configured).expanduser()
        if path.is_absolute():
            return _trust_file(path)
        rel = path.as_posix()
    if trust_ref:
        commit = _ref_commit(repo_root, trust_ref)
        if not commit:
            from golive_tui.core.errors import RepoError

            raise RepoError(f"--trust-ref {trust_ref}: no such commit in this repository")
        ref = trust_ref
    else:
        ref, commit = _default_ref(repo_root)
    if not commit:
        return TrustRoot(
            source=f"{rel} on the default branch (none of {', '.join(DEFAULT_TRUST_REFS)} exists)",
            content=None,
            file=rel,
            problem=(
                "no trusted allowed signers: name the trusted branch with --trust-ref, or set "
                "gpg.ssh.allowedSignersFile in your global git config"
            ),
            changed=_worktree_note(repo_root, rel, None, ""),
        )
    content, why = _blob_at(repo_root, commit, rel)
    source = f"{rel} at {ref} ({commit[:12]})"
    problem = ""
    if content is None:
        problem = (
            f"no trusted allowed signers: {why}. Commit {rel} to {ref} first (who may sign is "
            "decided on the default branch, never by the change under test), or set "
            "gpg.ssh.allowedSignersFile in your global git config"
        )
    return TrustRoot(
        source=source,
        content=content,
        file=rel,
        ref=ref,
        commit=commit,
        problem=problem,
        changed=_worktree_note(repo_root, rel, content, ref),
    )


def _trust_file(path: Path) -> TrustRoot:
    source = f"{path} (gpg.ssh.allowedSignersFile, your git config)"
    try:
        if path.stat().st_size > MAX_ALLOWED_SIGNERS:
            raise OSError(f"larger than {MAX_ALLOWED_SIGNERS} bytes")
        content = path.read_bytes()
    except OSError as exc:
        why = exc.strerror or str(exc)
        return TrustRoot(source, None, str(path), problem=f"cannot read {path}: {why}")
    return TrustRoot(source, content, str(path))


def _ref_commit(repo_root: Path, ref: str) -> str:
    if ref.startswith("-"):
        return ""
    out = git_out(repo_root, "rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{commit}}")
    return (out or "").strip()


def _default_ref(repo_root: Path) -> tuple[str, str]:
    for ref in DEFAULT_TRUST_REFS:
        commit = _ref_commit(repo_root, ref)
        if commit:
            if ref == "origin/HEAD":
                target = git_out(repo_root, "symbolic-ref", "-q", "refs/remotes/origin/HEAD")
                name = (target or "").strip().removeprefix("refs/remotes/")
                ref = name or ref
            return ref, commit
    return "", ""


def _blob_at(repo_root: Path, commit: str, rel: str) -> tuple[bytes | None, str]:
    """A regular file's bytes at `commit` (capped), or None and why not."""
    listing = git_out(repo_root, "ls-tree", "-z", "--full-tree", commit, "--", rel) or ""
    meta, _, _ = listing.partition("\t")
    parts = meta.split()
    if len(parts) != 3:
        return None, f"{rel} is not on that commit"
    mode, kind, blob = parts
    if kind != "blob" or mode not in ("100644", "100755"):
        return None, f"{rel} there is not a regular file"
    size = (git_out(repo_root, "cat-file", "-s", blob) or "").strip()
    if not size.isdigit() or int(size) > MAX_ALLOWED_SIGNERS:
        return None, f"{rel} there is larger than {MAX_ALLOWED_SIGNERS} bytes"
    data = git_bytes(repo_root, "cat-file", "blob", blob)
    if data is None:
        return None, f"{rel} there cannot be read"
    return data, ""


def _worktree_note(repo_root: Path, rel: str, trusted: bytes | None, ref: str) -> str:
    """A warning when the working tree's list of signers differs from the trusted one."""
    path = repo_root / rel
    try:
        inside = path.resolve().is_relative_to(repo_root.resolve())
        if not inside or path.is_symlink() or not path.is_file():
            return ""  # never read outside the repository
        if path.stat().st_size > MAX_ALLOWED_SIGNERS:
            here: bytes | None = b"<too large>"
        else:
            here = path.read_bytes()
    except OSError:
        return ""
    if trusted is not None and here == trusted:
        return ""
    where = f"the one at {ref}" if ref else "the trusted one"
    return (
        f"{rel} in the working tree differs from {where} and is not used: keys added by a "
        "change count only once the change is on the trusted branch"
    )


def allowed_signers_file(repo_root: Path) -> Path | None:
    """Where a new signer's line belongs: the user's configured file, else the repository's."""
    configured = user_config("gpg.ssh.allowedSignersFile", repo_root)
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_absolute() else repo_root / path
    return repo_root / LOCAL_ALLOWED_SIGNERS


def verify(
    message: bytes,
    fmt: str,
    signature: str,
    repo_root: Path,
    program: str | None = None,
    *,
    trust: TrustRoot | None = None,
) -> Verification:
    """Check one signature against the trust root (resolved here when not given)."""
    try:
        if fmt == Format.SSH:
            root = trust if trust is not None else resolve_trust(repo_root)
            prog = program or root.program or ssh_program(repo_root)
            return _verify_ssh(message, signature, root, prog)
        if fmt == Format.OPENPGP:
            prog = program or openpgp_program(repo_root)
            return _verify_gpg(message, signature, repo_root, prog)
    except SigningError as exc:
        return Verification(Verdict.ERROR, "", "", str(exc))
    return Verification(Verdict.ERROR, "", "", f"unknown signature format {fmt!r}")


def _verify_ssh(message: bytes, signature: str, trust: TrustRoot, program: str) -> Verification:
    fingerprint = ssh_signature_fingerprint(signature)
    if not fingerprint:
        return Verification(Verdict.BAD, "", "", "not an SSH signature")
    with _workdir() as tmp:
        sig = tmp / "record.sig"
        sig.write_text(signature.strip() + "\n")
        if trust.content is None:
            valid = _run(
                [program, "-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig)], input=message
            )
            if valid.returncode != 0:
                return Verification(Verdict.BAD, "", fingerprint, "signature does not match")
            return Verification(
                Verdict.UNKNOWN_KEY, "", fingerprint, trust.problem or f"no {trust.source}"
            )
        allowed = tmp / "allowed_signers"
        allowed.write_bytes(trust.content)
        guess = _principal_for(trust.content, signature)
        if guess:
            argv = [program, "-Y", "verify", "-n", NAMESPACE, "-f", str(allowed)]
            proc = _run([*argv, "-I", guess, "-s", str(sig)], input=message)
            if proc.returncode == 0:
                return Verification(Verdict.GOOD, guess, fingerprint)
        found = _run([program, "-Y", "find-principals", "-s", str(sig), "-f", str(allowed)])
        principals = [p for p in _text(found.stdout).splitlines() if p.strip()]
        if found.returncode != 0 or not principals:
            valid = _run(
                [program, "-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig)], input=message
            )
            if valid.returncode != 0:
                return Verification(Verdict.BAD, "", fingerprint, "signature does not match")
            return Verification(
                Verdict.UNKNOWN_KEY, "", fingerprint, f"key not in allowed signers ({trust.source})"
            )
        principal = principals[0].strip()
        proc = _run(
            [
                program,
                "-Y",
                "verify",
                "-n",
                NAMESPACE,
                "-f",
                str(allowed),
                "-I",
                principal,
                "-s",
                str(sig),
            ],
            input=message,
        )
        if proc.returncode == 0:
            return Verification(Verdict.GOOD, principal, fingerprint)
        detail = _text(proc.stderr) or _text(proc.stdout)
        return Verification(
            Verdict.BAD, principal, fingerprint, detail or "signature does not match"
        )


def _principal_for(allowed: bytes, signature: str) -> str:
    """The principal of the one plain allowed-signers line holding the signature's key.

    Saves the `find-principals` run for the common case; "" (ask ssh-keygen) for anything
    less plain: patterns, certificate authorities, several lines with the key.
    """
    public = ssh_signature_public_key(signature).split()
    if len(public) != 2:
        return ""
    found = []
    for raw in allowed.decode("utf-8", "replace").splitlines():
        fields = raw.split()
        if not fields or fields[0].startswith("#") or public[1] not in fields:
            continue
        if "cert-authority" in raw:
            return ""
        found.append(fields[0])
    if len(found) != 1 or any(c in found[0] for c in "*?!,"):
        return ""
    return found[0]


def _min_trust(repo_root: Path) -> int:
    level = (user_config("gpg.minTrustLevel", repo_root) or "marginal").lower()
    return _TRUST_LEVELS.index(level) if level in _TRUST_LEVELS else 2


def _verify_gpg(message: bytes, signature: str, repo_root: Path, program: str) -> Verification:
    with _workdir() as tmp:
        msg = tmp / "record"
        msg.write_bytes(message)
        sig = tmp / "record.asc"
        sig.write_text(signature.strip() + "\n")
        proc = _run(
            [program, "--batch", "--no-tty", "--status-fd", "1", "--verify", str(sig), str(msg)]
        )
    good = valid = False
    principal = fingerprint = ""
    trust = -1
    problems = []
    for line in _text(proc.stdout).splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 2 or parts[0] != "[GNUPG:]":
            continue
        tag = parts[1]
        if tag == "GOODSIG":
            good = True
            principal = parts[3] if len(parts) > 3 else ""
        elif tag == "VALIDSIG":
            valid = True
            fingerprint = parts[2] if len(parts) > 2 else ""
        elif tag == "BADSIG":
            return Verification(Verdict.BAD, "", "", "signature does not match")
        elif tag == "ERRSIG":
            fields = line.split()
            keyid = fields[2] if len(fields) > 2 else ""
            return Verification(
                Verdict.UNKNOWN_KEY, "", keyid, f"no public key {keyid} in the keyring"
            )
        elif tag in ("EXPKEYSIG", "REVKEYSIG", "EXPSIG"):
            problems.append(
                {"EXPKEYSIG": "key expired", "REVKEYSIG": "key revoked"}.get(
                    tag, "signature expired"
                )
            )
        elif tag.startswith("TRUST_"):
            name = tag.removeprefix("TRUST_").lower()
            trust = _TRUST_LEVELS.index(name) if name in _TRUST_LEVELS else -1
    if problems:
        return Verification(Verdict.BAD, principal, fingerprint, ", ".join(problems))
    if not (good and valid):
        detail = _text(proc.stderr).splitlines()
        return Verification(
            Verdict.BAD, principal, fingerprint, detail[-1] if detail else "no valid signature"
        )
    if trust < _min_trust(repo_root):
        shown = _TRUST_LEVELS[trust] if trust >= 0 else "unknown"
        return Verification(
            Verdict.UNKNOWN_KEY, principal, fingerprint, f"key trust is {shown} (gpg.minTrustLevel)"
        )
    return Verification(Verdict.GOOD, principal, fingerprint)
