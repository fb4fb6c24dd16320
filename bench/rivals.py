"""The yardsticks golive is measured against: the ast-grep CLI and `git grep`, looking for what six
of golive's Go checks look for, over the same Go files (no vendor/, tests or testdata).

Both do far less than golive (six patterns against its whole catalog, no proof, no CI or Docker
files), so a ratio below 1 says golive answers its whole checklist faster than a structural or a
textual search answers six questions. ast-grep parses every file; `git grep` reads every file's
bytes once: the floor of a scan that must read them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

# ast-grep's Go patterns need the `context`/`selector` form for calls and literals.
AST_GREP_RULES = {
    "signal-notify": """
rule:
  any:
    - pattern: {context: "func t() { signal.Notify($$$A) }", selector: call_expression}
    - pattern: {context: "func t() { signal.NotifyContext($$$A) }", selector: call_expression}
""",
    "http-server-literal": """
rule:
  pattern: {context: "var x = http.Server{$$$A}", selector: composite_literal}
""",
    "shutdown-call": """
rule:
  kind: call_expression
  has:
    field: function
    kind: selector_expression
    has: {field: field, regex: "^Shutdown$"}
""",
    "max-bytes-reader": """
rule:
  pattern: {context: "func t() { http.MaxBytesReader($$$A) }", selector: call_expression}
""",
    "read-header-timeout": """
rule:
  any:
    - kind: keyed_element
      has: {field: key, regex: "^ReadHeaderTimeout$"}
    - kind: selector_expression
      inside: {kind: assignment_statement, field: left, stopBy: end}
      has: {field: field, regex: "^ReadHeaderTimeout$"}
""",
    "pprof-import": """
rule:
  kind: import_spec
  has: {field: path, regex: '^"net/http/pprof"$'}
""",
}

#: The same six questions as extended regular expressions, one `git grep` run for all of them.
GREP_PATTERNS = {
    "signal-notify": r"signal\.Notify(Context)?\(",
    "http-server-literal": r"http\.Server\{",
    "shutdown-call": r"\.Shutdown\(",
    "max-bytes-reader": r"http\.MaxBytesReader\(",
    "read-header-timeout": r"ReadHeaderTimeout[[:space:]]*[:=]",
    "pprof-import": r"\"net/http/pprof\"",
}

#: What neither rival reads (golive's default scope skips these too).
EXCLUDED = ("**/*_test.go", "**/testdata/**", "**/third_party/**")
VENDOR = "**/vendor/**"


def find_ast_grep() -> str | None:
    """The ast-grep CLI: next to this Python (the dev extra installs it), else on PATH.

    `sg` is also the name of a shadow-utils command (switch group) on many Linux systems, so a
    candidate counts only when its `--version` says ast-grep."""
    here = Path(sys.executable).parent
    candidates = [str(here / name) for name in ("ast-grep", "sg")]
    candidates += [p for p in (shutil.which("ast-grep"), shutil.which("sg")) if p]
    for candidate in candidates:
        if not Path(candidate).is_file():
            continue
        try:
            version = subprocess.run(
                [candidate, "--version"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        if version.startswith("ast-grep"):
            return candidate
    return None


AST_GREP_MISSING = (
    "ast-grep CLI not found (neither next to this Python nor on PATH): its ratios are left out."
    " Install it with `.venv/bin/pip install ast-grep-cli` (part of the `dev` extra)."
)


def write_ast_grep_config(directory: Path) -> Path:
    """The six rules as an ast-grep project in `directory`; the sgconfig.yml path."""
    rules = directory / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    for name, body in AST_GREP_RULES.items():
        head = f"id: {name}\nlanguage: go\nseverity: info\nmessage: {name}\n"
        (rules / f"{name}.yml").write_text(head + body.lstrip())
    config = directory / "sgconfig.yml"
    config.write_text("ruleDirs:\n  - rules\n")
    return config


def ast_grep_argv(binary: str, config: Path, repo: Path, include_vendor: bool) -> list[str]:
    argv = [binary, "scan", "-c", str(config), "--json=compact", "--globs", "**/*.go"]
    for glob in (*EXCLUDED, *(() if include_vendor else (VENDOR,))):
        argv += ["--globs", f"!{glob}"]
    argv.append(str(repo))
    return argv


def git_grep_argv(include_vendor: bool) -> list[str]:
    """`git grep` over the tracked Go files (run in the repository), all six patterns at once."""
    argv = ["git", "grep", "-n", "-I", "-E"]
    for pattern in GREP_PATTERNS.values():
        argv += ["-e", pattern]
    argv += ["--", ":(glob)**/*.go"]
    for glob in (*EXCLUDED, *(() if include_vendor else (VENDOR,))):
        argv.append(f":(exclude,glob){glob}")
    return argv


def ast_grep_counts(out: bytes) -> Counter[str]:
    """Matches per rule in ast-grep's compact JSON (a sanity check that the rules match)."""
    return Counter(match["ruleId"] for match in json.loads(out or b"[]"))


def git_grep_counts(out: bytes) -> Counter[str]:
    """Matching lines per pattern in `git grep` output (Python's `re` reads the same ERE here:
    none of the patterns uses a construct where the two differ, `[[:space:]]` aside)."""
    compiled = {
        name: re.compile(pattern.replace("[[:space:]]", r"\s"))
        for name, pattern in GREP_PATTERNS.items()
    }
    counts: Counter[str] = Counter()
    for line in out.decode("utf-8", "replace").splitlines():
        for name, regex in compiled.items():
            if regex.search(line):
                counts[name] += 1
    return counts
