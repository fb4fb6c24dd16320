"""Benchmark the record commands on a repository holding many signed records.

    .venv/bin/python bench/records_bench.py [--records 301] [--keep DIR]

Builds a copy of the bundled sample service with N signed records (one release a record, every
release tagged, the signing key committed to main's .golive/allowed_signers), then times whole
golive processes as a user runs them: `status --format json`, `gate --release <newest>`,
`verify --all`, `history` and `history --verify`, each once with golive's parse cache empty
(cold) and once with it filled (warm). Each command runs under `/usr/bin/time -v` (when
present) for wall time and peak resident memory. The git configuration is a private one
(HOME and GIT_CONFIG_GLOBAL point into the benchmark's folder): nothing of the user's is used.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLIVE = [sys.executable, "-m", "golive_tui"]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        HOME=str(home),
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        XDG_CONFIG_HOME=str(home / ".config"),
    )
    env.pop("SSH_AUTH_SOCK", None)
    return env


def _git(root: Path, env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def build(base: Path, count: int) -> tuple[Path, dict[str, str], str]:
    """The repository, its environment, and the newest release's name."""
    from golive_tui.commands.demo import sample_source

    home = base / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Ada Tester\n\temail = ada@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
        "[gpg]\n\tformat = ssh\n"
    )
    key = home / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    env = _env(home)
    root = base / "svc"
    shutil.copytree(sample_source(), root)
    _git(root, env, "init", "-q")
    _git(root, env, "config", "user.signingkey", str(key))
    pub = key.with_suffix(".pub").read_text().split()
    allowed = root / ".golive" / "allowed_signers"
    allowed.parent.mkdir(parents=True)
    allowed.write_text(f'ada@example.com namespaces="golive-record" {pub[0]} {pub[1]}\n')
    _git(root, env, "add", "-A")
    _git(root, env, "commit", "-q", "-m", "initial")
    names = [f"v0.{i // 100}.{i % 100}" for i in range(count)]
    for name in names:
        _git(root, env, "tag", name)
    first = subprocess.run(
        [*GOLIVE, "sign", "--release", names[0]], cwd=root, env=env, capture_output=True, text=True
    )
    if first.returncode != 0:
        raise SystemExit(f"golive sign failed: {first.stderr}")
    _clone_records(root, env, names)
    _git(root, env, "add", "-A")
    _git(root, env, "commit", "-q", "-m", f"{count} records")
    return root, env, names[-1]


def _clone_records(root: Path, env: dict[str, str], names: list[str]) -> None:
    """Every other release's record: the first one renamed, re-dated and signed again."""
    code = (
        "import dataclasses, sys\n"
        "from pathlib import Path\n"
        "from golive_tui.core.record.store import load_record, record_path, write_record\n"
        "from golive_tui.core.record.verify import sign_record\n"
        "root = Path(sys.argv[1]); names = sys.argv[2:]\n"
        "first = load_record(record_path(root, names[0]))\n"
        "base = dataclasses.replace(first, signatures=())\n"
        "for n, name in enumerate(names[1:], 1):\n"
        "    day = 1 + n % 28; month = 1 + (n // 28) % 12\n"
        "    rec = dataclasses.replace(base, release=name,\n"
        "        created=f'2026-{month:02d}-{day:02d}T10:{n % 60:02d}:00Z')\n"
        "    write_record(record_path(root, name), sign_record(rec, root))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(root), *names], cwd=root, env=env, check=True)


@dataclasses.dataclass
class Timing:
    command: str
    seconds: float
    cpu: float  # user + system seconds of the process tree
    peak_mib: float
    exit: int


def timed(root: Path, env: dict[str, str], args: list[str]) -> Timing:
    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else "")
    argv = [*GOLIVE, *args]
    start = time.perf_counter()
    if timer:
        proc = subprocess.run(
            [timer, "-v", *argv], cwd=root, env=env, capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
        peak = int(rss.group(1)) / 1024 if rss else 0.0
        cpu = sum(
            float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", proc.stderr)
        )
    else:
        proc = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        peak = cpu = 0.0
    return Timing(" ".join(["golive", *args]), wall, cpu, peak, proc.returncode)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=301)
    parser.add_argument("--keep", metavar="DIR", help="Build the repository in DIR and keep it")
    parser.add_argument("--runs", type=int, default=1, help="Runs per command (best is shown)")
    args = parser.parse_args()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="golive-records-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        root, env, newest = build(base, args.records)
        commands = [
            ["status", "--format", "json"],
            ["gate", "--release", newest],
            ["verify", "--all"],
            ["history"],
            ["history", "--verify"],
        ]
        timed(root, env, ["history"])  # warm-up: bytecode and OS caches
        cache = Path(env["HOME"]) / ".cache" / "golive"
        print(f"{args.records} records in {root}")
        print(
            f"{'command':<36} {'cache':>5} {'wall s':>7} {'CPU s':>6} {'peak MiB':>9} {'exit':>5}"
        )
        for command in commands:
            for label in ("cold", "warm"):
                runs = []
                for _ in range(args.runs):
                    if label == "cold":  # golive's parse cache emptied (the OS cache stays warm)
                        shutil.rmtree(cache, ignore_errors=True)
                    runs.append(timed(root, env, command))
                best = min(runs, key=lambda t: t.seconds)
                print(
                    f"{best.command:<36} {label:>5} {best.seconds:7.2f} {best.cpu:6.2f} "
                    f"{best.peak_mib:9.1f} {best.exit:5d}"
                )
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
