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


def test_core_never_imports_textual() -> None:
    core = ROOT / "src" / "golive_tui" / "core"
    offenders = [
        str(p.relative_to(ROOT))
        for p in core.rglob("*.py")
        if any(
            line.lstrip().startswith(("import textual", "from textual"))
            for line in p.read_text().splitlines()
        )
    ]
    assert offenders == []


def test_headless_commands_do_not_load_textual() -> None:
    code = (
        "import sys; from golive_tui import cli; "
        "cli.build_parser(['scan']); cli.build_parser(['checklists']); "
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
