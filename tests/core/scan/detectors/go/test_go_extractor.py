"""Go source detectors, driven through the extractor directly: tiny Go files per tricky case."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from golive_tui.core.model import DetectorResult, Status
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile
from golive_tui.core.scan.detectors.go import EXTRACTORS
from golive_tui.core.scan.detectors.go.imports import scan_imports

EX = EXTRACTORS[0]
BLOB = "0" * 40


def go(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


def extract(src: str, path: str = "main.go") -> FileScan:
    return EX.extract(path, go(src))


def found(src: str, detector: str) -> list[Finding]:
    return [f for f in extract(src).findings if f.detector == detector]


def polarities(src: str, detector: str) -> list[str]:
    return [f.polarity for f in found(src, detector)]


def results(files: dict[str, str], extra_paths: tuple[str, ...] = ()) -> dict[str, DetectorResult]:
    scanned = {p: ScannedFile(p, BLOB, EX.extract(p, go(t))) for p, t in files.items()}
    return {r.id: r for r in EX.finalize(scanned, (*files, *extra_paths))}


# --------------------------------------------------------------------------- shape


def test_owns_every_go_detector_in_the_catalog() -> None:
    from golive_tui.core.scan.detectors.catalog import shipped_catalog

    ids = {i for i, d in shipped_catalog().items() if d.family == "go_source"}
    assert set(EX.detectors) == ids
    assert EX.matches("cmd/api/main.go") and not EX.matches("go.mod")
    assert EX.prefilter() is None


def test_no_go_files_is_not_applicable() -> None:
    out = EX.finalize({}, ("README.md",))
    assert {r.status for r in out} == {Status.NOT_APPLICABLE}
    assert len(out) == len(EX.detectors)


def test_results_survive_a_json_round_trip() -> None:
    scan = extract(
        """
        package main

        import ("os/signal"; "syscall")

        func main() { signal.Notify(c, syscall.SIGTERM) }
        """
    )
    assert FileScan.from_json(scan.to_json()) == scan


# --------------------------------------------------------------------------- imports


@pytest.mark.parametrize(
    ("src", "imports"),
    [
        ('package a\nimport "fmt"\n', ["fmt"]),
        (
            'package a // c\n\n/* import "nope" */\nimport (\n\t// "also/nope"\n\tsig "os/signal"\n\t_ "net/http/pprof"\n\t. "strings"\n)\nimport "os"\n',
            ["net/http/pprof", "os", "os/signal", "strings"],
        ),
        ('package a\nimport (`raw/path`; "b")\nfunc f() {}\nimport "late"\n', ["b", "raw/path"]),
        ("\ufeff//go:build linux\n\npackage a\n", []),
    ],
)
def test_imports_are_read_without_parsing(src: str, imports: list[str]) -> None:
    assert EX.extract("a.go", src).meta["imports"] == imports


def test_no_package_clause_is_not_go() -> None:
    assert scan_imports('{{ .Template }}\nimport "x"') is None


# --------------------------------------------------------------------------- signals

SIGNAL_CASES: list[tuple[str, str, list[str], list[list[str]]]] = [
    (
        "direct",
        """
        package main
        import ("os"; "os/signal"; "syscall")
        func main() { c := make(chan os.Signal, 1); signal.Notify(c, os.Interrupt, syscall.SIGTERM) }
        """,
        ["positive"],
        [["os.Interrupt", "syscall.SIGTERM"]],
    ),
    (
        "aliases",
        """
        package main
        import (sig "os/signal"; sc "syscall")
        func main() { sig.Notify(c, sc.SIGTERM) }
        """,
        ["positive"],
        [["sc.SIGTERM"]],
    ),
    (
        "unix",
        """
        package main
        import ("os/signal"; "golang.org/x/sys/unix")
        func main() { signal.Notify(c, unix.SIGTERM, unix.SIGINT) }
        """,
        ["positive"],
        [["unix.SIGTERM", "unix.SIGINT"]],
    ),
    (
        "only SIGHUP is contrary",
        """
        package main
        import ("os/signal"; "syscall")
        func main() { signal.Notify(hup, syscall.SIGHUP) }
        """,
        ["contrary"],
        [["syscall.SIGHUP"]],
    ),
    (
        "NotifyContext",
        """
        package main
        import ("context"; "os/signal"; "syscall")
        func main() {
            ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
            defer stop()
        }
        """,
        ["positive"],
        [["syscall.SIGINT", "syscall.SIGTERM"]],
    ),
    (
        "slice variable",
        """
        package main
        import ("os"; "os/signal"; "syscall")
        func main() {
            sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
            signal.Notify(c, sigs...)
        }
        """,
        ["positive"],
        [["os.Interrupt", "syscall.SIGTERM"]],
    ),
    (
        "package-level var and append",
        """
        package main
        import ("os"; "os/signal"; "syscall")
        var base = []os.Signal{os.Interrupt}
        func main() {
            all := append(base, syscall.SIGTERM)
            signal.Notify(c, all...)
        }
        """,
        ["positive"],
        [["os.Interrupt", "syscall.SIGTERM"]],
    ),
    (
        "single signal variable",
        """
        package main
        import ("os/signal"; "syscall")
        func main() { var term = syscall.SIGTERM; signal.Notify(c, term) }
        """,
        ["positive"],
        [["syscall.SIGTERM"]],
    ),
    (
        "parameter traced to callers",
        """
        package main
        import ("os"; "os/signal"; "syscall")
        func trap(c chan os.Signal, sigs ...os.Signal) { signal.Notify(c, sigs...) }
        func main() { trap(make(chan os.Signal), os.Interrupt, syscall.SIGTERM) }
        """,
        ["positive"],
        [["os.Interrupt", "syscall.SIGTERM"]],
    ),
    (
        "parameter whose caller passes only SIGINT",
        """
        package main
        import ("os"; "os/signal"; "syscall")
        func trap(c chan os.Signal, s os.Signal) { signal.Notify(c, s) }
        func main() { trap(nil, syscall.SIGINT) }
        """,
        ["contrary"],
        [["syscall.SIGINT"]],
    ),
    (
        "no signals relays everything",
        """
        package main
        import "os/signal"
        func main() { signal.Notify(c) }
        """,
        ["positive"],
        [[]],
    ),
    (
        "SIGTERM only in a comment and a string",
        """
        package main
        import ("fmt"; "os/signal"; "syscall")
        // signal.Notify(c, syscall.SIGTERM)
        func main() {
            /* signal.Notify(c, syscall.SIGTERM) */
            fmt.Println("signal.Notify(c, syscall.SIGTERM)", `SIGTERM`)
            signal.Notify(c, syscall.SIGINT) // syscall.SIGTERM
        }
        """,
        ["contrary"],
        [["syscall.SIGINT"]],
    ),
    (
        "signal package not imported: a look-alike does not count",
        """
        package main
        import "github.com/acme/signal"
        func main() { signal.Notify(c, "SIGTERM") }
        """,
        [],
        [],
    ),
]


@pytest.mark.parametrize(
    ("src", "pols", "signals"),
    [c[1:] for c in SIGNAL_CASES],
    ids=[c[0] for c in SIGNAL_CASES],
)
def test_sigterm(src: str, pols: list[str], signals: list[list[str]]) -> None:
    hits = found(src, "go.signal.sigterm")
    assert [h.polarity for h in hits] == pols
    assert [list(h.facts["signals"]) for h in hits] == signals


def test_multiline_call_spans_its_lines() -> None:
    src = """
    package main

    import (
        "os/signal"
        "syscall"
    )

    func main() {
        signal.Notify(
            c,
            syscall.SIGINT,
            syscall.SIGTERM,
        )
    }
    """
    (hit,) = found(src, "go.signal.sigterm")
    assert (hit.line, hit.end_line) == (9, 13)
    assert hit.snippet == "signal.Notify( c, syscall.SIGINT, syscall.SIGTERM, )"


def test_sigterm_summary_and_status() -> None:
    out = results(
        {
            "a.go": 'package a\nimport ("os/signal"; "syscall")\nfunc f() { signal.Notify(c, syscall.SIGTERM) }\n',
            "b.go": 'package a\nimport ("os/signal"; "syscall")\nfunc g() { signal.Notify(c, syscall.SIGHUP) }\n',
            "c.go": 'package a\nimport "os/signal"\nfunc h() { signal.Notify(c) }\n',
        }
    )
    r = out["go.signal.sigterm"]
    assert r.status is Status.PARTIAL
    assert r.summary.startswith("2 signal registrations include SIGTERM (1 relays every signal)")
    assert "1 registration without SIGTERM" in r.summary
    assert [e.path for e in r.evidence] == ["a.go", "b.go", "c.go"]
    assert all(e.blob == BLOB for e in r.evidence)


def test_untraceable_signals_are_not_guessed() -> None:
    out = results(
        {
            "a.go": 'package a\nimport ("os/signal"; "example.com/sigs")\nfunc f() { signal.Notify(c, sigs.Shutdown...) }\n'
        }
    )
    r = out["go.signal.sigterm"]
    assert r.status is Status.MISSING
    assert "not traceable" in r.summary and "a.go:3" in r.summary


# --------------------------------------------------------------------------- http.Server

SERVER = """
package main

import (
	"context"
	h "net/http"
	"time"
)

type app struct{ srv *h.Server }

func newServer() *h.Server {
	return &h.Server{Addr: ":8080"}
}

func main() {
	a := &app{}
	a.srv = &h.Server{Addr: ":1"}
	a.srv.ReadHeaderTimeout = 5 * time.Second
	var plain h.Server = h.Server{WriteTimeout: time.Second}
	plain.IdleTimeout = time.Minute
	s3 := newServer()
	_ = a.srv.Shutdown(context.Background())
	_ = s3.Shutdown(context.Background())
	_ = plain.Shutdown(context.Background())
	_ = other.Shutdown(context.Background())
	h.ListenAndServe(":8080", nil)
}

func stop(s *h.Server) { s.Shutdown(context.TODO()) }
"""


def test_server_timeouts_value_pointer_and_later_assignments() -> None:
    hits = found(SERVER, "go.http.server_timeouts")
    by_line = [(h.line, h.polarity, list(h.facts["fields"])) for h in hits]
    assert sorted(by_line) == [
        (12, "contrary", []),  # returned literal, no timeouts
        (17, "contrary", ["ReadHeaderTimeout"]),  # WriteTimeout missing
        (17, "contrary", ["ReadHeaderTimeout"]),  # IdleTimeout missing
        (17, "positive", ["ReadHeaderTimeout"]),  # pointer, field set afterwards
        (19, "contrary", ["WriteTimeout", "IdleTimeout"]),  # value, Idle set afterwards
        (26, "contrary", []),  # package-level ListenAndServe
    ]


def test_graceful_shutdown_needs_a_known_http_server() -> None:
    hits = found(SERVER, "go.http.graceful_shutdown")
    assert [h.line for h in hits] == [22, 23, 24, 29]  # a.srv, s3 (factory), plain, param
    out = results({"main.go": SERVER})
    assert out["go.http.graceful_shutdown"].status is Status.FOUND
    assert "1 Shutdown call on a receiver not known to be http.Server" in (
        out["go.http.graceful_shutdown"].summary
    )


def test_shutdown_on_unknown_type_only_is_missing_with_an_honest_summary() -> None:
    out = results(
        {
            "main.go": 'package main\nimport ("context"; "net/http")\nvar _ http.Handler\nfunc f() { app.Shutdown(context.Background()) }\n'
        }
    )
    r = out["go.http.graceful_shutdown"]
    assert r.status is Status.MISSING
    assert "1 Shutdown call on a receiver not known to be http.Server" in r.summary


def test_no_server_literal_summary() -> None:
    r = results({"main.go": "package main\nfunc main() {}\n"})["go.http.server_timeouts"]
    assert (r.status, r.summary) == (Status.MISSING, "no http.Server literal found")


# --------------------------------------------------------------------------- routes

ROUTE_CASES = [
    ("net/http", 'http.HandleFunc("/healthz", h)', "/healthz"),
    ("go 1.22 pattern", 'mux.HandleFunc("GET /healthz", h)', "GET /healthz"),
    ("mux.Handle", 'mux.Handle("/readyz", http.HandlerFunc(h))', "/readyz"),
    ("gorilla", 'r.HandleFunc("/health", h).Methods("GET")', "/health"),
    ("chi", 'r.Get("/livez", h)', "/livez"),
    ("gin", 'r.GET("/api/v1/health", h)', "/api/v1/health"),
    ("echo", 'e.GET("/ping", h)', "/ping"),
    ("fiber", 'app.Get("/healthz", func(c *fiber.Ctx) error { return nil })', "/healthz"),
    ("httprouter Handle", 'router.Handle("GET", "/ready", h)', "/ready"),
    ("raw string", "r.Get(`/-/healthy`, h)", "/-/healthy"),
]


@pytest.mark.parametrize(
    ("call", "route"), [c[1:] for c in ROUTE_CASES], ids=[c[0] for c in ROUTE_CASES]
)
def test_health_routes(call: str, route: str) -> None:
    src = f'package main\nimport "net/http"\nfunc routes() {{\n\t{call}\n}}\n'
    hits = found(src, "go.http.health_endpoints")
    assert [h.facts["route"] for h in hits] == [route]
    assert hits[0].polarity == "positive" and hits[0].line == 4


@pytest.mark.parametrize(
    "call",
    [
        '// r.Get("/healthz", h)',
        'log.Println("/healthz", x)',  # not a registration method
        'client.Get("/healthz")',  # a client call: no handler argument
        'r.Get("/users", h)',
        'r.Get(url + "/healthz" + x, h)',  # unknown after the literal: not the route's path
        "r.Get(path, h)",  # no literal at all
    ],
)
def test_not_health_routes(call: str) -> None:
    src = f'package main\nimport "net/http"\nfunc routes() {{\n\t{call}\n}}\n'
    assert found(src, "go.http.health_endpoints") == []


def test_metrics_route_counts_for_metrics() -> None:
    src = 'package main\nimport "net/http"\nfunc f() { mux.Handle("/metrics", handler) }\n'
    (hit,) = found(src, "go.metrics")
    assert hit.facts["route"] == "/metrics"


# --------------------------------------------------------------------------- small http ones


def test_pprof_import_line() -> None:
    src = 'package main\n\nimport (\n\t"net/http"\n\t_ "net/http/pprof"\n)\n'
    (hit,) = found(src, "go.pprof")
    assert (hit.line, hit.polarity, hit.snippet) == (5, "positive", '_ "net/http/pprof"')


def test_body_limit() -> None:
    src = """
    package main
    import "net/http"
    func h(w http.ResponseWriter, r *http.Request) {
        r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
        // http.MaxBytesReader(w, r.Body, 1)
    }
    """
    assert [h.line for h in found(src, "go.http.body_limit")] == [4]


def test_client_timeouts() -> None:
    src = """
    package main
    import ("net/http"; "time")
    func main() {
        good := &http.Client{Timeout: 5 * time.Second}
        later := &http.Client{}
        later.Timeout = time.Second
        bad := http.Client{Transport: t}
        http.Get("https://example.com")
        http.DefaultClient.Do(req)
    }
    """
    hits = {
        h.line: (h.polarity, h.facts.get("timeout")) for h in found(src, "go.http.client_timeout")
    }
    assert hits == {
        4: ("positive", True),
        5: ("positive", True),
        7: ("contrary", False),
        8: ("contrary", None),
        9: ("contrary", None),
    }
    r = results({"main.go": src})["go.http.client_timeout"]
    assert r.status is Status.PARTIAL
    assert "1 http.Client without Timeout" in r.summary


def test_pool_limits() -> None:
    src = """
    package db
    import ("database/sql"; "github.com/jackc/pgx/v5/pgxpool")
    func open(db *sql.DB, cfg *pgxpool.Config) {
        db.SetMaxOpenConns(10)
        db.SetConnMaxLifetime(time.Hour)
        cfg.MaxConns = 8
    }
    """
    hits = found(src, "go.db.pool_limits")
    assert [(h.line, h.facts["setting"]) for h in hits] == [
        (4, "SetMaxOpenConns"),
        (5, "SetConnMaxLifetime"),
        (6, "MaxConns"),
    ]


# --------------------------------------------------------------------------- import-based

IMPORT_CASES = [
    ("go.logging", "log/slog"),
    ("go.logging", "go.uber.org/zap"),
    ("go.logging", "github.com/rs/zerolog/log"),
    ("go.logging", "github.com/sirupsen/logrus"),
    ("go.metrics", "github.com/prometheus/client_golang/prometheus/promhttp"),
    ("go.metrics", "go.opentelemetry.io/otel/metric"),
    ("go.tracing", "go.opentelemetry.io/otel"),
    ("go.tracing", "go.opentelemetry.io/otel/trace"),
    ("go.tracing", "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"),
    ("go.migrations", "github.com/pressly/goose/v3"),
    ("go.migrations", "github.com/golang-migrate/migrate/v4"),
    ("go.migrations", "ariga.io/atlas/sql/migrate"),
    ("go.ratelimit", "golang.org/x/time/rate"),
    ("go.ratelimit", "github.com/go-chi/httprate"),
    ("go.circuit_breaker", "github.com/sony/gobreaker"),
    ("go.circuit_breaker", "github.com/failsafe-go/failsafe-go/circuitbreaker"),
    ("go.retry_backoff", "github.com/cenkalti/backoff/v4"),
    ("go.retry_backoff", "github.com/hashicorp/go-retryablehttp"),
    ("go.cors", "github.com/rs/cors"),
    ("go.security_headers", "github.com/unrolled/secure"),
    ("go.config_loading", "github.com/kelseyhightower/envconfig"),
    ("go.config_loading", "github.com/spf13/viper"),
    ("go.config_loading", "github.com/caarlos0/env/v11"),
]


@pytest.mark.parametrize(("detector", "path"), IMPORT_CASES)
def test_import_detectors(detector: str, path: str) -> None:
    src = f'package main\n\nimport (\n\t"fmt"\n\tx "{path}"\n)\n'
    hits = found(src, detector)
    assert [(h.line, h.polarity, h.facts["import"]) for h in hits] == [(5, "positive", path)]
    r = results({"main.go": src, "other.go": src})[detector]
    # An import alone proves a practice only where the library's default is the practice.
    status = JUDGED_IMPORTS.get(path, Status.FOUND)
    assert r.status is status
    if status is not Status.MISSING:
        assert len(r.evidence) == 1 and r.evidence[0].facts["files"] == 2  # grouped per package


def test_import_detectors_are_what_each_rule_matches() -> None:
    """The lookup by path and folders says what `ImportRule.matches` says, rule by rule, for
    every path a rule names, what lies under it, beside it and above it."""
    from golive_tui.core.scan.detectors.go.imports import import_detectors
    from golive_tui.core.scan.detectors.go.rules import rules

    named = {p for rule in rules().imports for p in (*rule.prefixes, *rule.exact)}
    paths = {"fmt", "", "/", "a//b", *(p for _, p in IMPORT_CASES)}
    for p in named:
        paths.update({p, f"{p}/x", f"{p}/x/y", f"{p}x", f"{p}-x/y", p.rpartition("/")[0], f"x/{p}"})
    checked = 0
    for path in sorted(paths):
        expected = tuple(rule.detector for rule in rules().imports if rule.matches(path))
        assert import_detectors(path) == expected, path
        checked += bool(expected)
    assert checked > len(named)  # the table is not empty


JUDGED_IMPORTS = {
    "log/slog": Status.CONTRARY,  # the default handler writes text
    "github.com/sirupsen/logrus": Status.CONTRARY,  # the default formatter writes text
    "go.uber.org/zap": Status.ERROR,  # the format depends on the constructor: not seen
    "golang.org/x/time/rate": Status.MISSING,  # no limiter call guards a request
    "github.com/rs/cors": Status.ERROR,  # the allowed origins are not seen
    # the OpenTelemetry API without an SDK provider or exporter records nothing
    "go.opentelemetry.io/otel": Status.ERROR,
    "go.opentelemetry.io/otel/trace": Status.ERROR,
    "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp": Status.ERROR,
    "github.com/unrolled/secure": Status.ERROR,  # its Options decide the headers: not seen
}


def test_import_look_alikes_do_not_count() -> None:
    src = 'package main\nimport ("go.opentelemetry.io/otelx"; "github.com/rs/corsica")\n'
    out = results({"main.go": src})
    assert out["go.tracing"].status is Status.MISSING
    assert out["go.cors"].status is Status.MISSING


def test_migrations_folder_from_all_paths() -> None:
    r = results(
        {"main.go": "package main\n"}, ("db/migrations/0001_init.sql", "db/migrations/0002.sql")
    )["go.migrations"]
    assert r.status is Status.FOUND
    assert [(e.path, e.facts["sql_files"]) for e in r.evidence] == [("db/migrations", 2)]


def test_headers_cors_and_security() -> None:
    src = """
    package main
    import "net/http"
    func mw(w http.ResponseWriter) {
        w.Header().Set("Access-Control-Allow-Origin", "https://example.com")
        w.Header().Set("Strict-Transport-Security", "max-age=63072000")
        w.Header().Add("x-content-type-options", "nosniff")
        fmt.Println("X-Frame-Options")
        // w.Header().Set("X-Frame-Options", "DENY")
    }
    """
    assert [h.facts["header"] for h in found(src, "go.cors")] == ["Access-Control-Allow-Origin"]
    assert [h.facts["header"] for h in found(src, "go.security_headers")] == [
        "Strict-Transport-Security",
        "x-content-type-options",
    ]


def test_tls_min_version() -> None:
    src = """
    package main
    import "crypto/tls"
    func cfgs() {
        a := &tls.Config{MinVersion: tls.VersionTLS12}
        b := &tls.Config{MinVersion: tls.VersionTLS10}
        c := &tls.Config{InsecureSkipVerify: true}
        d := &tls.Config{}
        d.MinVersion = tls.VersionTLS13
        e := &tls.Config{ServerName: "x"}
    }
    """
    hits = {h.line: h.polarity for h in found(src, "go.tls_min_version")}
    assert hits == {4: "positive", 5: "contrary", 7: "positive"}
    # InsecureSkipVerify and ServerName are client settings: judged as outbound TLS only.
    client = {h.line: h.polarity for h in found(src, "go.tls_client_verify")}
    assert client == {6: "contrary", 9: "positive"}
    r = results({"main.go": src})["go.tls_min_version"]
    assert r.status is Status.PARTIAL
    assert "1 server TLS config allow TLS below 1.2" in r.summary
    assert results({"main.go": src})["go.tls_client_verify"].status is Status.PARTIAL


def test_config_from_environment() -> None:
    src = """
    package main
    import (env "os")
    func main() {
        port := env.Getenv("PORT")
        _, ok := env.LookupEnv("DEBUG")
        // os.Getenv("NOPE")
    }
    """
    hits = found(src, "go.config_loading")
    assert [(h.line, h.facts.get("variable")) for h in hits] == [(4, "PORT"), (5, "DEBUG")]


# --------------------------------------------------------------------------- SQL

SQL = """
package store

import (
	"context"
	"database/sql"
	"fmt"
)

func list(ctx context.Context, db *sql.DB, table, id string) error {
	db.Exec(fmt.Sprintf("DELETE FROM %s", table))
	db.QueryRowContext(ctx, "SELECT name FROM users WHERE id = " + id)
	q := "UPDATE users SET name = '" + id + "'"
	db.ExecContext(ctx, q)
	db.Exec("DELETE FROM users WHERE id = $1", id)
	safe := "SELECT 1 FROM users WHERE id = ?"
	db.QueryRow(safe, id)
	db.Exec("SELECT " + "1")
	db.Exec(queryFromElsewhere)
	return nil
}
"""


def test_sql_string_building() -> None:
    hits = {
        h.line: (h.polarity, h.facts.get("built_with"))
        for h in found(SQL, "go.sql_string_building")
    }
    assert hits == {
        10: ("contrary", ["fmt.Sprintf"]),
        11: ("contrary", ["+"]),
        13: ("contrary", ["+"]),
        14: ("positive", None),
        16: ("positive", None),
        17: ("positive", None),
    }
    r = results({"store.go": SQL})["go.sql_string_building"]
    assert r.status is Status.PARTIAL
    assert r.summary.startswith("3 query calls take SQL built with fmt.Sprintf or +")


def test_sql_non_sql_exec_is_ignored() -> None:
    src = 'package main\nimport ("fmt"; "example.com/shell")\nfunc f(x string) { shell.Exec(fmt.Sprintf("ls %s", x)) }\n'
    assert found(src, "go.sql_string_building") == []


ROWS = """
package store

import "database/sql"

func good(db *sql.DB) error {
	rows, err := db.Query("SELECT id FROM users")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

func noClose(db *sql.DB) {
	rows, _ := db.Query("SELECT id FROM users")
	for rows.Next() {
	}
}

func noErr(db *sql.DB) {
	rows, _ := db.Query("SELECT id FROM users")
	defer rows.Close()
}

func handsOff(db *sql.DB) (*sql.Rows, error) {
	rows, err := db.Query("SELECT id FROM users")
	return rows, err
}
"""


def test_rows_close_and_err() -> None:
    hits = {h.line: (h.polarity, h.facts.get("missing")) for h in found(ROWS, "go.rows_close")}
    assert hits == {
        6: ("positive", None),
        17: ("contrary", ["Close", "Err"]),
        23: ("contrary", ["Err"]),
    }
    r = results({"store.go": ROWS})["go.rows_close"]
    assert r.status is Status.PARTIAL
    assert "rows value handed to another function" in r.summary


# --------------------------------------------------------------------------- bad input


def test_garbage_file_does_not_crash_and_is_honest() -> None:
    garbage = "\x00\x01 }}}{{{ signal.Notify(c, syscall.SIGTERM) ))) func ((("
    scan = EX.extract("broken.go", garbage)
    assert scan.findings == ()
    assert ("go.signal.sigterm", "not Go source (no package clause)") in scan.errors
    out = EX.finalize({"broken.go": ScannedFile("broken.go", None, scan)}, ("broken.go",))
    by_id = {r.id: r for r in out}
    assert by_id["go.signal.sigterm"].status is Status.ERROR
    assert "broken.go" in by_id["go.signal.sigterm"].summary
    assert by_id["go.logging"].status is Status.MISSING  # nothing there could hide a logger


def test_syntax_error_keeps_evidence_elsewhere_decisive() -> None:
    broken = 'package main\nimport ("os/signal"; "syscall")\nfunc main() { signal.Notify(c, syscall.SIGTERM\n'
    good = 'package main\nimport ("os/signal"; "syscall")\nfunc f() { signal.Notify(c, syscall.SIGTERM) }\n'
    scan = EX.extract("broken.go", broken)
    assert any(e[0] == "go.signal.sigterm" and "syntax error" in e[1] for e in scan.errors)
    out = results({"broken.go": broken, "good.go": good})["go.signal.sigterm"]
    assert out.status is Status.FOUND
    assert "could not analyse broken.go" in out.summary
    alone = results({"broken.go": broken})["go.signal.sigterm"]
    assert alone.status in (Status.ERROR, Status.FOUND)  # tree-sitter may still recover the call


def test_files_without_triggers_are_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    from golive_tui.core.scan.detectors.go import tree

    def boom(*args: Any) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(tree, "SgRoot", boom)
    scan = EX.extract(
        "a.go",
        'package a\nimport "fmt"\n// signal.Notify(c, syscall.SIGTERM)\nfunc f() { fmt.Println("x") }\n',
    )
    assert scan.findings == () and scan.errors == ()


def test_large_evidence_lists_are_capped_outside_the_contract() -> None:
    calls = "\n".join(f'\t_ = os.Getenv("V{i}")' for i in range(80))
    r = results({"main.go": f'package main\nimport "os"\nfunc main() {{\n{calls}\n}}\n'})[
        "go.config_loading"
    ]
    assert len(r.evidence) == 50
    assert "(first 50 of 80 shown)" in r.summary


# --------------------------------------------------------------------------- build constraints


_SIGTERM_BODY = """
package main

import ("os"; "os/signal"; "syscall")

func main() { c := make(chan os.Signal, 1); signal.Notify(c, syscall.SIGTERM) }
"""


@pytest.mark.parametrize(
    "header",
    [
        "//go:build ignore\n",
        "\ufeff//go:build ignore && linux\n",
        "// +build ignore\n",
        "// +build linux,ignore\n",
        "// Command gen writes tables.\n\n//go:build ignore\n",
    ],
)
def test_a_file_no_build_compiles_is_no_evidence(header: str) -> None:
    out = results({"gen.go": header + _SIGTERM_BODY})
    assert out["go.signal.sigterm"].status is Status.MISSING
    assert EX.extract("gen.go", header + _SIGTERM_BODY).meta["imports"] == []


@pytest.mark.parametrize(
    "header",
    [
        "",
        "//go:build linux\n",
        "//go:build ignore || linux\n",
        "//go:build !ignore\n",
        "// +build linux ignore\n",
        "/* //go:build ignore */\n",
        "//go:build (ignore\n",  # unreadable: not taken as excluded
    ],
)
def test_a_file_some_build_compiles_still_counts(header: str) -> None:
    out = results({"main.go": header + _SIGTERM_BODY})
    assert out["go.signal.sigterm"].status is Status.FOUND


def test_a_build_constraint_after_the_package_clause_is_only_a_comment() -> None:
    src = _SIGTERM_BODY + "\n//go:build ignore\n"
    assert results({"main.go": src})["go.signal.sigterm"].status is Status.FOUND


@pytest.mark.parametrize(
    "text",
    [
        "sig.Notify(c)",
        "x.y.Notify(c)",
        "日本語.Notify(c)",
        "ab\u0301.Notify(c)",  # a combining mark is no word character
        "(sig).Notify(c)",
        ".Notify(c)",
        "a" * 60 + ".Notify(c)",  # only the 48 characters before the dot are read
        "f(sig).Notify(c); other.Get(u); s := &http.Server{}",
    ],
)
def test_trigger_receivers_are_the_word_before_the_dot(text: str) -> None:
    """The receiver of each trigger word is the run of word characters right before its dot,
    as the reference `(\\w+)\\Z` search over the 48 characters before it finds it."""
    import re
    from collections import defaultdict

    from golive_tui.core.scan.detectors.go import extractor, tree

    reference = re.compile(r"(\w+)\Z")
    expected: defaultdict[str, set[str]] = defaultdict(set)
    for m in extractor._triggers().finditer(text):
        word = m.group(1) or m.group(2) or m.group(3)
        before = reference.search(text, max(0, m.start() - 48), m.start())
        if before:
            expected[word].add(before.group(1))
    seen: list[Any] = []
    real = extractor.Seen

    def spy(f: Any, words: set[str], receivers: defaultdict[str, set[str]]) -> Any:
        seen.append(receivers)
        return real(f, words, receivers)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(extractor, "Seen", spy)
        extractor._gates(tree.File("package p\n" + text, {}, {}))
    assert dict(seen[0]) == dict(expected)
    assert expected or text.startswith((".", "ab", "("))  # the usual case reads a name


_HEADERS = [
    'package main\n\nimport (\n\t"fmt"\n\tsig "os/signal"\n\t_ "net/http/pprof"\n)\n',
    '// Copyright\n/* block\n * comment */\npackage p; import "a/b"; import . "c"\n',
    'package p\nimport (\n\t"a\\"b" // odd\n\t`raw/path`\n\t/* c */ x "y"\n)\nfunc f() {}\n',
    '\ufeff//go:build ignore\n\npackage p\n\nimport "fmt"\n',
    '// +build ignore,linux\n\npackage p\nimport ("a"; "b")\n',
    'package p\nimport (\n\t"unterminated\n)\n',
    'package p\n/* never closed\nimport "a"\n',
    'package p\nimport /**/ ( /***/ "a" /* x */ ; "b" )\nvar x = 1\n',
]


def test_import_scan_matches_the_reference_patterns() -> None:
    """The import scanner's comment and string patterns are written for speed; they must read
    every header as the plain patterns (`/\\*.*?\\*/`, a per-character string alternation)
    do, mutated headers included."""
    import random
    import re

    from golive_tui.core.scan.detectors.go import imports as im

    skip = r"(?>(?:\s+|//[^\n]*|/\*.*?\*/|;)*)"
    spec = r"(?:([A-Za-z_]\w*|\.)[ \t]*)?(\"(?:[^\"\\\n]|\\[^\n])*\"|`[^`]*`)"
    reference = {
        "_SKIP": re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/|;)*", re.S),
        "_IMPORT_AT": re.compile(rf"{skip}import(?!\w){skip}(?:(\()|{spec})", re.S),
        "_IN_BLOCK": re.compile(rf"{skip}(?:(\))|{spec})", re.S),
    }
    rng = random.Random(16)
    texts = list(_HEADERS)
    for text in _HEADERS:
        for _ in range(200):
            i = rng.randrange(len(text) + 1)
            j = min(len(text), i + rng.randrange(0, 6))
            piece = rng.choice(['"', "\\", "`", "/*", "*/", "\n", ";", "//", "(", ")", "*", "/"])
            texts.append(text[:i] + piece + text[j:])

    def read(text: str) -> tuple[object, ...]:
        return im.scan_header(text), im.import_paths(text), im.build_ignored(text)

    fast = [read(t) for t in texts]
    with pytest.MonkeyPatch.context() as m:
        for name, pattern in reference.items():
            m.setattr(im, name, pattern)
        slow = [read(t) for t in texts]
    assert fast == slow
    assert any(r[0] is not None and r[0][0] for r in fast)  # specs were read
