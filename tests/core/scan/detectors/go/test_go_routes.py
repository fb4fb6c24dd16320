"""The route table (go/routetable.py): one small Go file per framework idiom, its effective
path asserted, through both readers of the rows - the scan's health check and `golive routes`'s
table extractor - each with a negative twin (a comment, a string, a dead branch, a call that
is not a registration) that must not count."""

from __future__ import annotations

import textwrap

import pytest

from golive_tui.core.scan.detectors.go import EXTRACTORS
from golive_tui.core.scan.detectors.go.table import RouteTableExtractor

HEALTH = "go.http.health_endpoints"
TABLE = RouteTableExtractor()

GIN = '"github.com/gin-gonic/gin"'
CHI = '"github.com/go-chi/chi/v5"\n\t"github.com/go-chi/chi/v5/middleware"'
MUX = '"github.com/gorilla/mux"'
ECHO = '"github.com/labstack/echo/v4"'
FIBER = '"github.com/gofiber/fiber/v2"'
HTTPROUTER = '"github.com/julienschmidt/httprouter"'
REST = '"github.com/go-pkgz/rest"\n\t"github.com/go-chi/chi/v5"'
HTTP = '"net/http"'


def source(imports: str, body: str) -> str:
    return f"package main\n\nimport (\n\t{imports}\n)\n\n" + textwrap.dedent(body).lstrip("\n")


def health(src: str) -> list[tuple[int, str, str]]:
    """(line, method, effective path) of the scan's health evidence."""
    scan = EXTRACTORS[0].extract("main.go", src)
    return [
        (f.line, str(f.facts["method"]), str(f.facts["path"]))
        for f in scan.findings
        if f.detector == HEALTH
    ]


def table(src: str) -> list[tuple[int, str, str, str]]:
    """(line, method, path, kind) of every row `golive routes` shows for the file."""
    scan = TABLE.extract("main.go", src)
    assert not scan.errors
    return [
        (f.line, str(f.facts["method"]), str(f.facts["path"]), str(f.facts["kind"]))
        for f in scan.findings
    ]


# (name, imports, code, [(line, method, effective path)], negative twin of the code)
IDIOMS = [
    (
        "gin Match",
        GIN,
        """
        func main() {
        \tr := gin.New()
        \tr.Match([]string{"GET", "HEAD"}, "/health", h)
        }
        """,
        [(9, "GET,HEAD", "/health")],
        """
        func main() {
        \tr := gin.New()
        \t// r.Match([]string{"GET", "HEAD"}, "/health", h)
        \tlog.Print("r.Match([]string{\\"GET\\"}, \\"/health\\", h)")
        }
        """,
    ),
    (
        "gin Any",
        GIN,
        """
        func main() {
        \tr := gin.New()
        \tr.Any("/readyz", h)
        }
        """,
        [(9, "ANY", "/readyz")],
        """
        func main() {
        \tr := gin.New()
        \tif false {
        \t\tr.Any("/readyz", h)
        \t}
        }
        """,
    ),
    (
        "gin group with a root route",
        GIN,
        """
        func main() {
        \tr := gin.New()
        \tapi := r.Group("/api/ping")
        \t{
        \t\tapi.GET("/", h)
        \t}
        }
        """,
        [(11, "GET", "/api/ping/")],
        """
        func main() {
        \tr := gin.New()
        \tapi := r.Group("/api/users")
        \t{
        \t\tapi.GET("/", h)
        \t}
        }
        """,
    ),
    (
        "gin group with an empty route",
        GIN,
        """
        func routes(rg *gin.RouterGroup) {
        \trg.Group("/health").GET("", h)
        }
        """,
        [(8, "GET", "{rg}/health")],
        """
        func routes(rg *gin.RouterGroup) {
        \trg.Group("/users").GET("", h)
        }
        """,
    ),
    (
        "chi Heartbeat in Use",
        CHI,
        """
        func main() {
        \tr := chi.NewRouter()
        \tr.Use(middleware.Logger, middleware.Heartbeat("/ping"))
        }
        """,
        [(10, "GET,HEAD", "/ping")],
        """
        func main() {
        \tr := chi.NewRouter()
        \t// r.Use(middleware.Heartbeat("/ping"))
        \tr.Use(middleware.Logger)
        }
        """,
    ),
    (
        "chi Heartbeat in a middleware list",
        CHI,
        """
        var stack = []func(http.Handler) http.Handler{
        \tmiddleware.Heartbeat("/healthz"),
        }
        """,
        [(9, "GET,HEAD", "/healthz")],
        """
        var stack = []func(http.Handler) http.Handler{
        \tmiddleware.RequestID,
        }
        var doc = "middleware.Heartbeat(\\"/healthz\\")"
        """,
    ),
    (
        "chi Route and Mount",
        CHI,
        """
        func main() {
        \tr := chi.NewRouter()
        \tr.Route("/v1", func(r chi.Router) {
        \t\tr.Get("/livez", h)
        \t})
        \tadmin := chi.NewRouter()
        \tadmin.Get("/readyz", h)
        \tr.Mount("/admin", admin)
        }
        """,
        [(11, "GET", "/v1/livez"), (14, "GET", "/admin/readyz")],
        """
        func main() {
        \tr := chi.NewRouter()
        \tr.Route("/v1", func(r chi.Router) {
        \t\tr.Get("/users", h)
        \t})
        }
        """,
    ),
    (
        "gorilla subrouter and Methods",
        MUX,
        """
        func main() {
        \tr := mux.NewRouter()
        \ts := r.PathPrefix("/v2").Subrouter()
        \ts.HandleFunc("/health", h).Methods("GET", "HEAD")
        \tr.Path("/readyz").Methods(http.MethodGet).HandlerFunc(h)
        }
        """,
        [(10, "GET,HEAD", "/v2/health"), (11, "GET", "/readyz")],
        """
        func main() {
        \tr := mux.NewRouter()
        \tu, _ := url.Parse("http://x/health")
        \tr.Path("/readyz")
        }
        """,
    ),
    (
        "echo group",
        ECHO,
        """
        func main() {
        \te := echo.New()
        \tg := e.Group("/internal")
        \tg.GET("/healthz", h)
        }
        """,
        [(10, "GET", "/internal/healthz")],
        """
        func main() {
        \te := echo.New()
        \tg := e.Group("/internal")
        \tg.GET("/status", h)
        }
        """,
    ),
    (
        "fiber group",
        FIBER,
        """
        func main() {
        \tapp := fiber.New()
        \tapi := app.Group("/api")
        \tapi.Get("/health", h)
        }
        """,
        [(10, "GET", "/api/health")],
        """
        func main() {
        \tapp := fiber.New()
        \tresp, _ := client.Get("/api/health")
        }
        """,
    ),
    (
        "httprouter and Go 1.22 patterns",
        f"{HTTPROUTER}\n\t{HTTP}",
        """
        func main() {
        \trouter := httprouter.New()
        \trouter.Handler("GET", "/livez", h)
        \tmux := http.NewServeMux()
        \tmux.HandleFunc("GET /readyz", h)
        \tmux.HandleFunc("example.com/healthz", h)
        }
        """,
        [(10, "GET", "/livez"), (12, "GET", "/readyz"), (13, "ANY", "/healthz")],
        """
        func main() {
        \tmux := http.NewServeMux()
        \tmux.HandleFunc("GET /users", h)
        \tm.Add("text/healthz", minify)
        \tunix.Mount(src, "/proc/self/fd/healthz", "", unix.MS_BIND, "")
        }
        """,
    ),
    (
        "go-pkgz/rest Ping",
        REST,
        """
        func main() {
        \tr := chi.NewRouter()
        \tr.Use(rest.Ping)
        }
        """,
        [(10, "GET", "/ping")],
        """
        func main() {
        \tr := chi.NewRouter()
        \tr.Use(rest.AppInfo("app", "me", "1"))
        \tname := "rest.Ping"
        }
        """,
    ),
    (
        "a helper that wraps registration",
        MUX,
        """
        func h(r *mux.Router, path string, f http.HandlerFunc) {
        \tr.HandleFunc("/"+path, f)
        }

        func main() {
        \tr := mux.NewRouter()
        \th(r, "status", api.Status)
        \th(r, "health", api.Health)
        }
        """,
        [(14, "ANY", "/health")],
        """
        func h(r *mux.Router, path string, f http.HandlerFunc) {
        \tr.HandleFunc("/"+path, f)
        }

        func main() {
        \tr := mux.NewRouter()
        \th(r, "status", api.Status)
        \tlog.Print("health")
        }
        """,
    ),
    (
        "a prefix passed in",
        CHI,
        """
        func Register(r chi.Router, prefix string) {
        \tr.Get(prefix+"/health", h)
        }
        """,
        [(9, "GET", "{prefix}/health")],
        """
        func Register(r chi.Router, prefix string) {
        \tr.Get("/health"+prefix, h)
        }
        """,
    ),
    (
        "a hand-rolled router",
        HTTP,
        """
        func (s *S) ServeHTTP(w http.ResponseWriter, r *http.Request) {
        \tif r.URL.Path == "/v1/health" {
        \t\tw.WriteHeader(http.StatusOK)
        \t} else if r.URL.Path == "/v1/users" {
        \t\ts.users(w, r)
        \t}
        \tswitch r.URL.Path {
        \tcase "/readyz":
        \t\tfmt.Fprint(w, "ok")
        \t}
        \tif r.URL.Path == "/health" || r.URL.Path == "/livez" {
        \t\thttp.Error(w, "ok", http.StatusOK)
        \t}
        \tif r.Method == http.MethodGet && r.URL.Path == "/ping" {
        \t\tw.Write(pong)
        \t}
        }
        """,
        [
            (8, "ANY", "/v1/health"),
            (14, "ANY", "/readyz"),
            (17, "ANY", "/health"),
            (17, "ANY", "/livez"),
            (20, "GET", "/ping"),
        ],
        """
        func logged(next http.Handler) http.Handler {
        \treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
        \t\tif r.URL.Path == "/v1/health" {
        \t\t\tnext.ServeHTTP(w, r)
        \t\t\treturn
        \t\t}
        \t})
        }

        func cors(next http.Handler) http.Handler {
        \treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
        \t\tif (strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz") && ok(r) {
        \t\t\tw.Header().Set("Access-Control-Allow-Origin", "*")
        \t\t}
        \t\tif ok(r) && r.URL.Path == "/livez" {
        \t\t\tw.Header().Set("Vary", "Origin")
        \t\t}
        \t})
        }

        func check(w http.ResponseWriter, r *http.Request) bool {
        \tif r.URL.Path == "/readyz" {
        \t\tw.WriteHeader(http.StatusForbidden)
        \t}
        \treturn false
        }
        """,
    ),
]


@pytest.mark.parametrize(
    ("imports", "code", "expected"),
    [pytest.param(i, c, e, id=name) for name, i, c, e, _ in IDIOMS],
)
def test_health_route_idioms(imports: str, code: str, expected: list[tuple[int, str, str]]) -> None:
    src = source(imports, code)
    assert sorted(health(src)) == sorted(expected)
    rows = {(line, method, path) for line, method, path, _ in table(src)}
    assert set(expected) <= rows


@pytest.mark.parametrize(
    ("imports", "code"),
    [pytest.param(i, n, id=name) for name, i, _, _, n in IDIOMS],
)
def test_negative_twins_do_not_count(imports: str, code: str) -> None:
    src = source(imports, code)
    assert health(src) == []
    assert [row for row in table(src) if row[3] in ("health", "readiness")] == []


def test_a_hand_rolled_guard_on_an_empty_path_is_no_route() -> None:
    # Behind http.StripPrefix a catch-all handler sees "" for its root: a guard, not a route.
    src = source(
        HTTP,
        """
        func content(w http.ResponseWriter, r *http.Request) {
        \tif r.URL.Path == "/" || r.URL.Path == "" {
        \t\tw.Write(index)
        \t\treturn
        \t}
        \tswitch r.URL.Path {
        \tcase "", "*":
        \t\tw.Write(index)
        \t}
        }
        """,
    )
    assert sorted(path for _, _, path, _ in table(src)) == ["/"]


def test_the_table_shows_every_route_with_its_kind() -> None:
    src = source(
        f'{CHI}\n\t{HTTP}\n\t"net/http/pprof"',
        """
        func main() {
        \tr := chi.NewRouter()
        \tr.Get("/users/{id}", users)
        \tr.Post("/users", create)
        \tr.Handle("/metrics", promhttp.Handler())
        \tr.HandleFunc("/debug/pprof/", pprof.Index)
        \tr.Get("/readyz", ready)
        }
        """,
    )
    assert table(src) == [
        (12, "GET", "/users/{id}", ""),
        (13, "POST", "/users", ""),
        (14, "ANY", "/metrics", "metrics"),
        (15, "ANY", "/debug/pprof/", "pprof"),
        (16, "GET", "/readyz", "readiness"),
    ]


def test_a_prefix_known_only_at_run_time_is_partial_never_guessed() -> None:
    src = source(
        f'{MUX}\n\t"os"',
        """
        var base = os.Getenv("BASE")

        func main() {
        \tr := mux.NewRouter()
        \tr.HandleFunc(base+"/_healthz", h)
        }
        """,
    )
    scan = EXTRACTORS[0].extract("main.go", src)
    (hit,) = [f for f in scan.findings if f.detector == HEALTH]
    assert hit.facts["path"] == "{base}/_healthz"
    assert hit.facts["partial"] == "not resolved statically: base"


def test_a_caller_in_the_file_resolves_a_prefix() -> None:
    src = source(
        CHI,
        """
        func mount(r chi.Router, prefix string) {
        \tr.Get(prefix+"/livez", h)
        }

        func main() {
        \tmount(chi.NewRouter(), "/internal")
        }
        """,
    )
    assert health(src) == [(9, "GET", "/internal/livez")]  # the registration's own line


def test_hostile_route_literals_stay_bounded_and_literal() -> None:
    """A huge path is cut (and said so), control characters stay as written in the source."""
    huge = "/a" * 5000 + "/health"
    src = source(
        CHI,
        f"""
        func main() {{
        \tr := chi.NewRouter()
        \tr.Get("{huge}", h)
        \tr.Get("/\\x1b[31mhealthz\\x07", h)
        \tr.Get(`/x\x1b]0;pwned\x07/readyz`, h)
        }}
        """,
    )
    rows = TABLE.extract("main.go", src).findings
    assert len(rows) == 3
    assert len(str(rows[0].facts["path"])) <= 1024
    assert rows[0].facts["partial"] == "path cut at 1024 characters"
    assert rows[1].facts["path"] == "/\\x1b[31mhealthz\\x07"
    assert rows[2].facts["kind"] == "readiness"


def test_a_hostile_concatenation_is_bounded_not_a_crash() -> None:
    chain = " + ".join(['"/a"'] * 5000)
    src = source(
        CHI, f'func main() {{\n\tr := chi.NewRouter()\n\tr.Get({chain} + "/healthz", h)\n}}\n'
    )
    scan = TABLE.extract("main.go", src)
    assert not scan.errors
    (row,) = scan.findings
    assert row.facts["partial"].startswith("not resolved statically")


def test_precision_on_real_idioms() -> None:
    """A group from a config value stays partial; routegroup's Mount joins its prefix; a
    middleware side effect is no route; a REST resource named metrics is no exposition."""
    src = source(
        f"{GIN}\n\t{HTTP}",
        """
        func routes(r *gin.Engine, b *routegroup.Bundle, next http.Handler) http.Handler {
        \tpublic := r.Group(cfg.System.Prefix)
        \t{
        \t\tpublic.GET("/health", h)
        \t}
        \tapi := b.Mount("/api/v1")
        \tapi.Group().Route(func(open *routegroup.Bundle) {
        \t\topen.HandleFunc("GET /config", cfg)
        \t})
        \tr.GET("/api/v1/workflows/:id/metrics", m)
        \treturn http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
        \t\tif q.Method == http.MethodPut && q.URL.Path == "/auth/expire" {
        \t\t\tclear(w, q)
        \t\t}
        \t\tnext.ServeHTTP(w, q)
        \t})
        }
        """,
    )
    scan = EXTRACTORS[0].extract("main.go", src)
    (hit,) = [f for f in scan.findings if f.detector == HEALTH]
    assert hit.facts["path"] == "{cfg.System.Prefix}/health" and hit.facts["partial"]
    assert [
        f for f in scan.findings if f.detector == "go.metrics" and "import" not in f.facts
    ] == []
    rows = {(line, path, kind) for line, _, path, kind in table(src)}
    assert (15, "/api/v1/config", "") in rows
    assert (17, "/api/v1/workflows/:id/metrics", "") in rows
    assert not any("/auth/expire" in path for _, path, _ in rows)


def test_a_hand_rolled_router_comparing_with_a_constant() -> None:
    src = source(
        HTTP,
        """
        const healthPath = "/v1/health"

        func (s *S) handle(w http.ResponseWriter, r *http.Request) {
        \tif r.Method == http.MethodGet && r.URL.Path == healthPath {
        \t\tw.Write(ok)
        \t\treturn
        \t}
        \tif r.URL.Path == otherPath {
        \t\tw.Write(ok)
        \t}
        }
        """,
    )
    assert health(src) == [(10, "GET", "/v1/health")]
