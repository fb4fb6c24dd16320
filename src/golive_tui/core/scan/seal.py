"""Files golive keeps in a repository's `.git/golive/` for itself, sealed with the user's key.

The scan memo, the report memo, the finalize memo and the scan cache live in a directory a
repository (or a copied `.git/`) can arrive with. Each is authenticated with a keyed BLAKE2b MAC
under a key kept in the user's own cache directory (`$XDG_CACHE_HOME/golive/memo.key`, 0600),
so what a repository plants is never unmarshalled: a file that does not verify is a miss.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from golive_tui.core.hashing import blake2b, compare_digest
from golive_tui.core.usercache import user_cache_dir

#: Bytes of a MAC, and of the key.
MAC_BYTES = 32
_KEY_FILE = "memo.key"

#: The key read (or made) per cache directory, so one scan reads its file once, not once for
#: each of the memo, the finalize memo and the scan cache.
_keys: dict[Path, bytes] = {}


def mac(secret: bytes, body: bytes) -> bytes:
    """The keyed BLAKE2b MAC of `body` (over a whole file: moby's ~1 MB of cache shards
    ~1 ms, 8x moby's ~3 MB ~3 ms)."""
    return blake2b(body, key=secret, digest_size=MAC_BYTES).digest()


def user_key() -> bytes | None:
    """This user's key (created on first use); None when there is nowhere to keep it."""
    folder = user_cache_dir()
    if folder is None:
        return None
    known = _keys.get(folder)
    if known is not None:
        return known
    path = folder / _KEY_FILE
    from golive_tui.core.confine import UnsafePathError, read_capped

    try:
        secret = read_capped(path, 64)
        if len(secret) == MAC_BYTES:
            _keys[folder] = secret
            return secret
    except FileNotFoundError:
        pass
    except (OSError, ValueError, UnsafePathError):
        return None
    from golive_tui.core.atomic import write_atomic

    secret = os.urandom(MAC_BYTES)
    try:
        write_atomic(path, secret, mode=0o600)
    except OSError:
        return None
    _keys[folder] = secret
    return secret


def sealed(secret: bytes, body: bytes) -> bytes:
    """`body` with its MAC before it, as a sealed file holds it."""
    return mac(secret, body) + body


def unsealed(secret: bytes, raw: bytes) -> bytes | None:
    """The body of `raw` when its MAC is this key's; None for anything else."""
    tag, body = raw[:MAC_BYTES], raw[MAC_BYTES:]
    if len(tag) != MAC_BYTES or not compare_digest(tag, mac(secret, body)):
        return None
    return body


def read_sealed(path: Path, secret: bytes, limit: int) -> Any:
    """The marshalled data of a file whose MAC this user's key makes; None otherwise
    (missing, a link, over `limit` bytes, another key's, malformed): never parsed unless
    authentic."""
    from golive_tui.core.confine import UnsafePathError, read_capped

    try:
        raw = read_capped(path, limit)
    except (OSError, ValueError, UnsafePathError):
        return None
    body = unsealed(secret, raw)
    if body is None:
        return None
    import marshal

    try:
        return marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
