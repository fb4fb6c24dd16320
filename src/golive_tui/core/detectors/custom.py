"""Team-defined detectors: ast-grep rules as data in `<repo>/.golive/detectors/*.toml`.

A team names a structural pattern its checklist can ask about (an audit log call, a house
middleware) without writing Python::

    [[detector]]
    id = "acme.audit_log"            # must contain a dot; must not reuse a catalog id
    title = "Audit log written"
    looks_for = "calls to audit.Log"
    why = "Security reviews need a trail of privileged actions."
    remediation = "Call audit.Log from every admin handler."
    polarity = "positive"            # or "contrary": a match shows the practice is violated
    language = "go"                  # only Go for now
    literals = ["audit.Log"]         # optional: files without one of these are never parsed
    rule = { pattern = "audit.Log($$$)" }

`rule` is an ast-grep rule (pattern / kind / regex / has / inside / any / all / not), or a whole
ast-grep config with a `rule` key (plus `constraints`, `utils`). Go quirk: a bare expression
pattern such as `audit.Log($$$)` does not parse as Go on its own, so string patterns that are
expressions are wrapped as `{context = "func t() { ... }", selector = <kind>}` automatically;
write the object form to control it yourself.

Rules are data only: nothing from the scanned repository is ever executed. Every mistake comes
back as a "file:line: key: expected ..." problem, never a traceback, and only the faulty
detector is dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ast_grep_py import Config, SgRoot

from golive_tui.core import tomlsafe
from golive_tui.core.detectors.base import Extractor, FileScan, Finding, ScannedFile
from golive_tui.core.model import DetectorDef, DetectorResult, Evidence, Polarity, Status

FOLDER = Path(".golive") / "detectors"
MAX_FILE_BYTES = 256 * 1024
SNIPPET_MAX = 200

_TEXT_KEYS = ("id", "title", "looks_for", "why", "remediation")
_KNOWN_KEYS = frozenset({*_TEXT_KEYS, "polarity", "language", "rule", "literals", "area"})
_CONFIG_KEYS = frozenset({"rule", "constraints", "utils", "transform"})
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$")
_HEADER = re.compile(r"^\s*\[\[\s*detector\s*\]\]")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True, slots=True)
class CustomRule:
    """One team-defined detector, validated and ready to match."""

    id: str
    title: str
    polarity: str
    config: Mapping[str, Any]  # ast-grep config passed to find_all
    literals: tuple[str, ...]
    origin: str  # "file:line" of its [[detector]]


class CustomExtractor:
    """Runs every team rule over in-scope Go files: one parse per file, one find_all per rule."""

    name = "custom"

    def __init__(self, rules: tuple[CustomRule, ...]) -> None:
        self.rules = rules
        self.detectors: tuple[str, ...] = tuple(r.id for r in rules)
        digest = hashlib.sha256(
            json.dumps(
                [[r.id, r.polarity, r.config, r.literals] for r in rules], sort_keys=True
            ).encode()
        ).hexdigest()
        self.version = f"1.{digest[:16]}"  # editing a rule invalidates its cached results

    def matches(self, path: str) -> bool:
        return path.endswith(".go")

    def prefilter(self) -> tuple[bytes, ...] | None:
        if any(not r.literals for r in self.rules):
            return None
        return tuple(sorted({lit.encode() for r in self.rules for lit in r.literals}))

    def extract(self, path: str, text: str) -> FileScan:
        wanted = [r for r in self.rules if not r.literals or any(x in text for x in r.literals)]
        if not wanted:
            return FileScan()
        findings: list[Finding] = []
        errors: list[tuple[str, str]] = []
        try:
            root = SgRoot(text, "go").root()
        except Exception as exc:  # ast-grep refusing the text: report, never raise
            return FileScan((), tuple((r.id, f"could not parse: {exc}") for r in wanted))
        broken = root.find(kind="ERROR")
        for rule in wanted:
            if broken is not None:
                line = broken.range().start.line + 1
                errors.append((rule.id, f"syntax error at line {line}"))
            try:
                nodes = root.find_all(cast(Config, rule.config))
            except Exception as exc:
                errors.append((rule.id, f"rule failed: {_first_line(exc)}"))
                continue
            for node in nodes:
                r = node.range()
                findings.append(
                    Finding(
                        rule.id,
                        r.start.line + 1,
                        r.end.line + 1,
                        rule.polarity,
                        _snippet(node.text()),
                    )
                )
        return FileScan(tuple(findings), tuple(errors))

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        by_id = {r.id: r for r in self.rules}
        if not any(p.endswith(".go") for p in files):
            return [
                DetectorResult(r.id, r.title, Status.NOT_APPLICABLE, "no Go source files in scope")
                for r in self.rules
            ]
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        errors: dict[str, list[str]] = defaultdict(list)
        for path in sorted(files):
            sf = files[path]
            for f in sf.scan.findings:
                evidence[f.detector].append(
                    Evidence(path, f.line, f.end_line, Polarity(f.polarity), f.snippet, sf.blob)
                )
            for det, message in sf.scan.errors:
                errors[det].append(f"{path} ({message})")
        results = []
        for det, rule in by_id.items():
            items = tuple(evidence.get(det, ()))
            status = DetectorResult.status_for(items)
            if items:
                files_hit = len({e.path for e in items})
                summary = f"{len(items)} match{'es' if len(items) != 1 else ''} in {files_hit} file{'s' if files_hit != 1 else ''}"
            else:
                summary = f"no match for the team rule ({rule.origin})"
            if errors.get(det):
                where = ", ".join(errors[det][:3])
                if status is Status.MISSING:
                    status, summary = Status.ERROR, f"could not analyse {where}; no match elsewhere"
                else:
                    summary += f" (could not analyse {where})"
            results.append(DetectorResult(det, rule.title, status, summary, items))
        return results


# --------------------------------------------------------------------------- loading


def load_custom(
    repo_root: Path,
) -> tuple[list[DetectorDef], tuple[Extractor, ...], list[str]]:
    """The repo's team-defined detectors: (definitions, extractors, problems)."""
    from golive_tui.core.detectors.catalog import shipped_catalog

    folder = repo_root / FOLDER
    if not folder.is_dir():
        return [], (), []
    shipped = set(shipped_catalog())
    defs: list[DetectorDef] = []
    rules: list[CustomRule] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    root = repo_root.resolve()
    for path in sorted(folder.glob("*.toml")):
        rel = path.relative_to(repo_root).as_posix()
        try:
            resolved = path.resolve()
            if not resolved.is_relative_to(root):
                problems.append(
                    f"{rel}:1: file: expected a file inside the repository (symlink skipped)"
                )
                continue
            data = resolved.read_bytes()
        except OSError as exc:
            problems.append(f"{rel}:1: file: expected a readable file ({exc.strerror or exc})")
            continue
        if len(data) > MAX_FILE_BYTES:
            problems.append(f"{rel}:1: file: expected at most {MAX_FILE_BYTES} bytes")
            continue
        try:
            text = data.decode("utf-8")
            doc = tomlsafe.loads(text)
        except UnicodeDecodeError:
            problems.append(f"{rel}:1: file: expected UTF-8 text")
            continue
        except tomllib.TOMLDecodeError as exc:
            m = _TOML_LINE.search(str(exc))
            problems.append(f"{rel}:{m.group(1) if m else 1}: toml: expected valid TOML ({exc})")
            continue
        lines = text.splitlines()
        for key in doc:
            if key != "detector":
                problems.append(
                    f"{rel}:{_key_line(lines, key, 0, len(lines))}: {key}: expected only [[detector]] tables"
                )
        entries = doc.get("detector", [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            problems.append(
                f"{rel}:{_key_line(lines, 'detector', 0, len(lines))}: detector: expected [[detector]] tables"
            )
            continue
        headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
        for n, entry in enumerate(entries):
            start = headers[n] if n < len(headers) else 0
            end = headers[n + 1] if n + 1 < len(headers) else len(lines)
            loaded = _load_entry(entry, rel, lines, start, end, shipped, seen, problems)
            if loaded is not None:
                defs.append(loaded[0])
                rules.append(loaded[1])
    extractors: tuple[Extractor, ...] = (CustomExtractor(tuple(rules)),) if rules else ()
    return defs, extractors, problems


def custom_detector_ids(repo_root: Path) -> list[str]:
    """Ids defined (validly) under the repo's `.golive/detectors/`."""
    return [d.id for d in load_custom(repo_root)[0]]


def _load_entry(
    entry: dict[str, Any],
    rel: str,
    lines: list[str],
    start: int,
    end: int,
    shipped: set[str],
    seen: dict[str, str],
    problems: list[str],
) -> tuple[DetectorDef, CustomRule] | None:
    before = len(problems)

    def problem(key: str, expected: str) -> None:
        problems.append(f"{rel}:{_key_line(lines, key, start, end)}: {key}: expected {expected}")

    for key in sorted(set(entry) - _KNOWN_KEYS):
        problem(key, f"one of {', '.join(sorted(_KNOWN_KEYS))}")
    for key in _TEXT_KEYS:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            problem(key, "a non-empty string")
    det_id = entry.get("id")
    if isinstance(det_id, str) and det_id.strip():
        if not _ID.match(det_id):
            problem("id", 'a lower-case dotted id such as "acme.audit_log"')
        elif det_id in shipped:
            problem("id", "an id not already in golive's catalog")
        elif det_id in seen:
            problem("id", f"a unique id (already defined at {seen[det_id]})")
    polarity = entry.get("polarity", "positive")
    if polarity not in ("positive", "contrary"):
        problem("polarity", '"positive" or "contrary"')
    language = entry.get("language", "go")
    if language != "go":
        problem("language", '"go" (the only language supported for now)')
    literals = entry.get("literals", [])
    if not isinstance(literals, list) or not all(isinstance(x, str) and x for x in literals):
        problem("literals", "a list of non-empty strings")
        literals = []
    rule = entry.get("rule")
    config: dict[str, Any] | None = None
    if not isinstance(rule, dict) or not rule:
        problem("rule", 'an ast-grep rule table, e.g. rule = { pattern = "audit.Log($$$)" }')
    else:
        config = dict(rule) if _CONFIG_KEYS & set(rule) else {"rule": rule}
        config = cast(dict[str, Any], _fix_go_patterns(config))
        error = _check_rule(config)
        if error:
            problem("rule", f"a valid ast-grep rule ({error})")
    if len(problems) > before or config is None:
        return None
    origin = f"{rel}:{start + 1}"
    seen[str(det_id)] = origin
    definition = DetectorDef(
        id=str(det_id),
        title=entry["title"],
        family="custom",
        looks_for=entry["looks_for"],
        why=entry["why"],
        remediation=entry["remediation"],
        area=str(entry.get("area") or "custom"),
    )
    return definition, CustomRule(
        str(det_id), entry["title"], str(polarity), config, tuple(literals), origin
    )


def _key_line(lines: list[str], key: str, start: int, end: int) -> int:
    """1-based line of `key = ...` (or a `[detector.key]` table) within one entry's lines."""
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}\s*=|\[\s*detector\.{re.escape(key)}\b)")
    for i in range(start, end):
        if pattern.match(lines[i]):
            return i + 1
    return start + 1


def _check_rule(config: Mapping[str, Any]) -> str:
    """Compile the rule against a tiny Go file: ast-grep validates it only when used."""
    try:
        SgRoot("package p\n", "go").root().find_all(cast(Config, config))
    except BaseException as exc:  # the binding raises Exception/RuntimeError/TypeError/panics
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return _first_line(exc)
    return ""


def _fix_go_patterns(value: Any) -> Any:
    """Wrap bare Go expression patterns in a function-body context (see the module docstring)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "pattern" and isinstance(item, str):
                out[key] = _go_pattern(item)
            else:
                out[key] = _fix_go_patterns(item)
        return out
    if isinstance(value, list):
        return [_fix_go_patterns(v) for v in value]
    return value


def _go_pattern(pattern: str) -> str | dict[str, str]:
    probe = re.sub(r"\$\$\$[A-Z_]*|\$[A-Z_][A-Z0-9_]*", "zz", pattern)
    top = [c.kind() for c in SgRoot(probe, "go").root().named_children()]
    if top and top[0] != "expression_statement" and "ERROR" not in top:
        return pattern  # a declaration or statement: ast-grep matches it as written
    wrapped = SgRoot(f"package p\nfunc t() {{ {probe} }}", "go").root()
    if wrapped.find(kind="ERROR") is not None:
        return pattern
    block = wrapped.find(kind="statement_list")
    stmts = block.named_children() if block is not None else []
    if len(stmts) != 1:
        return pattern
    stmt = stmts[0]
    target = stmt.named_children()[0] if stmt.kind() == "expression_statement" else stmt
    return {"context": f"func t() {{ {pattern} }}", "selector": target.kind()}


def _first_line(exc: BaseException) -> str:
    """The telling part of an ast-grep error: its innermost causes, without the backtrace."""
    lines: list[str] = []
    for line in str(exc).strip().splitlines():
        if "backtrace" in line.lower():
            break
        line = re.sub(r"^\s*\d+:\s*", "", line).strip()
        if line and line != "Caused by:":
            lines.append(line)
    return "; ".join(lines[-2:])[:200] or type(exc).__name__


def _snippet(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= SNIPPET_MAX else one[: SNIPPET_MAX - 1] + "…"
