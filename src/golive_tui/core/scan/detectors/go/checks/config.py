"""go.config_loading: configuration read from the environment (os.Getenv / os.LookupEnv) or
through a configuration library (an import rule in go_rules.toml)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from golive_tui.core.evidence import Evidence
from golive_tui.core.scan.detectors.go.check import Check, Detector, Gate, RulePart
from golive_tui.core.scan.detectors.go.rules import alt
from golive_tui.core.scan.detectors.go.summaries import generic
from golive_tui.core.scan.detectors.go.tree import POS, File, string_value

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

CONFIG = "go.config_loading"


def _rule(f: File) -> RulePart:
    os = alt(f.aliases("os"))
    return RulePart(calls=[rf"{os}\.(?:Getenv|LookupEnv)"], where=[rf"{os}\.(?:Getenv|LookupEnv)"])


def _on_call(
    f: File,
    gates: set[str],
    call: SgNode,
    receiver: str,
    name: str,
    args: list[SgNode],
    path: str | None,
) -> bool:
    if path != "os":
        return False
    if name in ("Getenv", "LookupEnv") and "env" in gates:
        var = string_value(args[0]) if args else None
        f.add(CONFIG, call, POS, **({"variable": var} if var is not None else {}))
    return True


def _summary(items: list[Evidence], notes: list[str]) -> str:
    """Support only: a lookup shows some configuration comes from the environment, never
    that all of it does (nor that it is validated)."""
    text = generic("environment lookup", "no environment configuration found")(items, notes)
    if items:
        text += "; shows configuration read from the environment, not that all of it is"
    return text


CHECK = Check(
    detectors=(Detector(CONFIG, _summary),),
    gates=(
        Gate(
            "env",
            (CONFIG,),
            lambda seen: seen.via("os", "Getenv", "LookupEnv"),
            _rule,
            code_words=lambda r: ("Getenv", "LookupEnv"),
            packages={"os": "os"},
            on_call=_on_call,
        ),
    ),
)
