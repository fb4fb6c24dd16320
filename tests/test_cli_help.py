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
