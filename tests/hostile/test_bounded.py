"""Bounded work on hostile repositories: YAML alias bombs, glob backtracking, long Go lines,
oversized `max_file_size`, slow team rules, deeply nested TOML, and quitting during a scan.

Each case asserts the clean outcome and that the work stayed bounded (a budget outcome or a
work counter); commands that used to hang run in a subprocess whose generous timeout is only a
backstop, never a timing assertion.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from golive_tui.core import globs, tomlsafe
from golive_tui.core.errors import DraftError, RecordError
from golive_tui.core.scan.config import MAX_FILE_SIZE_CEILING, ConfigError, parse_config
from golive_tui.core.scan.detectors import custom, yamlutil
from golive_tui.core.scan.detectors.go import EXTRACTORS as GO_EXTRACTORS
from golive_tui.core.scan.detectors.go import fragments
from golive_tui.core.scan.engine import scan
from tests.conftest import RepoFactory

#: Backstop for commands that used to hang (minutes); they now take about a second.
HANG_GUARD = 60


def golive(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "golive_tui", *argv],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        cwd=cwd,
    )


def assert_clean(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


GO_MOD = "module example.com/x\n\ngo 1.22\n"
MAIN = "package main\n\nfunc main() {}\n"

# --------------------------------------------------------------------------- YAML aliases


def billion_laughs(levels: int = 12) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 12) -> str:
    lines = ["m0: &m0 {k0: 1, k1: 2, k2: 3, k3: 4}"]
    for i in range(1, levels):
        lines.append(f"m{i}: &m{i} {{<<: [" + ", ".join([f"*m{i - 1}"] * 9) + "]}")
    return "\n".join(lines) + "\n"


LAST = "a11"  # the last anchor of billion_laughs()


def test_alias_bomb_is_refused_by_counting_not_expanding() -> None:
    with pytest.raises(yamlutil.YamlError) as info:
        yamlutil.load_all(billion_laughs())
    assert "aliases expand to more than" in info.value.message
    assert str(yamlutil.ALIAS_BUDGET) in info.value.message
    with pytest.raises(yamlutil.YamlError, match="alias bomb"):
        yamlutil.load_all(merge_bomb() + "x:\n  <<: *m11\n")


def test_reasonable_aliases_are_counted_and_kept() -> None:
    text = "base: &b {image: golang, script: [go test]}\nunit: *b\nrace:\n  <<: *b\n  extra: 1\n"
    docs = yamlutil.load_all(text)
    # root 1 + base 1 + {image, golang, script, [go test]} 6 + unit 1 + *b 6
    # + race 1 + {<<, *b, extra, 1} 1 + 1 + 6 + 2: each alias counts as a copy of its target
    assert yamlutil.check_expansion(docs) == 26
    race = yamlutil.get(docs[0], "race")
    assert [k.value for k, _ in yamlutil.items(race)] == ["image", "script", "extra"]


def test_a_star_in_a_glob_is_counted_as_the_nodes_written() -> None:
    docs = yamlutil.load_all("on:\n  push:\n    paths: ['**/*.go']\n")
    # root, on, {push: {paths: [glob]}}: 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1, nothing shared
    assert yamlutil.check_expansion(docs) == 8


def test_recursive_alias_is_refused() -> None:
    for text in ("a: &a [*a]\n", "a: &a {<<: *a, b: 1}\n"):
        with pytest.raises(yamlutil.YamlError, match="refers to a node that contains it"):
            yamlutil.load_all(text)


def test_merge_chains_are_followed_without_recursion_and_within_budget() -> None:
    lines = ["m0: &m0 {k: 1}"] + [f"m{i}: &m{i} {{<<: *m{i - 1}}}" for i in range(1, 200)]
    docs = yamlutil.load_all("\n".join(lines) + "\n")
    assert [k.value for k, _ in yamlutil.items(yamlutil.get(docs[0], "m199"))] == ["k"]
    # A chain deep enough to exhaust a recursive walk expands quadratically: refused
    lines = ["m0: &m0 {k: 1}"] + [f"m{i}: &m{i} {{<<: *m{i - 1}}}" for i in range(1, 5000)]
    with pytest.raises(yamlutil.YamlError, match="alias bomb"):
        yamlutil.load_all("\n".join(lines) + "\n")


def test_alias_bombs_in_every_yaml_the_scan_reads_are_errors_naming_the_file(
    make_repo: RepoFactory,
) -> None:
    bomb = billion_laughs()
    root = make_repo(
        {
            "go.mod": GO_MOD,
            "main.go": MAIN,
            ".github/workflows/ci.yml": "on: push\n"
            + bomb
            + f"jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: go test ./...\n"
            f"      - run: [*{LAST}]\n",
            ".gitlab-ci.yml": merge_bomb() + "test:\n  <<: *m11\n  script: [go test ./...]\n",
            ".golangci.yml": bomb + f"linters:\n  enable: *{LAST}\n",
            "deploy/app.yaml": bomb + "kind: Deployment\nspec:\n  template:\n    spec:\n"
            f"      containers:\n        - name: x\n          args: *{LAST}\n",
        }
    )
    report = scan(root, use_cache=False)
    summaries = {r.id: (str(r.status), r.summary) for r in report.results}
    for detector, path in (
        ("ci.tests", ".github/workflows/ci.yml"),
        ("lint.golangci_config", ".golangci.yml"),
        ("k8s.probes", "deploy/app.yaml"),
        ("k8s.resources", "deploy/app.yaml"),
    ):
        status, summary = summaries[detector]
        assert status == "error", (detector, summary)
        assert path in summary and "aliases expand" in summary


def test_scan_of_an_alias_bomb_finishes(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "go.mod": GO_MOD,
            "main.go": MAIN,
            ".github/workflows/ci.yml": billion_laughs() + f"jobs: *{LAST}\n",
        }
    )
    proc = golive("scan", "-C", str(root), "--format", "json", "--no-cache")
    assert_clean(proc)
    assert proc.returncode == 0, proc.stderr
    results = {d["id"]: d for d in json.loads(proc.stdout)["detectors"]}
    assert results["ci.tests"]["status"] == "error"
    assert ".github/workflows/ci.yml" in results["ci.tests"]["summary"]


def test_sign_and_verify_evidence_of_an_alias_bomb_finish(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "go.mod": GO_MOD,
            "main.go": MAIN,
            ".gitlab-ci.yml": merge_bomb() + "test:\n  <<: *m11\n  script: [go test ./...]\n",
        }
    )
    signed = golive("sign", "-C", str(root), "--release", "v1", "--no-sign")
    assert_clean(signed)
    assert signed.returncode == 0, signed.stderr
    record = root / ".golive" / "records" / "v1.toml"
    assert record.is_file()
    verified = golive("verify", "-C", str(root), "--evidence", str(record))
    assert_clean(verified)
    assert "evidence holds" in verified.stdout  # not signed, so 1; but the scan finished
    assert verified.returncode == 1


# --------------------------------------------------------------------------- globs


def _reference(pattern: str) -> re.Pattern[str]:
    """The documented syntax as a plain backtracking regex (the oracle for small inputs)."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and (end := pattern.find("]", i + 2)) >= 0:
            body = pattern[i + 1 : end]
            out.append("[^/" + body[1:] + "]" if body.startswith("!") else f"[{body}]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)  # `**` matches a newline too


def test_globs_mean_what_the_documented_syntax_says() -> None:
    rng = random.Random(9)
    pieces = ["a", "b", "/", "*", "**", "**/", "?", "[ab]", "[!a]", ".", "[a-b]"]
    for _ in range(3000):
        pattern = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 7)))
        compiled = globs.glob_regex(pattern)
        oracle = _reference(pattern)
        for _ in range(10):
            path = "".join(rng.choice("ab/.\n") for _ in range(rng.randint(0, 8)))
            assert compiled.match(path) == bool(oracle.match(path)), (pattern, path)


def test_runs_of_double_stars_collapse() -> None:
    assert globs.glob_regex("**/" * 9 + "x").regex == "(?s:.*/)?x"
    assert globs.glob_regex("a/**/**/b").regex == "a/(?s:.*/)?b"
    assert globs.glob_regex("a/***").regex == "a/(?s:.*)"


def test_ambiguous_globs_match_without_backtracking() -> None:
    """Globs whose regex could backtrack exponentially go to the NFA, whose work per path
    character is bounded by the glob's length."""
    for pattern, path in (
        ("**/a/**/a/**/a/**/x", "a/" * 2000 + "y"),
        ("*a*a*a*a*b", "a" * 4000),
        ("a**b**c**d", "a" + "bc" * 2000),
    ):
        glob = globs.glob_regex(pattern)
        assert glob.regex is None  # the NFA, not a backtracking regex
        assert glob.match(path) is False
        assert glob.steps <= len(path) * (2 * len(pattern) + 2)
    assert globs.glob_regex("**/a/**/a/**/a/**/x").match("a/a/q/a/x")


def test_backwards_range_is_a_clear_error_everywhere(make_repo: RepoFactory) -> None:
    with pytest.raises(globs.GlobError, match=r"range z-a in \[z-a\] is backwards"):
        globs.glob_regex("src/[z-a].go")
    with pytest.raises(ConfigError, match=r"config.toml:3: scan.exclude: expected valid globs"):
        parse_config('[scan]\ninclude = ["**/*.go"]\nexclude = ["[z-a]"]\n', ".golive/config.toml")
    root = make_repo(
        {"go.mod": GO_MOD, "main.go": MAIN, ".golive/config.toml": '[scan]\nexclude = ["[z-a]"]\n'}
    )
    proc = golive("scan", "-C", str(root))
    assert_clean(proc)
    assert proc.returncode == 2
    assert "scan.exclude: expected valid globs" in proc.stderr and "[z-a]" in proc.stderr


CHECKLIST = """[checklist]
id = "bad-globs"
title = "Bad globs"
version = "1"
description = "d"
source = ["s"]

[[sections]]
id = "s"
title = "S"

[[sections.items]]
id = "s.one"
title = "One"
why = "w"
verify = "v"
remediation = "r"
priority = "P1"
source = ["s"]
watch = ["cmd/[z-a]/main.go"]
applies_when = { files = ["**/[9-0].txt"] }
"""


def test_lint_checklist_reports_bad_globs(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(CHECKLIST)
    proc = golive("lint-checklist", str(path))
    assert_clean(proc)
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert "watch[0]: expected a valid glob" in out and "cmd/[z-a]/main.go" in out
    assert "applies_when.files[0]: expected a valid glob" in out and "[9-0]" in out


def test_scan_with_many_double_stars_finishes(make_repo: RepoFactory) -> None:
    deep = "/".join(["d"] * 300) + "/main.go"
    root = make_repo(
        {
            "go.mod": GO_MOD,
            "main.go": MAIN,
            deep: MAIN,
            ".golive/config.toml": '[scan]\nextend_exclude = ["'
            + "**/" * 12
            + 'x", "**/d/**/d/**/d/**/d/**/x"]\n',
        }
    )
    proc = golive("scan", "-C", str(root), "--format", "json", "--no-cache")
    assert_clean(proc)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["stats"]["go_files"] == 2


def test_status_with_ambiguous_checklist_globs_finishes(make_repo: RepoFactory) -> None:
    """`applies_when` and `watch` globs are matched against every path by status and gate."""
    glob = "**/d/" * 6 + "**/x"
    checklist = CHECKLIST.replace('id = "bad-globs"', 'id = "g"')
    checklist = checklist.replace("cmd/[z-a]/main.go", glob).replace("**/[9-0].txt", glob)
    files = {f"{'/'.join(['d'] * (60 + n))}/y.txt": "y\n" for n in range(10)}
    root = make_repo({".golive/checklists/g.toml": checklist, **files})
    proc = golive("status", "-C", str(root), "--checklist", "g", "--format", "json")
    assert_clean(proc)
    assert proc.returncode == 0, proc.stderr


# --------------------------------------------------------------------------- long Go lines


def one_line_go(size: int = 1_000_000) -> str:
    body = (
        'srv := &http.Server{Addr: ":1", ReadTimeout: 5}; _ = srv.ListenAndServe(); '
        "signal.Notify(ch, syscall.SIGTERM); "
    )
    head = (
        'package main; import ("net/http"; "os"; "os/signal"; "syscall"); '
        "var ch chan os.Signal; func main() { "
    )
    return head + body * ((size - len(head)) // len(body)) + "}\n"


def test_long_lines_are_wrapped_at_neutral_places_before_parsing() -> None:
    text = one_line_go()
    lay = fragments.layout(text)
    assert lay is not None and fragments.has_long_line(text)
    wrapped, added = fragments.wrap_long_lines(text, lay)
    # Only breaks were added, each after `;` `,` `(` `[` `{`: the program is the same
    assert wrapped.replace("\n", "") == text.replace("\n", "")
    assert len(added) == wrapped.count("\n") - text.count("\n")
    # Every parsed line is short now, so each node.range() is cheap
    assert max(len(line) for line in wrapped.split("\n")) < 2 * fragments.LONG_LINE
    # Strings are never broken
    quoted = 'package p; var s = "' + "a, b; c(" * 2000 + '"; var t = 1\n'
    quoted_lay = fragments.layout(quoted)
    assert quoted_lay is not None
    out, _ = fragments.wrap_long_lines(quoted, quoted_lay)
    assert '"' + "a, b; c(" * 2000 + '"' in out


def test_one_line_go_file_reports_its_real_lines() -> None:
    text = (
        "package main\n"
        + one_line_go(200_000).removeprefix("package main;")
        + ("func late() { signal.Notify(ch, syscall.SIGINT) }\n")
    )
    result = GO_EXTRACTORS[0].extract("main.go", text)
    lines = {f.line for f in result.findings if f.detector == "go.signal.sigterm"}
    assert lines == {2, 3}
    assert not result.errors


def test_scan_of_a_one_megabyte_line_finishes(make_repo: RepoFactory) -> None:
    root = make_repo({"go.mod": GO_MOD, "main.go": one_line_go()})
    proc = golive("scan", "-C", str(root), "--format", "json", "--no-cache")
    assert_clean(proc)
    assert proc.returncode == 0, proc.stderr
    results = {d["id"]: d for d in json.loads(proc.stdout)["detectors"]}
    assert results["go.signal.sigterm"]["status"] == "found"
    assert {e["line"] for e in results["go.signal.sigterm"]["evidence"]} == {1}


def test_declaration_boundaries_are_counted_once() -> None:
    parts = ['package main\n\nimport "net/http"\n\n']
    for i in range(2000):
        body = '_, _ = http.Get("x")' if i % 2 == 0 else "println()"
        parts.append(f"func f{i}() {{\n\t{body}\n}}\n\n")
    text = "".join(parts)
    lay = fragments.layout(text)
    assert lay is not None
    assert set(lay.depth_before) == {*lay.starts, len(text)}
    assert all(depth == 0 for depth in lay.depth_before.values())


# --------------------------------------------------------------------------- max_file_size


def test_max_file_size_has_a_ceiling(make_repo: RepoFactory) -> None:
    assert MAX_FILE_SIZE_CEILING == 16 * 1024 * 1024
    ok = parse_config(f"[scan]\nmax_file_size = {MAX_FILE_SIZE_CEILING}\n")
    assert ok.scan.max_file_size == MAX_FILE_SIZE_CEILING
    with pytest.raises(ConfigError, match=r"at most 16777216 bytes \(16 MiB"):
        parse_config("[scan]\nmax_file_size = 1000000000000\n")
    root = make_repo(
        {
            "go.mod": GO_MOD,
            "main.go": MAIN,
            ".golive/config.toml": "[scan]\nmax_file_size = 1000000000000\n",
        }
    )
    proc = golive("scan", "-C", str(root))
    assert_clean(proc)
    assert proc.returncode == 2
    assert "max_file_size: expected at most 16777216 bytes" in proc.stderr


# --------------------------------------------------------------------------- team rules

SLOW_RULE = """[[detector]]
id = "acme.slow"
title = "Slow"
looks_for = "x"
why = "x"
remediation = "x"
rule = { kind = "call_expression", inside = { stopBy = "end", kind = "source_file", has = { stopBy = "end", kind = "call_expression", inside = { stopBy = "end", kind = "source_file", has = { stopBy = "end", kind = "identifier", regex = "^zzz$" } } } } }

[[detector]]
id = "acme.fast"
title = "Fast"
looks_for = "x"
why = "x"
remediation = "x"
rule = { pattern = "g($$$)" }
"""
# Nested `inside`/`has` with stopBy=end multiply: this rule needs minutes on this file.
SLOW_FILE = (
    "package p\nfunc f() {\n"
    + "".join(f"\tx{i} := g(h({i}), k({i}))\n" for i in range(150))
    + "}\n"
)


def test_a_slow_team_rule_is_stopped_and_named(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(custom, "RULE_BUDGET", 2.0)
    root = make_repo({"go.mod": GO_MOD, ".golive/detectors/slow.toml": SLOW_RULE})
    _defs, extractors, problems = custom.load_custom(root)
    assert not problems
    extractor = extractors[0]
    assert isinstance(extractor, custom.CustomExtractor)
    first = extractor.extract("a.go", SLOW_FILE)
    assert ("acme.slow", "rule acme.slow did not finish within 2 s (stopped)") in first.errors
    assert first.meta.get("transient") is True  # never cached as the file's answer
    assert len([f for f in first.findings if f.detector == "acme.fast"]) == 150
    second = extractor.extract("b.go", SLOW_FILE)  # out of budget once: not run again
    assert ("acme.slow", "skipped: the rule ran out of time on a.go") in second.errors
    assert len([f for f in second.findings if f.detector == "acme.fast"]) == 150
    runner = extractor._runner
    assert runner is not None and runner.stopped == 1
    extractor.finalize({}, ())
    assert extractor._runner is None


def test_scan_with_a_slow_team_rule_reports_an_error(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(custom, "RULE_BUDGET", 2.0)
    root = make_repo(
        {"go.mod": GO_MOD, "main.go": SLOW_FILE, ".golive/detectors/slow.toml": SLOW_RULE}
    )
    report = scan(root, only=["acme.slow", "acme.fast"])
    slow, fast = report.result("acme.slow"), report.result("acme.fast")
    assert str(slow.status) == "error"
    assert "main.go" in slow.summary and "acme.slow did not finish within 2 s" in slow.summary
    assert str(fast.status) == "found" and len(fast.evidence) == 150


# --------------------------------------------------------------------------- nested TOML

DEEP_ARRAY = "a = " + "[" * 2000 + "]" * 2000 + "\n"
DEEP_TABLE = "a = " + "{b = " * 2000 + "1" + "}" * 2000 + "\n"
LONG_KEY = "a" + ".a" * 50_000 + " = 1\n"


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_TABLE, LONG_KEY])
def test_nesting_is_checked_before_parsing(text: str) -> None:
    problem = tomlsafe.nesting_problem(text)
    assert problem is not None and problem[0] == 1
    assert "more than 100" in problem[2]


def test_ordinary_toml_is_not_refused() -> None:
    text = 'x = "[[[[{{{{' + "[" * 300 + '"\ny = 1.5\nz = """a""""\n' + "w = [[1], [2]]\n"
    assert tomlsafe.loads(text)["z"] == 'a"'
    shipped = Path(__file__).resolve().parents[2] / "checklists" / "go-production.toml"
    assert tomlsafe.nesting_problem(shipped.read_text()) is None


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_TABLE, LONG_KEY])
def test_deep_config_toml_is_a_clear_error(make_repo: RepoFactory, text: str) -> None:
    root = make_repo({"go.mod": GO_MOD, "main.go": MAIN, ".golive/config.toml": text})
    proc = golive("scan", "-C", str(root))
    assert_clean(proc)
    assert proc.returncode == 2
    assert ".golive/config.toml: invalid TOML:" in proc.stderr
    assert "more than 100" in proc.stderr


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_TABLE, LONG_KEY])
def test_deep_checklist_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(text)
    proc = golive("lint-checklist", str(path))
    assert_clean(proc)
    assert proc.returncode == 1
    assert "deep.toml:1:" in proc.stdout + proc.stderr
    assert "invalid TOML: " in proc.stdout + proc.stderr


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_TABLE, LONG_KEY])
def test_deep_draft_record_and_detector_files_are_clear_errors(
    make_repo: RepoFactory, text: str
) -> None:
    from golive_tui.core import draft
    from golive_tui.core.record.codec import loads

    with pytest.raises(DraftError, match=r"drafts/x.toml:1: draft is not valid TOML"):
        draft.loads(text, "drafts/x.toml")
    with pytest.raises(RecordError, match=r"records/v1.toml:1:\d+: not valid TOML"):
        loads(text, "records/v1.toml")
    root = make_repo({".golive/detectors/deep.toml": text})
    _defs, _extractors, problems = custom.load_custom(root)
    assert problems and problems[0].startswith(".golive/detectors/deep.toml:1: toml:")


def test_deep_golangci_toml_is_an_error_finding(make_repo: RepoFactory) -> None:
    root = make_repo({"go.mod": GO_MOD, "main.go": MAIN, ".golangci.toml": DEEP_ARRAY})
    result = scan(root, use_cache=False, only=["lint.golangci_config"]).results[0]
    assert str(result.status) == "error"
    assert ".golangci.toml" in result.summary and "more than 100" in result.summary


def test_checklist_library_survives_a_deep_repo_checklist(make_repo: RepoFactory) -> None:
    from golive_tui.core.checklist.library import Library

    root = make_repo({".golive/checklists/deep.toml": DEEP_ARRAY})
    library = Library.discover(root)
    assert any("deep.toml:1:" in p and "more than 100" in p for p in library.problems)
    assert "go-production" in library.ids()  # the others still load


# --------------------------------------------------------------------------- quitting the walker


class EndlessScan:
    """A scan that reports progress until told to stop (the hang guard: MAX_REPORTS)."""

    MAX_REPORTS = 4000

    def __init__(self) -> None:
        self.started = threading.Event()
        self.finished = threading.Event()
        self.stopped_by: BaseException | None = None
        self.reports = 0

    def __call__(self, progress: Callable[[Any], None]) -> Any:
        from tests.tui.fakes import FakeProgress

        pause = threading.Event()
        try:
            for n in range(self.MAX_REPORTS):
                self.reports += 1
                progress(FakeProgress("parsing", n, self.MAX_REPORTS))
                self.started.set()
                pause.wait(0.005)
        except BaseException as exc:
            self.stopped_by = exc
            raise
        finally:
            self.finished.set()
        raise RuntimeError("never stopped")


@pytest.mark.parametrize("key", ["q", "ctrl+c"])
def test_walker_quits_while_a_scan_runs(repo: Path, key: str) -> None:
    from golive_tui.tui.app import GoliveApp
    from golive_tui.tui.screens.walker import ScanCancelled
    from tests.tui.fakes import make_deps

    endless = EndlessScan()

    async def walk() -> GoliveApp:
        app = GoliveApp(make_deps(repo, scan=endless))
        async with app.run_test(size=(120, 40)) as pilot:
            assert await asyncio.to_thread(endless.started.wait, HANG_GUARD)
            await pilot.press(key)
            await pilot.pause()
        return app

    app = asyncio.run(walk())
    assert app.return_code == 0
    assert endless.finished.wait(HANG_GUARD)
    assert isinstance(endless.stopped_by, ScanCancelled)
    assert endless.reports < EndlessScan.MAX_REPORTS


@pytest.fixture
def repo(make_repo: RepoFactory) -> Path:
    from tests.tui.fakes import FILES

    return make_repo(FILES)
