"""The route table of `golive routes`: every route a file registers, not only health ones.

The scan's route check (`checks/routes.py`) reads the same rows (`routetable.py`) but parses
only files whose text holds a health or metrics segment, so the scan stays as fast as before.
This extractor opens any file with a registration-shaped call and keeps every row; it runs
through the same engine (service scope, build target, `_test.go` and vendor excluded, cache by
blob) under its own cache name, and only when `golive routes` asks (it is no scan family).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from golive_tui.core.evidence import DetectorResult, Evidence, Polarity, Status
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile
from golive_tui.core.scan.detectors.go import handrolled as hr
from golive_tui.core.scan.detectors.go import routetable as rt
from golive_tui.core.scan.detectors.go.fragments import fragment, has_long_line, layout
from golive_tui.core.scan.detectors.go.imports import build_ignored, default_name, scan_imports
from golive_tui.core.scan.detectors.go.rules import alt, rules, trie
from golive_tui.core.scan.detectors.go.rules import digest as rules_digest
from golive_tui.core.scan.detectors.go.tree import POS, File, call_parts, parse, snippet

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import Config, SgNode

#: The id the table's one result carries (the engine runs extractors by detector id).
TABLE = "go.http.health_endpoints"


class Kind:
    """What a route serves, from its path and handler (the `kind` of a row)."""

    HEALTH = "health"
    READINESS = "readiness"
    METRICS = "metrics"
    PPROF = "pprof"
    OTHER = ""


_READY = frozenset({"ready", "readyz", "readiness"})
_PPROF = re.compile(r"^/debug/pprof\b|(?:^|\W)(?:pprof\.\w+|\w*Profiler\()")


def kind(path: str, handler: str) -> str:
    """health, readiness, metrics or pprof: the same segments the scan's checks count."""
    r = rules()
    if _PPROF.search(path) or _PPROF.search(handler):
        return Kind.PPROF
    segments = {s.lower() for s in re.split(r"[/?]", path) if s}
    if segments & _READY:
        return Kind.READINESS
    if segments & r.route_segments:
        return Kind.HEALTH
    if segments & r.metrics_segments and rt.exposition(path):
        return Kind.METRICS
    return Kind.OTHER


@cache
def _methods() -> str:
    return trie(rules().route_methods | {"Heartbeat", "Path"})


@cache
def _opener() -> re.Pattern[str]:
    return re.compile(rf"\.(?:{_methods()})\(|\.URL\.(?:Raw)?Path\b|\.Ping\b")


def _config(f: File) -> tuple[Config, re.Pattern[str]]:
    anys: list[dict[str, Any]] = [
        {"kind": "ERROR"},
        {"kind": "call_expression", "has": {"field": "function", "regex": rf"\.(?:{_methods()})$"}},
        {"kind": "binary_expression", "regex": r"\.URL\.(?:Raw)?Path\s*==|==\s*\w+\.URL\."},
        {"kind": "expression_switch_statement", "regex": r"^switch\s+\w+\.URL\.(?:Raw)?Path"},
    ]
    where = [_opener().pattern]
    rest = f.aliases(hr.REST)
    if rest:
        anys.append({"kind": "selector_expression", "regex": rf"^{alt(rest)}\.Ping$"})
    return cast("Config", {"rule": {"any": anys}}), re.compile("|".join(where))


class RouteTableExtractor:
    """Every route of each Go file, as findings of the one table result."""

    name: str = "go_routes"
    version: str = f"1.{rules_digest()}"
    detectors: tuple[str, ...] = (TABLE,)

    def matches(self, path: str) -> bool:
        return path.endswith(".go")

    def prefilter(self) -> tuple[bytes, ...] | None:
        return None  # the opener below reads the text once

    def extract(self, path: str, text: str) -> FileScan:
        specs = scan_imports(text)
        if specs is None or build_ignored(text) or _opener().search(text) is None:
            return FileScan(meta={"parsed": False})
        names: dict[str, set[str]] = {}
        by_name: dict[str, str] = {}
        for spec in specs:
            name = spec.name or default_name(spec.path)
            names.setdefault(spec.path, set()).add(name)
            by_name.setdefault(name, spec.path)
        f = File(text, names, by_name)
        try:
            errors = _rows(f)
        except Exception as exc:  # a bug or an ast-grep failure must not sink the table
            errors = [f"could not analyse: {type(exc).__name__}: {exc}"]
        return FileScan(tuple(f.findings), tuple((TABLE, e) for e in errors), {"parsed": f.parsed})

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        evidence: list[Evidence] = []
        for path in sorted(files):
            sf = files[path]
            for fd in sf.scan.findings:
                evidence.append(
                    Evidence(
                        path,
                        fd.line,
                        fd.end_line,
                        Polarity.POSITIVE,
                        fd.snippet,
                        sf.blob,
                        dict(fd.facts),
                    )
                )
            # A file that could not be analysed is contrary evidence carrying why: the table
            # may miss its routes, and `golive routes` says so.
            evidence += [
                Evidence(path, 1, 1, Polarity.CONTRARY, "", sf.blob, {"error": message})
                for _, message in sf.scan.errors
            ]
        summary = f"{len(evidence)} route(s)"
        return [DetectorResult(TABLE, "Routes", Status.FOUND, summary, tuple(evidence))]


def _rows(f: File) -> list[str]:
    config, where = _config(f)
    lay = f.lay = layout(f.text)
    if has_long_line(f.text) and lay is None:
        return ["syntax error: unterminated comment or string on a very long line"]
    source = None
    if lay is not None and not has_long_line(f.text):
        source = fragment(f.text, lay, (m.start() for m in where.finditer(f.text)))
        if source == "":
            return []
    nodes: list[SgNode] = []
    if source is not None:
        f.root = parse(source)
        f.parsed = True
        nodes = list(f.root.find_all(config))
        if any(n.kind() == "ERROR" for n in nodes):
            source = None
    if source is None:
        f.root = f.whole()
        nodes = list(f.root.find_all(config))
    bad = [n for n in nodes if n.kind() == "ERROR"]
    for node in nodes:
        kind_ = node.kind()
        if kind_ == "call_expression":
            receiver, name, args = call_parts(node)
            if name == "Heartbeat":
                _add(f, hr.from_heartbeat(f, node), node)
            elif receiver and (name in rules().route_methods or name == "Path"):
                _add(f, rt.from_call(f, node, receiver, name, args), node)
        elif kind_ == "binary_expression":
            _add(f, hr.from_compare(f, node), node)
        elif kind_ == "expression_switch_statement":
            for rows, case in hr.from_switch(f, node):
                _add(f, rows, case)
        elif kind_ == "selector_expression":
            _add(f, hr.from_ping(f, node), node)
    if bad:
        return [f"syntax error at line {f.line(bad[0].range().start.line)}"]
    return []


def _add(f: File, rows: list[rt.Route], at: SgNode) -> None:
    for row, where in rt.expand(f, rows, at) if rows else ():
        r = where.range()
        facts = row.facts()
        facts["kind"] = kind(row.path, row.handler)
        f.findings.append(
            Finding(
                TABLE, f.line(r.start.line), f.line(r.end.line), POS, snippet(where.text()), facts
            )
        )
