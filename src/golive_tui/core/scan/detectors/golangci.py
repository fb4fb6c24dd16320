"""golangci-lint configuration: which linters a repository asks for, in either schema.

v1 configs list `linters.enable` (with `enable-all`/`disable-all`); v2 configs say `version: "2"`,
choose a `linters.default` set and move formatters (gofmt, goimports...) to `formatters.enable`.
Reporting the schema and the default set keeps "3 linters enabled" honest when the default
set is `all`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from golive_tui.core import filenames
from golive_tui.core.evidence import DetectorResult
from golive_tui.core.scan.detectors import common, yamlutil
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile

DETECTOR = "lint.golangci_config"


def _strs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int, float))]
    return []


def describe(config: Mapping[str, Any], fmt: str) -> dict[str, Any]:
    """Facts from a loaded config: schema, default set, enabled/disabled linters, formatters."""
    version = str(config.get("version", "1") or "1")
    linters = config.get("linters")
    linters = linters if isinstance(linters, Mapping) else {}
    facts: dict[str, Any] = {
        "format": fmt,
        "schema_version": "2" if version.startswith("2") else "1",
        "linters": _strs(linters.get("enable")),
        "disabled": _strs(linters.get("disable")),
    }
    if facts["schema_version"] == "2":
        facts["default"] = str(linters.get("default") or "standard")
        formatters = config.get("formatters")
        if isinstance(formatters, Mapping):
            facts["formatters"] = _strs(formatters.get("enable"))
    else:
        if linters.get("enable-all") is True:
            facts["default"] = "all"
        elif linters.get("disable-all") is True:
            facts["default"] = "none"
        else:
            facts["default"] = "standard"
        presets = _strs(linters.get("presets"))
        if presets:
            facts["presets"] = presets
    return facts


def _load(text: str, fmt: str) -> tuple[Any, int]:
    """(config, line of the `linters` key or 1); raises common-style (line, message) tuples."""
    if fmt == "toml":
        import tomllib  # here: only a `.golangci.toml` needs it (importing it: ~3 ms a scan)

        from golive_tui.core import tomlsafe

        try:
            data: Any = tomlsafe.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise _Bad(int(m.group(1)) if m else 1, str(exc)) from None
        m = re.search(r"(?m)^\s*\[\s*linters\s*\]", text)
        return data, common.line_of(text, m.start()) if m else 1
    if fmt == "json":
        try:
            data = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as exc:
            raise _Bad(exc.lineno, exc.msg) from None
        m = re.search(r'"linters"\s*:', text)
        return data, common.line_of(text, m.start()) if m else 1
    try:
        docs = yamlutil.load_all(text)
    except yamlutil.YamlError as exc:
        raise _Bad(exc.line, exc.message) from None
    if not docs:
        return {}, 1
    root = docs[0]
    key = yamlutil.key_node(root, "linters")
    return yamlutil.to_python(root), yamlutil.line(key) if key is not None else 1


#: "A real linter set": golangci-lint's standard set, which v1 enables by default and v2 calls
#: `default: standard` (gosimple and stylecheck of v1 are part of staticcheck in v2).
CORE_LINTERS = ("errcheck", "govet", "ineffassign", "staticcheck", "unused")


def judge(config: Mapping[str, Any], facts: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """What keeps this configuration from being a real linter set, as (key, quality, why):
    quality "partial" when some core linters run, "contrary" when none does or when
    `issues-exit-code: 0` makes findings pass."""
    out: list[tuple[str, str, str]] = []
    run = config.get("run")
    code = run.get("issues-exit-code") if isinstance(run, Mapping) else None
    if code is not None and str(code).strip() == "0":
        out.append(
            (
                "issues-exit-code",
                "contrary",
                "`issues-exit-code: 0`: golangci-lint succeeds whatever it finds",
            )
        )
    default = str(facts.get("default", "standard"))
    enabled = set(facts.get("linters", []))
    disabled = set(facts.get("disabled", []))
    if facts.get("presets"):
        return out  # preset groups: not judged linter by linter
    # v1 `megacheck` stands for staticcheck, gosimple and unused together.
    if "megacheck" in enabled:
        enabled |= {"staticcheck", "unused"}
    running = (set(CORE_LINTERS) if default in ("standard", "all") else set()) | enabled
    running -= disabled
    missing = [name for name in CORE_LINTERS if name not in running]
    if missing:
        key = "disable-all" if facts.get("schema_version") == "1" else "default"
        if default in ("standard", "all"):
            key, how = "disable", f"with {', '.join(missing)} disabled"
        else:
            how = (
                f"runs only the linters it names ({common.plural(len(enabled), 'linter')});"
                f" missing {', '.join(missing)}"
            )
        quality = "partial" if len(missing) < len(CORE_LINTERS) else "contrary"
        out.append(
            (
                key,
                quality,
                f"default set {default} {how}: not a real linter set"
                f" (at least {', '.join(CORE_LINTERS)})",
            )
        )
    return out


def _key_line(text: str, key: str, fallback: int) -> int:
    """The line of `run.issues-exit-code` or `linters.<key>`: in YAML from the parse, else the
    first line naming the key."""
    try:
        docs = yamlutil.load_all(text) if not text.lstrip().startswith(("{", "[")) else []
    except yamlutil.YamlError:
        docs = []
    if docs:
        section = "run" if key == "issues-exit-code" else "linters"
        node = yamlutil.key_node(yamlutil.get(docs[0], section), key)
        if node is not None:
            return yamlutil.line(node)
    m = re.search(rf'(?m)^[ \t]*"?{re.escape(key)}"?[ \t]*[:=]', text)
    return common.line_of(text, m.start()) if m else fallback


class _Bad(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class GolangciExtractor:
    name = "golangci"
    version = "3"
    detectors = (DETECTOR,)

    def prepare(self) -> None:
        """PyYAML imported before the scan forks (each worker would import it: ~11 ms)."""
        yamlutil.prepare()

    skips_go_files = True  # common.GO_FILE_PROMISE: the plan asks it about no Go file

    def matches(self, path: str) -> bool:
        if "golangci." not in path:  # in every config name: most paths end here
            return False
        return bool(filenames.golangci_format(path)) and not common.is_foreign(path)

    def prefilter(self) -> tuple[bytes, ...] | None:
        return None

    def extract(self, path: str, text: str) -> FileScan:
        fmt = filenames.golangci_format(path) or "yaml"
        try:
            config, line = _load(text, fmt)
        except _Bad as exc:
            return FileScan(
                errors=(common.error(exc.line, f"invalid {fmt.upper()}: {exc.message}"),)
            )
        if config is None:
            config = {}
        if not isinstance(config, Mapping):
            return FileScan(errors=(common.error(1, "the configuration is not a mapping"),))
        facts = describe(config, fmt)
        lines = text.splitlines()
        snippet = (
            common.snippet(lines[line - 1]) if 0 < line <= len(lines) else common.basename(path)
        )
        problems = judge(config, facts)
        findings: list[Finding] = []
        contrary_only = any(q == "contrary" for _, q, _ in problems)
        findings.append(
            Finding(
                DETECTOR,
                line,
                line,
                "contrary" if contrary_only else "positive",
                snippet or path,
                facts,
            )
        )
        for key, quality, why in problems:
            at = _key_line(text, key, line)
            text_at = common.snippet(lines[at - 1]) if 0 < at <= len(lines) else key
            findings.append(
                Finding(DETECTOR, at, at, "contrary", text_at, {"quality": quality, "why": why})
            )
        return FileScan(findings=tuple(findings))

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        title = common.title_of(DETECTOR)
        ev = common.collect(files, DETECTOR)
        if not files:
            summary = "no .golangci.yml/.yaml/.toml/.json (or golangci.*)"
        elif not ev:
            summary = ""
        else:
            configs = [e for e in ev if "schema_version" in e.facts]
            first = configs[0] if configs else ev[0]
            f = first.facts
            enabled = list(f.get("linters", []))
            summary = (
                f"{first.path} (v{f['schema_version']} schema, default set {f['default']}, "
                f"{common.plural(len(enabled), 'linter')} enabled"
                + (
                    f": {', '.join(enabled[:8])}{'…' if len(enabled) > 8 else ''}"
                    if enabled
                    else ""
                )
                + ")"
            )
            if len(configs) > 1:
                summary += f" and {len(configs) - 1} more config(s)"
            whys = [str(e.facts["why"]) for e in ev if e.facts.get("why")]
            if whys:
                summary += "; " + "; ".join(whys[:2])
        return [
            common.result(DETECTOR, title, ev, summary, errors=common.errors_for(files, DETECTOR))
        ]


EXTRACTORS = (GolangciExtractor(),)
