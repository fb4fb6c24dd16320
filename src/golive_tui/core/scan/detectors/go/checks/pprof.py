"""go.pprof: profiling handlers served only where the public cannot reach them.

Importing net/http/pprof (blank or named) registers /debug/pprof/ on http.DefaultServeMux, so
the import *is* the exposure when the same package serves the default mux publicly: a
`http.ListenAndServe(addr, nil)`, an `http.Server` without a Handler, or application routes
added with `http.Handle`/`http.HandleFunc`. Each file notes what it does with the default mux
and where it mounts pprof handlers explicitly; the judge decides per import, with what the
other files of its package show:

- contrary: the package serves the default mux on an address that is not loopback (or not
  known), or registers application routes on it, or a pprof handler is mounted on a mux that
  also serves application routes;
- found: the default mux is served only on loopback addresses, or the handlers are mounted on a
  mux that holds only admin routes and is served by its own server in that file;
- could not tell (error): neither is visible - the summary says so.

The default mux on a non-loopback admin port (`http.ListenAndServe(":6060", nil)`) stays
contrary while an explicit admin mux on the same port is found: every package may register on
the default mux in its `init` (expvar, libraries), so serving it is serving whatever they add.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import Evidence, Polarity
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import alt, lazy
from golive_tui.core.scan.detectors.go.summaries import n
from golive_tui.core.scan.detectors.go.tree import (
    File,
    assigned_name,
    call_parts,
    field_nodes,
    string_value,
)

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

PPROF = "go.pprof"
PPROF_IMPORT = "net/http/pprof"

_SERVE_HANDLER_ARG = {"ListenAndServe": 1, "ListenAndServeTLS": 3, "Serve": 1, "ServeTLS": 1}
_ADMIN = lazy(r"^(?:[A-Z]+\s+)?/(?:debug|metrics|health|healthz|livez|readyz|ready|ping)\b")
_LOOPBACK = lazy(r"^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)(?::\d*)?$")


def _opens(seen: Seen) -> bool:
    return bool(seen.f.aliases(PPROF_IMPORT)) or seen.via(
        "net/http", "Server", "Handle", "HandleFunc", *_SERVE_HANDLER_ARG
    )


def _rule(f: File) -> RulePart:
    part = RulePart()
    if f.aliases("net/http"):
        http = alt(f.aliases("net/http"))
        part.calls.append(
            rf"{http}\.(?:ListenAndServe|ListenAndServeTLS|Serve|ServeTLS|Handle|HandleFunc)"
        )
        part.literals.append(rf"{http}\.Server")
        part.assigns.append("Handler")
        part.where.append(rf"{http}\.(?:ListenAndServe|Serve|Handle)")
    if f.aliases(PPROF_IMPORT):
        part.where.append(rf"\b{alt(f.aliases(PPROF_IMPORT))}\.")
    return part


def _address(f: File, node: SgNode | None) -> tuple[str, bool | None]:
    """(as written, whether it is loopback: None when not a literal)."""
    if node is None:
        return "", False  # no Addr: ":http", every interface
    text = string_value(node)
    if text is None:
        return node.text(), None
    return text, bool(_LOOPBACK().match(text))


def _record(f: File, by_kind: Mapping[str, list[SgNode]]) -> None:
    """Note this file's default-mux servers and routes, and its explicit pprof mounts."""
    facts = f.facts[PPROF]
    http_names = f.aliases("net/http")
    for call in by_kind.get("call_expression", []):
        receiver, name, args = call_parts(call)
        if receiver not in http_names:
            continue
        line = f.line(call.range().start.line)
        if name in _SERVE_HANDLER_ARG:
            at = _SERVE_HANDLER_ARG[name]
            if len(args) > at and args[at].text() in ("nil", f"{receiver}.DefaultServeMux"):
                addr, loop = _address(f, args[0]) if name.startswith("Listen") else ("", None)
                facts.setdefault("servers", []).append(
                    {"line": line, "what": f"http.{name}", "addr": addr, "loopback": loop}
                )
        elif name in ("Handle", "HandleFunc") and args:
            route = string_value(args[0])
            if route is not None and not _ADMIN().match(route):
                facts.setdefault("routes", []).append({"line": line, "route": route})
    assignments = list(by_kind.get("assignment_statement", []))
    for lit in by_kind.get("composite_literal", []):
        type_node = lit.field("type")
        pkg, _, typ = (type_node.text() if type_node else "").partition(".")
        if pkg not in http_names or typ != "Server":
            continue
        fields = field_nodes(lit, assignments)
        handler = fields.get("Handler")
        if handler is None and _handler_set_elsewhere(f, lit):
            continue
        if handler is None or handler[1].text().endswith("DefaultServeMux"):
            addr_field = fields.get("Addr")
            text, loop = _address(f, addr_field[1] if addr_field else None)
            # nats-server sets `Handler: http.DefaultServeMux` itself: say so, not "without"
            what = (
                "http.Server without Handler"
                if handler is None
                else "http.Server on DefaultServeMux"
            )
            facts.setdefault("servers", []).append(
                {
                    "line": f.line(lit.range().start.line),
                    "what": what,
                    "addr": text,
                    "loopback": loop,
                }
            )
    if f.aliases(PPROF_IMPORT):
        _mounts(f, facts)


def _handler_set_elsewhere(f: File, lit: SgNode) -> bool:
    """A server whose Handler this file assigns outside the literal's function
    (`s.srv.Handler = router` in another method) does not serve the default mux."""
    assigned = assigned_name(lit)
    if assigned is None:
        return False
    name = assigned[0].rsplit(".", 1)[-1]
    pattern = re.compile(rf"\b{re.escape(name)}\.Handler\s*=[^=]")
    return bool(f.once(("handler set", name), lambda: pattern.search(f.text) is not None))


def _mounts(f: File, facts: dict[str, Any]) -> None:
    """Where this file mounts pprof handlers by name, and what else each mux serves."""
    pprof = {n for n in f.aliases(PPROF_IMPORT) if n not in ("_", ".")}
    if not pprof:
        return
    uses = re.compile(rf"\b{alt(pprof)}\.\w")
    routes: dict[str, list[str]] = {}
    mounts: dict[str, int] = {}
    served: dict[str, tuple[str, bool | None]] = {}
    root = f.whole()
    for call in root.find_all(kind="call_expression"):
        receiver, name, args = call_parts(call)
        if not receiver or not args:
            continue
        route = string_value(args[0])
        if route is not None and len(args) >= 2:
            if uses.search(" ".join(a.text() for a in args[1:])):
                mounts.setdefault(receiver, f.line(call.range().start.line))
            elif not _ADMIN().match(route):
                routes.setdefault(receiver, []).append(route)
        if name in ("ListenAndServe", "ListenAndServeTLS") and len(args) >= 2:
            served[args[1].text()] = _address(f, args[0])
    for lit in root.find_all(kind="composite_literal", regex=r"^&?\w+\.Server\s*\{"):
        fields = field_nodes(lit, [])
        if "Handler" in fields:
            addr_field = fields.get("Addr")
            served[fields["Handler"][1].text()] = _address(f, addr_field[1] if addr_field else None)
    out = []
    for mux, line in sorted(mounts.items(), key=lambda m: m[1]):
        addr, loop = served.get(mux, ("", None))
        out.append(
            {
                "line": line,
                "mux": mux,
                "other_routes": routes.get(mux, [])[:5],
                "served": mux in served,
                "addr": addr,
                "loopback": loop,
            }
        )
    if out:
        facts["mounts"] = out


# --------------------------------------------------------------------------- judgement


def _folder(path: str) -> str:
    return path.rpartition("/")[0]


def _verdict(e: Evidence, facts: Mapping[str, Any]) -> tuple[Polarity, str, str]:
    """(polarity, quality, why) of one pprof import, from its package's files."""
    folder = _folder(e.path)
    package = {p: v for p, v in facts.items() if _folder(p) == folder}
    public = [
        f"{p}:{s['line']} ({s['what']}{' on ' + s['addr'] if s['addr'] else ''})"
        for p, v in package.items()
        for s in v.get("servers", [])
        if not s.get("loopback")
    ]
    routes = [
        f"{p}:{r['line']} ({r['route']})" for p, v in package.items() for r in v.get("routes", [])
    ]
    if public:
        return (
            Polarity.CONTRARY,
            "contrary",
            "net/http/pprof registers /debug/pprof/ on http.DefaultServeMux, which "
            f"{public[0]} serves on a public or unknown address",
        )
    if routes:
        return (
            Polarity.CONTRARY,
            "contrary",
            "net/http/pprof registers /debug/pprof/ on http.DefaultServeMux, which also "
            f"carries application routes ({routes[0]})",
        )
    mounts = facts.get(e.path, {}).get("mounts", [])
    mixed = [m for m in mounts if m["other_routes"]]
    if mixed:
        m = mixed[0]
        return (
            Polarity.CONTRARY,
            "contrary",
            f"pprof handlers mounted at line {m['line']} on {m['mux']}, which also serves "
            f"{m['other_routes'][0]}",
        )
    loopback = [s for v in package.values() for s in v.get("servers", []) if s.get("loopback")]
    if loopback:
        return Polarity.POSITIVE, "complete", f"default mux served only on {loopback[0]['addr']}"
    admin = [m for m in mounts if m["served"] and not m["other_routes"]]
    if mounts and len(admin) == len(mounts):
        where = admin[0]["addr"] or "its own server"
        return (
            Polarity.POSITIVE,
            "complete",
            f"pprof handlers mounted on {admin[0]['mux']}, an admin-only mux served on {where}",
        )
    return (
        Polarity.POSITIVE,
        "unknown",
        "could not tell which listener serves the pprof handlers (no server of theirs in the "
        "package)",
    )


def _judge(
    items: list[Evidence],
    facts: Mapping[str, Any],
    all_paths: tuple[str, ...],
    notes: list[str],
) -> list[Evidence]:
    out = []
    for e in items:
        polarity, quality, why = _verdict(e, facts)
        out.append(e._replace(polarity=polarity, facts={**e.facts, "quality": quality, "why": why}))
    return out


def _summary(items: list[Evidence], notes: list[str]) -> str:
    if not items:
        return "net/http/pprof not imported"
    base = f"net/http/pprof imported in {n(len(items), 'file')}"
    exposed = [e for e in items if e.polarity is Polarity.CONTRARY]
    unknown = [e for e in items if e.facts.get("quality") == "unknown"]
    if exposed:
        return f"{base}; exposed: {exposed[0].facts['why']}"
    if unknown:
        return f"{base}; {unknown[0].facts['why']}"
    return f"{base}; {items[0].facts.get('why', '')}"


CHECK = Check(
    detectors=(Detector(PPROF, _summary, grouped=False, judge=_judge),),
    gates=(
        Gate(
            "pprof",
            (PPROF,),
            _opens,
            _rule,
            code_words=lambda r: ("ListenAndServe", "ListenAndServeTLS", "Handle", "HandleFunc"),
            call_words=lambda r: ("Serve", "ServeTLS"),
            literal_words=lambda r: ("Server",),
            packages={"net/http": "http", PPROF_IMPORT: "pprof"},
            needs_words=False,  # explicit mounts (`pprof.Index`) carry no trigger word
            after=_record,
        ),
    ),
)
