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


FAIL_MAIN = """package main

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"

	"github.com/rs/cors"
	"golang.org/x/time/rate"
)

var lim = rate.NewLimiter(1, 1)

func create(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	w.Header().Set("Strict-Transport-Security", "max-age=0")
	var v map[string]any
	_ = json.NewDecoder(r.Body).Decode(&v)
}

func poll(c *http.Client) {
	_ = lim.Wait(nil)
	resp, _ := c.Get("https://upstream.example.com")
	_, _ = io.ReadAll(resp.Body)
}

func main() {
	slog.Info("starting", "port", os.Getenv("PORT"))
	http.HandleFunc("/api/items", create)
	c := cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true})
	_ = c
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	client := &http.Client{Transport: tr, Timeout: 5}
	go poll(client)
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5}
	_ = srv.ListenAndServe()
}
"""

FAIL_DB = """package main

import "database/sql"

func open(dsn string) *sql.DB {
	db, _ := sql.Open("pgx", dsn)
	db.SetMaxIdleConns(5)
	return db
}
"""

PASS_MAIN = """package main

import (
	"crypto/tls"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/go-chi/httprate"
	"github.com/rs/cors"
)

const readHeaderTimeout = 5 * time.Second

func create(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	var v map[string]any
	_ = json.NewDecoder(r.Body).Decode(&v)
}

func secure(w http.ResponseWriter) {
	w.Header().Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
}

func main() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stdout, nil)))
	admin := http.NewServeMux()
	admin.HandleFunc("/debug/pprof/", pprof.Index)
	adminSrv := &http.Server{
		Addr:              "127.0.0.1:6060",
		Handler:           admin,
		ReadHeaderTimeout: readHeaderTimeout,
		WriteTimeout:      time.Minute,
		IdleTimeout:       time.Minute,
	}
	go func() { _ = adminSrv.ListenAndServe() }()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/items", create)
	c := cors.New(cors.Options{AllowedOrigins: []string{"https://app.example.com"}})
	h := httprate.LimitByIP(100, time.Minute)(c.Handler(mux))
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: nil},
	}}
	_ = client
	srv := &http.Server{
		Addr:              ":8443",
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
	}
	_ = srv.ListenAndServeTLS("cert.pem", "key.pem")
}
"""

PASS_DB = """package main

import (
	"database/sql"
	"time"
)

func open(dsn string) *sql.DB {
	db, _ := sql.Open("pgx", dsn)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db
}
"""

QUALITY = (
    "go.pprof",
    "go.cors",
    "go.security_headers",
    "go.http.server_timeouts",
    "go.http.body_limit",
    "go.http.client_timeout",
    "go.db.pool_limits",
    "go.logging",
    "go.ratelimit",
    "go.tls_min_version",
    "go.tls_client_verify",
)


def test_a_service_built_to_fail_has_no_quality_detector_found(make_repo: RepoFactory) -> None:
    """Every practice faked, partial or inverted: none of them is found, and every contrary
    item says why, through the real engine and its cache."""
    root = make_repo({"cmd/api/main.go": FAIL_MAIN, "cmd/api/db.go": FAIL_DB})
    report = scan(root, use_cache=True)
    statuses = {d: report.result(d).status for d in QUALITY}
    assert Status.FOUND not in statuses.values(), statuses
    assert statuses["go.ratelimit"] is Status.MISSING  # an outbound pacer is no endpoint limit
    assert statuses["go.tls_min_version"] is Status.MISSING  # the client's config is not judged
    for d in QUALITY:
        for e in report.result(d).evidence:
            assert e.polarity.value == "positive" or e.facts.get("why") or e.facts.get("reason")


def test_a_service_built_to_pass_has_every_quality_detector_found(make_repo: RepoFactory) -> None:
    root = make_repo({"cmd/api/main.go": PASS_MAIN, "cmd/api/db.go": PASS_DB})
    report = scan(root, use_cache=True)
    statuses = {d: report.result(d).status for d in QUALITY}
    assert set(statuses.values()) == {Status.FOUND}, {
        d: report.result(d).summary for d, s in statuses.items() if s is not Status.FOUND
    }
