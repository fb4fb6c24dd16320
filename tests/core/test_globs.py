"""Checklist globs: one compiler for applies_when (with character classes) and watch paths."""

from __future__ import annotations

import pytest

from golive_tui.core.globs import glob_regex, matching


@pytest.mark.parametrize(
    ("glob", "path", "hit"),
    [
        ("Dockerfile", "Dockerfile", True),
        ("Dockerfile", "deploy/Dockerfile", False),
        ("**/Dockerfile*", "Dockerfile", True),
        ("**/Dockerfile*", "a/b/Dockerfile.prod", True),
        ("cmd/**/main.go", "cmd/main.go", True),
        ("cmd/**/main.go", "cmd/api/v2/main.go", True),
        ("cmd/*/main.go", "cmd/api/v2/main.go", False),
        ("deploy/**", "deploy/k8s/app.yaml", True),
        ("?.go", "a.go", True),
        ("?.go", "a/b.go", False),
        ("*.go", "main.go.orig", False),
        ("[Dd]ockerfile", "dockerfile", True),
        ("[!D]ockerfile", "Dockerfile", False),
        ("a[b", "a[b", True),
        ("github.com/jackc/*", "github.com/jackc/pgx", True),
    ],
)
def test_glob_matches_whole_paths(glob: str, path: str, hit: bool) -> None:
    assert bool(glob_regex(glob).match(path)) is hit


def test_watch_globs_read_brackets_literally() -> None:
    paths = ["Dockerfile", "[D]ockerfile", "cmd/api/main.go"]
    assert matching(paths, ["[D]ockerfile"], classes=False) == ["[D]ockerfile"]
    assert matching(paths, ["[D]ockerfile"]) == ["Dockerfile"]
    assert matching(paths, ["cmd/**/main.go", "Dockerfile"]) == ["Dockerfile", "cmd/api/main.go"]
