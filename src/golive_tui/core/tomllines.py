"""Where a key of a TOML file is: the line index behind every `file:line: key.path` message.

tomllib gives values without positions, so the keys and tables of the text are indexed
once here; messages then name the line a person should look at.
"""

from __future__ import annotations

import json
import re
from itertools import chain

KeyPath = tuple[str | int, ...]
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
#: What `LineIndex._feed` skips at once: characters that open or close nothing, outside a
#: string; and inside a basic string, characters that neither end it nor escape.
_PLAIN_RUN = re.compile(r"[^#\"'\[\]{}]+")
_STRING_RUN = re.compile(r'[^"\\]+')
_BASIC_STOP = re.compile(r'["\\]')
_LITERAL_STOP = re.compile("'")


def render_path(path: KeyPath) -> str:
    """`sections[1].items[0].priority`: the key path as people read it in messages."""
    out = ""
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        else:
            name = seg if _BARE_KEY.fullmatch(seg) else json.dumps(seg)
            out += f".{name}" if out else name
    return out


class LineIndex:
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

    @classmethod
    def restored(cls, lines: object, aot: object) -> LineIndex | None:
        """An index from what `stored` gave (tomlcache); None when it is not that shape.

        The shape is checked with `map` and `set`, which iterate in C: a Python test per pair
        cost the four shipped checklists' ~3,600 pairs ~7 ms of every command that loads
        them, now ~2.4 ms (most of it the dictionary itself)."""
        index = cls("")
        for pairs, into in ((lines, index._lines), (aot, index._aot)):
            if not isinstance(pairs, list):
                return None
            if not pairs:
                continue
            if set(map(type, pairs)) != {list} or set(map(len, pairs)) != {2}:
                return None
            paths, values = zip(*pairs, strict=True)
            if set(map(type, paths)) != {list} or set(map(type, values)) != {int}:
                return None
            if not set(map(type, chain.from_iterable(paths))) <= {str, int}:
                return None
            into.update(zip(map(tuple, paths), values, strict=True))
        return index

    def stored(self) -> dict[str, list[list[object]]]:
        """The index as JSON can hold it (`restored` reads it back)."""
        return {
            "lines": [[list(path), line] for path, line in self._lines.items()],
            "aot": [[list(path), count] for path, count in self._aot.items()],
        }

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
        """Track strings and brackets so lines inside a value are never read as statements.

        Runs of plain characters, and of a basic string's plain characters, are skipped by one
        anchored match each (in C) instead of one step of this loop per character: the shipped
        checklists' index (300 KB of TOML, mostly long strings) 42 -> 22 ms."""
        i = 0
        n = len(text)
        while i < n:
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
                while i < n and text[i] != '"':
                    if text[i] == "\\":
                        i += 2
                        continue
                    plain = _STRING_RUN.match(text, i)
                    i = plain.end() if plain else i + 1
                i += 1
            elif char == "'":
                end = text.find("'", i + 1)
                i = n if end < 0 else end + 1
            elif char in "[{":
                self._depth += 1
                i += 1
            elif char in "]}":
                self._depth -= 1
                i += 1
            else:
                plain = _PLAIN_RUN.match(text, i)
                i = plain.end() if plain else i + 1

    def _close_multiline(self, text: str, i: int) -> int:
        """Index just past the closing delimiter of the open string, or -1 if it goes on."""
        delim = self._ml or ""
        # Only a quote of the delimiter's kind (or, in a basic string, an escape) can end it:
        # the characters before the next one are skipped at once, as in `_feed`.
        stop = _BASIC_STOP if delim == '"""' else _LITERAL_STOP
        while i < len(text):
            if delim == '"""' and text[i] == "\\":
                i += 2
                continue
            if text[i] != delim[0]:
                found = stop.search(text, i)
                if found is None:
                    return -1
                i = found.start()
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


def _parse_key(text: str, pos: int) -> tuple[list[str], int] | None:
    """A (dotted) TOML key starting at `pos`: its parts and the index after it."""
    keys: list[str] = []
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return None
        if text[pos] == '"':
            end = pos + 1
            chars: list[str] = []
            while end < len(text) and text[end] != '"':
                if text[end] == "\\" and end + 1 < len(text):
                    end += 1
                chars.append(text[end])
                end += 1
            keys.append("".join(chars))
            pos = end + 1
        elif text[pos] == "'":
            end = text.find("'", pos + 1)
            if end < 0:
                return None
            keys.append(text[pos + 1 : end])
            pos = end + 1
        else:
            match = _BARE_KEY.match(text, pos)
            if match is None:
                return None
            keys.append(match.group())
            pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return keys, pos
