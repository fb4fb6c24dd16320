"""The `golive` command: argument parsing and exit codes.

Data goes to stdout, diagnostics to stderr. Each subcommand lives in `golive_tui.commands.<name>`
and is imported only when asked for, so `golive scan`, `verify` and `gate` never load Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from golive_tui import __version__
from golive_tui.commands._output import wrapped
from golive_tui.core.errors import GoliveError

# name -> one-line help; the module golive_tui.commands.<module> provides add_arguments() and run().
COMMANDS: dict[str, tuple[str, str]] = {
    "walk": ("walk", "Open the walker on a repository (the default command)"),
    "init": ("init", "Set a repository up: config, allowed signers and a CI gate, shown first"),
    "demo": ("demo", "Open the walker on a throwaway copy of the bundled sample Go service"),
    "checklists": ("checklists", "List the available checklists, shipped and the repository's own"),
    "show": ("show", "Render a checklist: sections, priorities, kinds, detectors"),
    "lint-checklist": ("lint_checklist", "Validate checklist definition files"),
    "scan": ("scan", "Detect readiness evidence in a Go repository"),
    "services": ("services", "List the services a repository deploys, and what is not a service"),
    "routes": ("routes", "List the HTTP routes the shipping Go code registers"),
    "detectors": ("detectors", "List the detector catalog, shipped and the repository's own"),
    "mark": ("mark", "Answer one item of the current draft"),
    "status": ("status", "Show the current draft: items, states, sources, summary, gates"),
    "sign": ("sign", "Build, sign and save the readiness record for a release"),
    "cosign": ("cosign", "Add your signature to an existing record"),
    "verify": ("verify", "Verify records' signatures (and, with --evidence, evidence drift)"),
    "gate": ("gate", "For CI: pass only if a verified record covers HEAD and passes the profile"),
    "history": ("history", "List every release's record: date, commit, score, gate, signers"),
    "diff": ("diff", "Show the items that changed between two releases' records"),
    "export": ("export", "Export a record as markdown, JSON, SARIF or an in-toto attestation"),
}


def _columns() -> int:
    """`shutil.get_terminal_size().columns`, as argparse sizes its help, without importing
    shutil: argparse imports it (and with it zlib, bz2, lzma: ~2 ms of every command) the
    first time it builds a formatter, which `add_argument` does for every option."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's own help layout, at the width argparse itself would choose."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = _columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


def _add_help(parser: argparse.ArgumentParser) -> None:
    # argparse's own -h text is lower case; golive's help texts are sentences.
    parser.add_argument("-h", "--help", action="help", help="Show this help and exit")


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for `argv`: when it starts with a command, only that command's subparser.

    What it buys: the 19 subparsers cost ~5 ms of a ~100 ms `golive scan --format json` answered
    from the memo. Everything else (top-level help, `--version`, a word that is no command)
    gets every subparser, so help and errors print as they always did.
    """
    parser = argparse.ArgumentParser(
        prog="golive",
        description="Production-readiness walks for Go services, with evidence and signed records.",
        add_help=False,
        formatter_class=_Formatter,
    )
    _add_help(parser)
    parser.add_argument(
        "--version",
        action="version",
        version=f"golive {__version__}",
        help="Show golive's version and exit",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="One of these (default: walk)"
    )
    wanted = argv[0] if argv and argv[0] in COMMANDS else None
    for name, (module, help_text) in COMMANDS.items():
        if wanted is not None and name != wanted:
            continue  # its help line shows only in the top-level help, never built here
        cmd = sub.add_parser(
            name,
            help=help_text,
            description=f"{help_text}.",
            add_help=False,
            formatter_class=_Formatter,
        )
        _add_help(cmd)
        # Only the module for the command being run is imported: keeps `golive scan` light.
        if name == wanted:
            mod = importlib.import_module(f"golive_tui.commands.{module}")
            mod.add_arguments(cmd)
            cmd.set_defaults(_run=mod.run)
    return parser


#: Commands that read, print and exit (no terminal UI, nothing left to write when they
#: return): the process may end without tearing the interpreter down (`entry`).
_QUICK = frozenset({"scan", "status", "gate", "verify"})
#: Commands that keep running while the repository changes (the Textual app).
_LIVE = frozenset({"walk", "demo"})
#: The command `main` ran in this process, if any.
_ran: list[str] = []
#: The cyclic collector's thresholds while a quick command runs (`entry`): a young-generation
#: pass every 100k allocations instead of every 700. Before a command runs, golive imports
#: what it needs: modules, classes, functions and tables that live until the process ends,
#: which every pass walked again to free next to nothing (moby's warm scan whose memo misses:
#: 12 passes before `golive scan` turns the collector off for the scan itself, ~3 ms; paired
#: runs 111.0 -> 108.5 ms). `status`, `gate` and `verify` run at these thresholds throughout.
_QUICK_GC = (100_000, 50, 100)
#: The thresholds `entry` found, put back for a command that is not quick (the walker).
_gc_saved: list[tuple[int, int, int]] = []


def entry() -> None:
    """The `golive` program: `main()`, then the process's end.

    After a quick command (`_QUICK`) whose output is flushed, with no other thread and no
    child process left, the process ends at once (`os._exit`) instead of tearing the
    interpreter down: freeing every module and object one by one, and a last pass of the
    cyclic collector over all of them, was pure cost for a process that is about to go.
    What it buys (golive scan --format json): moby warm 119 -> 108 ms, a memo hit 72 -> 65 ms,
    8x moby warm 304 -> 288 ms, cold 1.39 -> 1.33 s (paired runs). Anything else (a child
    still running, output that cannot be flushed) ends the usual way.

    The cyclic collector runs less often until the command is known (`_QUICK_GC`); any
    other command gets the usual thresholds back before it runs."""
    _gc_saved.append(gc.get_threshold())
    gc.set_threshold(*_QUICK_GC)
    code = main()
    if _ran and _ran[-1] in _QUICK and _alone():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stream: the usual end reports it as before
        else:
            os._exit(code)
    sys.exit(code)


def _alone() -> bool:
    """Whether this process has no other thread and no child process (Linux: /proc)."""
    import threading

    if threading.active_count() != 1:
        return False
    from pathlib import Path

    try:
        for task in Path("/proc/self/task").iterdir():
            if (task / "children").read_bytes().strip():
                return False
    except OSError:
        return False  # no /proc to tell: the usual end
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if len(args_list) >= 3 and args_list[0] == "-C" and args_list[2] in COMMANDS:
        # git's order, `golive -C PATH status`: the option belongs to the command.
        args_list = [args_list[2], "-C", args_list[1], *args_list[3:]]
    bare = not args_list or (
        args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")
    )
    if bare:
        args_list = ["walk", *args_list]
    parser = build_parser(args_list)
    args = parser.parse_args(args_list)
    run = getattr(args, "_run", None)
    if run is None:
        build_parser([]).print_help(sys.stderr)
        return 2
    _ran.append(str(args.command))
    if _gc_saved and _ran[-1] not in _QUICK:
        gc.set_threshold(*_gc_saved[0])  # a long-lived process (the walker): the usual passes
    # The output edge: repository text a command prints never reaches the terminal as a control
    # character (an OSC 52 clipboard write, a title change, a screen clear...).
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = wrapped(stdout), wrapped(stderr)
    # A command that prints and exits sees one view of the repository's services; the
    # walker and the demo find them again whenever they ask.
    from golive_tui.core.services.once import one_view

    view = contextlib.nullcontext() if _ran[-1] in _LIVE else one_view()
    try:
        with view:
            code: int = run(args)
    except GoliveError as exc:
        print(f"golive: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("golive: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    return code
