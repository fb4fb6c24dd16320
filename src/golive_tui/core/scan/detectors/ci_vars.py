"""Variables on the way from a CI step to a tool: what `"$@"`, `$FLAGS`, `${FLAGS:--race}`,
`${{ matrix.race }}` and `{{.FLAGS}}` stand for, as far as the files say.

Nothing is ever run: a reference is replaced only by a value written in the repository (a
script's assignment, the environment a CI step sets, the arguments a caller passes, a matrix
value). What cannot be resolved stays as written, and the caller reports "could not tell".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

#: A reference in a word whose quotes are already removed: `$@`, `$*`, `$1`, `${1}`, `$NAME`,
#: `${NAME}`, `${NAME:-default}` / `${NAME-default}` / `${NAME:=default}`.
_REF = re.compile(
    r"\$(?:(?P<special>[@*])|(?P<digit>[0-9])|\{(?P<bname>[A-Za-z_][A-Za-z0-9_]*|[0-9]+)"
    r"(?:\[[@*]\])?(?:(?P<op>:?[-=])(?P<default>[^}$]*))?\}|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)
_LONE_ARGS = frozenset({"$@", "$*", "${@}", "${*}"})
#: Most values a matrix variable may take before the step is "could not tell" (bounded work).
MAX_MATRIX = 8


def unresolved(word: str) -> bool:
    """A word still holding a shell, make, Taskfile or GitHub expression reference."""
    return "$" in word or "{{" in word


def substitute(
    words: Sequence[str], args: Sequence[str] | None, names: Mapping[str, str]
) -> tuple[str, ...]:
    """`words` with positional parameters and variables replaced where their value is known.

    `args` None: the positional parameters are unknown (left as written); `[]`: none given.
    A lone `$@` / `$*` word becomes the arguments, one word each (as `"$@"` does)."""
    out: list[str] = []
    for word in words:
        if word in _LONE_ARGS and args is not None:
            out.extend(args)
            continue

        def repl(m: re.Match[str]) -> str:
            if m.group("special"):
                return " ".join(args) if args is not None else m.group(0)
            key = m.group("digit") or m.group("bname") or m.group("name")
            if key.isdigit():
                if args is None:
                    return m.group(0)
                index = int(key)
                return args[index - 1] if 0 < index <= len(args) else ""
            if key in names:
                value = names[key]
                if m.group("op") and (value == "" and ":" in m.group("op")):
                    return m.group("default") or ""
                return value
            if m.group("op"):  # unset (nothing in the files sets it): the default applies
                return m.group("default") or ""
            return m.group(0)

        new = _REF.sub(repl, word)
        # `"$FLAGS"` with FLAGS="-race -count=1" is one word; unquoted it splits. The quotes
        # are gone by now, so split on blanks: flags are read the same either way.
        out.extend(new.split() if new != word and not unresolved(new) else [new] if new else [])
    return tuple(out)


#: A word that is one reference (`$FLAGS`, `${FLAGS}`, `$(FLAGS)` left by make, `"$@"`,
#: `${{ matrix.flags }}`, `{{.FLAGS}}`), possibly after `-x=`: what may hold flags.
_WHOLE_REF = re.compile(
    r"(?:-[\w-]+=)?(?:\$[@*0-9]|\$\{[@*0-9]\}|\$\{\{[^}]*\}\}|\{\{[^}]*\}\}"
    r"|\$[({]?(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::?[-=][^}]*)?[)}]?)"
)
#: Names that hold packages, paths, tags or a timeout, never the race flag.
_NOT_FLAGS = re.compile(
    r"(?i)PKG|PACKAGE|DIR|PATH|FILE|MODULE|TIMEOUT|COVER|OUT|TAGS|TARGET|VERSION|^GO$|^GOCMD$|^GO_?BIN"
)


def flags_unknown(cmd: Any) -> bool:
    """A test command some of whose arguments (or GOFLAGS) are a reference that may hold
    -race: `go test $(GO_TEST_FLAGS) ./...`, `go test "$@"`. A package list such as
    `$(go list ./...)` or `$PKGS` is not one."""
    from golive_tui.core.scan.detectors import shell

    _, args, env = shell.program(cmd)
    words = [*args, *(w[len("GOFLAGS=") :] for w in env if w.startswith("GOFLAGS="))]
    for word in words:
        m = _WHOLE_REF.fullmatch(word)
        if m and not (m.group("name") and _NOT_FLAGS.search(m.group("name"))):
            return True
    return False


# --------------------------------------------------------------------------- templates

_GH_EXPR = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
_TASK_VAR = re.compile(r"\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


#: `matrix['db']` / `env["X"]`: GitHub's index form of `matrix.db` / `env.X`.
_INDEXED = re.compile(r"""^(matrix|env)\[\s*(['"])([A-Za-z0-9_-]+)\2\s*\]$""")


def _dotted(expr: str) -> str:
    """An expression's `matrix.x` / `env.X` form (focalboard writes `matrix['db']`)."""
    m = _INDEXED.match(expr)
    return f"{m.group(1)}.{m.group(3)}" if m else expr


def github_refs(text: str) -> set[str]:
    """The `matrix.x` names a piece of text refers to as `${{ matrix.x }}` (or `matrix['x']`)."""
    return {
        expr[len("matrix.") :]
        for m in _GH_EXPR.finditer(text)
        if re.fullmatch(r"matrix\.[A-Za-z0-9_-]+", expr := _dotted(m.group(1)))
    }


def github_expand(text: str, matrix: Mapping[str, str], env: Mapping[str, str]) -> str:
    """`${{ matrix.x }}` / `${{ env.X }}` replaced by a known value (else left as written)."""

    def repl(m: re.Match[str]) -> str:
        expr = _dotted(m.group(1))
        if expr.startswith("matrix.") and expr[7:] in matrix:
            return matrix[expr[7:]]
        if expr.startswith("env.") and expr[4:] in env:
            return env[expr[4:]]
        return m.group(0)

    return _GH_EXPR.sub(repl, text) if "${{" in text else text


def matrix_variants(matrix: Mapping[str, list[str]], used: set[str]) -> list[dict[str, str]] | None:
    """Every combination of the values of the matrix variables `used` (None: too many, or
    one the matrix does not list - e.g. a `fromJSON(...)` matrix): a tool run is found when
    some leg of the matrix runs it."""
    variants: list[dict[str, str]] = [{}]
    for name in sorted(used):
        values = matrix.get(name)
        if not values or len(values) * len(variants) > MAX_MATRIX * 4:
            return None
        variants = [{**v, name: value} for v in variants for value in values]
    return variants


def task_expand(text: str, names: Mapping[str, str]) -> str:
    """Taskfile `{{.NAME}}` replaced by a known value (else left as written)."""
    if "{{" not in text:
        return text
    return _TASK_VAR.sub(lambda m: names.get(m.group(1), m.group(0)), text)


def assignments(words: Sequence[str]) -> dict[str, str]:
    """`NAME=value` words (a command's env prefix, a make or task command-line override)."""
    out: dict[str, str] = {}
    for word in words:
        m = re.match(r"([A-Za-z_][\w.-]*)=(.*)", word, re.S)  # make allows `test-flags=`
        if m:
            out[m.group(1)] = m.group(2)
    return out
