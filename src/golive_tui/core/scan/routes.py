"""`golive routes`: the route table of the code a service ships, through the scan's engine.

The table runs the route-table extractor (`detectors/go/table.py`) as the engine's only
family, so it reads exactly the files `golive scan` reads for the same service (shipping
code, the deploy target's build, no `_test.go`, no vendor) and caches by blob like it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors import Registry
    from golive_tui.core.services.model import Service
    from golive_tui.core.services.scope import ShippingScope

#: Version of the `golive routes --format json` document (docs/routes.md).
SCHEMA = 1
#: The route table's detector id (detectors/go/table.py TABLE), spelled here: a table the scan
#: memo answers never imports the Go family.
TABLE = "go.http.health_endpoints"
_FIELDS = ("method", "path", "route", "handler", "framework", "kind")


@dataclass(frozen=True, slots=True)
class RouteRow:
    """One route: where it is registered and what it serves."""

    file: str
    line: int
    method: str
    path: str
    route: str
    handler: str
    framework: str
    kind: str  # health, readiness, metrics, pprof or ""
    partial: str = ""  # why the path is not fully known ("" when it is)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "method": self.method,
            "path": self.path,
            "route": self.route,
            "handler": self.handler,
            "framework": self.framework,
            "kind": self.kind,
            "partial": self.partial or None,
        }


@dataclass(frozen=True, slots=True)
class RouteTable:
    root: str
    service: str | None
    routes: tuple[RouteRow, ...]
    errors: tuple[str, ...]  # files that could not be analysed (the table may miss routes)
    scope: ShippingScope | None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "root": self.root,
            "service": self.service,
            "services": [s.name for s in self.scope.services] if self.scope else [],
            "routes": [r.to_json() for r in self.routes],
            "errors": list(self.errors),
        }


def route_table(
    root: Path,
    *,
    service: Service | None = None,
    use_cache: bool = True,
    all_code: bool = False,
) -> RouteTable:
    """Every route the shipping code registers (the service's when given)."""
    if use_cache:  # the scan memo answers a tree whose inputs are all unchanged (report_memo)
        from golive_tui.core.git.listing import locate
        from golive_tui.core.scan.report_memo import memo_scan
        from golive_tui.core.services import once

        # The tree as git listed it to find the services a moment ago, when it was (a table
        # is a report of the tree as it is: nothing is signed with it): one listing fewer.
        report = memo_scan(
            root,
            only=[TABLE],
            registry=("routes", _registry),
            service=service,
            all_code=all_code,
            listing=once.take_listing(locate(Path(root)).root),
        )
    else:
        from golive_tui.core.scan.engine import scan

        report = scan(
            root,
            only=[TABLE],
            use_cache=False,
            registry=_registry(),
            service=service,
            all_code=all_code,
        )

    result = report.result(TABLE)
    rows = []
    errors = [f"{p}: {why}" for p, why in report.stats.skipped if p.endswith(".go")]
    for e in result.evidence:
        if "error" in e.facts:
            errors.append(f"{e.path}: {e.facts['error']}")
            continue
        facts = {k: str(e.facts.get(k, "")) for k in _FIELDS}
        rows.append(RouteRow(e.path, e.line, partial=str(e.facts.get("partial", "")), **facts))
    rows.sort(key=lambda r: (r.file, r.line, r.path, r.method))
    return RouteTable(
        str(report.repo.root),
        service.name if service else None,
        tuple(rows),
        tuple(errors),
        report.scope,
    )


def _registry() -> Registry:
    """The route table's family alone (the Go family's modules: imported on a miss only)."""
    from golive_tui.core.scan.detectors import build_registry
    from golive_tui.core.scan.detectors.go.table import RouteTableExtractor

    return build_registry([RouteTableExtractor()])
