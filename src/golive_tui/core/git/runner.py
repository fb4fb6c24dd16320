"""The one runner: every git command golive starts goes through this module.

A repository is untrusted input, and its `.git/config` can name programs that git runs on an
ordinary read: a `core.fsmonitor` hook, hooks such as `post-index-change` (fired when `git
status` refreshes the index), clean/smudge filter drivers (run when `status` or `hash-object`
hashes a file), external diff and textconv drivers. `git_env` switches every one of them off
with command-line-level settings (GIT_CONFIG_COUNT/KEY/VALUE: they win over every config file,
and reach git's own child processes too), takes no optional locks (a read never
writes the index), never pages, never prompts and never follows replace refs. Every way of
starting git here uses it: `git_run` (text), `git_out` (its output), `git_bytes` (blob contents),
`git_checked` (raises), `start`/`collect` (commands that run while golive does other work) and
`CatFile` (a commit's blobs). Diffs add `NO_DRIVERS`. Only `golive sign --commit`, which commits
on the user's behalf, asks for `hooks=True`, so the user's commit hooks run as they would for
`git commit`.

Every call runs in the given directory with output captured, stdin closed (no prompt can wait
for a person; `CatFile` writes object names to its own pipe) and a timeout. A failure is
`GitError`, the one error type, or None from the variants whose callers treat "git could not
answer" as "nothing known".
"""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from golive_tui.core.errors import RepoError


class GitError(RepoError):
    """git could not run, timed out or failed; the message names the command and says why."""


#: Settings that beat the repository's own config on every git command golive runs.
SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),  # no fsmonitor hook program (nor daemon)
    ("core.hooksPath", os.devnull),  # no hook of any kind: /dev/null/<hook> never exists
    ("core.pager", "cat"),
    ("log.showSignature", "false"),  # would run gpg.program on `git log`
    ("color.ui", "false"),  # output is parsed: never coloured, never in columns
    ("column.ui", "never"),
)

#: Flags for any command that produces a diff or shows a blob: no external diff, no textconv.
NO_DRIVERS: tuple[str, ...] = ("--no-ext-diff", "--no-textconv")

#: Config scopes the user controls; anything else (local, worktree) comes with the repository.
USER_SCOPES = frozenset({"system", "global", "command"})

_FILTER_KEYS = (("clean", ""), ("smudge", ""), ("process", ""), ("required", "false"))

#: More filter drivers than any real repository defines; past it golive refuses the repository
#: (switching off each one costs environment space, and exec fails once that runs out).
MAX_FILTER_DRIVERS = 200


def git_executable() -> str:
    """`git`, or GIT_PYTHON_GIT_EXECUTABLE (honoured from when golive ran git through GitPython)."""
    return os.environ.get("GIT_PYTHON_GIT_EXECUTABLE") or "git"


def _with_config(env: dict[str, str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Append `pairs` to the command-line config in `env` (after any the user set already)."""
    try:
        count = max(int(env.get("GIT_CONFIG_COUNT", "0")), 0)
    except ValueError:
        count = 0
    for key, value in pairs:
        env[f"GIT_CONFIG_KEY_{count}"] = key
        env[f"GIT_CONFIG_VALUE_{count}"] = value
        count += 1
    env["GIT_CONFIG_COUNT"] = str(count)
    return env


def _base_env(*, hooks: bool = False, refresh: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        LANGUAGE="C",  # messages in the C locale, so they parse the same everywhere
        LC_ALL="C",
        GIT_OPTIONAL_LOCKS="0",  # `status` neither writes the index nor fires post-index-change
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        GIT_NO_REPLACE_OBJECTS="1",  # objects are what they are: refs/replace cannot swap them
    )
    if refresh and os.environ.get("GIT_OPTIONAL_LOCKS") != "0":
        del env["GIT_OPTIONAL_LOCKS"]  # see `start(refresh=True)`; hooks stay off either way
    pairs = SAFE_CONFIG if not hooks else [p for p in SAFE_CONFIG if p[0] != "core.hooksPath"]
    return _with_config(env, pairs)


def git_env(
    root: Path | None = None, *, hooks: bool = False, config: Iterable[tuple[str, str]] = ()
) -> dict[str, str]:
    """The environment every git command golive runs gets (see the module docstring).

    With `root`, filter drivers defined in that repository's own config are switched off too
    (built-in conversions such as eol and ident stay). `config` adds settings of the caller's.
    `hooks=True` leaves hooks on: only for a commit the user asked golive to make.
    """
    env = _base_env(hooks=hooks)
    if root is not None:
        _with_config(env, _repo_filters(root))
    return _with_config(env, config)


def _repo_filters(root: Path) -> tuple[tuple[str, str], ...]:
    filters = _repo_config(root)[0]
    if filters is None:  # never run git there without knowing which filters to switch off
        raise GitError(
            f"{root}: git did not answer which filter drivers the repository's config "
            "defines (git config timed out), so golive runs no git command there"
        )
    return filters


def untracked_cache_configured(root: Path) -> bool:
    """Whether any git config (the user's or the repository's) sets core.untrackedCache.

    Read by the same `git config` run as the filter drivers (no program runs: hooks, fsmonitor
    and every repository-named program are off for it like for every other command)."""
    return _repo_config(root)[1]


def _repo_config(root: Path) -> tuple[tuple[tuple[str, str], ...] | None, bool]:
    stamp = _config_stamp(root)
    if stamp is None:  # a config that includes other files: asked every time
        return _config_overrides.__wrapped__(str(root), None)
    return _config_overrides(str(root), stamp)


#: Bytes of a repository config file read to see whether it includes others; a longer file is
#: treated as one that does (asked every time).
MAX_CONFIG_READ = 1 << 20


def _config_stamp(root: Path | str) -> int | None:
    """When the repository's config was last written (0 when unknown): a new stamp asks git
    for its filter drivers again, so a long-lived walker sees a driver added meanwhile.

    Where `.git` is a file (a linked worktree, a submodule) the config lives in the git dir it
    names, or in the common dir two levels above that (`<common>/worktrees/<name>`): both are
    stated, never read (the `.git` file is read, at most 4 KiB). Before, such a repository's
    stamp was always 0, so its drivers were asked once per process.

    None when a config file includes another (`[include]`, `[includeIf]`): the included file
    can change (a tracked file after a checkout, for one) while the config's own time does
    not, so the answer is asked again for every command instead of kept."""
    dotgit = Path(root) / ".git"
    try:
        linked = dotgit.is_file()
    except OSError:
        return 0
    files: tuple[Path, ...]
    if not linked:
        files = (dotgit / "config", dotgit / "config.worktree")
    else:
        gitdir = named_gitdir(Path(root))
        if gitdir is None:
            return 0
        files = (gitdir / "config", gitdir / "config.worktree", gitdir.parent.parent / "config")
    times = []
    for config in files:
        try:
            st = config.stat()
        except OSError:
            times.append(0)
            continue
        if _includes(str(config), st.st_mtime_ns, st.st_size):
            return None
        times.append(st.st_mtime_ns)
    return hash(tuple(times))


@functools.lru_cache(maxsize=64)
def _includes(path: str, mtime_ns: int, size: int) -> bool:
    """Whether the config file at `path` may include another (read once per version of it,
    at most MAX_CONFIG_READ bytes; a longer or unreadable file counts as one that does)."""
    if size > MAX_CONFIG_READ:
        return True
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_CONFIG_READ + 1)
    except OSError:
        return True
    return len(data) > MAX_CONFIG_READ or b"include" in data.lower()


def named_gitdir(root: Path) -> Path | None:
    """The git dir a `.git` file at `root` names (`gitdir: <path>`, relative to `root` unless
    absolute; not resolved), or None: no such file, unreadable, or not that shape. At most
    4 KiB of it is read."""
    try:
        with (root / ".git").open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "surrogateescape")
    except OSError:
        return None
    lines = head.removeprefix("gitdir: ").splitlines() if head.startswith("gitdir: ") else []
    if not lines or not lines[0]:
        return None
    named = Path(lines[0])
    return named if named.is_absolute() else root / named


#: What `git config` printed for a repository, asked early (`ConfigQuery`), by (root, stamp).
_ASKED: dict[tuple[str, int], bytes] = {}
_CONFIG_QUERY = (
    "config",
    "--show-scope",
    "-z",
    "--get-regexp",
    r"^filter\.|^core\.untrackedcache$",
)


class ConfigQuery:
    """The `git config` query golive's settings depend on, started before the repository's
    root is known (it answers the same from any folder of the repository): `locate` runs it
    alongside `git rev-parse` instead of before the first command of the repository
    (~3 ms sooner to `git status` on the scan's path)."""

    def __init__(self, where: Path) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        if _ASKED or _config_overrides.cache_info().currsize:
            # A process that already asked (the walker, tests; or whose earlier answer is still
            # waiting in `_ASKED`: a command's opening locates its folder up to three times):
            # as needed from now on.
            return
        with contextlib.suppress(OSError):
            self._proc = _popen_config(where)

    def keep(self, root: Path | None) -> None:
        """Remember the answer as the repository at `root`'s (None: not a repository)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return
        if root is None or len(_ASKED) >= 32:
            return
        stamp = _config_stamp(root)
        if stamp is not None:  # else asked again by each command (`_config_stamp`)
            _ASKED[(str(root), stamp)] = out


def _popen_config(cwd: Path | str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [git_executable(), *_CONFIG_QUERY],
        cwd=cwd,
        env=_base_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


@functools.lru_cache(maxsize=32)
def _config_overrides(
    root: str, stamp: int | None
) -> tuple[tuple[tuple[str, str], ...] | None, bool]:
    """Empty commands for each filter driver the repository's config (or its includes)
    defines, and whether core.untrackedCache is set anywhere: one `git config` run for both.

    Attributes name a driver, config defines its programs; a driver whose programs are empty is
    no driver at all. Cached per repository and config file modification time. None for the
    drivers when git ran but did not answer in time: `_repo_filters` then refuses, since a
    driver left on would run the repository's program (fails closed; a git that cannot start
    at all runs nothing either).
    """
    out = _ASKED.pop((root, stamp), None) if stamp is not None else None
    if out is None:
        try:
            proc = _popen_config(root)
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return None, True  # nothing known: leave the untracked cache as it is
        except OSError:
            return (), True
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    names: list[str] = []
    untracked_cache = False
    for scope, entry in zip(fields[0::2], fields[1::2], strict=False):
        key = entry.partition("\n")[0]
        if key == "core.untrackedcache":
            untracked_cache = True
            continue
        name = key.removeprefix("filter.").rpartition(".")[0]
        if scope not in USER_SCOPES and name and name not in names:
            names.append(name)
    if len(names) > MAX_FILTER_DRIVERS:
        raise RepoError(
            f"{root}: the repository's git config defines {len(names)} filter drivers "
            f"(golive switches off at most {MAX_FILTER_DRIVERS}); remove them from .git/config"
        )
    filters = tuple((f"filter.{n}.{var}", value) for n in names for var, value in _FILTER_KEYS)
    return filters, untracked_cache


def git_run(
    root: Path | None,
    *args: str,
    timeout: float = 60,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str] | None:
    """`git ARGS` in `root` as text; None when git cannot run at all (missing, timed out).

    `env` replaces `git_env(root)` only for a caller that built it from `git_env` (the commit
    `golive sign --commit` makes, with the user's hooks and signing programs).
    """
    try:
        return subprocess.run(
            [git_executable(), *args],
            cwd=root,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            # Paths are bytes to git: decoded (and encoded back) as os.fsdecode does, so a
            # file name that is not UTF-8 reads as a path instead of raising.
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
            timeout=timeout,
            env=dict(env) if env is not None else git_env(root),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def git_checked(
    root: Path | None, *args: str, timeout: float = 60, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`git ARGS` as `git_run`, for callers that read the exit status themselves.

    GitError when git could not run at all (missing, timed out).
    """
    proc = git_run(root, *args, timeout=timeout, input=input)
    if proc is None:
        raise GitError(f"git {' '.join(args)}: git could not run (not installed, or timed out)")
    return proc


def git_out(root: Path | None, *args: str, timeout: float = 60) -> str | None:
    """stdout of `git ARGS` when it succeeds, else None."""
    proc = git_run(root, *args, timeout=timeout)
    return proc.stdout if proc is not None and proc.returncode == 0 else None


def git_bytes(
    root: Path | None,
    *args: str,
    timeout: float = 60,
    input: bytes | None = None,
    config: Iterable[tuple[str, str]] = (),
) -> bytes | None:
    """stdout of `git ARGS` as bytes (blob contents, paths) when it succeeds, else None;
    `config`: settings of the caller's (git_env)."""
    try:
        proc = subprocess.run(
            [git_executable(), *args],
            cwd=root,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            check=False,
            timeout=timeout,
            env=git_env(root, config=config),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def start(
    cwd: Path,
    args: list[str],
    *,
    repo: bool = True,
    refresh: bool = False,
    config: Iterable[tuple[str, str]] = (),
    spool: bool = False,
) -> subprocess.Popen[bytes]:
    """Start `git ARGS` in `cwd` and return at once (OSError when git cannot be run at all).

    For commands whose output is collected later (`collect`), while golive does other work.
    `spool=True` has git write into an anonymous in-memory file instead of a pipe, where the
    OS has one (Linux): a pipe holds 64 KB, so a long listing stopped git until golive came
    to read it, and git's work did not overlap golive's after all (8x moby: `ls-files`
    prints 3 MB, ~10 ms of git that waited for the scan's start-up to end).
    `repo=False` before the repository is located: no lookup of its filter drivers yet.
    `refresh=True` lets `git status` take its optional index lock and write back the stat
    data it refreshed, as a `git status` typed by the user does (docs/security.md): only for
    `golive scan`, a command run in the foreground, never for the walker's background scans.
    With hooks, fsmonitor and filter drivers off, nothing the repository configures runs.
    `config` adds settings of the caller's (after golive's own).
    """
    env = git_env(cwd if repo else None)
    if refresh:
        env = _with_config(_base_env(refresh=True), _repo_filters(cwd) if repo else ())
    _with_config(env, config)
    command = [git_executable(), *args]
    file = _spool() if spool else None
    if file is not None:
        try:
            return _Spooled(file, command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=file, env=env)
        except BaseException:
            file.close()
            raise
    return subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _spool() -> IO[bytes] | None:
    """An anonymous in-memory file for git's output; None where there is none (a pipe then).
    A file object, not a descriptor: one left unread (a scan stopped) is closed when it goes."""
    try:
        fd = os.memfd_create("golive-git", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # not Linux, or a kernel or sandbox without memfd
        return None
    return open(fd, "w+b", buffering=0)  # noqa: PTH123 (a descriptor, not a path)


class _Spooled(subprocess.Popen[bytes]):
    """A git process whose output goes to the in-memory file `spool` (`start(spool=True)`)."""

    def __init__(self, spool: IO[bytes], command: list[str], **kwargs: Any) -> None:
        self.spool = spool
        super().__init__(command, stderr=subprocess.PIPE, **kwargs)

    def output(self) -> bytes:
        """Everything git wrote, once it has exited; the file is closed."""
        with self.spool:
            self.spool.seek(0)
            return self.spool.read()


def communicate(proc: subprocess.Popen[bytes], what: str, *, timeout: float) -> tuple[bytes, bytes]:
    """A started git command's output; a GitError, not a hang, when it runs past `timeout`."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        if isinstance(proc, _Spooled):
            proc.spool.close()
        raise GitError(f"git {what} did not finish within {timeout:.0f}s") from None
    if isinstance(proc, _Spooled):
        out = proc.output()
    return out, err


def collect(proc: subprocess.Popen[bytes], what: str, *, timeout: float) -> bytes:
    """All of a started git command's output; GitError with git's message if it failed."""
    out, err = communicate(proc, what, timeout=timeout)
    if proc.returncode != 0:
        message = err.decode("utf-8", "replace").strip() or f"exit status {proc.returncode}"
        raise GitError(f"git {what} failed: {message}")
    return out


class CatFile:
    """Blob contents from one long-lived `git cat-file --batch` (started on first use).

    One process for all of a commit's blobs instead of one per file. A read waits on git's
    pipe without a timeout: git answers a name it was given from its object store at once,
    and `close` ends the process (killing it if it does not exit).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._proc: subprocess.Popen[bytes] | None = None

    def _process(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._proc = subprocess.Popen(
                [git_executable(), "cat-file", "--batch"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=git_env(self.root),
            )
        return self._proc

    def read(self, oid: str, *, limit: int) -> tuple[int, bytes | None]:
        """(size, contents) of object `oid`; contents None when its size is over `limit`.

        GitError when the object is missing or git stopped answering.
        """
        proc = self._process()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(oid.encode("ascii", "replace") + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
        except (OSError, ValueError) as exc:
            self.close()
            raise GitError(f"git cat-file stopped answering ({exc})") from None
        if len(header) != 3 or not header[2].isdigit():
            if header[-1:] != [b"missing"]:
                self.close()  # out of step with git: start afresh on the next read
            raise GitError(f"object {oid} is {b' '.join(header[1:]).decode() or 'unreadable'}")
        size = int(header[2])
        data = _read_exactly(proc.stdout, size, keep=size <= limit)
        proc.stdout.read(1)  # the newline after the contents
        return size, data

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _read_exactly(stream: IO[bytes], size: int, *, keep: bool) -> bytes | None:
    """`size` bytes from `stream` (all of them, so the next answer starts in step)."""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            raise GitError("git cat-file ended in the middle of an object")
        left -= len(chunk)
        if keep:
            chunks.append(chunk)
    return b"".join(chunks) if keep else None
