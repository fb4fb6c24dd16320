"""`NamedTuple` for golive's value types, without typing's checks at import.

`class X(NamedTuple)` from `typing` turns every field's annotation (a string, under
`from __future__ import annotations`) into a ForwardRef and compiles it: ~14 µs a field, and
a warm scan of moby that misses the memo defines ~300 such fields (~4 ms of its ~0.12 s).
Built here as `collections.namedtuple` from the fields, defaults, methods and docstring
written in the class body, annotations kept as written: the same class
(tests/core/test_tuples.py compares both). Type checkers see `typing.NamedTuple`.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    # What typing.NamedTuple leaves out of the class too; it sets everything else in the body.
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})
    # What a class body may not set (typing.NamedTuple refuses them too).
    _PROHIBITED = frozenset(
        {
            "__new__",
            "__init__",
            "__slots__",
            "__getnewargs__",
            "_fields",
            "_field_defaults",
            "_make",
            "_replace",
            "_asdict",
            "_source",
        }
    )

    class _Meta(type):
        def __new__(mcs, name: str, bases: tuple[type, ...], ns: dict[str, Any]) -> Any:
            annotations: dict[str, Any] = ns.get("__annotations__", {})
            fields = list(annotations)
            defaults = [ns[f] for f in fields if f in ns]
            if len(defaults) != len([f for f in fields[len(fields) - len(defaults) :] if f in ns]):
                raise TypeError(f"{name}: a field without a default follows one with a default")
            cls = collections.namedtuple(name, fields, defaults=defaults, module=ns["__module__"])
            cls.__annotations__ = cls.__new__.__annotations__ = dict(annotations)
            for key, value in ns.items():
                if key in _PROHIBITED:
                    raise AttributeError(f"{name}: cannot overwrite NamedTuple attribute {key}")
                if key not in _SPECIAL and key not in fields:
                    setattr(cls, key, value)
            return cls

    _BASE = type.__new__(_Meta, "_NamedTuple", (), {})

    def NamedTuple(*args: Any, **kwargs: Any) -> Any:
        raise TypeError("only as a base class here: class X(NamedTuple)")

    NamedTuple.__mro_entries__ = lambda bases: (_BASE,)
