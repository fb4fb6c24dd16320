"""go.http.body_limit: every handler that reads a request body reads it through a limit.

One MaxBytesReader in one handler of five is not "request bodies limited". A handler here is a
function with an `*http.Request` parameter; it reads the body through `json.NewDecoder(r.Body)`,
`io.ReadAll(r.Body)`, `io.Copy(dst, r.Body)` or `r.ParseMultipartForm(...)` (whose files spill
to disk without bound). `r.ParseForm()` is not counted: net/http caps a form body at 10 MB.
`http.MaxBytesReader(nil, ...)` limits some other reader (an outbound response), not a request:
it is noted, not counted.
It is limited when the same function calls `http.MaxBytesReader` (or `io.LimitReader` on the
body). A middleware that limits every request - `http.MaxBytesHandler`, or a function that
calls `http.MaxBytesReader` and then `ServeHTTP` - limits them all. Each MaxBytesReader /
MaxBytesHandler call is positive (as the contract has it); each unlimited read is contrary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import alt, lazy
from golive_tui.core.scan.detectors.go.summaries import n, split, with_notes
from golive_tui.core.scan.detectors.go.tree import (
    CON,
    POS,
    File,
    enclosing_function,
    mentions,
    named,
)

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

BODY = "go.http.body_limit"

_MAX_BYTES = ("MaxBytesReader", "MaxBytesHandler")
_READERS = ("NewDecoder", "ReadAll", "Copy", "ParseMultipartForm")
_SERVES = lazy(r"\.ServeHTTP\(")
_LIMITED = lazy(r"\b(?:MaxBytesReader|LimitReader)\s*\(")


def _opens(seen: Seen) -> bool:
    if seen.via("net/http", *_MAX_BYTES):
        return True
    # A body read counts only in a handler: `r *http.Request` must be in the text (`.Body`
    # alone is mostly a client reading a response).
    if not ("Body" in seen.words or "ParseMultipartForm" in seen.words):
        return False
    text = seen.f.text
    return any(f"*{name}.Request" in text for name in seen.f.aliases("net/http"))


_READ_WORD = lazy(r"\b(?:NewDecoder|ReadAll|Copy|ParseMultipartForm)\b")


def _yields(f: File) -> bool:
    """A limit call or a body read must be in the text: `r.Body` in a handler that only
    closes or passes it on opened this gate in 9 of moby's files for nothing."""
    return "MaxBytes" in f.text or _READ_WORD().search(f.text, f.body) is not None


def _rule(f: File) -> RulePart:
    http = alt(f.aliases("net/http"))
    return RulePart(
        calls=[
            rf"{http}\.(?:MaxBytesReader|MaxBytesHandler)",
            rf".+\.(?:{'|'.join(_READERS)})",
        ],
        where=[rf"{http}\.MaxBytes", r"\.Body\b", r"\.ParseMultipartForm\b"],
    )


def _request_params(f: File, func: SgNode) -> set[str]:
    """Names of the function's `*http.Request` parameters."""
    http = f.aliases("net/http")
    out: set[str] = set()
    for decl in named(func.field("parameters")):
        typ = decl.field("type")
        if typ is None:
            continue
        text = typ.text().replace(" ", "")
        if (
            text.startswith("*")
            and text[1:].partition(".")[0] in http
            and text.endswith(".Request")
        ):
            out.update(c.text() for c in decl.field_children("name"))
    return out


def _on_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if "body" not in gates:
        return False
    if path == "net/http" and name in _MAX_BYTES:
        func = enclosing_function(call)
        if name == "MaxBytesReader" and args and args[0].text() == "nil":
            # CoreDNS's DoH handler passes nil and `req.Body` of a *http.Request parameter:
            # a request body limited all the same (only the close-on-overflow is lost).
            params = _request_params(f, func) if func is not None else set()
            if len(args) < 2 or args[1].text() not in {f"{p}.Body" for p in params}:
                f.note(
                    BODY,
                    call,
                    "MaxBytesReader(nil, ...) limits a reader that is not a request body",
                )
                return True
        middleware = name == "MaxBytesHandler" or (
            func is not None and mentions(f, func, _SERVES())
        )
        f.add(BODY, call, POS, **({"middleware": True} if middleware else {}))
        return True
    if name not in _READERS:
        return False
    func = enclosing_function(call)
    if func is None:
        return False
    params = _request_params(f, func)
    if not params:
        return False
    if name == "ParseMultipartForm":
        reads = receiver in params
    else:
        reads = any(a.text() in {f"{p}.Body" for p in params} for a in args)
    if not reads:
        return False
    if mentions(f, func, _LIMITED()):
        f.note(BODY, call, "body read through a limit")
        return True
    why = f"{call.text().split('(')[0]}(...) reads the request body without http.MaxBytesReader"
    f.add(BODY, call, CON, reader=True, quality="contrary", why=why)
    return True


def _judge(
    items: list[Evidence],
    facts: Mapping[str, Any],
    all_paths: tuple[str, ...],
    notes: list[str],
) -> list[Evidence]:
    """A limiting middleware covers every handler: their reads are then not counted."""
    if any(e.facts.get("middleware") for e in items):
        return [e for e in items if not e.facts.get("reader")]
    return items


def _summary(items: list[Evidence], notes: list[str]) -> str:
    return with_notes(
        _counts(items),
        [x for x in notes if "not a request body" in x],
        "MaxBytesReader on a reader that is not a request body",
        "MaxBytesReader calls on readers that are not request bodies",
    )


def _counts(items: list[Evidence]) -> str:
    if not items:
        return "no http.MaxBytesReader/MaxBytesHandler call and no handler reading a body found"
    pos, con = split(items)
    middleware = [e for e in pos if e.facts.get("middleware")]
    parts = []
    if pos:
        parts.append(f"{n(len(pos), 'MaxBytesReader/MaxBytesHandler call')}")
    if middleware:
        parts.append(f"a limiting middleware at {middleware[0].path}:{middleware[0].line}")
    if con:
        parts.append(
            f"{n(len(con), 'body read')} without a limit (first: {con[0].path}:{con[0].line})"
        )
    elif pos:
        parts.append("every body-reading handler seen is limited")
    return "; ".join(parts)


CHECK = Check(
    detectors=(Detector(BODY, _summary, grouped=False, judge=_judge),),
    gates=(
        Gate(
            "body",
            (BODY,),
            _opens,
            _rule,
            code_words=lambda r: (*_MAX_BYTES, "Body", "ParseMultipartForm"),
            packages={"net/http": "http"},
            on_call=_on_call,
            yields=_yields,
        ),
    ),
)
