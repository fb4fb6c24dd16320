"""go.mod evidence: which Go (and toolchain) each module declares.

go.mod has its own small grammar (cmd/go's modfile): `//` comments, one directive per line or
a parenthesised block, quoted or back-quoted module paths. Reading it properly means a
`// go 1.13` comment or a `go` inside a replace path never passes for the directive.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from golive_tui.core.evidence import DetectorResult
from golive_tui.core.scan.detectors import common
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile

DETECTOR = "gomod.go_version"
#: The oldest Go release the Go team still supports: each major release is supported until two
#: newer ones exist. As of 2026-12, Go 1.24 and 1.25 are supported. Raise this when a Go
#: release ships (and update SUPPORTED_AS_OF); it is the one place golive knows it.
SUPPORTED_FLOOR = (1, 24)
SUPPORTED_AS_OF = "2026-12"
#: Folders of modules that build tools, docs or examples, not the service: their `go` line
#: is shown but not judged (moby's man/ page generator declares go 1.19).
_NOT_SERVICE_DIRS = frozenset(
    {
        "man",
        "doc",
        "docs",
        "documentation",
        "tools",
        "hack",
        "example",
        "examples",
        "scripts",
        "test",
        "tests",
        "e2e",
        "integration",
        "testing",
        ".bingo",  # bingo's pinned tools: a placeholder module (`module _`) per tool
    }
)
_VERBS = frozenset(
    {
        "module",
        "go",
        "toolchain",
        "godebug",
        "require",
        "exclude",
        "replace",
        "retract",
        "tool",
        "ignore",
    }
)
_BLOCK_VERBS = _VERBS - {"module", "go", "toolchain"}
_GO_VERSION = re.compile(r"1(\.(0|[1-9]\d*)){1,2}((rc|beta)\d+)?$|1$")
_TOOLCHAIN = re.compile(r"go1(\.(0|[1-9]\d*)){1,2}((rc|beta)\d+)?(-[\w.+-]+)?$|default$")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|=>|[^\s()"`]+')


def release(version: str) -> tuple[int, int] | None:
    """(1, N) of a `go` directive (`1.21`, `1.21.3`, `1.22rc1`) or toolchain (`go1.25.1`)."""
    m = re.match(r"(?:go)?1\.(\d+)", version)
    return (1, int(m.group(1))) if m else None


def judge(go: str, toolchain: str) -> tuple[str, str]:
    """(quality, why) of a module's Go version against the supported floor."""
    floor = f"{SUPPORTED_FLOOR[0]}.{SUPPORTED_FLOOR[1]}"
    pinned = release(toolchain)
    if pinned is not None and pinned >= SUPPORTED_FLOOR:
        return "complete", ""
    current = release(go) if go else (1, 16)  # cmd/go reads a missing go line as go 1.16
    if current is not None and current >= SUPPORTED_FLOOR:
        return "complete", ""
    said = f"go {go}" if go else "no go directive (read as go 1.16)"
    return "contrary", (
        f"{said} is older than the oldest supported Go release ({floor}, as of"
        f" {SUPPORTED_AS_OF})"
        + (
            f" and toolchain {toolchain} does not lift it"
            if toolchain
            else ", and no toolchain line"
        )
        + ": the module may build with a Go that gets no security fixes"
    )


class GoModError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class GoMod:
    """What `parse` read, filled in as it goes."""

    # A plain class, not a dataclass: a cold scan imports this module, and `@dataclass`
    # imports inspect (dataclasses ~6 ms for the cold scan's modules) and compiles the
    # class's methods (~0.4 ms).
    __slots__ = ("go", "go_line", "lines", "module", "module_line", "requires", "toolchain")

    def __init__(self) -> None:
        self.module = ""
        self.module_line = 0
        self.go = ""
        self.go_line = 0
        self.toolchain = ""
        self.requires = 0
        self.lines: dict[str, str] = {}  # line text by directive, for snippets


def _tokens(line: str, number: int) -> list[str]:
    code = _strip_comment(line)
    tokens = _TOKEN.findall(code)
    if code.count('"') % 2 or code.count("`") % 2:
        raise GoModError(number, "unterminated quoted string")
    return tokens


def _strip_comment(line: str) -> str:
    if '"' not in line and "`" not in line:
        # No quote, so the first `//` starts the comment: found in C instead of a look per
        # character (most lines of a go.mod: 8x moby's 32 extracted 15.9 -> 4.1 ms).
        at = line.find("//")
        return line if at < 0 else line[:at]
    return _strip_quoted_comment(line)


def _strip_quoted_comment(line: str) -> str:
    """`_strip_comment` of a line holding a quote: a `//` inside quotes is not a comment."""
    quote = ""
    for idx, ch in enumerate(line):
        if quote:
            if ch == "\\" and quote == '"':
                continue
            if ch == quote:
                quote = ""
        elif ch in '"`':
            quote = ch
        elif line.startswith("//", idx):
            return line[:idx]
    return line


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] in '"`' and token[-1] == token[0]:
        return token[1:-1]
    return token


def parse(text: str) -> GoMod:
    """Parse go.mod; raises GoModError(line, message) where `go mod edit` would refuse it."""
    mod = GoMod()
    block: str | None = None
    block_line = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = _tokens(raw, number)
        if not tokens:
            continue
        if block is not None:
            if tokens == [")"]:
                block = None
                continue
            if "(" in tokens or ")" in tokens:
                raise GoModError(number, f"unexpected parenthesis in {block} block")
            _entry(mod, block, tokens, number, raw)
            continue
        verb = tokens[0]
        if verb not in _VERBS:
            raise GoModError(number, f"unknown directive: {verb}")
        if len(tokens) >= 2 and tokens[1] == "(":
            if verb not in _BLOCK_VERBS:
                raise GoModError(number, f"{verb} cannot be a block")
            if len(tokens) > 2:
                raise GoModError(number, "unexpected text after '('")
            block, block_line = verb, number
            continue
        _entry(mod, verb, tokens[1:], number, raw)
    if block is not None:
        raise GoModError(block_line, f"{block} block is not closed")
    return mod


def _entry(mod: GoMod, verb: str, args: list[str], number: int, raw: str) -> None:
    if not args:
        raise GoModError(number, f"{verb} needs an argument")
    if ")" in args or "(" in args:
        raise GoModError(number, "unexpected parenthesis")
    if verb == "module":
        if len(args) != 1:
            raise GoModError(number, "usage: module module/path")
        mod.module, mod.module_line = _unquote(args[0]), number
        mod.lines["module"] = raw.strip()
    elif verb == "go":
        if len(args) != 1 or not _GO_VERSION.match(args[0]):
            raise GoModError(
                number, f"invalid go version {' '.join(args)!r}: must match 1.N or 1.N.P"
            )
        mod.go, mod.go_line = args[0], number
        mod.lines["go"] = raw.strip()
    elif verb == "toolchain":
        if len(args) != 1 or not _TOOLCHAIN.match(args[0]):
            raise GoModError(
                number, f"invalid toolchain {' '.join(args)!r}: must look like go1.N.P"
            )
        mod.toolchain = args[0]
    elif verb == "require":
        if len(args) < 2:
            raise GoModError(number, "usage: require module/path v1.2.3")
        mod.requires += 1
    elif verb == "replace" and "=>" not in args:
        raise GoModError(number, "usage: replace module/path [v1.2.3] => other/module v1.4")


class GoModExtractor:
    name = "gomod"
    version = "3"  # 3: .bingo modules shown, not judged
    detectors = (DETECTOR,)

    skips_go_files = True  # common.GO_FILE_PROMISE: the plan asks it about no Go file

    def matches(self, path: str) -> bool:
        return (
            path.endswith("go.mod")
            and common.basename(path) == "go.mod"
            and not common.is_foreign(path)
        )

    def prefilter(self) -> tuple[bytes, ...] | None:
        return None

    def extract(self, path: str, text: str) -> FileScan:
        try:
            mod = parse(text)
        except GoModError as exc:
            return FileScan(errors=(common.error(exc.line, exc.message),))
        line = mod.go_line or mod.module_line or 1
        snippet = mod.lines.get("go") or mod.lines.get("module") or "go.mod"
        facts: dict[str, object] = {"module": mod.module, "go": mod.go, "toolchain": mod.toolchain}
        quality, why = judge(mod.go, mod.toolchain)
        folders = set(path.split("/")[:-1])
        if why and folders & _NOT_SERVICE_DIRS:
            facts["not_judged"] = "a tools, docs or examples module: not the service's toolchain"
        elif why:
            facts.update(quality=quality, why=why)
        finding = Finding(
            DETECTOR, line, line, "contrary" if "why" in facts else "positive", snippet, facts
        )
        return FileScan(findings=(finding,), meta={"requires": mod.requires})

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        title = common.title_of(DETECTOR)
        if not files:
            has_go = any(p.endswith(".go") for p in all_paths)
            if not has_go:
                return [common.not_applicable(DETECTOR, title, "no go.mod and no Go files")]
            return [common.result(DETECTOR, title, (), "Go files but no go.mod: not a Go module")]
        ev = common.collect(files, DETECTOR)
        if len(ev) == 1:
            f = ev[0].facts
            summary = (
                f"go {f['go'] or '(no go directive)'}"
                + (f", toolchain {f['toolchain']}" if f["toolchain"] else "")
                + f" in {ev[0].path}"
            )
        else:
            versions = sorted({str(e.facts["go"]) or "none" for e in ev})
            summary = f"{len(ev)} go.mod files; go {', '.join(versions)}"
        no_go = [e.path for e in ev if not e.facts["go"]]
        if no_go:
            summary += f" ({len(no_go)} without a go directive)"
        old = [e for e in ev if e.facts.get("why")]
        if old:
            summary += f"; {old[0].path}: {old[0].facts['why']}"
            if len(old) > 1:
                summary += f" (and {len(old) - 1} more)"
        return [
            common.result(DETECTOR, title, ev, summary, errors=common.errors_for(files, DETECTOR))
        ]


EXTRACTORS = (GoModExtractor(),)
