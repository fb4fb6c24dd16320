"""Signing and verifying records with the keys git already uses for commits.

Configuration is read exactly where `git commit -S` reads it (gpg.format, user.signingkey,
gpg.ssh.program, gpg.program, gpg.ssh.allowedSignersFile), so a developer who signs commits
signs records with no extra setup. The programs themselves (gpg.program, gpg.openpgp.program,
gpg.ssh.program) come from the user's own config or PATH only, never from the repository's
`.git/config`: verifying a colleague's record must not run a program their repository names.
ssh-keygen and gpg run detached from the terminal, with stdin closed, askpass and pinentry
prompts disabled and a timeout: a locked key fails with a message instead of blocking the TUI.

programs.py: which programs and keys (git config) and how they run; sign.py: making a
signature; trust.py: whose keys are trusted (the trust root); check.py: verifying a signature.
"""

from golive_tui.core.record.signing.check import Verdict, Verification, verify
from golive_tui.core.record.signing.programs import (
    NAMESPACE,
    TIMEOUT,
    Format,
    Signed,
    SignerConfig,
    openpgp_program,
    program_overrides,
    setup_message,
    signer_config,
    ssh_program,
    subprocess_env,
)
from golive_tui.core.record.signing.sign import (
    sign,
    ssh_signature_fingerprint,
    ssh_signature_public_key,
)
from golive_tui.core.record.signing.trust import (
    DEFAULT_TRUST_REFS,
    LOCAL_ALLOWED_SIGNERS,
    MAX_ALLOWED_SIGNERS,
    TrustRoot,
    allowed_signers_file,
    resolve_trust,
)

__all__ = [
    "DEFAULT_TRUST_REFS",
    "LOCAL_ALLOWED_SIGNERS",
    "MAX_ALLOWED_SIGNERS",
    "NAMESPACE",
    "TIMEOUT",
    "Format",
    "Signed",
    "SignerConfig",
    "TrustRoot",
    "Verdict",
    "Verification",
    "allowed_signers_file",
    "openpgp_program",
    "program_overrides",
    "resolve_trust",
    "setup_message",
    "sign",
    "signer_config",
    "ssh_program",
    "ssh_signature_fingerprint",
    "ssh_signature_public_key",
    "subprocess_env",
    "verify",
]
