"""Routes that are no registration call: middleware that answers a path itself (chi's
`middleware.Heartbeat("/ping")`, go-pkgz/rest `rest.Ping`) and hand-rolled routers that
compare `r.URL.Path` in an if or a switch. Rows as `routetable` makes them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from golive_tui.core.scan.detectors.go.routetable import (
    HTTP_METHODS,
    Route,
    Value,
    dead,
    handler_text,
    row,
    value,
)
from golive_tui.core.scan.detectors.go.rules import lazy
from golive_tui.core.scan.detectors.go.tree import (
    File,
    call_parts,
    enclosing_function,
    named,
    string_value,
)

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

CHI_MIDDLEWARE = ("github.com/go-chi/chi/middleware", "github.com/go-chi/chi/v5/middleware")
REST = "github.com/go-pkgz/rest"
_PATH_CMP = lazy(r"^\w+\.URL\.(?:Path|RawPath)$")
_WRITER = lazy(r"\bhttp\.ResponseWriter\b")
_PASS_THROUGH = lazy(r"\bnext\b|\.ServeHTTP\(")


def from_heartbeat(f: File, call: SgNode) -> list[Route]:
    """chi `middleware.Heartbeat("/ping")` given to `Use`, `With` or a middleware list:
    it answers GET and HEAD on that path before any route."""
    receiver, name, args = call_parts(call)
    if name != "Heartbeat" or len(args) != 1 or dead(call):
        return []
    if not any(receiver in f.aliases(p) for p in CHI_MIDDLEWARE):
        return []
    parent = call.parent()
    if parent is None or parent.kind() not in ("argument_list", "literal_element"):
        return []
    val = value(f, args[0])
    return [row(f, "GET,HEAD", val, val.text, call.text(), receiver)]


def from_ping(f: File, sel: SgNode) -> list[Route]:
    """go-pkgz/rest `rest.Ping` given as middleware answers GET /ping with "pong"."""
    operand = sel.field("operand")
    fld = sel.field("field")
    parent = sel.parent()
    if operand is None or fld is None or fld.text() != "Ping" or parent is None:
        return []
    if operand.text() not in f.aliases(REST) or parent.kind() not in (
        "argument_list",
        "literal_element",
    ):
        return []
    if dead(sel):
        return []
    return [Route("GET", "/ping", "/ping", sel.text(), "go-pkgz/rest")]


def from_compare(f: File, node: SgNode) -> list[Route]:
    """A hand-rolled router: `if r.URL.Path == "/v1/health" { ...write a response... }` (the
    comparison also works as a `switch { case ... }` case)."""
    op = node.field("operator")
    left, right = node.field("left"), node.field("right")
    if op is None or op.text() != "==" or left is None or right is None:
        return []
    if _PATH_CMP().match(right.text()):
        left, right = right, left
    if not _PATH_CMP().match(left.text()):
        return []
    literal = string_value(right)
    if literal is None and right.kind() == "identifier":  # a constant of the file
        got = value(f, right)
        literal = got.text if not got.unknown else None
    if literal is None or not literal.startswith("/"):  # "" or "*": a guard, never a request path
        return []
    body = _branch_body(node)
    if body is None or not _writes(body) or dead(node):
        return []
    return [row(f, _method(node), Value(literal, []), literal, _first_statement(body), "")]


_METHOD_CMP = lazy(r"\b\w+\.Method\s*==\s*(?:\w+\.Method(\w+)|\"([A-Z]+)\")")


def _method(node: SgNode) -> str:
    """`r.Method == http.MethodGet && r.URL.Path == "/x"`: GET; ANY without such a test."""
    top = node
    for anc in node.ancestors():
        op = anc.field("operator") if anc.kind() == "binary_expression" else None
        if op is not None and op.text() == "&&":
            top = anc
        elif anc.kind() != "parenthesized_expression":
            break
    if top is node:
        return "ANY"
    found = _METHOD_CMP().search(top.text())
    method = (found.group(1) or found.group(2)).upper() if found else ""
    return method if method in HTTP_METHODS else "ANY"


def from_switch(f: File, node: SgNode) -> list[tuple[list[Route], SgNode]]:
    """`switch r.URL.Path { case "/health": ... }`: rows per literal case that responds,
    with the case they are at."""
    val = node.field("value")
    if val is None or not _PATH_CMP().match(val.text()) or dead(node):
        return []
    out: list[tuple[list[Route], SgNode]] = []
    for case in named(node):
        if case.kind() != "expression_case" or not _writes(case):
            continue
        rows = []
        for v in named(case.field("value")):
            literal = string_value(v)
            if literal is not None and literal.startswith("/"):
                rows.append(row(f, "ANY", Value(literal, []), literal, _first_statement(case), ""))
        out.append((rows, case))
    return out


def _branch_body(node: SgNode) -> SgNode | None:
    """The block an `==` guards: the if's consequence, through a chain of only `&&` (`r.Method
    == "GET" && r.URL.Path == "/x"`) or only `||` (`r.URL.Path == "/health" || r.URL.Path ==
    "/healthz"`) - a mix guards something else too (`(a || path == "/x") && allowed(o)`) - or
    a case's body."""
    child = node
    chain = ""
    for anc in node.ancestors():
        kind = anc.kind()
        if kind == "binary_expression":
            op = anc.field("operator")
            if op is None or op.text() not in ("&&", "||") or chain not in ("", op.text()):
                return None
            chain = op.text()
        elif kind == "parenthesized_expression":
            pass
        elif kind == "if_statement":
            cond = anc.field("condition")
            return anc.field("consequence") if cond is not None and cond == child else None
        elif kind == "expression_list" and anc.parent() is not None:
            case = anc.parent()
            return case if case is not None and case.kind() == "expression_case" else None
        else:
            return None
        child = anc
    return None


def _writes(body: SgNode) -> bool:
    """Whether a branch answers the request itself: it is in a handler (a ResponseWriter
    parameter, no result), uses that writer and does not pass the request on (a logging
    middleware skipping health checks does)."""
    func = enclosing_function(body)
    params = func.field("parameters") if func is not None else None
    if params is None or func is None or func.field("result") is not None:
        return False  # not a handler: one returns nothing (`validate(w, r) bool` is a check)
    writer = ""
    for decl in named(params):
        t = decl.field("type")
        if t is not None and _WRITER().search(t.text()):
            names = list(decl.field_children("name"))
            writer = names[0].text() if names else ""
    if not writer:
        return False
    text = body.text()
    if _PASS_THROUGH().search(text):
        return False
    if _PASS_THROUGH().search(func.text()) and not re.search(r"\breturn\b", text):
        return False  # a side effect in a middleware that passes every request on
    w = re.escape(writer)
    # a response written: `w.Write(`, `w.WriteHeader(`, `fmt.Fprint(w`, `http.Error(w, ...)`,
    # `json.NewEncoder(w)`, `s.health(w, r)` - setting a header alone answers nothing
    responds = rf"\b{w}\.Write(?:Header|String)?\(|\(\s*{w}\s*[,)]"
    return re.search(responds, text) is not None


def _first_statement(body: SgNode) -> str:
    for child in named(body):
        if child.kind() in ("block", "statement_list"):
            return _first_statement(child)
        if child.kind().endswith(("statement", "expression", "declaration")):
            return handler_text(child)
    return ""
