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


# --------------------------------------------------------------------- paths: folders

LISTINGS = [
    (),
    ("a.sql",),
    ("a.sql", "b"),
    ("b", "db/migrations/1.sql"),
    (".sql", ".sql", "x.sql.sql", "y.sqlz", "sql"),
    ("Dockerfile", ".dockerignore", "svc/Dockerfile.dockerignore", "svc/.dockerignore"),
    ("bad\0path.sql", "b.sql"),  # a NUL would split the joined listing: each path tested
    ("vendor/a/b.go", "x/testdata/y.sql", "cmd/app/main.go", "a/b/c/d.sql", "z.go"),
]


@pytest.mark.parametrize("paths", LISTINGS)
def test_repo_folders_and_not_foreign_agree_with_a_walk_per_path(paths: tuple[str, ...]) -> None:
    from golive_tui.core.scan.detectors import common
    from golive_tui.core.scan.detectors.ci_follow import repo_folders

    walked: set[str] = set()
    for path in paths:
        folder = common.dirname(path)
        while folder:
            walked.add(folder)
            folder = common.dirname(folder)
    assert repo_folders(paths) == walked
    assert common.folders_of(paths) == [common.dirname(p) for p in paths]
    assert common.not_foreign(paths) == [p for p in paths if not common.is_foreign(p)]
    assert common.not_foreign(list(paths)) == common.not_foreign(paths)


# --------------------------------------------------------------------------- Go: long lines

LONG = 4096


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x" * LONG,
        "x" * (LONG + 1),  # one line, no newline
        "package a\n" + "x" * LONG + "\n",
        "package a\n" + "x" * (LONG + 1),  # the last line, no newline after it
        "package a\r\n" + "x" * (LONG - 1) + "\r\n",  # CR counts as a character of its line
        "\ufeff" + "x" * LONG,  # a BOM is a character too
        ("y" * 100 + "\n") * 100,  # long text, short lines
        "\n" * 5000 + "z" * (LONG + 1) + "\n",
        "x" * (LONG + 1) + "\n" + "short\n",
    ],
)
def test_long_line_prefilter_agrees_with_the_full_pattern(text: str) -> None:
    from golive_tui.core.scan.detectors.go import fragments

    assert fragments.has_long_line(text) is (fragments._LONG.search(text) is not None)


# --------------------------------------------------------------------------- Go: the header

HEADERS = [
    'package a\n\nimport "fmt"\n\nfunc f() {}\n',
    '\ufeff// c "not/an/import"\npackage a // "nor/this"\nimport (\n\tname "c/d" // "e/f"\n'
    '\t_ "g/h"\n\t/* "i/j" */ . `k/l`\n)\nvar s = "m/n"\n',
    'package a\r\n\r\nimport (\r\n\t"net/http"\r\n\tsig "os/signal"\r\n)\r\n\r\nfunc f() {}\r\n',
    '//go:build linux\n\npackage a; import "x"; import ("y"; "z")\nfunc f() {}\n',
    "package a\nimport (\n\t`multi\nline`\n)\n",
    'package a\nimport (\n\t"unterminated\n)\n',
]


@pytest.mark.parametrize("text", HEADERS)
def test_the_header_scan_finds_the_specs_of_the_import_scanner(text: str) -> None:
    from golive_tui.core.scan.detectors.go.imports import import_paths, scan_header, scan_imports

    header = scan_header(text)
    specs = scan_imports(text)
    assert header is not None and specs is not None
    raws, body = header
    assert [r.spec(text) for r in raws] == specs
    assert [r.path for r in raws] == import_paths(text)
    # The header alone scans the same: nothing the scan read lies after `body`.
    assert scan_header(text[:body]) == (raws, body)
    assert "func" not in text[:body] and "var" not in text[:body]


def test_the_header_scan_of_text_that_is_not_go() -> None:
    from golive_tui.core.scan.detectors.go.imports import scan_header

    assert scan_header('{{ .Template }}\nimport "x"') is None


# --------------------------------------------------------------------------- Go: gates

_HTTP = 'package a\n\nimport (\n\t"net/http"\n\t"example.com/internal/metrics"\n)\n\n'
_SQL = 'package a\n\nimport "example.com/exec"\n\n'

# (name, source, gate, whether the file is parsed for it)
GATE_CASES = [
    ("route only in an import path", _HTTP + "func f() { metrics.Inc() }\n", "routes", False),
    (
        "route in code",
        _HTTP + 'func f(m *http.ServeMux) { m.Handle("/metrics", h) }\n',
        "routes",
        True,
    ),
    (
        "route in a raw string",
        _HTTP + "func f(m *http.ServeMux) { m.HandleFunc(`/healthz`, h) }\n",
        "routes",
        True,
    ),
    ("route in a comment", _HTTP + "// serves /healthz\nfunc f() {}\n", "routes", False),
    (
        "route, build tag",
        "//go:build linux\n\n" + _HTTP + 'func f(m *http.ServeMux) { m.Handle("/ping", h) }\n',
        "routes",
        True,
    ),
    (
        "route, CRLF",
        (_HTTP + 'func f(m *http.ServeMux) { m.Handle("/readyz", h) }\n').replace("\n", "\r\n"),
        "routes",
        True,
    ),
    (
        "route, BOM",
        "\ufeff" + _HTTP + 'func f(m *http.ServeMux) { m.Handle("/livez", h) }\n',
        "routes",
        True,
    ),
    ("exec, no SQL anywhere", _SQL + "func f(t T) { t.Exec(ctx, spec) }\n", "sql", False),
    (
        "exec, keyword only in a comment",
        _SQL + "// DROP the rule, then SELECT another\nfunc f(t T) { t.Exec(x) }\n",
        "sql",
        False,
    ),
    (
        "exec, keyword only in an import path",
        'package a\n\nimport "example.com/select"\n\nfunc f(t T) { t.Exec(x) }\n',
        "sql",
        False,
    ),
    (
        "exec, keyword in a string",
        _SQL + 'func f(db D) { db.Exec("DELETE FROM t WHERE id = " + id) }\n',
        "sql",
        True,
    ),
    (
        "exec, keyword in a raw string",
        _SQL + "func f(db D) {\n\tq := `\nselect *\n  from t`\n\tdb.Exec(q)\n}\n",
        "sql",
        True,
    ),
    (  # a package constant of the file is looked up where a query call joins it
        "exec, keyword in another declaration's raw string",
        _SQL + "const q = `\nselect *\n  from t`\n\nfunc f(db D) { db.Exec(q) }\n",
        "sql",
        True,
    ),
    (  # ...but a keyword in a message of another function is no query's
        "exec, keyword in another function's message",
        _SQL + 'func g() string { return "select one" }\n\nfunc f(t T) { t.Exec(cmd) }\n',
        "sql",
        False,
    ),
    (
        "query into a rows variable",
        _SQL + "func f(db D) { rows, err := db.Query(q); _ = err; rows.Close() }\n",
        "sql",
        True,
    ),
    (
        "exec in a file importing database/sql",
        'package a\n\nimport "database/sql"\n\nfunc f(db *sql.DB) { db.Exec(q) }\n',
        "sql",
        True,
    ),
    (
        "exec, unterminated string",
        _SQL + 'func f(t T) { t.Exec("x) }\n',
        "sql",
        True,
    ),
    (
        "body passed on, never read",
        'package a\n\nimport "net/http"\n\nfunc h(w http.ResponseWriter, r *http.Request) '
        "{ defer r.Body.Close(); use(r) }\n",
        "body",
        False,
    ),
    (
        "body read",
        'package a\n\nimport (\n\t"io"\n\t"net/http"\n)\n\nfunc h(w http.ResponseWriter, '
        "r *http.Request) { b, _ := io.ReadAll(r.Body); _ = b }\n",
        "body",
        True,
    ),
    (
        "body limited",
        'package a\n\nimport "net/http"\n\nfunc h(w http.ResponseWriter, r *http.Request) '
        "{ r.Body = http.MaxBytesReader(w, r.Body, 1<<20) }\n",
        "body",
        True,
    ),
]


def _extract_unfiltered(monkeypatch: pytest.MonkeyPatch, text: str) -> object:
    """The extraction with every gate prefilter off (whole text searched, no `yields`)."""
    from golive_tui.core.scan.detectors.go import extractor

    with monkeypatch.context() as m:
        header = extractor.scan_header
        m.setattr(extractor, "scan_header", lambda t: (h[0], 0) if (h := header(t)) else None)
        m.setattr(extractor, "_YIELDS", {})
        return extractor.EXTRACTORS[0].extract("a.go", text)


@pytest.mark.parametrize(
    ("name", "text", "gate", "parsed"), GATE_CASES, ids=[c[0] for c in GATE_CASES]
)
def test_gate_prefilters_table(
    monkeypatch: pytest.MonkeyPatch, name: str, text: str, gate: str, parsed: bool
) -> None:
    from golive_tui.core.scan.detectors.go import extractor

    scan = extractor.EXTRACTORS[0].extract("a.go", text)
    assert scan.meta["parsed"] is parsed, name
    full = _extract_unfiltered(monkeypatch, text)
    assert isinstance(full, type(scan))
    assert (scan.findings, scan.errors) == (full.findings, full.errors)
    assert {k: v for k, v in scan.meta.items() if k != "parsed"} == {
        k: v for k, v in full.meta.items() if k != "parsed"
    }
    # Every case: parsed without the prefilters, so each one that is not parsed now is a
    # parse saved (the metrics import path alone picked the import block for one).
    assert full.meta["parsed"] is True


def test_families_build_their_lazy_state_before_a_fork() -> None:
    import sys

    from golive_tui.core.scan.detectors import ci
    from golive_tui.core.scan.detectors.go import extractor
    from golive_tui.core.scan.detectors.go.imports import import_matchers

    extractor.EXTRACTORS[0].prepare()
    assert extractor._triggers.cache_info().currsize == 1
    assert import_matchers.cache_info().currsize == 1
    ci.EXTRACTORS[0].prepare()
    assert "golive_tui.core.scan.detectors.shell" in sys.modules
