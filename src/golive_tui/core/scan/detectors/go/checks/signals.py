"""go.signal.sigterm: a signal.Notify / NotifyContext registration that includes SIGTERM."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import alt
from golive_tui.core.scan.detectors.go.summaries import n, split, with_notes
from golive_tui.core.scan.detectors.go.tree import (
    CON,
    POS,
    File,
    call_parts,
    callers,
    definitions,
    enclosing_function,
    named,
    parameter_position,
)

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

SIGTERM = "go.signal.sigterm"

_SIGNAL_PACKAGES = frozenset({"os", "syscall", "golang.org/x/sys/unix", "golang.org/x/sys/windows"})


def _opens(seen: Seen) -> bool:
    return seen.via("os/signal", "Notify", "NotifyContext")


def _rule(f: File) -> RulePart:
    signal = alt(f.aliases("os/signal"))
    return RulePart(calls=[rf"{signal}\.(?:Notify|NotifyContext)"], where=[rf"{signal}\.Notify"])


def _on_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if path != "os/signal":
        return False
    if name in ("Notify", "NotifyContext") and "signal" in gates:
        _signal(f, call, args[1:])
    return True


def _signal(f: File, call: SgNode, sig_args: list[SgNode]) -> None:
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


def _resolve_signals(
    f: File, node: SgNode, written: list[str], unresolved: list[str], depth: int
) -> None:
    """Flatten a signal argument into the signals as written, following locals, slices,
    `append` and the callers of an enclosing function's parameter (same file, bounded depth)."""
    kind = node.kind()
    if depth > 4:
        unresolved.append(node.text())
        return
    if kind in ("variadic_argument", "parenthesized_expression"):
        for child in named(node):
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
        for elem in named(body):
            for child in named(elem):
                _resolve_signals(f, child, written, unresolved, depth + 1)
        return
    if kind == "call_expression":
        receiver, name, args = call_parts(node)
        if not receiver and name == "append":
            for arg in args:
                _resolve_signals(f, arg, written, unresolved, depth + 1)
            return
        unresolved.append(node.text())
        return
    if kind == "identifier":
        name = node.text()
        func = enclosing_function(node)
        defs = definitions(func, name) if func is not None else []
        if not defs:
            defs = definitions(f.whole(), name)
        if defs:
            for d in defs:
                _resolve_signals(f, d, written, unresolved, depth + 1)
            return
        while func is not None:
            position = parameter_position(func, name)
            if position is not None:
                index, variadic = position
                sites = callers(f.whole(), func)
                if not sites:
                    break
                for caller in sites:
                    args = call_parts(caller)[2]
                    for arg in args[index:] if variadic else args[index : index + 1]:
                        _resolve_signals(f, arg, written, unresolved, depth + 1)
                return
            func = enclosing_function(func)
    unresolved.append(node.text())


def _summary(items: list[Evidence], notes: list[str]) -> str:
    pos, con = split(items)
    parts = []
    if pos:
        relay_all = sum(1 for e in pos if e.facts.get("all_signals"))
        text = f"{n(len(pos), 'signal registration')} include{'s' if len(pos) == 1 else ''} SIGTERM"
        if relay_all:
            text += f" ({relay_all} relay{'s' if relay_all == 1 else ''} every signal)"
        parts.append(text)
    if con:
        parts.append(f"{n(len(con), 'registration')} without SIGTERM")
    base = "; ".join(parts) or "no signal.Notify / signal.NotifyContext call found"
    return with_notes(
        base,
        notes,
        "registration with signals not traceable in the same file",
        "registrations with signals not traceable in the same file",
    )


CHECK = Check(
    detectors=(Detector(SIGTERM, _summary, grouped=False),),
    gates=(
        Gate(
            "signal",
            (SIGTERM,),
            _opens,
            _rule,
            code_words=lambda r: ("Notify", "NotifyContext"),
            packages={"os/signal": "signal"},
            on_call=_on_call,
        ),
    ),
)
