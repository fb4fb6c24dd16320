"""The shell a CI step hands over to: tool runs and hand-overs in a piece of shell (`analyse`),
and the Makefile targets and Taskfile tasks a step may call, parsed into the same facts.

Each tool run carries why its failure cannot fail the build ("" when it can), so a
`make test || true` step or a `-go test` recipe line is contrary evidence wherever it leads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from golive_tui.core.scan.detectors import common, yamlutil

_MAX_DEPTH = 4  # nested `sh -c` levels

Hit = list[Any]  # [kind, line, end_line, snippet, why]: why = "" or why it cannot fail the build
Call = list[Any]  # [kind, where, names, line, snippet, base_dir, why]


def analyse(
    text: str,
    first_line: int,
    base: str = "",
    depth: int = 0,
    *,
    errexit: bool = True,
    why: str = "",
) -> tuple[list[Hit], list[Call]]:
    """Tool runs and hand-overs (make/task/script) in a piece of shell, each with why its
    failure cannot fail the build ("" when it can): `|| true`, `; true` without `set -e`,
    `set +e` before it, `--issues-exit-code=0`, or the `why` of what runs this shell.

    `errexit`: whether the shell stops at the first failure (CI steps do; a Makefile recipe
    line or a script without `set -e` does not)."""
    from golive_tui.core.scan.detectors import shell  # only when there is text to read

    hits: list[Hit] = []
    calls: list[Call] = []
    cmds = shell.commands(text, first_line)
    if text.startswith("#!") and re.match(r"#![^\n]*\s-[a-z]*e", text):
        errexit = True  # `#!/bin/bash -e`
    set_plus_e = False
    for index, cmd in enumerate(cmds):
        change = shell.errexit_change(cmd)
        if change is not None:
            errexit, set_plus_e = change, not change
            continue
        if not shell.worth_reading(cmd):
            continue
        own = why or shell.failure_ignored(cmds, index, errexit=errexit, set_plus_e=set_plus_e)
        inner = shell.shell_c(cmd)
        if inner is not None and depth < _MAX_DEPTH:
            h, c = analyse(inner, cmd.line, base, depth + 1, errexit=False, why=own or "")
            hits += h
            calls += c
            continue
        snippet = common.snippet(cmd.text)
        reason = own or ""
        if shell.runs_tests(cmd):
            hits.append(["tests", cmd.line, cmd.end_line, snippet, reason])
            if shell.has_race(cmd):
                hits.append(["race", cmd.line, cmd.end_line, snippet, reason])
        if shell.runs_govulncheck(cmd):
            hits.append(
                ["govulncheck", cmd.line, cmd.end_line, snippet, reason or _tool(shell, cmd)]
            )
        if shell.runs_golangci_lint(cmd):
            hits.append(
                ["golangci_lint", cmd.line, cmd.end_line, snippet, reason or _tool(shell, cmd)]
            )
        locked = shell.runs_migrations(cmd)
        if locked is not None and not reason:
            hits.append(["migrate", cmd.line, cmd.end_line, snippet, "" if locked else "unlocked"])
        call = shell.call_of(cmd)
        if call is not None:
            calls.append([call.kind, call.where, list(call.names), cmd.line, snippet, base, reason])
    return hits, calls


def _tool(shell: Any, cmd: Any) -> str:
    return str(shell.tool_never_fails(cmd) or "")


# --------------------------------------------------------------------------- Makefile

_MAKE_ASSIGN = re.compile(
    r"^(?:(?:export|override|private)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(::=|:::=|:=|\?=|\+=|!=|=)\s*(.*)$"
)
_MAKE_RULE = re.compile(r"^([^:#=\t][^:#=]*?)\s*(::?)(?!=)\s*(.*)$")
_MAKE_VAR = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)|\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_CONDITIONALS = frozenset({"ifeq", "ifneq", "ifdef", "ifndef", "else", "endif"})


def _make_comment(line: str) -> str:
    m = re.search(r"(?<!\\)#", line)
    return line[: m.start()] if m else line


def expand(text: str, variables: Mapping[str, str], depth: int = 0) -> str:
    """Make variable references replaced by their (final) values; `$$` becomes `$`."""
    if depth > 8:
        return text
    text = text.replace("$$", "\x00")

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        if name == "MAKE":
            return "make"
        if name in variables:
            return expand(variables[name], variables, depth + 1).replace("$", "\x00")
        return m.group(0)

    return _MAKE_VAR.sub(repl, text).replace("\x00", "$")


# Long on purpose: a line-by-line state machine (rules, recipes, continuations, variables) reads
# best top to bottom.
def parse_makefile(text: str) -> dict[str, Any]:
    """Targets with their line, prerequisites, tool runs and calls; includes; default goal."""
    lines = text.splitlines()
    variables: dict[str, str] = {}
    rules: dict[str, dict[str, Any]] = {}
    recipes: dict[str, list[tuple[int, str]]] = {}
    includes: list[str] = []
    default = ""
    current: list[str] = []
    in_define = False
    i = 0
    while i < len(lines):
        raw = lines[i]
        number = i + 1
        if in_define:
            in_define = raw.strip() != "endef"
            i += 1
            continue
        if raw.startswith("\t") and current:
            block = [raw[1:]]
            while block[-1].rstrip().endswith("\\") and i + 1 < len(lines):
                i += 1
                block.append(lines[i].lstrip("\t"))
            for target in current:
                recipes.setdefault(target, []).append((number, "\n".join(block)))
            i += 1
            continue
        logical = raw
        while logical.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            logical = logical.rstrip()[:-1] + " " + lines[i].strip()
        i += 1
        code = _make_comment(logical).strip()
        if not code:
            continue
        first = code.split()[0]
        if first == "define":
            in_define, current = True, []
            continue
        if first in _CONDITIONALS:
            continue
        if first in ("include", "-include", "sinclude"):
            includes += code.split()[1:]
            current = []
            continue
        assign = _MAKE_ASSIGN.match(code)
        if assign:
            name, op, value = assign.groups()
            if op == "+=":
                variables[name] = (variables.get(name, "") + " " + value).strip()
            elif op == "?=":
                variables.setdefault(name, value)
            elif op != "!=":
                variables[name] = value
            current = []
            continue
        rule = _MAKE_RULE.match(code)
        if not rule:
            current = []
            continue
        targets = rule.group(1).split()
        rest, _, inline = rule.group(3).partition(";")
        if "=" in rest and not inline:  # target-specific variable
            current = []
            continue
        deps = [d for d in rest.split() if d != "|"]
        for target in targets:
            entry = rules.setdefault(target, {"line": number, "deps": []})
            entry["deps"] += deps
            if not default and not target.startswith(".") and "%" not in target:
                default = target
        current = targets
        if inline.strip():
            for target in targets:
                recipes.setdefault(target, []).append((number, inline))
    out: dict[str, Any] = {}
    for target, entry in rules.items():
        hits: list[Hit] = []
        calls: list[Call] = []
        for number, recipe in recipes.get(target, []):
            # `-go test ./...`: make ignores the line's failure.
            ignored = re.match(r"[@+\s]*-", recipe) is not None
            why = "a leading `-` on the recipe line: make ignores its failure" if ignored else ""
            h, c = analyse(expand(recipe, variables), number, errexit=False, why=why)
            hits += h
            calls += c
        deps = [expand(d, variables) for d in entry["deps"]]
        out[target] = {"line": entry["line"], "deps": deps, "hits": hits, "calls": calls}
    return {
        "kind": "make",
        "targets": out,
        "default": default,
        "includes": [expand(p, variables) for p in includes],
    }


# --------------------------------------------------------------------------- Taskfile


def parse_taskfile(text: str) -> dict[str, Any]:
    docs = yamlutil.load_all(text)
    root = docs[0] if docs else None
    targets: dict[str, Any] = {}
    for key, task in yamlutil.items(yamlutil.get(root, "tasks")):
        hits: list[Hit] = []
        calls: list[Call] = []
        deps: list[str] = []
        if isinstance(task, yamlutil.MappingNode):
            cmds = yamlutil.get(task, "cmds") or yamlutil.get(task, "cmd")
            for dep in yamlutil.seq(yamlutil.get(task, "deps")):
                name = yamlutil.scalar(dep) or yamlutil.scalar(yamlutil.get(dep, "task"))
                if name:
                    deps.append(name)
        else:
            cmds = task
        entries = yamlutil.seq(cmds) if isinstance(cmds, yamlutil.SequenceNode) else [cmds]
        for entry in entries:
            if entry is None:
                continue
            sub = yamlutil.get(entry, "task")
            if sub is not None and yamlutil.scalar(sub):
                deps.append(str(yamlutil.scalar(sub)))
                continue
            node = yamlutil.get(entry, "cmd") if isinstance(entry, yamlutil.MappingNode) else entry
            for scalar in yamlutil.strings(node):
                h, c = analyse(
                    str(scalar.value), yamlutil.block_scalar_first_line(scalar), errexit=False
                )
                hits += h
                calls += c
        targets[key.value] = {
            "line": yamlutil.line(key),
            "deps": deps,
            "hits": hits,
            "calls": calls,
        }
    return {"kind": "task", "targets": targets, "default": "default", "includes": []}
