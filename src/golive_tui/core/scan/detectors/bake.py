"""`docker buildx bake`: which Dockerfile stages a bake target builds, and what their RUN
lines run, as far as the files say.

A bake file (`docker-bake.hcl` / `.json`) names targets (a Dockerfile, a stage, build args,
targets it inherits) and groups of targets. Building a stage runs the RUN lines of that
stage and of every stage it needs (its FROM chain, what it copies or mounts from). Only
literal values are read: an HCL function or an expression leaves the target "could not
tell". Nothing is built or run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from golive_tui.core.scan.detectors import common

BAKE_FILES = common.BAKE_FILES
_TOKEN = re.compile(
    r'\s*(?:(?P<comment>#[^\n]*|//[^\n]*|/\*.*?\*/)|(?P<str>"(?:[^"\\]|\\.)*")'
    r"|(?P<num>-?\d+(?:\.\d+)?)|(?P<ident>[A-Za-z_][\w.-]*)|(?P<punct>[{}\[\]=,:()])"
    r"|(?P<other>\S))",
    re.S,
)
_MAX_TOKENS = 200_000


def is_bake_file(path: str) -> bool:
    return common.basename(path) in BAKE_FILES


class _Unreadable(Exception):
    """A value the reader does not evaluate (a function call, an expression)."""


def parse_bake(text: str, path: str = "") -> dict[str, Any]:
    """{"targets": {name: {line, dockerfile, context, target, args, inherits}}, "groups":
    {name: [targets]}, "variables": {name: default}} of an HCL or JSON bake file."""
    if path.endswith(".json"):
        return _from_json(text)
    tokens: list[tuple[str, str, int]] = []
    line = 1  # the line `pos` is on
    pos = 0
    while pos < len(text) and len(tokens) < _MAX_TOKENS:
        m = _TOKEN.match(text, pos)
        if m is None:
            break
        kind = m.lastgroup or "other"
        if kind != "comment":
            tokens.append((kind, m.group(kind), line + text.count("\n", pos, m.start(kind))))
        line += text.count("\n", pos, m.end())
        pos = m.end()
    out: dict[str, Any] = {"targets": {}, "groups": {}, "variables": {}}
    i = 0
    while i < len(tokens):
        kind, value, at = tokens[i]
        if kind == "ident" and value in ("target", "group", "variable") and i + 2 < len(tokens):
            label = tokens[i + 1][1].strip('"')
            if tokens[i + 2][1] != "{":
                i += 1
                continue
            body, i = _block(tokens, i + 3)
            _store(out, value, label, body, at)
            continue
        i += 1
    return out


def _block(tokens: list[tuple[str, str, int]], i: int) -> tuple[dict[str, Any], int]:
    """Attributes of a `{ ... }` block (nested blocks skipped), and the index past it."""
    body: dict[str, Any] = {}
    while i < len(tokens) and tokens[i][1] != "}":
        kind, value, _ = tokens[i]
        if kind in ("ident", "str") and i + 1 < len(tokens) and tokens[i + 1][1] in ("=", ":"):
            try:
                body[value.strip('"')], i = _value(tokens, i + 2)
            except _Unreadable:
                body[value.strip('"')] = None
                i = _skip_value(tokens, i + 2)
            continue
        if value == "{":
            _, i = _block(tokens, i + 1)
            continue
        i += 1
    return body, i + 1


def _value(tokens: list[tuple[str, str, int]], i: int) -> tuple[Any, int]:
    kind, value, _ = tokens[i]
    if kind == "str":
        if "${" in value:
            raise _Unreadable
        return json.loads(value), i + 1
    if kind == "num":
        return value, i + 1
    literal = kind == "ident" and value in ("null", "true", "false")
    if literal and i + 1 < len(tokens) and tokens[i + 1][1] not in ("(", "["):
        return (None if value == "null" else value), i + 1
    if kind == "ident" and (i + 1 >= len(tokens) or tokens[i + 1][1] in (",", "}", "]")):
        return {"$var": value}, i + 1  # a variable: its value is looked up later
    if value == "[":
        items: list[Any] = []
        i += 1
        while i < len(tokens) and tokens[i][1] != "]":
            if tokens[i][1] == ",":
                i += 1
                continue
            item, i = _value(tokens, i)
            items.append(item)
        return items, i + 1
    if value == "{":
        body, i = _block(tokens, i + 1)
        return body, i
    raise _Unreadable


def _skip_value(tokens: list[tuple[str, str, int]], i: int) -> int:
    """Past an attribute's value we do not read: up to the end of its line at depth 0."""
    depth = 0
    start_line = tokens[i][2] if i < len(tokens) else 0
    while i < len(tokens):
        value, at = tokens[i][1], tokens[i][2]
        if depth == 0 and at > start_line and value not in ("]", "}", ")", ","):
            return i
        if value in ("{", "[", "("):
            depth += 1
        elif value in ("}", "]", ")"):
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return i


def _store(out: dict[str, Any], block: str, label: str, body: dict[str, Any], line: int) -> None:
    if block == "variable":
        default = body.get("default")
        out["variables"][label] = default if isinstance(default, str) else None
    elif block == "group":
        targets = body.get("targets")
        out["groups"][label] = [t for t in targets if isinstance(t, str)] if targets else []
    else:
        args = body.get("args") if isinstance(body.get("args"), dict) else {}
        out["targets"][label] = {
            "line": line,
            "dockerfile": body.get("dockerfile", "Dockerfile"),
            "context": body.get("context", "."),
            "target": body.get("target"),
            "args": args,
            "inherits": [t for t in body.get("inherits") or [] if isinstance(t, str)],
        }


def _from_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {"targets": {}, "groups": {}, "variables": {}}
    out: dict[str, Any] = {"targets": {}, "groups": {}, "variables": {}}
    if not isinstance(data, dict):
        return out
    for label, body in (data.get("variable") or {}).items():
        if isinstance(body, dict):
            _store(out, "variable", label, body, 1)
    for label, body in (data.get("group") or {}).items():
        if isinstance(body, dict):
            _store(out, "group", label, body, 1)
    for label, body in (data.get("target") or {}).items():
        if isinstance(body, dict):
            _store(out, "target", label, body, 1)
    return out


def resolve_target(
    bake: Mapping[str, Any], name: str, env: Mapping[str, str]
) -> tuple[dict[str, Any], str] | None:
    """A target with what it inherits merged in and its variables looked up (`env` over
    the bake file's defaults); None when there is no such target. Second: why a value
    could not be read ("" when all could)."""
    targets = bake.get("targets", {})
    if name not in targets:
        return None
    merged: dict[str, Any] = {"args": {}}
    todo = [name]
    order: list[str] = []
    while todo and len(order) < 32:
        current = todo.pop()
        if current in order or current not in targets:
            continue
        order.append(current)
        todo.extend(targets[current]["inherits"])
    for current in reversed(order):  # the target itself last: its values win
        entry = targets[current]
        for key in ("dockerfile", "context", "target"):
            if key in entry and (current == name or key not in merged or entry[key] is not None):
                merged[key] = entry[key]
        merged["args"] = {**merged["args"], **entry["args"]}
    merged["line"] = targets[name]["line"]
    why = ""
    variables = bake.get("variables", {})

    def lookup(value: Any) -> Any:
        nonlocal why
        if isinstance(value, dict) and "$var" in value:
            var = value["$var"]
            if var in env:
                return env[var]
            if var in variables:
                return variables[var]
            why = f"variable {var} is not set in the bake file"
            return None
        return value

    for key in ("dockerfile", "context", "target"):
        merged[key] = lookup(merged.get(key))
        if key != "target" and merged[key] is None:
            why = why or f"the target's {key} is not a literal"
    merged["args"] = {k: lookup(v) for k, v in merged["args"].items()}
    return merged, why


def targets_of(bake: Mapping[str, Any], names: list[str]) -> list[str]:
    """Group names expanded into their targets (`default` when none are named)."""
    out: list[str] = []
    todo = list(reversed(names or ["default"]))
    seen: set[str] = set()
    while todo and len(seen) < 256:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        group = bake.get("groups", {}).get(name)
        if group is not None and name not in bake.get("targets", {}):
            todo.extend(reversed(group))
        else:
            out.append(name)
    return out


#: Words without which no RUN line of a Dockerfile can run a tool or hand over to one.
DOCKERFILE_WORDS = ("test", "golangci", "govulncheck", "make", "task", ".sh", "hack/", "script")


def dockerfile_stages(text: str) -> dict[str, Any]:
    """Each stage's name, line, the stages it reads from and its ARG, ENV and RUN steps, in
    order (read again by `stage_data` with a target's build args). Raises DockerfileError."""
    from golive_tui.core.scan.detectors.dockerfile import syntax

    df = syntax.parse(text)
    stages: list[dict[str, Any]] = []
    for stage in df.stages:
        steps: list[list[Any]] = []
        for instr in stage.instructions:
            if instr.keyword == "ARG":
                for word in instr.args.split():
                    name, eq, value = word.partition("=")
                    steps.append(["arg", name, value.strip("\"'") if eq else None])
            elif instr.keyword == "ENV":
                steps += [["env", k, v] for k, v in syntax.kv_pairs(instr.args).items()]
            elif instr.keyword == "RUN":
                bodies = list(instr.heredocs)
                if not bodies:
                    _, command = syntax.split_flags(instr.args)
                    if syntax.is_json_form(command):
                        command = " ".join(syntax.json_words(command))
                    bodies = [(instr.line, command)]
                steps += [["run", first, body] for first, body in bodies]
        refs = {stage.parent} if stage.parent is not None else set()
        for instr in stage.instructions:
            for src in syntax.sources(instr):
                ref = syntax.stage_ref(df, src, stage.index)
                if ref is not None:
                    refs.add(ref)
        stages.append(
            {
                "name": stage.name,
                "line": stage.line,
                "refs": sorted(refs),  # the stages it builds FROM, copies or mounts from
                "steps": steps,
            }
        )
    return {"kind": "dockerfile", "stages": stages, "global_args": dict(df.global_args)}


def stage_data(
    meta: Mapping[str, Any], stage: str, args: Mapping[str, str] | None = None
) -> dict[str, Any] | None:
    """The tool runs and calls of building `stage` ("" = the last one): its own RUN lines
    and those of every stage it needs, ARGs taking the build `args` (a bake target's) over
    their defaults."""
    from golive_tui.core.scan.detectors.ci_targets import analyse
    from golive_tui.core.scan.detectors.dockerfile.syntax import substitute

    args = args or {}
    stages = meta.get("stages") or []
    if not stages:
        return None
    chosen = next((s for s in stages if stage and s["name"] == stage.lower()), None)
    if chosen is None:
        if stage and not stage.isdigit():
            return None
        chosen = stages[int(stage)] if stage.isdigit() and int(stage) < len(stages) else stages[-1]
    needed: set[int] = set()
    todo = [stages.index(chosen)]
    while todo:  # the stage and, transitively, every stage it reads from
        index = todo.pop()
        if index not in needed and 0 <= index < len(stages):
            needed.add(index)
            todo.extend(stages[index]["refs"])
    global_args = dict(meta.get("global_args", {}))
    hits: list[Any] = []
    calls: list[Any] = []
    for index in sorted(needed):
        env = {k: args.get(k, v) for k, v in global_args.items()}
        for kind, key, value in stages[index]["steps"]:
            if kind == "arg":  # a build arg, else its default, else the global one
                env[key] = args.get(key, value if value is not None else global_args.get(key, ""))
            elif kind == "env":
                env[key] = substitute(value, env)
            else:
                h, c = analyse(substitute(value, env), key, errexit=False)
                hits += h
                calls += c
    return {"line": chosen["line"], "hits": hits, "calls": calls, "deps": []}
