"""Verdicts that need two detector families: run by the engine after every family has
aggregated, so families stay independent (no detector imports another; import-linter).

- `k8s.probes`: an httpGet probe is judged against the routes the Go code registers
  (`go.http.health_endpoints` evidence): a path a route serves is fine, a path none of them
  serves is contrary, and when the Go code shows no route to compare with the evidence says
  "could not tell" (never contrary).
- `go.migrations`: a migrations folder, or a runner that does not lock (goose without a
  session locker, sql-migrate, dbmate...), is supporting evidence only; a runner that takes
  a lock - golang-migrate, goose with `goose/v3/lock`, atlas (its Go SDK or
  `atlas migrate apply`), in code or in CI - proves "one locked migration runner". Without
  such proof the result is "could not tell" (error) with why, never found.

- `build.version_ldflags`: GoReleaser's default ldflags (a build that sets none) set
  `main.version`; when every main package's files are read and none declares a package-level
  `version`, the flag sets nothing, so the default is no evidence of a stamped version.

Pure: results (and the CI and Go families' per-file facts) in, results out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from golive_tui.core.evidence import DetectorResult, Evidence, Polarity, Status
from golive_tui.core.scan.detectors import common
from golive_tui.core.scan.detectors.base import ScannedFile

PROBES = "k8s.probes"
HEALTH = "go.http.health_endpoints"
MIGRATIONS = "go.migrations"
LDFLAGS = "build.version_ldflags"

#: Imports of migration runners that lock the schema while applying (golang-migrate takes a
#: database lock by default; goose does when given a session locker from goose/v3/lock;
#: atlas's SDK runs `atlas migrate apply`, which locks).
LOCKING_IMPORTS = ("github.com/golang-migrate/migrate", "ariga.io/atlas-go-sdk")
GOOSE = "github.com/pressly/goose"
#: Longest probe path compared with the routes (a longer one "could not tell": bounded work).
MAX_PATH = 2048
GOOSE_LOCK = re.compile(r"github\.com/pressly/goose/v\d+/lock(/|$)")


#: What each cross-family verdict reads besides its own family (a `--detector` run adds them).
NEEDS: Mapping[str, tuple[str, ...]] = {
    PROBES: (HEALTH, "gomod.go_version"),
    MIGRATIONS: ("ci.present",),  # any CI detector: the CI family's files are read
    LDFLAGS: ("go.signal.sigterm",),  # any Go detector: the Go family's files are read
}


def needed(ids: Iterable[str]) -> list[str]:
    """The detector ids the verdicts of `ids` read from other families."""
    out: list[str] = []
    for i in ids:
        out += [n for n in NEEDS.get(i, ()) if n not in out]
    return out


def apply(
    results: list[DetectorResult],
    scanned: Mapping[str, Mapping[str, ScannedFile]],
    go_imports: Iterable[str],
    paths: Iterable[str] = (),
) -> list[DetectorResult]:
    """The results with the cross-family verdicts applied (same order, same ids)."""
    by_id = {r.id: r for r in results}
    changed: dict[str, DetectorResult] = {}
    probes = by_id.get(PROBES)
    if probes is not None and probes.evidence:
        names = own_names(paths) | _module_names(by_id.get("gomod.go_version"))
        changed[PROBES] = judge_probes(probes, by_id.get(HEALTH), names)
    migrations = by_id.get(MIGRATIONS)
    if migrations is not None and migrations.status is not Status.ERROR:
        changed[MIGRATIONS] = judge_migrations(migrations, scanned.get("ci", {}), set(go_imports))
    ldflags = by_id.get(LDFLAGS)
    if ldflags is not None and ldflags.evidence:
        changed[LDFLAGS] = judge_ldflags(ldflags, scanned.get("go_source", {}))
    return [changed.get(r.id, r) for r in results]


def judge_ldflags(result: DetectorResult, go_files: Mapping[str, ScannedFile]) -> DetectorResult:
    """GoReleaser's default `-X main.version=` counts only where a main package declares
    `version` (traefik/whoami's GoReleaser build stamped nothing: its main has no such
    variable). Unchanged when a flag was written out, or no main package's file was read."""
    from golive_tui.core.scan.detectors import build  # its summary, for what is kept

    if not any(e.facts.get("default") for e in result.evidence):
        return result
    declared = [sf.scan.meta.get("main_version") for sf in go_files.values()]
    mains = [d for d in declared if d is not None]
    if not mains or any(mains):
        return result
    # ory/oathkeeper: the default's item stayed beside a Makefile's dev-target flag
    kept = tuple(e for e in result.evidence if not e.facts.get("default"))
    unset = "GoReleaser's default ldflags set main.version, which no main package declares"
    summary = f"{build.summarize(LDFLAGS, kept)}; {unset}"
    status = DetectorResult.status_for(kept) if kept else Status.MISSING
    return result._replace(status=status, summary=summary, evidence=kept)


# --------------------------------------------------------------------------- probes


def _routes(health: DetectorResult | None, *, partial: bool = False) -> list[str]:
    """Paths the Go code registers (`GET /healthz` and `host/healthz` reduced to the path):
    those known statically, or (`partial`) those whose prefix is set at run time
    (`{baseUrl}/_healthz` reduced to `/_healthz`: a probe it may serve is "could not tell")."""
    if health is None:
        return []
    out: list[str] = []
    for e in health.evidence:
        if bool(e.facts.get("partial")) != partial:
            continue
        # the effective path (prefixes joined) where the route table knows it
        route = str(e.facts.get("path") or e.facts.get("route", ""))
        route = re.sub(r"^[A-Z]+\s+", "", route)
        if "/" in route and not route.startswith("/"):
            route = route[route.index("/") :]
        if route.startswith("/"):
            out.append(route)
    return out


def _health_path(path: str) -> bool:
    from golive_tui.core.scan.detectors.go.rules import rules

    segments = {s.lower() for s in re.split(r"[/?]", path) if s}
    return bool(segments & rules().route_segments)


def served(path: str, routes: list[str]) -> bool:
    """Whether a request path reaches one of the registered routes: the same path, a route
    mounted under a prefix (`/internal` + `/healthz`), a subtree (`/health/`), or a route
    with parameters (`/health/{kind}`, `/health/:kind`)."""
    path = path.split("?", 1)[0].rstrip("/") or "/"
    for route in routes:
        subtree = route.endswith("/") and route != "/"
        body = _route_regex(route.rstrip("/") or "/")
        tail = r"(?:/.*)?" if subtree else "/?"
        if re.fullmatch(rf"(?:/.*)?{body}{tail}", path):
            return True
    return False


def _route_regex(route: str) -> str:
    parts = []
    for segment in route.strip("/").split("/"):
        wild = segment.startswith(("{", ":")) or segment in ("*", "")
        parts.append("[^/]+" if wild else re.escape(segment))
    return "/" + "/".join(parts)


def own_names(paths: Iterable[str]) -> frozenset[str]:
    """Names an image of this repository's own service would carry: the last element of a
    go.mod's folder (or the repository's main module, ""), and every `cmd/<name>`."""
    names: set[str] = set()
    for p in paths:
        parts = p.split("/")
        if parts[-1] == "go.mod" and len(parts) > 1:
            names.add(parts[-2].lower())
        for i, part in enumerate(parts[:-1]):
            if part == "cmd" and i + 1 < len(parts) - 1:
                names.add(parts[i + 1].lower())
    return frozenset(names)


def _module_names(gomod: DetectorResult | None) -> frozenset[str]:
    """The last element of each module path (`example.com/tides` -> tides, `/v2` skipped)."""
    if gomod is None:
        return frozenset()
    out = set()
    for e in gomod.evidence:
        parts = [p for p in str(e.facts.get("module", "")).lower().split("/") if p]
        if parts and re.fullmatch(r"v\d+", parts[-1]):
            parts = parts[:-1]
        if parts:
            out.add(parts[-1])
    return frozenset(out)


def _own_image(image: str, names: frozenset[str]) -> bool:
    """A container running this repository's service: its image is set by a template (a
    chart of its own) or named like one of its commands or modules. A third-party image
    (a database, a proxy) serves routes the Go code knows nothing about."""
    if not image or "{{" in image or "__tpl__" in image:
        return True
    name = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()
    return name in names


def judge_probes(
    probes: DetectorResult, health: DetectorResult | None, names: frozenset[str] = frozenset()
) -> DetectorResult:
    """Each httpGet probe path of a container running this repository's service checked
    against the Go routes."""
    routes = _routes(health)
    maybe = _routes(health, partial=True)
    evidence: list[Evidence] = []
    notes: list[str] = []
    unknown = 0
    for e in probes.evidence:
        checks = e.facts.get("http_probes")
        if not isinstance(checks, list) or not checks:
            evidence.append(e)
            continue
        verdicts: dict[str, str] = {}
        for probe, path, _port, line in checks:
            path = str(path)
            own = _own_image(str(e.facts.get("image", "")), names)
            known = routes or maybe
            if "{{" in path or "__tpl__" in path or not known or len(path) > MAX_PATH or not own:
                verdicts[str(probe)] = "unknown"
                unknown += 1
            elif served(path, routes):
                verdicts[str(probe)] = "served"
            elif served(path, maybe) or not _health_path(path):
                # only under a prefix known at run time, or not a health path: the scan knows
                # the health routes only (`/` may be any route or a catch-all)
                verdicts[str(probe)] = "unknown"
                unknown += 1
            else:
                verdicts[str(probe)] = "not served"
                why = (
                    f"{probe} GETs {common.snippet(path, 120)}, which no route in the Go code serves"
                    f" (routes found: {', '.join(sorted(set(routes + maybe))[:4])})"
                )
                notes.append(f"{e.path}:{line}: {why}")
                evidence.append(
                    Evidence(
                        e.path,
                        int(line),
                        int(line),
                        Polarity.CONTRARY,
                        common.snippet(f"{probe}: GET {path}"),
                        e.blob,
                        {**_base(e), "quality": "contrary", "why": why},
                    )
                )
        facts = {**e.facts, "probe_paths": verdicts}
        if "not served" in verdicts.values():  # a probe that always fails is no probe
            evidence.append(e._replace(polarity=Polarity.CONTRARY, facts=facts))
        else:
            evidence.append(e._replace(facts=facts))
    summary = probes.summary
    if notes:
        summary += f"; {notes[0]}" + (f" (and {len(notes) - 1} more)" if len(notes) > 1 else "")
    if unknown:
        summary += f"; could not tell whether {unknown} probe path(s) are served" + (
            "" if routes or maybe else " (no health route registration found in the Go code)"
        )
    evidence.sort(key=lambda ev: (ev.path, ev.line))
    items = tuple(evidence)
    status = probes.status
    if status in (Status.FOUND, Status.PARTIAL, Status.CONTRARY):
        status = DetectorResult.status_for(items)
    return probes._replace(status=status, summary=summary, evidence=items)


def _base(e: Evidence) -> dict[str, object]:
    return {k: e.facts[k] for k in ("workload", "container") if k in e.facts}


# --------------------------------------------------------------------------- migrations


def judge_migrations(
    result: DetectorResult, ci_files: Mapping[str, ScannedFile], imports: set[str]
) -> DetectorResult:
    proof: list[Evidence] = []
    support: list[Evidence] = []
    for e in result.evidence:
        imp = str(e.facts.get("import", ""))
        if imp.startswith(LOCKING_IMPORTS):
            proof.append(e)
        elif imp.startswith(GOOSE) and any(GOOSE_LOCK.match(i) for i in imports):
            proof.append(e._replace(facts={**e.facts, "session_locker": True}))
        else:
            support.append(e)
    for path in sorted(ci_files):
        sf = ci_files[path]
        for line, snippet, locked in sf.scan.meta.get("migrations", []):
            ev = Evidence(path, int(line), int(line), Polarity.POSITIVE, str(snippet), sf.blob, {})
            (proof if locked else support).append(ev)
    why = (
        "a migrations folder or a runner that does not lock shows migrations exist, not that"
        " one locked runner applies them"
    )
    support = [e._replace(facts={**e.facts, "quality": "partial", "why": why}) for e in support]
    items = tuple(sorted(proof + support, key=lambda e: (e.path, e.line)))
    if proof:
        summary = f"{len(proof)} locking migration runner(s): " + ", ".join(
            f"{e.path}:{e.line}" for e in proof[:3]
        )
        return result._replace(status=Status.FOUND, summary=summary, evidence=items)
    if support:
        summary = (
            f"could not tell: {len(support)} piece(s) of migration evidence ("
            + ", ".join(f"{e.path}" for e in support[:3])
            + ") but no runner that takes a lock (golang-migrate, goose with a session locker,"
            " atlas migrate apply) in the code or CI"
        )
        return result._replace(status=Status.ERROR, summary=summary, evidence=items)
    return result
