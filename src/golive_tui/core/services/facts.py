"""What the scope needs of one Go file: its header facts, kept apart from the package index so
that an edit scan checking whether a changed file's header moved does not import the index
(packages.py: its dataclasses and patterns, ~5 ms)."""

from __future__ import annotations

import re

from golive_tui.core.scan import buildtags
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.detectors.go.imports import build_ignored, import_paths

#: Cache key of the per-file facts (bump the version when what is stored changes).
CACHE_KEY = ScanCache.key("services.gofile", "3")

_PACKAGE = re.compile(r"(?m)^package[ \t]+([A-Za-z_]\w*)")


def file_facts(text: str) -> dict[str, object]:
    """What the closure needs of one Go file (stored in the cache as FileScan meta)."""
    paths = import_paths(text)
    if paths is None:
        return {}
    m = _PACKAGE.search(text)
    # A constraint line holds the word "build", and both readers look no further than the
    # first HEAD_BYTES characters' header: most files lack it there, and skip the reading
    # (encode, decode, split 8 KB; moby's 1,406 files ~20 -> ~2 ms).
    build = text.find("build", 0, buildtags.HEAD_BYTES) >= 0
    return {
        "package": m.group(1) if m else "",
        "imports": sorted(set(paths)),
        "ignored": build_ignored(text) if build or len(text) > buildtags.HEAD_BYTES else False,
        "constraint": buildtags.constraint(text[: buildtags.HEAD_BYTES].encode("utf-8"))
        if build
        else None,
    }
