"""Quality, not presence (issue 11): each Go practice is found only when it is complete.

Every case is a tiny service written here, with its verdict asserted, next to its twin that
does the practice right and must be found. A contrary item always says why in its facts.
"""

from __future__ import annotations

import textwrap

import pytest

from golive_tui.core.model import DetectorResult, Polarity, Status
from golive_tui.core.scan.detectors.base import ScannedFile
from golive_tui.core.scan.detectors.go import EXTRACTORS

EX = EXTRACTORS[0]
BLOB = "0" * 40


def go(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


def judge(files: dict[str, str], detector: str) -> DetectorResult:
    scanned = {p: ScannedFile(p, BLOB, EX.extract(p, go(t))) for p, t in files.items()}
    return {r.id: r for r in EX.finalize(scanned, tuple(files))}[detector]


def whys(result: DetectorResult) -> list[str]:
    """Why each contrary item is contrary (every one must say)."""
    out = []
    for e in result.evidence:
        if e.polarity is Polarity.CONTRARY:
            why = e.facts.get("why")
            assert why, e
            out.append(str(why))
    return out


def one(files: dict[str, str] | str) -> dict[str, str]:
    return {"main.go": files} if isinstance(files, str) else files


# --------------------------------------------------------------------------- pprof

PPROF_PUBLIC = """
package main
import ("net/http"; _ "net/http/pprof")
func main() {
    http.HandleFunc("/api/users", users)
    http.ListenAndServe(":8080", nil)
}
"""
PPROF_ROUTES = {
    "main.go": """
    package main
    import _ "net/http/pprof"
    """,
    "routes.go": """
    package main
    import "net/http"
    func routes() { http.HandleFunc("/api/orders", orders) }
    """,
}
PPROF_SERVER_NO_HANDLER = """
package main
import ("net/http"; _ "net/http/pprof"; "time")
func main() {
    srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second}
    srv.ListenAndServe()
}
"""
PPROF_MIXED_MUX = """
package main
import ("net/http"; "net/http/pprof")
func main() {
    mux := http.NewServeMux()
    mux.HandleFunc("/debug/pprof/", pprof.Index)
    mux.HandleFunc("/api/users", users)
    http.ListenAndServe(":8080", mux)
}
"""
PPROF_LOOPBACK = """
package main
import ("net/http"; _ "net/http/pprof")
func main() {
    go http.ListenAndServe("localhost:6060", nil)
    mux := http.NewServeMux()
    mux.HandleFunc("/api/users", users)
    srv := &http.Server{Addr: ":8080", Handler: mux}
    srv.ListenAndServe()
}
"""
PPROF_ADMIN_MUX = """
package main
import ("net/http"; "net/http/pprof")
func main() {
    admin := http.NewServeMux()
    admin.HandleFunc("/debug/pprof/", pprof.Index)
    admin.HandleFunc("/debug/pprof/profile", pprof.Profile)
    go http.ListenAndServe(":6060", admin)
    mux := http.NewServeMux()
    mux.HandleFunc("/api/users", users)
    http.ListenAndServe(":8080", mux)
}
"""


@pytest.mark.parametrize(
    ("files", "status", "why"),
    [
        (PPROF_PUBLIC, Status.CONTRARY, "main.go:5 (http.ListenAndServe on :8080) serves"),
        (PPROF_ROUTES, Status.CONTRARY, "carries application routes (routes.go:3 (/api/orders))"),
        (PPROF_SERVER_NO_HANDLER, Status.CONTRARY, "http.Server without Handler on :8080"),
        (  # nats-server names the default mux itself: the reason says so
            PPROF_SERVER_NO_HANDLER.replace(
                "ReadHeaderTimeout", "Handler: http.DefaultServeMux, ReadHeaderTimeout"
            ),
            Status.CONTRARY,
            "http.Server on DefaultServeMux on :8080",
        ),
        (PPROF_MIXED_MUX, Status.CONTRARY, "on mux, which also serves /api/users"),
        (PPROF_LOOPBACK, Status.FOUND, "default mux served only on localhost:6060"),
        (PPROF_ADMIN_MUX, Status.FOUND, "an admin-only mux served on :6060"),
    ],
    ids=[
        "public",
        "routes-elsewhere",
        "server-no-handler",
        "server-default-mux",
        "mixed-mux",
        "loopback",
        "admin-mux",
    ],
)
def test_pprof_is_judged_by_where_it_is_served(
    files: dict[str, str] | str, status: Status, why: str
) -> None:
    r = judge(one(files), "go.pprof")
    assert r.status is status, r.summary
    (item,) = r.evidence  # one item per importing file (the contract)
    assert why in str(item.facts["why"]) and why in r.summary


def test_pprof_served_nowhere_visible_is_could_not_tell_not_found() -> None:
    files = {
        "internal/debug/debug.go": 'package debug\nimport _ "net/http/pprof"\n',
        # another package's default mux is another binary's: not taken as this one's
        "tools/fake/main.go": 'package main\nimport "net/http"\nfunc main() { http.ListenAndServe(":80", nil) }\n',
    }
    r = judge(files, "go.pprof")
    assert r.status is Status.ERROR
    assert "could not tell which listener serves the pprof handlers" in r.summary


# --------------------------------------------------------------------------- CORS

CORS_CASES = [
    (
        "wildcard with credentials",
        """
        package main
        import "net/http"
        func cors(w http.ResponseWriter, r *http.Request) {
            w.Header().Set("Access-Control-Allow-Origin", "*")
            w.Header().Set("Access-Control-Allow-Credentials", "true")
        }
        """,
        Status.CONTRARY,
        "* together with Access-Control-Allow-Credentials: true",
    ),
    (
        "origin echoed",
        """
        package main
        import "net/http"
        func cors(w http.ResponseWriter, r *http.Request) {
            w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
        }
        """,
        Status.CONTRARY,
        "echoes the request's Origin without checking it",
    ),
    (
        "origin echoed through a variable",
        """
        package main
        import "net/http"
        func cors(w http.ResponseWriter, r *http.Request) {
            origin := r.Header.Get("Origin")
            w.Header().Set("Access-Control-Allow-Origin", origin)
        }
        """,
        Status.CONTRARY,
        "echoes the request's Origin without checking it",
    ),
    (
        "rs/cors wildcard with credentials",
        """
        package main
        import "github.com/rs/cors"
        var c = cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true})
        """,
        Status.CONTRARY,
        'AllowedOrigins contains "*"; with AllowCredentials: true',
    ),
    (
        "AllowOriginFunc returning true",
        """
        package main
        import "github.com/rs/cors"
        var c = cors.New(cors.Options{AllowOriginFunc: func(o string) bool { return true }})
        """,
        Status.CONTRARY,
        "AllowOriginFunc accepts every origin",
    ),
    (
        "AllowAll",
        """
        package main
        import "github.com/rs/cors"
        var h = cors.AllowAll().Handler(mux)
        """,
        Status.CONTRARY,
        "cors.AllowAll() allows every origin",
    ),
    (
        "gin AllowAllOrigins",
        """
        package main
        import "github.com/gin-contrib/cors"
        var c = cors.New(cors.Config{AllowAllOrigins: true})
        """,
        Status.CONTRARY,
        "AllowAllOrigins: true allows every origin",
    ),
]


@pytest.mark.parametrize(
    ("src", "status", "why"), [c[1:] for c in CORS_CASES], ids=[c[0] for c in CORS_CASES]
)
def test_cors_anti_patterns_are_contrary(src: str, status: Status, why: str) -> None:
    r = judge(one(src), "go.cors")
    assert r.status is status, r.summary
    assert any(why in w for w in whys(r))


@pytest.mark.parametrize(
    "src",
    [
        """
        package main
        import "net/http"
        func cors(w http.ResponseWriter, r *http.Request) {
            origin := r.Header.Get("Origin")
            if allowed[origin] {
                w.Header().Set("Access-Control-Allow-Origin", origin)
                w.Header().Set("Access-Control-Allow-Credentials", "true")
            }
        }
        """,
        """
        package main
        import "net/http"
        func cors(w http.ResponseWriter) {
            w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
        }
        """,
        """
        package main
        import "github.com/rs/cors"
        var c = cors.New(cors.Options{
            AllowedOrigins:   []string{"https://app.example.com"},
            AllowCredentials: true,
        })
        """,
    ],
    ids=["checked-echo", "fixed-origin", "rs-cors-list"],
)
def test_cors_restricted_to_known_origins_is_found(src: str) -> None:
    r = judge(one(src), "go.cors")
    assert r.status is Status.FOUND, r.summary


CORS_VALUE = """
package main

import (
	"net/http"
	"strings"
)

type CORS struct{ origins []string }

func (m *CORS) wrap(w http.ResponseWriter, r *http.Request) {
	{set}
}
"""


@pytest.mark.parametrize(
    ("set_", "status"),
    [
        # the list may hold "*" (shiori builds it with []string{"*"}): not followed, not proof
        ('w.Header().Set("Access-Control-Allow-Origin", strings.Join(m.origins, ", "))', "error"),
        (
            'for _, o := range m.origins { w.Header().Set("Access-Control-Allow-Origin", o) }',
            "error",
        ),
        ('w.Header().Set("Access-Control-Allow-Origin", "https://shop.example")', "found"),
        (
            'if o := r.Header.Get("Origin"); allowed(o) { '
            'w.Header().Set("Access-Control-Allow-Origin", o) }',
            "found",
        ),
        ('w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))', "contrary"),
    ],
    ids=["joined-list", "loop-variable", "fixed-origin", "checked-echo", "unchecked-echo"],
)
def test_a_cors_origin_from_a_value_not_followed_is_could_not_tell(set_: str, status: str) -> None:
    r = judge(one(CORS_VALUE.replace("{set}", set_)), "go.cors")
    assert r.status.value == status, r.summary
    if status == "error":
        assert "could not tell for 1 CORS setting: Access-Control-Allow-Origin is set to" in (
            r.summary
        )
        assert "restricting" not in r.summary


def test_cors_import_alone_cannot_tell() -> None:
    r = judge(one('package main\nimport "github.com/rs/cors"\nvar _ = cors.New\n'), "go.cors")
    assert r.status is Status.ERROR
    assert "allowed origins were not seen" in r.summary


# --------------------------------------------------------------------------- security headers

HEADERS_ALL = """
package main
import "net/http"
func secure(w http.ResponseWriter) {
    w.Header().Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    w.Header().Set("X-Content-Type-Options", "nosniff")
    w.Header().Set("X-Frame-Options", "DENY")
}
"""


def test_one_security_header_is_partial_not_found() -> None:
    src = """
    package main
    import "net/http"
    func secure(w http.ResponseWriter) { w.Header().Set("X-Frame-Options", "DENY") }
    """
    r = judge(one(src), "go.security_headers")
    assert r.status is Status.PARTIAL
    assert sorted(whys(r)) == [
        "Strict-Transport-Security is not set anywhere in code (only some security headers are)",
        "X-Content-Type-Options is not set anywhere in code (only some security headers are)",
    ]


def test_hsts_max_age_zero_is_contrary() -> None:
    r = judge(
        one(HEADERS_ALL.replace("max-age=63072000; includeSubDomains", "max-age=0")),
        "go.security_headers",
    )
    assert r.status is Status.PARTIAL
    assert whys(r) == ["Strict-Transport-Security with max-age=0 tells browsers to forget HSTS"]
    assert [e.line for e in r.evidence if e.polarity is Polarity.CONTRARY] == [4]


def test_the_whole_header_set_is_found() -> None:
    assert judge(one(HEADERS_ALL), "go.security_headers").status is Status.FOUND


def test_unrolled_secure_is_judged_by_its_options() -> None:
    partial = """
    package main
    import "github.com/unrolled/secure"
    var m = secure.New(secure.Options{STSSeconds: 31536000, FrameDeny: true})
    """
    r = judge(one(partial), "go.security_headers")
    assert r.status is Status.CONTRARY
    assert whys(r) == ["secure.Options without ContentTypeNosniff: those headers are not sent"]
    done = partial.replace("FrameDeny: true", "FrameDeny: true, ContentTypeNosniff: true")
    assert judge(one(done), "go.security_headers").status is Status.FOUND
    bare = 'package main\nimport "github.com/unrolled/secure"\nvar m = secure.New\n'
    assert judge(one(bare), "go.security_headers").status is Status.ERROR


# --------------------------------------------------------------------------- server timeouts

TIMEOUTS_OK = """
package main
import ("net/http"; "time")
const readHeader = 5 * time.Second
func main() {
    srv := &http.Server{
        ReadHeaderTimeout: readHeader,
        WriteTimeout:      30 * time.Second,
        IdleTimeout:       2 * time.Minute,
    }
    srv.ListenAndServe()
}
"""


@pytest.mark.parametrize(
    ("old", "new", "status", "why"),
    [
        (
            "readHeader,",
            "5,",
            Status.CONTRARY,
            "ReadHeaderTimeout is 5ns (an untyped constant counts nanoseconds), below 1s",
        ),
        ("WriteTimeout:      30 * time.Second,", "", Status.PARTIAL, "WriteTimeout is not set"),
        ("2 * time.Minute", "0", Status.PARTIAL, "IdleTimeout is 0s: no timeout"),
        (
            "30 * time.Second",
            "cfg.HTTP.WriteTimeout",
            Status.PARTIAL,
            "WriteTimeout value comes from cfg.HTTP.WriteTimeout, not followed",
        ),
    ],
    ids=["5ns", "write-missing", "idle-zero", "config-not-followed"],
)
def test_server_timeouts_need_all_three_with_real_values(
    old: str, new: str, status: Status, why: str
) -> None:
    assert old in TIMEOUTS_OK
    r = judge(one(TIMEOUTS_OK.replace(old, new)), "go.http.server_timeouts")
    assert r.status is status, r.summary
    assert any(w.startswith(why) for w in whys(r)), whys(r)


@pytest.mark.parametrize(
    ("read", "status"),
    [
        ("ReadTimeout: 60 * time.Second,", Status.FOUND),  # a zero IdleTimeout uses it
        ("ReadHeaderTimeout: 5 * time.Second,", Status.PARTIAL),  # Idle falls back to Read only
        ("ReadTimeout: 0,", Status.CONTRARY),  # no read timeout, so no idle one either
    ],
    ids=["read-timeout", "read-header-only", "read-zero"],
)
def test_an_idle_timeout_left_zero_falls_back_to_the_read_timeout(
    read: str, status: Status
) -> None:
    """net/http: "If IdleTimeout is zero, the value of ReadTimeout is used"."""
    src = (
        'package main\nimport ("net/http"; "time")\nfunc main() {\n'
        f"    srv := &http.Server{{{read} WriteTimeout: 60 * time.Second}}\n"
        "    srv.ListenAndServe()\n}\n"
    )
    r = judge(one(src), "go.http.server_timeouts")
    assert r.status is status, r.summary
    assert ("IdleTimeout is not set" in " ".join(whys(r))) is (status is not Status.FOUND)


def test_server_timeouts_done_right_are_found_and_config_defaults_followed() -> None:
    r = judge(one(TIMEOUTS_OK), "go.http.server_timeouts")
    assert r.status is Status.FOUND
    assert r.evidence[0].facts["why"] == "ReadHeaderTimeout 5s, WriteTimeout 30s, IdleTimeout 2m"
    followed = TIMEOUTS_OK.replace("30 * time.Second", "cfg.WriteTimeout") + (
        "var cfg = Config{WriteTimeout: 45 * time.Second}\n"
    )
    assert judge(one(followed), "go.http.server_timeouts").status is Status.FOUND


# --------------------------------------------------------------------------- DB pool

POOL_ALL = """
package db
import ("database/sql"; "time")
func open(db *sql.DB) {
    db.SetMaxOpenConns(20)
    db.SetMaxIdleConns(10)
    db.SetConnMaxLifetime(30 * time.Minute)
    db.SetConnMaxIdleTime(5 * time.Minute)
}
"""


def test_one_pool_setting_is_partial_with_the_missing_ones_contrary() -> None:
    src = """
    package db
    import "database/sql"
    func open(db *sql.DB) { db.SetMaxIdleConns(5) }
    """
    r = judge(one(src), "go.db.pool_limits")
    assert r.status is Status.PARTIAL
    assert sorted(w.split()[0] for w in whys(r)) == [
        "SetConnMaxIdleTime",
        "SetConnMaxLifetime",
        "SetMaxOpenConns",
    ]


def test_a_zero_open_limit_is_contrary_and_all_four_are_found() -> None:
    r = judge(
        one(POOL_ALL.replace("SetMaxOpenConns(20)", "SetMaxOpenConns(0)")), "go.db.pool_limits"
    )
    assert r.status is Status.PARTIAL
    assert whys(r) == ["SetMaxOpenConns set to 0: 0 or less means no limit"]
    assert judge(one(POOL_ALL), "go.db.pool_limits").status is Status.FOUND


def test_pgxpool_needs_its_limits_too() -> None:
    src = """
    package db
    import ("time"; "github.com/jackc/pgx/v5/pgxpool")
    func configure(cfg *pgxpool.Config) {
        cfg.MaxConns = 10
    }
    """
    r = judge(one(src), "go.db.pool_limits")
    assert r.status is Status.PARTIAL
    done = src.replace(
        "cfg.MaxConns = 10",
        "cfg.MaxConns = 10\n    cfg.MaxConnLifetime = time.Hour\n    cfg.MaxConnIdleTime = time.Minute",
    )
    assert judge(one(done), "go.db.pool_limits").status is Status.FOUND


# --------------------------------------------------------------------------- JSON logs


@pytest.mark.parametrize(
    ("src", "status"),
    [
        ('package main\nimport "log/slog"\nfunc main() { slog.Info("up") }\n', Status.CONTRARY),
        (
            'package main\nimport ("log/slog"; "os")\n'
            "var l = slog.New(slog.NewTextHandler(os.Stdout, nil))\n",
            Status.CONTRARY,
        ),
        (
            'package main\nimport "github.com/sirupsen/logrus"\nvar l = logrus.New()\n',
            Status.CONTRARY,
        ),
        ('package main\nimport "github.com/go-logr/logr"\nvar l logr.Logger\n', Status.ERROR),
        (
            'package main\nimport ("log/slog"; "os")\n'
            "var l = slog.New(slog.NewJSONHandler(os.Stdout, nil))\n",
            Status.FOUND,
        ),
        ('package main\nimport "go.uber.org/zap"\nvar l, _ = zap.NewProduction()\n', Status.FOUND),
        (
            'package main\nimport "github.com/sirupsen/logrus"\n'
            "func init() { logrus.SetFormatter(&logrus.JSONFormatter{}) }\n",
            Status.FOUND,
        ),
        ('package main\nimport "github.com/rs/zerolog/log"\nvar _ = log.Info\n', Status.FOUND),
        (
            'package main\nimport "k8s.io/klog/v2"\nfunc main() { klog.Info("up") }\n',
            Status.CONTRARY,
        ),
        (
            'package main\nimport ("log/slog"; "os"; "example.com/tint")\n'
            "var l = slog.New(tint.NewHandler(os.Stderr, nil))\n",
            Status.ERROR,
        ),
    ],
    ids=[
        "slog-default",
        "slog-text",
        "logrus-default",
        "logr-unknown",
        "slog-json",
        "zap-prod",
        "logrus-json",
        "zerolog",
        "klog-default",
        "slog-custom-handler",
    ],
)
def test_structured_logs_need_a_json_handler(src: str, status: Status) -> None:
    r = judge(one(src), "go.logging")
    assert r.status is status, r.summary
    whys(r)


def test_a_text_handler_next_to_a_json_one_is_partial() -> None:
    src = """
    package main
    import ("log/slog"; "os")
    func logger(json bool) *slog.Logger {
        if json {
            return slog.New(slog.NewJSONHandler(os.Stdout, nil))
        }
        return slog.New(slog.NewTextHandler(os.Stdout, nil))
    }
    """
    r = judge(one(src), "go.logging")
    assert r.status is Status.PARTIAL
    assert whys(r) == ["slog.NewTextHandler writes text lines, not JSON"]


# --------------------------------------------------------------------------- rate limiting


def test_an_outbound_limiter_is_not_an_endpoint_limit() -> None:
    src = """
    package poller
    import ("context"; "net/http"; "golang.org/x/time/rate")
    func poll(ctx context.Context, lim *rate.Limiter, c *http.Client) {
        for {
            _ = lim.Wait(ctx)
            c.Get("https://upstream.example.com/feed")
        }
    }
    """
    r = judge({"poller/poll.go": src}, "go.ratelimit")
    assert r.status is Status.MISSING
    assert "no rate limiting of incoming requests found" in r.summary
    assert "poller/poll.go:5 paces outbound work" in r.summary


@pytest.mark.parametrize(
    "src",
    [
        """
        package mw
        import ("net/http"; "golang.org/x/time/rate")
        func limit(next http.Handler, lim *rate.Limiter) http.Handler {
            return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
                if !lim.Allow() {
                    http.Error(w, "slow down", http.StatusTooManyRequests)
                    return
                }
                next.ServeHTTP(w, r)
            })
        }
        """,
        'package mw\nimport "github.com/go-chi/httprate"\nvar _ = httprate.LimitByIP\n',
    ],
    ids=["x-time-rate-middleware", "httprate"],
)
def test_a_limiter_in_http_middleware_is_found(src: str) -> None:
    assert judge({"mw/mw.go": src}, "go.ratelimit").status is Status.FOUND


# --------------------------------------------------------------------------- body limits

BODIES = """
package api
import ("encoding/json"; "io"; "net/http")
func create(w http.ResponseWriter, r *http.Request) {
    r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
    json.NewDecoder(r.Body).Decode(&v)
}
func update(w http.ResponseWriter, req *http.Request) {
    b, _ := io.ReadAll(req.Body)
    _ = b
}
func upload(w http.ResponseWriter, r *http.Request) {
    r.ParseMultipartForm(32 << 20)
}
func form(w http.ResponseWriter, r *http.Request) {
    r.ParseForm() // net/http caps url-encoded forms at 10 MB
}
func fetch(resp *http.Response) {
    io.ReadAll(http.MaxBytesReader(nil, resp.Body, 1<<20)) // an outbound response
}
"""


def test_one_limited_handler_of_three_is_partial() -> None:
    r = judge({"api/h.go": BODIES}, "go.http.body_limit")
    assert r.status is Status.PARTIAL
    contrary = [(e.line, e.facts["why"]) for e in r.evidence if e.polarity is Polarity.CONTRARY]
    assert contrary == [
        (8, "io.ReadAll(...) reads the request body without http.MaxBytesReader"),
        (12, "r.ParseMultipartForm(...) reads the request body without http.MaxBytesReader"),
    ]
    assert [e.line for e in r.evidence if e.polarity is Polarity.POSITIVE] == [4]
    assert "1 MaxBytesReader on a reader that is not a request body" in r.summary


def test_every_handler_limited_or_a_limiting_middleware_is_found() -> None:
    limited = BODIES.replace(
        "b, _ := io.ReadAll(req.Body)",
        "b, _ := io.ReadAll(http.MaxBytesReader(w, req.Body, 1<<20))",
    ).replace(
        "r.ParseMultipartForm(32 << 20)",
        "r.Body = http.MaxBytesReader(w, r.Body, 8<<20)\n    r.ParseMultipartForm(32 << 20)",
    )
    assert judge({"api/h.go": limited}, "go.http.body_limit").status is Status.FOUND
    middleware = """
    package api
    import "net/http"
    func limit(next http.Handler) http.Handler { return http.MaxBytesHandler(next, 1<<20) }
    """
    r = judge({"api/h.go": BODIES, "api/mw.go": middleware}, "go.http.body_limit")
    assert r.status is Status.FOUND
    assert "a limiting middleware at api/mw.go:3" in r.summary


# --------------------------------------------------------------------------- TLS sides

TLS_CLIENT_OPT_IN = """
package main
import ("crypto/tls"; "flag"; "net/http"; "time")
var insecure = flag.Bool("insecure", false, "skip upstream certificate checks")
func main() {
    tr := &http.Transport{}
    if *insecure {
        tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
    }
    srv := &http.Server{TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
    _ = srv
}
"""


def test_client_insecure_skip_verify_never_flags_server_tls() -> None:
    server = judge(one(TLS_CLIENT_OPT_IN), "go.tls_min_version")
    assert server.status is Status.FOUND
    client = judge(one(TLS_CLIENT_OPT_IN), "go.tls_client_verify")
    assert client.status is Status.CONTRARY
    assert whys(client) == ["InsecureSkipVerify: true when *insecure (opt-in)"]
    assert client.evidence[0].facts["opt_in"] is True


def test_server_and_client_tls_done_right() -> None:
    src = TLS_CLIENT_OPT_IN.replace("InsecureSkipVerify: true", "RootCAs: pool")
    assert judge(one(src), "go.tls_client_verify").status is Status.FOUND
    weak = TLS_CLIENT_OPT_IN.replace("VersionTLS12", "VersionTLS10")
    assert whys(judge(one(weak), "go.tls_min_version")) == [
        "MinVersion tls.VersionTLS10 allows TLS below 1.2"
    ]


# --------------------------------------------------------------------------- support only


def test_support_only_summaries_say_what_they_show() -> None:
    env = 'package main\nimport "os"\nvar port = os.Getenv("PORT")\n'
    r = judge(one(env), "go.config_loading")
    assert r.status is Status.FOUND  # a lookup is there; the item is a person's to confirm
    assert r.summary.endswith(
        "shows configuration read from the environment, not that all of it is"
    )
    scanned = {"main.go": ScannedFile("main.go", BLOB, EX.extract("main.go", "package main\n"))}
    out = {r.id: r for r in EX.finalize(scanned, ("main.go", "migrations/0001_init.sql"))}
    assert "not how (or by whom, locked) they are applied" in out["go.migrations"].summary


# --------------------------------------------------------------------------- more found in the checks


def test_client_timeout_values_are_evaluated() -> None:
    src = """
    package main
    import ("net/http"; "time")
    var a = &http.Client{Timeout: 0}
    var b = &http.Client{Timeout: 5}
    var c = &http.Client{Timeout: 10 * time.Second}
    """
    r = judge(one(src), "go.http.client_timeout")
    assert r.status is Status.PARTIAL
    assert whys(r) == [
        "http.Client Timeout is 0s: no timeout",
        "http.Client Timeout is 5ns: every call would fail (a unit mistake)",
    ]


def test_otel_api_without_a_provider_is_not_tracing() -> None:
    api = 'package main\nimport "go.opentelemetry.io/otel"\nvar tr = otel.Tracer("svc")\n'
    r = judge({"main.go": api}, "go.tracing")
    assert r.status is Status.ERROR
    assert "no SDK tracer provider or exporter is set up here" in r.summary
    sdk = (
        'package main\nimport sdktrace "go.opentelemetry.io/otel/sdk/trace"\n'
        "var tp = sdktrace.NewTracerProvider()\n"
    )
    assert judge({"main.go": api, "trace.go": sdk}, "go.tracing").status is Status.FOUND


def test_timeout_values_are_followed_into_other_files_of_the_repository() -> None:
    main = """
    package main
    import ("net/http"; "example.com/svc/config")
    func main() {
        cfg := config.Load()
        srv := &http.Server{
            ReadHeaderTimeout: readHeaderTimeout,
            WriteTimeout:      cfg.HTTP.WriteTimeout,
            IdleTimeout:       cfg.HTTP.IdleTimeout,
        }
        srv.ListenAndServe()
    }
    """
    consts = 'package main\nimport "time"\nconst readHeaderTimeout = 5 * time.Second\n'
    config = """
    package config
    import "time"
    type HTTP struct{ WriteTimeout, IdleTimeout time.Duration }
    func Load() Config {
        return Config{HTTP: HTTP{WriteTimeout: 30 * time.Second, IdleTimeout: 5}}
    }
    """
    files = {"cmd/api/main.go": main, "cmd/api/consts.go": consts, "config/config.go": config}
    r = judge(files, "go.http.server_timeouts")
    assert r.status is Status.PARTIAL
    assert whys(r) == ["IdleTimeout is 5ns, below 1s (from IdleTimeout, followed)"]
    fixed = config.replace("IdleTimeout: 5}", "IdleTimeout: 2 * time.Minute}")
    r = judge({**files, "config/config.go": fixed}, "go.http.server_timeouts")
    assert r.status is Status.FOUND
    assert "ReadHeaderTimeout 5s (from readHeaderTimeout, followed)" in str(
        r.evidence[0].facts["why"]
    )
    # a constant of another package is not this one's, and two defaults are no default
    moved = {"cmd/api/main.go": main, "cmd/other/consts.go": consts, "config/config.go": fixed}
    assert judge(moved, "go.http.server_timeouts").status is Status.PARTIAL
    twice = fixed + "var alt = HTTP{WriteTimeout: 10 * time.Second}\n"
    r = judge({**files, "config/config.go": twice}, "go.http.server_timeouts")
    assert "WriteTimeout value comes from cfg.HTTP.WriteTimeout, not followed" in " ".join(whys(r))


def test_per_call_questions_about_a_function_are_asked_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hostile file with many calls in one function stays linear: the function's text is
    searched once per question, not once per call."""
    from golive_tui.core.scan.detectors.go.checks import headers

    calls = 0
    real = headers._credentials_in

    def counting(func: object) -> bool:
        nonlocal calls
        calls += 1
        return real(func)  # type: ignore[arg-type]

    monkeypatch.setattr(headers, "_credentials_in", counting)
    sets = "\n".join('    w.Header().Set("Access-Control-Allow-Origin", "*")' for _ in range(200))
    src = f'package main\nimport "net/http"\nfunc h(w http.ResponseWriter) {{\n{sets}\n}}\n'
    r = judge(one(src), "go.cors")
    assert r.status is Status.CONTRARY and len(r.evidence) == 50  # capped, as every detector
    assert calls == 1


def test_a_server_whose_handler_is_set_in_another_method_does_not_serve_the_default_mux() -> None:
    src = """
    package main
    import ("net/http"; _ "net/http/pprof")
    type app struct{ srv *http.Server }
    func newApp() *app { return &app{srv: &http.Server{Addr: ":8080"}} }
    func (a *app) routes(mux *http.ServeMux) { a.srv.Handler = mux }
    func debug() { go http.ListenAndServe("127.0.0.1:6060", nil) }
    """
    r = judge(one(src), "go.pprof")
    assert r.status is Status.FOUND, r.summary
    assert "default mux served only on 127.0.0.1:6060" in r.summary


def test_a_limiter_guarding_requests_is_named_in_the_summary() -> None:
    src = """
    package mw
    import ("net/http"; "golang.org/x/time/rate")
    func limit(lim *rate.Limiter, w http.ResponseWriter) bool { return lim.Allow() }
    """
    r = judge({"mw/mw.go": src}, "go.ratelimit")
    assert r.status is Status.FOUND
    assert r.summary.endswith("a limiter call at mw/mw.go:3 guards requests")


def test_a_pool_opened_with_no_limit_anywhere_is_contrary() -> None:
    src = """
    package db
    import "database/sql"
    func open(dsn string) (*sql.DB, error) { return sql.Open("pgx", dsn) }
    """
    r = judge({"db/db.go": src}, "go.db.pool_limits")
    assert r.status is Status.CONTRARY
    assert whys(r) == ["database/sql pool opened here and no pool limit is set anywhere"]
    assert [(e.path, e.line) for e in r.evidence] == [("db/db.go", 3)]
    sized = judge({"db/db.go": src, "db/pool.go": POOL_ALL}, "go.db.pool_limits")
    assert sized.status is Status.FOUND


# --------------------------------------------------------------------------- shutdown helpers

OZZO = """
package main

import (
	"net/http"
	"time"

	{name}"{path}"
)

func main() {{
	hs := &http.Server{{Addr: ":8080", ReadHeaderTimeout: time.Second}}
	go {call}(hs, 10*time.Second, nil)
	_ = hs.ListenAndServe()
}}
"""
DIRECT = """
package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-ozzo/ozzo-routing/v2"
)

func main() {
	hs := &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second}
	go routing.GracefulShutdown(hs, 10*time.Second, nil)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	<-stop
	_ = hs.Shutdown(context.Background())
}
"""


@pytest.mark.parametrize(
    ("name", "path", "call", "status"),
    [
        ("", "github.com/go-ozzo/ozzo-routing/v2", "routing.GracefulShutdown", Status.ERROR),
        ("r ", "github.com/go-ozzo/ozzo-routing/v2", "r.GracefulShutdown", Status.ERROR),
        ("", "github.com/go-ozzo/ozzo-routing", "routing.GracefulShutdown", Status.ERROR),
        ("", "github.com/facebookgo/grace/gracehttp", "gracehttp.Serve", Status.ERROR),
        # twins: a package of the service's own, a helper's name on another package
        ("", "example.com/shop/routing", "routing.GracefulShutdown", Status.MISSING),
        ("", "github.com/go-ozzo/ozzo-routing/v2", "routing.Shutdown", Status.MISSING),
    ],
    ids=["ozzo-v2", "ozzo-aliased", "ozzo-v1", "gracehttp", "own-package", "other-function"],
)
def test_a_shutdown_helper_is_could_not_tell_never_missing(
    name: str, path: str, call: str, status: Status
) -> None:
    """`routing.GracefulShutdown(hs, ...)` shuts the server down on SIGTERM (by the library's
    documentation, which golive does not read): both verdicts are "could not tell" naming the
    call, where they were "missing"; no evidence is invented for the scan contract's items."""
    src = {"cmd/server/main.go": OZZO.format(name=name, path=path, call=call)}
    for detector in ("go.http.graceful_shutdown", "go.signal.sigterm"):
        result = judge(src, detector)
        assert result.status is status, result.summary
        assert result.evidence == ()
        if status is Status.ERROR:
            assert f"could not tell: cmd/server/main.go:12 leaves the shutdown to {call}," in (
                result.summary
            )
        else:
            assert "could not tell" not in result.summary


KRATOS = """
package main

import (
	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/transport/http"
)

func main() {
	hs := http.NewServer(http.Address(":8000"))
	app := kratos.New(kratos.Name("shop"), kratos.Server(hs))
	if err := app.Run(); err != nil {
		panic(err)
	}
}
"""


def test_a_framework_app_that_stops_its_servers_on_sigterm_is_could_not_tell() -> None:
    """kratos.New(...).Run() stops the servers it holds on SIGTERM: not "missing"."""
    for detector in ("go.http.graceful_shutdown", "go.signal.sigterm"):
        result = judge({"cmd/server/main.go": KRATOS}, detector)
        assert result.status is Status.ERROR, result.summary
        assert "cmd/server/main.go:10 leaves the shutdown to kratos.New," in result.summary


def test_a_helper_in_a_comment_or_beside_proof_changes_nothing() -> None:
    commented = OZZO.format(
        name="", path="github.com/go-ozzo/ozzo-routing/v2", call="// routing.GracefulShutdown"
    ).replace("go // routing", "// go routing")
    assert judge({"main.go": commented}, "go.http.graceful_shutdown").status is Status.MISSING
    for detector in ("go.http.graceful_shutdown", "go.signal.sigterm"):
        result = judge({"main.go": DIRECT}, detector)
        assert result.status is Status.FOUND, result.summary
        assert "could not tell" not in result.summary


@pytest.mark.parametrize(
    ("path", "detector"),
    [
        ("expvar", "go.metrics"),  # counters served as JSON on /debug/vars
        ("github.com/ardanlabs/darwin/v3", "go.migrations"),
        ("github.com/ardanlabs/conf/v3", "go.config_loading"),
    ],
)
def test_libraries_seen_on_real_services_are_evidence(path: str, detector: str) -> None:
    """ardanlabs/service publishes expvar counters, migrates with darwin and reads its
    settings with conf: each was "missing"."""
    src = f'package main\n\nimport _ "{path}"\n\nfunc main() {{}}\n'
    result = judge({"main.go": src}, detector)
    assert result.status is Status.FOUND, result.summary
    assert [e.facts.get("import") for e in result.evidence] == [path]


GIN_CORS_LATER = """
package main

import "github.com/gin-contrib/cors"

func mw(allowed map[string]bool) {
	c := cors.Config{MaxAge: 0}
	{later}
	_ = cors.New(c)
}
"""


@pytest.mark.parametrize(
    ("later", "status"),
    [
        ("c.AllowOriginFunc = func(o string) bool { return allowed[o] }", Status.FOUND),
        ('c.AllowOrigins = []string{"https://shop.example"}', Status.FOUND),
        ('c.AllowOrigins = []string{"*"}', Status.CONTRARY),
        ("c.AllowOriginFunc = func(o string) bool { return true }", Status.CONTRARY),
        ("_ = allowed", Status.CONTRARY),  # nothing set: the middleware's default applies
    ],
    ids=["func-later", "list-later", "star-later", "true-later", "none"],
)
def test_cors_options_set_after_the_literal_count(later: str, status: Status) -> None:
    """gotify sets AllowOriginFunc on its cors.Config after building it: that restricts
    origins (it read as "no allowed origins set")."""
    r = judge(one(GIN_CORS_LATER.replace("{later}", later)), "go.cors")
    assert r.status is status, r.summary


FRAMEWORK_SHUTDOWN = """
package main

import (
	"context"
	"time"

	"{path}"
)

{body}
"""


@pytest.mark.parametrize(
    ("path", "body", "status", "call"),
    [
        (
            "github.com/gofiber/fiber/v2",
            "func main() {\n\tapp := fiber.New()\n\t_ = app.ShutdownWithTimeout(10 * time.Second)\n}",
            Status.ERROR,
            "app.ShutdownWithTimeout",
        ),
        (
            "github.com/gofiber/fiber/v2",
            "func stop(a *fiber.App) {\n\t_ = a.Shutdown()\n}",
            Status.ERROR,
            "a.Shutdown",
        ),
        (
            "github.com/labstack/echo/v4",
            "func main() {\n\te := echo.New()\n\t_ = e.Shutdown(context.Background())\n}",
            Status.ERROR,
            "e.Shutdown",
        ),
        # twins: a Shutdown on something else; the framework with no shutdown at all
        (
            "github.com/gofiber/fiber/v2",
            "func stop(tp interface{ Shutdown(context.Context) error }) {\n"
            "\t_ = tp.Shutdown(context.Background())\n\t_ = fiber.New\n}",
            Status.MISSING,
            "",
        ),
        ("github.com/labstack/echo/v4", "func main() {\n\t_ = echo.New()\n}", Status.MISSING, ""),
    ],
    ids=["fiber-new", "fiber-param", "echo-new", "other-shutdown", "no-shutdown"],
)
def test_a_frameworks_shutdown_is_could_not_tell_never_missing(
    path: str, body: str, status: Status, call: str
) -> None:
    """fiber-go-template shuts its fiber.App down with a.Shutdown(): graceful (by fiber's
    documentation) but not an http.Server's Shutdown, so "could not tell", not "missing"."""
    src = go(FRAMEWORK_SHUTDOWN.replace("{path}", path).replace("{body}", body))
    r = judge({"main.go": src}, "go.http.graceful_shutdown")
    assert r.status is status, r.summary
    assert r.evidence == ()
    if call:
        assert (
            "could not tell: main.go:" in r.summary and f"calls {call} on a {path} app" in r.summary
        )


GRPC_HEALTH = """
package main

import (
	"net/http"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func main() {
	srv := grpc.NewServer()
	{register}
	{route}
}
"""


@pytest.mark.parametrize(
    ("register", "route", "status"),
    [
        ("healthpb.RegisterHealthServer(srv, health.NewServer())", "", Status.ERROR),
        # an HTTP health route decides; a function of the service's own is no gRPC health
        (
            "healthpb.RegisterHealthServer(srv, health.NewServer())",
            'http.HandleFunc("/healthz", nil)',
            Status.FOUND,
        ),
        ("RegisterHealthServer(srv, health.NewServer())", "", Status.MISSING),
    ],
    ids=["grpc-health", "with-http-route", "own-function"],
)
def test_the_grpc_health_service_is_could_not_tell_never_missing(
    register: str, route: str, status: Status
) -> None:
    """microservices-demo's checkoutservice serves the gRPC health service, which its
    manifests' grpc probes ask: "no health route" was "missing"."""
    src = go(GRPC_HEALTH.replace("{register}", register).replace("{route}", route))
    r = judge({"main.go": src}, "go.http.health_endpoints")
    assert r.status is status, r.summary
    if status is Status.ERROR:
        assert "could not tell: main.go:13 registers the gRPC health service" in r.summary
        assert r.evidence == ()


WRAPPED_ROUTE = """
package checkapp

import (
	"log"
	"net/http"
)

func Routes(app *web.App, mux *http.ServeMux, h http.HandlerFunc) {
	{call}
}
"""


@pytest.mark.parametrize(
    ("call", "status"),
    [
        ('app.HandlerFuncNoMid(http.MethodGet, "v1", "/readiness", h)', Status.ERROR),
        ('app.HandlerFuncNoMid(http.MethodGet, "v1", "/v1/liveness", h)', Status.ERROR),
        ('mux.HandleFunc("/readiness", h)', Status.FOUND),  # a registration golive reads
        ('log.Println("/readiness")', Status.MISSING),  # a package's function: no route
        ('app.HandlerFuncNoMid(http.MethodGet, "v1", "/users", h)', Status.MISSING),
    ],
    ids=["wrapped", "wrapped-nested", "registered", "logged", "other-path"],
)
def test_a_health_path_handed_to_another_packages_wrapper_is_could_not_tell(
    call: str, status: Status
) -> None:
    """ardanlabs/service registers /readiness through its web package's HandlerFuncNoMid,
    defined in another package: "no health route" was "missing"."""
    src = go(WRAPPED_ROUTE.replace("{call}", call))
    r = judge({"app/checkapp/route.go": src}, "go.http.health_endpoints")
    assert r.status is status, r.summary
    if status is Status.ERROR:
        assert "could not tell: app/checkapp/route.go:9 passes" in r.summary
        assert "to app.HandlerFuncNoMid, which golive does not follow" in r.summary


PROXY = """
package proxy

type Transport struct{ max int }

func (t *Transport) SetMaxIdleConns(n int) { t.max = n }

func configure(p *Proxy, n int) { p.transport.SetMaxIdleConns(n) }
"""
OPENS = """
package store

import "database/sql"

func Open(dsn string) (*sql.DB, error) { return sql.Open("postgres", dsn) }
"""


@pytest.mark.parametrize(
    ("files", "status"),
    [
        ({"proxy/proxy.go": PROXY}, Status.MISSING),  # coredns: no database, no pool
        ({"proxy/proxy.go": PROXY, "store/store.go": OPENS}, Status.ERROR),
        ({"store/store.go": OPENS}, Status.CONTRARY),  # opened, no limit set anywhere
    ],
    ids=["proxy-only", "proxy-and-a-pool", "pool-only"],
)
def test_a_setting_on_a_value_no_database_file_shows_is_no_pools(
    files: dict[str, str], status: Status
) -> None:
    """coredns's DNS proxies have a SetMaxIdleConns of their own; coredns has no database,
    and its pool limits were partial, "2 pool limit settings"."""
    r = judge(files, "go.db.pool_limits")
    assert r.status is status, r.summary
    if status is Status.ERROR:
        assert "could not tell: proxy/proxy.go:7 calls p.transport.SetMaxIdleConns" in r.summary
    else:
        assert "SetMaxIdleConns" not in " ".join(str(e.facts) for e in r.evidence)


@pytest.mark.parametrize(
    ("src", "detector", "status"),
    [
        (  # ory/oathkeeper
            'package main\nimport ("net/http"; "github.com/ory/graceful")\n'
            "func main() { s := &http.Server{}\n"
            "\t_ = graceful.Graceful(s.ListenAndServe, s.Shutdown) }\n",
            "go.signal.sigterm",
            Status.ERROR,
        ),
        (  # coredns
            'package main\nimport "github.com/coredns/caddy"\nfunc main() { caddy.TrapSignals() }\n',
            "go.signal.sigterm",
            Status.ERROR,
        ),
        (  # Permify: a gRPC interceptor rejecting requests over the limiter's rate
            'package servers\nimport "github.com/grpc-ecosystem/go-grpc-middleware/v2/'
            'interceptors/ratelimit"\nvar _ = ratelimit.UnaryServerInterceptor\n',
            "go.ratelimit",
            Status.FOUND,
        ),
    ],
    ids=["ory-graceful", "caddy-trapsignals", "grpc-ratelimit"],
)
def test_libraries_that_do_it_for_the_service(src: str, detector: str, status: Status) -> None:
    r = judge({"main.go": src}, detector)
    assert r.status is status, r.summary


@pytest.mark.parametrize(
    ("origins", "status"),
    [
        ("cfg.HTTP.CORSAllowedOrigins", Status.ERROR),  # Permify: its default is []string{"*"}
        ("origins()", Status.ERROR),
        ('[]string{"https://shop.example"}', Status.FOUND),
        ('[]string{"*"}', Status.CONTRARY),
    ],
    ids=["config-field", "call", "fixed", "star"],
)
def test_cors_options_origins_from_a_value_not_followed_are_could_not_tell(
    origins: str, status: Status
) -> None:
    src = (
        'package main\nimport "github.com/rs/cors"\n'
        f"var c = cors.New(cors.Options{{AllowedOrigins: {origins}, AllowCredentials: true}})\n"
    )
    r = judge(one(src), "go.cors")
    assert r.status is status, r.summary
    if status is Status.ERROR:
        assert f"allowed origins come from {origins}, a value not followed" in r.summary


GO_ZERO = """
package main

import (
	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/rest"
)

func main() {
	server := rest.MustNewServer(rest.RestConf{})
	logx.Info("starting")
	server.Start()
}
"""


@pytest.mark.parametrize(
    ("detector", "why"),
    [
        ("go.logging", "go-zero's logx writes JSON by default"),
        ("go.metrics", "go-zero serves Prometheus metrics when its configuration sets Prometheus"),
        ("go.tracing", "go-zero traces requests when its configuration sets Telemetry"),
        ("go.circuit_breaker", "puts requests behind a breaker by default"),
        ("go.http.server_timeouts", "from its Timeout (3 s by default)"),
        ("go.http.body_limit", "(MaxBytes, 1 MB by default)"),
    ],
)
def test_what_a_framework_does_by_itself_is_could_not_tell_never_missing(
    detector: str, why: str
) -> None:
    """go-zero-looklook: logx, Prometheus, telemetry, breakers, timeouts and body limits all
    come from go-zero and its configuration; each was "missing"."""
    r = judge({"main.go": GO_ZERO}, detector)
    assert r.status is Status.ERROR, r.summary
    assert why in r.summary and "main.go imports github.com/zeromicro/go-zero/" in r.summary


def test_a_framework_default_needs_the_part_that_does_it() -> None:
    """go-zero's sqlx sets pool limits: a go-zero service without it has no such default."""
    assert judge({"main.go": GO_ZERO}, "go.db.pool_limits").status is Status.MISSING
    with_sqlx = GO_ZERO.replace(
        '"github.com/zeromicro/go-zero/rest"',
        '"github.com/zeromicro/go-zero/rest"\n\t_ "github.com/zeromicro/go-zero/core/stores/sqlx"',
    )
    r = judge({"main.go": with_sqlx}, "go.db.pool_limits")
    assert r.status is Status.ERROR and "go-zero's sqlx sets the pool's limits itself" in r.summary


def test_a_framework_default_never_overrides_what_the_code_shows() -> None:
    fiber = 'package main\nimport "github.com/gofiber/fiber/v2"\nvar app = fiber.New()\n'
    assert "fiber limits request bodies" in judge({"main.go": fiber}, "go.http.body_limit").summary
    # without the framework, missing stays missing; with a finding, the finding decides
    plain = 'package main\nimport "github.com/gofiber/fiberx"\nvar app = 1\n'
    assert judge({"main.go": plain}, "go.http.body_limit").status is Status.MISSING
    logged = GO_ZERO.replace(
        '"github.com/zeromicro/go-zero/core/logx"',
        '"github.com/rs/zerolog/log"\n\t"github.com/zeromicro/go-zero/core/logx"',
    )
    assert "could not tell" not in judge({"main.go": logged}, "go.logging").summary


@pytest.mark.parametrize(
    ("decl", "assign", "status"),
    [
        # nats-server: the oldest server version a leaf node accepts, a string option
        ("type LeafOpts struct{ MinVersion string }", 'o.MinVersion = "2.8.0"', Status.MISSING),
        ("type LeafOpts struct{ MinVersion string }", "o.MinVersion = version", Status.MISSING),
        (
            "type LeafOpts struct{ Name string }",
            "srvTLS.MinVersion = tls.VersionTLS12",
            Status.FOUND,
        ),
    ],
    ids=["string-literal", "string-field", "tls-config"],
)
def test_a_min_version_of_the_services_own_is_no_tls_setting(
    decl: str, assign: str, status: Status
) -> None:
    src = (
        f'package server\nimport "crypto/tls"\n{decl}\nvar srvTLS = &tls.Config{{}}\n'
        f"func set(o *LeafOpts, version string) {{ {assign} }}\nvar _ = tls.VersionTLS12\n"
    )
    r = judge(one(src), "go.tls_min_version")
    assert r.status is status, r.summary


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("io.ReadAll(http.MaxBytesReader(nil, req.Body, 65535))", Status.FOUND),  # CoreDNS's DoH
        ("io.ReadAll(http.MaxBytesReader(nil, other, 65535))", Status.MISSING),  # not a body
    ],
    ids=["request-body", "other-reader"],
)
def test_a_max_bytes_reader_without_a_writer_on_a_request_body_limits_it(
    body: str, status: Status
) -> None:
    src = (
        'package doh\nimport ("io"; "net/http")\n'
        f"func msg(req *http.Request, other io.Reader) ([]byte, error) {{ return {body} }}\n"
    )
    r = judge(one(src), "go.http.body_limit")
    assert r.status is status, r.summary


SQL_JOIN = """
package postgres

import (
	"context"
	"database/sql"
)

{decl}

func del(ctx context.Context, db *sql.DB, {param} string) error {
	_, err := db.ExecContext(ctx, "DELETE FROM "+{name}+" WHERE id = $1", 1)
	return err
}
"""


@pytest.mark.parametrize(
    ("decl", "param", "name", "status"),
    [
        ("", "id", "TenantsTable", Status.ERROR),  # Permify: a constant of consts.go
        ('const TenantsTable = "tenants"', "id", "TenantsTable", Status.FOUND),
        ("", "table", "table", Status.CONTRARY),  # a parameter: the caller decides the text
    ],
    ids=["other-file-const", "same-file-const", "parameter"],
)
def test_a_query_joining_a_package_level_name_is_could_not_tell(
    decl: str, param: str, name: str, status: Status
) -> None:
    src = SQL_JOIN.replace("{decl}", decl).replace("{param}", param).replace("{name}", name)
    r = judge(one(src), "go.sql_string_building")
    assert r.status is status, r.summary
    if status is Status.ERROR:
        assert "the query joins TenantsTable, a package-level name golive does not follow" in (
            r.summary
        )


HEALTH_BY_NAME = """
package healthx

import (
	"net/http"

	"github.com/julienschmidt/httprouter"
)

{decl}

func alive(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {}

func SetHealthRoutes(r *httprouter.Router) {
	r.GET({path}, alive)
}
"""


@pytest.mark.parametrize(
    ("decl", "path", "status"),
    [
        ('const AliveCheckPath = "/health/alive"', "AliveCheckPath", Status.FOUND),  # ory
        ('var readyPath = "/health/ready"', "readyPath", Status.FOUND),
        # nats-server: the path goes through a function of its own: not shown, not absent
        ('const HealthzPath = "/healthz"', "basePath(HealthzPath)", Status.ERROR),
        ('const UsersPath = "/users"', "UsersPath", Status.MISSING),
    ],
    ids=["const", "var", "through-a-function", "not-health"],
)
def test_a_health_path_held_by_a_name_is_read_as_golive_routes_reads_it(
    decl: str, path: str, status: Status
) -> None:
    """ory/oathkeeper registers r.GET(AliveCheckPath, ...) with the constant in the same file:
    `golive routes` listed /health/alive while the scan said "missing"."""
    src = go(HEALTH_BY_NAME.replace("{decl}", decl).replace("{path}", path))
    r = judge({"healthx/handler.go": src}, "go.http.health_endpoints")
    assert r.status is status, r.summary
    if status is Status.ERROR:
        assert "registers a route at basePath(HealthzPath), a value golive does not" in r.summary


HEADER_MAP = """
package api

import "net/http"

var corsHeaders = map[string]string{
	"Access-Control-Allow-Headers": "Accept, Authorization",
	"Access-Control-Allow-Origin":  {origin},
}

func SetCORS(w http.ResponseWriter) {
	for h, v := range corsHeaders {
		w.Header().Set(h, v)
	}
}
"""


@pytest.mark.parametrize(
    ("origin", "status"),
    [
        ('"*"', Status.CONTRARY),  # thanos
        ('"https://shop.example"', Status.FOUND),
        ("allowed", Status.ERROR),  # a value not followed
    ],
    ids=["star", "fixed", "variable"],
)
def test_an_allow_origin_kept_in_a_header_map_is_judged(origin: str, status: Status) -> None:
    """thanos keeps its CORS headers in a map set in a loop: go.cors said no CORS header."""
    r = judge(one(HEADER_MAP.replace("{origin}", origin)), "go.cors")
    assert r.status is status, r.summary


@pytest.mark.parametrize(
    ("wrap", "status"),
    [
        ("graceful.WithDefaults(&http.Server{Addr: a})", Status.ERROR),  # ory/oathkeeper
        ("other.WithDefaults(&http.Server{Addr: a})", Status.CONTRARY),  # not the library's
        ("&http.Server{Addr: a}", Status.CONTRARY),
    ],
    ids=["graceful", "other-package", "bare"],
)
def test_a_server_handed_to_a_defaults_filler_is_could_not_tell(wrap: str, status: Status) -> None:
    src = (
        'package main\nimport ("net/http"; "github.com/ory/graceful"; "example.com/other")\n'
        f"func serve(a string) *http.Server {{ return {wrap} }}\n"
        "var _ = graceful.WithDefaults\nvar _ = other.X\n"
    )
    r = judge(one(src), "go.http.server_timeouts")
    assert r.status is status, r.summary
    if status is Status.ERROR:
        assert "could not tell for 1 http.Server literal: the server is handed to" in r.summary


@pytest.mark.parametrize(
    ("config", "status"),
    [
        (
            "fiber.Config{ReadTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second}",
            Status.ERROR,
        ),
        ('fiber.Config{AppName: "shop"}', Status.MISSING),  # no timeout set: nothing to tell
    ],
    ids=["timeouts", "no-timeouts"],
)
def test_fibers_config_timeouts_are_could_not_tell(config: str, status: Status) -> None:
    """fiber-go-template sets ReadTimeout in its fiber.Config: "no http.Server literal found"
    was "missing"."""
    src = (
        'package main\nimport ("time"; "github.com/gofiber/fiber/v2")\n'
        f"func main() {{ app := fiber.New({config}); _ = app; _ = time.Second }}\n"
    )
    r = judge(one(src), "go.http.server_timeouts")
    assert r.status is status, r.summary
    if status is Status.ERROR:
        assert "sets ReadTimeout, WriteTimeout in a fiber.Config" in r.summary


@pytest.mark.parametrize(
    ("sql", "counted"),
    [
        ("internal/database/migrations/sqlite/0000_system.up.sql", True),  # shiori: per database
        ("db/migrations/0001_init.up.sql", True),
        ("db/migrations/postgres/v1/0001_init.up.sql", False),  # two levels down: not a folder's
        ("docs/examples/schema.sql", False),
    ],
    ids=["per-database", "flat", "too-deep", "other-folder"],
)
def test_migrations_kept_in_a_folder_per_database_count(sql: str, counted: bool) -> None:
    scanned = {"main.go": ScannedFile("main.go", BLOB, EX.extract("main.go", "package main\n"))}
    out = {r.id: r for r in EX.finalize(scanned, ("main.go", sql))}
    dirs = [e.facts.get("dir") for e in out["go.migrations"].evidence]
    assert (dirs == [sql.rpartition("/")[0]]) is counted, out["go.migrations"].summary
