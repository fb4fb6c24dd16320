"""What a scan that extracts a few Go files (one edited file) builds of the Go family's state:
the trigger words looked up word by word instead of a compiled pattern, and record classes
built without typing's checks. Each gives what the state it stands in for gives."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import defaultdict
from typing import Any

import pytest

from golive_tui.core.scan.detectors.go import extractor, tree

_TEXTS = [
    "",
    "package p\n",
    "signal.Notify(c, syscall.SIGTERM)",
    "sig.NotifyContext(ctx, os.Interrupt)",
    "x.Notifyx(c) x.Notify_(c) x.Notify2(c) x.NotifyÄ(c)",  # longer words: no trigger
    "srv := &http.Server{Addr: a}\nsrv2 := http.Server {}\nsrv3 := http.Server\t{}",
    "http.Server (x) http.Server\n{} http.Server",  # a literal word not before a `{`
    "c.Get(u) c.Get (u) c.Get.Foo() c.Get",  # a call word not right before a `(`
    "db.SetMaxOpenConns(1); db.SetMaxIdleConns(2); db.SetConnMaxLifetime(t)",
    'w.Header().Set("Strict-Transport-Security", v)',
    "..Notify(c) .Notify( a.b.Shutdown(ctx) 1.5.Shutdown",
    "é.Notify(c) ünïcode.Shutdown(ctx) x.Shutdownü(ctx)",
    'r.HandleFunc("/healthz", h) r.Handle("/metrics", promhttp.Handler())',
    "s.ListenAndServe() s.ListenAndServeTLS(c, k) http.ListenAndServe(a, nil)",
    "&tls.Config{MinVersion: tls.VersionTLS12} tls.Config{}",
    '// signal.Notify(c) in a comment\n"http.Server{}" in a string',
    "a" * 60 + ".Notify(c)",
    "f(sig).Notify(c); other.Get(u); s := &http.Server{}",
]


def _compiled(text: str) -> list[tuple[str, int]]:
    return [
        (m.group(1) or m.group(2) or m.group(3), m.start())
        for m in extractor._triggers().finditer(text)
    ]


class _NothingCompiled:
    currsize = 0


def _uncompile(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_trigger_matches` from now on as in a process that has compiled nothing yet."""
    monkeypatch.setattr(extractor, "_extracted", 0)
    monkeypatch.setattr(extractor._triggers, "cache_info", _NothingCompiled)


@pytest.fixture
def uncompiled(monkeypatch: pytest.MonkeyPatch) -> None:
    _uncompile(monkeypatch)


def _every_text() -> list[str]:
    """The table's texts, and every trigger word of every kind written each way."""
    code, calls, literals = extractor._trigger_words()
    words = sorted(code | calls | literals)
    ways = ["x.{w}", "x.{w}(", "x.{w}{{", "x.{w} {{", "x.{w}x(", "x.{w}_{{", "{w}(", ".{w}"]
    return _TEXTS + ["\n".join(way.format(w=w) for w in words) for way in ways]


@pytest.mark.parametrize("index", range(len(_TEXTS) + 8))
@pytest.mark.usefixtures("uncompiled")
def test_word_lookups_find_what_the_pattern_finds(index: int) -> None:
    text = _every_text()[index]
    assert list(extractor._trigger_matches(text)) == _compiled(text)


@pytest.mark.parametrize("text", _TEXTS)
def test_gates_open_alike_with_and_without_the_pattern(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = {"os/signal": {"signal", "sig"}, "net/http": {"http"}, "crypto/tls": {"tls"}}
    f = tree.File("package p\n" + text, names, {})
    seen: list[tuple[set[str], dict[str, set[str]]]] = []
    real = extractor.Seen

    def spy(f: Any, words: set[str], receivers: defaultdict[str, set[str]]) -> Any:
        seen.append((set(words), dict(receivers)))
        return real(f, words, receivers)

    monkeypatch.setattr(extractor, "Seen", spy)
    compiled = extractor._gates(f)
    _uncompile(monkeypatch)
    assert extractor._gates(f) == compiled
    assert seen[0] == seen[1]


def test_a_scan_of_one_go_file_compiles_no_trigger_pattern() -> None:
    """One file extracted: no pattern compiled; after `_UNCOMPILED_FILES` files, or after
    `prepare` (before a fork), the pattern is compiled and used."""
    code = """
        from golive_tui.core.scan.detectors.go import extractor
        e = extractor.GoSourceExtractor()
        text = 'package main\\nimport "os/signal"\\nfunc main() { signal.Notify(c) }\\n'
        one = e.extract("main.go", text)
        print(extractor._triggers.cache_info().currsize)
        for i in range(extractor._UNCOMPILED_FILES):
            assert e.extract("main.go", text) == one
        print(extractor._triggers.cache_info().currsize)
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["0", "1"]


@pytest.mark.parametrize("beside", [True, False], ids=["beside", "not found"])
def test_ast_grep_parses_whether_or_not_its_extension_is_found_beside_the_package(
    beside: bool,
) -> None:
    """The extension module is loaded alone when it is found beside its package; a release
    that names it otherwise still parses, through the package's own import."""
    hide = "" if beside else 'importlib.machinery.EXTENSION_SUFFIXES[:] = [".none-such"]'
    code = f"""
        import importlib.machinery
        import sys
        {hide}
        from golive_tui.core.scan.detectors.go import astgrep
        root = astgrep.SgRoot("package main\\nfunc main() {{}}\\n", "go").root()
        print("ast_grep_py" in sys.modules, root.kind())
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == [str(not beside), "source_file"]
