"""go.logging: logs are structured JSON in production, not just a logging library imported.

A library import is presence; what is written depends on the handler. A JSON handler is
positive (`slog.NewJSONHandler`, `zap.NewProduction*`, `zapcore.NewJSONEncoder`,
`logrus.JSONFormatter`, go-kit `NewJSONLogger`, containerd/log `SetFormat(log.JSONFormat)`,
zerolog without a ConsoleWriter); a text handler is contrary (`slog.NewTextHandler`,
`zap.NewDevelopment`/`NewExample`, `zapcore.NewConsoleEncoder`, `zerolog.ConsoleWriter`,
`logrus.TextFormatter`). When no handler is built anywhere, the imports are judged by the
library's default: slog and logrus write text (contrary), zerolog writes JSON (positive), any
other library could not be told.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import Evidence, Polarity
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.rules import alt
from golive_tui.core.scan.detectors.go.summaries import n, split
from golive_tui.core.scan.detectors.go.tree import CON, POS, File, snippet

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

LOGGING = "go.logging"

#: (import path, name) -> whether it writes JSON.
_CALLS: dict[tuple[str, str], bool] = {
    ("log/slog", "NewJSONHandler"): True,
    ("golang.org/x/exp/slog", "NewJSONHandler"): True,
    ("log/slog", "NewTextHandler"): False,
    ("golang.org/x/exp/slog", "NewTextHandler"): False,
    ("go.uber.org/zap", "NewProduction"): True,
    ("go.uber.org/zap", "NewProductionConfig"): True,
    ("go.uber.org/zap", "NewDevelopment"): False,
    ("go.uber.org/zap", "NewDevelopmentConfig"): False,
    ("go.uber.org/zap", "NewExample"): False,
    ("go.uber.org/zap/zapcore", "NewJSONEncoder"): True,
    ("go.uber.org/zap/zapcore", "NewConsoleEncoder"): False,
    ("github.com/go-kit/log", "NewJSONLogger"): True,
    ("github.com/go-kit/kit/log", "NewJSONLogger"): True,
}
_LITERALS: dict[tuple[str, str], bool] = {
    ("github.com/sirupsen/logrus", "JSONFormatter"): True,
    ("github.com/sirupsen/logrus", "TextFormatter"): False,
    ("github.com/rs/zerolog", "ConsoleWriter"): False,
}
_SET_FORMAT = "github.com/containerd/log"
#: Library defaults when no handler is built: True JSON, False text, absent: cannot tell.
_DEFAULTS: dict[str, bool] = {
    "log/slog": False,
    "golang.org/x/exp/slog": False,
    "github.com/sirupsen/logrus": False,
    "github.com/rs/zerolog": True,
    "github.com/containerd/log": False,  # logrus underneath, text formatter by default
    "k8s.io/klog/v2": False,
}
_SLOG = ("log/slog", "golang.org/x/exp/slog")
_PACKAGES = {path for path, _ in (*_CALLS, *_LITERALS)} | {_SET_FORMAT}
_WORDS = tuple(sorted({name for _, name in (*_CALLS, *_LITERALS)} | {"SetFormat"}))


def _opens(seen: Seen) -> bool:
    return (any(seen.f.aliases(p) for p in _PACKAGES) and bool(seen.words & set(_WORDS))) or any(
        seen.via(p, "New") for p in _SLOG
    )


def _rule(f: File) -> RulePart:
    words = "|".join(_WORDS)
    part = RulePart(
        calls=[rf"\w+\.(?:{words})"],
        literals=[rf"\w+\.(?:{words})"],
        where=[rf"\.(?:{words})\b"],
    )
    names = {n for p in _SLOG for n in f.aliases(p) if n not in ("_", ".")}
    if names:  # slog.New(handler): a handler this check does not know
        part.calls.append(rf"{alt(names)}\.New")
        part.where.append(rf"{alt(names)}\.New\(")
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
    if "logging" not in gates or path is None:
        return False
    if path == _SET_FORMAT and name == "SetFormat" and args:
        json = args[0].text().endswith(".JSONFormat")
        _handler(f, call, json, f"{receiver}.SetFormat({args[0].text()})")
        return True
    if path in _SLOG and name == "New" and args:
        if not re.search(r"\bNew(?:JSON|Text)Handler\b", args[0].text()):
            why = f"{receiver}.New({snippet(args[0].text())}): a handler whose format was not seen"
            f.add(LOGGING, call, POS, handler=f"{receiver}.New", quality="unknown", why=why)
        return True
    writes_json = _CALLS.get((path, name))
    if writes_json is None:
        return False
    _handler(f, call, writes_json, f"{receiver}.{name}")
    return True


def _on_literal(
    f: File, lit: SgNode, pkg_path: str | None, typ: str, assignments: list[SgNode]
) -> bool:
    json = _LITERALS.get((pkg_path or "", typ))
    if json is None:
        return False
    _handler(f, lit, json, typ)
    return True


def _handler(f: File, node: SgNode, json: bool, what: str) -> None:
    if json:
        f.add(LOGGING, node, POS, handler=what, quality="complete", why=f"{what} writes JSON")
    else:
        why = f"{what} writes text lines, not JSON"
        f.add(LOGGING, node, CON, handler=what, quality="contrary", why=why)


def _judge(
    items: list[Evidence],
    facts: Mapping[str, Any],
    all_paths: tuple[str, ...],
    notes: list[str],
) -> list[Evidence]:
    """Handlers decide (an import says nothing about the format once one is seen); with
    none, each import is judged by its library's default."""
    handlers = [e for e in items if "handler" in e.facts]
    if handlers:
        return handlers
    return [_by_default(e) for e in items]


def _by_default(e: Evidence) -> Evidence:
    path = str(e.facts.get("import", ""))
    default = next((v for p, v in _DEFAULTS.items() if path == p or path.startswith(p + "/")), None)
    if default is True:
        why = f"{path} writes JSON by default"
        return e._replace(facts={**e.facts, "quality": "complete", "why": why})
    if default is False:
        why = f"{path} imported but no JSON handler is set up: its default writes text"
        return e._replace(
            polarity=Polarity.CONTRARY, facts={**e.facts, "quality": "contrary", "why": why}
        )
    why = f"{path} imported; the format it writes was not seen"
    return e._replace(facts={**e.facts, "quality": "unknown", "why": why})


def _summary(items: list[Evidence], notes: list[str]) -> str:
    if not items:
        return "no structured logging library imported"
    pos, con = split(items)
    unknown = [e for e in pos if e.facts.get("quality") == "unknown"]
    parts = []
    if pos:
        json = [e for e in pos if e.facts.get("quality") == "complete"]
        if json:
            parts.append(f"{n(len(json), 'JSON log handler')} (first: {json[0].facts['why']})")
        if unknown:
            parts.append(f"could not tell the log format: {unknown[0].facts['why']}")
    if con:
        parts.append(f"{n(len(con), 'text log output')} (first: {con[0].facts['why']})")
    return "; ".join(parts)


CHECK = Check(
    detectors=(Detector(LOGGING, _summary, judge=_judge),),
    gates=(
        Gate(
            "logging",
            (LOGGING,),
            _opens,
            _rule,
            code_words=lambda r: (*_WORDS, "New"),
            packages={"log/slog": "slog", "go.uber.org/zap": "zap"},
            on_call=_on_call,
            on_literal=_on_literal,
        ),
    ),
)
