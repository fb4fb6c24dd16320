"""net/http servers and clients: graceful shutdown and client timeouts
(go.http.graceful_shutdown, go.http.client_timeout); server timeouts are `timeouts.py`, body
limits `bodies.py`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, cast

from golive_tui.core.evidence import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import Rules, alt, rules
from golive_tui.core.scan.detectors.go.summaries import n, split, with_notes
from golive_tui.core.scan.detectors.go.tree import (
    CON,
    POS,
    File,
    assigned_name,
    call_parts,
    enclosing_function,
    field_nodes,
)
from golive_tui.core.scan.detectors.go.values import duration, evaluate

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import Config, SgNode

SHUTDOWN = "go.http.graceful_shutdown"
SIGTERM = "go.signal.sigterm"  # a shutdown helper's call is a fact of both (`File.undecided`)
CLIENT = "go.http.client_timeout"

#: Below this an outbound timeout is a unit mistake (`Timeout: 5` is 5ns), not a budget.
MIN_CLIENT_TIMEOUT_NS = 1e6
_SERVE = ("ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS")
_DEFAULT_CLIENT_CALLS = ("Get", "Head", "Post", "PostForm")
_HTTP = {"net/http": "http"}


def _http(f: File) -> str:
    return alt(f.aliases("net/http"))


# --------------------------------------------------------------------------- graceful shutdown


def _shutdown_words(r: Rules) -> tuple[str, ...]:
    """`Shutdown` and the frameworks' shutdown methods (go_rules.toml framework_shutdown)."""
    methods = {m for entry in r.framework_shutdown.values() for m in entry[1:]}
    return ("Shutdown", *sorted(methods - {"Shutdown"}))


@cache
def _opening() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """What opens the shutdown gates, built once: (shutdown words, framework paths, helper
    paths). The gates' `opens` run on every Go file with trigger words (moby: 598): set
    operations only (building these per file was ~10 ms of a cold scan)."""
    r = rules()
    return (
        frozenset(_shutdown_words(r)),
        frozenset(r.framework_shutdown),
        frozenset(r.shutdown_helpers),
    )


def _shutdown_opens(seen: Seen) -> bool:
    words, frameworks, _helpers = _opening()
    if words.isdisjoint(seen.words):
        return False
    f = seen.f
    return bool(f.aliases("net/http")) or not frameworks.isdisjoint(f.names)


def _shutdown_rule(f: File) -> RulePart:
    # A bare `Shutdown(...)` matches too but never counts (no receiver).
    http = _http(f)
    names = "|".join(_shutdown_words(rules()))
    return RulePart(
        calls=[rf"(?:.+\.)?(?:{names})"],
        extra=[{"kind": "qualified_type", "regex": rf"^{http}\.Server$"}],
        where=[rf"\.(?:{names})", rf"{http}\.Server"],
    )


def _framework_app(f: File, receiver: str) -> str | None:
    """The framework whose app `receiver` holds, as this file shows it (built with the
    package's New, or declared with its app type), or None."""
    name = re.escape(receiver.rsplit(".", 1)[-1])
    for path, (typ, *_methods) in rules().framework_shutdown.items():
        aliases = {a for a in f.aliases(path) if a not in ("_", ".")}
        if not aliases:
            continue
        pkg = alt(aliases)
        built = rf"\b{name}\s*:?=\s*&?{pkg}\.New\(|\b{name}\s+\*?{pkg}\.{typ}\b"
        if re.search(built, f.text):
            return path
    return None


def _shutdowns(f: File, by_kind: Mapping[str, list[SgNode]]) -> None:
    """`.Shutdown(ctx)` counts only on a receiver this file shows to be an http.Server."""
    known: set[str] = set()
    factories: set[str] = set()
    for qt in by_kind.get("qualified_type", []):
        _server_names(qt, known, factories)
    if factories:
        for call in f.whole().find_all(  # callers may be anywhere in the file
            cast(
                "Config",
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
            assigned = assigned_name(call)
            if assigned:
                known.add(assigned[0].rsplit(".", 1)[-1])
    words = _opening()[0]
    for call in by_kind.get("call_expression", []):
        receiver, name, _args = call_parts(call)
        if name not in words or not receiver:
            continue
        if name == "Shutdown" and receiver.rsplit(".", 1)[-1] in known:
            f.add(SHUTDOWN, call, POS)
            continue
        framework = _framework_app(f, receiver)
        if framework is not None:
            # Not an http.Server (the contract's evidence), but it shuts one down: the
            # result found nothing else is "could not tell" (fiber-go-template, echo).
            text = (
                f"calls {receiver}.{name} on a {framework} app, which shuts its server down "
                "gracefully by the framework's documentation (golive does not read it)"
            )
            f.undecided(SHUTDOWN, call, text)
        elif name == "Shutdown":
            f.note(SHUTDOWN, call, f"Shutdown on {receiver}, not known to be an http.Server")


def _server_names(qt: SgNode, known: set[str], factories: set[str]) -> None:
    """Names an `http.Server` type use shows to hold a server, and functions returning one."""
    node = qt
    parent = node.parent()
    if parent is not None and parent.kind() == "pointer_type":
        node, parent = parent, parent.parent()
    if parent is None:
        return
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
        assigned = assigned_name(parent)
        if assigned:
            known.add(assigned[0].rsplit(".", 1)[-1])
        func = enclosing_function(parent)
        if func is not None and func.kind() != "func_literal" and _returns(parent):
            _add_name(factories, func)


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


def _sum_shutdown(items: list[Evidence], notes: list[str]) -> str:
    base = (
        f"{n(len(items), 'Shutdown call')} on an http.Server"
        if items
        else "no Shutdown call on an http.Server found"
    )
    return with_notes(
        base,
        notes,
        "Shutdown call on a receiver not known to be http.Server",
        "Shutdown calls on receivers not known to be http.Server",
    )


# --------------------------------------------------------------------------- shutdown helpers
# A library function that shuts a server down on SIGTERM (go_rules.toml `shutdown_helpers`):
# golive does not read the library, so its call is shown and a person confirms (could not
# tell), never "no Shutdown call found": `routing.GracefulShutdown(hs, ...)` was two
# "missing" verdicts on a service that shuts down gracefully.


def _helper_opens(seen: Seen) -> bool:
    _words, _frameworks, helpers = _opening()
    if helpers.isdisjoint(seen.f.names):  # most files import no helper library
        return False
    return any(seen.via(path, *names) for path, names in rules().shutdown_helpers.items())


def _helper_rule(f: File) -> RulePart:
    calls = []
    for path, names in rules().shutdown_helpers.items():
        aliases = f.aliases(path)
        if aliases:
            calls.append(rf"{alt(aliases)}\.(?:{'|'.join(names)})")
    return RulePart(calls=calls, where=calls)


def _helper_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if path is None or name not in rules().shutdown_helpers.get(path, ()):
        return False
    if "shutdown_helper" in gates:
        text = (
            f"leaves the shutdown to {receiver}.{name}, which by its library's documentation "
            "stops the server on SIGTERM (golive does not read the library)"
        )
        for detector in (SHUTDOWN, SIGTERM):
            f.undecided(detector, call, text)
    return True


HELPER_GATE = Gate(
    "shutdown_helper",
    (SHUTDOWN,),  # its call is SIGTERM's fact too (`_helper_call`); a file it cannot read is not
    _helper_opens,
    _helper_rule,
    code_words=lambda r: sorted({name for names in r.shutdown_helpers.values() for name in names}),
    on_call=_helper_call,
)


SHUTDOWN_GATE = Gate(
    "shutdown",
    (SHUTDOWN,),
    _shutdown_opens,
    _shutdown_rule,
    code_words=_shutdown_words,
    packages=_HTTP,
    after=_shutdowns,
)


# --------------------------------------------------------------------------- client timeouts


def _client_rule(f: File) -> RulePart:
    http = _http(f)
    return RulePart(
        calls=[rf"{http}\.(?:Get|Head|Post|PostForm)"],
        literals=[rf"{http}\.Client"],
        assigns=["Timeout"],  # read only next to a literal (same function)
        extra=[{"kind": "selector_expression", "regex": rf"^{http}\.DefaultClient$"}],
        where=[rf"{http}\.(?:Get|Head|Post|Client|DefaultClient)"],
    )


def _client_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if path != "net/http" or name not in _DEFAULT_CLIENT_CALLS:
        return False
    if "client" in gates:
        f.add(CLIENT, call, CON, reason=f"http.{name} uses http.DefaultClient (no timeout)")
    return True


def _client_literal(
    f: File, lit: SgNode, pkg_path: str | None, typ: str, assignments: list[SgNode]
) -> bool:
    if pkg_path != "net/http" or typ != "Client":
        return False
    fields = field_nodes(lit, assignments)
    if "Timeout" not in fields:
        f.add(CLIENT, lit, CON, timeout=False, reason="http.Client without Timeout")
        return True
    value = evaluate(f, fields["Timeout"][1])
    if value.number is not None and value.number <= 0:
        why = f"http.Client Timeout is {duration(value.number)}: no timeout"
        f.add(CLIENT, lit, CON, timeout=False, reason=why, quality="contrary", why=why)
    elif value.number is not None and value.number < MIN_CLIENT_TIMEOUT_NS:
        why = f"http.Client Timeout is {duration(value.number)}: every call would fail (a unit mistake)"
        f.add(CLIENT, lit, CON, timeout=True, reason=why, quality="contrary", why=why)
    else:
        # A value from configuration is taken as set; the fact says it was not followed.
        f.add(CLIENT, lit, POS, timeout=True, value_known=value.number is not None)
    return True


def _default_client(f: File, sel: SgNode) -> None:
    f.add(CLIENT, sel, CON, reason="http.DefaultClient has no timeout")


def _sum_client(items: list[Evidence], notes: list[str]) -> str:
    pos, con = split(items)
    bad_value = [e for e in con if "why" in e.facts]
    no_timeout = [e for e in con if e.facts.get("timeout") is False and "why" not in e.facts]
    default = [e for e in con if "timeout" not in e.facts]
    parts = []
    if pos:
        parts.append(f"{n(len(pos), 'http.Client')} with Timeout")
    if no_timeout:
        parts.append(f"{n(len(no_timeout), 'http.Client')} without Timeout")
    if bad_value:
        parts.append(
            f"{n(len(bad_value), 'http.Client')} with a Timeout that is no budget "
            f"(first: {bad_value[0].facts['why']})"
        )
    if default:
        parts.append(f"{n(len(default), 'use')} of http.DefaultClient (http.Get/Post... or direct)")
    return "; ".join(parts) or "no outbound http.Client use found"


def _client_opens(seen: Seen) -> bool:
    return seen.via("net/http", "Client", "DefaultClient", *_DEFAULT_CLIENT_CALLS)


CLIENT_GATE = Gate(
    "client",
    (CLIENT,),
    _client_opens,
    _client_rule,
    code_words=lambda r: ("DefaultClient",),
    call_words=lambda r: _DEFAULT_CLIENT_CALLS,
    literal_words=lambda r: ("Client",),
    packages=_HTTP,
    on_call=_client_call,
    on_literal=_client_literal,
    on_node={"selector_expression": _default_client},
)


CHECK = Check(
    detectors=(
        Detector(SHUTDOWN, _sum_shutdown, grouped=False),
        Detector(CLIENT, _sum_client, grouped=False),
    ),
    gates=(SHUTDOWN_GATE, CLIENT_GATE, HELPER_GATE),
)
