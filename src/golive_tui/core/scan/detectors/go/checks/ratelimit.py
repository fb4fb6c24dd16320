"""go.ratelimit: incoming requests are rate-limited, not merely a limiter imported.

HTTP middleware libraries (httprate, tollbooth, ulule/limiter, sethvargo/go-limiter) limit
requests by construction. A generic limiter (golang.org/x/time/rate, go.uber.org/ratelimit,
juju/ratelimit) is evidence only where it guards a request: its `Allow`/`Wait`/`Reserve`/`Take`
call sits in a function that takes an `http.ResponseWriter`, serves a request
(`ServeHTTP`), answers 429 (`StatusTooManyRequests`) or a gRPC `ResourceExhausted`. A limiter
that paces the service's own outbound calls (a poller's `limiter.Wait(ctx)` before a request)
says nothing about its endpoints: that import is left out and the summary says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import lazy
from golive_tui.core.scan.detectors.go.summaries import generic
from golive_tui.core.scan.detectors.go.tree import (
    File,
    call_parts,
    enclosing_function,
    mentions,
)

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

RATELIMIT = "go.ratelimit"

GENERIC_LIMITERS = ("golang.org/x/time/rate", "go.uber.org/ratelimit", "github.com/juju/ratelimit")
_CALLS = ("Allow", "AllowN", "Wait", "WaitN", "Reserve", "ReserveN", "Take", "TakeAvailable")
_SERVING = lazy(
    r"\bResponseWriter\b|\.ServeHTTP\(|\bStatusTooManyRequests\b|\bResourceExhausted\b|\b429\b"
)


def _generic(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in GENERIC_LIMITERS)


_CALL_WORDS = frozenset(_CALLS)


def _opens(seen: Seen) -> bool:
    # The words first: asked of every file with a trigger word, the import test was a loop over
    # its imports (moby: 3.4 -> ~0.2 us a file).
    return not seen.words.isdisjoint(_CALL_WORDS) and any(_generic(p) for p in seen.f.names)


def _rule(f: File) -> RulePart:
    calls = "|".join(_CALLS)
    return RulePart(calls=[rf".+\.(?:{calls})"], where=[rf"\.(?:{calls})\("])


def _record(f: File, by_kind: Mapping[str, list[SgNode]]) -> None:
    """Note each limiter call as guarding requests or pacing the service's own work."""
    facts = f.facts[RATELIMIT]
    for call in by_kind.get("call_expression", []):
        _receiver, name, _args = call_parts(call)
        if name not in _CALLS:
            continue
        func = enclosing_function(call)
        line = f.line(call.range().start.line)
        if func is not None and mentions(f, func, _SERVING()):
            facts.setdefault("guards", []).append(line)
        else:
            facts.setdefault("paces", []).append(line)


def _judge(
    items: list[Evidence],
    facts: Mapping[str, Any],
    all_paths: tuple[str, ...],
    notes: list[str],
) -> list[Evidence]:
    """A generic limiter's import counts only where a file of its package guards requests."""
    guarded = {
        p.rpartition("/")[0]: f"{p}:{v['guards'][0]}" for p, v in facts.items() if v.get("guards")
    }
    out = []
    for e in items:
        path = str(e.facts.get("import", ""))
        if not _generic(path):
            out.append(e)
            continue
        where = guarded.get(e.path.rpartition("/")[0])
        if where is not None:
            why = f"a limiter call at {where} guards requests"
            out.append(e._replace(facts={**e.facts, "quality": "complete", "why": why}))
            continue
        paces = [f"{p}:{line}" for p, v in facts.items() for line in v.get("paces", [])]
        how = (
            f"limiter call at {paces[0]} paces outbound work"
            if paces
            else "no limiter call in a request path"
        )
        notes.append(
            f"{e.path}:{e.line}: {path} imported, {how}: not a limit on the service's endpoints"
        )
    return out


def _summary(items: list[Evidence], notes: list[str]) -> str:
    if items:
        text = generic("finding", "")(items, [])
        guards = [e for e in items if "why" in e.facts]
        return f"{text}; {guards[0].facts['why']}" if guards else text
    if notes:
        return (
            "no rate limiting of incoming requests found; "
            f"{len(notes)} limiter import(s) used outside request handling (first: {notes[0]})"
        )
    return "no rate limiting library imported"


CHECK = Check(
    detectors=(Detector(RATELIMIT, _summary, judge=_judge),),
    gates=(
        Gate(
            "ratelimit",
            (RATELIMIT,),
            _opens,
            _rule,
            code_words=lambda r: _CALLS,
            after=_record,
        ),
    ),
)
