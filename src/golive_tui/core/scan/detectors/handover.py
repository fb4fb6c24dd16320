"""Hand-overs in a shell command: `make target`, `task name`, a script (with its arguments),
`docker buildx bake`; what the CI following walks into next.
"""

from __future__ import annotations

import re

from golive_tui.core.scan.detectors.shell import _ASSIGN, Command, _operands, program, program_index
from golive_tui.core.tuples import NamedTuple

_MAKE_ARG_FLAGS = frozenset(
    {
        "-o",
        "--old-file",
        "--assume-old",
        "-W",
        "--what-if",
        "--new-file",
        "--assume-new",
        "-I",
        "--include-dir",
    }
)


#: `make NAME=value`: make allows more in a name than the shell (`test-flags=""`).
_MAKE_OVERRIDE = re.compile(r"[A-Za-z_][\w.-]*[:+?]?=")


class Call(NamedTuple):
    """A command that hands over to something we can follow: a make target, a task, a script."""

    kind: str  # "make" | "task" | "script" | "bake"
    where: str  # make: dir:D / file:F ("" = default); task: dir; script: path
    names: tuple[str, ...]  # targets / tasks ("" = the default); script: candidate paths
    # script: its arguments; make/task: `NAME=value` overrides (task: then the words after --)
    args: tuple[str, ...] = ()
    env: tuple[str, ...] = ()  # `NAME=value` words before the program


#: A relative script path holding a variable: `hack/validate/$SCRIPT`, `scripts/${NAME}.sh`.
_VAR_PATH = re.compile(r"[\w.-]+(?:/[\w.-]*(?:\$\*|\$\{?\w+\}?)?[\w.-]*)+")


#: `task` flags followed by a value (`--output group`): the value is no task name.
_TASK_VALUE_FLAGS = frozenset(
    {
        "-t",
        "--taskfile",
        "-o",
        "--output",
        "--output-group-begin",
        "--output-group-end",
        "-C",
        "--concurrency",
        "-I",
        "--interval",
        "--sort",
    }
)


def call_of(cmd: Command) -> Call | None:
    prog, args, env = program(cmd)
    if prog in ("make", "gmake"):
        where = ""
        names: list[str] = []
        it = iter(range(len(args)))
        for i in it:
            a = args[i]
            if a in _MAKE_ARG_FLAGS and i + 1 < len(args):
                next(it, None)
            elif a in ("-C", "--directory", "-f", "--file", "--makefile") and i + 1 < len(args):
                where = ("file:" if a.startswith(("-f", "--f", "--m")) else "dir:") + args[i + 1]
                next(it, None)
            elif a.startswith(("--directory=", "--file=", "--makefile=")):
                key, _, val = a.partition("=")
                where = ("dir:" if key == "--directory" else "file:") + val
            elif a.startswith("-C") and len(a) > 2:
                where = "dir:" + a[2:]
            elif a.startswith("-j") or a.startswith("-") or _MAKE_OVERRIDE.match(a):
                continue
            else:
                names.append(a)
        overrides = tuple(a for a in args if _MAKE_OVERRIDE.match(a))
        return Call("make", where, tuple(names) or ("",), overrides, env)
    if prog in ("task", "go-task"):
        where = ""
        names = []
        it = iter(range(len(args)))
        extra: list[str] = []
        for i in it:
            a = args[i]
            if a == "--":
                extra = [f"CLI_ARGS={' '.join(args[i + 1 :])}"]
                break
            if a in ("-d", "--dir") and i + 1 < len(args):
                where = args[i + 1]
                next(it, None)
            elif a in _TASK_VALUE_FLAGS and i + 1 < len(args):
                next(it, None)
            elif a.startswith("-") or _ASSIGN.match(a):
                continue
            else:
                names.append(a)
        overrides = tuple(a for a in args if _ASSIGN.match(a) and a not in extra)
        return Call("task", where, tuple(names) or ("default",), (*overrides, *extra), env)
    words = cmd.words[program_index(cmd.words) :]
    if not words:
        return None
    if prog == "docker" and "bake" in args[:3] and set(args[: args.index("bake")]) <= {"buildx"}:
        return _bake_call(args[args.index("bake") + 1 :], env)
    if prog in ("docker", "podman", "nerdctl") and {"run", "exec"} & set(_operands(args)):
        # `docker run ... image hack/test/unit`: the repository's script, run in a container
        paths = tuple(
            a
            for a in args
            if not a.startswith("-")
            and "=" not in a
            and ":" not in a
            and ("/" in a or a.endswith((".sh", ".bash")))
            and not a.startswith("/")
            and ("$" not in a or _VAR_PATH.fullmatch(a) is not None)  # `hack/validate/$*`
        )
        return Call("script", "", paths) if paths else None
    first = words[0].lstrip("@-+")
    rest = words[1:]
    if prog in ("sh", "bash", "zsh", "dash", "source", "."):
        ops = [a for a in words[1:] if not a.startswith("-")]
        if "-c" in words[1:] or not ops:
            return None
        first = ops[0]
        rest = words[words.index(first) + 1 :]
    elif not ("/" in first or first.endswith((".sh", ".bash"))):
        return None
    if first.startswith(("/", "$")) or "://" in first:
        return None
    if "$" in first and not _VAR_PATH.fullmatch(first):
        return None
    # A path holding a variable (`hack/validate/$SCRIPT`) is resolved, or reported, later.
    return Call("script", first, (), tuple(rest), env)


#: `docker buildx bake` flags that take a value; `--print`, `--list`, `--call` build nothing.
_BAKE_VALUE_FLAGS = frozenset(
    {"--set", "--progress", "--metadata-file", "--builder", "--allow", "--sbom", "--provenance"}
)


def _bake_call(args: tuple[str, ...], env: tuple[str, ...]) -> Call | None:
    """`docker buildx bake [-f file] [targets]`: the targets it builds from which file."""
    where = ""
    names: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--print", "--list") or a.startswith(("--call", "--check", "--list=")):
            return None
        if a in ("-f", "--file") and i + 1 < len(args):
            where = where or "file:" + args[i + 1]
            i += 2
            continue
        if a.startswith("--file="):
            where = where or "file:" + a[7:]
        elif a in _BAKE_VALUE_FLAGS:
            i += 1
        elif not a.startswith("-"):
            names.append(a)
        i += 1
    return Call("bake", where, tuple(names), (), env)
