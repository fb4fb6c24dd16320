"""Which service a command works on: `--service NAME` checked against the repository's services.

Every record command goes through here, so the rules are the same everywhere:
- a repository with one service (or none found) is scoped as "" — today's paths, no folder per
  service — and `--service` naming that one service is accepted;
- a repository with several services needs a name for commands about one release of one
  service (`all_services` lists them for the commands that cover every service);
- an unknown or unusable name is an error listing the known ones (exit 2).
"""

from __future__ import annotations

from pathlib import Path

from golive_tui.core.atomic import write_atomic
from golive_tui.core.confine import UnsafePathError, read_confined
from golive_tui.core.errors import GoliveError, RepoError
from golive_tui.core.services import once
from golive_tui.core.services.model import Service, ServiceMap
from golive_tui.core.services.names import check_service_name, is_service_name

#: The file under the repository's private state dir that holds the walker's last choice.
LAST_SERVICE_FILE = "service"


class ServiceChoiceError(GoliveError):
    """No service, or an unknown one, named where one is needed (a usage error: exit 2)."""


def services_of(root: Path, *, refresh_index: bool = False) -> ServiceMap:
    """The repository's services (discovery, or what `.golive/config.toml` declares).
    `refresh_index`: as `found.services_found`."""
    from golive_tui.core.services.found import services_found

    seen = once.seen
    if seen is None:
        return services_found(root, refresh_index=refresh_index)
    key = Path(root).resolve()
    found = seen.get(key)
    if not isinstance(found, ServiceMap):
        found = seen[key] = services_found(root, refresh_index=refresh_index)
    return found


def service_named(root: Path, name: str, *, refresh_index: bool = False) -> Service:
    """The service `scan --service NAME` and `routes --service NAME` read the code of; a name
    the repository does not have is a ServiceError naming the ones it has (exit 2).
    `refresh_index`: as `found.services_found`."""
    from golive_tui.core.services.scope import ServiceError

    services = services_of(root, refresh_index=refresh_index)
    try:
        return services.get(name)
    except KeyError:
        names = ", ".join(s.name for s in services.services) or "none found"
        raise ServiceError(
            f"no service named {name!r} (services: {names}; see `golive services`)"
        ) from None


def _known(smap: ServiceMap) -> str:
    return ", ".join(s.name for s in smap.services) or "(none)"


def scope_of(root: Path, name: str | None, *, smap: ServiceMap | None = None) -> str | None:
    """The scope for `--service name`: "" for a single-service repository, the name for one of
    several services, None when several exist and none was named (the caller asks or covers all).
    """
    smap = smap if smap is not None else services_of(root)
    if name is None:
        return "" if smap.single else None
    check_service_name(name, "--service")
    names = [s.name for s in smap.services]
    if name not in names:
        if not names:
            raise ServiceChoiceError(
                f"--service {name}: this repository has no services named in "
                ".golive/config.toml or found by `golive services`; leave --service out"
            )
        raise ServiceChoiceError(f"--service {name}: no such service (known: {_known(smap)})")
    return "" if smap.single else name


def require_scope(root: Path, name: str | None, *, command: str) -> str:
    """scope_of, with an error naming the services when several exist and none was named."""
    smap = services_of(root)
    scope = scope_of(root, name, smap=smap)
    if scope is None:
        raise ServiceChoiceError(
            f"this repository has {len(smap.services)} services ({_known(smap)}): "
            f"name one, e.g. `golive {command} --service {smap.services[0].name}`"
        )
    return scope


def all_scopes(root: Path, name: str | None = None) -> tuple[str, ...]:
    """The named service's scope, else every service's (("",) for a single-service repository)."""
    smap = services_of(root)
    scope = scope_of(root, name, smap=smap)
    if scope is not None:
        return (scope,)
    return tuple(s.name for s in smap.services)


def service_for(root: Path, scope: str) -> Service | None:
    """The Service a scope names (None for the whole repository): what a scan is limited to."""
    if not scope:
        return None
    try:
        return services_of(root).get(scope)
    except KeyError:
        return None


def last_service(root: Path) -> str:
    """The service the walker last opened in this repository ("" when none, or unusable)."""
    from golive_tui.core.git.release import state_dir

    try:  # confined and capped like a draft: a link or a FIFO in its place is refused
        folder = state_dir(root)
        raw = read_confined(folder.parent, f"{folder.name}/{LAST_SERVICE_FILE}", 256)
    except (RepoError, UnsafePathError, OSError):
        return ""
    text = raw.decode("utf-8", "replace").strip()
    return text if is_service_name(text) else ""


def remember_service(root: Path, name: str) -> None:
    """Keep the walker's choice in the repository's private state dir (never in the tree)."""
    from golive_tui.core.git.release import state_dir

    check_service_name(name)
    try:
        folder = state_dir(root)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / LAST_SERVICE_FILE, name + "\n")
    except (RepoError, OSError):
        return  # a preference: failing to keep it never stops a walk
