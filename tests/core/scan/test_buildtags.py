"""Build constraints for the deploy target (buildtags.py) and their use by the scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.model import Status
from golive_tui.core.scan import buildtags
from golive_tui.core.scan.buildtags import Target, matches, parse_target
from golive_tui.core.scan.config import ConfigError
from golive_tui.core.scan.engine import scan

LINUX = Target()
ARM = parse_target("linux/arm64")
WINDOWS = parse_target("windows/amd64")


@pytest.mark.parametrize(
    ("path", "head", "target", "expected"),
    [
        ("a/signal_windows.go", b"package a\n", LINUX, False),
        ("a/signal_windows.go", b"package a\n", WINDOWS, True),
        ("a/signal_linux.go", b"package a\n", LINUX, True),
        ("a/x_linux_arm64.go", b"package a\n", LINUX, False),
        ("a/x_linux_arm64.go", b"package a\n", ARM, True),
        ("a/x_amd64.go", b"package a\n", LINUX, True),
        ("a/x_amd64_test.go", b"package a\n", ARM, False),
        ("a/linux.go", b"package a\n", WINDOWS, True),  # a plain name, not a suffix
        ("a/x_unix.go", b"package a\n", WINDOWS, True),  # `unix` is no GOOS suffix
        ("a/x.go", b"//go:build windows\n\npackage a\n", LINUX, False),
        ("a/x.go", b"//go:build unix && !darwin\n\npackage a\n", LINUX, True),
        ("a/x.go", b"//go:build unix\n\npackage a\n", WINDOWS, False),
        ("a/x.go", b"//go:build cgo && (amd64 || arm64)\n\npackage a\n", ARM, True),
        ("a/x.go", b"//go:build go1.21\n\npackage a\n", LINUX, True),
        ("a/x.go", b"//go:build ignore\n\npackage a\n", LINUX, False),
        ("a/x.go", b"// Copyright\n\n// +build linux,386 darwin\n\npackage a\n", LINUX, False),
        ("a/x.go", b"// +build linux darwin\n// +build !arm64\n\npackage a\n", ARM, False),
        ("a/x.go", b"// +build linux darwin\n// +build !arm64\n\npackage a\n", LINUX, True),
        ("a/x.go", b"/* block */\n//go:build !linux\npackage a\n", LINUX, False),
        ("a/x.go", b"package a\n\n//go:build windows\n", LINUX, True),  # after package: no
        ("a/x.go", b"//go:build (windows\n\npackage a\n", LINUX, True),  # malformed: kept
        ("a/x.go", b"//go:build " + b"!" * 2000 + b"linux\npackage a\n", LINUX, True),  # too long
        ("a/x.go", b"//go:build " + b"(" * 100 + b"linux" + b")" * 100 + b"\n", LINUX, True),
    ],
)
def test_matches(path: str, head: bytes, target: Target, expected: bool) -> None:
    assert matches(path, head, target) is expected


def test_tags_of_a_target() -> None:
    android = parse_target("android/arm64")
    assert android.has("linux") and android.has("unix") and not android.has("windows")
    assert not Target(cgo=False).has("cgo") and Target(tags=frozenset({"netgo"})).has("netgo")
    with pytest.raises(buildtags.TargetError, match="GOOS/GOARCH"):
        parse_target("linux")
    with pytest.raises(buildtags.TargetError, match="known GOARCH"):
        parse_target("linux/z80")


MAIN = """\
package main

import (
\t"os"
\t"os/signal"
\t"syscall"
)

func main() {
\tc := make(chan os.Signal, 1)
\tsignal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
\t<-c
}
"""

WINDOWS_ONLY = """\
package main

import (
\t"os"
\t"os/signal"
)

func notifyWindows(c chan os.Signal) {
\tsignal.Notify(c, os.Interrupt)
}
"""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("signal_windows.go", WINDOWS_ONLY),
        ("signal_other.go", "//go:build windows || plan9\n\n" + WINDOWS_ONLY),
    ],
    ids=["file-name", "go-build-line"],
)
def test_a_windows_only_handler_does_not_put_sigterm_at_risk(
    make_repo: RepoFactory, name: str, text: str
) -> None:
    root = make_repo({"go.mod": "module x\n\ngo 1.25\n", "main.go": MAIN, name: text})
    report = scan(root, only=["go.signal.sigterm"], use_cache=False)
    assert report.result("go.signal.sigterm").status is Status.FOUND
    assert [p for p, _ in report.stats.excluded_for_target] == [name]
    stats = report.to_json()["stats"]
    assert stats["target"] == "linux/amd64"
    assert stats["excluded_for_target"][0]["path"] == name
    assert "excludes linux/amd64" in stats["excluded_for_target"][0]["reason"]


def test_the_twin_built_for_windows_is_at_risk(make_repo: RepoFactory) -> None:
    """The same handler in a file every build compiles does put SIGTERM at risk."""
    root = make_repo({"go.mod": "module x\n\ngo 1.25\n", "main.go": MAIN, "sig.go": WINDOWS_ONLY})
    report = scan(root, only=["go.signal.sigterm"], use_cache=False)
    assert report.result("go.signal.sigterm").status is Status.PARTIAL
    assert report.stats.excluded_for_target == ()


def test_the_target_is_configurable(make_repo: RepoFactory) -> None:
    files = {
        "go.mod": "module x\n\ngo 1.25\n",
        "main_windows.go": MAIN,
        ".golive/config.toml": '[scan]\ntarget = "windows/amd64"\n',
    }
    root = make_repo(files)
    report = scan(root, only=["go.signal.sigterm"], use_cache=False)
    assert report.result("go.signal.sigterm").status is Status.FOUND
    assert report.stats.target == "windows/amd64" and report.stats.excluded_for_target == ()
    # the same repository scanned twice with a cache: the second scan agrees
    first = scan(root, only=["go.signal.sigterm"])
    second = scan(root, only=["go.signal.sigterm"])
    assert json.dumps(first.to_json()["detectors"]) == json.dumps(second.to_json()["detectors"])


def test_a_bad_target_is_a_located_config_error(make_repo: RepoFactory) -> None:
    root = make_repo(
        {".golive/config.toml": '[scan]\ntarget = "linux/z80"\n', "a.go": "package a\n"}
    )
    with pytest.raises(ConfigError, match=r"config.toml:2: scan.target: expected a known GOARCH"):
        scan(root, use_cache=False)


def test_header_excluded_files_keep_out_of_the_cache_path(make_repo: RepoFactory) -> None:
    """A file whose header excludes the target stays excluded on a warm (cached) scan."""
    files = {
        "go.mod": "module x\n\ngo 1.25\n",
        "main.go": MAIN,
        "w.go": "//go:build windows\n\n" + WINDOWS_ONLY,
    }
    root: Path = make_repo(files)
    for _ in range(2):
        report = scan(root, only=["go.signal.sigterm"])
        assert report.result("go.signal.sigterm").status is Status.FOUND
        assert [p for p, _ in report.stats.excluded_for_target] == ["w.go"]


def test_scan_text_says_how_many_files_the_build_leaves_out(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    from golive_tui import cli

    root = make_repo(
        {"go.mod": "module x\n\ngo 1.25\n", "main.go": MAIN, "signal_windows.go": WINDOWS_ONLY}
    )
    assert cli.main(["scan", "-C", str(root), "--detector", "go.signal.sigterm", "--no-cache"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "1 Go files outside the linux/amd64 build" in out


def test_exclude_gives_each_file_its_reason_and_keeps_the_others_in_order() -> None:
    """`target.exclude` over a listing's facts: files the name leaves out (path_facts), files
    whose header does (names shared across folders, each judged on its own header), the
    rest kept in their order in every family, and the excluded files' errors dropped."""
    from golive_tui.core.scan import target as target_mod
    from golive_tui.core.scan.detectors.base import FileScan, ScannedFile

    linux = parse_target("linux/amd64")

    def header(expr: str | None) -> ScannedFile:
        return ScannedFile("", "b", FileScan(meta={"constraint": expr} if expr else {}))

    headers = {
        "a/main.go": header(None),
        "a/win.go": header("windows"),
        "b/win.go": header("linux"),
        "c/x.go": header("linux && amd64"),
        "d/y.go": header("darwin || windows"),
    }
    family = {p: ScannedFile(p, "b", FileScan()) for p in headers}
    scanned = {target_mod.HEADERS.name: headers, "go_source": family}
    errors = {"go_source": {"*": ["a/win.go: parse error", "a/main.go: parse error"]}}
    excluded = target_mod.exclude(["e/z_windows.go", "f/README_windows.md"], scanned, errors, linux)
    assert excluded == {
        "e/z_windows.go": "file name excludes linux/amd64",
        "a/win.go": "`//go:build windows` excludes linux/amd64",
        "d/y.go": "`//go:build darwin || windows` excludes linux/amd64",
    }
    assert list(scanned) == ["go_source"]  # the headers' own family is consumed
    assert list(scanned["go_source"]) == ["a/main.go", "b/win.go", "c/x.go"]
    assert errors == {"go_source": {"*": ["a/main.go: parse error"]}}
