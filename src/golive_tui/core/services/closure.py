"""The code a service ships: the repository packages its `main` package imports, transitively.

An import resolves to a repository directory through the modules the main package's build can
see: its own module, that module's `replace` directives to local directories, and the modules
go.work uses (a module elsewhere in the repository that is neither is fetched at a published
version, so its local copy is not what ships). Each package is visited once, so the work is
bounded by the number of Go directories.

Build constraints: files under `//go:build ignore` never count; a file the deploy target's build
leaves out (`_windows.go`, `//go:build windows`: `for_target`, core/scan/buildtags.py) is not
compiled, so neither it nor what only it imports ships. A constraint that cannot be read keeps
the file (unsure never hides code).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from golive_tui.core.scan import buildtags
from golive_tui.core.services.packages import GoFile, Module, PackageIndex
from golive_tui.core.tuples import NamedTuple

#: Whether a file is compiled for the deploy target (the seam for build-tag evaluation).
FileFilter = Callable[[GoFile], bool]


def every_file(_: GoFile) -> bool:
    return True


def for_target(target: buildtags.Target) -> FileFilter:
    """The files `target`'s build compiles (file name suffixes and `//go:build`)."""

    def keep(f: GoFile) -> bool:
        if not buildtags.name_matches(f.path, target):
            return False
        if f.constraint is None:
            return True
        return buildtags.evaluate(f.constraint, target) is not False

    return keep


class Closure(NamedTuple):
    """The packages (directories) and Go files a main package's build compiles."""

    # A NamedTuple, not a frozen dataclass: no dataclasses import on a cold scan (packages.py).

    main: str
    packages: frozenset[str]
    files: frozenset[str]


def visible_modules(index: PackageIndex, main: str) -> list[tuple[str, str]]:
    """(module path, directory) pairs a build of `main` resolves locally, longest path first."""
    own = index.module_of(main)
    pairs: dict[str, str] = {}
    if own is not None:
        pairs[own.path] = own.dir
        for path, local in own.replaces:
            pairs.setdefault(path, local)
    if index.work_uses and own is not None and own.dir in index.work_uses:
        for use in index.work_uses:
            module = index.modules.get(use)
            if module is not None:
                pairs.setdefault(module.path, module.dir)
    return sorted(pairs.items(), key=lambda p: -len(p[0]))


def resolve(index: PackageIndex, modules: list[tuple[str, str]], import_path: str) -> str | None:
    """The repository directory an import path names, or None (standard library, external)."""
    for module_path, directory in modules:
        if import_path == module_path:
            rest = ""
        elif import_path.startswith(module_path + "/"):
            rest = import_path[len(module_path) + 1 :]
        else:
            continue
        target = posixpath.normpath(posixpath.join(directory, rest)) if rest else directory
        if target not in index.files:
            return None
        owner: Module | None = index.module_of(target)
        if owner is None or owner.dir != directory:  # a nested module: not this module's code
            return None
        return target
    return None


def closure(index: PackageIndex, main: str, keep: FileFilter = every_file) -> Closure:
    """Every repository package `main` imports, directly or not, and their compiled files."""
    modules = visible_modules(index, main)
    resolved: dict[str, str | None] = {}  # the same imports recur in every file
    seen = {main}
    todo = [main]
    files: set[str] = set()
    while todo:
        directory = todo.pop()
        for f in index.files.get(directory, ()):
            if f.ignored or not keep(f):
                continue
            files.add(f.path)
            for imported in f.imports:
                if imported in resolved:
                    target = resolved[imported]
                else:
                    target = resolved[imported] = resolve(index, modules, imported)
                if target is not None and target not in seen:
                    seen.add(target)
                    todo.append(target)
    return Closure(main, frozenset(seen), frozenset(files))
