"""LineIndex skips runs of plain characters at C speed: every line it gives is the one the
character-by-character reading gave (that reading is kept here as the oracle)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from golive_tui.core import tomllines
from golive_tui.core.tomllines import KeyPath, LineIndex, _parse_key

SHIPPED = sorted((Path(__file__).parents[2] / "checklists").glob("*.toml"))


# The reading before the runs were skipped at once (src/golive_tui/core/tomllines.py).
class _Reference:
    """Maps key paths to the line that defines them, by scanning the TOML text.

    tomllib reports no positions for valid documents, yet every message must name a line. The
    scan only needs statement starts: table headers, arrays of tables (with their running
    indices) and `key = value` lines, skipping the insides of strings and multi-line values.
    It runs only on text tomllib accepted, so it may assume the syntax is valid.
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        self._aot: dict[KeyPath, int] = {}
        self._ml: str | None = None  # open multi-line string delimiter
        self._depth = 0  # open brackets/braces of a multi-line value
        current: KeyPath = ()
        for lineno, line in enumerate(text.splitlines(), 1):
            if self._ml is None and self._depth == 0:
                stripped = line.lstrip()
                if stripped.startswith("[["):
                    keys = _parse_key(stripped, 2)
                    if keys is not None:
                        path = self._resolve(keys[0])
                        count = self._aot.get(path, 0)
                        self._aot[path] = count + 1
                        current = (*path, count)
                        self._lines.setdefault(path, lineno)
                        self._lines[current] = lineno
                    continue
                if stripped.startswith("["):
                    keys = _parse_key(stripped, 1)
                    if keys is not None:
                        current = self._resolve(keys[0])
                        self._lines.setdefault(current, lineno)
                    continue
                keys = _parse_key(stripped, 0)
                if keys is not None and stripped[keys[1] :].lstrip().startswith("="):
                    for n in range(1, len(keys[0]) + 1):
                        self._lines.setdefault((*current, *keys[0][:n]), lineno)
                    rest = stripped[keys[1] :].lstrip()[1:]
                    self._feed(rest)
                    continue
            self._feed(line)

    def line(self, path: KeyPath) -> int:
        """The line of `path`, else of its nearest defined ancestor (a missing key: its table)."""
        probe = tuple(path)
        while probe:
            if probe in self._lines:
                return self._lines[probe]
            probe = probe[:-1]
        return 1

    def _resolve(self, keys: list[str]) -> KeyPath:
        """A header's dotted keys as a path, stepping into the latest element of each array."""
        path: KeyPath = ()
        for n, key in enumerate(keys):
            path = (*path, key)
            if n < len(keys) - 1 and path in self._aot:
                path = (*path, self._aot[path] - 1)
        return path

    def _feed(self, text: str) -> None:
        """Track strings and brackets so lines inside a value are never read as statements."""
        i = 0
        while i < len(text):
            if self._ml is not None:
                i = self._close_multiline(text, i)
                if i < 0:
                    return
                continue
            char = text[i]
            if char == "#":
                return
            if text.startswith('"""', i) or text.startswith("'''", i):
                self._ml = text[i : i + 3]
                i += 3
            elif char == '"':
                i += 1
                while i < len(text) and text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
                i += 1
            elif char == "'":
                end = text.find("'", i + 1)
                i = len(text) if end < 0 else end + 1
            else:
                if char in "[{":
                    self._depth += 1
                elif char in "]}":
                    self._depth -= 1
                i += 1

    def _close_multiline(self, text: str, i: int) -> int:
        """Index just past the closing delimiter of the open string, or -1 if it goes on."""
        delim = self._ml or ""
        while i < len(text):
            if delim == '"""' and text[i] == "\\":
                i += 2
                continue
            if text.startswith(delim, i):
                i += 3
                # Up to two quotes right before the delimiter belong to the string.
                extra = 0
                while i < len(text) and text[i] == delim[0] and extra < 2:
                    i += 1
                    extra += 1
                self._ml = None
                return i
            i += 1
        return -1


def _state(index: LineIndex | _Reference) -> tuple[object, ...]:
    return (index._lines, index._aot, index._ml, index._depth)


def test_the_shipped_checklists_index_as_before() -> None:
    assert SHIPPED
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        assert _state(LineIndex(text)) == _state(_Reference(text)), path.name


TRICKY = [
    'a = "x # not a comment [ { "\nb = 1\n',
    'a = "esc \\" still [ in"\nb = [\n  "]",\n  2,\n]\nc = 3\n',
    "a = '''\nline [ { # \n'''''\nb = 1\n",
    'a = """\nx \\""" still\n"""""\n[t]\nk = {x = "}"}\n[[t.arr]]\nv = 1\n[[t.arr]]\nv = 2\n',
    'a = """unterminated\n[not.a.table]\n',
    "a = 'unterminated\n[table]\nb = 2\n",
    'x = ["a", {b = "c"}] # ] trailing\ny = 1\n',
]


def test_strings_brackets_and_comments_index_as_before() -> None:
    for text in TRICKY:
        assert _state(LineIndex(text)) == _state(_Reference(text)), text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "'",
                '"""',
                "'''",
                "\\",
                "#",
                "[",
                "]",
                "{",
                "}",
                "=",
                " ",
                "\n",
                "a",
                "b.c",
                "[[t]]",
                "[t]",
                "k = ",
                "x",
            ]
        ),
        max_size=60,
    )
)
def test_any_text_indexes_as_before(parts: list[str]) -> None:
    text = "".join(parts)
    assert _state(LineIndex(text)) == _state(_Reference(text))


def test_the_runs_are_what_the_loop_steps_over() -> None:
    assert tomllines._PLAIN_RUN.match("abc = 1 # x").group() == "abc = 1 "
    assert tomllines._STRING_RUN.match('ab\\c"').group() == "ab"
