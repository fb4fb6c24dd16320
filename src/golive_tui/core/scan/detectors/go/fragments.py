"""Fragments and long lines: what the parser is given, so a big file costs little.

Parsing is the scan's biggest cost, and most of a gated file is irrelevant: the rules look at
the few top-level declarations that hold a trigger. So the parser gets a *fragment*: those
declarations at their original offsets' lines, every other line left blank, behind a
`package p` header. Line numbers are therefore the file's own. A declaration boundary is only
trusted when a cheap scan proves it is one (outside comments and strings, at bracket depth 0,
after a token that ends a statement); anything else parses the whole file.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

# Declarations start at column 0 in gofmt-shaped code (the match is the newline before one);
# each candidate is checked before use. A literal first character lets `re` skip ahead fast.
_DECL_START = re.compile(r"\n(?:func|var|type|const|import)\b")
# Comments, strings and runes, or (one character / `/*`) an opener left unterminated. Loops
# unrolled. This regex reads every byte of each parsed file, so each alternative starts with
# its literal character: `re` then skips to the next slash, quote or backquote with a set
# lookup, where the leading lookahead it had was tried at every position (moby's 144 gated
# files, 1.4 MB: the regex alone 37 -> 18 ms, the same tokens; `layout` ~60 -> ~42 ms).
_TOKEN = re.compile(
    r"/(?:/[^\n]*|\*(?:[^*]*\*+(?:[^/*][^*]*\*+)*/)?)"
    r"|\"(?:[^\"\\\n]*(?:\\[^\n][^\"\\\n]*)*\")?"
    r"|`(?:[^`]*`)?"
    r"|'(?:[^'\\\n]*(?:\\[^\n][^'\\\n]*)*')?"
)
_ENDS_STATEMENT = frozenset(")]};_")  # and letters, digits, closing quotes
_FRAGMENT_HEADER = "package p"


class Layout:
    """Top-level declaration starts of a Go file, and where its comments and strings lie."""

    # A plain class, not a dataclass: `@dataclass` builds its methods with exec() at import,
    # ~0.2-1 ms a class, paid by every scan that extracts a Go file (one edited file
    # included). The six classes of the Go family: ~3 ms of its ~10 ms import.

    __slots__ = ("bracket_at", "bracket_sum", "depth_before", "starts", "tok_ends", "tok_starts")

    def __init__(
        self,
        starts: list[int],
        tok_starts: list[int],
        tok_ends: list[int],
        bracket_at: list[int],
        bracket_sum: list[int],
        depth_before: dict[int, int] | None = None,
    ) -> None:
        # offsets; segment i is [starts[i], starts[i + 1]) (the last: to the end)
        self.starts = starts
        self.tok_starts = tok_starts  # comment / string / rune tokens, sorted, never overlapping
        self.tok_ends = tok_ends
        self.bracket_at = bracket_at  # starts of tokens holding brackets...
        self.bracket_sum = bracket_sum  # ...and the running (opening - closing) count inside
        # (opening - closing) brackets in the text before each declaration start and the end,
        # counted once: `_boundary` asks at every chosen start, and counting from the file's
        # beginning each time was quadratic in a big file of small declarations.
        self.depth_before: dict[int, int] = {} if depth_before is None else depth_before

    def token_at(self, pos: int) -> int:
        """Index of the token covering offset `pos`, or -1."""
        i = bisect_right(self.tok_starts, pos) - 1
        return i if i >= 0 and self.tok_ends[i] > pos else -1


def layout(text: str) -> Layout | None:
    """Scan comments, strings and runes once; None when one is left unterminated."""
    tok_starts: list[int] = []
    tok_ends: list[int] = []
    bracket_at: list[int] = []
    bracket_sum: list[int] = []
    inside = 0
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if len(tok) == 1 or tok == "/*":
            return None
        start, end = m.span()
        tok_starts.append(start)
        tok_ends.append(end)
        if "(" in tok or ")" in tok or "{" in tok or "}" in tok:
            inside += tok.count("(") + tok.count("{") - tok.count(")") - tok.count("}")
            bracket_at.append(start)
            bracket_sum.append(inside)
    found = Layout([], tok_starts, tok_ends, bracket_at, bracket_sum)
    for m in _DECL_START.finditer(text):
        start = m.start() + 1
        if found.token_at(start) < 0:
            found.starts.append(start)
    depth = done = 0
    for pos in (*found.starts, len(text)):
        depth += (
            text.count("(", done, pos)
            + text.count("{", done, pos)
            - text.count(")", done, pos)
            - text.count("}", done, pos)
        )
        found.depth_before[pos] = depth
        done = pos
    return found


def _boundary(text: str, lay: Layout, pos: int) -> bool:
    """Whether a top-level declaration can end at `pos`: bracket depth 0 there, and the code
    before it (comments skipped) ends with a token after which Go ends a statement."""
    depth = lay.depth_before.get(pos)
    if depth is None:
        depth = (
            text.count("(", 0, pos)
            + text.count("{", 0, pos)
            - text.count(")", 0, pos)
            - text.count("}", 0, pos)
        )
    i = bisect_left(lay.bracket_at, pos) - 1
    if i >= 0:
        depth -= lay.bracket_sum[i]
    if depth != 0:
        return False
    p = pos - 1
    while p >= 0:
        ch = text[p]
        if ch in " \t\r\n":
            p -= 1
            continue
        t = lay.token_at(p)
        if t < 0:
            return ch in _ENDS_STATEMENT or ch.isalnum()
        if text[lay.tok_starts[t]] != "/":
            return True  # a string or rune literal
        p = lay.tok_starts[t] - 1  # a comment: look before it
    return False


def fragment(text: str, lay: Layout, hits: Iterable[int]) -> str | None:
    """Source holding only the declarations that contain a hit, on their own lines; "" when no
    hit lies in code that could matter, None when the whole file must be parsed."""
    starts = lay.starts
    chosen: set[int] = set()
    for pos in hits:
        t = lay.token_at(pos)
        if t >= 0 and text[lay.tok_starts[t]] == "/":
            continue  # inside a comment: nothing there is syntax
        i = bisect_right(starts, pos) - 1
        if i < 0:
            return None  # before the first declaration (or none found): not gofmt-shaped
        chosen.add(i)
    if not chosen:
        return ""
    parts = [_FRAGMENT_HEADER]
    done = 0
    previous = -2
    for i in sorted(chosen):
        a = starts[i]
        b = starts[i + 1] if i + 1 < len(starts) else len(text)
        if i != previous + 1:  # a run of declarations starts here: it must be a real boundary
            if a == 0 or not _boundary(text, lay, a):
                return None
            parts.append("\n" * text.count("\n", done, a))
        parts.append(text[a:b])
        if i + 1 not in chosen and not _boundary(text, lay, b):
            return None
        done, previous = b, i
    return "".join(parts)


# --------------------------------------------------------------------------- long lines
#
# ast-grep computes a node's column by counting from the start of its line, so every
# `node.range()` on a 1 MB single-line file costs a millisecond and a file with thousands of
# findings took half a minute. Such a file is parsed with line breaks inserted where Go allows
# one without changing the program (after `;` `,` `(` `[` `{`, outside comments, strings and
# runes), at most every _WRAP_CHUNK characters; `_File.line` maps rows back to the file's own
# lines, so evidence still names the real line.

#: Lines longer than this are wrapped before parsing.
LONG_LINE = 4096
_WRAP_CHUNK = 256
_LONG = re.compile(rf"[^\n]{{{LONG_LINE + 1},}}")
_BREAK = re.compile(r"[;,(\[{]")


# A long line after a newline: the search skips to each "\n" by its literal prefix and reads
# each line once, where `_LONG.search` restarted at every character of every line (moby's Go
# files: 90 -> ~6 us a file; it runs on every parsed file).
_LONG_AFTER_NEWLINE = re.compile(rf"\n[^\n]{{{LONG_LINE + 1}}}")


def has_long_line(text: str) -> bool:
    """Whether a line has more than LONG_LINE characters (`_LONG` would find one)."""
    if len(text) <= LONG_LINE:
        return False
    first = text.find("\n", 0, LONG_LINE + 1)
    return first < 0 or _LONG_AFTER_NEWLINE.search(text, first) is not None


def wrap_long_lines(text: str, lay: Layout) -> tuple[str, list[int]]:
    """The text with breaks inserted in over-long lines, and the (sorted) rows of the result
    that end in an inserted break. Linear: each search starts past the previous break."""
    parts: list[str] = []
    added: list[int] = []
    done = 0  # text[:done] is in parts
    row = 0  # the file's row at `counted`
    counted = 0
    for long in _LONG.finditer(text):
        start, end = long.span()
        row += text.count("\n", counted, start)
        counted = start
        pos = last = start
        while True:
            m = _BREAK.search(text, max(pos, last + _WRAP_CHUNK), end)
            if m is None:
                break
            at = m.start()
            token = lay.token_at(at)
            if token >= 0:  # inside a comment, string or rune: continue after it
                pos = lay.tok_ends[token]
                continue
            parts.append(text[done : at + 1])
            parts.append("\n")
            added.append(row + len(added))
            done = pos = last = at + 1
    parts.append(text[done:])
    return "".join(parts), added
