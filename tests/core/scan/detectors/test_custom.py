"""Team-defined detectors: loading `.golive/detectors/*.toml`, matching, and every rule mistake."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from golive_tui.core.model import Status
from golive_tui.core.scan.detectors.base import ScannedFile
from golive_tui.core.scan.detectors.custom import load_custom

GOOD = """
[[detector]]
id = "acme.audit_log"
title = "Audit log written"
looks_for = "calls to audit.Log"
why = "Reviews need a trail of privileged actions."
remediation = "Call audit.Log from admin handlers."
literals = ["audit.Log"]
rule = { pattern = "audit.Log($$$)" }

[[detector]]
id = "acme.no_panic"
title = "No panic in handlers"
looks_for = "panic calls"
why = "A panic drops every in-flight request."
remediation = "Return errors instead."
polarity = "contrary"
area = "reliability"
rule = { kind = "call_expression", has = { field = "function", regex = "^panic$" } }
"""

GO = """package main

import "example.com/audit"

// audit.Log("commented out")
func main() {
\taudit.Log("login", user)
\tmsg := "audit.Log(x)"
\tpanic(msg)
}
"""


def write_rules(root: Path, text: str, name: str = "rules.toml") -> Path:
    folder = root / ".golive" / "detectors"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def test_no_folder_means_nothing(tmp_path: Path) -> None:
    assert load_custom(tmp_path) == ([], (), [])


def test_load_and_match(tmp_path: Path) -> None:
    write_rules(tmp_path, GOOD)
    defs, extractors, problems = load_custom(tmp_path)
    assert problems == []
    assert [d.id for d in defs] == ["acme.audit_log", "acme.no_panic"]
    assert defs[1].family == "custom" and defs[1].area == "reliability"
    (ex,) = extractors
    assert ex.detectors == ("acme.audit_log", "acme.no_panic")
    assert ex.prefilter() is None  # one rule has no literals
    scan = ex.extract("main.go", GO)
    hits = [(f.detector, f.line, f.polarity, f.snippet) for f in scan.findings]
    assert hits == [
        ("acme.audit_log", 7, "positive", 'audit.Log("login", user)'),
        ("acme.no_panic", 9, "contrary", "panic(msg)"),
    ]
    results = {
        r.id: r
        for r in ex.finalize({"main.go": ScannedFile("main.go", "b" * 40, scan)}, ("main.go",))
    }
    assert results["acme.audit_log"].status is Status.FOUND
    assert results["acme.audit_log"].summary == "1 match in 1 file"
    assert results["acme.no_panic"].status is Status.CONTRARY
    assert results["acme.audit_log"].evidence[0].blob == "b" * 40


def test_literals_skip_files(tmp_path: Path) -> None:
    write_rules(tmp_path, GOOD.split('[[detector]]\nid = "acme.no_panic"')[0])
    (ex,) = load_custom(tmp_path)[1]
    assert ex.prefilter() == (b"audit.Log",)
    assert ex.extract("a.go", "package a\nfunc f() { panic(1) }\n").findings == ()


def test_no_go_files_is_not_applicable_and_editing_a_rule_changes_the_version(
    tmp_path: Path,
) -> None:
    write_rules(tmp_path, GOOD)
    (ex,) = load_custom(tmp_path)[1]
    assert {r.status for r in ex.finalize({}, ("README.md",))} == {Status.NOT_APPLICABLE}
    write_rules(tmp_path, GOOD.replace("^panic$", "^(panic|log\\\\.Fatal)$"))
    (ex2,) = load_custom(tmp_path)[1]
    assert ex2.version != ex.version


def test_unparseable_go_is_an_honest_error(tmp_path: Path) -> None:
    write_rules(tmp_path, GOOD)
    (ex,) = load_custom(tmp_path)[1]
    scan = ex.extract("bad.go", "package main\nfunc ((( audit.Log(\n")
    results = {
        r.id: r for r in ex.finalize({"bad.go": ScannedFile("bad.go", None, scan)}, ("bad.go",))
    }
    assert results["acme.no_panic"].status is Status.ERROR
    assert "bad.go" in results["acme.no_panic"].summary


def test_object_form_pattern_and_full_config(tmp_path: Path) -> None:
    write_rules(
        tmp_path,
        """
        [[detector]]
        id = "acme.ctx"
        title = "t"
        looks_for = "l"
        why = "w"
        remediation = "r"

        [detector.rule]
        rule = { pattern = { context = "func t() { audit.Log($$$A) }", selector = "call_expression" } }
        """,
    )
    _defs, (ex,), problems = load_custom(tmp_path)
    assert problems == []
    assert [f.line for f in ex.extract("main.go", GO).findings] == [7]


def bad(field_line: str, rule: str = 'rule = { pattern = "x()" }', id_: str = '"acme.x"') -> str:
    return (
        f'[[detector]]\nid = {id_}\ntitle = "t"\nlooks_for = "l"\nwhy = "w"\nremediation = "r"\n'
        f"{field_line}\n{rule}\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[detector]\nid = 1", "rules.toml:1: toml: expected valid TOML"),
        ("[other]\nx = 1\n", "rules.toml:1: other: expected only [[detector]] tables"),
        (bad('colour = "red"'), "rules.toml:7: colour: expected one of"),
        (
            bad("", id_='"nodot"'),
            'rules.toml:2: id: expected a lower-case dotted id such as "acme.audit_log"',
        ),
        (
            bad("", id_='"go.pprof"'),
            "rules.toml:2: id: expected an id not already in golive's catalog",
        ),
        (bad('polarity = "maybe"'), 'rules.toml:7: polarity: expected "positive" or "contrary"'),
        (bad('language = "python"'), 'rules.toml:7: language: expected "go"'),
        (bad('literals = "audit"'), "rules.toml:7: literals: expected a list of non-empty strings"),
        (bad("", rule='rule = "audit.Log"'), "rules.toml:8: rule: expected an ast-grep rule table"),
        (
            bad("", rule='rule = { kind = "no_such_kind" }'),
            "rules.toml:8: rule: expected a valid ast-grep rule (Invalid Kind; Kind `no_such_kind` is invalid.)",
        ),
        (
            bad("", rule='rule = { patern = "x" }'),
            "rules.toml:8: rule: expected a valid ast-grep rule (unknown field `patern`",
        ),
        (
            bad("", rule='rule = { regex = "(" }'),
            "rules.toml:8: rule: expected a valid ast-grep rule",
        ),
        (
            '[[detector]]\nid = "acme.y"\nrule = { kind = "call_expression" }\n',
            "rules.toml:1: title: expected a non-empty string",
        ),
    ],
)
def test_each_mistake_is_a_problem_not_a_traceback(
    tmp_path: Path, text: str, expected: str
) -> None:
    write_rules(tmp_path, text)
    defs, extractors, problems = load_custom(tmp_path)
    assert defs == [] and extractors == ()
    assert any(p.startswith(f".golive/detectors/{expected}") for p in problems), problems


def test_one_bad_entry_does_not_drop_the_others(tmp_path: Path) -> None:
    write_rules(tmp_path, GOOD + "\n" + bad('polarity = "maybe"', id_='"acme.bad"'))
    write_rules(tmp_path, bad("", id_='"acme.audit_log"'), name="z_dup.toml")
    defs, _, problems = load_custom(tmp_path)
    assert [d.id for d in defs] == ["acme.audit_log", "acme.no_panic"]
    assert len(problems) == 2
    assert any(
        p.startswith(".golive/detectors/z_dup.toml:2: id: expected a unique id") for p in problems
    )


def test_not_utf8_and_symlink_outside(tmp_path: Path) -> None:
    folder = tmp_path / "repo" / ".golive" / "detectors"
    folder.mkdir(parents=True)
    (folder / "a.toml").write_bytes(b"\xff\xfe\x00")
    outside = tmp_path / "elsewhere.toml"
    outside.write_text(GOOD)
    (folder / "b.toml").symlink_to(outside)
    defs, _, problems = load_custom(tmp_path / "repo")
    assert defs == []
    assert problems == [
        ".golive/detectors/a.toml:1: file: expected UTF-8 text",
        ".golive/detectors/b.toml:1: file: expected a file inside the repository (symlink skipped)",
    ]


WORDY = """
[[detector]]
id = "acme.do_calls"
title = "Do calls"
looks_for = "calls to a Do method"
why = "Every request goes through Do."
remediation = "Call Do."
rule = { kind = "call_expression", has = { field = "function", regex = "^\\\\w+\\\\.Do\\\\s*$" } }
"""


@pytest.mark.parametrize(
    "go",
    [
        "package p\nfunc f() { client.Do(r); x_1.Do(); other.Did() }\n",
        "package p\n// caf\u00e9\nfunc f() { client.Do(r); \u00e9t\u00e9.Do() }\n",
    ],
)
def test_word_class_rules_match_alike_on_ascii_and_other_files(tmp_path: Path, go: str) -> None:
    """A rule's `\\w` is compiled in its ASCII form for an ASCII file and as written for any
    other: the same calls are found either way."""
    from golive_tui.core.scan.detectors import custom

    write_rules(tmp_path, WORDY)
    (ex,) = load_custom(tmp_path)[1]
    lines = [f.snippet for f in ex.extract("a.go", go).findings]
    expected = (
        ["client.Do(r)", "x_1.Do()"] if go.isascii() else ["client.Do(r)", "\u00e9t\u00e9.Do()"]
    )
    assert lines == expected
    config = {"rule": {"kind": "call_expression", "regex": "^\\w+$"}}
    assert custom._ascii_form(config) == {
        "rule": {"kind": "call_expression", "regex": "^[[:word:]]+$"}
    }
    kept = {"rule": {"kind": "call_expression", "regex": "[a[b]]\\w"}}
    assert custom._ascii_form(kept) is kept
