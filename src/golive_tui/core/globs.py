"""Checklist globs as regular expressions: `applies_when` files and imports, `watch` paths.

One syntax for all three (docs/checklist-format.md, "Globs"): paths are repository-relative
with `/` separators and a glob matches the whole path: `**/` any number of directories (or
none), `**` anything, `*` and `?` within one directory, `[abc]` / `[a-z]` / `[!abc]` one
character; a `[` with no closing `]` is itself. The scan's include/exclude globs
(`.golive/config.toml`) use the same compiler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache


@lru_cache(maxsize=1024)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled to match a whole path."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and (end := pattern.find("]", i + 2)) >= 0:
            body = pattern[i + 1 : end]
            body = body.replace("\\", "\\\\")  # a backslash in a class is itself
            if body.startswith("!"):
                body = "^/" + body[1:]  # like `?`, never the directory separator
            out.append(f"[{body}]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def matching(paths: Iterable[str], globs: Sequence[str]) -> list[str]:
    """The paths any of `globs` matches, sorted."""
    regexes = [glob_regex(g) for g in globs]
    return sorted(p for p in paths if any(rx.match(p) for rx in regexes))
