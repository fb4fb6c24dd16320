"""Routes as the frameworks define them: one row per registration a file makes.

A row is the method (or ANY), the effective path (group, `Route`, `PathPrefix().Subrouter()`
and `Mount` prefixes joined, as the framework joins them), the route literal as written, the
handler's text, the line and the framework. Paths come from literals only: a part that is not
a literal in this file (a prefix passed in by a caller elsewhere, a variable set at run time)
is shown as `{name}` and the row carries a `partial` note saying so - never a guess.

The idioms: registration methods of net/http (Go 1.22 `"GET /x"` patterns too), chi, gorilla/mux
(`Methods`, `Path().Handler()`), gin (`Match`, `Any`, groups), echo, fiber, httprouter, and a
helper of the file that wraps registration (`h(r, "status", api.Status)` where `h` calls
`r.HandleFunc("/"+path, f)`: `expand`). Middleware that answers a path and hand-rolled
routers are in `handrolled.py`. A row inside a dead branch (`if false {`) is no row.

Work is bounded: prefix chains and helper calls are followed at most `_DEPTH` steps, paths
are cut at `MAX_PATH` characters, handlers at `_HANDLER_MAX`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from golive_tui.core.scan.detectors.go.rules import lazy
from golive_tui.core.scan.detectors.go.tree import (
    File,
    call_parts,
    callers,
    definitions,
    enclosing_function,
    named,
    parameter_position,
    string_value,
)
from golive_tui.core.tuples import NamedTuple

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

MAX_PATH = 1024
_HANDLER_MAX = 120
_DEPTH = 8
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT"})
#: Methods that register a route for one HTTP method (`Get`, `GET`, fiber's `Get`...).
_ONE_METHOD = {m: m for m in HTTP_METHODS} | {m.capitalize(): m for m in HTTP_METHODS}
_ONE_METHOD |= {f"New{m.capitalize()}Route": m for m in HTTP_METHODS}  # moby's router package
#: Methods that register a route for every method.
_ANY = frozenset({"Handle", "HandleFunc", "Any", "All", "Mount", "Connect", "Use", "Handler"})
_ANY |= {"HandlerFunc", "Add", "Method", "MethodFunc", "NewRoute"}
#: Calls that return a router under a prefix given as their first argument.
_PREFIXING = frozenset({"Group", "Route", "PathPrefix", "Prefix", "Party"})
#: Calls that return the same router (its prefix unchanged).
_OTHER = frozenset({"Match", "Route"})
_SAME = frozenset({"Subrouter", "With", "Use", "Methods", "Schemes", "Host", "Name"})

FRAMEWORKS: tuple[tuple[str, str], ...] = (
    ("github.com/go-chi/chi", "chi"),
    ("github.com/gorilla/mux", "gorilla/mux"),
    ("github.com/gin-gonic/gin", "gin"),
    ("github.com/labstack/echo", "echo"),
    ("github.com/gofiber/fiber", "fiber"),
    ("github.com/julienschmidt/httprouter", "httprouter"),
    ("github.com/go-pkgz/rest", "go-pkgz/rest"),
    ("github.com/go-pkgz/routegroup", "routegroup"),
    ("net/http", "net/http"),
)
_HOST = lazy(r"^(?:[\w-]+(?:\.[\w-]+)+|localhost|\{[\w.]+\})(?::\d+)?(?=/)")


class Route(NamedTuple):
    """One registration; `facts()` is its JSON (the scan evidence and `golive routes`)."""

    method: str
    path: str
    route: str
    handler: str
    framework: str
    partial: str = ""
    unknown: tuple[str, ...] = ()  # the parts of `path` that are not literals
    params: tuple[str, ...] = ()  # ...string parameters of the registering function
    # Whether every unknown part comes before the route's literal (a prefix passed in or
    # joined at run time, `baseUrl + "/_healthz"`): the route's own literal is then certain.
    prefix_only: bool = True

    def facts(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "route": self.route,
            "method": self.method,
            "path": self.path,
            "handler": self.handler,
            "framework": self.framework,
        }
        if self.partial:
            out["partial"] = self.partial
        return out


class Value:
    """A string built from literals; `unknown` names the parts that are not, `params` those
    of them that are parameters of the function."""

    # A plain class, not a dataclass: `@dataclass` builds its methods with exec() at import
    # (this one ~1 ms, paid by every scan that extracts a Go file; see tree.File).
    __slots__ = ("literal", "params", "prefix_only", "text", "unknown")

    def __init__(
        self,
        text: str,
        unknown: list[str],
        params: list[str] | None = None,
        literal: bool = False,
        prefix_only: bool = True,
    ) -> None:
        self.text = text
        self.unknown = unknown
        self.params: list[str] = [] if params is None else params
        self.literal = literal  # whether a literal character has been seen
        self.prefix_only = prefix_only  # no unknown part after a literal one

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Value):
            return NotImplemented
        return (self.text, self.unknown, self.params, self.literal, self.prefix_only) == (
            other.text,
            other.unknown,
            other.params,
            other.literal,
            other.prefix_only,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return (
            f"Value(text={self.text!r}, unknown={self.unknown!r}, params={self.params!r}, "
            f"literal={self.literal!r}, prefix_only={self.prefix_only!r})"
        )

    def __add__(self, other: Value) -> Value:
        return Value(
            self.text + other.text,
            self.unknown + other.unknown,
            self.params + other.params,
            self.literal or other.literal,
            self.prefix_only and other.prefix_only and not (self.literal and other.unknown),
        )

    def joined(self, route: Value) -> Value:
        """This prefix and `route` joined as routers join them."""
        both = self + route
        both.text = join(self.text, route.text)
        return both

    def with_text(self, text: str) -> Value:
        return Value(text, self.unknown, self.params, self.literal, self.prefix_only)


def framework(f: File, receiver: str) -> str:
    """The router package this file's registration uses: the receiver's own package when it
    is one (`http.HandleFunc`), else the first router package the file imports."""
    path = f.path_of(receiver) if receiver and "." not in receiver else None
    for prefix, name in FRAMEWORKS:
        if path is not None and path.startswith(prefix):
            return name
    for prefix, name in FRAMEWORKS:
        if f.imports_any((prefix,)):
            return name
    return "unknown"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def handler_text(node: SgNode | None) -> str:
    if node is None:
        return ""
    return _cut(" ".join(node.text().split()), _HANDLER_MAX)


def dead(node: SgNode) -> bool:
    """Inside the body of `if false {`: code the compiler drops."""
    child = node
    for anc in node.ancestors():
        if anc.kind() == "if_statement":
            cond = anc.field("condition")
            body = anc.field("consequence")
            if cond is not None and cond.text().strip() == "false" and body is not None:
                r, b = child.range(), body.range()
                if b.start.index <= r.start.index and r.end.index <= b.end.index:
                    return True
        if anc.kind() in ("function_declaration", "method_declaration"):
            return False
        child = anc
    return False


# --------------------------------------------------------------------------- values


def value(f: File, node: SgNode, depth: int = 0) -> Value:
    """The string `node` evaluates to, from literals in this file (a `+` chain of at most
    `_MAX_OPERANDS` operands, walked without recursion: a hostile chain cannot overflow)."""
    operands = _operands(node)
    if operands is None:
        return _unknown(node)
    out = Value("", [])
    for operand in operands:
        out = out + _atom(f, operand, depth)
    return out


_MAX_OPERANDS = 256


def _operands(node: SgNode) -> list[SgNode] | None:
    """The operands of a `+` chain (parentheses looked through), left to right."""
    out: list[SgNode] = []
    stack = [node]
    while stack:
        n = stack.pop()
        kind = n.kind()
        inner = named(n) if kind == "parenthesized_expression" else []
        op = n.field("operator") if kind == "binary_expression" else None
        left, right = (n.field("left"), n.field("right")) if op is not None else (None, None)
        if len(inner) == 1:
            stack.append(inner[0])
        elif op is not None and op.text() == "+" and left is not None and right is not None:
            stack += [right, left]
        else:
            out.append(n)
        if len(out) + len(stack) > _MAX_OPERANDS:
            return None
    return out


def _atom(f: File, node: SgNode, depth: int) -> Value:
    literal = string_value(node)
    if literal is not None:
        return Value(literal, [], literal=bool(literal))
    if node.kind() == "identifier" and depth < _DEPTH:
        resolved = _identifier(f, node, depth + 1)
        if resolved is not None:
            return resolved
    return _unknown(node)


def _unknown(node: SgNode) -> Value:
    text = _cut(" ".join(node.text()[:200].split()), 60)
    return Value(f"{{{text}}}", [text])


def _identifier(f: File, node: SgNode, depth: int) -> Value | None:
    """A name's value: one literal definition in its function or the file (a constant); a
    parameter is `{name}`, filled in by `expand` from this file's callers."""
    name = node.text()
    func = enclosing_function(node)
    if func is not None:
        defs = _defs(f, func, name)
        if len(defs) == 1:
            got = value(f, defs[0], depth)
            return got if not got.unknown else None
        if defs:
            return None
        if parameter_position(func, name) is not None:
            return Value(f"{{{name}}}", [name], [name])
    defs = _defs(f, f.whole(), name)
    if len(defs) == 1:
        got = value(f, defs[0], depth)
        return got if not got.unknown else None
    return None


def _callers(f: File, func: SgNode) -> list[SgNode]:
    """Calls of `func` in this file; none without parsing the whole file when its name is
    never followed by `(` again (most registering functions are called from elsewhere)."""
    name = func.field("name")
    if name is None or f.text.count(name.text() + "(") < 2:
        return []
    key = ("callers", func.range().start.index)
    found: list[SgNode] = f.once(key, lambda: callers(f.whole(), func))
    return found


def _defs(f: File, scope: SgNode, name: str) -> list[SgNode]:
    """`definitions`, asked once per scope and name: a function registering fifty routes on
    one router looks the router up once."""
    r = scope.range()
    found: list[SgNode] = f.once(
        ("defs", r.start.index, r.end.index, name), lambda: definitions(scope, name)
    )
    return found


# --------------------------------------------------------------------------- prefixes


def exposition(path: str) -> bool:
    """A metrics exposition path has no path parameter after its prefix
    (`/api/v1/workflows/:id/metrics` is a REST resource named metrics, not a scrape target)."""
    return re.search(r"[:*{]", re.sub(r"^(?:\{[^}]*\})+", "", path)) is None


def join(prefix: str, route: str) -> str:
    """A group's prefix and a route joined as routers do (gin's `joinPaths`)."""
    if not prefix:
        return route
    if not route:
        return prefix
    head = prefix.rstrip("/")
    return head + route if route.startswith("/") else f"{head}/{route}"


def _stringish(node: SgNode) -> bool:
    return string_value(node) is not None or node.kind() in ("binary_expression", "identifier")


def prefix(f: File, recv: SgNode | None, depth: int = 0) -> Value:
    """The path prefix of the router expression `recv`."""
    if recv is None or depth > _DEPTH:
        return Value("", [])
    kind = recv.kind()
    if kind == "parenthesized_expression" or kind == "unary_expression":
        inner = named(recv)
        return prefix(f, inner[-1], depth + 1) if inner else Value("", [])
    if kind == "call_expression":
        fn = recv.field("function")
        _, name, args = call_parts(recv)
        operand = fn.field("operand") if fn is not None else None
        mount = name == "Mount" and len(args) == 1  # routegroup's `Mount("/api")`: a bundle
        if (name in _PREFIXING or mount) and args and args[0].kind() != "func_literal":
            return prefix(f, operand, depth + 1).joined(value(f, args[0], depth))
        if name in _SAME or name in _PREFIXING:
            return prefix(f, operand, depth + 1)
        return Value("", [])
    if kind == "identifier":
        return _prefix_of_name(f, recv, depth + 1)
    return Value("", [])


def _prefix_of_name(f: File, ident: SgNode, depth: int) -> Value:
    name = ident.text()
    if f.path_of(name) is not None:
        return Value("", [])  # a package (`router.NewGetRoute`, `http.Handle`)
    func = enclosing_function(ident)
    while func is not None:
        defs = _defs(f, func, name)
        if defs:
            return _mounted(f, func, name, depth).joined(prefix(f, defs[-1], depth))
        pos = parameter_position(func, name)
        if pos is not None:
            if func.kind() == "func_literal":
                return _closure_prefix(f, func, depth)
            return _param_prefix(f, func, pos[0], name, depth)
        func = enclosing_function(func)
    return Value("", [])


def _mounted(f: File, func: SgNode, name: str, depth: int) -> Value:
    """The prefix a router variable is mounted under in the same function
    (`r.Mount("/api", api)`)."""
    r = func.range()
    mounts: list[SgNode] = f.once(
        ("mounts", r.start.index, r.end.index),
        lambda: list(func.find_all(kind="call_expression", regex=r"\.Mount\s*\(")),
    )
    for call in mounts:
        fn = call.field("function")
        _, method, args = call_parts(call)
        if method == "Mount" and len(args) == 2 and args[1].text() == name:
            outer = prefix(f, fn.field("operand") if fn is not None else None, depth + 1)
            return outer.joined(value(f, args[0], depth))
    return Value("", [])


def _closure_prefix(f: File, lit: SgNode, depth: int) -> Value:
    """chi's `r.Route("/v1", func(r chi.Router) {...})` and `r.Group(func(r chi.Router) {...})`:
    the closure's router is the caller's under the Route's prefix."""
    args = lit.parent()
    call = args.parent() if args is not None else None
    if call is None or call.kind() != "call_expression":
        return Value("", [])
    fn = call.field("function")
    _, name, cargs = call_parts(call)
    outer = prefix(f, fn.field("operand") if fn is not None else None, depth + 1)
    if name == "Route" and len(cargs) == 2:
        return outer.joined(value(f, cargs[0], depth))
    return outer


def _param_prefix(f: File, func: SgNode, index: int, name: str, depth: int) -> Value:
    """A router passed in: the prefix every caller in this file gives it; a group type with
    no caller here is a prefix set elsewhere (partial)."""
    prefixes: set[str] = set()
    for call in _callers(f, func):
        args = named(call.field("arguments"))
        if index >= len(args):
            return Value(f"{{{name}}}", [name])
        got = prefix(f, args[index], depth + 1)
        if got.unknown:
            return got
        prefixes.add(got.text)
    if len(prefixes) == 1:
        text = prefixes.pop()
        return Value(text, [], literal=bool(text))
    unknown = Value(f"{{{name}}}", [name])
    if prefixes:
        return unknown
    params = func.field("parameters")
    types = params.text() if params is not None else ""
    if re.search(rf"\b{re.escape(name)}\b[^,)]*\b(?:RouterGroup|Group|Party)\b", types):
        return unknown
    return Value("", [])


# --------------------------------------------------------------------------- rows


def from_call(f: File, call: SgNode, receiver: str, name: str, args: list[SgNode]) -> list[Route]:
    """A registration call's routes (none when it is not one)."""
    if dead(call):
        return []
    if name in ("Path", "PathPrefix") and len(args) == 1:
        return _gorilla_path(f, call, receiver, args[0])
    if len(args) < 2:
        return []
    method = _ONE_METHOD.get(name, "ANY")
    if name not in _ONE_METHOD and name not in _ANY and name not in _OTHER:
        return []
    first = string_value(args[0])
    rest = args[1:]
    if name == "Match" and args[0].kind() == "composite_literal":
        methods = [_method_text(e) for e in named(args[0].field("body"))]
        method = ",".join(methods) or "ANY"
        first, rest = string_value(args[1]), args[2:]
        path_node = args[1]
    elif (first is not None and first.upper() in HTTP_METHODS) or (
        first is None
        and args[0].kind() == "selector_expression"
        and args[0].text().split(".")[-1].startswith("Method")
    ):
        method = (first or args[0].text().split(".")[-1][len("Method") :]).upper()
        path_node, rest = args[1], args[2:]
    else:
        path_node = args[0]
    if not rest or (name == "Route" and rest[0].kind() == "func_literal"):
        return []  # no handler (a client call), or a chi sub-router: its routes are rows
    val = value(f, path_node)
    route = val.text
    # (asked only of a route that starts with a capital: nothing compiled for the others)
    pattern = re.match(r"^([A-Z]+)\s+(.*)$", route) if "A" <= route[:1] <= "Z" else None
    if pattern and pattern.group(1) in HTTP_METHODS:  # Go 1.22 "GET /healthz"
        method, route = pattern.group(1), pattern.group(2)
    if route and not route.startswith(("/", "{")):  # "" is a group's own path
        host = _HOST().match(route)
        if host is None or name not in ("Handle", "HandleFunc"):
            return []  # `m.Add("text/html", ...)`: not a path
        route = route[host.end() :]  # "example.com/healthz"
    if name in ("Use", "Mount") and (not route.startswith("/") or len(args) != 2):
        return []  # `unix.Mount(src, dst, ...)` is no route
    fn = call.field("function")
    pre = prefix(f, fn.field("operand") if fn is not None else None)
    method = _chained_methods(call) or method
    path = pre.joined(val.with_text(route))
    if "/" not in path.text:
        return []  # no path literal at all (`attrs.Add("error", err)`): not known as a route
    return [row(f, method, path, val.text, rest[0], receiver)]


def row(
    f: File, method: str, path: Value, route: str, handler: SgNode | str, receiver: str
) -> Route:
    partial = ""
    if path.unknown:
        partial = "not resolved statically: " + ", ".join(dict.fromkeys(path.unknown))
    text = path.text
    if len(text) > MAX_PATH:
        partial = partial or f"path cut at {MAX_PATH} characters"
        text = _cut(text, MAX_PATH)
    return Route(
        method,
        text,
        _cut(route, MAX_PATH),
        handler if isinstance(handler, str) else handler_text(handler),
        framework(f, receiver),
        partial,
        tuple(path.unknown),
        tuple(path.params),
        path.prefix_only,
    )


def _method_text(node: SgNode) -> str:
    """`"GET"`, `http.MethodGet` or a literal element holding one -> GET."""
    inner = named(node)
    if node.kind() == "literal_element" and len(inner) == 1:
        node = inner[0]
    literal = string_value(node)
    if literal is not None:
        return literal.upper()
    last = node.text().split(".")[-1]
    if node.kind() == "selector_expression" and last.removeprefix("Method").upper() in HTTP_METHODS:
        return last.removeprefix("Method").upper()
    return "{" + _cut(node.text(), 40) + "}"


def _chained_methods(call: SgNode) -> str:
    """gorilla/mux `r.HandleFunc("/x", h).Methods("GET", "HEAD")`."""
    parent = call.parent()
    if parent is None or parent.kind() != "selector_expression":
        return ""
    fld = parent.field("field")
    outer = parent.parent()
    if fld is None or fld.text() != "Methods" or outer is None:
        return ""
    args = named(outer.field("arguments"))
    out = [
        (string_value(a) or a.text().split(".")[-1].removeprefix("Method")).upper() for a in args
    ]
    return ",".join(out)


def _gorilla_path(f: File, call: SgNode, receiver: str, arg: SgNode) -> list[Route]:
    """`r.Path("/x").Methods("GET").HandlerFunc(h)`: the chain after Path names the handler."""
    methods: list[str] = []
    node = call
    for _ in range(_DEPTH):
        parent = node.parent()
        if parent is None or parent.kind() != "selector_expression":
            return []
        fld = parent.field("field")
        outer = parent.parent()
        if fld is None or outer is None or outer.kind() != "call_expression":
            return []
        args = named(outer.field("arguments"))
        if fld.text() == "Methods":
            methods += [_method_text(a) for a in args]
        elif fld.text() in ("Handler", "HandlerFunc") and args:
            val = value(f, arg)
            fn = call.field("function")
            pre = prefix(f, fn.field("operand") if fn is not None else None)
            method = ",".join(methods) or "ANY"
            return [row(f, method, pre.joined(val), val.text, args[0], receiver)]
        elif fld.text() == "Subrouter":
            return []
        node = outer
    return []


# --------------------------------------------------------------------------- helpers


def expand(f: File, rows: list[Route], at: SgNode) -> list[tuple[Route, SgNode]]:
    """Rows whose path uses parameters of the function they are in (a helper that wraps
    registration, `h(r, "status", api.Status)`; a prefix passed in) become one row per call of
    that function in this file, at the call, with the call's literals filled in. Rows the
    file cannot fill stay as they are, partial."""
    out: list[tuple[Route, SgNode]] = []
    for row in rows:
        func = enclosing_function(at)
        if not row.params or func is None or func.kind() == "func_literal":
            out.append((row, at))
            continue
        calls = [c for c in _callers(f, func)[:_MAX_CALLERS] if not dead(c)]
        if not calls:
            out.append((row, at))
            continue
        # a prefix passed in (`baseURL+"/api/live"`) keeps the registration's own line; a
        # helper's route made by its caller (`"/"+path`) is at the call
        own = re.fullmatch(r"(?:\{\w+\})+/.*[^/{}].*", row.route) is not None
        for call in calls:
            out.append((_filled(f, func, row, named(call.field("arguments"))), at if own else call))
    return out


_MAX_CALLERS = 64


def _filled(f: File, func: SgNode, row: Route, args: list[SgNode]) -> Route:
    left: list[str] = []

    def sub(m: re.Match[str]) -> str:
        pos = parameter_position(func, m.group(1))
        if pos is None or pos[0] >= len(args):
            return m.group(0)
        got = value(f, args[pos[0]])
        if got.unknown:
            left.extend(got.unknown)
        return got.text

    path = re.sub(r"\{(\w+)\}", sub, row.path)
    handler = row.handler
    pos = parameter_position(func, handler) if re.fullmatch(r"\w+", handler) else None
    if pos is not None and pos[0] < len(args):
        handler = handler_text(args[pos[0]])
    unknown = [u for u in row.unknown if u not in row.params] + left
    partial = "not resolved statically: " + ", ".join(dict.fromkeys(unknown)) if unknown else ""
    return Route(
        row.method,
        path,
        row.route,
        handler,
        row.framework,
        partial,
        tuple(unknown),
        (),
        row.prefix_only and not (left and not path.startswith("{")),
    )
