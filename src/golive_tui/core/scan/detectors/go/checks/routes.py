"""Routes registered in code: go.http.health_endpoints (`/healthz`, `/readyz`...) and the
`/metrics` route of go.metrics (whose libraries are import rules in go_rules.toml)."""

from __future__ import annotations

import re
from functools import cache

from ast_grep_py import SgNode

from golive_tui.core.model import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import rules, trie
from golive_tui.core.scan.detectors.go.summaries import generic, n
from golive_tui.core.scan.detectors.go.tree import POS, File, string_value

HEALTH = "go.http.health_endpoints"
METRICS = "go.metrics"

_HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT"})


@cache
def _route_word() -> re.Pattern[str]:
    """A route path segment anywhere in the text (string contents: the parse later proves it
    is a registration's argument)."""
    r = rules()
    return re.compile(rf"/{trie(r.route_segments | r.metrics_segments)}\b")


@cache
def _where() -> str:
    """A route segment after `/` or `?`, in any case (as routes are compared)."""
    r = rules()
    return rf"(?i:[/?]{trie(r.route_segments | r.metrics_segments)})"


def _opens(seen: Seen) -> bool:
    return _route_word().search(seen.f.text) is not None


def _rule(f: File) -> RulePart:
    # Any registration call matches, but only one with a route literal counts.
    methods = "|".join(sorted(rules().route_methods))
    return RulePart(calls=[rf"(?:.+\.)?(?:{methods})"], where=[_where()])


def _on_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if "routes" in gates and name in rules().route_methods:
        _route(f, call, args)
    return False  # a registration call may also be a query (`db.Get`): later gates look too


def _route(f: File, call: SgNode, args: list[SgNode]) -> None:
    """A registration call: its path literal is the first argument, or the second after a
    method (`router.Handle("GET", "/healthz", h)`); a handler argument must follow."""
    r = rules()
    if len(args) < 2:
        return
    route = string_value(args[0])
    rest = args[1:]
    if (route is not None and route.upper() in _HTTP_METHODS) or (
        route is None
        and args[0].kind() == "selector_expression"
        and args[0].text().split(".")[-1].startswith("Method")
    ):
        route = string_value(args[1])
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


def _sum_health(items: list[Evidence], notes: list[str]) -> str:
    if not items:
        return "no health/readiness route registration found"
    routes = sorted({str(e.facts.get("route", "")) for e in items})
    return f"{n(len(items), 'health route')} registered: {', '.join(routes[:5])}"


CHECK = Check(
    detectors=(
        Detector(HEALTH, _sum_health, grouped=False),
        Detector(METRICS, generic("/metrics route", "no metrics library or /metrics route found")),
    ),
    gates=(Gate("routes", (HEALTH, METRICS), _opens, _rule, needs_words=False, on_call=_on_call),),
)
