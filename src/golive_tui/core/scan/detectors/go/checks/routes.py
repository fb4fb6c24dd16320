"""Routes registered in code: go.http.health_endpoints (`/healthz`, `/readyz`...) and the
`/metrics` route of go.metrics (whose libraries are import rules in go_rules.toml).

Both read rows of the route table (`go/routetable.py`): a registration in any framework
idiom, its effective path (group and mount prefixes joined), and a health or metrics segment in
that path. A row whose path is not known statically counts only when the unknown part is its
prefix (passed in by a caller, or joined at run time: the route's own literal is certain); its
`partial` fact says so.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from golive_tui.core.evidence import Evidence
from golive_tui.core.scan.detectors.go import handrolled as hr
from golive_tui.core.scan.detectors.go import routetable as rt
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import Deferred, alt, rules, trie
from golive_tui.core.scan.detectors.go.summaries import generic, n
from golive_tui.core.scan.detectors.go.tree import POS, File

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

HEALTH = "go.http.health_endpoints"
METRICS = "go.metrics"


@cache
def _segments() -> frozenset[str]:
    r = rules()
    return r.route_segments | r.metrics_segments


#: A route path segment anywhere in the text (string contents: the parse later proves it is a
#: registration's argument).
_ROUTE_WORD = Deferred(lambda: re.compile(rf"/{trie(_segments())}\b"))
#: Occurrences of `/segment` the lookups check for a word boundary before they leave the text
#: to the pattern: bounded work, however many `/healthx` a file holds.
_MAX_LOOKS = 64


def _has_route_word(text: str) -> bool:
    """Whether `_ROUTE_WORD` is in `text`; while it is not compiled (a process's first few
    texts), each `/segment` looked for, with the word boundary after it that `\\b` asks for
    (Unicode word characters, as `re` has them: letters, digits and `_`)."""
    pattern = _ROUTE_WORD.get()
    if pattern is not None:
        return pattern.search(text) is not None
    looks = 0
    for segment in _segments():
        needle = "/" + segment
        end_word = _word_char(needle[-1])
        at = text.find(needle)
        while at != -1:
            end = at + len(needle)
            if end_word != (end < len(text) and _word_char(text[end])):
                return True
            looks += 1
            if looks > _MAX_LOOKS:
                return _ROUTE_WORD().search(text) is not None
            at = text.find(needle, at + 1)
    return False


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _has_bare_word(text: str) -> bool:
    """A segment as a whole string (`h(r, "health", f)`), for a helper of the file that adds
    the slash (`"/"+path`): looked for only where such a join is. Lookups of each quoted
    segment, which is what the pattern `"(?:segments)"` found (without compiling it: ~0.15 ms
    of a scan after editing a file that joins a path)."""
    return any(f'"{segment}"' in text for segment in _segments())


@cache
def _where() -> str:
    """A route segment after `/` or `?`, in any case (as routes are compared)."""
    return rf"(?i:[/?]{trie(_segments())})"


def _opens(seen: Seen) -> bool:
    # The scan's hot loop: one regex, then substring tests before any other.
    text = seen.f.text
    return (
        _has_route_word(text)
        or (bool(seen.f.aliases(hr.REST)) and ".Ping" in text)
        or (_JOIN in text and _has_bare_word(text))
    )


_JOIN = '"/"'  # a path joined at run time from a literal slash


def _rule(f: File) -> RulePart:
    # Any registration call matches, but only one with a route literal counts.
    methods = "|".join(sorted(rules().route_methods | {"Heartbeat"}))
    part = RulePart(
        calls=[rf"(?:.+\.)?(?:{methods})"],
        where=[_where()],
    )
    if ".URL." in f.text:  # a hand-rolled router
        part.where.append(r"\.URL\.(?:Raw)?Path\b")
        part.extra += [
            {"kind": "binary_expression", "regex": r"\.URL\.(?:Raw)?Path\s*==|==\s*\w+\.URL\."},
            {"kind": "expression_switch_statement", "regex": r"^switch\s+\w+\.URL\.(?:Raw)?Path"},
        ]
    rest = f.aliases(hr.REST)
    if rest:
        ping = rf"{alt(rest)}\.Ping"
        part.extra.append({"kind": "selector_expression", "regex": rf"^{ping}$"})
        part.where.append(rf"\b{ping}\b")
    if _JOIN in f.text and _has_bare_word(f.text):  # a helper's body registers
        part.where.append(rf"\.(?:{methods})\(")
    # A route path held by a constant or variable of this file (ory's `const AliveCheckPath =
    # "/health/alive"` used in `r.GET(AliveCheckPath, ...)`): the declarations that use the
    # name are parsed too, as `golive routes` reads them (the scan said "missing").
    held = _route_names(f.text)
    if held:
        part.where.append(rf"\b(?:{'|'.join(sorted(held))})\b")
    # A health path handed to a method of another package's (ardanlabs/service registers
    # "/readiness" through its web package's HandlerFuncNoMid): `_passed_on`.
    part.extra.append(
        {
            "kind": "call_expression",
            "has": {
                "field": "arguments",
                "has": {"kind": "interpreted_string_literal", "regex": _HEALTH_LITERAL},
            },
        }
    )
    return part


_NAMED_STRING = re.compile(r'\b([A-Za-z_]\w*)[ \t]*(?:string[ \t]*)?:?=[ \t]*"([^"\\\n]*)"')


def _route_names(text: str) -> set[str]:
    """Names this file gives a string literal holding a route segment (bounded: at most 64).
    Only the lines holding a route word are read: the pattern over whole files was ~1 ms a
    file (moby's 30 files with route words: 31.6 ms), the lines alone a fraction of that."""
    names: set[str] = set()
    looked: set[int] = set()
    for at in _route_word_places(text):
        start = text.rfind("\n", 0, at) + 1
        if start in looked:
            continue
        looked.add(start)
        end = text.find("\n", at)
        for m in _NAMED_STRING.finditer(text, start, len(text) if end < 0 else end):
            if _has_route_word(m.group(2)):
                names.add(m.group(1))
        if len(names) >= _MAX_LOOKS or len(looked) >= _MAX_LOOKS * 4:
            break
    return names


def _route_word_places(text: str) -> list[int]:
    """Where `/segment` occurs: with `_ROUTE_WORD` when it is compiled, else found segment by
    segment (as `_has_route_word` does, so one edited file compiles no pattern)."""
    pattern = _ROUTE_WORD.get()
    if pattern is not None:
        return [m.start() for m in pattern.finditer(text)]
    places: list[int] = []
    for segment in _segments():
        at = text.find("/" + segment)
        while at != -1 and len(places) < _MAX_LOOKS * 4:
            places.append(at)
            at = text.find("/" + segment, at + 1)
    return sorted(places)


#: A name that says it holds a health path (`HealthzPath`, `AliveCheckPath`, `readyPath`).
_HEALTH_NAME = re.compile(r"(?i)health|alive|liveness|readiness|ready")


#: A string literal that is a health path as a whole (`"/readiness"`, `"/v1/healthz"`).
_HEALTH_LITERAL = (
    r"(?i)^\"(?:/[\w.-]+)*/(?:health|healthz|ready|readyz|readiness|live|livez|liveness)\"$"
)
_HEALTH_PATH = re.compile(_HEALTH_LITERAL)  # the same, for Python (the rule is ast-grep's)


def _unfollowed(f: File, node: SgNode, path: str) -> None:
    """A registration at a path golive does not follow that names a health path: a fact for
    `helper_undecided` (could not tell where no route was found)."""
    shown = " ".join(path.split())[:60]
    f.undecided(HEALTH, node, f"registers a route at {shown}, a value golive does not follow here")


def _named_path(f: File, call: SgNode, args: list[SgNode]) -> None:
    """A registration whose path golive could not build but names a health path
    (nats-server's `mux.HandleFunc(s.basePath(HealthzPath), ...)`). The last argument is the
    handler, never the path."""
    for arg in args[:-1]:
        if arg.kind() != "interpreted_string_literal" and _HEALTH_NAME.search(arg.text()):
            _unfollowed(f, call, arg.text())
            return


def _passed_on(f: File, call: SgNode, receiver: str, name: str, args: list[SgNode]) -> None:
    """A health path literal given to a method golive does not know as a registration: the
    route may be registered by another package's wrapper, which golive does not follow. A
    fact for `helper_undecided` (could not tell where no route was found)."""
    for arg in args:
        if arg.kind() == "interpreted_string_literal" and _HEALTH_PATH.match(arg.text()):
            text = (
                f"passes {arg.text()} to {receiver}.{name}, which golive does not follow "
                "(a registration wrapped in another package?)"
            )
            f.undecided(HEALTH, call, text)
            return


def _on_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if "routes" not in gates:
        return False
    if name == "Heartbeat":
        _add(f, hr.from_heartbeat(f, call), call)
    elif name in rules().route_methods:
        rows = rt.from_call(f, call, receiver, name, args)
        _add(f, rows, call)
        if not rows:
            _named_path(f, call, args)
    elif path is None and receiver:  # a method of a value, not a package's function
        _passed_on(f, call, receiver, name, args)
    return False  # a registration call may also be a query (`db.Get`): later gates look too


def _add(f: File, rows: list[rt.Route], at: SgNode) -> None:
    if not rows:
        return
    r = rules()
    for row, where in rt.expand(f, rows, at):
        if row.unknown and not row.prefix_only:
            named_health = [u for u in row.unknown if _HEALTH_NAME.search(u)]
            if named_health:
                # A path named like a health route but defined out of sight (ory's
                # AliveCheckPath, nats-server's basePath(HealthzPath)): not shown, not absent.
                _unfollowed(f, where, named_health[0])
            continue
        segments = {s.lower() for s in row.path.replace("?", "/").split("/") if s}  # [/?]
        if segments & r.route_segments:
            f.add(HEALTH, where, POS, **row.facts())
        elif segments & r.metrics_segments and rt.exposition(row.path):
            f.add(METRICS, where, POS, **row.facts())


def _on_compare(f: File, node: SgNode) -> None:
    _add(f, hr.from_compare(f, node), node)


def _on_switch(f: File, node: SgNode) -> None:
    for rows, case in hr.from_switch(f, node):
        _add(f, rows, case)


def _on_selector(f: File, node: SgNode) -> None:
    if f.aliases(hr.REST):
        _add(f, hr.from_ping(f, node), node)


def _shown(e: Evidence) -> str:
    """The literal as written (`GET /healthz`), or the effective path when a prefix or a
    caller made it (`/api/ping/` for `.GET("/", h)` in `Group("/api/ping")`)."""
    route, path = str(e.facts.get("route", "")), str(e.facts.get("path", ""))
    return route if not path or route.endswith(path) else path


def _sum_health(items: list[Evidence], notes: list[str]) -> str:
    if not items:
        return "no health/readiness route registration found"
    routes = sorted({_shown(e) for e in items})
    return f"{n(len(items), 'health route')} registered: {', '.join(routes[:5])}"


# --------------------------------------------------------------------------- gRPC health

#: The gRPC health service (grpc_health_v1): what Kubernetes' `grpc:` probes and
#: grpc_health_probe ask. Not an HTTP route (the contract's evidence), but a health endpoint:
#: where no route was found the result is "could not tell", naming the registration
#: (microservices-demo's checkoutservice was "missing").
GRPC_HEALTH = "google.golang.org/grpc/health/grpc_health_v1"


def _grpc_health_rule(f: File) -> RulePart:
    calls = [rf"{alt(f.aliases(GRPC_HEALTH))}\.RegisterHealthServer"]
    return RulePart(calls=calls, where=calls)


def _grpc_health_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if path != GRPC_HEALTH or name != "RegisterHealthServer":
        return False
    if "grpc_health" in gates:
        text = (
            "registers the gRPC health service, which gRPC probes ask (a gateway may serve it "
            "over HTTP too; golive does not follow either)"
        )
        f.undecided(HEALTH, call, text)
    return True


CHECK = Check(
    detectors=(
        Detector(HEALTH, _sum_health, grouped=False),
        Detector(METRICS, generic("/metrics route", "no metrics library or /metrics route found")),
    ),
    gates=(
        Gate(
            "routes",
            (HEALTH, METRICS),
            _opens,
            _rule,
            needs_words=False,
            on_call=_on_call,
            on_node={
                "binary_expression": _on_compare,
                "expression_switch_statement": _on_switch,
                "selector_expression": _on_selector,
            },
        ),
        Gate(
            "grpc_health",
            (HEALTH,),
            lambda seen: (
                GRPC_HEALTH in seen.f.names and seen.via(GRPC_HEALTH, "RegisterHealthServer")
            ),
            _grpc_health_rule,
            code_words=lambda r: ("RegisterHealthServer",),
            packages={GRPC_HEALTH: "grpc_health_v1"},
            on_call=_grpc_health_call,
        ),
    ),
)
