"""go.cors and go.security_headers: a library (an import rule in go_rules.toml) or the header
set in code (`w.Header().Set("Strict-Transport-Security", ...)`)."""

from __future__ import annotations

import re
from functools import cache

from ast_grep_py import SgNode

from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import rules, trie
from golive_tui.core.scan.detectors.go.summaries import generic
from golive_tui.core.scan.detectors.go.tree import POS, File, string_value

CORS = "go.cors"
SECURITY_HEADERS = "go.security_headers"


@cache
def _header_word() -> re.Pattern[str]:
    """A quoted header name anywhere in the text (string contents: the parse later proves it
    is a call's argument)."""
    return re.compile(rf'"(?i:{trie(rules().headers)})"')


@cache
def _where() -> str:
    return rf"[\"`](?i:{trie(rules().headers)})[\"`]"


def _opens(seen: Seen) -> bool:
    return _header_word().search(seen.f.text) is not None


def _rule(f: File) -> RulePart:
    # Any `.Set`/`.Add` matches, but only one whose first argument names a header counts.
    return RulePart(calls=[r".+\.(?:Set|Add)"], where=[_where()])


def _on_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if name in ("Set", "Add") and "headers" in gates and args:
        header = string_value(args[0])
        det = rules().headers.get(header.lower()) if header is not None else None
        if det is not None:
            f.add(det, call, POS, header=header)
            return True
    return False


CHECK = Check(
    detectors=(
        Detector(
            CORS,
            generic("Access-Control-Allow-Origin header set", "no CORS library or header found"),
        ),
        Detector(
            SECURITY_HEADERS, generic("security header set", "no security header set in code")
        ),
    ),
    gates=(
        Gate(
            "headers",
            (CORS, SECURITY_HEADERS),
            _opens,
            _rule,
            needs_words=False,
            on_call=_on_call,
        ),
    ),
)
