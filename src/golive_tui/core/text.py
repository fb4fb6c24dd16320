"""Repository text made safe to show: no terminal control characters, no Markdown or HTML markup.

Checklist titles, notes, file paths, snippets and error messages quoting them come from the
repository, which may be hostile. Written raw to a terminal, an escape sequence in them can
write the user's clipboard (OSC 52), retitle the window, clear the screen or hide text; in a
Markdown job summary, `<img>` or `[link](...)` injects content. Every output edge passes such
text through `printable` (terminal) or `markdown_text` (Markdown) first.
"""

from __future__ import annotations

import re
from functools import cache

#: C0 controls, DEL, C1 controls, and the Unicode bidirectional controls that reorder what is
#: shown (a "Trojan Source" title reads differently from what it is). Tab and newline are
#: handled by `printable`'s `multiline`.
_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
#: Lone surrogates stand for bytes of a file name that is not UTF-8 (os.fsdecode): written to
#: a UTF-8 stream they would raise, so they are shown as escapes too.
_SURROGATES = "\ud800-\udfff"


@cache
def _controls(multiline: bool) -> re.Pattern[str]:
    """The characters `printable` escapes, compiled on first use: most text printed is
    printable already, and every command imported this module before its first git command
    (compiling both at import: ~0.7 ms of each command's start)."""
    low = "\x0b" if multiline else "\x0a"
    return re.compile(f"[\x00-\x08{low}-\x1f{_OTHERS}{_SURROGATES}]")


def _visible(match: re.Match[str]) -> str:
    # `\u001b` rather than `^[`: the same spelling JSON uses, so a JSON document that passes
    # through `printable` still parses to the same strings (the character only appears raw
    # inside JSON strings, where `\u001b` is its escape).
    return f"\\u{ord(match.group()):04x}"


def printable(text: str, *, multiline: bool = True) -> str:
    """`text` with every control character shown as a visible `\\uXXXX` escape.

    Keeps newline and tab when `multiline` (a note or an error message over several lines);
    a Windows line end (CR LF) is kept as a newline. With `multiline=False` a newline is
    escaped too, for text that must stay on its one line (a table cell, a list row).
    """
    if text.isprintable():
        return text  # the common case, and fast: no newline, tab or other control
    if multiline:
        # Lines and tabs only (a JSON document, most notes): kept as they are. Every character
        # the pattern escapes is one `isprintable` refuses (Cc, Cf, Zl, Zp, Cs), so this
        # changes no answer; it spares the pattern's pass over the whole text (8x moby's
        # 1.6 MB scan document: 6.1 -> 3.7 ms of every `golive scan --format json`, best of 10).
        if text.replace("\n", "").replace("\t", "").isprintable():
            return text
        return _controls(True).sub(_visible, text.replace("\r\n", "\n"))
    return _controls(False).sub(_visible, text.replace("\t", " "))


#: What lets repository text become markup inside a line: links and images (`[`, `]`), raw
#: HTML and autolinks (`<`, `>`), code spans, emphasis, table cells, and the backslash itself
#: (CommonMark renders a backslash-escaped punctuation character literally).
_MARKDOWN = re.compile(r"([\\`*\[\]<>|])")


def markdown_text(text: str) -> str:
    """`text` as literal Markdown on one line: controls made visible, markup and HTML escaped.

    Safe in a table cell, a list item or a heading of a job summary or PR description: no
    link, image, HTML tag or emphasis from repository data, and no `|` ending a cell early.
    """
    one_line = text.replace("\r\n", " ").replace("\n", " ")
    return _MARKDOWN.sub(r"\\\1", printable(one_line, multiline=False))


def markdown_code(text: str) -> str:
    """`text` as an inline code span, or as escaped text when the span could not hold it: a
    backtick would end it, and a `|` would end a table cell even inside it (GitHub tables)."""
    shown = printable(text, multiline=False)
    if not shown or "`" in shown or "|" in shown:
        return markdown_text(shown)
    return f"`{shown}`"
