"""The `golive scan --format json` document against contracts/scan-json.md, with the real families."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from golive_tui.core.scan.detectors import FAMILIES, load_families
from golive_tui.core.scan.detectors.catalog import shipped_catalog
from golive_tui.core.scan.engine import scan

STATUSES = {"found", "partial", "contrary", "missing", "not_applicable", "error"}
SHA = re.compile(r"^[0-9a-f]{40}$")

SERVICE = {
    "go.mod": "module example.com/svc\n\ngo 1.22\n",
    "cmd/api/main.go": """package main

import (
\t"context"
\t"net/http"
\t_ "net/http/pprof"
\t"os"
\t"os/signal"
\t"syscall"
\t"time"
)

func main() {
\tsrv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
\tquit := make(chan os.Signal, 1)
\tsignal.Notify(quit, syscall.SIGINT, syscall.SIGTERM)
\t<-quit
\t_ = srv.Shutdown(context.Background())
}
""",
    "cmd/api/main_test.go": "package main\n",
    "Dockerfile": "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\n"
    "COPY --from=build /app /app\nUSER 65534:65534\n",
    "README.md": "# svc\n",
}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import subprocess

    root = tmp_path_factory.mktemp("svc")
    for rel, text in SERVICE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    ident = ["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], [*ident, "commit", "-q", "-m", "svc"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)
    report = scan(root, use_cache=False)
    return json.loads(json.dumps(report.to_json()))


def test_top_level_shape(document: dict[str, Any]) -> None:
    assert document["schema"] == 1
    assert document["tool"]["name"] == "golive" and isinstance(document["tool"]["version"], str)
    repo = document["repo"]
    assert set(repo) >= {"root", "head", "branch", "dirty"}
    assert SHA.match(repo["head"])
    assert isinstance(repo["dirty"], bool)
    stats = document["stats"]
    for key in ("files", "go_files", "parsed_go_files", "cache_hits"):
        assert isinstance(stats[key], int) and stats[key] >= 0
    assert isinstance(stats["seconds"], float)
    assert stats["go_files"] == 1


def test_every_catalog_detector_exactly_once_in_order(document: dict[str, Any]) -> None:
    ids = [d["id"] for d in document["detectors"]]
    assert ids == list(shipped_catalog())


def test_detector_and_evidence_fields(document: dict[str, Any]) -> None:
    for d in document["detectors"]:
        assert set(d) >= {"id", "title", "status", "summary", "evidence"}
        assert d["status"] in STATUSES
        assert isinstance(d["summary"], str)
        if d["status"] in ("found", "partial", "contrary"):
            assert d["evidence"], d["id"]
        for e in d["evidence"]:
            assert isinstance(e["path"], str) and not e["path"].startswith("/")
            assert "\\" not in e["path"]
            assert isinstance(e["line"], int) and e["line"] >= 1
            assert isinstance(e["end_line"], int) and e["end_line"] >= e["line"]
            assert e["polarity"] in ("positive", "contrary")
            assert isinstance(e["snippet"], str)
            assert e["blob"] is None or SHA.match(e["blob"])
            assert isinstance(e["facts"], dict)


def test_statuses_agree_with_polarities(document: dict[str, Any]) -> None:
    for d in document["detectors"]:
        polarities = {e["polarity"] for e in d["evidence"]}
        if d["status"] == "found":
            assert polarities == {"positive"}, d["id"]
        elif d["status"] == "contrary":
            assert polarities == {"contrary"}, d["id"]
        elif d["status"] == "partial":
            assert polarities == {"positive", "contrary"}, d["id"]


def test_no_detector_is_owned_twice_and_families_match_the_catalog() -> None:
    registry = load_families(FAMILIES)  # raises DuplicateOwnerError on a double claim
    catalog = shipped_catalog()
    assert registry.problems == ()
    for extractor in registry.extractors:
        for detector_id in extractor.detectors:
            assert detector_id in catalog, detector_id
            assert catalog[detector_id].family == extractor.name or extractor.name == "custom"
