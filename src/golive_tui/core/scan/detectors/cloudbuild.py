"""Google Cloud Build (`cloudbuild.yaml`): each step's command as the shell it amounts to.

A step runs its image's entrypoint (or `entrypoint:`) with `args`, or a `script:`. A shell
entrypoint given `-c` runs the next argument as a script; anything else is one command whose
words are the entrypoint and the arguments, which the shell reader then reads like any CI
step (so `entrypoint: ./scripts/test.sh` or `args: [scripts/test.sh, -race]` is followed).
User substitutions (`$_NAME`, `${_NAME}`) take the values under `substitutions:`; `$$` is a
literal `$`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping

from golive_tui.core.scan.detectors import yamlutil
from golive_tui.core.tuples import NamedTuple

_SHELLS = frozenset({"bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/env", "zsh", "dash"})
_SUBST = re.compile(r"\$\{(_[A-Z0-9_]+)\}|\$(_[A-Z0-9_]+)")


class Step(NamedTuple):
    """One step's shell, where it starts, and how it runs."""

    text: str
    line: int
    base: str  # `dir:` of the step, relative to the repository root
    errexit: bool
    env: Mapping[str, str]
    node: yamlutil.MappingNode


def _substitute(text: str, values: Mapping[str, str]) -> str:
    if "$" not in text:
        return text
    text = text.replace("$$", "\x00")

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        return values.get(name, m.group(0))

    return _SUBST.sub(repl, text).replace("\x00", "$")


def _env(node: yamlutil.Node | None) -> dict[str, str]:
    """`env: ["KEY=value", ...]` as a mapping."""
    out: dict[str, str] = {}
    for item in yamlutil.seq(node):
        key, sep, value = (yamlutil.scalar(item) or "").partition("=")
        if sep and key:
            out[key] = value
    return out


def steps(doc: yamlutil.Node | None) -> Iterator[Step]:
    values = {
        k.value: str(yamlutil.scalar(v))
        for k, v in yamlutil.items(yamlutil.get(doc, "substitutions"))
        if yamlutil.scalar(v) is not None
    }
    shared = _env(yamlutil.get(yamlutil.get(doc, "options"), "env"))
    for step in yamlutil.seq(yamlutil.get(doc, "steps")):
        if not isinstance(step, yamlutil.MappingNode):
            continue
        base = (yamlutil.scalar(yamlutil.get(step, "dir")) or "").strip("./")
        env = {**shared, **_env(yamlutil.get(step, "env"))}
        script = yamlutil.get(step, "script")
        if isinstance(script, yamlutil.ScalarNode) and yamlutil.scalar(script):
            first = yamlutil.block_scalar_first_line(script)
            text = _substitute(str(script.value), values)
            yield Step(text, first, base, False, env, step)
            continue
        found = _command(step, values)
        if found is not None:
            text, line, errexit = found
            yield Step(text, line, base, errexit, env, step)


def _command(step: yamlutil.MappingNode, values: Mapping[str, str]) -> tuple[str, int, bool] | None:
    """(shell text, first line, stops at the first failure) of a step's entrypoint and args."""
    entry = yamlutil.get(step, "entrypoint")
    args_node = yamlutil.get(step, "args")
    args = yamlutil.strings(args_node)
    entrypoint = yamlutil.scalar(entry)
    if entrypoint in _SHELLS:
        for n, arg in enumerate(args[:-1]):
            flag = str(arg.value)
            if re.fullmatch(r"-[a-z]*c[a-z]*", flag):
                script = args[n + 1]
                text = _substitute(str(script.value), values)
                return text, yamlutil.block_scalar_first_line(script), "e" in flag
    words: list[str] = []
    if entrypoint:
        words.append(entrypoint)
    else:
        image = yamlutil.scalar(yamlutil.get(step, "name")) or ""
        if "cloud-builders/" in image:  # gcr.io/cloud-builders/go runs `go`
            words.append(image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0])
    words += [str(a.value) for a in args]
    if not words or (entry is None and args_node is None):
        return None
    line = yamlutil.line(args_node) if args_node is not None else yamlutil.line(step)
    if entry is not None and (args_node is None or yamlutil.line(entry) < line):
        line = yamlutil.line(entry)
    text = " ".join(_quote(_substitute(w, values)) for w in words if "\n" not in w)
    return text, line, True


def _quote(word: str) -> str:
    """Shell-quoted, but a `$` reference left readable (as Cloud Build passes it on)."""
    if "$" in word and re.fullmatch(r"[\w$.{}/:=@%+,-]+", word):
        return word
    return shlex.quote(word)
