"""The scan's scope answers as its GlobSets do: the name endings and folder names it answers
without a regex (`**/*_test.go`, `**/vendor/**`) change no path's answer, for any config."""

from __future__ import annotations

import pytest

from golive_tui.core.globs import GlobSet
from golive_tui.core.scan.config import ScanConfig, Scope, parse_config

CONFIGS = {
    "default": "",
    "vendor": "[scan]\ninclude_vendor = true\n",
    "more": '[scan]\ninclude = ["gen/**/*.go", "**/x?.go"]\nexclude = ["**/*.pb.go", "**/mock/**"]\n',
    "rest": '[scan]\nexclude = ["gen/**", "**/[ab]c/**", "**/d?/**", "pkg/*_test.go", "**/*"]\n',
    "replaced": '[scan]\nreplace_exclude = ["**/testdata/**"]\nreplace_include = ["cmd/**"]\n',
    "odd": '[scan]\nexclude = ["**/*.", "**/a.b/**", "**/**/c/**", "**/*]x"]\n',
    "nothing": "[scan]\nreplace_exclude = []\n",
    "no-include": "[scan]\nreplace_include = []\n",
}
FOLDERS = [
    *("", "a", "a/b", "a//b", "vendor", "a/vendor", "vendor/a", "vendorx", "xvendor"),
    *("testdata", "a/testdata/b", "third_party", "gen", "a/gen", "gen/x", "mock", "a/mock/b"),
    *("ac", "bc", "x/ac/y", "d1", "dd", "pkg", "pkg/sub", "cmd", "cmd/x", "a.b", "c", "x/c"),
    *("ΑΣ", "vendor/ΑΣ"),
]
NAMES = [
    *("a.go", "a_test.go", "_test.go", "a.pb.go", "x1.go", "x.go", "xy.go", "a.go.go", ".go"),
    *("go", "a.", "]x", "a]x", "README.md", "Makefile", "", "a_test.go.txt", "Σ.go"),
]
PATHS = [f"{d}/{n}" if d else n for d in FOLDERS for n in NAMES]


def _old(config: ScanConfig) -> tuple[GlobSet | None, GlobSet | None, GlobSet | None]:
    tests = tuple(g for g in config.exclude if g != "**/*_test.go")
    return tuple(GlobSet(g) if g else None for g in (config.exclude, config.include, tests))  # type: ignore[return-value]


@pytest.mark.parametrize("name", list(CONFIGS))
def test_the_scope_answers_as_its_globsets(name: str) -> None:
    config = parse_config(CONFIGS[name]).scan if CONFIGS[name] else ScanConfig()
    config = config.with_vendor(False)
    scope = Scope.of(config)
    exclude, include, tests = _old(config)
    for path in PATHS + PATHS[::-1]:  # twice, in two orders: remembered folders change nothing
        readable = not (exclude is not None and exclude.match(path)) and (
            not path.endswith(".go") or (include is not None and include.match(path))
        )
        readable_test = path.endswith("_test.go") and (tests is None or not tests.match(path))
        assert scope.readable(path) is readable, path
        assert scope.readable_test(path) is readable_test, path
        assert scope.is_go_source(path) is (path.endswith(".go") and readable), path
    assert scope.count_go_sources(PATHS) == sum(map(scope.is_go_source, PATHS))


def test_a_path_holding_a_newline_is_asked_of_the_globsets() -> None:
    scope = Scope.of(ScanConfig())
    for path in ("a\nb.go", "vendor/a\nb.go", "a\nb/vendor/c.go", "a/b\n_test.go"):
        fresh = Scope.of(ScanConfig())
        assert scope.readable(path) is fresh._readable_slow(path)
