"""What a service is, as data: shared by discovery, the scan's scope, drafts, records and the gate."""

from __future__ import annotations

import enum

from golive_tui.core.tuples import NamedTuple

# Value types are NamedTuples, not frozen dataclasses: a scan's scope reads these on every
# run, warm ones included, and no longer imports dataclasses for them (~6 ms, core/evidence.py).


class LinkKind(enum.StrEnum):
    """How a service was tied to a file that builds or deploys it."""

    DOCKERFILE = "dockerfile"  # a Dockerfile builds its main package
    BUILD = "build"  # goreleaser / ko / Makefile target
    MANIFEST = "manifest"  # a Kubernetes manifest or compose file runs its image
    CI = "ci"  # a CI job builds or tests it
    DECLARED = "declared"  # .golive/config.toml [services.NAME]


class Link(NamedTuple):
    """One reason a file belongs to a service, with where it was seen (for `golive services`)."""

    kind: LinkKind
    path: str  # repository-relative file that builds/deploys the service
    line: int  # 1-based, 0 when not tied to a line
    how: str  # e.g. "go build ./cmd/orders", "COPY cmd/orders", "image: orders"


class Service(NamedTuple):
    """A deployed `main` package and what ships with it."""

    name: str  # unique, safe as a path segment: [a-z0-9][a-z0-9._-]*
    main: str  # repository-relative directory of the main package ("." for the root)
    module: str = ""  # Go module path holding it
    dockerfiles: tuple[str, ...] = ()
    manifests: tuple[str, ...] = ()
    ci_jobs: tuple[str, ...] = ()  # "path:job"
    links: tuple[Link, ...] = ()
    declared: bool = False  # named in .golive/config.toml


class NotService(NamedTuple):
    """A main package that is not deployed (a tool, an example, a generator), with the reason."""

    main: str
    reason: str


class ServiceMap(NamedTuple):
    """Every service of a repository, and the main packages that are not services.

    `single` is true when the repository is one service: then drafts, records and commands
    behave exactly as they did before services existed (same paths, no --service needed).
    """

    services: tuple[Service, ...] = ()
    not_services: tuple[NotService, ...] = ()

    @property
    def single(self) -> bool:
        return len(self.services) <= 1

    def get(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)
