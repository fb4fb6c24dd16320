"""The import scanner: a Go file's import specs and build constraint, without a parse.

Runs on every Go file (the engine needs `meta["imports"]` for checklist `applies_when`, and
import-only detectors are decided right here), so it is a few anchored regexes, not a parser.
"""

from __future__ import annotations

import re
from functools import cache

from golive_tui.core.scan.detectors.go.rules import lazy, rules
from golive_tui.core.tuples import NamedTuple

# A block comment unrolled (`/\*[^*]*\*+(?:[^/*][^*]*\*+)*/`, what `/\*.*?\*/` matches) and a
# string as runs of plain characters (`"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"`, what a per-character
# alternation `"(?:[^"\\\n]|\\[^\n])*"` matches): the same spans, without a step of the
# engine per character (moby's 10,450 Go files, import scan 149 -> 108 ms).
_BLOCK_COMMENT = r"/\*[^*]*\*+(?:[^/*][^*]*\*+)*/"
_SKIP = re.compile(rf"(?:\s+|//[^\n]*|{_BLOCK_COMMENT}|;)*", re.S)
_PACKAGE = re.compile(r"package[ \t]+([A-Za-z_]\w*)")
# Whitespace, comments and semicolons (atomic: exactly what `_SKIP` alone would consume), then
# `import` and a `(` or one spec; and inside `( ... )`: a `)` or one spec. One `match` per spec.
_SKIP_ATOMIC = rf"(?>(?:\s+|//[^\n]*|{_BLOCK_COMMENT}|;)*)"
_SPEC_RE = r"(?:([A-Za-z_]\w*|\.)[ \t]*)?(\"[^\"\\\n]*(?:\\[^\n][^\"\\\n]*)*\"|`[^`]*`)"
_IMPORT_AT = re.compile(rf"{_SKIP_ATOMIC}import(?!\w){_SKIP_ATOMIC}(?:(\()|{_SPEC_RE})", re.S)
_IN_BLOCK = re.compile(rf"{_SKIP_ATOMIC}(?:(\))|{_SPEC_RE})", re.S)


class ImportSpec(NamedTuple):
    path: str
    name: str | None  # explicit name as written ("_", ".", "sig") or None
    line: int
    end_line: int
    text: str


_BUILD_LINE = lazy(r"^//go:build[ \t]+(.+?)[ \t]*$", re.M)
_PLUS_BUILD_LINE = lazy(r"^//[ \t]*\+build[ \t]+(.+?)[ \t]*$", re.M)
_CONSTRAINT_TOKEN = lazy(r"\s*(&&|\|\||!|\(|\)|[\w.]+)")
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
    m = _BUILD_LINE().search(header)
    if m:
        expr = m.group(1)
    else:
        lines = _PLUS_BUILD_LINE().findall(header)
        if not lines:
            return False
        expr = " && ".join(
            "(" + " || ".join("(" + " && ".join(opt.split(",")) + ")" for opt in line.split()) + ")"
            for line in lines
        )
    tokens: list[str] = []
    at = 0
    while at < len(expr.rstrip()):
        tok = _CONSTRAINT_TOKEN().match(expr, at)
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


class RawSpec(NamedTuple):
    """An import spec as `scan_header` finds it: offsets, not lines (most specs never need
    one: only those an import detector reports)."""

    path: str
    name: str | None  # explicit name as written ("_", ".", "sig") or None
    start: int  # offset of the spec (its name, or its path)
    end: int

    def spec(self, text: str) -> ImportSpec:
        line = text.count("\n", 0, self.start) + 1
        raw = text[self.start : self.end]
        return ImportSpec(self.path, self.name, line, line + raw.count("\n"), raw)


def scan_header(text: str) -> tuple[list[RawSpec], int] | None:
    """Import specs of a Go file and the offset where its header (package clause and import
    declarations) ends, or None when the text has no package clause (not Go).

    Go puts every import right after the package clause, so a scanner that skips whitespace,
    comments and semicolons and reads import specs until the first other token is exact for
    valid files and costs microseconds (no parse). Nothing before the returned offset is a
    call, literal or assignment. Lines are counted only for the specs that need one: moby's
    Go files, 35 -> ~15 us a file (it runs on every Go file).
    """
    pos = _SKIP.match(text, 1 if text.startswith("\ufeff") else 0)
    m = _PACKAGE.match(text, pos.end() if pos else 0)
    if not m:
        return None
    at = m.end()
    specs: list[RawSpec] = []
    add = specs.append
    while True:
        decl = _IMPORT_AT.match(text, at)
        if decl is None:
            return specs, at
        at = decl.end()
        if decl.group(1) is None:
            name = decl.group(2)
            add(RawSpec(decl.group(3)[1:-1], name, decl.start(3 if name is None else 2), at))
            continue
        while True:
            spec = _IN_BLOCK.match(text, at)
            if spec is None:
                return specs, at
            at = spec.end()
            if spec.group(1) is not None:
                break
            name = spec.group(2)
            add(RawSpec(spec.group(3)[1:-1], name, spec.start(3 if name is None else 2), at))


def scan_imports(text: str) -> list[ImportSpec] | None:
    """Import specs of a Go file with their lines, or None when the text has no package
    clause (not Go): `scan_header` with every spec's line counted."""
    header = scan_header(text)
    if header is None:
        return None
    return [raw.spec(text) for raw in header[0]]


def package_name(text: str) -> str | None:
    """The package a Go file declares, or None when it is not Go (no package clause)."""
    pos = _SKIP.match(text, 1 if text.startswith("\ufeff") else 0)
    m = _PACKAGE.match(text, pos.end() if pos else 0)
    return m.group(1) if m else None


def import_paths(text: str) -> list[str] | None:
    """The import paths of a Go file (scan_imports without positions: what the service
    closure reads from every Go file of a repository), or None when it is not Go."""
    pos = _SKIP.match(text, 1 if text.startswith("\ufeff") else 0)
    m = _PACKAGE.match(text, pos.end() if pos else 0)
    if not m:
        return None
    at = m.end()
    paths: list[str] = []
    while True:
        decl = _IMPORT_AT.match(text, at)
        if decl is None:
            return paths
        at = decl.end()
        if decl.group(1) is None:
            paths.append(decl.group(3)[1:-1])
            continue
        while True:
            spec = _IN_BLOCK.match(text, at)
            if spec is None:
                return paths
            at = spec.end()
            if spec.group(1) is not None:
                break
            paths.append(spec.group(3)[1:-1])


@cache
def import_matchers() -> tuple[dict[str, frozenset[int]], dict[str, frozenset[int]]]:
    """The import rules (by index in `rules().imports`) per exact path and per prefix.

    `ImportRule.matches` by lookups: a path's rules are its exact ones and those of the path
    and each folder above it as a prefix - a few dict lookups per distinct path, and nothing to
    compile. The one compiled pattern per rule this replaced cost ~2 ms before the first Go file
    was extracted (a scan after editing one file pays it: now 0.3 ms), and it matched slower:
    moby's 971 import paths 3.7 -> 2.0 ms, building included."""
    exact: dict[str, set[int]] = {}
    prefixes: dict[str, set[int]] = {}
    for index, rule in enumerate(rules().imports):
        for path in rule.exact:
            exact.setdefault(path, set()).add(index)
        for prefix in rule.prefixes:
            prefixes.setdefault(prefix, set()).add(index)
    return (
        {k: frozenset(v) for k, v in exact.items()},
        {k: frozenset(v) for k, v in prefixes.items()},
    )


@cache
def import_detectors(path: str) -> tuple[str, ...]:
    """Detectors an import path is evidence for, in rule order (memoised: the same paths recur
    in every file), as `ImportRule.matches` says."""
    exact, prefixes = import_matchers()
    hits = set(exact.get(path, ()))
    hits.update(prefixes.get(path, ()))
    at = path.find("/")
    while at != -1:  # each folder above the path: `prefix/...`
        hits.update(prefixes.get(path[:at], ()))
        at = path.find("/", at + 1)
    if not hits:
        return ()
    imports = rules().imports
    return tuple(imports[i].detector for i in sorted(hits))


@cache
def default_name(path: str) -> str:
    """The package name an import path is used under when no name is written (by convention)."""
    known = rules().package_names.get(path)
    if known:
        return known
    parts = path.split("/")
    last = parts[-1]
    # Each pattern asked only where its first letters are (and `\W` only where a character is
    # not a word character, as `re` has them: letters, digits and `_`): the same names, and
    # nothing compiled for most paths (three patterns, ~0.06 ms, in a scan after an edit).
    if last[:1] == "v" and re.fullmatch(r"v\d+", last) and len(parts) > 1:
        last = parts[-2]
    if ".v" in last:
        last = re.sub(r"\.v\d+$", "", last)
    for prefix in ("go-",):
        if last.startswith(prefix) and len(last) > len(prefix):
            last = last[len(prefix) :]
    return last if last.replace("_", "a").isalnum() else re.sub(r"\W", "_", last)
