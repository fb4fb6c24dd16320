"""Checklist globs: one compiler for applies_when (with character classes) and watch paths."""

from __future__ import annotations

import tomllib

import pytest
from tests.conftest import ROOT

from golive_tui.core.globs import GlobSet, glob_regex
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


SET_GLOBS = [
    "**/vendor/**",
    "**/*_test.go",
    "**/testdata/**",
    "**/third_party/**",
    "**/*.go",
    "a/**",
    "a/*/b/**",
    "**/a/**/b/**",
    "*a*/**",
    "a*/**",
    "a/**/**",
    "**/*/**",
    "**/?.go",
    "**/[ab]*.go",
    "**/x/*.go",
    "**/**/c",
    "**/*a*a*a*b",
    "**/a/**/a/**/a/**/x",
    "**/a/*.go",
    "**/a/b?",
    "x/*",
    "a/**/*.go",
    "a**/c",
    "b[",
    "**/b[",
    "/**",
    "**/",
    "a/",
]
SET_PATHS = [
    "a",
    "a.go",
    "a/b.go",
    "a/b",
    "a/b/c",
    "ab/c.go",
    "vendor/x.go",
    "x/vendor/y/z_test.go",
    "vendorx/y.go",
    "a/vendor",
    "a/x/b/c.go",
    "x/a/y/b/z",
    "b[",
    "q/b[",
    "testdata/a_test.go",
    "third_party/a/b/c",
    "aaab",
    "q/aaab",
    "x/y.go",
    "q/x/y.go",
    "c",
    "z/c",
    "a/a/a/x",
    "a/a/a/a/x",
    "zz/a/a/b/a/x",
    "a/b_test.go",
    "_test.go",
    "x/a.go",
    "q/a/ab.go",
    "a/bb",
    "z/a/bq",
    "x/a/c",
    "ab/c",
    "ac",
    "abc",
]


@pytest.mark.parametrize("size", [1, 2, 4])
def test_a_glob_set_answers_as_its_globs_do(size: int) -> None:
    """The set's shortcuts (directory globs remembered per directory, file name globs on the
    name) answer exactly what matching every glob on the whole path answers, whatever order
    the paths come in."""
    import random

    rng = random.Random(size)
    for _ in range(300):
        globs = rng.sample(SET_GLOBS, size)
        matcher = GlobSet(globs)
        paths = SET_PATHS * 2
        rng.shuffle(paths)
        for path in paths:
            expected = any(glob_regex(g).match(path) for g in globs)
            assert matcher.match(path) == expected, (globs, path)


@pytest.mark.parametrize("size", [1, 2, 4])
def test_a_glob_set_over_a_whole_listing_answers_as_each_path_does(size: int) -> None:
    """`any_in` (names and directories asked once, the rest tried only on the paths whose
    name fits) answers whether any path matches exactly as asking each path does."""
    import random

    from golive_tui.core.globs import SplitPaths

    rng = random.Random(100 + size)
    for _ in range(300):
        globs = rng.sample(SET_GLOBS, size)
        paths = rng.sample(SET_PATHS, rng.randrange(0, 8))
        expected = any(glob_regex(g).match(path) for g in globs for path in paths)
        assert GlobSet(globs).any_in(SplitPaths(paths)) == expected, (globs, paths)


def test_double_stars_match_a_newline_in_a_name() -> None:
    """git allows a newline in a file name; `**` matches it as any other character (the NFA
    always did), so a directory glob's answer depends on the directory alone."""
    from golive_tui.core.globs import SplitPaths

    assert glob_regex("docs/**").match("docs/y\nz")
    assert glob_regex("**/b").match("a\nx/b")
    assert glob_regex("**").match("a\nb")
    assert not glob_regex("docs/*.md").match("docs/a\n/b.md")  # `*` stays within a directory
    assert GlobSet(["docs/**"]).any_in(SplitPaths(("docs/x.md", "docs/y\nz")))
    assert GlobSet(["docs/**"]).any_in(SplitPaths(("docs/y\nz", "docs/x.md")))
    matcher = GlobSet(["docs/**"])
    assert [matcher.match(p) for p in ("docs/y\nz", "docs/x.md")] == [True, True]
