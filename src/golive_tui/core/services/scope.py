"""What a scan reads when a repository has services: the code that ships, nothing else.

- One service (`--service NAME`): the Go packages its main package imports (closure.py), plus
  every non-Go file except the Dockerfiles and manifests of the repository's other services.
- No service named, in a repository with services: the union of every service's packages.
- Go code outside that scope (tools, examples, generators, test programs, packages nothing
  imports) is never evidence; the report counts it, per package, so nothing is hidden, and
  `--all-code` scans everything as before.

A repository with no service found, or whose one service ships every Go package it holds, is
scanned exactly as before (no scope in the report: the evidence is the whole repository's).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from golive_tui.core.errors import GoliveError
from golive_tui.core.git.listing import RepoFile, Snapshot, is_vendored, path_of
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.config import Config, Scope
from golive_tui.core.scan.reader import FileReader
from golive_tui.core.services.model import Service
from golive_tui.core.tuples import NamedTuple

if TYPE_CHECKING:  # imported where used: a warm scan answers from the cache without them
    from golive_tui.core.services.closure import FileFilter
    from golive_tui.core.services.discover import Discovery


class ServiceError(GoliveError):
    """A service was named that the repository does not have."""


class ScopeMode(enum.StrEnum):
    SERVICES = "services"  # every service's shipping code
    SERVICE = "service"  # one service's


class Outside(NamedTuple):
    """A Go package left out of the scan, and why."""

    package: str  # its directory
    go_files: int  # .go files in it (tests included)
    reason: str


class ShippingScope(NamedTuple):
    mode: ScopeMode
    services: tuple[Service, ...]
    packages: dict[str, frozenset[str]]  # service name -> its package directories
    shipping: frozenset[str]  # package directories read
    dropped: frozenset[str]  # non-Go files that belong to other services only
    reasons: dict[str, str]  # main package directory -> why it is not in scope
    outside: tuple[Outside, ...] = ()

    def kept(self, files: Sequence[RepoFile]) -> list[RepoFile]:
        """The files of `files` the scan reads, in order: a Go file when its package (its
        folder, as the package index names it) ships, any other file unless it is only other
        services' (`dropped`). One comprehension, no call per file: 8x moby's 26k paths,
        10.2 -> 4.9 ms of every scan of a repository with services."""
        shipping, dropped = self.shipping, self.dropped
        return [
            f
            for f in files
            if (
                (f.path.rpartition("/")[0] or ".") in shipping
                if f.path.endswith(".go")
                else f.path not in dropped
            )
        ]

    def with_outside(self, paths: Sequence[str], read: Scope) -> ShippingScope:
        """The same scope, with the Go packages among `paths` that it leaves out counted:
        their Go files `read` reads (tests included), outside vendor/.

        What is asked of a folder (in the scope? under vendor/?) is asked once per run of
        paths in it, as the listing groups them: 8x moby's 26,304 paths (12,794 Go files
        outside), the scan's outside count 18.7 -> 15.0 ms in process."""
        counts: dict[str, int] = {}
        readable, readable_test = read.readable, read.readable_test
        shipping = self.shipping
        last: str | None = None
        skip = True
        directory = "."
        for path in paths:
            if not path.endswith(".go"):
                continue
            folder = path.rpartition("/")[0]
            if folder != last:
                last = folder
                directory = folder or "."  # as the package index has it
                skip = directory in shipping or is_vendored(f"{folder}/")
            if skip:
                continue
            if readable(path) or readable_test(path):
                counts[directory] = counts.get(directory, 0) + 1
        default = f"not imported by {', '.join(s.name for s in self.services)}"
        outside = tuple(
            Outside(d, n, self.reasons.get(d, default)) for d, n in sorted(counts.items())
        )
        return self._replace(outside=outside)

    def to_json(self) -> dict[str, Any]:
        """`scope` in the scan JSON (docs/services.md)."""
        return {
            "mode": str(self.mode),
            "services": [
                {
                    "name": s.name,
                    "main": s.main,
                    "module": s.module,
                    "packages": len(self.packages.get(s.name, ())),
                    "dockerfiles": list(s.dockerfiles),
                    "manifests": list(s.manifests),
                }
                for s in self.services
            ],
            "outside": {
                "packages": len(self.outside),
                "go_files": sum(o.go_files for o in self.outside),
                "list": [
                    {"package": o.package, "go_files": o.go_files, "reason": o.reason}
                    for o in self.outside
                ],
            },
        }


def plan_scope(
    discovery: Discovery, service: Service | None, keep: FileFilter | None = None
) -> ShippingScope | None:
    """The scope of a scan (None: the whole repository, as before services existed)."""
    from golive_tui.core.services.closure import closure, every_file

    services = discovery.services.services
    index = discovery.index
    if service is None and not services:
        return None
    if service is not None:
        chosen: tuple[Service, ...] = (service,)
        mode = ScopeMode.SERVICE
    else:
        chosen = services
        mode = ScopeMode.SERVICES
    packages = {s.name: closure(index, s.main, keep or every_file).packages for s in chosen}
    shipping = frozenset().union(*packages.values())
    own = {p for s in chosen for p in (*s.dockerfiles, *s.manifests)}
    others = {p for s in services if s not in chosen for p in (*s.dockerfiles, *s.manifests)}
    reasons = {n.main: n.reason for n in discovery.services.not_services}
    for s in services:
        if s not in chosen:
            reasons[s.main] = f"the main package of service {s.name}"
    return ShippingScope(mode, chosen, packages, shipping, frozenset(others - own), reasons)


def scan_scope(
    snapshot: Snapshot,
    reader: FileReader,
    cache: ScanCache,
    config: Config,
    service: Service | None,
) -> ShippingScope | None:
    """The engine's question: which files does this scan read? (None: all, as before.)"""
    from golive_tui.core.services import memo

    # Without a cache file (`--no-cache`, outside git) nothing is remembered: the inputs, a pass
    # over every path, would be thrown away (moby 13k paths ~6 ms).
    now = memo.inputs(snapshot, reader, config, service) if cache.path is not None else None
    if now is not None:
        remembered = memo.load(cache, now, reader)
        if not memo.is_miss(remembered):
            return cast("ShippingScope | None", remembered)
    result = _scan_scope(snapshot, reader, cache, config, service)
    if now is not None:
        memo.store(cache, now, result)
    return result


def _scan_scope(
    snapshot: Snapshot,
    reader: FileReader,
    cache: ScanCache,
    config: Config,
    service: Service | None,
) -> ShippingScope | None:
    from golive_tui.core.services.discover import discover_in

    discovery = discover_in(snapshot, reader, cache, config)
    if service is not None and service not in discovery.services.services:
        service = _refresh(discovery, service)
    from golive_tui.core.services.closure import for_target

    planned = plan_scope(discovery, service, for_target(config.scan.target))
    if planned is None:
        return None
    read = Scope.of(config.scan.with_vendor(False))  # what the scan would read of the rest
    planned = planned.with_outside(tuple(map(path_of, snapshot.files)), read)
    if planned.mode == ScopeMode.SERVICES and not planned.outside and not planned.dropped:
        return None  # every Go package ships: the whole repository, exactly as before
    return planned


def _refresh(discovery: Discovery, service: Service) -> Service:
    """A service named by a caller that discovery knows under its name: discovery's view
    (links found since); an unknown one is scanned as given (its main package's closure)."""
    for known in discovery.services.services:
        if known.name == service.name:
            return known
    return service
