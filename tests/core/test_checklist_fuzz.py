"""Whatever a file holds, the loader answers with a checklist or a ChecklistError, never a crash."""

from __future__ import annotations

import copy
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from golive_tui.core.checklist.library import Library
from golive_tui.core.checklist.load import parse_file
from golive_tui.core.errors import ChecklistError
from golive_tui.core.scan.detectors.catalog import detector_ids

VALID = """\
[checklist]
id = "solo"
title = "Solo"
version = "1"
description = "d"
source = ["s"]
default_profile = "gate"

[[sections]]
id = "shutdown"
title = "Shutdown"

[[sections.items]]
id = "shutdown.sigterm"
title = "t"
why = "w"
verify = "v"
remediation = "r"
priority = "P0"
source = "s"
detect = { all = ["go.pprof"] }
applies_when = { files = ["**/x"] }

[[sections.items]]
id = "shutdown.score"
title = "t"
why = "w"
verify = "v"
remediation = "r"
priority = "P1"
kind = "score"
rubric = ["a", "b", "c"]
source = ["s", "t"]

[[profiles]]
id = "gate"
title = "Gate"
items = ["shutdown.sigterm"]
priorities = ["P1"]

[[scoring]]
id = "health"
title = "Health"
method = "points"
items = ["shutdown.score"]
[[scoring.bands]]
min = 0
max = 1
label = "low"
[[scoring.bands]]
min = 2
label = "high"
"""

EXTENDING = """\
[checklist]
id = "acme"
title = "ACME"
version = "1"
description = "d"
source = ["s"]
extends = "go-production"

[[drop]]
id = "contracts.identity"
reason = "r"

[[override]]
id = "contracts.api-documented"
priority = "P0"

[[sections]]
id = "contracts"
[[sections.items]]
id = "contracts.extra"
title = "t"
why = "w"
verify = "v"
remediation = "r"
priority = "P2"
source = "s"

[[profiles]]
id = "mine"
title = "Mine"
items = ["contracts.extra"]
rule = "min_score"
scoring = "s"
min_score = 1

[[scoring]]
id = "s"
title = "S"
method = "weighted"
[[scoring.dimensions]]
id = "d"
title = "D"
weight = 1
items = ["contracts.extra"]
[[scoring.bands]]
min = 0
label = "x"
"""

scalars = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["P0", "P5", "score", "check", "points", "weighted", "min_score", "go.pprof"]),
    st.integers(-3, 300),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = st.sampled_from(
    [
        "id",
        "title",
        "items",
        "priority",
        "kind",
        "rubric",
        "detect",
        "applies_when",
        "bands",
        "min",
        "max",
        "method",
        "dimensions",
        "sections",
        "profiles",
        "scoring",
        "rule",
        "extends",
        "weight",
        "source",
        "any",
        "all",
        "files",
        "drop",
        "override",
        "checklist",
        "revalidate_after",
        "tags",
    ]
)


def _containers(node: Any) -> list[Any]:
    out = [node]
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        if isinstance(child, dict | list):
            out.extend(_containers(child))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(tomllib.loads(draw(st.sampled_from([VALID, EXTENDING]))))
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(_containers(data)))
        if isinstance(target, dict):
            key = draw(KEYS)
            if target and draw(st.booleans()):
                target.pop(draw(st.sampled_from(sorted(target))))
            else:
                target[key] = draw(values)
        elif target:
            target[draw(st.integers(0, len(target) - 1))] = draw(values)
    return data


LIBRARY = Library.discover(None)
DETECTORS = detector_ids()


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_definitions_never_crash(data: dict[str, Any]) -> None:
    try:
        body = tomlkit.dumps(data)
    except (TypeError, ValueError):
        return  # not representable as TOML (e.g. an array mixing tables and values)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "acme.toml"
        path.write_text(body, encoding="utf-8")
        try:
            LIBRARY.resolve(parse_file(path, known_detectors=DETECTORS))
        except ChecklistError as exc:
            assert exc.problems
            assert all(p.startswith(f"{path}:") for p in exc.problems), exc.problems
