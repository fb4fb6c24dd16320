"""Walker figures, whole process: time to the first screen, to evidence on screen and to a
finished scan rendered, and how long a cursor move waits while the scan runs.

Each run is a new Python process (imports, checklist loading and the first paint included, as
`golive walk` pays them) that opens the real walker headless (Textual's run_test) with the real
scan, checklist and draft store, and times three paints from the moment the process was started:

- first screen: the first paint of the walker screen (items listed, with the evidence when
  the scan was done before it, else without);
- first evidence: the first paint where an item row differs from the first screen's (a
  detector's result changed an item's state), or the first screen when it was drawn with
  the finished scan;
- done: the first paint after the scan finished and its assessment was rendered.

While the scan runs a down-arrow key is sent every 50 ms (through the driver, as a terminal
sends one); "cursor" is the slowest time from a key to the paint that shows the moved
highlight, "keys" how many were sent during the scan. Once the scan is rendered, `--moves`
(25) more keys are sent one at a time, each once the last one's move was painted: "moves" is
their median key-to-paint (a key pressed while nothing else runs: what walking the list
costs); then as many space keys on one item (done, then not done again: each saves the
draft, assesses and redraws): "answers" is their median key-to-paint, to the paint whose
item row shows the new state.

    .venv/bin/python bench/walker_bench.py [REPO|sample|moby|moby8 ...] [--runs N]
        [--golive PATH] [--size 120x40] [--moves 25]

`moby` is /tmp/repos/moby; `moby8` an 8x monorepo built from it in /tmp at the first use (eight
copies of its tracked files outside vendor/, one commit; never committed anywhere). `sample` (the
default) is a fresh copy of the bundled sample service. The walk covers the whole repository
(every service's code: the scope "" that `golive walk` takes in a single-service repository),
so a repository of several services opens without the service picker; `--service NAME` walks
one service as `golive walk --service NAME` does (its services found first, its scan limited
to the code it ships).

Rows: the three paints from the process's start, then from the app's creation (imports and the
session already paid: how the walker's figures were first measured, issue 16), the process's
CPU time at the first screen and when done (the steadier figures on a busy machine), the slowest
cursor move while scanning, and the whole run's CPU (git included).

`--golive PATH` runs a second installation (a virtualenv or its python, e.g. another checkout's
`.venv`) in the same call: runs alternate A B A B so the machine's drift hits both, and the
medians and the pairwise ratio A/B are printed. Before the timed runs each installation walks
each repository once untimed (scan cache and bytecode files warm: the figures are warm scans).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from corpus import Corpus

MOBY = Path("/tmp/repos/moby")
MOBY8 = Path("/tmp/golive-bench-moby8")
COPIES = 8
TIMEOUT = 120  # seconds: a walker that never shows or never finishes its scan fails the run
KEY_EVERY = 0.05  # seconds between two down-arrow keys while the scan runs
PAINTS = ("first_screen", "first_evidence", "done")
#: Printed rows: from the process's start, then from the app's creation (imports and the
#: session already paid: how the walker's own figures were first measured), then the rest.
#: "cpu>": this process's CPU time (every thread; git's aside) when that paint happened, the
#: steadier figure on a busy machine; "cpu": the whole run's, git included.
ROWS = (
    *PAINTS,
    *(f"app>{p}" for p in PAINTS),
    "cpu>first_screen",
    "cpu>done",
    "cursor",
    "moves",
    "answers",
    "cpu",
)


# ---------------------------------------------------------------------- the timed process


def child(
    repo: str,
    started_ns: int,
    size: tuple[int, int],
    scan_start: str = "auto",
    service: str = "",
    moves: int = 0,
) -> None:
    """One walk in this process; prints its milestones as JSON, seconds since `started_ns`."""
    if scan_start != "auto":
        _force_scan_start(scan_start == "early")
    from golive_tui.commands import walk
    from golive_tui.commands.status import open_session
    from golive_tui.core.draft import DraftStore

    parser = argparse.ArgumentParser()
    walk.add_arguments(parser)
    args = parser.parse_args([repo])
    with _remembering_roots():  # as `golive walk` opens, where the installation has it
        scope = _scope(repo, service)
        scan = _early_scan(repo, scope)
        session = open_session(args, "walk", scope)
    store = DraftStore(session.root)
    for path in store.drafts():  # a fresh walk each time: no draft, no lock
        path.unlink()
    from golive_tui.tui.app import GoliveApp  # as walk.open_walker does

    app_ns = time.monotonic_ns()
    app = GoliveApp(
        walk.build_deps(session) if scan is None else walk.build_deps(session, (), scan)
    )
    marks: dict[str, float] = {"app": (app_ns - started_ns) / 1e9}
    asyncio.run(_drive(app, marks, started_ns, size, moves))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    marks["cpu"] = usage.ru_utime + usage.ru_stime + kids.ru_utime + kids.ru_stime
    print(json.dumps(marks))


def _remembering_roots() -> Any:
    """`golive walk`'s opening locates the repository once (core.git.listing), where the
    installation measured does; a context that changes nothing otherwise."""
    try:
        from golive_tui.core.git.listing import remembering_roots
    except ImportError:
        return contextlib.nullcontext()
    return remembering_roots()


def _force_scan_start(early: bool) -> None:
    """`--scan-start`: start the scan process before the session as on an idle machine, or
    after the first paint as on a busy one, whatever the load now (installations that have
    one: core.scan.apart)."""
    try:
        from golive_tui.core.scan import cores
    except ImportError:
        return
    cores.idle_core = lambda *_args: early  # type: ignore[assignment]


def _scope(repo: str, service: str) -> str:
    """ "" (the whole repository, no picker), or `service`'s scope as `golive walk --service`
    finds it: the repository's services first (core.services.choice)."""
    if not service:
        return ""
    from golive_tui.core.git.listing import worktree_root
    from golive_tui.core.services.choice import scope_of, services_of

    root = worktree_root(Path(repo))
    scope = scope_of(root, service, smap=services_of(root))
    assert scope is not None
    return scope


def _early_scan(repo: str, scope: str = "") -> Any:
    """The scan `golive walk` starts before it opens the session when a core is idle, where
    the installation measured has one (core.scan.apart); None otherwise (then the walker
    starts it)."""
    try:  # where `golive walk` finds them (commands/walk.py)
        from golive_tui.core.scan.apart import ScanApart
        from golive_tui.core.scan.cores import idle_core
    except ImportError:
        return None
    from golive_tui.core.git.listing import worktree_root

    return ScanApart(worktree_root(Path(repo)), scope) if idle_core() else None


async def _drive(
    app: Any, marks: dict[str, float], started_ns: int, size: tuple[int, int], moves: int = 0
) -> None:
    from textual import events

    from golive_tui.tui.screens.walker import WalkerScreen

    def now() -> float:
        return (time.monotonic_ns() - started_ns) / 1e9

    first_rows: list[str] = []
    keys: list[float] = []  # when each unanswered key was sent
    waits: list[float] = []
    state = {"highlighted": None}
    answer: dict[str, Any] = {"sent": None, "row": None}  # a space key not yet painted
    answered: list[float] = []
    display = app._display

    def rows(walker: Any) -> list[str]:
        items = walker.items
        return [str(items.get_option_at_index(i).prompt) for i in range(items.option_count)]

    def on_paint(screen: Any, renderable: Any) -> None:
        """Every paint of the compositor (called headless too, before output is skipped)."""
        display(screen, renderable)
        if not isinstance(screen, WalkerScreen) or not screen.is_mounted:
            return
        t = now()
        if "first_screen" not in marks:
            marks["first_screen"] = t
            marks["cpu>first_screen"] = time.process_time()
            first_rows.extend(rows(screen))
            state["highlighted"] = screen.items.highlighted
            if not screen.scanning and screen.report is not None:  # drawn with the evidence
                marks["first_evidence"] = marks["done"] = t
                marks["cpu>done"] = marks["cpu>first_screen"]
            return
        if "first_evidence" not in marks and rows(screen) != first_rows:
            marks["first_evidence"] = t
        if "done" not in marks and not screen.scanning and screen.report is not None:
            marks["done"] = t
            marks["cpu>done"] = time.process_time()
            marks.setdefault("first_evidence", t)
        highlighted = screen.items.highlighted
        if answer["sent"] is not None and highlighted is not None:
            row = str(screen.items.get_option_at_index(highlighted).prompt)
            if row != answer["row"]:
                answered.append(t - answer["sent"])
                answer["sent"] = None
        if highlighted != state["highlighted"]:
            state["highlighted"] = highlighted
            if keys:
                waits.append(t - keys.pop(0))

    app._display = on_paint
    give_up = time.monotonic() + TIMEOUT
    async with app.run_test(size=size):
        while "first_screen" not in marks:
            await asyncio.sleep(0.002)
            if time.monotonic() > give_up or not app.is_running:
                sys.exit(f"no walker screen within {TIMEOUT} s")
        walker = app.screen
        while "done" not in marks:
            if time.monotonic() > give_up or not app.is_running:
                sys.exit(f"the scan did not finish within {TIMEOUT} s")
            # One key at a time: the next is sent once the last one's move was painted.
            if not keys and walker.scanning and walker.items.option_count:
                key = events.Key("down", None)
                key.set_sender(app)
                keys.append(now())
                app._driver.send_message(key)
            await asyncio.sleep(KEY_EVERY if not keys else 0.002)
        settle = time.monotonic() + 2
        while keys and time.monotonic() < settle:  # a key still in flight is answered first
            await asyncio.sleep(0.002)
        marks["keys"] = len(waits)
        marks["cursor"] = max(waits, default=0.0)
        await app.workers.wait_for_complete()
        waits.clear()
        last = walker.items.option_count - 1
        for _ in range(moves):  # one key at a time, each once the last one's move was painted
            if walker.items.highlighted in (None, last):
                break
            key = events.Key("down", None)
            key.set_sender(app)
            keys.append(now())
            app._driver.send_message(key)
            settle = time.monotonic() + 5
            while keys and time.monotonic() < settle:
                await asyncio.sleep(0.001)
            if keys:
                sys.exit("a cursor move was not painted within 5 s")
        marks["moves"] = statistics.median(waits) if waits else 0.0
        # An item still to do takes space at once (one with evidence asks for a note first).
        todo = next((v.item.id for v in walker.visible_views() if v.state.value == "todo"), None)
        if todo is not None:
            walker.items.select_id(todo)
            await asyncio.sleep(0.05)
        for _ in range(moves if todo is not None else 0):  # done, then not done, and so on
            current = walker.items.highlighted
            if current is None or app.screen is not walker:
                break
            answer["row"] = str(walker.items.get_option_at_index(current).prompt)
            key = events.Key("space", " ")
            key.set_sender(app)
            answer["sent"] = now()
            app._driver.send_message(key)
            settle = time.monotonic() + 5
            while answer["sent"] is not None and time.monotonic() < settle:
                await asyncio.sleep(0.001)
            if answer["sent"] is not None:
                sys.exit("an answer was not painted within 5 s")
        marks["answers"] = statistics.median(answered) if answered else 0.0


# ---------------------------------------------------------------------- repositories


def prepare(name: str) -> Path:
    if name == "sample":
        from golive_tui.commands import demo

        return Path(demo.prepare(Path(tempfile.mkdtemp(prefix="golive-walker-bench-"))))
    if name == "moby":
        return MOBY
    if name == "moby8":
        return build_moby8()
    return Path(name).resolve()


def build_moby8() -> Path:
    """Eight copies of moby's tracked files (vendor/ aside) in one repository, one commit."""
    done = MOBY8 / ".git" / "golive-bench-built"
    if done.exists():
        return MOBY8
    shutil.rmtree(MOBY8, ignore_errors=True)
    listed = subprocess.run(
        ["git", "-C", str(MOBY), "ls-files", "-z"], check=True, capture_output=True
    ).stdout.decode()
    files = [p for p in listed.split("\0") if p and not p.startswith("vendor/")]
    for copy in range(COPIES):
        for rel in files:
            source = MOBY / rel
            if not source.is_file() or source.is_symlink():
                continue
            target = MOBY8 / f"copy{copy}" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    git = ["git", "-C", str(MOBY8), "-c", "user.name=bench", "-c", "user.email=bench@example"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "8x moby"], check=True)
    done.touch()
    return MOBY8


# ---------------------------------------------------------------------- the parent


def python_of(path: str) -> str:
    candidate = Path(path)
    if candidate.is_dir():
        candidate = candidate / "bin" / "python"
    return str(candidate)


def one_run(
    python: str, repo: Path, size: str, scan_start: str = "auto", service: str = "", moves: int = 0
) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.monotonic_ns()
    out = subprocess.run(
        [
            *(python, __file__, "--child", str(repo), "--started", str(started)),
            *("--size", size, "--scan-start", scan_start, "--service", service),
            *("--moves", str(moves)),
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),  # neither checkout's sources shadow the installation's
    )
    if out.returncode:
        sys.exit(f"{python} failed on {repo}:\n{out.stderr[-3000:]}")
    marks: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    for paint in PAINTS:
        marks[f"app>{paint}"] = marks[paint] - marks["app"]
    return marks


def report(repo: Path, runs: dict[str, list[dict[str, float]]]) -> None:
    labels = list(runs)
    print(f"\nwalker on {repo}, warm, {len(runs[labels[0]])} runs each (median, min-max)")
    print(
        f"{'':16}"
        + "".join(f"{label:>26}" for label in labels)
        + ("  A/B" if len(labels) > 1 else "")
    )
    for key in ROWS:
        cells = []
        medians = []
        for label in labels:
            values = [r[key] * 1000 for r in runs[label]]
            med = statistics.median(values)
            medians.append(med)
            cells.append(f"{med:>8.0f} ms ({min(values):.0f}-{max(values):.0f})")
        line = f"{key:16}" + "".join(f"{c:>26}" for c in cells)
        if len(labels) == 2:
            pairs = [
                a[key] / b[key]
                for a, b in zip(runs[labels[0]], runs[labels[1]], strict=True)
                if b[key] > 0
            ]
            if pairs:
                line += f"  {statistics.median(pairs):.2f}"
        print(line)
    keys = [int(r.get("keys", 0)) for label in labels for r in runs[label]]
    print(f"(cursor: slowest key-to-paint while scanning; {min(keys)}-{max(keys)} keys a run;")
    print(" moves, answers: median key-to-paint of down and space keys once the scan was rendered)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", help="sample, moby, moby8 or a path (default: sample)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--golive", help="a second installation (virtualenv or python) to compare")
    parser.add_argument("--size", default="120x40")
    parser.add_argument(
        "--scan-start",
        choices=("auto", "early", "late"),
        default="auto",
        help="where the walker's scan process starts: as golive decides from the idle cores "
        "(auto), before the session as on an idle machine (early), after the first paint "
        "as on a busy one (late)",
    )
    parser.add_argument(
        "--service", default="", help="walk one service, as `golive walk --service NAME` does"
    )
    parser.add_argument(
        "--moves",
        type=int,
        default=25,
        help="cursor moves timed once the scan is rendered (0: none)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--started", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    if args.child:
        child(args.child, args.started, (width, height), args.scan_start, args.service, args.moves)
        return
    installs = {"A (this)": sys.executable}
    if args.golive:
        installs["B (--golive)"] = python_of(args.golive)
    for name in args.repos or ["sample"]:
        repo = prepare(name)
        # Each install keeps its own golive state directory (scan cache, memos), renamed into
        # place before its runs (bench/corpus.py): two installs alternating on one repository
        # otherwise evicted each other's report memo, and every run scanned instead of being
        # answered from it, as a warm walker is. The first install's is left in place.
        state = Corpus(repo, 1)
        keys = {label: f"walker{n}" for n, label in enumerate(installs)}
        runs: dict[str, list[dict[str, float]]] = {label: [] for label in installs}
        for label, python in installs.items():
            state.activate(keys[label])
            # untimed: caches, bytecode warm
            one_run(python, repo, args.size, args.scan_start, args.service)
        for _ in range(args.runs):
            for label, python in installs.items():
                state.activate(keys[label])
                runs[label].append(
                    one_run(python, repo, args.size, args.scan_start, args.service, args.moves)
                )
        state.activate(keys[next(iter(installs))])
        report(repo, runs)


if __name__ == "__main__":
    main()
