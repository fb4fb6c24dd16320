"""The shell reader's memo: repeated text gives the same commands, never a shared list."""

from __future__ import annotations

from golive_tui.core.scan.detectors import shell


def test_repeated_text_gives_equal_commands_in_a_list_of_its_own() -> None:
    text = "set -e\ngo test -race ./... || true\n"
    first = shell.commands(text, 7)
    first.clear()  # a caller changing its list changes nobody else's
    again = shell.commands(text, 7)
    assert [c.words for c in again] == [("set", "-e"), ("go", "test", "-race", "./..."), ("true",)]
    assert again[1].line == 8 and again[1].after == "||"
    assert shell.commands(text, 1)[1].line == 2  # the first line is part of the key


def test_the_memo_stays_bounded() -> None:
    for n in range(shell._MEMO_MAX + 50):
        shell.commands(f"echo {n}\n")
    shell.commands("echo x\n" * (shell._MEMO_MAX_TEXT // 7 + 1))  # too long to keep
    assert len(shell._memo) <= shell._MEMO_MAX
    assert all(len(text) <= shell._MEMO_MAX_TEXT for text, _ in shell._memo)


def test_blank_runs_end_words() -> None:
    cmd = shell.commands("go \t test\r  ./...")[0]
    assert cmd.words == ("go", "test", "./...")
