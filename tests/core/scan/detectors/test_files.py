"""Presence checks (README, runbook, update bot, tests) and fuzz/bench declarations."""

from __future__ import annotations

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.model import DetectorResult, Polarity, Status
from golive_tui.core.scan.detectors import files as files_mod
from golive_tui.core.scan.detectors.base import FileScan, ScannedFile
from golive_tui.core.scan.engine import scan

EX = files_mod.EXTRACTORS[0]


def run(tree: dict[str, str]) -> dict[str, DetectorResult]:
    scanned: dict[str, ScannedFile] = {}
    for path, text in tree.items():
        if EX.matches(path):
            passes = any(lit in text.encode() for lit in EX.prefilter() or ())
            scanned[path] = ScannedFile(
                path, None, EX.extract(path, text) if passes else FileScan()
            )
    return {r.id: r for r in EX.finalize(scanned, tuple(tree))}


TEST_GO = """\
package svc

import "testing"

func FuzzParse(f *testing.F) {
\tf.Fuzz(func(t *testing.T, s string) {})
}

func BenchmarkParse(b *testing.B) {}

// func FuzzInComment(f *testing.F) {}
/*
func BenchmarkInBlockComment(b *testing.B) {}
*/
var src = `
func FuzzInRawString(f *testing.F) {}
`

func benchmarkHelper(b *testing.B) {}
"""


def test_fuzz_and_bench_declarations_only() -> None:
    results = run({"svc/parse_test.go": TEST_GO, "svc/parse.go": "package svc\n"})
    assert [(e.line, e.facts["name"]) for e in results["tests.fuzz"].evidence] == [(5, "FuzzParse")]
    assert [(e.line, e.facts["name"]) for e in results["tests.bench"].evidence] == [
        (9, "BenchmarkParse")
    ]
    # Support only: a benchmark is not a load test, and the summary says no more than it shows.
    assert results["tests.bench"].summary.endswith(
        "shows benchmarks exist, not that the service was load-tested"
    )
    assert results["tests.present"].summary == "1 test file in 1 package"


def test_presence_checks() -> None:
    tree = {
        "README.md": "",
        "docs/runbook.md": "",
        "renovate.json": "{}",
        "main.go": "",
    }
    results = run(tree)
    assert results["docs.readme"].status is Status.FOUND
    assert [e.path for e in results["docs.runbook"].evidence] == ["docs/runbook.md"]
    assert results["deps.update_bot"].evidence[0].facts["bot"] == "renovate"
    assert results["tests.present"].status is Status.MISSING
    assert results["tests.fuzz"].status is Status.MISSING


def test_absences() -> None:
    results = run({"docs/README.md": ""})
    assert results["docs.readme"].status is Status.MISSING
    assert results["docs.runbook"].status is Status.MISSING
    assert results["deps.update_bot"].status is Status.MISSING
    assert results["tests.present"].status is Status.NOT_APPLICABLE


def test_dependabot_needs_gomod() -> None:
    gomod = "version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n  - package-ecosystem: gomod\n    directory: /\n"
    npm = "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n"
    found = run({".github/dependabot.yml": gomod})["deps.update_bot"]
    assert (found.status, found.evidence[0].line) == (Status.FOUND, 5)
    assert (
        run({".github/dependabot.yml": npm})["deps.update_bot"].evidence[0].polarity
        is Polarity.CONTRARY
    )
    bad = run({".github/dependabot.yml": "updates: [\n"})["deps.update_bot"]
    assert bad.status is Status.ERROR and ".github/dependabot.yml:" in bad.summary


def test_engine_offers_test_files_to_this_family(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "go.mod": "module example.com/svc\n\ngo 1.22\n",
            "svc.go": "package svc\n",
            "svc_test.go": TEST_GO,
            "testdata/x_test.go": 'package x\n\nimport "testing"\n\nfunc FuzzNo(f *testing.F) {}\n',
        }
    )
    report = scan(root, only=["tests.fuzz", "tests.bench"], use_cache=False)
    fuzz = report.result("tests.fuzz")
    assert [(e.path, e.line) for e in fuzz.evidence] == [("svc_test.go", 5)]
    assert fuzz.evidence[0].blob is not None
    assert report.result("tests.bench").status is Status.FOUND
    assert report.stats.parsed_go_files <= 1  # test files are not Go source


def test_not_foreign_keeps_what_is_foreign_would() -> None:
    """`common.not_foreign` (one judgement per folder) drops exactly the paths `is_foreign`
    holds, in order, at any depth and with names that only look foreign."""
    from golive_tui.core.scan.detectors import common

    paths = [
        "main.go",
        "vendor",
        "vendor/x/a.go",
        "svc/vendor/b.go",
        "svc/vendored/c.go",
        "svc/testdata",
        "svc/testdata/d.txt",
        "svc/testdata2/e.txt",
        "a/b/testdata/c/d/e.go",
        "node_modules/x.js",
        "web/node_modules/y/z.js",
        "third_party/t.go",
        "x/third_party_tools/t.go",
        ".git/config",
        "sub/.git/HEAD",
        "sub/.github/workflows/ci.yml",
        "testdata.go",
        "dir.with.dots/vendor.go",
        "",
    ]
    assert common.not_foreign(paths) == [p for p in paths if not common.is_foreign(p)]
    assert common.not_foreign(tuple(paths)) == common.not_foreign(paths)
    assert common.not_foreign([]) == []


RUNBOOK_PATHS = [
    "RUNBOOK.md",
    "runbooks/deploy.md",
    "ops/runbook-db.txt",
    "docs/operations/oncall.md",
    "docs/ops/pager.md",
    "doc/OPS-guide/x.md",
    "Docs/On-Call.md",
    "docs/oncall",
    "docs/opsx.md",
    "docs/guide.md",
    "doc/api/ops.md",
    "docs/Operations.adoc",
    "ONCALL.rst",
    "on-call-notes.txt",
    "src/operations.go",
    "docs/",
    "a/docs/ops",
    "mydocs/ops/x.md",
    "README.md",
]


@pytest.mark.parametrize("extra", [[], ["docs/ópérations/x.md", "Ünïcode/runbook.md"]])
def test_runbook_candidates_find_what_the_pattern_finds(extra: list[str]) -> None:
    """The words that pick candidate paths (ASCII listing or not) miss no `_RUNBOOK` match."""
    paths = RUNBOOK_PATHS + extra
    expected = [p for p in paths if files_mod._RUNBOOK.search(p)]
    assert files_mod.runbook_paths(paths) == expected
    assert "docs/ops/pager.md" in expected and "docs/guide.md" not in expected


@pytest.mark.parametrize(
    ("path", "text", "found"),
    [
        # CoreDNS: go-fuzz harnesses, run by OSS-Fuzz
        (
            "plugin/cache/fuzz.go",
            "//go:build gofuzz\n\npackage cache\n\nfunc Fuzz(data []byte) int { return 0 }\n",
            True,
        ),
        (
            "parser_fuzz.go",
            "// +build gofuzz\n\npackage p\n\nfunc FuzzParse(data []byte) int { return 1 }\n",
            True,
        ),
        # twins: no gofuzz tag; a harness-shaped function in an ordinary file
        ("fuzz.go", "package p\n\nfunc Fuzz(data []byte) int { return 0 }\n", False),
        (
            "codec.go",
            "//go:build gofuzz\n\npackage p\n\nfunc Fuzz(data []byte) int { return 0 }\n",
            False,
        ),
    ],
    ids=["fuzz-go", "suffix", "no-tag", "not-a-fuzz-file"],
)
def test_go_fuzz_harnesses_are_fuzz_tests(path: str, text: str, found: bool) -> None:
    fuzz = run({path: text})["tests.fuzz"]
    assert (fuzz.status is Status.FOUND) is found, fuzz.summary
