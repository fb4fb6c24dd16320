"""`golive routes` from the command line: text, stable JSON, one service's routes, errors."""

from __future__ import annotations

import json

import pytest

from golive_tui import cli
from tests.conftest import RepoFactory

GO_MOD = "module example.com/shop\n\ngo 1.22\n"
CONFIG = '[services.orders]\nmain = "cmd/orders"\n\n[services.payments]\nmain = "cmd/payments"\n'

ORDERS = """package main

import "net/http"

func main() {
\tmux := http.NewServeMux()
\tmux.HandleFunc("GET /healthz", health)
\tmux.HandleFunc("POST /orders", create)
\t// mux.HandleFunc("/readyz", ready)
\thttp.ListenAndServe(":8080", mux)
}
"""

PAYMENTS = """package main

import "github.com/gin-gonic/gin"

func main() {
\tr := gin.New()
\tv1 := r.Group("/v1")
\tv1.POST("/pay", pay)
\tr.Run()
}
"""

TOOL = """package main

import "net/http"

func main() { http.HandleFunc("/tool-only", h) }
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shop(make_repo: RepoFactory) -> object:
    return make_repo(
        {
            "go.mod": GO_MOD,
            ".golive/config.toml": CONFIG,
            "cmd/orders/main.go": ORDERS,
            "cmd/orders/main_test.go": ORDERS.replace("/healthz", "/test-only"),
            "cmd/payments/main.go": PAYMENTS,
            "cmd/payments/serve_windows.go": PAYMENTS.replace("func main()", "func win()"),
            "cmd/payments/off.go": "//go:build ignore\n\n" + PAYMENTS.replace("/pay", "/off"),
            "tools/gen/main.go": TOOL,
        }
    )


def test_json_is_the_documented_document(shop: object, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "routes", "-C", str(shop), "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["schema"] == 1 and doc["service"] is None
    assert doc["services"] == ["orders", "payments"]
    assert doc["errors"] == []
    assert doc["routes"] == [
        {
            "file": "cmd/orders/main.go",
            "line": 7,
            "method": "GET",
            "path": "/healthz",
            "route": "GET /healthz",
            "handler": "health",
            "framework": "net/http",
            "kind": "health",
            "partial": None,
        },
        {
            "file": "cmd/orders/main.go",
            "line": 8,
            "method": "POST",
            "path": "/orders",
            "route": "POST /orders",
            "handler": "create",
            "framework": "net/http",
            "kind": "",
            "partial": None,
        },
        {
            "file": "cmd/payments/main.go",
            "line": 8,
            "method": "POST",
            "path": "/v1/pay",
            "route": "/pay",
            "handler": "pay",
            "framework": "gin",
            "kind": "",
            "partial": None,
        },
    ]  # no comment, no test file, no other build's file, no tool outside every service


def test_one_service_lists_only_its_routes(
    shop: object, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "routes", "-C", str(shop), "--service", "payments", "--format", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["service"] == "payments"
    assert [r["path"] for r in doc["routes"]] == ["/v1/pay"]


def test_text_lists_method_path_kind_and_place(
    shop: object, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "routes", str(shop), "--service", "orders")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "routes of the code these services ship: orders"
    assert lines[1].split() == ["GET", "/healthz", "[health]", "cmd/orders/main.go:7", "health"]
    assert lines[2].split() == ["POST", "/orders", "cmd/orders/main.go:8", "create"]
    assert lines[-1] == "2 routes (1 health)"


def test_an_unknown_service_is_a_clear_error(
    shop: object, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "routes", "-C", str(shop), "--service", "nope")
    assert code == 2 and out == ""
    assert err.strip() == (
        "golive: no service named 'nope' (services: orders, payments; see `golive services`)"
    )
    assert "Traceback" not in err


def test_a_path_that_is_not_a_repository_is_a_clear_error(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "routes", "-C", f"{tmp_path}/missing")
    assert code == 2 and out == ""
    assert err.startswith("golive: ") and "Traceback" not in err


def test_control_characters_in_a_route_never_reach_the_terminal(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    main = 'package main\n\nimport "net/http"\n\nfunc main() { http.HandleFunc(`/x\x1b[2J\x07/healthz`, h) }\n'
    root = make_repo({"go.mod": GO_MOD, "main.go": main})
    code, out, _ = run(capsys, "routes", str(root))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "/healthz" in out
    code, out, _ = run(capsys, "routes", str(root), "--format", "json")
    assert json.loads(out)["routes"][0]["path"] == "/x\x1b[2J\x07/healthz"


def test_no_route_is_not_an_error(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"go.mod": GO_MOD, "main.go": "package main\n\nfunc main() {}\n"})
    code, out, _ = run(capsys, "routes", str(root))
    assert code == 0
    assert out.strip() == "no route registration found"
