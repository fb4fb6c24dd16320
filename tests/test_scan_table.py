"""`golive scan`'s text table, drawn without Rich: the same terminal rules as Rich's Console,
every line as wide as the terminal, repository text escaped, and no Rich on the path."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from golive_tui.commands import _table
from golive_tui.commands._table import Column, Terminal, cells, render, styled, wrap

_ENV_KEYS = ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TERM", "COLUMNS")


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize("tty", [True, False])
@pytest.mark.parametrize(
    "env",
    [
        {},
        {"NO_COLOR": "1"},
        {"NO_COLOR": ""},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": ""},
        {"TERM": "dumb"},
        {"TERM": "dumb", "FORCE_COLOR": "1"},
        {"TTY_COMPATIBLE": "0"},
        {"TTY_COMPATIBLE": "1"},
        {"COLUMNS": "97"},
        {"COLUMNS": "wide"},
        {"NO_COLOR": "1", "FORCE_COLOR": "1", "COLUMNS": "133"},
    ],
)
def test_terminal_decides_as_richs_console_does(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], tty: bool
) -> None:
    """Rich is the oracle: every other command prints through its Console, so the table gets
    styles, colours and a width exactly where they would."""
    from rich.console import Console

    for key in _ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    stream = _Stream(tty)
    console = Console(file=stream)
    ours = Terminal.of(stream)
    assert ours.styles == (console.color_system is not None)
    assert ours.no_color == console.no_color
    assert ours.width == console.width


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("", 10, [""]),
        ("one two three", 7, ["one two", "three"]),
        ("one two three", 13, ["one two three"]),
        ("a/very/long/path.go:12 (+3)", 10, ["a/very/lon", "g/path.go:", "12 (+3)"]),
        ("x " * 3, 1, ["x", "x", "x"]),
        ("日本語のパス", 5, ["日本", "語の", "パス"]),  # two cells a character
        ("日本", 1, ["日", "本"]),  # wider than the column: one a line
    ],
)
def test_wrap_breaks_between_words_and_folds_long_ones(
    text: str, width: int, lines: list[str]
) -> None:
    assert wrap(text, width) == lines
    assert all(cells(line) <= max(width, 2) for line in lines)


def test_cells_counts_wide_and_combining_characters() -> None:
    from rich.cells import cell_len

    for text in ("plain", "日本語", "e\u0301", "◆ ◐ ▲ ○ – !", "Ünïcödé"):
        assert cells(text) == cell_len(text)


COLUMNS = (
    Column("", 1),
    Column("detector", 24, 3, wrap=False),
    Column("summary", 20, 4),
    Column("first evidence", 16, 3),
)


def _rows(summary: str, path: str) -> list[list[_table.Cell]]:
    return [
        [(), [("http", "bold underline")], (), ()],
        [[("◆", "green")], [("go.http.graceful_shutdown", "bold")], [(summary, "")], [(path, "")]],
    ]


@pytest.mark.parametrize("width", [80, 100, 119, 120, 160, 250])
def test_every_line_is_as_wide_as_the_terminal(width: int) -> None:
    rows = _rows("2 Shutdown calls " * 9, "cmd/server/very/long/path/main.go:120 (+3)")
    lines = render(COLUMNS, rows, Terminal(width, styles=False))
    assert {len(line) for line in lines} == {width}
    assert lines[0].startswith("┏") and lines[-1].startswith("└")
    assert "go.http.graceful_shutdown" in "\n".join(lines)  # never wrapped


def test_a_narrow_terminal_keeps_every_minimum_width() -> None:
    lines = render(COLUMNS, _rows("x", "y"), Terminal(40, styles=False))
    assert len({len(line) for line in lines}) == 1
    assert len(lines[0]) > 40  # wider than the terminal rather than cut


def test_repository_text_is_escaped_and_styles_are_golives_only() -> None:
    hostile = "evil\x1b]52;c;cHduZWQ=\x07name\x1b[2J"
    lines = render(COLUMNS, _rows(hostile, hostile), Terminal(120, styles=True))
    text = "\n".join(lines)
    assert "\x07" not in text and "\x1b]" not in text and "\x1b[2J" not in text
    assert "\\u001b" in text  # shown, not obeyed
    assert "\x1b[1mgo.http.graceful_shutdown\x1b[0m" in text  # golive's own bold
    plain = "\n".join(render(COLUMNS, _rows(hostile, hostile), Terminal(120, styles=False)))
    assert "\x1b" not in plain


def test_no_color_keeps_bold_and_dim_but_no_colour() -> None:
    term = Terminal(80, styles=True, no_color=True)
    assert styled("x", "green dim", term) == "\x1b[2mx\x1b[0m"
    assert styled("x", "green", term) == "x"
    assert styled("x", "bold", Terminal(80, styles=False)) == "x"


@pytest.mark.parametrize(
    "command",
    [["scan"], ["detectors"], ["services"], ["show", "go-production"], ["checklists"]],
)
def test_the_text_listings_never_import_rich_or_textual(tmp_path: Path, command: list[str]) -> None:
    """What drawing without Rich buys (`golive scan` on an unchanged tree: half its time;
    `golive detectors`: two thirds; `golive show`: half) holds only while nothing on the
    path imports it again."""
    repo = tmp_path / "svc"
    repo.mkdir()
    (repo / "main.go").write_text("package main\n\nfunc main() {}\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    code = (
        "import sys, io\n"
        "from golive_tui.cli import main\n"
        "sys.stdout = io.StringIO()\n"
        f"assert main([*{command!r}, '-C', {str(repo)!r}]) == 0\n"
        "text = sys.stdout.getvalue()\n"
        "sys.stdout = sys.__stdout__\n"
        "assert text.strip(), 'nothing printed'\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'textual'}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in _ENV_KEYS}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def _printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], width: int, *argv: str
) -> list[str]:
    """What `golive ARGV` prints on a terminal of `width` columns (no style variables set)."""
    from golive_tui.cli import main

    for key in _ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("COLUMNS", str(width))
    assert main(list(argv)) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("width", [80, 100, 160])
def test_the_detector_listing_fills_the_terminal_and_folds_no_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], width: int
) -> None:
    from golive_tui.core.scan.detectors.catalog import shipped_catalog

    lines = _printed(monkeypatch, capsys, width, "detectors")
    assert lines[0] == "Detectors"
    table = [line for line in lines[1:] if line]
    assert {len(line) for line in table} == {width}
    shown = "\n".join(table)
    assert all(f"│ {detector} " in shown for detector in shipped_catalog())


@pytest.mark.parametrize("width", [50, 80, 100, 160])
def test_show_draws_every_section_at_the_terminals_width(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], width: int
) -> None:
    lines = _printed(monkeypatch, capsys, width, "show", "go-production")
    tables = [line for line in lines if line[:1] in "┏┃┡└"]
    assert {len(line) for line in tables} == {width}
    panel = [line for line in lines if line[:1] in "╭╰"]
    assert len(panel) == 2 and len(panel[0]) <= width
    assert "  P0  " in "\n".join(lines)  # the badge keeps its padding


def test_wrap_keeps_the_spaces_it_does_not_break_at() -> None:
    assert wrap(" P0 ", 4) == [" P0 "]
    assert wrap("go-production 2.0.0  ·  117 items", 40) == ["go-production 2.0.0  ·  117 items"]
    assert wrap("a  b  c", 4) == ["a  b", "c"]


def test_a_too_wide_table_takes_room_from_its_wrapping_columns_in_proportion() -> None:
    columns = (
        Column("id", 2, wrap=False),
        Column("a", 4),
        Column("b", 4),
        Column("n", 1, wrap=False, right=True),
    )
    rows: list[list[_table.Cell]] = [
        [[("first-id", "")], [("x" * 40, "")], [("y" * 20, "")], [("7", "")]],
        [[("id", "")], [("short", "")], [("z", "")], [("117", "")]],
    ]
    lines = render(columns, rows, Terminal(50, styles=False), pad_edge=True)
    assert {len(line) for line in lines} == {50}
    assert "first-id" in lines[3]  # never folded
    body = [line.split("│") for line in lines if line.startswith("│")]
    assert body[-1][4] == " 117 " and body[0][4] == "   7 "  # set against the right
    a, b = len(body[0][2]) - 2, len(body[0][3]) - 2
    assert a > b >= 4  # the wider column gave more, and neither went below its minimum
