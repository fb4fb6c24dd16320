"""`core.tuples.NamedTuple` builds the class `typing.NamedTuple` builds, without compiling each
field's annotation: every module that uses it is executed again with typing's, and each of its
classes compared member by member and instance by instance."""

from __future__ import annotations

import importlib
import pickle
import sys
import types
import typing
from pathlib import Path
from typing import Any

import pytest

import golive_tui
from golive_tui.core import tuples

_SRC = Path(golive_tui.__file__).parent
_USE = "from golive_tui.core.tuples import NamedTuple"
USERS = sorted(
    ".".join(("golive_tui", *path.relative_to(_SRC).with_suffix("").parts))
    for path in _SRC.rglob("*.py")
    if _USE in path.read_text(encoding="utf-8")
)


def _with_typing(name: str) -> types.ModuleType:
    """Module `name` executed again from its source with typing's NamedTuple."""
    path = Path(str(importlib.import_module(name).__file__))
    source = path.read_text(encoding="utf-8").replace(_USE, "from typing import NamedTuple")
    module = types.ModuleType(name)
    module.__file__ = str(path)
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def _tuple_classes(module: types.ModuleType) -> dict[str, type]:
    return {
        key: value
        for key, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, tuple)
        and hasattr(value, "_fields")
        and value.__module__ == module.__name__
    }


def _members(cls: type) -> dict[str, object]:
    # __slotnames__: cached on the class by copyreg once an instance was pickled or copied.
    skip = {
        "__annotations__",
        "__orig_bases__",
        "__new__",
        "__doc__",
        "__module__",
        "__slotnames__",
    }
    return {k: v for k, v in vars(cls).items() if k not in skip and not k.startswith("_field")}


def _defaults(cls: type) -> dict[str, object]:
    """Field defaults, a function by its name (the module executed again made new ones)."""
    found: dict[str, object] = cls._field_defaults  # type: ignore[attr-defined]
    return {k: v.__qualname__ if isinstance(v, types.FunctionType) else v for k, v in found.items()}


def test_the_modules_using_it_are_found() -> None:
    assert "golive_tui.core.scan.report" in USERS and "golive_tui.core.evidence" in USERS


@pytest.mark.parametrize("name", USERS)
def test_each_class_is_the_one_typing_builds(name: str) -> None:
    ours = _tuple_classes(importlib.import_module(name))
    theirs = _tuple_classes(_with_typing(name))
    assert ours and ours.keys() == theirs.keys()
    for key, cls in ours.items():
        other = theirs[key]
        assert cls._fields == other._fields, key  # type: ignore[attr-defined]
        assert _defaults(cls) == _defaults(other), key
        assert cls.__doc__ == other.__doc__ or other.__doc__.startswith(f"{key}("), key
        assert cls.__qualname__ == other.__qualname__ and cls.__module__ == name, key
        assert list(cls.__annotations__) == list(other.__annotations__), key
        mine, typed = _members(cls), _members(other)
        assert mine.keys() == typed.keys(), (key, mine.keys() ^ typed.keys())
        for member, value in mine.items():
            assert type(value) is type(typed[member]), (key, member)


def test_instances_behave_as_typings_do() -> None:
    source = (
        "from __future__ import annotations\n"
        "class Point(NamedTuple):\n"
        '    """A point."""\n'
        "    x: int\n"
        "    y: int | None = None\n"
        "    tags: tuple[str, ...] = ()\n"
        "    def moved(self, by: int) -> Point:\n"
        "        return self._replace(x=self.x + by)\n"
    )
    built: dict[str, Any] = {}
    for kind, base in (("ours", tuples.NamedTuple), ("typing", typing.NamedTuple)):
        namespace: dict[str, Any] = {"NamedTuple": base, "__name__": __name__}
        exec(source, namespace)
        built[kind] = namespace["Point"]
    for cls in built.values():
        p = cls(1)
        assert p == (1, None, ()) and p.moved(2) == (3, None, ())
        assert p._asdict() == {"x": 1, "y": None, "tags": ()} and hash(p) == hash((1, None, ()))
        assert repr(cls(1, 2, ("a",))) == "Point(x=1, y=2, tags=('a',))"
        with pytest.raises(TypeError):
            cls()
    sys.modules[__name__].Point = built["ours"]  # type: ignore[attr-defined]  # for pickle
    try:
        point = built["ours"](4, 5)
        assert pickle.loads(pickle.dumps(point)) == point
    finally:
        del sys.modules[__name__].Point  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("    a: int = 1\n    b: int\n", TypeError),  # a field without default after one with
        ("    a: int\n    def _replace(self): ...\n", AttributeError),
    ],
)
def test_what_typing_refuses_is_refused(body: str, error: type[Exception]) -> None:
    for base in (tuples.NamedTuple, typing.NamedTuple):
        with pytest.raises(error):
            exec(f"class Bad(NamedTuple):\n{body}", {"NamedTuple": base, "__name__": __name__})


def test_it_is_only_a_base_class() -> None:
    with pytest.raises(TypeError):
        tuples.NamedTuple("X", [("a", int)])
