"""What a warm scan reads back instead of computing: the listing's path facts (how many Go
files, which ones the target's build leaves out by name) give the same report as computed."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory, git
from tests.core.scan.test_engine import MARKED, PLAIN, run

from golive_tui.core.scan import filepass, workers
from golive_tui.core.scan.buildtags import (
    DEFAULT_TARGET,
    KNOWN_ARCH,
    KNOWN_OS,
    Target,
    name_matches,
)

NAMED = {
    "main.go": MARKED,
    "linux.go": PLAIN,  # a plain name: go/build ignores the first element
    "_linux.go": PLAIN,
    "sig_windows.go": MARKED,
    "sig_windows_test.go": PLAIN,
    "sig_linux_test.go": PLAIN,
    "sig_test_windows.go": PLAIN,
    "asm_arm64.go": PLAIN,
    "asm_linux_amd64.go": PLAIN,
    "asm_windows_amd64.go": PLAIN,
    "asm_linux_s390x.go": PLAIN,
    "x_linux.go.go": PLAIN,
    "pkg/deep/y_plan9.go": PLAIN,
    "pkg/deep/y_darwin.txt": "not go\n",
    "testdata/t_windows.go": PLAIN,
    "third_party/z_windows.go": PLAIN,
    "vendor/v/v_windows.go": PLAIN,
    "gen/g_windows.go": PLAIN,
    "README.md": "# x\n",
}

CONFIGS = {
    "default": "",
    "windows-arm64": '[scan]\ntarget = "windows/arm64"\n',
    "tests-kept": '[scan]\nreplace_exclude = ["**/testdata/**"]\n',
    "generated-excluded": '[scan]\nexclude = ["gen/**"]\nbuild_tags = ["netgo"]\ncgo = false\n',
}


def _facts(report: Any) -> dict[str, Any]:
    document = report.to_json()
    for key in ("seconds", "timings", "cache_hits", "files_read", "parsed_go_files"):
        document["stats"].pop(key)
    return document


@pytest.mark.parametrize("config", list(CONFIGS), ids=list(CONFIGS))
@pytest.mark.parametrize("cpus", [1, 2])
def test_path_facts_read_back_equal_the_computed_ones(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, config: str, cpus: int
) -> None:
    files = dict(NAMED)
    if CONFIGS[config]:
        files[".golive/config.toml"] = CONFIGS[config]
    root = make_repo(files)
    (root / "new_freebsd.go").write_text(PLAIN)  # untracked
    (root / "sig_windows.go").write_text(MARKED + "// edited\n")  # modified
    monkeypatch.setattr(workers, "_cpus", lambda: cpus)
    monkeypatch.setattr(workers, "_free_cpus", lambda n: n)
    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 1)
    computed = []
    real = filepass.FilePass.path_facts

    def spy(self: Any, all_paths: tuple[str, ...], finals: Any) -> tuple[int, list[str]]:
        stored = self.cache.path_facts
        hit: list[bool] = []

        def looked_up(key: str) -> Any:
            found = stored(key)
            hit.append(found is not None)
            return found

        self.cache.path_facts = looked_up
        answer = real(self, all_paths, finals)
        computed.append(not any(hit))
        return answer

    monkeypatch.setattr(filepass.FilePass, "path_facts", spy)
    cold = _facts(run(root, use_cache=False))
    miss = _facts(run(root))
    hit = _facts(run(root))
    assert computed == [True, True, False]  # the third scan read them back
    assert json.dumps(hit) == json.dumps(miss) == json.dumps(cold)
    assert cold["stats"]["excluded_for_target"]  # the table holds names the target drops


def test_a_new_listing_or_target_computes_them_again(make_repo: RepoFactory) -> None:
    root = make_repo(NAMED)
    run(root)
    steps = [
        lambda: (root / "more_windows.go").write_text(PLAIN),  # another path
        lambda: git(root, "rm", "-q", "--cached", "asm_arm64.go"),  # untracked now: same paths
        lambda: (root / "asm_arm64.go").unlink(),  # a path gone
        lambda: _config(root, '[scan]\ntarget = "linux/arm64"\n'),  # another target
        lambda: _config(root, '[scan]\ntarget = "linux/arm64"\nexclude = ["pkg/**"]\n'),
    ]
    for step in steps:
        step()
        warm, cold = _facts(run(root)), _facts(run(root, use_cache=False))
        assert json.dumps(warm) == json.dumps(cold)


def _config(root: Path, text: str) -> None:
    (root / ".golive").mkdir(exist_ok=True)
    (root / ".golive" / "config.toml").write_text(text)


def test_the_name_prefilter_keeps_every_name_the_target_may_drop() -> None:
    """`_named_suffix` only leaves out names that name_matches keeps, for every target."""
    words = [*sorted(KNOWN_OS | KNOWN_ARCH), "test", "x", "", "go", "linuxx", "Linux"]
    names = set()
    for a, b in itertools.product(words, repeat=2):
        for tail in ("", "_test"):
            names.update({f"{a}_{b}{tail}.go", f"p_{a}_{b}{tail}.go", f"d/{a}_{b}{tail}.go"})
            names.update({f"{a}{tail}.go", f"_{a}{tail}.go", f"{a}_{b}{tail}.go.go"})
    targets = [DEFAULT_TARGET, Target("windows", "arm64"), Target("plan9", "386", False)]
    suffix = filepass._named_suffix()
    for name, target in itertools.product(sorted(names), targets):
        if not name_matches(name, target):
            assert suffix.search(name), name
