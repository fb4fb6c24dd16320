"""go.db.pool_limits: database/sql pool limits (`db.SetMaxOpenConns`...) or pgxpool settings."""

from __future__ import annotations

from ast_grep_py import SgNode

from golive_tui.core.model import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import rules
from golive_tui.core.scan.detectors.go.summaries import n
from golive_tui.core.scan.detectors.go.tree import POS, File, named

POOL = "go.db.pool_limits"


def _opens(seen: Seen) -> bool:
    r = rules()
    return bool(seen.words.intersection(r.pool_methods)) or (
        seen.f.imports_any(r.pgxpool_imports)
        and bool(seen.words.intersection(r.pgxpool_fields) or "Config" in seen.words)
    )


def _rule(f: File) -> RulePart:
    r = rules()
    part = RulePart(
        calls=[rf".+\.(?:{'|'.join(r.pool_methods)})"],
        where=[rf"\.(?:{'|'.join(r.pool_methods)})"],
    )
    if f.imports_any(r.pgxpool_imports):
        fields = "|".join(r.pgxpool_fields)
        part.assigns.extend(r.pgxpool_fields)
        part.extra.append({"kind": "keyed_element", "regex": rf"^(?:{fields})\s*:"})
        part.where.append(fields)
    return part


def _on_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if "pool" in gates and name in rules().pool_methods:
        f.add(POOL, call, POS, setting=name)
        return True
    return False


def _on_assignment(f: File, assign: SgNode, field_name: str, value: str) -> bool:
    r = rules()
    if field_name in r.pgxpool_fields and f.imports_any(r.pgxpool_imports):
        f.add(POOL, assign, POS, setting=field_name)
        return True
    return False


def _on_keyed(f: File, keyed: SgNode) -> None:
    f.add(POOL, keyed, POS, setting=named(keyed)[0].text())


def _summary(items: list[Evidence], notes: list[str]) -> str:
    return f"{n(len(items), 'pool limit setting')}" if items else "no connection pool limit set"


CHECK = Check(
    detectors=(Detector(POOL, _summary, grouped=False),),
    gates=(
        Gate(
            "pool",
            (POOL,),
            _opens,
            _rule,
            code_words=lambda r: (*r.pool_methods, *r.pgxpool_fields),
            literal_words=lambda r: ("Config",),
            on_call=_on_call,
            on_assignment=_on_assignment,
            on_node={"keyed_element": _on_keyed},
        ),
    ),
)
