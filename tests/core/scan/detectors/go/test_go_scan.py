"""Go source and team-defined detectors through the real engine, on small git repositories."""

from __future__ import annotations

from tests.conftest import RepoFactory

from golive_tui.core.model import Status
from golive_tui.core.scan.engine import scan

MAIN = """package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/audit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	srv := &http.Server{Addr: ":8080", Handler: mux}
	srv.ReadHeaderTimeout = 5 * time.Second
	go srv.ListenAndServe()
	<-ctx.Done()
	audit.Log("stopping")
	_ = srv.Shutdown(context.Background())
}
"""

RULES = """[[detector]]
id = "acme.audit_log"
title = "Audit log written"
looks_for = "audit.Log calls"
why = "Reviews need a trail."
remediation = "Call audit.Log."
literals = ["audit.Log"]
rule = { pattern = "audit.Log($$$)" }
"""


def test_scan_reports_go_evidence_with_blobs_and_imports(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "cmd/api/main.go": MAIN,
            "cmd/api/main_test.go": 'package main\nimport "os/signal"\nfunc t() { signal.Notify(c) }\n',
            "vendor/x/x.go": 'package x\nimport "os/signal"\nfunc t() { signal.Notify(c) }\n',
            ".golive/detectors/audit.toml": RULES,
        }
    )
    report = scan(root, use_cache=False)
    sig = report.result("go.signal.sigterm")
    assert sig.status is Status.FOUND
    assert [(e.path, e.line) for e in sig.evidence] == [("cmd/api/main.go", 15)]
    assert sig.evidence[0].blob is not None and len(sig.evidence[0].blob) == 40
    assert report.result("go.http.server_timeouts").evidence[0].facts["fields"] == [
        "ReadHeaderTimeout"
    ]
    assert report.result("go.http.health_endpoints").evidence[0].facts["route"] == "GET /healthz"
    assert report.result("go.http.graceful_shutdown").status is Status.FOUND
    assert report.result("go.logging").status is Status.MISSING
    assert "os/signal" in report.go_imports and "example.com/audit" in report.go_imports
    custom = report.result("acme.audit_log")
    assert custom.status is Status.FOUND and custom.evidence[0].line == 23


def test_scan_without_go_is_not_applicable(make_repo: RepoFactory) -> None:
    report = scan(make_repo({"README.md": "# hi\n"}), use_cache=False)
    assert report.result("go.signal.sigterm").status is Status.NOT_APPLICABLE
    assert report.result("go.rows_close").status is Status.NOT_APPLICABLE


def test_scan_with_a_garbage_go_file_still_runs(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "main.go": MAIN,
            "gen/template.go": "{{ range .Items }} signal.Notify(c, syscall.SIGTERM) {{ end }}\n",
        }
    )
    # every file read: gen/ is imported by no main package, so a default scan leaves it out
    report = scan(root, use_cache=False, all_code=True)
    assert report.result("go.signal.sigterm").status is Status.FOUND
    assert "gen/template.go" in report.result("go.signal.sigterm").summary
    assert report.result("go.http.health_endpoints").status is Status.FOUND


def test_cross_file_verdicts_survive_the_cache(make_repo: RepoFactory) -> None:
    """The pprof verdict reads what other files of the package note (their facts live in the
    cached per-file meta): a cold scan and a cached one agree."""
    root = make_repo(
        {
            "cmd/api/main.go": 'package main\nimport _ "net/http/pprof"\n',
            "cmd/api/routes.go": 'package main\nimport "net/http"\n'
            'func routes() { http.HandleFunc("/api/users", users) }\n',
        }
    )
    cold = scan(root, use_cache=True).result("go.pprof")
    warm = scan(root, use_cache=True).result("go.pprof")
    assert cold.status is Status.CONTRARY
    assert warm == cold
