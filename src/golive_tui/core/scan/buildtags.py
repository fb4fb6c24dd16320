"""Build constraints for the deploy target: does a Go file belong to the binary that ships?

A service built for linux/amd64 never compiles `signal_windows.go`, nor a file starting with
`//go:build windows`; evidence in such a file says nothing about the service (a Windows-only
handler of os.Interrupt must not put SIGTERM at risk when the Linux build handles it). This is
`go/build`'s rule, for one target:

- file names: `name_GOOS.go`, `name_GOARCH.go`, `name_GOOS_GOARCH.go` (also before `_test`);
- the header (comments and blank lines before `package`): a `//go:build` expression, or else
  legacy `// +build` lines (space = or, comma = and, `!` = not; several lines are and-ed).

Tags true for a target: its GOOS and GOARCH, `unix` for Unix-like systems, `linux` for
android, `darwin` for ios, `solaris` for illumos, `cgo` when cgo is on, `gc`, every `go1.N`,
and the extra tags configured. A constraint golive cannot read (too long, malformed) keeps the
file: unsure is never a reason to drop evidence.

Pure: no I/O. `matches(path, head, target)` is the whole API other parts use.
"""

from __future__ import annotations

import re

from golive_tui.core.tuples import NamedTuple

KNOWN_OS = frozenset(
    {
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "js",
        "linux",
        "nacl",
        "netbsd",
        "openbsd",
        "plan9",
        "solaris",
        "wasip1",
        "windows",
        "zos",
    }
)
KNOWN_ARCH = frozenset(
    {
        "386",
        "amd64",
        "amd64p32",
        "arm",
        "armbe",
        "arm64",
        "arm64be",
        "loong64",
        "mips",
        "mipsle",
        "mips64",
        "mips64le",
        "mips64p32",
        "mips64p32le",
        "ppc",
        "ppc64",
        "ppc64le",
        "riscv",
        "riscv64",
        "s390",
        "s390x",
        "sparc",
        "sparc64",
        "wasm",
    }
)
UNIX_OS = frozenset(
    {
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "linux",
        "netbsd",
        "openbsd",
        "solaris",
    }
)
_IMPLIES = {"android": "linux", "ios": "darwin", "illumos": "solaris"}
#: Longest constraint expression evaluated; a longer one keeps its file (bounded work).
MAX_EXPRESSION = 1024
#: How much of a file's start holds its header (the engine passes at most this much).
HEAD_BYTES = 8192
_TAG = re.compile(r"[A-Za-z0-9_.]+")
_GO_RELEASE = re.compile(r"go1\.\d+")


class TargetError(ValueError):
    """A target that is not `GOOS/GOARCH` with known values."""


class Target(NamedTuple):
    """What the service is built for."""

    goos: str = "linux"
    goarch: str = "amd64"
    cgo: bool = True
    tags: frozenset[str] = frozenset()  # extra `-tags`

    def __str__(self) -> str:
        return f"{self.goos}/{self.goarch}"

    def has(self, tag: str) -> bool:
        """Whether a build tag is satisfied for this target."""
        if tag in (self.goos, self.goarch, "gc") or tag in self.tags:
            return True
        if tag == "unix":
            return self.goos in UNIX_OS
        if tag == "cgo":
            return self.cgo
        if _IMPLIES.get(self.goos) == tag:
            return True
        return _GO_RELEASE.fullmatch(tag) is not None


DEFAULT_TARGET = Target()


def parse_target(text: str) -> Target:
    """`linux/arm64` -> Target; raises TargetError naming what is wrong."""
    goos, sep, goarch = text.strip().partition("/")
    if not sep or not goos or not goarch:
        raise TargetError(f"GOOS/GOARCH such as linux/amd64, got {text!r}")
    if goos not in KNOWN_OS:
        raise TargetError(f"a known GOOS ({', '.join(sorted(KNOWN_OS))}), got {goos!r}")
    if goarch not in KNOWN_ARCH:
        raise TargetError(f"a known GOARCH ({', '.join(sorted(KNOWN_ARCH))}), got {goarch!r}")
    return Target(goos, goarch)


def matches(path: str, head: bytes, target: Target) -> bool:
    """Whether the Go file at `path`, starting with `head`, is compiled for `target`."""
    return name_matches(path, target) and header_matches(head, target)


def why_not(path: str, head: bytes, target: Target) -> str:
    """Why a file is not compiled for `target` ("" when it is): for listing it apart."""
    if not name_matches(path, target):
        return f"file name excludes {target}"
    expr = constraint(head)
    if expr is not None and not header_matches(head, target):
        return f"`{expr[:80]}` excludes {target}"
    return ""


def name_matches(path: str, target: Target) -> bool:
    """go/build's file-name rule: `_GOOS`, `_GOARCH`, `_GOOS_GOARCH` suffixes."""
    name = path.rsplit("/", 1)[-1]
    stem = name[:-3] if name.endswith(".go") else name
    stem = stem.removesuffix("_test")
    parts = stem.split("_")
    if len(parts) < 2:
        return True  # `linux.go` is a plain name: go/build ignores the first element
    last = parts[-1]
    if len(parts) >= 3 and parts[-2] in KNOWN_OS and last in KNOWN_ARCH:
        return target.has(parts[-2]) and target.has(last)
    if last in KNOWN_OS:
        return target.has(last)
    if last in KNOWN_ARCH:
        return target.has(last)
    return True


def constraint(head: bytes) -> str | None:
    """The file's constraint as one expression: `//go:build`, else `// +build` lines
    translated, else None. Only the header counts (comments and blank lines before code)."""
    text = head[:HEAD_BYTES].decode("utf-8", "replace")
    plus: list[str] = []
    in_block = False
    for raw in text.splitlines():
        line = raw.strip()
        if in_block:
            in_block = "*/" not in line
            continue
        if not line:
            continue
        if line.startswith("/*"):
            in_block = "*/" not in line[2:]
            continue
        if not line.startswith("//"):
            break  # `package` or anything else ends the header
        body = line[2:]
        if body.startswith("go:build") and (len(body) == 8 or body[8] in " \t"):
            return body[8:].strip()
        stripped = body.strip()
        if stripped.startswith("+build") and (len(stripped) == 6 or stripped[6] in " \t"):
            option = _plus_line(stripped[6:])
            if option:
                plus.append(option)
    if not plus:
        return None
    return " && ".join(f"({p})" for p in plus)


def _plus_line(line: str) -> str:
    """`// +build linux,amd64 darwin` -> `(linux && amd64) || (darwin)`."""
    options = []
    for option in line.split():
        terms = [t for t in option.split(",") if t]
        if terms:
            options.append(" && ".join(terms))
    return " || ".join(f"({o})" for o in options)


def header_matches(head: bytes, target: Target) -> bool:
    expr = constraint(head)
    if expr is None:
        return True
    value = evaluate(expr, target)
    return True if value is None else value


def evaluate(expr: str, target: Target) -> bool | None:
    """An expression's value for `target`; None when it is too long or malformed."""
    if len(expr) > MAX_EXPRESSION:
        return None
    tokens = re.findall(r"\|\||&&|!|\(|\)|[A-Za-z0-9_.]+|\S", expr)
    parser = _Parser(tokens, target)
    try:
        value = parser.expr(0)
    except _Malformed:
        return None
    if parser.pos != len(tokens):
        return None
    return value


class _Malformed(Exception):
    pass


class _Parser:
    """Recursive descent over `||`, `&&`, `!`, parentheses and tags (depth-bounded)."""

    def __init__(self, tokens: list[str], target: Target) -> None:
        self.tokens = tokens
        self.pos = 0
        self.target = target

    def _peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def expr(self, depth: int) -> bool:
        if depth > 64:
            raise _Malformed
        value = self._and(depth)
        while self._peek() == "||":
            self.pos += 1
            right = self._and(depth)
            value = value or right
        return value

    def _and(self, depth: int) -> bool:
        value = self._not(depth)
        while self._peek() == "&&":
            self.pos += 1
            right = self._not(depth)
            value = value and right
        return value

    def _not(self, depth: int) -> bool:
        token = self._peek()
        if token == "!":
            self.pos += 1
            if depth > 64:
                raise _Malformed
            return not self._not(depth + 1)
        if token == "(":
            self.pos += 1
            value = self.expr(depth + 1)
            if self._peek() != ")":
                raise _Malformed
            self.pos += 1
            return value
        if _TAG.fullmatch(token):
            self.pos += 1
            return self.target.has(token)
        raise _Malformed
