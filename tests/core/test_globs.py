"""Checklist globs: one compiler for applies_when (with character classes) and watch paths."""

from __future__ import annotations

import tomllib

import pytest
from tests.conftest import ROOT

from golive_tui.core.globs import glob_regex
from golive_tui.core.record.build import watched


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
        ("a[!x]b", "a/b", False),
        ("a[\\]b", "a\\b", True),
        ("github.com/jackc/*", "github.com/jackc/pgx", True),
    ],
)
def test_glob_matches_whole_paths(glob: str, path: str, hit: bool) -> None:
    assert bool(glob_regex(glob).match(path)) is hit


def test_watch_globs_use_the_same_character_classes() -> None:
    paths = ["Dockerfile", "dockerfile", "[D]ockerfile", "cmd/api/main.go", "cmd/v2/main.go"]
    assert watched(paths, ["[Dd]ockerfile"]) == ["Dockerfile", "dockerfile"]
    assert watched(paths, ["cmd/[!v]*/main.go"]) == ["cmd/api/main.go"]
    assert watched(paths, ["cmd/**/main.go", "Dockerfile"]) == [
        "Dockerfile",
        "cmd/api/main.go",
        "cmd/v2/main.go",
    ]
    assert watched(["a[b"], ["a[b"]) == ["a[b"]  # no closing `]`: the bracket is itself


def test_shipped_watch_globs_mean_what_they_did() -> None:
    """No shipped `watch` glob holds a bracket, so reading `[abc]` as a class changes none."""
    seen = 0
    for path in sorted((ROOT / "checklists").glob("*.toml")):
        data = tomllib.loads(path.read_text())
        globs = [
            g for s in data.get("sections", []) for i in s["items"] for g in i.get("watch", [])
        ]
        assert not [g for g in globs if "[" in g or "]" in g], path
        seen += len(globs)
    assert seen
