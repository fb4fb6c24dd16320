"""The scope's outside count (`ShippingScope.with_outside`) asks each folder once per run of
paths in it: the same packages and counts as asking each path, for any listing order."""

from __future__ import annotations

import random

import pytest

from golive_tui.core.git.listing import is_vendored
from golive_tui.core.scan.config import ScanConfig, Scope, parse_config
from golive_tui.core.services.scope import Outside, ScopeMode, ShippingScope

FOLDERS = ["", "a", "a/b", "vendor/x", "a/vendor", "vendorx", "x/vendor/y", "testdata", "gen"]
NAMES = ["m.go", "m_test.go", "x_linux.go", "README.md", "a.pb.go", "go", ".go"]
PATHS = [f"{d}/{n}" if d else n for d in FOLDERS for n in NAMES]


def _old(planned: ShippingScope, paths: list[str], read: Scope) -> tuple[Outside, ...]:
    counts: dict[str, int] = {}
    for path in paths:
        directory = path.rpartition("/")[0] or "."
        if (
            path.endswith(".go")
            and directory not in planned.shipping
            and not is_vendored(path)
            and (read.readable(path) or read.readable_test(path))
        ):
            counts[directory] = counts.get(directory, 0) + 1
    return tuple(
        Outside(d, n, planned.reasons.get(d, "not imported by s"))
        for d, n in sorted(counts.items())
    )


@pytest.mark.parametrize("config", ["", '[scan]\nexclude = ["gen/**", "**/*.pb.go"]\n'])
@pytest.mark.parametrize("shipping", [frozenset(), frozenset({".", "a"}), frozenset({"a/b"})])
def test_the_outside_count_is_the_per_path_one(config: str, shipping: frozenset[str]) -> None:
    from golive_tui.core.services.model import Service

    scan = parse_config(config).scan if config else ScanConfig()
    read = Scope.of(scan)
    service = Service(name="s", main="a", module="", dockerfiles=(), manifests=(), ci_jobs=())
    planned = ShippingScope(
        ScopeMode.SERVICES, (service,), {}, shipping, frozenset(), {"a/b": "why"}
    )
    rng = random.Random(7)
    for order in range(4):
        paths = list(PATHS) if order == 0 else rng.sample(PATHS, len(PATHS))
        counted = planned.with_outside(paths, read).outside
        assert counted == _old(planned, paths, read)
    assert planned.with_outside(PATHS, read).outside  # the listing has packages outside
