"""What the first Go files a process extracts (one edited file) are read with instead of the
set-up a large scan pays once: word lookups instead of compiled word patterns (`Deferred`),
plain string tests instead of small patterns. Each answers what the pattern answers, text by
text, and scans come out the same either way, forked or not, from the cache or not."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.scan import workers
from golive_tui.core.scan.detectors.go import extractor, rules, tree
from golive_tui.core.scan.detectors.go.checks import headers, routes
from golive_tui.core.scan.engine import scan


def _uncompiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `Deferred` pattern as in a process that has asked for none yet."""
    for deferred in rules.Deferred._every:
        monkeypatch.setattr(deferred, "_pattern", None)
        monkeypatch.setattr(deferred, "_asked", 0)


def _compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `Deferred` pattern compiled (as `prepare` leaves them before a fork)."""
    _uncompiled(monkeypatch)  # restored after the test
    rules.compile_deferred()


# --------------------------------------------------------------------------- header names


def _header_texts() -> list[str]:
    names = sorted(rules.rules().headers)
    ways = [
        '"{h}"',
        '"{u}"',
        '"{t}"',
        'w.Header().Set("{t}", v)',
        '"{h}x"',
        'x"{h}"',
        "'{h}'",
        "`{h}`",
        '"{h}',
        '{h}"',
        '" {h}"',
        '"{h}" é',  # not ASCII: the pattern answers
    ]
    texts = ["", "package p\n", '"x-frame"', '"ſtrict-transport-ſecurity"', '"x-frame-options"']
    for way in ways:
        texts.append("\n".join(way.format(h=h, u=h.upper(), t=h.title()) for h in names))
        texts.extend(way.format(h=h, u=h.upper(), t=h.title()) for h in names[:2])
    return texts


@pytest.mark.parametrize("index", range(len(_header_texts())))
def test_header_lookups_answer_what_the_pattern_answers(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _header_texts()[index]
    expected = headers._HEADER_WORD._build().search(text) is not None
    _uncompiled(monkeypatch)
    assert headers._has_header_word(text) is expected
    _compiled(monkeypatch)
    assert headers._has_header_word(text) is expected


# --------------------------------------------------------------------------- route segments


def _route_texts() -> list[str]:
    segments = sorted(routes._segments())
    after = ["", " ", "x", "_", "1", "-", "/", '"', "é", "²", "\u0301", "\n", "Z"]
    texts = ["", "package p\n", "/HEALTHZ", "?healthz", "health", "/heal", "x/healthzz/ready"]
    for a in after:
        texts.append(" ".join(f"/{s}{a}" for s in segments))
        texts.extend(f'r.Get("/{s}{a}", h)' for s in segments[:3])
        texts.extend(f"/{s}{a}" for s in segments[-2:])
    texts += [
        "/healthx " * 100,  # past the lookups' bound: the pattern answers
        "/healthx " * 100 + "/health)",
        "/healthx " * (routes._MAX_LOOKS - 1) + "/health)",
        "/healthx " * routes._MAX_LOOKS + "/health",
    ]
    return texts


@pytest.mark.parametrize("index", range(len(_route_texts())))
def test_route_lookups_answer_what_the_pattern_answers(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _route_texts()[index]
    expected = routes._ROUTE_WORD._build().search(text) is not None
    _uncompiled(monkeypatch)
    assert routes._has_route_word(text) is expected
    _compiled(monkeypatch)
    assert routes._has_route_word(text) is expected


@pytest.mark.parametrize("index", range(len(_route_texts())))
def test_a_quoted_segment_is_what_the_quoted_pattern_finds(index: int) -> None:
    text = _route_texts()[index]
    for s in sorted(routes._segments())[:4]:
        text += f' "{s}" "{s} "{s.upper()}" '[: 3 + len(s) * (index % 3)]
    pattern = re.compile(rf"\"{rules.trie(routes._segments())}\"")
    assert routes._has_bare_word(text) is (pattern.search(text) is not None)


def test_tries_are_built_once_per_set_of_words() -> None:
    words = ["b", "ab", "abc", "a"]
    first = rules.trie(words)
    assert rules.trie(reversed(words)) is first
    assert first == rules._trie(frozenset(words)) == "(?:a(?:b(?:c)?)?|b)"


# --------------------------------------------------------------------------- whole files

SERVER = """package main

import (
\t"net/http"
\t"os"
\t"os/signal"
)

func main() {
\tc := make(chan os.Signal, 1)
\tsignal.Notify(c, os.Interrupt)
\tmux := http.NewServeMux()
\tmux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
\t\tw.Header().Set("X-Content-Type-Options", "nosniff")
\t})
\tmux.Handle("/metrics", nil)
\tsrv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5}
\t_ = srv.ListenAndServe()
}
"""

JOINED = """package api

import "net/http"

func register(mux *http.ServeMux, name string, h http.HandlerFunc) {
\tmux.HandleFunc("/"+name, h)
}

func init() {
\tregister(http.DefaultServeMux, "readyz", nil)
\tregister(http.DefaultServeMux, "status", nil)
}
"""

HEADERS = """package web

import "net/http"

func secure(w http.ResponseWriter) {
\tw.Header().Set("STRICT-TRANSPORT-SECURITY", "max-age=0")
\tw.Header().Set("x-frame-options", "DENY")
\tw.Header().Add("Content-Security-Policy", "default-src 'self'")
\tw.Header().Set("Access-Control-Allow-Origin", "*")
}
"""

UNICODE = """package web

import "net/http"

// Ünïcode text: the patterns answer.
func h(w http.ResponseWriter) {
\tw.Header().Set("X-Frame-Options", "DENY")
\thttp.Handle("/livez", nil)
}
"""

NONE = (
    'package util\n\nimport "strings"\n\nfunc Up(s string) string { return strings.ToUpper(s) }\n'
)

FILES = {
    "go.mod": "module example.com/svc\n\ngo 1.22\n",
    "cmd/svc/main.go": SERVER,
    "internal/api/joined.go": JOINED,
    "internal/web/headers.go": HEADERS,
    "internal/web/unicode.go": UNICODE,
    "internal/util/util.go": NONE,
}


@pytest.mark.parametrize("path", sorted(p for p in FILES if p.endswith(".go")))
def test_a_file_extracts_alike_with_lookups_and_with_patterns(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract = extractor.GoSourceExtractor().extract
    _uncompiled(monkeypatch)
    looked_up = extract(path, FILES[path])
    if FILES[path].isascii():  # text that is not ASCII is left to the header pattern
        assert all(d._pattern is None for d in rules.Deferred._every)
    _compiled(monkeypatch)
    assert extract(path, FILES[path]) == looked_up


@pytest.mark.parametrize("text", list(FILES.values()) + _header_texts()[:8] + _route_texts()[:8])
def test_gates_open_alike_with_lookups_and_with_patterns(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = {"net/http": {"http"}, "os/signal": {"signal"}}
    f = tree.File("package p\n" + text, names, {})
    _compiled(monkeypatch)
    compiled = extractor._gates(f)
    _uncompiled(monkeypatch)
    assert extractor._gates(f) == compiled


def _plain(results: Any) -> list[Any]:
    return [
        (r.id, r.status, r.summary, [(e.path, e.line, e.polarity, e.facts) for e in r.evidence])
        for r in results
    ]


@pytest.mark.parametrize("cpus", [1, 2])
def test_scans_come_out_the_same_with_lookups_and_with_patterns(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, cpus: int
) -> None:
    monkeypatch.setattr(workers, "_cpus", lambda: cpus)
    monkeypatch.setattr(workers, "_free_cpus", lambda n: n)  # as on an idle machine
    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 1)
    root = make_repo(FILES)
    _compiled(monkeypatch)
    expected = _plain(scan(root, use_cache=False, all_code=True).results)
    found = {r[0]: r[3] for r in expected}
    assert len(found["go.http.health_endpoints"]) == 3 and found["go.cors"]  # every file's
    _uncompiled(monkeypatch)
    assert _plain(scan(root, use_cache=False, all_code=True).results) == expected  # all read
    _uncompiled(monkeypatch)
    assert _plain(scan(root, all_code=True).results) == expected  # the cache filled
    with (root / "internal/web/headers.go").open("a") as out:
        out.write("// edited\n")
    _uncompiled(monkeypatch)
    edited = scan(root, all_code=True)  # one file read, the rest from the cache
    assert edited.stats.files_read == 1 and _plain(edited.results) == expected


def test_one_file_compiles_no_word_pattern(tmp_path: Path) -> None:
    """One file extracted: no deferred pattern compiled; once a pattern was asked for
    `FEW_TEXTS` times, it is compiled and used."""
    code = f"""
        from golive_tui.core.scan.detectors.go import extractor, rules
        e = extractor.GoSourceExtractor()
        text = {SERVER!r}
        one = e.extract("main.go", text)
        print(sum(d._pattern is not None for d in rules.Deferred._every))
        for i in range(rules.FEW_TEXTS):
            assert e.extract("main.go", text) == one
        print(sum(d._pattern is not None for d in rules.Deferred._every))
        print(len(rules.Deferred._every))
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env={"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    none, every, count = done.stdout.split()
    assert none == "0" and every == count and int(count) >= 2


# --------------------------------------------------------------------------- small patterns


def _default_name_by_patterns(path: str) -> str:
    """imports.default_name as it was, every pattern asked (the package names aside)."""
    parts = path.split("/")
    last = parts[-1]
    if re.fullmatch(r"v\d+", last) and len(parts) > 1:
        last = parts[-2]
    last = re.sub(r"\.v\d+$", "", last)
    if last.startswith("go-") and len(last) > 3:
        last = last[3:]
    return re.sub(r"\W", "_", last)


IMPORT_PATHS = [
    "",
    "v",
    "v2",
    "x/v",
    "x/v2",
    "x/v2a",
    "x/v²",
    "x/v٣",
    "github.com/go-chi/chi/v5",
    "gopkg.in/yaml.v3",
    "gopkg.in/yaml.v3\n",
    "x/a.v1.v2",
    "x/a.vx",
    "go-",
    "x/go-redis",
    "x/go-redis.v8",
    "x/my-lib",
    "x/my_lib",
    "x/ünïcode",
    "x/a b",
    "x/a\u0301",
    "x/ⅻ",
    "x/_",
    "x/.",
    "github.com/sirupsen/logrus",
]


@pytest.mark.parametrize("path", IMPORT_PATHS)
def test_default_names_are_what_the_patterns_gave(path: str) -> None:
    from golive_tui.core.scan.detectors.go import imports

    known = rules.rules().package_names.get(path)
    expected = known or _default_name_by_patterns(path)
    assert imports.default_name.__wrapped__(path) == expected


ROUTES = ["", "/healthz", "GET /healthz", "GET\t/x", "get /x", "GET", "GET ", "POST\n/x", "Ä /x"]


@pytest.mark.parametrize("route", [*ROUTES, " GET /x", "{id}/x", "PATCH  /a?b"])
def test_a_method_prefix_needs_a_capital_first(route: str) -> None:
    method = re.match(r"^([A-Z]+)\s+(.*)$", route)
    assert method is None or "A" <= route[:1] <= "Z"


@pytest.mark.parametrize("path", ["", "/", "/a/b", "/a?b=c", "?/", "//x??y/", "/HEALTHZ?x"])
def test_segments_split_on_slash_and_question_mark(path: str) -> None:
    assert [s for s in re.split(r"[/?]", path) if s] == [
        s for s in path.replace("?", "/").split("/") if s
    ]


# --------------------------------------------------------------------------- ASCII regexes

_ASCII_OUT = {"w": "[[:word:]]", "W": "[^[:word:]]", "s": "[[:space:]]", "S": "[^[:space:]]"}
_ASCII_OUT |= {"d": "[0-9]", "D": "[^0-9]", "b": r"(?-u:\b)", "B": r"(?-u:\B)"}
_ASCII_IN = {"w": "[:word:]", "s": "[:space:]", "d": "0-9"}


def _ascii_by_characters(regex: str) -> str:
    """tree.ascii_regex as it was: character by character."""
    out: list[str] = []
    in_class = False
    i, n = 0, len(regex)
    while i < n:
        c = regex[i]
        if c == "\\" and i + 1 < n:
            e = regex[i + 1]
            table = _ASCII_IN if in_class else _ASCII_OUT
            if e in table:
                out.append(table[e])
            elif in_class and e in "WSDbB":
                return regex
            else:
                out.append(regex[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "[":
                if regex.startswith("[:", i):
                    j = regex.find(":]", i + 2)
                    if j < 0:
                        return regex
                    out.append(regex[i : j + 2])
                    i = j + 2
                    continue
                return regex
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and regex[i] == "^":
                out.append("^")
                i += 1
            if i < n and regex[i] == "]":
                out.append("]")
                i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _family_regexes() -> list[str]:
    """Every regex of the one rule with every gate open, for a file importing everything."""
    names = {p: {n} for p, n in extractor._DEFAULT_NAMES.items()}
    names["github.com/rs/cors"] = {"cors"}
    f = tree.File("package p\n// é\n", names, {})
    config, _ = extractor._rule(f, {g.name for g in extractor.GATES})
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                found.append(v) if k == "regex" and isinstance(v, str) else walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(config)
    return found


def _crafted_regexes() -> list[str]:
    import random

    fixed = [
        "",
        "\\",
        "a\\",
        "[\\",
        "[a\\",
        r"\w+",
        r"[\w.]+",
        r"[^\s]",
        r"[]\w]x",
        r"[^]\d]",
        r"[[:word:]\w]",
        r"[[:word\w]",
        r"[a[b]]\w",
        r"[\W]",
        r"\\w",
        r"]\w[",
        r"[\]\w]",
        r"(?i)\bx\B\D\S\W",
    ]
    pick = random.Random(16)
    alphabet = ["\\", "[", "]", "^", ":", "w", "W", "s", "d", "b", "B", "a", "."]
    return fixed + ["".join(pick.choices(alphabet, k=pick.randint(1, 12))) for _ in range(3000)]


def test_ascii_regexes_are_what_the_character_loop_wrote() -> None:
    regexes = _family_regexes()
    assert len(regexes) >= 5 and any("\\w" in r for r in regexes)
    for regex in regexes + _crafted_regexes():
        assert tree.ascii_regex.__wrapped__(regex) == _ascii_by_characters(regex), regex


@pytest.mark.parametrize(
    "text",
    ["", "ReadTimeout: 5", "readTimeout = 10 * time.Second", "TIMEOUT = 5", "timeouts := x"],
)
def test_a_timeout_definition_holds_its_letters(text: str) -> None:
    from golive_tui.core.scan.detectors.go.checks import timeouts

    assert timeouts._DEFINES().search(text) is None or "imeout" in text


def test_ast_grep_and_fragments_are_loaded_by_the_first_parse(tmp_path: Path) -> None:
    """A file that opens no gate is extracted without ast-grep's extension module and the
    fragments module; the first file that is parsed loads them, with the same results as a
    process that had them loaded."""
    code = f"""
        import sys
        from golive_tui.core.scan.detectors.go import extractor, tree
        e = extractor.GoSourceExtractor()
        def loaded():
            return ("ast_grep_py.ast_grep_py" in sys.modules,
                    "golive_tui.core.scan.detectors.go.fragments" in sys.modules)
        plain = e.extract("util.go", {NONE!r})
        print(*loaded(), plain.meta["parsed"])
        parsed = e.extract("main.go", {SERVER!r})
        print(*loaded(), parsed.meta["parsed"])
        print(parsed == e.extract("main.go", {SERVER!r}), parsed.errors)
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env={"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.split("\n")[:3] == ["False False False", "True True True", "True ()"]
