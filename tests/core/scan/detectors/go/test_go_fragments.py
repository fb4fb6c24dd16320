"""Go source: parsing only the declarations that hold a trigger, and every way back to a
whole-file parse. Results must never depend on which of the two was parsed."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from ast_grep_py import SgRoot
from tests.core.scan.detectors.go.test_go_extractor import SERVER, SIGNAL_CASES

from golive_tui.core.scan.detectors.base import FileScan
from golive_tui.core.scan.detectors.go import EXTRACTORS, extractor, fragments, tree
from golive_tui.core.scan.detectors.go.fragments import fragment, layout

EX = EXTRACTORS[0]


def go(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


def parsed_sources(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every source handed to the parser."""
    seen: list[str] = []

    def spy(src: str, lang: str) -> Any:
        seen.append(src)
        return SgRoot(src, lang)

    monkeypatch.setattr(tree, "SgRoot", spy)
    return seen


def whole_file_scan(monkeypatch: pytest.MonkeyPatch, path: str, text: str) -> FileScan:
    with monkeypatch.context() as m:
        m.setattr(fragments, "fragment", lambda *args: None)  # read when a file is parsed
        return EX.extract(path, text)


def without_parsed(scan: FileScan) -> tuple[Any, ...]:
    meta = {k: v for k, v in scan.meta.items() if k != "parsed"}
    return scan.findings, scan.errors, meta


MANY = go(
    """
    package main

    import (
        "fmt"
        "net/http"
        "os"
    )

    // Config is read from the environment (os.Getenv in a doc comment is not code).
    type Config struct{ Addr string }

    func helper() string { return fmt.Sprint("unrelated") }

    func load() Config {
        return Config{
            Addr: os.Getenv("ADDR"),
        }
    }

    var client = &http.Client{}

    func tail() {}
    """
)


def test_only_declarations_with_a_trigger_are_parsed_and_lines_are_the_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = parsed_sources(monkeypatch)
    scan = EX.extract("main.go", MANY)
    assert len(seen) == 1
    (src,) = seen
    assert "func load()" in src and "var client" in src
    assert "helper" not in src and "type Config" not in src and "tail" not in src
    assert src.count("\n") <= MANY.count("\n")
    by_detector = {f.detector: (f.line, f.end_line, f.snippet) for f in scan.findings}
    assert by_detector["go.config_loading"] == (16, 16, 'os.Getenv("ADDR")')
    assert by_detector["go.http.client_timeout"] == (20, 20, "http.Client{}")
    assert scan.meta["parsed"] is True
    assert without_parsed(scan) == without_parsed(whole_file_scan(monkeypatch, "main.go", MANY))


def test_layout_skips_declaration_keywords_inside_raw_strings_and_comments() -> None:
    text = go(
        """
        package main

        var tmpl = `
        func fake() {}
        `

        /*
        func commented() {}
        */
        func real() {}
        """
    )
    lay = layout(text)
    assert lay is not None
    assert [text[s : text.index("\n", s)] for s in lay.starts] == ["var tmpl = `", "func real() {}"]


@pytest.mark.parametrize(
    "text",
    [
        'package a\nfunc f() { s := "open\n}\n',  # interpreted string left open
        "package a\nfunc f() { s := `open\n}\n",  # raw string left open
        "package a\n/* open comment\nfunc f() {}\n",
        "package a\nfunc f() { r := 'x\n}\n",
    ],
)
def test_unterminated_tokens_give_no_layout(text: str) -> None:
    assert layout(text) is None


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("x := a / b / c\n", []),  # division is no token
        ("x := a /b// c\n", ["// c"]),
        ("x := a /* b */ / c\n", ["/* b */"]),
        ("x := /**/ 1 /***/\n", ["/**/", "/***/"]),
        ("x := /* a * b / c **/ 2\n", ["/* a * b / c **/"]),
        ('s := "a\\"b" + "c"\n', ['"a\\"b"', '"c"']),
        ('s := "//not a comment"\n', ['"//not a comment"']),
        ("r := '\\'' + '\"'\n", ["'\\''", "'\"'"]),
        ('t := `a\n"b" // c\n`\n', ['`a\n"b" // c\n`']),
        ('// "quoted" in a comment\n', ['// "quoted" in a comment']),
    ],
)
def test_layout_tokens_are_comments_strings_and_runes(text: str, tokens: list[str]) -> None:
    lay = layout(text)
    assert lay is not None
    assert [text[a:b] for a, b in zip(lay.tok_starts, lay.tok_ends, strict=True)] == tokens


def test_raw_string_holding_go_code_is_not_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    text = go(
        """
        package gen

        import "os"

        var tmpl = `package main
        func main() { _ = os.Getenv("IN_TEMPLATE") }
        `

        func real() string { return os.Getenv("REAL") }
        """
    )
    scan = EX.extract("gen.go", text)
    assert [(f.line, f.facts.get("variable")) for f in scan.findings] == [(9, "REAL")]
    assert without_parsed(scan) == without_parsed(whole_file_scan(monkeypatch, "gen.go", text))


@pytest.mark.parametrize(
    "text",
    [
        # a column-0 `func` continuing the line before it is no declaration
        'package a\nimport "os"\nvar handler =\nfunc() string { return os.Getenv("A") }\n',
        # unbalanced braces: the boundary cannot be trusted
        'package a\nimport "os"\nfunc f() {\nfunc g() { _ = os.Getenv("A") }\n',
        # evidence before the first column-0 declaration
        'package a; import "os"; func f() { _ = os.Getenv("A") }\n',
    ],
)
def test_untrusted_boundaries_parse_the_whole_file(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    lay = layout(text)
    assert lay is not None
    assert fragment(text, lay, [text.index("os.Getenv")]) is None
    seen = parsed_sources(monkeypatch)
    scan = EX.extract("a.go", text)
    assert seen == [text]
    assert any(f.detector == "go.config_loading" for f in scan.findings) or scan.errors


def test_syntax_error_inside_a_fragment_is_reported_from_the_whole_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = go(
        """
        package main

        import ("os/signal"; "syscall")

        func ok() {}

        func main() {
            x := ;
            signal.Notify(c, syscall.SIGTERM)
        }
        """
    )
    seen = parsed_sources(monkeypatch)
    scan = EX.extract("main.go", text)
    assert len(seen) == 2 and seen[-1] == text  # the fragment, then the whole file
    assert any(d == "go.signal.sigterm" and "syntax error at line 8" in m for d, m in scan.errors)


def test_triggers_only_in_comments_need_no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = parsed_sources(monkeypatch)
    text = 'package a\n\nimport "os"\n\n// Use os.Getenv("X") to configure.\nfunc f() { _ = os.Args }\n'
    scan = EX.extract("a.go", text)
    assert seen == []
    assert scan.findings == () and scan.errors == ()
    assert scan.meta["parsed"] is False


def test_file_wide_rules_see_declarations_outside_the_fragment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = go(
        """
        package main

        import ("os"; "os/signal"; "syscall")

        var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

        func unrelated() {}

        func trap(c chan os.Signal, sigs ...os.Signal) { signal.Notify(c, sigs...) }

        func main() { trap(make(chan os.Signal), stopSignals...) }
        """
    )
    seen = parsed_sources(monkeypatch)
    (hit,) = [f for f in EX.extract("main.go", text).findings if f.detector == "go.signal.sigterm"]
    assert hit.polarity == "positive" and hit.line == 9
    assert list(hit.facts["signals"]) == ["os.Interrupt", "syscall.SIGTERM"]
    assert "var stopSignals" not in seen[0] and seen[-1] == text  # whole file parsed on need


CORPUS = [go(c[1]) for c in SIGNAL_CASES] + [go(SERVER), MANY]


@pytest.mark.parametrize("text", CORPUS, ids=[f"case{i}" for i in range(len(CORPUS))])
def test_fragment_and_whole_file_agree(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    assert without_parsed(EX.extract("x.go", text)) == without_parsed(
        whole_file_scan(monkeypatch, "x.go", text)
    )


def test_sqlx_get_counts_only_where_sqlx_is_imported() -> None:
    text = go(
        """
        package main

        import ("database/sql"; "fmt"; "net/http")

        func routes(mux *http.ServeMux, db *sql.DB) {
            mux.HandleFunc("/healthz", ok)
            _ = db.Get(&u, fmt.Sprintf("SELECT * FROM t WHERE id = %s", id))
            _, _ = db.Exec(fmt.Sprintf("DELETE FROM t WHERE id = %s", id))
        }
        """
    )
    sql = [
        f for f in EX.extract("main.go", text).findings if f.detector == "go.sql_string_building"
    ]
    assert [f.facts["method"] for f in sql] == ["Exec"]


SHELL_EXEC = go(
    """
    package main

    import ("fmt"; "example.com/shell")

    func run(c *shell.Client, x string) {
        c.Exec(fmt.Sprintf("ls %s", x))
    }

    func explain() string {
        return "copy the files from the image"
    }
    """
)


def test_sql_keyword_away_from_any_query_call_is_not_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A query's text comes from literals in its own function: "from" in another function's
    message cannot make `.Exec(` a query, so the file is not parsed; next to the call it is,
    and SQL built there is found as before."""
    seen = parsed_sources(monkeypatch)
    assert EX.extract("a.go", SHELL_EXEC).findings == ()
    assert seen == []
    near = SHELL_EXEC.replace('fmt.Sprintf("ls %s", x)', 'fmt.Sprintf("DELETE FROM %s", x)')
    found = EX.extract("b.go", near).findings
    assert len(seen) == 1
    assert [(f.detector, f.polarity) for f in found] == [("go.sql_string_building", "contrary")]


def test_sql_keyword_where_declarations_cannot_be_told_still_parses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A keyword in a declaration whose edges are not proven (not gofmt-shaped) is treated as
    possibly beside the call: the file is parsed, as before."""
    seen = parsed_sources(monkeypatch)
    odd = SHELL_EXEC.replace("func explain() string {", "var v = f(\nfunc() string {")
    EX.extract("c.go", odd)
    assert len(seen) == 1


# --------------------------------------------------------------------------- ASCII rules

ASCII_SOURCE = go(
    """
    package p

    var foo2Timeout = 3
    const TIMEOUT_X = 4

    func f(r *http.Request, c *Conf) {
        c.ReadTimeout = 2
        _ = Conf{IdleTimeout : 5, Other: 1}
        if r.URL.Path == "/x" || other == r.URL.RawPath {
        }
        switch r.URL.Path {
        }
        x.y.Shutdown(ctx)
    }
    """
)


@pytest.mark.parametrize(
    "regex",
    [
        r"^\w*Timeout\s*:",
        r"\.URL\.(?:Raw)?Path\s*==|==\s*\w+\.URL\.",
        r"^switch\s+\w+\.URL\.(?:Raw)?Path",
        r"^(?:\w+\.)*Shutdown$",
        r"[\w.]+\b",
        r"[^\s]\d",
        r"\W\S\D\B",
    ],
)
def test_ascii_regex_matches_the_same_nodes(regex: str) -> None:
    """The ASCII form of a rule's regex reports exactly the nodes the Unicode one does on an
    ASCII source (the kinds the checks' rules name)."""
    root = tree.parse(ASCII_SOURCE)
    kinds = ["identifier", "keyed_element", "binary_expression", "expression_switch_statement"]
    kinds += ["selector_expression", "var_spec", "const_spec", "assignment_statement"]

    def found(rx: str) -> list[tuple[int, int]]:
        rule: Any = {"rule": {"any": [{"kind": k, "regex": rx} for k in kinds]}}
        return sorted((n.range().start.index, n.range().end.index) for n in root.find_all(rule))

    converted = tree.ascii_regex(regex)
    assert converted != regex
    assert "\\w" not in converted and "\\s" not in converted
    assert found(converted) == found(regex)
    assert found(regex)  # the case exercises matches, not only their absence


def test_ascii_regex_leaves_what_it_does_not_follow() -> None:
    assert tree.ascii_regex(r"[a[b]]\w") == r"[a[b]]\w"  # nested class
    assert tree.ascii_regex(r"[\W]") == r"[\W]"  # negated escape inside a class
    assert tree.ascii_regex(r"\\w") == r"\\w"  # an escaped backslash, then a letter
    assert tree.ascii_regex(r"[]\w]x") == "[][:word:]]x"


def test_non_ascii_files_keep_unicode_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with a non-ASCII character anywhere is matched with the rule as written."""
    rules: list[Any] = []
    real = extractor._rule

    def spy(f: tree.File, gates: set[str]) -> Any:
        config, where = real(f, gates)
        rules.append(config)
        return config, where

    monkeypatch.setattr(extractor, "_rule", spy)
    text = go(
        """
        package p

        import (
            "net/http"
            "time"
        )

        // héllo
        var s = &http.Server{ReadTimeout: 5 * time.Second}
        """
    )
    EX.extract("a.go", text)
    EX.extract("b.go", text.replace("héllo", "hello"))

    def regexes(rule: Any) -> str:
        if isinstance(rule, dict):
            return " ".join(v if k == "regex" else regexes(v) for k, v in rule.items())
        return " ".join(regexes(v) for v in rule) if isinstance(rule, list) else ""

    assert "\\w" in regexes(rules[0])
    assert "\\w" not in regexes(rules[1]) and "[[:word:]]" in regexes(rules[1])
