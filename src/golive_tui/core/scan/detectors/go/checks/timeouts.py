"""go.http.server_timeouts: every http.Server sets a read (header) timeout, a write timeout and
an idle timeout, each to a value that is known and not trivially small.

Presence is not the practice: `ReadHeaderTimeout: 5` is five nanoseconds, `0` is no timeout,
and `cfg.ReadTimeout` is unknown unless this file shows its default. One literal gives one
positive item when everything holds; otherwise its good part (if any) stays positive and each
missing, trivial or unknown field is a contrary item that says exactly why (so the result is
partial), and a literal with nothing right is one contrary item listing every problem.
"""

from __future__ import annotations

from typing import Any

from ast_grep_py import SgNode

from golive_tui.core.model import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart
from golive_tui.core.scan.detectors.go.rules import alt
from golive_tui.core.scan.detectors.go.summaries import n, split
from golive_tui.core.scan.detectors.go.tree import (
    CON,
    POS,
    File,
    field_nodes,
)
from golive_tui.core.scan.detectors.go.values import duration, evaluate

TIMEOUTS = "go.http.server_timeouts"

_TIMEOUT_FIELDS = ("ReadHeaderTimeout", "ReadTimeout", "WriteTimeout", "IdleTimeout")
_SERVE = ("ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS")
#: Below this a server timeout cuts legitimate requests or is a unit mistake (5 = 5ns).
MIN_TIMEOUT_NS = 1e9


def _rule(f: File) -> RulePart:
    http = alt(f.aliases("net/http"))
    return RulePart(
        calls=[rf"{http}\.(?:ListenAndServe|ListenAndServeTLS|Serve|ServeTLS)"],
        literals=[rf"{http}\.Server"],
        assigns=list(_TIMEOUT_FIELDS),  # read only next to a literal (same function)
        where=[rf"{http}\.(?:ListenAndServe|Serve)"],  # Serve covers Server
    )


def _server_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if path != "net/http" or name not in _SERVE:
        return False
    if "server" in gates:
        why = f"http.{name} runs a server without timeouts"
        f.add(TIMEOUTS, call, CON, fields=[], reason=why, quality="contrary", why=why)
    return True


def _judge_field(f: File, name: str, value: SgNode) -> tuple[bool, str, str]:
    """(good, quality, why) for one timeout field's value."""
    v = evaluate(f, value)
    if v.number is None:
        return (
            False,
            "unknown",
            f"{name} value comes from {v.source}, not followed: cannot tell it is a real timeout",
        )
    if v.number <= 0:
        return False, "contrary", f"{name} is {duration(v.number)}: no timeout"
    if v.number < MIN_TIMEOUT_NS:
        unit = " (an untyped constant counts nanoseconds)" if "time." not in value.text() else ""
        return (
            False,
            "contrary",
            f"{name} is {duration(v.number)}{unit}, below {duration(MIN_TIMEOUT_NS)}",
        )
    return True, "complete", f"{name} {duration(v.number)}"


def _server_literal(
    f: File, lit: SgNode, pkg_path: str | None, typ: str, assignments: list[SgNode]
) -> bool:
    if pkg_path != "net/http" or typ != "Server":
        return False
    nodes = field_nodes(lit, assignments)
    set_fields = [name for name in _TIMEOUT_FIELDS if name in nodes]
    good: dict[str, str] = {}
    problems: list[tuple[SgNode, str, str]] = []  # (where, quality, why)
    unknown: set[str] = set()
    for name in set_fields:
        where, value = nodes[name]
        ok, quality, why = _judge_field(f, name, value)
        if ok:
            good[name] = why
        else:
            problems.append((where, quality, why))
            if quality == "unknown":
                unknown.add(name)
    if "ReadHeaderTimeout" not in nodes and "ReadTimeout" not in nodes:
        problems.append((lit, "contrary", "neither ReadHeaderTimeout nor ReadTimeout is set"))
    for name in ("WriteTimeout", "IdleTimeout"):
        if name not in nodes:
            problems.append((lit, "contrary", f"{name} is not set"))
    # The literal stands for "a read timeout is set": positive when one is good or at least
    # set to a value that is not followed (then partial, never found: the problem says why).
    read_set = bool({"ReadHeaderTimeout", "ReadTimeout"} & (set(good) | unknown))
    facts: dict[str, Any] = {"fields": set_fields}
    if not problems:
        f.add(TIMEOUTS, lit, POS, **facts, quality="complete", why=", ".join(good.values()))
    elif not read_set:
        why = "; ".join(p[2] for p in problems)
        f.add(TIMEOUTS, lit, CON, **facts, quality="contrary", why=why)
    else:
        f.add(TIMEOUTS, lit, POS, **facts, quality="partial", why=", ".join(good.values()))
        for where, q, why in problems:
            f.add(TIMEOUTS, where, CON, **facts, quality=q, why=why)
    return True


def _summary(items: list[Evidence], notes: list[str]) -> str:
    pos, con = split(items)
    complete = [e for e in pos if e.facts.get("quality") == "complete"]
    package_calls = [e for e in con if "reason" in e.facts]
    problems = [e for e in con if "reason" not in e.facts]
    unknown = [e for e in problems if e.facts.get("quality") == "unknown"]
    parts = []
    if complete:
        parts.append(f"{n(len(complete), 'http.Server literal')} set read, write and idle timeouts")
    if problems:
        first = str(problems[0].facts.get("why", ""))
        parts.append(f"{n(len(problems), 'timeout problem')} (first: {first})")
    if unknown:
        parts.append(f"{len(unknown)} of them from values not followed")
    if package_calls:
        parts.append(
            f"{n(len(package_calls), 'package-level ListenAndServe/Serve call')} (no timeouts possible)"
        )
    return "; ".join(parts) or "no http.Server literal found"


CHECK = Check(
    detectors=(Detector(TIMEOUTS, _summary, grouped=False),),
    gates=(
        Gate(
            "server",
            (TIMEOUTS,),
            lambda seen: seen.via("net/http", "Server", *_SERVE),
            _rule,
            code_words=lambda r: ("ListenAndServe", "ListenAndServeTLS"),
            call_words=lambda r: ("Serve", "ServeTLS"),
            literal_words=lambda r: ("Server",),
            packages={"net/http": "http"},
            on_call=_server_call,
            on_literal=_server_literal,
        ),
    ),
)
