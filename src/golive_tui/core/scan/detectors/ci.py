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
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from golive_tui.core.model import DetectorResult, Evidence, Polarity
from golive_tui.core.scan.detectors import ci_unseen, common, yamlutil
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile
from golive_tui.core.scan.detectors.ci_targets import (
    Call,
    Hit,
    analyse,
    parse_makefile,
    parse_taskfile,
)

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


def _cannot_fail(node: yamlutil.MappingNode) -> tuple[str, int] | None:
    """Why a job or step never fails the build, and the line saying so, or None.

    GitHub Actions: `if: false` (or `${{ false }}`) never runs, `continue-on-error: true`
    lets it fail unseen; GitLab: `when: never` never runs, `when: manual` waits for someone,
    `allow_failure: true` lets it fail unseen. Expressions (`${{ matrix.experimental }}`)
    are left alone: only literal values decide."""
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


def _line(node: yamlutil.MappingNode, key: str) -> int:
    found = yamlutil.key_node(node, key)
    return yamlutil.line(found) if found is not None else yamlutil.line(node)


def _walk_ci(
    node: yamlutil.Node | None,
    base: str,
    hits: list[Hit],
    calls: list[Call],
    depth: int = 0,
    why: str = "",
) -> None:
    if node is None or depth > 40:
        return
    if isinstance(node, yamlutil.SequenceNode):
        for child in node.value:
            _walk_ci(child, base, hits, calls, depth + 1, why)
        return
    if not isinstance(node, yamlutil.MappingNode):
        return
    if not why:
        off = _cannot_fail(node)
        if off is not None:
            why = f"{off[0]} (line {off[1]})"
    wd = yamlutil.scalar(yamlutil.get(node, "working-directory"))
    here = wd.strip("./") if wd and "$" not in wd else base
    for key, value in yamlutil.items(node):
        if key.value == "uses":
            action = (yamlutil.scalar(value) or "").split("@", 1)[0].lower()
            kind = _ACTIONS.get(action)
            if kind and value is not None:
                line = yamlutil.line(value)
                hits.append(
                    [kind, line, line, f"uses: {yamlutil.scalar(value)}", why or _action(node)]
                )
            continue
        if key.value in SHELL_KEYS:
            scalars = yamlutil.strings(value)
            if isinstance(value, yamlutil.MappingNode):  # CircleCI `run: {command: ...}`
                _walk_ci(value, here, hits, calls, depth + 1, why)
                continue
            errexit = _stops_on_error(node)
            for scalar in scalars:
                h, c = analyse(
                    str(scalar.value),
                    yamlutil.block_scalar_first_line(scalar),
                    here,
                    errexit=errexit,
                    why=why,
                )
                hits += h
                calls += c
            for child in yamlutil.seq(value):  # Taskfile-like `{cmd: ...}` entries
                if isinstance(child, yamlutil.MappingNode):
                    _walk_ci(child, here, hits, calls, depth + 1, why)
            continue
        _walk_ci(value, here, hits, calls, depth + 1, why)


def _stops_on_error(step: yamlutil.MappingNode) -> bool:
    """CI shells stop at the first failure (GitHub runs `bash -e {0}`, GitLab `set -e`),
    except a GitHub step with a custom `shell: bash {0}` that leaves `-e` out."""
    shell = yamlutil.scalar(yamlutil.get(step, "shell")) or ""
    return "{0}" not in shell or re.search(r"\s-[a-z]*e", shell) is not None


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
    meta: dict[str, Any] = {"system": system}
    hand_overs: list[list[Any]] = []
    for doc in docs:
        _walk_ci(doc, "", hits, calls)
        hand_overs += ci_unseen.hand_overs(doc, system)
        only = _only_on(doc) if system == "github" else None
        if only is not None:
            meta["only_on"] = [only[0], only[1]]
    findings = [present]
    seen: set[tuple[str, int]] = set()
    migrations: list[list[Any]] = []  # [line, snippet, locked]: read by the cross-family step
    for kind, line, end, snippet, why in hits:
        if kind == "migrate":
            migrations.append([line, snippet, not why])
            continue
        if (kind, line) in seen:
            continue
        seen.add((kind, line))
        findings.append(_hit_finding(HITS[kind], line, end, snippet, why, {"system": system}))
    meta["calls"] = calls
    if hand_overs:
        meta["hand_overs"] = hand_overs
    if migrations:
        meta["migrations"] = migrations
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
    version = "6"  # 6: hand-overs to reusable workflows and includes remembered
    detectors = DETECTORS

    def prepare(self) -> None:
        """Import the shell reader before the scan forks (~2 ms each process paid again)."""
        from golive_tui.core.scan.detectors import shell  # noqa: F401

    def matches(self, path: str) -> bool:
        if common.is_go_file(path) or common.is_foreign(path):
            return False
        return bool(
            common.ci_system(path)
            or common.is_makefile(path)
            or common.is_taskfile(path)
            or common.is_script(path)
        )

    def prefilter(self) -> tuple[bytes, ...] | None:
        return None  # CI files always count (ci.present); Makefiles/scripts are few

    def extract(self, path: str, text: str) -> FileScan:
        system = common.ci_system(path)
        try:
            if system:
                return extract_ci(path, text, system)
            if common.is_makefile(path):
                return FileScan(meta=parse_makefile(text))
            if common.is_taskfile(path):
                try:
                    return FileScan(meta=parse_taskfile(text))
                except yamlutil.YamlError as exc:
                    return FileScan(
                        errors=(common.error(exc.line, f"invalid YAML: {exc.message}"),)
                    )
            hits, calls = analyse(text, 1, errexit=False)
            return FileScan(meta={"kind": "script", "hits": hits, "calls": calls})
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
        followed = _follow(files, ci_files)
        unseen = ci_unseen.unseen(files, ci_files, _resolve)  # "nothing found" is then unsure
        only_on = {
            p: (str(sf.scan.meta["only_on"][0]), int(sf.scan.meta["only_on"][1]))
            for p, sf in ci_files.items()
            if sf.scan.meta.get("only_on")
        }
        for kind, det in HITS.items():
            title = common.title_of(det)
            ev = list(common.collect(ci_files, det)) + followed.get(kind, [])
            ev = _judge_triggers(ev, only_on)
            ev.sort(key=lambda e: (e.path, e.line))
            if not ci_files:
                summary = "no CI configuration"
            elif not ev:
                summary = f"no CI step runs {_WHAT[kind]}"
            else:
                summary = _summary(kind, ev)
            found = common.result(det, title, ev, summary, errors=errors)
            out.append(common.with_errors(found, unseen, ci_unseen.wording(_WHAT[kind])))
        return out


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


def _follow(
    files: Mapping[str, ScannedFile], ci_files: Mapping[str, ScannedFile]
) -> dict[str, list[Evidence]]:
    """Walk from CI calls into Makefile targets, tasks and scripts; evidence where tools run.

    A chain carries why it cannot fail the build (`make test || true`, a step with
    `continue-on-error: true`...) down to the tool it reaches, and whether its workflow runs
    only on schedule or by hand (`facts.only_on`, judged in `finalize`)."""
    out: dict[str, list[Evidence]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    queue: deque[tuple[Call, str, str, str, str]] = deque()  # call, caller, via, why, only_on
    for path in sorted(ci_files):
        meta = ci_files[path].scan.meta
        only_on = str((meta.get("only_on") or [""])[0])
        for call in meta.get("calls", []):
            why = str(call[6]) if len(call) > 6 else ""
            queue.append((call, path, f"{path}:{call[3]}: {call[4]}", why, only_on))
    emitted: set[tuple[str, str, int, str, str]] = set()
    steps = 0
    while queue and steps < 5000:
        steps += 1
        call, caller, via, why, only_on = queue.popleft()
        for file_path, node in _resolve(files, call, caller):
            if (file_path, node, why, only_on) in seen:
                continue
            seen.add((file_path, node, why, only_on))
            origin = file_path  # the invoked Makefile: recipes run in its folder
            sf = files[file_path]
            meta = sf.scan.meta
            if meta.get("kind") == "script":
                data: Mapping[str, Any] | None = meta
            else:
                found = _target(files, file_path, node)
                data = found[1] if found else None
                if found:  # evidence points at the file defining the target (maybe included)
                    file_path, sf = found[0], files[found[0]]
            if data is None:
                continue
            for hit in data.get("hits", []):
                kind, line, end, snippet = hit[:4]
                if kind not in HITS:
                    continue
                reason = why or (str(hit[4]) if len(hit) > 4 else "")
                if (kind, file_path, line, reason, only_on) in emitted:
                    continue
                emitted.add((kind, file_path, line, reason, only_on))
                facts: dict[str, Any] = {"via": via}
                if node:
                    facts["target"] = node
                if only_on:
                    facts["only_on"] = only_on
                polarity = Polarity.POSITIVE
                if reason:
                    polarity = Polarity.CONTRARY
                    facts.update(quality="contrary", why=reason)
                out.setdefault(kind, []).append(
                    Evidence(file_path, int(line), int(end), polarity, str(snippet), sf.blob, facts)
                )
            for dep in data.get("deps", []):
                kind = "task" if meta.get("kind") == "task" else "make"
                queue.append(
                    ([kind, f"file:{origin}", [dep], 0, "", "", ""], origin, via, why, only_on)
                )
            for sub in data.get("calls", []):
                sub_why = why or (str(sub[6]) if len(sub) > 6 else "")
                queue.append((sub, origin, via, sub_why, only_on))
    return out


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
            out.append(replace(e, polarity=Polarity.CONTRARY, facts=facts))
        else:
            out.append(replace(e, facts=facts))
    return out


def _target(
    files: Mapping[str, ScannedFile], path: str, name: str
) -> tuple[str, Mapping[str, Any]] | None:
    """(file, target) for a make target or task by name, looking into included makefiles
    and pattern rules."""
    for candidate in _with_includes(files, path):
        meta = files[candidate].scan.meta
        targets = meta.get("targets", {})
        if name in targets:
            return candidate, dict(targets[name])
    for candidate in _with_includes(files, path):
        for pattern, entry in files[candidate].scan.meta.get("targets", {}).items():
            if "%" in pattern and pattern != "%":
                regex = re.escape(pattern).replace("%", "(.+)", 1)
                m = re.fullmatch(regex, name)
                if m:
                    stem = m.group(1)
                    return candidate, {
                        **entry,
                        "deps": [d.replace("%", stem) for d in entry["deps"]],
                    }
            elif pattern == "%":
                deps = [d.replace("%", name) for d in entry["deps"]]
                if any(d != name for d in deps):
                    return candidate, {**entry, "deps": deps}
    return None


def _with_includes(files: Mapping[str, ScannedFile], path: str) -> Iterator[str]:
    seen = {path}
    order = [path]
    i = 0
    while i < len(order) and i < 50:
        meta = files[order[i]].scan.meta
        folder = common.dirname(order[i])
        for inc in meta.get("includes", []):
            for word in str(inc).split():
                cand = _join(folder, word)
                if cand in files and cand not in seen:
                    seen.add(cand)
                    order.append(cand)
        i += 1
    yield from order


def _join(folder: str, rel: str) -> str:
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


def _resolve(files: Mapping[str, ScannedFile], call: Call, caller: str) -> list[tuple[str, str]]:
    """(file, target) pairs a call reaches; "" target = a whole script."""
    kind, where, names, _, _, base = call[:6]
    caller_is_ci = "system" in files[caller].scan.meta if caller in files else False
    folder = base if caller_is_ci else common.dirname(caller)
    if kind == "script":
        found: list[tuple[str, str]] = []
        for rel in [str(where)] if where else [str(n) for n in names]:
            for cand in (_join(folder, rel), _join("", rel), _join(common.dirname(caller), rel)):
                if cand in files and files[cand].scan.meta.get("kind") == "script":
                    found.append((cand, ""))
                    break
        return found
    if kind == "make":
        mf: str | None
        if where.startswith("file:"):
            rel = str(where[5:])
            mf = rel if rel in files else _join(folder, rel)
        elif where.startswith("dir:"):
            mf = _first(files, _join(folder, str(where[4:])), _MAKEFILES)
        elif common.is_makefile(caller):
            mf = caller  # `$(MAKE) other` inside a Makefile: the same Makefile
        else:
            mf = _first(files, folder, _MAKEFILES)
        if mf is None or mf not in files:
            return []
        default = str(files[mf].scan.meta.get("default", ""))
        return [(mf, n or default) for n in names if n or default]
    if kind == "task":
        tf: str | None
        if where.startswith("file:"):
            tf = str(where[5:])
        elif not where and common.is_taskfile(caller):
            tf = caller
        else:
            tf = _first(files, _join(folder, str(where)), _TASKFILES)
        if tf is None or tf not in files:
            return []
        return [(tf, n) for n in names]
    return []


def _first(files: Mapping[str, ScannedFile], folder: str, names: tuple[str, ...]) -> str | None:
    return next((c for c in (_join(folder, n) for n in names) if c in files), None)


_TASKFILES = ("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml")


EXTRACTORS = (CIExtractor(),)
