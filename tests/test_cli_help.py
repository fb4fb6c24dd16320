"""`golive COMMAND --help` reads the same everywhere: sentences, every option explained, defaults named."""

from __future__ import annotations

import argparse

import pytest

from golive_tui import cli


def _subparser(name: str) -> argparse.ArgumentParser:
    parser = cli.build_parser([name])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    chosen: argparse.ArgumentParser = sub.choices[name]
    return chosen


def _shown(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.help != argparse.SUPPRESS]


def test_top_level_help_is_sentences() -> None:
    parser = cli.build_parser([])
    for action in _shown(parser):
        assert action.help and action.help[0].isupper(), action.option_strings or action.dest
    for name, (_module, one_line) in cli.COMMANDS.items():
        assert one_line[0].isupper() and not one_line.endswith("."), name


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_every_option_is_explained(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    parser = _subparser(name)
    assert parser.description and parser.description[0].isupper()
    for action in _shown(parser):
        label = "/".join(action.option_strings) or action.dest
        assert action.help, f"{name} {label}: no help text"
        assert action.help[0].isupper(), f"{name} {label}: {action.help!r}"
        meaningful = action.default not in (None, False, "", [], argparse.SUPPRESS)
        if action.option_strings and meaningful:
            assert "default" in action.help, f"{name} {label}: default {action.default!r} unnamed"
    with pytest.raises(SystemExit) as done:
        cli.main([name, "--help"])
    assert done.value.code == 0
    assert "show this help message" not in capsys.readouterr().out


def test_only_the_command_run_gets_a_parser() -> None:
    sub = next(a for a in cli.build_parser(["scan"])._actions if a.dest == "command")
    assert isinstance(sub, argparse._SubParsersAction) and list(sub.choices) == ["scan"]


@pytest.mark.parametrize(
    "argv", [["--help"], ["-h", "scan"], ["nosuch"], ["scan", "--bogus"], ["--version"]]
)
def test_help_and_errors_print_as_with_every_command(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building one command's parser changes nothing a person sees: top-level help, the
    usage line of an error, the list of commands a typo is told about."""
    with pytest.raises(SystemExit) as lazy:
        cli.main(argv)
    seen = capsys.readouterr()
    real = cli.build_parser

    def every(args: list[str]) -> argparse.ArgumentParser:
        """Every command's parser, the one run with its arguments (as before it was lazy)."""
        parser, full = real(args), real([])
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        each = next(a for a in full._actions if isinstance(a, argparse._SubParsersAction))
        for name, chosen in each.choices.items():
            sub.choices.setdefault(name, chosen)
        return parser

    monkeypatch.setattr(cli, "build_parser", every)
    with pytest.raises(SystemExit) as full:
        cli.main(argv)
    assert (lazy.value.code, seen) == (full.value.code, capsys.readouterr())
    if argv[0] in ("--help", "nosuch"):
        assert all(name in seen.out + seen.err for name in cli.COMMANDS)


@pytest.mark.parametrize("columns", [None, "57", "0", "-3", "wide"])
def test_help_is_as_wide_as_argparse_makes_it(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert cli._columns() == shutil.get_terminal_size().columns
    assert cli.build_parser([]).format_help() == _stock_help()


def _stock_help() -> str:
    """The top-level help as argparse's own formatter lays it out."""
    parser = cli.build_parser([])
    parser.formatter_class = argparse.HelpFormatter
    return parser.format_help()
