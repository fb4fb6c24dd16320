"""ast-grep's classes, from its extension module alone.

`import ast_grep_py` runs the package's `__init__`, which builds a dozen rule TypedDicts with
typing before it hands over the two classes the extension module defines; the Go family uses
the classes only (a rule is a plain dict). Loading the extension module by its own spec skips
that: 1.8 -> 1.1 ms in a scan that extracts a Go file (one edited file included; a warm scan
loads neither), 2.9 -> 1.0 ms in a fresh interpreter. The same module object and classes:
importing the package afterwards (a team's own rules do) finds it in `sys.modules`. Type checkers see the package.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ast_grep_py import Config as Config
    from ast_grep_py import SgNode as SgNode
    from ast_grep_py import SgRoot as SgRoot
else:
    from types import ModuleType

    _NAME = "ast_grep_py.ast_grep_py"

    def _extension() -> ModuleType:
        """The extension module, loaded without its package when it can be found beside it;
        otherwise the package itself, imported as usual (a release that renamed its extension
        module still works, only without the saving)."""
        loaded = sys.modules.get(_NAME)
        if loaded is not None:
            return loaded
        import importlib.machinery
        import importlib.util

        package = importlib.util.find_spec("ast_grep_py")  # found, not imported
        for folder in (package.submodule_search_locations or ()) if package else ():
            finder = importlib.machinery.FileFinder(
                folder,
                (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES),
            )
            spec = finder.find_spec(_NAME)
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            sys.modules[_NAME] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[_NAME]
                raise
            return module
        import ast_grep_py  # the package as published, whatever its extension is named

        return ast_grep_py

    _module = _extension()
    SgNode = _module.SgNode
    SgRoot = _module.SgRoot
    Config = dict  # a TypedDict where types are checked: `cast(Config, {...})` is the dict
