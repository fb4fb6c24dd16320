"""Services: discovery, the import closure, and a scan that reads only code that ships."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory

from golive_tui import cli
from golive_tui.core.model import Polarity
from golive_tui.core.scan.config import ConfigError, parse_config
from golive_tui.core.scan.engine import scan
from golive_tui.core.services.discover import discover
from golive_tui.core.services.model import LinkKind

SQL_CONTRARY = """package {pkg}

import (
	"database/sql"
	"fmt"
)

func Reset(db *sql.DB, table string) {{
	db.Exec(fmt.Sprintf("DELETE FROM %s", table))
}}
"""

NO_TIMEOUT_MAIN = """package main

import "net/http"

func main() {
	http.Get("https://example.com")
}
"""

SERVICE_MAIN = """package main

import (
	"net/http"
	"time"

	"example.com/shop/internal/db"
)

func main() {
	c := &http.Client{Timeout: 5 * time.Second}
	_ = c
	db.Open()
}
"""

MONOREPO = {
    "go.mod": "module example.com/shop\n\ngo 1.22\n",
    "cmd/orders/main.go": SERVICE_MAIN,
    "cmd/billing/main.go": SERVICE_MAIN,
    "internal/db/db.go": "package db\n\nfunc Open() {}\n",
    # Windows-only: the linux/amd64 build never compiles it, nor what only it imports
    "internal/db/db_windows.go": (
        'package db\n\nimport "example.com/shop/internal/winreg"\n\nfunc winOnly() { winreg.Reset(nil, "t") }\n'
    ),
    "internal/winreg/winreg.go": SQL_CONTRARY.format(pkg="winreg"),
    "internal/db/db_test.go": (
        'package db\n\nimport (\n\t"testing"\n\n\t"example.com/shop/internal/testhelp"\n)\n\n'
        'func TestOpen(t *testing.T) { testhelp.Reset(nil, "t") }\n'
    ),
    # a test helper outside *_test.go: imported by tests only, never shipped
    "internal/testhelp/helpers.go": SQL_CONTRARY.format(pkg="testhelp"),
    "tools/loadgen/main.go": NO_TIMEOUT_MAIN,
    "examples/client/main.go": NO_TIMEOUT_MAIN,
    "_scratch/main.go": SQL_CONTRARY.format(pkg="main") + "\nfunc main() {}\n",
    "deploy/orders.Dockerfile": (
        "FROM golang:1.22 AS build\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /orders ./cmd/orders\n"
        'FROM scratch\nCOPY --from=build /orders /orders\nENTRYPOINT ["/orders"]\n'
    ),
    "deploy/billing/Dockerfile": (
        "FROM golang:1.22\nCOPY go.mod .\nCOPY cmd/billing ./cmd/billing\n"
        "COPY internal ./internal\nRUN go build -o /billing ./cmd/billing\n"
    ),
    "k8s/orders.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: orders\n          image: registry.example/orders:v1\n"
    ),
    ".github/workflows/ci.yml": (
        "on: push\njobs:\n  images:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: docker build -f deploy/orders.Dockerfile .\n"
    ),
}


def _evidence(report_json: dict[str, object], detector: str) -> list[dict[str, object]]:
    detectors = report_json["detectors"]
    assert isinstance(detectors, list)
    for d in detectors:
        if d["id"] == detector:
            return list(d["evidence"])
    raise KeyError(detector)


def test_monorepo_services_and_why(make_repo: RepoFactory) -> None:
    found = discover(make_repo(MONOREPO))
    assert [s.name for s in found.services] == ["billing", "orders"]
    assert not found.single
    orders = found.get("orders")
    assert orders.main == "cmd/orders" and orders.module == "example.com/shop"
    assert orders.dockerfiles == ("deploy/orders.Dockerfile",)
    assert orders.manifests == ("k8s/orders.yaml",)
    assert orders.ci_jobs == (".github/workflows/ci.yml:images",)
    how = {(link.kind, link.path, link.line) for link in orders.links}
    assert (LinkKind.DOCKERFILE, "deploy/orders.Dockerfile", 3) in how
    assert (LinkKind.MANIFEST, "k8s/orders.yaml", 8) in how
    billing = found.get("billing")
    assert billing.dockerfiles == ("deploy/billing/Dockerfile",)
    assert {link.line for link in billing.links} == {3, 5}  # the COPY and the go build
    reasons = {n.main: n.reason for n in found.not_services}
    assert reasons == {
        "_scratch": "in a directory the go tool ignores (`_`, `.` or testdata)",
        "examples/client": "an example",
        "tools/loadgen": "a tool",
    }


def test_contrary_evidence_in_non_shipping_code_puts_nothing_at_risk(
    make_repo: RepoFactory,
) -> None:
    root = make_repo(MONOREPO)
    whole = scan(root, use_cache=False, all_code=True).to_json()
    assert "scope" not in whole
    contrary = {
        (e["path"], d)
        for d in ("go.http.client_timeout", "go.sql_string_building")
        for e in _evidence(whole, d)
        if e["polarity"] == str(Polarity.CONTRARY)
    }
    assert ("tools/loadgen/main.go", "go.http.client_timeout") in contrary
    assert ("internal/testhelp/helpers.go", "go.sql_string_building") in contrary

    for service in (None, "orders", "billing"):
        chosen = discover(root).get(service) if service else None
        shipped = scan(root, use_cache=False, service=chosen).to_json()
        for d in ("go.http.client_timeout", "go.sql_string_building"):
            polarities = {e["polarity"] for e in _evidence(shipped, d)}
            assert str(Polarity.CONTRARY) not in polarities, (service, d)
        scope = shipped["scope"]
        outside = {o["package"]: o["reason"] for o in scope["outside"]["list"]}
        assert outside["tools/loadgen"] == "a tool"
        assert outside["examples/client"] == "an example"
        assert outside["internal/testhelp"].startswith("not imported by")
        assert outside["internal/winreg"].startswith("not imported by")
        assert scope["outside"]["go_files"] == sum(o["go_files"] for o in scope["outside"]["list"])
    orders_only = scan(root, use_cache=False, service=discover(root).get("orders")).to_json()
    assert orders_only["scope"]["mode"] == "service"
    assert [s["name"] for s in orders_only["scope"]["services"]] == ["orders"]
    outside = {o["package"]: o["reason"] for o in orders_only["scope"]["outside"]["list"]}
    assert outside["cmd/billing"] == "the main package of service billing"
    # the positive timeout evidence comes from the service's own main package
    paths = {e["path"] for e in _evidence(orders_only, "go.http.client_timeout")}
    assert paths == {"cmd/orders/main.go"}


def test_closure_shares_an_internal_package(make_repo: RepoFactory) -> None:
    from golive_tui.core.git import listing
    from golive_tui.core.scan.buildtags import parse_target
    from golive_tui.core.scan.cache import ScanCache
    from golive_tui.core.scan.reader import FileReader
    from golive_tui.core.services.closure import closure, for_target
    from golive_tui.core.services.packages import build_index

    root = make_repo(MONOREPO)
    snapshot = listing.working_tree(listing.locate(root))
    with FileReader(snapshot) as reader:
        index = build_index(snapshot, reader, ScanCache(None))
    linux = for_target(parse_target("linux/amd64"))
    windows = for_target(parse_target("windows/amd64"))
    for main in ("cmd/orders", "cmd/billing"):
        c = closure(index, main, linux)
        assert c.packages == {main, "internal/db"}
        assert "internal/db/db_windows.go" not in c.files
        every = closure(index, main)  # no target: every file, wider, never hiding code
        assert every.packages == {main, "internal/db", "internal/winreg"}
        assert closure(index, main, windows).packages == every.packages


MULTI_MODULE = {
    "svc/go.mod": (
        "module example.com/svc\n\nrequire example.com/lib v0.0.0\n\n"
        "replace (\n\texample.com/lib => ../lib // local\n)\n"
    ),
    "svc/main.go": 'package main\n\nimport "example.com/lib/store"\n\nfunc main() { store.Open() }\n',
    "svc/Dockerfile": "FROM golang\nCOPY . .\nRUN go build -o /svc .\n",
    "lib/go.mod": "module example.com/lib\n",
    "lib/store/store.go": (
        'package store\n\nimport "example.com/lib/internal/x"\n\nfunc Open() { x.Y() }\n'
    ),
    "lib/internal/x/x.go": "package x\n\nfunc Y() {}\n",
    "lib/unused/unused.go": SQL_CONTRARY.format(pkg="unused"),
    "lib/cmd/gen/main.go": "package main\n\nfunc main() {}\n",
}


def test_multi_module_replace(make_repo: RepoFactory) -> None:
    root = make_repo(MULTI_MODULE)
    found = discover(root)
    assert [(s.name, s.main, s.module) for s in found.services] == [
        ("svc", "svc", "example.com/svc")
    ]
    assert [(n.main, n.reason) for n in found.not_services] == [("lib/cmd/gen", "a code generator")]
    report = scan(root, use_cache=False).to_json()
    assert report["scope"]["services"][0]["packages"] == 3  # svc, lib/store, lib/internal/x
    outside = [o["package"] for o in report["scope"]["outside"]["list"]]
    assert outside == ["lib/cmd/gen", "lib/unused"]
    assert all(e["polarity"] != "contrary" for e in _evidence(report, "go.sql_string_building"))


def test_go_work_uses_local_modules(make_repo: RepoFactory) -> None:
    files = dict(MULTI_MODULE)
    files["svc/go.mod"] = "module example.com/svc\n"
    files["go.work"] = "go 1.22\n\nuse (\n\t./svc\n\t./lib\n)\n"
    report = scan(make_repo(files), use_cache=False).to_json()
    assert report["scope"]["services"][0]["packages"] == 3
    files.pop("go.work")  # without go.work or replace, lib comes from the module proxy
    report = scan(make_repo(files), use_cache=False).to_json()
    assert report["scope"]["services"][0]["packages"] == 1


def test_single_service_scans_exactly_as_before(make_repo: RepoFactory) -> None:
    files = {
        "go.mod": "module example.com/one\n",
        "main.go": 'package main\n\nimport "example.com/one/api"\n\nfunc main() { api.Serve() }\n',
        "api/api.go": "package api\n\nfunc Serve() {}\n",
        "api/api_test.go": "package api\n",
        "Dockerfile": "FROM golang\nCOPY . .\nRUN go build -o /one .\n",
    }
    root = make_repo(files)
    found = discover(root)
    assert found.single and [s.name for s in found.services] == ["one"]
    volatile = ("seconds", "timings", "cache_hits", "files_read")
    docs = []
    for all_code in (False, True):
        doc = scan(root, use_cache=False, all_code=all_code).to_json()
        for key in volatile:
            doc["stats"].pop(key)
        docs.append(json.dumps(doc, sort_keys=True))
    assert docs[0] == docs[1] and '"scope"' not in docs[0]


def test_declared_service_and_errors(make_repo: RepoFactory) -> None:
    files = dict(MONOREPO)
    files[".golive/config.toml"] = '[services.load]\nmain = "tools/loadgen"\n'
    found = discover(make_repo(files))
    load = found.get("load")
    assert load.declared and load.main == "tools/loadgen"
    assert load.links[0].kind == LinkKind.DECLARED and load.links[0].line == 2
    files[".golive/config.toml"] = '\n[services.ghost]\nmain = "cmd/ghost"\n'
    with pytest.raises(ConfigError, match=r"config.toml:3: services.ghost.main: expected a dir"):
        discover(make_repo(files))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[services.orders]\nmain = "x"\nimage = "y"\n',
            r":3: services.orders.image: expected one",
        ),
        ('[services.Orders]\nmain = "x"\n', r":1: services.Orders: expected a service name"),
        ('[services.orders]\nmain = "../x"\n', r":2: services.orders.main: expected a directory"),
        ('[services.orders]\ndockerfiles = ["D"]\n', r":1: services.orders: expected main ="),
        (
            '[services.orders]\nmain = "x"\nmanifests = "k.yaml"\n',
            r":3: services.orders.manifests: expected a list",
        ),
    ],
)
def test_service_config_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(text)


def test_scan_exclude_adds_to_the_defaults() -> None:
    config = parse_config('[scan]\nexclude = ["**/*.pb.go"]\ninclude = ["gen/**/*.go"]\n')
    assert "**/*_test.go" in config.scan.exclude and "**/*.pb.go" in config.scan.exclude
    assert config.scan.include == ("**/*.go", "gen/**/*.go")
    replaced = parse_config('[scan]\nreplace_exclude = ["**/*.pb.go"]\n')
    assert replaced.scan.exclude == ("**/*.pb.go",)


def test_cli_services_and_scan_service(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(MONOREPO)
    assert cli.main(["services", str(root), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == 1 and doc["single"] is False
    assert [s["name"] for s in doc["services"]] == ["billing", "orders"]
    links = [(x["kind"], x["path"], x["line"]) for x in doc["services"][1]["links"]]
    assert ("manifest", "k8s/orders.yaml", 8) in links
    assert ("dockerfile", "deploy/orders.Dockerfile", 3) in links
    assert {n["main"] for n in doc["not_services"]} == {
        "_scratch",
        "examples/client",
        "tools/loadgen",
    }
    assert cli.main(["services", str(root)]) == 0
    text = capsys.readouterr().out
    assert "not a service" in text and "tools/loadgen  a tool" in text

    assert cli.main(["scan", str(root), "--service", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no service named 'nope' (services: billing, orders" in err
    assert cli.main(["scan", str(root), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "outside every service: 5 package(s)" in out
    assert cli.main(["scan", str(root), "--service", "orders", "--all-code"]) == 2


def test_scan_of_one_service_lists_the_tree_once(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`scan --service NAME` scans the tree as git listed it to find the services (one
    `git status` with its untracked walk, not two, writing back the stat data it refreshed as
    `golive scan` does), and prints what a scan of its own gives."""
    from golive_tui.core.git import listing as git_listing

    def document(text: str) -> dict[str, object]:
        doc = json.loads(text)
        for counter in ("seconds", "timings", "cache_hits", "files_read", "parsed_go_files"):
            doc["stats"].pop(counter, None)  # how it was computed, not what it found
        return dict(doc)

    root = make_repo(MONOREPO)
    argv = ["scan", str(root), "--service", "orders", "--format", "json"]
    assert cli.main([*argv, "--no-cache"]) == 0
    fresh = document(capsys.readouterr().out)
    walks: list[bool] = []  # per listing: whether it walks untracked files
    refreshed: list[bool] = []
    real = git_listing.Listing.__init__

    def listing(self: git_listing.Listing, *args: Any, **kwargs: Any) -> None:
        walks.append(bool(kwargs.get("untracked", True)))
        if walks[-1]:
            refreshed.append(bool(kwargs.get("refresh_index")))
        real(self, *args, **kwargs)

    monkeypatch.setattr(git_listing.Listing, "__init__", listing)
    for _ in range(2):  # the memo missing, then answering
        walks.clear()
        assert cli.main(argv) == 0
        assert document(capsys.readouterr().out) == fresh
        assert walks.count(True) == 1
    assert refreshed == [True, True]


def test_no_service_in_a_library(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = make_repo({"go.mod": "module example.com/lib\n", "lib.go": "package lib\n"})
    found = discover(root)
    assert found.services == () and found.single
    assert "scope" not in scan(root, use_cache=False).to_json()


def test_scope_remembered_in_the_cache_is_the_scope(make_repo: RepoFactory) -> None:
    from tests.conftest import git

    root = make_repo(MONOREPO)
    first = scan(root)  # computes and stores
    second = scan(root)  # answers from the cache
    assert second.scope == first.scope and first.scope is not None
    assert second.to_json()["scope"] == first.to_json()["scope"]
    # the loader drops its own import: a change to what ships changes the answer
    (root / "cmd/orders/main.go").write_text(NO_TIMEOUT_MAIN)
    git(root, "commit", "-qam", "orders stands alone")
    third = scan(root)
    assert third.scope is not None
    assert third.scope.packages["orders"] == {"cmd/orders"}
    assert third.scope.packages["billing"] == {"cmd/billing", "internal/db"}


def test_declared_name_taken_by_a_discovered_service(make_repo: RepoFactory) -> None:
    files = dict(MONOREPO)
    files[".golive/config.toml"] = '[services.orders]\nmain = "cmd/billing"\n'
    found = discover(make_repo(files))
    assert [(s.name, s.main, s.declared) for s in found.services] == [
        ("cmd-orders", "cmd/orders", False),
        ("orders", "cmd/billing", True),
    ]


def test_hostile_manifest_lines_are_linear(make_repo: RepoFactory) -> None:
    # quadratic patterns would spin for minutes on these; linear ones take milliseconds
    spaces = " " * 200_000
    files = dict(MONOREPO)
    files["k8s/hostile.yaml"] = (spaces + "build: x\n") + ("image: y " * 50_000) + "\n"
    found = discover(make_repo(files))
    assert "k8s/hostile.yaml" not in found.get("orders").manifests


def test_import_paths_match_the_import_scanner() -> None:
    from golive_tui.core.scan.detectors.go.imports import import_paths, scan_imports

    src = (
        '// c "not/an/import"\npackage x // "nor/this"\n\nimport "a/b"\nimport (\n'
        '\tname "c/d" // "e/f"\n\t_ "g/h"\n\t/* "i/j" */ . `k/l`\n)\n\nvar s = "m/n"\n'
    )
    specs = scan_imports(src)
    assert specs is not None
    assert import_paths(src) == [s.path for s in specs] == ["a/b", "c/d", "g/h", "k/l"]
    assert import_paths("not go at all") is None


def test_scope_of_a_commit_tree(make_repo: RepoFactory) -> None:
    root = make_repo(MONOREPO)
    (root / "tools/loadgen/main.go").unlink()  # the working tree differs; the commit does not
    report = scan(root, use_cache=False, commit="HEAD").to_json()
    outside = {o["package"] for o in report["scope"]["outside"]["list"]}
    assert "tools/loadgen" in outside
    assert all(e["polarity"] != "contrary" for e in _evidence(report, "go.http.client_timeout"))
