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
from golive_tui.core.scan.detectors.ci_vars import flags_unknown, task_expand

_MAX_DEPTH = 4  # nested `sh -c` levels

# [kind, line, end_line, snippet, why(, words)]: why = "" or why it cannot fail the build;
# kind "race_unknown" (a test run whose flags hold a reference) keeps the command's words.
Hit = list[Any]
Call = list[Any]  # [kind, where, names, line, snippet, base_dir, why, args, env]


def analyse(
    text: str,
    first_line: int,
    base: str = "",
    depth: int = 0,
    *,
    errexit: bool = True,
    why: str = "",
    commands: list[Any] | None = None,
) -> tuple[list[Hit], list[Call]]:
    """Tool runs and hand-overs (make/task/script) in a piece of shell, each with why its
    failure cannot fail the build ("" when it can): `|| true`, `; true` without `set -e`,
    `set +e` before it, `--issues-exit-code=0`, or the `why` of what runs this shell.

    `errexit`: whether the shell stops at the first failure (CI steps do; a Makefile recipe
    line or a script without `set -e` does not)."""
    from golive_tui.core.scan.detectors import (  # only when there is text to read
        handover,
        shell,
    )

    hits: list[Hit] = []
    calls: list[Call] = []
    cmds = shell.commands(text, first_line) if commands is None else commands
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
            elif flags_unknown(cmd):
                hits.append(
                    ["race_unknown", cmd.line, cmd.end_line, snippet, reason, list(cmd.words)]
                )
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
        call = handover.call_of(cmd)
        if call is not None:
            calls.append(
                [
                    call.kind,
                    call.where,
                    list(call.names),
                    cmd.line,
                    snippet,
                    base,
                    reason,
                    list(call.args),
                    list(call.env),
                ]
            )
    return hits, calls


def _tool(shell: Any, cmd: Any) -> str:
    return str(shell.tool_never_fails(cmd) or "")


# --------------------------------------------------------------------------- Makefile

_MAKE_ASSIGN = re.compile(
    r"^(?:(?:export|override|private)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(::=|:::=|:=|\?=|\+=|!=|=)\s*(.*)$"
)
_MAKE_RULE = re.compile(r"^([^:#=\t][^:#=]*?)\s*(::?)(?!=)\s*(.*)$")
_MAKE_VAR = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)|\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_MAKE_VAR_NAMES = re.compile(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]")
_RECIPE_PREFIX = re.compile(r"\A[ \t]*[@+-][@+\- \t]*")
_CONDITIONALS = frozenset({"ifeq", "ifneq", "ifdef", "ifndef", "else", "endif"})


def _make_comment(line: str) -> str:
    m = re.search(r"(?<!\\)#", line)
    return line[: m.start()] if m else line


def expand(text: str, variables: Mapping[str, str], depth: int = 0) -> str:
    """Make variable references replaced by their (final) values; `$$` becomes `$`;
    `$(foreach VAR,LIST,TEXT)` becomes TEXT (`_foreach`)."""
    if depth > 8:
        return text
    text = text.replace("$$", "\x00")
    if "foreach" in text:
        text = _foreach(text, variables, depth)

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        if name == "MAKE":
            return "make"
        if name in variables:
            return expand(variables[name], variables, depth + 1).replace("$", "\x00")
        return m.group(0)

    expanded = _MAKE_VAR.sub(repl, text).replace("\x00", "$")
    if "shell" in expanded:
        expanded = _WHICH.sub(r"\1", expanded)
    return expanded


_FOREACH = re.compile(r"\$([({])foreach\s")
#: `$(shell command -v bash 2> /dev/null)`, `$(shell which go)`: the path of that program, so
#: `$(BASH) -xe ./scripts/test.sh` runs bash on the script (shiori: it was not followed).
_WHICH = re.compile(r"\$[({]shell[ \t]+(?:command[ \t]+-v|which)[ \t]+([\w.+-]+)[^()${}]*[)}]")


def _foreach(text: str, variables: Mapping[str, str], depth: int) -> str:
    """Each `$(foreach VAR,LIST,TEXT)` replaced by TEXT once, VAR standing for LIST's first
    word, or by nothing when LIST is known to be empty.

    `$(foreach pkg,$(PACKAGES),go test $(pkg);)` is how many Makefiles run the tests package
    by package: make repeats TEXT for each word before the shell sees it, and read as shell
    the whole call was a command substitution, so the tests it runs were "missing". Once is
    enough to tell what TEXT runs, and bounded (a list of any length costs one copy). A LIST
    golive cannot compute (`$(shell go list ./...)`, a variable from the environment) is
    read as the words of a command golive cannot resolve are: TEXT runs, VAR left as a
    reference. An unbalanced call is left as written."""
    out: list[str] = []
    pos = 0
    while (m := _FOREACH.search(text, pos)) is not None:
        args, end = _arguments(text, m.end(), m.group(1))
        if end < 0 or len(args) != 3:
            break
        name, words, body = args[0].strip(), expand(args[1], variables, depth + 1), args[2]
        out.append(text[pos : m.start()])
        if "$" in words:  # not known here: TEXT runs for words golive cannot tell
            scope = variables
        elif not words.split():  # known empty: make runs nothing
            body, scope = "", variables
        else:
            scope = {**variables, name: words.split()[0]}
        out.append(expand(body.strip(), scope, depth + 1).replace("$", "\x00"))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _arguments(text: str, start: int, opening: str) -> tuple[list[str], int]:
    """A make function call's comma-separated arguments from `start` (just after its name)
    to its closing parenthesis or brace, nested calls kept whole; (args, index after the
    close), or ([], -1) when it never closes. Only the first two commas split: TEXT may hold
    commas of its own."""
    closing = ")" if opening == "(" else "}"
    depth = 0
    args: list[str] = []
    begin = start
    for index in range(start, len(text)):
        c = text[index]
        if c in "({":
            depth += 1
        elif c in ")}":
            if depth == 0:
                if c != closing:
                    return [], -1
                args.append(text[begin:index])
                return args, index + 1
            depth -= 1
        elif c == "," and depth == 0 and len(args) < 2:
            args.append(text[begin:index])
            begin = index + 1
    return [], -1


def _condition(code: str, variables: Mapping[str, str]) -> bool | None:
    """Whether an `ifeq`/`ifneq`/`ifdef`/`ifndef` line holds, when the file decides it
    (None: it depends on something not written here, e.g. the environment)."""
    word, _, rest = code.partition(" ")
    rest = rest.strip()
    if word in ("ifdef", "ifndef"):
        if rest not in variables:
            return None
        return (variables[rest] != "") == (word == "ifdef")
    m = re.fullmatch(r"\((.*),(.*)\)", rest) or re.fullmatch(r"(['\"])(.*)\1\s+(['\"])(.*)\3", rest)
    if m is None:
        return None
    left, right = (m.group(1), m.group(2)) if m.lastindex == 2 else (m.group(2), m.group(4))
    a, b = expand(left.strip(), variables), expand(right.strip(), variables)
    if "$" in a or "$" in b:
        return None
    return (a == b) == (word == "ifeq")


def _assign(
    variables: dict[str, str],
    name: str,
    op: str,
    value: str,
    overrides: Mapping[str, str],
    env: Mapping[str, str],
) -> None:
    """A variable assignment, as make does it: a command-line value wins over the file's;
    the environment only over `?=`."""
    if name in overrides:
        variables[name] = overrides[name]
    elif op == "+=":
        variables[name] = (variables.get(name, "") + " " + value).strip()
    elif op == "?=":
        if name not in variables:
            variables[name] = env.get(name, value)
    elif op != "!=":
        variables[name] = value


# Long on purpose: a line-by-line state machine (rules, recipes, continuations, variables,
# conditionals) reads best top to bottom.
def parse_makefile(
    text: str,
    overrides: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    lazy: bool = False,
) -> dict[str, Any]:
    """Targets with their line, prerequisites, tool runs and calls; includes; default goal.

    `overrides`: `make test NAME=value` on the command line (wins over the file); `env`: the
    environment the CI step sets (wins over `?=` only). A conditional the file decides
    (`RACE ?= 0` then `ifeq ($(RACE),1)`) drops its dead branch; one it does not decide keeps
    both. `lazy`: each target keeps its recipe lines (`recipes`) and `ready` expands and reads
    them when the target is reached (a Makefile read again for one call's variables)."""
    overrides = overrides or {}
    env = env or {}
    lines = text.splitlines()
    variables: dict[str, str] = dict(overrides)
    target_vars: dict[str, dict[str, str]] = {}
    rules: dict[str, dict[str, Any]] = {}
    recipes: dict[str, list[tuple[int, str]]] = {}
    includes: list[str] = []
    default = ""
    current: list[str] = []
    in_define = False
    live: list[bool] = []  # one entry per open conditional: is its current branch read?
    decided: list[bool | None] = []
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
            if all(live):
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
        if first in _CONDITIONALS:
            if first.startswith("if"):
                cond = _condition(code, variables) if all(live) else None
                decided.append(cond)
                live.append(cond is not False)
            elif first == "else" and live:
                rest = code[4:].strip()
                prior = decided[-1]
                cond = _condition(rest, variables) if rest.startswith("if") else True
                if prior is True:
                    decided[-1], live[-1] = True, False  # an earlier branch was taken
                elif prior is None or cond is None:
                    decided[-1], live[-1] = None, True
                else:
                    decided[-1], live[-1] = cond, cond
            elif first == "endif" and live:
                live.pop()
                decided.pop()
            continue
        if not all(live):
            continue
        if first == "define":
            in_define, current = True, []
            continue
        if first in ("include", "-include", "sinclude"):
            includes += code.split()[1:]
            current = []
            continue
        assign = _MAKE_ASSIGN.match(code)
        if assign:
            name, op, value = assign.groups()
            _assign(variables, name, op, value, overrides, env)
            current = []
            continue
        rule = _MAKE_RULE.match(code)
        if not rule:
            current = []
            continue
        targets = rule.group(1).split()
        rest, _, inline = rule.group(3).partition(";")
        if "=" in rest and not inline:  # target-specific variable: `test: FLAGS += -race`
            tv = _MAKE_ASSIGN.match(rest.strip())
            if tv:
                for target in targets:
                    scoped = target_vars.setdefault(target, {})
                    _assign(scoped, tv.group(1), tv.group(2), tv.group(3), overrides, env)
                    if tv.group(2) == "+=" and tv.group(1) not in overrides:
                        base = variables.get(tv.group(1), "")
                        scoped[tv.group(1)] = f"{base} {tv.group(3)}".strip()
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
        scope = [env, variables, target_vars.get(target, {})]  # merged when read
        deps = [expand(d, variables) for d in entry["deps"]]
        own = recipes.get(target, [])
        out[target] = ready({"line": entry["line"], "deps": deps, "recipes": (own, scope)}, lazy)
    # What the environment can change: `?=` variables and ones used but never set here.
    weak = set(re.findall(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*\?=", text, re.M))
    used = set(_MAKE_VAR_NAMES.findall(text)) - set(variables)
    return {
        "kind": "make",
        "source": text,
        "targets": out,
        "default": default,
        "includes": [expand(p, variables) for p in includes],
        "env_names": {n: variables.get(n) for n in sorted(weak | used)},
    }


def ready(entry: dict[str, Any], lazy: bool = False) -> dict[str, Any]:
    """A make target with the tool runs and calls of its recipe lines (read once)."""
    if lazy or "hits" in entry:
        return entry
    hits: list[Hit] = []
    calls: list[Call] = []
    lines, scopes = entry.pop("recipes", ([], []))
    scope: dict[str, str] = {}
    for part in scopes:
        scope.update(part)
    for number, raw in lines:
        recipe = expand(raw, scope)
        # `-go test ./...`: make ignores the line's failure.
        ignored = re.match(r"[@+\s]*-", recipe) is not None
        why = "a leading `-` on the recipe line: make ignores its failure" if ignored else ""
        # make takes `@`, `-` and `+` off the line, and the blanks after them, before the
        # shell runs it: `@ gotestsum ...` runs gotestsum (it read as a program named `@`).
        recipe = _RECIPE_PREFIX.sub("", recipe, count=1)
        h, c = analyse(recipe, number, errexit=False, why=why)
        hits += h
        calls += c
    entry["hits"], entry["calls"] = hits, calls
    return entry


# --------------------------------------------------------------------------- Taskfile


def _task_vars(node: yamlutil.Node | None) -> dict[str, str]:
    """A `vars:` mapping's plain values (a `sh:` value is computed when the task runs:
    left out, so its references stay unresolved)."""
    out: dict[str, str] = {}
    for key, value in yamlutil.items(node):
        text = yamlutil.scalar(value)
        if text is not None:
            out[key.value] = text
    return out


def parse_taskfile(text: str, call_vars: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Tasks with their line, `deps` and `task:` references, tool runs and calls.

    `{{.NAME}}` is replaced by the value Task would use, highest first: the task's own
    `vars`, the variables its caller passes (`task test FLAGS=-race`, `task: {task: test,
    vars: ...}`), the Taskfile's `vars`. `call_vars` are those of the caller."""
    docs = yamlutil.load_all(text)
    root = docs[0] if docs else None
    global_vars = _task_vars(yamlutil.get(root, "vars"))
    targets: dict[str, Any] = {}
    for key, task in yamlutil.items(yamlutil.get(root, "tasks")):
        hits: list[Hit] = []
        calls: list[Call] = []
        deps: list[str] = []
        names = {**global_vars, **(call_vars or {})}
        if isinstance(task, yamlutil.MappingNode):
            cmds = yamlutil.get(task, "cmds") or yamlutil.get(task, "cmd")
            names.update(_task_vars(yamlutil.get(task, "vars")))
            for dep in yamlutil.seq(yamlutil.get(task, "deps")):
                name = yamlutil.scalar(dep) or yamlutil.scalar(yamlutil.get(dep, "task"))
                if name:
                    deps.append(name)
        else:
            cmds = task
        names = {k: task_expand(v, names) for k, v in names.items()}
        entries = yamlutil.seq(cmds) if isinstance(cmds, yamlutil.SequenceNode) else [cmds]
        for entry in entries:
            if entry is None:
                continue
            sub = yamlutil.get(entry, "task")
            if sub is not None and yamlutil.scalar(sub):
                passed = _task_vars(yamlutil.get(entry, "vars"))
                if passed:  # a call with variables: followed with them
                    line = yamlutil.line(sub)
                    args = [f"{k}={task_expand(v, names)}" for k, v in passed.items()]
                    snippet = f"task: {yamlutil.scalar(sub)}"
                    calls.append(
                        ["task", "", [str(yamlutil.scalar(sub))], line, snippet, "", "", args, []]
                    )
                else:
                    deps.append(str(yamlutil.scalar(sub)))
                continue
            node = yamlutil.get(entry, "cmd") if isinstance(entry, yamlutil.MappingNode) else entry
            for scalar in yamlutil.strings(node):
                h, c = analyse(
                    task_expand(str(scalar.value), names),
                    yamlutil.block_scalar_first_line(scalar),
                    errexit=False,
                )
                hits += h
                calls += c
        targets[key.value] = {
            "line": yamlutil.line(key),
            "deps": deps,
            "hits": hits,
            "calls": calls,
        }
    namespaces: dict[str, str] = {}
    for key, value in yamlutil.items(yamlutil.get(root, "includes")):
        path = yamlutil.scalar(value) or yamlutil.scalar(yamlutil.get(value, "taskfile"))
        if path and "{{" not in path and "://" not in path:
            namespaces[key.value] = path
    return {
        "kind": "task",
        "source": text,
        "targets": targets,
        "default": "default",
        "includes": [],
        "namespaces": namespaces,
    }


def script_vars(text: str, commands: list[Any] | None = None) -> dict[str, str | None]:
    """A script's `NAME=value` assignments on lines of their own (also after `export`,
    `readonly`, `local`, `declare`); a name assigned two different values is None: which one
    holds depends on the path taken."""
    from golive_tui.core.scan.detectors import shell

    out: dict[str, str | None] = {}
    cmds = shell.commands(text) if commands is None else commands
    for n, cmd in enumerate(cmds):
        words = cmd.words
        if words and words[0] in ("export", "readonly", "local", "declare"):
            words = tuple(w for w in words[1:] if not w.startswith("-"))
        if not words or not all(re.match(r"[A-Za-z_][A-Za-z0-9_]*\+?=", w) for w in words):
            continue
        for name, _, value in (w.partition("=") for w in words):
            if cmd.after == "(" and words[-1] == f"{name}=":  # NAME=(a b c): an array
                inner = cmds[n + 1] if n + 1 < len(cmds) else None
                value = " ".join(inner.words) if inner and inner.after == ")" else "$("
            if name.endswith("+"):  # NAME+=value: appended to whatever it held
                name = name[:-1]
                known = out.get(name, "${" + name + "}")
                out[name] = None if known is None else f"{known}{value}"
                continue
            out[name] = value if out.get(name, value) == value else None
    return out


#: A script that reads its own options: `case "$1"`, `getopts`, `while [ $# -gt 0 ]`.
_PARSES_ARGS = re.compile(r'case\s+"?\$\{?1\b|getopts|\$#\s*-gt|\$#\s*-ne|\(\(\s*\$#')


def option_dependent_lines(text: str, commands: list[Any] | None = None) -> list[int]:
    """Lines of commands inside an `if`/`case` block of a script that reads its options:
    whether they run depends on the arguments it is given (`--no-linters`), which the
    shell reader does not evaluate. Empty for a script that reads no options."""
    from golive_tui.core.scan.detectors import shell

    if not _PARSES_ARGS.search(text):
        return []
    depth = 0
    out: list[int] = []
    for cmd in shell.commands(text) if commands is None else commands:
        words = cmd.words
        first = words[0] if words else ""
        if first in ("fi", "esac"):
            depth = max(0, depth - 1)
            continue
        if depth:
            out.append(cmd.line)
        if first in ("if", "case"):
            depth += 1
        elif first in ("then", "else", "elif") and len(words) > 1 and depth:
            out.append(cmd.line)
    return out
