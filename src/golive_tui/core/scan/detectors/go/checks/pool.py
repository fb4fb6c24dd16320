"""go.db.pool_limits: database/sql pool limits (`db.SetMaxOpenConns`...) or pgxpool settings.

One setting is not a sized pool: found needs all four database/sql settings on the same
receiver in a file (or MaxConns, MaxConnLifetime and MaxConnIdleTime on a pgxpool config);
each missing one is a contrary item at the first setting of that pool, and a limit of 0 (no
limit at all) is contrary where it is set. A repository that opens database/sql pools
(`sql.Open`, `sqlx.Connect`...) and sets no limit anywhere has each open as contrary: the
defaults open connections without bound."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import Evidence, Polarity
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import alt, rules
from golive_tui.core.scan.detectors.go.summaries import helper_undecided, n, split
from golive_tui.core.scan.detectors.go.tree import CON, POS, File, named, snippet
from golive_tui.core.scan.detectors.go.values import evaluate

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

POOL = "go.db.pool_limits"

#: pgxpool has defaults for every setting; sizing the pool means setting these.
_PGX_REQUIRED = ("MaxConns", "MaxConnLifetime", "MaxConnIdleTime")
#: Settings where 0 (or less) removes the limit.
_ZERO_UNLIMITED = frozenset(
    {"SetMaxOpenConns", "SetConnMaxLifetime", "SetConnMaxIdleTime", "MaxConns"}
)


#: Functions that open a database/sql pool, by package.
_OPENERS = {
    "database/sql": ("Open", "OpenDB"),
    "github.com/jmoiron/sqlx": ("Open", "Connect", "MustConnect", "MustOpen", "NewDb"),
}
_OPEN_WORDS = frozenset(w for names in _OPENERS.values() for w in names)


def _opens(seen: Seen) -> bool:
    r = rules()
    return (
        bool(seen.words.intersection(r.pool_methods))
        or (
            seen.f.imports_any(r.pgxpool_imports)
            and bool(seen.words.intersection(r.pgxpool_fields) or "Config" in seen.words)
        )
        or any(seen.via(path, *names) for path, names in _OPENERS.items())
    )


def _rule(f: File) -> RulePart:
    r = rules()
    part = RulePart(
        calls=[rf".+\.(?:{'|'.join(r.pool_methods)})"],
        where=[rf"\.(?:{'|'.join(r.pool_methods)})"],
    )
    for path, names in _OPENERS.items():
        if f.aliases(path):
            pkg = alt(f.aliases(path))
            part.calls.append(rf"{pkg}\.(?:{'|'.join(names)})")
            part.where.append(rf"{pkg}\.(?:{'|'.join(names)})\(")
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
    if path in _OPENERS and name in _OPENERS[path]:
        if "pool" in gates:
            f.facts[POOL].setdefault("opens", []).append(
                {"line": f.line(call.range().start.line), "snippet": snippet(call.text())}
            )
        return True
    if "pool" in gates and name in rules().pool_methods:
        if not f.imports_any(rules().sql_imports):
            # coredns's DNS proxies have a SetMaxIdleConns of their own: a setting in a file
            # that uses no database package is no database pool's, unless nothing else is
            # (`_undecided`).
            text = (
                f"calls {receiver or '?'}.{name} on a value not known to be a database pool "
                "(its file imports no database package)"
            )
            f.undecided(POOL, call, text)
            return True
        _setting(f, call, name, args[0] if args else None, receiver or "db", "sql")
        return True
    return False


def _undecided(facts: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Pools opened somewhere and no setting on a known pool, but settings on values whose
    files import no database package (a wrapper of the pool, maybe): could not tell. Without
    a pool opened anywhere such settings are no database's (coredns): nothing to tell."""
    if not any(data.get("opens") for data in facts.values()):
        return None
    return helper_undecided(facts)


def _setting(f: File, node: SgNode, name: str, value: SgNode | None, pool: str, kind: str) -> None:
    facts: dict[str, Any] = {"setting": name, "pool": pool, "kind": kind}
    v = evaluate(f, value) if value is not None else None
    if name in _ZERO_UNLIMITED and v is not None and v.number is not None and v.number <= 0:
        why = f"{name} set to {v.number:g}: 0 or less means no limit"
        f.add(POOL, node, CON, **facts, quality="contrary", why=why)
    else:
        f.add(POOL, node, POS, **facts)


def _on_assignment(f: File, assign: SgNode, field_name: str, value: str) -> bool:
    r = rules()
    if field_name in r.pgxpool_fields and f.imports_any(r.pgxpool_imports):
        right = named(assign.field("right"))
        _setting(f, assign, field_name, right[0] if right else None, "pgxpool", "pgxpool")
        return True
    return False


def _on_keyed(f: File, keyed: SgNode) -> None:
    # Other checks' rules report keyed elements too: only pgxpool fields in pgxpool files.
    r = rules()
    kids = named(keyed)
    if not kids or kids[0].text() not in r.pgxpool_fields or not f.imports_any(r.pgxpool_imports):
        return
    _setting(f, keyed, kids[0].text(), kids[1] if len(kids) > 1 else None, "pgxpool", "pgxpool")


def _judge(
    items: list[Evidence],
    facts: Mapping[str, Any],
    all_paths: tuple[str, ...],
    notes: list[str],
) -> list[Evidence]:
    """Each pool (a receiver in a file) must set every limit; the missing ones are contrary."""
    pools: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for e in items:
        pools[(e.path, str(e.facts.get("pool", "")))].append(e)
    out = list(items)
    if not items and not any(data.get("helpers") for data in facts.values()):
        for path, data in sorted(facts.items()):
            for o in data.get("opens", []):
                why = "database/sql pool opened here and no pool limit is set anywhere"
                out.append(
                    Evidence(
                        path,
                        int(o["line"]),
                        int(o["line"]),
                        Polarity.CONTRARY,
                        str(o["snippet"]),
                        None,
                        {"open": True, "quality": "contrary", "why": why},
                    )
                )
    for (_path, pool), group in pools.items():
        kind = str(group[0].facts.get("kind", "sql"))
        required = _PGX_REQUIRED if kind == "pgxpool" else rules().pool_methods
        have = {str(e.facts.get("setting")) for e in group}
        first = min(group, key=lambda e: e.line)
        for name in required:
            if name not in have:
                out.append(
                    Evidence(
                        first.path,
                        first.line,
                        first.end_line,
                        Polarity.CONTRARY,
                        first.snippet,
                        first.blob,
                        {
                            "setting": name,
                            "pool": pool,
                            "kind": kind,
                            "missing": True,
                            "quality": "contrary",
                            "why": f"{name} is not set on {pool} (the pool is sized only in part)",
                        },
                    )
                )
    return out


def _summary(items: list[Evidence], notes: list[str]) -> str:
    if not items:
        return "no connection pool limit set"
    pos, con = split(items)
    opened = [e for e in con if e.facts.get("open")]
    if opened:
        return f"{n(len(opened), 'database/sql pool')} opened and no pool limit set anywhere"
    missing = sorted({str(e.facts["setting"]) for e in con if e.facts.get("missing")})
    zero = [e for e in con if not e.facts.get("missing")]
    parts = [n(len(pos), "pool limit setting")]
    if missing:
        parts.append(f"not set: {', '.join(missing)}")
    if zero:
        parts.append(f"{n(len(zero), 'setting')} that remove the limit (0)")
    if not con:
        parts.append("every pool sets all its limits")
    return "; ".join(parts)


CHECK = Check(
    detectors=(Detector(POOL, _summary, grouped=False, judge=_judge, undecided=_undecided),),
    gates=(
        Gate(
            "pool",
            (POOL,),
            _opens,
            _rule,
            code_words=lambda r: (*r.pool_methods, *r.pgxpool_fields, *sorted(_OPEN_WORDS)),
            literal_words=lambda r: ("Config",),
            on_call=_on_call,
            on_assignment=_on_assignment,
            on_node={"keyed_element": _on_keyed},
        ),
    ),
)
