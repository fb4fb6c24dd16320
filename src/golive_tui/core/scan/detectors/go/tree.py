"""The per-file context every check writes to, and the syntax-tree helpers they share.

Comments and string contents never count: evidence always comes from syntax nodes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from golive_tui.core.scan.detectors import common
from golive_tui.core.scan.detectors.base import Finding

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import Config, SgNode
    from golive_tui.core.scan.detectors.go.astgrep import SgRoot as _SgRoot
    from golive_tui.core.scan.detectors.go.fragments import Layout

POS = "positive"
CON = "contrary"
SNIPPET_MAX = 200

_FUNC_KINDS = frozenset({"function_declaration", "method_declaration", "func_literal"})
_STRING_KINDS = frozenset({"interpreted_string_literal", "raw_string_literal"})


#: ast-grep's `SgRoot`, set by the first `parse`.
SgRoot: type[_SgRoot] | None = None


def parse(source: str) -> SgNode:
    """The Go syntax tree of `source` (the one place the parser is called).

    ast-grep's extension module is loaded here, on the first parse, not when the family is
    imported: the Go family's other modules name its classes for type checkers only. Most Go
    files open no gate and are never parsed (moby: 85 of 1,405), and a scan after editing one
    of them no longer loads the extension (~1.1 ms); `prepare` parses before a fork."""
    global SgRoot
    if SgRoot is None:
        from golive_tui.core.scan.detectors.go.astgrep import SgRoot as loaded

        SgRoot = loaded
    return SgRoot(source, "go").root()


# `\w` and friends as ASCII classes: outside a class, and inside one.
_ASCII_OUT = {
    "w": "[[:word:]]",
    "W": "[^[:word:]]",
    "s": "[[:space:]]",
    "S": "[^[:space:]]",
    "d": "[0-9]",
    "D": "[^0-9]",
    "b": r"(?-u:\b)",
    "B": r"(?-u:\B)",
}
_ASCII_IN = {"w": "[:word:]", "s": "[:space:]", "d": "0-9"}


#: What `ascii_regex` stops at: an escape, or a bracket (a `]` matters only inside a class).
_SPECIAL = re.compile(r"[\\\[\]]")


@cache
def ascii_regex(regex: str) -> str:
    r"""`regex` with its Unicode classes (`\w`, `\s`, `\d`, `\b`) written as their ASCII
    forms: the same matches on ASCII text, for a fraction of the compile. ast-grep compiles
    a rule's regexes on every `find_all`, and a Unicode `\w` costs ~400 us to compile
    against ~15 us for `[[:word:]]` (moby: 139 rules, 38 -> ~16 ms, the rule used by a
    third of the parsed files held one). Anything this does not follow (a nested class, a
    negated class escape inside a class) keeps the regex as written.

    It jumps from one escape or bracket to the next, copying what lies between: reading it
    character by character cost the first Go file a process extracts ~0.2 ms (server.go's
    rule holds ~1,000 characters of regexes; a scan after editing one file), now ~0.05 ms;
    the same output (tests/core/scan/detectors/go/test_go_first_texts.py)."""
    if "\\" not in regex:
        return regex  # nothing to rewrite (and every regex that stops early comes back whole)
    out: list[str] = []
    in_class = False
    i, n = 0, len(regex)
    while True:
        m = _SPECIAL.search(regex, i)
        if m is None:
            out.append(regex[i:])
            break
        j = m.start()
        out.append(regex[i:j])
        c = regex[j]
        if c == "\\":
            if j + 1 < n:
                e = regex[j + 1]
                table = _ASCII_IN if in_class else _ASCII_OUT
                if e in table:
                    out.append(table[e])
                elif in_class and e in "WSDbB":
                    return regex
                else:
                    out.append(regex[j : j + 2])
                i = j + 2
            else:  # a backslash last: kept as it is
                out.append(c)
                i = j + 1
            continue
        if in_class:
            if c == "[":
                if regex.startswith("[:", j):
                    k = regex.find(":]", j + 2)
                    if k < 0:
                        return regex
                    out.append(regex[j : k + 2])
                    i = k + 2
                    continue
                return regex  # a nested class
            in_class = False  # c == "]"
            out.append(c)
            i = j + 1
            continue
        if c == "]":  # outside a class: a plain character
            out.append(c)
            i = j + 1
            continue
        in_class = True  # c == "["
        out.append(c)
        i = j + 1
        if i < n and regex[i] == "^":
            out.append("^")
            i += 1
        if i < n and regex[i] == "]":  # a `]` first is a literal
            out.append("]")
            i += 1
    return "".join(out)


def ascii_rule(rule: Any) -> Any:
    """A copy of an ast-grep rule with every regex in its ASCII form (`ascii_regex`): for a
    source that is all ASCII only, where both match alike."""
    if isinstance(rule, dict):
        return {
            k: ascii_regex(v) if k == "regex" and isinstance(v, str) else ascii_rule(v)
            for k, v in rule.items()
        }
    if isinstance(rule, list):
        return [ascii_rule(v) for v in rule]
    return rule


class File:
    """What one extraction knows about the file; discarded after `extract`."""

    # A plain class, not a dataclass: `@dataclass` builds its methods with exec() at import,
    # ~0.2-1 ms a class, paid by every scan that extracts a Go file (one edited file
    # included). The six classes of the Go family: ~3 ms of its ~10 ms import.
    __slots__ = (
        "added_rows",
        "body",
        "facts",
        "findings",
        "full",
        "laid_out",
        "lay",
        "memo",
        "names",
        "notes",
        "parsed",
        "paths_by_name",
        "root",
        "text",
    )

    def __init__(
        self,
        text: str,
        names: dict[str, set[str]],
        paths_by_name: dict[str, str],
        *,
        body: int = 0,
    ) -> None:
        self.text = text
        self.names = names  # import path -> names it is used under in this file
        self.paths_by_name = paths_by_name
        self.findings: list[Finding] = []
        self.notes: dict[str, list[str]] = defaultdict(list)
        # Facts a detector's `judge` reads across files (servers of the default mux, body
        # readers...): detector -> JSON-serialisable data, stored in the file's meta.
        self.facts: dict[str, dict[str, Any]] = defaultdict(dict)
        # Lookups over the whole file that evaluating values repeats (keyed fields,
        # definitions by name): computed once per file, so many literals in one file stay
        # linear.
        self.memo: dict[Any, Any] = {}
        self.root: SgNode | None = None  # the parsed tree: a fragment of the file, or all of it
        self.full: SgNode | None = None  # the whole file's tree, parsed on first need (`whole`)
        self.parsed = False
        # Rows of the parsed text that end in a break inserted by `wrap_long_lines` (then the
        # whole file is parsed, wrapped, and never a fragment).
        self.added_rows: list[int] = []
        self.lay: Layout | None = None
        self.laid_out = False  # `lay` computed (it stays None for an unterminated token)
        # Where the code after the package clause and imports starts: no node a rule reports
        # lies before it (trigger text there is an import path or a comment).
        self.body = body

    def whole(self) -> SgNode:
        """The whole file's tree, for rules that look beyond the declarations in `root`
        (a signal slice declared at package level, the callers of a function)."""
        if self.full is None:
            from golive_tui.core.scan.detectors.go.fragments import (
                has_long_line,
                wrap_long_lines,
            )

            source = self.text
            if self.lay is not None and has_long_line(source):
                source, self.added_rows = wrap_long_lines(source, self.lay)
            self.full = parse(source)
            self.parsed = True
        return self.full

    def layout(self) -> Layout | None:
        """The file's layout (comments, strings, declaration starts), computed once.

        The fragments module (and `bisect`) is imported by the first file that needs a
        layout, to be parsed: most Go files are never parsed (moby: 85 of 1,405), and a scan
        after editing one of them no longer imports it (~0.7 ms)."""
        if not self.laid_out:
            from golive_tui.core.scan.detectors.go.fragments import layout

            self.lay = layout(self.text)
            self.laid_out = True
        return self.lay

    def line(self, row: int) -> int:
        """The file's 1-based line for a 0-based row of the parsed text."""
        if self.added_rows:  # only after `whole` wrapped a long line
            from bisect import bisect_left

            row -= bisect_left(self.added_rows, row)
        return row + 1

    def once(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """`compute()` the first time `key` is asked in this file: a check that asks the same
        question of a function for each of its calls stays linear in a hostile file."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

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

    def undecided(self, detector: str, node: SgNode, text: str) -> None:
        """Something golive does not follow may do what `detector` looks for, at `node`:
        where the detector finds nothing, "could not tell" (summaries.helper_undecided)."""
        line = self.line(node.range().start.line)
        self.facts[detector].setdefault("helpers", []).append([line, text])


def snippet(text: str) -> str:
    """Go evidence keeps longer snippets than the other families (scan JSON contract bytes)."""
    return common.snippet(text, SNIPPET_MAX)


def named(node: SgNode | None) -> list[SgNode]:
    """Named children without comments (a comment inside an argument list is a named node)."""
    if node is None:
        return []
    return [c for c in node.named_children() if c.kind() != "comment"]


def string_value(node: SgNode) -> str | None:
    kind = node.kind()
    if kind not in _STRING_KINDS:
        return None
    return node.text()[1:-1]


def enclosing_function(node: SgNode) -> SgNode | None:
    for anc in node.ancestors():
        if anc.kind() in _FUNC_KINDS:
            return anc
    return None


def start_of(node: SgNode | None) -> int:
    return -1 if node is None else node.range().start.index


def call_parts(call: SgNode) -> tuple[str, str, list[SgNode]]:
    """(receiver text or "", method/function name, arguments) of a call_expression."""
    fn = call.field("function")
    args = named(call.field("arguments"))
    if fn is None:
        return "", "", args
    if fn.kind() == "selector_expression":
        operand = fn.field("operand")
        name = fn.field("field")
        return (operand.text() if operand else ""), (name.text() if name else ""), args
    return "", fn.text(), args


def assigned_name(expr: SgNode) -> tuple[str, SgNode] | None:
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
            kids = named(keyed)
            if len(kids) == 2 and kids[1] == parent:
                return kids[0].text(), keyed
        return None
    if parent.kind() != "expression_list":
        return None
    stmt = parent.parent()
    if stmt is None:
        return None
    index = next((i for i, c in enumerate(named(parent)) if c == node), -1)
    if stmt.kind() in ("short_var_declaration", "assignment_statement"):
        left = named(stmt.field("left"))
        if 0 <= index < len(left):
            return left[index].text(), stmt
    elif stmt.kind() == "var_spec":
        names = list(stmt.field_children("name"))
        if 0 <= index < len(names):
            return names[index].text(), stmt
    return None


def definitions(scope: SgNode, name: str) -> list[SgNode]:
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
    for stmt in scope.find_all(cast("Config", config)):
        if stmt.kind() in ("var_spec", "const_spec"):
            names = [c.text() for c in stmt.field_children("name")]
            values = named(stmt.field("value"))
        else:
            names = [c.text() for c in named(stmt.field("left"))]
            values = named(stmt.field("right"))
        if name in names and len(values) == len(names):
            found.append(values[names.index(name)])
    return found


def parameter_position(func: SgNode, name: str) -> tuple[int, bool] | None:
    """(index, variadic) of a named parameter of `func`, or None."""
    params = func.field("parameters")
    index = 0
    for decl in named(params):
        names = [c.text() for c in decl.field_children("name")]
        if not names:
            index += 1
            continue
        for n in names:
            if n == name:
                return index, decl.kind() == "variadic_parameter_declaration"
            index += 1
    return None


def callers(root: SgNode, func: SgNode) -> list[SgNode]:
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
    return list(root.find_all(cast("Config", config)))


def field_nodes(lit: SgNode, assignments: list[SgNode]) -> dict[str, tuple[SgNode, SgNode]]:
    """Field -> (where it is set, its value): keyed in the literal, or assigned to the
    literal's variable later in the same function (`srv.WriteTimeout = ...`)."""
    out: dict[str, tuple[SgNode, SgNode]] = {}
    for keyed in named(lit.field("body")):
        kids = named(keyed)
        if keyed.kind() == "keyed_element" and len(kids) == 2:
            value = named(kids[1])
            out[kids[0].text()] = (keyed, value[0] if len(value) == 1 else kids[1])
    assigned = assigned_name(lit)
    if assigned is None:
        return out
    var = assigned[0]
    func_key = start_of(enclosing_function(lit))
    start = lit.range().end.index
    for assign in assignments:
        left = assign.field("left")
        right = named(assign.field("right"))
        if left is None or not right or assign.range().start.index < start:
            continue
        target, _, fld = left.text().rpartition(".")
        if target == var and start_of(enclosing_function(assign)) == func_key:
            out[fld] = (assign, right[0])
    return out


def mentions(f: File, func: SgNode, pattern: re.Pattern[str]) -> bool:
    """Whether a function's text matches `pattern`, asked once per function and pattern."""
    key = ("mentions", pattern.pattern, start_of(func))
    found: bool = f.once(key, lambda: pattern.search(func.text()) is not None)
    return found
