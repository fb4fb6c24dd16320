"""CI evidence: a pipeline exists, and what it runs - tests, the race detector, govulncheck,
golangci-lint - followed through the Makefile targets, Taskfile tasks and scripts it calls.

Every CI system keeps its shell in a few keys (`run:`, `script:`, `commands:`...). Those strings
are read as shell (`shell.commands`), so `# -race` in a comment or `echo "go test"` never
counts. A step running `make test` counts for the race detector when the `test` target (or a
target it depends on or calls) runs `go test -race`; the evidence then points at that Makefile
line and says, in `facts.via`, which CI step led there.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from golive_tui.core.evidence import DetectorResult, Evidence, Polarity, Status
from golive_tui.core.scan.detectors import bake, ci_unseen, cloudbuild, common, yamlutil
from golive_tui.core.scan.detectors.base import EMPTY, FileScan, Finding, ScannedFile
from golive_tui.core.scan.detectors.ci_follow import Unknown, _resolve, follow, repo_folders
from golive_tui.core.scan.detectors.ci_targets import (
    Call,
    Hit,
    analyse,
    option_dependent_lines,
    parse_makefile,
    parse_taskfile,
    script_vars,
)
from golive_tui.core.scan.detectors.ci_vars import github_expand, github_refs, matrix_variants
from golive_tui.core.tuples import NamedTuple

HITS = {
    "tests": "ci.tests",
    "race": "ci.race",
    "govulncheck": "ci.govulncheck",
    "golangci_lint": "ci.golangci_lint",
}
DETECTORS = ("ci.present", *HITS.values())
# Keys whose string (or list of strings) values are shell, across CI systems and Taskfile.
SHELL_KEYS = frozenset(
    {"run", "script", "before_script", "after_script", "commands", "command", "cmd", "cmds"}
)
_ACTIONS = {
    "golangci/golangci-lint-action": "golangci_lint",
    "golang/govulncheck-action": "govulncheck",
}
# --------------------------------------------------------------------------- CI YAML


_FALSE = frozenset({"false", "0", "!true", "''", '""'})


#: The keys `_cannot_fail` reads: a mapping with none of them (most are) is answered at once.
_FAIL_KEYS = frozenset(
    {"if", "continue-on-error", "allow_failure", "allowFailure", "failure", "when"}
)


def _index(node: yamlutil.MappingNode) -> dict[str, tuple[yamlutil.ScalarNode, yamlutil.Node]]:
    """A mapping's (key, value) by key, merges followed, the last one winning as in
    `yamlutil.get`: one pass instead of one per key asked (the CI walk asks ~12 per mapping;
    the walk over moby's 27 CI files, its shell aside: 7.1 -> 5.0 ms)."""
    return {k.value: (k, v) for k, v in yamlutil.items(node)}


def _cannot_fail(
    node: yamlutil.MappingNode,
    index: dict[str, tuple[yamlutil.ScalarNode, yamlutil.Node]] | None = None,
) -> tuple[str, int] | None:
    """Why a job or step never fails the build, and the line saying so, or None.

    GitHub Actions: `if: false` (or `${{ false }}`) never runs, `continue-on-error: true`
    lets it fail unseen; GitLab: `when: never` never runs, `when: manual` waits for someone,
    `allow_failure: true` lets it fail unseen. Expressions (`${{ matrix.experimental }}`)
    are left alone: only literal values decide."""
    if index is not None and index.keys().isdisjoint(_FAIL_KEYS):
        return None
    cond = yamlutil.scalar(yamlutil.get(node, "if"))
    if cond is not None:
        text = cond.strip()
        if text.startswith("${{") and text.endswith("}}"):
            text = text[3:-2].strip()
        if text.lower() in _FALSE:
            return f"`if: {cond.strip()}`: this job or step never runs", _line(node, "if")
    for key, what in (
        ("continue-on-error", "continue-on-error: true"),
        ("allow_failure", "allow_failure: true"),
        ("allowFailure", "allowFailure: true"),
    ):
        value = yamlutil.get(node, key)
        if isinstance(value, yamlutil.ScalarNode) and yamlutil.is_true(value):
            return f"`{what}`: a failure here does not fail the build", _line(node, key)
    if (yamlutil.scalar(yamlutil.get(node, "failure")) or "").strip() == "ignore":
        return "`failure: ignore`: a failure here does not fail the build", _line(node, "failure")
    when = (yamlutil.scalar(yamlutil.get(node, "when")) or "").strip()
    if when == "never":
        return "`when: never`: this job never runs", _line(node, "when")
    if when == "manual":
        return "`when: manual`: this job runs only when someone starts it", _line(node, "when")
    return None


def _exit_codes_allowed(node: yamlutil.MappingNode) -> tuple[str, int] | None:
    """Cloud Build's `allowExitCodes: [1]`: a step exiting with one of them succeeds."""
    codes = [yamlutil.scalar(c) for c in yamlutil.seq(yamlutil.get(node, "allowExitCodes"))]
    if any(c and c != "0" for c in codes):
        what = f"`allowExitCodes: [{', '.join(str(c) for c in codes)}]`"
        return f"{what}: a failure here does not fail the build", _line(node, "allowExitCodes")
    return None


def _line(node: yamlutil.MappingNode, key: str) -> int:
    found = yamlutil.key_node(node, key)
    return yamlutil.line(found) if found is not None else yamlutil.line(node)


class _Scope(NamedTuple):
    """What a step's shell sees from the YAML around it: the `env:`/`variables:` set by the
    workflow, job and step, and the job's `strategy.matrix` values (by variable)."""

    env: Mapping[str, str] = EMPTY
    matrix: Mapping[str, list[str]] = EMPTY

    def inside(self, node: yamlutil.MappingNode, keys: Collection[str] = ()) -> _Scope:
        """`keys`: the node's keys when the caller has them (merges followed)."""
        env, matrix = self.env, self.matrix
        # One look at the keys first: most mappings set neither (a cheap test, no merge walk).
        keys = keys or {k.value for k, _ in node.value if isinstance(k, yamlutil.ScalarNode)}
        if not any(k in keys for k in ("env", "variables", "strategy", "<<")):
            return self
        for key in ("env", "variables"):
            values = {
                k.value: str(yamlutil.scalar(v))
                for k, v in yamlutil.items(yamlutil.get(node, key))
                if yamlutil.scalar(v) is not None
            }
            if values:
                env = {**env, **values}
        strategy = yamlutil.get(node, "strategy")
        if strategy is not None:
            matrix = _matrix(yamlutil.get(strategy, "matrix"))
        if env is self.env and matrix is self.matrix:
            return self
        return _Scope(env, matrix)


def _matrix(node: yamlutil.Node | None) -> dict[str, list[str]]:
    """A GitHub matrix's values by variable, `include` entries added; a matrix written as an
    expression (`${{ fromJSON(...) }}`) has none we can read."""
    out: dict[str, list[str]] = {}
    for key, value in yamlutil.items(node):
        if key.value == "exclude":
            continue
        entries = [value] if key.value != "include" else yamlutil.seq(value)
        if key.value != "include":
            values = [yamlutil.scalar(v) for v in yamlutil.seq(value)]
            if values and all(v is not None for v in values):
                out[key.value] = [str(v) for v in values]
            continue
        for entry in entries:
            for k, v in yamlutil.items(entry):
                if yamlutil.scalar(v) is not None:
                    out.setdefault(k.value, [])
                    if str(yamlutil.scalar(v)) not in out[k.value]:
                        out[k.value].append(str(yamlutil.scalar(v)))
    return out


# Long on purpose: one recursive walk over every CI system's YAML, each key's case short.
def _walk_ci(
    node: yamlutil.Node | None,
    base: str,
    hits: list[Hit],
    calls: list[Call],
    depth: int = 0,
    why: str = "",
    scope: _Scope | None = None,
    bases: dict[int, str] | None = None,
) -> None:
    """Tool runs and hand-overs anywhere in a CI file; `bases`: the line of each tool run
    made in a `working-directory:` (another project's checkout if the repository has no such
    folder: judged in `finalize`)."""
    if node is None or depth > 40:
        return
    scope = scope or _Scope()
    bases = {} if bases is None else bases
    if isinstance(node, yamlutil.SequenceNode):
        for child in node.value:
            _walk_ci(child, base, hits, calls, depth + 1, why, scope, bases)
        return
    if not isinstance(node, yamlutil.MappingNode):
        return
    index = _index(node)
    if not why:
        off = _cannot_fail(node, index)
        if off is not None:
            why = f"{off[0]} (line {off[1]})"
    scope = scope.inside(node, index)
    wd = yamlutil.scalar(index["working-directory"][1]) if "working-directory" in index else None
    if wd is None and any(k.value == "defaults" for k, _ in node.value):
        defaults = yamlutil.get(yamlutil.get(node, "defaults"), "run")
        wd = yamlutil.scalar(yamlutil.get(defaults, "working-directory"))
    here = wd.strip("./") if wd and "$" not in wd else base
    for key, value in yamlutil.items(node):
        if key.value == "uses":
            action = (yamlutil.scalar(value) or "").split("@", 1)[0].lower()
            if action == "docker/bake-action" and value is not None:
                calls.append(_bake_action(node, value, here, why, scope))
                continue
            kind = _ACTIONS.get(action)
            if kind and value is not None and not _installs_only(node):
                line = yamlutil.line(value)
                hits.append(
                    [kind, line, line, f"uses: {yamlutil.scalar(value)}", why or _action(node)]
                )
            continue
        if key.value in SHELL_KEYS:
            scalars = yamlutil.strings(value)
            if isinstance(value, yamlutil.MappingNode):  # CircleCI `run: {command: ...}`
                _walk_ci(value, here, hits, calls, depth + 1, why, scope, bases)
                continue
            errexit = _stops_on_error(node)
            for scalar in scalars:
                first = yamlutil.block_scalar_first_line(scalar)
                h, c = shell_step(str(scalar.value), first, here, errexit, why, scope)
                bases.update((hit[1], here) for hit in h if here)
                hits += h
                calls += c
            for child in yamlutil.seq(value):  # Taskfile-like `{cmd: ...}` entries
                if isinstance(child, yamlutil.MappingNode):
                    _walk_ci(child, here, hits, calls, depth + 1, why, scope, bases)
            continue
        if key.value in ("env", "variables", "strategy"):
            continue
        _walk_ci(value, here, hits, calls, depth + 1, why, scope, bases)


def shell_step(
    text: str, first_line: int, base: str, errexit: bool, why: str, scope: _Scope
) -> tuple[list[Hit], list[Call]]:
    """A step's shell, as written, and again once per matrix leg for the commands that name
    a matrix value (`go test ${{ matrix.flags }}`): a tool run only some leg makes is added
    with that leg (`{"matrix": "flags=-race"}` after its why), the snippet as written. The
    calls it makes carry the environment the CI sets for it."""
    hits, calls = analyse(text, first_line, base, errexit=errexit, why=why)
    used = github_refs(text)
    variants = matrix_variants(scope.matrix, used) if used else None
    if variants:
        lines = text.splitlines()

        def names_matrix(start: int, end: int) -> bool:
            chunk = "\n".join(lines[max(0, start - first_line) : end - first_line + 1])
            return bool(github_refs(chunk))

        as_written = {(h[0], h[1]) for h in hits if h[0] != "race_unknown"}
        snippets = {h[1]: h[3] for h in hits}
        resolved = {h[1] for h in hits if h[0] == "race_unknown"}  # ...by every leg
        for variant in variants:
            h, c = analyse(
                github_expand(text, variant, {}), first_line, base, errexit=errexit, why=why
            )
            leg = ", ".join(f"{k}={v}" for k, v in variant.items())
            for hit in h:
                if not names_matrix(hit[1], hit[2]) or (hit[0], hit[1]) in as_written:
                    continue
                if hit[0] == "race_unknown":
                    continue
                as_written.add((hit[0], hit[1]))
                hits.append([*hit[:3], snippets.get(hit[1], hit[3]), hit[4], {"matrix": leg}])
            calls += [call for call in c if names_matrix(call[3], call[3])]
            resolved -= {hit[1] for hit in h if hit[0] == "race_unknown"}
        hits = [
            hit
            for hit in hits
            if hit[0] != "race_unknown"
            or (hit[1] not in resolved and ("race", hit[1]) not in as_written)
        ]
    env = [f"{k}={v}" for k, v in scope.env.items() if "${{" not in v]
    out: list[Call] = []
    seen: set[tuple[object, ...]] = set()
    for call in calls:
        call = [*call[:8], env + list(call[8])]
        if (call[3], str(call[2]), str(call[7]), str(call[8])) not in seen:
            seen.add((call[3], str(call[2]), str(call[7]), str(call[8])))
            out.append(call)
    return hits, out


def _bake_action(
    step: yamlutil.MappingNode, uses: yamlutil.Node, base: str, why: str, scope: _Scope
) -> Call:
    """`uses: docker/bake-action` with `targets:` (and `files:`, `workdir:`/`source:`): a
    hand-over like `docker buildx bake`."""
    with_ = yamlutil.get(step, "with")

    def listed(key: str) -> list[str]:
        text = yamlutil.scalar(yamlutil.get(with_, key)) or ""
        return [w.strip() for w in re.split(r"[,\n]", text) if w.strip()]

    files = listed("files")
    folder = (listed("workdir") or listed("source") or [base])[0]
    where = f"file:{files[0]}" if files else ""
    env = scope.env  # the step's own `env:` included
    line = yamlutil.line(uses)
    names = listed("targets")
    used = github_refs(" ".join(names))
    variants = matrix_variants(scope.matrix, used) if used else None
    if variants:  # `targets: ${{ matrix.target }}` over a matrix the file lists
        names = list(dict.fromkeys(github_expand(n, v, scope.env) for v in variants for n in names))
    snippet = f"uses: {yamlutil.scalar(uses)}" + (
        f" (targets: {', '.join(names)})" if names else ""
    )
    folder = folder.strip("./") if "://" not in folder and "$" not in folder else "?"
    env_words = [f"{k}={v}" for k, v in env.items() if "${{" not in v]
    return ["bake", where, names, line, snippet, folder, why, [], env_words]


def _stops_on_error(step: yamlutil.MappingNode) -> bool:
    """CI shells stop at the first failure (GitHub runs `bash -e {0}`, GitLab `set -e`),
    except a GitHub step with a custom `shell: bash {0}` that leaves `-e` out."""
    shell = yamlutil.scalar(yamlutil.get(step, "shell")) or ""
    return "{0}" not in shell or re.search(r"\s-[a-z]*e", shell) is not None


def _installs_only(step: yamlutil.MappingNode) -> bool:
    """`install-only: true`: golangci-lint-action puts the linter on the PATH, runs nothing."""
    with_ = yamlutil.get(step, "with")
    return (yamlutil.scalar(yamlutil.get(with_, "install-only")) or "").lower() == "true"


def _action(step: yamlutil.MappingNode) -> str:
    """Why an action's step cannot fail: golangci-lint-action given `--issues-exit-code=0`."""
    from golive_tui.core.scan.detectors import shell

    args = yamlutil.scalar(yamlutil.get(yamlutil.get(step, "with"), "args")) or ""
    for cmd in shell.commands("golangci-lint run " + args):
        reason = shell.tool_never_fails(cmd)
        if reason:
            return reason
    return ""


#: Events that run a workflow for a change on its way in (anything else, e.g. `release`, is
#: left alone: only workflows that run on schedule or by hand alone are called out).
_OFF_PATH = frozenset({"schedule", "workflow_dispatch"})


def _only_on(doc: yamlutil.Node | None) -> tuple[str, int] | None:
    """(events, line) of a GitHub workflow that runs only on schedule / workflow_dispatch."""
    key = yamlutil.key_node(doc, "on")
    if key is None:
        return None
    value = yamlutil.get(doc, "on")
    events: list[str] = []
    if isinstance(value, yamlutil.MappingNode):
        events = [k.value for k, _ in yamlutil.items(value)]
    elif isinstance(value, yamlutil.SequenceNode):
        events = [str(yamlutil.scalar(v)) for v in value.value]
    elif yamlutil.scalar(value):
        events = [str(yamlutil.scalar(value))]
    if events and set(events) <= _OFF_PATH:
        return ", ".join(events), yamlutil.line(key)
    return None


def extract_ci(path: str, text: str, system: str) -> FileScan:
    present = Finding("ci.present", 1, 1, "positive", f"{system} CI: {path}", {"system": system})
    try:
        docs = yamlutil.load_all(text)
    except yamlutil.YamlError as exc:
        return FileScan(
            findings=(present,),
            errors=(common.error(exc.line, f"invalid YAML: {exc.message}"),),
            meta={"system": system},
        )
    hits: list[Hit] = []
    calls: list[Call] = []
    bases: dict[int, str] = {}
    meta: dict[str, Any] = {"system": system}
    hand_overs: list[list[Any]] = []
    for doc in docs:
        if system == "cloudbuild":
            for step in cloudbuild.steps(doc):
                off = _cannot_fail(step.node) or _exit_codes_allowed(step.node)
                why = f"{off[0]} (line {off[1]})" if off else ""
                h, c = shell_step(
                    step.text, step.line, step.base, step.errexit, why, _Scope(step.env)
                )
                bases.update((hit[1], step.base) for hit in h if step.base)
                hits += h
                calls += c
            continue
        _walk_ci(doc, "", hits, calls, bases=bases)
        hand_overs += ci_unseen.hand_overs(doc, system)
        only = _only_on(doc) if system == "github" else None
        if only is not None:
            meta["only_on"] = [only[0], only[1]]
    findings = [present]
    seen: set[tuple[str, int]] = set()
    migrations: list[list[Any]] = []  # [line, snippet, locked]: read by the cross-family step
    unknown: list[list[Any]] = []
    for kind, line, end, snippet, why, *rest in hits:
        leg = rest[0] if rest and isinstance(rest[0], dict) else {}
        if kind == "migrate":
            migrations.append([line, snippet, not why])
            continue
        if kind == "race_unknown":
            unknown.append([line, snippet, bases.get(line, "")])
            continue
        if (kind, line) in seen:
            continue
        seen.add((kind, line))
        facts: dict[str, Any] = {"system": system, **leg}  # `matrix`: the leg that runs it
        findings.append(_hit_finding(HITS[kind], line, end, snippet, why, facts))
    meta["calls"] = calls
    if hand_overs:
        meta["hand_overs"] = hand_overs
    if migrations:
        meta["migrations"] = migrations
    if unknown:
        meta["race_unknown"] = unknown
    if bases:
        meta["bases"] = [[line, base] for line, base in sorted(bases.items())]
    return FileScan(findings=tuple(findings), meta=meta)


def _hit_finding(
    det: str, line: int, end: int, snippet: str, why: str, facts: dict[str, Any]
) -> Finding:
    """A tool run: positive, or contrary with the reason it cannot fail the build."""
    if why:
        return Finding(
            det, line, end, "contrary", snippet, {**facts, "quality": "contrary", "why": why}
        )
    return Finding(det, line, end, "positive", snippet, facts)


# --------------------------------------------------------------------------- extractor


class CIExtractor:
    name = "ci"
    # 6: hand-overs remembered; 7: variables, arguments, matrix, Cloud Build, bake;
    # 8: `$(foreach)` in Makefile recipes; `@ cmd` read as cmd; an install-only lint action;
    # 9: `$(shell command -v bash)` is bash; 10: `matrix['x']`
    version = "10"
    detectors = DETECTORS

    def prepare(self) -> None:
        """Import the shell reader and PyYAML before the scan forks (~2 ms and ~11 ms each
        process paid again)."""
        from golive_tui.core.scan.detectors import handover, shell  # noqa: F401

        yamlutil.prepare()

    skips_go_files = True  # common.GO_FILE_PROMISE: the plan asks it about no Go file

    # CI definitions, included Makefiles, Taskfiles, scripts, Dockerfiles (the stages a
    # `docker buildx bake` target builds) and bake files, outside foreign folders; never a
    # Go file. Answered from the path's classes (common.family_matcher).
    matches = staticmethod(common.family_matcher(common.CI_NAME))

    def prefilter(self) -> tuple[bytes, ...] | None:
        return None  # CI files always count (ci.present); Makefiles/scripts are few

    def extract(self, path: str, text: str) -> FileScan:
        system = common.ci_system(path)
        try:
            if system:
                return extract_ci(path, text, system)
            if is_included_makefile(path):
                return FileScan(meta=parse_makefile(text))
            if common.is_taskfile(path):
                try:
                    return FileScan(meta=parse_taskfile(text))
                except yamlutil.YamlError as exc:
                    return FileScan(
                        errors=(common.error(exc.line, f"invalid YAML: {exc.message}"),)
                    )
            if bake.is_bake_file(path):
                return FileScan(meta={"kind": "bake", "bake": bake.parse_bake(text, path)})
            if common.is_dockerfile(path):
                return FileScan(meta=_dockerfile(text))
            from golive_tui.core.scan.detectors import shell

            cmds = shell.commands(text)  # read once for the three questions below
            hits, calls = analyse(text, 1, errexit=False, commands=cmds)
            meta: dict[str, Any] = {"kind": "script", "hits": hits, "calls": calls}
            if any(h[0] == "race_unknown" for h in hits) or any(c[7] for c in calls):
                meta["vars"] = script_vars(text, cmds)  # what "$FLAGS" may stand for
            if hits or calls:
                lines = option_dependent_lines(text, cmds)
                if lines:
                    meta["conditional"] = lines
            return FileScan(meta=meta)
        except RecursionError:
            return FileScan(errors=(common.error(1, "too deeply nested to read"),))

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        ci_files = {p: sf for p, sf in files.items() if "system" in sf.scan.meta}
        errors = common.errors_for(ci_files, "*")
        present = common.collect(ci_files, "ci.present")
        systems = sorted({str(e.facts.get("system")) for e in present})
        out = [
            common.result(
                "ci.present",
                common.title_of("ci.present"),
                present,
                f"{common.plural(len(present), 'CI configuration')} ({', '.join(systems)})"
                if present
                else "no CI configuration (GitHub Actions, GitLab CI, CircleCI, Drone...)",
            )
        ]
        followed = follow(files, ci_files, all_paths)
        elsewhere = _elsewhere(ci_files, all_paths)
        unknown = followed.unknown + _unknown_in_ci(ci_files, elsewhere)
        unseen = ci_unseen.unseen(files, ci_files, _resolve)  # "nothing found" is then unsure
        only_on = {
            p: (str(sf.scan.meta["only_on"][0]), int(sf.scan.meta["only_on"][1]))
            for p, sf in ci_files.items()
            if sf.scan.meta.get("only_on")
        }
        for kind, det in HITS.items():
            title = common.title_of(det)
            ev = [e for e in common.collect(ci_files, det) if (e.path, e.line) not in elsewhere]
            ev += followed.evidence.get(kind, [])
            ev = _judge_triggers(ev, only_on)
            ev.sort(key=lambda e: (e.path, e.line))
            if not ci_files:
                summary = "no CI configuration"
            elif not ev:
                summary = f"no CI step runs {_WHAT[kind]}"
            else:
                summary = _summary(kind, ev)
            result = common.result(det, title, ev, summary, errors=errors)
            # hand-overs CI makes itself first, then what the following could not resolve
            result = common.with_errors(result, unseen, ci_unseen.wording(_WHAT[kind]))
            out.append(_could_not_tell(result, kind, unknown))
        return out


def _elsewhere(
    ci_files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
) -> set[tuple[str, int]]:
    """(file, line) of tool runs made in a `working-directory:` / `dir:` the repository does
    not have: another project's checkout (e.g. a dependency's test suite), not this one's."""
    out: set[tuple[str, int]] = set()
    if not any(sf.scan.meta.get("bases") for sf in ci_files.values()):
        return out
    present = repo_folders(all_paths)
    for path, sf in ci_files.items():
        for line, base in sf.scan.meta.get("bases", []):
            if base.rstrip("/") not in present:
                out.add((path, int(line)))
    return out


def _unknown_in_ci(
    ci_files: Mapping[str, ScannedFile], elsewhere: set[tuple[str, int]]
) -> list[Unknown]:
    """Test runs in CI files themselves whose flags cannot be resolved (`${{ matrix.x }}`
    of a matrix built at run time, `$FLAGS` set nowhere in the file)."""
    out: list[Unknown] = []
    for path in sorted(ci_files):
        for line, snippet, *_ in ci_files[path].scan.meta.get("race_unknown", []):
            if (path, int(line)) in elsewhere:
                continue
            out.append(
                Unknown(
                    ("race",),
                    f"{path}:{line}",
                    f"`{snippet}`: its flags come from a variable not set in the repository",
                )
            )
    return out


def _could_not_tell(result: DetectorResult, kind: str, unknown: list[Unknown]) -> DetectorResult:
    """Nothing found, but a hand-over could not be followed or flags not resolved: "could
    not tell" (`error`) with why, never `missing`. A result that found something stands."""
    mine = [u for u in unknown if kind in u.kinds]
    if result.status is not Status.MISSING or not mine:
        return result
    first = mine[0]
    where = first.chain if first.chain.endswith(first.where) else first.where
    more = f" (and {len(mine) - 1} more)" if len(mine) > 1 else ""
    summary = f"could not tell whether CI runs {_WHAT[kind]}: {where}: {first.why}{more}"
    return result._replace(status=Status.ERROR, summary=summary)


_MAKEFILE_PART = common.MAKEFILE_PART


def is_included_makefile(path: str) -> bool:
    """A Makefile, or a part one includes named after it (`Makefile.common`, `Makefile.inc`):
    the targets a CI step's `make` reaches may live there."""
    return common.is_makefile(path) or _MAKEFILE_PART.fullmatch(common.basename(path)) is not None


def _dockerfile(text: str) -> dict[str, Any]:
    """A Dockerfile's stages, as a bake target builds them; one whose RUN lines cannot run a
    tool (no word of one) is inert: building it runs nothing we look for."""
    from golive_tui.core.scan.detectors.dockerfile.syntax import DockerfileError

    if not any(word in text for word in bake.DOCKERFILE_WORDS):
        return {"kind": "dockerfile", "inert": True}
    try:
        return bake.dockerfile_stages(text)
    except (DockerfileError, IndexError) as exc:  # the Dockerfile family reports it
        return {"kind": "dockerfile", "error": str(exc) or "unreadable"}


def _summary(kind: str, ev: list[Evidence]) -> str:
    good = [e for e in ev if e.polarity is Polarity.POSITIVE]
    bad = [e for e in ev if e.polarity is Polarity.CONTRARY]
    via = sum(1 for e in good if e.facts.get("via"))
    text = ""
    if good:
        text = (
            f"{common.plural(len(good), 'CI step')} run{'s' if len(good) == 1 else ''}"
            f" {_WHAT[kind]}"
            + (f" ({via} through Makefile/Taskfile/script targets)" if via else "")
        )
    if bad:
        first = bad[0]
        text += ("; " if text else "") + (
            f"{common.plural(len(bad), 'step')} running {_WHAT[kind]} cannot fail the build"
            f" ({first.path}:{first.line}: {first.facts.get('why', '')})"
        )
    return text


_WHAT = {
    "tests": "the Go tests",
    "race": "tests with -race",
    "govulncheck": "govulncheck",
    "golangci_lint": "golangci-lint",
}


def _judge_triggers(ev: list[Evidence], only_on: Mapping[str, tuple[str, int]]) -> list[Evidence]:
    """Evidence from workflows that run only on schedule or by hand: fine next to a run on
    every push or pull request (a nightly race run is extra), contrary when it is the only
    one - a change can then merge without it."""

    def trigger(e: Evidence) -> str:
        return str(e.facts.get("only_on") or (only_on[e.path][0] if e.path in only_on else ""))

    on_push = any(e.polarity is Polarity.POSITIVE and not trigger(e) for e in ev)
    out: list[Evidence] = []
    for e in ev:
        events = trigger(e)
        if not events:
            out.append(e)
            continue
        facts = {**e.facts, "only_on": events}
        if e.polarity is Polarity.POSITIVE and not on_push:
            origin = e.path if e.path in only_on else str(e.facts.get("via", "")).split(":")[0]
            line = only_on[origin][1] if origin in only_on else 0
            facts.update(
                quality="contrary",
                why=f"its workflow runs only on {events}"
                + (f" ({origin}:{line})" if line else "")
                + ": a change can merge without it",
            )
            out.append(e._replace(polarity=Polarity.CONTRARY, facts=facts))
        else:
            out.append(e._replace(facts=facts))
    return out


EXTRACTORS = (CIExtractor(),)
