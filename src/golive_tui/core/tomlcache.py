"""golive's own TOML data files (the detector catalog, the Go rules), parsed once per version.

Every scan reads `catalog.toml` (35 KB) and most read `go_rules.toml`: parsing them with
tomllib cost ~6 ms of each scan, and importing tomllib ~3 ms more (it compiles its regexes at
import). The parsed data is kept as JSON in the user's cache folder (`core/usercache`), under
the digest of the file's text, so an entry can only ever describe those exact bytes; reading it
back costs ~0.3 ms. Only golive's shipped files come here, never a repository's.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive_tui.core.hashing import blake2b
from golive_tui.core.usercache import user_cache_dir

if TYPE_CHECKING:
    from golive_tui.core.tomllines import LineIndex

#: Bump when what is stored for the same text changes.
FORMAT = "1"
#: Entries kept per name (a few installed versions of golive, or a checklist being edited):
#: storing another removes the oldest beyond these, so the folder never grows without bound.
KEEP = 4
_HEX = frozenset("0123456789abcdef")


def loads(text: str, name: str) -> dict[str, Any]:
    """`tomllib.loads(text)`, from the cache when this exact text was parsed before.

    `name` names the entry (one per shipped file and text: two installed versions of golive
    do not evict each other's). A missing, unreadable or damaged entry is parsed again; a
    cache that cannot be written costs only the parse.
    """
    entry, stored = _entry(text, name)
    if isinstance(stored, dict):
        return stored
    import tomllib

    data = tomllib.loads(text)
    if entry is not None:
        _store(entry, data)
    return data


def loads_indexed(text: str, name: str) -> tuple[dict[str, Any], LineIndex]:
    """`tomllib.loads(text)` and its `LineIndex`, from the cache when this exact text was read
    before: a shipped checklist, which every command that loads the checklists (status, sign,
    gate, the walker) parsed and indexed each time (the four of them ~70 ms of ~110).

    The entry holds the data and the index's lines as JSON; one of another shape is read
    again from the text."""
    from golive_tui.core.tomllines import LineIndex

    entry, stored = _entry(text, f"{name}-indexed")
    if isinstance(stored, dict) and isinstance(stored.get("data"), dict):
        index = LineIndex.restored(stored.get("lines"), stored.get("aot"))
        if index is not None:
            return stored["data"], index
    import tomllib

    data = tomllib.loads(text)
    index = LineIndex(text)
    if entry is not None:
        _store(entry, {"data": data, **index.stored()})
    return data, index


def _entry(text: str, name: str) -> tuple[Path | None, Any]:
    """The entry of `text` named `name` (None: no cache folder), and the JSON it holds (None:
    none yet, unreadable or not JSON)."""
    folder = user_cache_dir()
    if folder is None:
        return None, None
    digest = blake2b(f"{FORMAT}\0{text}".encode(), digest_size=16).hexdigest()
    entry = folder / "toml" / f"{name}-{digest}.json"
    try:
        return entry, json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return entry, None


def _store(entry: Path, data: dict[str, Any]) -> None:
    from golive_tui.core.atomic import write_atomic

    try:
        payload = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):  # a value JSON cannot hold (a TOML date): parse each time
        return
    with contextlib.suppress(OSError):  # unwritable: the next scan parses again
        write_atomic(entry, payload, durable=False)
    _prune(entry)


def _prune(entry: Path) -> None:
    """Keep the KEEP most recently written entries of `entry`'s name (only on a store: a
    parse, which costs more than listing the folder)."""
    prefix = entry.name[: -len(".json") - 32]  # "<name>-<32 hex digits>.json"
    found: list[tuple[int, str]] = []
    with contextlib.suppress(OSError), os.scandir(entry.parent) as listed:
        for item in listed:
            digest = item.name[len(prefix) : -len(".json")]
            if (
                item.name.startswith(prefix)
                and item.name.endswith(".json")
                and len(digest) == 32
                and _HEX.issuperset(digest)
            ):
                found.append((item.stat(follow_symlinks=False).st_mtime_ns, item.path))
    for _, path in sorted(found, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            Path(path).unlink()
