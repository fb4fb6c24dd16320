"""`replace` for tests that change golive's values: named tuples (`._replace`: the checklist
model, records, assessments) and the dataclasses that remain (drafts, sessions) alike."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def replace(value: T, /, **changes: Any) -> T:
    """A copy of `value` with `changes`, whichever kind of value type it is."""
    rebuild = getattr(value, "_replace", None)
    if rebuild is not None:
        result: T = rebuild(**changes)
        return result
    return dataclasses.replace(value, **changes)  # type: ignore[type-var]
