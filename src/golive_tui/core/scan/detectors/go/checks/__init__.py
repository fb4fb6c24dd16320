"""The Go checks, one module per concern; each exports `CHECK`.

The order of `CHECKS` is the order handlers see a node: a call on a package function
(`signal.Notify`, `os.Getenv`, `http.Get`) is claimed by its package's check before the
name-based ones (pool settings, headers, routes, queries) look at it.
To add a detector: write its module (detector, gate, rule, handlers, summary), list it here
and give it a definition in catalog.toml (family `go_source`); the tests check the two agree.
"""

from __future__ import annotations

from golive_tui.core.scan.detectors.go.check import Check
from golive_tui.core.scan.detectors.go.checks import (
    bodies,
    config,
    headers,
    http,
    libraries,
    logging,
    pool,
    pprof,
    ratelimit,
    routes,
    signals,
    sql,
    timeouts,
    tls,
)

CHECKS: tuple[Check, ...] = (
    signals.CHECK,
    config.CHECK,
    http.CHECK,
    timeouts.CHECK,
    bodies.CHECK,
    pool.CHECK,
    headers.CHECK,
    routes.CHECK,
    sql.CHECK,
    tls.CHECK,
    pprof.CHECK,
    logging.CHECK,
    ratelimit.CHECK,
    libraries.CHECK,
)
