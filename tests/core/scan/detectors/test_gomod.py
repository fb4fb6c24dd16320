"""go.mod parsing and gomod.go_version."""

from __future__ import annotations

import pytest

from golive_tui.core.model import Polarity, Status
from golive_tui.core.scan.detectors import gomod
from golive_tui.core.scan.detectors.base import ScannedFile

EX = gomod.EXTRACTORS[0]

FULL = """\
// A comment mentioning go 1.13 must not count.
module "example.com/svc" // quoted path

go 1.24.3

toolchain go1.25.1

godebug (
\tdefault=go1.21
)

require (
\tgithub.com/a/b v1.2.3 // indirect
\tgolang.org/x/sync v0.7.0
)

replace example.com/old => ../old
exclude github.com/a/b v1.0.0
retract [v1.0.0, v1.0.5] // broken
"""


def run(files: dict[str, str], extra: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    scanned = {p: ScannedFile(p, "b" * 40, EX.extract(p, t)) for p, t in files.items()}
    return EX.finalize(scanned, (*files, *extra))[0]


def test_full_go_mod() -> None:
    result = run({"go.mod": FULL})
    assert result.status is Status.FOUND
    (ev,) = result.evidence
    assert (ev.path, ev.line, ev.polarity, ev.blob) == ("go.mod", 4, Polarity.POSITIVE, "b" * 40)
    assert dict(ev.facts) == {"module": "example.com/svc", "go": "1.24.3", "toolchain": "go1.25.1"}


def test_several_go_mods_and_absent_directives() -> None:
    result = run({"go.mod": "module a\n\ngo 1.21\n", "tools/go.mod": "module a/tools\n"})
    assert [(e.path, e.facts["go"], e.facts["toolchain"]) for e in result.evidence] == [
        ("go.mod", "1.21", ""),
        ("tools/go.mod", "", ""),
    ]
    assert "without a go directive" in result.summary


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("module a\ngo 1.22\nfrobnicate x\n", 3, "unknown directive"),
        ("module a\nrequire (\n\tx v1\n", 2, "not closed"),
        ("module a\ngo 1.22.x\n", 2, "invalid go version"),
        ('module "a\n', 1, "unterminated"),
        ("module a\nrequire x\n", 2, "usage"),
    ],
)
def test_malformed_go_mod_is_an_error_with_file_and_line(text: str, line: int, needle: str) -> None:
    result = run({"svc/go.mod": text})
    assert result.status is Status.ERROR
    assert f"svc/go.mod:{line}:" in result.summary and needle in result.summary


def test_malformed_one_does_not_hide_a_good_one() -> None:
    result = run({"go.mod": "module a\ngo 1.25\n", "x/go.mod": "bogus\n"})
    assert result.status is Status.FOUND
    assert "x/go.mod:1" in result.summary


def test_no_go_mod() -> None:
    assert run({}, ("main.go",)).status is Status.MISSING
    assert run({}, ("README.md",)).status is Status.NOT_APPLICABLE


def test_matches_skips_vendor_and_testdata() -> None:
    assert EX.matches("go.mod") and EX.matches("tools/go.mod")
    assert not EX.matches("vendor/x/go.mod") and not EX.matches("a/testdata/go.mod")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("module a\n\ngo 1.16\n", "go 1.16 is older than the oldest supported Go release (1.24"),
        ("module a\n\ngo 1.21\n\ntoolchain go1.23.4\n", "toolchain go1.23.4 does not lift it"),
        ("module a\n", "no go directive (read as go 1.16)"),
    ],
    ids=["old-go-line", "old-toolchain", "no-go-line"],
)
def test_an_unsupported_go_is_contrary(text: str, words: str) -> None:
    result = run({"go.mod": text})
    assert result.status is Status.CONTRARY
    (ev,) = result.evidence
    assert ev.polarity is Polarity.CONTRARY and ev.facts["quality"] == "contrary"
    assert words in str(ev.facts["why"]) and words in result.summary
    assert ev.line == (3 if "go 1" in text else 1)


@pytest.mark.parametrize(
    "text",
    [
        "module a\n\ngo 1.24\n",
        "module a\n\ngo 1.25.4\n",
        "module a\n\ngo 1.21\n\ntoolchain go1.25.1\n",  # the toolchain line pins a supported Go
    ],
    ids=["floor", "newer", "toolchain-lifts"],
)
def test_a_supported_go_is_found(text: str) -> None:
    result = run({"go.mod": text})
    assert result.status is Status.FOUND, result.summary


def test_the_floor_is_one_constant() -> None:
    assert gomod.SUPPORTED_FLOOR == (1, 24) and gomod.SUPPORTED_AS_OF == "2026-12"


@pytest.mark.parametrize("folder", ["man", ".bingo"])  # bingo: thanos's placeholder module
def test_a_tools_module_is_shown_not_judged(folder: str) -> None:
    tool = "module _ // Fake go.mod auto-created by 'bingo'\n\ngo 1.14\n"
    result = run({"go.mod": "module a\n\ngo 1.25\n", f"{folder}/go.mod": tool})
    assert result.status is Status.FOUND
    judged = {e.path: e.facts.get("not_judged", "") == "" for e in result.evidence}
    assert judged == {"go.mod": True, f"{folder}/go.mod": False}


def test_a_line_without_quotes_loses_its_comment_as_the_quote_aware_walk_says() -> None:
    """`_strip_comment`'s quick answer (no quote: the first `//`) is the character walk's."""
    import itertools

    from golive_tui.core.scan.detectors import gomod

    parts = ["require", " ", "a/b", "//", "/", "x", "\t", '"', "`", "\\", "v1.2.3", "//c//", ""]
    lines = {"".join(p) for n in range(1, 5) for p in itertools.product(parts, repeat=n)}
    assert len(lines) > 10_000
    for line in lines:
        assert gomod._strip_comment(line) == gomod._strip_quoted_comment(line), line
