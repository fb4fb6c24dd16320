"""Query calls: go.sql_string_building (SQL built with fmt.Sprintf or `+`) and go.rows_close
(rows closed and checked with Err())."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from golive_tui.core.evidence import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import lazy, rules, trie
from golive_tui.core.scan.detectors.go.summaries import n, split, with_notes
from golive_tui.core.scan.detectors.go.tree import (
    CON,
    POS,
    File,
    assigned_name,
    call_parts,
    definitions,
    enclosing_function,
    named,
    parameter_position,
    string_value,
)

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode
    from golive_tui.core.scan.detectors.go.fragments import Layout

SQL = "go.sql_string_building"
ROWS = "go.rows_close"

_CTX_ARG = lazy(r"(?i)^(ctx|\w*ctx|\w*context\w*|context\.\w+\(.*\)|r\.Context\(\))$")


def _opens(seen: Seen) -> bool:
    r = rules()
    return bool(seen.words.intersection(r.sql_methods)) or (
        seen.f.imports_any(r.sqlx_imports) and bool(seen.words.intersection(r.sqlx_methods))
    )


_ROWS_WORD = lazy(r"(?i)rows")


def _yields(f: File) -> bool:
    """Whether a query call here could be reported: that needs a SQL package import, a SQL
    keyword in a string literal (the query, or text it is built from: all literals of this
    file) or a rows variable. `.Exec(` alone opened this gate in 13 of moby's files that hold
    no SQL (a container's exec)."""
    r = rules()
    if f.imports_any(r.sql_imports) or _ROWS_WORD().search(f.text, f.body):
        return True
    lay = f.layout()
    if lay is None:
        return True  # an unterminated literal: cannot tell strings from code
    from bisect import bisect_right  # imported with the layout (tree.File.layout)

    text = f.text
    where = re.compile(_where(f.imports_any(r.sqlx_imports)))
    asked: dict[int, bool] = {}
    for m in r.sql_keywords().finditer(text, f.body):
        t = lay.token_at(m.start())
        if t >= 0 and text[lay.tok_starts[t]] != "/":
            i = bisect_right(lay.starts, m.start()) - 1
            if i not in asked:
                if i >= 0 and text.startswith(("const", "var"), lay.starts[i]):
                    # A package-level query text is read where a call joins it (`_shape_into`
                    # looks names up in the file): any query call of the file may use it.
                    asked[i] = where.search(text, f.body) is not None
                else:
                    asked[i] = _calls_in_declaration(text, lay, i, where)
            if asked[i]:
                return True
    return False


def _calls_in_declaration(text: str, lay: Layout, i: int, where: re.Pattern[str]) -> bool:
    """Whether the top-level declaration `i` could hold a query call, or it cannot be told
    (not a proven declaration). A query's text is read from literals in its own function
    only (`_query_shape` traces definitions there), so a SQL keyword counts only beside a
    call: 8 of moby's files held keywords ("from", "create" in messages) far from their
    `.Exec(` and were parsed for nothing (~20 ms)."""
    if i < 0:
        return True
    from golive_tui.core.scan.detectors.go.fragments import _boundary  # (see File.layout)

    start = lay.starts[i]
    end = lay.starts[i + 1] if i + 1 < len(lay.starts) else len(text)
    if start == 0 or not (_boundary(text, lay, start) and _boundary(text, lay, end)):
        return True
    return where.search(text, start, end) is not None


@cache
def _where(with_sqlx: bool) -> str:
    """A query method after a dot (with sqlx's methods, or without)."""
    r = rules()
    return rf"\.{trie([*r.sql_methods, *r.sqlx_methods] if with_sqlx else r.sql_methods)}"


def _rule(f: File) -> RulePart:
    r = rules()
    methods = list(r.sql_methods)
    if f.imports_any(r.sqlx_imports):
        methods += list(r.sqlx_methods)
    return RulePart(
        calls=[rf".+\.(?:{'|'.join(sorted(set(methods)))})"],
        where=[_where(len(methods) > len(r.sql_methods))],
    )


def _on_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    r = rules()
    if (
        "sql" in gates
        and path is None
        and (name in r.sql_methods or (name in r.sqlx_methods and f.imports_any(r.sqlx_imports)))
    ):
        _sql(f, call, name, args)
    return False


def _sql(f: File, call: SgNode, method: str, args: list[SgNode]) -> None:
    r = rules()
    index = r.sql_methods.get(method, r.sqlx_methods.get(method, 0))
    if not method.endswith("Context") and args and _CTX_ARG().match(args[0].text()):
        index += 1  # pgx: pool.Query(ctx, sql, ...)
    if index >= len(args):
        return
    query = args[index]
    func = enclosing_function(call)
    shape = _query_shape(f, query, func, 0)
    sql_file = f.imports_any(r.sql_imports)
    if shape.built:
        looks_sql = any(r.sql_keywords().search(p) for p in shape.literals)
        if looks_sql or (not shape.literals and sql_file):
            f.add(SQL, call, CON, method=method, built_with=sorted(shape.built))
    elif shape.constant and (any(r.sql_keywords().search(p) for p in shape.literals) or sql_file):
        f.add(SQL, call, POS, method=method)
    elif (
        shape.foreign
        and not shape.unknown
        and any(r.sql_keywords().search(p) for p in shape.literals)
    ):
        names = ", ".join(dict.fromkeys(shape.foreign))
        why = f"the query joins {names}, a package-level name golive does not follow"
        f.add(SQL, call, POS, method=method, quality="unknown", why=why)
    if method in r.rows_methods:
        looks_sql = any(r.sql_keywords().search(p) for p in shape.literals)
        _rows(f, call, func, looks_sql or sql_file)


def _rows(f: File, call: SgNode, func: SgNode | None, sqlish: bool) -> None:
    assigned = assigned_name(call)
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


class _Shape:
    # A plain class, not a dataclass: `@dataclass` builds its methods with exec() at import
    # (~0.4 ms, paid by every scan that extracts a Go file; see tree.File).
    __slots__ = ("built", "constant", "foreign", "literals", "unknown")

    def __init__(self) -> None:
        self.constant = False
        self.built: set[str] = set()  # "fmt.Sprintf", "+"
        self.literals: list[str] = []
        self.unknown = False
        # Package-level names not defined in this file: constants most likely, not followed.
        self.foreign: list[str] = []


def _query_shape(f: File, node: SgNode, func: SgNode | None, depth: int) -> _Shape:
    """Whether a query argument is constant text or built by formatting/concatenation."""
    shape = _Shape()
    _shape_into(f, node, func, depth, shape)
    shape.constant = (
        not shape.built and not shape.unknown and not shape.foreign and bool(shape.literals)
    )
    return shape


def _shape_into(f: File, node: SgNode, func: SgNode | None, depth: int, shape: _Shape) -> None:
    kind = node.kind()
    value = string_value(node)
    if value is not None:
        shape.literals.append(value)
        return
    if kind == "parenthesized_expression":
        for child in named(node):
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
            shape.foreign.extend(sub.foreign)
            if sub.unknown:
                shape.built.add("+")
            return
    if kind == "call_expression":
        receiver, name, args = call_parts(node)
        if f.path_of(receiver) == "fmt" and name in ("Sprintf", "Sprint", "Sprintln"):
            shape.built.add(f"fmt.{name}")
            if args:
                fmt_value = string_value(args[0])
                if fmt_value is not None:
                    shape.literals.append(fmt_value)
            return
    if kind == "identifier" and func is not None and depth < 3:
        name = node.text()
        defs = definitions(func, name)
        if not defs and parameter_position(func, name) is None:
            # A package-level name: a constant of this file, or of another (Permify's
            # TenantsTable in consts.go), which golive does not follow (`_Shape.foreign`).
            defs = f.once(("package-defs", name), lambda: definitions(f.whole(), name))
            if not defs:
                shape.foreign.append(name)
                return
        if defs:
            for d in defs:
                _shape_into(f, d, func, depth + 1, shape)
            return
    shape.unknown = True


def _sum_sql(items: list[Evidence], notes: list[str]) -> str:
    pos, con = split(items)
    parts = []
    if con:
        parts.append(
            f"{n(len(con), 'query call')} take SQL built with fmt.Sprintf or + (review for injection)"
        )
    unknown = [e for e in pos if e.facts.get("quality") == "unknown"]
    pos = [e for e in pos if e.facts.get("quality") != "unknown"]
    if pos:
        parts.append(f"{n(len(pos), 'query call')} with constant SQL")
    if unknown:
        parts.append(
            f"could not tell for {n(len(unknown), 'query call')} (first: {unknown[0].facts['why']})"
        )
    return "; ".join(parts) or "no query call with a checkable query argument found"


def _sum_rows(items: list[Evidence], notes: list[str]) -> str:
    pos, con = split(items)
    parts = []
    if pos:
        parts.append(f"{n(len(pos), 'rows result')} closed and checked with Err()")
    if con:
        no_close = sum(1 for e in con if not e.facts.get("close"))
        no_err = sum(1 for e in con if not e.facts.get("err_checked"))
        parts.append(f"{n(len(con), 'rows result')} missing Close ({no_close}) or Err ({no_err})")
    base = "; ".join(parts) or "no Query call assigning rows found"
    return with_notes(
        base,
        notes,
        "rows value handed to another function",
        "rows values handed to other functions",
    )


CHECK = Check(
    detectors=(Detector(SQL, _sum_sql), Detector(ROWS, _sum_rows)),
    gates=(
        Gate(
            "sql",
            (SQL, ROWS),
            _opens,
            _rule,
            call_words=lambda r: (*r.sql_methods, *r.sqlx_methods),
            on_call=_on_call,
            yields=_yields,
        ),
    ),
)
