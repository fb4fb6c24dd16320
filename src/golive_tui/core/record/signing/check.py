"""Verifying a record's signature: ssh-keygen -Y verify against the trust root, or gpg with the
user's minimum trust level; the principal is the allowed-signers entry that matched.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from golive_tui.core.errors import SigningError
from golive_tui.core.git.config import user_config
from golive_tui.core.record.signing.programs import (
    NAMESPACE,
    Format,
    decoded,
    openpgp_program,
    run_program,
    ssh_program,
    workdir,
)
from golive_tui.core.record.signing.sign import ssh_signature_fingerprint, ssh_signature_public_key
from golive_tui.core.record.signing.trust import TrustRoot, resolve_trust

_TRUST_LEVELS = ("undefined", "never", "marginal", "fully", "ultimate")


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
    with workdir() as tmp:
        sig = tmp / "record.sig"
        sig.write_text(signature.strip() + "\n")
        if trust.content is None:
            valid = run_program(
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
            proc = run_program([*argv, "-I", guess, "-s", str(sig)], input=message)
            if proc.returncode == 0:
                return Verification(Verdict.GOOD, guess, fingerprint)
        found = run_program([program, "-Y", "find-principals", "-s", str(sig), "-f", str(allowed)])
        principals = [p for p in decoded(found.stdout).splitlines() if p.strip()]
        if found.returncode != 0 or not principals:
            valid = run_program(
                [program, "-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig)], input=message
            )
            if valid.returncode != 0:
                return Verification(Verdict.BAD, "", fingerprint, "signature does not match")
            return Verification(
                Verdict.UNKNOWN_KEY, "", fingerprint, f"key not in allowed signers ({trust.source})"
            )
        principal = principals[0].strip()
        proc = run_program(
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
        detail = decoded(proc.stderr) or decoded(proc.stdout)
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
    with workdir() as tmp:
        msg = tmp / "record"
        msg.write_bytes(message)
        sig = tmp / "record.asc"
        sig.write_text(signature.strip() + "\n")
        proc = run_program(
            [program, "--batch", "--no-tty", "--status-fd", "1", "--verify", str(sig), str(msg)]
        )
    good = valid = False
    principal = fingerprint = ""
    trust = -1
    problems = []
    for line in decoded(proc.stdout).splitlines():
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
        detail = decoded(proc.stderr).splitlines()
        return Verification(
            Verdict.BAD, principal, fingerprint, detail[-1] if detail else "no valid signature"
        )
    if trust < _min_trust(repo_root):
        shown = _TRUST_LEVELS[trust] if trust >= 0 else "unknown"
        return Verification(
            Verdict.UNKNOWN_KEY, principal, fingerprint, f"key trust is {shown} (gpg.minTrustLevel)"
        )
    return Verification(Verdict.GOOD, principal, fingerprint)
