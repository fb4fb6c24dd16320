"""Go source detectors: readiness evidence found structurally in `*.go` files.

Cost model (why the code is shaped this way): parsing Go with tree-sitter costs ~0.6 ms per
file, so parsing all of a large repository would blow the scan budget. Each file therefore goes
through three steps, cheapest first:

1. a tiny scanner reads the import block (comments and strings respected) - always, because the
   engine needs `meta["imports"]` for checklist `applies_when`, and import-based detectors
   (logging, tracing, pprof...) are decided right there;
2. literal gates built from the file's own import names (`sig.Notify` when os/signal is
   imported as `sig`) decide which tree rules could possibly match;
3. only then is the file parsed - usually not all of it: only the top-level declarations that
   hold a literal a rule needs, at their own line numbers (see "fragments"; anything a cheap
   scan cannot prove safe parses the whole file). ONE `find_all` with an `any` rule built from
   the open gates collects every candidate node; Python dispatches on node kind. Tracing (a
   signal slice, a variable holding a query, a parameter's callers) runs lazily on the few
   nodes that need it, on the whole file's tree when it looks beyond the parsed declarations.

Comments and string contents never count: evidence always comes from syntax nodes.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, NamedTuple, cast

from ast_grep_py import Config, SgNode, SgRoot

from golive_tui.core.detectors.base import Extractor, FileScan, Finding, ScannedFile
from golive_tui.core.detectors.catalog import shipped_catalog
from golive_tui.core.model import DetectorResult, Evidence, Polarity, Status

POS = "positive"
CON = "contrary"

SIGTERM = "go.signal.sigterm"
SHUTDOWN = "go.http.graceful_shutdown"
TIMEOUTS = "go.http.server_timeouts"
HEALTH = "go.http.health_endpoints"
PPROF = "go.pprof"
BODY = "go.http.body_limit"
CLIENT = "go.http.client_timeout"
POOL = "go.db.pool_limits"
LOGGING = "go.logging"
METRICS = "go.metrics"
TRACING = "go.tracing"
MIGRATIONS = "go.migrations"
RATELIMIT = "go.ratelimit"
BREAKER = "go.circuit_breaker"
RETRY = "go.retry_backoff"
CORS = "go.cors"
SECURITY_HEADERS = "go.security_headers"
TLS = "go.tls_min_version"
CONFIG = "go.config_loading"
SQL = "go.sql_string_building"
ROWS = "go.rows_close"

DETECTORS: tuple[str, ...] = (
    SIGTERM,
    SHUTDOWN,
    TIMEOUTS,
    HEALTH,
    PPROF,
    BODY,
    CLIENT,
    POOL,
    LOGGING,
    METRICS,
    TRACING,
    MIGRATIONS,
    RATELIMIT,
    BREAKER,
    RETRY,
    CORS,
    SECURITY_HEADERS,
    TLS,
    CONFIG,
    SQL,
    ROWS,
)

# The scan JSON contract fixes "one evidence item per ..." for these; the others are capped so a
# repository importing zap in 800 files does not produce 800 evidence items.
_CONTRACT_IDS = frozenset({SIGTERM, SHUTDOWN, TIMEOUTS, HEALTH, PPROF, BODY, CLIENT, POOL})
MAX_EVIDENCE = 50
SNIPPET_MAX = 200

_FUNC_KINDS = frozenset({"function_declaration", "method_declaration", "func_literal"})
_STRING_KINDS = frozenset({"interpreted_string_literal", "raw_string_literal"})
_TIMEOUT_FIELDS = ("ReadHeaderTimeout", "ReadTimeout", "WriteTimeout", "IdleTimeout")
_WEAK_TLS = frozenset(
    {"VersionTLS10", "VersionTLS11", "VersionSSL30", "0x0300", "0x0301", "0x0302"}
)
_HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT"})
_CTX_ARG = re.compile(r"(?i)^(ctx|\w*ctx|\w*context\w*|context\.\w+\(.*\)|r\.Context\(\))$")
_SQL_IMPORT_PREFIXES = ("database/sql",)


# --------------------------------------------------------------------------- rules as data


@dataclass(frozen=True, slots=True)
class ImportRule:
    detector: str
    prefixes: tuple[str, ...]
    exact: tuple[str, ...]

    def matches(self, path: str) -> bool:
        if path in self.exact:
            return True
        return any(path == p or path.startswith(p + "/") for p in self.prefixes)


@dataclass(frozen=True, slots=True)
class Rules:
    """go_rules.toml, loaded once."""

    imports: tuple[ImportRule, ...]
    package_names: Mapping[str, str]
    headers: Mapping[str, str]  # lower-case header name -> detector
    route_segments: frozenset[str]
    metrics_segments: frozenset[str]
    route_methods: frozenset[str]
    route_literals: tuple[str, ...]
    pool_methods: tuple[str, ...]
    pgxpool_fields: tuple[str, ...]
    pgxpool_imports: tuple[str, ...]
    sql_methods: Mapping[str, int]
    sqlx_methods: Mapping[str, int]
    rows_methods: frozenset[str]
    sql_imports: tuple[str, ...]
    sqlx_imports: tuple[str, ...]
    sql_keywords: re.Pattern[str]
    migration_dirs: tuple[str, ...]
    digest: str


@cache
def rules() -> Rules:
    text = resources.files(__package__).joinpath("go_rules.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    headers = {h.lower(): det for det, names in data["headers"].items() for h in names}
    segments = frozenset(s.lower() for s in data["routes"]["segments"])
    metrics = frozenset(s.lower() for s in data["routes"]["metrics_segments"])
    # Cheap substring gates for routes: "/" plus the first few letters of each segment.
    route_literals = tuple(sorted({"/" + s[:4] for s in segments | metrics}))
    sql = data["sql"]
    keywords = "|".join(sql["keywords"])
    return Rules(
        imports=tuple(
            ImportRule(r["detector"], tuple(r.get("prefixes", ())), tuple(r.get("exact", ())))
            for r in data["imports"]
        ),
        package_names=dict(data.get("package_names", {})),
        headers=headers,
        route_segments=segments,
        metrics_segments=metrics,
        route_methods=frozenset(data["routes"]["methods"]),
        route_literals=route_literals,
        pool_methods=tuple(data["pool"]["methods"]),
        pgxpool_fields=tuple(data["pool"]["pgxpool_fields"]),
        pgxpool_imports=tuple(data["pool"]["pgxpool_imports"]),
        sql_methods=dict(sql["methods"]),
        sqlx_methods=dict(sql["sqlx_methods"]),
        rows_methods=frozenset(sql["rows_methods"]),
        sql_imports=tuple(sql["imports"]),
        sqlx_imports=tuple(sql["sqlx_imports"]),
        sql_keywords=re.compile(rf"(?i)\b(?:{keywords})\b"),
        migration_dirs=tuple(data["migrations"]["dirs"]),
        digest=hashlib.sha256(text.encode()).hexdigest()[:12],
    )


# --------------------------------------------------------------------------- import scanner

_SKIP = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/|;)*", re.S)
_PACKAGE = re.compile(r"package[ \t]+([A-Za-z_]\w*)")
# Whitespace, comments and semicolons (atomic: exactly what `_SKIP` alone would consume), then
# `import` and a `(` or one spec; and inside `( ... )`: a `)` or one spec. One `match` per spec.
_SKIP_ATOMIC = r"(?>(?:\s+|//[^\n]*|/\*.*?\*/|;)*)"
_SPEC_RE = r"(?:([A-Za-z_]\w*|\.)[ \t]*)?(\"(?:[^\"\\\n]|\\[^\n])*\"|`[^`]*`)"
_IMPORT_AT = re.compile(rf"{_SKIP_ATOMIC}import(?!\w){_SKIP_ATOMIC}(?:(\()|{_SPEC_RE})", re.S)
_IN_BLOCK = re.compile(rf"{_SKIP_ATOMIC}(?:(\))|{_SPEC_RE})", re.S)


class ImportSpec(NamedTuple):
    path: str
    name: str | None  # explicit name as written ("_", ".", "sig") or None
    line: int
    end_line: int
    text: str


_BUILD_LINE = re.compile(r"^//go:build[ \t]+(.+?)[ \t]*$", re.M)
_PLUS_BUILD_LINE = re.compile(r"^//[ \t]*\+build[ \t]+(.+?)[ \t]*$", re.M)
_CONSTRAINT_TOKEN = re.compile(r"\s*(&&|\|\||!|\(|\)|[\w.]+)")
_MAX_CONSTRAINT_TAGS = 10


def build_ignored(text: str) -> bool:
    """Whether the file's build constraint keeps it out of every build: false unless the
    `ignore` tag is set (`//go:build ignore`, `// +build ignore`, `ignore && linux`...), which
    nobody sets, so its code is never compiled. Only the header before the package clause
    counts, like `go build`; a constraint this cannot read is treated as satisfiable."""
    pos = _SKIP.match(text, 1 if text.startswith("\ufeff") else 0)
    header = text[: pos.end()].lstrip("\ufeff") if pos else ""
    if "build" not in header:
        return False
    header = re.sub(r"/\*.*?\*/", "", header, flags=re.S)  # only line comments constrain
    m = _BUILD_LINE.search(header)
    if m:
        expr = m.group(1)
    else:
        lines = _PLUS_BUILD_LINE.findall(header)
        if not lines:
            return False
        expr = " && ".join(
            "(" + " || ".join("(" + " && ".join(opt.split(",")) + ")" for opt in line.split()) + ")"
            for line in lines
        )
    tokens: list[str] = []
    at = 0
    while at < len(expr.rstrip()):
        tok = _CONSTRAINT_TOKEN.match(expr, at)
        if tok is None:
            return False
        tokens.append(tok.group(1))
        at = tok.end()
    tags = sorted({t for t in tokens if t not in ("&&", "||", "!", "(", ")") and t != "ignore"})
    if "ignore" not in tokens or len(tags) > _MAX_CONSTRAINT_TAGS:
        return False
    for bits in range(1 << len(tags)):
        on = {t for i, t in enumerate(tags) if bits >> i & 1}
        value = _eval_constraint(tokens, on)
        if value is None or value:
            return False
    return True


def _eval_constraint(tokens: list[str], on: set[str]) -> bool | None:
    """A `//go:build` expression's value with the tags in `on` set; None if malformed."""
    at = 0

    def peek() -> str:
        return tokens[at] if at < len(tokens) else ""

    def unary() -> bool | None:
        nonlocal at
        tok = peek()
        at += 1
        if tok == "!":
            v = unary()
            return None if v is None else not v
        if tok == "(":
            v = disjunction()
            if v is None or peek() != ")":
                return None
            at += 1
            return v
        if not tok or tok in ("&&", "||", ")"):
            return None
        return tok in on

    def conjunction() -> bool | None:
        nonlocal at
        v = unary()
        while v is not None and peek() == "&&":
            at += 1
            w = unary()
            v = None if w is None else v and w
        return v

    def disjunction() -> bool | None:
        nonlocal at
        v = conjunction()
        while v is not None and peek() == "||":
            at += 1
            w = conjunction()
            v = None if w is None else v or w
        return v

    value = disjunction()
    return value if at == len(tokens) else None


def scan_imports(text: str) -> list[ImportSpec] | None:
    """Import specs of a Go file, or None when the text has no package clause (not Go).

    Go puts every import right after the package clause, so a scanner that skips whitespace,
    comments and semicolons and reads import specs until the first other token is exact for
    valid files and costs microseconds (no parse).
    """
    pos = _SKIP.match(text, 1 if text.startswith("\ufeff") else 0)
    start = pos.end() if pos else 0
    m = _PACKAGE.match(text, start)
    if not m:
        return None
    at = m.end()
    specs: list[ImportSpec] = []
    line = 1
    counted = 0

    def add(spec: re.Match[str]) -> None:
        nonlocal line, counted
        first = spec.start(2) if spec.group(2) is not None else spec.start(3)
        line += text.count("\n", counted, first)
        counted = first
        raw = spec.group(3)
        specs.append(
            ImportSpec(
                raw[1:-1], spec.group(2), line, line + raw.count("\n"), text[first : spec.end()]
            )
        )

    while True:
        decl = _IMPORT_AT.match(text, at)
        if decl is None:
            return specs
        at = decl.end()
        if decl.group(1) is None:
            add(decl)
            continue
        while True:
            spec = _IN_BLOCK.match(text, at)
            if spec is None:
                return specs
            at = spec.end()
            if spec.group(1) is not None:
                break
            add(spec)


@cache
def import_detectors(path: str) -> tuple[str, ...]:
    """Detectors an import path is evidence for (memoised: the same paths recur in every file)."""
    return tuple(rule.detector for rule in rules().imports if rule.matches(path))


@cache
def default_name(path: str) -> str:
    """The package name an import path is used under when no name is written (by convention)."""
    known = rules().package_names.get(path)
    if known:
        return known
    parts = path.split("/")
    last = parts[-1]
    if re.fullmatch(r"v\d+", last) and len(parts) > 1:
        last = parts[-2]
    last = re.sub(r"\.v\d+$", "", last)
    for prefix in ("go-",):
        if last.startswith(prefix) and len(last) > len(prefix):
            last = last[len(prefix) :]
    return re.sub(r"\W", "_", last)


# --------------------------------------------------------------------------- fragments
#
# Parsing is the scan's biggest cost, and most of a gated file is irrelevant: the rules look at
# the few top-level declarations that hold a trigger. So the parser gets a *fragment*: those
# declarations at their original offsets' lines, every other line left blank, behind a
# `package p` header. Line numbers are therefore the file's own. A declaration boundary is only
# trusted when a cheap scan proves it is one (outside comments and strings, at bracket depth 0,
# after a token that ends a statement); anything else parses the whole file.

# Declarations start at column 0 in gofmt-shaped code (the match is the newline before one);
# each candidate is checked before use. A literal first character lets `re` skip ahead fast.
_DECL_START = re.compile(r"\n(?:func|var|type|const|import)\b")
# Comments, strings and runes, or (one character / `/*`) an opener left unterminated. Loops
# unrolled and a leading lookahead: this regex reads every byte of each parsed file.
_TOKEN = re.compile(
    r"(?=[/\"'`])(?://[^\n]*|/\*[^*]*\*+(?:[^/*][^*]*\*+)*/"
    r"|\"[^\"\\\n]*(?:\\[^\n][^\"\\\n]*)*\"|`[^`]*`|'[^'\\\n]*(?:\\[^\n][^'\\\n]*)*'"
    r"|[\"'`]|/\*)"
)
_ENDS_STATEMENT = frozenset(")]};_")  # and letters, digits, closing quotes
_FRAGMENT_HEADER = "package p"


@dataclass(frozen=True, slots=True)
class _Layout:
    """Top-level declaration starts of a Go file, and where its comments and strings lie."""

    starts: list[int]  # offsets; segment i is [starts[i], starts[i + 1]) (the last: to the end)
    tok_starts: list[int]  # comment / string / rune tokens, sorted, never overlapping
    tok_ends: list[int]
    bracket_at: list[int]  # starts of tokens holding brackets...
    bracket_sum: list[int]  # ...and the running (opening - closing) count inside such tokens
    # (opening - closing) brackets in the text before each declaration start and the end,
    # counted once: `_boundary` asks at every chosen start, and counting from the file's
    # beginning each time was quadratic in a big file of small declarations.
    depth_before: dict[int, int] = field(default_factory=dict)

    def token_at(self, pos: int) -> int:
        """Index of the token covering offset `pos`, or -1."""
        i = bisect_right(self.tok_starts, pos) - 1
        return i if i >= 0 and self.tok_ends[i] > pos else -1


def layout(text: str) -> _Layout | None:
    """Scan comments, strings and runes once; None when one is left unterminated."""
    tok_starts: list[int] = []
    tok_ends: list[int] = []
    bracket_at: list[int] = []
    bracket_sum: list[int] = []
    inside = 0
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if len(tok) == 1 or tok == "/*":
            return None
        start, end = m.span()
        tok_starts.append(start)
        tok_ends.append(end)
        if "(" in tok or ")" in tok or "{" in tok or "}" in tok:
            inside += tok.count("(") + tok.count("{") - tok.count(")") - tok.count("}")
            bracket_at.append(start)
            bracket_sum.append(inside)
    found = _Layout([], tok_starts, tok_ends, bracket_at, bracket_sum)
    for m in _DECL_START.finditer(text):
        start = m.start() + 1
        if found.token_at(start) < 0:
            found.starts.append(start)
    depth = done = 0
    for pos in (*found.starts, len(text)):
        depth += (
            text.count("(", done, pos)
            + text.count("{", done, pos)
            - text.count(")", done, pos)
            - text.count("}", done, pos)
        )
        found.depth_before[pos] = depth
        done = pos
    return found


def _boundary(text: str, lay: _Layout, pos: int) -> bool:
    """Whether a top-level declaration can end at `pos`: bracket depth 0 there, and the code
    before it (comments skipped) ends with a token after which Go ends a statement."""
    depth = lay.depth_before.get(pos)
    if depth is None:
        depth = (
            text.count("(", 0, pos)
            + text.count("{", 0, pos)
            - text.count(")", 0, pos)
            - text.count("}", 0, pos)
        )
    i = bisect_left(lay.bracket_at, pos) - 1
    if i >= 0:
        depth -= lay.bracket_sum[i]
    if depth != 0:
        return False
    p = pos - 1
    while p >= 0:
        ch = text[p]
        if ch in " \t\r\n":
            p -= 1
            continue
        t = lay.token_at(p)
        if t < 0:
            return ch in _ENDS_STATEMENT or ch.isalnum()
        if text[lay.tok_starts[t]] != "/":
            return True  # a string or rune literal
        p = lay.tok_starts[t] - 1  # a comment: look before it
    return False


def fragment(text: str, lay: _Layout, hits: Iterable[int]) -> str | None:
    """Source holding only the declarations that contain a hit, on their own lines; "" when no
    hit lies in code that could matter, None when the whole file must be parsed."""
    starts = lay.starts
    chosen: set[int] = set()
    for pos in hits:
        t = lay.token_at(pos)
        if t >= 0 and text[lay.tok_starts[t]] == "/":
            continue  # inside a comment: nothing there is syntax
        i = bisect_right(starts, pos) - 1
        if i < 0:
            return None  # before the first declaration (or none found): not gofmt-shaped
        chosen.add(i)
    if not chosen:
        return ""
    parts = [_FRAGMENT_HEADER]
    done = 0
    previous = -2
    for i in sorted(chosen):
        a = starts[i]
        b = starts[i + 1] if i + 1 < len(starts) else len(text)
        if i != previous + 1:  # a run of declarations starts here: it must be a real boundary
            if a == 0 or not _boundary(text, lay, a):
                return None
            parts.append("\n" * text.count("\n", done, a))
        parts.append(text[a:b])
        if i + 1 not in chosen and not _boundary(text, lay, b):
            return None
        done, previous = b, i
    return "".join(parts)


# --------------------------------------------------------------------------- long lines
#
# ast-grep computes a node's column by counting from the start of its line, so every
# `node.range()` on a 1 MB single-line file costs a millisecond and a file with thousands of
# findings took half a minute. Such a file is parsed with line breaks inserted where Go allows
# one without changing the program (after `;` `,` `(` `[` `{`, outside comments, strings and
# runes), at most every _WRAP_CHUNK characters; `_File.line` maps rows back to the file's own
# lines, so evidence still names the real line.

#: Lines longer than this are wrapped before parsing.
LONG_LINE = 4096
_WRAP_CHUNK = 256
_LONG = re.compile(rf"[^\n]{{{LONG_LINE + 1},}}")
_BREAK = re.compile(r"[;,(\[{]")


def has_long_line(text: str) -> bool:
    return len(text) > LONG_LINE and _LONG.search(text) is not None


def wrap_long_lines(text: str, lay: _Layout) -> tuple[str, list[int]]:
    """The text with breaks inserted in over-long lines, and the (sorted) rows of the result
    that end in an inserted break. Linear: each search starts past the previous break."""
    parts: list[str] = []
    added: list[int] = []
    done = 0  # text[:done] is in parts
    row = 0  # the file's row at `counted`
    counted = 0
    for long in _LONG.finditer(text):
        start, end = long.span()
        row += text.count("\n", counted, start)
        counted = start
        pos = last = start
        while True:
            m = _BREAK.search(text, max(pos, last + _WRAP_CHUNK), end)
            if m is None:
                break
            at = m.start()
            token = lay.token_at(at)
            if token >= 0:  # inside a comment, string or rune: continue after it
                pos = lay.tok_ends[token]
                continue
            parts.append(text[done : at + 1])
            parts.append("\n")
            added.append(row + len(added))
            done = pos = last = at + 1
    parts.append(text[done:])
    return "".join(parts), added


# --------------------------------------------------------------------------- per-file context


@dataclass(slots=True)
class _File:
    """What one extraction knows about the file; discarded after `extract`."""

    text: str
    names: dict[str, set[str]]  # import path -> names it is used under in this file
    paths_by_name: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    root: SgNode | None = None  # the parsed tree: a fragment of the file, or all of it
    full: SgNode | None = None  # the whole file's tree, parsed on first need (see `whole`)
    parsed: bool = False
    # Rows of the parsed text that end in a break inserted by `wrap_long_lines` (then the
    # whole file is parsed, wrapped, and never a fragment).
    added_rows: list[int] = field(default_factory=list)
    lay: _Layout | None = None

    def whole(self) -> SgNode:
        """The whole file's tree, for rules that look beyond the declarations in `root`
        (a signal slice declared at package level, the callers of a function)."""
        if self.full is None:
            source = self.text
            if self.lay is not None and has_long_line(source):
                source, self.added_rows = wrap_long_lines(source, self.lay)
            self.full = SgRoot(source, "go").root()
            self.parsed = True
        return self.full

    def line(self, row: int) -> int:
        """The file's 1-based line for a 0-based row of the parsed text."""
        if self.added_rows:
            row -= bisect_left(self.added_rows, row)
        return row + 1

    def aliases(self, path: str) -> set[str]:
        return self.names.get(path, set())

    def path_of(self, name: str) -> str | None:
        return self.paths_by_name.get(name)

    def imports_any(self, prefixes: Iterable[str]) -> bool:
        """Whether an import path starts with one of `prefixes` (".../pgx" covers ".../pgx/v5")."""
        return any(p.startswith(pre) for p in self.names for pre in prefixes)

    def add(self, detector: str, node: SgNode, polarity: str, **facts: Any) -> None:
        r = node.range()
        self.findings.append(
            Finding(
                detector,
                self.line(r.start.line),
                self.line(r.end.line),
                polarity,
                snippet(node.text()),
                facts,
            )
        )

    def note(self, detector: str, node: SgNode, message: str) -> None:
        self.notes[detector].append(f"{self.line(node.range().start.line)}: {message}")


def snippet(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= SNIPPET_MAX else one[: SNIPPET_MAX - 1] + "…"


def _named(node: SgNode | None) -> list[SgNode]:
    """Named children without comments (a comment inside an argument list is a named node)."""
    if node is None:
        return []
    return [c for c in node.named_children() if c.kind() != "comment"]


def _string_value(node: SgNode) -> str | None:
    kind = node.kind()
    if kind not in _STRING_KINDS:
        return None
    return node.text()[1:-1]


def _enclosing_function(node: SgNode) -> SgNode | None:
    for anc in node.ancestors():
        if anc.kind() in _FUNC_KINDS:
            return anc
    return None


def _key(node: SgNode | None) -> int:
    return -1 if node is None else node.range().start.index


def _call_parts(call: SgNode) -> tuple[str, str, list[SgNode]]:
    """(receiver text or "", method/function name, arguments) of a call_expression."""
    fn = call.field("function")
    args = _named(call.field("arguments"))
    if fn is None:
        return "", "", args
    if fn.kind() == "selector_expression":
        operand = fn.field("operand")
        name = fn.field("field")
        return (operand.text() if operand else ""), (name.text() if name else ""), args
    return "", fn.text(), args


def _assigned_name(expr: SgNode) -> tuple[str, SgNode] | None:
    """The variable (or `x.field`) an expression is assigned to, with the assigning statement."""
    node = expr
    parent = node.parent()
    while parent is not None and parent.kind() in ("unary_expression", "parenthesized_expression"):
        node, parent = parent, parent.parent()
    if parent is None:
        return None
    if parent.kind() == "literal_element":  # {srv: &http.Server{...}} -> field name
        keyed = parent.parent()
        if keyed is not None and keyed.kind() == "keyed_element":
            kids = _named(keyed)
            if len(kids) == 2 and kids[1] == parent:
                return kids[0].text(), keyed
        return None
    if parent.kind() != "expression_list":
        return None
    stmt = parent.parent()
    if stmt is None:
        return None
    index = next((i for i, c in enumerate(_named(parent)) if c == node), -1)
    if stmt.kind() in ("short_var_declaration", "assignment_statement"):
        left = _named(stmt.field("left"))
        if 0 <= index < len(left):
            return left[index].text(), stmt
    elif stmt.kind() == "var_spec":
        names = list(stmt.field_children("name"))
        if 0 <= index < len(names):
            return names[index].text(), stmt
    return None


def _definitions(scope: SgNode, name: str) -> list[SgNode]:
    """Right-hand expressions assigned to `name` in `scope` (`:=`, `=`, `+=`, var, const)."""
    found: list[SgNode] = []
    pattern = f"^{re.escape(name)}$"
    config = {
        "rule": {
            "any": [
                {
                    "kind": "short_var_declaration",
                    "has": {"field": "left", "has": {"kind": "identifier", "regex": pattern}},
                },
                {
                    "kind": "assignment_statement",
                    "has": {"field": "left", "has": {"kind": "identifier", "regex": pattern}},
                },
                {
                    "any": [{"kind": "var_spec"}, {"kind": "const_spec"}],
                    "has": {"field": "name", "regex": pattern},
                },
            ]
        }
    }
    for stmt in scope.find_all(cast(Config, config)):
        if stmt.kind() in ("var_spec", "const_spec"):
            names = [c.text() for c in stmt.field_children("name")]
            values = _named(stmt.field("value"))
        else:
            names = [c.text() for c in _named(stmt.field("left"))]
            values = _named(stmt.field("right"))
        if name in names and len(values) == len(names):
            found.append(values[names.index(name)])
    return found


def _parameter_position(func: SgNode, name: str) -> tuple[int, bool] | None:
    """(index, variadic) of a named parameter of `func`, or None."""
    params = func.field("parameters")
    index = 0
    for decl in _named(params):
        names = [c.text() for c in decl.field_children("name")]
        if not names:
            index += 1
            continue
        for n in names:
            if n == name:
                return index, decl.kind() == "variadic_parameter_declaration"
            index += 1
    return None


def _callers(root: SgNode, func: SgNode) -> list[SgNode]:
    name_node = func.field("name")
    if name_node is None:
        return []
    name = re.escape(name_node.text())
    config = {
        "rule": {
            "kind": "call_expression",
            "has": {"field": "function", "regex": rf"^(?:\w+\.)*{name}$"},
        }
    }
    return list(root.find_all(cast(Config, config)))


# --------------------------------------------------------------------------- extractor


class GoSourceExtractor:
    """One family for every `go.*` detector: one import scan and at most one parse per file."""

    name = "go_source"
    detectors = DETECTORS
    version = f"3.{rules().digest}"  # go_rules.toml changes invalidate cached scans too

    def matches(self, path: str) -> bool:
        return path.endswith(".go")

    def prefilter(self) -> tuple[bytes, ...] | None:
        # Imports are needed for every file (meta), so the gate lives inside `extract`.
        return None

    # ------------------------------------------------------------------ extract

    def extract(self, path: str, text: str) -> FileScan:
        specs = scan_imports(text)
        if specs is None:
            return self._unparseable(text, "not Go source (no package clause)")
        if build_ignored(text):
            return FileScan(meta={"imports": [], "parsed": False})  # never compiled: no evidence
        names: dict[str, set[str]] = defaultdict(set)
        by_name: dict[str, str] = {}
        for spec in specs:
            name = spec.name or default_name(spec.path)
            names[spec.path].add(name)
            if name not in ("_", "."):
                by_name[name] = spec.path
        f = _File(text, dict(names), by_name)
        for spec in specs:
            for det in import_detectors(spec.path):
                f.findings.append(
                    Finding(
                        det,
                        spec.line,
                        spec.end_line,
                        POS,
                        snippet(spec.text),
                        {"import": spec.path},
                    )
                )
        errors: list[tuple[str, str]] = []
        gates = self._gates(f)
        if gates:
            try:
                self._parse(f, gates, errors)
            except Exception as exc:  # a bug or an ast-grep failure must not sink the scan
                errors.extend(
                    (d, f"could not analyse: {type(exc).__name__}: {exc}")
                    for d in _gate_detectors(gates)
                )
        # "parsed": whether this file was parsed, whole or in part (the engine's parsed count).
        meta: dict[str, Any] = {"imports": sorted(names), "parsed": f.parsed}
        if f.notes:
            meta["notes"] = dict(f.notes.items())
        return FileScan(tuple(f.findings), tuple(errors), meta)

    def _unparseable(self, text: str, message: str) -> FileScan:
        """Blame only detectors whose tell-tale words appear: a template that never mentions
        signals cannot hide a signal handler, so it should not turn that result into an error."""
        r = rules()
        suspects: set[str] = set()
        for rule in r.imports:
            if any(p in text for p in rule.prefixes + rule.exact):
                suspects.add(rule.detector)
        default = _File(text, {}, {})
        for p, n in _DEFAULT_NAMES.items():
            default.names[p] = {n}
        suspects.update(_gate_detectors(self._gates(default)))
        return FileScan((), tuple((d, message) for d in sorted(suspects)), {"imports": []})

    def _gates(self, f: _File) -> set[str]:
        """Which tree rules could match: one regex pass over the text for trigger words
        (`.Notify`, `.Client{`, `"/healthz`...), each checked against this file's import names
        (`sig.Notify` counts when os/signal is imported as `sig`). One pass instead of dozens of
        substring scans: this runs on every file, so it is the scan's hot loop."""
        text = f.text
        words: set[str] = set()
        receivers: dict[str, set[str]] = defaultdict(set)
        code, routes, headers = _triggers()
        for m in code.finditer(text):
            word = m.group(1) or m.group(2) or m.group(3)
            words.add(word)
            before = _IDENT_BEFORE.search(text, max(0, m.start() - 48), m.start())
            if before:
                receivers[word].add(before.group(1))
        if routes.search(text):
            words.add("/route")
        if headers.search(text):
            words.add('"header')
        if not words:
            return set()
        r = rules()
        http = f.aliases("net/http")

        def via(path: str, *names: str) -> bool:
            aliases = f.aliases(path)
            return bool(aliases) and any(receivers[n] & aliases for n in names)

        gates: set[str] = set()
        if via("os/signal", "Notify", "NotifyContext"):
            gates.add("signal")
        if http and "Shutdown" in words:
            gates.add("shutdown")
        if via("net/http", "Server", "ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"):
            gates.add("server")
        if via("net/http", "Client", "DefaultClient", "Get", "Head", "Post", "PostForm"):
            gates.add("client")
        if via("net/http", "MaxBytesReader", "MaxBytesHandler"):
            gates.add("body")
        if "/route" in words:
            gates.add("routes")
        if words.intersection(r.pool_methods) or (
            f.imports_any(r.pgxpool_imports)
            and (words.intersection(r.pgxpool_fields) or "Config" in words)
        ):
            gates.add("pool")
        if words.intersection(r.sql_methods) or (
            f.imports_any(r.sqlx_imports) and words.intersection(r.sqlx_methods)
        ):
            gates.add("sql")
        if '"header' in words:
            gates.add("headers")
        if f.aliases("crypto/tls") and (
            via("crypto/tls", "Config") or "MinVersion" in words or "InsecureSkipVerify" in words
        ):
            gates.add("tls")
        if via("os", "Getenv", "LookupEnv"):
            gates.add("env")
        return gates

    # ------------------------------------------------------------------ the one tree walk

    def _parse(self, f: _File, gates: set[str], errors: list[tuple[str, str]]) -> None:
        config, selection = self._rule(f, gates)
        lay = f.lay = layout(f.text)
        long = has_long_line(f.text)
        if long and lay is None:  # no safe place to break it: parsing would be quadratic
            errors.extend(
                (
                    d,
                    f"syntax error: unterminated comment or string on a line over {LONG_LINE} "
                    "characters",
                )
                for d in _gate_detectors(gates)
            )
            return
        source = None
        if lay is not None and not long:
            source = fragment(f.text, lay, (m.start() for m in selection.finditer(f.text)))
            if source == "":
                return  # every trigger sits in a comment: nothing to parse
        by_kind: dict[str, list[SgNode]] = defaultdict(list)
        if source is not None:
            f.root = SgRoot(source, "go").root()
            f.parsed = True
            for node in f.root.find_all(config):
                by_kind[node.kind()].append(node)
            if by_kind["ERROR"]:
                source = None  # report syntax errors as the whole file shows them
        if source is None:
            f.root = f.whole()
            by_kind.clear()
            for node in f.root.find_all(config):
                by_kind[node.kind()].append(node)
        if by_kind["ERROR"]:
            line = f.line(by_kind["ERROR"][0].range().start.line)
            errors.extend((d, f"syntax error at line {line}") for d in _gate_detectors(gates))
        assignments = by_kind["assignment_statement"]
        for call in by_kind["call_expression"]:
            self._on_call(f, gates, call)
        for lit in by_kind["composite_literal"]:
            self._on_literal(f, lit, assignments)
        for assign in assignments:
            self._on_assignment(f, assign)
        for sel in by_kind["selector_expression"]:
            f.add(CLIENT, sel, CON, reason="http.DefaultClient has no timeout")
        for keyed in by_kind["keyed_element"]:
            f.add(POOL, keyed, POS, setting=_named(keyed)[0].text())
        if "shutdown" in gates:
            self._shutdowns(f, by_kind["call_expression"], by_kind["qualified_type"])

    def _rule(self, f: _File, gates: set[str]) -> tuple[Config, re.Pattern[str]]:
        """The one `find_all` rule for this file's open gates, and a text pattern that matches
        wherever a node that rule reports could be (a superset: each node's text must contain
        one of these literals), which picks the declarations worth parsing."""
        r = rules()
        http = _alt(f.aliases("net/http"))
        calls: list[str] = []
        literals: list[str] = []
        assigns: list[str] = []
        extra: list[dict[str, Any]] = [{"kind": "ERROR"}]
        where: list[str] = []
        if "signal" in gates:
            signal = _alt(f.aliases("os/signal"))
            calls.append(rf"{signal}\.(?:Notify|NotifyContext)")
            where.append(rf"{signal}\.Notify")
        if "shutdown" in gates:
            # A bare `Shutdown(...)` matches too but never counts (no receiver).
            calls.append(r"(?:.+\.)?Shutdown")
            extra.append({"kind": "qualified_type", "regex": rf"^{http}\.Server$"})
            where.extend((r"\.Shutdown", rf"{http}\.Server"))
        if "server" in gates:
            calls.append(rf"{http}\.(?:ListenAndServe|ListenAndServeTLS|Serve|ServeTLS)")
            literals.append(rf"{http}\.Server")
            assigns.extend(_TIMEOUT_FIELDS)  # read only next to a literal (same function)
            where.append(rf"{http}\.(?:ListenAndServe|Serve)")  # Serve covers Server
        if "client" in gates:
            calls.append(rf"{http}\.(?:Get|Head|Post|PostForm)")
            literals.append(rf"{http}\.Client")
            assigns.append("Timeout")  # read only next to a literal (same function)
            extra.append({"kind": "selector_expression", "regex": rf"^{http}\.DefaultClient$"})
            where.append(rf"{http}\.(?:Get|Head|Post|Client|DefaultClient)")
        if "body" in gates:
            calls.append(rf"{http}\.(?:MaxBytesReader|MaxBytesHandler)")
            where.append(rf"{http}\.MaxBytes")
        if "routes" in gates:
            # Any registration call matches, but only one with a route literal counts.
            calls.append(rf"(?:.+\.)?(?:{'|'.join(sorted(r.route_methods))})")
            where.append(_literal_words()[0])
        if "pool" in gates:
            calls.append(rf".+\.(?:{'|'.join(r.pool_methods)})")
            where.append(rf"\.(?:{'|'.join(r.pool_methods)})")
            if f.imports_any(r.pgxpool_imports):
                fields = "|".join(r.pgxpool_fields)
                assigns.extend(r.pgxpool_fields)
                extra.append({"kind": "keyed_element", "regex": rf"^(?:{fields})\s*:"})
                where.append(fields)
        if "sql" in gates:
            methods = list(r.sql_methods)
            if f.imports_any(r.sqlx_imports):
                methods += list(r.sqlx_methods)
            calls.append(rf".+\.(?:{'|'.join(sorted(set(methods)))})")
            where.append(_literal_words()[2 if len(methods) > len(r.sql_methods) else 1])
        if "headers" in gates:
            # Any `.Set`/`.Add` matches, but only one whose first argument names a header counts.
            calls.append(r".+\.(?:Set|Add)")
            where.append(_literal_words()[3])
        if "tls" in gates:
            literals.append(rf"{_alt(f.aliases('crypto/tls'))}\.Config")
            assigns.extend(("MinVersion", "InsecureSkipVerify"))
            where.append(
                rf"{_alt(f.aliases('crypto/tls'))}\.Config|\.MinVersion|\.InsecureSkipVerify"
            )
        if "env" in gates:
            calls.append(rf"{_alt(f.aliases('os'))}\.(?:Getenv|LookupEnv)")
            where.append(rf"{_alt(f.aliases('os'))}\.(?:Getenv|LookupEnv)")
        anys: list[dict[str, Any]] = list(extra)
        if calls:
            anys.append(
                {
                    "kind": "call_expression",
                    "has": {"field": "function", "regex": f"^(?:{'|'.join(calls)})$"},
                }
            )
        if literals:
            anys.append(
                {
                    "kind": "composite_literal",
                    "has": {"field": "type", "regex": f"^(?:{'|'.join(literals)})$"},
                }
            )
        if assigns:
            anys.append(
                {
                    "kind": "assignment_statement",
                    "has": {"field": "left", "regex": rf"\.(?:{'|'.join(sorted(set(assigns)))})$"},
                }
            )
        return cast(Config, {"rule": {"any": anys}}), re.compile("|".join(where))

    # ------------------------------------------------------------------ calls

    def _on_call(self, f: _File, gates: set[str], call: SgNode) -> None:
        receiver, name, args = _call_parts(call)
        r = rules()
        path = f.path_of(receiver) if receiver and "." not in receiver else None
        # Each rule answers only under its own gate: a call that matched another gate's pattern
        # (`http.Get` as a route method) must not decide what this file says about clients.
        if path == "os/signal":
            if name in ("Notify", "NotifyContext") and "signal" in gates:
                self._signal(f, call, args[1:])
            return
        if path == "os":
            if name in ("Getenv", "LookupEnv") and "env" in gates:
                var = _string_value(args[0]) if args else None
                f.add(CONFIG, call, POS, **({"variable": var} if var is not None else {}))
            return
        if path == "net/http":
            if name in ("ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"):
                if "server" in gates:
                    f.add(
                        TIMEOUTS,
                        call,
                        CON,
                        fields=[],
                        reason=f"http.{name} runs a server without timeouts",
                    )
                return
            if name in ("Get", "Head", "Post", "PostForm"):
                if "client" in gates:
                    f.add(
                        CLIENT,
                        call,
                        CON,
                        reason=f"http.{name} uses http.DefaultClient (no timeout)",
                    )
                return
            if name in ("MaxBytesReader", "MaxBytesHandler"):
                if "body" in gates:
                    f.add(BODY, call, POS)
                return
        if "pool" in gates and name in r.pool_methods:
            f.add(POOL, call, POS, setting=name)
            return
        if name in ("Set", "Add") and "headers" in gates and args:
            header = _string_value(args[0])
            det = r.headers.get(header.lower()) if header is not None else None
            if det is not None:
                f.add(det, call, POS, header=header)
                return
        if "routes" in gates and name in r.route_methods:
            self._route(f, call, args)
        if (
            "sql" in gates
            and path is None
            and (
                name in r.sql_methods or (name in r.sqlx_methods and f.imports_any(r.sqlx_imports))
            )
        ):
            self._sql(f, call, name, args)

    def _route(self, f: _File, call: SgNode, args: list[SgNode]) -> None:
        """A registration call: its path literal is the first argument, or the second after a
        method (`router.Handle("GET", "/healthz", h)`); a handler argument must follow."""
        r = rules()
        if len(args) < 2:
            return
        route = _string_value(args[0])
        rest = args[1:]
        if (route is not None and route.upper() in _HTTP_METHODS) or (
            route is None
            and args[0].kind() == "selector_expression"
            and args[0].text().split(".")[-1].startswith("Method")
        ):
            route = _string_value(args[1])
            rest = args[2:]
        if route is None or not rest:
            return
        path = re.sub(r"^[A-Z]+\s+", "", route)  # Go 1.22 "GET /healthz"
        if not path.startswith("/"):
            slash = path.find("/")
            if slash < 0:
                return
            path = path[slash:]  # "example.com/healthz"
        segments = {s.lower() for s in re.split(r"[/?]", path) if s}
        if segments & r.route_segments:
            f.add(HEALTH, call, POS, route=route)
        elif segments & r.metrics_segments:
            f.add(METRICS, call, POS, route=route)

    # ------------------------------------------------------------------ signals

    def _signal(self, f: _File, call: SgNode, sig_args: list[SgNode]) -> None:
        if not sig_args:
            f.add(SIGTERM, call, POS, signals=[], all_signals=True)
            return
        written: list[str] = []
        unresolved: list[str] = []
        for arg in sig_args:
            _resolve_signals(f, arg, written, unresolved, 0)
        has_term = any(w.split(".")[-1] == "SIGTERM" for w in written)
        facts: dict[str, Any] = {"signals": written}
        if unresolved:
            facts["unresolved"] = unresolved
        if has_term:
            f.add(SIGTERM, call, POS, **facts)
        elif unresolved:
            f.note(SIGTERM, call, f"signals not traceable in this file: {', '.join(unresolved)}")
        else:
            f.add(SIGTERM, call, CON, **facts)

    # ------------------------------------------------------------------ literals and assignments

    def _on_literal(self, f: _File, lit: SgNode, assignments: list[SgNode]) -> None:
        type_node = lit.field("type")
        type_text = type_node.text() if type_node else ""
        pkg, _, typ = type_text.partition(".")
        pkg_path = f.path_of(pkg)
        fields = _keyed_fields(lit)
        later = _later_fields(lit, assignments)
        if pkg_path == "net/http" and typ == "Server":
            set_fields = [n for n in _TIMEOUT_FIELDS if n in fields or n in later]
            ok = "ReadHeaderTimeout" in set_fields or "ReadTimeout" in set_fields
            f.add(TIMEOUTS, lit, POS if ok else CON, fields=set_fields)
        elif pkg_path == "net/http" and typ == "Client":
            if "Timeout" in fields or "Timeout" in later:
                f.add(CLIENT, lit, POS, timeout=True)
            else:
                f.add(CLIENT, lit, CON, timeout=False, reason="http.Client without Timeout")
        elif pkg_path == "crypto/tls" and typ == "Config":
            min_version = fields.get("MinVersion") or later.get("MinVersion")
            insecure = (
                fields.get("InsecureSkipVerify") or later.get("InsecureSkipVerify")
            ) == "true"
            self._tls(f, lit, min_version, insecure)

    def _tls(self, f: _File, node: SgNode, min_version: str | None, insecure: bool) -> None:
        facts: dict[str, Any] = {"min_version": min_version or ""}
        problems: list[str] = []
        if min_version and min_version.split(".")[-1] in _WEAK_TLS:
            problems.append(f"MinVersion {min_version} allows TLS below 1.2")
        if insecure:
            facts["insecure_skip_verify"] = True
            problems.append("InsecureSkipVerify: true disables certificate checks")
        if problems:
            f.add(TLS, node, CON, problems=problems, **facts)
        elif min_version:
            f.add(TLS, node, POS, **facts)
        else:
            f.note(TLS, node, "tls.Config leaves MinVersion to Go's default")

    def _on_assignment(self, f: _File, assign: SgNode) -> None:
        """Assignments that stand alone as evidence (TLS and pgxpool settings on any variable)."""
        left = assign.field("left")
        right = _named(assign.field("right"))
        if left is None or not right:
            return
        field_name = left.text().rsplit(".", 1)[-1]
        value = right[0].text()
        r = rules()
        if field_name in r.pgxpool_fields and f.imports_any(r.pgxpool_imports):
            f.add(POOL, assign, POS, setting=field_name)
        elif (
            field_name == "MinVersion"
            and f.aliases("crypto/tls")
            and not _belongs_to_literal(assign)
        ):
            self._tls(f, assign, value, False)
        elif (
            field_name == "InsecureSkipVerify"
            and value == "true"
            and not _belongs_to_literal(assign)
        ):
            self._tls(f, assign, None, True)

    # ------------------------------------------------------------------ shutdown

    def _shutdowns(self, f: _File, calls: list[SgNode], server_types: list[SgNode]) -> None:
        """`.Shutdown(ctx)` counts only on a receiver this file shows to be an http.Server."""
        known: set[str] = set()
        factories: set[str] = set()
        for qt in server_types:
            node = qt
            parent = node.parent()
            if parent is not None and parent.kind() == "pointer_type":
                node, parent = parent, parent.parent()
            if parent is None:
                continue
            kind = parent.kind()
            if kind in ("field_declaration", "var_spec"):
                known.update(c.text() for c in parent.field_children("name"))
            elif kind == "parameter_declaration":
                names = [c.text() for c in parent.field_children("name")]
                known.update(names)
                plist = parent.parent()
                func = plist.parent() if plist is not None else None
                if not names and func is not None and func.field("result") == plist:
                    _add_name(factories, func)
            elif kind in ("function_declaration", "method_declaration"):
                _add_name(factories, parent)
            elif kind == "composite_literal":
                assigned = _assigned_name(parent)
                if assigned:
                    known.add(assigned[0].rsplit(".", 1)[-1])
                func = _enclosing_function(parent)
                if func is not None and func.kind() != "func_literal" and _returns(parent):
                    _add_name(factories, func)
        if factories:
            for call in f.whole().find_all(  # callers may be anywhere in the file
                cast(
                    Config,
                    {
                        "rule": {
                            "kind": "call_expression",
                            "has": {
                                "field": "function",
                                "regex": rf"^(?:\w+\.)*(?:{'|'.join(map(re.escape, factories))})$",
                            },
                        }
                    },
                )
            ):
                assigned = _assigned_name(call)
                if assigned:
                    known.add(assigned[0].rsplit(".", 1)[-1])
        for call in calls:
            receiver, name, _args = _call_parts(call)
            if name != "Shutdown" or not receiver:
                continue
            if receiver.rsplit(".", 1)[-1] in known:
                f.add(SHUTDOWN, call, POS)
            else:
                f.note(SHUTDOWN, call, f"Shutdown on {receiver}, not known to be an http.Server")

    # ------------------------------------------------------------------ SQL

    def _sql(self, f: _File, call: SgNode, method: str, args: list[SgNode]) -> None:
        r = rules()
        index = r.sql_methods.get(method, r.sqlx_methods.get(method, 0))
        if not method.endswith("Context") and args and _CTX_ARG.match(args[0].text()):
            index += 1  # pgx: pool.Query(ctx, sql, ...)
        if index >= len(args):
            return
        query = args[index]
        func = _enclosing_function(call)
        shape = _query_shape(f, query, func, 0)
        sql_file = f.imports_any(r.sql_imports)
        if shape.built:
            looks_sql = any(r.sql_keywords.search(p) for p in shape.literals)
            if looks_sql or (not shape.literals and sql_file):
                f.add(SQL, call, CON, method=method, built_with=sorted(shape.built))
        elif shape.constant and (any(r.sql_keywords.search(p) for p in shape.literals) or sql_file):
            f.add(SQL, call, POS, method=method)
        if method in r.rows_methods:
            looks_sql = any(r.sql_keywords.search(p) for p in shape.literals)
            self._rows(f, call, func, looks_sql or sql_file)

    def _rows(self, f: _File, call: SgNode, func: SgNode | None, sqlish: bool) -> None:
        assigned = _assigned_name(call)
        if assigned is None or func is None:
            return
        name = assigned[0]
        if name == "_" or "." in name or not (sqlish or "rows" in name.lower()):
            return
        closed = checked = escapes = False
        for ident in func.find_all(kind="identifier", regex=f"^{re.escape(name)}$"):
            parent = ident.parent()
            if parent is None:
                continue
            pk = parent.kind()
            if pk == "selector_expression":
                sel = parent.field("field")
                member = sel.text() if sel else ""
                closed = closed or member == "Close"
                checked = checked or member == "Err"
            elif pk in ("argument_list", "literal_element", "return_statement") or (
                pk == "expression_list"
                and parent.parent() is not None
                and parent.parent().kind() == "return_statement"  # type: ignore[union-attr]
            ):
                escapes = True
        if closed and checked:
            f.add(ROWS, call, POS, rows=name, close=True, err_checked=True)
        elif escapes and not closed:
            f.note(ROWS, call, f"{name} is returned or passed on; closing is the callee's job")
        else:
            missing = [w for w, ok in (("Close", closed), ("Err", checked)) if not ok]
            f.add(ROWS, call, CON, rows=name, close=closed, err_checked=checked, missing=missing)

    # ------------------------------------------------------------------ finalize

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        catalog = shipped_catalog()
        go_files = [p for p in files if p.endswith(".go")]
        if not go_files:
            return [
                DetectorResult(
                    d, catalog[d].title, Status.NOT_APPLICABLE, "no Go source files in scope"
                )
                for d in DETECTORS
            ]
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        errors: dict[str, list[str]] = defaultdict(list)
        notes: dict[str, list[str]] = defaultdict(list)
        for path in sorted(files):
            sf = files[path]
            for fd in sf.scan.findings:
                evidence[fd.detector].append(
                    Evidence(
                        path,
                        fd.line,
                        fd.end_line,
                        Polarity(fd.polarity),
                        fd.snippet,
                        sf.blob,
                        dict(fd.facts),
                    )
                )
            for det, message in sf.scan.errors:
                for d in DETECTORS if det == "*" else (det,):
                    errors[d].append(f"{path} ({message})")
            for det, items in dict(sf.scan.meta.get("notes", {})).items():
                notes[det].extend(f"{path}:{item}" for item in items)
        for ev in _migration_dirs(all_paths):
            evidence[MIGRATIONS].append(ev)
        results: list[DetectorResult] = []
        for det in DETECTORS:
            items = sorted(evidence.get(det, []), key=lambda e: (e.path, e.line))
            if det not in _CONTRACT_IDS:
                items = _group_imports(items)
            status = DetectorResult.status_for(tuple(items))
            summary = _SUMMARIES.get(det, _generic_summary)(items, notes.get(det, []))
            if errors.get(det):
                failed = errors[det]
                where = ", ".join(failed[:3]) + (
                    f" and {len(failed) - 3} more" if len(failed) > 3 else ""
                )
                if status is Status.MISSING:
                    status = Status.ERROR
                    summary = f"could not analyse {where}; nothing found elsewhere"
                else:
                    summary += f" (could not analyse {where})"
            if det not in _CONTRACT_IDS and len(items) > MAX_EVIDENCE:
                contrary = [e for e in items if e.polarity is Polarity.CONTRARY]
                positive = [e for e in items if e.polarity is Polarity.POSITIVE]
                items = (contrary + positive)[:MAX_EVIDENCE]
                items.sort(key=lambda e: (e.path, e.line))
                summary += f" (first {MAX_EVIDENCE} of {len(contrary) + len(positive)} shown)"
            results.append(DetectorResult(det, catalog[det].title, status, summary, tuple(items)))
        return results


# --------------------------------------------------------------------------- helpers


_SIGNAL_PACKAGES = frozenset({"os", "syscall", "golang.org/x/sys/unix", "golang.org/x/sys/windows"})
_IDENT_BEFORE = re.compile(r"(\w+)\Z")


def _trie(words: Iterable[str]) -> str:
    """A regex alternation factored by common prefixes: `re` tries alternatives one by one,
    so `Set(?:MaxOpenConns|MaxIdleConns)` fails faster than two full branches."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return (body if len(alts) > 1 else f"(?:{body})") + "?"
        return body

    return emit(tree)


@cache
def _triggers() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Patterns for every word that can open a gate: code words after a dot, then route paths
    and header names (string contents here; the parse later proves they are call arguments).
    Three patterns, each starting with a literal character, scan faster than one combined."""
    r = rules()
    code = {
        "Notify", "NotifyContext", "Shutdown", "ListenAndServe", "ListenAndServeTLS",
        "DefaultClient", "MaxBytesReader", "MaxBytesHandler", "Getenv", "LookupEnv",
        "MinVersion", "InsecureSkipVerify", *r.pool_methods, *r.pgxpool_fields,
    }  # fmt: skip
    calls = {"Serve", "ServeTLS", "Get", "Head", "Post", "PostForm", *r.sql_methods}
    calls.update(r.sqlx_methods)
    words = re.compile(
        rf"\.(?:({_trie(code)})\b|({_trie(calls)})\(|({_trie(('Server', 'Client', 'Config'))})[ \t]*\{{)"
    )
    routes = re.compile(rf"/{_trie(r.route_segments | r.metrics_segments)}\b")
    headers = re.compile(rf'"(?i:{_trie(r.headers)})"')
    return words, routes, headers


@cache
def _literal_words() -> tuple[str, str, str, str]:
    """Where-patterns that do not depend on the file: a route segment after `/` or `?` (in any
    case, as routes are compared), a query method (without / with sqlx's), a quoted header."""
    r = rules()
    return (
        rf"(?i:[/?]{_trie(r.route_segments | r.metrics_segments)})",
        rf"\.{_trie(r.sql_methods)}",
        rf"\.{_trie([*r.sql_methods, *r.sqlx_methods])}",
        rf"[\"`](?i:{_trie(r.headers)})[\"`]",
    )


_DEFAULT_NAMES = {
    "os/signal": "signal",
    "net/http": "http",
    "crypto/tls": "tls",
    "os": "os",
}


def _alt(names: Iterable[str]) -> str:
    items = sorted(re.escape(n) for n in names if n not in ("_", "."))
    if not items:
        return "(?!)"
    return items[0] if len(items) == 1 else f"(?:{'|'.join(items)})"


_GATE_DETECTORS: dict[str, tuple[str, ...]] = {
    "signal": (SIGTERM,),
    "shutdown": (SHUTDOWN,),
    "server": (TIMEOUTS,),
    "client": (CLIENT,),
    "body": (BODY,),
    "routes": (HEALTH, METRICS),
    "pool": (POOL,),
    "sql": (SQL, ROWS),
    "headers": (CORS, SECURITY_HEADERS),
    "tls": (TLS,),
    "env": (CONFIG,),
}


def _gate_detectors(gates: Iterable[str]) -> list[str]:
    return sorted({d for g in gates for d in _GATE_DETECTORS[g]})


def _keyed_fields(lit: SgNode) -> dict[str, str]:
    """`Field: value` pairs of a composite literal's body, as written."""
    out: dict[str, str] = {}
    for keyed in _named(lit.field("body")):
        if keyed.kind() != "keyed_element":
            continue
        kids = _named(keyed)
        if len(kids) == 2:
            out[kids[0].text()] = kids[1].text()
    return out


def _later_fields(lit: SgNode, assignments: list[SgNode]) -> dict[str, str]:
    """Fields assigned to the literal's variable later in the same function (`srv.X = ...`)."""
    assigned = _assigned_name(lit)
    if assigned is None or not assignments:
        return {}
    var = assigned[0]
    func_key = _key(_enclosing_function(lit))
    start = lit.range().end.index
    out: dict[str, str] = {}
    for assign in assignments:
        left = assign.field("left")
        right = _named(assign.field("right"))
        if left is None or not right or assign.range().start.index < start:
            continue
        target, _, fld = left.text().rpartition(".")
        if target == var and _key(_enclosing_function(assign)) == func_key:
            out[fld] = right[0].text()
    return out


def _belongs_to_literal(assign: SgNode) -> bool:
    """Whether a `x.MinVersion = ...` is already reported through the literal it completes."""
    left = assign.field("left")
    func = _enclosing_function(assign)
    if left is None or func is None:
        return False
    var = left.text().rpartition(".")[0]
    for lit in func.find_all(kind="composite_literal", regex=r"^&?\w+\.Config\s*\{"):
        assigned = _assigned_name(lit)
        if assigned and assigned[0] == var and lit.range().end.index < assign.range().start.index:
            return True
    return False


def _returns(lit: SgNode) -> bool:
    """Whether a literal is (part of) a return statement's value."""
    for anc in lit.ancestors():
        if anc.kind() not in ("unary_expression", "expression_list", "parenthesized_expression"):
            return anc.kind() == "return_statement"
    return False


def _add_name(names: set[str], func: SgNode) -> None:
    name = func.field("name")
    if name is not None:
        names.add(name.text())


def _resolve_signals(
    f: _File, node: SgNode, written: list[str], unresolved: list[str], depth: int
) -> None:
    """Flatten a signal argument into the signals as written, following locals, slices,
    `append` and the callers of an enclosing function's parameter (same file, bounded depth)."""
    kind = node.kind()
    if depth > 4:
        unresolved.append(node.text())
        return
    if kind in ("variadic_argument", "parenthesized_expression"):
        for child in _named(node):
            _resolve_signals(f, child, written, unresolved, depth)
        return
    if kind == "selector_expression":
        text = node.text()
        operand, _, name = text.rpartition(".")
        if (
            f.path_of(operand) in _SIGNAL_PACKAGES
            or name.startswith("SIG")
            or name in ("Interrupt", "Kill")
        ):
            written.append(text)
        else:  # another package's variable (often a slice): not visible from this file
            unresolved.append(text)
        return
    if kind == "composite_literal":
        body = node.field("body")
        for elem in _named(body):
            for child in _named(elem):
                _resolve_signals(f, child, written, unresolved, depth + 1)
        return
    if kind == "call_expression":
        receiver, name, args = _call_parts(node)
        if not receiver and name == "append":
            for arg in args:
                _resolve_signals(f, arg, written, unresolved, depth + 1)
            return
        unresolved.append(node.text())
        return
    if kind == "identifier":
        name = node.text()
        func = _enclosing_function(node)
        defs = _definitions(func, name) if func is not None else []
        if not defs:
            defs = _definitions(f.whole(), name)
        if defs:
            for d in defs:
                _resolve_signals(f, d, written, unresolved, depth + 1)
            return
        while func is not None:
            position = _parameter_position(func, name)
            if position is not None:
                index, variadic = position
                callers = _callers(f.whole(), func)
                if not callers:
                    break
                for caller in callers:
                    args = _call_parts(caller)[2]
                    for arg in args[index:] if variadic else args[index : index + 1]:
                        _resolve_signals(f, arg, written, unresolved, depth + 1)
                return
            func = _enclosing_function(func)
    unresolved.append(node.text())


@dataclass(slots=True)
class _Shape:
    constant: bool = False
    built: set[str] = field(default_factory=set)  # "fmt.Sprintf", "+"
    literals: list[str] = field(default_factory=list)
    unknown: bool = False


def _query_shape(f: _File, node: SgNode, func: SgNode | None, depth: int) -> _Shape:
    """Whether a query argument is constant text or built by formatting/concatenation."""
    shape = _Shape()
    _shape_into(f, node, func, depth, shape)
    shape.constant = not shape.built and not shape.unknown and bool(shape.literals)
    return shape


def _shape_into(f: _File, node: SgNode, func: SgNode | None, depth: int, shape: _Shape) -> None:
    kind = node.kind()
    value = _string_value(node)
    if value is not None:
        shape.literals.append(value)
        return
    if kind == "parenthesized_expression":
        for child in _named(node):
            _shape_into(f, child, func, depth, shape)
        return
    if kind == "binary_expression":
        op = node.field("operator")
        left, right = node.field("left"), node.field("right")
        if op is not None and op.text() == "+" and left is not None and right is not None:
            sub = _Shape()
            _shape_into(f, left, func, depth, sub)
            _shape_into(f, right, func, depth, sub)
            shape.literals.extend(sub.literals)
            shape.built |= sub.built
            if sub.unknown:
                shape.built.add("+")
            return
    if kind == "call_expression":
        receiver, name, args = _call_parts(node)
        if f.path_of(receiver) == "fmt" and name in ("Sprintf", "Sprint", "Sprintln"):
            shape.built.add(f"fmt.{name}")
            if args:
                fmt_value = _string_value(args[0])
                if fmt_value is not None:
                    shape.literals.append(fmt_value)
            return
    if kind == "identifier" and func is not None and depth < 3:
        defs = _definitions(func, node.text())
        if defs:
            for d in defs:
                _shape_into(f, d, func, depth + 1, shape)
            return
    shape.unknown = True


def _migration_dirs(all_paths: tuple[str, ...]) -> list[Evidence]:
    dirs = rules().migration_dirs
    counts: dict[str, int] = defaultdict(int)
    for p in all_paths:
        if not p.endswith(".sql"):
            continue
        folder = p.rpartition("/")[0]
        if any(folder == d or folder.endswith("/" + d) for d in dirs):
            counts[folder] += 1
    return [
        Evidence(
            folder,
            1,
            1,
            Polarity.POSITIVE,
            f"{n} .sql migration file{'s' if n != 1 else ''}",
            None,
            {"dir": folder, "sql_files": n},
        )
        for folder, n in sorted(counts.items())
    ]


def _group_imports(items: list[Evidence]) -> list[Evidence]:
    """One evidence item per imported package (its first file), with how many files use it."""
    first: dict[str, Evidence] = {}
    count: dict[str, int] = defaultdict(int)
    out: list[Evidence] = []
    for e in items:
        imp = e.facts.get("import")
        if imp is None:
            out.append(e)
            continue
        count[imp] += 1
        first.setdefault(imp, e)
    for imp, e in first.items():
        out.append(
            Evidence(
                e.path,
                e.line,
                e.end_line,
                e.polarity,
                e.snippet,
                e.blob,
                {"import": imp, "files": count[imp]},
            )
        )
    return sorted(out, key=lambda e: (e.path, e.line))


# --------------------------------------------------------------------------- summaries


def _split(items: list[Evidence]) -> tuple[list[Evidence], list[Evidence]]:
    pos = [e for e in items if e.polarity is Polarity.POSITIVE]
    con = [e for e in items if e.polarity is Polarity.CONTRARY]
    return pos, con


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _with_notes(text: str, notes: list[str], one: str, many: str) -> str:
    """Append what was seen but not claimed (`one`/`many`: the phrase for 1 / for N)."""
    if not notes:
        return text
    what = one if len(notes) == 1 else many
    return f"{text}; {len(notes)} {what} (first: {notes[0]})"


def _sum_sigterm(items: list[Evidence], notes: list[str]) -> str:
    pos, con = _split(items)
    parts = []
    if pos:
        relay_all = sum(1 for e in pos if e.facts.get("all_signals"))
        text = (
            f"{_n(len(pos), 'signal registration')} include{'s' if len(pos) == 1 else ''} SIGTERM"
        )
        if relay_all:
            text += f" ({relay_all} relay{'s' if relay_all == 1 else ''} every signal)"
        parts.append(text)
    if con:
        parts.append(f"{_n(len(con), 'registration')} without SIGTERM")
    base = "; ".join(parts) or "no signal.Notify / signal.NotifyContext call found"
    return _with_notes(
        base,
        notes,
        "registration with signals not traceable in the same file",
        "registrations with signals not traceable in the same file",
    )


def _sum_shutdown(items: list[Evidence], notes: list[str]) -> str:
    base = (
        f"{_n(len(items), 'Shutdown call')} on an http.Server"
        if items
        else "no Shutdown call on an http.Server found"
    )
    return _with_notes(
        base,
        notes,
        "Shutdown call on a receiver not known to be http.Server",
        "Shutdown calls on receivers not known to be http.Server",
    )


def _sum_timeouts(items: list[Evidence], notes: list[str]) -> str:
    pos, con = _split(items)
    literals_con = [e for e in con if "reason" not in e.facts]
    package_calls = [e for e in con if "reason" in e.facts]
    parts = []
    if pos:
        parts.append(f"{_n(len(pos), 'http.Server literal')} set ReadHeaderTimeout/ReadTimeout")
    if literals_con:
        parts.append(f"{_n(len(literals_con), 'http.Server literal')} without a read timeout")
    if package_calls:
        parts.append(
            f"{_n(len(package_calls), 'package-level ListenAndServe/Serve call')} (no timeouts possible)"
        )
    return "; ".join(parts) or "no http.Server literal found"


def _sum_client(items: list[Evidence], notes: list[str]) -> str:
    pos, con = _split(items)
    no_timeout = [e for e in con if e.facts.get("timeout") is False]
    default = [e for e in con if e.facts.get("timeout") is not False]
    parts = []
    if pos:
        parts.append(f"{_n(len(pos), 'http.Client')} with Timeout")
    if no_timeout:
        parts.append(f"{_n(len(no_timeout), 'http.Client')} without Timeout")
    if default:
        parts.append(
            f"{_n(len(default), 'use')} of http.DefaultClient (http.Get/Post... or direct)"
        )
    return "; ".join(parts) or "no outbound http.Client use found"


def _sum_sql(items: list[Evidence], notes: list[str]) -> str:
    pos, con = _split(items)
    parts = []
    if con:
        parts.append(
            f"{_n(len(con), 'query call')} take SQL built with fmt.Sprintf or + (review for injection)"
        )
    if pos:
        parts.append(f"{_n(len(pos), 'query call')} with constant SQL")
    return "; ".join(parts) or "no query call with a checkable query argument found"


def _sum_rows(items: list[Evidence], notes: list[str]) -> str:
    pos, con = _split(items)
    parts = []
    if pos:
        parts.append(f"{_n(len(pos), 'rows result')} closed and checked with Err()")
    if con:
        no_close = sum(1 for e in con if not e.facts.get("close"))
        no_err = sum(1 for e in con if not e.facts.get("err_checked"))
        parts.append(f"{_n(len(con), 'rows result')} missing Close ({no_close}) or Err ({no_err})")
    base = "; ".join(parts) or "no Query call assigning rows found"
    return _with_notes(
        base,
        notes,
        "rows value handed to another function",
        "rows values handed to other functions",
    )


def _sum_tls(items: list[Evidence], notes: list[str]) -> str:
    pos, con = _split(items)
    parts = []
    if pos:
        parts.append(f"{_n(len(pos), 'TLS config')} set MinVersion")
    if con:
        parts.append(f"{_n(len(con), 'TLS config')} allow old TLS or skip verification")
    base = "; ".join(parts) or "no tls.Config MinVersion setting found"
    return _with_notes(
        base,
        notes,
        "tls.Config leaving MinVersion to the Go default",
        "tls.Config literals leaving MinVersion to the Go default",
    )


def _generic_summary_for(noun: str, none: str) -> Callable[[list[Evidence], list[str]], str]:
    def summary(items: list[Evidence], notes: list[str]) -> str:
        pos, con = _split(items)
        if not items:
            return none
        imports = sorted({str(e.facts["import"]) for e in pos if "import" in e.facts})
        other = [e for e in pos if "import" not in e.facts]
        parts = []
        if imports:
            shown = ", ".join(imports[:4]) + (
                f" and {len(imports) - 4} more" if len(imports) > 4 else ""
            )
            parts.append(f"imports {shown}")
        if other:
            parts.append(_n(len(other), noun))
        if con:
            parts.append(f"{len(con)} contrary")
        return "; ".join(parts)

    return summary


def _generic_summary(items: list[Evidence], notes: list[str]) -> str:
    return _generic_summary_for("finding", "nothing found")(items, notes)


def _sum_health(items: list[Evidence], notes: list[str]) -> str:
    if not items:
        return "no health/readiness route registration found"
    routes = sorted({str(e.facts.get("route", "")) for e in items})
    return f"{_n(len(items), 'health route')} registered: {', '.join(routes[:5])}"


_SUMMARIES: dict[str, Callable[[list[Evidence], list[str]], str]] = {
    SIGTERM: _sum_sigterm,
    SHUTDOWN: _sum_shutdown,
    TIMEOUTS: _sum_timeouts,
    HEALTH: _sum_health,
    PPROF: lambda items, notes: (
        f"net/http/pprof imported in {_n(len(items), 'file')}"
        if items
        else "net/http/pprof not imported"
    ),
    BODY: lambda items, notes: (
        f"{_n(len(items), 'MaxBytesReader/MaxBytesHandler call')}"
        if items
        else "no http.MaxBytesReader/MaxBytesHandler call found"
    ),
    CLIENT: _sum_client,
    POOL: lambda items, notes: (
        f"{_n(len(items), 'pool limit setting')}" if items else "no connection pool limit set"
    ),
    LOGGING: _generic_summary_for("finding", "no structured logging library imported"),
    METRICS: _generic_summary_for("/metrics route", "no metrics library or /metrics route found"),
    TRACING: _generic_summary_for("finding", "no tracing library imported"),
    MIGRATIONS: _generic_summary_for(
        "migration folder", "no migration tool or migrations folder found"
    ),
    RATELIMIT: _generic_summary_for("finding", "no rate limiting library imported"),
    BREAKER: _generic_summary_for("finding", "no circuit breaker library imported"),
    RETRY: _generic_summary_for("finding", "no retry/backoff library imported"),
    CORS: _generic_summary_for(
        "Access-Control-Allow-Origin header set", "no CORS library or header found"
    ),
    SECURITY_HEADERS: _generic_summary_for("security header set", "no security header set in code"),
    TLS: _sum_tls,
    CONFIG: _generic_summary_for("environment lookup", "no environment configuration found"),
    SQL: _sum_sql,
    ROWS: _sum_rows,
}


EXTRACTORS: tuple[Extractor, ...] = (GoSourceExtractor(),)
