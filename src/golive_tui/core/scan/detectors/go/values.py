"""Constant values of Go expressions, evaluated where they are literal, said unknown elsewhere.

A timeout is only as good as its value: `ReadHeaderTimeout: 5` is five nanoseconds (an
untyped constant is a `time.Duration` count of nanoseconds), `0` is no timeout at all, and
`cfg.ReadTimeout` is whatever the configuration holds - which may be nothing. So a value is
evaluated when it is built from literals, `time` units and constants declared in the same file,
followed into a struct literal of the same file that sets the field to a literal default, and
otherwise reported as unknown together with where it comes from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from golive_tui.core.scan.detectors.go.tree import File, definitions, named
from golive_tui.core.tuples import NamedTuple

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

_UNITS = {
    "Nanosecond": 1,
    "Microsecond": 1_000,
    "Millisecond": 1_000_000,
    "Second": 1_000_000_000,
    "Minute": 60 * 1_000_000_000,
    "Hour": 3600 * 1_000_000_000,
}
_MAX_DEPTH = 12  # constants defined through constants: bounded


class Value(NamedTuple):
    """A number (nanoseconds for durations), or None with where the value comes from."""

    number: float | None
    source: str = ""  # for an unknown value: the expression it comes from

    @property
    def known(self) -> bool:
        return self.number is not None


def evaluate(f: File, node: SgNode, depth: int = 0) -> Value:
    """The constant value of `node`, or unknown with the expression it depends on."""
    if depth > _MAX_DEPTH:
        return Value(None, node.text())
    kind = node.kind()
    if kind == "int_literal":
        return _int(node.text())
    if kind == "float_literal":
        try:
            return Value(float(node.text().replace("_", "")))
        except ValueError:
            return Value(None, node.text())
    if kind == "literal_element":  # a keyed literal's value
        inner = named(node)
        return evaluate(f, inner[0], depth + 1) if len(inner) == 1 else Value(None, node.text())
    if kind == "parenthesized_expression":
        inner = named(node)
        return evaluate(f, inner[0], depth + 1) if len(inner) == 1 else Value(None, node.text())
    if kind == "unary_expression":
        operand = node.field("operand")
        op = node.field("operator")
        if operand is not None and op is not None and op.text() in ("-", "+"):
            v = evaluate(f, operand, depth + 1)
            if v.number is not None and op.text() == "-":
                return Value(-v.number)
            return v
        return Value(None, node.text())
    if kind == "binary_expression":
        return _binary(f, node, depth)
    if kind == "selector_expression":
        return _selector(f, node, depth)
    if kind == "call_expression":
        return _conversion(f, node, depth)
    if kind == "identifier":
        return _constant(f, node, depth)
    return Value(None, node.text())


def _int(text: str) -> Value:
    try:
        return Value(float(int(text.replace("_", ""), 0)))
    except ValueError:
        return Value(None, text)


def _binary(f: File, node: SgNode, depth: int) -> Value:
    left, right, op = node.field("left"), node.field("right"), node.field("operator")
    if left is None or right is None or op is None:
        return Value(None, node.text())
    a, b = evaluate(f, left, depth + 1), evaluate(f, right, depth + 1)
    if a.number is None:
        return a
    if b.number is None:
        return b
    match op.text():
        case "*":
            return Value(a.number * b.number)
        case "+":
            return Value(a.number + b.number)
        case "-":
            return Value(a.number - b.number)
        case "/" if b.number:
            return Value(a.number / b.number)
        case "<<" if 0 <= b.number < 64:
            return Value(a.number * 2 ** int(b.number))
    return Value(None, node.text())


def _selector(f: File, node: SgNode, depth: int) -> Value:
    """`time.Second` (under any import name of "time"); `cfg.X` followed into a struct literal."""
    operand, fld = node.field("operand"), node.field("field")
    if operand is None or fld is None:
        return Value(None, node.text())
    if (
        operand.kind() == "identifier"
        and f.path_of(operand.text()) == "time"
        and fld.text() in _UNITS
    ):
        return Value(float(_UNITS[fld.text()]))
    return _field_default(f, node, fld.text(), depth)


def _field_default(f: File, node: SgNode, name: str, depth: int) -> Value:
    """A field read from a struct (`cfg.HTTP.ReadTimeout`): followed only when this file sets
    that field in exactly one keyed literal to a value that evaluates; otherwise unknown."""
    values = [
        value
        for value in _keyed(f).get(name, [])
        if value.text() != node.text()  # the use itself (`ReadTimeout: cfg.ReadTimeout`)
    ]
    if len(values) == 1:
        v = evaluate(f, values[0], depth + 1)
        if v.number is not None:
            return v
    return Value(None, node.text())


def _keyed(f: File) -> dict[str, list[SgNode]]:
    """Every keyed element's value in the file by key, found once per file."""
    index: dict[str, list[SgNode]] | None = f.memo.get("keyed")
    if index is None:
        index = {}
        for keyed in f.whole().find_all(kind="keyed_element"):
            kids = named(keyed)
            if len(kids) == 2:
                index.setdefault(kids[0].text(), []).append(kids[1])
        f.memo["keyed"] = index
    return index


def _conversion(f: File, node: SgNode, depth: int) -> Value:
    """`time.Duration(5)` and the like: a conversion keeps the value."""
    fn = node.field("function")
    args = named(node.field("arguments"))
    if (
        fn is not None
        and len(args) == 1
        and fn.text().rsplit(".", 1)[-1] in ("Duration", "int", "int64")
    ):
        return evaluate(f, args[0], depth + 1)
    return Value(None, node.text())


def _constant(f: File, node: SgNode, depth: int) -> Value:
    """An identifier: a constant or variable this file assigns exactly one value to."""
    key = "def:" + node.text()
    values: list[SgNode] | None = f.memo.get(key)
    if values is None:
        values = f.memo[key] = definitions(f.whole(), node.text())
    if len(values) == 1:
        v = evaluate(f, values[0], depth + 1)
        if v.number is not None:
            return v
    return Value(None, node.text())


def duration(ns: float) -> str:
    """A duration the way Go prints one (5ns, 1.5s, 2m0s is shown as 2m)."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    for unit, size in (("h", 3.6e12), ("m", 6e10), ("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= size:
            amount = ns / size
            text = f"{amount:.3f}".rstrip("0").rstrip(".")
            return f"{sign}{text}{unit}"
    return f"{sign}{ns:g}ns"
