"""Checklist globs: `applies_when` files and imports, `watch` paths, the scan's include/exclude.

One syntax for all (docs/checklist-format.md, "Globs"): paths are repository-relative with `/`
separators and a glob matches the whole path: `**/` any number of directories (or none), `**`
anything, `*` and `?` within one directory, `[abc]` / `[a-z]` / `[!abc]` one character; a `[`
with no closing `]` is itself. A range written backwards (`[z-a]`) is a GlobError.

Matching is linear in the path for any pattern, because globs come from repositories:
consecutive `**/` (and `**` next to any star) are collapsed first, a glob of the common shapes
(at most one `*` per directory, at most one `**/` starting a directory plus a trailing `**`)
becomes a regular expression whose backtracking is provably bounded, and anything else is
matched by a small NFA simulation (every state advanced together, no backtracking), so
`**/a/**/a/**/a/**/x` or `*a*a*a*b` cost O(path x pattern) instead of exponential time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import cast

# Token kinds: a fixed-width token consumes exactly one character.
_LIT, _ANY, _CLS, _STAR, _DSTAR, _DS = range(6)
_Class = tuple[bool, tuple[tuple[str, str], ...]]  # (negated, ranges)
_Token = tuple[int, object]  # (kind, argument): the character, or a _Class
_VARIABLE = (_STAR, _DSTAR, _DS)


class GlobError(ValueError):
    """A glob that cannot mean anything (a backwards range); callers add the file and key."""


class Glob:
    """A compiled glob: `match(path)` is True when the glob matches the whole path."""

    __slots__ = ("_regex", "_tokens", "glob", "regex", "steps")

    def __init__(self, glob: str, tokens: list[_Token], regex: str | None) -> None:
        self.glob = glob
        self._tokens = tokens
        #: A regular expression with bounded backtracking, or None (the NFA matches).
        self.regex = regex
        # Compiled by the first match: checking a glob (`check`, every `watch` glob of every
        # checklist loaded) needs none, and GlobSet matches through one alternation of them
        # all. What it buys: `golive status` compiled 112 such patterns, ~10 ms.
        self._regex: re.Pattern[str] | None = None
        #: Work of the last NFA match (states advanced), for tests of bounded work.
        self.steps = 0

    @property
    def pattern(self) -> str:
        return self.glob

    def match(self, path: str) -> bool:
        if self.regex is not None:
            compiled = self._regex
            if compiled is None:
                compiled = self._regex = re.compile(self.regex + r"\Z")
            return compiled.match(path) is not None
        matched, self.steps = _nfa_match(self._tokens, path)
        return matched

    fullmatch = match


class GlobSet:
    """Several globs matched together: one regex alternation for the simple ones.

    The scan's scope asks about every path several times (plan, target exclusion, services'
    outside count: ~80k questions on an 8x moby monorepo), so the common shapes are answered
    by the part of the path they depend on. `X/**` (`**/vendor/**`) depends only on the
    directory: X must match a prefix ending at a `/`, and the last `/` ends the directory.
    Its answer is remembered for the last directory asked (git lists a directory's files
    together), one tuple, no table. `**/B` with no `/`, `[` or `**` in B (`**/*_test.go`,
    `**/*.go`) depends only on the file name, a shorter string to match. Anything else is
    matched on the whole path, as before. The default scope's four passes over moby's 3,313
    paths: 15.6 -> 9.3 ms CPU; over 8x moby's 26,504: 132 -> 81 ms (no generator either
    when no glob needs the NFA).
    """

    __slots__ = ("_base", "_dirs", "_last", "_others", "_regex", "_rest", "pattern")

    def __init__(self, globs: Sequence[str]) -> None:
        dirs: list[Glob] = []
        bases: list[Glob] = []
        rest: list[Glob] = []
        for g in globs:
            whole = glob_regex(g)
            tail = g[3:]
            if whole.regex is not None and len(g) > 3 and g.endswith("/**") and g[-4] not in "*/":
                dirs.append(whole)
            elif (
                g.startswith("**/")
                and tail
                and "**" not in tail
                and not any(c in tail for c in "/[")
            ):
                base = glob_regex(tail)
                (bases if base.regex is not None else rest).append(base if base.regex else whole)
            else:
                rest.append(whole)
        self._dirs = _alternation(dirs)
        self._base = _alternation(bases)
        self._regex = _alternation(rest)
        self._rest = rest
        self._others = [c for c in rest if c.regex is None]
        self._last: tuple[str, bool] | None = None  # (directory, whether a `X/**` matches)
        #: Identifies the set (the scan's plan cache fingerprints it).
        self.pattern = "\0".join(globs)

    def match(self, path: str) -> bool:
        directory, _, name = path.rpartition("/")
        if self._base is not None and self._base.match(name) is not None:
            return True
        if self._dirs is not None:
            last = self._last  # one read and one write: safe when threads share the set
            if last is not None and last[0] == directory:
                hit = last[1]
            else:
                hit = self._dirs.match(path) is not None
                self._last = (directory, hit)
            if hit:
                return True
        if self._regex is not None and self._regex.match(path) is not None:
            return True
        return bool(self._others) and any(g.match(path) for g in self._others)

    def any_in(self, paths: SplitPaths) -> bool:
        """`any(self.match(p) for p in paths.paths)`, with far fewer questions: the parts of
        `match` that depend only on the file name or only on the directory (see the class)
        are asked of each distinct name and directory once, and any other glob whose last
        segment is a plain name glob (`**/templates/*.yaml`) only of the paths whose name that
        segment matches. An item's `applies_when` files are judged against every path of the
        repository, and most conditions match none: 8x moby's 26k paths, the six conditions
        of the shipped checklists 650-800 -> ~40 ms (`SplitPaths` included); the walker's
        first assessment there, which judges only the items without evidence, ~57-88 -> ~37-49
        ms (moby: ~18 -> ~16 ms)."""
        if self._base is not None:
            base = self._base.match
            if any(base(name) is not None for name in paths.names):
                return True
        if self._dirs is not None:
            dirs = self._dirs.match
            if any(dirs(path) is not None for path in paths.by_dir.values()):
                return True
        return any(_rest_in(glob, paths) for glob in self._rest)


def _rest_in(glob: Glob, paths: SplitPaths) -> bool:
    """Whether `glob` matches one of `paths`. When its last `/` is a literal one (not that of a
    `**/`) and no `**` follows it, what follows matches exactly a path's file name (`*` and
    `?` never match a `/`), so each distinct name is tried first, and the whole path only
    when its name fits."""
    head, slash, tail = glob.glob.rpartition("/")
    if not slash or not tail or "**" in tail or head.endswith("**") or "[" in glob.glob:
        return any(glob.match(path) for path in paths.paths)
    name = glob_regex(tail)
    fits: dict[str, bool] = {}  # each distinct name asked once, in the paths' order
    for path, n in zip(paths.paths, paths.name_of, strict=True):
        fit = fits.get(n)
        if fit is None:
            fit = fits[n] = name.match(n)
        if fit and glob.match(path):
            return True
    return False


class SplitPaths:
    """Paths split once for `GlobSet.any_in`: the distinct file names, and one path of each
    directory (an `X/**` glob's answer depends only on the directory)."""

    __slots__ = ("by_dir", "name_of", "names", "paths")

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = paths
        parts = [p.rpartition("/") for p in paths]
        self.name_of = [name for _, _, name in parts]  # each path's file name, in order
        self.names = set(self.name_of)
        self.by_dir = {parent: path for path, (parent, _, _) in zip(paths, parts, strict=True)}


def _alternation(compiled: Sequence[Glob]) -> re.Pattern[str] | None:
    """One regex for the globs that have one (each matching a whole string)."""
    simple = [c.regex for c in compiled if c.regex is not None]
    return re.compile("|".join(f"(?:{r}\\Z)" for r in simple)) if simple else None


def check(pattern: str) -> str | None:
    """Why `pattern` is not a usable glob, or None when it is."""
    try:
        glob_regex(pattern)
    except GlobError as exc:
        return str(exc)
    return None


@lru_cache(maxsize=1024)
def glob_regex(pattern: str) -> Glob:
    """`pattern` compiled to match a whole path. Raises GlobError."""
    tokens = _tokenize(pattern)
    return Glob(pattern, tokens, _regex(tokens) if _simple(tokens) else None)


def matching(paths: Iterable[str], globs: Sequence[str]) -> list[str]:
    """The paths any of `globs` matches, sorted."""
    matcher = GlobSet(globs)
    return sorted(p for p in paths if matcher.match(p))


# --------------------------------------------------------------------------- compiling


def _tokenize(pattern: str) -> list[_Token]:
    out: list[_Token] = []

    def add(kind: int, arg: object = None) -> None:
        # `**` swallows any star next to it, and `**/**/` is `**/`: same language, and the
        # matchers never see a run of wildcards that could split the same text many ways.
        last = out[-1][0] if out else None
        if kind == _DSTAR:
            while out and out[-1][0] in _VARIABLE:
                out.pop()
        elif (kind in (_STAR, _DS) and last == _DSTAR) or (kind == _DS and last == _DS):
            return
        out.append((kind, arg))

    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            add(_DS)
            i += 3
        elif pattern.startswith("**", i):
            add(_DSTAR)
            i += 2
        elif pattern[i] == "*":
            add(_STAR)
            i += 1
        elif pattern[i] == "?":
            add(_ANY)
            i += 1
        elif pattern[i] == "[" and (end := pattern.find("]", i + 2)) >= 0:
            add(_CLS, _class(pattern, pattern[i + 1 : end]))
            i = end + 1
        else:
            add(_LIT, pattern[i])
            i += 1
    return out


def _class(pattern: str, body: str) -> _Class:
    negated = body[:1] in ("!", "^")
    items = body[1:] if negated else body
    ranges: list[tuple[str, str]] = []
    j = 0
    while j < len(items):
        if j + 2 < len(items) and items[j + 1] == "-":
            lo, hi = items[j], items[j + 2]
            if lo > hi:
                raise GlobError(
                    f"glob {pattern!r}: range {lo}-{hi} in [{body}] is backwards "
                    f"(write [{hi}-{lo}])"
                )
            ranges.append((lo, hi))
            j += 3
        else:
            ranges.append((items[j], items[j]))
            j += 1
    return negated, tuple(ranges)


def _simple(tokens: list[_Token]) -> bool:
    """Whether the regex form backtracks boundedly: at most one `*` per directory, and besides
    a trailing `**`, at most one `**/`, which starts a directory (all one `.*` can try is each
    `/`, and from there the rest of the glob matches in one forward pass)."""
    body = tokens[:-1] if tokens and tokens[-1][0] == _DSTAR else tokens
    stars = 0
    cross = 0
    for n, (kind, arg) in enumerate(body):
        if kind == _LIT and arg == "/":
            stars = 0
        elif kind == _STAR:
            stars += 1
            if stars > 1:
                return False
        elif kind == _DSTAR:
            return False
        elif kind == _DS:
            cross += 1
            if cross > 1 or (n > 0 and body[n - 1] != (_LIT, "/")):
                return False
            stars = 0
    return True


def _regex(tokens: list[_Token]) -> str:
    out = []
    for kind, arg in tokens:
        # `**` matches any character, a newline too (git allows one in a file name), as
        # the NFA's `**` does: `.` alone would not, and an `X/**` answer would then depend
        # on the file name, which GlobSet's per-directory answers rule out.
        if kind == _DS:
            out.append("(?s:.*/)?")
        elif kind == _DSTAR:
            out.append("(?s:.*)")
        elif kind == _STAR:
            out.append("[^/]*")
        elif kind == _ANY:
            out.append("[^/]")
        elif kind == _CLS:
            negated, ranges = cast(_Class, arg)
            body = "".join(
                re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}"
                for lo, hi in ranges
            )
            out.append(f"[^/{body}]" if negated else f"[{body}]")
        else:
            out.append(re.escape(str(arg)))
    return "".join(out)


# --------------------------------------------------------------------------- the NFA


def _accepts(token: _Token, ch: str) -> bool:
    kind, arg = token
    if kind == _LIT:
        return ch == arg
    if kind == _ANY:
        return ch != "/"
    negated, ranges = cast(_Class, arg)
    inside = any(lo <= ch <= hi for lo, hi in ranges)
    return (not inside and ch != "/") if negated else inside


def _nfa_match(tokens: list[_Token], path: str) -> tuple[bool, int]:
    """Thompson simulation. State 2*i: before token i; 2*i+1: inside the `.*` of a `**/` at
    token i (it must still end with a `/`). O(len(path) * len(tokens)); also returns the
    number of states advanced."""
    end = len(tokens)

    def closure(states: set[int]) -> set[int]:
        todo = list(states)
        while todo:
            state = todo.pop()
            i = state >> 1
            if not state & 1 and i < end and tokens[i][0] in _VARIABLE:  # may match nothing
                nxt = (i + 1) << 1
                if nxt not in states:
                    states.add(nxt)
                    todo.append(nxt)
        return states

    current = closure({0})
    steps = 0
    for ch in path:
        steps += len(current)
        following: set[int] = set()
        for state in current:
            i = state >> 1
            if i == end:
                continue
            kind = tokens[i][0]
            if kind == _DS:
                following.add(state | 1)
                if ch == "/":
                    following.add((i + 1) << 1)
            elif kind == _DSTAR or (kind == _STAR and ch != "/"):
                following.add(state)
            elif kind in (_LIT, _ANY, _CLS) and _accepts(tokens[i], ch):
                following.add((i + 1) << 1)
        if not following:
            return False, steps
        current = closure(following)
    return (end << 1) in current, steps
