"""A scan's service scope remembered in the scan cache, keyed by everything it depends on.

The key hashes the blobs of every Go file, go.mod, go.work and build/deploy/CI file, the
config's scan and services settings and the service asked for: an unchanged repository answers
from one cache entry instead of re-resolving every import (a warm scan stays as fast as it was
before services existed). A working-tree file without a known blob (modified, untracked) means
no key: the scope is computed afresh.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from golive_tui.core.git.listing import Snapshot
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.config import Config
from golive_tui.core.scan.detectors.base import FileScan
from golive_tui.core.services.kinds import link_kind
from golive_tui.core.services.model import Link, LinkKind, Service

KEY = ScanCache.key("services.scope", "1")
_MISS: Any = object()


#: The modules whose logic decides a scope: an edited one (a new golive) must not reuse an
#: answer it would not give (their size and mtime join the key, as the engine's plan does).
_LOGIC = ("closure.py", "discover.py", "kinds.py", "links.py", "packages.py", "scope.py")


def fingerprint(snapshot: Snapshot, config: Config, service: Service | None) -> str | None:
    if not snapshot.is_git:
        return None
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(repr((config.scan, config.services, service)).encode())
    here = Path(__file__).parent
    for name in _LOGIC:
        try:
            info = (here / name).stat()
            digest.update(f"{name}:{info.st_mtime_ns}:{info.st_size}\n".encode())
        except OSError:
            digest.update(f"{name}:?\n".encode())
    for f in snapshot.files:
        path = f.path
        if path.endswith((".go", "go.mod", "go.work")) or link_kind(path):
            if f.blob is None:
                return None
            digest.update(f"{path}\0{f.blob}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def load(cache: ScanCache, key: str) -> Any:
    """The remembered scope (a ShippingScope or None), or `_MISS`."""
    from golive_tui.core.services.scope import Outside, ScopeMode, ShippingScope

    hit = cache.get(KEY, "", key)
    if hit is None:
        return _MISS
    data = hit.meta.get("scope")
    if data is None:
        return None
    try:
        return ShippingScope(
            mode=ScopeMode(data["mode"]),
            services=tuple(_service(s) for s in data["services"]),
            packages={k: frozenset(v) for k, v in data["packages"].items()},
            shipping=frozenset(data["shipping"]),
            dropped=frozenset(data["dropped"]),
            reasons=dict(data["reasons"]),
            outside=tuple(Outside(p, int(n), r) for p, n, r in data["outside"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return _MISS


def is_miss(value: Any) -> bool:
    return value is _MISS


def store(cache: ScanCache, key: str, scope: Any) -> None:
    if scope is None:
        cache.put(KEY, "", key, FileScan(meta={"scope": None}))
        return
    data = {
        "mode": str(scope.mode),
        "services": [_service_data(s) for s in scope.services],
        "packages": {k: sorted(v) for k, v in scope.packages.items()},
        "shipping": sorted(scope.shipping),
        "dropped": sorted(scope.dropped),
        "reasons": dict(scope.reasons),
        "outside": [[o.package, o.go_files, o.reason] for o in scope.outside],
    }
    cache.put(KEY, "", key, FileScan(meta={"scope": data}))


def _service_data(s: Service) -> dict[str, Any]:
    return {
        "name": s.name,
        "main": s.main,
        "module": s.module,
        "dockerfiles": list(s.dockerfiles),
        "manifests": list(s.manifests),
        "ci_jobs": list(s.ci_jobs),
        "links": [[str(k.kind), k.path, k.line, k.how] for k in s.links],
        "declared": s.declared,
    }


def _service(d: dict[str, Any]) -> Service:
    return Service(
        name=d["name"],
        main=d["main"],
        module=d["module"],
        dockerfiles=tuple(d["dockerfiles"]),
        manifests=tuple(d["manifests"]),
        ci_jobs=tuple(d["ci_jobs"]),
        links=tuple(Link(LinkKind(k), p, int(n), h) for k, p, n, h in d["links"]),
        declared=bool(d["declared"]),
    )
