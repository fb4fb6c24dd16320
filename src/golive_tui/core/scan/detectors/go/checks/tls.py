"""go.tls_min_version: tls.Config MinVersion at TLS 1.2 or above, certificate checks kept."""

from __future__ import annotations

from typing import Any

from ast_grep_py import SgNode

from golive_tui.core.model import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import alt
from golive_tui.core.scan.detectors.go.summaries import n, split, with_notes
from golive_tui.core.scan.detectors.go.tree import (
    CON,
    POS,
    File,
    assigned_name,
    enclosing_function,
    keyed_fields,
    later_fields,
)

TLS = "go.tls_min_version"

_WEAK_TLS = frozenset(
    {"VersionTLS10", "VersionTLS11", "VersionSSL30", "0x0300", "0x0301", "0x0302"}
)


def _opens(seen: Seen) -> bool:
    return bool(seen.f.aliases("crypto/tls")) and (
        seen.via("crypto/tls", "Config")
        or "MinVersion" in seen.words
        or "InsecureSkipVerify" in seen.words
    )


def _rule(f: File) -> RulePart:
    tls = alt(f.aliases("crypto/tls"))
    return RulePart(
        literals=[rf"{tls}\.Config"],
        assigns=["MinVersion", "InsecureSkipVerify"],
        where=[rf"{tls}\.Config|\.MinVersion|\.InsecureSkipVerify"],
    )


def _on_literal(
    f: File, lit: SgNode, pkg_path: str | None, typ: str, assignments: list[SgNode]
) -> bool:
    if pkg_path != "crypto/tls" or typ != "Config":
        return False
    fields = keyed_fields(lit)
    later = later_fields(lit, assignments)
    min_version = fields.get("MinVersion") or later.get("MinVersion")
    insecure = (fields.get("InsecureSkipVerify") or later.get("InsecureSkipVerify")) == "true"
    _tls(f, lit, min_version, insecure)
    return True


def _on_assignment(f: File, assign: SgNode, field_name: str, value: str) -> bool:
    """`x.MinVersion = ...` / `x.InsecureSkipVerify = true` on any variable."""
    if field_name == "MinVersion" and f.aliases("crypto/tls") and not _belongs_to_literal(assign):
        _tls(f, assign, value, False)
        return True
    if field_name == "InsecureSkipVerify" and value == "true" and not _belongs_to_literal(assign):
        _tls(f, assign, None, True)
        return True
    return False


def _tls(f: File, node: SgNode, min_version: str | None, insecure: bool) -> None:
    facts: dict[str, Any] = {"min_version": min_version or ""}
    problems: list[str] = []
    if min_version and min_version.split(".")[-1] in _WEAK_TLS:
        problems.append(f"MinVersion {min_version} allows TLS below 1.2")
    if insecure:
        facts["insecure_skip_verify"] = True
        problems.append("InsecureSkipVerify: true disables certificate checks")
    if problems:
        f.add(TLS, node, CON, problems=problems, **facts)
    elif min_version:
        f.add(TLS, node, POS, **facts)
    else:
        f.note(TLS, node, "tls.Config leaves MinVersion to Go's default")


def _belongs_to_literal(assign: SgNode) -> bool:
    """Whether a `x.MinVersion = ...` is already reported through the literal it completes."""
    left = assign.field("left")
    func = enclosing_function(assign)
    if left is None or func is None:
        return False
    var = left.text().rpartition(".")[0]
    for lit in func.find_all(kind="composite_literal", regex=r"^&?\w+\.Config\s*\{"):
        assigned = assigned_name(lit)
        if assigned and assigned[0] == var and lit.range().end.index < assign.range().start.index:
            return True
    return False


def _summary(items: list[Evidence], notes: list[str]) -> str:
    pos, con = split(items)
    parts = []
    if pos:
        parts.append(f"{n(len(pos), 'TLS config')} set MinVersion")
    if con:
        parts.append(f"{n(len(con), 'TLS config')} allow old TLS or skip verification")
    base = "; ".join(parts) or "no tls.Config MinVersion setting found"
    return with_notes(
        base,
        notes,
        "tls.Config leaving MinVersion to the Go default",
        "tls.Config literals leaving MinVersion to the Go default",
    )


CHECK = Check(
    detectors=(Detector(TLS, _summary),),
    gates=(
        Gate(
            "tls",
            (TLS,),
            _opens,
            _rule,
            code_words=lambda r: ("MinVersion", "InsecureSkipVerify"),
            literal_words=lambda r: ("Config",),
            packages={"crypto/tls": "tls"},
            on_literal=_on_literal,
            on_assignment=_on_assignment,
        ),
    ),
)
