"""`json.dumps(document, indent=2, ensure_ascii=False)`, the same text, mostly at C speed.

Python's C encoder is used only without `indent`, so `golive scan --format json` printed its
document with the pure-Python one (one generator per container, every chunk yielded through
each level). What this buys: 8x moby's 1.6 MB document 17.4 -> 12.9 ms (best of 5; the C
encoder alone takes 5.5 ms for it), and with the memo's rendering of `stats` the warm scan
whose memo misses ~15 ms less CPU (golive's process, 8 paired runs: 261 -> 246 ms).

What is printed is the same because the indented form depends only on a container's depth:
a container whose members are all scalars (or empty containers) prints, at depth `d`, as the
C encoder prints it with the item separator `",\\n" + "  " * (d + 1)` once the first and last
brackets get their line breaks. A string never holds a raw line break (it is escaped), so
nothing else differs. A list of such dicts (excluded files, packages outside the services)
is one C call too (`_records`). Other containers are walked here, one `out.append` per
member. Anything but plain JSON types (str, int, float, bool, None, list,
tuple, dict with str keys), or a Python without the C encoder, prints through `json.dumps`
itself, so the fast path never has to imitate its errors or its `default` handling.
"""

from __future__ import annotations

import json
import json.encoder
from typing import Any

#: The C encoder's constructor (None on a Python without `_json`: json.dumps prints).
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_encode_str = json.encoder.encode_basestring  # the C one when there is one

_INF = float("inf")
#: Types printed inside a flat container by the C encoder exactly as by the Python one.
_SCALARS = frozenset({str, int, float, bool, type(None)})
_is_scalar = _SCALARS.__contains__


class _Unusual(Exception):
    """A value the fast path does not print: the document goes through `json.dumps`."""


def _refuse(_: object) -> object:
    raise _Unusual


def dumps(document: Any) -> str:
    """Exactly `json.dumps(document, indent=2, ensure_ascii=False)`."""
    return "".join(chunks(document))


def chunks(document: Any) -> list[str]:
    """The text of `dumps(document)` in pieces (to join with more without copying it)."""
    if _c_make_encoder is not None:
        out: list[str] = []
        try:
            _Printer(out).value(document, 0)
        except (_Unusual, RecursionError):
            pass
        else:
            return out
    return list(json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(document))


class _Printer:
    __slots__ = ("_flat", "out")

    def __init__(self, out: list[str]) -> None:
        self.out = out
        self._flat: list[Any] = []  # per depth: the C encoder printing a flat container there

    def _encoder(self, level: int) -> Any:
        flat = self._flat
        while len(flat) <= level:
            separator = ",\n" + "  " * (len(flat) + 1)
            assert _c_make_encoder is not None
            # markers None: no cycle check (a flat container holds no container to revisit)
            flat.append(
                _c_make_encoder(
                    None, _refuse, _encode_str, None, ": ", separator, False, False, True
                )
            )
        return flat[level]

    def value(self, o: Any, level: int) -> None:
        kind = type(o)
        if kind is str:
            self.out.append(_encode_str(o))
        elif kind is dict:
            self.mapping(o, level)
        elif kind is list or kind is tuple:
            self.sequence(o, level)
        else:
            self.out.append(_scalar(o))

    def mapping(self, o: dict[Any, Any], level: int) -> None:
        out = self.out
        if not o:
            out.append("{}")
            return
        if not all(map(_is_str, map(type, o))):
            raise _Unusual  # keys that json.dumps converts (or refuses)
        if _flat(o.values()):
            text = "".join(self._encoder(level)(o, 0))
            out.append(f"{{\n{'  ' * (level + 1)}{text[1:-1]}\n{'  ' * level}}}")
            return
        inner = "\n" + "  " * (level + 1)
        first = True
        for key, member in o.items():
            out.append(f"{'{' if first else ','}{inner}{_encode_str(key)}: ")
            first = False
            self.value(member, level + 1)
        out.append(f"\n{'  ' * level}}}")

    def sequence(self, o: list[Any] | tuple[Any, ...], level: int) -> None:
        out = self.out
        if not o:
            out.append("[]")
            return
        if _flat(o):
            text = "".join(self._encoder(level)(o, 0))
            out.append(f"[\n{'  ' * (level + 1)}{text[1:-1]}\n{'  ' * level}]")
            return
        if all(map(_is_dict, map(type, o))) and all(map(_flat_record, o)):
            self._records(o, level)
            return
        inner = "\n" + "  " * (level + 1)
        first = True
        for member in o:
            out.append(f"{'[' if first else ','}{inner}")
            first = False
            self.value(member, level + 1)
        out.append(f"\n{'  ' * level}]")

    def _records(self, o: list[Any] | tuple[Any, ...], level: int) -> None:
        """A list of non-empty dicts of scalars under str keys (excluded files, packages
        outside the services): one C call per batch of them. Printed at the dicts' depth,
        `}` + separator + `{` occurs only between two dicts (inside one, a separator is
        followed by a key's quote, and no member ends with `}`), so it is where the
        indented form closes one dict and opens the next. In batches: the text of a whole
        long list, copied by `replace`, raised the scan's peak memory (8x moby +2.5 MB)."""
        separator = ",\n" + "  " * (level + 2)
        outer, inner = "  " * (level + 1), "  " * (level + 2)
        between = f"\n{outer}}},\n{outer}{{\n{inner}"
        encode = self._encoder(level + 1)
        out = self.out
        out.append(f"[\n{outer}{{\n{inner}")
        for start in range(0, len(o), _BATCH):
            if start:
                out.append(between)
            text = "".join(encode(o[start : start + _BATCH], 0))
            out.append(text[2:-2].replace(f"}}{separator}{{", between))
        out.append(f"\n{outer}}}\n{'  ' * level}]")


#: Records printed by one C call (`_Printer._records`).
_BATCH = 128
_is_str = frozenset({str}).__contains__
_is_dict = frozenset({dict}).__contains__


def _flat(members: Any) -> bool:
    """Whether every member is a scalar or an empty container (the C encoder prints it as a
    whole); raises _Unusual for a type the fast path leaves to json.dumps."""
    if all(map(_is_scalar, map(type, members))):  # the usual case, checked in C
        return True
    flat = True
    for member in members:
        kind = type(member)
        if kind is dict or kind is list or kind is tuple:
            if member:
                flat = False
        elif kind not in _SCALARS:
            raise _Unusual
    return flat


def _flat_record(record: dict[Any, Any]) -> bool:
    """A non-empty dict of scalars under str keys."""
    return (
        bool(record)
        and all(map(_is_str, map(type, record)))
        and all(map(_is_scalar, map(type, record.values())))
    )


def _scalar(o: Any) -> str:
    """A scalar as the encoder prints it (exact types only: a subclass goes to `json.dumps`)."""
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    kind = type(o)
    if kind is int:
        return int.__repr__(o)
    if kind is float:
        if o != o:
            return "NaN"
        if o == _INF:
            return "Infinity"
        if o == -_INF:
            return "-Infinity"
        return float.__repr__(o)
    raise _Unusual
