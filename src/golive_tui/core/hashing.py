"""Hashes without OpenSSL: the one place the scan takes BLAKE2b, SHA-1 and SHA-256 from.

`hashlib` loads OpenSSL (~3-6 ms at start-up) even when only these are wanted; CPython builds
them in (`_blake2`, `_sha1`, `_sha256`), with the same digests, so the scan's memo keys, MACs,
fingerprints and git blob ids take them from there (and MACs are compared in constant time
without importing hmac).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the same functions, typed as hashlib's and hmac's
    from hashlib import blake2b, sha1, sha256
    from hmac import compare_digest
else:
    try:  # built into CPython; hashlib and hmac would load OpenSSL too
        from _blake2 import blake2b
        from _operator import _compare_digest as compare_digest
        from _sha1 import sha1
        from _sha256 import sha256
    except ImportError:  # pragma: no cover - another Python
        from hashlib import blake2b, sha1, sha256
        from hmac import compare_digest

__all__ = ["blake2b", "compare_digest", "sha1", "sha256"]
