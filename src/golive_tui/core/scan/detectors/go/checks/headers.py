"""go.cors and go.security_headers: a library (an import rule in go_rules.toml), its options,
or the header set in code (`w.Header().Set("Strict-Transport-Security", ...)`).

Quality, not presence. CORS counts only when it restricts origins: `*` (worse with
credentials), an Origin echoed without a check, a wildcard list or an allow-everything
function in rs/cors, go-chi/cors, gin-contrib/cors or fiber options are contrary. Security
headers count as complete only as a set (HSTS, X-Content-Type-Options, and X-Frame-Options or a
Content-Security-Policy); each missing one is contrary, and HSTS with max-age=0 (which tells
browsers to drop HSTS) is contrary where it is set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import Evidence, Polarity
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import Deferred, alt, lazy, rules, trie
from golive_tui.core.scan.detectors.go.summaries import generic, n, split
from golive_tui.core.scan.detectors.go.tree import (
    CON,
    POS,
    File,
    definitions,
    enclosing_function,
    field_nodes,
    named,
    start_of,
    string_value,
)

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

CORS = "go.cors"
SECURITY_HEADERS = "go.security_headers"

ORIGIN = "access-control-allow-origin"
CREDENTIALS = "access-control-allow-credentials"
#: The set a response needs; a tuple entry is satisfied by any one of its names.
REQUIRED_HEADERS: tuple[tuple[str, ...], ...] = (
    ("Strict-Transport-Security",),
    ("X-Content-Type-Options",),
    ("X-Frame-Options", "Content-Security-Policy"),
)
#: CORS middleware whose options literals are read, and the type names of those literals.
CORS_PACKAGES = {
    "github.com/rs/cors": "cors",
    "github.com/go-chi/cors": "cors",
    "github.com/gin-contrib/cors": "cors",
    "github.com/gofiber/fiber/v2/middleware/cors": "cors",
    "github.com/gofiber/fiber/v3/middleware/cors": "cors",
}
SECURE = "github.com/unrolled/secure"
_ORIGIN_LISTS = ("AllowedOrigins", "AllowOrigins")
_ORIGIN_FUNCS = ("AllowOriginFunc", "AllowOriginRequestFunc", "AllowOriginVaryRequestFunc")
_CREDENTIAL_FIELDS = ("AllowCredentials",)
_HSTS_OFF = lazy(r"(?i)max-age\s*=\s*0*(?:;|$|\s)")
_GET_ORIGIN = lazy(r'\.Header\.Get\(\s*"(?i:origin)"\s*\)$')


#: A quoted header name anywhere in the text (string contents: the parse later proves it is
#: a call's argument).
_HEADER_WORD = Deferred(lambda: re.compile(rf'"(?i:{trie(rules().headers)})"'))


def _has_header_word(text: str) -> bool:
    """Whether `_HEADER_WORD` is in `text`; while it is not compiled (a process's first few
    texts), each quoted name looked for in the lower-cased text: the same answer for ASCII
    text and names (ignoring case in Unicode also folds a few letters outside ASCII, `K`
    and `ſ`, which only the pattern then follows)."""
    pattern = _HEADER_WORD.get()
    if pattern is None:
        quoted = _quoted_headers()
        if quoted and text.isascii():
            low = text.lower()
            return any(q in low for q in quoted)
        pattern = _HEADER_WORD()
    return pattern.search(text) is not None


@cache
def _quoted_headers() -> tuple[str, ...]:
    """Each header name quoted, or () when one is not ASCII (then the pattern answers)."""
    names = rules().headers
    return tuple(f'"{h}"' for h in names) if all(h.isascii() for h in names) else ()


@cache
def _where() -> str:
    return rf"[\"`](?i:{trie(rules().headers)})[\"`]"


def _cors_paths(f: File) -> list[str]:
    return [p for p in CORS_PACKAGES if f.aliases(p)]


def _opens(seen: Seen) -> bool:
    return (
        _has_header_word(seen.f.text) or bool(_cors_paths(seen.f)) or bool(seen.f.aliases(SECURE))
    )


def _rule(f: File) -> RulePart:
    # Any `.Set`/`.Add` matches, but only one whose first argument names a header counts.
    part = RulePart(calls=[r".+\.(?:Set|Add)"], where=[_where()])
    if _ORIGIN_KEY.search(f.text):  # a header map (thanos: set in a loop over it)
        part.extra.append({"kind": "keyed_element", "regex": _ORIGIN_KEY_RULE})
    names = {n for p in _cors_paths(f) for n in f.aliases(p)}
    if names:
        cors = alt(names)
        part.literals.append(rf"{cors}\.(?:Options|Config)")
        part.calls.append(rf"{cors}\.(?:AllowAll|Default)")
        part.where.append(rf"{cors}\.(?:Options|Config|AllowAll|Default)")
        # `c.AllowOriginFunc = ...` after the literal (gotify): read as if keyed in it
        part.assigns += [*_ORIGIN_LISTS, *_ORIGIN_FUNCS, "AllowAllOrigins", *_CREDENTIAL_FIELDS]
    if {n for n in f.aliases(SECURE) if n not in ("_", ".")}:
        secure = alt(f.aliases(SECURE))
        part.literals.append(rf"{secure}\.Options")
        part.where.append(rf"{secure}\.Options")
    return part


# --------------------------------------------------------------------------- headers in code

#: `"Access-Control-Allow-Origin": ...` as a map entry: headers kept in a map and set in a loop.
_ORIGIN_KEY = re.compile(r'(?i)"access-control-allow-origin"\s*:')
_ORIGIN_KEY_RULE = r'(?i)^"access-control-allow-origin"\s*:'  # ast-grep's: a node's start


def _on_header_entry(f: File, keyed: SgNode) -> None:
    """A header map's Allow-Origin entry, judged as a `Set` of it would be (thanos keeps
    `"Access-Control-Allow-Origin": "*"` in a map it applies to responses in a loop)."""
    if not _ORIGIN_KEY.match(keyed.text()):  # `match`: at the entry's start, as the rule
        return
    kids = named(keyed)
    inner = named(kids[1]) if len(kids) == 2 else []
    _origin(f, keyed, "Access-Control-Allow-Origin", inner[0] if len(inner) == 1 else kids[-1])


def _on_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if "headers" not in gates:
        return False
    if path in CORS_PACKAGES and name in ("AllowAll", "Default"):
        why = f"cors.{name}() allows every origin"
        f.add(CORS, call, CON, quality="contrary", why=why)
        return True
    if name in ("Set", "Add") and args:
        header = string_value(args[0])
        det = rules().headers.get(header.lower()) if header is not None else None
        if header is None or det is None:
            return False
        value = args[1] if len(args) > 1 else None
        if det == CORS:
            _origin(f, call, header, value)
        else:
            _security(f, call, header, value)
        return True
    return False


def _security(f: File, call: SgNode, header: str, value: SgNode | None) -> None:
    text = _string(f, value)
    if (
        header.lower() == "strict-transport-security"
        and text is not None
        and _HSTS_OFF().search(text)
    ):
        why = "Strict-Transport-Security with max-age=0 tells browsers to forget HSTS"
        f.add(SECURITY_HEADERS, call, CON, header=header, quality="contrary", why=why)
        return
    f.add(SECURITY_HEADERS, call, POS, header=header)


def _string(f: File, value: SgNode | None) -> str | None:
    """A string argument's value: a literal, or a constant of this file holding one."""
    if value is None:
        return None
    text = string_value(value)
    if text is None and value.kind() == "identifier":
        found = definitions(f.whole(), value.text())
        if len(found) == 1:
            text = string_value(found[0])
    return text


def _origin(f: File, call: SgNode, header: str, value: SgNode | None) -> None:
    """Access-Control-Allow-Origin: `*`, an echoed Origin without a check, or a fixed origin."""
    text = _string(f, value)
    func = enclosing_function(call)
    if text == "*":
        if func is not None and f.once(
            ("credentials", start_of(func)), lambda: _credentials_in(func)
        ):
            why = (
                "Access-Control-Allow-Origin * together with Access-Control-Allow-Credentials: true"
            )
        else:
            why = "Access-Control-Allow-Origin * allows every origin"
        f.add(CORS, call, CON, header=header, quality="contrary", why=why)
        return
    if value is not None and _echoed_unchecked(f, value, call):
        why = "Access-Control-Allow-Origin echoes the request's Origin without checking it"
        f.add(CORS, call, CON, header=header, quality="contrary", why=why)
        return
    if text is None and value is not None and not _from_origin(f, value, call):
        # Neither a fixed origin nor the request's Origin after a check: a value from
        # configuration or a list (`strings.Join(m.allowed, ", ")`) may be `*`. It restricted
        # origins here until shiori's `[]string{"*"}` said otherwise.
        shown = " ".join(value.text().split())
        why = f"Access-Control-Allow-Origin is set to {shown[:60]}, a value not followed"
        f.add(CORS, call, POS, header=header, quality="unknown", why=why)
        return
    f.add(CORS, call, POS, header=header, quality="complete")


def _from_origin(f: File, value: SgNode, call: SgNode) -> bool:
    """Whether `value` is the request's Origin (itself, or a variable of the enclosing
    function holding only it): set after a check, that is a restricted echo."""
    if _GET_ORIGIN().search(value.text()):
        return True
    func = enclosing_function(call)
    if value.kind() != "identifier" or func is None:
        return False
    var = value.text()
    sources = f.once(("defs", start_of(func), var), lambda: definitions(func, var))
    return bool(sources) and all(_GET_ORIGIN().search(s.text()) for s in sources)


def _credentials_in(func: SgNode) -> bool:
    for call in func.find_all(kind="call_expression", regex=r"\.(?:Set|Add)\s*\("):
        args = named(call.field("arguments"))
        if len(args) >= 2:
            name, value = string_value(args[0]), string_value(args[1])
            if name and name.lower() == CREDENTIALS and value == "true":
                return True
    return False


def _echoed_unchecked(f: File, value: SgNode, call: SgNode) -> bool:
    """`r.Header.Get("Origin")` itself, or a variable holding it, set without an enclosing
    `if`/`switch` whose condition looks at that variable."""
    if _GET_ORIGIN().search(value.text()):
        return True
    func = enclosing_function(call)
    if func is None or not _from_origin(f, value, call):
        return False
    word = re.compile(rf"\b{re.escape(value.text())}\b")
    for anc in call.ancestors():
        if anc == func:
            break
        if anc.kind() in ("if_statement", "expression_switch_statement"):
            cond = anc.field("condition") or anc.field("value")
            if cond is not None and word.search(cond.text()):
                return False
        if anc.kind() == "expression_case":
            return False  # a case of a switch on the origin
    return True


# --------------------------------------------------------------------------- CORS options


def _on_literal(
    f: File, lit: SgNode, pkg_path: str | None, typ: str, assignments: list[SgNode]
) -> bool:
    if pkg_path == SECURE and typ == "Options":
        _secure_options(f, lit)
        return True
    if pkg_path not in CORS_PACKAGES or typ not in ("Options", "Config"):
        return False
    fields: dict[str, SgNode] = {}
    for keyed in named(lit.field("body")):
        kids = named(keyed)
        if keyed.kind() == "keyed_element" and len(kids) == 2:
            fields[kids[0].text()] = kids[1]
    for name, (_, value) in field_nodes(lit, assignments).items():
        fields.setdefault(name, value)  # assigned to the literal's variable afterwards
    credentials = any(
        fields.get(c) is not None and fields[c].text() == "true" for c in _CREDENTIAL_FIELDS
    )
    problems: list[str] = []
    if "AllowAllOrigins" in fields and fields["AllowAllOrigins"].text() == "true":
        problems.append("AllowAllOrigins: true allows every origin")
    for name in _ORIGIN_LISTS:
        if name in fields and re.search(r"[\"`]\*[\"`]|[\"`]\*,|,\s*\*[\"`]", fields[name].text()):
            problems.append(f'{name} contains "*"')
    for name in _ORIGIN_FUNCS:
        if name in fields and _returns_true(fields[name]):
            problems.append(f"{name} accepts every origin (returns true)")
    if problems and credentials:
        problems.append("with AllowCredentials: true")
    lists = [fields[k] for k in _ORIGIN_LISTS if k in fields]
    if problems:
        f.add(CORS, lit, CON, quality="contrary", why="; ".join(problems))
    elif (
        lists
        and not any(k in fields for k in _ORIGIN_FUNCS)
        and not any(
            v.kind() in ("composite_literal", "literal_value") or "{" in v.text() for v in lists
        )
    ):
        # From configuration (Permify's `srv.HTTP.CORSAllowedOrigins`, whose default is
        # `[]string{"*"}`): not followed, so not shown to restrict anything.
        shown = " ".join(lists[0].text().split())
        why = f"allowed origins come from {shown[:60]}, a value not followed"
        f.add(CORS, lit, POS, quality="unknown", why=why)
    elif any(k in fields for k in (*_ORIGIN_LISTS, *_ORIGIN_FUNCS)):
        f.add(CORS, lit, POS, quality="complete")
    else:
        why = "no allowed origins set: the middleware's default applies"
        f.add(CORS, lit, CON, quality="contrary", why=why)
    return True


def _secure_options(f: File, lit: SgNode) -> None:
    """unrolled/secure sends only what its Options turn on (the zero value sends nothing)."""
    fields = {
        kids[0].text(): kids[1].text()
        for keyed in named(lit.field("body"))
        if keyed.kind() == "keyed_element" and len(kids := named(keyed)) == 2
    }
    missing = []
    sts = fields.get("STSSeconds", "0").strip()
    if sts in ("0", ""):
        missing.append("STSSeconds (HSTS)")
    if fields.get("ContentTypeNosniff") != "true":
        missing.append("ContentTypeNosniff")
    if fields.get("FrameDeny") != "true" and not (
        {"CustomFrameOptionsValue", "ContentSecurityPolicy"} & set(fields)
    ):
        missing.append("FrameDeny or ContentSecurityPolicy")
    if missing:
        why = f"secure.Options without {', '.join(missing)}: those headers are not sent"
        f.add(SECURITY_HEADERS, lit, CON, options=True, quality="contrary", why=why)
    else:
        f.add(SECURITY_HEADERS, lit, POS, options=True, quality="complete")


def _returns_true(value: SgNode) -> bool:
    """A function literal whose body is only `return true`."""
    func = value if value.kind() == "func_literal" else value.find(kind="func_literal")
    if func is None:
        return False
    body = named(func.field("body"))
    if len(body) == 1 and body[0].kind() == "statement_list":
        body = named(body[0])
    if len(body) == 1 and body[0].kind() == "return_statement":
        return body[0].text().split(None, 1)[-1].strip("() \t") == "true"
    return False


# --------------------------------------------------------------------------- judgement


def _judge_cors(
    items: list[Evidence],
    facts: Mapping[str, Any],
    all_paths: tuple[str, ...],
    notes: list[str],
) -> list[Evidence]:
    """An import is no configuration: once options or headers are seen they decide, and
    without them the import cannot tell which origins are allowed."""
    configured = [e for e in items if "import" not in e.facts]
    if configured:
        return configured
    why = "CORS middleware imported; its allowed origins were not seen"
    return [e._replace(facts={**e.facts, "quality": "unknown", "why": why}) for e in items]


def _judge_headers(
    items: list[Evidence],
    facts: Mapping[str, Any],
    all_paths: tuple[str, ...],
    notes: list[str],
) -> list[Evidence]:
    """Helmet middleware sends the set by default; unrolled/secure only what its Options turn
    on (its import alone cannot tell); headers set in code must make up the whole set, each
    missing one contrary where the others are set."""
    imports = [e for e in items if "import" in e.facts]
    options = [e for e in items if e.facts.get("options")]
    in_code = [e for e in items if "header" in e.facts]
    out = [e for e in items if "import" not in e.facts]
    helmet = [e for e in imports if e.facts["import"] != SECURE]
    for e in helmet:
        why = "helmet middleware sends the security headers by default"
        out.append(e._replace(facts={**e.facts, "quality": "complete", "why": why}))
    if not options:
        for e in imports:
            if e.facts["import"] == SECURE:
                why = "unrolled/secure imported; the Options that decide its headers were not seen"
                out.append(e._replace(facts={**e.facts, "quality": "unknown", "why": why}))
    if helmet or any(e.polarity is Polarity.POSITIVE for e in options) or not in_code:
        return out
    names = {str(e.facts["header"]).lower() for e in in_code}
    first = min(in_code, key=lambda e: (e.path, e.line))
    for group in REQUIRED_HEADERS:
        if not names & {h.lower() for h in group}:
            wanted = " or ".join(group)
            out.append(
                Evidence(
                    first.path,
                    first.line,
                    first.end_line,
                    Polarity.CONTRARY,
                    first.snippet,
                    first.blob,
                    {
                        "missing": wanted,
                        "quality": "contrary",
                        "why": f"{wanted} is not set anywhere in code (only some security "
                        "headers are)",
                    },
                )
            )
    return out


def _sum_cors(items: list[Evidence], notes: list[str]) -> str:
    pos, con = split(items)
    if not items:
        return "no CORS library or header found"
    if all("import" in e.facts for e in items):
        return generic("", "")(items, notes) + "; its allowed origins were not seen"
    unknown = [e for e in pos if e.facts.get("quality") == "unknown"]
    pos = [e for e in pos if e.facts.get("quality") != "unknown"]
    parts = []
    if pos:
        parts.append(f"{n(len(pos), 'CORS setting')} restricting origins")
    if unknown:
        parts.append(
            f"could not tell for {n(len(unknown), 'CORS setting')}: {unknown[0].facts['why']}"
        )
    if con:
        parts.append(
            f"{n(len(con), 'CORS setting')} open to any origin (first: {con[0].facts.get('why')})"
        )
    return "; ".join(parts)


def _sum_headers(items: list[Evidence], notes: list[str]) -> str:
    if not items:
        return "no security header set in code"
    pos, con = split(items)
    base = generic("security header set", "")(pos, notes) if pos else ""
    missing = [str(e.facts["missing"]) for e in con if "missing" in e.facts]
    wrong = [e for e in con if "missing" not in e.facts]
    parts = [base] if base else []
    if missing:
        parts.append(f"missing: {', '.join(missing)}")
    if wrong:
        parts.append(
            f"{n(len(wrong), 'header setting')} leaving out or undoing protection (first: {wrong[0].facts.get('why')})"
        )
    unknown = [e for e in pos if e.facts.get("quality") == "unknown"]
    if unknown:
        parts.append(str(unknown[0].facts["why"]))
    return "; ".join(parts)


CHECK = Check(
    detectors=(
        Detector(CORS, _sum_cors, judge=_judge_cors),
        Detector(SECURITY_HEADERS, _sum_headers, judge=_judge_headers),
    ),
    gates=(
        Gate(
            "headers",
            (CORS, SECURITY_HEADERS),
            _opens,
            _rule,
            needs_words=False,
            packages={**CORS_PACKAGES, SECURE: "secure"},
            on_call=_on_call,
            on_literal=_on_literal,
            on_node={"keyed_element": _on_header_entry},
        ),
    ),
)
