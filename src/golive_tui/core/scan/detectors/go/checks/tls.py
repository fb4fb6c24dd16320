"""go.tls_min_version (servers) and go.tls_client_verify (outbound calls): tls.Config judged
on the side it is used on.

A `tls.Config` is a server's when it is an http.Server's `TLSConfig`, goes to `tls.Listen` /
`tls.NewListener` / `tls.Server`, or carries server-only fields (Certificates, GetCertificate,
ClientAuth, ClientCAs); a client's when it is a Transport's `TLSClientConfig`, goes to
`tls.Dial` / `tls.Client`, or carries client-only fields (InsecureSkipVerify, RootCAs,
ServerName). Server TLS (MinVersion at TLS 1.2 or above) is judged only from configs that are
not a client's, so an outbound `InsecureSkipVerify` behind an opt-in flag never puts the
server's TLS at risk: it is contrary evidence of go.tls_client_verify, saying whether it is
unconditional or opt-in.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import alt
from golive_tui.core.scan.detectors.go.summaries import n, split, with_notes
from golive_tui.core.scan.detectors.go.tree import (
    CON,
    POS,
    File,
    assigned_name,
    enclosing_function,
    field_nodes,
)

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

TLS = "go.tls_min_version"
CLIENT_TLS = "go.tls_client_verify"

_WEAK_TLS = frozenset(
    {"VersionTLS10", "VersionTLS11", "VersionSSL30", "0x0300", "0x0301", "0x0302"}
)
_SERVER_FIELDS = frozenset(
    {"Certificates", "GetCertificate", "ClientAuth", "ClientCAs", "GetConfigForClient"}
)
_CLIENT_FIELDS = frozenset({"InsecureSkipVerify", "RootCAs", "ServerName"})
_SERVER_KEYS = ("TLSConfig",)
_CLIENT_KEYS = ("TLSClientConfig",)


def _opens(seen: Seen) -> bool:
    if "InsecureSkipVerify" in seen.words:
        return True  # on any config type: it is a client setting wherever it is
    return bool(seen.f.aliases("crypto/tls")) and (
        seen.via("crypto/tls", "Config") or "MinVersion" in seen.words
    )


def _rule(f: File) -> RulePart:
    part = RulePart(
        assigns=["MinVersion", "InsecureSkipVerify"],
        where=[r"\.MinVersion|\.InsecureSkipVerify"],
    )
    if f.aliases("crypto/tls"):  # (an InsecureSkipVerify alone opens this gate too)
        tls = alt(f.aliases("crypto/tls"))
        part.literals.append(rf"{tls}\.Config")
        part.where.append(rf"{tls}\.Config")
    return part


def _on_literal(
    f: File, lit: SgNode, pkg_path: str | None, typ: str, assignments: list[SgNode]
) -> bool:
    if pkg_path != "crypto/tls" or typ != "Config":
        return False
    fields = field_nodes(lit, assignments)
    min_version = fields["MinVersion"][1].text() if "MinVersion" in fields else None
    side = _side_of_literal(f, lit, set(fields))
    if "InsecureSkipVerify" in fields:
        where, value = fields["InsecureSkipVerify"]
        if value.text() != "false":
            # Reported where it is set: a later `x.InsecureSkipVerify = true` has its own guard.
            _insecure(f, lit if where.kind() == "keyed_element" else where, value, {})
            return True
    _tls(f, lit, side, min_version, None)
    return True


def _on_assignment(f: File, assign: SgNode, field_name: str, value: str) -> bool:
    """`x.MinVersion = ...` / `x.InsecureSkipVerify = ...` on any variable."""
    if field_name not in ("MinVersion", "InsecureSkipVerify") or _belongs_to_literal(assign):
        return False
    if field_name == "MinVersion" and not f.aliases("crypto/tls"):
        return False
    left = assign.field("left")
    target = left.text().rpartition(".")[0] if left is not None else ""
    if field_name == "InsecureSkipVerify":
        right = assign.field("right")
        node = right.child(0) if right is not None and right.child(0) is not None else right
        if node is None or node.text() == "false":
            return True
        _tls(f, assign, "client", None, node)
        return True
    if value.startswith(('"', "`")) or _STRING_MIN_VERSION.search(f.text):
        # A version string of the service's own (nats-server's `MinVersion string` option:
        # the oldest server version a leaf node accepts), not a tls.Config's.
        return True
    side = "client" if target.endswith(_CLIENT_KEYS) else _side_of_name(f, target)
    _tls(f, assign, side, value, None)
    return True


#: A struct field of this file named MinVersion and typed string: not tls.Config's (a uint16).
_STRING_MIN_VERSION = re.compile(r"\bMinVersion\s+string\b")


def _side_of_literal(f: File, lit: SgNode, fields: set[str]) -> str:
    node = lit
    parent = node.parent()
    while parent is not None and parent.kind() in ("unary_expression", "literal_element"):
        node, parent = parent, parent.parent()
    if parent is not None and parent.kind() == "keyed_element":
        key = parent.child(0)
        if key is not None and key.text() in _CLIENT_KEYS:
            return "client"
        if key is not None and key.text() in _SERVER_KEYS:
            return "server"
    if fields & _SERVER_FIELDS:
        return "server"
    assigned = assigned_name(lit)
    if assigned is not None:
        target = assigned[0]
        if target.endswith(_CLIENT_KEYS):
            return "client"
        if target.endswith(_SERVER_KEYS):
            return "server"
        side = _side_of_name(f, target)
        if side != "unknown":
            return side
    if fields & _CLIENT_FIELDS:
        return "client"
    return "unknown"


def _side_of_name(f: File, name: str) -> str:
    """How this file uses a variable holding a tls.Config (asked once per name: each ask
    reads the whole text)."""
    side: str = f.once(("tls side", name), lambda: _find_side(f, name))
    return side


def _find_side(f: File, name: str) -> str:
    if not name or not re.fullmatch(r"[\w.]+", name):
        return "unknown"
    var = re.escape(name)
    text = f.text
    if re.search(
        rf"TLSClientConfig\s*[:=]\s*{var}\b|\.(?:Dial|Client|DialWithDialer)\([^)]*\b{var}\)", text
    ):
        return "client"
    if re.search(
        rf"TLSConfig\s*[:=]\s*{var}\b|\.(?:Listen|NewListener|Server)\([^)]*\b{var}\)", text
    ):
        return "server"
    return "unknown"


def _tls(
    f: File, node: SgNode, side: str, min_version: str | None, insecure: SgNode | None
) -> None:
    weak = bool(min_version and min_version.split(".")[-1] in _WEAK_TLS)
    facts: dict[str, Any] = {"min_version": min_version or "", "side": side}
    if insecure is not None and insecure.text() != "false":
        _insecure(f, node, insecure, facts)
        return
    if side == "client":
        if weak:
            why = f"MinVersion {min_version} lets outbound calls use TLS below 1.2"
            f.add(CLIENT_TLS, node, CON, **facts, quality="contrary", why=why)
        else:
            f.add(CLIENT_TLS, node, POS, **facts, quality="complete", why="certificates verified")
        return
    if weak:
        why = f"MinVersion {min_version} allows TLS below 1.2"
        f.add(TLS, node, CON, problems=[why], **facts, quality="contrary", why=why)
    elif min_version:
        f.add(TLS, node, POS, **facts)
    else:
        f.note(TLS, node, "tls.Config leaves MinVersion to Go's default")


def _insecure(f: File, node: SgNode, value: SgNode, facts: dict[str, Any]) -> None:
    """InsecureSkipVerify is a client setting: unconditional, opt-in (a condition or a
    configured value decides), both contrary evidence of go.tls_client_verify."""
    facts = {"min_version": "", **facts, "side": "client", "insecure_skip_verify": True}
    condition = _guard(node)
    if value.text() != "true":
        why = (
            f"InsecureSkipVerify set from {value.text()}: configuration can switch verification off"
        )
        f.add(CLIENT_TLS, node, CON, **facts, opt_in=True, quality="partial", why=why)
    elif condition:
        why = f"InsecureSkipVerify: true when {condition} (opt-in)"
        f.add(CLIENT_TLS, node, CON, **facts, opt_in=True, quality="partial", why=why)
    else:
        why = "InsecureSkipVerify: true disables certificate checks on outbound TLS"
        f.add(CLIENT_TLS, node, CON, **facts, opt_in=False, quality="contrary", why=why)


def _guard(node: SgNode) -> str:
    """The condition of the closest `if` around a statement, if any (same function)."""
    func = enclosing_function(node)
    for anc in node.ancestors():
        if anc == func:
            break
        if anc.kind() == "if_statement":
            cond = anc.field("condition")
            return cond.text() if cond is not None else "a condition"
    return ""


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
        parts.append(f"{n(len(pos), 'server TLS config')} set MinVersion")
    if con:
        parts.append(f"{n(len(con), 'server TLS config')} allow TLS below 1.2")
    base = "; ".join(parts) or "no server tls.Config MinVersion setting found"
    return with_notes(
        base,
        notes,
        "tls.Config leaving MinVersion to the Go default",
        "tls.Config literals leaving MinVersion to the Go default",
    )


def _sum_client(items: list[Evidence], notes: list[str]) -> str:
    pos, con = split(items)
    opt_in = [e for e in con if e.facts.get("opt_in")]
    always = [e for e in con if not e.facts.get("opt_in")]
    parts = []
    if pos:
        parts.append(f"{n(len(pos), 'client TLS config')} verifying certificates")
    if always:
        parts.append(
            f"{n(len(always), 'client TLS config')} skipping verification ({always[0].facts['why']})"
        )
    if opt_in:
        parts.append(
            f"{n(len(opt_in), 'opt-in setting')} that skip verification (first: {opt_in[0].facts['why']})"
        )
    return (
        "; ".join(parts) or "no client tls.Config found (outbound TLS uses Go's verifying defaults)"
    )


CHECK = Check(
    detectors=(Detector(TLS, _summary), Detector(CLIENT_TLS, _sum_client)),
    gates=(
        Gate(
            "tls",
            (TLS, CLIENT_TLS),
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
