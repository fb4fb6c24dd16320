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


def test_a_table_the_memo_answers_is_the_one_a_scan_builds(
    shop: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second table comes from the scan memo (no family runs), listed once with the
    services; an edit is a miss with the new routes; `--no-cache` builds it afresh."""
    from pathlib import Path

    from golive_tui.core.git import listing as git_listing
    from golive_tui.core.scan import engine

    root = Path(str(shop))
    argv = ("routes", "-C", str(root), "--service", "orders", "--format", "json")
    first = run(capsys, *argv)
    scans: list[int] = []
    listed: list[bool] = []
    real_scan, real_listing = engine._scan, git_listing.Listing.__init__

    def scanning(*args: object, **kwargs: object) -> object:
        scans.append(1)
        return real_scan(*args, **kwargs)

    def listing(self: object, *args: object, **kwargs: object) -> None:
        listed.append(bool(kwargs.get("untracked", True)))
        real_listing(self, *args, **kwargs)

    monkeypatch.setattr(engine, "_scan", scanning)
    monkeypatch.setattr(git_listing.Listing, "__init__", listing)
    assert run(capsys, *argv) == first and scans == []
    assert listed == [True]  # the services' listing served the table
    (root / "cmd" / "orders" / "main.go").write_text(ORDERS.replace("/orders", "/v2/orders"))
    code, out, _ = run(capsys, *argv)
    assert code == 0 and scans == [1] and '"/v2/orders"' in out
    assert run(capsys, *argv, "--no-cache") == (code, out, "") and scans == [1, 1]


def test_the_table_id_is_the_go_familys() -> None:
    """core/scan/routes.py spells the table's detector id so a memo hit never imports the Go
    family: it is the family's own."""
    from golive_tui.core.scan import routes
    from golive_tui.core.scan.detectors.go import table

    assert routes.TABLE == table.TABLE


def test_a_table_the_memo_answers_never_imports_the_go_family(shop: object) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from golive_tui import cli; "
        f"cli.main(['routes', '-C', {str(shop)!r}, '--service', 'orders']); "
        "print(sorted(m for m in sys.modules if '.detectors.go.' in m or m.startswith('rich')),"
        " file=sys.stderr)"
    )
    for _ in range(2):  # the first run scans and keeps the memo; the second is answered
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
    assert out.stderr.strip() == "[]"
