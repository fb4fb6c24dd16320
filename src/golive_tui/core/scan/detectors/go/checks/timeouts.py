"""go.http.server_timeouts: every http.Server sets a read (header) timeout, a write timeout and
an idle timeout, each to a value that is known and not trivially small.

Presence is not the practice: `ReadHeaderTimeout: 5` is five nanoseconds, `0` is no timeout,
and `cfg.ReadTimeout` is unknown unless this file shows its default. One literal gives one
positive item when everything holds; otherwise its good part (if any) stays positive and each
missing, trivial or unknown field is a contrary item that says exactly why (so the result is
partial), and a literal with nothing right is one contrary item listing every problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import Evidence, Polarity
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import alt, lazy, rules
from golive_tui.core.scan.detectors.go.summaries import n, split
from golive_tui.core.scan.detectors.go.tree import (
    CON,
    POS,
    File,
    enclosing_function,
    field_nodes,
    named,
)
from golive_tui.core.scan.detectors.go.values import duration, evaluate

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

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


def _judge_field(f: File, name: str, value: SgNode) -> tuple[bool, str, str, dict[str, str]]:
    """(good, quality, why, how to follow it in other files) for one timeout field's value."""
    v = evaluate(f, value)
    if v.number is None:
        why = f"{name} value comes from {v.source}, not followed: cannot tell it is a real timeout"
        return False, "unknown", why, _follow(value)
    ok, quality, why = judge_value(name, v.number, "time." not in value.text())
    return ok, quality, why, {}


def judge_value(name: str, ns: float, untyped: bool) -> tuple[bool, str, str]:
    """(good, quality, why) for a known value."""
    if ns <= 0:
        return False, "contrary", f"{name} is {duration(ns)}: no timeout"
    if ns < MIN_TIMEOUT_NS:
        unit = " (an untyped constant counts nanoseconds)" if untyped else ""
        return (
            False,
            "contrary",
            f"{name} is {duration(ns)}{unit}, below {duration(MIN_TIMEOUT_NS)}",
        )
    return True, "complete", f"{name} {duration(ns)}"


def _follow(value: SgNode) -> dict[str, str]:
    """What another file could define for this value: a constant of the package (`readTO`)
    or a struct field given a default in a keyed literal (`cfg.HTTP.ReadTimeout`)."""
    node = value
    while node.kind() == "literal_element" and len(named(node)) == 1:
        node = named(node)[0]
    if node.kind() == "identifier":
        return {"follow_kind": "const", "follow_name": node.text()}
    if node.kind() == "selector_expression":
        fld = node.field("field")
        if fld is not None:
            return {"follow_kind": "field", "follow_name": fld.text()}
    return {}


def _server_literal(
    f: File, lit: SgNode, pkg_path: str | None, typ: str, assignments: list[SgNode]
) -> bool:
    if pkg_path != "net/http" or typ != "Server":
        return False
    nodes = field_nodes(lit, assignments)
    set_fields = [name for name in _TIMEOUT_FIELDS if name in nodes]
    good: dict[str, str] = {}
    # (where, quality, why, extra facts: the field and how to follow its value)
    problems: list[tuple[SgNode, str, str, dict[str, str]]] = []
    unknown: set[str] = set()
    for name in set_fields:
        where, value = nodes[name]
        ok, quality, why, follow = _judge_field(f, name, value)
        if ok:
            good[name] = why
        else:
            problems.append((where, quality, why, {"field": name, **follow}))
            if quality == "unknown":
                unknown.add(name)
    if "ReadHeaderTimeout" not in nodes and "ReadTimeout" not in nodes:
        problems.append((lit, "contrary", "neither ReadHeaderTimeout nor ReadTimeout is set", {}))
    for name in ("WriteTimeout", "IdleTimeout"):
        if name not in nodes:
            # net/http: a zero IdleTimeout uses ReadTimeout (a zero ReadTimeout is its own problem)
            if name == "IdleTimeout" and ("ReadTimeout" in good or "ReadTimeout" in unknown):
                continue
            problems.append((lit, "contrary", f"{name} is not set", {}))
    # The literal stands for "a read timeout is set": positive when one is good or at least
    # set to a value that is not followed (then partial, never found: the problem says why).
    read_set = bool({"ReadHeaderTimeout", "ReadTimeout"} & (set(good) | unknown))
    facts: dict[str, Any] = {"fields": set_fields, "literal": f.line(lit.range().start.line)}
    wrapper = _defaults_wrapper(f, lit) if problems else ""
    if wrapper:
        why = (
            f"the server is handed to {wrapper}, which fills in the timeouts it leaves at zero "
            "by its library's documentation (golive does not read the library)"
        )
        # Contrary, as the scan contract has a literal setting neither read timeout, but of
        # unknown quality: the result is "could not tell" (extractor._status), not contrary.
        f.add(TIMEOUTS, lit, CON, **facts, wrapper=wrapper, quality="unknown", why=why)
        return True
    if not problems:
        f.add(TIMEOUTS, lit, POS, **facts, quality="complete", why=", ".join(good.values()))
    elif not read_set:
        why = "; ".join(p[2] for p in problems)
        f.add(TIMEOUTS, lit, CON, **facts, quality="contrary", why=why)
    else:
        f.add(TIMEOUTS, lit, POS, **facts, quality="partial", why=", ".join(good.values()))
        for where, q, why, extra in problems:
            f.add(TIMEOUTS, where, CON, **facts, **extra, quality=q, why=why)
    return True


def _defaults_wrapper(f: File, lit: SgNode) -> str:
    """`pkg.Func` when the literal is an argument of a call of go_rules.toml's
    server_defaults (`graceful.WithDefaults(&http.Server{...})`), else ""."""
    node = lit
    parent = node.parent()
    while parent is not None and parent.kind() in ("unary_expression", "parenthesized_expression"):
        node, parent = parent, parent.parent()
    if parent is None or parent.kind() != "argument_list":
        return ""
    call = parent.parent()
    func = call.field("function") if call is not None else None
    if func is None:
        return ""
    pkg, _, name = func.text().rpartition(".")
    for path, names in rules().server_defaults.items():
        if name in names and pkg in f.aliases(path):
            return func.text()
    return ""


# --------------------------------------------------------------------------- other files' values

_UNITS = frozenset({"Second", "Minute", "Hour", "Millisecond"})


_UNIT_WORD = r"\.(?:Second|Minute|Hour|Millisecond)\b"


#: A timeout named and given a literal-looking value (`ReadTimeout: 5`, `const
#: readTimeout = 10 * time.Second`), not read from elsewhere (`ReadTimeout: cfg.X`).
_DEFINES = lazy(
    r"[Tt]imeout\w*\s*(?:time\.Duration\s*)?[:=]\s*\(?\s*(?:\d|\w+\.(?:Second|Minute|Hour|Millisecond|Duration)\b)"
)


def _defs_opens(seen: Seen) -> bool:
    # Only files that define a timeout-named value: parsing every file that mentions
    # time.Second would cost the scan a third more. The pattern is asked only where its
    # `imeout` is: 74 of moby's 253 files with a unit compile nothing when one is edited
    # (~0.13 ms) and search no further.
    text = seen.f.text
    return bool(seen.words & _UNITS) and "imeout" in text and _DEFINES().search(text) is not None


def _defs_rule(f: File) -> RulePart:
    # Package-level constants and variables named like a timeout holding a duration
    # (`const readHeaderTimeout = 5 * time.Second`), and struct fields named like a timeout
    # given a value (an untyped 5 is 5ns there too).
    return RulePart(
        extra=[
            # (a plain class, not `(?i)` over the whole spec: that costs the rule 10x)
            {
                "any": [{"kind": "const_spec"}, {"kind": "var_spec"}],
                "has": {"field": "name", "regex": "[Tt]imeout|TIMEOUT"},
            },
            {"kind": "keyed_element", "regex": r"^\w*Timeout\s*:"},
        ],
        where=[r"(?i:timeout)\w*\s*(?::|=|\w)"],
    )


def _define(f: File, node: SgNode) -> None:
    """A constant, variable or struct-literal field named like a timeout, with a value that
    evaluates: what a `judge` can follow a config value into from another file."""
    facts = f.facts[TIMEOUTS]
    if node.kind() == "keyed_element":
        kids = named(node)
        if len(kids) != 2 or not kids[0].text().endswith("Timeout") or _in_server(node):
            return
        v = evaluate(f, kids[1])
        if v.number is not None:
            facts.setdefault("defaults", {}).setdefault(kids[0].text(), []).append(v.number)
        return
    if enclosing_function(node) is not None:
        return  # a function's own constant is no package constant
    names = [c.text() for c in node.field_children("name")]
    values = named(node.field("value"))
    if len(names) != len(values):
        return
    for name, value in zip(names, values, strict=True):
        if "timeout" in name.lower() and re.search(_UNIT_WORD, value.text()):
            v = evaluate(f, value)
            if v.number is not None:
                facts.setdefault("consts", {})[name] = v.number


def _in_server(keyed: SgNode) -> bool:
    """Whether a keyed element belongs to an http.Server literal (its own fields are no
    defaults of a configuration struct)."""
    for anc in keyed.ancestors():
        if anc.kind() == "composite_literal":
            t = anc.field("type")
            return t is not None and t.text().endswith(".Server")
    return False


def _judge(
    items: list[Evidence],
    facts: Mapping[str, Any],
    all_paths: tuple[str, ...],
    notes: list[str],
) -> list[Evidence]:
    """Follow values that one file could not: a package constant defined in another file of
    the same folder, or a config field given exactly one default anywhere in the repository."""
    consts: dict[str, dict[str, float]] = {}
    defaults: dict[str, set[float]] = {}
    for path, data in facts.items():
        consts.setdefault(path.rpartition("/")[0], {}).update(data.get("consts", {}))
        for name, values in data.get("defaults", {}).items():
            defaults.setdefault(name, set()).update(values)
    out: list[Evidence] = []
    followed: dict[tuple[str, Any], list[str]] = {}
    for e in items:
        kind, name = e.facts.get("follow_kind"), str(e.facts.get("follow_name", ""))
        value: float | None = None
        if kind == "const":
            value = consts.get(e.path.rpartition("/")[0], {}).get(name)
        elif kind == "field" and len(defaults.get(name, ())) == 1:
            value = next(iter(defaults[name]))
        if value is None:
            out.append(e)
            continue
        field = str(e.facts.get("field", ""))
        ok, quality, why = judge_value(field, value, False)
        why = f"{why} (from {name}, followed)"
        if ok:
            followed.setdefault((e.path, e.facts.get("literal")), []).append(why)
        else:
            out.append(e._replace(facts={**e.facts, "quality": quality, "why": why}))
    return [_complete(e, out, followed) for e in out]


def _complete(
    e: Evidence, items: list[Evidence], followed: Mapping[tuple[str, Any], list[str]]
) -> Evidence:
    """A literal's positive item once its followed values leave no problem behind."""
    key = (e.path, e.facts.get("literal"))
    if e.polarity is not Polarity.POSITIVE or key not in followed:
        return e
    open_problems = [
        x
        for x in items
        if x.polarity is Polarity.CONTRARY and (x.path, x.facts.get("literal")) == key
    ]
    why = ", ".join(w for w in (str(e.facts.get("why", "")), *followed[key]) if w)
    quality = "partial" if open_problems else "complete"
    return e._replace(facts={**e.facts, "quality": quality, "why": why})


def _summary(items: list[Evidence], notes: list[str]) -> str:
    pos, con = split(items)
    complete = [e for e in pos if e.facts.get("quality") == "complete"]
    package_calls = [e for e in con if "reason" in e.facts]
    problems = [e for e in con if "reason" not in e.facts and "wrapper" not in e.facts]
    unknown = [e for e in problems if e.facts.get("quality") == "unknown"]
    handed = [e for e in con if e.facts.get("quality") == "unknown" and "wrapper" in e.facts]
    parts = []
    if complete:
        parts.append(f"{n(len(complete), 'http.Server literal')} set read, write and idle timeouts")
    if handed:
        parts.append(
            f"could not tell for {n(len(handed), 'http.Server literal')}: {handed[0].facts['why']}"
        )
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


# --------------------------------------------------------------------------- fiber's server

#: fiber's Config carries its server's timeouts (fasthttp's, not an http.Server's).
FIBER = ("github.com/gofiber/fiber/v2", "github.com/gofiber/fiber/v3")
_FIBER_SET = frozenset(FIBER)


def _fiber_opens(seen: Seen) -> bool:
    """A file importing fiber and writing `fiber.Config` (a set test first: most do not)."""
    return not _FIBER_SET.isdisjoint(seen.f.names) and any(seen.via(p, "Config") for p in FIBER)


def _fiber_rule(f: File) -> RulePart:
    names = {n for p in FIBER for n in f.aliases(p)}
    literals = [rf"{alt(names)}\.Config"]
    return RulePart(literals=literals, where=literals)


def _fiber_config(
    f: File, lit: SgNode, pkg_path: str | None, typ: str, assignments: list[SgNode]
) -> bool:
    """fiber.Config{ReadTimeout: ...} (fiber-go-template): the server's timeouts set where
    golive looks for an http.Server's, so not "no timeouts" but could not tell (fasthttp's
    semantics are not net/http's, and the scan contract's items are http.Server literals)."""
    if pkg_path not in FIBER or typ != "Config":
        return False
    fields = [name for name in _TIMEOUT_FIELDS if name in field_nodes(lit, assignments)]
    if fields:
        text = f"sets {', '.join(fields)} in a fiber.Config (fiber's server, not an http.Server)"
        f.undecided(TIMEOUTS, lit, text)
    return True


CHECK = Check(
    detectors=(Detector(TIMEOUTS, _summary, grouped=False, judge=_judge),),
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
        Gate(
            "timeout_values",
            (TIMEOUTS,),
            _defs_opens,
            _defs_rule,
            code_words=lambda r: tuple(sorted(_UNITS)),
            on_node={"const_spec": _define, "var_spec": _define, "keyed_element": _define},
        ),
        Gate(
            "fiber_config",
            (TIMEOUTS,),
            _fiber_opens,
            _fiber_rule,
            literal_words=lambda r: ("Config",),
            packages={FIBER[0]: "fiber"},
            on_literal=_fiber_config,
        ),
    ),
)
