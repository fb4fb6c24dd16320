"""From a CI step to the tool it runs: through Makefile targets, tasks and scripts, with the
variables and arguments each hand-over passes, and the chain it took.

Bounded: a step budget, a chain length, each (file, target, context) visited once (so a
cycle ends), and only files the scan read (confined to the repository, size-capped). Nothing
is run. A hand-over that cannot be followed, or flags that cannot be resolved, is recorded
as `Unknown`: the detector then says "could not tell", never "missing".
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from golive_tui.core.evidence import Evidence, Polarity
from golive_tui.core.scan.detectors import bake, common
from golive_tui.core.scan.detectors.base import ScannedFile
from golive_tui.core.scan.detectors.ci_targets import (
    Call,
    parse_makefile,
    parse_taskfile,
    ready,
)
from golive_tui.core.scan.detectors.ci_vars import assignments, flags_unknown, substitute
from golive_tui.core.scan.detectors.yamlutil import YamlError
from golive_tui.core.tuples import NamedTuple

KINDS = ("tests", "race", "govulncheck", "golangci_lint")
MAX_STEPS = 5000
MAX_CHAIN = 12  # hand-overs from the CI step to the tool
MAX_CONTEXTS = 200  # re-read Makefiles/Taskfiles with a caller's variables
ARROW = " → "


class Unknown(NamedTuple):
    """Something on the way that could not be followed or resolved, and why."""

    kinds: tuple[str, ...]  # the detectors it leaves undecided
    where: str  # path:line
    why: str
    chain: str = ""


class Followed:
    """What following found, filled in as it goes."""

    # A plain class, not a dataclass: no dataclasses import on a cold scan (see gomod.GoMod).
    __slots__ = ("evidence", "unknown")

    def __init__(self) -> None:
        self.evidence: dict[str, list[Evidence]] = {}
        self.unknown: list[Unknown] = []


class _Ctx(NamedTuple):
    """What a hand-over passes: positional arguments (None: unknown), the environment, and
    make/task command-line variables."""

    args: tuple[str, ...] | None = ()
    env: tuple[tuple[str, str], ...] = ()
    overrides: tuple[tuple[str, str], ...] = ()

    def key(self) -> tuple[object, ...]:
        return (self.args, self.env, self.overrides)


class _Item(NamedTuple):
    call: Call
    caller: str
    via: str
    why: str
    only_on: str
    chain: tuple[str, ...]
    ctx: _Ctx


# Long on purpose: one breadth-first walk whose queue, visited set and budget are shared by every
# kind of hand-over; each kind's step is a helper below.
def follow(
    files: Mapping[str, ScannedFile],
    ci_files: Mapping[str, ScannedFile],
    all_paths: tuple[str, ...] = (),
) -> Followed:
    """Walk from CI calls into Makefile targets, tasks and scripts; evidence where tools run.

    A chain carries why it cannot fail the build (`make test || true`, a step with
    `continue-on-error: true`...) down to the tool it reaches, whether its workflow runs only
    on schedule or by hand (`facts.only_on`), and the hops it took (`facts.chain`)."""
    out = Followed()
    folders = repo_folders(all_paths)
    seen: set[tuple[object, ...]] = set()
    reparsed: dict[tuple[object, ...], Mapping[str, Any] | None] = {}
    queue: deque[_Item] = deque()
    for path in sorted(ci_files):
        meta = ci_files[path].scan.meta
        only_on = str((meta.get("only_on") or [""])[0])
        for call in meta.get("calls", []):
            why = str(call[6]) if len(call) > 6 else ""
            hop = f"{path}:{call[3]}"
            queue.append(
                _Item(call, path, f"{hop}: {call[4]}", why, only_on, (hop,), _Ctx(args=None))
            )
    emitted: set[tuple[object, ...]] = set()
    steps = 0
    while queue and steps < MAX_STEPS:
        steps += 1
        item = queue.popleft()
        call = item.call
        ctx = _called_with(call, item.ctx, files, item.caller)
        if call[0] == "script" and any("$" in str(p) for p in (call[1], *call[2])):
            call = _script_path(call, item, files)
            if call is None and not _looks_like_script(item.call):
                continue  # `./bin/$NAME`: a program built earlier, not one of the scripts
            if call is None:
                out.unknown.append(
                    Unknown(
                        KINDS,
                        item.chain[-1],
                        f"`{item.call[1] or item.call[2][0]}` (in `{item.call[4]}`): the"
                        " script's path comes from a variable not set in the repository",
                        ARROW.join(item.chain),
                    )
                )
                continue
        targets = _resolve(files, call, item.caller)
        if not targets and not _elsewhere(call, item.caller, files, folders):
            _cannot_follow(out, files, call, item)
        for file_path, node in targets:
            key = (file_path, node, item.why, item.only_on, ctx.key())
            if key in seen:
                continue
            seen.add(key)
            origin = file_path  # the invoked Makefile: recipes run in its folder
            meta = files[file_path].scan.meta
            data: Mapping[str, Any] | None
            if meta.get("kind") == "bake":
                _bake_target(out, queue, item, ctx, meta["bake"], file_path, node)
                continue
            if meta.get("kind") == "dockerfile":
                data = _stage(files, file_path, node, ctx, reparsed)
                if data is None:
                    why = f"`{call[4]}`: no stage `{node}` in {file_path}, or it cannot be read"
                    out.unknown.append(Unknown(KINDS, item.chain[-1], why, ARROW.join(item.chain)))
            elif meta.get("kind") == "script":
                data = meta
            else:
                found = _target(files, file_path, node, ctx, reparsed)
                data = found[1] if found else None
                if found:  # evidence points at the file defining the target (maybe included)
                    file_path = found[0]
                elif node and call[4]:
                    out.unknown.append(
                        Unknown(
                            KINDS,
                            item.chain[-1],
                            f"`{call[4]}`: no target `{node}` in {file_path}",
                            ARROW.join(item.chain),
                        )
                    )
            if data is None:
                continue
            sf = files[file_path]
            _emit(out, emitted, item, ctx, file_path, sf, node, data)
            if len(item.chain) >= MAX_CHAIN:
                continue
            rule_hop = f"{file_path}:{data.get('line', 1)}"
            for dep in data.get("deps", []):
                kind = "task" if meta.get("kind") == "task" else "make"
                chain = item.chain if not node else (*item.chain, rule_hop)
                dep_call = [kind, f"file:{origin}", [dep], 0, "", "", "", [], []]
                queue.append(_Item(dep_call, origin, item.via, item.why, item.only_on, chain, ctx))
            for sub in data.get("calls", []):
                sub_why = item.why or (str(sub[6]) if len(sub) > 6 else "")
                chain = (*item.chain, f"{file_path}:{sub[3]}")
                queue.append(_Item(sub, origin, item.via, sub_why, item.only_on, chain, ctx))
    return out


def _emit(
    out: Followed,
    emitted: set[tuple[object, ...]],
    item: _Item,
    ctx: _Ctx,
    file_path: str,
    sf: ScannedFile,
    node: str,
    data: Mapping[str, Any],
) -> None:
    """Evidence for the tool runs of one target or script reached by `item`."""
    hits = list(data.get("hits", []))
    if _goflags_race(ctx):  # GOFLAGS=-race in the environment the CI step sets
        flags = dict(ctx.env)["GOFLAGS"]
        hits += [
            ["race", h[1], h[2], h[3], h[4] if len(h) > 4 else "", {"goflags": flags}]
            for h in hits
            if h[0] == "tests"
        ]
    chosen = set(data.get("conditional", [])) if ctx.args else set()
    for hit in hits:
        kind, line, end, snippet = hit[:4]
        chain = ARROW.join((*item.chain, f"{file_path}:{line}"))
        if line in chosen and kind in (*KINDS, "race_unknown"):
            why = (
                f"`{snippet}`: runs only on some of the script's options, and it is given"
                f" {' '.join(ctx.args or ())}"
            )
            kinds = ("race",) if kind == "race_unknown" else (kind,)
            out.unknown.append(Unknown(kinds, f"{file_path}:{line}", why, chain))
            continue
        if kind == "race_unknown":
            kind = _race_with(hit, ctx, data)
            if kind == "unknown":
                out.unknown.append(
                    Unknown(
                        ("race",),
                        f"{file_path}:{line}",
                        f"`{snippet}`: its flags come from a variable or argument not"
                        " set in the repository",
                        chain,
                    )
                )
                continue
        if kind not in KINDS:
            continue
        reason = item.why or (str(hit[4]) if len(hit) > 4 else "")
        if (kind, file_path, line, reason, item.only_on) in emitted:
            continue
        emitted.add((kind, file_path, line, reason, item.only_on))
        facts: dict[str, Any] = {"via": item.via, "chain": chain}
        if len(hit) > 5 and isinstance(hit[5], dict):  # `goflags`: the step's GOFLAGS=-race
            facts.update(hit[5])
        if node:
            facts["target"] = node
        if item.only_on:
            facts["only_on"] = item.only_on
        polarity = Polarity.POSITIVE
        if reason:
            polarity = Polarity.CONTRARY
            facts.update(quality="contrary", why=reason)
        out.evidence.setdefault(kind, []).append(
            Evidence(file_path, int(line), int(end), polarity, str(snippet), sf.blob, facts)
        )


def _goflags_race(ctx: _Ctx) -> bool:
    from golive_tui.core.scan.detectors import shell

    flags = dict(ctx.env).get("GOFLAGS", "")
    return bool(flags) and shell.has_race(shell.Command(("go", "test", *flags.split()), 1, 1, ""))


def _race_with(hit: list[Any], ctx: _Ctx, data: Mapping[str, Any]) -> str:
    """ "race", "" (resolved: no -race) or "unknown" for a test run whose flags hold a
    reference, given what the caller passed and the script's own assignments."""
    from golive_tui.core.scan.detectors import shell

    if len(hit) < 6:
        return "unknown"
    names = {**dict(ctx.env), **_script_vars(data, ctx)}
    words = substitute(hit[5], ctx.args, names)
    cmd = shell.Command(words, int(hit[1]), int(hit[2]), str(hit[3]))
    if shell.has_race(cmd):
        return "race"
    return "unknown" if flags_unknown(cmd) else ""


def _script_vars(data: Mapping[str, Any], ctx: _Ctx) -> dict[str, str]:
    """A script's own `NAME=value` assignments, resolved against the environment it gets
    (`FLAGS=${FLAGS:--race}`); one assigned differently in two places stays unknown."""
    env = dict(ctx.env)
    out: dict[str, str] = {}
    for name, value in dict(data.get("vars", {})).items():
        if value is None:
            continue
        words = substitute((str(value),), ctx.args, {**env, **out})
        out[name] = " ".join(words)
    return out


def _called_with(call: Call, ctx: _Ctx, files: Mapping[str, ScannedFile], caller: str) -> _Ctx:
    """The context a call hands on: its arguments and `NAME=value` words resolved against
    the caller's, make's command-line variables kept for sub-makes."""
    meta = files[caller].scan.meta if caller in files else {}
    names = dict(ctx.env)
    if meta.get("kind") == "script":
        names.update(_script_vars(meta, ctx))
    args = substitute(tuple(call[7]), ctx.args, names) if len(call) > 7 else ()
    env = dict(ctx.env)
    if len(call) > 8:
        env.update(assignments(substitute(tuple(call[8]), ctx.args, names)))
    kind = call[0]
    if kind in ("make", "task", "dockerfile"):
        # make hands its command-line variables on to sub-makes, nothing else does
        inherited = kind == "make" and meta.get("kind") == "make"
        overrides = dict(ctx.overrides) if inherited else {}
        overrides.update(assignments(args))
        return _Ctx((), tuple(sorted(env.items())), tuple(sorted(overrides.items())))
    if kind == "bake":
        return _Ctx((), tuple(sorted(env.items())), ())
    return _Ctx(args, tuple(sorted(env.items())), ())


def _bake_target(
    out: Followed,
    queue: deque[_Item],
    item: _Item,
    ctx: _Ctx,
    parsed: Mapping[str, Any],
    bake_file: str,
    name: str,
) -> None:
    """A bake target: on to the Dockerfile stage it builds, with its build args."""
    found = bake.resolve_target(parsed, name, dict(ctx.env))
    hop = ARROW.join(item.chain)
    if found is None:
        why = f"`{item.call[4]}`: no target `{name}` in {bake_file}"
        if "$" in name:
            why = (
                f"`{item.call[4]}`: the target's name comes from a value not set in the repository"
            )
        out.unknown.append(Unknown(KINDS, item.chain[-1], why, hop))
        return
    target, why = found
    context, dockerfile = str(target.get("context") or "."), target.get("dockerfile")
    if why or not isinstance(dockerfile, str) or "://" in context or ":" in context:
        reason = why or "its context or Dockerfile is not in the repository"
        out.unknown.append(Unknown(KINDS, item.chain[-1], f"bake target `{name}`: {reason}", hop))
        return
    path = join(join(common.dirname(bake_file), context), dockerfile)
    args = [f"{k}={v}" for k, v in dict(target.get("args") or {}).items() if v is not None]
    stage = str(target.get("target") or "")
    snippet = f'target "{name}"'
    call = ["dockerfile", f"file:{path}", [stage], target["line"], snippet, "", "", args, []]
    chain = (*item.chain, f"{bake_file}:{target['line']}")
    queue.append(_Item(call, bake_file, item.via, item.why, item.only_on, chain, ctx))


def _stage(
    files: Mapping[str, ScannedFile],
    path: str,
    stage: str,
    ctx: _Ctx,
    memo: dict[tuple[object, ...], Mapping[str, Any] | None],
) -> Mapping[str, Any] | None:
    """What building a Dockerfile stage runs, its RUN lines read with the target's args
    (once per stage and args: several CI steps often build the same target)."""
    meta = files[path].scan.meta
    if meta.get("inert"):
        return {"line": 1, "hits": [], "calls": [], "deps": []}
    key = ("stage", path, stage, ctx.overrides)
    if key not in memo:
        memo[key] = bake.stage_data(meta, stage, dict(ctx.overrides))
    return memo[key]


def _looks_like_script(call: Call) -> bool:
    """A path with a variable that would name a script (`hack/validate/$SCRIPT`)."""
    paths = [str(call[1])] if call[1] else [str(n) for n in call[2]]
    return any(common.is_script(re.sub(r"\$\{?\w+\}?|\$\*", "x", p).lstrip("./")) for p in paths)


def _script_path(call: Call, item: _Item, files: Mapping[str, ScannedFile]) -> Call | None:
    """A script call whose path holds a variable, with the path resolved (None: it cannot
    be; paths a variable leaves open are never guessed)."""
    meta = files[item.caller].scan.meta if item.caller in files else {}
    names = dict(item.ctx.env)
    if meta.get("kind") == "script":
        names.update(_script_vars(meta, item.ctx))
    paths: list[str] = []
    for p in [str(call[1])] if call[1] else [str(n) for n in call[2]]:
        resolved = substitute((p,), item.ctx.args, names) if "$" in p else (p,)
        if len(resolved) == 1 and "$" not in resolved[0]:
            paths.append(resolved[0])
    if not paths:
        return None
    return [call[0], paths[0] if call[1] else "", [] if call[1] else paths, *call[3:]]


def _elsewhere(
    call: Call, caller: str, files: Mapping[str, ScannedFile], folders: frozenset[str]
) -> bool:
    """A CI step working in a folder the repository does not have (`working-directory:` of
    another project's checkout): what it runs is that project's, not this service's."""
    base = str(call[5]) if len(call) > 5 else ""
    if not base or caller not in files or "system" not in files[caller].scan.meta:
        return False
    return base.rstrip("/") not in folders


@lru_cache(maxsize=2)
def repo_folders(all_paths: tuple[str, ...]) -> frozenset[str]:
    """Every folder of the repository (each added once, walking up from its files' distinct
    folders: 8x moby's 26,504 paths have 3,872; a `dirname` call per path and per step made
    this 6.5 ms alone, now 1.5 ms once `folders_of`, shared with the files family, is made;
    the CI family's cold finalize 7.3 -> 6.1 ms)."""
    present: set[str] = set()
    for folder in set(common.folders_of(all_paths)):
        while folder and folder not in present:
            present.add(folder)
            folder = folder.rpartition("/")[0]  # common.dirname, without a call each
    return frozenset(present)


def _cannot_follow(
    out: Followed, files: Mapping[str, ScannedFile], call: Call, item: _Item
) -> None:
    """A hand-over to something the repository does not hold: could not tell what it runs.
    Only what would have been read had it been there counts (a script path, a Makefile)."""
    kind, where = call[0], str(call[1])
    if not call[4]:
        return  # a prerequisite: a file target, not a hand-over
    if item.caller in files and files[item.caller].scan.meta.get("kind") == "dockerfile":
        return  # a RUN line's path is the image's (its WORKDIR), not the repository's
    if kind == "script":
        if not where:
            return  # `docker run image ./entrypoint.sh`: a path in the container, maybe not ours
        paths = [where]
        if not common.is_script(where.lstrip("./")):
            return
        why = f"`{call[4]}`: {paths[0]} is not in the repository"
    elif kind == "make":
        why = f"`{call[4]}`: no Makefile found for it"
    elif kind == "bake":
        why = f"`{call[4]}`: no bake file (docker-bake.hcl/.json) found for it"
    elif kind == "dockerfile":
        why = f"`{call[4]}`: {str(where)[5:]} is not in the repository"
    else:
        why = f"`{call[4]}`: no Taskfile found for it"
    out.unknown.append(Unknown(KINDS, item.chain[-1], why, ARROW.join(item.chain)))


def _target(
    files: Mapping[str, ScannedFile],
    path: str,
    name: str,
    ctx: _Ctx,
    reparsed: dict[tuple[object, ...], Mapping[str, Any] | None],
) -> tuple[str, Mapping[str, Any]] | None:
    """(file, target) for a make target or task by name, looking into included makefiles
    and pattern rules, read again with the caller's variables when it passed any."""
    for candidate in _with_includes(files, path):
        targets = _targets(files, candidate, ctx, reparsed)
        if name in targets:
            return candidate, dict(ready(targets[name]))
    for candidate in _with_includes(files, path):
        for pattern, entry in _targets(files, candidate, ctx, reparsed).items():
            if "%" in pattern and pattern != "%":
                regex = re.escape(pattern).replace("%", "(.+)", 1)
                m = re.fullmatch(regex, name)
                if m:
                    stem = m.group(1)
                    entry = ready(entry)
                    return candidate, {
                        **entry,
                        "deps": [d.replace("%", stem) for d in entry["deps"]],
                        "calls": [_stem(c, stem) for c in entry.get("calls", [])],
                    }
            elif pattern == "%":
                deps = [d.replace("%", name) for d in entry["deps"]]
                if any(d != name for d in deps):
                    return candidate, {**ready(entry), "deps": deps}
    return None


def _stem(call: Call, stem: str) -> Call:
    """A pattern rule's call with make's `$*` replaced by the stem it matched."""
    where = str(call[1]).replace("$*", stem)
    names = [str(n).replace("$*", stem) for n in call[2]]
    args = [str(a).replace("$*", stem) for a in call[7]] if len(call) > 7 else []
    return [call[0], where, names, *call[3:7], args, *call[8:]]


def _targets(
    files: Mapping[str, ScannedFile],
    path: str,
    ctx: _Ctx,
    reparsed: dict[tuple[object, ...], Mapping[str, Any] | None],
) -> Mapping[str, Any]:
    meta = files[path].scan.meta
    source = meta.get("source")
    if not (ctx.overrides or ctx.env) or not isinstance(source, str):
        return dict(meta.get("targets", {}))
    # Only what can change the file's reading (most steps' env does not): a make variable the
    # environment may set (`?=`, or used and never set) to another value, a task variable.
    overrides = tuple((k, v) for k, v in ctx.overrides if _mentions(source, k))
    if meta.get("kind") == "task":
        env = tuple((k, v) for k, v in ctx.env if f".{k}" in source)
    else:
        weak = meta.get("env_names", {})
        env = tuple((k, v) for k, v in ctx.env if k in weak and weak[k] != v)
    if not (overrides or env):
        return dict(meta.get("targets", {}))
    key = (path, overrides, env)
    if key not in reparsed:
        if len(reparsed) >= MAX_CONTEXTS:
            return dict(meta.get("targets", {}))
        try:
            if meta.get("kind") == "task":
                reparsed[key] = parse_taskfile(source, {**dict(env), **dict(overrides)})
            else:
                reparsed[key] = parse_makefile(source, dict(overrides), dict(env), lazy=True)
        except (YamlError, RecursionError):  # read once already: the first reading stands
            reparsed[key] = None
    return dict((reparsed[key] or meta).get("targets", {}))


def _mentions(source: str, name: str) -> bool:
    """Whether a Makefile or Taskfile refers to a variable (`$(NAME)`, `${NAME}`, `ifdef
    NAME`, `{{.NAME}}`), not merely a word (`docker run -e NAME`)."""
    if name not in source:
        return False
    ref = re.escape(name)
    return re.search(rf"\$[({{]{ref}\b|ifn?def\s+{ref}\b|\.{ref}\b", source) is not None


def _with_includes(files: Mapping[str, ScannedFile], path: str) -> Iterator[str]:
    seen = {path}
    order = [path]
    i = 0
    while i < len(order) and i < 50:
        meta = files[order[i]].scan.meta
        folder = common.dirname(order[i])
        for inc in meta.get("includes", []):
            for word in str(inc).split():
                cand = join(folder, word)
                if cand in files and cand not in seen:
                    seen.add(cand)
                    order.append(cand)
        i += 1
    yield from order


def join(folder: str, rel: str) -> str:
    """A relative path joined to a folder, `..` never leaving the repository root."""
    parts: list[str] = [p for p in folder.split("/") if p] if not rel.startswith("/") else []
    for part in rel.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


_MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
_BAKEFILES = ("docker-bake.hcl", "docker-bake.json", "docker-bake.override.hcl")
_TASKFILES = ("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml")


def _resolve(files: Mapping[str, ScannedFile], call: Call, caller: str) -> list[tuple[str, str]]:
    """(file, target) pairs a call reaches; "" target = a whole script."""
    kind, where, names, _, _, base = call[:6]
    caller_is_ci = "system" in files[caller].scan.meta if caller in files else False
    folder = base if caller_is_ci else common.dirname(caller)
    if kind == "script":
        found: list[tuple[str, str]] = []
        for rel in [str(where)] if where else [str(n) for n in names]:
            for cand in (join(folder, rel), join("", rel), join(common.dirname(caller), rel)):
                if cand in files and files[cand].scan.meta.get("kind") == "script":
                    found.append((cand, ""))
                    break
        return found
    if kind == "make":
        mf: str | None
        if where.startswith("file:"):
            rel = str(where[5:])
            mf = rel if rel in files else join(folder, rel)
        elif where.startswith("dir:"):
            mf = _first(files, join(folder, str(where[4:])), _MAKEFILES)
        elif files[caller].scan.meta.get("kind") == "make" if caller in files else False:
            mf = caller  # `$(MAKE) other` inside a Makefile: the same Makefile
        else:
            mf = _first(files, folder, _MAKEFILES)
        if mf is None or mf not in files:
            return []
        default = str(files[mf].scan.meta.get("default", ""))
        return [(mf, n or default) for n in names if n or default]
    if kind == "bake":
        bf: str | None
        if where.startswith("file:"):
            bf = join(folder, str(where[5:]))
        else:
            bf = _first(files, folder, _BAKEFILES)
        if bf is None or bf not in files or files[bf].scan.meta.get("kind") != "bake":
            return []
        return [(bf, n) for n in bake.targets_of(files[bf].scan.meta["bake"], list(names))]
    if kind == "dockerfile":
        df = str(where[5:])
        return [(df, n) for n in names] if df in files else []
    if kind == "task":
        tf: str | None
        if where.startswith("file:"):
            tf = str(where[5:])
        elif not where and common.is_taskfile(caller):
            tf = caller
        else:
            tf = _first(files, join(folder, str(where)), _TASKFILES)
        if tf is None or tf not in files:
            return []
        return [_task_in(files, tf, str(n)) for n in names]
    return []


def _task_in(files: Mapping[str, ScannedFile], taskfile: str, name: str) -> tuple[str, str]:
    """`ns:task` of a Taskfile's `includes:` (the included Taskfile, the task's own name)."""
    for _ in range(8):
        namespaces = files[taskfile].scan.meta.get("namespaces", {})
        head, sep, rest = name.partition(":")
        if (
            not sep
            or head not in namespaces
            or name in files[taskfile].scan.meta.get("targets", {})
        ):
            break
        path = join(common.dirname(taskfile), str(namespaces[head]))
        found = path if path in files else _first(files, path, _TASKFILES)
        if found is None or found not in files:
            break
        taskfile, name = found, rest
    return taskfile, name


def _first(files: Mapping[str, ScannedFile], folder: str, names: tuple[str, ...]) -> str | None:
    return next((c for c in (join(folder, n) for n in names) if c in files), None)
