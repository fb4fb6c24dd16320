"""Wording helpers the checks' summaries share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from golive_tui.core.evidence import Evidence, Polarity
from golive_tui.core.scan.detectors.go.check import Summary


def split(items: list[Evidence]) -> tuple[list[Evidence], list[Evidence]]:
    pos = [e for e in items if e.polarity is Polarity.POSITIVE]
    con = [e for e in items if e.polarity is Polarity.CONTRARY]
    return pos, con


def n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def with_notes(text: str, notes: list[str], one: str, many: str) -> str:
    """Append what was seen but not claimed (`one`/`many`: the phrase for 1 / for N)."""
    if not notes:
        return text
    what = one if len(notes) == 1 else many
    return f"{text}; {len(notes)} {what} (first: {notes[0]})"


def generic(noun: str, none: str) -> Summary:
    """Imports named, other positive findings counted as `noun`, contrary ones counted."""

    def summary(items: list[Evidence], notes: list[str]) -> str:
        pos, con = split(items)
        if not items:
            return none
        imports = sorted({str(e.facts["import"]) for e in pos if "import" in e.facts})
        other = [e for e in pos if "import" not in e.facts]
        parts = []
        if imports:
            shown = ", ".join(imports[:4]) + (
                f" and {len(imports) - 4} more" if len(imports) > 4 else ""
            )
            parts.append(f"imports {shown}")
        if other:
            parts.append(n(len(other), noun))
        if con:
            parts.append(f"{len(con)} contrary")
        return "; ".join(parts)

    return summary


def helper_undecided(facts: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Why a detector that found nothing cannot say "missing": the first (by path and line)
    thing the checks saw that golive does not follow (`File.undecided`: a shutdown helper, a
    framework's app, a wrapped route...), or None."""
    calls = sorted(
        (path, int(entry[0]), str(entry[1]))
        for path, data in facts.items()
        for entry in data.get("helpers", ())
        if len(entry) == 2
    )
    if not calls:
        return None
    path, line, text = calls[0]
    return f"{path}:{line} {text}"
