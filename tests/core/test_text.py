"""`printable` keeps lines and tabs of text that holds nothing else to escape without running
its pattern: the same answer as the pattern gives, on every kind of character it escapes."""

from __future__ import annotations

import itertools
import json

import pytest

from golive_tui.core import text
from golive_tui.core.text import printable

ESCAPED = [
    *map(chr, range(0x00, 0x09)),
    *map(chr, range(0x0B, 0x20)),
    *map(chr, range(0x7F, 0xA0)),
    *("\u061c", "\u200e", "\u200f", "\u2028", "\u2029", "\u202a", "\u202e"),
    *("\u2066", "\u2069", "\ud800", "\udfff"),
]
KEPT = ["a", " ", "\t", "\n", "é", "…", "Σ", "\u00a0", "\u3000", "🙂", "\ufeff", "\u00ad"]


def _by_pattern(value: str) -> str:
    return text._controls(True).sub(text._visible, value.replace("\r\n", "\n"))


@pytest.mark.parametrize("extra", ["", *ESCAPED, "\r\n", "\r"])
def test_multiline_text_reads_as_the_pattern_writes_it(extra: str) -> None:
    for left, right in itertools.product(KEPT, repeat=2):
        for value in (f"{left}x{extra}y{right}", f"{left}\n{right}{extra}", extra + left):
            assert printable(value) == _by_pattern(value), repr(value)


def test_a_scan_document_passes_unchanged_and_its_controls_do_not() -> None:
    document = json.dumps({"a": ["x\u2028y", "tab\tand\nline", "…"]}, indent=2, ensure_ascii=False)
    shown = printable(document)
    assert shown != document and json.loads(shown) == json.loads(document)
    plain = json.dumps({"a": ["tab\tand\nline", "…", "é"]}, indent=2, ensure_ascii=False)
    assert printable(plain) is plain
