"""TOML from a repository, read without unbounded recursion or time.

tomllib recurses once per level of `[[[...]]]` or `{a = {b = ...}}` (2000 levels: RecursionError,
a traceback) and handles a dotted key of many thousand parts in quadratic time (50,000 parts:
two minutes); whatever parsed would then be walked recursively by golive itself. So every TOML
file golive reads from a repository (config, checklists, detectors, drafts, records,
`.golangci.toml`) is first checked in one linear pass: more than MAX_NESTING levels of brackets,
or a dotted key of more than MAX_NESTING parts, is refused as invalid TOML with the line and
column, through the parser's own error type, so each caller's message names the file as usual.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

#: Deepest nesting accepted (tomlkit's own limit): real files nest a handful of levels.
MAX_NESTING = 100

# Strings and comments (skipped whole, so their brackets and dots do not count), else one
# structural character. Every alternative starts with a distinct character: no backtracking.
_SCAN = re.compile(
    r"(?=[\"'#\[\]{}.=,\n])"  # a literal first character: `re` skips ahead fast
    r'(?:"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""(?:"{1,2})?'
    r"|'''[^']*(?:'(?!'')[^']*)*'''(?:'{1,2})?"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[\]{}.=,\n])"
)


def nesting_problem(text: str) -> tuple[int, int, str] | None:
    """(line, column, message) where `text` nests deeper than MAX_NESTING, else None."""
    if text.count("[") + text.count("{") <= MAX_NESTING and text.count(".") <= MAX_NESTING:
        return None  # cannot nest that deep: the common file skips the scan
    depth = 0
    dots = 0
    for m in _SCAN.finditer(text):
        c = m.group()[0]
        if c in "[{":
            depth += 1
            dots = 0
            if depth > MAX_NESTING:
                return _at(text, m.start(), f"nested more than {MAX_NESTING} levels deep")
        elif c in "]}":
            depth = max(0, depth - 1)
            dots = 0
        elif c == ".":
            dots += 1
            if dots >= MAX_NESTING:
                return _at(text, m.start(), f"a dotted key of more than {MAX_NESTING} parts")
        elif c in "=,\n":
            dots = 0
    return None


def _at(text: str, pos: int, message: str) -> tuple[int, int, str]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1, message


def loads(text: str) -> dict[str, Any]:
    """tomllib.loads, refusing deep nesting with a tomllib.TOMLDecodeError."""
    problem = nesting_problem(text)
    if problem is not None:
        line, column, message = problem
        raise tomllib.TOMLDecodeError(f"{message} (at line {line}, column {column})")
    try:
        return tomllib.loads(text)
    except RecursionError:  # a deep stack already: still a clean refusal
        raise tomllib.TOMLDecodeError("nested too deeply (at line 1, column 1)") from None


def parse(text: str) -> Any:
    """tomlkit.parse (a document that keeps comments and layout), refusing deep nesting with a
    tomlkit ParseError."""
    import tomlkit
    from tomlkit.exceptions import ParseError

    problem = nesting_problem(text)
    if problem is not None:
        line, column, message = problem
        raise ParseError(line, column, message)
    try:
        return tomlkit.parse(text)
    except RecursionError:
        raise ParseError(1, 1, "nested too deeply") from None
