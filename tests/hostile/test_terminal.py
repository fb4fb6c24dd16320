"""Repository text never reaches the terminal as a control: every output, one hostile repository.

The checklist's titles, the draft's notes and participants, a tracked file's name and content,
a lock file's holder and a broken checklist's values all carry an OSC 52 clipboard write, a
screen clear (CSI 2J), a window title change (OSC 0), BEL, CR, backspace, a C1 CSI and a
right-to-left override. Every command's text, Markdown and JSON output, and the walker's screen,
must show them as visible escapes: no raw control character other than newline and tab.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from golive_tui import cli
from golive_tui.core import draft as d
from golive_tui.core.model import Answer, Source, State
from golive_tui.core.text import printable
from tests.conftest import RepoFactory

OSC52 = "\x1b]52;c;cHduZWQ=\x07"  # writes "pwned" to the clipboard
CLEAR = "\x1b[2J"
TITLE = "\x1b]0;owned\x1b\\"  # sets the window title, ST-terminated
HOSTILE = f"A{OSC52}B{CLEAR}C{TITLE}D\x07E\rF\x08G\x9b6nH\u202eI"
MARKUP = "<img src=x onerror=alert(1)> [click](https://evil.example) | ![i](https://t.example)"
NOTE = f"{HOSTILE} {MARKUP}"
#: Textual and Rich markup: a closing tag that matches nothing, a style, a link.
MARKUP_NAME = "[/x][b]bold[/b][link=https://evil.example]link[/link]"

#: A raw control character a terminal would act on (newline and tab are fine).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: How the escapes show: `\u001b]52;c;...`.
SHOWN = "\\u001b]52;c;cHduZWQ="

GO_FILE = f"cmd/api/x{CLEAR}y.go"
MAIN_GO = (
    "package main\n\n"
    'import (\n\t"context"\n\t"os/signal"\n\t"syscall"\n)\n\n'
    f"// {OSC52}{CLEAR}\n"
    "func main() {\n"
    "\tctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)\n"
    "\tdefer stop()\n\t<-ctx.Done()\n}\n"
)


def toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text)


CHECKLIST = f"""\
[checklist]
id = "evil"
title = {toml(HOSTILE)}
version = "1"
description = {toml(HOSTILE)}
source = ["x"]

[[sections]]
id = "ops"
title = {toml(HOSTILE)}

[[sections.items]]
id = "ops.sigterm"
title = {toml("Handle SIGTERM " + HOSTILE)}
why = {toml(HOSTILE)}
verify = {toml(HOSTILE)}
remediation = {toml(HOSTILE)}
priority = "P0"
source = "doc"
detect = {{ any = ["go.signal.sigterm"] }}

[[sections.items]]
id = "ops.runbook"
title = {toml("Runbook " + HOSTILE)}
why = "w"
verify = "v"
remediation = "r"
priority = "P1"
source = "doc"

[[sections.items]]
id = "ops.observability"
title = {toml("Observability " + HOSTILE)}
why = "w"
verify = "v"
remediation = "r"
priority = "P2"
kind = "score"
rubric = [{toml(HOSTILE)}, {toml(HOSTILE)}, {toml(HOSTILE)}]
source = "doc"

[[profiles]]
id = "gate"
title = {toml(HOSTILE)}
items = ["ops.runbook"]
"""

BROKEN = CHECKLIST.replace('priority = "P1"', f"priority = {toml('P9' + HOSTILE)}").replace(
    'id = "evil"', 'id = "broken"'
)


def _assert_clean(text: str, what: str) -> None:
    raw = sorted({f"U+{ord(c):04X}" for c in RAW.findall(text)})
    assert not raw, f"{what}: raw control characters {raw} in:\n{text!r}"


def _draft(release: str, note: str, *, waive: bool = False) -> d.Draft:
    runbook = Answer(
        "ops.runbook",
        State.DONE,
        Source.MANUAL,
        note=note,
        by=f"Mallory {HOSTILE} <m@example.com>",
        at="2030-01-01T00:00:00Z",
    )
    if waive:
        runbook = runbook._replace(state=State.WAIVED, reason=note, until="2999-01-01")
    answers = {
        "ops.runbook": runbook,
        "ops.observability": Answer(
            "ops.observability", State.DONE, Source.MANUAL, score=1, note=note
        ),
    }
    return dataclasses.replace(
        d.Draft.new(
            "evil",
            release,
            participants=(f"Mallory {HOSTILE} <m@example.com>", f"Eve {MARKUP_NAME} <e@x.org>"),
        ),
        answers=answers,
    )


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One hostile repository with two unsigned records (v1, v2), shared by the table."""
    from tests.conftest import git

    root = tmp_path_factory.mktemp("hostile") / "repo"
    home = root.parent / "home"
    home.mkdir()
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Ada Tester\n\temail = ada@example.com\n[commit]\n\tgpgsign = false\n"
    )
    saved = {k: os.environ.get(k) for k in ("HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")}
    os.environ.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1")
    try:
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        files = {
            "go.mod": "module x\n",
            GO_FILE: MAIN_GO,
            ".golive/config.toml": 'checklist = "evil"\n',
            ".golive/checklists/evil.toml": CHECKLIST,
            "broken.toml": BROKEN,
        }
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
        store = d.DraftStore(root)
        for release, waive in (("v1", False), ("v2", True)):
            store.save(_draft(release, NOTE, waive=waive))
            assert cli.main(["sign", "-C", str(root), "--release", release, "--no-sign"]) == 0
        # A signature whose signer and key are the repository's words (it does not verify).
        record = root / ".golive" / "records" / "v1.toml"
        forged = (
            f'signatures = [{{signer = {toml(HOSTILE)}, role = "author", format = "ssh", '
            f'key = {toml(HOSTILE)}, signed_at = "2030-01-01T00:00:00Z", '
            f"signature = {toml(HOSTILE)}}}]"
        )
        record.write_text(record.read_text().replace("signatures = []", forged, 1))
        yield root
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


#: Every output that shows repository text: (name, argv after the command's -C, exit codes).
OUTPUTS: list[tuple[str, list[str], set[int]]] = [
    ("show", ["show", "evil"], {0}),
    ("show --profile", ["show", "evil", "--profile", "gate"], {0}),
    ("checklists", ["checklists"], {0}),
    ("lint-checklist errors", ["lint-checklist", "broken.toml"], {1}),
    ("status text", ["status", "--no-scan", "--release", "v1"], {0}),
    ("status scanned", ["status", "--release", "v2"], {0}),
    ("scan text", ["scan", "--no-cache"], {0}),
    ("gate text", ["gate", "--release", "v1"], {1}),
    ("gate markdown", ["gate", "--release", "v1", "--format", "markdown"], {1}),
    ("history", ["history"], {0, 1}),
    ("verify", ["verify", "--all"], {1}),
    ("diff", ["diff", "v1", "v2"], {0}),
    ("export markdown", ["export", "v1"], {0}),
    ("export markdown --verify", ["export", "v1", "--verify"], {0}),
]


@pytest.mark.parametrize(("argv", "codes"), [o[1:] for o in OUTPUTS], ids=[o[0] for o in OUTPUTS])
def test_text_outputs_show_controls_as_escapes(
    hostile_repo: Path,
    argv: list[str],
    codes: set[int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(hostile_repo)
    code = cli.main([argv[0], "-C", str(hostile_repo), *argv[1:]])
    out, err = capsys.readouterr()
    assert code in codes, out + err
    assert "Traceback" not in err
    _assert_clean(out, "stdout")
    _assert_clean(err, "stderr")
    # Shown, not dropped: the reader sees that the text carried an escape sequence (tables may
    # fold the rest of it onto the next line).
    assert "\\u001b" in out + err


def test_markdown_outputs_carry_no_markup_from_the_repository(
    hostile_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["export", "v1"], ["gate", "--release", "v1", "--format", "markdown"]):
        cli.main([argv[0], "-C", str(hostile_repo), *argv[1:]])
        out = capsys.readouterr().out
        _assert_clean(out, " ".join(argv))
        assert not re.search(r"(?<!\\)<img|(?<!\\)\]\(https://", out)
        if argv[0] == "export":
            assert "\\<img src=x onerror=alert(1)\\> \\[click\\](https://evil.example) \\|" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--no-scan", "--release", "v1", "--format", "json"],
        ["scan", "--no-cache", "--format", "json"],
        ["gate", "--release", "v1", "--format", "json"],
        ["history", "--format", "json"],
        ["diff", "v1", "v2", "--format", "json"],
        ["export", "v1", "--format", "json"],
    ],
    ids=lambda argv: " ".join(argv[:1] + argv[-2:]),
)
def test_json_outputs_escape_controls_and_keep_the_data(
    hostile_repo: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """json.dumps escapes C0 controls; the C1 and bidi ones it leaves raw are escaped the JSON
    way, so the document still parses to exactly the repository's strings."""
    code = cli.main([argv[0], "-C", str(hostile_repo), *argv[1:]])
    out = capsys.readouterr().out
    assert code in (0, 1)
    _assert_clean(out, " ".join(argv))
    strings = list(_strings(json.loads(out)))
    assert any(CLEAR in s for s in strings)  # the data itself is intact
    assert CLEAR not in out


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def test_rich_output_on_a_colour_terminal_keeps_its_colours_only(
    hostile_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With colours on, the only escape sequences are Rich's own SGR colour codes."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    for argv in (["show", "evil"], ["checklists"], ["scan", "--no-cache"]):
        assert cli.main([argv[0], "-C", str(hostile_repo), *argv[1:]]) == 0
        out = capsys.readouterr().out
        assert "\x1b[" in out  # coloured, so the check below means something
        _assert_clean(re.sub(r"\x1b\[[0-9;]*m", "", out), " ".join(argv))
        assert "\\u001b" in out


def test_markup_in_repository_text_is_neither_applied_nor_a_crash(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rich would read `[/x]` as a closing tag (MarkupError) and `[red]` as a style."""
    text = CHECKLIST.replace(toml("Runbook " + HOSTILE), toml("Runbook [red]x[/red] [/x]"))
    text = text.replace(f"title = {toml(HOSTILE)}", 'title = "[/x]Evil"', 1)
    root = make_repo({".golive/checklists/evil.toml": text, "go.mod": "module x\n"})
    assert cli.main(["show", "evil", "-C", str(root)]) == 0
    out = capsys.readouterr().out
    assert "Runbook [red]x[/red] [/x]" in out and "[/x]Evil" in out
    assert cli.main(["checklists", "-C", str(root)]) == 0
    assert "[/x]Evil" in capsys.readouterr().out


def test_error_quoting_a_lock_holder_is_escaped(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """The holder named in a lock file (drafts are the repository's) is quoted in the error."""
    root = make_repo({"go.mod": "module x\n"})
    lock = d.DraftStore(root).lock("go-production", "unreleased")
    lock.path.parent.mkdir(parents=True)
    lock.path.write_text(f"pid=1\nhost={HOSTILE}\nsince={OSC52}\n")
    code = cli.main(["mark", "ops.runbook", "done", "--no-scan", "-C", str(root)])
    out, err = capsys.readouterr()
    assert code == 2 and socket.gethostname() not in HOSTILE
    _assert_clean(out + err, "mark")
    assert err.startswith("golive: the draft go-production@unreleased is open in another golive")
    assert SHOWN in err


def test_printable_keeps_ordinary_text_and_is_idempotent() -> None:
    for text in ("plain", "tabs\tand\nnewlines", "ünïcødé ✔ ◆ 日本語", "👩‍💻 emoji with ZWJ"):
        assert printable(text) == text
    assert printable("a\r\nb") == "a\nb"
    assert printable("a\nb", multiline=False) == "a\\u000ab"
    # A lone surrogate (a file name byte that is not UTF-8) would make the write raise.
    assert printable("a\udcffb") == "a\\udcffb"
    once = printable(HOSTILE)
    assert printable(once) == once
    _assert_clean(once, "printable")


# --------------------------------------------------------------------------- the walker


def _walker_screen_text(
    repo: Path, *, summary: bool = False, dialog: bool = False
) -> tuple[str, str]:
    """Everything the walker would write to the terminal for one full frame."""
    from golive_tui.core.checklist.library import Library
    from golive_tui.core.model import DetectorResult, Evidence, Polarity, Status
    from golive_tui.tui.app import GoliveApp
    from tests.tui.fakes import FakeScan, make_deps

    checklist = Library.discover(repo).get("evil")
    evidence = Evidence(GO_FILE, 11, 11, Polarity.POSITIVE, HOSTILE)
    result = DetectorResult("go.signal.sigterm", HOSTILE, Status.FOUND, HOSTILE, (evidence,))
    deps = make_deps(repo, checklist=checklist, release="v1", scan=FakeScan(results=(result,)))
    frames: list[tuple[str, str]] = []

    async def walk() -> None:
        app = GoliveApp(deps)
        async with app.run_test(size=(140, 50)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.notify(f"Scan failed: {HOSTILE}")
            await pilot.pause()
            if summary:
                await pilot.press("s")
            elif dialog:
                assert app.screen.items.select_id("ops.runbook")  # type: ignore[attr-defined]
                await pilot.pause()
                await pilot.press("e")  # its note, in a dialog pre-filled with the draft's
            await pilot.pause()
            # The frame as App._display writes it to the terminal (headless apps write none).
            update = app.screen._compositor.render_update(full=True)
            frames.append((type(app.screen).__name__, update.render_segments(app.console)))

    asyncio.run(walk())
    return frames[0]


@pytest.mark.parametrize(
    ("screen", "shown"),
    [("walker", "WalkerScreen"), ("summary", "SummaryScreen"), ("dialog", "FormDialog")],
)
def test_walker_screen_shows_controls_as_escapes(
    hostile_repo: Path, screen: str, shown: str
) -> None:
    name, frame = _walker_screen_text(
        hostile_repo, summary=screen == "summary", dialog=screen == "dialog"
    )
    assert name == shown
    if screen == "summary":  # the participants, as written (markup neither applied nor fatal)
        assert MARKUP_NAME in re.sub(r"\x1b\[[0-9;]*m", "", frame)
    # Textual's own output is SGR colours and cursor moves (CSI ... m / H) and the sync mode;
    # anything else (OSC, a screen clear, a C1 or bidi control, BEL, CR) came from the data.
    own = re.sub(r"\x1b\[[0-9;]*[mH]|\x1b\[\?2026[hl]", "", frame)
    _assert_clean(own, f"{screen} frame")
    assert "\x1b]" not in frame and CLEAR not in frame
    assert "\\u001b" in own


def test_walker_refusal_message_is_literal(make_repo: RepoFactory) -> None:
    """A lock held elsewhere makes the walker exit with the lock's message, printed by Rich."""
    from rich.text import Text

    from golive_tui.tui.app import GoliveApp
    from tests.tui.fakes import make_deps

    root = make_repo({"go.mod": "module x\n"})
    deps = make_deps(root)
    lock = deps.store.lock(deps.checklist.id, deps.release)
    lock.path.parent.mkdir(parents=True)
    lock.path.write_text(f"pid=1\nhost=[/x]{HOSTILE}\nsince=now\n")
    messages: list[Any] = []

    async def start() -> None:
        app = GoliveApp(deps)
        async with app.run_test() as pilot:
            await pilot.pause()
            messages.extend(app._exit_renderables)

    asyncio.run(start())
    assert len(messages) == 1 and isinstance(messages[0], Text)
    _assert_clean(messages[0].plain, "exit message")
    assert "[/x]" in messages[0].plain and SHOWN[:6] in messages[0].plain


def test_a_newline_in_a_note_cannot_fake_a_line_of_status(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"go.mod": "module x\n"})
    forged = "ok\n  ✔ P0 security.secrets                 done"
    code = cli.main(["mark", "ops.runbook", "done", "--no-scan", "-C", str(root), "--note", forged])
    assert code == 0
    capsys.readouterr()
    assert cli.main(["status", "--no-scan", "-C", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert not any(line.startswith("  ✔ P0 security.secrets") for line in lines)
    assert any("ok\\u000a  ✔ P0 security.secrets" in line for line in lines)


def test_the_walker_runs_on_the_real_streams(capsys: pytest.CaptureFixture[str]) -> None:
    """Textual's error console colours what it prints after the screen closes: the walker gets
    the unfiltered streams (its data is escaped in the widgets), every other command the filter."""
    import sys

    from golive_tui.commands._output import PrintableStream, unfiltered_streams, wrapped

    real = sys.stdout
    sys.stdout = wrapped(real)
    try:
        assert isinstance(sys.stdout, PrintableStream)
        assert wrapped(sys.stdout) is sys.stdout  # never escaped twice
        print(f"x{CLEAR}")
        with unfiltered_streams():
            assert sys.stdout is real
        assert isinstance(sys.stdout, PrintableStream)
    finally:
        sys.stdout = real
    assert capsys.readouterr().out == "x\\u001b[2J\n"


@pytest.mark.e2e
def test_a_real_terminal_gets_no_clipboard_write_or_title(
    hostile_repo: Path, tmp_path: Path
) -> None:
    """The commands run in tmux, which turns OSC 52 into a paste buffer and OSC 0 into the pane
    title: after them, there is no buffer and the title is tmux's own."""
    import shlex
    import shutil
    import subprocess
    import sys

    golive = Path(sys.executable).with_name("golive")
    if shutil.which("tmux") is None or not golive.exists():
        pytest.skip("needs tmux and the golive console script")
    socket_path = tmp_path / "tmux.sock"
    env = {k: v for k, v in os.environ.items() if k not in {"TMUX", "COLUMNS", "LINES"}}

    def tmux(*args: str) -> str:
        done = subprocess.run(
            ["tmux", "-f", "/dev/null", "-S", str(socket_path), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,  # a hang guard only
        )
        assert done.returncode == 0, f"tmux {args}: {done.stderr}"
        return done.stdout

    commands = " ; ".join(
        f"{shlex.quote(str(golive))} {command} -C {shlex.quote(str(hostile_repo))}"
        for command in (
            "show evil",
            "status --no-scan --release v1",
            "scan --no-cache",
            "export v1",
            "gate --release v1 --format markdown",
        )
    )
    script = f"{commands} ; tmux -S {shlex.quote(str(socket_path))} wait-for -S ran ; sleep 60"
    try:
        tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "50", "sleep 60")
        tmux("set-option", "-g", "set-clipboard", "on")
        tmux("set-option", "-g", "allow-rename", "on")
        tmux("new-window", "-d", "-t", "t:", "-n", "run", script)  # "t:" = next free index
        tmux("wait-for", "ran")  # returns once the commands have run
        assert tmux("list-buffers") == ""
        title = tmux("display-message", "-p", "-t", "t:run", "#{pane_title}")
        assert "owned" not in title
        assert "\\u001b]52;c;cHduZWQ=" in tmux("capture-pane", "-p", "-t", "t:run", "-S", "-")
    finally:
        subprocess.run(
            ["tmux", "-S", str(socket_path), "kill-server"], capture_output=True, env=env
        )


def test_markdown_helpers_escape_what_would_become_markup() -> None:
    from golive_tui.core.text import markdown_code, markdown_text

    assert markdown_text("a | b\nc <b>[x](y)</b> `z` *w* \\") == (
        "a \\| b c \\<b\\>\\[x\\](y)\\</b\\> \\`z\\` \\*w\\* \\\\"
    )
    assert markdown_code("ops.runbook") == "`ops.runbook`"
    assert markdown_code("a`b") == "a\\`b"
    assert markdown_code("a|b") == "a\\|b"  # a pipe ends a table cell even inside a code span
    assert markdown_code(f"k{CLEAR}") == "`k\\u001b[2J`"


def test_a_file_path_that_reads_as_markup_is_printed_as_is(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """`a[/x]b.go` (folder `a[`, file `x]b.go`) as scan evidence: no MarkupError, no restyle."""
    root = make_repo({"go.mod": "module x\n", "a[/x]b.go": MAIN_GO})
    assert cli.main(["scan", "--no-cache", "-C", str(root)]) == 0
    flat = re.sub(r"[\s│]", "", capsys.readouterr().out)  # the table may fold the path
    assert "a[/x]b.go:" in flat
