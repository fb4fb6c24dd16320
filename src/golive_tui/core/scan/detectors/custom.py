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

Rules run with a time budget. ast-grep rules can be made arbitrarily slow (nested `inside` /
`has` with `stopBy: end` multiply: a 100-line file can take minutes), and ast-grep runs in
native code that nothing in-process can interrupt. So team rules run in a child process (one
per scan and process, fed file after file over a pipe) that is killed when a rule exceeds
RULE_BUDGET seconds on a file: that rule gets an `error` naming it and the file, is skipped for
the rest of the scan, and the other rules go on in a fresh child. A child costs ~0.1 s to start,
paid only when a file actually needs the team rules (cached results need none).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import tomllib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ast_grep_py import Config, SgRoot

from golive_tui.core import tomlsafe
from golive_tui.core.confine import TooLargeError, UnsafePathError, read_confined
from golive_tui.core.evidence import DetectorDef, DetectorResult, Evidence, Polarity, Status
from golive_tui.core.hashing import sha256
from golive_tui.core.scan import pipes
from golive_tui.core.scan.detectors import common
from golive_tui.core.scan.detectors.base import Extractor, FileScan, Finding, ScannedFile

FOLDER = Path(".golive") / "detectors"
MAX_FILE_BYTES = 256 * 1024
SNIPPET_MAX = 200
#: Seconds one team rule may run on one file.
RULE_BUDGET = 5.0
#: Seconds the child may take to start, or to parse one file (linear work, load-dependent).
_SLACK = 30.0

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
        digest = sha256(
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
        if self._runner is None or self._runner.pid != os.getpid():
            self._runner = _Runner(self.rules)  # a forked scan worker gets its own child
        return self._runner.extract(path, text, wanted)

    _runner: _Runner | None = None

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        if self._runner is not None:
            self._runner.close()
            self._runner = None
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


# --------------------------------------------------------------------------- running rules


class _Runner:
    """Team rules run in a child process that can be killed when one exceeds its budget."""

    def __init__(self, rules: tuple[CustomRule, ...]) -> None:
        self.rules = rules
        self.index = {r.id: n for n, r in enumerate(rules)}
        self.pid = os.getpid()
        self.proc: subprocess.Popen[bytes] | None = None
        self.over: dict[str, str] = {}  # rule id -> the file it ran out of time on
        #: Rules stopped for running out of time (the count tests and reports read).
        self.stopped = 0

    def extract(self, path: str, text: str, wanted: list[CustomRule]) -> FileScan:
        findings: list[Finding] = []
        errors: list[tuple[str, str]] = []
        transient = False
        todo = []
        for rule in wanted:
            if rule.id in self.over:
                errors.append(
                    (rule.id, f"skipped: the rule ran out of time on {self.over[rule.id]}")
                )
                transient = True
            else:
                todo.append(rule)
        while todo:
            done, syntax_line, status = self._run(text, todo)
            for rule_id, found, error in done:
                if syntax_line is not None:
                    errors.append((rule_id, f"syntax error at line {syntax_line}"))
                if error is not None:
                    errors.append((rule_id, error))
                polarity = self.rules[self.index[rule_id]].polarity
                for line, end, snip in found:
                    findings.append(Finding(rule_id, int(line), int(end), polarity, str(snip)))
            todo = todo[len(done) :]
            if status == "failed":  # the child could not start or died: report, never hang
                errors.extend((r.id, "could not run the rule (its process failed)") for r in todo)
                transient = True
                break
            if status == "timeout":  # the next rule ran out of time: stop it, go on with the rest
                slow = todo.pop(0)
                self.over[slow.id] = path
                self.stopped += 1
                transient = True
                errors.append(
                    (slow.id, f"rule {slow.id} did not finish within {RULE_BUDGET:g} s (stopped)")
                )
        # A timeout depends on the machine's load: never cache it as the file's answer.
        return FileScan(tuple(findings), tuple(errors), {"transient": True} if transient else {})

    def _run(
        self, text: str, rules: list[CustomRule]
    ) -> tuple[list[tuple[str, list[Any], str | None]], int | None, str]:
        """Run `rules` on `text` in the child: the results of the rules that finished in order,
        the line of the first syntax error, and "ok", "timeout" (the next rule ran out of time;
        the child was killed) or "failed" (the child could not be used)."""
        done: list[tuple[str, list[Any], str | None]] = []
        syntax_line: int | None = None
        proc = self._child()
        if proc is None or proc.stdin is None or proc.stdout is None:
            return done, syntax_line, "failed"
        try:
            _send(proc.stdin.fileno(), {"text": text, "rules": [self.index[r.id] for r in rules]})
        except OSError:
            self.close()
            return done, syntax_line, "failed"
        fd = proc.stdout.fileno()
        parsed = _receive(fd, time.monotonic() + _SLACK)
        if not isinstance(parsed, dict):
            self.close()
            return done, syntax_line, "failed"
        line = parsed.get("syntax")
        syntax_line = line if isinstance(line, int) else None
        for rule in rules:
            deadline = time.monotonic() + RULE_BUDGET
            reply = _receive(fd, deadline)
            if not isinstance(reply, dict):
                timed_out = reply is None and time.monotonic() >= deadline
                self.close()
                return done, syntax_line, "timeout" if timed_out else "failed"
            found = reply.get("found", [])
            error = reply.get("error")
            done.append(
                (rule.id, found if isinstance(found, list) else [], str(error) if error else None)
            )
        return done, syntax_line, "ok"

    def _child(self) -> subprocess.Popen[bytes] | None:
        if self.proc is not None and self.proc.poll() is None:
            return self.proc
        self.close()
        try:
            # -P and a neutral cwd: nothing in the scanned repository lands on sys.path.
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-P",
                    "-c",
                    "from golive_tui.core.scan.detectors import custom; custom.serve()",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=Path(__file__).resolve().parent,
            )
            assert proc.stdin is not None and proc.stdout is not None
            self.proc = proc
            _send(proc.stdin.fileno(), [dict(r.config) for r in self.rules])
        except (OSError, ValueError):
            self.close()
            return None
        # Ready once imported: starting up never counts against a rule's budget.
        if _receive(proc.stdout.fileno(), time.monotonic() + _SLACK) != "ready":
            self.close()
            return None
        return proc

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            pipes.stop(proc)

    def __del__(self) -> None:
        if self.pid == os.getpid():
            self.close()


def _send(fd: int, data: object) -> None:
    pipes.write_message(fd, json.dumps(data).encode("utf-8", "surrogatepass"))


def _receive(fd: int, deadline: float | None) -> Any:
    """One message, or None at end of file, on a garbled message or past the deadline."""
    body = pipes.read_message(fd, deadline)
    if body is None:
        return None
    try:
        value = json.loads(body.decode("utf-8", "surrogatepass"))
    except ValueError:
        return None
    return value


def serve() -> None:
    """The child's loop: the rules, then one request per file; one reply per rule, as each
    finishes (so the parent knows which rule is running when time is up)."""
    from golive_tui.core.scan.detectors.go.fragments import has_long_line, layout, wrap_long_lines

    fd_in, fd_out = sys.stdin.fileno(), sys.stdout.fileno()
    configs = _receive(fd_in, None)
    if not isinstance(configs, list):
        return
    ascii_configs = [_ascii_form(c) for c in configs]
    _send(fd_out, "ready")
    while True:
        request = _receive(fd_in, None)
        if not isinstance(request, dict):
            return
        text = str(request.get("text", ""))
        added: list[int] = []
        lay = layout(text) if has_long_line(text) else None
        if lay is not None:  # column counting is quadratic on a long line: see go.fragments
            text, added = wrap_long_lines(text, lay)

        try:
            root = SgRoot(text, "go").root()
            broken = root.find(kind="ERROR")
            syntax = _line(added, broken.range().start.line) if broken is not None else None
        except Exception as exc:
            root, syntax, failure = None, None, f"could not parse: {exc}"
        _send(fd_out, {"syntax": syntax})
        for index in request.get("rules", []):
            reply: dict[str, Any] = {}
            if root is None:
                reply["error"] = failure
            else:
                try:
                    rules = ascii_configs if text.isascii() else configs
                    nodes = root.find_all(cast(Config, rules[index]))
                    found = []
                    for node in nodes:
                        r = node.range()
                        found.append(
                            [
                                _line(added, r.start.line),
                                _line(added, r.end.line),
                                _snippet(node.text()),
                            ]
                        )
                    reply["found"] = found
                except Exception as exc:
                    reply["error"] = f"rule failed: {_first_line(exc)}"
            _send(fd_out, reply)


def _line(added: list[int], row: int) -> int:
    """The file's 1-based line for a row of the wrapped text (see go.fragments.wrap_long_lines)."""
    return row - bisect_left(added, row) + 1


# --------------------------------------------------------------------------- loading


def load_custom(
    repo_root: Path,
) -> tuple[list[DetectorDef], tuple[Extractor, ...], list[str]]:
    """The repo's team-defined detectors: (definitions, extractors, problems)."""
    from golive_tui.core.scan.detectors.catalog import shipped_catalog

    folder = repo_root / FOLDER
    if not folder.is_dir():
        return [], (), []
    shipped = set(shipped_catalog())
    defs: list[DetectorDef] = []
    rules: list[CustomRule] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        rel = path.relative_to(repo_root).as_posix()
        try:
            data = read_confined(repo_root, rel, MAX_FILE_BYTES)
        except TooLargeError:
            problems.append(f"{rel}:1: file: expected at most {MAX_FILE_BYTES} bytes")
            continue
        except UnsafePathError as exc:
            if "symlink" in exc.why:
                why = "expected a file inside the repository (symlink skipped)"
            else:
                why = f"{exc.why} (skipped)"
            problems.append(f"{rel}:1: file: {why}")
            continue
        except OSError as exc:
            problems.append(f"{rel}:1: file: expected a readable file ({exc.strerror or exc})")
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


def _ascii_form(config: Any) -> Any:
    r"""A rule with its regexes in ASCII form, for files that are all ASCII (the same matches):
    ast-grep compiles a rule's regexes on every `find_all`, once per file, and a Unicode `\w`
    costs ~400 us of it against ~15 us (see go.tree.ascii_regex): a cold scan of moby with
    one `^\w+\.Do$` rule, ~3.8 -> ~3.5 s of CPU, the same 27 matches. The rule as written
    when the ASCII form would not compile."""
    from golive_tui.core.scan.detectors.go.tree import ascii_rule

    converted = ascii_rule(config)
    if converted == config or _check_rule(converted):
        return config
    return converted


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
    return common.snippet(text, SNIPPET_MAX)
