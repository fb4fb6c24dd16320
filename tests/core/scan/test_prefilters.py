"""Cold-scan prefilters give the same answers as the full work they skip.

Each prefilter is a cheap C-speed pass that lets files or paths that cannot match skip the
exact test. These tables hold cases that must pass and must not, the tricky ones included
(case folding, matches in comments and raw strings, build tags, CRLF, BOM); every case is
also checked against the unfiltered answer.
"""

from __future__ import annotations

import pytest

from golive_tui.core.scan.detectors import files as files_mod

RUNBOOK_PATHS = [
    ("RUNBOOK.md", True),
    ("RUNBOOK.MD", True),
    ("Runbook-x.txt", True),
    ("a/runbooks/b", True),
    ("runbooks", True),
    ("xrunbook.md", False),  # a word inside a name is not a runbook
    ("docs/Operations/x", True),
    ("docs/oncall.md", True),
    ("docs/ON-CALL", True),
    ("doc/ops", True),
    ("x/docs/ops/y", True),
    ("docs/opsx", True),
    ("a/doc/on-call/", True),
    ("OPERATIONS.adoc", True),
    ("ON-CALL.txt", True),
    ("docs/api/v1.md", False),
    ("docker/Dockerfile", False),
    ("operations.go", False),
    ("", False),
]


@pytest.mark.parametrize(("path", "hit"), RUNBOOK_PATHS)
def test_runbook_prefilter_table(path: str, hit: bool) -> None:
    assert files_mod.runbook_paths([path]) == ([path] if hit else [])
    assert bool(files_mod._RUNBOOK.search(path)) is hit


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["docs/\u017fops/x"],  # not ASCII: the (?i) pass, as the full pattern folds
        ["run\u212abook.md"],  # KELVIN SIGN folds to k under (?i)
        ["bad\0path/RUNBOOK.md"],  # a NUL would split the joined listing: each path tested
    ],
)
def test_runbook_prefilter_agrees_with_the_full_pattern(extra: list[str]) -> None:
    paths = [p for p, _ in RUNBOOK_PATHS] + extra + [p for p, _ in RUNBOOK_PATHS]
    assert files_mod.runbook_paths(paths) == [p for p in paths if files_mod._RUNBOOK.search(p)]
    assert files_mod.runbook_paths([]) == []
