"""Warm scans: unchanged (answered from the scan memo) and right after editing one Go file.

    .venv/bin/python bench/warm_bench.py /tmp/repos/moby [--runs 15] [--vs OTHER_GOLIVE]
        [--copies 8] [--edit PATH]

Times whole `golive scan --format json` processes, start-up included: wall seconds and CPU
seconds (user + system of the process and the git commands it waited for, from wait4), median
and best of RUNS, two cases per golive:
- warm: nothing changed since the last scan (one untimed scan first);
- edit: one Go file (`--edit`, default: the first tracked non-test Go file outside vendor/,
  testdata/ and examples) gets a new comment line before each run, so its blob is new every
  time; the file is restored at the end.
With `--vs`, a second golive (e.g. another checkout's `.venv/bin/golive`) runs each case in turn
with the first, run by run, and the A/B ratios are taken pair by pair. Use separate clones for
the two when their cache formats differ (each would discard the other's cache).
`--copies N` builds an N-fold synthetic monorepo first (the repository's HEAD, vendor/ left out,
copied into N folders of one new git repository under a temporary directory) and scans that.

Python's bytecode cache is allowed (PYTHONDONTWRITEBYTECODE dropped), as for an installed copy;
set PYTHONPYCACHEPREFIX to keep the .pyc files out of the source trees.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(golive: str, repo: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one whole scan process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [golive, "scan", "-C", str(repo), "--format", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{golive} scan {repo} failed (exit {proc.returncode})")
    return wall, usage.ru_utime + usage.ru_stime


def edit_target(repo: Path) -> str:
    listed = subprocess.run(
        ["git", "ls-files", "*.go"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.split()
    skip = ("vendor/", "testdata/", "example", "_test.go", "integration")
    for path in listed:
        if not any(s in path for s in skip):
            return path
    raise SystemExit(f"{repo}: no Go file to edit")


def monorepo(source: Path, copies: int, parent: Path) -> Path:
    root = parent / f"x{copies}"
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    for i in range(copies):
        target = root / f"copy{i}"
        target.mkdir()
        archive = subprocess.Popen(["git", "archive", "HEAD"], cwd=source, stdout=subprocess.PIPE)
        subprocess.run(
            ["tar", "-x", "--exclude=vendor/*", "--exclude=*/vendor/*", "-C", str(target)],
            stdin=archive.stdout,
            check=True,
        )
        archive.wait()
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, capture_output=True)
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.com",
            "commit",
            "-qm",
            "x",
        ],
        cwd=root,
        check=True,
    )
    return root


def bench(golives: list[str], repos: list[Path], edit: str, runs: int) -> None:
    """Each case: every golive once per round, in turn; figures per golive and A/B ratios."""
    for case in ("warm", "edit"):
        samples: list[list[tuple[float, float]]] = [[] for _ in golives]
        targets = [repo / edit for repo in repos]
        originals = [t.read_bytes() for t in targets]
        try:
            for g, repo in zip(golives, repos, strict=True):
                run_once(g, repo)  # untimed: caches and memo in place
            for n in range(runs):
                for i, (g, repo) in enumerate(zip(golives, repos, strict=True)):
                    if case == "edit":
                        with targets[i].open("ab") as f:
                            f.write(f"// edit {n} {time.time_ns()}\n".encode())
                    samples[i].append(run_once(g, repo))
        finally:
            for target, original in zip(targets, originals, strict=True):
                target.write_bytes(original)
        for g, s in zip(golives, samples, strict=True):
            walls, cpus = [w for w, _ in s], [c for _, c in s]
            print(
                f"{case:5} {g}: wall median {statistics.median(walls):.3f} best {min(walls):.3f}"
                f" | cpu median {statistics.median(cpus):.3f} best {min(cpus):.3f}"
            )
        if len(golives) == 2:
            a, b = samples
            wall = statistics.median(x[0] / y[0] for x, y in zip(a, b, strict=True))
            cpu = statistics.median(x[1] / y[1] for x, y in zip(a, b, strict=True))
            print(f"{case:5} A/B paired median: wall {wall:.2f}, cpu {cpu:.2f}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--vs", metavar="GOLIVE", help="a second golive, timed in turn")
    parser.add_argument("--vs-repo", type=Path, help="its own clone of the repository")
    parser.add_argument("--copies", type=int, default=0, help="scan an N-fold monorepo instead")
    parser.add_argument("--edit", help="the Go file edited in the edit case")
    args = parser.parse_args(argv)
    golive = str(Path(sys.executable).with_name("golive"))
    golives = [golive] + ([args.vs] if args.vs else [])
    with tempfile.TemporaryDirectory(prefix="golive-warm-") as tmp:
        repo = args.repo.resolve()
        other = (args.vs_repo or args.repo).resolve()
        if args.copies:
            repo = monorepo(repo, args.copies, Path(tmp))
            other = repo if not args.vs_repo else monorepo(other, args.copies, Path(tmp) / "b")
        repos = [repo] + ([other] if args.vs else [])
        edit = args.edit or edit_target(repo)
        print(f"{repo} (edit case: {edit}), {args.runs} runs")
        bench(golives, repos, edit, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
