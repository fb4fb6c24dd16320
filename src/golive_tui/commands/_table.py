"""Boxed tables, panels and styled lines drawn without Rich: `golive scan`, `detectors`,
`services`, `show` and `checklists`.

Why not Rich: on a tree that did not change, `golive scan` answers from the scan memo in about
the time the interpreter takes to start, and importing `rich.console` and `rich.table` and
laying the ~50-row table out doubled that. Paired on moby (bench/README.md, "Ninth round"):
`golive scan`'s table 0.31 -> 0.16 s (its JSON: 0.13 s), `golive detectors` 0.65 -> 0.19 s.
The table looks as Rich drew it (the heavy-headed box, columns sized by ratio from their
minimum widths, long words folded), and `Terminal.of` follows Rich's rules for styles and
width, so it agrees with every other command's output.

Repository text is escaped here (`printable`, one line per cell paragraph) before golive's
own styling is added, as `_output.console` does for Rich.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from typing import IO, NamedTuple

from golive_tui.core.text import printable

#: SGR codes of the style words golive's text output uses.
_SGR = {
    "bold": "1",
    "dim": "2",
    "italic": "3",
    "underline": "4",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
    "white": "37",
    "black": "30",
}

#: Rich's HEAVY_HEAD box: the header's lines heavy, the body's light.
_TOP = ("┏", "━", "┳", "┓")
_HEAD = ("┃", "┃", "┃")
_RULE = ("┡", "━", "╇", "┩")
_BODY = ("│", "│", "│")
_BOTTOM = ("└", "─", "┴", "┘")


class Column(NamedTuple):
    header: str
    min_width: int
    # 0: as wide as its widest cell; then, when the table is too wide and it wraps, narrower
    # down to min_width. Else its share of the room the others leave, by ratio.
    ratio: int = 0
    wrap: bool = True
    right: bool = False  # text set against the right edge (numbers)


#: A cell: paragraphs, each (text, style); each starts on a new line of the cell.
Cell = Sequence[tuple[str, str]]


class Terminal(NamedTuple):
    """Where the table goes: its width in cells, whether it takes styles at all, and whether
    colours are off among them (`NO_COLOR`: bold and dim stay)."""

    width: int
    styles: bool
    no_color: bool = False

    @classmethod
    def of(cls, stream: IO[str]) -> Terminal:
        """Decided as Rich's Console decides (so every command's output agrees)."""
        terminal = _is_terminal(stream)
        dumb = os.environ.get("TERM", "").strip().lower() in ("dumb", "unknown")
        width = 80 if terminal and dumb else _width()
        return cls(width, terminal and not dumb, os.environ.get("NO_COLOR", "") != "")


def _is_terminal(stream: IO[str]) -> bool:
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


def _width() -> int:
    """The terminal's width (whichever of stdin, stdout, stderr is one), `COLUMNS` over it."""
    width = 0
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (OSError, ValueError):
            continue
        break
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        width = int(columns)
    return width or 80


_COLOURS = frozenset({"red", "green", "yellow", "blue", "magenta", "cyan", "white", "black"})


def styled(text: str, style: str, terminal: Terminal) -> str:
    """`text` in `style` when the terminal takes styles: words of `_SGR`, a colour after
    `on` as the background ("bold white on red")."""
    if not terminal.styles or not text or not style:
        return text
    codes: list[str] = []
    background = False
    for word in style.split():
        if word == "on":
            background = True
            continue
        if word in _SGR and not (terminal.no_color and word in _COLOURS):
            code = _SGR[word]
            codes.append(str(int(code) + 10) if background and word in _COLOURS else code)
        background = False
    if not codes:
        return text
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"


def literal(text: str, style: str, terminal: Terminal) -> str:
    """One line of repository text as it is shown: escaped (`printable`, one line), then in
    golive's `style` (the escaping comes first, so the style's own codes are never escaped)."""
    return styled(printable(text, multiline=False), style, terminal)


#: Rich's ROUNDED box, for a panel.
_PANEL = ("╭", "─", "╮", "│", "╰", "╯")


def panel(paragraphs: Cell, terminal: Terminal) -> list[str]:
    """`paragraphs` in a rounded box as wide as the longest line (Rich's `Panel(expand=False)`),
    wrapped to the terminal's width; repository text escaped like a table's cells."""
    room = max(terminal.width - 4, 1)
    lines: list[tuple[str, str]] = []
    for text, style in paragraphs:
        for part in text.split("\n"):
            lines.extend((piece, style) for piece in wrap(printable(part, multiline=False), room))
    inner = max((cells(text) for text, _ in lines), default=0)
    top_left, fill, top_right, side, bottom_left, bottom_right = _PANEL
    out = [top_left + fill * (inner + 2) + top_right]
    out.extend(
        f"{side} {styled(text, style, terminal)}{' ' * (inner - cells(text))} {side}"
        for text, style in lines
    )
    out.append(bottom_left + fill * (inner + 2) + bottom_right)
    return out


def cells(text: str) -> int:
    """How many terminal cells `text` takes (wide East Asian characters two, combining
    marks none), as rich.cells.cell_len counts them for the characters a table holds."""
    if text.isascii():
        return len(text)
    return sum(_char_cells(ch) for ch in text)


def _char_cells(ch: str) -> int:
    if unicodedata.combining(ch) or ch == "\u200b":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells: broken between words (the spaces at a break
    dropped, the others kept as written), a word longer than a line folded (Rich's
    `overflow="fold"`). Never empty: a blank text is one empty line."""
    width = max(width, 1)
    if cells(text) <= width:
        return [text]  # as written, its spaces included (a badge's padding)
    lines: list[str] = []
    line, used = "", 0
    for token in _TOKEN.findall(text):
        word = token.lstrip()
        gap = token[: len(token) - len(word)] if line else ""
        size = cells(word)
        if line and used + cells(gap) + size <= width:
            line, used = line + gap + word, used + cells(gap) + size
            continue
        if line:
            lines.append(line)
            line, used = "", 0
        while size > width:  # fold: as many characters as fit, then the rest
            piece, taken = "", 0
            for ch in word:
                step = _char_cells(ch) if not ch.isascii() else 1
                if taken + step > width:
                    break
                piece, taken = piece + ch, taken + step
            if not piece:  # a character wider than the column: on its own line
                piece, taken = word[0], cells(word[0])
            lines.append(piece)
            word, size = word[len(piece) :], size - taken
        line, used = word, size
    if line or not lines:
        lines.append(line)
    return lines


#: A word and the blanks before it.
_TOKEN = re.compile(r"\s*\S+")


def _widths(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], total: int, pad_edge: bool
) -> list[int]:
    """Content widths: ratio-0 columns as wide as their widest cell (those that wrap give
    room back, widest first, down to their minimum, when the table would not fit), the others
    sharing the rest of `total` by ratio, each at least its minimum (a column that never
    wraps: its widest cell); the table wider than `total` only when the minimums are."""

    def widest(i: int) -> int:
        return max((cells(text) for row in rows for text, _ in row[i]), default=0)

    # the least a column may be: its minimum, and its header whole
    floors = [max(c.min_width, cells(c.header)) for c in columns]
    widths = [0] * len(columns)
    lower = {}
    for i, column in enumerate(columns):
        if not column.ratio:
            widths[i] = max(floors[i], widest(i))
        else:
            lower[i] = column.min_width if column.wrap else max(column.min_width, widest(i))
    # borders (one more than the columns) and one space of padding each side of a cell,
    # but none at the table's outer edges unless `pad_edge` (as Rich's option)
    frame = len(columns) + 1 + 2 * len(columns) - (0 if pad_edge else 2)
    room = total - frame - sum(widths)
    excess = sum(lower.values()) - room
    # Too wide: the ratio-0 columns that wrap give room back in proportion to what each has
    # above its floor (as Rich's collapse does), never below it.
    spare = {
        i: widths[i] - floors[i]
        for i, c in enumerate(columns)
        if not c.ratio and c.wrap and widths[i] > floors[i]
    }
    if excess > 0 and spare:
        total_spare = sum(spare.values())
        gives = {i: min(excess, total_spare) * s // total_spare for i, s in spare.items()}
        left = min(excess, total_spare) - sum(gives.values())
        for i in sorted(spare, key=lambda i: -spare[i]):  # what rounding left: widest first
            if left <= 0:
                break
            if gives[i] < spare[i]:
                gives[i] += 1
                left -= 1
        for i, give in gives.items():
            widths[i] -= give
            room += give
    open_ = dict(lower)
    while open_:  # a column whose share is below its minimum gets the minimum; again
        ratios = sum(columns[i].ratio for i in open_)
        shares = {i: room * columns[i].ratio // ratios for i in open_}
        short = [i for i in open_ if shares[i] < open_[i]]
        if not short:
            last = max(open_)
            shares[last] += room - sum(shares.values())  # what rounding left
            for i, share in shares.items():
                widths[i] = share
            break
        for i in short:
            widths[i] = open_.pop(i)
            room -= widths[i]
    return widths


def render(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    terminal: Terminal,
    *,
    pad_edge: bool = False,
) -> list[str]:
    """The table's lines, box and all (`pad_edge`: a space inside the outer borders too)."""
    widths = _widths(columns, rows, terminal.width, pad_edge)
    last = len(columns) - 1

    def pads(i: int) -> tuple[str, str]:
        return ("" if i == 0 and not pad_edge else " ", "" if i == last and not pad_edge else " ")

    def rule(parts: tuple[str, str, str, str]) -> str:
        left, fill, cross, right = parts
        segments = [fill * (w + sum(map(len, pads(i)))) for i, w in enumerate(widths)]
        return left + cross.join(segments) + right

    def line(texts: Sequence[str], bars: tuple[str, str, str]) -> str:
        left, cross, right = bars
        out = []
        for i, text in enumerate(texts):
            before, after = pads(i)
            out.append(before + text + after)
        return left + cross.join(out) + right

    lines = [rule(_TOP)]
    header = [
        (" " * (widths[i] - cells(c.header)) if c.right else "")
        + styled(c.header, "bold", terminal)
        + ("" if c.right else " " * (widths[i] - cells(c.header)))
        for i, c in enumerate(columns)
    ]
    lines.append(line(header, _HEAD))
    lines.append(rule(_RULE))
    for row in rows:
        blocks: list[list[str]] = []
        for i, cell in enumerate(row):
            block: list[str] = []
            for text, style in cell:
                text = printable(text, multiline=False)
                parts = wrap(text, widths[i]) if columns[i].wrap else [text]
                for part in parts:
                    gap = " " * max(widths[i] - cells(part), 0)
                    shown = styled(part, style, terminal)
                    block.append(gap + shown if columns[i].right else shown + gap)
            blocks.append(block or [" " * widths[i]])
        height = max(map(len, blocks))
        for n in range(height):
            lines.append(
                line(
                    [b[n] if n < len(b) else " " * widths[i] for i, b in enumerate(blocks)],
                    _BODY,
                )
            )
    lines.append(rule(_BOTTOM))
    return lines
