"""Kubernetes evidence: probes, non-root security contexts and resource requests/limits, per
container of every workload in plain manifests and Helm templates.

Helm templates are not YAML until rendered. Each template action is neutralised per line
(a line holding only actions becomes blank, an inline action becomes a placeholder), which
keeps line numbers and parses almost every chart. A key whose value is produced by a template
(`resources:` followed by `{{ toYaml .Values.resources }}`) counts as set, with
`facts.templated`, since the chart's values decide it. A template that still does not parse
falls back to a line scan of the keys, reported with `facts.method = "line-scan"`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from golive_tui.core.evidence import DetectorResult, Evidence, Polarity
from golive_tui.core.scan.detectors import common, yamlutil
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile

PROBES = "k8s.probes"
NON_ROOT = "k8s.non_root"
RESOURCES = "k8s.resources"
DETECTORS = (PROBES, NON_ROOT, RESOURCES)
# Long-running workloads: probes only make sense for these (a Job's container just exits).
_SERVING = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Pod",
        "Rollout",
    }
)
# Example and documentation manifests describe someone's sample, not this service's deployment.
_NOT_DEPLOYMENT_DIRS = frozenset({"example", "examples", "docs", "doc", "documentation"})
_POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
_TEMPLATE = re.compile(r"\{\{.*?\}\}")
_TPL = "__tpl__"


def sanitize(text: str) -> tuple[str, set[int]]:
    """Helm template → YAML with the same line numbers; also the lines that held only actions."""
    out: list[str] = []
    only_template: set[int] = set()
    open_action = False
    for number, line in enumerate(text.splitlines(), start=1):
        if open_action:
            out.append("")
            only_template.add(number)
            open_action = "}}" not in line
            continue
        body = _TEMPLATE.sub("", line)
        if "{{" in body:  # an action that continues on the next lines
            open_action = True
            body = body.split("{{", 1)[0]
        if "{{" in line and not body.strip(" -\t"):
            out.append("")
            only_template.add(number)
            continue
        replaced = _TEMPLATE.sub(_TPL, line)
        if open_action:
            replaced = replaced.split("{{", 1)[0]
        out.append(replaced)
    return "\n".join(out), only_template


class _Doc:
    """One file's parse context: original lines and template-only lines (for `templated`)."""

    def __init__(self, path: str, text: str, template_lines: set[int]) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.template_lines = template_lines

    def templated(self, key: yamlutil.ScalarNode | None, value: yamlutil.Node | None) -> bool:
        """A key whose value a template produces (inline, or on the following action line)."""
        if key is None:
            return False
        if isinstance(value, yamlutil.ScalarNode) and _TPL in str(value.value):
            return True
        if yamlutil.scalar(value) is not None or (value is not None and not _empty(value)):
            return False
        nxt = yamlutil.line(key) + 1
        while nxt <= len(self.lines) and not self.lines[nxt - 1].strip():
            nxt += 1
        if nxt in self.template_lines:
            text = self.lines[nxt - 1]
            return any(word in text for word in ("toYaml", "include", "tpl", ".Values", "template"))
        return False

    def snippet(self, line: int) -> str:
        return common.snippet(self.lines[line - 1]) if 0 < line <= len(self.lines) else ""


def _empty(node: yamlutil.Node) -> bool:
    if isinstance(node, (yamlutil.MappingNode, yamlutil.SequenceNode)):
        return not node.value
    return yamlutil.scalar(node) is None


def _pod_spec(doc: yamlutil.Node, kind: str) -> yamlutil.Node | None:
    path = _POD_SPEC_PATHS.get(kind, ("spec", "template", "spec"))
    node: yamlutil.Node | None = doc
    for key in path:
        node = yamlutil.get(node, key)
    if node is None and kind not in _POD_SPEC_PATHS:  # unknown kinds: look in the usual places
        for alt in (("spec",), ("spec", "jobTemplate", "spec", "template", "spec")):
            node = doc
            for key in alt:
                node = yamlutil.get(node, key)
            if yamlutil.get(node, "containers") is not None:
                return node
        return None
    return node


def _int(node: yamlutil.Node | None) -> int | None:
    text = yamlutil.scalar(node)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


# Long on purpose: one pass over a workload's containers collecting every fact (probes, resources,
# security context, lifecycle) the k8s detectors share.
def analyse_workload(ctx: _Doc, doc: yamlutil.Node, findings: list[Finding]) -> int:
    """Findings for one workload document; returns how many containers it has."""
    kind = yamlutil.scalar(yamlutil.get(doc, "kind")) or ""
    name = yamlutil.scalar(yamlutil.get(yamlutil.get(doc, "metadata"), "name")) or "?"
    spec = _pod_spec(doc, kind)
    containers = yamlutil.seq(yamlutil.get(spec, "containers"))
    if not containers:
        return 0
    workload = f"{kind or 'workload'}/{name}".replace(_TPL, "{{…}}")
    pod_sc = yamlutil.get(spec, "securityContext")
    pod_sc_key = yamlutil.key_node(spec, "securityContext")
    for container in containers:
        cname = (yamlutil.scalar(yamlutil.get(container, "name")) or "?").replace(_TPL, "{{…}}")
        cline = yamlutil.line(container)
        base: dict[str, Any] = {"workload": workload, "container": cname}

        # probes
        if kind in _SERVING or kind.startswith(_TPL):
            present: list[str] = []
            templated = False
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                key = yamlutil.key_node(container, probe)
                value = yamlutil.get(container, probe)
                if key is None:
                    continue
                if ctx.templated(key, value):
                    templated = True
                    present.append(probe)
                elif value is not None and not _empty(value):
                    present.append(probe)
            serving = [p for p in present if p != "startupProbe"]
            probe_lines = [
                yamlutil.line(k)
                for k in (yamlutil.key_node(container, p) for p in serving)
                if k is not None
            ]
            line = min(probe_lines, default=cline)
            facts = {**base, "probes": present}
            if templated:
                facts["templated"] = True
            http_probes = _http_probes(container)
            if http_probes:
                facts["http_probes"] = http_probes  # judged against the Go routes later
                # whose image it is decides whether the Go routes are the ones it serves
                facts["image"] = yamlutil.scalar(yamlutil.get(container, "image")) or ""
            findings.append(
                Finding(
                    PROBES,
                    line,
                    line,
                    "positive" if serving else "contrary",
                    ctx.snippet(line),
                    facts,
                )
            )
            findings.extend(_unknown_port_names(ctx, container, http_probes, base))

        # resources
        res_key = yamlutil.key_node(container, "resources")
        res = yamlutil.get(container, "resources")
        if ctx.templated(res_key, res):
            line = yamlutil.line(res_key) if res_key else cline
            findings.append(
                Finding(
                    RESOURCES,
                    line,
                    line,
                    "positive",
                    ctx.snippet(line),
                    {**base, "templated": True},
                )
            )
        else:
            sides: dict[str, list[str]] = {}
            for side in ("requests", "limits"):
                side_key = yamlutil.key_node(res, side)
                side_value = yamlutil.get(res, side)
                if ctx.templated(side_key, side_value):
                    sides[side] = ["templated"]
                else:
                    sides[side] = [k.value for k, _ in yamlutil.items(side_value)]
            missing = [s for s in ("requests", "limits") if not sides[s]]
            line = yamlutil.line(res_key) if res_key is not None else cline
            findings.append(
                Finding(
                    RESOURCES,
                    line,
                    line,
                    "contrary" if missing else "positive",
                    ctx.snippet(line),
                    {
                        **base,
                        "requests": sides["requests"],
                        "limits": sides["limits"],
                        "missing": missing,
                    },
                )
            )

        # non-root
        sc_key = yamlutil.key_node(container, "securityContext")
        sc = yamlutil.get(container, "securityContext")
        verdict: str | None = None
        facts = dict(base)
        line = cline
        # The container's securityContext overrides the pod's, field by field.
        for scope, node, key in (("container", sc, sc_key), ("pod", pod_sc, pod_sc_key)):
            if key is None:
                continue
            if ctx.templated(key, node):
                if verdict is None:
                    verdict, line = "positive", yamlutil.line(key)
                    facts["templated"] = True
                continue
            privileged = yamlutil.get(node, "privileged") if scope == "container" else None
            if privileged is not None and yamlutil.is_true(privileged):
                verdict, line = "contrary", yamlutil.line(privileged)
                facts["privileged"] = True
                break
            if verdict is not None:
                continue
            user = yamlutil.get(node, "runAsUser")
            non_root = yamlutil.get(node, "runAsNonRoot")
            if user is not None and _int(user) == 0:
                verdict, line = "contrary", yamlutil.line(user)
                facts["runAsUser"] = 0
            elif non_root is not None and yamlutil.scalar(non_root) is not None:
                verdict = "positive" if yamlutil.is_true(non_root) else "contrary"
                line = yamlutil.line(non_root)
                facts["runAsNonRoot"] = yamlutil.is_true(non_root)
            elif user is not None and (_int(user) or 0) > 0:
                verdict, line = "positive", yamlutil.line(user)
                facts["runAsUser"] = _int(user)
        if verdict is not None:
            findings.append(Finding(NON_ROOT, line, line, verdict, ctx.snippet(line), facts))
    return len(containers)


def _http_probes(container: yamlutil.Node) -> list[list[Any]]:
    """[probe, path, port, line] of each httpGet probe (path/port as written, "" if absent)."""
    out: list[list[Any]] = []
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        get = yamlutil.get(yamlutil.get(container, probe), "httpGet")
        if not isinstance(get, yamlutil.MappingNode):
            continue
        path_node = yamlutil.get(get, "path")
        path = yamlutil.scalar(path_node) or "/"
        port = yamlutil.scalar(yamlutil.get(get, "port")) or ""
        line = yamlutil.line(path_node) if path_node is not None else yamlutil.line(get)
        out.append([probe, path, port, line])
    return out


def _unknown_port_names(
    ctx: _Doc, container: yamlutil.Node, probes: list[list[Any]], base: dict[str, Any]
) -> list[Finding]:
    """A probe on a named port the container does not declare: the kubelet cannot resolve
    it and the probe always fails. Helm templates are left alone (a template may add the
    ports the parse cannot see)."""
    if ctx.template_lines or any("{{" in line for line in ctx.lines):
        return []
    ports_key = yamlutil.key_node(container, "ports")
    ports = yamlutil.get(container, "ports")
    if ports_key is not None and ctx.templated(ports_key, ports):
        return []
    names = {
        str(yamlutil.scalar(yamlutil.get(p, "name")))
        for p in yamlutil.seq(ports)
        if yamlutil.scalar(yamlutil.get(p, "name"))
    }
    if any(_TPL in n for n in names):
        return []
    out: list[Finding] = []
    for probe, _, port, line in probes:
        if not port or port.isdigit() or _TPL in port or port in names:
            continue
        why = (
            f"{probe} uses port {port!r}, which container {base['container']} does not"
            " declare: the probe can never succeed"
        )
        facts = {**base, "quality": "contrary", "why": why}
        out.append(Finding(PROBES, line, line, "contrary", ctx.snippet(line), facts))
    return out


_LINE_KEYS = re.compile(
    r"^\s*-?\s*(containers|livenessProbe|readinessProbe|startupProbe|resources|requests|limits|"
    r"runAsNonRoot|runAsUser|privileged)\s*:\s*(.*)$"
)


def line_scan(path: str, text: str) -> list[Finding]:
    """Fallback for templates that do not parse even sanitised: per-file key presence."""
    keys: dict[str, tuple[int, str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        m = _LINE_KEYS.match(raw.split("#", 1)[0])
        if m:
            keys.setdefault(m.group(1), (number, m.group(2).strip()))
            if m.group(1) == "runAsUser" and m.group(2).strip() == "0":
                keys["runAsUser0"] = (number, "0")
    if "containers" not in keys:
        return []
    facts = {"method": "line-scan", "workload": path}
    anchor = keys["containers"][0]
    out: list[Finding] = []
    probe = next((keys[k] for k in ("readinessProbe", "livenessProbe") if k in keys), None)
    out.append(
        Finding(
            PROBES,
            (probe or keys["containers"])[0],
            (probe or keys["containers"])[0],
            "positive" if probe else "contrary",
            "probe keys" if probe else "containers without probe keys",
            facts,
        )
    )
    has_res = ("requests" in keys and "limits" in keys) or (
        "resources" in keys and "{{" in keys["resources"][1]
    )
    res_line = keys.get("resources", (anchor, ""))[0]
    out.append(
        Finding(
            RESOURCES, res_line, res_line, "positive" if has_res else "contrary", "resources", facts
        )
    )
    if ("privileged" in keys and keys["privileged"][1] == "true") or "runAsUser0" in keys:
        line = keys.get("runAsUser0", keys.get("privileged", (anchor, "")))[0]
        out.append(Finding(NON_ROOT, line, line, "contrary", "runs as root or privileged", facts))
    elif "runAsNonRoot" in keys or "runAsUser" in keys:
        line = keys.get("runAsNonRoot", keys.get("runAsUser", (anchor, "")))[0]
        out.append(Finding(NON_ROOT, line, line, "positive", "runAsNonRoot/runAsUser", facts))
    return out


@lru_cache(maxsize=1 << 15)
def _deployment_folder(folder: str) -> bool:
    """Not foreign (common.is_foreign) and no folder of examples or documentation."""
    if common.folder_class(folder) & common.FOREIGN_FOLDER:
        return False
    return _NOT_DEPLOYMENT_DIRS.isdisjoint(folder.lower().split("/"))


class K8sExtractor:
    name = "k8s"
    version = "3"
    detectors = DETECTORS

    def prepare(self) -> None:
        """PyYAML imported before the scan forks (each worker would import it: ~11 ms)."""
        yamlutil.prepare()

    skips_go_files = True  # common.GO_FILE_PROMISE: the plan asks it about no Go file

    def matches(self, path: str) -> bool:
        if path[-1:] not in "lL":  # `.yml`/`.yaml` in any case ends so: most paths end here
            return False
        folder, _, name = path.rpartition("/")
        # A YAML name first, then the folder judged once per folder (common.name_class,
        # _deployment_folder): 8x moby's 14,360 readable paths 3.2 -> 1.9 ms.
        if not common.name_class(name) & common.YAML_NAME or not _deployment_folder(folder):
            return False
        low = path.lower()
        return not (
            common.ci_system(path)
            or low.startswith(".github/")
            or common.is_taskfile(path)
            or common.is_goreleaser(path)
            or common.basename(low).startswith((".golangci", "docker-compose", "compose."))
        )

    def prefilter(self) -> tuple[bytes, ...] | None:
        return (b"containers:",)

    def extract(self, path: str, text: str) -> FileScan:
        helm = "{{" in text
        source, template_lines = sanitize(text) if helm else (text, set())
        try:
            docs = yamlutil.load_all(source)
        except yamlutil.YamlError as exc:
            if helm:
                found = line_scan(path, text)
                return FileScan(
                    findings=tuple(found), meta={"workloads": 1 if found else 0, "helm": True}
                )
            return FileScan(errors=(common.error(exc.line, f"invalid YAML: {exc.message}"),))
        ctx = _Doc(path, text, template_lines)
        findings: list[Finding] = []
        workloads = 0
        for doc in docs:
            items = (
                yamlutil.seq(yamlutil.get(doc, "items"))
                if yamlutil.scalar(yamlutil.get(doc, "kind")) == "List"
                else [doc]
            )
            for item in items:
                if analyse_workload(ctx, item, findings):
                    workloads += 1
        return FileScan(findings=tuple(findings), meta={"workloads": workloads, "helm": helm})

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        manifests = {p: sf for p, sf in files.items() if sf.scan.meta.get("workloads")}
        errors = common.errors_for(files, "*")
        out: list[DetectorResult] = []
        for det in DETECTORS:
            title = common.title_of(det)
            if not manifests and not errors:
                out.append(
                    common.not_applicable(
                        det, title, "no Kubernetes workload manifests or Helm templates"
                    )
                )
                continue
            ev = common.collect(files, det)
            out.append(common.result(det, title, ev, _summary(det, ev), errors=errors))
        return out


def _summary(det: str, ev: tuple[Evidence, ...]) -> str:
    pos = [e for e in ev if e.polarity is Polarity.POSITIVE]
    con = [e for e in ev if e.polarity is Polarity.CONTRARY]
    templated = sum(1 for e in pos if e.facts.get("templated"))
    scanned = sum(1 for e in ev if e.facts.get("method") == "line-scan")
    what = {
        PROBES: ("declare liveness/readiness probes", "have none"),
        NON_ROOT: ("run as non-root", "run as root or privileged"),
        RESOURCES: ("set requests and limits", "lack requests or limits"),
    }[det]
    if not ev:
        if det == NON_ROOT:
            return "no container sets runAsNonRoot/runAsUser (the image's USER decides)"
        return "no serving containers found" if det == PROBES else "no containers found"
    text = f"{common.plural(len(pos), 'container')} {what[0]}"
    if con:
        names = ", ".join(sorted({str(e.facts.get("container")) for e in con})[:4])
        text += f"; {len(con)} {what[1]} ({names})"
    if templated:
        text += f"; {templated} set by Helm values (not evaluated)"
    if scanned:
        text += f"; {scanned} from a line scan of templates that did not parse"
    return text


EXTRACTORS = (K8sExtractor(),)
