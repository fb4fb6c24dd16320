"""Making a signature with the user's key: ssh-keygen -Y sign or gpg --detach-sign, with messages
that say how to fix a locked or missing key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from golive_tui.core.errors import SigningError
from golive_tui.core.record.signing.programs import (
    NAMESPACE,
    Format,
    Signed,
    SignerConfig,
    decoded,
    run_program,
    setup_message,
    workdir,
)


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
    with workdir() as tmp:
        keyfile, needs_agent = _ssh_key_file(config.key, tmp, repo_root)
        if needs_agent and not os.environ.get("SSH_AUTH_SOCK"):
            raise SigningError(
                f"user.signingkey {config.key!r} is a public key, so its private key must be in "
                "ssh-agent, but no agent is running (SSH_AUTH_SOCK is unset): start one with "
                "`eval $(ssh-agent)` and `ssh-add`"
            )
        msg = tmp / "record"
        msg.write_bytes(message)
        proc = run_program(
            [config.program, "-Y", "sign", "-n", NAMESPACE, "-f", str(keyfile), str(msg)]
        )
        sig_path = tmp / "record.sig"
        if proc.returncode != 0 or not sig_path.is_file():
            raise SigningError(_ssh_sign_failure(decoded(proc.stderr), config.key, keyfile))
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
    with workdir() as tmp:
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
        proc = run_program(argv)
        status = decoded(proc.stdout)
        if proc.returncode != 0 or not out.is_file():
            raise SigningError(_gpg_sign_failure(decoded(proc.stderr), status, config.key))
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
