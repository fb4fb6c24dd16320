"""Project-level guarantees: the README's commands are what CI runs, and the core stays headless."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    setup = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    blocks = setup.split("```sh\n")[1:]
    return [block.split("\n```", 1)[0].strip() for block in blocks]


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "golive demo" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _readme_commands()[1] in ci


def test_headless_commands_do_not_load_textual_or_a_live_display() -> None:
    """Every command but walk and demo runs in CI without a terminal: importing it and building its
    parser must load neither Textual nor Rich's live display (the import-linter contracts in
    pyproject.toml check the static imports; this checks what actually gets loaded)."""
    from golive_tui.cli import COMMANDS

    headless = [name for name in COMMANDS if name not in {"walk", "demo"}]
    code = (
        "import importlib, sys; from golive_tui import cli; from golive_tui.cli import COMMANDS\n"
        f"for name in {headless!r}:\n"
        "    cli.build_parser([name]); importlib.import_module('golive_tui.commands.' + COMMANDS[name][0])\n"
        "print(sorted(m for m in ('textual', 'rich.live', 'rich.progress') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert len(headless) >= 15 and "init" in headless
