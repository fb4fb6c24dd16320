"""Benchmark corpora: private copies of a public repository, built at bench time, never committed
to golive's repository.

Every case runs on its own copy under a work directory, never on the source: the bench renames
golive's state directory between runs (each golive install keeps its own scan cache), touches
file times (the stale-index case) and edits a file (the edit-one-file case), none of which may
disturb anyone else using the source. A copy is a fresh git repository: the source's tracked
files at HEAD (`git archive`), once at the root or N times in subdirectories `m0/ .. mN-1/` (the
synthetic monorepo), added and committed there. A corpus is reused by later runs when it was
built from the same commit with the same layout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from harness import BenchError

#: Bumped when the way a corpus is built changes: older corpora are rebuilt.
LAYOUT = 1
#: Every file's mtime after a build: older than the index, so no entry is racily clean (git
#: would re-read racy files on every `git status`, and golive's status never writes the index).
PAST = 1_600_000_000
_MARKER = "bench-corpus"
_STATE = "golive"  # golive's state directory inside the git dir (scan cache, drafts)
#: The edited file is a Go file golive cites as evidence (so the scan reads, parses and matches
#: it: an edit costs what a real one would), preferably one holding an `http.Server{` literal.
_EDIT_NEEDLE = b"http.Server{"
#: A `"path": "....go"` pair of the scan's JSON, read from the bytes: parsing a monorepo's JSON
#: (MBs) would raise this process's peak memory, the floor of every peak the bench reports.
_CITED_GO = re.compile(rb'"path":\s*"([^"\\]+\.go)"')
_GIT_IDENTITY = (
    "-c", "user.name=golive bench", "-c", "user.email=bench@localhost",
    "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null",
)  # fmt: skip


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in `cwd` (untimed set-up only); its stdout."""
    proc = subprocess.run(
        ["git", "-C", str(cwd), *args], capture_output=True, text=True, check=False
    )
    if check and proc.returncode != 0:
        raise BenchError(f"git {' '.join(args[:3])} in {cwd}: {proc.stderr.strip()[-500:]}")
    return proc.stdout


def source_commit(source: Path) -> str:
    """HEAD of the source (a working tree or a bare git dir), or a clear error."""
    if not source.exists():
        raise BenchError(
            f"{source}: no such repository. Give --source a local clone of a Go repository,"
            " e.g. `git clone --depth 1 https://github.com/moby/moby /tmp/repos/moby`"
        )
    return git(source, "rev-parse", "--verify", "HEAD^{commit}").strip()


def _extract(source: Path, dest: Path) -> None:
    """The source's tracked files at HEAD into `dest`; the archive is untrusted input, so
    tarfile's "data" filter refuses absolute paths, `..` and links out of `dest`."""
    dest.mkdir(parents=True)
    proc = subprocess.Popen(
        ["git", "-C", str(source), "archive", "--format=tar", "HEAD"], stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
        archive.extractall(dest, filter="data")
    if proc.wait() != 0:
        raise BenchError(f"git archive of {source} failed")


def _age(root: Path, stamp: int) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for name in filenames:
            os.utime(Path(dirpath, name), (stamp, stamp), follow_symlinks=False)


@dataclass
class Corpus:
    """One copy on disk, with the untimed moves the cases make between runs."""

    root: Path
    copies: int
    edit_path: Path | None = None
    _original: bytes = b""
    _content: str = "original"
    _active: str | None = None
    _git_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self._git_dir = self.root / ".git"

    # golive's state directory: one per install, renamed into place before its runs, so two
    # versions with different cache formats never discard each other's cache.
    def activate(self, install: str) -> None:
        if self._active == install:
            return
        live = self._git_dir / _STATE
        if self._active is not None and live.exists():
            live.rename(self._git_dir / f"{_STATE}.{self._active}")
        parked = self._git_dir / f"{_STATE}.{install}"
        if parked.exists():
            parked.rename(live)
        self._active = install

    def forget_state(self) -> None:
        """Remove every install's state directory: each bench starts with empty caches."""
        for path in [self._git_dir / _STATE, *self._git_dir.glob(f"{_STATE}.*")]:
            if path.is_dir():
                shutil.rmtree(path)
        self._active = None

    def forget_memos(self) -> None:
        """Remove the active install's scan memos (whole reports, one per tree scanned), so
        the next warm scan is answered by the per-file cache alone."""
        reports = self._git_dir / _STATE / "cache" / "reports"
        if reports.is_dir():
            shutil.rmtree(reports)

    def set_edit(self, content: str) -> None:
        """The edit target holds the original bytes ("original") or them plus a comment naming
        `content` (a new blob, so a miss for every cache); the index is refreshed after a
        restore, so a warm scan finds a clean tree."""
        if self._content == content:
            return
        if self.edit_path is None:
            return
        if content == "original":
            self.edit_path.write_bytes(self._original)
            self.refresh()
        else:
            self.edit_path.write_bytes(self._original + f"\n// bench edit {content}\n".encode())
        self._content = content

    def choose_edit(self, scan_json: bytes) -> Path:
        """The file the edit case edits, from a golive scan's JSON of this corpus: the last (in
        path order: the last copy of the monorepo) shipping Go file cited as evidence, one with
        an `http.Server{` literal if any. golive reads only code a service ships, so a file
        picked by name alone might never be read and the edit would cost nothing."""
        found = {match.decode() for match in _CITED_GO.findall(scan_json)}
        cited = sorted(path for path in found if not path.endswith("_test.go"))
        files = [self.root / path for path in cited if (self.root / path).is_file()]
        if not files:
            raise BenchError(f"{self.root}: golive cites no Go file to edit")
        with_needle = [path for path in files if _EDIT_NEEDLE in path.read_bytes()]
        self.edit_path = (with_needle or files)[-1]
        self._original = self.edit_path.read_bytes()
        self._content = "original"
        return self.edit_path

    def touch_all(self, stamp: int) -> None:
        """Every file's mtime to `stamp`: git's index stat data no longer matches (the state
        after a copy, a CI cache restore or a checkout tool that rewrites files)."""
        _age(self.root, stamp)

    def refresh(self) -> None:
        git(self.root, "update-index", "-q", "--refresh", check=False)

    def restore(self) -> None:
        """Back to the built state: original file, fresh index, this install's state parked."""
        self.set_edit("original")
        self.refresh()


def build(source: Path, dest: Path, copies: int, keep_vendor: bool = True) -> Corpus:
    """The corpus at `dest` (built now, or reused when built from the same commit).

    `keep_vendor=False` drops the source's top-level vendor/ from every copy: a monorepo has
    one vendor/ at most, not one per module (8x moby: 26,504 files instead of 104,192)."""
    commit = source_commit(source)
    stamp = f"{LAYOUT} {commit} {copies} {'vendor' if keep_vendor else 'no-vendor'}\n"
    marker = dest / ".git" / _MARKER
    if not (marker.is_file() and marker.read_text() == stamp):
        if dest.exists():
            shutil.rmtree(dest)
        if copies == 1:
            _extract(source, dest)
        else:
            _extract(source, dest / "m0")
            if not keep_vendor and (dest / "m0" / "vendor").is_dir():
                shutil.rmtree(dest / "m0" / "vendor")
            for n in range(1, copies):
                shutil.copytree(dest / "m0", dest / f"m{n}", symlinks=True)
        _age(dest, PAST)
        git(dest, "init", "-q")
        git(dest, "add", "-A")
        git(dest, *_GIT_IDENTITY, "commit", "-q", "--no-verify", "-m", f"bench corpus {commit}")
        marker.write_text(stamp)
    corpus = Corpus(dest, copies)
    git(dest, "checkout", "-q", "--", ".")  # an edit an interrupted bench left behind
    corpus.forget_state()
    corpus.refresh()  # after an interrupted stale-index case
    return corpus
